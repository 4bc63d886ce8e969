"""`pmops search` as people type it runs without Typer (pmops.cli._search_line): the command lines it reads
are those the Typer command reads the same way, and both print the same, errors included."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from pmops.cli import _search_line, app
from tests.conftest import Runner, modules_at_exit


def _search_command():
    return typer.main.get_command(app).commands["search"]


def test_it_reads_the_options_of_the_typer_command_and_no_other() -> None:
    """A new option of `pmops search` (or a renamed one) fails here until the fast path reads it too."""
    options = [p for p in _search_command().params if p.param_type_name == "option" and "--help" not in p.opts]
    assert {opt for p in options for opt in p.opts} == {*_search_line.VALUES, *_search_line.REPEATABLE,
                                                       *_search_line.FLAGS}  # fmt: skip
    for param in options:
        (opt,) = param.opts
        if param.is_flag:
            assert _search_line.FLAGS[opt] == param.name
        elif param.multiple:
            assert _search_line.REPEATABLE[opt] == param.name
        else:
            assert _search_line.VALUES[opt] == param.name
    # Text but for --limit, the one number (read as click reads it; a search's defaults are the function's).
    assert {p.name: p.type.name for p in options if not p.is_flag} == {
        "doc_type": "str", "tag": "str", "since": "str", "limit": "int", "fmt": "str",
        "columns": "str"}  # fmt: skip
    arguments = [p.name for p in _search_command().params if p.param_type_name == "argument"]
    assert arguments == ["query"]
    # The root's options before the command: --kb takes a value; the others are left to Typer.
    root = typer.main.get_command(app)
    assert {opt for p in root.params if not p.is_flag for opt in p.opts} == {"--kb"}


@pytest.mark.parametrize(
    "words",
    [
        ["search"],  # no query: Typer says what is missing
        ["search", "a", "b"],  # two queries
        ["search", "pricing", "--help"],
        ["--debug", "search", "pricing"],
        ["--version", "search", "pricing"],
        ["search", "pricing", "--tag", "a", "--tag", "b"],  # given twice: refused by Typer's reading
        ["search", "pricing", "--limit", "-5"],
        ["search", "pricing", "--limit", "1_0"],  # int() reads it; click's message is the one said
        ["search", "pricing", "--limit", "ten"],
        ["search", "pricing", "--limit"],
        ["search", "--", "-pricing"],
        ["search", "pricing", "--json=yes"],
        ["search", "pricing", "--json", "--json"],
        ["search", "pricing", "-n", "5"],
        ["search", "pricing", "--bogus"],
        ["--kb", "--debug", "search", "pricing"],
        ["--kb", "a", "--kb", "b", "search", "pricing"],
        ["index"],
    ],
)
def test_what_it_does_not_read_whole_is_left_to_typer(words: list[str]) -> None:
    assert _search_line.read(words) is None


def test_what_it_reads() -> None:
    words = ["--kb=kb", "search", "--columns", "id", "per seat", "--limit=5", "--columns=title", "--json", "--all",
             "--type", "insight", "--tag=", "--since", "7 Nov 2026", "--format", "json", "--archived"]  # fmt: skip
    options = {"columns": ["id", "title"], "limit": 5, "json_out": True, "all_": True, "doc_type": "insight", "tag": "",
               "since": "7 Nov 2026", "fmt": "json", "archived": True}  # fmt: skip
    assert _search_line.read(words) == ("kb", "per seat", options)
    assert _search_line.read(["search", "007"]) == (None, "007", {})


LINES = [
    ["pricing"],
    ["pricing", "--limit", "2", "--columns", "id,title", "--columns", "score"],
    ["pricing", "--json", "--limit", "3"],
    ["tag:churn-risk invoice", "--format", "csv"],
    ['"per seat"', "--format", "tsv", "--type", "insight"],
    ["approvals", "--since", "7 Sep 2026"],
    ["zzzqqq"],  # no results
    ["recieve"],  # did you mean
    ["renewal", "--archived"],
    ["pricing", "--type", "insigth"],  # exit 2, the nearest type
    ["pricing", "--since", "05/11/2026"],  # exit 2: ambiguous
    ["pricing", "--format", "yaml"],  # exit 2
    ["pricing", "--json", "--format", "csv"],  # exit 2
    ["pricing", "--all", "--archived"],  # exit 2
    ["pricing", "--columns", "id,nope"],  # exit 2
    ["pricing", "--columns", ","],  # exit 2
    ["date:[2026-13-01 to 2026-14-01]"],
    ["tag:"],
]


@pytest.mark.parametrize("args", LINES, ids=[" ".join(a) for a in LINES])
def test_it_prints_what_the_typer_command_prints(args: list[str], example_kb: Path) -> None:
    runner = CliRunner()
    through_typer = runner.invoke(app, ["search", *args])
    fast = Runner()("search", *args, code=None)
    assert _search_line.read(["search", *args]) is not None  # (the fast path ran)
    assert (fast.exit_code, fast.stdout, fast.stderr) == (
        through_typer.exit_code,
        through_typer.stdout,
        through_typer.stderr,
    )
    assert through_typer.exit_code in (0, 2)


def test_a_kb_that_is_not_there(tmp_path: Path) -> None:
    words = ["--kb", str(tmp_path / "nowhere"), "search", "pricing"]
    through_typer = CliRunner().invoke(app, words)
    fast = Runner()(*words, code=None)
    assert (fast.exit_code, fast.stderr) == (through_typer.exit_code, through_typer.stderr)
    assert fast.exit_code == 2 and fast.stderr.startswith("error: ") and fast.stdout == ""


def _loads_typer(words: list[str], cwd: Path) -> bool:
    return modules_at_exit(cwd, words, ("typer",)) == ["typer"]


def test_a_search_as_people_type_it_loads_no_typer(example_kb: Path) -> None:
    assert not _loads_typer(["search", "pricing", "--limit", "2"], example_kb)
    assert _loads_typer(["search", "pricing", "--help"], example_kb)  # Typer's help
    assert _loads_typer(["search", "pricing", "--limit", "two"], example_kb)  # Typer's message
