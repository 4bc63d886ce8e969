"""A document moved with `git mv` after a pmops write: its id never changes, so show, search, lint, links,
set and completion keep finding it, in its folder under another name, or in another folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_KB, PMOPS, git

INSIGHT = "ins-260203-dc9k"  # Slack approvals would replace our own bot; cited by DECISION
DECISION = "dec-261126-0mq9"
OLD = "insights/ins-260203-dc9k-slack-approvals-would-replace-our-own-bot.md"


def completed(kb: Path, *words: str) -> list[str]:
    """What bash's Tab offers for the last word, from the installed program."""
    env = {**os.environ, "_PMOPS_COMPLETE": "complete_bash", "COMP_WORDS": "\n".join(["pmops", *words]),
           "COMP_CWORD": str(len(words))}  # fmt: skip
    done = subprocess.run([PMOPS], cwd=kb, env=env, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout.split()


def found_at(pmops, kb: Path, new: str) -> None:
    """Everything that names the document by its id finds it at `new`."""
    assert json.loads(pmops("show", INSIGHT, "--json").stdout)["path"] == new
    hits = json.loads(pmops("search", '"delete it tomorrow"', "--json").stdout)
    assert [(h["id"], h["path"]) for h in hits] == [(INSIGHT, new)]
    assert OLD not in pmops("search", "slack", "--json", "--limit", "100").stdout
    links = json.loads(pmops("links", DECISION, "--json").stdout)
    assert any(link.get("path") == new for link in links["outgoing"]), links["outgoing"]
    backlinks = json.loads(pmops("links", INSIGHT, "--json").stdout)["backlinks"]
    assert DECISION in json.dumps(backlinks)
    findings = json.loads(pmops("lint", "--json").stdout)
    assert not [f for f in findings if f["rule"] == "link-broken" or f["severity"] == "error"], findings
    evidence = json.loads(pmops("show", DECISION, "--json").stdout)["evidence_summary"]
    assert evidence["count"] == 3


def test_git_mv_after_a_pmops_write_keeps_every_way_of_naming_it(example_kb: Path, pmops) -> None:
    pmops("set", INSIGHT, "segment=enterprise")  # a write: the index has the file at its old path
    pmops("search", "slack")
    (example_kb / "insights" / "archive").mkdir()
    new = "insights/archive/slack-bot.md"
    git(example_kb, "mv", OLD, new)
    git(example_kb, "commit", "-qm", "file it away")
    found_at(pmops, example_kb, new)
    assert INSIGHT in completed(example_kb, "show", "ins-260203-dc")  # its file name no longer starts with its id
    assert INSIGHT in completed(example_kb, "set", "ins-2602")
    pmops("set", INSIGHT, "segment=smb")
    assert git(example_kb, "status", "--porcelain") == ""
    assert "segment: smb" in (example_kb / new).read_text()
    assert INSIGHT in [r["id"] for r in json.loads(pmops("insight", "list", "--json").stdout)]

    # Out of its type's folder: still an insight by its id, found by id and by words.
    elsewhere = "handbook/slack-bot.md"
    git(example_kb, "mv", new, elsewhere)
    git(example_kb, "commit", "-qm", "into the handbook")
    found_at(pmops, example_kb, elsewhere)
    assert json.loads(pmops("show", INSIGHT, "--json").stdout)["type"] == "insight"


def counted(pmops) -> tuple[list[str], list[str], int, int]:
    """Where the insights' listings, themes and the report find the insight: its path in
    `insight list` and in `list insight`, the insights the themes count, the report's count."""
    listed = [r["path"] for r in json.loads(pmops("insight", "list", "--json").stdout) if r["id"] == INSIGHT]
    generic = [r["path"] for r in json.loads(pmops("list", "insight", "--json").stdout) if r["id"] == INSIGHT]
    themes = sum(t["insights"] for t in json.loads(pmops("insight", "themes", "--json").stdout))
    report = json.loads(pmops("report", "--format", "json").stdout)["research"]["insights"]["count"]
    return listed, generic, themes, report


def test_a_document_moved_out_of_its_folder_is_counted_where_it_sits(example_kb: Path, pmops) -> None:
    _, _, themes, report = counted(pmops)
    # Into the handbook with git mv, then by hand (not committed) into another type's folder: it is
    # still an insight by its id, and every listing, the themes and the report count it there, as lint does.
    for new, by_git in (("handbook/research/slack-bot.md", True), ("processes/ins-260203-dc9k-slack-bot.md", False)):
        old = json.loads(pmops("show", INSIGHT, "--json").stdout)["path"]
        (example_kb / new).parent.mkdir(parents=True, exist_ok=True)
        if by_git:
            git(example_kb, "mv", old, new)
            git(example_kb, "commit", "-qm", "moved by hand")
        else:
            (example_kb / old).rename(example_kb / new)
        assert counted(pmops) == ([new], [new], themes, report), new
        assert json.loads(pmops("lint", new, "--json").stdout) == []  # linted as the insight it is
    processes = json.loads(pmops("list", "process", "--json").stdout)
    assert INSIGHT not in [r["id"] for r in processes] and all(r["type"] == "process" for r in processes)


@pytest.mark.parametrize("where", ["no git", "a subfolder of a repository"])
def test_moved_documents_are_counted_in_a_kb_without_git_or_below_a_repository(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pmops
) -> None:
    """Without git the KB's folders are walked; below a repository's top, git's paths are the KB's
    with a prefix: a document moved out of its folder is counted all the same."""
    kb = tmp_path / "repo" / "team" / "kb"
    shutil.copytree(EXAMPLE_KB, kb, ignore=shutil.ignore_patterns(".git", ".pmops"))
    if where != "no git":
        git(tmp_path / "repo", "init", "-q")
    monkeypatch.chdir(kb)
    _, _, themes, report = counted(pmops)
    (kb / OLD).rename(kb / "handbook" / "slack-bot.md")
    assert counted(pmops) == (["handbook/slack-bot.md"], ["handbook/slack-bot.md"], themes, report)


def test_lint_says_where_a_document_moved_by_hand_is_now(example_kb: Path, pmops) -> None:
    """A relative link to a file git mv moved is broken (git does not rewrite links, pmops mv does):
    lint's hint finds the document by the id its old file name starts with and gives the link to write
    from the linking page, anchor kept, or the link by id."""
    guide = example_kb / "guides" / "research.md"
    guide.parent.mkdir()
    guide.write_text(
        f"---\ntitle: Research guide\n---\nSee [the bot](../{OLD}#what-we-heard) and [gone](../insights/"
        "ins-250101-zzzz-never-there.md).\n"
    )
    git(example_kb, "add", "-A")
    git(example_kb, "commit", "-qm", "a guide")
    assert [f["message"] for f in json.loads(pmops("lint", "guides", "--json", code=1).stdout)] == [
        "link to missing file 'insights/ins-250101-zzzz-never-there.md'"
    ]
    git(example_kb, "mv", OLD, "handbook-slack-bot.md")  # to the KB's top folder first: the same answer
    (example_kb / "handbook" / "research").mkdir(parents=True)
    git(example_kb, "mv", "handbook-slack-bot.md", "handbook/research/slack-bot.md")
    git(example_kb, "commit", "-qm", "moved by hand")
    moved, gone = json.loads(pmops("lint", "guides", "--json", code=1).stdout)
    assert (moved["rule"], moved["line"]) == ("link-broken", 4)
    assert moved["message"] == f"link to missing file '{OLD}'"
    assert moved["hint"] == (
        f"{INSIGHT} is now at handbook/research/slack-bot.md: link to ../handbook/research/slack-bot.md#what-we-heard,"
        f" or by its id: [[{INSIGHT}]]"
    )
    assert gone["message"].endswith("never-there.md'") and gone["hint"] is None  # no document has that id
    text = pmops("lint", "guides", code=1).stdout
    assert "hint: ins-260203-dc9k is now at handbook/research/slack-bot.md" in text
    guide.write_text(guide.read_text().replace(f"../{OLD}", "../handbook/research/slack-bot.md"))
    assert [f["hint"] for f in json.loads(pmops("lint", "guides", "--json", code=1).stdout)] == [None]


def test_a_write_to_a_document_with_a_staged_rename_is_refused_until_the_rename_is_committed(
    example_kb: Path, pmops
) -> None:
    """`git mv` not committed, then `pmops set`: committing only the new path would leave HEAD with the
    document twice, and committing the removal too would sweep the user's staging in: refused, one line,
    nothing written; once the rename is committed, the same set works."""
    (example_kb / "handbook").mkdir(exist_ok=True)
    new = "handbook/slack-bot.md"
    git(example_kb, "mv", OLD, new)
    before, head = (example_kb / new).read_bytes(), git(example_kb, "rev-parse", "HEAD")
    err = pmops("set", INSIGHT, "segment=enterprise", code=1).stderr
    assert err.splitlines()[0] == (
        f"error: cannot commit: {new} is staged as renamed from {OLD}; commit your rename first"
    )
    assert (example_kb / new).read_bytes() == before and git(example_kb, "rev-parse", "HEAD") == head
    assert sorted(git(example_kb, "status", "--porcelain").splitlines()) == [f"R  {OLD} -> {new}"]
    git(example_kb, "commit", "-qm", "move it", "--", OLD, new)
    pmops("set", INSIGHT, "segment=enterprise")
    assert "segment: enterprise" in (example_kb / new).read_text() and git(example_kb, "status", "--porcelain") == ""
    assert not [f for f in json.loads(pmops("lint", "--json").stdout) if f["rule"] == "id-duplicate"]
