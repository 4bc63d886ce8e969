"""What a new user types, checked through the shared places: numbers of options, days said from
today, list fields given in one value, choices and names with did-you-mean, people on the roster,
doing a thing twice."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pmops import dates
from tests.conftest import Runner, commit_count

FRIDAY = dt.date(2026, 11, 27)  # after every insight of the example KB


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", "approvals", "--limit", "abc"), "error: --limit must be a whole number, e.g. --limit 20\n"),
        (("log", "--limit=1.5"), "error: --limit must be a whole number, e.g. --limit 20\n"),
        (("tool", "renewals", "--within", "soon"), "error: --within must be a whole number, e.g. --within 30\n"),
    ],
)
def test_a_number_option_given_a_word_is_one_pmops_line(example_kb: Path, pmops: Runner, args, message) -> None:
    result = pmops(*args, code=2)
    assert result.stderr == message
    assert result.stdout == ""


def test_days_said_from_today_are_read_by_every_date_option_and_field(
    example_kb: Path, pmops: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "clock", lambda: FRIDAY)
    pmops("set", "ins-260114", "date=yesterday")
    assert json.loads(pmops("show", "ins-260114", "--json").stdout)["date"] == "2026-11-26"
    listed = json.loads(pmops("insight", "list", "--since", "last friday", "--json").stdout)
    assert [i["id"] for i in listed] == ["ins-260114-57h6"]
    assert json.loads(pmops("insight", "list", "--since", "2 weeks ago", "--until", "today", "--json").stdout)
    pmops("metric", "record", "Median time to approval", "3", "--date", "3 days ago")
    values = json.loads(pmops("metric", "show", "Median time to approval", "--json").stdout)["values"]
    assert {"date": "2026-11-24", "value": 3.0} in values
    before = commit_count(example_kb)
    assert "is not a date" in pmops("insight", "list", "--since", "last weekend", code=2).stderr
    assert commit_count(example_kb) == before
