"""`pmops tool` and `pmops metric`: registry, weighted scores, stack health, values over time."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import commit_count, git


def tool(pmops, name: str, *extra: str) -> dict:
    return json.loads(pmops("tool", "add", name, *extra, "--json").stdout)


def test_tool_registry_compare_ranks_by_weighted_score(pmops, kb: Path) -> None:
    tool(pmops, "Dovetail", "--category", "research")
    tool(pmops, "Condens", "--category", "research")
    pmops("tool", "score", "Dovetail", "fit=2", "integration=2", "cost=5", "adoption=2", "security=2")
    pmops("tool", "score", "condens", "fit=5", "integration=4", "cost=1", "adoption=4", "security=3")
    assert git(kb, "log", "-1", "--format=%s").startswith("pmops: score tool")
    result = json.loads(pmops("tool", "compare", "Dovetail", "Condens", "--json").stdout)
    # weights fit 3, integration 2, cost 2, adoption 2, security 1 (sum 10): Condens 36/10, Dovetail 26/10
    assert [r["name"] for r in result["ranking"]] == ["Condens", "Dovetail"]
    assert [r["weighted"] for r in result["ranking"]] == [3.6, 2.6]
    assert "weighted" in pmops("tool", "compare", "Dovetail", "Condens").stdout
    assert "criteria are" in pmops("tool", "score", "Dovetail", "speed=3", code=2).stderr
    for wrong in ("fit=9", "fit=high", "fit=nan"):
        said = pmops("tool", "score", "Dovetail", wrong, code=2).stderr
        assert said == "error: fit must be a number from 0 to 5, e.g. fit=4\n"
    alone = pmops("tool", "compare", "Dovetail")  # one tool: shown, with a note, exit 0
    assert "Dovetail alone: no other tool to compare it with" in alone.stdout and "2.60" in alone.stdout
    assert [
        r["name"] for r in json.loads(pmops("tool", "compare", "dovetail", "Dovetail", "--json").stdout)["ranking"]
    ] == ["Dovetail"]
    assert "already in the registry" in pmops("tool", "add", "dovetail", "--category", "research", code=1).stderr


def test_weights_come_from_pmops_yaml(pmops, kb: Path) -> None:
    config = kb / "pmops.yaml"
    config.write_text(config.read_text() + "tool_criteria:\n  fit: 1\n  price: 3\n")
    tool(pmops, "A", "--category", "design")
    tool(pmops, "B", "--category", "design")
    pmops("tool", "score", "A", "fit=5", "price=1")
    pmops("tool", "score", "B", "fit=1", "price=4")
    ranking = json.loads(pmops("tool", "compare", "A", "B", "--json").stdout)["ranking"]
    assert [r["name"] for r in ranking] == ["B", "A"]  # price weighs three times fit


def test_stack_reports_overlaps_gaps_isolated_renewals_and_cost(pmops, kb: Path) -> None:
    amplitude = tool(pmops, "Amplitude", "--category", "analytics", "--job", "product analytics", "--status", "adopted",
                     "--cost", "24000", "--renewal", "2026-12-20")  # fmt: skip
    tool(pmops, "Mixpanel", "--category", "analytics", "--job", "Product-Analytics", "--status", "adopted", "--cost", "18000",
         "--renewal", "2027-06-01")  # fmt: skip
    tool(pmops, "Jira", "--category", "collaboration", "--status", "adopted", "--cost", "30000",
         "--integrates-with", "Amplitude")  # fmt: skip
    tool(pmops, "Old wiki", "--category", "collaboration", "--status", "retired", "--cost", "999")
    result = json.loads(pmops("tool", "stack", "--today", "2026-11-26", "--json").stdout)
    assert result["overlaps"] == {"product analytics": ["Amplitude", "Mixpanel"]}  # one job, however it is spelled
    assert "design" in result["gaps"] and "analytics" not in result["gaps"]
    assert (
        "research" not in result["gaps"] and "research" in result["covered_by_pmops"]
    )  # pmops is the research repository
    assert result["isolated"] == ["Mixpanel"]
    assert [(r["id"], r["days"]) for r in result["renewals"]] == [(amplitude["id"], 24)]
    assert result["total_cost"] == 72000
    assert (
        "--category must be roadmapping, research, "
        in pmops("tool", "add", "X", "--category", "spreadsheets", code=2).stderr
    )
    assert (
        "--integrates-with: no tool with the id or title 'Nope'"
        in pmops("tool", "add", "X", "--category", "other", "--integrates-with", "Nope", code=1).stderr
    )


def test_metric_tree_record_and_show(pmops, kb: Path) -> None:
    north = json.loads(pmops("metric", "add", "Spend under management", "--definition", "Monthly spend processed",
                             "--owner", "Ada", "--unit", "EUR", "--json").stdout)  # fmt: skip
    child = json.loads(pmops("metric", "add", "Weekly active approvers", "--definition", "Approvers active in a week",
                             "--owner", "Theo", "--unit", "users", "--target", "5000", "--parent",
                             "Spend under management", "--json").stdout)  # fmt: skip
    assert json.loads(pmops("show", child["id"], "--json").stdout)["parent"] == north["id"]
    before = commit_count(kb)
    for day, value in (("2026-11-01", "4000"), ("2026-11-08", "4100"), ("2026-11-15", "4050.5")):
        pmops("metric", "record", "Weekly active approvers", value, "--date", day)
    assert commit_count(kb) == before + 3
    csv_path = (kb / child["path"]).with_suffix(".csv")
    assert git(kb, "log", "-1", "--name-only", "--format=").split() == [csv_path.relative_to(kb).as_posix()]
    pmops("metric", "record", "Weekly active approvers", "4200", "--date", "2026-11-08")  # replaces that day
    assert csv_path.read_text() == "date,value\n2026-11-01,4000\n2026-11-08,4200\n2026-11-15,4050.5\n"
    shown = json.loads(pmops("metric", "show", "Weekly active approvers", "--json").stdout)
    assert shown["latest"] == {"date": "2026-11-15", "value": 4050.5} and shown["on_target"] is False
    assert shown["trend"] == 50.5
    assert json.loads(pmops("metric", "show", north["id"], "--json").stdout)["children"] == [child["id"]]
    assert "below target" in pmops("metric", "show", "Weekly active approvers").stdout
    assert [m["name"] for m in json.loads(pmops("metric", "list", "--json").stdout)] == [
        "Spend under management", "Weekly active approvers"]  # fmt: skip


def test_metric_record_bad_input_is_exit_2_and_writes_nothing(pmops, kb: Path) -> None:
    created = json.loads(pmops("metric", "add", "NPS", "--definition", "Net promoter score", "--owner", "Ada",
                               "--unit", "points", "--json").stdout)  # fmt: skip
    before = commit_count(kb)
    for wrong in ("lots", "nan", "inf"):
        said = pmops("metric", "record", "NPS", wrong, code=2).stderr
        assert said == 'error: VALUE must be a number, e.g. pmops metric record "NPS" 4210\n'
    assert "not a date" in pmops("metric", "record", "NPS", "40", "--date", "2026-02-30", code=2).stderr
    assert "--parent: no metric with the id or title 'Nope'" in pmops("metric", "add", "X", "--definition", "d", "--owner", "o", "--unit", "u",
                                     "--parent", "Nope", code=1).stderr  # fmt: skip
    assert commit_count(kb) == before and not (kb / created["path"]).with_suffix(".csv").exists()
    assert "definition" in pmops("metric", "add", "Y", code=2).stderr
