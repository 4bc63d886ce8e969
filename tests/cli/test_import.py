"""`pmops insight import`: mapping, validation by row, PII, idempotence, one commit."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.conftest import commit_count, git

HEADER = ["Response ID", "Submitted At", "Company", "Plan", "Product area", "Labels", "What could be better?"]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


ROWS = [
    ["R1", "2026-10-02", "Northwind", "enterprise", "approvals", "usability, confusion", "Approvals get stuck when my manager travels."],
    ["R2", "2026-10-03", "Cobalt Labs", "mid-market", "reporting", "reporting", "I rebuild the monthly report in a spreadsheet."],
    ["R3", "2026-13-40", "Verde Foods", "smb", "mobile", "mobile", "Receipt photos fail offline."],
    ["R4", "2026-10-05", "Atlas Freight", "enterprise", "cards", "security", "Call me on +1 415-555-0133 about card limits."],
    ["R5", "2026-10-06", "Quarry & Co", "smb", "billing", "pricing", "My card 4111 1111 1111 1111 was charged twice."],
]


def imported(pmops, csv_path: Path, *extra: str, code: int = 0) -> dict:  # noqa: ANN001
    return json.loads(pmops("insight", "import", str(csv_path), "--source", "survey", "--map",
                            "What could be better?=quote", *extra, "--json", code=code).stdout)  # fmt: skip


def test_import_maps_validates_flags_and_commits_once(pmops, kb: Path, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "survey.csv", ROWS)
    before = commit_count(kb)
    result = imported(pmops, source, code=1)  # some rows failed
    assert result["mapping"] == {"What could be better?": "quote", "Submitted At": "date", "Company": "customer",
                                 "Plan": "segment", "Product area": "area", "Labels": "tags", "Response ID": "key"}  # fmt: skip
    assert (result["rows"], result["imported"], result["already_imported"]) == (5, 3, 0)
    failed = {f["row"]: f["error"] for f in result["failed"]}
    assert set(failed) == {3, 5}
    assert "date" in failed[3] and "card number" in failed[5] and "4111 1111" not in failed[5]
    assert [(f["row"], f["warning"].split(":")[0]) for f in result["flagged"]] == [(4, "pii-phone")]
    assert commit_count(kb) == before + 1
    assert len(git(kb, "show", "--name-only", "--format=", "HEAD").split()) == 3
    listed = json.loads(pmops("insight", "list", "--json").stdout)
    assert sorted(i["customer"] for i in listed) == ["Atlas Freight", "Cobalt Labs", "Northwind"]
    northwind = next(i for i in listed if i["customer"] == "Northwind")
    assert northwind["tags"] == ["usability", "confusion"] and northwind["source"] == "survey"
    assert northwind["title"] == "Approvals get stuck when my manager travels."
    assert northwind["source_key"] == "id:R1"
    # The same file again adds nothing; the fixed rows are imported on their own.
    again = imported(pmops, source, code=1)
    assert (again["imported"], again["already_imported"]) == (0, 3) and commit_count(kb) == before + 1
    ROWS_FIXED = [r[:] for r in ROWS[:4]]
    ROWS_FIXED[2][1] = "2026-10-04"
    fixed = imported(pmops, write_csv(tmp_path / "fixed.csv", ROWS_FIXED))
    assert (fixed["imported"], fixed["already_imported"]) == (1, 3)


def test_dry_run_writes_nothing_and_bad_usage_is_exit_2(pmops, kb: Path, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "survey.csv", ROWS[:2], delimiter=";")
    before = commit_count(kb)
    result = imported(pmops, source, "--dry-run")
    assert result["dry_run"] and result["imported"] == 2 and commit_count(kb) == before
    assert list((kb / "insights").glob("*.md")) == []
    assert "no column 'Nope'" in pmops("insight", "import", str(source), "--map", "Nope=quote", code=2).stderr
    assert "not an insight field" in pmops("insight", "import", str(source), "--map", "Plan=colour", code=2).stderr
    assert "no such file" in pmops("insight", "import", str(tmp_path / "missing.csv"), code=2).stderr
    (tmp_path / "empty.csv").write_text("")
    assert "empty" in pmops("insight", "import", str(tmp_path / "empty.csv"), code=2).stderr
    (tmp_path / "latin1.csv").write_bytes("title\nCaf\xe9\n".encode("latin-1"))
    assert "not UTF-8" in pmops("insight", "import", str(tmp_path / "latin1.csv"), code=2).stderr
    (tmp_path / "open.csv").write_text('Title,Channel\nFine,survey\n"Never closed,survey\nLast,survey\n')
    assert "opened on line 3 is never closed" in pmops("insight", "import", str(tmp_path / "open.csv"), code=2).stderr
    assert list((kb / "insights").glob("*.md")) == []


def test_a_surveys_open_question_becomes_the_quote_and_missing_columns_are_one_line(pmops, kb: Path, tmp_path: Path) -> None:
    """A survey tool's headers are its questions: the column of longest free text is the quote
    (said in the output). Without any text or any source, the file is refused up front."""
    source = write_csv(tmp_path / "survey.csv", [row[:5] + [row[6], "4"] for row in ROWS[:2]],
                       header=[*HEADER[:5], "Anything else?", "Score (1-5)"])  # fmt: skip
    before = commit_count(kb)
    no_source = pmops("insight", "import", str(source), code=2).stderr
    assert "no column gives the insights' source" in no_source and "--source" in no_source
    result = json.loads(pmops("insight", "import", str(source), "--source", "survey", "--json").stdout)
    assert result["guessed_quote"] == "Anything else?" and result["mapping"]["Anything else?"] == "quote"
    assert result["imported"] == 2 and "Score (1-5)" in result["ignored_columns"]
    shown = pmops("insight", "import", str(source), "--source", "survey").stdout
    assert "Anything else? → quote (the longest free text)" in shown
    numbers = write_csv(tmp_path / "numbers.csv", [["smb", "3"]], header=["Plan", "Score"])
    assert "no column holds the insights' text" in pmops("insight", "import", str(numbers), "--source", "survey", code=2).stderr
    assert commit_count(kb) == before + 1


def test_excel_exports_are_read_as_excel_writes_them(pmops, kb: Path, tmp_path: Path) -> None:
    """A `sep=;` first line names the delimiter; "Unicode text" is UTF-16 with tabs."""
    (tmp_path / "sep.csv").write_text("sep=;\nTitle;Channel;Notes\nSlow, very slow export;interview;Minutes\n")
    (tmp_path / "unicode.txt").write_bytes("Title\tChannel\tNotes\r\nCafé search is slow\tsurvey\tMinutes\r\n".encode("utf-16"))
    for name, title in (("sep.csv", "Slow, very slow export"), ("unicode.txt", "Café search is slow")):
        result = json.loads(pmops("insight", "import", str(tmp_path / name), "--json").stdout)
        assert result["imported"] == 1 and result["mapping"] == {"Title": "title", "Channel": "source", "Notes": "body"}
        assert json.loads(pmops("show", result["ids"][0], "--json").stdout)["title"] == title
    assert csv.excel.delimiter == ","
    assert "is a folder" in pmops("insight", "import", str(tmp_path), code=2).stderr


def test_an_import_stopped_before_its_commit_is_committed_by_the_next_one(pmops, kb: Path, tmp_path: Path) -> None:
    """Killed after writing its files, before the taxonomy and the commit: importing the file
    again commits those files (and their new tags) instead of counting them as done."""
    source = write_csv(tmp_path / "survey.csv", ROWS[:2])
    extra = ("--tag", "okapi-theme", "--new-tag")
    imported(pmops, source, *extra, "--no-commit")
    git(kb, "checkout", "--", "taxonomy.yaml")  # as if killed before it was written
    assert len(git(kb, "status", "--porcelain").splitlines()) == 2
    before = commit_count(kb)
    again = imported(pmops, source, *extra)
    assert (again["imported"], again["already_imported"], again["recovered"]) == (0, 2, 2)
    assert commit_count(kb) == before + 1 and git(kb, "status", "--porcelain") == ""
    assert "2 written by an earlier import that did not finish" in git(kb, "log", "-1", "--format=%s")
    assert "okapi-theme" in (kb / "taxonomy.yaml").read_text()
    assert json.loads(pmops("lint", "--json").stdout) == []
    assert imported(pmops, source, *extra)["recovered"] == 0 and commit_count(kb) == before + 1


def test_a_file_of_bad_rows_lists_twenty_and_counts_the_rest(pmops, kb: Path, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "bad.csv", [[f"Row {n}", "survey", "2026-13-01"] for n in range(25)], header=["Title", "Channel", "Date"])
    shown = pmops("insight", "import", str(source), code=1).stdout
    assert shown.count("is not a date") == 20 and "… and 5 more rows (--json lists every one)" in shown
    assert len(json.loads(pmops("insight", "import", str(source), "--json", code=1).stdout)["failed"]) == 25


def test_rows_without_a_key_column_are_keyed_by_content(pmops, kb: Path, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "plain.csv", [["Slow export", "interview", "Export takes minutes"]] * 2 + [
        ["Fast search", "survey", "Search is great"]], header=["Title", "Channel", "Notes"])  # fmt: skip
    result = json.loads(pmops("insight", "import", str(source), "--json").stdout)
    assert (result["imported"], result["already_imported"]) == (2, 1)  # the duplicate row is one insight
    assert json.loads(pmops("insight", "import", str(source), "--json").stdout)["imported"] == 0


def test_a_large_import_is_one_commit_and_searchable(pmops, kb: Path, tmp_path: Path) -> None:
    rows = [[f"R{i}", "2026-09-01", f"Company {i % 50}", "smb", "mobile", "usability", f"Answer {i} about zebrafish"]
            for i in range(1200)]  # fmt: skip
    result = imported(pmops, write_csv(tmp_path / "big.csv", rows))
    assert result["imported"] == 1200
    assert len(git(kb, "show", "--name-only", "--format=", "HEAD").split()) == 1200
    assert git(kb, "status", "--porcelain") == ""
    assert len(json.loads(pmops("search", "zebrafish", "--limit", "2000", "--json").stdout)) == 1200
