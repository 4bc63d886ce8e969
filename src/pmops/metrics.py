"""Metrics: definitions in markdown, values over time in a CSV beside each, and their tree."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pmops import amounts, dates, ids
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


# What a hand-kept sheet or an export writes in a value cell for "no value that day", as an empty cell says it.
NO_VALUE = ("", "n/a", "na", "-", "–", "—", "none", "null")


@dataclass(frozen=True)
class Row:
    """One line of a metric's CSV: its date and value, or what is wrong with it (the row is then left out,
    the others are read)."""

    line: int
    date: dt.date | None
    value: float | None
    text: str
    blank: bool = False  # a day with no value ('2026-11-16,', '2026-11-16,n/a'): no value that day, not an error
    problem: str | None = None  # why it cannot be read: left out by every reader
    fix: str | None = None  # what to write instead: 'write 2026-11-16,99.7' (with a problem, or read leniently)
    lenient: bool = False  # read, though not as pmops writes it (99.7%, 1,234, 16 Nov 2026): `fix` says how
    raw: str = ""  # the line as written (its quotes, separator, extra columns): what metric record keeps


@dataclass(frozen=True)
class Layout:
    """How a metric's CSV is written, kept when `metric record` writes it back: its separator (',', or ';'
    as a spreadsheet in a European locale saves it, with a decimal comma, or a tab), its line ends (CRLF
    stays CRLF), its header line as written (a BOM, extra columns: date,value,note) and how many columns
    the header names."""

    delimiter: str = ","
    newline: str = "\n"
    header: str | None = None
    columns: int = 2


def rows(kb: KnowledgeBase, record: Record) -> list[Row]:
    """Every value row of the CSV beside a metric, as written (the header and blank lines left out), each
    read by `row`. A file that is not UTF-8 text is a DocumentError."""
    path = values_path(kb, record)
    if not path.exists():
        return []
    return parse(kb.read_bytes(path), kb.rel(path))[0]


def parse(data: bytes, rel: str = "values") -> tuple[list[Row], Layout]:
    """A metric's CSV read as spreadsheets write it: a UTF-8 BOM (Excel's "CSV UTF-8") left out, CRLF or
    LF line ends, the separator of its first line (',' ';' or a tab, whichever comes first: with ';' the
    comma is the decimal mark, 97,3 is 97.3), quoted fields ("outage, 2h"), and columns after the value
    (date,value,note) kept but not read. Lines that are empty or only spaces are skipped."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise DocumentError(rel, f"not a CSV file of date,value rows ({exc.__class__.__name__})") from None
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    first = next((line for line in lines if line.strip()), "")
    found = [(first.find(d), d) for d in (",", ";", "\t") if d in first]
    delimiter = min(found)[1] if found else ","
    layout = Layout(delimiter, "\r\n" if "\r\n" in text else "\n")
    out: list[Row] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            cells = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error as exc:
            raise DocumentError(rel, f"not a CSV file of date,value rows ({exc.__class__.__name__})") from None
        if layout.header is None and not out and cells and cells[0].strip().casefold() == "date":
            columns = len(cells)
            while columns > 2 and not cells[columns - 1].strip():
                columns -= 1
            layout = Layout(delimiter, layout.newline, line, max(2, columns))
            continue
        if layout.columns > 2 and len(cells) > 2:  # date,value,note: the columns after the value are not read
            extra = len(cells) - layout.columns
            cells = cells[: 2 + max(0, extra)]  # more cells than the header: commas unquoted in the date or value
        if delimiter == ";" and len(cells) > 1:
            cells = [cells[0], _decimal_comma(cells[1]), *cells[2:]]
        out.append(row(number, cells, line))
    return out, layout


def _decimal_comma(cell: str) -> str:
    """A value written with a decimal comma in a ';'-separated file (97,3; 1.234,5): with ';' as the
    separator the comma can only be the decimal mark."""
    if re.fullmatch(r"\s*[+-]?\d{1,3}(\.\d{3})+,\d+\s*%?\s*|\s*[+-]?\d*,\d+\s*%?\s*", cell):
        return cell.replace(".", "").replace(",", ".")
    return cell


def row(number: int, cells: list[str], raw: str | None = None) -> Row:
    """One row as people write it: a date (2026-11-16, or 16 Nov 2026, 16/11/2026 when that is one day) and
    a number (99.7, or 99.7%, 1,234, 5k: amounts.figure), or no value that day (an empty cell, n/a, -:
    NO_VALUE). An unquoted comma splits a cell ('Nov 16, 2026', '1,234'): the row is read at the one
    comma that gives a date and a value. Anything else, a decimal comma (99,7) or a date of two readings
    (05/11/2026) among them, is a row that cannot be read, never guessed. `raw` is the line as written."""
    text = ",".join(cells)
    found = _row(number, cells, text)
    return replace(found, raw=text if raw is None else raw)


def _row(number: int, cells: list[str], text: str) -> Row:
    while len(cells) > 2 and not cells[-1].strip():  # an export's empty last column: 2026-11-16,99.7,
        cells = cells[:-1]
    if len(cells) <= 2:  # the fast path: 2026-11-16,99.7 as pmops writes it
        try:
            day, value = dt.date.fromisoformat(cells[0].strip()), float(cells[1]) if len(cells) > 1 else math.nan
        except ValueError:
            pass
        else:
            if math.isfinite(value):
                return Row(number, day, value, text)
    readings, failed = [], []
    for cut in range(1, max(2, len(cells))):
        left, right = ",".join(cells[:cut]).strip(), ",".join(cells[cut:]).strip()
        if not all(re.fullmatch(r"\s*\d{4}\s*", c) or re.search(r"[^\W\d_]", c) for c in cells[1:cut]):
            continue  # a date split by a comma is 'Nov 16, 2026' (a year, or words, after it), never '16, 99'
        day, loose_day, day_why, day_fix = _day(left, right)
        value, loose_value, value_why, instead = _value(right)
        if day is not None and value_why is None:
            readings.append((day, value, loose_day or loose_value))
        elif day is None:
            failed.append((1, day_why, day_fix))
        else:
            fix = (
                f"write {day},{instead}" if instead else f"write a number ({day},4210), or {day}, for no value that day"
            )
            failed.append((0, value_why, fix))
    if len({(d, v) for d, v, _ in readings}) == 1:
        day, value, loose = readings[0]
        if value is None:
            return Row(number, day, None, text, blank=True)
        fix = f"write {day.isoformat()},{_shown(value)}" if loose else None
        return Row(number, day, value, text, fix=fix, lenient=loose)
    if readings:  # two commas give two rows: which one was meant is not guessed
        said = " or ".join(f"{d.isoformat()},{'' if v is None else _shown(v)}" for d, v, _ in readings)
        return Row(number, None, None, text, problem=f"'{text[:40]}' reads two ways", fix=f"write {said}")
    _, why, fix = min(failed, key=lambda f: f[0])  # what is wrong with the value, once a date is read
    return Row(number, None, None, text, problem=why, fix=fix)


def _day(text: str, value: str) -> tuple[dt.date | None, bool, str | None, str | None]:
    """The day a cell names and whether it was read leniently, or why it names none and what to write."""
    try:
        return dt.date.fromisoformat(text), False, None, None
    except ValueError:
        pass
    fix = f"write the day as YYYY-MM-DD, e.g. 2026-11-23,{value or 4210}"
    if not text or dates.relative(text) is not None:  # 'yesterday' in a file: of which day?
        return None, False, f"'{text[:40]}' is not a date", fix
    try:
        return dates.parse(text, toward=None), True, None, None
    except dates.AmbiguousDate as exc:
        first, second = exc.readings
        return None, False, str(exc), f"write {first},{value} or {second},{value}"
    except ValueError as exc:
        return None, False, str(exc), fix


def _value(text: str) -> tuple[float | None, bool, str | None, str | None]:
    """The number a cell gives (None for no value that day) and whether it was read leniently, or why it
    gives none and what it would be written as when that is clear (99,7: 99.7)."""
    if text.casefold() in NO_VALUE:
        return None, False, None, None
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        return (
            (number, False, None, None)
            if math.isfinite(number)
            else (None, False, f"'{text}' is not a finite number", None)
        )
    try:
        return float(amounts.figure(text)), True, None, None
    except amounts.NotAFigure as exc:
        return None, False, str(exc), exc.instead
    except ValueError as exc:
        return None, False, str(exc), None


def lines_said(found: list[Row]) -> str:
    """'line 5', 'lines 5, 6', 'lines 2–54' (a run of more than three said as a span)."""
    numbers = [r.line for r in found]
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    if len(numbers) > 3 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"lines {numbers[0]}–{numbers[-1]}"
    shown = ", ".join(str(n) for n in numbers[:8])
    return f"lines {shown}" + (f" and {len(numbers) - 8} more" if len(numbers) > 8 else "")


def _shown(value: float) -> str:
    """A value as pmops writes it in the CSV: 4210, 99.7."""
    return str(int(value)) if value.is_integer() else repr(value)


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
    """The (date, value) pairs, sorted (see `pairs`): a row that cannot be read is left out, the others
    count (lint's metric-value-invalid names it); a file that is not text is a DocumentError."""
    return pairs(rows(kb, record))


def _readable(kb: KnowledgeBase, record: Record) -> tuple[list[Row], Layout]:
    """The rows, every one of them read, and the file's layout: what `metric record` writes back, so that
    no row is lost."""
    path = values_path(kb, record)
    if not path.exists():
        return [], Layout(header="date,value")
    found, layout = parse(kb.read_bytes(path), kb.rel(path))
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


def _csv(found: list[Row], layout: Layout, when: dt.date, number: float) -> bytes:
    """The file written back with `number` on `when`: one line a day (a day given twice keeps its later
    row, as `pairs` reads it), by day, every other line as it was written (its notes, quotes, format),
    in the file's own layout (separator, decimal mark, line ends, header with its BOM)."""
    shown = _shown(number)
    if layout.delimiter == ";":
        shown = shown.replace(".", ",")
    new = f"{when.isoformat()}{layout.delimiter}{shown}"
    by_day: dict[dt.date, str] = {}
    for row in found:
        if row.date is None or row.value is None:
            continue  # a day with no value: its row is dropped, as pairs never counts it
        by_day[row.date] = row.raw
    old = next((r for r in reversed(found) if r.date == when and r.value is not None), None)
    if layout.columns > 2:  # the columns after the value: the day's own kept (its note), else left empty
        extra = layout.columns - 2
        cells = next(csv.reader([old.raw], delimiter=layout.delimiter), []) if old is not None else []
        kept = cells[max(2, len(cells) - extra) :]  # more cells than the header: commas unquoted before them
        out = io.StringIO()
        csv.writer(out, delimiter=layout.delimiter, lineterminator="").writerow(kept + [""] * (extra - len(kept)))
        new += layout.delimiter + (out.getvalue() if any(kept) else layout.delimiter * (extra - 1))  # not '""'
    by_day[when] = new
    lines = ([layout.header] if layout.header is not None else []) + [by_day[d] for d in sorted(by_day)]
    return (layout.newline.join(lines) + layout.newline).encode("utf-8")


def record_value(kb: KnowledgeBase, name: str, value: str, day: str | None = None, *, commit: bool | None = None,
                 today: dt.date | None = None) -> tuple[Record, dt.date, float, str | None, str | None]:  # fmt: skip
    """Add (or replace) the value for a day (not after today), and commit the CSV: the metric, the day,
    the value, the commit, and a warning when the value looks like a ratio in a % metric (`ratio`). A
    value no metric of its unit can have (`out_of_range`: 150 in %) is exit 2, nothing written."""
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
    found, layout = _readable(kb, record)
    known = pairs(found)
    impossible = out_of_range(record, number, [v for _, v in known])
    if impossible:
        raise InvalidInput(f"VALUE: {impossible}", hint=f'e.g. pmops metric record "{record.title}" 99.5')
    before = RawFile(kb.rel(path), kb.read_bytes(path)) if path.exists() else None
    data = _csv(found, layout, when, number)
    if before is not None and before.data.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data  # Excel's "CSV UTF-8" keeps its BOM
    after = RawFile(kb.rel(path), data)
    sha = kb.write(
        [Change(path, before, after)], f'pmops: record {record.id} "{record.title}" {when} = {value}', commit=commit
    )
    earlier = [v for d, v in known if d < when]
    return record, when, number, sha, ratio(record, number, earlier[-1] if earlier else None)


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
    """The values of a % metric that `metric record` would refuse or warn about, read in date order
    (out_of_range, ratio): a value above 100 (or below 0) when none before it was, one of at most 1 right
    after one of 10 or more. Only the day where the series changes is named."""
    if not percent(record):
        return []
    found, before = [], []
    for day, value in values:
        doubt = (out_of_range(record, value, before) if before else None) or ratio(
            record, value, before[-1] if before else None
        )
        if doubt:
            found.append((day, doubt))
        before.append(value)
    return found


def ratio(record: Record, number: float, before: float | None) -> str | None:
    """A warning for a value of a % metric written as a ratio (0.995 after 99.4: 99.5 meant?): at most 1
    (and not below 0) where the value before it is 10 or more. None otherwise."""
    if percent(record) and before is not None and before >= 10 and 0 <= number <= 1:
        return (f"{number:g}: a ratio? the metric is a percentage (the value before: {before:g}): "
                f"write {_shown(round(number * 100, 10))}")  # fmt: skip
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

    @property
    def latest(self) -> tuple[dt.date, float] | None:
        return self.values[-1] if self.values else None

    @property
    def doubts(self) -> list[tuple[dt.date, str]]:
        """Values a % metric cannot have, or ratios among percentages (lint's metric-value-range)."""
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
                      unreadable=[r for r in found if r.problem])  # fmt: skip
