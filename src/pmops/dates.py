"""Dates as people write them: the one parser for every date a person typed (options, fields, imports).

ISO-8601 is read first, without dateutil (an import of thousands of rows stays
fast). A date written with numbers only is read here, strictly: 05/11/2026 is
refused as ambiguous unless an order (DMY, MDY, YMD) says which, where 15/11/2026
is not. A month written as a word (7 Nov 2026, Nov 5, 2026) goes to dateutil,
which must find a day, a month and a year: it fills the missing ones from today.
A day said from today (yesterday, last friday, 2 weeks ago, in 3 days) is counted
from `today()`, whose clock a test may replace (`clock`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache

ORDERS = ("DMY", "MDY", "YMD")  # how to read a date of numbers only: 05/11/2026 in DMY is 5 November
EXAMPLE = "YYYY-MM-DD, or e.g. 7 Nov 2026"
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp][Mm])?\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"
# 5/11/2026, 5.11.26, 2026/11/7, 2026-1-5, each with the same separator twice, maybe a time after.
_NUMERIC = r"(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})" + _TIME
_NUMERIC_INSIDE = r"(?<!\d)(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})(?!\d)"
_LETTER = r"[^\W\d_]"
# Patterns are compiled by `re` when first used (its cache keeps them): every command imports this
# module through the registry, most never read a date that is not ISO.
# A date dateutil completed differs between them (two leap years: 29 Feb without a year is a date).
_FULL = (dt.datetime(2000, 1, 1), dt.datetime(2004, 2, 2))
# Which 5 Nov a date without a year is: the last one (a day that has happened), the next one, or the nearest.
TOWARD = ("past", "future", "nearest")


# Where today comes from: a test sets another clock so that "yesterday" is always the same day.
clock: Callable[[], dt.date] = dt.date.today
_UNITS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10}  # fmt: skip
# 2 weeks ago, a month ago, in 3 days; last week, next month; last friday, next tue
_AGO = r"(\d{1,4}|" + "|".join(_COUNTS) + r")\s+(day|week|month|year)s?\s+ago"
_IN = r"in\s+(\d{1,4}|" + "|".join(_COUNTS) + r")\s+(day|week|month|year)s?"
_NEXT_LAST = r"(last|next)\s+([a-z]+)"


def today() -> dt.date:
    """Today, from `clock`."""
    return clock()


def relative(text: str, day: dt.date | None = None) -> dt.date | None:
    """The day `text` names counting from `day` (default today), or None when it names none that way:
    today, yesterday, tomorrow; N days, weeks, months or years ago (N a number, or a, one … ten);
    in N days (weeks …); last or next week, month, year (a week, a month, a year before or after);
    last or next monday … sunday (or mon … sun: the one before today, or after it)."""
    words = " ".join(text.casefold().split())
    fixed = {"today": 0, "yesterday": -1, "tomorrow": 1}
    if words in fixed:
        return (day or today()) + dt.timedelta(days=fixed[words])
    for pattern, sign in ((_AGO, -1), (_IN, 1)):
        found = re.fullmatch(pattern, words)
        if found:
            n = int(found.group(1)) if found.group(1).isdigit() else _COUNTS[found.group(1)]
            return _moved(day or today(), **{_UNITS[found.group(2)]: sign * n})
    found = re.fullmatch(_NEXT_LAST, words)
    if found is None:
        return None
    sign = -1 if found.group(1) == "last" else 1
    unit = found.group(2)
    if unit in _UNITS:
        return _moved(day or today(), **{_UNITS[unit]: sign})
    named = [i for i, name in enumerate(_WEEKDAYS) if len(unit) >= 3 and name.startswith(unit)]
    if len(named) != 1:
        return None
    # the nearest such day strictly before (or after) today: on a Friday, last friday is a week ago
    return _moved(day or today(), days=sign, weekday=(named[0], sign))


def _moved(day: dt.date, *, weekday: tuple[int, int] | None = None, **units: int) -> dt.date:
    """`day` moved by days, weeks, months or years (a month from 31 January is 28 or 29 February),
    then to the nearest given weekday on or after it (sign 1) or on or before it (sign -1)."""
    from dateutil.relativedelta import relativedelta
    from dateutil.relativedelta import weekday as weekdays

    moved = day + relativedelta(**units)
    if weekday is not None:
        moved += relativedelta(weekday=weekdays(weekday[0])(weekday[1]))
    return moved


class AmbiguousDate(ValueError):
    """Numbers that make two different dates (05/11/2026): the caller says which order it meant."""

    def __init__(self, text: str, day_first: dt.date, month_first: dt.date) -> None:
        super().__init__(f"'{text}' is ambiguous: {day_first} (day first) or {month_first} (month first)")
        self.readings = (day_first, month_first)


def option(value: str | None, name: str, toward: str | None = None) -> dt.date | None:
    """A date given as an option (--since, an assistant's `since`) as people write it; 05/11/2026 is
    refused as ambiguous (InvalidInput, exit 2, naming both readings). Without a year, --since (or
    `since`) is the last such day, any other the nearest, unless `toward` says."""
    if value is None:
        return None
    from pmops.errors import InvalidInput

    try:
        return parse(value, toward=toward or ("past" if name.lstrip("-") == "since" else "nearest"))
    except AmbiguousDate as exc:
        first, second = exc.readings
        raise InvalidInput(f"{name}: {exc}", hint=f"write it as {first} or {second}") from None
    except ValueError as exc:
        raise InvalidInput(f"{name}: {exc}") from None


LENGTH = r"^\s*(\d{1,4})\s*(d|w|m|days?|weeks?|months?)\s*$"  # 8w, 30d, 3m (compiled when first used)


def window_days(text: str) -> int:
    """'8w', '30d', '3m' (months of 30 days) as days; InvalidInput (exit 2) otherwise."""
    from pmops.errors import InvalidInput

    match = re.match(LENGTH, text or "", re.IGNORECASE)
    if not match or int(match.group(1)) == 0:
        raise InvalidInput(f"--window: '{text}' is not a length of time, e.g. --window 8w (or 30d, 3m)")
    n, unit = int(match.group(1)), match.group(2)[0].lower()
    return n * {"d": 1, "w": 7, "m": 30}[unit]


def since(value: str, day: dt.date, *, also: tuple[str, ...] = ()) -> tuple[dt.date, int | None]:
    """A --since as people write it (`digest`, `log`): a date (2026-11-02, 7 Nov, last week) or a length
    counting back from `day` (30d, 4w, 3m of 30 days: the last 30 days, `day` among them). The first day,
    and the length in days (None for a date). Not one of them, or a day after `day`: exit 2 with an
    example; `also` names the other words the option takes (digest's 'last') in the hint."""
    from pmops.errors import InvalidInput
    from pmops.text import did_you_mean

    length = re.match(LENGTH, value, re.IGNORECASE)
    if length:  # 30d, 4w, 3m: the last 30 days, today among them (as process check's --window)
        if int(length[1]) == 0:
            raise InvalidInput(f"--since: '{value}' is no length of time, e.g. --since 30d")
        days = window_days(value)
        return day - dt.timedelta(days=days - 1), days
    if re.match(r"^\s*\d{5,}\s*(d|w|m|days?|weeks?|months?)\s*$", value, re.IGNORECASE):  # 99999d: a length
        raise InvalidInput(f"--since: '{value.strip()}' is too long a length (at most 4 digits), e.g. --since 30d",
                           hint="or give the first day: --since 2020-01-01")  # fmt: skip
    try:
        first = parse(value, toward="past")
    except AmbiguousDate as exc:
        one, other = exc.readings
        raise InvalidInput(f"--since: {exc}", hint=f"write it as {one} or {other}") from None
    except ValueError as exc:
        near = did_you_mean(value.strip(), list(also)) if also and value.strip().isalpha() else None  # 'lsat'
        words = "".join(f" or '{w}'" for w in also)
        raise InvalidInput(
            f"--since: {exc}",
            hint=near or f"give a date (2026-11-02){',' if also else ' or'} a length (30d, 4w, 3m){words}",
        ) from None
    if first > day:
        raise InvalidInput(f"--since: {first} is after today ({day})")
    return first, None


def check_format(value: str) -> str:
    """A --date-format value: DMY, MDY, YMD (any case), or a strptime pattern such as %d/%m/%Y."""
    if value.upper() in ORDERS:
        return value.upper()
    if _pattern_order(value) is None:
        raise ValueError(f"'{value}' is not a date format: give DMY, MDY or YMD, or a pattern such as %d/%m/%Y")
    return value


def after(value: object, day: dt.date) -> bool:
    """Whether `value` is a date later than `day` (a missing or undated value is not): what did not exist yet on `day`."""
    return isinstance(value, dt.date) and value > day


def parse(text: str, fmt: str | None = None, *, toward: str | None = "nearest") -> dt.date:
    """The date `text` names; ValueError (AmbiguousDate for 05/11/2026 without `fmt`) says why not.

    `fmt` (checked by check_format) reads dates of numbers only: an order (DMY, MDY,
    YMD), or a strptime pattern tried first. Unambiguous forms are read whatever it says.
    A date-time gives the date as written, with no time-zone conversion. A day and a month
    without a year (5 Nov) is the one `toward` says (TOWARD), counted from `today()`; with
    `toward` None (an import's cells, which may be any year) it is refused.
    """
    value = text.strip()
    try:  # the fast path: 2026-11-05 (and ISO's 20261105, 2026-W45-4)
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    if fmt is not None and fmt not in ORDERS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    if len(value) > 10 and value[10] in "T ":
        try:  # 2026-11-05T14:03:00Z, 2026-11-05 14:03
            return dt.datetime.fromisoformat(value).date()
        except ValueError:
            pass
    order = fmt if fmt in ORDERS else _pattern_order(fmt) if fmt else None
    numeric = re.fullmatch(_NUMERIC, value)
    if numeric:
        return _numeric(value, numeric.group(1), numeric.group(3), numeric.group(4), order)
    if re.search(_LETTER, value):
        said = relative(value)  # yesterday, last friday, 2 weeks ago
        if said is not None:
            return said
        try:
            return _worded(value, order)
        except _NoYear as exc:
            if toward is None:
                raise ValueError(f"'{text}' has no year: give the day, the month and the year") from None
            return yearless(exc.month, exc.day, toward)
    if value.isdigit() and 20_000 <= int(value) <= 80_000:  # 1954 to 2119 in a spreadsheet's day count
        raise ValueError(f"'{text}' looks like a spreadsheet's day number, not a date: format the column as a date "
                         f"before exporting ({EXAMPLE})")  # fmt: skip
    raise ValueError(f"'{text}' is not a date ({EXAMPLE})")


def _numeric(text: str, first: str, second: str, third: str, order: str | None) -> dt.date:
    """Day, month and year from three numbers: a four-digit year comes first or last; two dates
    from the same numbers (5 November, 11 May) need an order."""
    a, b, c = int(first), int(second), int(third)
    try:
        if len(first) == 4 or (order == "YMD" and len(first) == 2 and len(third) <= 2):
            if len(third) > 2:
                raise ValueError
            return dt.date(_year(first), b, c)
        if len(first) > 2 or len(third) not in (2, 4):
            raise ValueError
        year = _year(third)
        if order in ("DMY", "MDY"):
            day, month = (a, b) if order == "DMY" else (b, a)
            return dt.date(year, month, day)
        if a == b or a > 12 or b > 12:  # the same date either way, or only one reading is a date
            return dt.date(year, b, a) if a > 12 else dt.date(year, a, b)
        raise AmbiguousDate(text, dt.date(year, b, a), dt.date(year, a, b))
    except AmbiguousDate:
        raise
    except ValueError:
        shown = f" in {order} order" if order else ""
        raise ValueError(f"'{text}' is not a date{shown} ({EXAMPLE})") from None


def _year(digits: str) -> int:
    """A two-digit year is the one within 50 years of today, as dateutil and spreadsheets read it."""
    year = int(digits)
    if len(digits) > 2:
        return year
    now = dt.date.today().year
    year += now // 100 * 100
    return year - 100 if year >= now + 50 else year + 100 if year < now - 50 else year


@lru_cache(maxsize=4096)  # an export repeats its dates: thousands of rows, a few hundred days
def _worded(text: str, order: str | None) -> dt.date:
    """A date with words (7 Nov 2026, Tue 5 November 2026 14:03): dateutil's, once it is whole.
    Without a month name the numbers decide (Thu 05/11/2026), not dateutil's month-first guess."""
    import warnings

    from dateutil import parser

    try:
        with warnings.catch_warnings():  # a time zone it does not know (14:03 CET) changes no date
            warnings.simplefilter("ignore")
            readings = {
                parser.parse(text, default=d, dayfirst=order == "DMY", yearfirst=order == "YMD").date() for d in _FULL
            }
    except (ValueError, OverflowError):
        raise ValueError(f"'{text}' is not a date ({EXAMPLE})") from None
    if not _names_a_month(text):
        inside = re.search(_NUMERIC_INSIDE, text)
        if inside is None:
            raise ValueError(f"'{text}' is not a date ({EXAMPLE})")
        return _numeric(text, inside.group(1), inside.group(3), inside.group(4), order)
    if len(readings) > 1:
        days = {(d.month, d.day) for d in readings}
        if len(days) == 1:  # the same day of two years: no year given
            raise _NoYear(*days.pop())
        raise ValueError(f"'{text}' is not a whole date: give the day, the month and the year")
    return readings.pop()


class _NoYear(ValueError):
    """A day and a month without a year (5 Nov): which year is the caller's to say."""

    def __init__(self, month: int, day: int) -> None:
        super().__init__("no year")
        self.month, self.day = month, day


def yearless(month: int, day: int, toward: str, around: dt.date | None = None) -> dt.date:
    """The `month`/`day` of the year `toward` says from `around` (default today): "past", the last
    one on or before it; "future", the next one on or after it; "nearest", whichever is closer
    (on 2 December, 5 January is next month's). 29 February is the nearest leap year's that way."""
    around = around or today()
    candidates = []
    for year in range(around.year - 8, around.year + 9):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            pass
    if not candidates:
        raise ValueError(f"{month}/{day} is not a day of any year")
    if toward == "past":
        return max(d for d in candidates if d <= around)
    if toward == "future":
        return min(d for d in candidates if d >= around)
    return min(candidates, key=lambda d: (abs((d - around).days), d > around))


@lru_cache(maxsize=1)
def _month_words() -> re.Pattern[str]:
    from dateutil import parser

    names = sorted((name for month in parser.parserinfo.MONTHS for name in month), key=len, reverse=True)
    return re.compile(r"(?<![^\W\d_])(?:" + "|".join(names) + r")(?![^\W\d_])", re.IGNORECASE)


def _names_a_month(text: str) -> bool:
    return _month_words().search(text) is not None


@lru_cache(maxsize=16)
def _pattern_order(pattern: str | None) -> str | None:
    """DMY, MDY or YMD from where a strptime pattern puts %d, %m (or %b, %B) and %Y (or %y)."""
    if not pattern:
        return None
    places = {}
    for letter, directives in (("D", "d"), ("M", "mbB"), ("Y", "Yy")):
        found = [pattern.find("%" + d) for d in directives if "%" + d in pattern]
        if not found:
            return None
        places[letter] = min(found)
    order = "".join(sorted(places, key=places.get))
    return order if order in ORDERS else None
