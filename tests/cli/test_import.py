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
    [
        "R1",
        "2026-10-02",
        "Northwind",
        "enterprise",
        "approvals",
        "usability, confusion",
        "Approvals get stuck when my manager travels.",
    ],
    [
        "R2",
        "2026-10-03",
        "Cobalt Labs",
        "mid-market",
        "reporting",
        "reporting",
        "I rebuild the monthly report in a spreadsheet.",
    ],
    ["R3", "2026-13-40", "Verde Foods", "smb", "mobile", "mobile", "Receipt photos fail offline."],
    [
        "R4",
        "2026-10-05",
        "Atlas Freight",
        "enterprise",
        "cards",
        "security",
        "Call me on +1 415-555-0133 about card limits.",
    ],
    ["R5", "2026-10-06", "Quarry & Co", "smb", "billing", "pricing", "My card 4111 1111 1111 1111 was charged twice."],
]


def imported(pmops, csv_path: Path, *extra: str, code: int = 0) -> dict:
    return json.loads(pmops("insight", "import", str(csv_path), "--source", "survey", "--map",
                            "What could be better?=quote", *extra, "--json", code=code).stdout)  # fmt: skip


def test_import_maps_validates_flags_and_commits_once(pmops, kb: Path, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "survey.csv", ROWS)
    before = commit_count(kb)
    result = imported(pmops, source, code=1)  # some rows failed
    assert result["mapping"] == {"What could be better?": "quote", "Submitted At": "date", "Company": "customer",
                                 "Plan": "segment", "Product area": "area", "Labels": "tags", "Response ID": "key"}  # fmt: skip
    assert (result["rows"], result["imported"], result["already_imported"]) == (5, 4, 0)
    # Rows are numbered as a spreadsheet shows them: the header is row 1, R3 is row 4.
    assert [(f["row"], f["error"]) for f in result["failed"]] == [
        (4, "date: '2026-13-40' is not a date (YYYY-MM-DD, or e.g. 7 Nov 2026)")
    ]
    # The phone number and the card number were redacted, not written; said by row and field.
    assert result["redacted"] == [{"row": 5, "field": "quote", "kind": "phone", "count": 1},
                                  {"row": 6, "field": "quote", "kind": "card", "count": 1}]  # fmt: skip
    assert result["flagged"] == []
    assert commit_count(kb) == before + 1
    assert len(git(kb, "show", "--name-only", "--format=", "HEAD").split()) == 4
    listed = json.loads(pmops("insight", "list", "--json").stdout)
    assert sorted(i["customer"] for i in listed) == ["Atlas Freight", "Cobalt Labs", "Northwind", "Quarry & Co"]
    northwind = next(i for i in listed if i["customer"] == "Northwind")
    assert northwind["tags"] == ["usability", "confusion"] and northwind["source"] == "survey"
    assert northwind["title"] == "Approvals get stuck when my manager travels."
    assert northwind["source_key"] == "id:R1"
    # The same file again adds nothing; the fixed rows are imported on their own.
    again = imported(pmops, source, code=1)
    assert (again["imported"], again["already_imported"]) == (0, 4) and commit_count(kb) == before + 1
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


def test_a_surveys_open_question_becomes_the_quote_and_missing_columns_are_one_line(
    pmops, kb: Path, tmp_path: Path
) -> None:
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
    assert (
        "no column holds the insights' text"
        in pmops("insight", "import", str(numbers), "--source", "survey", code=2).stderr
    )
    assert commit_count(kb) == before + 1


def test_excel_exports_are_read_as_excel_writes_them(pmops, kb: Path, tmp_path: Path) -> None:
    """A `sep=;` first line names the delimiter; "Unicode text" is UTF-16 with tabs."""
    (tmp_path / "sep.csv").write_text("sep=;\nTitle;Channel;Notes\nSlow, very slow export;interview;Minutes\n")
    (tmp_path / "unicode.txt").write_bytes(
        "Title\tChannel\tNotes\r\nCafé search is slow\tsurvey\tMinutes\r\n".encode("utf-16")
    )
    for name, title in (("sep.csv", "Slow, very slow export"), ("unicode.txt", "Café search is slow")):
        result = json.loads(pmops("insight", "import", str(tmp_path / name), "--json").stdout)
        assert result["imported"] == 1 and result["mapping"] == {"Title": "title", "Channel": "source", "Notes": "body"}
        assert json.loads(pmops("show", result["ids"][0], "--json").stdout)["title"] == title
    assert csv.excel.delimiter == ","
    assert "is a folder" in pmops("insight", "import", str(tmp_path), code=2).stderr
    # Lines are the file's: the sep= line counts.
    (tmp_path / "open.csv").write_text('sep=;\nTitle;Channel\n"Never closed;survey\n')
    assert "opened on line 3 is never closed" in pmops("insight", "import", str(tmp_path / "open.csv"), code=2).stderr


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
    source = write_csv(
        tmp_path / "bad.csv",
        [[f"Row {n}", "survey", "2026-13-01"] for n in range(25)],
        header=["Title", "Channel", "Date"],
    )
    shown = pmops("insight", "import", str(source), code=1).stdout
    assert shown.count("is not a date") == 20 and "… and 5 more rows (--json lists every one)" in shown
    assert len(json.loads(pmops("insight", "import", str(source), "--json", code=1).stdout)["failed"]) == 25


def test_rows_without_a_key_column_are_keyed_by_content(pmops, kb: Path, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "plain.csv", [["Slow export", "interview", "Export takes minutes"]] * 2 + [
        ["Fast search", "survey", "Search is great"]], header=["Title", "Channel", "Notes"])  # fmt: skip
    result = json.loads(pmops("insight", "import", str(source), "--json").stdout)
    assert (result["imported"], result["already_imported"]) == (2, 0)  # the duplicate row is one insight
    assert result["duplicates"] == [{"row": 3, "same_as": 2}]  # said by its row, not taken for one imported before
    assert json.loads(pmops("insight", "import", str(source), "--json").stdout)["imported"] == 0


def test_a_large_import_is_one_commit_and_searchable(pmops, kb: Path, tmp_path: Path) -> None:
    rows = [[f"R{i}", "2026-09-01", f"Company {i % 50}", "smb", "mobile", "usability", f"Answer {i} about zebrafish"]
            for i in range(1200)]  # fmt: skip
    result = imported(pmops, write_csv(tmp_path / "big.csv", rows))
    assert result["imported"] == 1200
    assert len(git(kb, "show", "--name-only", "--format=", "HEAD").split()) == 1200
    assert git(kb, "status", "--porcelain") == ""
    assert len(json.loads(pmops("search", "zebrafish", "--limit", "2000", "--json").stdout)) == 1200


def test_a_ragged_row_is_an_error_naming_its_spreadsheet_row(pmops, kb: Path, tmp_path: Path) -> None:
    """A delimiter inside a cell without quotes moves every cell after it: a tag landed in
    `author`, a semicolon file's last value was dropped. Such a row, or one short of cells, is
    refused by the row a spreadsheet shows (the header is row 1, blank rows count)."""
    comma = tmp_path / "comma.csv"
    comma.write_text("Title,Channel,Labels,Captured by\n"
                     "Export is slow,interview,usability,Maya\n"
                     "\n"
                     "Search misses,survey,usability, confusion,Maya\n"
                     "Short row,survey\n")  # fmt: skip
    before = commit_count(kb)
    result = json.loads(pmops("insight", "import", str(comma), "--json", code=1).stdout)
    assert (result["rows"], result["imported"]) == (3, 1)
    assert result["failed"] == [
        {"row": 4, "error": "5 cells for 4 columns: a comma inside a cell without quotes moves the cells after it "
                            "(quote that cell, or --allow-ragged drops the cells past the last column)"},
        {"row": 5, "error": "2 cells for 4 columns: no cell for Labels, Captured by "
                            "(add them, or --allow-ragged leaves them empty)"},
    ]  # fmt: skip
    listed = json.loads(pmops("insight", "list", "--json").stdout)
    assert [(i["title"], i["author"]) for i in listed] == [("Export is slow", "Maya")]  # nothing of rows 4 and 5
    assert commit_count(kb) == before + 1
    semicolon = tmp_path / "semicolon.csv"
    semicolon.write_text(
        "Title;Channel;Notes\nSlow export;interview;Minutes\nCafé search;survey;Slow;and then it fails\n"
    )
    shown = pmops("insight", "import", str(semicolon), code=1).stdout
    assert "row 3: 4 cells for 3 columns: a semicolon inside a cell without quotes" in shown
    assert sorted(i["title"] for i in json.loads(pmops("insight", "list", "--json").stdout)) == [
        "Export is slow",
        "Slow export",
    ]


def test_allow_ragged_drops_and_lists_extra_cells_and_leaves_missing_ones_empty(
    pmops, kb: Path, tmp_path: Path
) -> None:
    source = tmp_path / "semicolon.csv"
    source.write_text("Title;Channel;Notes;Captured by\n"
                      "Café search is slow;survey;Minutes;Maya;and then it fails;mail jo@hooli.com\n"
                      "Short row;interview\n")  # fmt: skip
    result = json.loads(pmops("insight", "import", str(source), "--allow-ragged", "--json").stdout)
    assert (result["imported"], result["failed"]) == (2, [])
    assert result["ragged"] == [{"row": 2, "dropped": ["and then it fails", "mail [email redacted]"], "missing": []},
                                {"row": 3, "dropped": [], "missing": ["Notes", "Captured by"]}]  # fmt: skip
    shown = {i["title"]: i for i in json.loads(pmops("insight", "list", "--json").stdout)}
    assert shown["Café search is slow"]["author"] == "Maya" and shown["Short row"]["author"] == "Test PM"  # the default
    assert json.loads(pmops("show", shown["Café search is slow"]["id"], "--json").stdout)["body"] == "Minutes\n"
    again = pmops("insight", "import", str(tmp_path / "semicolon.csv"), "--allow-ragged", "--dry-run").stdout
    assert "2 rows: would import 0, already imported 2, failed 0" in again
    (tmp_path / "more.csv").write_text("Title;Channel;Notes\nNew one;survey;x;extra\n")
    shown = pmops("insight", "import", str(tmp_path / "more.csv"), "--allow-ragged").stdout
    assert "row 2: 1 cell past the last column dropped: 'extra'" in shown


def test_dates_as_people_write_them_and_ambiguous_ones_refused(pmops, kb: Path, tmp_path: Path) -> None:
    source = tmp_path / "dates.csv"
    source.write_text('Title,Channel,Date\nA,survey,2026/11/07\nB,survey,7 Nov 2026\nC,survey,"Nov 5, 2026"\n'
                      "D,survey,2026-11-05T14:03:00Z\nE,survey,15/11/2026\nF,survey,05/11/2026\nG,survey,Nov 2026\n")  # fmt: skip
    result = json.loads(pmops("insight", "import", str(source), "--json", code=1).stdout)
    assert result["failed"] == [
        {"row": 7, "error": "date: '05/11/2026' is ambiguous: 2026-11-05 (day first) or 2026-05-11 (month first) "
                            "(say which with --date-format DMY or --date-format MDY)"},
        {"row": 8, "error": "date: 'Nov 2026' is not a whole date: give the day, the month and the year"},
    ]  # fmt: skip

    def dates() -> dict[str, str]:
        return {i["title"]: i["date"] for i in json.loads(pmops("insight", "list", "--json").stdout)}

    assert dates() == {"A": "2026-11-07", "B": "2026-11-07", "C": "2026-11-05", "D": "2026-11-05", "E": "2026-11-15"}
    assert (
        json.loads(pmops("insight", "import", str(source), "--date-format", "%d/%m/%Y", "--json", code=1).stdout)[
            "imported"
        ]
        == 1
    )
    assert dates()["F"] == "2026-11-05"
    (tmp_path / "us.csv").write_text("Title,Channel,Date\nH,survey,05/11/2026\nI,survey,12/25/2025\n")
    pmops("insight", "import", str(tmp_path / "us.csv"), "--date-format", "mdy")
    assert (dates()["H"], dates()["I"]) == (
        "2026-05-11",
        "2025-12-25",
    )  # a year past: an insight is never dated after today
    (tmp_path / "uk.csv").write_text("Title,Channel,Date\nJ,survey,12/25/2026\n")
    failed = json.loads(
        pmops("insight", "import", str(tmp_path / "uk.csv"), "--date-format", "DMY", "--json", code=1).stdout
    )["failed"]
    assert failed == [
        {"row": 2, "error": "date: '12/25/2026' is not a date in DMY order (YYYY-MM-DD, or e.g. 7 Nov 2026)"}
    ]
    before = commit_count(kb)
    bad = pmops("insight", "import", str(tmp_path / "uk.csv"), "--date-format", "DDMM", code=2).stderr
    assert (
        bad.splitlines()[0]
        == "error: --date-format: 'DDMM' is not a date format: give DMY, MDY or YMD, or a pattern such as %d/%m/%Y"
    )
    assert commit_count(kb) == before and "J" not in dates()


def test_personal_data_is_redacted_in_what_is_written_and_said_by_row_and_field(
    pmops, kb: Path, tmp_path: Path
) -> None:
    secrets = ("p.smith@hooli.com", "415-555-0133", "4111 1111 1111 1111", "jo@initech.com")
    source = write_csv(tmp_path / "tickets.csv", [
        ["T-1", "2026-11-02", "Hooli", "Mail p.smith@hooli.com or call +1 415-555-0133 about limits.",
         "Card 4111 1111 1111 1111 was charged twice."],
        ["T-2", "2026-11-03", "Initech", "Exports are slow.", ""],
    ], header=["Ticket ID", "Created", "Company", "Comment", "Notes"])  # fmt: skip
    result = json.loads(pmops("insight", "import", str(source), "--source", "support-ticket", "--json").stdout)
    assert result["imported"] == 2 and result["flagged"] == []
    assert result["redacted"] == [{"row": 2, "field": "quote", "kind": "email", "count": 1},
                                  {"row": 2, "field": "quote", "kind": "phone", "count": 1},
                                  {"row": 2, "field": "body", "kind": "card", "count": 1}]  # fmt: skip
    written = json.loads(pmops("show", result["ids"][0], "--json").stdout)
    assert written["quote"] == "Mail [email redacted] or call [phone redacted] about limits."
    assert written["title"] == written["quote"]
    assert "Card [card number redacted] was charged twice." in written["body"]
    history = git(kb, "log", "-p")
    assert not [s for s in secrets if s in history]
    assert json.loads(pmops("lint", "--json").stdout) == []
    # The output says where, never what: not even masked.
    (tmp_path / "more.csv").write_text("Ticket ID,Company,Comment\nT-3,Initech,Write to jo@initech.com please\n")
    shown = pmops("insight", "import", str(tmp_path / "more.csv"), "--source", "survey").stdout
    assert "row 2: quote: 1 email address redacted" in shown and "initech.com" not in shown and "j***" not in shown


def test_keep_pii_keeps_emails_and_phones_but_never_a_card_number(pmops, kb: Path, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "tickets.csv", [
        ["T-1", "Hooli", "Mail p.smith@hooli.com about limits."],
        ["T-2", "Initech", "Card 4111 1111 1111 1111 was charged twice."],
    ], header=["Ticket ID", "Company", "Comment"])  # fmt: skip
    result = json.loads(
        pmops("insight", "import", str(source), "--source", "survey", "--keep-pii", "--json", code=1).stdout
    )
    assert result["imported"] == 1 and result["redacted"] == []
    assert result["flagged"] == [{"row": 2, "warning": "pii-email: p***@hooli.com in quote"}]
    assert result["failed"] == [{"row": 3, "error": "quote: contains a payment card number (**** **** **** 1111); "
                                                    "pmops never writes one, even with --keep-pii"}]  # fmt: skip
    assert (
        json.loads(pmops("show", result["ids"][0], "--json").stdout)["quote"] == "Mail p.smith@hooli.com about limits."
    )
    assert "4111" not in git(kb, "log", "-p")


def test_a_key_column_of_emails_is_kept_as_a_hash(pmops, kb: Path, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "survey.csv", [["jo@initech.com", "Exports are slow."]], header=["Respondent", "Comment"]
    )
    result = json.loads(
        pmops("insight", "import", str(source), "--source", "survey", "--map", "Respondent=key", "--json").stdout
    )
    key = json.loads(pmops("show", result["ids"][0], "--json").stdout)["source_key"]
    assert key.startswith("sha1:") and "initech" not in git(kb, "log", "-p")
    assert (
        json.loads(
            pmops("insight", "import", str(source), "--source", "survey", "--map", "Respondent=key", "--json").stdout
        )["imported"]
        == 0
    )


def test_lint_reports_one_row_imported_twice(pmops, kb: Path, tmp_path: Path) -> None:
    """Two clones that each imported a file, then synced; or a file copied by hand."""
    result = imported(pmops, write_csv(tmp_path / "survey.csv", ROWS[:2]))
    assert json.loads(pmops("lint", "--json").stdout) == []
    first = json.loads(pmops("show", result["ids"][0], "--json").stdout)["path"]
    copy = kb / "insights" / "zz-copy.md"  # listed after the first
    copy.write_text((kb / first).read_text().replace(f"id: {result['ids'][0]}", "id: ins-261130-zzzz"))
    findings = json.loads(pmops("lint", "--json", code=1).stdout)
    assert [(f["path"], f["rule"], f["severity"], f["message"]) for f in findings] == [
        ("insights/zz-copy.md", "source-key-duplicate", "error",
         f"source_key 'id:R1' is also in {first}: one row imported twice")]  # fmt: skip
    assert findings[0]["hint"] == "keep the one other documents cite, delete the other (git rm insights/zz-copy.md)"
