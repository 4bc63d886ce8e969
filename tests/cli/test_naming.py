"""One way to name things: every command that takes a document takes an id, a unique prefix of
one or the exact title (any case), through one resolver; steps and items by id, number or text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import commit_count, git

# Prefixes of the example KB that name several documents each.
DECISIONS = "dec-261126"  # 7 decisions
PROCESSES = "prc-26"  # 6 processes
METRICS = "met-261126"  # 5 metrics
TOOLS = "tol-261126"  # 9 tools
PEOPLE = "per-261126"  # 10 people (Noah Fischer, who left, among them)
PLANS = "onb-26"  # 3 plans


def ambiguous(pmops, *args: str, prefix: str, total: int) -> None:
    """The command says how many documents the prefix matches and lists five of them, exit 1."""
    result = pmops(*args, code=1)
    error = result.stderr.splitlines()[0]
    assert error.startswith(f"error: '{prefix}' matches {total} documents: {prefix}"), result.stderr
    assert error.count(f"{prefix}") == 1 + min(total, 5)
    assert (f"… {total - 5} more" in error) == (total > 5)
    assert "no document" not in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def runs(pmops, example_kb: Path) -> list[str]:
    """The example KB with a second checklist run (two runs share the prefix chk-)."""
    pmops("checklist", "start", "Launch checklist", "--for", "Dark mode beta")
    return ["chk-", "chk-26"]


COMMANDS = [
    (("show", DECISIONS), DECISIONS, 7),
    (("links", DECISIONS), DECISIONS, 7),
    (("edit", DECISIONS), DECISIONS, 7),
    (("set", DECISIONS, "area=billing"), DECISIONS, 7),
    (("archive", DECISIONS), DECISIONS, 7),
    (("rm", DECISIONS), DECISIONS, 7),
    (("mv", DECISIONS, "New title"), DECISIONS, 7),
    (("decision", "accept", DECISIONS), DECISIONS, 7),
    (("decision", "reject", DECISIONS), DECISIONS, 7),
    (("decision", "supersede", DECISIONS, "--by", "Build a native HRIS sync"), DECISIONS, 7),
    (("decision", "supersede", "Build a native HRIS sync", "--by", DECISIONS), DECISIONS, 7),
    (("process", "review", PROCESSES), PROCESSES, 7),
    (("checklist", "start", PROCESSES, "--for", "x"), PROCESSES, 7),
    (("metric", "record", METRICS, "5"), METRICS, 5),
    (("metric", "show", METRICS), METRICS, 5),
    (("tool", "score", TOOLS, "fit=4"), TOOLS, 9),
    (("tool", "compare", TOOLS, "Jira"), TOOLS, 9),
    (("onboard", "status", PEOPLE), PEOPLE, 10),
    (("onboard", "done", PEOPLE, "W1-1"), PEOPLE, 10),
    (("onboard", "status", PLANS), PLANS, 3),
    (("customer", "show", "cus-261126"), "cus-261126", 30),
]


@pytest.mark.parametrize(("args", "prefix", "total"), COMMANDS, ids=[" ".join(c[0][:2]) for c in COMMANDS])
def test_every_command_says_an_ambiguous_prefix_matches_n_documents(
    pmops, example_kb: Path, args: tuple[str, ...], prefix: str, total: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISUAL", "true")
    before = commit_count(example_kb)
    ambiguous(pmops, *args, prefix=prefix, total=total)
    assert commit_count(example_kb) == before and not git(example_kb, "status", "--porcelain")


@pytest.mark.parametrize(
    ("option", "args"),
    [
        ("--evidence", ("decision", "add", "--title", "x", "--evidence", "ins-26")),
        ("--link", ("insight", "add", "--title", "x", "--source", "interview", "--link", DECISIONS)),
        ("--integrates-with", ("tool", "add", "X", "--category", "other", "--integrates-with", TOOLS)),
        ("evidence", ("set", "Build dark mode this year", "evidence=ins-26")),
    ],
    ids=["--evidence", "--link", "--integrates-with", "set a reference"],
)
def test_a_reference_option_with_an_ambiguous_prefix_lists_them_and_writes_nothing(
    pmops, example_kb: Path, option: str, args: tuple[str, ...]
) -> None:
    before = commit_count(example_kb)
    result = pmops(*args, code=1)
    assert f"error: {option}: '" in result.stderr and "' matches " in result.stderr and "more" in result.stderr
    assert "no document" not in result.stderr
    assert commit_count(example_kb) == before and not git(example_kb, "status", "--porcelain")


def test_checklist_commands_say_an_ambiguous_run_prefix_matches_n(pmops, runs: list[str]) -> None:
    for prefix in runs:
        ambiguous(pmops, "checklist", "tick", prefix, "1", prefix=prefix, total=2)
        ambiguous(pmops, "checklist", "status", prefix, prefix=prefix, total=2)


def test_every_command_takes_an_exact_title_in_any_case(
    pmops, example_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def ok(*args: str) -> str:
        return pmops(*args).stdout

    monkeypatch.setenv("VISUAL", "true")  # the editor leaves the file unchanged
    assert json.loads(ok("show", "design approvals MOBILE-first", "--json"))["id"] == "dec-261126-whps"
    assert "dec-261126-1pjf" in ok("links", "Approve and reject from Slack")  # the decision it supersedes
    ok("edit", "Build dark mode this year")
    ok("set", "build dark mode this year", "area=billing")
    assert "dec-261126-h9qd" in ok("decision", "accept", "Build a native HRIS sync")
    assert "dec-261126-hebs" in ok(
        "decision", "supersede", "Build dark mode this year", "--by", "Build a native HRIS sync"
    )
    ok("process", "review", "bug triage")
    assert "Sprint planning (mobile squad)" in ok("show", "Sprint planning (mobile squad)")
    ok("metric", "record", "weekly active approvers", "5")
    assert "Median time to approval" in ok("metric", "show", "Median time to approval")
    ok("tool", "score", "dovetail", "fit=4")
    assert "Condens" in ok("tool", "compare", "Dovetail", "Condens")
    assert "Verde Foods" in ok("customer", "show", "VERDE foods")
    assert "Ben Carter" in ok("onboard", "status", "ben carter")
    assert "Ben Carter" in ok("onboard", "status", "Onboarding Ben Carter")  # the plan's own title
    assert "Chloe Dubois" in ok("onboard", "status", "per-260817")  # the person's id prefix
    ok("checklist", "tick", "Launch checklist — Mobile approvals GA", "1")
    assert "Launch checklist" in ok("checklist", "status", "launch checklist — mobile approvals ga")
    run = json.loads(ok("checklist", "start", "launch checklist", "--for", "Beta", "--json"))
    assert run["id"].startswith("chk-")
    linked = json.loads(
        ok("insight", "add", "--title", "x", "--source", "interview", "--link", "Build dark mode this year", "--json")
    )
    assert json.loads(ok("show", linked["id"], "--json"))["links"] == ["dec-261126-hebs"]
    cited = json.loads(ok("decision", "add", "--title", "y", "--evidence", "x", "--json"))  # the insight's title
    assert json.loads(ok("show", cited["id"], "--json"))["evidence"] == [linked["id"]]
    ok("archive", "Design approvals mobile-first")
    ok("mv", "Build a native HRIS sync", "Build an HRIS sync")
    ok("rm", "--force", "build an hris sync")
    assert not list(example_kb.glob("decisions/dec-261126-h9qd*"))


def test_a_document_of_another_type_is_exit_2_everywhere(pmops, example_kb: Path) -> None:
    for args in [
        ("decision", "accept", "Bug triage"),
        ("decision", "supersede", "Bug triage", "--by", "Build a native HRIS sync"),
        ("process", "review", "Build a native HRIS sync"),
        ("checklist", "start", "Jira", "--for", "x"),
        ("checklist", "tick", "Bug triage", "1"),
        ("metric", "record", "Jira", "5"),
        ("metric", "show", "Jira"),
        ("tool", "score", "Weekly active approvers", "fit=3"),
        ("tool", "compare", "Jira", "Weekly active approvers"),
        ("onboard", "status", "Jira"),
        ("decision", "add", "--title", "z", "--evidence", "Bug triage"),
        ("tool", "add", "Z", "--category", "other", "--integrates-with", "Bug triage"),
    ]:
        result = pmops(*args, code=2)
        assert " is a " in result.stderr and ", not a" in result.stderr, (args, result.stderr)


def test_an_unknown_reference_suggests_the_nearest(pmops, example_kb: Path) -> None:
    result = pmops("show", "Build dark mode this yaer", code=1)
    assert "no document with the id or title 'Build dark mode this yaer'" in result.stderr
    assert 'did you mean dec-261126-hebs "Build dark mode this year"?' in result.stderr
    result = pmops("tool", "score", "Jirra", "fit=3", code=1)
    assert "no tool with the id or title 'Jirra'" in result.stderr and "did you mean tol-261126-wqv7" in result.stderr
    assert "'pmops tool list' lists them" in pmops("tool", "score", "Nothing like it", "fit=3", code=1).stderr
    before = commit_count(example_kb)
    result = pmops("insight", "add", "--title", "x", "--source", "interview", "--link", "Build dark mode", code=1)
    assert "--link: no document with the id or title 'Build dark mode'" in result.stderr
    assert "did you mean" in result.stderr and "Build dark mode this year" in result.stderr
    assert commit_count(example_kb) == before and not git(example_kb, "status", "--porcelain")


def test_a_document_whose_front_matter_does_not_parse_is_said_so_not_not_found(pmops, example_kb: Path) -> None:
    path = next((example_kb / "insights").glob("ins-260302-by5r-*.md"))
    rel = path.relative_to(example_kb).as_posix()
    path.write_text(path.read_text().replace("tags: [receipts", "tags: [[receipts"))
    git(example_kb, "commit", "-qam", "a bracket left open")
    before = commit_count(example_kb)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("tags:"))
    for args in (("show", "ins-260302-by5r"), ("set", "ins-260302-by5r", "confidence=high"),
                 ("links", "ins-260302-by5r"), ("archive", "ins-260302-by5r"), ("show", rel)):  # fmt: skip
        said = pmops(*args, code=1).stderr.splitlines()
        assert said[0].startswith(f"error: ins-260302-by5r: its front-matter does not parse ({rel}:{line}: "), args
        assert said[1:] == ["hint: pmops edit ins-260302-by5r mends it"], args
    said = pmops("show", "ins-260302-by", code=1).stderr  # a prefix: said with the id it names
    assert said.startswith("error: ins-260302-by: ins-260302-by5r: its front-matter does not parse")
    assert "did you mean" not in said
    assert commit_count(example_kb) == before and not git(example_kb, "status", "--porcelain")


def test_a_title_shared_by_two_documents_is_ambiguous(pmops, example_kb: Path) -> None:
    pmops("process", "new", "Bug triage", "--kind", "custom", "--owner", "Ada Brooks")
    result = pmops("process", "review", "bug triage", code=1)
    assert "'bug triage' matches 2 documents: prc-" in result.stderr and '"Bug triage"' in result.stderr
    assert result.stderr.splitlines()[-1] == "hint: they share that title: give the id of one"
    assert "give more of the id" in pmops("show", "prc-26", code=1).stderr  # a prefix: more of it


def test_steps_and_items_by_id_number_text_or_a_unique_fragment(pmops, runs: list[str], example_kb: Path) -> None:
    run = "chk-261116"
    assert "Ticked 9:" in pmops("checklist", "tick", run, "9").stdout
    assert "Ticked 11:" in pmops("checklist", "tick", run, "MACROS and escalation").stdout
    result = pmops("checklist", "tick", run, "readiness", code=1)  # six, done or not
    assert result.stderr.startswith("error: 'readiness' matches 6 items: ") and "… 1 more" in result.stderr
    result = pmops("checklist", "tick", run, "rollback:", code=1)
    assert result.stderr.startswith("error: 'rollback:' matches 3 items: 17. Rollback: rollback plan")
    assert "give its number or more of its text" in result.stderr
    result = pmops("checklist", "tick", run, "nothing like this", code=1)
    assert "no item matches 'nothing like this'; open items: " in result.stderr
    result = pmops("checklist", "tick", run, "42", code=1)
    assert "no item matches '42'" in result.stderr
    # Onboarding steps: the step's id, its number, a fragment of its text.
    plan = "Chloe Dubois"
    status = json.loads(pmops("onboard", "status", plan, "--json").stdout)["plans"][0]
    first_open = status["open_steps"][0]
    result = pmops("onboard", "done", plan, "owner", code=1)
    assert result.stderr.startswith("error: 'owner' matches ") and " steps: 1. " in result.stderr
    assert "… " in result.stderr and " more" in result.stderr
    assert "give its number, its id or more of its text" in result.stderr
    words = first_open["text"].split()
    assert f"Done: {first_open['id']}" in pmops("onboard", "done", plan, " ".join(words[:3]).upper()).stdout
    second = status["open_steps"][1]
    assert f"Done: {second['id']}" in pmops("onboard", "done", plan, second["id"].lower()).stdout
    assert (
        "no step matches 'nothing like this'; open steps: "
        in pmops("onboard", "done", plan, "nothing like this", code=1).stderr
    )
    assert "Already done on 2026-" in pmops("onboard", "done", plan, "1").stdout  # by its number
