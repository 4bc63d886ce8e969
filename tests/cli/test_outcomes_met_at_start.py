"""A target the metric had reached already on the decision's day is met from the start, as `decision add`
warns ("the review will say met whatever happens") and docs/decisions.md says — whether or not a value
after the decision reaches it (found by a new user: with no value since, the verdict was "no data", and
"too early" before the review date). Every verdict below was worked out by hand from the values here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import commit_count, git

SECTIONS = "".join(f"## {s}\n\nText.\n\n" for s in ("Context", "Options considered", "Decision", "Consequences"))


@pytest.fixture
def approvers(kb: Path) -> Path:
    # Weekly approvers: 3800 (01-05), 4100 (01-12), 3950 (01-19), 3990 (02-02).
    metric = kb / "metrics" / "met-appr.md"
    metric.write_text("---\nid: met-appr\nname: Weekly approvers\ndefinition: d\nowner: Theo\nunit: users\n"
                      "direction: up\n---\n## How it is measured\n")  # fmt: skip
    metric.with_suffix(".csv").write_text(
        "date,value\n2026-01-05,3800\n2026-01-12,4100\n2026-01-19,3950\n2026-02-02,3990\n"
    )
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "metric")
    return kb


def review(pmops, ref: str, today: str) -> dict:
    return json.loads(pmops("decision", "review", ref, "--today", today, "--dry-run", "--json").stdout)


def test_a_target_reached_on_the_decision_day_is_met_from_the_start(pmops, approvers: Path) -> None:
    # Decided 01-12 (4100 that day, the value before), target 4000 by 02-15. After it: 3950 and 3990, neither
    # reaches 4000 — before, it was "too early" up to 02-15 and "not met" after; it was met on the day.
    made = pmops("decision", "add", "--title", "Fell back", "--status", "accepted", "--date", "2026-01-12",
                 "--review-by", "2026-02-15", "--expects", "Weekly approvers:up:4000", "--json")  # fmt: skip
    assert "already met on the decision day (4100 on 2026-01-12): the review will say met" in " ".join(
        made.stderr.split()
    )
    ref = json.loads(made.stdout)["id"]
    for today in ("2026-01-20", "2026-03-01"):  # before the review date and after it
        verdict = review(pmops, ref, today)["verdicts"][0]
        assert (verdict["verdict"], verdict["before"], verdict["after"]) == (
            "met", {"date": "2026-01-12", "value": 4100.0},
            {"date": "2026-01-19", "value": 3950.0} if today == "2026-01-20" else {"date": "2026-02-02", "value": 3990.0})  # fmt: skip
    assert (
        verdict["why"]
        == "4,100 users on 2026-01-12 → 3,990 users on 2026-02-02 (-110); already met on the decision day"
    )
    # Recorded as met, in one commit.
    commits = commit_count(approvers)
    pmops("decision", "review", ref, "--today", "2026-03-01")
    assert commit_count(approvers) == commits + 1
    assert "verdict: met" in next((approvers / "decisions").glob(f"{ref}*.md")).read_text()


def test_the_reviewers_case_no_value_since_the_decision(pmops, approvers: Path) -> None:
    # Decided 02-02 at 3990 … with a target of 3900 by 03-31 and no value since: met, not "no data".
    made = pmops("decision", "add", "--title", "Probe H", "--status", "accepted", "--date", "2026-02-02",
                 "--review-by", "2026-03-31", "--expects", "Weekly approvers:up:3900", "--json")  # fmt: skip
    ref = json.loads(made.stdout)["id"]
    for today in ("2026-02-10", "2026-04-15"):
        verdict = review(pmops, ref, today)["verdicts"][0]
        assert (verdict["verdict"], verdict["after"], verdict["why"]) == (
            "met", None, "3,990 users on 2026-02-02 → no value since, up to 2026-03-31; already met on the decision day")  # fmt: skip
    # Without a target there is nothing reached "already": no value since is still no data after the review date.
    made = pmops("decision", "add", "--title", "Probe U", "--status", "accepted", "--date", "2026-02-02",
                 "--review-by", "2026-03-31", "--expects", "Weekly approvers:up", "--json")  # fmt: skip
    assert review(pmops, json.loads(made.stdout)["id"], "2026-04-15")["verdicts"][0]["verdict"] == "no data"
    # A target not reached on the day (4000 > 3990) and never since: not met, as before.
    made = pmops("decision", "add", "--title", "Probe N", "--status", "accepted", "--date", "2026-02-02",
                 "--review-by", "2026-03-31", "--expects", "Weekly approvers:up:4000", "--json")  # fmt: skip
    assert review(pmops, json.loads(made.stdout)["id"], "2026-04-15")["verdicts"][0]["verdict"] == "no data"
