"""A metric's values file: a CSV of date,value rows as people and spreadsheets write it, read by one rule
(`parse`, `row`, `pairs`) and written back in its own form (`written`); metrics.py finds the file and
says what the values mean."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, replace

from pmops import amounts, dates
from pmops.errors import DocumentError

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
    decimal: str = "."  # ',' in a ';' file, or a tab paste with decimal commas (Form.decimal)


def parse(data: bytes, rel: str = "values") -> tuple[list[Row], Layout]:
    """A metric's CSV read as spreadsheets write it: a UTF-8 BOM (Excel's "CSV UTF-8") left out, CRLF or
    LF line ends, the separator of its first line (',' ';' or a tab, whichever comes first: with ';' or a
    tab the comma is the decimal mark, 97,3 is 97.3), quoted fields ("outage, 2h"), and columns after the
    value (date,value,note) kept but not read. Lines that are empty or only spaces are skipped. What a row
    alone cannot say (4.638: thousands?, 01/12/2025: day first?) the file as a whole says (Form); a value
    it leaves two readings of is a row that cannot be read, never guessed."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise DocumentError(rel, f"not a CSV file of date,value rows ({exc.__class__.__name__})") from None
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    first = next((line for line in lines if line.strip()), "")
    found = [(first.find(d), d) for d in (",", ";", "\t") if d in first]
    delimiter = min(found)[1] if found else ","
    layout = Layout(delimiter, "\r\n" if "\r\n" in text else "\n")
    read: list[tuple[int, list[str], str]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            cells = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error as exc:
            raise DocumentError(rel, f"not a CSV file of date,value rows ({exc.__class__.__name__})") from None
        if layout.header is None and not read and cells and cells[0].strip().casefold() == "date":
            columns = len(cells)
            while columns > 2 and not cells[columns - 1].strip():
                columns -= 1
            layout = Layout(delimiter, layout.newline, line, max(2, columns))
            continue
        if layout.columns > 2 and len(cells) > 2:  # date,value,note: the columns after the value are not read
            extra = len(cells) - layout.columns
            cells = cells[: 2 + max(0, extra)]  # more cells than the header: commas unquoted in the date or value
        read.append((number, cells, line))
    form = _form(delimiter, read)
    layout = replace(layout, decimal=form.decimal)
    out: list[Row] = []
    for number, cells, line in read:
        ambiguous = None
        if form.comma and len(cells) > 1:
            value, ambiguous = _decimal_comma(cells[1], form)
            cells = [cells[0], value, *cells[2:]]
        found = row(number, cells, line, form)
        if ambiguous and found.problem is None and found.date is not None:
            a, b = ambiguous
            found = replace(
                found,
                date=None,
                value=None,
                lenient=False,
                problem=f"'{line[:40]}' reads two ways: {a} or {b}",
                fix=f"write {form.said(found.date, a)} or {form.said(found.date, b)}",
            )
        out.append(found)
    return out, layout


@dataclass(frozen=True)
class Form:
    """How the rows of one file write a day and a value, decided from the file as a whole: its separator,
    whether the comma is its decimal mark (with ';' or a tab: 97,3 is 97.3), whether a dot followed by
    three digits groups thousands there (4.638 is 4638: any value of the file has a decimal comma, or every
    dotted value is in groups of three; in a tab paste, 4,638 is 4638 beside a decimal dot and reads two
    ways when no row says), and the order of its numeric dates (DMY or MDY when a day above 12
    settles it and no row says the other). Hints are written in it ('write 2025-12-01;97,2')."""

    delimiter: str = ","
    comma: bool = False
    thousands: bool | None = False  # None: some values read two ways (4.638 beside 97.3)
    comma_groups: bool | None = False  # a tab paste: 4,638 groups thousands beside 97.3; None: no row says
    order: str | None = None
    decimal: str = "."  # the decimal mark it writes: ',' with ';', or in a tab paste with a decimal comma

    def said(self, day: dt.date | str, value: float | str | None) -> str:
        if isinstance(value, str):
            try:
                value = float(value) if value.strip() else None
            except ValueError:
                pass
        shown = "" if value is None else as_written(value) if isinstance(value, float) else str(value)
        if self.decimal == "," and isinstance(value, float):
            shown = shown.replace(".", ",")
        return f"{day}{self.delimiter}{shown}"


_GROUPED = r"[+-]?[1-9]\d{0,2}(\.\d{3})+%?"
_DOTTED = r"[+-]?\d*\.\d+%?"
_COMMA = r"[+-]?\d{1,3}(\.\d{3})+,\d+%?|[+-]?\d*,\d+%?"
_COMMA_GROUPED = r"[+-]?[1-9]\d{0,2},\d{3}%?"  # 4,638: a decimal comma, or thousands as a US sheet groups them
_DECIMAL_COMMA = r"[+-]?\d{1,3}(\.\d{3})+,\d+%?|[+-]?\d*,(\d{1,2}|\d{4,})%?|[+-]?0,\d+%?"  # not 3 digits after
_DECIMAL_DOT = r"[+-]?\d*\.(\d{1,2}|\d{4,})%?|[+-]?0\.\d+%?"
_DATE = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\s*")


def _form(delimiter: str, read: list[tuple[int, list[str], str]]) -> Form:
    """The file's form (Form), from all its rows."""
    values = [re.sub(r"\s+", "", c[1]) for _, c, _ in read if len(c) > 1]
    comma = delimiter != ","
    thousands: bool | None = False
    if comma:
        grouped = [v for v in values if re.fullmatch(_GROUPED, v)]
        if grouped:
            if any(re.fullmatch(_COMMA, v) for v in values):
                thousands = True
            else:
                thousands = True if all(re.fullmatch(_GROUPED, v) for v in values if re.fullmatch(_DOTTED, v)) else None
    groups: bool | None = False
    if delimiter == "\t" and any(re.fullmatch(_COMMA_GROUPED, v) for v in values):
        # a paste may come from a European sheet (4,638 is 4.638) or a US one (4,638 is 4638): the file says
        if any(re.fullmatch(_DECIMAL_COMMA, v) for v in values):
            groups = False
        else:
            groups = True if any(re.fullmatch(_DECIMAL_DOT, v) for v in values) else None
    votes = set()
    for _, cells, _ in read:
        found = _DATE.fullmatch(cells[0]) if cells else None
        if found:
            a, b = int(found.group(1)), int(found.group(2))
            if a > 12 >= b:
                votes.add("DMY")
            elif b > 12 >= a:
                votes.add("MDY")
    decimal = (
        "," if delimiter == ";" or (comma and any(re.fullmatch(_COMMA, v) for v in values) and not groups) else "."
    )
    return Form(delimiter, comma, thousands, groups, votes.pop() if len(votes) == 1 else None, decimal)


def _decimal_comma(cell: str, form: Form) -> tuple[str, tuple[str, str] | None]:
    """A value written with a decimal comma in a file separated by ';' or a tab (97,3; 1.234,5; 4.638 as
    4638 where the file groups thousands with dots): there the comma can only be the decimal mark. A value
    that reads two ways in its file (4.638 beside 97.3) is given as (cell, (4.638, 4638))."""
    bare = re.sub(r"\s+", "", cell)
    if re.fullmatch(_COMMA_GROUPED, bare) and form.comma_groups is not False:
        if form.comma_groups:
            return bare.replace(",", ""), None
        number = bare.removesuffix("%")
        return cell, (number, number.replace(",", ""))
    if re.fullmatch(_COMMA, bare):
        return bare.replace(".", "").replace(",", "."), None
    if re.fullmatch(_GROUPED, bare):
        if form.thousands:
            return bare.replace(".", ""), None
        if form.thousands is None:
            number = bare.removesuffix("%")
            return cell, (number.replace(".", ","), number.replace(".", ""))
    return cell, None


def row(number: int, cells: list[str], raw: str | None = None, form: Form | None = None) -> Row:
    """One row as people write it: a date (2026-11-16, or 16 Nov 2026, 16/11/2026 when that is one day) and
    a number (99.7, or 99.7%, 1,234, 5k: amounts.figure), or no value that day (an empty cell, n/a, -:
    NO_VALUE). An unquoted comma splits a cell ('Nov 16, 2026', '1,234'): the row is read at the one
    comma that gives a date and a value. Anything else, a decimal comma (99,7) or a date of two readings
    (05/11/2026) among them, is a row that cannot be read, never guessed. `raw` is the line as written."""
    form = form or Form()
    # the row as its messages quote it: as written in a ';' or tab file ('24/11/2025;97,3'), not re-joined
    text = raw if raw is not None and form.delimiter != "," else ",".join(cells)
    found = _row(number, cells, text, form)
    return replace(found, raw=text if raw is None else raw)


def _row(number: int, cells: list[str], text: str, form: Form) -> Row:
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
        day, loose_day, day_why, day_fix = _day(left, right, form)
        value, loose_value, value_why, instead = _value(right)
        if day is not None and value_why is None:
            readings.append((day, value, loose_day or loose_value))
        elif day is None:
            failed.append((1, day_why, day_fix))
        else:
            fix = (
                f"write {form.said(day, instead)}"
                if instead
                else f"write a number ({form.said(day, 4210.0)}), or {form.said(day, None)} for no value that day"
            )
            failed.append((0, value_why, fix))
    if len({(d, v) for d, v, _ in readings}) == 1:
        day, value, loose = readings[0]
        if value is None:
            return Row(number, day, None, text, blank=True)
        fix = f"write {form.said(day.isoformat(), value)}" if loose else None
        return Row(number, day, value, text, fix=fix, lenient=loose)
    if readings:  # two commas give two rows: which one was meant is not guessed
        said = " or ".join(form.said(d.isoformat(), v) for d, v, _ in readings)
        return Row(number, None, None, text, problem=f"'{text[:40]}' reads two ways", fix=f"write {said}")
    _, why, fix = min(failed, key=lambda f: f[0])  # what is wrong with the value, once a date is read
    return Row(number, None, None, text, problem=why, fix=fix)


def _day(text: str, value: str, form: Form) -> tuple[dt.date | None, bool, str | None, str | None]:
    """The day a cell names and whether it was read leniently, or why it names none and what to write."""
    try:
        return dt.date.fromisoformat(text), False, None, None
    except ValueError:
        pass
    fix = f"write the day as YYYY-MM-DD, e.g. {form.said('2026-11-23', value or 4210.0)}"
    if not text or dates.relative(text) is not None:  # 'yesterday' in a file: of which day?
        return None, False, f"'{text[:40]}' is not a date", fix
    try:
        return dates.parse(text, form.order, toward=None), True, None, None
    except dates.AmbiguousDate as exc:
        first, second = exc.readings
        return None, False, str(exc), f"write {form.said(first, value)} or {form.said(second, value)}"
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


def as_written(value: float) -> str:
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


def mostly_unreadable(found: list[Row]) -> bool:
    """Whether more rows cannot be read than can (a paste whose form is not read): the few read say nothing
    of the metric, so no verdict, trend or staleness is judged from them — the file is said unreadable."""
    bad = sum(1 for r in found if r.problem)
    return bad > 0 and bad > sum(1 for r in found if r.value is not None)


def written(found: list[Row], layout: Layout, when: dt.date, number: float) -> bytes:
    """The file written back with `number` on `when`: one line a day (a day given twice keeps its later
    row, as `pairs` reads it), by day, every other line as it was written (its notes, quotes, format),
    in the file's own layout (separator, decimal mark, line ends, header with its BOM)."""
    shown = as_written(number)
    if layout.decimal == ",":  # ';', or a tab paste with decimal commas: the file's decimal mark
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
