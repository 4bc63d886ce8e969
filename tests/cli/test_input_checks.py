"""What a new user types, checked through the shared places: numbers of options, days said from
today, list fields given in one value, choices and names with did-you-mean, people on the roster,
doing a thing twice."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pmops import dates
from tests.conftest import Runner, commit_count, git

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


def test_doing_a_thing_twice_is_said_and_exit_0_everywhere(example_kb: Path, pmops: Runner) -> None:
    pmops("archive", "ins-260109")
    before = commit_count(example_kb)
    again = [
        pmops("archive", "ins-260109").stdout,
        pmops("onboard", "done", "Ana Souza", "W1-1").stdout,
        pmops("decision", "accept", "dec-261126-0mq9").stdout,
        pmops("person", "leave", "Noah Fischer").stdout,
        pmops("checklist", "tick", "chk-261116", "1").stdout,
        pmops("mv", "ins-260116", "Per-seat pricing punishes occasional spenders").stdout,
    ]
    assert all("already" in said.casefold() for said in again), again
    assert commit_count(example_kb) == before
    archived = json.loads(pmops("archive", "ins-260109", "--json").stdout)
    assert (archived["commit"], archived["already"]) == (None, True)
    other_day = pmops("person", "leave", "Noah Fischer", "--date", "2020-01-01", code=1)
    assert other_day.stderr.startswith("error: Noah Fischer already left on 2025-08-29")
    assert commit_count(example_kb) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("set", "ins-260116", "confidence=hgh"),
            "error: confidence must be low, medium or high, e.g. confidence=low\nhint: did you mean 'high'?\n",
        ),
        (
            ("set", "prc-260112", "cadence=wekly"),
            "error: cadence must be weekly, biweekly, monthly, quarterly, "
            "per-launch or ad-hoc, e.g. cadence=weekly\n"
            "hint: did you mean 'weekly' or 'biweekly'?\n",
        ),
        (
            ("person", "add", "Kim Lee", "--role", "pm", "--area", "billng"),
            "error: --area must be billing, onboarding, "
            "reporting, integrations, mobile, approvals or cards, e.g. --area billing\n"
            "hint: did you mean 'billing'?\n",
        ),
        (
            ("new", "decision", "Approve by SMS", "area=aprovals"),
            "error: area must be billing, onboarding, reporting, "
            "integrations, mobile, approvals or cards, e.g. area=billing\n"
            "hint: did you mean 'approvals'?\n",
        ),
        (
            ("onboard", "new-pm", "Kim Lee", "--start", "2026-12-01", "--area", "mobil"),
            "error: --area must be billing, "
            "onboarding, reporting, integrations, mobile, approvals or cards, e.g. --area billing\n"
            "hint: did you mean 'mobile'?\n",
        ),
    ],
)
def test_a_choice_not_among_them_names_the_nearest(example_kb: Path, pmops: Runner, args, message) -> None:
    """Every choice field, and every area (one list: the insights', as the KB narrows it)."""
    before = commit_count(example_kb)
    assert pmops(*args, code=2).stderr == message
    assert commit_count(example_kb) == before and git(example_kb, "status", "--porcelain") == ""
