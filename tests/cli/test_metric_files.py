"""Metric CSVs as spreadsheets save them (a BOM, CRLF, ';' with decimal commas, a notes column, quotes,
a line of spaces), values no % metric can have, and a metric's document moved without its values. Every
expected value below was worked out by hand from the rows written here (today is 2026-12-02)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git

TODAY = "2026-12-02"
SECTIONS = "".join(f"## {s}\n\nText.\n\n" for s in ("Context", "Options considered", "Decision", "Consequences"))


@pytest.fixture
def sync_kb(kb: Path) -> Path:
    """Sync success (%, weekly, target 99.5), and a decision of 1 Oct expecting it up to 99.5 by 31 Dec."""
    (kb / "metrics" / "met-syn.md").write_text(
        "---\nid: met-syn\nname: Sync success\ndefinition: d\nowner: Theo\nunit: '%'\ndirection: up\n"
        "target: 99.5\ncadence: weekly\n---\n## How it is measured\n"
    )
    (kb / "decisions" / "dec-syn.md").write_text(
        "---\nid: dec-syn\ntitle: Retry syncs\ndate: 2026-10-01\nstatus: accepted\n"
        f"expects:\n- {{metric: met-syn, direction: up, target: 99.5}}\nreview_date: 2026-12-31\n---\n{SECTIONS}"
    )
    return kb


def commit(kb: Path, values: bytes, name: str = "met-syn.csv") -> Path:
    """The metric's values file written and committed, as a user's own edit is."""
    path = kb / "metrics" / name
    path.write_bytes(values)
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "values")
    return path


def verdict(pmops) -> tuple:
    found = json.loads(pmops("decision", "review", "--today", TODAY, "--json").stdout)[0]["verdicts"][0]
    return found["verdict"], found["before"], found["after"]


# Before 1 Oct: 99.4 (28 Sep). After it, 16 Nov's 99.7 is the first at 99.5 or more: met on 16 Nov.
MET = ("met", {"date": "2026-09-28", "value": 99.4}, {"date": "2026-11-16", "value": 99.7})


def test_a_european_export_is_read_with_its_decimal_commas(pmops, sync_kb: Path) -> None:
    # Excel in a French or German locale: ';' between the cells, so the comma is the decimal mark.
    commit(sync_kb, b"date;value\n2026-09-28;99,4\n2026-11-09;99,3\n2026-11-16;99,7\n2026-11-23;99,6\n")
    assert verdict(pmops) == MET
    shown = json.loads(pmops("metric", "show", "Sync success", "--today", TODAY, "--json").stdout)
    assert [(v["date"], v["value"]) for v in shown["values"]] == [
        ("2026-09-28", 99.4), ("2026-11-09", 99.3), ("2026-11-16", 99.7), ("2026-11-23", 99.6)]  # fmt: skip
    assert not [f for f in json.loads(pmops("lint", "--json").stdout) if "value" in f["rule"]]
    # metric record writes the new day in the file's own way: ';' and a decimal comma.
    pmops("metric", "record", "Sync success", "99.8", "--date", "2026-11-30")
    assert (sync_kb / "metrics" / "met-syn.csv").read_bytes() == (
        b"date;value\n2026-09-28;99,4\n2026-11-09;99,3\n2026-11-16;99,7\n2026-11-23;99,6\n2026-11-30;99,8\n"
    )
    # An empty file gets its header, as a new one does.
    commit(sync_kb, b"")
    pmops("metric", "record", "Sync success", "99.8", "--date", "2026-11-30")
    assert (sync_kb / "metrics" / "met-syn.csv").read_bytes() == b"date,value\n2026-11-30,99.8\n"
    # A tab-separated paste from a sheet is read too.
    commit(sync_kb, b"date\tvalue\n2026-09-28\t99.4\n2026-11-16\t99.7\n")
    assert verdict(pmops) == MET


def test_a_file_no_row_of_which_can_be_read_is_said_so(pmops, sync_kb: Path) -> None:
    # A separator pmops does not read ('|'): lines 1 to 5 cannot be read, so there is no value at all.
    commit(sync_kb, b"date|value\n2026-09-28|99.4\n2026-11-09|99.3\n2026-11-16|99.7\n2026-11-23|99.6\n")
    said = pmops("decision", "review", "--today", TODAY).stdout
    assert "Sync success up to 99.5%: its values cannot be read: lines 1–5 of met-syn.csv" in said
    text = pmops("digest", "--since", "2026-11-02", "--today", TODAY).stdout
    assert "Sync success: lines 1–5 of met-syn.csv cannot be read: left out, none of its values counted" in " ".join(
        text.split()
    )
    assert "the other values counted" not in text


def test_excel_csv_utf8_with_a_bom_and_crlf_is_read_and_kept(pmops, sync_kb: Path) -> None:
    path = commit(sync_kb, b"\xef\xbb\xbfdate,value\r\n2026-09-28,99.4\r\n2026-11-09,99.3\r\n2026-11-16,99.7\r\n")
    assert verdict(pmops) == MET
    assert not [f for f in json.loads(pmops("lint", "--json").stdout) if "value" in f["rule"]]
    pmops("metric", "record", "Sync success", "99.6", "--date", "2026-11-23")
    # One line added, the BOM and every CRLF kept: the commit is that one line.
    assert path.read_bytes() == (
        b"\xef\xbb\xbfdate,value\r\n2026-09-28,99.4\r\n2026-11-09,99.3\r\n2026-11-16,99.7\r\n2026-11-23,99.6\r\n"
    )
    assert git(sync_kb, "show", "--numstat", "--format=", "HEAD").split()[:2] == ["1", "0"]


def test_a_notes_column_and_quotes_are_read_and_kept(pmops, sync_kb: Path) -> None:
    # The value is the second column; a note (quoted with its comma, or not) is kept, never read.
    path = commit(sync_kb, b'date,value,note\n2026-09-28,99.4\n2026-11-09,99.3,"outage, 2h"\n'
                           b"   \n2026-11-16,99.7,launch week\n")  # fmt: skip
    assert verdict(pmops) == MET
    shown = json.loads(pmops("metric", "show", "Sync success", "--today", TODAY, "--json").stdout)
    assert [(v["date"], v["value"]) for v in shown["values"]] == [
        ("2026-09-28", 99.4), ("2026-11-09", 99.3), ("2026-11-16", 99.7)]  # fmt: skip
    assert "unreadable_rows" not in shown  # the line of spaces is skipped, as a blank line is
    assert not [f for f in json.loads(pmops("lint", "--json").stdout) if "value" in f["rule"]]
    # A day recorded again keeps its note; a new day gets an empty one.
    pmops("metric", "record", "Sync success", "99.1", "--date", "2026-11-09")
    pmops("metric", "record", "Sync success", "99.6", "--date", "2026-11-23")
    pmops("metric", "record", "Sync success", "99.5", "--date", "2026-09-28")  # a row without its note cell
    assert path.read_text() == (
        'date,value,note\n2026-09-28,99.5,\n2026-11-09,99.1,"outage, 2h"\n2026-11-16,99.7,launch week\n'
        "2026-11-23,99.6,\n"
    )


def test_a_percentage_takes_no_value_above_100_and_a_ratio_is_flagged(pmops, sync_kb: Path) -> None:
    path = commit(sync_kb, b"date,value\n2026-09-28,99.4\n2026-11-16,99.7\n")
    before = path.read_bytes()
    said = pmops("metric", "record", "Sync success", "150", "--date", "2026-11-30", code=2).stderr
    assert said.startswith("error: VALUE: 150 is above 100%, and the metric is a percentage: at most 100")
    said = pmops("metric", "record", "--date", "2026-11-30", "--", "Sync success", "-1", code=2).stderr
    assert said.startswith("error: VALUE: -1 is below 0%, and the metric is a percentage: 0 or more")
    assert path.read_bytes() == before
    # A ratio after values of tens: recorded, with a warning saying what it likely means.
    result = pmops("metric", "record", "Sync success", "0.995", "--date", "2026-11-30")
    assert "warning: 0.995: a ratio? the metric is a percentage (the value before: 99.7): write 99.5" in result.stderr
    # Lint reads a hand-kept file by the same rule, in date order: 0.995 after 99.7 is a ratio (line 4);
    # 150 after 99.4, 99.7 and 0.995, none above 100, is no percentage (line 5).
    path.write_text("date,value\n2026-09-28,99.4\n2026-11-16,99.7\n2026-11-30,0.995\n2026-12-01,150\n")
    findings = [(f["line"], f["rule"], f["message"]) for f in json.loads(pmops("lint", "--json").stdout)
                if "value" in f["rule"]]  # fmt: skip
    assert findings == [
        (4, "metric-value-range", "2026-11-30: 0.995: a ratio? the metric is a percentage (the value before: 99.7): "
         "write 99.5"),
        (5, "metric-value-range", "2026-12-01: 150 is above 100%, and the metric is a percentage: at most 100"),
    ]  # fmt: skip
    # metric show counts them, and says each ('--json': doubtful).
    text = " ".join(pmops("metric", "show", "Sync success", "--today", TODAY).stdout.split())
    assert ("2026-11-30: 0.995: a ratio? the metric is a percentage (the value before: 99.7): write 99.5 "
            "(pmops lint: metric-value-range)") in text  # fmt: skip
    shown = json.loads(pmops("metric", "show", "Sync success", "--today", TODAY, "--json").stdout)
    assert [d["date"] for d in shown["doubtful"]] == ["2026-11-30", "2026-12-01"]
    assert "latest 150 % on 2026-12-01 target 99.5 %: on target (a doubtful value)" in text
    # A growth rate in % that was above 100 before may be again (the rule of decision add --expects).
    path.write_text("date,value\n2026-09-28,120\n2026-11-16,140\n")
    git(sync_kb, "commit", "-qam", "growth")
    pmops("metric", "record", "Sync success", "150", "--date", "2026-11-30")


def test_a_document_moved_without_its_values_still_reads_them(pmops, sync_kb: Path) -> None:
    commit(sync_kb, b"date,value\n2026-09-28,99.4\n2026-11-09,99.3\n2026-11-16,99.7\n")
    (sync_kb / "metrics" / "integrations").mkdir()
    git(sync_kb, "mv", "metrics/met-syn.md", "metrics/integrations/sync-rate.md")
    git(sync_kb, "commit", "-qm", "moved by hand")
    assert verdict(pmops) == MET
    findings = [(f["path"], f["rule"], f["hint"]) for f in json.loads(pmops("lint", "--json").stdout)
                if f["rule"] == "values-orphaned"]  # fmt: skip
    assert findings == [
        ("metrics/met-syn.csv", "values-orphaned", "its document met-syn is at metrics/integrations/sync-rate.md "
         "(its values read from here meanwhile): git mv metrics/met-syn.csv metrics/integrations/sync-rate.csv: "
         "the values follow their document's name"),
    ]  # fmt: skip
    # Its document gone: the hint restores it first, and only then speaks of git rm.
    git(sync_kb, "rm", "-q", "metrics/integrations/sync-rate.md")
    git(sync_kb, "commit", "-qm", "removed by hand")
    hint = next(f["hint"] for f in json.loads(pmops("lint", "--json", code=None).stdout)
                if f["rule"] == "values-orphaned")  # fmt: skip
    assert hint.startswith("its document (met-syn) is gone: restore it beside its values")
    assert hint.index("restore") < hint.index("git rm")


@pytest.fixture
def users_kb(kb: Path) -> Path:
    """Weekly active approvers (users, up, target 5000)."""
    (kb / "metrics" / "met-waa.md").write_text(
        "---\nid: met-waa\nname: Approvers\ndefinition: d\nowner: Theo\nunit: users\ndirection: up\n"
        "target: 5000\ncadence: weekly\n---\n## How it is measured\n"
    )
    return kb


def values_of(pmops, name: str) -> list[tuple[str, float]]:
    shown = json.loads(pmops("metric", "show", name, "--today", TODAY, "--json").stdout)
    return [(v["date"], v["value"]) for v in shown["values"]]


def test_a_dot_groups_thousands_where_the_comma_is_the_decimal_mark(pmops, users_kb: Path) -> None:
    # Excel in German writes 4.638 for four thousand six hundred thirty-eight: every dotted value of the file
    # is in groups of three, so the dot groups thousands.
    path = commit(users_kb, b"date;value\n2026-11-16;4.492\n2026-11-23;4.638\n", "met-waa.csv")
    assert values_of(pmops, "Approvers") == [("2026-11-16", 4492), ("2026-11-23", 4638)]
    # A decimal comma anywhere in the file settles it too: 1.234 beside 4,5 is 1234.
    path.write_text("date;value\n2026-11-16;4,5\n2026-11-23;1.234\n")
    assert values_of(pmops, "Approvers") == [("2026-11-16", 4.5), ("2026-11-23", 1234)]
    # Beside 97.3 (a decimal dot), 4.638 reads two ways: left out, never guessed, and the hint is in the
    # file's own separator and decimal mark.
    path.write_text("date;value\n2026-11-16;97.3\n2026-11-23;4.638\n")
    assert values_of(pmops, "Approvers") == [("2026-11-16", 97.3)]
    found = [(f["line"], f["rule"], f["message"], f["hint"]) for f in json.loads(pmops("lint", "--json", code=1).stdout)
             if "value" in f["rule"]]  # fmt: skip
    assert found == [(3, "metric-value-invalid", "'2026-11-23;4.638' reads two ways: 4,638 or 4638: this row is "
                      "left out", "write 2026-11-23;4,638 or 2026-11-23;4638")]  # fmt: skip


def test_a_tab_paste_with_decimal_commas_is_read_and_written_back(pmops, sync_kb: Path) -> None:
    # A paste from a European sheet: tabs and decimal commas, CRLF. The comma is the decimal mark, as with ';'.
    path = commit(sync_kb, b"Date\tValue\tNotes\r\n2026-09-28\t99,4\t\r\n2026-11-09\t99,3\tx\r\n2026-11-16\t99,7\t\r\n")
    assert verdict(pmops) == MET
    pmops("metric", "record", "Sync success", "99.8", "--date", "2026-11-30")
    assert path.read_bytes().endswith(b"2026-11-16\t99,7\t\r\n2026-11-30\t99,8\t\r\n")


def test_dates_re_saved_by_a_spreadsheet_are_read_in_the_files_own_order(pmops, sync_kb: Path) -> None:
    # Excel FR writes dd/mm/yyyy: 28/09 settles the order for the whole file, so 09/11/2026 is 9 November.
    path = commit(sync_kb, b"date;value\n28/09/2026;99,4\n09/11/2026;99,3\n16/11/2026;99,7\n")
    assert verdict(pmops) == MET
    hints = [(f["line"], f["rule"], f["hint"]) for f in json.loads(pmops("lint", "--json").stdout)
             if "value" in f["rule"]]  # fmt: skip
    assert hints == [(2, "metric-value-format", "write 2026-09-28;99,4"), (3, "metric-value-format",
                     "write 2026-11-09;99,3"), (4, "metric-value-format", "write 2026-11-16;99,7")]  # fmt: skip
    messages = [f["message"] for f in json.loads(pmops("lint", "--json").stdout) if "value" in f["rule"]]
    assert messages[1] == "'09/11/2026;99,3' is read as 2026-11-09;99,3"  # the row as written in the file
    pmops("metric", "record", "Sync success", "99.8", "--date", "2026-11-30")
    assert path.read_bytes().endswith(b"16/11/2026;99,7\n2026-11-30;99,8\n")
    # Excel US writes m/d/yyyy: 11/16/2026 settles it, 11/09/2026 is 9 November.
    commit(sync_kb, b"date,value\n09/28/2026,99.4\n11/09/2026,99.3\n11/16/2026,99.7\n")
    assert values_of(pmops, "Sync success") == [("2026-09-28", 99.4), ("2026-11-09", 99.3), ("2026-11-16", 99.7)]
    # Nothing settles 01/12/2026 alone: two readings, said in the file's own form.
    commit(sync_kb, b"date;value\n01/12/2026;97,2\n")
    hints = [f["hint"] for f in json.loads(pmops("lint", "--json", code=1).stdout) if "value" in f["rule"]]
    assert hints == ["write 2026-12-01;97,2 or 2026-01-12;97,2"]


def test_a_days_value_replaced_is_said(pmops, sync_kb: Path) -> None:
    # A wrong --date overwrites a real value: metric record says which (git keeps it, in its commit message too).
    path = commit(sync_kb, b'date;value;note\n2026-11-09;99,3;"outage; 2h"\n2026-11-16;99,7;\n')
    said = pmops("metric", "record", "Sync success", "99.1", "--date", "2026-11-09").stdout
    assert said.strip() == "Sync success: 99.1 on 2026-11-09 (replaced 99.3)"
    assert path.read_bytes() == b'date;value;note\n2026-11-09;99,1;"outage; 2h"\n2026-11-16;99,7;\n'
    assert "(replaced 99.3)" in git(sync_kb, "log", "-1", "--format=%s")
    # A new day replaces nothing, and says nothing of it.
    said = pmops("metric", "record", "Sync success", "99.6", "--date", "2026-11-23").stdout
    assert said.strip() == "Sync success: 99.6 on 2026-11-23"


def test_a_file_most_rows_of_which_cannot_be_read_gives_no_verdict_from_the_few(pmops, sync_kb: Path) -> None:
    # Decimal commas in a comma file: 3 rows of 4 cannot be read; the one read (99 on 5 Oct) says nothing of
    # the metric — no verdict, no 'stale since 5 Oct' from it.
    commit(sync_kb, b"date,value\n2026-09-28,99,4\n2026-10-05,99\n2026-11-09,99,3\n2026-11-16,99,7\n")
    found = json.loads(pmops("decision", "review", "--today", TODAY, "--json").stdout)[0]["verdicts"][0]
    assert (found["verdict"], found["before"], found["after"]) == ("too early", None, None)
    assert "its values cannot be read: lines 2, 4, 5 of met-syn.csv (of 4 rows)" in found["why"]
    text = " ".join(pmops("digest", "--since", "2026-11-02", "--today", TODAY).stdout.split())
    assert "Sync success: lines 2, 4, 5 of met-syn.csv cannot be read: left out, none of its values counted" in text
    assert "Stale" not in text
    shown = " ".join(pmops("metric", "show", "met-syn", "--today", TODAY).stdout.split())
    assert "values unreadable: 3 rows of 4 cannot be read" in shown
    assert "target" not in shown and "trend" not in shown and "stale" not in shown
    listed = pmops("metric", "list", "--format", "tsv", "--columns", "id,status").stdout
    assert "met-syn\tvalues unreadable" in listed


def test_a_value_on_the_command_line_is_read_as_the_file_reads_it(pmops, users_kb: Path) -> None:
    # 4,700 in the CSV is 4700; on the command line too. 99,9 is refused in both, with what to write.
    pmops("metric", "record", "Approvers", "4,700", "--date", "2026-11-30")
    assert values_of(pmops, "Approvers") == [("2026-11-30", 4700)]
    result = pmops("metric", "record", "Approvers", "99,9", "--date", "2026-11-30", code=2)
    assert result.stderr.startswith("error: VALUE: '99,9' is not a number: write 99.9")
    assert values_of(pmops, "Approvers") == [("2026-11-30", 4700)]


def test_a_tab_paste_from_a_us_sheet_keeps_its_thousands_and_decimal_dot(pmops, users_kb: Path) -> None:
    # The same tab paste from a US sheet: 97.3 has a decimal dot, so 4,492 groups thousands; metric record
    # writes a decimal dot back.
    path = commit(users_kb, b"date\tvalue\n2026-11-16\t4,492\n2026-11-23\t97.3\n", "met-waa.csv")
    assert values_of(pmops, "Approvers") == [("2026-11-16", 4492), ("2026-11-23", 97.3)]
    pmops("metric", "record", "Approvers", "98.5", "--date", "2026-11-30")
    assert path.read_text().endswith("2026-11-23\t97.3\n2026-11-30\t98.5\n")
    # Alone, 4,492 reads two ways in a tab paste (4.492 in Berlin, 4492 in Boston): left out, never guessed.
    path.write_text("date\tvalue\n2026-11-16\t4,492\n")
    hints = [f["hint"] for f in json.loads(pmops("lint", "--json", code=1).stdout) if "value" in f["rule"]]
    assert hints == ["write 2026-11-16\t4,492 or 2026-11-16\t4492"]


def test_a_small_count_jumping_tenfold_is_not_doubtful(pmops, users_kb: Path) -> None:
    # 1 then 12 users is how a new metric starts; 1,200 then 12,000 is a zero too many.
    pmops("metric", "record", "Approvers", "1", "--date", "2026-11-23")
    assert "warning" not in pmops("metric", "record", "Approvers", "12", "--date", "2026-11-30").stderr
    pmops("metric", "record", "Approvers", "1150", "--date", "2026-11-23")
    pmops("metric", "record", "Approvers", "1200", "--date", "2026-11-30")
    assert "a zero too many?" in pmops("metric", "record", "Approvers", "12000", "--date", "2026-12-01").stderr


def test_a_negative_value_says_how_to_give_it(pmops, users_kb: Path) -> None:
    said = pmops("metric", "record", "Approvers", "-5", code=2).stderr
    assert said.startswith("error: no such option: -5: a negative number is read as an option; write -- before")
    pmops("metric", "record", "--date", "2026-11-30", "--", "Approvers", "-5")
    assert values_of(pmops, "Approvers") == [("2026-11-30", -5)]
