"""Dates as people write them: every unambiguous form read, ambiguous and partial ones refused."""

import datetime as dt

import pytest

from pmops import dates
from pmops.doctypes import Field

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-05", D(2026, 11, 5)),
        ("  2026-11-05 ", D(2026, 11, 5)),
        ("20261105", D(2026, 11, 5)),
        ("2026-W45-4", D(2026, 11, 5)),  # ISO week date: Thursday of week 45
        ("2026-11-05T14:03:00Z", D(2026, 11, 5)),
        ("2026-11-05T23:30:00-08:00", D(2026, 11, 5)),  # the date as written, no time-zone conversion
        ("2026-11-05 14:03", D(2026, 11, 5)),
        ("2026/11/07", D(2026, 11, 7)),
        ("2026.1.7", D(2026, 1, 7)),
        ("7 Nov 2026", D(2026, 11, 7)),
        ("7-Nov-2026", D(2026, 11, 7)),
        ("Nov 5, 2026", D(2026, 11, 5)),
        ("November 5th, 2026", D(2026, 11, 5)),
        ("5th of November 2026", D(2026, 11, 5)),
        ("Tue, 05 Nov 2026 14:03:00 +0000", D(2026, 11, 5)),
        ("Nov 5, 2026 14:03 CET", D(2026, 11, 5)),
        ("7 Nov 26", D(2026, 11, 7)),
        ("15/11/2026", D(2026, 11, 15)),  # 15 cannot be a month
        ("11/15/2026", D(2026, 11, 15)),
        ("11/15/2026 3:04 PM", D(2026, 11, 15)),
        ("15.11.2026", D(2026, 11, 15)),
        ("15/11/26", D(2026, 11, 15)),
        ("05/05/2026", D(2026, 5, 5)),  # the same date either way
        ("Thu 15/11/2026", D(2026, 11, 15)),
    ],
)
def test_unambiguous_forms_are_read(text: str, expected: dt.date) -> None:
    assert dates.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "day_first", "month_first"),
    [
        ("05/11/2026", D(2026, 11, 5), D(2026, 5, 11)),
        ("07.11.2026", D(2026, 11, 7), D(2026, 7, 11)),
        ("5/11/26", D(2026, 11, 5), D(2026, 5, 11)),
        ("Thu 05/11/2026", D(2026, 11, 5), D(2026, 5, 11)),  # a weekday does not settle it
    ],
)
def test_ambiguous_numbers_are_refused_with_both_readings(text: str, day_first: dt.date, month_first: dt.date) -> None:
    with pytest.raises(dates.AmbiguousDate) as caught:
        dates.parse(text)
    assert caught.value.readings == (day_first, month_first)
    assert str(caught.value) == f"'{text}' is ambiguous: {day_first} (day first) or {month_first} (month first)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13-40", "'2026-13-40' is not a date (YYYY-MM-DD, or e.g. 7 Nov 2026)"),
        ("31/02/2026", "'31/02/2026' is not a date (YYYY-MM-DD, or e.g. 7 Nov 2026)"),
        ("13/13/2026", "'13/13/2026' is not a date (YYYY-MM-DD, or e.g. 7 Nov 2026)"),
        ("Nov 31, 2026", "'Nov 31, 2026' is not a date (YYYY-MM-DD, or e.g. 7 Nov 2026)"),
        ("2026-11-05 or so", "'2026-11-05 or so' is not a date (YYYY-MM-DD, or e.g. 7 Nov 2026)"),
        ("soon", "'soon' is not a date (YYYY-MM-DD, or e.g. 7 Nov 2026)"),
        ("", "'' is not a date (YYYY-MM-DD, or e.g. 7 Nov 2026)"),
        ("Monday", "'Monday' is not a date (YYYY-MM-DD, or e.g. 7 Nov 2026)"),
        # dateutil fills what is missing from today: a month and a year is not a date.
        ("Nov 2026", "'Nov 2026' is not a whole date: give the day, the month and the year"),
        ("7th", "'7th' is not a date (YYYY-MM-DD, or e.g. 7 Nov 2026)"),
    ],
)
def test_what_is_not_a_whole_date_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        dates.parse(text)
    assert not isinstance(caught.value, dates.AmbiguousDate)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("fmt", "text", "expected"),
    [
        ("DMY", "05/11/2026", D(2026, 11, 5)),
        ("MDY", "05/11/2026", D(2026, 5, 11)),
        ("YMD", "26/11/05", D(2026, 11, 5)),
        ("%d/%m/%Y", "05/11/2026", D(2026, 11, 5)),
        ("%m/%d/%y", "05/11/26", D(2026, 5, 11)),
        ("%d%m%Y", "05112026", D(2026, 11, 5)),  # the pattern read as strptime reads it
        ("DMY", "Nov 5, 2026", D(2026, 11, 5)),  # unambiguous forms whatever the order says
        ("MDY", "2026-11-05", D(2026, 11, 5)),
    ],
)
def test_a_format_says_how_to_read_numbers(fmt: str, text: str, expected: dt.date) -> None:
    assert dates.parse(text, dates.check_format(fmt)) == expected


def test_a_format_refuses_numbers_that_contradict_it() -> None:
    with pytest.raises(ValueError, match=r"^'12/25/2026' is not a date in DMY order"):
        dates.parse("12/25/2026", "DMY")


@pytest.mark.parametrize("bad", ["DDMM", "%d/%m", "dmy2", ""])
def test_a_format_that_says_nothing_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="is not a date format: give DMY, MDY or YMD"):
        dates.check_format(bad)
    assert dates.check_format("dmy") == "DMY"


def test_the_registry_reads_date_fields_with_the_same_parser() -> None:
    field = Field("date", "date")
    assert field.convert("7 Nov 2026") == D(2026, 11, 7)
    assert field.convert(D(2026, 11, 7)) == D(2026, 11, 7)
    with pytest.raises(dates.AmbiguousDate):
        field.convert("05/11/2026")


def test_a_spreadsheet_day_number_says_what_it_is() -> None:
    with pytest.raises(
        ValueError, match=r"'46331' looks like a spreadsheet's day number, not a date: format the column"
    ):
        dates.parse("46331")  # 2026-11-05 in Excel
    with pytest.raises(ValueError, match=r"'123' is not a date"):
        dates.parse("123")


FRIDAY = D(2026, 11, 6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", FRIDAY),
        ("Yesterday", D(2026, 11, 5)),
        ("tomorrow", D(2026, 11, 7)),
        ("3 days ago", D(2026, 11, 3)),
        ("2 weeks ago", D(2026, 10, 23)),
        ("a month ago", D(2026, 10, 6)),
        ("one year ago", D(2025, 11, 6)),
        ("in 3 days", D(2026, 11, 9)),
        ("in  two weeks", D(2026, 11, 20)),
        ("last week", D(2026, 10, 30)),
        ("last month", D(2026, 10, 6)),
        ("next year", D(2027, 11, 6)),
        ("last friday", D(2026, 10, 30)),  # on a Friday: a week ago
        ("last thursday", D(2026, 11, 5)),
        ("Last Mon", D(2026, 11, 2)),
        ("next friday", D(2026, 11, 13)),
        ("next saturday", D(2026, 11, 7)),
    ],
)
def test_a_day_said_from_today_is_counted_from_the_clock(monkeypatch, text: str, expected: dt.date) -> None:
    monkeypatch.setattr(dates, "clock", lambda: FRIDAY)
    assert dates.parse(text) == expected


def test_a_month_from_the_end_of_one_is_the_end_of_the_next(monkeypatch) -> None:
    monkeypatch.setattr(dates, "clock", lambda: D(2027, 3, 31))
    assert dates.parse("a month ago") == D(2027, 2, 28)


@pytest.mark.parametrize("text", ["friday", "last weekend", "the day before yesterday", "last fr", "2 fortnights ago"])
def test_only_the_documented_relative_forms_are_read(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        dates.parse(text)


@pytest.mark.parametrize(
    ("text", "toward", "expected"),
    [
        ("Nov 7th", "past", D(2025, 11, 7)),
        ("5 Nov", "past", D(2026, 11, 5)),
        ("6 Nov", "past", D(2026, 11, 6)),  # today counts as past
        ("5 Nov", "future", D(2027, 11, 5)),
        ("6 Nov", "future", D(2026, 11, 6)),
        ("1 May", "nearest", D(2027, 5, 1)),  # 176 days ahead, 189 behind
        ("1 May", "past", D(2026, 5, 1)),
        ("29 Feb", "past", D(2024, 2, 29)),
        ("Feb 29", "future", D(2028, 2, 29)),
    ],
)
def test_a_day_and_a_month_without_a_year_is_the_one_people_mean(
    monkeypatch: pytest.MonkeyPatch, text: str, toward: str, expected: dt.date
) -> None:
    monkeypatch.setattr(dates, "clock", lambda: D(2026, 11, 6))
    assert dates.parse(text, toward=toward) == expected
    with pytest.raises(ValueError, match="has no year: give the day, the month and the year"):
        dates.parse(text, toward=None)  # an import's cell: any year
