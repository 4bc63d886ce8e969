"""Processes against what happens (pmops process check): each verdict below was worked out by hand
from the scripted history of tests/cli/history_kb.py (today is 2026-03-01), never computed by pmops."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import history_kb
from tests.conftest import commit_count

TODAY = "2026-03-01"


@pytest.fixture
def hist(kb: Path) -> Path:
    return history_kb.made(kb, history_kb.build)


def checked(pmops, *args: str) -> dict:
    return json.loads(pmops("process", "check", *args, "--today", TODAY, "--json").stdout)


def test_each_promise_against_what_happened(pmops, hist: Path) -> None:
    found = checked(pmops, "--window", "4w")
    by_id = {p["id"]: p for p in found["processes"]}
    # 2026-02-02 to 03-01. Ana on the roster all 28 days (4 expected), Ben from 02-16 (14 days, 2),
    # Cy until 02-08 (7 days, 1): 7 PM-weeks. Ana's a1, a2, a3 (her author field), Ben's b1 (no author
    # field: he committed it), Priya's p1 (not a PM); a0 is before the window. 4 / 7 = 0.57.
    interviews = by_id["prc-int"]["outputs"][0]
    assert (interviews["verdict"], interviews["rate"], interviews["none"]) == (
        "missed",
        4 / 7,
        ["Cy Diaz"],
    )  # full precision
    assert [(p["name"], p["made"], p["expected"], p["days"]) for p in interviews["people"]] == [
        ("Cy Diaz", 0, 1.0, 7), ("Ben Lee", 1, 2.0, 14), ("Ana Silva", 3, 4.0, 28)]  # fmt: skip
    assert interviews["actual"] == (
        "0.57 per PM a week: 4 insights by 3 PMs in 4 weeks (and 1 by people who are not PMs); 1 PM captured none: Cy Diaz"
    )
    # Monthly review from 2025-11-03: February ended in the window, and no document linking to it is
    # dated in February (January's decision is before the window).
    review = by_id["prc-rev"]["outputs"][0]
    assert (review["verdict"], review["periods"], review["missed"]) == ("missed", ["2026-02"], ["2026-02"])
    # Launch A done; launch B open since 02-10, 19 days: missed.
    launch = by_id["prc-lau"]["outputs"][0]
    assert (launch["verdict"], launch["actual"]) == (
        "missed", "2 runs, 1 finished; open more than 14 days: B (chk-2), open since 2026-02-10")  # fmt: skip
    # February's ranking is there.
    assert (by_id["prc-pri"]["outputs"][0]["verdict"], by_id["prc-pri"]["outputs"][0]["periods"]) == (
        "met",
        ["2026-02"],
    )
    # Two versions of prioritization, by Ana and by Ben, far from alike.
    assert [(d["kind"], [v["id"] for v in d["versions"]]) for d in found["divergent"]] == [
        ("prioritization", ["prc-pri", "prc-prb"])]  # fmt: skip
    assert found["without_outputs"] == ["prc-prb"]


def test_a_longer_window_sees_january(pmops, hist: Path) -> None:
    # 8 weeks: 2026-01-05 to 03-01. January's review is recorded (dec-q1, 01-15), February's is not;
    # January has no ranking.
    by_id = {p["id"]: p for p in checked(pmops, "--window", "8w")["processes"]}
    review = by_id["prc-rev"]["outputs"][0]
    assert (review["verdict"], review["actual"]) == ("missed", "1 of 2 periods with a record; none for 2026-02")
    ranking = by_id["prc-pri"]["outputs"][0]
    assert (ranking["verdict"], ranking["actual"]) == ("missed", "1 of 2 cycles ranked; none for 2026-01")
    # --since gives the same window.
    assert checked(pmops, "--since", "2026-01-05")["processes"] == list(by_id.values())


def test_a_window_shorter_than_the_rate_is_too_early(pmops, hist: Path) -> None:
    # 3 days cannot show a rate per week: too early, not missed with 0/0 for everyone.
    interviews = {p["id"]: p for p in checked(pmops, "--window", "3d")["processes"]}["prc-int"]["outputs"][0]
    assert (interviews["verdict"], interviews["actual"]) == ("too early", "the window (3 days) is shorter than a week")


def test_a_rate_short_of_its_target_is_never_rounded_up_to_it() -> None:
    from pmops.outputs import _rate

    # Two significant figures, the whole part in full, no trailing zeros; short of the target, more digits.
    assert [_rate(0.96, 1), _rate(0.94, 1), _rate(1.04, 1), _rate(0.57, 2), _rate(0.04), _rate(0.999, 1),
            _rate(1.96, 2), _rate(2.0, 2), _rate(12.34), _rate(1234.6)] == [
        "0.96", "0.94", "1", "0.57", "0.04", "0.999", "1.96", "2", "12", "1,235"]  # fmt: skip
    # Never zero when it is not: 1 in 300 weeks is 0.0033, not 0.00.
    assert [_rate(0), _rate(1 / 300), _rate(0.0049), _rate(0.00001234)] == ["0", "0.0033", "0.0049", "0.000012"]


def test_small_and_whole_rates_read_as_they_are(pmops, hist: Path) -> None:
    # The team promises a decision a week, since 2020-01-06 (its date moved back). Over 300 weeks
    # (2020-06-01 to 2026-03-01, 2,100 days) one decision is dated: dec-q1, 2026-01-15. 1 / 300 = 0.0033
    # a week: said so, never "0.00 a week" with a decision captured.
    path = hist / "processes" / "prc-int.md"
    text = path.read_text(encoding="utf-8").replace("date: 2025-12-01", "date: 2020-01-06")
    path.write_text(text.replace("[{check: insights-per-pm, per: week, target: 1}]",
                                 "[{check: decisions, per: week, target: 1}]"), encoding="utf-8")  # fmt: skip
    team = {p["id"]: p for p in checked(pmops, "--window", "300w")["processes"]}["prc-int"]["outputs"][0]
    assert (team["verdict"], team["rate"], team["actual"]) == (
        "missed", 1 / 300, "0.0033 a week: 1 decision from 2020-06-01 to 2026-03-01")  # fmt: skip
    # The digest of those 300 weeks says it with its unit, against what was promised.
    digest = pmops("digest", "--since", "2020-06-01", "--today", TODAY).stdout
    said = " ".join(digest.split())
    assert ("Not happening: Interview programme (Priya Ops): 1 decision in 2,100 days, against about 300 promised "
            "(0.0033 a week against 1)") in said  # fmt: skip
    # A whole rate has no decimals: 02-09 to 02-22, Ana on the roster 14 days, Ben from 02-16 (7 days),
    # Cy gone since 02-08: 3 PM-weeks; a2 (02-10), b1 (02-17) and a3 (02-20): 3 / 3 = 1 per PM a week, met.
    path.write_text(text, encoding="utf-8")
    whole = pmops("process", "check", "--since", "2026-02-09", "--today", "2026-02-22", "--json").stdout
    found = {p["id"]: p for p in json.loads(whole)["processes"]}["prc-int"]["outputs"][0]
    assert (found["verdict"], found["rate"]) == ("met", 1.0)
    assert found["actual"].startswith("1 per PM a week: 3 insights by 2 PMs in 2 weeks")
    # A window that is not whole weeks says its days: 02-09 to 02-25 is 17 days, not "2 weeks" (nor "3").
    # Ana 17 days, Ben from 02-16 (10 days): 27 PM-days; a2, b1 and a3: 3 / (27 / 7) = 0.78 per PM a week.
    days = pmops("process", "check", "--since", "2026-02-09", "--today", "2026-02-25", "--json").stdout
    found = {p["id"]: p for p in json.loads(days)["processes"]}["prc-int"]["outputs"][0]
    assert found["actual"].startswith("0.78 per PM a week: 3 insights by 2 PMs in 17 days")


def test_one_process_in_words(pmops, hist: Path) -> None:
    out = pmops("process", "check", "Interview programme", "--window", "4w", "--today", TODAY).stdout
    assert "Interview programme  prc-int · owner Priya Ops · 2026-02-02 to 2026-03-01" in out
    assert "✗ missed  insights-per-pm: 1 insight per PM a week" in out
    assert "per PM (made / their share): Cy Diaz 0/1, Ben Lee 1/2, Ana Silva 3/4" in out
    assert "Divergent versions" not in out  # shown for every process, not one


def test_without_rankings_or_history(pmops, kb: Path) -> None:
    history_kb.commit(kb, "Priya Ops", "2025-12-01", [
        history_kb.person("Ana Silva"),
        history_kb.process("prc-pri", "Monthly prioritization", "prioritization", "Ana Silva", "monthly", "2025-11-03",
                           "[{check: ranking, per: cycle}]"),
    ], "no ranking type")  # fmt: skip
    # No ranking at all: 2026-01-05 to 03-01 holds January and February, neither ranked.
    ranking = checked(pmops)["processes"][0]["outputs"][0]
    assert (ranking["verdict"], ranking["actual"]) == ("missed", "0 of 2 cycles ranked; none for 2026-01, 2026-02")


def test_bad_input(pmops, hist: Path) -> None:
    commits = commit_count(hist)
    bad = pmops("process", "check", "--window", "8x", code=2)
    assert (
        bad.stderr.strip().splitlines()[0]
        == "error: --window: '8x' is not a length of time, e.g. --window 8w (or 30d, 3m)"
    )
    assert "error: --since" in pmops("process", "check", "--since", "someday", code=2).stderr
    assert "give one of them" in pmops("process", "check", "--since", "2026-01-01", "--window", "2w", code=2).stderr
    assert "no process with the id or title 'nope'" in pmops("process", "check", "nope", code=1).stderr
    path = hist / "processes" / "prc-int.md"
    path.write_text(path.read_text().replace("check: insights-per-pm", "check: insights-per-squad"))
    err = pmops("process", "check", "prc-int", code=2).stderr
    assert err.startswith(
        "error: processes/prc-int.md: outputs: 'insights-per-squad' is not an output check: insights-per-pm,"
    )
    # Every process: the one that cannot be read says so, the others are checked.
    found = checked(pmops)
    assert found["processes"][0]["problem"].startswith("outputs: 'insights-per-squad' is not an output check")
    assert "outputs" in pmops("lint", "processes/prc-int.md", code=1).stdout
    assert commit_count(hist) == commits


def test_review_periods_are_calendar_periods_from_the_first_whole_one(pmops, hist: Path) -> None:
    """A review is held each calendar week (Monday to Sunday), pair of weeks (from the Monday of the week
    the process was written), month or quarter (January to March, …); the first judged is the first the
    process existed all of. Every boundary below was written by hand."""
    from pmops.outputs import cadence_periods

    d = __import__("datetime").date
    # Written Sunday 2026-02-01: that week (01-26 to 02-01) is not judged; up to the day before 03-01.
    assert cadence_periods("weekly", d(2026, 2, 1), d(2026, 1, 1), d(2026, 3, 1)) == [
        (d(2026, 2, 2), d(2026, 2, 8)), (d(2026, 2, 9), d(2026, 2, 15)), (d(2026, 2, 16), d(2026, 2, 22))]  # fmt: skip
    # Written Monday 2026-02-02: its week is whole; a window from Wednesday 02-11 holds the week ending 02-15.
    assert cadence_periods("weekly", d(2026, 2, 2), d(2026, 2, 11), d(2026, 2, 23)) == [
        (d(2026, 2, 9), d(2026, 2, 15)), (d(2026, 2, 16), d(2026, 2, 22))]  # fmt: skip
    # Biweekly from Wednesday 2026-01-07: pairs from Monday 01-05; that pair is not whole, 01-19 to 02-01 is.
    assert cadence_periods("biweekly", d(2026, 1, 7), d(2026, 1, 1), d(2026, 2, 20)) == [
        (d(2026, 1, 19), d(2026, 2, 1)), (d(2026, 2, 2), d(2026, 2, 15))]  # fmt: skip
    # Monthly from 2025-11-03: November is not whole; December to February ended before 03-01 (March not).
    assert cadence_periods("monthly", d(2025, 11, 3), d(2025, 11, 1), d(2026, 3, 1)) == [
        (d(2025, 12, 1), d(2025, 12, 31)), (d(2026, 1, 1), d(2026, 1, 31)), (d(2026, 2, 1), d(2026, 2, 28))]  # fmt: skip
    # Quarterly from 2025-02-10: calendar quarters, not three months from February; Q1 2025 is not whole.
    assert cadence_periods("quarterly", d(2025, 2, 10), d(2025, 1, 1), d(2026, 1, 1)) == [
        (d(2025, 4, 1), d(2025, 6, 30)), (d(2025, 7, 1), d(2025, 9, 30)), (d(2025, 10, 1), d(2025, 12, 31))]  # fmt: skip
    # Through the CLI: a quarterly review written 2025-02-10, held 2025-05-12 (Q2) and 2025-11-20 (Q4).
    history_kb.commit(hist, "Priya Ops", "2026-02-27", [
        history_kb.process("prc-qtr", "Quarterly review", "roadmap-review", "Priya Ops", "quarterly", "2025-02-10",
                           "[{check: review, per: cadence}]",
                           history_kb.SECTIONS + "## Agenda\n\nText.\n\n## Decisions to record\n\nText.\n\n"),
        history_kb.decision("dec-q2", "Q2 plan", "2025-05-12", "accepted", "Held in [[prc-qtr]].\n"),
        history_kb.decision("dec-q4", "Q4 plan", "2025-11-20", "accepted", "Held in [[prc-qtr]].\n"),
    ], "quarterly")  # fmt: skip
    review = checked(pmops, "prc-qtr", "--since", "2025-01-01")["processes"][0]["outputs"][0]
    assert (review["periods"], review["missed"], review["actual"]) == (
        ["2025-Q2", "2025-Q3", "2025-Q4"], ["2025-Q3"], "2 of 3 periods with a record; none for 2025-Q3")  # fmt: skip


def test_a_launch_stuck_at_its_checklist_is_missed_in_every_window(pmops, hist: Path) -> None:
    # Launch B started 02-10 and is still open: a week's window (02-23 to 03-01) holds no start, yet the run
    # is 19 days open: missed, as in the 4 weeks that hold its start.
    launch = {p["id"]: p for p in checked(pmops, "--since", "2026-02-23")["processes"]}["prc-lau"]["outputs"][0]
    assert (launch["verdict"], launch["actual"]) == (
        "missed", "1 run, 0 finished; open more than 14 days: B (chk-2), open since 2026-02-10")  # fmt: skip


def test_a_pm_outside_their_days_is_no_pm_who_is_not_one(pmops, hist: Path) -> None:
    # Ben (a PM from 02-16) heard something on 02-12, before he joined: not counted for him, and not said to
    # be by someone who is not a PM; Priya's p1 is (product ops).
    history_kb.commit(hist, "Ben Lee", "2026-02-20", [history_kb.insight("ins-b0", "Heard before joining",
                                                                         "2026-02-12", "Ben Lee")], "b0")  # fmt: skip
    interviews = {p["id"]: p for p in checked(pmops, "--window", "4w")["processes"]}["prc-int"]["outputs"][0]
    assert interviews["actual"] == (
        "0.57 per PM a week: 4 insights by 3 PMs in 4 weeks (and 1 by people who are not PMs, 1 by PMs before they "
        "joined or after they left); 1 PM captured none: Cy Diaz"
    )


def test_an_undated_page_naming_the_process_is_no_record_of_its_meeting(pmops, hist: Path) -> None:
    # Found by a new user: a handbook page listing the processes ([[prc-rev]]), committed in February, made
    # February's roadmap review "held". Undated, it is no record; a dated page of notes is.
    history_kb.commit(hist, "Priya Ops", "2026-02-20", [("handbook/our-processes.md",
                      "---\ntitle: Our processes\n---\n- Roadmap review: [[prc-rev]]\n")], "index")  # fmt: skip
    review = {p["id"]: p for p in checked(pmops, "--window", "4w")["processes"]}["prc-rev"]["outputs"][0]
    assert (review["verdict"], review["missed"]) == ("missed", ["2026-02"])
    history_kb.commit(hist, "Priya Ops", "2026-02-21", [("handbook/review-notes.md",
                      "---\ntitle: Review notes\ndate: 2026-02-20\n---\nHeld: [[prc-rev]]\n")], "notes")  # fmt: skip
    review = {p["id"]: p for p in checked(pmops, "--window", "4w")["processes"]}["prc-rev"]["outputs"][0]
    assert (review["verdict"], review["missed"]) == ("met", [])


def test_meeting_notes_naming_the_process_in_links_are_a_record_of_it(pmops, hist: Path) -> None:
    # Meeting notes written as a page, the process in their front-matter `links:` (as docs/processes.md says),
    # are a record of February's review, and the process is linked from them.
    history_kb.commit(hist, "Priya Ops", "2026-02-21", [("handbook/review-notes.md",
                      "---\ntitle: Review notes\ndate: 2026-02-20\nlinks: [prc-rev]\n---\nHeld.\n")], "notes")  # fmt: skip
    review = {p["id"]: p for p in checked(pmops, "--window", "4w")["processes"]}["prc-rev"]["outputs"][0]
    assert (review["verdict"], review["missed"]) == ("met", [])
    assert "handbook/review-notes.md" in pmops("links", "prc-rev").stdout
    # A wiki page's own `links:` (not pmops ids) are its business: no broken link, no record.
    history_kb.commit(hist, "Priya Ops", "2026-02-22", [("handbook/wiki.md",
                      "---\ntitle: Wiki\nlinks: [getting-started, Our team]\n---\nHi.\n")], "wiki")  # fmt: skip
    assert not [f for f in json.loads(pmops("lint", "--json", code=1).stdout) if f["path"] == "handbook/wiki.md"]


def test_meeting_notes_count_on_their_own_date_not_the_day_they_were_committed(pmops, hist: Path) -> None:
    # Found by a review: notes of January's review, written up late (committed 21 Feb), made February's
    # review "held". A page's `date:` is the day of its meeting, as a document's own date is.
    history_kb.commit(hist, "Priya Ops", "2026-02-21", [("handbook/january-notes.md",
                      "---\ntitle: January review\ndate: 2026-01-28\nlinks: [prc-rev]\n---\nHeld.\n")], "late")  # fmt: skip
    review = {p["id"]: p for p in checked(pmops, "--window", "4w")["processes"]}["prc-rev"]["outputs"][0]
    assert (review["verdict"], review["missed"]) == ("missed", ["2026-02"])


def test_one_process_is_named_as_every_command_names_a_document(pmops, hist: Path) -> None:
    # The one naming rule (KnowledgeBase.find): an id, a unique prefix of one, the exact title in any case.
    for ref in ("prc-int", "prc-i", "interview PROGRAMME", "processes/prc-int.md"):
        assert [p["id"] for p in checked(pmops, ref, "--window", "4w")["processes"]] == ["prc-int"], ref
    # A prefix two ids share: exit 1, both listed; the first words of a title are no title.
    both = pmops("process", "check", "prc-pr", "--today", TODAY, code=1)
    assert both.stderr.splitlines() == [
        'error: \'prc-pr\' matches 2 documents: prc-prb "Billing asks scoring", prc-pri "Monthly prioritization"',
        "hint: give more of the id, or the exact title",
    ]
    part = pmops("process", "check", "Interview", "--today", TODAY, code=1)
    assert part.stderr.splitlines() == [
        "error: no process with the id or title 'Interview'",
        'hint: did you mean prc-int "Interview programme"?',
    ]
    # Another type's document is exit 2; one without outputs is checked with none to compare.
    assert pmops("process", "check", "dec-q1", "--today", TODAY, code=2).stderr.startswith(
        "error: dec-q1 is a decision, not a process"
    )
    assert checked(pmops, "Billing asks scoring")["processes"][0]["outputs"] == []


def test_a_process_without_outputs_says_there_is_nothing_to_check(pmops, hist: Path) -> None:
    # Billing asks scoring (prc-prb) declares no outputs: said so, never "1 process with outputs: 1 no data".
    out = pmops("process", "check", "Billing asks scoring", "--today", TODAY).stdout
    assert out == ("Billing asks scoring declares no outputs: nothing to check (add outputs: [{check: insights-per-pm, "
                   "per: week, target: 2}] to it, docs/processes.md)\n")  # fmt: skip
    found = checked(pmops, "prc-prb")["processes"]
    assert [(p["id"], p["verdict"], p["outputs"]) for p in found] == [("prc-prb", None, [])]


def test_a_window_shorter_than_one_period_judges_the_last_one_that_ended(pmops, hist: Path) -> None:
    # A quarterly review written 2025-02-10, held 2025-11-20 (Q4). Today 2026-03-01, the default 8 weeks
    # (01-05 to 03-01) hold no whole quarter: the last that ended, 2025-Q4, is judged (held: met).
    history_kb.commit(hist, "Priya Ops", "2026-02-27", [
        history_kb.process("prc-qtr", "Quarterly review", "roadmap-review", "Priya Ops", "quarterly", "2025-02-10",
                           "[{check: review, per: cadence}]",
                           history_kb.SECTIONS + "## Agenda\n\nText.\n\n## Decisions to record\n\nText.\n\n"),
        history_kb.decision("dec-q4", "Q4 plan", "2025-11-20", "accepted", "Held in [[prc-qtr]].\n"),
    ], "quarterly")  # fmt: skip
    review = checked(pmops, "prc-qtr")["processes"][0]["outputs"][0]
    last = " (the window holds no whole quarterly period: the last one that ended is judged)"
    assert (review["verdict"], review["periods"], review["actual"]) == (
        "met", ["2025-Q4"], "1 of 1 period with a record" + last)  # fmt: skip
    # Its record moved to Q3 (2025-08-20): Q4 had none, missed — never "too early" for a review never held.
    path = hist / "decisions" / "dec-q4.md"
    path.write_text(path.read_text().replace("date: 2025-11-20", "date: 2025-08-20"))
    review = checked(pmops, "prc-qtr")["processes"][0]["outputs"][0]
    assert (review["verdict"], review["actual"]) == ("missed", "0 of 1 period with a record; none for 2025-Q4" + last)
    # Written 2026-01-19: no whole quarter since, too early (as a new process is).
    path = hist / "processes" / "prc-qtr.md"
    path.write_text(path.read_text().replace("date: 2025-02-10", "date: 2026-01-19"))
    review = checked(pmops, "prc-qtr")["processes"][0]["outputs"][0]
    assert (review["verdict"], review["actual"]) == (
        "too early",
        "no quarterly period ended since it was written on 2026-01-19",
    )
