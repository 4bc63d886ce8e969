"""`pmops insight add`: the acceptance points of the core, on real git repositories."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PMOPS, commit_count, git


def add(pmops, *extra: str, code: int = 0):
    """insight add with a title and a source, unless `extra` gives its own (an option given twice is exit 2)."""
    given = [a for a in ("--title", "--source") if a not in extra]
    defaults = {"--title": "Export is hard to find", "--source": "interview"}
    return pmops("insight", "add", *(x for a in given for x in (a, defaults[a])), *extra, code=code)


def test_add_writes_one_file_commits_only_it_and_show_returns_the_same_fields(pmops, kb: Path) -> None:
    result = add(pmops, "--segment", "enterprise", "--area", "reporting", "--tag", "data-export",
                 "--customer", "Northwind", "--quote", "Where is export?", "--date", "2026-11-02", "--json")  # fmt: skip
    created = json.loads(result.stdout)
    assert set(created) == {"id", "path"}
    path = kb / created["path"]
    assert path.is_file() and path.parent == kb / "insights"
    assert git(kb, "log", "-1", "--name-only", "--format=").split() == [created["path"]]
    assert git(kb, "log", "-1", "--format=%s").strip() == f'pmops: add insight {created["id"]} "Export is hard to find"'
    assert git(kb, "status", "--porcelain") == ""
    shown = json.loads(pmops("show", created["id"], "--json").stdout)
    assert shown["id"] == created["id"] and shown["path"] == created["path"] and shown["type"] == "insight"
    assert {k: shown[k] for k in ("title", "source", "segment", "area", "tags", "customer", "quote", "date")} == {
        "title": "Export is hard to find", "source": "interview", "segment": "enterprise", "area": "reporting",
        "tags": ["data-export"], "customer": "Northwind", "quote": "Where is export?", "date": "2026-11-02",
    }  # fmt: skip
    assert shown["author"] == "Test PM"
    assert "Where is export?" in shown["body"]


def test_the_author_is_who_git_commits_as_the_repositorys_own_identity_over_the_global_one(
    pmops, kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A personal identity in the global config and a work one in the repository's: git commits as
    the repository's (the last value it reads), and so does the default author."""
    git(kb, "config", "user.name", "Priya Nair")
    git(kb, "config", "user.email", "priya@tally.example")
    monkeypatch.setenv("EMAIL", "someone@else.example")  # below user.email, as for git
    created = json.loads(add(pmops, "--json").stdout)
    assert json.loads(pmops("show", created["id"], "--json").stdout)["author"] == "Priya Nair"
    assert git(kb, "log", "-1", "--format=%an <%ae>").strip() == "Priya Nair <priya@tally.example>"
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Ghost Writer")  # what git itself puts first
    created = json.loads(add(pmops, "--title", "Second", "--json").stdout)
    assert json.loads(pmops("show", created["id"], "--json").stdout)["author"] == "Ghost Writer"


def test_the_users_own_staged_and_unstaged_changes_are_left_alone(pmops, kb: Path) -> None:
    (kb / "notes.md").write_text("# my staged draft\n")
    git(kb, "add", "notes.md")
    readme = (kb / "README.md").read_text()
    (kb / "README.md").write_text(readme + "\nmy unstaged edit\n")
    created = json.loads(add(pmops, "--json").stdout)
    assert git(kb, "show", "--name-only", "--format=", "HEAD").split() == [created["path"]]
    status = git(kb, "status", "--porcelain").splitlines()
    assert sorted(status) == sorted(["A  notes.md", " M README.md"])
    assert (kb / "README.md").read_text().endswith("my unstaged edit\n")


def test_without_a_terminal_a_missing_title_is_exit_2_and_nothing_is_written(pmops, kb: Path) -> None:
    before = commit_count(kb)
    result = pmops("insight", "add", "--source", "interview", code=2)
    assert "title" in result.stderr and "error:" in result.stderr
    assert "Traceback" not in result.stderr
    assert list((kb / "insights").glob("*.md")) == []
    assert commit_count(kb) == before and git(kb, "status", "--porcelain") == ""


def test_the_title_may_be_given_first_as_process_new_takes_its_own(pmops, kb: Path) -> None:
    out = pmops("insight", "add", "Approvals stall at month end", "--source", "interview", "--json").stdout
    assert pmops("show", json.loads(out)["id"], "--json").stdout.count('"Approvals stall at month end"') == 1
    decision = pmops("decision", "add", "Approve from Slack", "--title", "Approve from Slack", "--json").stdout
    assert json.loads(decision)["path"].endswith("-approve-from-slack.md")  # the same title twice is one title
    before = commit_count(kb)
    both = pmops("insight", "add", "One title", "--title", "Another", "--source", "interview", code=2)
    assert both.stderr.splitlines()[0] == "error: two titles given, 'One title' and --title 'Another': give one"
    assert commit_count(kb) == before and not list((kb / "insights").glob("*one-title*"))


def test_missing_field_from_a_real_process_without_a_tty(kb: Path) -> None:
    done = subprocess.run([PMOPS, "insight", "add", "--title", "x"], cwd=kb, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.splitlines()[0].startswith("error: --source is required (where it came from: interview,")
    assert done.stdout == ""


def test_an_unknown_tag_is_exit_2_with_a_suggestion_and_nothing_written(pmops, kb: Path) -> None:
    before = commit_count(kb)
    result = add(pmops, "--tag", "pricng", code=2)
    assert "unknown tag 'pricng'" in result.stderr and "'pricing'" in result.stderr
    assert list((kb / "insights").glob("*.md")) == [] and commit_count(kb) == before


def test_new_tag_adds_it_to_the_taxonomy_in_the_same_commit(pmops, kb: Path) -> None:
    created = json.loads(add(pmops, "--tag", "Dark Mode", "--new-tag", "--json").stdout)
    assert sorted(git(kb, "show", "--name-only", "--format=", "HEAD").split()) == sorted(
        [created["path"], "taxonomy.yaml"]
    )
    assert "unsorted: [dark-mode]" in (kb / "taxonomy.yaml").read_text()
    assert git(kb, "diff", "HEAD~1", "--stat", "--", "taxonomy.yaml").count("\n") == 2  # one line changed
    add(pmops, "--tag", "dark-mode")  # now known


def test_synonyms_and_spelling_are_normalised(pmops, kb: Path) -> None:
    result = add(pmops, "--tag", "  PRICE ", "--tag", "Data_Export", "--json")
    shown = json.loads(pmops("show", json.loads(result.stdout)["id"], "--json").stdout)
    assert shown["tags"] == ["pricing", "data-export"]
    assert "synonym of 'pricing'" in result.stderr


@pytest.mark.parametrize("title", ["../../etc/passwd", "中" * 300, "CON", "/abs/olute", "a\\b:c*?<>|"])
def test_hostile_titles_give_a_safe_file_inside_insights(pmops, kb: Path, title: str) -> None:
    created = json.loads(pmops("insight", "add", "--title", title, "--source", "survey", "--json").stdout)
    path = (kb / created["path"]).resolve()
    assert path.parent == (kb / "insights").resolve()
    assert len(path.name.encode()) <= 255
    assert json.loads(pmops("show", created["id"], "--json").stdout)["title"] == title


def test_bad_values_are_exit_2_naming_the_field(pmops, kb: Path) -> None:
    assert "source" in add(pmops, "--source", "carrier-pigeon", code=2).stderr
    assert "date" in add(pmops, "--date", "2026-13-45", code=2).stderr
    assert "--body or --body-file" in add(pmops, "--body", "x", "--body-file", "y", code=2).stderr
    assert list((kb / "insights").glob("*.md")) == []


def test_body_from_option_file_and_stdin(pmops, kb: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("From a file.\n")
    for extra, expected, stdin in (
        (["--body", "Inline text."], "Inline text.", None),
        (["--body-file", str(notes)], "From a file.", None),
        (["--body-file", "-"], "From stdin.", "From stdin.\n"),
        (["--body", "-"], "Also stdin.", "Also stdin.\n"),
    ):
        created = json.loads(pmops("insight", "add", "--title", "t", "--source", "survey", *extra, "--json",
                                   input=stdin).stdout)  # fmt: skip
        assert (kb / created["path"]).read_text().endswith(expected + "\n")


def test_no_commit_and_commit_false(pmops, kb: Path) -> None:
    before = commit_count(kb)
    created = json.loads(add(pmops, "--no-commit", "--json").stdout)
    assert (kb / created["path"]).exists() and commit_count(kb) == before
    config = kb / "pmops.yaml"
    config.write_text(config.read_text().replace("commit: true", "commit: false"))
    add(pmops)
    assert commit_count(kb) == before


def test_two_processes_adding_at_once_both_commit(kb: Path) -> None:
    procs = [
        subprocess.Popen(
            [PMOPS, "insight", "add", "--title", f"Parallel {i}", "--source", "survey", "--json"],
            cwd=kb,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    paths = sorted(json.loads(out)["path"] for out, _ in outputs)
    assert sorted(git(kb, "ls-files", "insights").split()) == sorted(["insights/.gitkeep", *paths])
    assert git(kb, "status", "--porcelain") == ""
    assert git(kb, "diff", "--cached", "--name-only") == ""
    assert commit_count(kb) == 3


def test_markup_in_user_text_is_shown_literally(pmops, kb: Path) -> None:
    created = json.loads(pmops("insight", "add", "--title", "[bold red]Boom[/] \x1b[31mESC", "--source", "survey",
                               "--json").stdout)  # fmt: skip
    shown = pmops("show", created["id"]).stdout
    assert "[bold red]Boom[/]" in shown and "\x1b" not in shown


def test_nul_and_unicode_variants_in_titles(pmops, kb: Path) -> None:
    assert "NUL" in add(pmops, "--customer", "a\0b", code=2).stderr
    assert list((kb / "insights").glob("*.md")) == []
    composed = json.loads(
        pmops("insight", "add", "--title", "Caf\u00e9 feedback", "--source", "survey", "--json").stdout
    )
    decomposed = json.loads(
        pmops("insight", "add", "--title", "Cafe\u0301 feedback", "--source", "survey", "--json").stdout
    )
    assert composed["path"] != decomposed["path"]  # distinct ids: never the same file, whatever the form
    assert composed["path"].endswith("café-feedback.md") and decomposed["path"].endswith("café-feedback.md")  # NFKC


def test_personal_data_is_redacted_in_what_is_written_and_named_by_field(pmops, kb: Path) -> None:
    result = add(pmops, "--quote", "Mail p.smith@hooli.com or call +1 415-555-0133", "--body",
                 "Card 4111 1111 1111 1111 was charged twice.", "--json")  # fmt: skip
    created = json.loads(result.stdout)
    assert set(created) == {"id", "path"}
    assert result.stderr.splitlines() == ["quote: 1 email address redacted", "quote: 1 phone number redacted",
                                          "body: 1 card number redacted"]  # fmt: skip
    text = (kb / created["path"]).read_text()
    assert "quote: Mail [email redacted] or call [phone redacted]\n" in text
    assert text.endswith("Card [card number redacted] was charged twice.\n")
    history = git(kb, "log", "-p")
    # The whole values, not fragments: "0133" alone can be part of a random id or a commit hash.
    assert not [s for s in ("p.smith", "hooli.com", "555-0133", "4111 1111") if s in history]
    assert (
        json.loads(pmops("show", created["id"], "--json").stdout)["quote"]
        == "Mail [email redacted] or call [phone redacted]"
    )


def test_keep_pii_keeps_an_email_but_a_card_number_is_exit_2_and_nothing_written(pmops, kb: Path) -> None:
    result = add(pmops, "--quote", "Mail p.smith@hooli.com", "--keep-pii", "--json")
    assert result.stderr.splitlines() == ["quote: 1 email address kept as given (p***@hooli.com)"]
    assert (
        json.loads(pmops("show", json.loads(result.stdout)["id"], "--json").stdout)["quote"] == "Mail p.smith@hooli.com"
    )
    before = commit_count(kb)
    refused = add(pmops, "--title", "Charged twice", "--quote", "Card 4111-1111-1111-1111", "--keep-pii", code=2).stderr
    assert refused.splitlines()[0] == ("error: quote: contains a payment card number (****-****-****-1111); "
                                       "pmops never writes one, even with --keep-pii")  # fmt: skip
    assert commit_count(kb) == before and len(list((kb / "insights").glob("*.md"))) == 1


def test_dates_as_people_write_them_in_date_options(pmops, kb: Path) -> None:
    """--date, --since, --until (and every date option) read 7 Nov 2026 or 15/11/2026; 05/11/2026 is ambiguous."""
    for given in ("Nov 5, 2026", "5 November 2026", "2026/11/05", "2026-11-05T14:03:00Z"):
        created = json.loads(
            pmops("insight", "add", "--title", given, "--source", "survey", "--date", given, "--json").stdout
        )
        assert json.loads(pmops("show", created["id"], "--json").stdout)["date"] == "2026-11-05"
    add(pmops, "--date", "15/11/2026")
    before = commit_count(kb)
    refused = add(pmops, "--date", "05/11/2026", code=2).stderr
    assert (
        refused.splitlines()[0]
        == "error: --date: '05/11/2026' is ambiguous: 2026-11-05 (day first) or 2026-05-11 (month first)"
    )
    assert commit_count(kb) == before
    listed = json.loads(pmops("insight", "list", "--since", "6 Nov 2026", "--until", "30/11/2026", "--json").stdout)
    assert [i["date"] for i in listed] == ["2026-11-15"]
    ambiguous = pmops("insight", "list", "--since", "05/11/2026", code=2).stderr.splitlines()
    assert ambiguous == ["error: --since: '05/11/2026' is ambiguous: 2026-11-05 (day first) or 2026-05-11 (month first)",
                         "hint: write it as 2026-11-05 or 2026-05-11"]  # fmt: skip
    assert "is not a whole date" in pmops("insight", "list", "--until", "Nov 2026", code=2).stderr


def test_an_insight_dated_after_today_is_refused_by_add_and_by_import(pmops, kb: Path, tmp_path: Path) -> None:
    before = commit_count(kb)
    today = dt.date.today().isoformat()
    result = pmops(
        "insight", "add", "--title", "Heard tomorrow", "--source", "interview", "--date", "2999-01-05", code=2
    )
    assert result.stderr.splitlines()[0] == f"error: --date: 2999-01-05 is after today ({today})"
    assert commit_count(kb) == before and not list((kb / "insights").glob("*.md"))
    csv = tmp_path / "rows.csv"
    csv.write_text("title,date\nHeard in 2999,2999-03-01\nHeard in March,2026-03-01\n")
    out = pmops("insight", "import", csv, "--source", "survey", code=1).stdout
    assert f"row 2: date: 2999-03-01 is after today ({today})" in out
    assert [p.name.split("-", 3)[-1] for p in (kb / "insights").glob("*.md")] == ["heard-in-march.md"]
