"""`pmops process` and `pmops checklist`: templates that lint clean, reviews, staleness, runs."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from pmops import templates
from pmops.doctypes import CADENCES, PROCESS, PROCESS_KINDS
from tests.conftest import commit_count, git


def new(pmops, kind: str, *extra: str) -> dict:
    return json.loads(pmops("process", "new", f"Our {kind}", "--kind", kind, *extra, "--json").stdout)


@pytest.mark.parametrize("kind", PROCESS_KINDS)
def test_every_kind_gives_a_document_that_lints_clean(pmops, kb: Path, kind: str) -> None:
    created = new(pmops, kind, "--owner", "Maya Chen")
    assert git(kb, "log", "-1", "--name-only", "--format=").split() == [created["path"]]
    shown = json.loads(pmops("show", created["id"], "--json").stdout)
    assert shown["kind"] == kind and shown["owner"] == "Maya Chen" and shown["status"] == "active"
    assert shown["cadence"] == PROCESS.variants[kind].defaults["cadence"]
    assert shown["review_every_days"] == 90 and shown["last_reviewed"] == dt.date.today().isoformat()
    for section in PROCESS.sections_for({"kind": kind}):
        assert f"## {section}" in shown["body"]
    assert json.loads(pmops("lint", created["path"], "--json").stdout) == []


def test_the_owner_defaults_to_you_and_bad_input_is_exit_2(pmops, kb: Path) -> None:
    assert json.loads(pmops("show", new(pmops, "custom")["id"], "--json").stdout)["owner"] == "Test PM"
    before = commit_count(kb)
    assert "kind" in pmops("process", "new", "X", code=2).stderr  # no terminal: names the field
    assert "--kind must be prioritization, " in pmops("process", "new", "X", "--kind", "standup", code=2).stderr
    assert "cadence" in pmops("process", "new", "X", "--kind", "custom", "--cadence", "hourly", code=2).stderr
    assert commit_count(kb) == before


def test_review_every_days_comes_from_pmops_yaml(pmops, kb: Path) -> None:
    config = kb / "pmops.yaml"
    config.write_text(config.read_text().replace("defaults:\n", "defaults:\n  review_every_days: 30\n"))
    assert json.loads(pmops("show", new(pmops, "custom")["id"], "--json").stdout)["review_every_days"] == 30


def test_stale_lists_exactly_the_processes_past_review_and_review_clears_it(pmops, kb: Path) -> None:
    fresh = new(pmops, "sprint-planning")
    old = new(pmops, "prioritization")
    path = kb / old["path"]
    path.write_text(path.read_text().replace(f"last_reviewed: {dt.date.today()}", "last_reviewed: 2025-01-10"))
    git(kb, "commit", "-qam", "backdate")
    stale = json.loads(pmops("process", "list", "--stale", "--json").stdout)
    assert [p["id"] for p in stale] == [old["id"]] and stale[0]["review_due"] == "2025-04-10"
    assert "stale since" in pmops("process", "list").stdout
    before = path.read_text()
    pmops("process", "review", old["id"][:-1] if old["id"][:-1] != fresh["id"][:-1] else old["id"])
    assert json.loads(pmops("process", "list", "--stale", "--json").stdout) == []
    assert git(kb, "log", "-1", "--format=%s").startswith(f"pmops: review process {old['id']}")
    assert git(kb, "log", "-1", "--name-only", "--format=").split() == [old["path"]]
    after = path.read_text()  # only the last_reviewed line changed
    assert [a for a, b in zip(after.splitlines(), before.splitlines()) if a != b] == [
        f"last_reviewed: {dt.date.today()}"
    ]
    assert "not a process" in pmops("process", "review", json.loads(pmops("insight", "add", "--title", "t",
                                    "--source", "survey", "--json").stdout)["id"], code=2).stderr  # fmt: skip


@pytest.mark.parametrize(
    ("cadence", "start", "today", "due"),
    [
        ("weekly", "2026-01-05", "2026-11-26", True),
        ("biweekly", "2026-11-16", "2026-11-26", False),  # the week after a run
        ("biweekly", "2026-11-09", "2026-11-26", True),
        ("monthly", "2026-01-24", "2026-11-26", True),  # the 24th falls in this week
        ("monthly", "2026-01-10", "2026-11-26", False),
        ("monthly", "2026-01-31", "2026-11-30", True),  # the 31st → November's last day
        ("quarterly", "2026-02-25", "2026-11-26", True),  # Feb, May, Aug, Nov
        ("quarterly", "2026-01-25", "2026-11-26", False),
        ("per-launch", "2026-01-01", "2026-11-26", False),
    ],
)
def test_due_follows_the_cadence_from_the_process_date(
    pmops, kb: Path, cadence: str, start: str, today: str, due: bool
) -> None:
    created = new(pmops, "custom", "--cadence", cadence)
    path = kb / created["path"]
    path.write_text(path.read_text().replace(f"date: {dt.date.today()}", f"date: {start}"))
    listed = json.loads(pmops("process", "list", "--due", "--today", today, "--json").stdout)
    assert [p["id"] for p in listed] == ([created["id"]] if due else [])


# How each cadence reads in a sentence, and the sentence of each template that says it.
PHRASES = {"weekly": "every week", "biweekly": "every two weeks", "monthly": "once a month",
           "quarterly": "once a quarter", "per-launch": "for each launch", "ad-hoc": "when needed"}  # fmt: skip
SENTENCES = {
    "prioritization": "Decide, {}, what the team builds next",
    "sprint-planning": "Start every sprint ({}) with a goal",
    "roadmap-review": "{}, check the roadmap",
}
NOT_ENGLISH = re.compile(
    r"\b(a|an|every|each)\s+(weekly|biweekly|monthly|quarterly|per-launch|ad-hoc)\b", re.IGNORECASE
)


@pytest.mark.parametrize("cadence", CADENCES)
@pytest.mark.parametrize("kind", PROCESS_KINDS)
def test_every_template_says_every_cadence_in_english(kind: str, cadence: str) -> None:
    text = templates.render(f"process-{kind}.md.j2", None, cadence=cadence, owner="Maya Chen", body="")
    assert not NOT_ENGLISH.search(text)
    assert f"{cadence})" not in text and f"{cadence}," not in text  # the raw value never stands in the prose
    if kind in SENTENCES:
        phrase = PHRASES[cadence] if SENTENCES[kind][0] != "{" else PHRASES[cadence].capitalize()
        assert SENTENCES[kind].format(phrase) in text


def test_the_prioritization_ritual_reads_once_a_month(pmops, kb: Path) -> None:
    created = new(pmops, "prioritization")
    assert "Decide, once a month, what the team builds next" in (kb / created["path"]).read_text()
    launch = new(pmops, "roadmap-review", "--cadence", "per-launch")
    assert "\nFor each launch, check the roadmap against what we learned" in (kb / launch["path"]).read_text()


def test_missing_section_or_owner_makes_lint_fail_naming_it(pmops, kb: Path) -> None:
    created = new(pmops, "launch-checklist")
    path = kb / created["path"]
    text = path.read_text()
    path.write_text(text.replace("## Steps", "## Next"))
    findings = json.loads(pmops("lint", "--json", code=1).stdout)
    assert [(f["rule"], f["message"]) for f in findings] == [("section-missing", "missing section 'Steps'")]
    path.write_text(text.replace("owner: Test PM\n", ""))
    assert "missing required field 'owner'" in pmops("lint", code=1).stdout


def test_checklist_start_tick_status_round_trip(pmops, kb: Path) -> None:
    process = new(pmops, "launch-checklist")
    run = json.loads(pmops("checklist", "start", process["id"], "--for", "Mobile approvals GA", "--json").stdout)
    assert run["path"].startswith("checklists/") and "mobile-approvals-ga" in run["path"]
    status = json.loads(pmops("checklist", "status", run["id"], "--json").stdout)[0]
    assert status["process"] == process["id"] and status["for"] == "Mobile approvals GA"
    total = status["total"]
    assert total >= 15 and status["done"] == 0
    pmops("checklist", "tick", run["id"], "1")
    pmops("checklist", "tick", run["id"], "rollback plan")
    assert git(kb, "log", "-1", "--name-only", "--format=").split() == [run["path"]]
    status = json.loads(pmops("checklist", "status", run["id"], "--json").stdout)[0]
    assert status["done"] == 2 and len(status["open_items"]) == total - 2
    assert "already ticked" in pmops("checklist", "tick", run["id"], "1").stdout
    missing = pmops("checklist", "tick", run["id"], "launch party", code=1)
    assert "no item matches 'launch party'" in missing.stderr and "2. Readiness" in missing.stderr
    assert (
        "'Readiness' matches 6 items: 1. Readiness" in pmops("checklist", "tick", run["id"], "Readiness", code=1).stderr
    )
    # Editing the process later does not change the run already started.
    process_path = kb / process["path"]
    process_path.write_text(process_path.read_text().replace("- [ ] Docs:", "- [ ] Changed:"))
    assert "Changed:" not in (kb / run["path"]).read_text()
    for item in json.loads(pmops("checklist", "status", run["id"], "--json").stdout)[0]["open_items"]:
        pmops("checklist", "tick", run["id"], str(item["number"]))
        subject = git(kb, "log", "-1", "--format=%s")
        text = subject.split('"', 1)[1].rstrip('"\n')  # the item, whole or cut at a word with …
        assert item["text"].startswith(text.removesuffix("…")) and len(text) <= 60, subject
        if text.endswith("…"):
            assert item["text"][len(text) - 1] in " ,;:" and not text.endswith(" …"), subject  # never mid-word
        else:
            assert text == item["text"], subject
    done = json.loads(pmops("checklist", "status", "--json").stdout)[0]
    assert (done["status"], done["done"], done["completed"]) == ("done", total, dt.date.today().isoformat())
    assert json.loads(pmops("lint", "--json").stdout) == []


def test_checklist_start_refuses_what_has_no_checklist(pmops, kb: Path) -> None:
    plain = new(pmops, "sprint-planning")
    assert "has no checklist items" in pmops("checklist", "start", plain["id"], "--for", "x", code=1).stderr
    assert "not a process" in pmops("checklist", "start", "README.md", "--for", "x", code=2).stderr
    assert "--for must name" in pmops("checklist", "start", plain["id"], "--for", "  ", code=2).stderr


def test_a_kbs_own_template_overrides_the_shipped_one(pmops, kb: Path) -> None:
    (kb / "templates").mkdir()
    (kb / "templates" / "process-custom.md.j2").write_text(
        "## Purpose\n\nOur house style, owned by {{ owner }}.\n\n## Roles\n\n## Steps\n\n## Inputs\n\n## Outputs\n"
    )
    created = new(pmops, "custom", "--owner", "Ada Brooks")
    assert "Our house style, owned by Ada Brooks." in (kb / created["path"]).read_text()
    assert "## Scoring" in (kb / new(pmops, "prioritization")["path"]).read_text()  # others still shipped
    assert json.loads(pmops("lint", "--json").stdout) == []


def test_a_kbs_own_template_is_rendered_in_the_sandbox(pmops, kb: Path) -> None:
    """A template from the repository cannot reach Python's internals (a teammate's file, run on every laptop);
    pmops' own templates, beside it, still render."""
    (kb / "templates").mkdir()
    (kb / "templates" / "process-custom.md.j2").write_text(
        "## Purpose\n\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n"
    )
    before = commit_count(kb)
    said = pmops("process", "new", "Weekly", "--kind", "custom", code=2).stderr
    assert said.startswith("error: template") and "unsafe" in said and len(said.splitlines()) <= 2
    assert commit_count(kb) == before and git(kb, "status", "--porcelain", "--untracked-files=no") == ""
    assert "## Scoring" in (kb / new(pmops, "prioritization")["path"]).read_text()


def test_a_review_every_0_days_or_fewer_is_refused_wherever_it_is_written(pmops, kb: Path) -> None:
    created = new(pmops, "custom")
    before = commit_count(kb)
    message = "error: review_every_days must be a whole number, 1 or more, e.g. review_every_days=90\n"
    for days in ("0", "-1"):
        assert pmops("set", created["id"], f"review_every_days={days}", code=2).stderr == message
        assert pmops("new", "process", "Later", "kind=custom", f"review_every_days={days}", code=2).stderr == message
    assert commit_count(kb) == before and git(kb, "status", "--porcelain") == ""
    path = kb / created["path"]
    path.write_text(path.read_text().replace("review_every_days: 90", "review_every_days: 0"))
    found = json.loads(pmops("lint", created["path"], "--json", code=1).stdout)
    assert [(f["rule"], f["message"]) for f in found] == [
        ("field-invalid", "review_every_days: '0' is not a whole number, 1 or more")
    ]
    git(kb, "checkout", "--", created["path"])
    config = kb / "pmops.yaml"
    config.write_text(config.read_text().replace("defaults:\n", "defaults:\n  review_every_days: 0\n"))
    said = pmops("process", "new", "Weekly", "--kind", "custom", code=2).stderr.splitlines()
    assert said == ["error: pmops.yaml: 'defaults.review_every_days' must be a whole number, 1 or more, not 0",
                    "hint: e.g. review_every_days: 90"]  # fmt: skip


def test_set_refuses_a_last_review_after_today_and_lint_flags_one_written_by_hand(pmops, kb: Path) -> None:
    created = new(pmops, "custom")
    later = dt.date.today() + dt.timedelta(days=30)
    before = commit_count(kb)
    refused = pmops("set", created["id"], f"last_reviewed={later}", code=2).stderr.splitlines()
    assert refused[0] == f"error: last_reviewed: {later} is after today ({dt.date.today()})"
    assert refused[1] == "hint: write the day someone last checked it still matches reality"
    assert refused[0] in pmops("new", "process", "Later", "kind=custom", f"last_reviewed={later}", code=2).stderr
    assert commit_count(kb) == before and git(kb, "status", "--porcelain") == ""
    path = kb / created["path"]
    path.write_text(path.read_text().replace(f"last_reviewed: {dt.date.today()}", f"last_reviewed: {later}"))
    found = json.loads(pmops("lint", created["path"], "--json", code=1).stdout)
    assert [(f["rule"], f["message"]) for f in found] == [
        ("date-future", f"last_reviewed {later}, after today ({dt.date.today()})")
    ]


def test_checklist_status_says_which_runs_it_shows_archived_or_not(pmops, example_kb: Path) -> None:
    assert pmops("checklist", "status", "--archived").stdout == "no archived checklist runs\n"
    (run,) = json.loads(pmops("checklist", "status", "--json").stdout)
    pmops("archive", run["id"])
    shown = pmops("checklist", "status", "--archived").stdout
    assert run["id"] in shown and shown.endswith("\n1 archived checklist run\n")
    hidden = pmops("checklist", "status").stdout
    assert hidden == "no checklist runs but 1 archived run: pmops checklist status --archived\n"
    assert pmops("checklist", "status", "--all").stdout.endswith("\n1 checklist run\n")
    assert "None" not in shown + hidden and json.loads(pmops("checklist", "status", "--json").stdout) == []


@pytest.mark.parametrize("cadence", ["biweekly", "monthly", "quarterly"])
def test_the_prioritization_template_asks_only_what_pmops_does(pmops, kb: Path, cadence: str) -> None:
    """A cycle is a calendar month: a biweekly process records the month's ranking once (the sessions in
    between record nothing), a quarterly one the quarter's last month's; must-dos and the cut line go in
    the stakeholder note (pmops has no must-do mark, a ranking no cut line)."""
    created = new(pmops, "prioritization", "--cadence", cadence, "--owner", "Maya Chen")
    body = " ".join((kb / created["path"]).read_text().split())
    assert ("the sessions in between work from `pmops prioritize --explain` and record nothing" in body) == (
        cadence == "biweekly"
    )
    assert ("the quarter's last" in body) == (cadence == "quarterly")
    assert "listed separately" not in body and "with its scores and the cut line" not in body
    assert "the cut line and the must-dos go in the stakeholder note" in body
    assert json.loads(pmops("lint", "--json").stdout) == []
