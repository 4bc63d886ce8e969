"""Listing filters through the CLI: an option that takes one value given twice is exit 2 on every
command (click would keep the last unsaid); `pmops list TYPE FIELD=VALUE` reads values as the field
does — dates as people write them, numbers and amounts as numbers, `=` inside a value, any spacing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import commit_count, git

TWICE = [
    ("insight", "list", "--tag", "approvals", "--tag", "pricing"),
    ("insight", "list", "--area=approvals", "--area", "billing"),
    ("insight", "list", "--source", "interview", "--segment", "smb", "--source", "survey"),
    ("decision", "list", "--status", "accepted", "--status", "proposed"),
    ("process", "list", "--tag", "rituals", "--tag=planning"),
    ("tool", "compare", "--category", "analytics", "--category", "design"),
    ("opportunity", "list", "--status", "discovery", "--status", "planned"),
    ("person", "list", "--role", "pm", "--role", "product-ops"),
    ("customer", "list", "--segment", "smb", "--segment", "enterprise"),
    ("list", "insight", "--tag", "approvals", "--tag", "pricing"),
    ("log", "--author", "Maya Chen", "--author", "Theo Park"),
    ("metric", "list", "--format", "csv", "--format", "json"),
    ("insight", "add", "--title", "One", "--title", "Two", "--source", "interview"),
]


@pytest.mark.parametrize("args", TWICE, ids=[" ".join(a[:3]) for a in TWICE])
def test_an_option_that_takes_one_value_given_twice_is_exit_2_everywhere(pmops, example_kb: Path, args) -> None:
    commits = commit_count(example_kb)
    refused = pmops(*args, code=2)
    option = next(a.partition("=")[0] for a in args[2:] if a.startswith("--") and sum(
        b.partition("=")[0] == a.partition("=")[0] for b in args) == 2)  # fmt: skip
    assert refused.stderr.startswith(f"error: {option} is given twice (") and "it takes one value" in refused.stderr
    assert len(refused.stderr.splitlines()) == 2 and refused.stdout == ""
    assert commit_count(example_kb) == commits and git(example_kb, "status", "--porcelain") == ""


def test_a_repeatable_option_a_flag_and_a_value_that_looks_like_an_option_are_not_counted(
    pmops, example_kb: Path
) -> None:
    pmops("insight", "add", "--title", "Two tags", "--source", "interview", "--tag", "approvals", "--tag", "pricing")
    pmops("insight", "list", "--json", "--json", "--area", "approvals")
    pmops("search", "--type", "insight", "approvals", "--json")
    pmops("insight", "add", "--title", "--title", "--source", "interview", "--no-commit")  # a title '--title'


def _ids(pmops, *args: str) -> list[str]:
    return [r["id"] for r in json.loads(pmops("list", *args, "--json").stdout)]


def test_list_type_field_value_compares_dates_numbers_and_amounts_as_values(pmops, example_kb: Path) -> None:
    assert _ids(pmops, "tool", "cost=9000") == ["tol-261126-xx8j"]  # written 9000.0: the number, not the text
    assert _ids(pmops, "tool", "cost=9,000") == ["tol-261126-xx8j"]
    assert _ids(pmops, "tool", "seats=25") == ["tol-261126-0db8"]
    on_the_day = _ids(pmops, "insight", "date=2026-11-19")
    assert on_the_day == ["ins-261119-8ys3"] and _ids(pmops, "insight", "date=19 Nov 2026") == on_the_day
    assert _ids(pmops, "decision", "review_date=2027-05-01")  # a date still to come: no refusal, a match
    assert _ids(pmops, "customer", "arr=$120k") == _ids(pmops, "customer", "arr=120000")
    assert _ids(pmops, "tool", "cost=9k") == ["tol-261126-xx8j"]  # an amount as people write one
    bad = pmops("list", "tool", "seats=lots", code=2)
    assert bad.stderr.startswith("error: seats must be a whole number") and "e.g. seats=25" in bad.stderr
    assert pmops("list", "tool", "cost=lots", code=2).stderr.startswith("error: cost: 'lots' is not an amount")
    assert "'someday' is not a date" in pmops("list", "insight", "date=someday", code=2).stderr


def test_list_type_field_value_reads_spaces_and_equals_signs_and_refuses_what_it_cannot_read(
    pmops, example_kb: Path
) -> None:
    authored = _ids(pmops, "insight", "author=Maya Chen")
    assert len(authored) == 7 and _ids(pmops, "insight", "author=  maya   CHEN ") == authored
    pmops("new", "insight", "A = B is not C", "source=interview", "--json")
    assert len(_ids(pmops, "insight", "title=a = b is not c")) == 1  # the value is everything after the first '='
    unknown = pmops("list", "insight", "auther=Maya Chen", code=2)
    assert "has no field 'auther'" in unknown.stderr and "hint: did you mean 'author'" in unknown.stderr
    twice = pmops("list", "insight", "author=Maya Chen", "author=Theo Park", code=2)
    assert "author is given twice" in twice.stderr
    assert "give the value to look for" in pmops("list", "insight", "author=", code=2).stderr


def test_person_list_archived_shows_the_archived_records_alone(pmops, example_kb: Path) -> None:
    """As every listing's --archived: only archived records; --all keeps them among the others; both is exit 2."""
    people = {p["name"]: p["id"] for p in json.loads(pmops("person", "list", "--json").stdout)}
    assert json.loads(pmops("person", "list", "--archived", "--json").stdout) == []
    pmops("archive", people["Ada Brooks"])
    archived = json.loads(pmops("person", "list", "--archived", "--json").stdout)
    assert [p["name"] for p in archived] == ["Ada Brooks"]
    assert "Ada Brooks" not in [p["name"] for p in json.loads(pmops("person", "list", "--json").stdout)]
    assert "Ada Brooks" in [p["name"] for p in json.loads(pmops("person", "list", "--all", "--json").stdout)]
    assert (
        pmops("person", "list", "--all", "--archived", code=2).stderr == "error: give --all or --archived, not both\n"
    )


def test_tool_list_filters_by_category_and_status_as_other_listings(pmops, example_kb: Path) -> None:
    tools = json.loads(pmops("tool", "list", "--json").stdout)
    analytics = json.loads(pmops("tool", "list", "--category", "analytics", "--json").stdout)
    assert analytics and {t["category"] for t in analytics} == {"analytics"}
    assert len(analytics) == sum(t["category"] == "analytics" for t in tools)
    adopted = json.loads(pmops("tool", "list", "--status", "adopted", "--json").stdout)
    assert adopted and {t["status"] for t in adopted} == {"adopted"} and len(adopted) < len(tools)
    both = json.loads(pmops("tool", "list", "--category", "analytics", "--status", "evaluating", "--json").stdout)
    assert both == [t for t in analytics if t["status"] == "evaluating"]
    typo = pmops("tool", "list", "--category", "anlytics", code=2).stderr.splitlines()
    assert typo[0].startswith("error: --category must be roadmapping, ") and typo[0].endswith(
        "e.g. --category roadmapping"
    )
    assert typo[1] == "hint: did you mean 'analytics'?"
    assert pmops("tool", "list", "--category", "other").stdout.strip() == "no tools match"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("insight", "list", "--customer", ""), "--customer"),
        (("insight", "list", "--tag", " "), "--tag"),
        (("decision", "list", "--status", ""), "--status"),
        (("person", "list", "--area", ""), "--area"),
        (("process", "list", "--tag", ""), "--tag"),
        (("tool", "list", "--category", ""), "--category"),
    ],
)
def test_a_filter_given_empty_is_exit_2_as_list_type_field_is(pmops, example_kb: Path, args, option) -> None:
    """`--customer ''` listed everything (the filter was dropped); `pmops list TYPE FIELD=` refuses it."""
    refused = pmops(*args, code=2)
    lines = refused.stderr.splitlines()
    assert lines[0] == f"error: {option} is empty: give the value to look for" and lines[1].startswith(
        f"hint: e.g. {option} "
    )
    assert refused.stdout == ""
    assert pmops("list", "insight", "customer=", code=2).stderr.startswith(
        "error: customer=: give the value to look for"
    )


def test_a_role_that_is_not_a_choice_is_said_as_every_choice_with_an_example(pmops, example_kb: Path) -> None:
    said = pmops("person", "list", "--role", "nope", code=2).stderr.splitlines()[0]
    assert said == ("error: --role must be pm, product-ops, design, eng, support, sales, leadership or other, "
                    "e.g. --role pm")  # fmt: skip
