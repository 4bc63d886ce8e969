"""Every date option reads dates as people write them, through one parser, and refuses ambiguous ones."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.conftest import commit_count, git


def test_date_options_of_other_commands_read_the_same_forms(pmops, kb: Path) -> None:
    pmops(
        "metric",
        "add",
        "Weekly approvers",
        "--definition",
        "Approvers active in a week",
        "--owner",
        "Maya",
        "--unit",
        "users",
    )
    pmops("metric", "record", "Weekly approvers", "42", "--date", "7 Nov 2026")
    shown = json.loads(pmops("metric", "show", "Weekly approvers", "--json").stdout)
    assert shown["values"] == [{"date": "2026-11-07", "value": 42.0}]
    created = json.loads(pmops("onboard", "new-pm", "Ada Brooks", "--start", "Nov 2, 2026", "--json").stdout)
    assert json.loads(pmops("show", created["id"], "--json").stdout)["start"] == "2026-11-02"
    pmops("insight", "add", "--title", "Zebra feedback", "--source", "survey", "--date", "2026/11/03")
    assert len(json.loads(pmops("search", "zebra", "--since", "1 Nov 2026", "--json").stdout)) == 1
    assert json.loads(pmops("search", "zebra", "--since", "2026.11.04", "--json").stdout) == []
    before = commit_count(kb)
    for args in (("metric", "record", "Weekly approvers", "43", "--date", "05/11/2026"),
                 ("onboard", "new-pm", "Bo Lind", "--start", "02/11/2026"),
                 ("search", "zebra", "--since", "03/11/2026")):  # fmt: skip
        assert "is ambiguous" in pmops(*args, code=2).stderr
    assert commit_count(kb) == before


def test_a_date_without_a_year_is_the_one_people_mean(pmops, kb: Path, monkeypatch) -> None:
    """5 Nov: the last one for a day that has happened, the next one for a day to come, else the nearest."""
    import datetime as dt

    from pmops import dates

    monkeypatch.setattr(dates, "clock", lambda: dt.date(2026, 12, 2))

    def field(ref: str, name: str) -> str:
        return json.loads(pmops("show", ref, "--json").stdout)[name]

    heard = json.loads(
        pmops("insight", "add", "--title", "Yak", "--source", "survey", "--date", "20 Dec", "--json").stdout
    )
    assert field(heard["id"], "date") == "2025-12-20"  # heard: the last 20 December, never after today
    pmops("insight", "add", "--title", "Yak two", "--source", "survey", "--date", "Nov 5")
    assert [i["title"] for i in json.loads(pmops("insight", "list", "--since", "Nov 1", "--json").stdout)] == [
        "Yak two"
    ]
    tool = json.loads(pmops("tool", "add", "Miro", "--category", "design", "--renewal", "5 Nov", "--json").stdout)
    assert field(tool["id"], "renewal") == "2027-11-05"  # a renewal to come: the next 5 November
    person = json.loads(pmops("person", "add", "Dana Reyes", "--role", "pm", "--start", "Dec 7", "--json").stdout)
    assert field(person["id"], "start") == "2026-12-07"  # the nearest: a hire may start next week
    pmops("set", person["id"], "start=Jan 4")
    assert field(person["id"], "start") == "2027-01-04"
    pmops("set", tool["id"], "renewal=1 Dec")
    assert field(tool["id"], "renewal") == "2027-12-01"
    before = commit_count(kb)
    assert "is ambiguous" in pmops("set", tool["id"], "renewal=01/02/2026", code=2).stderr
    assert "is not a whole date" in pmops("set", tool["id"], "renewal=Nov 2026", code=2).stderr
    assert commit_count(kb) == before


@pytest.mark.parametrize(
    "args",
    [
        ("process", "review", "prc-260105-ya68"),
        ("onboard", "done", "Ben Carter", "D30-1"),
        ("decision", "review", "dec-261126-0mq9"),
    ],
    ids=["process review", "onboard done", "decision review REF"],
)
def test_a_today_still_to_come_is_refused_where_it_is_recorded_as_the_day_done(pmops, example_kb: Path, args) -> None:
    """The day a review or a step was done is written down: one after today is exit 2, nothing written,
    as create and set refuse a date of what has happened after today."""
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    commits = commit_count(example_kb)
    refused = pmops(*args, "--today", tomorrow, code=2)
    assert (
        refused.stderr.startswith(f"error: --today: {tomorrow} is after today (")
        and len(refused.stderr.splitlines()) == 2
    )
    assert commit_count(example_kb) == commits and git(example_kb, "status", "--porcelain") == ""
    pmops(*args, "--today", dt.date.today().isoformat(), code=None)  # today itself is a day that has come


def test_a_today_still_to_come_is_a_what_if_where_nothing_is_recorded(pmops, example_kb: Path) -> None:
    for args in (("process", "list"), ("onboard", "status"), ("decision", "review"), ("tool", "renewals"),
                 ("person", "list"), ("decision", "review", "dec-261126-0mq9", "--dry-run")):  # fmt: skip
        pmops(*args, "--today", "2099-01-01")
