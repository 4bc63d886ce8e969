"""Repository states checked before any write, each with a clear message and nothing written."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from pmops import gitrepo
from tests.conftest import commit_count, git, merge_conflict


def add(pmops, code: int = 0):
    return pmops("insight", "add", "--title", "State test", "--source", "survey", "--json", code=code)


def insights(kb: Path) -> list[Path]:
    return sorted((kb / "insights").glob("*.md"))


def test_a_merge_in_progress_refuses_and_writes_nothing(pmops, kb: Path) -> None:
    merge_conflict(kb)
    result = add(pmops, code=1)
    assert "merge is in progress" in result.stderr and "git merge --abort" in result.stderr
    assert insights(kb) == []


def test_unmerged_paths_without_a_merge_refuse(pmops, kb: Path) -> None:
    (kb / "README.md").write_text("base\n")
    git(kb, "commit", "-qam", "base")
    (kb / "README.md").write_text("stashed\n")
    git(kb, "stash", "-q")
    (kb / "README.md").write_text("committed\n")
    git(kb, "commit", "-qam", "committed")
    git(kb, "stash", "pop", "-q", check=False)  # conflicts, no MERGE_HEAD
    assert "unmerged paths" in add(pmops, code=1).stderr
    assert insights(kb) == []


def test_no_git_identity_refuses_with_the_fix(pmops, kb: Path, isolated: Path) -> None:
    (isolated / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    result = add(pmops, code=1)
    assert "user.name is not set" in result.stderr and "git config --global user.name" in result.stderr
    assert insights(kb) == []


def test_an_index_lock_held_elsewhere_is_waited_for_then_reported(
    pmops, kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gitrepo, "INDEX_LOCK_WAIT", 0.3)
    lock = kb / ".git" / "index.lock"
    lock.write_text("")
    result = add(pmops, code=1)
    assert "index.lock" in result.stderr and "saved insights/" in result.stderr
    assert lock.exists(), "pmops must never delete git's lock"
    lock.unlink()
    # The file is kept on disk (the user's input is never lost) and nothing is staged.
    assert len(insights(kb)) == 1 and git(kb, "diff", "--cached", "--name-only") == ""


def test_a_failing_commit_hook_keeps_the_file_and_unstages_it(pmops, kb: Path) -> None:
    hook = kb / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'policy says no' >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    before = commit_count(kb)
    result = add(pmops, code=1)
    assert "did not commit it" in result.stderr and "policy says no" in result.stderr
    assert len(insights(kb)) == 1 and commit_count(kb) == before
    assert git(kb, "diff", "--cached", "--name-only") == ""


def test_detached_head_commits_with_a_warning(pmops, kb: Path) -> None:
    git(kb, "checkout", "-q", "--detach")
    result = add(pmops)
    assert "detached" in result.stderr
    assert git(kb, "log", "-1", "--format=%s").startswith("pmops: add insight")


def test_an_empty_repository_gets_its_first_commit(pmops, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "fresh"
    root.mkdir()
    git(root, "init", "-q")
    monkeypatch.chdir(root)
    pmops("init", ".")
    assert commit_count(root) == 1
    created = json.loads(add(pmops).stdout)
    assert git(root, "log", "-1", "--name-only", "--format=").split() == [created["path"]]


def test_a_kb_outside_git_needs_no_commit(pmops, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "plain"
    pmops("init", root, "--no-commit")
    assert not (root / ".git").exists()
    monkeypatch.chdir(root)
    assert "not in a git repository" in add(pmops, code=1).stderr
    assert insights(root) == []
    pmops("insight", "add", "--title", "t", "--source", "survey", "--no-commit")
    assert len(insights(root)) == 1


def test_a_kb_in_a_subfolder_of_a_repo_commits_to_that_repo(pmops, tmp_path: Path, monkeypatch) -> None:
    repo = tmp_path / "monorepo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "code.py").write_text("print('untouched')\n")
    pmops("init", repo / "product" / "kb")
    monkeypatch.chdir(repo / "product" / "kb")
    created = json.loads(add(pmops).stdout)
    assert git(repo, "log", "-1", "--name-only", "--format=").split() == [f"product/kb/{created['path']}"]
    assert git(repo, "status", "--porcelain").strip() == "?? code.py"


def test_writing_through_a_symlinked_insights_folder_is_fine_but_links_out_are_not_read(
    pmops, kb: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text("---\nid: ins-000000-xxxx\ntitle: outside\n---\n")
    os.symlink(outside, kb / "insights" / "link.md")
    result = pmops("lint", "--json", code=1)  # named, with why it is not read; never read
    assert [(f["path"], f["message"]) for f in json.loads(result.stdout)] == [
        ("insights/link.md", f"is a link that leaves the knowledge base (to {outside}); not read")
    ]
    assert "outside" not in pmops("insight", "list").stdout
