"""Tool rankings, derived cost scores, overlaps, gaps, metric statuses, staleness and future dates,
each checked against figures worked out by hand from the small fixture documents written here."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.conftest import commit_count, git

# The default criteria: fit ×3, integration ×2, cost ×2, adoption ×2, security ×1 (weights sum to 10).


def write_tool(kb: Path, slug: str, front: str) -> None:
    (kb / "tools" / f"tol-261001-{slug}.md").write_text(
        f"---\nid: tol-261001-{slug}\n{front}---\n## What we use it for\n"
    )


def write_metric(kb: Path, slug: str, front: str, values: str | None) -> Path:
    path = kb / "metrics" / f"met-261001-{slug}.md"
    path.write_text(f"---\nid: met-261001-{slug}\n{front}owner: Theo\n---\n## How it is measured\n")
    if values is not None:
        path.with_suffix(".csv").write_text("date,value\n" + values)
    return path


def commit_all(kb: Path) -> None:
    git(kb, "add", "-A")
    git(kb, "commit", "-q", "-m", "fixture")


def evaluation_kb(kb: Path) -> None:
    write_tool(
        kb,
        "alph",
        "name: Alpha\ncategory: research\ncost: 10000\nscores: {fit: 4, integration: 3, adoption: 4, security: 5}\n",
    )
    write_tool(kb, "beta", "name: Beta\ncategory: research\ncost: 20000\n"
                           "scores: {fit: 5, integration: 4, cost: 1, adoption: 3, security: 2}\n")  # fmt: skip
    write_tool(kb, "gamm", "name: Gamma\ncategory: research\ncost: 25000\n")  # nobody scored it
    write_tool(kb, "delt", "name: Delta\ncategory: research\ncost: 40000\nscores: {fit: 4}\n")
    write_tool(
        kb,
        "zeta",
        "name: Zeta\ncategory: research\nscores: {fit: 5, integration: 3, cost: 3, adoption: 2, security: 2}\n",
    )
    commit_all(kb)


def test_compare_ranks_scored_tools_derives_cost_and_lists_the_unscored_last(pmops, kb: Path) -> None:
    evaluation_kb(kb)
    result = json.loads(pmops("tool", "compare", "Gamma", "Alpha", "Beta", "Zeta", "Delta", "--json").stdout)
    by_name = {r["name"]: r for r in result["ranking"]}
    # Cheapest cost compared: Alpha, 10,000. Derived cost scores (5 × 10,000 ÷ cost): Alpha 5, Gamma 2,
    # Delta 1.25; Beta keeps its hand-given 1 (derived would be 2.5); Zeta has no cost and a hand-given 3.
    assert {n: (r["scores"].get("cost"), r["derived"]) for n, r in by_name.items()} == {
        "Alpha": (5.0, ["cost"]), "Beta": (1.0, []), "Gamma": (2.0, ["cost"]), "Delta": (1.25, ["cost"]), "Zeta": (3.0, [])}  # fmt: skip
    assert by_name["Alpha"]["cheapest"] == {"name": "Alpha", "cost": 10000.0} and by_name["Beta"]["cheapest"] is None
    # Alpha 12+6+10+8+5 = 41 → 4.10; Beta 15+8+2+6+2 = 33 → 3.30; Zeta 15+6+6+4+2 = 33 → 3.30 (a tie);
    # Delta 12 + 2.5 = 14.5 → 1.45, at most 14.5 + (2+2+1)×5 = 39.5 → 3.95; Gamma: not scored, not ranked.
    assert [(r["name"], r["rank"], r["weighted"]) for r in result["ranking"]] == [
        ("Alpha", 1, 4.1), ("Beta", 2, 3.3), ("Zeta", 2, 3.3), ("Delta", 4, 1.45), ("Gamma", None, None)]  # fmt: skip
    assert (
        by_name["Delta"]["missing"] == ["integration", "adoption", "security"]
        and by_name["Delta"]["weighted_at_most"] == 3.95
    )
    assert by_name["Gamma"]["missing"] == ["fit", "integration", "adoption", "security"]
    shown = pmops("tool", "compare", "Gamma", "Alpha", "Beta", "Zeta", "Delta").stdout
    assert "0.00" not in shown and "Gamma: not scored, so not ranked" in shown
    assert "Delta: not scored on integration, adoption, security: counted as 0 (3.95 at most once scored)" in shown
    assert "5 × the cheapest (Alpha, 10,000) ÷ the tool's cost" in shown and "1.25*" in shown


def test_cost_is_derived_within_each_tools_category(pmops, kb: Path) -> None:
    """Without names every tool is compared, but a cost against those of its own category: a BI tool's
    price says nothing of a survey tool's. A category with one costed tool derives nothing."""
    evaluation_kb(kb)  # research: Alpha 10,000 the cheapest
    write_tool(kb, "look", "name: Looker\ncategory: analytics\ncost: 60000\nscores: {fit: 4}\n")
    write_tool(kb, "ampl", "name: Amplitude\ncategory: analytics\ncost: 30000\nscores: {fit: 4}\n")
    write_tool(kb, "figm", "name: Figma\ncategory: design\ncost: 5000\nscores: {fit: 4}\n")
    commit_all(kb)
    ranking = json.loads(pmops("tool", "compare", "--json").stdout)["ranking"]
    by_name = {r["name"]: r for r in ranking}
    assert by_name["Looker"]["scores"]["cost"] == 2.5 and by_name["Amplitude"]["scores"]["cost"] == 5.0
    assert by_name["Looker"]["cheapest"] == {"name": "Amplitude", "cost": 30000.0}
    assert by_name["Gamma"]["scores"]["cost"] == 2.0 and by_name["Gamma"]["cheapest"]["name"] == "Alpha"
    assert "cost" not in by_name["Figma"]["scores"] and by_name["Figma"]["cheapest"] is None  # alone in design
    shown = pmops("tool", "compare").stdout
    assert "* cost derived for 2 tools from the costs compared of its category (analytics): 5 × the cheapest " \
           "(Amplitude, 30,000) ÷ the tool's cost" in shown  # fmt: skip
    assert "of its category (research): 5 × the cheapest (Alpha, 10,000)" in shown
    named = {r["name"]: r for r in json.loads(pmops("tool", "compare", "Looker", "Alpha", "--json").stdout)["ranking"]}
    assert "cost" not in named["Looker"]["scores"] and "cost" not in named["Alpha"]["scores"]  # named: the same rule


def test_cost_is_derived_only_against_another_cost_and_a_free_tool_scores_5(pmops, kb: Path) -> None:
    evaluation_kb(kb)
    write_tool(kb, "free", "name: Free\ncategory: design\ncost: 0\nscores: {fit: 5}\n")
    write_tool(kb, "paid", "name: Paid\ncategory: design\ncost: 500\nscores: {fit: 5}\n")
    commit_all(kb)
    # Zeta has no cost: Alpha is the only cost, so nothing is derived: Alpha 31/10 = 3.10 < Zeta 3.30.
    ranking = json.loads(pmops("tool", "compare", "Alpha", "Zeta", "--json").stdout)["ranking"]
    assert [(r["name"], r["weighted"], r["missing"]) for r in ranking] == [("Zeta", 3.3, []), ("Alpha", 3.1, ["cost"])]
    # Free: 15 + 5×2 = 25 → 2.50; Paid: 5 × 0 ÷ 500 = 0, so 15 → 1.50.
    ranking = json.loads(pmops("tool", "compare", "Paid", "Free", "--json").stdout)["ranking"]
    assert [(r["name"], r["scores"]["cost"], r["weighted"]) for r in ranking] == [
        ("Free", 5.0, 2.5),
        ("Paid", 0.0, 1.5),
    ]


def test_score_says_what_the_total_does_not_count_yet(pmops, kb: Path) -> None:
    evaluation_kb(kb)
    out = pmops("tool", "score", "Gamma", "fit=4").stdout
    # 4×3 = 12 → 1.20; at most 12 + (2+2+2+1)×5 = 47 → 4.70.
    assert out.startswith("Gamma: weighted score 1.20 of 5; not scored on integration, cost, adoption, security: counted as 0 "
                          "(4.70 at most once scored)")  # fmt: skip
    assert "derives its cost score" in out


def stack_kb(kb: Path) -> None:
    for slug, front in (
        ("ampl", "name: Amplitude\ncategory: analytics\njob: product analytics\n"),
        ("look", "name: Looker\ncategory: analytics\njob: BI dashboards\n"),
        ("mixp", "name: Mixpanel\ncategory: analytics\njob: Product-Analytics\n"),
        ("figm", "name: Figma\ncategory: design\n"),  # an older KB: no job
        ("sket", "name: Sketch\ncategory: design\n"),
        ("jira", "name: Jira\ncategory: collaboration\njob: issue tracking\n"),
        ("dove", "name: Dovetail\ncategory: research\njob: interview analysis\nstatus: evaluating\n"),
    ):
        write_tool(kb, slug, front + ("" if "status:" in front else "status: adopted\n"))
    commit_all(kb)


def test_overlap_means_one_job_and_pmops_covers_research_and_documentation(pmops, kb: Path) -> None:
    stack_kb(kb)
    result = json.loads(pmops("tool", "stack", "--today", "2026-10-01", "--json").stdout)
    # Amplitude and Mixpanel do one job (spelled two ways); Looker, also analytics, does another.
    assert result["overlaps"] == {"product analytics": ["Amplitude", "Mixpanel"]}
    assert result["possible_overlaps"] == {"design": ["Figma", "Sketch"]}  # no job given: cannot tell
    assert result["gaps"] == ["roadmapping", "experimentation", "feedback"]
    assert list(result["covered_by_pmops"]) == ["research", "documentation"]
    assert result["categories"]["analytics"][1] == {"id": "tol-261001-look", "name": "Looker", "job": "BI dashboards",
                                                    "cost": None, "owner": None}  # fmt: skip
    text = pmops("tool", "stack", "--today", "2026-10-01").stdout
    assert "overlap in product analytics: Amplitude and Mixpanel" in text and "Looker and" not in text
    assert "possible overlap in design: Figma and Sketch" in text and "research: pmops" in text
    assert "gaps: no adopted tool for roadmapping, experimentation, feedback" in text


def test_expected_categories_come_from_pmops_yaml(pmops, kb: Path) -> None:
    stack_kb(kb)
    config = kb / "pmops.yaml"
    original = config.read_text()
    config.write_text(original + "tool_expected_categories: [analytics, design, research, feedback]\n")
    result = json.loads(pmops("tool", "stack", "--json").stdout)
    assert result["gaps"] == ["feedback"] and list(result["covered_by_pmops"]) == ["research"]
    config.write_text(original + "tool_expected_categories: [spreadsheets]\n")
    bad = pmops("tool", "stack", code=2)
    assert bad.stdout == "" and bad.stderr.startswith("error: pmops.yaml: 'tool_expected_categories'")


def metrics_kb(kb: Path) -> None:
    write_metric(kb, "appr", "name: Time to approval\ndefinition: Median hours\nunit: hours\ntarget: 7\ndirection: down\n"
                             "cadence: weekly\n", "2026-10-05,12\n2026-10-12,10\n2026-10-19,7\n")  # fmt: skip
    write_metric(kb, "sign", "name: Signups\ndefinition: New accounts\nunit: accounts\ntarget: 100\ncadence: monthly\n",
                 "2026-08-01,90\n2026-09-01,120\n")  # fmt: skip
    write_metric(kb, "nps", "name: NPS\ndefinition: Net promoter score\nunit: points\n", "2025-01-01,30\n")
    commit_all(kb)


def show(pmops, name: str, today: str) -> dict:
    return json.loads(pmops("metric", "show", name, "--today", today, "--json").stdout)


def test_status_respects_direction(pmops, kb: Path) -> None:
    metrics_kb(kb)
    # Lower is better, target 7: 10 on 2026-10-12 is above target; 7 on 2026-10-19 is on target (≤).
    assert (show(pmops, "Time to approval", "2026-10-13")["status"], show(pmops, "Time to approval", "2026-10-13")["on_target"]) == (
        "above target (lower is better)", False)  # fmt: skip
    assert show(pmops, "Time to approval", "2026-10-20")["status"] == "on target"
    text = pmops("metric", "show", "Time to approval", "--today", "2026-10-13").stdout
    assert "latest 10 hours on 2026-10-12  target 7 hours: above target (lower is better)" in text
    assert "below target" not in text
    # Higher is better, target 100: 120 is on target; 90 (the value on 2026-08-01) was below it.
    assert show(pmops, "Signups", "2026-09-02")["status"] == "on target"
    assert show(pmops, "Signups", "2026-08-02")["status"] == "below target"


def test_a_value_older_than_its_cadence_is_stale(pmops, kb: Path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")  # the listing's cells on one line each
    metrics_kb(kb)
    # Weekly: the value of 2026-10-19 is due again 7 days later; on 2026-10-27 it is 8 days old.
    assert (show(pmops, "Time to approval", "2026-10-26")["stale"], show(pmops, "Time to approval", "2026-10-26")["days_since_latest"]) == (False, 7)  # fmt: skip
    late = show(pmops, "Time to approval", "2026-10-27")
    assert (late["stale"], late["days_since_latest"]) == (True, 8)
    assert "stale: last value 8 days ago (weekly: one every 7 days)" in pmops("metric", "show", "Time to approval",
                                                                             "--today", "2026-10-27").stdout  # fmt: skip
    # Monthly allows 31 days: 2026-09-01 → 2026-10-02 is 31 days, 2026-10-03 is 32.
    assert (
        show(pmops, "Signups", "2026-10-02")["stale"] is False and show(pmops, "Signups", "2026-10-03")["stale"] is True
    )
    # No cadence: a value of 2025 is not called stale, nor fresh.
    assert show(pmops, "NPS", "2026-10-27")["stale"] is None
    listed = json.loads(pmops("metric", "list", "--today", "2026-10-27", "--json").stdout)
    assert [(m["name"], m["stale"], m["days_since_latest"], m["status"]) for m in listed] == [
        ("NPS", None, 664, None), ("Signups", True, 56, "on target"), ("Time to approval", True, 8, "on target")]  # fmt: skip
    text = pmops("metric", "list", "--today", "2026-10-27").stdout
    assert "stale: last value 8 days ago" in text and "stale: last value 56 days ago" in text and "3 metrics" in text
    assert "stale: last value 664" not in text


def test_a_metric_that_never_had_a_value_is_stale_once_its_cadence_has_passed(pmops, kb: Path) -> None:
    # Found by a new user: a metric with no value was never called stale. Added 2026-10-01 (its id's day),
    # weekly: on 2026-10-08 (7 days) it is not late yet; on 2026-10-09 (8 days) it is, "no value yet".
    write_metric(kb, "empt", "name: Empty\ndefinition: d\nunit: users\ncadence: weekly\n", None)
    write_metric(kb, "nocd", "name: Uncounted\ndefinition: d\nunit: users\n", None)  # no cadence: never stale
    commit_all(kb)
    assert (show(pmops, "Empty", "2026-10-08")["stale"], show(pmops, "Empty", "2026-10-09")["stale"]) == (False, True)
    assert (
        show(pmops, "Empty", "2026-10-09")["days_since_latest"] is None
        and show(pmops, "Uncounted", "2026-12-01")["stale"] is None
    )
    text = pmops("metric", "show", "Empty", "--today", "2026-10-09").stdout
    assert "stale: no value yet, 8 days since it was added (weekly: one every 7 days)" in text
    listed = pmops("metric", "list", "--today", "2026-10-09", "--format", "csv", "--columns", "name,status,stale")
    assert listed.stdout == "name,status,stale\nEmpty,no values yet,true\nUncounted,no values yet,false\n"
    table = pmops("metric", "list", "--today", "2026-10-09", "--columns", "name,status").stdout
    assert "no values yet; stale: no value yet, 8 days since it was added" in " ".join(table.split())  # for people
    digest = " ".join(pmops("digest", "--since", "2026-10-01", "--today", "2026-10-09").stdout.split())
    assert "Stale: Empty: no value yet, 8 days since it was added (met-" in digest


def test_values_dated_after_today_are_left_out_and_refused(pmops, kb: Path) -> None:
    metrics_kb(kb)
    # Seen on 2026-10-13, the value of 2026-10-19 has not happened yet: the latest is 10 (2026-10-12).
    seen = show(pmops, "Time to approval", "2026-10-13")
    assert seen["latest"] == {"date": "2026-10-12", "value": 10.0} and seen["future"] == [
        {"date": "2026-10-19", "value": 7.0}
    ]
    assert [v["date"] for v in seen["values"]] == ["2026-10-05", "2026-10-12"] and seen["trend"] == -2.0
    assert "left out: 1 value dated after 2026-10-13 (2026-10-19)" in pmops("metric", "show", "Time to approval",
                                                                         "--today", "2026-10-13").stdout  # fmt: skip
    # metric record refuses a date after today: exit 2, one line, nothing written.
    csv_path = kb / "metrics" / "met-261001-nps.csv"
    before, commits = csv_path.read_text(), commit_count(kb)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    refused = pmops("metric", "record", "NPS", "40", "--date", tomorrow, code=2)
    assert refused.stderr.strip().splitlines() == [f"error: --date: {tomorrow} is in the future (today is {dt.date.today()}): "
                                                   "a value is recorded once measured"]  # fmt: skip
    assert csv_path.read_text() == before and commit_count(kb) == commits
    pmops("metric", "record", "NPS", "40")  # today is fine
    assert csv_path.read_text() == before + f"{dt.date.today()},40\n"


def test_lint_flags_future_values_future_insights_and_bad_rows(pmops, kb: Path) -> None:
    today = dt.date.today()
    later = (today + dt.timedelta(days=30)).isoformat()
    write_metric(kb, "nps", "name: NPS\ndefinition: Net promoter score\nunit: points\n",
                 f"2026-01-05,30\n{today},31\n{later},90\n2026-02-30,4\n2026-03-02,nan\n")  # fmt: skip
    insight = "---\nid: ins-261001-{}\ntitle: Heard\ndate: {}\nsource: interview\n---\nBody\n"
    (kb / "insights" / "soon.md").write_text(insight.format("soon", later))
    (kb / "insights" / "now.md").write_text(insight.format("nows", today))
    result = pmops("lint", "--json", code=1)
    found = [(f["path"], f["line"], f["rule"]) for f in json.loads(result.stdout)]
    assert found == [
        ("insights/soon.md", 4, "insight-date-future"),
        ("metrics/met-261001-nps.csv", 4, "metric-value-future"),  # line 1 is the header
        ("metrics/met-261001-nps.csv", 5, "metric-value-invalid"),  # 30 February
        ("metrics/met-261001-nps.csv", 6, "metric-value-invalid"),  # not a finite number
    ]
    text = pmops("lint", code=1).stdout
    assert (
        f"metrics/met-261001-nps.csv:4: metric-value-future error value 90 dated {later}, after today ({today})" in text
    )
    # The rows that cannot be read are left out, the others read: the listing and show name them.
    listed = json.loads(pmops("metric", "list", "--json").stdout)
    assert (listed[0]["latest"], [r["line"] for r in listed[0]["unreadable_rows"]]) == (
        {"date": today.isoformat(), "value": 31}, [5, 6])  # fmt: skip
    assert "2 unreadable rows left out" in pmops("metric", "list").stdout.replace("\n", " ")
    assert "left out: line 5 (2026-02-30,4) cannot be read" in pmops("metric", "show", "NPS").stdout
