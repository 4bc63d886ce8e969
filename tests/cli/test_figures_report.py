"""The report's counts, on a KB small enough to count by hand. Every expected value below was
worked out from the documents written here (today is 2026-12-02, a Wednesday; the report looks
back 26 weeks, to 2026-06-03), never computed by pmops."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git

TODAY = "2026-12-02"

DOCS = {
    # Insights: only the first is within the last 26 weeks.
    "insights/ins-a.md": "id: ins-a\ntitle: Approvers miss requests\ndate: 2026-11-20\nsource: interview\nsegment: smb\narea: approvals",
    "insights/ins-b.md": "id: ins-b\ntitle: Exports drop accents\ndate: 2026-03-01\nsource: survey\nsegment: enterprise",
    "insights/ins-c.md": "id: ins-c\ntitle: Old complaint\ndate: 2025-01-10\nsource: interview",
    # Decisions: one of each of three statuses.
    "decisions/dec-a.md": "id: dec-a\ntitle: Remind approvers\ndate: 2026-11-25\nstatus: accepted\nevidence: [ins-a]",
    "decisions/dec-b.md": "id: dec-b\ntitle: Fix accents\ndate: 2026-11-26\nstatus: proposed\nevidence: [ins-b]",
    "decisions/dec-c.md": "id: dec-c\ntitle: Rewrite exports\ndate: 2026-04-01\nstatus: rejected",
    # Processes: weekly and reviewed in November (due, not stale); monthly on the 1st, last reviewed
    # 2026-06-01 + 90 days = 2026-08-30 (stale; and 1 December falls in this week: due); retired (neither).
    "processes/prc-a.md": "id: prc-a\ntitle: Triage\nkind: custom\nowner: Sam\ncadence: weekly\nstatus: active\n"
                          "date: 2026-11-01\nlast_reviewed: 2026-11-01",
    "processes/prc-b.md": "id: prc-b\ntitle: Prioritization\nkind: prioritization\nowner: Ada\ncadence: monthly\n"
                          "status: active\ndate: 2026-06-01\nlast_reviewed: 2026-06-01",
    "processes/prc-c.md": "id: prc-c\ntitle: Old ritual\nkind: custom\nowner: Ada\ncadence: weekly\nstatus: retired\n"
                          "date: 2025-01-01",
    # Tools: two adopted (1,200 + 800 a year), one retired (not counted); one renewal within 90 days (44 days).
    "tools/tol-a.md": "id: tol-a\nname: Figma\ncategory: design\nstatus: adopted\ncost: 1200\nrenewal: 2027-01-15",
    "tools/tol-b.md": "id: tol-b\nname: Miro\ncategory: collaboration\nstatus: adopted\ncost: 800\nrenewal: 2027-06-01",
    "tools/tol-c.md": "id: tol-c\nname: Old wiki\ncategory: documentation\nstatus: retired\ncost: 500\nrenewal: 2026-12-20",
}  # fmt: skip


@pytest.fixture
def small_kb(kb: Path) -> Path:
    for path, front in DOCS.items():
        (kb / path).parent.mkdir(exist_ok=True)
        (kb / path).write_text(f"---\n{front}\n---\nBody.\n")
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "fixture")
    return kb


def test_report_counts(small_kb: Path, pmops) -> None:
    data = json.loads(pmops("report", "--format", "json", "--today", TODAY).stdout)
    research = data["research"]
    assert (research["insights"]["count"], research["recent"]["count"]) == (3, 1)
    assert research["recent"]["ids"] == ["ins-a"]
    assert {k: v["count"] for k, v in research["by_source"].items()} == {"interview": 1}
    weeks = {w["week"]: w["count"] for w in research["per_week"]}
    assert len(weeks) == 26 and sum(weeks.values()) == 1 and weeks["2026-W47"] == 1
    assert {s: b["count"] for s, b in data["decisions"]["by_status"].items() if b["count"]} == {
        "accepted": 1, "proposed": 1, "rejected": 1}  # fmt: skip
    processes = data["processes"]
    assert (processes["active"]["ids"], processes["stale"]["ids"], sorted(processes["due"]["ids"])) == (
        ["prc-b", "prc-a"], ["prc-b"], ["prc-a", "prc-b"])  # fmt: skip
    tools = data["tools"]
    assert tools["total_cost"] == 2000
    assert [(r["id"], r["days"]) for r in tools["renewals"]] == [("tol-a", 44)]


def test_report_summary_sentences(small_kb: Path, pmops) -> None:
    out = pmops("report", "--today", TODAY).stdout
    assert "Research: 3 insights, 1 in the last 26 weeks" in out
    assert "Decisions: 1 proposed, 1 accepted, 1 rejected" in out
    assert "Processes: 2 active, 1 stale, 2 running this week" in out
    assert "Onboarding: no plans yet" in out
    assert "1 renewal within 90 days" in out and "cost 2,000 USD a year" in out


def test_markdown_lists_what_it_counts(small_kb: Path, pmops) -> None:
    md = pmops("report", "--format", "md", "--today", TODAY).stdout
    assert "Active 2, stale 1 (prc-b), running this week 2 (" in md
    assert "3 insights, 1 in the last 26 weeks" in md


def test_the_report_as_of_an_earlier_day_counts_only_what_existed(small_kb: Path, pmops) -> None:
    # On 2026-04-15 (a Wednesday): ins-a (Nov) and the November decisions did not exist yet; prc-a
    # (created 2026-11-01) and prc-b (2026-06-01) neither. The 26 weeks shown start on Monday
    # 2025-10-20, so ins-b (2026-03-01) is the only recent insight; ins-c (2025-01-10) is older.
    data = json.loads(pmops("report", "--format", "json", "--today", "2026-04-15").stdout)
    assert data["research"]["insights"]["ids"] == ["ins-b", "ins-c"]
    assert (data["research"]["since"], data["research"]["recent"]["ids"]) == ("2025-10-20", ["ins-b"])
    assert sum(w["count"] for w in data["research"]["per_week"]) == 1
    assert {s: b["ids"] for s, b in data["decisions"]["by_status"].items() if b["count"]} == {"rejected": ["dec-c"]}
    assert [p["id"] for p in data["processes"]["list"]] == ["prc-c"]


def test_recent_is_exactly_the_weeks_shown(small_kb: Path, pmops) -> None:
    # The first week shown starts Monday 2026-06-08 (26 weeks ending with the week of 2026-12-02):
    # an insight of 2026-06-07 is not recent, one of 2026-06-08 is.
    for day in ("07", "08"):
        (small_kb / f"insights/ins-j{day}.md").write_text(
            f"---\nid: ins-j{day}\ntitle: June {day}\ndate: 2026-06-{day}\nsource: survey\n---\nBody.\n"
        )
    data = json.loads(pmops("report", "--format", "json", "--today", TODAY).stdout)
    recent = data["research"]["recent"]
    assert sorted(recent["ids"]) == ["ins-a", "ins-j08"]
    assert sum(w["count"] for w in data["research"]["per_week"]) == recent["count"] == 2


def test_a_possible_overlap_is_never_reported_as_none(small_kb: Path, pmops) -> None:
    (small_kb / "tools/tol-d.md").write_text("---\nid: tol-d\nname: Sketch\ncategory: design\nstatus: adopted\n---\n")
    out = pmops("report", "--today", TODAY).stdout
    assert "possible overlap in design (Figma, Sketch: no job given)" in out and "no overlaps" not in out
