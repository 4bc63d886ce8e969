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
    return history_kb.build_digest(kb)


def test_first_insight_and_decision(pmops, month: Path) -> None:
    found = json.loads(pmops("onboard", "status", "--today", TODAY, "--json").stdout)
    # b1 (02-17, no author field: Ben committed it) is day 1; dec-inv names him but is dated 02-12,
    # before his start; February's ranking is Ana's.
    assert found["plans"][0]["activity"] == {
        "plan": "onb-ben", "name": "Ben Lee", "start": "2026-02-16", "days": None,
        "firsts": [{"type": "insight", "id": "ins-b1", "day": "2026-02-17", "days": 1},
                   {"type": "decision", "id": None, "day": None, "days": None}]}  # fmt: skip
    assert found["productive_by_activity"] == {
        "wanted": ["insight", "decision"],
        "text": "not enough data: 0 plans productive by their own activity, 3 needed (1 not yet)",
    }
    out = pmops("onboard", "status", "--today", TODAY).stdout
    assert "Own activity (first insight, decision): Ben Lee: first insight day 1, no decision yet\n" in out
    table = pmops("onboard", "status", "--today", TODAY, "--columns", "name,day,activity", "--format", "csv").stdout
    assert table == 'name,day,activity\nBen Lee,13,"first insight day 1, no decision yet"\n'


def test_what_counts_is_configured(pmops, month: Path) -> None:
    yaml = month / "pmops.yaml"
    yaml.write_text(yaml.read_text() + "onboarding:\n  productive_when: [insight]\n")
    found = json.loads(pmops("onboard", "status", "--today", TODAY, "--json").stdout)
    assert found["plans"][0]["activity"]["days"] == 1
    assert "first insight day 1" in pmops("onboard", "status", "--today", TODAY).stdout
    yaml.write_text(yaml.read_text().replace("productive_when: [insight]", "productive_when: [insight, rankings]"))
    err = pmops("onboard", "status", code=2).stderr.splitlines()
    assert err[0] == "error: pmops.yaml: 'onboarding.productive_when': 'rankings' is not a document type"


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
