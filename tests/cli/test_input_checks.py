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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("search", "approvals", "--type", "insigt"),
            "error: --type: unknown document type 'insigt'\n"
            "hint: did you mean 'insight'? types: insight, process, checklist, decision, person, onboarding, tool, "
            "metric, customer, opportunity, ranking, page\n",
        ),
        (
            ("log", "--type", "decisons"),  # a plural is a type's name (decisions), a misspelt one is not
            "error: --type: unknown document type 'decisons'\n"
            "hint: did you mean 'decision'? types: insight, process, checklist, decision, person, onboarding, tool, "
            "metric, customer, opportunity, ranking, page\n",
        ),
        (
            ("search", "slack tag:aprovals"),
            "error: tag:aprovals: no tag 'aprovals' in the taxonomy or on any document\n"
            "hint: did you mean 'approvals'?\n",
        ),
        (
            ("search", "source:intervew slack"),
            "error: source:intervew: no document has the source 'intervew'\nhint: did you mean 'interview'?\n",
        ),
        (
            ("search", "status:archivd"),
            "error: status:archivd: no document has the status 'archivd'\nhint: did you mean 'archived' or 'active'?\n",
        ),
        (
            ("search", "slack", "--tag", "aprovals"),
            "error: --tag: no tag 'aprovals' in the taxonomy or on any document\nhint: did you mean 'approvals'?\n",
        ),
        (
            ("process", "list", "--columns", "id,titel"),
            "error: --columns: there is no column 'titel'\n"
            "hint: did you mean 'title'? columns: id, title, health, review_due, kind, owner, cadence, status, date, "
            "last_reviewed, review_every_days, outputs, tags, links, type, path\n",
        ),
        (
            ("insight", "list", "--customer", "Atlass"),
            "error: --customer: no customer 'Atlass' in the register or on any insight\nhint: did you mean 'Atlas'?\n",
        ),
        (
            ("tool", "compare", "Figmaa"),
            "error: no tool with the id or title 'Figmaa'\nhint: did you mean tol-261126-9r1n \"Figma\"?\n",
        ),
    ],
)
def test_a_name_that_is_not_there_says_the_nearest(example_kb: Path, pmops: Runner, args, message) -> None:
    result = pmops(*args, code=2 if args[0] != "tool" else 1)
    assert result.stderr == message and result.stdout == ""


def test_a_field_value_clause_that_finds_documents_is_no_error(example_kb: Path, pmops: Runner) -> None:
    assert json.loads(pmops("search", "source:interview approvals", "--json").stdout)
    assert pmops("search", "source:interview zzqqxx").stdout == "no results\n"  # the source exists: no error


def test_a_customer_of_the_register_without_insights_is_no_error(example_kb: Path, pmops: Runner) -> None:
    pmops("customer", "add", "Quill Paper Co", "--alias", "Quill")
    assert pmops("insight", "list", "--customer", "quill").stdout == "no insights match\n"
    assert pmops("insight", "list", "--customer", "Atlas Freight", "--json").stdout.count('"id"') == 3


def test_a_list_field_given_in_one_value_is_split_on_commas(example_kb: Path, pmops: Runner) -> None:
    path = next((example_kb / "insights").glob("ins-260116-*.md"))
    pmops("set", "ins-260116", "tags=pricing, approvals")
    assert "tags: [pricing, approvals]\n" in path.read_text()
    before = commit_count(example_kb)
    wrong = pmops("set", "ins-260116", "tags=pricing, aprovals", code=2)  # each one checked
    assert (
        wrong.stderr
        == "error: unknown tag 'aprovals'\nhint: did you mean 'approvals'? Or use --new-tag to add it to taxonomy.yaml\n"
    )
    assert commit_count(example_kb) == before
    pmops("set", "ins-260116", "--remove-tag", "pricing, approvals", "--add-tag", "mobile,reliability")
    assert "tags: [mobile, reliability]\n" in path.read_text()
    added = json.loads(pmops("insight", "add", "--title", "Two tags", "--source", "survey", "--tag", "approvals, mobile",
                             "--json").stdout)  # fmt: skip
    assert json.loads(pmops("show", added["id"], "--json").stdout)["tags"] == ["approvals", "mobile"]
    made = json.loads(pmops("new", "decision", "Go", "deciders=Ada Brooks, Theo Park", "--json").stdout)
    assert json.loads(pmops("show", made["id"], "--json").stdout)["deciders"] == ["Ada Brooks", "Theo Park"]


def test_a_person_is_named_by_a_piece_of_one_name(example_kb: Path, pmops: Runner) -> None:
    status = json.loads(pmops("onboard", "status", "ben", "--json").stdout)["plans"]
    assert [p["name"] for p in status] == ["Ben Carter"]
    assert "W1-1" in pmops("onboard", "done", "Souza", "1").stdout  # Ana Souza's plan, its first step
    assert pmops("person", "show", "theo", "--json").stdout.count('"name": "Theo Park"') == 1
    several = pmops("onboard", "done", "a", "1", code=1).stderr
    assert several.startswith("error: 'a' matches 2 people: ") and "Ana Souza" in several and "Ada Brooks" in several
    assert "no person named 'Zed'" in pmops("onboard", "done", "Zed", "1", code=1).stderr


def test_new_pm_says_it_added_the_person_to_the_roster(example_kb: Path, pmops: Runner) -> None:
    said = pmops("onboard", "new-pm", "Kim Lee", "--start", "2026-12-10", "--area", "mobile").stdout
    assert said.startswith("Added Kim Lee to the roster (role pm): person per-")
    added = json.loads(pmops("person", "show", "Kim Lee", "--json").stdout)
    assert said.split("person ")[1].split(" ")[0] == added["id"]
    again = json.loads(pmops("onboard", "new-pm", "Sam Okafor", "--start", "2026-12-10", "--json").stdout)
    assert again["person_added"] is None  # on the roster already: only the plan
    made = json.loads(pmops("onboard", "new-pm", "Bo Lind", "--start", "2026-12-10", "--json").stdout)
    assert made["person_added"]["id"] == made["person"] and made["person_added"]["path"].startswith("people/")


def test_people_named_by_a_write_are_on_the_roster(example_kb: Path, pmops: Runner) -> None:
    before = commit_count(example_kb)
    typo = pmops("set", "prc-260112", "owner=Priya Nayr", code=2)
    assert typo.stderr == "error: owner: no one named 'Priya Nayr' on the roster\nhint: did you mean Priya Nair?\n"
    gone = pmops("set", "prc-260112", "owner=Noah Fischer", code=1)
    assert gone.stderr == "error: owner: Noah Fischer left the team on 2025-08-29\nhint: name someone on the team\n"
    tool = pmops("tool", "add", "Whimsical", "--category", "design", "--owner", "Ada Brook", code=2)
    assert tool.stderr == "error: --owner: no one named 'Ada Brook' on the roster\nhint: did you mean Ada Brooks?\n"
    buddy = pmops("onboard", "new-pm", "Kim Lee", "--start", "2026-12-10", "--buddy", "Maya Chn", code=2)
    assert buddy.stderr == "error: --buddy: no one named 'Maya Chn' on the roster\nhint: did you mean Maya Chen?\n"
    nobody = pmops("new", "decision", "Go", "deciders=Ada Brooks, Nobody Known", code=2).stderr
    assert nobody.startswith("error: deciders: no one named 'Nobody Known' on the roster\nhint: add them first: ")
    assert commit_count(example_kb) == before and git(example_kb, "status", "--porcelain") == ""
    pmops("set", "prc-260112", "owner=priya  nair")  # stored as the roster spells it
    assert "owner: Priya Nair\n" in next((example_kb / "processes").glob("prc-260112-*.md")).read_text()
    made = json.loads(pmops("new", "decision", "Go", "deciders=Noah Fischer, ada brooks", "--json").stdout)
    assert json.loads(pmops("show", made["id"], "--json").stdout)["deciders"] == ["Noah Fischer", "Ada Brooks"]
    # A person's id or a unique prefix of one is written as their name (per-261126-q3xy is Maya Chen).
    pmops("set", "prc-260112", "owner=per-261126-q3x")
    assert "owner: Maya Chen\n" in next((example_kb / "processes").glob("prc-260112-*.md")).read_text()
    # An opportunity's owner answers for it: checked as every owner is, through the registry.
    opp = pmops("opportunity", "add", "Receipts lost", "--area", "billing", "--owner", "Ada Brook", code=2)
    assert opp.stderr == "error: --owner: no one named 'Ada Brook' on the roster\nhint: did you mean Ada Brooks?\n"
    assert pmops("set", "opp-261202-04kv", "owner=Noah Fischer", code=1).stderr.startswith(
        "error: owner: Noah Fischer left the team on 2025-08-29"
    )
    # The example KB's customer owners are in sales: its pmops.yaml says they name nobody on the roster.
    pmops("set", "cus-261126-h76b", "owner=Someone In Sales")


def test_lint_finds_people_off_the_roster_and_owners_who_left(example_kb: Path, pmops: Runner) -> None:
    assert not [f for f in json.loads(pmops("lint", "--json").stdout) if f["rule"].startswith("person-")]
    path = next((example_kb / "processes").glob("prc-260112-*.md"))
    path.write_text(path.read_text().replace("owner: Jonas Weber", "owner: Jonas Webber"))
    metric = next((example_kb / "metrics").glob("met-261126-pgw3-*.md"))
    owner = next(line for line in metric.read_text().splitlines() if line.startswith("owner:"))
    metric.write_text(metric.read_text().replace(owner, "owner: Noah Fischer"))
    found = {(f["rule"], f["message"]) for f in json.loads(pmops("lint", "--json").stdout)}
    assert ("person-unknown", "owner: 'Jonas Webber' is not on the roster") in found
    assert ("person-left", "owner: Noah Fischer left the team on 2025-08-29") in found
    git(example_kb, "commit", "-qam", "by hand")  # pmops writes only to a file with no edits of the user's
    pmops("archive", "met-261126-pgw3")  # an archived metric: nobody answers for it any more
    found = {(f["rule"], f["message"]) for f in json.loads(pmops("lint", "--json").stdout)}
    assert ("person-left", "owner: Noah Fischer left the team on 2025-08-29") not in found
    # An opportunity's owner who left: flagged while it is live, not once it shipped (its type's `ended`).
    opp = next((example_kb / "opportunities").glob("opp-261202-04kv-*.md"))
    owner = next(line for line in opp.read_text().splitlines() if line.startswith("owner:"))
    opp.write_text(opp.read_text().replace(owner, "owner: Noah Fischer"))
    left = [f for f in json.loads(pmops("lint", "--json").stdout) if f["rule"] == "person-left"]
    assert [f["path"] for f in left] == [opp.relative_to(example_kb).as_posix()]
    status = next(line for line in opp.read_text().splitlines() if line.startswith("status:"))
    opp.write_text(opp.read_text().replace(status, "status: shipped"))
    assert not [f for f in json.loads(pmops("lint", "--json").stdout) if f["rule"] == "person-left"]
