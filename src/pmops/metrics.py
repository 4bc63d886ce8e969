"""Metrics: definitions in markdown, values over time in a CSV beside each, and their tree."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pmops import dates, ids
from pmops.documents import RawFile
from pmops.errors import DocumentError, InvalidInput
from pmops.kb.records import shown
from pmops.kb.transaction import Change

if TYPE_CHECKING:
    from pathlib import Path

    from pmops.kb import KnowledgeBase, Record

SPARK = "▁▂▃▄▅▆▇█"
# Days a cadence allows between two values: the longest such period (a month of 31 days), so a value
# is called stale only when it is certainly late.
CADENCE_DAYS = {"daily": 1, "weekly": 7, "biweekly": 14, "monthly": 31, "quarterly": 92, "yearly": 366}


def find_metric(kb: KnowledgeBase, name: str) -> Record:
    return kb.find(name, "metric")


def values_path(kb: KnowledgeBase, record: Record) -> Path:
    return (kb.root / record.path).with_suffix(".csv")


@dataclass(frozen=True)
class Row:
    """One line of a metric's CSV: its date and value, or what is wrong with it."""

    line: int
    date: dt.date | None
    value: float | None
    text: str
    blank: bool = False  # a day with its value left empty ('2026-11-16,'): no value that day, not an error

    @property
    def problem(self) -> str | None:
        if self.blank or (self.date is not None and self.value is not None):
            return None
        return f"not a 'date,value' row: {self.text[:40]}"


def rows(kb: KnowledgeBase, record: Record) -> list[Row]:
    """Every value row of the CSV beside a metric, as written (the header and blank lines left out).

    A file that is not UTF-8 text is a DocumentError.
    """
    path = values_path(kb, record)
    if not path.exists():
        return []
    try:
        lines = list(csv.reader(io.StringIO(kb.read_bytes(path).decode("utf-8"))))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DocumentError(kb.rel(path), f"not a CSV file of date,value rows ({exc.__class__.__name__})") from None
    found = []
    for number, cells in enumerate(lines, 1):
        if not cells or (number == 1 and cells[:1] == ["date"]):
            continue
        try:
            day, value = dt.date.fromisoformat(cells[0]), float(cells[1])
        except (IndexError, ValueError):
            day = value = None
        if value is not None and (not math.isfinite(value) or len(cells) > 2):
            day = value = None
        blank = value is None and _is_day(cells[0]) and len(cells) <= 2 and not "".join(cells[1:]).strip()
        found.append(
            Row(number, dt.date.fromisoformat(cells[0].strip()) if blank else day, value, ",".join(cells), blank)
        )
    return found


def _is_day(text: str) -> bool:
    try:
        dt.date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def pairs(found: list[Row]) -> list[tuple[dt.date, float]]:
    """The (date, value) pairs of the rows that have both, oldest first — the one rule every reader of a
    metric's values follows: a day given twice counts its later row (a correction appended by hand or an
    export, as `metric record` replaces a day's value), and a day left empty is no value that day."""
    by_day: dict[dt.date, float] = {}
    for row in found:
        if row.date is not None and row.value is not None:
            by_day[row.date] = row.value
    return sorted(by_day.items())


def read_values(kb: KnowledgeBase, record: Record) -> list[tuple[dt.date, float]]:
    """The (date, value) pairs, sorted (see `pairs`); a row that is not one is an error naming its line."""
    return pairs(_readable(kb, record))


def _readable(kb: KnowledgeBase, record: Record) -> list[Row]:
    found = rows(kb, record)
    for row in found:
        if row.problem:
            raise DocumentError(kb.rel(values_path(kb, record)), row.problem, line=row.line)
    return found


def _csv(rows: list[tuple[dt.date, float]]) -> bytes:
    out = io.StringIO()
    out.write("date,value\n")
    for day, value in rows:
        out.write(f"{day.isoformat()},{int(value) if value.is_integer() else value}\n")
    return out.getvalue().encode("utf-8")


def record_value(kb: KnowledgeBase, name: str, value: str, day: str | None = None, *, commit: bool | None = None,
                 today: dt.date | None = None) -> tuple[Record, dt.date, float, str | None]:  # fmt: skip
    """Add (or replace) the value for a day (not after today), and commit the CSV."""
    try:
        number = float(value)
    except ValueError:
        number = math.nan  # said below, as nan is
    if not math.isfinite(number):
        raise InvalidInput(f'VALUE must be a number, e.g. pmops metric record "{name}" 4210')
    today = today or dt.date.today()
    try:
        when = dates.parse(day, toward="past") if day else today
    except ValueError as exc:
        raise InvalidInput(f"--date: {exc}") from None
    if when > today:
        raise InvalidInput(f"--date: {when} is in the future (today is {today}): a value is recorded once measured")
    record = find_metric(kb, name)
    path = values_path(kb, record)
    before_rows = read_values(kb, record)
    by_day = dict(before_rows)
    by_day[when] = number
    before = RawFile(kb.rel(path), kb.read_bytes(path)) if path.exists() else None
    after = RawFile(kb.rel(path), _csv(sorted(by_day.items())))
    sha = kb.write(
        [Change(path, before, after)], f'pmops: record {record.id} "{record.title}" {when} = {value}', commit=commit
    )
    return record, when, number, sha


@dataclass
class MetricView:
    """A metric seen on a day: its values up to that day, the ones dated later (left out), status, staleness."""

    record: object  # kb.Record
    values: list[tuple[dt.date, float]]  # dated today or before, oldest first
    children: list = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)
    future: list[tuple[dt.date, float]] = field(default_factory=list)  # dated after today: not counted anywhere
    problem: str | None = None  # why its values could not be read (a listing goes on without them)
    gaps: list[Row] = field(default_factory=list)  # rows giving a day with no value ('2026-11-16,'): skipped

    @property
    def latest(self) -> tuple[dt.date, float] | None:
        return self.values[-1] if self.values else None

    @property
    def trend(self) -> float | None:
        """Change of the latest value against the one four records before (about a month of weeks)."""
        if len(self.values) < 2:
            return None
        return round(
            self.values[-1][1] - self.values[max(0, len(self.values) - 5)][1], 10
        )  # no float noise (0.1 not 0.0999…)

    @property
    def down_is_good(self) -> bool:
        return self.record.values.get("direction") == "down"

    @property
    def on_target(self) -> bool | None:
        """At or above the target (at or below it when lower is better); None without a target or a value."""
        target, latest = self.record.values.get("target"), self.latest
        if target is None or latest is None:
            return None
        return latest[1] <= target if self.down_is_good else latest[1] >= target

    @property
    def status(self) -> str | None:
        """'on target', 'below target', or 'above target (lower is better)'; None without a target or a value."""
        if self.on_target is None:
            return None
        if self.on_target:
            return "on target"
        return "above target (lower is better)" if self.down_is_good else "below target"

    @property
    def age(self) -> int | None:
        """Days from the latest value to today."""
        return (self.today - self.latest[0]).days if self.latest else None

    @property
    def period(self) -> int | None:
        """Days the metric's cadence allows between values; None without a cadence."""
        return CADENCE_DAYS.get(str(self.record.values.get("cadence")))

    @property
    def quiet(self) -> int | None:
        """Days without a value: since the latest, or, with none yet, since the metric was made (its id's day)."""
        if self.age is not None:
            return self.age
        made = ids.day_of(self.record.id)
        return (self.today - made).days if made and made <= self.today else None

    @property
    def stale(self) -> bool | None:
        """Whether the latest value is more than one cadence period old — or, with no value yet, the metric
        was made more than one period ago; None without a cadence (or a day to count from)."""
        if self.period is None or self.quiet is None:
            return None
        return self.quiet > self.period

    def sparkline(self, width: int = 26) -> str:
        points = [v for _, v in self.values[-width:]]
        if not points:
            return ""
        low, high = min(points), max(points)
        span = (high - low) or 1.0
        return "".join(SPARK[int((p - low) / span * (len(SPARK) - 1))] for p in points)

    def figures(self) -> dict:
        """What pmops derives from the values (a listing's extra keys)."""
        latest = self.latest
        return {"latest": {"date": latest[0].isoformat(), "value": latest[1]} if latest else None,
                "trend": self.trend, "on_target": self.on_target, "status": self.status,
                "stale": self.stale, "days_since_latest": self.age,
                "future": [{"date": d.isoformat(), "value": v} for d, v in self.future],
                **({"problem": self.problem} if self.problem else {}),
                **({"no_value_on": [r.date.isoformat() for r in self.gaps]} if self.gaps else {})}  # fmt: skip

    def to_json(self) -> dict:
        return {**self.record.to_json(), "values": [{"date": d.isoformat(), "value": v} for d, v in self.values],
                **self.figures(), "children": [c.id for c in self.children]}  # fmt: skip


def view(kb: KnowledgeBase, name: str, today: dt.date | None = None) -> MetricView:
    """A metric on a day (default today): values dated later are set apart, never counted as the latest."""
    return _view(kb, find_metric(kb, name), list(kb.records(kb.doctype("metric"))), today or dt.date.today())


def views(kb: KnowledgeBase, today: dt.date | None = None, archived: bool | None = False) -> list[MetricView]:
    """Every metric on a day, by name (archived ones as Catalog.select says)."""
    records = sorted(kb.records(kb.doctype("metric")), key=lambda r: r.title.casefold())
    return [_view(kb, r, records, today or dt.date.today(), listing=True) for r in shown(records, archived)]


def _view(
    kb: KnowledgeBase, record: Record, metrics: list[Record], today: dt.date, *, listing: bool = False
) -> MetricView:
    children = [r for r in metrics if r.values.get("parent") == record.id]
    try:
        found = _readable(kb, record)
    except DocumentError as exc:
        if not listing:
            raise
        return MetricView(record, [], children, today, problem=str(exc))
    values = pairs(found)
    return MetricView(record, [v for v in values if v[0] <= today], children, today,
                      [v for v in values if v[0] > today], gaps=[r for r in found if r.blank and r.date <= today])  # fmt: skip
