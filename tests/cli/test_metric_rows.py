"""Messy metric CSVs, read by one rule everywhere (metric_csv.pairs): a day given twice counts its later row,
a day left empty is no value that day. Every verdict and line below was worked out by hand from the
values written here (today is 2026-12-02), never computed by pmops."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git

TODAY = "2026-12-02"
SECTIONS = "".join(f"## {s}\n\nText.\n\n" for s in ("Context", "Options considered", "Decision", "Consequences"))
VALUES = "date,value\n2026-09-28,99.4\n2026-11-09,99.3\n2026-11-16,99.7\n2026-11-23,99.6\n"


@pytest.fixture
def sync_kb(kb: Path) -> Path:
    """Sync success (%, weekly, target 99.5), and a decision of 1 Oct expecting it up to 99.5 by 31 Dec."""
    (kb / "metrics" / "met-syn.md").write_text(
        "---\nid: met-syn\nname: Sync success\ndefinition: d\nowner: Theo\nunit: '%'\ndirection: up\n"
        "target: 99.5\ncadence: weekly\n---\n## How it is measured\n"
    )
    (kb / "metrics" / "met-syn.csv").write_text(VALUES)
    (kb / "decisions" / "dec-syn.md").write_text(
        "---\nid: dec-syn\ntitle: Retry syncs\ndate: 2026-10-01\nstatus: accepted\n"
        f"expects:\n- {{metric: met-syn, direction: up, target: 99.5}}\nreview_date: 2026-12-31\n---\n{SECTIONS}"
    )
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "fixture")
    return kb


def test_a_day_given_twice_counts_its_later_row_everywhere(pmops, sync_kb: Path) -> None:
    # An export appends corrections for 16 and 23 Nov (99.1, 99.2): both below 99.5, so by the corrected
    # values the target is not reached yet (the first rows, 99.7 and 99.6, would have met it on 16 Nov).
    with (sync_kb / "metrics" / "met-syn.csv").open("a") as handle:
        handle.write("2026-11-16,99.1\n2026-11-23,99.2\n2026-11-09,99.3\n")  # 9 Nov again, the same value
    found = json.loads(pmops("decision", "review", "--today", TODAY, "--json").stdout)[0]["verdicts"][0]
    assert (found["verdict"], found["before"], found["after"]) == (
        "too early", {"date": "2026-09-28", "value": 99.4}, {"date": "2026-11-23", "value": 99.2})  # fmt: skip
    shown = json.loads(pmops("metric", "show", "Sync success", "--today", TODAY, "--json").stdout)
    assert [(v["date"], v["value"]) for v in shown["values"]] == [
        ("2026-09-28", 99.4), ("2026-11-09", 99.3), ("2026-11-16", 99.1), ("2026-11-23", 99.2)]  # fmt: skip
    assert (shown["latest"], shown["status"]) == ({"date": "2026-11-23", "value": 99.2}, "below target")
    text = pmops("digest", "--since", "2026-11-02", "--today", TODAY).stdout
    assert "reached its target" not in text
    assert "Due 31 Dec: Sync success up to 99.5% (“Retry syncs”): 99.4% → 99.2% on 23\n  Nov so far" in text
    # Lint names each day given twice with two values (9 Nov twice with one value is no finding).
    findings = json.loads(pmops("lint", "--json").stdout)
    assert [(f["line"], f["rule"], f["severity"], f["message"]) for f in findings if "value" in f["rule"]] == [
        (6, "metric-value-duplicate", "warning", "2026-11-16 is also on line 4 (99.7): this later row's 99.1 counts"),
        (7, "metric-value-duplicate", "warning", "2026-11-23 is also on line 5 (99.6): this later row's 99.2 counts"),
    ]
    # metric record rewrites the file with one row a day: the later values, the finding gone.
    git(sync_kb, "commit", "-qam", "corrections")
    pmops("metric", "record", "Sync success", "99.2", "--date", "2026-11-23")
    assert (sync_kb / "metrics" / "met-syn.csv").read_text() == (
        "date,value\n2026-09-28,99.4\n2026-11-09,99.3\n2026-11-16,99.1\n2026-11-23,99.2\n"
    )
    assert not [f for f in json.loads(pmops("lint", "--json").stdout) if "value" in f["rule"]]


def test_a_day_left_empty_is_no_value_that_day(pmops, sync_kb: Path) -> None:
    # 16 Nov left empty (line 4): the other values are read. 99.4 (28 Sep) → 99.6 on 23 Nov, the first
    # value at 99.5 or more since 1 Oct: met that day (with 16 Nov's 99.7 it was met on 16 Nov).
    path = sync_kb / "metrics" / "met-syn.csv"
    path.write_text(VALUES.replace("2026-11-16,99.7", "2026-11-16,"))
    git(sync_kb, "commit", "-qam", "a week without a value")
    found = json.loads(pmops("decision", "review", "--today", TODAY, "--json").stdout)[0]["verdicts"][0]
    assert (found["verdict"], found["before"], found["after"], found["unit"]) == (
        "met", {"date": "2026-09-28", "value": 99.4}, {"date": "2026-11-23", "value": 99.6}, "%")  # fmt: skip
    said = pmops("decision", "review", "--today", TODAY).stdout  # its unit as the digest writes it: 99.4%, not 99.4 %
    assert "✓ met  Sync success up to 99.5%: 99.4% on 2026-09-28 → 99.6% on 2026-11-23 (+0.2)" in said
    shown = json.loads(pmops("metric", "show", "Sync success", "--today", TODAY, "--json").stdout)
    assert (len(shown["values"]), shown["no_value_on"]) == (3, ["2026-11-16"])
    text = pmops("digest", "--since", "2026-11-02", "--today", TODAY).stdout
    assert "- Metrics: 1 crossed its target, 1 stale, 1 day left without a value." in text
    assert "- Expectations: 1 met." in text
    assert "cannot" not in text and "not a 'date,value' row" not in text
    from tests.cli.test_digest import sections

    assert sections(text)["Metrics"] == [
        "Sync success: no value on 16 Nov (line 4 of met-syn.csv): record it (`pmops metric record met-syn VALUE "
        "--date 2026-11-16`), or delete the row",
        "Sync success reached its target of 99.5%: 99.6% on 23 Nov (met-syn)",
        "Stale: Sync success: last value 23 Nov, 9 days ago (met-syn)",
    ]  # fmt: skip
    findings = [(f["line"], f["rule"], f["severity"], f["message"]) for f in json.loads(pmops("lint", "--json").stdout)
                if "value" in f["rule"]]  # fmt: skip
    assert findings == [(4, "metric-value-missing", "warning", "no value on 2026-11-16: counted as no value that day")]


def test_every_way_a_sheet_says_no_value_is_no_value_that_day(pmops, sync_kb: Path) -> None:
    # n/a, NA, N/A, -, —, none, null, as the empty cell: 16 Nov (line 4) and six added days (lines 6 to 11)
    # have no value. The values left are 99.4 (28 Sep), 99.3 (9 Nov), 99.6 (23 Nov): met on 23 Nov, as above.
    path = sync_kb / "metrics" / "met-syn.csv"
    path.write_text(VALUES.replace("2026-11-16,99.7", "2026-11-16,n/a")
                    + "2026-10-05,NA\n2026-10-12,N/A\n2026-10-19,-\n2026-10-26,—\n2026-11-02, None \n2026-11-30,NULL\n")  # fmt: skip
    git(sync_kb, "commit", "-qam", "placeholders")
    found = json.loads(pmops("decision", "review", "--today", TODAY, "--json").stdout)[0]["verdicts"][0]
    assert (found["verdict"], found["before"], found["after"]) == (
        "met", {"date": "2026-09-28", "value": 99.4}, {"date": "2026-11-23", "value": 99.6})  # fmt: skip
    shown = json.loads(pmops("metric", "show", "Sync success", "--today", TODAY, "--json").stdout)
    assert shown["no_value_on"] == ["2026-11-16", "2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26",
                                    "2026-11-02", "2026-11-30"]  # fmt: skip
    assert [v["date"] for v in shown["values"]] == ["2026-09-28", "2026-11-09", "2026-11-23"]
    findings = [(f["line"], f["rule"]) for f in json.loads(pmops("lint", "--json").stdout) if "value" in f["rule"]]
    assert findings == [(n, "metric-value-missing") for n in (4, 6, 7, 8, 9, 10, 11)]


# Line 2 as pmops writes it; lines 3 and 4 as people write them (read, with a warning); line 5 a decimal
# comma and line 6 a date of two readings (5 Nov or 11 May): left out, never guessed, the other rows read.
WRITTEN = 'date,value\n2026-09-28,99.4\n16 Nov 2026,99.7%\n"Nov 23, 2026",99.6\n2026-11-09,"99,3"\n05/11/2026,99.2\n'


def test_one_row_that_cannot_be_read_is_left_out_and_the_others_count(pmops, sync_kb: Path) -> None:
    path = sync_kb / "metrics" / "met-syn.csv"
    path.write_text(WRITTEN)
    git(sync_kb, "commit", "-qam", "as typed")
    # Worked out by hand: before 1 Oct, 99.4 (28 Sep); after it, 16 Nov's 99.7 is the first at 99.5 or more.
    found = json.loads(pmops("decision", "review", "--today", TODAY, "--json").stdout)[0]["verdicts"][0]
    assert (found["verdict"], found["before"], found["after"]) == (
        "met", {"date": "2026-09-28", "value": 99.4}, {"date": "2026-11-16", "value": 99.7})  # fmt: skip
    shown = json.loads(pmops("metric", "show", "Sync success", "--today", TODAY, "--json").stdout)
    assert [(v["date"], v["value"]) for v in shown["values"]] == [
        ("2026-09-28", 99.4), ("2026-11-16", 99.7), ("2026-11-23", 99.6)]  # fmt: skip
    assert (shown["latest"], shown["status"]) == ({"date": "2026-11-23", "value": 99.6}, "on target")
    assert [(r["line"], r["fix"]) for r in shown["unreadable_rows"]] == [
        (5, "write 2026-11-09,99.3"), (6, "write 2026-11-05,99.2 or 2026-05-11,99.2")]  # fmt: skip
    text = pmops("metric", "show", "Sync success", "--today", TODAY).stdout
    assert "left out: line 5 (2026-11-09,99,3) cannot be read: write 2026-11-09,99.3 (pmops lint says why)" in text
    result = pmops("lint", "--json", code=1)  # the rows left out are errors: a value is not counted
    findings = [(f["line"], f["rule"], f["severity"], f["message"], f["hint"]) for f in json.loads(result.stdout)
                if "value" in f["rule"]]  # fmt: skip
    assert findings == [
        (3, "metric-value-format", "warning", "'16 Nov 2026,99.7%' is read as 2026-11-16,99.7", "write 2026-11-16,99.7"),
        (4, "metric-value-format", "warning", "'Nov 23, 2026,99.6' is read as 2026-11-23,99.6", "write 2026-11-23,99.6"),
        (5, "metric-value-invalid", "error", "'99,3' is not a number: write 99.3 (a decimal point; a comma only groups "
         "thousands, as in 5,000): this row is left out", "write 2026-11-09,99.3"),
        (6, "metric-value-invalid", "error", "'05/11/2026' is ambiguous: 2026-11-05 (day first) or 2026-05-11 (month "
         "first): this row is left out", "write 2026-11-05,99.2 or 2026-05-11,99.2"),
    ]  # fmt: skip
    # The digest: the met expectation stays, and the rows left out are said in one line and counted.
    text = pmops("digest", "--since", "2026-11-02", "--today", TODAY).stdout
    assert "- Expectations: 1 met." in text
    assert "- Metrics: 1 crossed its target, 1 stale, 2 unreadable rows left out." in text
    from tests.cli.test_digest import sections

    assert sections(text)["Metrics"][0] == (
        "Sync success: lines 5, 6 of met-syn.csv cannot be read: left out, the other values counted; line 5 "
        "(2026-11-09,99,3): write 2026-11-09,99.3; `pmops lint` names each")  # fmt: skip
    # metric record writes every row back: it refuses to while one cannot be read (nothing lost, nothing written).
    before = path.read_text()
    said = pmops("metric", "record", "Sync success", "99.8", "--date", "2026-11-30", code=2).stderr
    assert said.startswith("error: metrics/met-syn.csv:5: '99,3' is not a number") and path.read_text() == before
    # Fixed as lint says, every row is read as written.
    path.write_text("date,value\n2026-09-28,99.4\n2026-11-16,99.7\n2026-11-23,99.6\n2026-11-09,99.3\n2026-11-05,99.2\n")
    assert not [f for f in json.loads(pmops("lint", "--json").stdout) if "value" in f["rule"]]


def test_figures_as_people_write_them_in_a_metric_of_users(pmops, kb: Path) -> None:
    # Thousands grouped (quoted or not), with a space, a scale; a lower-case m (million or minutes?) is left out.
    (kb / "metrics" / "met-usr.md").write_text(
        "---\nid: met-usr\nname: Active users\ndefinition: d\nowner: Theo\nunit: users\ndirection: up\n---\n"
    )
    (kb / "metrics" / "met-usr.csv").write_text(
        'date,value\n2026-11-02,"1,234"\n2026-11-09,1,250\n2026-11-16,1 300\n2026-11-23,1.4k\n2026-11-30,2m\n'
    )
    shown = json.loads(pmops("metric", "show", "Active users", "--today", TODAY, "--json").stdout)
    assert [(v["date"], v["value"]) for v in shown["values"]] == [
        ("2026-11-02", 1234), ("2026-11-09", 1250), ("2026-11-16", 1300), ("2026-11-23", 1400)]  # fmt: skip
    assert [r["line"] for r in shown["unreadable_rows"]] == [6]
    hints = [(f["line"], f["hint"]) for f in json.loads(pmops("lint", "--json", code=1).stdout) if "value" in f["rule"]]
    assert hints == [(2, "write 2026-11-02,1234"), (3, "write 2026-11-09,1250"), (4, "write 2026-11-16,1300"),
                     (5, "write 2026-11-23,1400"),
                     (6, "write a number (2026-11-30,4210), or 2026-11-30, for no value that day")]  # fmt: skip
