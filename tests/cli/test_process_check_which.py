"""Which documents a process's rate promise counts (`source:`, `tag:` in its outputs): an interview
programme counts interview insights, not a survey one PM imported in bulk. The scripted history is
tests/cli/history_kb.py (today 2026-03-01); every figure below was worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import history_kb
from tests.conftest import commit_count

TODAY = "2026-03-01"
SURVEY = (
    "Response ID,Submitted At,Company,Product area,What could be better?\n"
    "S-1,2026-02-18,Acme,billing,Invoices should show the PO number.\n"
    "S-2,2026-02-18,Globex,billing,Exports time out on big months.\n"
    "S-3,2026-02-19,Initech,billing,Reminders go to the wrong person.\n"
)


@pytest.fixture
def hist(kb: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The scripted history, then Ben Lee (a PM from 02-16) imports a survey of 3 responses on 02-20."""
    history_kb.made(kb, history_kb.build)
    (kb.parent / "survey.csv").write_text(SURVEY, encoding="utf-8")
    stamp = "2026-02-20T12:00:00+00:00"
    for var, value in (("GIT_AUTHOR_NAME", "Ben Lee"), ("GIT_AUTHOR_EMAIL", "ben@example.com"),
                       ("GIT_COMMITTER_NAME", "Ben Lee"), ("GIT_COMMITTER_EMAIL", "ben@example.com"),
                       ("GIT_AUTHOR_DATE", stamp), ("GIT_COMMITTER_DATE", stamp)):  # fmt: skip
        monkeypatch.setenv(var, value)
    return kb


def promise(kb: Path, outputs: str) -> None:
    path = kb / "processes" / "prc-int.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("outputs: ")
    path.write_text(text[:start] + f"outputs: {outputs}\n" + text[text.index("\n", start) + 1 :], encoding="utf-8")


def add_billing(kb: Path) -> None:
    """billing in the taxonomy's themes, invoicing a synonym of it."""
    path = kb / "taxonomy.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("      - pricing\n", "      - pricing\n      - billing\n", 1)
                    .replace("synonyms:\n", "synonyms:\n  invoicing: billing\n", 1), encoding="utf-8")  # fmt: skip


def interviews(pmops, *args: str) -> dict:
    found = json.loads(pmops("process", "check", "prc-int", "--window", "4w", "--today", TODAY, *args, "--json").stdout)
    return found["processes"][0]["outputs"][0]


def test_a_survey_imported_in_bulk_does_not_fulfil_an_interview_programme(pmops, hist: Path) -> None:
    pmops("insight", "import", str(hist.parent / "survey.csv"), "--source", "survey")
    # Window 02-02 to 03-01: 7 PM-weeks (Ana 28 days, Ben 14, Cy 7). Interviews: Ana's a1, a2, a3 and Ben's
    # b1 (4); Priya's p1 is by someone who is not a PM. Ben's 3 survey insights (02-18, 02-18, 02-19, his
    # as the author of the import) are not interviews.
    before = interviews(pmops)
    # Without a source, they count: 7 by PMs / 7 PM-weeks = 1.0, met — the import "fulfils" the promise.
    assert (before["verdict"], before["rate"]) == ("met", 1.0)
    assert [(p["name"], p["made"]) for p in before["people"]] == [("Cy Diaz", 0), ("Ana Silva", 3), ("Ben Lee", 4)]
    promise(hist, "[{check: insights-per-pm, per: week, target: 1, source: interview}]")
    found = interviews(pmops)
    assert (found["verdict"], found["rate"], found["promised"]) == (
        "missed", 4 / 7, "1 insight per PM a week, from interview")  # fmt: skip
    assert [(p["name"], p["made"]) for p in found["people"]] == [("Cy Diaz", 0), ("Ben Lee", 1), ("Ana Silva", 3)]
    assert found["actual"] == (
        "0.57 per PM a week: 4 insights by 3 PMs in 4 weeks (and 1 by people who are not PMs; "
        "3 insights not from interview, not counted); 1 PM captured none: Cy Diaz"
    )
    # Several sources: interviews or surveys count again (4 + 3 = 7 by PMs), a tag narrows them: of those
    # tagged billing (a1, a2, a3, b1: the survey rows have no tag), 4 by PMs.
    promise(hist, "[{check: insights-per-pm, per: week, source: [interview, survey]}]")
    assert interviews(pmops)["rate"] == 1.0
    add_billing(hist)
    promise(hist, "[{check: insights-per-pm, per: week, tag: billing}]")
    tagged = interviews(pmops)
    assert (tagged["rate"], tagged["promised"]) == (4 / 7, "1 insight per PM a week, tagged billing")
    assert "4 insights not tagged billing, not counted" in tagged["actual"]  # p1 and the 3 survey rows
    # The tag read through the taxonomy, as every --tag filter: 'invoicing', a synonym of billing, counts the same 4.
    promise(hist, "[{check: insights-per-pm, per: week, tag: Invoicing}]")
    assert interviews(pmops)["rate"] == 4 / 7
    # The team's rate: surveys alone, 3 in 4 weeks = 0.75 a week (all 8 insights of the window otherwise).
    promise(hist, "[{check: insights, per: week, source: survey}]")
    team = interviews(pmops)
    assert (team["verdict"], team["rate"], team["actual"]) == (
        "missed", 0.75, "0.75 a week: 3 insights from 2026-02-02 to 2026-03-01 (5 insights not from survey, not counted)")  # fmt: skip


def test_a_source_insights_cannot_have_is_refused(pmops, hist: Path) -> None:
    promise(hist, "[{check: insights-per-pm, per: week, source: interveiw}]")
    history_kb.commit(hist, "Priya Ops", "2026-02-28", [], "typo")
    commits = commit_count(hist)
    bad = pmops("process", "check", "prc-int", "--today", TODAY, code=2)
    assert bad.stderr.startswith(
        "error: processes/prc-int.md: outputs: insights-per-pm: 'interveiw' is not a source insights have: interview,"
    )
    every = json.loads(pmops("process", "check", "--today", TODAY, "--json").stdout)
    found = {p["id"]: p for p in every["processes"]}["prc-int"]
    assert found["problem"].startswith("outputs: insights-per-pm: 'interveiw' is not a source")
    lint = pmops("lint", "processes/prc-int.md", code=1).stdout
    assert "field-choice error outputs: insights-per-pm: 'interveiw' is not a source insights have" in lint
    # A filter the check does not take, or of the wrong shape: lint's field-invalid, exit 2.
    promise(hist, "[{check: decisions-per-pm, per: week, source: interview}]")
    assert "'source' is not a setting of an output (check, per, target, tag)" in pmops("lint", code=1).stdout
    # A tag the taxonomy does not know counts nothing: refused as the source is, with the nearest tag.
    add_billing(hist)
    promise(hist, "[{check: insights, per: week, tag: biling}]")
    said = "outputs: insights: tag 'biling' is not in the taxonomy (taxonomy.yaml), so no document has it: did you mean 'billing' or 'pricing'?"
    assert pmops("process", "check", "prc-int", "--today", TODAY, code=2).stderr.startswith(
        f"error: processes/prc-int.md: {said}"
    )
    assert f"field-choice error {said}" in pmops("lint", "processes/prc-int.md", code=1).stdout
    promise(hist, "[{check: insights, per: week, tag: {a: b}}]")
    assert (
        "insights: tag is a value or a list of them, e.g. {tag: discovery}"
        in pmops("process", "check", "prc-int", "--today", TODAY, code=2).stderr
    )
    assert commit_count(hist) == commits
