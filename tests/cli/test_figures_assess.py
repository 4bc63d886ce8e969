"""`pmops assess` and the onboarding figures, on a KB small enough to count by hand.

Today is 2026-12-02. Every expected value below was worked out from the documents written
here, never computed by pmops:

- people: Ana (pm, started 2026-05-04), Chloe (pm, no status written), Ben (pm), Theo (role
  written 'PM', no start date: present), Dana (pm, starts 2026-12-14: not yet), Omar (pm,
  left), Priya (product-ops), Ada (leadership) → 8 person records, 4 PMs.
- insights in reporting (Ana's area), cards ×2 (Omar left), billing (Dana has not started)
  and onboarding (Priya is product ops, not a PM) → areas without a PM: billing 1, cards 2,
  onboarding 1.
- plans: Ana productive on day 28 (05-04 → 06-01) and complete on day 91 (→ 08-03); Chloe
  open at day 107 (08-17 → 12-02: 31 + 30 + 31 + 15) with 5 of 15 steps done, past day 45:
  at least 107; Ben at day 16, too early; Dana's starts on 2026-12-14 → 2 of 4 measured.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git

TODAY = "2026-12-02"
STEPS = {"Week 1": ["W1-1", "W1-2", "W1-3", "W1-4", "W1-5"], "Day 30": ["D30-1", "D30-2", "D30-3", "D30-4"],
         "Day 60": ["D60-1", "D60-2", "D60-3"], "Day 90": ["D90-1", "D90-2", "D90-3"]}  # fmt: skip
ALL_STEPS = [s for group in STEPS.values() for s in group]


def plan_body(done: dict[str, str]) -> str:
    """A 15-step plan; `done` maps a step id to the day it was ticked."""
    parts = []
    for section, ids in STEPS.items():
        lines = [
            f"- [{'x' if i in done else ' '}] {i} Step {i}" + (f" — done {done[i]}" if i in done else "") for i in ids
        ]
        parts.append(f"## {section}\n\n" + "\n".join(lines))
    return "\n\n".join(parts) + "\n\n## Reading list\n\n- (none yet)\n"


PEOPLE = {
    "per-ana": "name: Ana Souza\nrole: pm\narea: reporting\nstart: 2026-05-04\nstatus: active",
    "per-chloe": "name: Chloe Dubois\nrole: pm\narea: integrations\nstart: 2026-08-17",
    "per-ben": "name: Ben Carter\nrole: pm\narea: approvals\nstart: 2026-11-16\nstatus: active",
    "per-theo": "name: Theo Park\nrole: PM\narea: approvals",
    "per-dana": "name: Dana Reyes\nrole: pm\narea: billing\nstart: 2026-12-14\nstatus: active",
    "per-omar": "name: Omar Haddad\nrole: pm\narea: cards\nstart: 2025-01-06\nstatus: left",
    "per-priya": "name: Priya Nair\nrole: product-ops\narea: onboarding\nstart: 2024-06-03\nstatus: active",
    "per-ada": "name: Ada Brooks\nrole: leadership\nstart: 2023-03-01\nstatus: active",
}
INSIGHTS = {"ins-1": "reporting", "ins-2": "cards", "ins-3": "cards", "ins-4": "billing", "ins-5": "onboarding"}
ANA_DONE = {**{s: "2026-05-08" for s in STEPS["Week 1"]}, **{s: "2026-06-01" for s in STEPS["Day 30"]},
            **{s: "2026-07-03" for s in STEPS["Day 60"]}, **{s: "2026-08-03" for s in STEPS["Day 90"]}}  # fmt: skip
PLANS = {
    "onb-ana": ("per-ana", "start: 2026-05-04\nstatus: complete\nday30_completed: 2026-06-01\ncompleted: 2026-08-03", ANA_DONE),
    "onb-chloe": ("per-chloe", "start: 2026-08-17\nstatus: active",
                  {"W1-1": "2026-08-18", "W1-2": "2026-08-21", "W1-3": "2026-08-24", "W1-5": "2026-08-26", "D30-2": "2026-09-15"}),
    "onb-ben": ("per-ben", "start: 2026-11-16\nstatus: active", {**{s: "2026-11-20" for s in STEPS["Week 1"]}, "D30-2": "2026-11-25"}),
    "onb-dana": ("per-dana", "start: 2026-12-14\nstatus: active", {}),
}  # fmt: skip


def write(kb: Path, rel: str, front: str, body: str = "Body.\n") -> None:
    (kb / rel).parent.mkdir(exist_ok=True)
    (kb / rel).write_text(f"---\n{front}\n---\n{body}")


def add_person(kb: Path, doc_id: str, front: str) -> None:
    write(kb, f"people/{doc_id}.md", f"id: {doc_id}\n{front}")


def add_plan(kb: Path, doc_id: str, person: str, front: str, done: dict[str, str]) -> None:
    write(
        kb,
        f"onboarding/{doc_id}.md",
        f"id: {doc_id}\ntitle: Onboarding {person}\nperson: {person}\n{front}",
        plan_body(done),
    )


@pytest.fixture
def team_kb(kb: Path) -> Path:
    for doc_id, front in PEOPLE.items():
        add_person(kb, doc_id, front)
    for doc_id, area in INSIGHTS.items():
        write(kb, f"insights/{doc_id}.md", f"id: {doc_id}\ntitle: Finding {doc_id}\ndate: 2026-11-01\nsource: interview\n"
                                           f"area: {area}\ntags: [pricing]\nauthor: Ana Souza")  # fmt: skip
    for doc_id, (person, front, done) in PLANS.items():
        add_plan(kb, doc_id, person, front, done)
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "fixture")
    return kb


def assess(pmops) -> dict:
    return json.loads(pmops("assess", "--today", TODAY, "--json").stdout)


def signals(result: dict) -> dict:
    return {s["signal"]: s for s in result["signals"]}


def test_team_size_counts_present_pms_and_names_the_product_ops_owner(team_kb: Path, pmops) -> None:
    result = assess(pmops)
    team = signals(result)["team size"]
    evidence = team["evidence"]
    assert sorted(evidence["pms"]) == ["per-ana", "per-ben", "per-chloe", "per-theo"]
    assert (team["state"], team["flagged"], team["enough_data"]) == ("healthy", False, True)
    assert team["summary"] == "4 PMs on the roster (8 or fewer: healthy)"
    assert team["sample"] == {"size": 8, "of": "person record", "minimum": 1, "where": "people/"}
    assert (evidence["not_started"], evidence["left"], evidence["product_ops"]) == (
        ["per-dana"],
        ["per-omar"],
        ["per-priya"],
    )
    assert evidence["areas_without_pm"] == {"billing": 1, "cards": 2, "onboarding": 1}
    assert team["basis"] == ("8 person records in people/, 4 active PMs; not yet counted: Dana Reyes (starts 2026-12-14); "
                             "left: Omar Haddad; product ops: Priya Nair; "
                             "no PM for billing (1 document), cards (2 documents), onboarding (1 document)")  # fmt: skip
    assert result["product_ops"] == ["Priya Nair"]


def test_below_their_minimum_signals_say_not_enough_data_and_get_no_action(team_kb: Path, pmops) -> None:
    result = assess(pmops)
    by_name = signals(result)
    assert (result["flagged"], result["next_actions"]) == (0, [])
    assert [s["state"] for s in result["signals"]] == [
        "healthy",
        "not enough data",
        "not enough data",
        "not enough data",
    ]
    assert by_name["reinventing processes"]["summary"] == "not enough data: 0 active processes in processes/, 2 needed"
    assert by_name["fragmented research"]["summary"] == "not enough data: 5 insights in insights/, 10 needed"
    assert by_name["fragmented research"]["sample"] == {"size": 5, "of": "insight", "minimum": 10, "where": "insights/"}
    slow = by_name["slow onboarding"]
    assert slow["summary"] == "not enough data: 2 of 4 plans measured, 3 needed" and not slow["flagged"]
    assert slow["sample"] == {
        "size": 2,
        "of": "measured onboarding plan",
        "minimum": 3,
        "where": "onboarding/",
        "plans": 4,
    }
    assert (result["verdict"], result["flagged"], result["next_actions"]) == ("not yet: no signal flagged", 0, [])
    shown = pmops("assess", "--today", TODAY).stdout
    assert "Verdict: not yet: no signal flagged (0 of 4 signals flagged, 3 without enough data)" in shown
    assert "? slow onboarding: not enough data: 2 of 4 plans measured, 3 needed" in shown
    # Beside the checklist, each PM's own activity (as onboard status says it): Ana's insights, dated 11-01, are
    # 181 days after her start (05-04: 27 + 30 + 31 + 31 + 30 + 31 + 1); nobody else wrote one, nor a decision.
    # By it: Ana productive at 181, Chloe (day 107, past 45) still not, Ben too early, Dana not started.
    assert (
        "Ana Souza productive in 28 days (own activity: first insight on day 181, no decision yet); Chloe Dubois "
        "still open at day 107 (5 of 15 steps done; own activity: no insight yet, no decision yet); Ben Carter not "
        "counted, open at day 16, too early to tell (late after day 45; own activity: no insight yet, no decision "
        "yet); Dana Reyes not counted, starts on 2026-12-14; days to productive by own activity (first insight): "
        "not enough data: 2 plans measured (1 productive, 1 still not productive past day 45), 3 needed\n"
    ) in shown
    assert (slow["by_activity"]["measured"], slow["by_activity"]["finished"], slow["by_activity"]["late"]) == (2, 1, 1)
    assert [(p["name"], p["state"], p["days"]) for p in slow["by_activity"]["plans"]] == [
        ("Ana Souza", "finished", 181), ("Chloe Dubois", "late", 107), ("Ben Carter", "not counted", 16),
        ("Dana Reyes", "not counted", None)]  # fmt: skip
    assert "Next actions: none, no signal is flagged" in shown
    assert "None" not in shown and "name a product-ops owner" not in shown


def test_time_to_productivity_counts_late_open_plans_and_needs_three(team_kb: Path, pmops) -> None:
    ttp = json.loads(pmops("onboard", "status", "--today", TODAY, "--json").stdout)["time_to_productivity"]
    assert (ttp["median_days_to_day30"], ttp["measured"]) == (None, {"day30": 2, "complete": 1})
    first = ttp["day30"]
    assert (ttp["plans"], first["measured"], first["finished"], first["late"]) == (4, 2, 1, 1)
    assert (first["median"], first["enough_data"], ttp["median_days_to_day30"]) == (None, False, None)
    assert [(p["name"], p["state"], p["days"]) for p in first["plans"]] == [
        ("Ana Souza", "finished", 28), ("Chloe Dubois", "late", 107), ("Ben Carter", "not counted", 16),
        ("Dana Reyes", "not counted", None)]  # fmt: skip
    assert (first["plans"][1]["done"], first["plans"][1]["total"]) == (5, 15)
    assert first["plans"][3]["reason"] == "starts on 2026-12-14"
    assert first["text"] == "not enough data: 2 plans measured (1 finished, 1 still open past day 45), 3 needed"
    # The whole plan: Ana in 91 days; Chloe's 107 days are not yet past 135.
    assert (ttp["complete"]["measured"], ttp["complete"]["median"]) == (1, None)
    assert [p["state"] for p in ttp["complete"]["plans"]] == ["finished", "not counted", "not counted", "not counted"]
    shown = pmops("onboard", "status", "--today", TODAY).stdout
    rows = {line.split("  ")[0]: line.split() for line in shown.splitlines()}
    assert (
        rows["Dana Reyes"][2:8] == ["2026-12-14", "not", "started", "0", "15", "0%"] and "-" not in rows["Dana Reyes"]
    )
    # These plans have no due dates: no pace to compare with, so neither "on track" nor "0% due".
    assert rows["Chloe Dubois"][2:9] == ["2026-08-17", "in", "progress", "5", "15", "107", "33%"]
    assert "Days to productive (Week 1 and Day 30 done): not enough data: 2 plans measured" in shown
    plans = pmops("onboard", "status", "--today", TODAY, "--format", "csv", "--columns", "name,start,state,day,due")
    assert (
        "Dana Reyes,2026-12-14,not started,," in plans.stdout
        and "Chloe Dubois,2026-08-17,in progress,107," in plans.stdout
    )


def test_a_third_plan_gives_a_median_and_a_plan_ticked_in_an_editor_counts(team_kb: Path, pmops) -> None:
    # Theo's plan has no day30_completed stamp: its Week 1 and Day 30 steps were ticked by hand,
    # the last on 2026-08-20: 07-01 → 08-20 is 31 + 19 = 50 days. Measured: 28, 50, at least 107.
    done = {**{s: "2026-07-08" for s in STEPS["Week 1"]}, "D30-1": "2026-08-03", "D30-2": "2026-08-10",
            "D30-3": "2026-08-14", "D30-4": "2026-08-20"}  # fmt: skip
    add_plan(team_kb, "onb-theo", "per-theo", "start: 2026-07-01\nstatus: active", done)
    result = assess(pmops)
    slow = signals(result)["slow onboarding"]
    assert (slow["flagged"], slow["evidence"]["median_days_to_day30"]) == (True, 50)
    assert (slow["state"], slow["summary"]) == ("flagged", "median 50 days to productive")
    assert slow["evidence"]["day30"]["at_least"] is False
    assert (
        slow["evidence"]["day30"]["text"]
        == "median 50 days, over 3 plans measured (2 finished, 1 still open past day 45)"
    )
    # Theo's whole plan is open at day 154 (07-01 → 12-02), past 135: at least 154; with Ana's 91, 2 measured.
    assert (slow["evidence"]["complete"]["measured"], slow["evidence"]["complete"]["late"]) == (2, 1)
    assert result["verdict"] == "product ops would pay off; Priya Nair owns it"
    assert result["next_actions"] == [
        "Build onboarding from the knowledge base (pmops onboard new-pm) and measure time to productivity."
    ]


def test_a_median_that_falls_on_an_open_plan_is_at_least(team_kb: Path, pmops) -> None:
    # Measured: 28, 50, at least 92 (Lena: 09-01 → 12-02 is 30 + 31 + 30 + 1), at least 107.
    # The middle two are 50 and 92: the median is at least 71 (and at most it is not known).
    done = {**{s: "2026-07-08" for s in STEPS["Week 1"]}, **{s: "2026-08-20" for s in STEPS["Day 30"]}}
    add_plan(team_kb, "onb-theo", "per-theo", "start: 2026-07-01\nstatus: active", done)
    add_person(team_kb, "per-lena", "name: Lena Ortiz\nrole: pm\narea: integrations\nstart: 2026-09-01")
    add_plan(
        team_kb, "onb-lena", "per-lena", "start: 2026-09-01\nstatus: active", {s: "2026-09-04" for s in STEPS["Week 1"]}
    )
    slow = signals(assess(pmops))["slow onboarding"]
    assert (slow["flagged"], slow["evidence"]["median_days_to_day30"]) == (
        True,
        None,
    )  # a lower bound is not the median
    assert (slow["state"], slow["summary"]) == ("flagged", "median at least 71 days to productive")
    assert (slow["evidence"]["day30"]["median"], slow["evidence"]["day30"]["at_least"]) == (71, True)


@pytest.mark.parametrize(("pms", "state", "summary", "verdict"), [
    (8, "healthy", "8 PMs on the roster (8 or fewer: healthy)", "not yet: no signal flagged"),
    (9, "emerging", "9 PMs on the roster (9–10: emerging)", "not yet: watch team size"),
    (10, "emerging", "10 PMs on the roster (9–10: emerging)", "not yet: watch team size"),
    (11, "flagged", "11 PMs on the roster (11 or more: flagged)", "product ops would pay off; Priya Nair owns it"),
])  # fmt: skip
def test_one_hire_moves_team_size_one_band_at_a_time(
    team_kb: Path, pmops, pms: int, state: str, summary: str, verdict: str
) -> None:
    # 4 PMs, plus new ones; Dana (starts 2026-12-14) and Omar (left) never count, so 8 stays 8.
    for i in range(pms - 4):
        add_person(team_kb, f"per-new{i}", f"name: New PM {i}\nrole: pm\nstart: 2026-10-01")
    result = assess(pmops)
    team = signals(result)["team size"]
    assert (len(team["evidence"]["pms"]), team["flagged"], result["flagged"]) == (
        pms,
        state == "flagged",
        int(state == "flagged"),
    )
    assert (team["state"], team["summary"]) == (state, summary)
    assert result["verdict"] == verdict
    assert result["emerging"] == (["team size"] if state == "emerging" else [])
    if state == "flagged":
        assert result["next_actions"] == ["Priya Nair already owns product ops: give them the mandate for shared rituals "
                                          "and one research repository across every PM."]  # fmt: skip
    else:
        assert result["next_actions"] == []


def test_without_a_product_ops_person_the_action_is_to_name_one(team_kb: Path, pmops) -> None:
    (team_kb / "people" / "per-priya.md").unlink()
    for i in range(7):
        add_person(team_kb, f"per-new{i}", f"name: New PM {i}\nrole: pm")
    result = assess(pmops)
    assert result["verdict"] == "product ops would pay off" and result["product_ops"] == []
    assert len(result["next_actions"]) == 1 and result["next_actions"][0].endswith("name a product-ops owner.")


RESEARCH_BODY = " ".join(f"word{i}" for i in range(80))


def test_research_shares_against_their_limits(kb: Path, pmops) -> None:
    # 10 insights: ins-00 untagged and ins-01 off-taxonomy (2 of 10 = 20%, not above 20%); a decision cites
    # 4 (6 of 10 = 60% uncited, not above 70%); Ana 5, Ben 5 (50%, not above 50%): healthy.
    for i in range(10):
        tags = "" if i == 0 else "tags: [made-up-tag]\n" if i == 1 else "tags: [pricing]\n"
        write(kb, f"insights/ins-{i:02}.md", f"id: ins-{i:02}\ntitle: Finding {i}\ndate: 2026-11-01\nsource: interview\n"
                                             f"{tags}author: {'Ana Souza' if i % 2 else 'Ben Carter'}")  # fmt: skip
    write(
        kb,
        "decisions/dec-a.md",
        "id: dec-a\ntitle: Act\ndate: 2026-11-25\nstatus: accepted\nevidence: [ins-02, ins-03, ins-04, ins-05]",
    )
    research = signals(assess(pmops))["fragmented research"]
    assert research["evidence"]["shares"] == {
        "untagged_or_off_taxonomy": 0.2,
        "not_cited_as_evidence": 0.6,
        "top_author": 0.5,
        "not_cited_by_a_decision": 0.6,
    }
    assert research["summary"] == "10 insights, every share within its limit" and not research["flagged"]
    assert (research["state"], research["summary"]) == ("healthy", "10 insights, every share within its limit")
    # An 11th, untagged, by Ana: 3 of 11 untagged or off (27%), 7 of 11 uncited (64%), Ana 6 of 11 (55%).
    write(
        kb,
        "insights/ins-10.md",
        "id: ins-10\ntitle: Finding 10\ndate: 2026-11-02\nsource: interview\nauthor: Ana Souza",
    )
    research = signals(assess(pmops))["fragmented research"]
    assert research["evidence"]["shares"] == {
        "untagged_or_off_taxonomy": 0.27,
        "not_cited_as_evidence": 0.64,
        "top_author": 0.55,
        "not_cited_by_a_decision": 0.64,
    }
    assert (research["state"], research["summary"]) == (
        "flagged",
        "11 insights: 27% untagged or off-taxonomy, 55% captured by Ana Souza",
    )
    assert research["basis"] == ("11 insights in insights/: 27% untagged or off-taxonomy (flagged above 20%), "
                                 "64% not cited by any decision or opportunity (flagged above 70%), 55% captured by Ana Souza "
                                 "(flagged above 50%)")  # fmt: skip


def test_research_cited_by_an_opportunity_is_not_fragmented(kb: Path, pmops) -> None:
    """Research is linked when any document cites it as evidence, an opportunity as a decision: 10
    insights, a decision citing 2 and an opportunity 2 others: 6 of 10 (60%) not cited, not above 70%;
    by decisions alone it would be 80%, kept in --json as not_cited_by_a_decision."""
    for i in range(10):
        write(kb, f"insights/ins-{i:02}.md", f"id: ins-{i:02}\ntitle: Finding {i}\ndate: 2026-11-01\nsource: interview\n"
                                             f"tags: [pricing]\nauthor: {['Ana Souza', 'Ben Carter', 'Cy Ode'][i % 3]}")  # fmt: skip
    write(
        kb,
        "decisions/dec-a.md",
        "id: dec-a\ntitle: Act\ndate: 2026-11-25\nstatus: accepted\nevidence: [ins-00, ins-01]",
    )
    write(kb, "opportunities/opp-a.md", "id: opp-a\ntitle: Problem\narea: billing\nevidence: [ins-02, ins-03]")
    research = signals(assess(pmops))["fragmented research"]
    shares = research["evidence"]["shares"]
    assert (shares["not_cited_as_evidence"], shares["not_cited_by_a_decision"]) == (0.6, 0.8)
    assert research["state"] == "healthy" and research["evidence"]["uncited"] == [f"ins-{i:02}" for i in range(4, 10)]
    assert "60% not cited by any decision or opportunity (flagged above 70%)" in research["basis"]


def test_research_authors_are_counted_as_the_roster_names_them(kb: Path, pmops) -> None:
    # 10 insights: 'ana souza' (4, any case) and 'Ana Souza' (2) are one person on the roster; Ben Carter 1;
    # 'Seed Bot' 2 and 'Ops Script' 1 are on no roster: Ana 6 of 10 captured them (60%, above 50%).
    add_person(kb, "per-ana", "name: Ana Souza\nrole: pm")
    add_person(kb, "per-ben", "name: Ben Carter\nrole: pm")
    authors = ["ana  souza"] * 4 + ["Ana Souza"] * 2 + ["Ben Carter", "Seed Bot", "Seed Bot", "Ops Script"]
    for i, author in enumerate(authors):
        write(kb, f"insights/ins-{i:02}.md", f"id: ins-{i:02}\ntitle: Finding {i}\ndate: 2026-11-01\n"
                                             f"source: interview\ntags: [pricing]\nauthor: {author}")  # fmt: skip
    research = signals(assess(pmops))["fragmented research"]
    assert research["evidence"]["authors"] == {"Ana Souza": 6, "Ben Carter": 1, "Seed Bot": 2, "Ops Script": 1}
    assert research["evidence"]["shares"]["top_author"] == 0.6
    assert research["evidence"]["not_on_roster"] == ["Ops Script", "Seed Bot"]
    assert "60% captured by Ana Souza" in research["summary"]
    assert research["basis"].endswith(
        "; captured by 2 people on the roster and 2 authors not on the roster (Ops Script, Seed Bot)"
    )


def test_one_owner_written_two_ways_is_not_reinventing(kb: Path, pmops) -> None:
    body = f"## Purpose\n\n{RESEARCH_BODY}\n"
    front = "kind: sprint-planning\nstatus: active\ncadence: weekly\ndate: 2026-11-01\nlast_reviewed: 2026-11-01"
    write(kb, "processes/prc-a.md", f"id: prc-a\ntitle: Sprint planning\nowner: Jonas Weber\n{front}", body)
    write(kb, "processes/prc-b.md", f"id: prc-b\ntitle: Sprint planning (mobile)\nowner: jonas  weber\n{front}", body)
    processes = signals(assess(pmops))["reinventing processes"]
    assert not processes["flagged"] and processes["evidence"]["pairs"] == []
    assert (processes["state"], processes["summary"]) == (
        "healthy",
        "no near-identical or divergent processes with different owners among 2 active processes",
    )
    write(kb, "processes/prc-b.md", f"id: prc-b\ntitle: Sprint planning (mobile)\nowner: Sam Okafor\n{front}", body)
    processes = signals(assess(pmops))["reinventing processes"]
    assert (processes["state"], processes["summary"]) == (
        "flagged",
        "1 pair of near-identical processes kept by different owners",
    )
    assert processes["basis"] == ("2 active processes in processes/, compared within each kind: Sprint planning, owned by "
                                  "Jonas Weber, and Sprint planning (mobile), owned by Sam Okafor: 100% alike")  # fmt: skip


def test_a_bad_today_is_one_line_and_exit_2(team_kb: Path, pmops) -> None:
    result = pmops("assess", "--today", "2026-13-01", code=2)
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1 and "--today" in result.stderr
    assert git(team_kb, "status", "--porcelain") == ""
