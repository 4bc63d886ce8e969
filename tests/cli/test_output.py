"""Output for people and for scripts: every listing keeps its columns at 80 characters, picks them with
--columns, prints csv, tsv or JSON with --format, and stops quietly when its reader goes away."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PMOPS

TODAY = "2026-12-02"
# Every listing printed as a table, with what it needs; the first column of each row names it.
TABLES = [
    ("insight", "list"), ("decision", "list"), ("process", "list", "--today", TODAY), ("tool", "list"),
    ("metric", "list", "--today", TODAY), ("tags",), ("tool", "compare", "Dovetail", "Condens", "Amplitude"),
    ("customer", "list"), ("tool", "renewals", "--today", TODAY), ("checklist", "status"),
    ("onboard", "status", "--today", TODAY),
    *(("list", name) for name in ("insight", "process", "checklist", "decision", "person", "onboarding", "tool",
                                  "metric")),
]  # fmt: skip


def csv_rows(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


@pytest.mark.parametrize("args", TABLES, ids=lambda a: " ".join(a[:2]))
def test_at_80_columns_every_listing_keeps_every_column(example_kb: Path, pmops, monkeypatch, args) -> None:
    rows = csv_rows(pmops(*args, "--format", "csv").stdout)
    header, body = rows[0], rows[1:]
    assert body, "the example KB has some of each"
    monkeypatch.setenv("COLUMNS", "80")
    table = pmops(*args).stdout
    assert all(line == line.rstrip() for line in table.splitlines()), "no line padded with spaces"
    # A must-pass criterion's column (csv: "sso (must pass)") is the criterion over "must" where a weight is.
    must = [name.removesuffix(" (must pass)") for name in header if name.endswith(" (must pass)")]
    header = [name for name in header if not name.endswith(" (must pass)")]
    if args[:2] == ("metric", "list"):  # csv only: a table says the unit in `latest` (99.6 %), staleness in `status`
        header = [name for name in header if name not in ("unit", "stale")]
    if args[:2] == (
        "tool",
        "renewals",
    ):  # csv only: a table says the seats in `used` (41 of 60), the owner under the tool
        header = [name for name in header if name not in ("seats", "owner")]
    lines = table.splitlines()
    counted = next(i for i, line in enumerate(lines) if re.fullmatch(r"\d+ [a-z ]+", line))  # "3 tools"
    assert max(len(line) for line in lines[:counted]) <= 80, table  # notes after it wrap as the terminal does
    first = lines[0] + "\n" + lines[1]  # a header may take two lines (a criterion and its weight)
    for name in header:
        assert name in first, f"no column {name!r} in:\n{table}"
    for name in must:
        assert re.search(rf"\b{name}\b", lines[0]) and re.search(r"\bmust\b", lines[1]), (
            f"no must-pass column {name!r} in:\n{table}"
        )
    for row in body:
        assert row[0] in table, f"no row {row[0]!r} in:\n{table}"
    if header[0] == "id" and {"title", "name"} & set(header):  # a row starts where its id is
        assert_titles_wrap_before_values_shorten(table, [[row[rows[0].index(name)] for name in header] for row in rows])


def test_on_a_terminal_no_line_ends_in_spaces(example_kb: Path) -> None:
    """A styled cell (an id's colour, a bold header) last on its line: its spaces go, as in a pipe; and a
    line wrapped at its words (a long path) does not end in the space it was wrapped at."""
    from tests.cli.test_prompts import Terminal

    code, shown = Terminal(example_kb, "list", "checklist", columns=80).finish()
    assert code == 0, shown
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in shown.split("\r\n")]
    assert "Mobile" in shown and any(line.startswith("                 ") for line in lines), shown  # a wrapped title
    assert all(line == line.rstrip() for line in lines), shown
    code, shown = Terminal(example_kb, "archive", "ins-260715-z6sy", columns=80).finish()
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in shown.split("\r\n")]
    assert code == 0 and lines[0].startswith("Archived insight ins-260715-z6sy →") and len(lines) > 2, shown
    # a path longer than the line is whole on its own line, never cut (it is what gets copied)
    assert all(line == line.rstrip() and (len(line) <= 80 or " " not in line) for line in lines), shown
    assert "insights/ins-260715-z6sy-dark-mode-requests-keep-coming-from-night-shift-teams.md" in lines, shown


def table_cells(table: str, names: list[str]) -> tuple[list[int], list[list[list[str]]]]:
    """A table's columns, found by their headers: where each starts, and each row's lines in each column."""
    lines = table.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("─"))
    starts, at = [], 0
    for name in names:
        found = re.compile(rf"(?<!\S){re.escape(name)}(?!\S)").search(lines[rule - 1], at)
        assert found, f"no header {name!r} in:\n{table}"
        starts.append(found.start())
        at = found.end()
    rows: list[list[list[str]]] = []
    for line in lines[rule + 1 :]:
        if re.fullmatch(r"\d+ [a-z ]+", line):
            break
        parts = [line[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
        if parts[0]:
            rows.append([[part] if part else [] for part in parts])
        else:
            for cell, part in zip(rows[-1], parts, strict=True):
                cell.extend([part] if part else [])
    return starts, rows


def assert_titles_wrap_before_values_shorten(table: str, rows: list[list[str]]) -> None:
    """A short value (a source, a segment, an area: 16 characters at most) keeps its whole width while the
    title (a type's name) can give it room: the title wraps, no narrower than its longest word (10 to 16
    characters). Values shortened with … are the ones that fit no other way. `rows`: the listing in csv,
    with the table's columns."""
    header, whole = rows[0], {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    _, cells = table_cells(table, header)
    title = header.index("title" if "title" in header else "name")
    used = max(len(line) for row in cells for line in row[title])
    words = max(len(word) for value in whole.values() for word in value[header[title]].split())
    narrowest = min(max(words, 10), 16)
    for row in cells:
        value = whole[row[0][0]]
        for i, cell in enumerate(row):
            short = len(value[header[i]]) <= 16  # a source, a segment, an area; not a list of tags
            if short and len(cell) == 1 and cell[0].endswith("…") and not value[header[i]].endswith("…"):
                missing = len(value[header[i]]) - len(cell[0])  # what it needs to be whole
                assert missing > used - narrowest, (
                    f"{value[header[i]]!r} shortened to {cell[0]!r} while the {header[title]} column ({used} wide) "
                    f"could wrap narrower:\n{table}"
                )


# Listings whose view for people is not a table (a search's snippets, a commit's files, a theme's quote): their
# columns in csv, and in a table with --columns, kept at 80 columns; their own view within 80 too.
VIEWS = [("search", "approvals"), ("log",), ("insight", "themes", "--today", TODAY)]


@pytest.mark.parametrize("args", VIEWS, ids=lambda a: " ".join(a[:2]))
def test_listings_with_a_view_of_their_own_take_format_and_columns(example_kb: Path, pmops, monkeypatch, args):
    header = csv_rows(pmops(*args, "--format", "csv").stdout)[0]
    unknown = pmops(*args, "--format", "csv", "--columns", "nothing", code=2).stderr
    names = unknown.split("hint: columns: ", 1)[1].strip().split(", ")  # every column, named by the error
    assert header == names[: len(header)]
    assert pmops(*args, "--format", "json").stdout == pmops(*args, "--json").stdout
    monkeypatch.setenv("COLUMNS", "80")
    for chosen in (header, names):
        table = pmops(*args, "--columns", ",".join(chosen)).stdout
        lines = table.splitlines()
        counted = next(
            i for i, line in enumerate(lines) if re.fullmatch(r"\d+ [a-z0-9 ]+", line)
        )  # 20 of at least 24 results
        assert max(len(line) for line in lines[:counted]) <= 80, table
    table = pmops(*args, "--columns", ",".join(header)).stdout
    for name in header:
        assert name in table.splitlines()[0], f"no column {name!r} in:\n{table}"
    view = pmops(*args).stdout
    assert view != table and all(line == line.rstrip() for line in view.splitlines())


def test_a_narrow_table_wraps_titles_and_shortens_values_never_dates_or_ids(example_kb: Path, pmops, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    table = pmops("insight", "list").stdout
    assert "Bookkeepers" in table and "accounts" in table  # the title wraps onto the next line
    assert "2026-11-19" in table and "ins-261119-8ys3" in table
    assert "feature-request" not in table and "…" in table  # tags shortened
    wide = pmops("insight", "list", "--columns", "id,tags").stdout  # room enough: nothing shortened
    assert "onboarding, permissions, feature-request" in wide and "…" not in wide


def test_the_narrow_table_in_the_docs_is_the_real_one(example_kb: Path, pmops, monkeypatch) -> None:
    docs = (Path(__file__).parents[2] / "docs" / "output.md").read_text(encoding="utf-8")
    shown = docs.split("$ COLUMNS=80 pmops insight list\n", 1)[1].split("```", 1)[0].splitlines()
    monkeypatch.setenv("COLUMNS", "80")
    assert pmops("insight", "list").stdout.splitlines()[: len(shown)] == shown


def test_columns_are_picked_in_order_and_an_unknown_one_names_the_others(example_kb: Path, pmops) -> None:
    rows = csv_rows(
        pmops("insight", "list", "--format", "csv", "--columns", "customer,id", "--columns", "quote").stdout
    )
    assert rows[0] == ["customer", "id", "quote"]
    assert rows[1] == ["Quarry & Co", "ins-261119-8ys3", "I log out and in eleven times a day, one for each client."]
    table = pmops("process", "list", "--columns", "title,review_due", "--today", TODAY).stdout
    assert "review_due" in table and "owner" not in table
    bad = pmops("tool", "list", "--columns", "id,price", code=2)
    assert bad.stdout == ""
    assert "error: --columns: there is no column 'price'" in bad.stderr
    assert "columns: id, name, category, job, owner, status, cost" in bad.stderr
    assert "category" in pmops("tool", "list", "--help").stdout  # the help names them
    for twice in (("--columns", "id,id"), ("--columns", "id", "--columns", "id"), ("--columns", "name,title")):
        bad = pmops("tool", "list", "--format", "csv", *twice, code=2)  # title is the name's other name
        assert bad.stdout == "" and bad.stderr.startswith("error: --columns: '"), bad.stderr
        assert "' is given twice\nhint: name each column once, e.g. --columns id,title\n" in bad.stderr


def test_a_type_named_by_its_name_has_a_name_column(example_kb: Path, pmops) -> None:
    assert pmops("person", "list").stdout.split()[:2] == ["id", "name"]
    assert csv_rows(pmops("tool", "list", "--format", "csv", "--columns", "title").stdout)[0] == ["name"]  # still taken


def test_machine_formats_get_plain_values(example_kb: Path, pmops) -> None:
    """What a table marks for people (–, a derived score's *, fails (3.40), 40%) is a plain value in csv."""
    rows = csv_rows(pmops("tool", "compare", "--format", "csv").stdout)
    assert rows[0] == [
        "rank",
        "tool",
        "fit",
        "integration",
        "cost",
        "adoption",
        "security",
        "weighted",
        "sso (must pass)",
    ]
    assert rows[1] == ["1", "Dovetail", "4", "4", "2", "4", "5", "3.7", "pass"]
    assert rows[2] == ["", "Condens", "4", "2", "4", "3", "4", "3.4", "fail"]
    assert ["", "Looker", "", "", "3.82", "", "", "", ""] in rows  # against Amplitude, the cheapest of analytics
    assert "–" not in str(rows) and "*" not in str(rows)
    plans = csv_rows(
        pmops("onboard", "status", "--today", TODAY, "--format", "csv", "--columns", "name,pace,due").stdout
    )
    assert ["Ben Carter", "0.4", "0.333"] in plans
    renewals = csv_rows(pmops("tool", "renewals", "--today", TODAY, "--format", "tsv").stdout, "\t")
    assert renewals[:2] == [
        ["decide_by", "when", "tool", "renews", "cost", "used", "per_seat", "seats", "owner"],
        ["2026-10-16", "notice passed", "Amplitude", "2026-12-15", "42000", "41", "1024", "60", "Jonas Weber"],
    ]  # fmt: skip  (the table's "41 of 60" and the owner under the tool)


def test_csv_and_tsv_have_a_header_and_one_row_per_document(example_kb: Path, pmops) -> None:
    documents = json.loads(pmops("insight", "list", "--json").stdout)
    rows = csv_rows(pmops("insight", "list", "--format", "csv").stdout)
    assert rows[0] == ["id", "title", "date", "source", "tags", "segment", "area"]
    assert [r[0] for r in rows[1:]] == [d["id"] for d in documents]
    assert rows[1][4] == "onboarding, permissions, feature-request"  # whole values, never shortened
    tsv = pmops("insight", "list", "--format", "tsv").stdout
    assert csv_rows(tsv, "\t") == rows
    assert "\t" in tsv.splitlines()[0]
    tools = csv_rows(pmops("tool", "list", "--format", "csv", "--columns", "title,cost").stdout)
    assert ["Amplitude", "42000"] in tools  # a number as a spreadsheet reads it


@pytest.mark.parametrize(
    "args",
    [
        ("insight", "list"),
        ("process", "list", "--today", TODAY),
        ("metric", "list", "--today", TODAY),
        ("tags",),
        ("tool", "compare", "Dovetail", "Condens"),
        ("list", "person"),
    ],
)
def test_format_json_is_the_json_output(example_kb: Path, pmops, args) -> None:
    assert pmops(*args, "--format", "json").stdout == pmops(*args, "--json").stdout


def test_format_mistakes_are_usage_errors(example_kb: Path, pmops) -> None:
    wrong = pmops("decision", "list", "--format", "xml", code=2)
    assert wrong.stderr.startswith("error: --format must be table, csv, tsv or json, e.g. --format table")
    both = pmops("decision", "list", "--json", "--format", "csv", code=2)
    assert "give --json or --format csv, not both" in both.stderr
    json_columns = pmops("decision", "list", "--format", "json", "--columns", "id", code=2)
    assert "JSON carries every field" in json_columns.stderr
    assert pmops("decision", "list", "--columns", ",", code=2).stderr.startswith("error: --columns names no column")


def test_an_empty_listing_in_each_format(kb: Path, pmops) -> None:
    assert "no insights match" in pmops("insight", "list").stdout
    assert pmops("insight", "list", "--format", "csv").stdout == "id,title,date,source,tags,segment,area\n"
    assert pmops("insight", "list", "--format", "json").stdout == "[]\n"
    assert "no metrics yet" in pmops("metric", "list").stdout


# A reader that goes away: a closed pipe for every write (deterministic), and head on a real pipe.
@pytest.mark.parametrize(
    "args",
    [
        ("list", "insight"),
        ("list", "insight", "--json"),
        ("insight", "list", "--format", "csv"),
        ("search", "approvals"),
        ("search", "approvals", "--json"),
        ("log",),
        ("show", "ins-261119"),
        ("tags",),
        ("metric", "list"),
        ("--help",),  # help is printed by Typer's console, not pmops': the same handler all the same
        ("insight", "list", "--help"),
        ("site", "build", "--help"),
        ("insight",),  # a group named alone prints its help
    ],
)
def test_a_closed_pipe_is_a_quiet_exit_0(example_kb: Path, args) -> None:
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([PMOPS, *args], stdout=write, stderr=subprocess.PIPE, text=True, check=False)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize("closed", [">&-", "2>&- >/dev/null", ">&- 2>&-"])
def test_started_with_stdout_or_stderr_closed_it_runs_as_with_dev_null(example_kb: Path, closed: str) -> None:
    """Python starts with sys.stdout (or stderr) None when its descriptor is closed: no traceback, no exit 1."""
    for args in ("search approvals", "list insight", "insight themes"):
        done = subprocess.run(f"{PMOPS} {args} {closed}", shell=True, cwd=example_kb, capture_output=True,
                              text=True, check=False)  # fmt: skip
        assert (done.returncode, "Traceback" in done.stderr) == (0, False), (args, done.stderr)


def test_head_on_a_real_pipe(example_kb: Path) -> None:
    for command in ("pmops search approvals | head -1", "pmops list insight | head -1",
                    "pmops list insight --json | head -1", "pmops log | head -2",
                    "pmops --help | head -1", "pmops insight list --help | head -1", "pmops set --help | head -1"):  # fmt: skip
        done = subprocess.run(["bash", "-c", f"set -o pipefail; {command}"], capture_output=True, text=True,
                              env={**os.environ, "PATH": f"{Path(PMOPS).parent}:{os.environ['PATH']}"}, check=False)  # fmt: skip
        # (a search's count goes to stderr, whether its results were all read or not: written before `head`
        # has read the first line, they are all in the pipe; the reader gone, nothing more is said)
        assert done.returncode == 0 and re.fullmatch(r"(\d+ of at least \d+ results\n)?", done.stderr), command
        assert done.stdout.strip() or "--help" in command, command  # help starts with an empty line


def test_show_to_a_pipe_gives_the_body_as_written_and_notes_stay_one_line(pmops, example_kb: Path) -> None:
    out = pmops("show", "tol-261126-0db8").stdout  # CliRunner: not a terminal, as a pipe or a file
    assert "## What we use it for\n" in out  # the markdown as written: its headings kept
    assert all(line == line.rstrip() for line in out.splitlines())  # never padded to a width
    body = (example_kb / json.loads(pmops("show", "tol-261126-0db8", "--json").stdout)["path"]).read_text()
    long_line = max(body.splitlines(), key=len)
    assert len(long_line) > 80 and long_line in out.splitlines()  # never re-wrapped
    said = pmops("search", "to be or not to be").stderr
    assert said == "only common words, which the index leaves out (to, be, or, not), and no title has them all\n"


def test_metric_list_in_csv_tsv_and_json_carries_numbers_not_what_a_table_shows(example_kb: Path, pmops) -> None:
    """A table says '99.6 %' and 'on target; stale: last value 10 days ago'; a machine format carries the
    number, the unit in a column of its own, the status alone, and whether it is stale."""
    rows = csv_rows(pmops("metric", "list", "--today", TODAY, "--format", "csv").stdout)
    header, body = rows[0], rows[1:]
    assert header == ["id", "name", "latest", "on", "status", "owner", "unit", "stale"]
    by_name = {row[1]: dict(zip(header, row)) for row in body}
    sync = by_name["Accounting sync success rate"]
    assert (sync["latest"], sync["unit"], sync["status"], sync["stale"]) == ("99.6", "%", "on target", "true")
    for row in by_name.values():
        assert row["latest"] == "" or float(row["latest"]) == float(row["latest"])  # a number, never "57.2 M EUR"
        assert ";" not in row["status"] and row["stale"] in ("true", "false")
    tsv = csv_rows(
        pmops("metric", "list", "--today", TODAY, "--format", "tsv", "--columns", "name,latest").stdout, "\t"
    )
    assert ["Accounting sync success rate", "99.6"] in tsv
    listed = json.loads(pmops("metric", "list", "--today", TODAY, "--json").stdout)
    assert all(isinstance(m["latest"]["value"], (int, float)) for m in listed if m["latest"])
    assert "99.6 %" in pmops("metric", "list", "--today", TODAY).stdout


def test_a_narrow_customer_list_wraps_names_at_their_words_never_cuts_one(example_kb: Path, pmops, monkeypatch):
    """At 80 columns a customer's name wraps at its words, one space between columns when two would cut one
    (found by a new user: 'Granite Peak Constructi' / 'on'); show gives its ARR as an amount."""
    monkeypatch.setenv("COLUMNS", "80")
    table = pmops("customer", "list").stdout
    lines = table.splitlines()
    assert max(len(line) for line in lines) <= 80 and "Construction" in table and "Constructi " not in table
    cells = {word for line in lines for word in line.split()}
    assert "on" not in cells and {"Granite", "Peak", "Authority", "Priyanka"} <= cells
    assert "arr         $268,000\n" in pmops("customer", "show", "lumen").stdout


def test_two_wrapped_columns_too_narrow_for_their_words_leave_the_later_one_out(
    example_kb: Path, pmops, monkeypatch
) -> None:
    # At 60, a checklist's title and `for` both split their words, and read across as nonsense
    # ("approv rov" / "als GA als", found by a review): `for` is left out, said under the table.
    monkeypatch.setenv("COLUMNS", "60")
    lines = pmops("list", "checklist").stdout.splitlines()
    assert lines[0].split() == ["id", "title", "process", "status", "started"]
    assert "approvals" in [word for line in lines for word in line.split()]  # the title's words whole
    assert lines[-1] == "for left out: too narrow a terminal (60 columns); --columns id,for shows it"
    assert "for" in pmops("list", "checklist", "--columns", "id,title,for").stdout.split()  # asked: kept
    monkeypatch.setenv("COLUMNS", "80")
    assert "left out" not in pmops("list", "checklist").stdout
    for width in ("40", "50"):  # narrower than every header: still a table, never a Python error
        monkeypatch.setenv("COLUMNS", width)
        for args in TABLES:
            assert pmops(*args).stdout.strip()


def test_columns_asked_for_are_shown_beside_ids_as_long_as_paths(kb: Path, pmops, monkeypatch) -> None:
    """A handbook page's id is its path: whole, it took the line, and rich dropped the other columns asked
    for and cut the scores ("24…"). Folded where the line ends, every column shows and numbers stay whole."""
    folder = kb / "handbook" / "our-handbook" / "pages" / "training-and-development"
    folder.mkdir(parents=True)
    for n in range(3):
        (folder / f"research-with-the-people-we-serve-part-{n}.md").write_text(
            f"---\ntitle: Research part {n}\n---\nHow we research with the people we serve, part {n}.\n",
            encoding="utf-8",
        )
    monkeypatch.setenv("COLUMNS", "80")
    table = pmops("search", "research", "--columns", "id,type,title,score").stdout.splitlines()
    assert table[0].split() == ["id", "type", "title", "score"]
    assert all(len(line) <= 80 for line in table)
    scores = [line.split()[-1] for line in table[2:] if line.split() and line.split()[1:2] == ["page"]]
    assert len(scores) == 3 and all(float(s) > 0 for s in scores)  # whole numbers, none cut with …
    listed = pmops("list", "page", "--columns", "id,title").stdout
    assert listed.splitlines()[0].split() == ["id", "title"] and "Research part 2" in listed
