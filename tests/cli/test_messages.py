"""What people read when something is off: one message per kind of bad value, naming the flag or
field as the command line gave it, with an example; never Python's own words. And two commands
that used to say more than they should: doctor on a new KB, a process reviewed twice in a day."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import Runner, commit_count, git

PYTHON_WORDS = re.compile(r"invalid literal|could not convert|Traceback|ValueError|TypeError|None\b")


def _guide_kb(kb: Path) -> None:
    """A KB type without tags: a guide with an owner."""
    config = kb / "pmops.yaml"
    config.write_text(
        config.read_text().replace(
            "types:\n",
            "types:\n  guide:\n    folder: guides\n    prefix: gde\n    fields:\n      owner: {required: true}\n",
            1,
        )
    )
    git(kb, "commit", "-qam", "a guide type")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("tool", "add", "Figma", "--category", "design", "--cost", "abc"), "--cost: 'abc' is not an amount (write e.g. 120000, $120,000, 120k or 1.2M)"),
        (("tool", "add", "Figma", "--category", "design", "--cost", "nan"), "--cost: 'nan' is not an amount (write e.g. 120000, $120,000, 120k or 1.2M)"),
        (("tool", "add", "Figma", "--category", "design", "--seats", "a few"),
         "--seats must be a whole number, 0 or more, e.g. --seats 25"),
        (("new", "tool", "Figma", "category=design", "cost=abc"), "cost: 'abc' is not an amount (write e.g. 120000, $120,000, 120k or 1.2M)"),
        (("metric", "add", "M", "--definition", "d", "--owner", "o", "--unit", "u", "--target", "lots"),
         "--target must be a number, e.g. --target 5000"),
        (("tool", "add", "Figma", "--category", "design", "--status", "maybe"),
         "--status must be evaluating, adopted, retired or archived, e.g. --status evaluating"),
        (("decision", "add", "--title", "T", "--status", "superseded"),
         "--status: a new decision is proposed or accepted, e.g. --status proposed"),
        (("new", "decision", "T", "status=superseded"),
         "status: a new decision is proposed or accepted, e.g. status=proposed"),
        (("decision", "add", "--title", "T", "--evidence", "ins-000000-none"),
         "--evidence: no insight with the id or title 'ins-000000-none'"),
        (("new", "decision", "T", "evidence=ins-000000-none"), "evidence: no insight with the id or title 'ins-000000-none'"),
        (("insight", "add", "--title", "T", "--source", "survey", "--date", "31/31/2026"), "--date: '31/31/2026'"),
        (("new", "insight", "T", "source=survey", "date=31/31/2026"), "date: '31/31/2026'"),
    ],
)  # fmt: skip
def test_a_bad_value_names_the_flag_or_field_with_an_example(kb: Path, pmops: Runner, args, message) -> None:
    before = commit_count(kb)
    result = pmops(*args, code=None)
    assert result.exit_code in (1, 2)
    assert result.stderr.splitlines()[0] == f"error: {message}" or result.stderr.startswith(f"error: {message}")
    assert not PYTHON_WORDS.search(result.stderr), result.stderr
    assert commit_count(kb) == before


def test_set_says_the_field_as_set_takes_it(kb: Path, pmops: Runner) -> None:
    process = json.loads(pmops("process", "new", "Triage", "--kind", "custom", "--owner", "Sam", "--json").stdout)
    tool = json.loads(pmops("tool", "add", "Figma", "--category", "design", "--json").stdout)
    before = commit_count(kb)
    wrong = pmops("set", process["id"], "review_every_days=soon", code=2)
    assert wrong.stderr == "error: review_every_days must be a whole number, 1 or more, e.g. review_every_days=90\n"
    assert (
        pmops("set", tool["id"], "cost=abc", code=2).stderr
        == "error: cost: 'abc' is not an amount (write e.g. 120000, $120,000, 120k or 1.2M)\n"
    )
    assert pmops("set", tool["id"], "status=gone", code=2).stderr.startswith("error: status must be evaluating")
    assert commit_count(kb) == before


def test_new_names_the_real_way_to_give_a_field(kb: Path, pmops: Runner) -> None:
    _guide_kb(kb)
    before = commit_count(kb)
    missing = pmops("new", "guide", "Discovery", code=2)  # said as prompts say it (the terminal's part of #16)
    assert missing.stderr.startswith("error: owner=VALUE is required")
    assert pmops("tool", "add", "Figma", code=2).stderr.startswith("error: --category is required")
    no_tags = pmops("new", "guide", "Discovery", "owner=Maya", "--tag", "onboarding", code=2)
    assert no_tags.stderr.startswith(
        "error: guides have no tags: --tag is for types that do\nhint: fields: title, owner"
    )
    page = pmops("new", "page", "Team handbook", code=2)
    assert page.stderr.startswith("error: pmops does not create pages: a page is any markdown file no type claims\n")
    assert "write it with your editor and commit it with git" in page.stderr
    assert commit_count(kb) == before
    (kb / "handbook.md").write_text("# Team handbook\n")
    git(kb, "add", "handbook.md")
    git(kb, "commit", "-qm", "handbook")
    assert "handbook.md,Team handbook" in pmops("list", "page", "--format", "csv").stdout  # pages are listed


def test_doctor_on_a_brand_new_kb_is_exit_0_and_says_one_thing(kb: Path, pmops: Runner) -> None:
    done = pmops("doctor")  # exit 0
    lines = done.stdout.splitlines()
    assert all(line.startswith("✓") for line in lines), done.stdout
    assert "index: not built yet: the first search (or pmops index) builds it" in done.stdout
    # A search of a small KB never starts the server: doctor does not promise that it will.
    assert "search server: not used below" in done.stdout and "starts it" not in done.stdout
    pmops("search", "anything", code=None)
    again = pmops("doctor").stdout
    assert "index freshness: 1 document" in again and "not built yet" not in again
    checks = json.loads(pmops("doctor", "--json").stdout)
    assert all(c["ok"] for c in checks)
    assert [c["check"] for c in checks if c["fix"] is not None] == []  # nothing to fix where all is well (git too)


def test_a_process_reviewed_today_says_so(kb: Path, pmops: Runner) -> None:
    process = json.loads(pmops("process", "new", "Triage", "--kind", "custom", "--owner", "Sam", "--json").stdout)
    before = commit_count(kb)
    again = pmops("process", "review", process["id"])  # made today: reviewed today
    assert again.stdout.startswith(f"{process['id']} was already reviewed today, so nothing changed; next review ")
    assert again.stderr == "" and commit_count(kb) == before
    pmops("set", process["id"], "date=2020-01-01", "last_reviewed=2020-01-01")  # written long ago
    before = commit_count(kb)
    later = pmops("process", "review", process["id"], "--today", "2021-01-04")
    assert later.stdout.startswith(f"Reviewed {process['id']}: next review 2021-") and commit_count(kb) == before + 1
    same = pmops("process", "review", process["id"], "--today", "2021-01-04")
    assert "was already reviewed on 2021-01-04, so nothing changed" in same.stdout
    future = pmops("process", "review", process["id"], "--today", "2099-01-01", code=2)  # not yet: nothing written
    assert future.stderr.startswith("error: --today: 2099-01-01 is after today (") and commit_count(kb) == before + 1


@pytest.mark.parametrize(
    ("args", "said", "hint"),
    [
        (["insight", "add", "--sorce", "interview"], "no such option: --sorce (did you mean --source?)",
         "pmops insight add --help"),
        (["insight", "lst"], "no such command 'lst' (did you mean 'list'?)", "pmops insight --help"),
        (["show"], "missing argument 'ID'", "pmops show --help"),
        (["--verbose-please", "list"], "no such option: --verbose-please", "pmops --help"),
        # an option left without its value: the command it belongs to, not the root
        (["prioritize", "--cycle"], "option '--cycle' requires an argument", "pmops prioritize --help"),
        (["insight", "list", "--since"], "option '--since' requires an argument", "pmops insight list --help"),
        (["--kb"], "option '--kb' requires an argument", "pmops --help"),
        (["search", "quotes", "--limit", "ten"], "--limit must be a whole number, e.g. --limit 20", None),
    ],
)  # fmt: skip
def test_a_command_line_pmops_cannot_read_is_one_line_and_where_to_look(
    kb: Path, pmops: Runner, args: list[str], said: str, hint: str | None
) -> None:
    """Click's usage errors in pmops' words, as every other error: no box, no usage block; exit 2, nothing written."""
    result = pmops(*args, code=2)
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: {said}"
    assert lines[1:] == ([f"hint: {hint} lists what it takes"] if hint else [])
    assert result.stdout == "" and commit_count(kb) == 1
