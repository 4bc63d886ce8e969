"""Counts and plurals read as English; nothing shows 'None'."""

import pytest

from pmops.text import count, or_unknown, plural


@pytest.mark.parametrize(
    ("n", "noun", "expected"),
    [
        (0, "plan", "0 plans"),
        (1, "plan", "1 plan"),
        (2, "plan", "2 plans"),
        (1, "commit", "1 commit"),
        (3, "renewal", "3 renewals"),
        (2, "entry", "2 entries"),
        (2, "day", "2 days"),
        (2, "match", "2 matches"),
        (2, "person", "2 people"),
        (1204, "insight", "1,204 insights"),
        (2, "pair of processes", "2 pairs of processes"),
    ],
)
def test_count(n: int, noun: str, expected: str) -> None:
    if noun == "pair of processes":
        assert count(n, noun, "pairs of processes") == expected
    else:
        assert count(n, noun) == expected


def test_plural_keeps_earlier_words() -> None:
    assert plural("open question") == "open questions"
    assert plural("key survey") == "key surveys"


def test_or_unknown() -> None:
    assert or_unknown(None) == "unknown"
    assert or_unknown("") == "unknown"
    assert or_unknown(0) == "0"
    assert or_unknown(None, "—") == "—"
