"""examples/kb is a believable org that passes pmops' own validation."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

from tests.conftest import git


def test_example_kb_lints_with_only_its_deliberate_findings(pmops, example_kb: Path) -> None:
    from pmops import lint
    from pmops.kb import KnowledgeBase

    report = lint.run(KnowledgeBase(example_kb), today=dt.date(2026, 11, 26))
    assert sorted((f.rule, f.path.split("/")[0]) for f in report.findings) == [
        ("customer-mismatch", "insights"),  # Quarry & Co (mid-market) heard about its smb clients
        ("decision-proposed-stale", "decisions"),  # the native HRIS sync, proposed on 2026-07-20
        ("process-duplicate", "processes"),  # two squads reinventing sprint planning
        ("process-stale", "processes"),  # bug triage, not reviewed since 2025
    ]
    assert all(f["severity"] == "warning" for f in json.loads(pmops("lint", "--json").stdout))
    # A week on, the five weekly metrics (last values 2026-11-23) are stale: metric-stale says so, deliberately.
    later = lint.run(KnowledgeBase(example_kb), today=dt.date(2026, 12, 2))
    assert sorted(f.path.split("-", 3)[-1] for f in later.findings if f.rule == "metric-stale") == [
        "accounting-sync-success-rate.md", "activated-new-accounts.md", "median-time-to-approval.md",
        "monthly-spend-under-management.md", "weekly-active-approvers.md"]  # fmt: skip


def test_example_kb_shows_every_process_kind_and_a_run_half_done(pmops, example_kb: Path) -> None:
    from pmops.doctypes import PROCESS_KINDS

    processes = json.loads(pmops("process", "list", "--today", "2026-11-26", "--json").stdout)
    assert {p["kind"] for p in processes} == set(PROCESS_KINDS)
    assert [p["title"] for p in processes if p["stale"]] == ["Bug triage"]
    runs = json.loads(pmops("checklist", "status", "--json").stdout)
    assert len(runs) == 1 and 0 < runs[0]["done"] < runs[0]["total"] and runs[0]["status"] == "open"


def test_example_kb_is_valid_and_rich_enough(pmops, example_kb: Path) -> None:
    insights = json.loads(pmops("insight", "list", "--json").stdout)
    assert len(insights) >= 40
    assert len({i["area"] for i in insights}) >= 6
    assert len({i["segment"] for i in insights}) >= 4
    assert len({i["source"] for i in insights}) >= 5
    assert all(i["tags"] for i in insights)


def test_example_kb_filters_match_the_files(pmops, example_kb: Path) -> None:
    listed = json.loads(pmops("insight", "list", "--tag", "churn-risk", "--json").stdout)
    by_grep = git(example_kb, "grep", "-l", "-E", r"^tags: \[.*churn-risk", "--", "insights").split()
    assert sorted(i["path"] for i in listed) == sorted(by_grep)
    since = json.loads(pmops("insight", "list", "--since", "2026-09-01", "--until", "2026-10-31", "--json").stdout)
    assert since and all("2026-09-01" <= i["date"] <= "2026-10-31" for i in since)
    assert [i["date"] for i in since] == sorted((i["date"] for i in since), reverse=True)


def test_pages_are_shown_and_never_rewritten(pmops, example_kb: Path) -> None:
    page = example_kb / "handbook" / "how-we-do-research.md"
    before = page.read_bytes()
    shown = json.loads(pmops("show", "handbook/how-we-do-research.md", "--json").stdout)
    assert shown["type"] == "page" and shown["layout"] == "page" and shown["owners"] == ["Product Ops"]
    pmops("insight", "add", "--title", "t", "--source", "survey")
    assert page.read_bytes() == before


def test_example_kb_decisions_cite_insights_and_one_is_superseded(pmops, example_kb: Path) -> None:
    decisions = json.loads(pmops("decision", "list", "--json").stdout)
    assert {d["status"] for d in decisions} == {"accepted", "proposed", "rejected", "superseded"}
    superseded = [d for d in decisions if d["status"] == "superseded"]
    assert len(superseded) == 1 and superseded[0]["superseded_by"]
    assert all(d.get("evidence") for d in decisions)
    backlinks = json.loads(pmops("links", "ins-260114-57h6", "--json").stdout)["backlinks"]
    assert len({b["id"] for b in backlinks}) >= 2


def test_the_sample_csv_imports_into_the_example_kb(pmops, example_kb: Path) -> None:
    from tests.conftest import ROOT

    source = ROOT / "examples" / "survey-responses.csv"
    result = json.loads(pmops("insight", "import", str(source), "--source", "survey", "--map",
                              "What could be better?=quote", "--json").stdout)  # fmt: skip
    assert result["imported"] == 8 and not result["failed"]
    assert all(f["severity"] == "warning" for f in json.loads(pmops("lint", "--json").stdout))


def test_example_kb_has_three_plans_at_different_stages(pmops, example_kb: Path) -> None:
    status = json.loads(pmops("onboard", "status", "--today", "2026-11-26", "--json").stdout)
    assert sorted(p["status"] for p in status["plans"]) == ["complete", "on track", "overdue"]
    # Ana's 28 days and Chloe still open at day 101: 2 plans measured, fewer than the 3 a median needs.
    assert (
        status["time_to_productivity"]["day30"]["measured"] == 2
        and status["time_to_productivity"]["median_days_to_day30"] is None
    )
    # Every step is due on a working day, as onboard new-pm writes them (a weekend: the Friday before).
    import re

    dues = [dt.date.fromisoformat(d) for plan in (example_kb / "onboarding").glob("*.md")
            for d in re.findall(r"\(owner: [^,()]+, due (\d{4}-\d{2}-\d{2})\)", plan.read_text())]  # fmt: skip
    assert len(dues) == 45 and [d for d in dues if d.weekday() >= 5] == []


def test_example_kb_has_someone_who_left(pmops, example_kb: Path) -> None:
    pms = json.loads(pmops("person", "list", "--role", "pm", "--json").stdout)
    everyone = json.loads(pmops("person", "list", "--role", "pm", "--all", "--json").stdout)
    assert (len(pms), len(everyone)) == (10, 11)
    (left,) = [p for p in everyone if p not in pms]
    assert (left["name"], left["status"], left["end"]) == ("Noah Fischer", "left", "2025-08-29")


def test_example_kb_tools_and_metrics(pmops, example_kb: Path) -> None:
    stack = json.loads(pmops("tool", "stack", "--today", "2026-11-26", "--json").stdout)
    # Amplitude (product analytics) and Looker (BI dashboards) are both analytics, but do different jobs.
    assert stack["overlaps"] == {} and stack["possible_overlaps"] == {} and len(stack["renewals"]) == 1
    assert stack["gaps"] == ["experimentation"] and list(stack["covered_by_pmops"]) == ["research", "documentation"]
    ranking = json.loads(pmops("tool", "compare", "Dovetail", "Condens", "--json").stdout)["ranking"]
    assert ranking[0]["weighted"] >= ranking[1]["weighted"]
    metrics = json.loads(pmops("metric", "list", "--json").stdout)
    north = [m for m in metrics if not m.get("parent")]
    assert len(north) == 1 and all(m.get("parent") == north[0]["id"] for m in metrics if m is not north[0])
    for metric in metrics:
        shown = json.loads(pmops("metric", "show", metric["id"], "--json").stdout)
        assert len(shown["values"]) >= 52  # a year of weekly values


def test_example_kb_has_the_hook_files_pmops_init_writes() -> None:
    """The example KB is a KB as `pmops init` makes it: its pre-commit files are the current ones."""
    from tests.conftest import EXAMPLE_KB, ROOT

    for name, template in (
        (".pre-commit-config.yaml", "pre-commit-config.yaml"),
        (".pre-commit-pmops.sh", "pre-commit-pmops.sh"),
    ):
        assert (EXAMPLE_KB / name).read_bytes() == (ROOT / "templates" / "kb" / template).read_bytes(), name


def test_example_kb_has_a_customer_register_its_insights_match(pmops, example_kb: Path) -> None:
    from tests.conftest import ROOT

    register = json.loads(pmops("customer", "list", "--json").stdout)
    assert len(register) == 30 and sum(c["arr"] for c in register) == 3_640_800
    named = {i["customer"] for i in json.loads(pmops("insight", "list", "--json").stdout) if i.get("customer")}
    assert len(named) == 15 and not [
        f for f in json.loads(pmops("lint", "--json").stdout) if f["rule"] == "customer-unknown"
    ]
    # The register came from the sample CRM export: importing it again adds nothing.
    again = json.loads(pmops("customer", "import", str(ROOT / "examples" / "crm-accounts.csv"), "--json").stdout)
    assert (again["imported"], again["already_imported"]) == (0, 30)
    themes = json.loads(pmops("insight", "themes", "--weight", "arr", "--today", "2026-11-26", "--json").stdout)
    # approvals: Atlas Freight 312,000 + Lumen Health 268,000 + Meridian County 98,000 + Cobalt Labs 96,000
    # + Harbor Dental 46,000; reporting, not addressed, has Lumen Health renewing in January.
    assert [(t["theme"], t["arr"]) for t in themes[:2]] == [("approvals", 820_000), ("reporting", 478_000)]
    assert not themes[1]["addressed"] and [r["name"] for r in themes[1]["renewals"]] == ["Lumen Health Systems"]
    shown = json.loads(pmops("customer", "show", "pinecrest", "--json").stdout)
    assert [d["id"] for d in shown["decisions"]] == ["dec-261126-at58"] and len(shown["insights"]) == 2
    # Lumen Health's insights: approvals (linked to ted8, addressed by two accepted decisions) and reporting
    # (ptz8, addressed by none), and onboarding, cited by the proposed HRIS sync.
    lumen = json.loads(pmops("customer", "show", "Lumen Health", "--json").stdout)
    assert [(o["id"], o["status"]) for o in lumen["opportunities"]] == [
        ("opp-261202-ted8", "planned"), ("opp-261202-ptz8", "discovery")
    ]  # fmt: skip
    assert {d["id"]: (d["state"], d["opportunities"]) for d in lumen["decisions"]} == {
        "dec-261126-h9qd": ("proposed", []), "dec-261126-0mq9": ("accepted", ["opp-261202-ted8"]),
        "dec-261126-whps": ("accepted", ["opp-261202-ted8"]),
    }  # fmt: skip


def test_example_kb_decisions_expect_outcomes_and_a_tool_is_inside_its_notice(pmops, example_kb: Path) -> None:
    found = json.loads(pmops("decision", "review", "--today", "2026-11-26", "--json").stdout)
    # Slack approvals, reviewed on 2026-11-20: by its review date (2026-11-15) weekly active approvers
    # were at 4492 (target 5000) and the median time to approval at 7.3 hours (target 6): missed.
    # Sync failures: the success rate first at 99.5 or more (99.7) on 2026-11-16 (target 99.5): met, before its
    # review date (99.6 since, on 2026-11-23).
    # The active-user plan: spend under management at 57.2 (target 60), with until 2027-05-01: too early.
    assert {r["title"]: [v["verdict"] for v in r["verdicts"]] for r in found} == {
        "Approve and reject from Slack": ["not met", "not met"],
        "Accounting sync failures are never silent": ["met"],
        "Offer an active-user plan for public sector and education": ["too early"],
    }
    assert not any(r["overdue"] for r in found) and found[0]["reviewed"] == "2026-11-20"
    renewals = json.loads(pmops("tool", "renewals", "--today", "2026-11-26", "--within", "60", "--json").stdout)
    # Amplitude renews on 2026-12-15 with 60 days' notice: the day to decide was 2026-10-16.
    # 42,000 a year over 41 seats used: 1,024.39; Productboard: 2027-04-10 less 90 days, 21,000 / 18.
    assert [(r["name"], r["decide_by"], r["state"], r["cost_per_active_seat"]) for r in renewals] == [
        ("Amplitude", "2026-10-16", "in notice", 1024.39), ("Productboard", "2027-01-10", "upcoming", 1166.67)]  # fmt: skip


def test_example_kb_rankings_say_what_moved_between_two_cycles_and_why(pmops, example_kb: Path) -> None:
    """November (evidence to 2026-11-30) against December (to 2026-12-02), both RICE, read as recorded.

    Approvers miss requests outside the office, November: 2 customers (Harbor Dental 46,000, Atlas
    Freight 312,000) + 2 insights naming none + 3.58 = Reach 7.58; Confidence (4/5 + 3/3 + 2/3 + 0/4)
    ÷ 4 = 0.62 (nothing heard since June); RICE 7.58 × 2 × 0.62 ÷ 3 = 3.13. December, with Lumen
    Health's insight linked (268,000, renewing in January, heard in September, linked after November's
    ranking): Reach 3 + 2 + 6.26 = 11.26; Confidence (5/5 + 3/3 + 2/3 + 1/5) ÷ 4 = 0.72 (the first
    insight heard in the 180 days to 2026-12-02); RICE 11.26 × 2 × 0.72 ÷ 3 = 5.4.
    """
    diff = json.loads(pmops("prioritize", "diff", "2026-11", "2026-12", "--json").stdout)
    moves = {m["title"]: m for m in diff["moves"]}
    found = {
        title: (m["change"], m["before"]["score"], m["after"]["score"], m["reasons"]) for title, m in moves.items()
    }
    assert found["Approvers miss requests outside the office"] == ("up 1", 3.13, 5.4, [
        "new evidence: ins-260910-21wc",
        "Reach 7.58 → 11.26: 2 → 3 customers (+Lumen Health Systems; +268,000 ARR)",
        "Confidence 0.62 → 0.72: +1 insight, recent 0/4 → 1/5",
    ])  # fmt: skip
    lumen = moves["Approvers miss requests outside the office"]["customers_added"]
    assert lumen == [{"id": "cus-261126-3bcn", "name": "Lumen Health Systems", "arr": 268000}]
    # What the insight says is the story the docs tell: Lumen, renewing in January, would leave over it.
    heard = json.loads(pmops("show", "ins-260910-21wc", "--json").stdout)
    assert heard["customer"] == "Lumen Health" and "churn-risk" in heard["tags"] and "January" in heard["quote"]
    assert json.loads(pmops("customer", "show", "Lumen Health", "--json").stdout)["renewal"] == "2027-01-15"
    assert found["Inviting employees means retyping the HR system"] == ("down 1", 1.43, 0.36, ["effort 2 → 8"])
    assert found["Per-seat pricing punishes occasional spenders"] == ("left", 3.92, None, ["status planned → shipped"])
    assert found["Audit trail for approval changes"] == ("unranked", None, None, [])  # no impact yet
    assert [m["title"] for m in diff["moves"]][:2] == [
        "Approvers miss requests outside the office", "Receipts fail in the field"
    ]  # fmt: skip
    chain = json.loads(pmops("show", "ins-260910-21wc", "--json").stdout)["chain"]
    assert [o["title"] for o in chain["opportunity"]] == ["Approvers miss requests outside the office"]
    assert {d["id"] for d in chain["decision"]} == {"dec-261126-0mq9", "dec-261126-whps"} and chain["metric"]


def test_example_kb_prioritization_process_is_the_one_pmops_prioritize_runs(pmops, example_kb: Path) -> None:
    """The example's own prioritization process says Reach and Confidence come from the evidence by `pmops
    prioritize`, as the template does (found by a new user: it still scored Reach per quarter and Confidence as
    a percentage, with ties to the decider's call); the template names the ARR unit setting, not a number."""
    text = (example_kb / "processes" / "prc-260202-1hgn-monthly-prioritization.md").read_text(encoding="utf-8")
    assert "`pmops prioritize`" in text and "pmops prioritize --cycle" in text and "--explain" in text
    assert "per quarter" not in text and "a hunch" not in text and "decider's call" not in text
    assert "`prioritization.arr_unit`" in text
    template = (Path(__file__).parents[1] / "templates" / "process-prioritization.md.j2").read_text(encoding="utf-8")
    assert "units of 100,000" not in template and "`prioritization.arr_unit`" in template


def test_example_kb_digest_of_the_last_30_days(pmops, example_kb: Path) -> None:
    """The Monday email of 2026-12-02: what the example KB holds for November, written down by hand."""
    # The copy is committed the day the test runs; the digest is of 2026-12-02, so the copy is dated that morning.
    when = "2026-12-02T09:00:00"
    env = {**os.environ, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "commit", "-q", "--amend", "--no-edit", "--date", when], cwd=example_kb, env=env, check=True)
    text = pmops("digest", "--since", "2026-11-02", "--today", "2026-12-02").stdout
    assert (
        """In short:

- Expectations: 1 met, 2 missed.
- Decisions: 1 proposed, 1 rejected, none taken; 1 waiting more than 30
  days.
- Research: 3 new insights, 1 theme rising.
- Metrics: 2 crossed their targets, 5 stale.
- Processes: 3 not happening as written, 1 past its review date.
- Onboarding: 1 plan at risk.
- Tool renewals: 1 renewing as it is (notice passed).
"""
        in text
    )
    # Chloe (from 2026-08-17, day 107): 10 steps overdue, one of them D90-2, "Record your first decision", which
    # she did as a decider of dec-261126-c5te (2026-10-01, day 45): 9 overdue, D90-2 done another way; no
    # insight of hers: said beside the steps.
    assert ("- Chloe Dubois: 5 of 15 steps done at day 107, 9 overdue (and 1 done another\n  way: D90-2); no insight "
            "yet, first decision on day 45 (onb-260817-yc2h)\n") in text  # fmt: skip
    people = json.loads(pmops("digest", "--since", "2026-11-02", "--today", "2026-12-02", "--format", "json").stdout)
    counts = {i["text"].split(":")[0]: i.get("counts") for i in people["sections"][-1]["items"]}
    # Ben Carter's plan (nobody committed it on those days: each step's owner): Ben did W1-2, W1-3 and D30-2,
    # Ada Brooks W1-1 and W1-5, Theo W1-4 (the shadowing); Theo also heard about policy history (3 Nov) and
    # proposed its decision (24 Nov). Reviewed in November, by their owners: Jonas's sprint planning (9 Nov),
    # Lena's intake scoring (2 Nov), Priya's interview programme and launch checklist.
    assert counts["Ben Carter"] == {"step": 3} and counts["Ada Brooks"] == {"step": 2}
    assert counts["Theo Park"] == {"insight": 1, "decision": 1, "step": 1}
    assert counts["Jonas Weber"] == {"insight": 1, "review": 1} and counts["Lena Ortiz"] == {"review": 1}
    assert counts["Priya Nair"] == {"insight": 1, "review": 2}
    # Omar Haddad said no to raising card limits while travelling (17 Nov): a decision, listed as rejected.
    assert counts["Omar Haddad"] == {"decision": 1}
    assert (
        "Rejected 17 Nov: Raise card limits automatically while travelling (Omar\n  Haddad) (dec-261117-k2vr)" in text
    )
    assert "Nothing from 5 PMs" in counts and counts["Nothing from 5 PMs"] is None
    # Whoever committed the copy added the rankings, the launch's run, the metrics and the tools that day.
    assert counts["Test PM"] == {"ranking": 2, "run": 1, "metric_added": 5, "tool_added": 9}
