"""Metrics: definitions in markdown, values over time in a CSV beside each, and their tree."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from pmops.documents import RawFile
from pmops.errors import Conflict, DocumentError, InvalidInput, NotFound

SPARK = "▁▂▃▄▅▆▇█"


def find_metric(kb, name: str):  # noqa: ANN001, ANN201 - kb.Record
    return kb.find_named("metric", name)


def add(kb, values: dict, *, commit: bool | None = None):  # noqa: ANN001, ANN201 - kb.Created
    values = dict(values)
    if values.get("parent"):
        try:
            values["parent"] = find_metric(kb, values["parent"]).id
        except NotFound:
            raise NotFound(f"--parent {values['parent']}: no such metric") from None
    name = str(values.get("name") or "").strip()
    if name and kb.named("metric", name):
        raise Conflict(f"a metric named '{name}' already exists")
    return kb.create("metric", values, commit=commit)


def values_path(kb, record):  # noqa: ANN001, ANN201 - Path
    return (kb.root / record.path).with_suffix(".csv")


def read_values(kb, record) -> list[tuple[dt.date, float]]:  # noqa: ANN001
    path = values_path(kb, record)
    if not path.exists():
        return []
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))), 1):
        if number == 1 and row[:1] == ["date"]:
            continue
        try:
            rows.append((dt.date.fromisoformat(row[0]), float(row[1])))
        except (IndexError, ValueError):
            raise DocumentError(kb.rel(path), f"not a 'date,value' row: {','.join(row)[:40]}", line=number) from None
    return sorted(rows)


def _csv(rows: list[tuple[dt.date, float]]) -> bytes:
    out = io.StringIO()
    out.write("date,value\n")
    for day, value in rows:
        out.write(f"{day.isoformat()},{int(value) if value.is_integer() else value}\n")
    return out.getvalue().encode("utf-8")


def record_value(kb, name: str, value: str, day: str | None = None, *, commit: bool | None = None):  # noqa: ANN001, ANN201
    """Add (or replace) the value for a day, and commit the CSV."""
    try:
        number = float(value)
    except ValueError:
        raise InvalidInput(f"'{value}' is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidInput(f"'{value}' is not a finite number")
    try:
        when = dt.date.fromisoformat(day) if day else dt.date.today()
    except ValueError:
        raise InvalidInput(f"--date: '{day}' is not a date (YYYY-MM-DD)") from None
    record = find_metric(kb, name)
    path = values_path(kb, record)
    before_rows = read_values(kb, record)
    rows = dict(before_rows)
    rows[when] = number
    before = RawFile(kb.rel(path), path.read_bytes()) if path.exists() else None
    after = RawFile(kb.rel(path), _csv(sorted(rows.items())))
    sha = kb.write([(path, before, after)], f'pmops: record {record.id} "{record.title}" {when} = {value}', commit=commit)
    return record, when, number, sha


@dataclass
class MetricView:
    record: object  # kb.Record
    values: list[tuple[dt.date, float]]
    children: list = field(default_factory=list)

    @property
    def latest(self) -> tuple[dt.date, float] | None:
        return self.values[-1] if self.values else None

    @property
    def trend(self) -> float | None:
        """Change of the latest value against the one four records before (about a month of weeks)."""
        if len(self.values) < 2:
            return None
        return self.values[-1][1] - self.values[max(0, len(self.values) - 5)][1]

    @property
    def on_target(self) -> bool | None:
        target, latest = self.record.values.get("target"), self.latest
        if target is None or latest is None:
            return None
        return latest[1] >= target if self.record.values.get("direction", "up") == "up" else latest[1] <= target

    def sparkline(self, width: int = 26) -> str:
        points = [v for _, v in self.values[-width:]]
        if not points:
            return ""
        low, high = min(points), max(points)
        span = (high - low) or 1.0
        return "".join(SPARK[int((p - low) / span * (len(SPARK) - 1))] for p in points)

    def to_json(self) -> dict:
        latest = self.latest
        return {**self.record.to_json(), "values": [{"date": d.isoformat(), "value": v} for d, v in self.values],
                "latest": {"date": latest[0].isoformat(), "value": latest[1]} if latest else None,
                "trend": self.trend, "on_target": self.on_target,
                "children": [c.id for c in self.children]}  # fmt: skip


def view(kb, name: str) -> MetricView:  # noqa: ANN001
    record = find_metric(kb, name)
    children = [r for r in kb.records(kb.doctype("metric")) if r.values.get("parent") == record.id]
    return MetricView(record, read_values(kb, record), children)
