"""Decisions with expected outcomes: each verdict below was worked out by hand from the metric values
written here (today is 2026-05-10), never computed by pmops; the review recorded in one commit; the
lint findings and the report's counts of the same loops."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import commit_count, git

TODAY = "2026-05-10"

METRICS = {
    # Weekly active (up is good) and time to approve (down is good); "Empty" has no values at all.
    "met-act": ("Weekly active", "up", "users", "2026-01-05,100\n2026-02-02,110\n2026-03-02,130\n2026-04-06,150\n"
                                               "2026-05-04,170\n"),
    "met-tta": ("Time to approve", "down", "hours", "2026-01-05,20\n2026-03-02,18\n2026-05-04,12\n"),
    "met-emp": ("Empty", "up", "users", None),
}  # fmt: skip

DECISIONS = {
    # Before = the last value on or before the date; after = the last one since, up to the review date.
    # 100 (01-05) → 150 (04-06), target 140 reached by 04-30: met.
    "dec-met": ("2026-02-01", "accepted", "- {metric: met-act, direction: up, target: 140}", "2026-04-30"),
    # 20 (01-05) → 18 (03-02) by 04-30, target 10: not met (12 on 05-04 comes after the review date).
    "dec-miss": ("2026-02-01", "accepted", "- {metric: met-tta, direction: down, target: 10}", "2026-04-30"),
    # 110 (02-02) → 170 (05-04), target 200, review on 06-30: not yet, and it has until then: too early.
    "dec-early": ("2026-03-01", "accepted", "- {metric: met-act, direction: up, target: 200}", "2026-06-30"),
    # No values at all, review date passed: no data.
    "dec-none": ("2026-02-01", "accepted", "- {metric: met-emp, direction: up}", "2026-04-01"),
    # Decided on 03-02: that day's 130 is the value before; nothing after it up to 04-01: no data.
    "dec-gap": ("2026-03-02", "accepted", "- {metric: met-act, direction: up}", "2026-04-01"),
    # No target: 100 (01-05) → 130 (03-02), the value at the review date (03-15), up as expected: met.
    "dec-up": ("2026-02-01", "superseded", "- {metric: met-act, direction: up}", "2026-03-15"),
    # Proposed 70 days ago: never reviewed (nothing was done), and lint calls it stale.
    "dec-prop": ("2026-03-01", "proposed", "- {metric: met-act, direction: up}", "2026-04-01"),
    # Proposed 20 days ago: fine.
    "dec-new": ("2026-04-20", "proposed", None, None),
}


@pytest.fixture
def loops_kb(kb: Path) -> Path:
    for mid, (name, direction, unit, values) in METRICS.items():
        path = kb / "metrics" / f"{mid}.md"
        path.write_text(f"---\nid: {mid}\nname: {name}\ndefinition: d\nowner: Theo\nunit: {unit}\n"
                        f"direction: {direction}\n---\n## How it is measured\n")  # fmt: skip
        if values:
            path.with_suffix(".csv").write_text("date,value\n" + values)
    for did, (date, status, expects, review) in DECISIONS.items():
        front = f"id: {did}\ntitle: Decision {did[4:]}\ndate: {date}\nstatus: {status}\n"
        front += f"expects:\n{expects}\nreview_date: {review}\n" if expects else ""
        sections = "".join(
            f"## {s}\n\nText.\n\n" for s in ("Context", "Options considered", "Decision", "Consequences")
        )
        (kb / "decisions" / f"{did}.md").write_text(f"---\n{front}---\n{sections}")
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "fixture")
    return kb


def verdicts(found: list[dict]) -> dict[str, list[tuple]]:
    return {r["id"]: [(v["verdict"], (v["before"] or {}).get("value"), (v["after"] or {}).get("value"))
                      for v in r["verdicts"]] for r in found}  # fmt: skip


def test_every_verdict_with_its_numbers(pmops, loops_kb: Path) -> None:
    found = json.loads(pmops("decision", "review", "--today", TODAY, "--json").stdout)
    assert verdicts(found) == {
        "dec-met": [("met", 100, 150)],
        "dec-miss": [("not met", 20, 18)],
        "dec-early": [("too early", 110, 170)],
        "dec-none": [("no data", None, None)],
        "dec-gap": [("no data", 130, None)],
        "dec-up": [("met", 100, 130)],
    }
    # The overdue first (every review date passed, nothing recorded), by review date, then the others.
    assert [(r["id"], r["days_overdue"]) for r in found] == [
        ("dec-up", 56), ("dec-gap", 39), ("dec-none", 39), ("dec-met", 10), ("dec-miss", 10), ("dec-early", None)]  # fmt: skip
    miss = next(r for r in found if r["id"] == "dec-miss")["verdicts"][0]
    assert (miss["before"], miss["after"], miss["change"], miss["judged_on"]) == (
        {"date": "2026-01-05", "value": 20.0}, {"date": "2026-03-02", "value": 18.0}, -2.0, "2026-04-30")  # fmt: skip
    text = pmops("decision", "review", "--today", TODAY).stdout
    assert "✗ not met  Time to approve down to 10 hours: 20 hours on 2026-01-05 → 18 hours on 2026-03-02 (-2)" in text
    assert (
        "… too early  Weekly active up to 200 users: 110 users on 2026-02-02 → 170 users on 2026-05-04 (+60); it has until 2026-06-30"
        in text
    )
    assert "review by 2026-04-30 (overdue by 10 days)" in text
    assert text.rstrip().endswith(
        "6 decisions with 6 expectations: 5 reviews overdue, 2 met, 1 not met, 1 too early, 2 no data"
    )


def test_reviewing_a_decision_records_its_verdicts_in_one_commit(pmops, loops_kb: Path) -> None:
    path = loops_kb / "decisions" / "dec-miss.md"
    before, commits = path.read_text(), commit_count(loops_kb)
    pmops("decision", "review", "Decision miss", "--today", TODAY, "--dry-run")
    assert path.read_text() == before and commit_count(loops_kb) == commits
    out = pmops("decision", "review", "Decision miss", "--today", TODAY).stdout
    assert "recorded in decisions/dec-miss.md" in out and commit_count(loops_kb) == commits + 1
    assert path.read_text() == before.replace("review_date: 2026-04-30\n", "review_date: 2026-04-30\nreviewed: 2026-05-10\n"
        "outcomes:\n- metric: met-tta\n  direction: down\n  target: 10\n  verdict: not met\n  before: 20\n"
        "  before_date: 2026-01-05\n  after: 18\n"
        "  after_date: 2026-03-02\n")  # fmt: skip
    assert (
        git(loops_kb, "log", "-1", "--format=%s").strip()
        == 'pmops: review decision dec-miss "Decision miss": 1 not met'
    )
    # The same verdicts on the same day: nothing written. Recorded: no longer overdue.
    again = json.loads(pmops("decision", "review", "dec-miss", "--today", TODAY, "--json").stdout)
    assert (again["done"], again["overdue"], again["reviewed"]) == ("already", False, "2026-05-10")
    assert commit_count(loops_kb) == commits + 1
    # Every expectation too early: nothing recorded.
    early = pmops("decision", "review", "dec-early", "--today", TODAY).stdout
    assert "nothing recorded: every expectation is too early until 2026-06-30" in early
    assert (
        commit_count(loops_kb) == commits + 1
        and "outcomes" not in (loops_kb / "decisions" / "dec-early.md").read_text()
    )


def test_what_cannot_be_reviewed_is_said(pmops, loops_kb: Path) -> None:
    commits = commit_count(loops_kb)
    assert (
        "is proposed: its expectations are reviewed once it is taken"
        in pmops("decision", "review", "dec-prop", code=1).stderr
    )
    assert "declares no expectations to review" in pmops("decision", "review", "dec-new", code=1).stderr
    assert "--dry-run: give a decision" in pmops("decision", "review", "--dry-run", code=2).stderr
    pmops("decision", "review", "Weekly active", code=2)  # a metric, not a decision
    assert commit_count(loops_kb) == commits


def test_lint_finds_overdue_reviews_and_stale_proposals(pmops, loops_kb: Path) -> None:
    import datetime as dt

    from pmops import lint
    from pmops.kb import KnowledgeBase

    report = lint.run(KnowledgeBase(loops_kb), today=dt.date(2026, 5, 10))
    found = sorted((f.rule, f.path, f.line) for f in report.findings)
    assert [(rule, path) for rule, path, _ in found] == [
        ("decision-proposed-stale", "decisions/dec-prop.md"),
        ("review-overdue", "decisions/dec-gap.md"), ("review-overdue", "decisions/dec-met.md"),
        ("review-overdue", "decisions/dec-miss.md"), ("review-overdue", "decisions/dec-none.md"),
        ("review-overdue", "decisions/dec-up.md"),
    ]  # fmt: skip
    assert all(line == 8 for rule, _, line in found if rule == "review-overdue")  # the review_date line
    pmops("decision", "review", "dec-miss", "--today", TODAY)
    report = lint.run(KnowledgeBase(loops_kb), today=dt.date(2026, 5, 10))
    assert "decisions/dec-miss.md" not in {f.path for f in report.findings}


def test_the_report_counts_the_same_loops(pmops, loops_kb: Path) -> None:
    data = json.loads(pmops("report", "--format", "json", "--today", TODAY).stdout)["decisions"]
    assert [(e["decision"], e["verdict"], e["overdue"]) for e in data["expectations"]] == [
        ("dec-up", "met", True), ("dec-gap", "no data", True), ("dec-none", "no data", True),
        ("dec-met", "met", True), ("dec-miss", "not met", True), ("dec-early", "too early", False)]  # fmt: skip
    assert data["reviews_overdue"]["ids"] == ["dec-up", "dec-gap", "dec-none", "dec-met", "dec-miss"]
    assert data["proposed_stale"]["ids"] == ["dec-prop"] and data["evidence_after"]["count"] == 0
    out = pmops("report", "--today", TODAY).stdout
    assert ("expectations: 2 met, 1 not met, 1 too early, 2 no data; 5 reviews overdue; "
            "1 proposed for more than 30 days") in out  # fmt: skip
    md = pmops("report", "--format", "md", "--today", TODAY).stdout
    assert "| Decision miss (dec-miss) | Time to approve | down to 10 | **not met** |" in md


def test_decision_add_with_expectations(pmops, loops_kb: Path) -> None:
    out = json.loads(pmops("decision", "add", "--title", "Nudge approvers", "--status", "accepted", "--date", "2026-05-01",
                           "--expects", "Weekly active:up:200", "--expects", "met-tta:down",
                           "--review-by", "30 Sep 2026", "--json").stdout)  # fmt: skip
    shown = json.loads(pmops("show", out["id"], "--json").stdout)
    assert shown["expects"] == [{"metric": "met-act", "direction": "up", "target": 200},
                                {"metric": "met-tta", "direction": "down"}]  # fmt: skip
    assert shown["review_date"] == "2026-09-30"
    text = (loops_kb / out["path"]).read_text()
    assert "expects:\n- metric: met-act\n  direction: up\n  target: 200\n- metric: met-tta\n  direction: down\n" in text
    backlinks = json.loads(pmops("links", "Weekly active", "--json").stdout)["backlinks"]
    assert out["id"] in {b["id"] for b in backlinks}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--expects", "Weekly active"], "error: --expects: 'Weekly active' is not METRIC:up|down[:TARGET], e.g. "
                                         "'Weekly active approvers:up:5000'"),
        (["--expects", "Weekly active:sideways:3"], "is not METRIC:up|down[:TARGET]"),
        (["--expects", "Weekly active:up:lots"], "error: --expects: 'Weekly active': the target 'lots' is not a number"),
        (["--review-by", "2027-01-01", "--expects", "Weekly active:up:99,5"], "error: --expects: 'Weekly active': "
         "the target '99,5' is not a number: write 99.5 (a decimal point; a comma only groups thousands, as in 5,000)"),
        (["--expects", "Weekly active:up"], "error: --expects needs --review-by DATE"),
        (["--review-by", "2026-01-01", "--expects", "Weekly active:up"], "error: --review-by: 2026-01-01 is not after "
                                                                         "the decision"),
        (["--review-by", "someday", "--expects", "Weekly active:up"], "error: --review-by: 'someday' is not a date"),
        (["--review-by", "2027-01-01", "--expects", "Decision met:up"], "error: --expects: Decision met: dec-met is a "
                                                                         "decision, not a metric"),
    ],
)  # fmt: skip
def test_bad_expectations_are_exit_2_and_write_nothing(pmops, loops_kb: Path, args: list[str], message: str) -> None:
    commits, files = commit_count(loops_kb), sorted((loops_kb / "decisions").iterdir())
    result = pmops("decision", "add", "--title", "Bad", "--date", "2026-05-01", *args, code=2)
    assert message in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    assert commit_count(loops_kb) == commits and sorted((loops_kb / "decisions").iterdir()) == files


def test_an_unknown_metric_is_not_found_with_the_nearest(pmops, loops_kb: Path) -> None:
    """As every option naming a document (--evidence, --link): not found is exit 1, with did-you-mean."""
    commits = commit_count(loops_kb)
    result = pmops(
        "decision", "add", "--title", "Bad", "--expects", "Weekly actve:up", "--review-by", "2027-01-01", code=1
    )
    assert result.stderr.startswith("error: --expects: no metric with the id or title 'Weekly actve'")
    assert 'did you mean met-act "Weekly active"' in result.stderr and commit_count(loops_kb) == commits


def test_a_kb_may_reword_the_fields_in_its_pmops_yaml(pmops, loops_kb: Path) -> None:
    config = loops_kb / "pmops.yaml"
    config.write_text(
        config.read_text().replace(
            "types:\n", "types:\n  decision:\n    fields:\n      expects: {help: what it moves}\n"
        )
    )
    found = json.loads(pmops("decision", "review", "--today", TODAY, "--json").stdout)
    assert len(found) == 6


def test_met_once_reached_by_the_review_date_and_a_recorded_verdict_is_kept(pmops, kb: Path) -> None:
    # Worked out by hand: decided 10-01 at 50, target 60 by 11-15; 61 on 11-02 reached it, 59 on 11-09 fell back.
    metric = kb / "metrics" / "met-score.md"
    metric.write_text("---\nid: met-score\nname: Score\ndefinition: d\nowner: Theo\nunit: points\ndirection: up\n---\n")
    metric.with_suffix(".csv").write_text("date,value\n2026-09-28,50\n2026-11-02,61\n2026-11-09,59\n")
    sections = "".join(f"## {s}\n\nText.\n\n" for s in ("Context", "Options considered", "Decision", "Consequences"))
    (kb / "decisions" / "dec-flip.md").write_text(
        "---\nid: dec-flip\ntitle: Flip\ndate: 2026-10-01\nstatus: accepted\n"
        f"expects:\n- {{metric: met-score, direction: up, target: 60}}\nreview_date: 2026-11-15\n---\n{sections}"
    )
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "fixture")
    early = json.loads(pmops("decision", "review", "dec-flip", "--today", "2026-11-05", "--json").stdout)
    assert (early["done"], early["verdicts"][0]["verdict"], early["verdicts"][0]["after"]["value"]) == (
        "recorded",
        "met",
        61,
    )
    # After the review date, with 59 the last value: still met (reached on 11-02), and the numbers say so.
    late = json.loads(pmops("decision", "review", "--today", "2026-12-02", "--json").stdout)
    verdict = late[0]["verdicts"][0]
    assert (verdict["verdict"], verdict["after"], verdict["why"]) == (
        "met", {"date": "2026-11-02", "value": 61.0},
        "50 points on 2026-09-28 → 61 points on 2026-11-02 (+11); 59 points since, on 2026-11-09")  # fmt: skip
    # Reviewing again later: the recorded verdict is kept, nothing written, exit 0.
    path, commits = kb / "decisions" / "dec-flip.md", commit_count(kb)
    text = path.read_text()
    again = pmops("decision", "review", "dec-flip", "--today", "2026-12-02").stdout
    assert "verdicts already recorded on 2026-11-05 (met): a recorded verdict is kept; nothing changed" in again
    assert path.read_text() == text and commit_count(kb) == commits
    done = json.loads(pmops("decision", "review", "dec-flip", "--today", "2026-12-02", "--json").stdout)
    assert (done["done"], done["already"], done["commit"], done["reviewed"]) == ("already", True, None, "2026-11-05")


def test_a_decimal_comma_is_refused_by_set_as_by_add_and_thousands_are_read(pmops, loops_kb: Path) -> None:
    # Found by a new user: 'Metric:up:99,5' was stored as 995. One parser reads both (as amounts are read).
    path = loops_kb / "decisions" / "dec-early.md"
    text, commits = path.read_text(), commit_count(loops_kb)
    bad = pmops("set", "dec-early", "expects=Time to approve:down:3,5", code=2)
    assert bad.stderr.startswith("error: expects: 'Time to approve': the target '3,5' is not a number: write 3.5")
    assert len(bad.stderr.strip().splitlines()) <= 2 and path.read_text() == text and commit_count(loops_kb) == commits
    made = json.loads(pmops("decision", "add", "--title", "Thousands", "--expects", "Weekly active:up:5,000",
                            "--review-by", "2027-01-01", "--json").stdout)  # fmt: skip
    assert json.loads(pmops("show", made["id"], "--json").stdout)["expects"][0]["target"] == 5000


def test_targets_as_people_write_them_and_targets_no_metric_can_reach(pmops, loops_kb: Path) -> None:
    # Sync rate is a share (%, never above 100 so far); Growth is in % too, and was once 130% (a rate that
    # can pass 100); Time to approve (hours) is never below 0.
    for mid, name, values in (
        ("met-rate", "Sync rate", "2026-01-05,99.1\n"),
        ("met-grow", "Growth", "2026-01-05,130\n"),
    ):
        (loops_kb / "metrics" / f"{mid}.md").write_text(f"---\nid: {mid}\nname: {name}\ndefinition: d\nowner: Theo\n"
                                                       "unit: '%'\ndirection: up\n---\n## How it is measured\n")  # fmt: skip
        (loops_kb / "metrics" / f"{mid}.csv").write_text("date,value\n" + values)
    git(loops_kb, "add", "-A")
    git(loops_kb, "commit", "-qm", "rates")
    made = json.loads(pmops("decision", "add", "--title", "Typed targets", "--expects", "Sync rate:up:99.5%",
                            "--expects", "Weekly active:up:5k", "--expects", "Growth:up:150",
                            "--review-by", "2027-01-01", "--json").stdout)  # fmt: skip
    assert json.loads(pmops("show", made["id"], "--json").stdout)["expects"] == [
        {"metric": "met-rate", "direction": "up", "target": 99.5},
        {"metric": "met-act", "direction": "up", "target": 5000},
        {"metric": "met-grow", "direction": "up", "target": 150},
    ]
    commits, files = commit_count(loops_kb), sorted((loops_kb / "decisions").iterdir())
    for expects, said in (
        (["Sync rate:up:150"], "error: --expects: 'Sync rate': the target 150 is above 100%, and the metric is a "
                               "percentage: at most 100, e.g. 'Sync rate:up:99.5'"),
        (["Time to approve:down:-1"], "error: --expects: 'Time to approve': the target -1 is below 0, and the metric "
                                      "is counted in hours: never below 0 (give 0 or more, or no target: 'Time to "
                                      "approve:down')"),
        (["Weekly active:up:5000", "Weekly active:up:6000"], "error: --expects: 'Weekly active' is given twice "
         "(up:5000 and up:6000): give each metric once, with the target the decision means"),
        (["Weekly active:up:5000", "met-act:up"], "error: --expects: 'Weekly active' and 'met-act' are one metric "
                                                  "(Weekly active): give each metric once, with the target the "
                                                  "decision means"),
        (["Weekly active:up:5m"], "error: --expects: 'Weekly active': the target '5m' is ambiguous: a million, or "
                                  "minutes? (write the number, e.g. 5M for a million)"),
    ):  # fmt: skip
        args = [a for e in expects for a in ("--expects", e)]
        result = pmops("decision", "add", "--title", "Bad", *args, "--review-by", "2027-01-01", code=2)
        assert result.stderr.strip() == said
    assert commit_count(loops_kb) == commits and sorted((loops_kb / "decisions").iterdir()) == files
    # pmops set reads and checks an expectation as decision add does (one parser, one check).
    bad = pmops("set", "dec-early", "expects=Sync rate:up:101", code=2)
    assert bad.stderr.startswith("error: expects: 'met-rate': the target 101 is above 100%")
    pmops("set", "dec-early", "expects=Sync rate:up:99.8%")
    assert json.loads(pmops("show", "dec-early", "--json").stdout)["expects"][0]["target"] == 99.8


def test_the_expects_example_in_help_is_printed_as_written(pmops, loops_kb: Path) -> None:
    out = pmops("decision", "add", "--help").stdout
    assert 'approvers:up:5000"' in out and "🆙" not in out


def test_set_checks_the_review_date_as_add_does_and_replaces_the_expectations(pmops, loops_kb: Path) -> None:
    # Found by a new user: set accepted a review date before the decision's date (add refused it).
    path = loops_kb / "decisions" / "dec-early.md"  # dated 2026-03-01, review by 2026-06-30
    text, commits = path.read_text(), commit_count(loops_kb)
    bad = pmops("set", "dec-early", "review_date=2026-02-01", code=2)
    assert bad.stderr.startswith("error: review_date: 2026-02-01 is not after the decision's date (2026-03-01)")
    assert len(bad.stderr.strip().splitlines()) <= 2
    bad = pmops("set", "dec-early", "date=2026-07-01", code=2)  # the other way round
    assert "review_date: 2026-06-30 is not after the decision's date (2026-07-01)" in bad.stderr
    assert path.read_text() == text and commit_count(loops_kb) == commits
    pmops("set", "dec-early", "review_date=2026-07-31", "expects=Time to approve:down:10")
    expects = json.loads(pmops("show", "dec-early", "--json").stdout)["expects"]
    assert expects == [{"metric": "met-tta", "direction": "down", "target": 10}]  # as docs/decisions.md says: replaced


def test_doubtful_expectations_are_said_and_contradictory_ones_refused(pmops, loops_kb: Path) -> None:
    # Found by a new user: all three were accepted silently.
    commits, files = commit_count(loops_kb), sorted((loops_kb / "decisions").iterdir())
    bad = pmops("decision", "add", "--title", "Both ways", "--date", "2026-02-01", "--review-by", "2026-06-01",
                "--expects", "Weekly active:up:200", "--expects", "met-act:down:50", code=2)  # fmt: skip
    assert bad.stderr.startswith("error: --expects: 'met-act' is expected to go both up and down")
    assert len(bad.stderr.strip().splitlines()) <= 2
    assert commit_count(loops_kb) == commits and sorted((loops_kb / "decisions").iterdir()) == files
    # 100 on 2026-01-05, the last value on or before 2026-02-01: a target of 100 is met already.
    # Time to approve: the metric says down is good; up is expected.
    made = pmops("decision", "add", "--title", "Doubtful", "--status", "accepted", "--date", "2026-02-01",
                 "--review-by", "2026-06-01", "--expects", "Weekly active:up:100", "--expects", "Time to approve:up")  # fmt: skip
    said = " ".join(made.stderr.split())
    assert ("warning: Weekly active up to 100: already met on the decision day (100 on 2026-01-05): the review "
            "will say met whatever happens") in said  # fmt: skip
    assert "warning: Time to approve is expected to go up, and the metric says down is good" in said
    assert commit_count(loops_kb) == commits + 1
    review = pmops("decision", "review", "--today", TODAY).stdout
    assert (
        "✓ met  Weekly active up to 100 users: 100 users on 2026-01-05 → 110 users on 2026-02-02 (+10); 170 users since, "
        "on 2026-05-04; already met on the decision day" in review
    )


def test_accepting_records_the_day_and_expectations_are_judged_from_it(pmops, loops_kb: Path) -> None:
    # Found by a new user: accept kept the proposal's date, so "before" was measured from the proposal.
    import datetime as dt

    # Its review date (2026-04-01) has passed: accepted today, it could never be judged. Refused, nothing
    # written, until it is given a new one (found by a new user: it was accepted without a word).
    path = loops_kb / "decisions" / "dec-prop.md"
    text, commits = path.read_text(), commit_count(loops_kb)
    refused = pmops("decision", "accept", "dec-prop", code=2).stderr
    assert refused.startswith("error: dec-prop: its review date (2026-04-01) is not after today")
    assert "pmops decision accept dec-prop --review-by YYYY-MM-DD" in refused
    assert path.read_text() == text and commit_count(loops_kb) == commits
    assert "is not after today" in pmops("decision", "accept", "dec-prop", "--review-by", "2026-01-01", code=2).stderr
    later = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    pmops("decision", "accept", "dec-prop", "--review-by", later)
    shown = json.loads(pmops("show", "dec-prop", "--json").stdout)
    assert (shown["accepted"], shown["review_date"]) == (dt.date.today().isoformat(), later)
    # Proposed 2026-03-01 (before: 110 on 02-02), accepted 2026-03-02 by hand here: before is 130 (03-02).
    path.write_text(path.read_text().replace(f"accepted: {dt.date.today().isoformat()}", "accepted: 2026-03-02")
                    .replace(f"review_date: {later}", "review_date: 2026-04-01"))  # fmt: skip
    git(loops_kb, "commit", "-qam", "accepted on 2026-03-02")
    found = json.loads(pmops("decision", "review", "dec-prop", "--today", TODAY, "--dry-run", "--json").stdout)
    verdict = found["verdicts"][0]
    assert (found["date"], verdict["before"], verdict["after"]) == (
        "2026-03-02", {"date": "2026-03-02", "value": 130.0}, None)  # fmt: skip
    assert verdict["verdict"] == "no data"  # nothing after 03-02 up to the review date, 04-01


def test_a_decision_accepted_on_a_past_day_is_judged_from_it(pmops, loops_kb: Path) -> None:
    # Back-filling: proposed 2026-03-01, accepted on 2026-03-02 (--today): its review date, 2026-04-01, is after
    # that day, so it is accepted, and judged from it: before is 130 (03-02).
    path = loops_kb / "decisions" / "dec-prop.md"
    text = path.read_text()
    said = pmops("decision", "accept", "dec-prop", "--today", "2026-02-28", code=2).stderr
    assert said.startswith("error: --today: 2026-02-28 is before the decision's date (2026-03-01)")
    assert pmops("decision", "accept", "dec-prop", "--today", "2999-01-01", code=2).stderr.startswith("error: --today:")
    assert path.read_text() == text
    pmops("decision", "accept", "dec-prop", "--today", "2026-03-02")
    assert json.loads(pmops("show", "dec-prop", "--json").stdout)["accepted"] == "2026-03-02"
    found = json.loads(pmops("decision", "review", "dec-prop", "--today", TODAY, "--dry-run", "--json").stdout)
    assert (found["date"], found["verdicts"][0]["before"]) == ("2026-03-02", {"date": "2026-03-02", "value": 130.0})


def test_a_recorded_verdict_is_shown_as_recorded_whatever_changes_after(pmops, loops_kb: Path) -> None:
    """Found by a new user: a target lowered after a review turned the recorded 'not met' into 'met' in the
    review list, the digest and the report; an unreadable values file turned it into 'no data'."""
    pmops("decision", "review", "dec-miss", "--today", TODAY)  # 20 → 18 against 10, by 04-30: not met, recorded
    pmops("set", "dec-miss", "expects=Time to approve:down:19")  # 18 would meet 19
    listed = {r["id"]: r for r in json.loads(pmops("decision", "review", "--today", TODAY, "--json").stdout)}
    verdict = listed["dec-miss"]["verdicts"][0]
    assert (verdict["verdict"], verdict["target"], verdict["recorded_on"]) == ("not met", 10, TODAY)
    assert verdict["why"] == ("20 hours on 2026-01-05 → 18 hours on 2026-03-02 (-2) (recorded on 2026-05-10); the "
                              "decision now expects down to 19 hours, changed after this was recorded")  # fmt: skip
    digest = pmops("digest", "--since", "2026-04-01", "--today", TODAY).stdout.replace("\n  ", " ")
    assert (
        "- Missed: Time to approve down to 10 hours (“Decision miss”): 20 hours → 18 hours by 30 Apr; recorded 10 May; "
        "the decision now expects down to 19 hours, changed after the review (dec-miss)"
    ) in digest
    report = json.loads(pmops("report", "--format", "json", "--today", TODAY).stdout)["decisions"]["expectations"]
    assert [e["verdict"] for e in report if e["decision"] == "dec-miss"] == ["not met"]
    # A row unreadable since (a decimal comma): the recorded verdict still stands, and the digest names the row.
    (loops_kb / "metrics" / "met-tta.csv").write_text('date,value\n2026-01-05,20\n2026-03-02,"1,8"\n')
    listed = {r["id"]: r for r in json.loads(pmops("decision", "review", "--today", TODAY, "--json").stdout)}
    assert listed["dec-miss"]["verdicts"][0]["verdict"] == "not met"
    digest = pmops("digest", "--since", "2026-04-01", "--today", TODAY).stdout.replace("\n  ", " ")
    assert "- Missed: Time to approve down to 10" in digest
    assert ("- Time to approve: line 3 of met-tta.csv cannot be read (2026-03-02,1,8): left out, the other values "
            "counted; write 2026-03-02,1.8") in digest  # fmt: skip
    # A file that is not text at all: the digest names the metric.
    (loops_kb / "metrics" / "met-tta.csv").write_bytes(b"date,value\n2026-01-05,\xff\n")
    digest = pmops("digest", "--since", "2026-04-01", "--today", TODAY).stdout.replace("\n  ", " ")
    assert "- Cannot read the values of Time to approve: metrics/met-tta.csv" in digest


def test_an_expectation_removed_after_its_review_is_still_shown(pmops, loops_kb: Path) -> None:
    pmops("decision", "review", "dec-miss", "--today", TODAY)
    pmops("set", "dec-miss", "expects=Weekly active:up")
    verdicts = {v["metric"]: v for r in json.loads(pmops("decision", "review", "--today", TODAY, "--json").stdout)
                if r["id"] == "dec-miss" for v in r["verdicts"]}  # fmt: skip
    assert verdicts["met-tta"]["verdict"] == "not met"
    assert verdicts["met-tta"]["why"].endswith("(recorded on 2026-05-10); the decision no longer expects it")


def test_without_a_target_the_value_at_the_review_date_is_judged(pmops, loops_kb: Path) -> None:
    # NPS (monthly): 30 (01-31), 28 (02-28), 35 (03-31), 41 (04-30), 38 (05-08). Expected down from 02-01,
    # no target: before 30 (01-31); at the review date 04-30 it is 41, 11 points up: not met (the dip to 28
    # on 02-28 does not make it met). Expected up with the review on 06-30: too early until then, never met
    # at its first tick the right way. Without a review date: today's value, 38, against 30: met.
    (loops_kb / "metrics" / "met-nps.md").write_text(
        "---\nid: met-nps\nname: NPS\ndefinition: d\nowner: Theo\nunit: points\ndirection: up\n---\n## How\n"
    )
    (loops_kb / "metrics" / "met-nps.csv").write_text(
        "date,value\n2026-01-31,30\n2026-02-28,28\n2026-03-31,35\n2026-04-30,41\n2026-05-08,38\n"
    )
    for did, direction, review in (("dec-nd", "down", "2026-04-30"), ("dec-nu", "up", "2026-06-30"),
                                   ("dec-nn", "up", None)):  # fmt: skip
        when = f"review_date: {review}\n" if review else ""
        sections = "".join(
            f"## {x}\n\nText.\n\n" for x in ("Context", "Options considered", "Decision", "Consequences")
        )
        (loops_kb / "decisions" / f"{did}.md").write_text(
            f"---\nid: {did}\ntitle: NPS {did}\ndate: 2026-02-01\nstatus: accepted\n"
            f"expects:\n- {{metric: met-nps, direction: {direction}}}\n{when}---\n{sections}"
        )
    git(loops_kb, "add", "-A")
    git(loops_kb, "commit", "-qm", "NPS decisions")
    found = verdicts(json.loads(pmops("decision", "review", "--today", TODAY, "--json").stdout))
    assert (found["dec-nd"], found["dec-nu"], found["dec-nn"]) == (
        [("not met", 30, 41)], [("too early", 30, 38)], [("met", 30, 38)])  # fmt: skip
    text = pmops("decision", "review", "dec-nd", "--today", TODAY, "--dry-run").stdout
    assert "✗ not met  NPS down: 30 points on 2026-01-31 → 41 points on 2026-04-30 (+11)" in text
