"""Metrics: definitions in markdown, values over time in a CSV beside each, and their tree."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from pmops import amounts, dates, ids, metric_csv
from pmops.documents import RawFile
from pmops.errors import DocumentError, InvalidInput
from pmops.kb.records import shown
from pmops.kb.transaction import Change
from pmops.metric_csv import Layout, Row, pairs

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
    """The CSV beside the metric's document (its name, .csv). When there is none there and the document was
    moved or renamed by hand (git mv) without it, the values file named by the metric's id (`ID-….csv`, as
    the document is) left in the metrics folder or beside the document: read there meanwhile (lint's
    values-orphaned says the git mv that puts it back beside its document)."""
    beside = (kb.root / record.path).with_suffix(".csv")
    if beside.exists() or not record.id:
        return beside
    metric_folder = kb.root / kb.doctype("metric").folder
    found = [*beside.parent.glob(f"{record.id}-*.csv"), *beside.parent.glob(f"{record.id}.csv")]
    if metric_folder != kb.root and metric_folder.is_dir():
        found += [*metric_folder.rglob(f"{record.id}-*.csv"), *metric_folder.rglob(f"{record.id}.csv")]
    for path in sorted(set(found)):
        if path.is_file() and not path.with_suffix(".md").exists():
            return path
    return beside


def rows(kb: KnowledgeBase, record: Record) -> list[Row]:
    """Every value row of the CSV beside a metric, as written (the header and blank lines left out), each
    read by `row`. A file that is not UTF-8 text is a DocumentError."""
    path = values_path(kb, record)
    if not path.exists():
        return []
    return metric_csv.parse(kb.read_bytes(path), kb.rel(path))[0]


def read_values(kb: KnowledgeBase, record: Record) -> list[tuple[dt.date, float]]:
    """The (date, value) pairs, sorted (see `metric_csv.pairs`): a row that cannot be read is left out, the others
    count (lint's metric-value-invalid names it); a file that is not text is a DocumentError."""
    return metric_csv.pairs(rows(kb, record))


def _readable(kb: KnowledgeBase, record: Record) -> tuple[list[Row], Layout]:
    """The rows, every one of them read, and the file's layout: what `metric record` writes back, so that
    no row is lost."""
    path = values_path(kb, record)
    if not path.exists():
        return [], Layout(header="date,value")
    found, layout = metric_csv.parse(kb.read_bytes(path), kb.rel(path))
    if not found and layout.header is None:  # an empty file: written as a new one is
        layout = Layout(header="date,value", newline=layout.newline)
    for row in found:
        if row.problem:
            raise DocumentError(
                kb.rel(path),
                f"{row.problem}: {row.fix} before recording a value (metric record writes every row back)",
                line=row.line,
            )
    return found, layout


def record_value(kb: KnowledgeBase, name: str, value: str, day: str | None = None, *, commit: bool | None = None,
                 today: dt.date | None = None
                 ) -> tuple[Record, dt.date, float, str | None, str | None, float | None]:  # fmt: skip
    """Add (or replace) the value for a day (not after today), and commit the CSV: the metric, the day,
    the value, the commit, and a warning when the value is doubtful (`doubt`: a ratio in a % metric, 10× off
    every recent value, beyond any measure), and the day's value it replaced, if any. A
    value no metric of its unit can have (`out_of_range`: 150 in %) is exit 2, nothing written."""
    try:  # read as the values file reads a cell: 4,700, 99.7%, 5k (amounts.figure)
        number = float(amounts.figure(value))
    except amounts.NotAFigure as exc:  # 99,9: 99.9 or 999? never guessed
        raise InvalidInput(f"VALUE: {exc}", hint=f'e.g. pmops metric record "{name}" {exc.instead}') from None
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
    found, layout = _readable(kb, record)
    known = pairs(found)
    impossible = out_of_range(record, number, [v for _, v in known])
    if impossible:
        raise InvalidInput(f"VALUE: {impossible}", hint=f'e.g. pmops metric record "{record.title}" 99.5')
    before = RawFile(kb.rel(path), kb.read_bytes(path)) if path.exists() else None
    data = metric_csv.written(found, layout, when, number)
    if before is not None and before.data.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data  # Excel's "CSV UTF-8" keeps its BOM
    after = RawFile(kb.rel(path), data)
    was = dict(known).get(when)  # the day's value replaced, said: a wrong --date overwrites a real value
    replaced = f" (replaced {was:g})" if was is not None and was != number else ""
    sha = kb.write(
        [Change(path, before, after)],
        f'pmops: record {record.id} "{record.title}" {when} = {value}{replaced}',
        commit=commit,
    )
    return record, when, number, sha, doubt(record, number, [v for d, v in known if d < when]), was


def percent(record: Record) -> bool:
    """Whether the metric is counted in % (its unit '%' or 'percent')."""
    return str(record.values.get("unit") or "").strip().casefold() in ("%", "percent")


def out_of_range(record: Record, number: float, values: list[float]) -> str | None:
    """Why `number` cannot be a value (or a target) of the metric, by the one rule for impossible values:
    above 100 or below 0 in a metric counted in % — unless a value of it was ever above 100 (a growth
    rate) or below 0. None when it can be."""
    if not percent(record):
        return None
    if number > 100 and not any(v > 100 for v in values):
        return f"{number:g} is above 100%, and the metric is a percentage: at most 100"
    if number < 0 and not any(v < 0 for v in values):
        return f"{number:g} is below 0%, and the metric is a percentage: 0 or more"
    return None


def doubts(record: Record, values: list[tuple[dt.date, float]]) -> list[tuple[dt.date, str]]:
    """The values `metric record` would refuse or warn about, read in date order (`doubt`). Only the day
    where the series changes is named."""
    found, before = [], []
    for day, value in values:
        said = doubt(record, value, before)
        if said:
            found.append((day, said))
        before.append(value)
    return found


def doubt(record: Record, number: float, before: list[float]) -> str | None:
    """Why a value after the values `before` (oldest first) is doubtful — the one rule of `metric record`'s
    warning, lint's metric-value-range, `metric show` and the digest: one no % metric can have
    (out_of_range), a ratio among percentages (ratio), a value beyond any measure (a thousand billion or
    more), or one 10× above or below every one of the last four, all 10 or more (47000 after about 4,700: a
    zero too many?).
    None when it is not."""
    if before and (said := out_of_range(record, number, before)):
        return said
    if said := ratio(record, number, before[-1] if before else None):
        return said
    if abs(number) >= 1e12:
        return f"{number:g}: a value beyond any measure (a typo?)"
    recent = before[-4:]
    if number > 0 and recent and min(recent) >= 10:  # small counts (1 → 12) jump tenfold as they are
        if number >= 10 * max(recent):
            return (
                f"{number:g}: 10 times or more every recent value (the value before: {recent[-1]:g}): a zero too many?"
            )
        if number <= min(recent) / 10:
            return f"{number:g}: a tenth or less of every recent value (the value before: {recent[-1]:g}): a digit missing?"
    return None


def ratio(record: Record, number: float, before: float | None) -> str | None:
    """A warning for a value of a % metric written as a ratio (0.995 after 99.4: 99.5 meant?): at most 1
    (and not below 0) where the value before it is 10 or more. None otherwise."""
    if percent(record) and before is not None and before >= 10 and 0 <= number <= 1:
        return (f"{number:g}: a ratio? the metric is a percentage (the value before: {before:g}): "
                f"write {metric_csv.as_written(round(number * 100, 10))}")  # fmt: skip
    return None


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
    unreadable: list[Row] = field(default_factory=list)  # rows that cannot be read (99,7): left out, the rest read
    # more rows cannot be read than can (metric_csv.mostly_unreadable): no status, trend or staleness is judged
    # from the few read, as decision review gives no verdict from them
    mostly_unreadable: bool = False

    @property
    def latest(self) -> tuple[dt.date, float] | None:
        return self.values[-1] if self.values else None

    @cached_property
    def doubts(self) -> list[tuple[dt.date, str]]:
        """Doubtful values, by day (`doubt`: lint's metric-value-range)."""
        return doubts(self.record, self.values)  # type: ignore[arg-type]

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
                **({"doubtful": [{"date": d.isoformat(), "problem": why} for d, why in self.doubts]}
                   if self.doubts else {}),
                **({"no_value_on": [r.date.isoformat() for r in self.gaps]} if self.gaps else {}),
                **({"unreadable_rows": [{"line": r.line, "row": r.text, "problem": r.problem, "fix": r.fix}
                                        for r in self.unreadable]} if self.unreadable else {})}  # fmt: skip

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
        found = rows(kb, record)
    except DocumentError as exc:
        if not listing:
            raise
        return MetricView(record, [], children, today, problem=str(exc))
    values = pairs(found)
    return MetricView(record, [v for v in values if v[0] <= today], children, today,
                      [v for v in values if v[0] > today], gaps=[r for r in found if r.blank and r.date <= today],
                      unreadable=[r for r in found if r.problem],
                      mostly_unreadable=metric_csv.mostly_unreadable(found))  # fmt: skip
