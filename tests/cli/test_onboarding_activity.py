"""Onboarding measured by what the new PM does (their first insight and decision) beside the
checklist, and intros with their area's counterparts from the roster; verdicts written by hand from
the scripted history of tests/cli/history_kb.py (Ben Lee starts on 2026-02-16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import history_kb
from tests.conftest import commit_count

TODAY = "2026-03-01"


@pytest.fixture
def month(kb: Path) -> Path:
    return history_kb.made(kb, history_kb.build_digest)


def test_first_insight_and_decision(pmops, month: Path) -> None:
    found = json.loads(pmops("onboard", "status", "--today", TODAY, "--json").stdout)
    # b1 (02-17, no author field: Ben committed it) is day 1; dec-inv names him but is dated 02-12,
    # before his start; February's ranking is Ana's.
    # By default the first insight counts (productive on day 1); the first decision is shown, not counted.
    assert found["plans"][0]["activity"] == {
        "plan": "onb-ben", "name": "Ben Lee", "start": "2026-02-16", "days": 1,
        "firsts": [{"type": "insight", "id": "ins-b1", "day": "2026-02-17", "days": 1, "counts": True},
                   {"type": "decision", "id": None, "day": None, "days": None, "counts": False}]}  # fmt: skip
    assert found["productive_by_activity"] == {
        "wanted": ["insight"], "shown": ["insight", "decision"],
        "text": "not enough data: 1 plan measured (1 productive), 3 needed",
        "median": None, "at_least": False, "measured": 1, "productive": 1, "late": 0}  # fmt: skip
    out = pmops("onboard", "status", "--today", TODAY).stdout
    assert "Own activity (first insight, decision): Ben Lee: first insight on day 1, no decision yet\n" in out
    assert "Days to productive by own activity (first insight): not enough data: 1 plan measured" in out
    table = pmops("onboard", "status", "--today", TODAY, "--columns", "name,day,activity", "--format", "csv").stdout
    assert table == 'name,day,activity\nBen Lee,13,"first insight on day 1, no decision yet"\n'


def test_what_counts_is_configured(pmops, month: Path) -> None:
    yaml = month / "pmops.yaml"
    yaml.write_text(yaml.read_text() + "onboarding:\n  productive_when: [insight, decision]\n")
    found = json.loads(pmops("onboard", "status", "--today", TODAY, "--json").stdout)
    # Both count now: no decision by Ben yet (dec-inv names him, dated before his start), day 13: too early.
    assert (found["plans"][0]["activity"]["days"], found["productive_by_activity"]["wanted"]) == (
        None, ["insight", "decision"])  # fmt: skip
    assert found["productive_by_activity"]["text"] == "not enough data: 0 plans measured (0 productive), 3 needed"
    yaml.write_text(yaml.read_text().replace("productive_when: [insight, decision]", "productive_when: [insight]"))
    assert "first insight on day 1" in pmops("onboard", "status", "--today", TODAY).stdout
    yaml.write_text(yaml.read_text().replace("productive_when: [insight]", "productive_when: [insight, rankings]"))
    err = pmops("onboard", "status", code=2).stderr.splitlines()
    assert err[0] == "error: pmops.yaml: 'onboarding.productive_when': 'rankings' is not a document type"


def test_the_slow_are_counted_as_at_least_their_days_so_far(pmops, month: Path) -> None:
    """Not only the PMs who got there: a plan whose PM has not is counted, past day 45, as at least its
    days so far (found by a new user: the median was over the fast ones alone, and got better as
    onboarding got worse). Worked out by hand, today 2026-03-01."""
    plan = history_kb.PLAN
    history_kb.commit(month, "Priya Ops", "2026-03-01", [
        ("people/per-dee.md", "---\nid: per-dee\nname: Dee Late\nrole: pm\narea: cards\nstart: 2025-12-01\n---\n"),
        ("onboarding/onb-dee.md", plan.replace("onb-ben", "onb-dee").replace("Ben Lee", "Dee Late")
         .replace("per-ben", "per-dee").replace("start: 2026-02-16", "start: 2025-12-01")),
        ("onboarding/onb-ana.md", plan.replace("onb-ben", "onb-ana").replace("Ben Lee", "Ana Silva")
         .replace("per-ben", "per-ana").replace("start: 2026-02-16", "start: 2025-01-06")),
        ("onboarding/onb-cy.md", plan.replace("onb-ben", "onb-cy").replace("Ben Lee", "Cy Diaz")
         .replace("per-ben", "per-cy").replace("start: 2026-02-16", "start: 2025-06-02")),
    ], "three more plans")  # fmt: skip
    # Ben: first insight on day 1 (b1, 02-17). Ana (from 2025-01-06): her first insight is a0, 2026-01-20, day 379.
    # Dee (from 2025-12-01): none by 03-01, day 90, past 45: at least 90. Cy left on 02-08: not counted (and
    # his plan is not listed without --all). Sorted 1, 90 (at least), 379: the median is at least 90.
    found = json.loads(pmops("onboard", "status", "--today", TODAY, "--json").stdout)["productive_by_activity"]
    assert (found["text"], found["median"], found["at_least"]) == (
        "median at least 90 days, over 3 plans measured (2 productive, 1 still not productive past day 45)", 90, True)  # fmt: skip
    everyone = json.loads(pmops("onboard", "status", "--all", "--today", TODAY, "--json").stdout)
    assert everyone["productive_by_activity"]["measured"] == 3  # Cy's plan listed, not measured
    # On 01-14 Dee was at day 44: too early to tell; Ben had not started; Ana (day 373) had no insight yet and
    # is late: 1 plan measured, not enough. Cy, still on the team then, at day 226 with none since: late.
    early = json.loads(pmops("onboard", "status", "--today", "2026-01-14", "--json").stdout)["productive_by_activity"]
    assert (
        early["text"]
        == "not enough data: 2 plans measured (0 productive, 2 still not productive past day 45), 3 needed"
    )
    # Decisions counting too: Ana's first decision is dec-q1 (2026-01-15, she committed it; day 374), her first
    # insight day 379: productive at 379; Ben has no decision yet (day 13, too early); Dee late at 90.
    yaml = month / "pmops.yaml"
    yaml.write_text(yaml.read_text() + "onboarding:\n  productive_when: [insight, decision]\n")
    both = json.loads(pmops("onboard", "status", "--today", TODAY, "--json").stdout)["productive_by_activity"]
    assert (
        both["text"] == "not enough data: 2 plans measured (1 productive, 1 still not productive past day 45), 3 needed"
    )
    out = pmops("onboard", "status", "--today", TODAY).stdout
    assert "Days to productive by own activity (first insight and decision): not enough data: 2 plans" in out


def test_intros_with_the_areas_counterparts(pmops, month: Path) -> None:
    commits = commit_count(month)
    pmops("onboard", "new-pm", "Zoe New", "--start", "2026-03-02", "--area", "billing", "--manager", "Priya Ops")
    plan = next((month / "onboarding").glob("onb-*zoe-new.md")).read_text()
    intros = [line for line in plan.splitlines() if "Intro with" in line]
    # Manager first, then billing's engineer, designer and support lead (Sal Sales is in cards), then
    # the process owners not met yet.
    assert [line.split("Intro with ", 1)[1] for line in intros] == [
        "Priya Ops (manager)", "Eve Eng (engineering counterpart)", "Dan Design (design counterpart)",
        "Sue Support (support counterpart)", "Ben Lee (process owner)", "Ana Silva (process owner)"]  # fmt: skip
    assert commit_count(month) == commits + 1
    # Six intros, two a day from Monday 2 March: the last on Wednesday 4 March, inside 'Intro meetings'
    # due Friday 6 March (4 days after the start).
    assert "W1-2 Intro meetings from the schedule below (owner: Zoe New, due 2026-03-06)" in plan


def test_the_intro_step_is_due_with_its_last_intro(pmops, month: Path) -> None:
    # Five more engineers in billing: 11 intros, two a working day from Monday 2 March, fill the week and
    # Monday 9 March (the 11th): the step is due that Monday, not on the Friday before it.
    for n in range(1, 6):
        pmops("person", "add", f"Eng {n}", "--role", "eng", "--area", "billing", "--start", "2024-01-08")
    pmops("onboard", "new-pm", "Zoe New", "--start", "2026-03-02", "--area", "billing", "--manager", "Priya Ops")
    plan = next((month / "onboarding").glob("onb-*zoe-new.md")).read_text()
    intros = [line.removeprefix("- ")[:10] for line in plan.splitlines() if "Intro with" in line]
    assert intros == ["2026-03-02", "2026-03-02", "2026-03-03", "2026-03-03", "2026-03-04", "2026-03-04",
                      "2026-03-05", "2026-03-05", "2026-03-06", "2026-03-06", "2026-03-09"]  # fmt: skip
    assert "W1-2 Intro meetings from the schedule below (owner: Zoe New, due 2026-03-09)" in plan
    assert (
        "W1-3 Read the processes in the reading list; ask the owners what is not written down (owner: Zoe New, due 2026-03-06)"
        in plan
    )


def test_a_step_done_another_way_is_said_as_the_digest_says_it(pmops, example_kb: Path) -> None:
    # Chloe Dubois (example KB) recorded a decision on day 45: D90-2 "Record your first decision" is overdue
    # on the checklist, but done another way — onboard status and the digest say it alike.
    shown = json.loads(pmops("onboard", "status", "--today", "2026-12-02", "--json").stdout)
    (chloe,) = [p for p in shown["plans"] if p["name"] == "Chloe Dubois"]
    assert chloe["done_another_way"] == ["D90-2"]
    assert len(chloe["overdue"]) == 9 and "D90-2" not in chloe["overdue"]  # the same 9 as the digest's
    table = " ".join(pmops("onboard", "status", "--today", "2026-12-02", "--columns", "name,overdue").stdout.split())
    assert "D60-3, D90-1, D90-3 (and 1 done another way: D90-2)" in table
    digest = " ".join(pmops("digest", "--since", "30d", "--today", "2026-12-02").stdout.split())
    assert "9 overdue (and 1 done another way: D90-2)" in digest
