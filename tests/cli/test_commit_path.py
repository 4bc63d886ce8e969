"""The commit a write makes, read back without asking git where git's own files say it (HEAD, a
branch's ref, a worktree's shared folder), and the hooks a commit runs found wherever git looks
for them: the write path asks git less (docs/performance.md), and must answer the same."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from tests.conftest import git


def _add(pmops, title: str) -> dict:
    return json.loads(pmops("insight", "add", "--title", title, "--source", "survey", "--json").stdout)


def _commit_said(stdout: str) -> str:
    """The commit a write says it made: "… (commit 1a2b3c4d5e)"."""
    return re.search(r"\(commit ([0-9a-f]{10})\)", stdout)[1]


def test_a_write_in_a_linked_worktree_commits_on_its_branch(pmops, kb: Path, tmp_path: Path, monkeypatch) -> None:
    """A worktree's HEAD is its own, its branch's ref is in the folder it shares with the main one."""
    other = tmp_path / "other"
    git(kb, "worktree", "add", "-q", "-b", "side", str(other))
    monkeypatch.chdir(other)
    created = _add(pmops, "From the side worktree")
    assert git(other, "log", "-1", "--format=%s").startswith("pmops: add insight")
    assert git(other, "rev-parse", "--abbrev-ref", "HEAD").strip() == "side"
    assert git(other, "show", f"HEAD:{created['path']}").startswith("---")
    assert git(kb, "log", "-1", "--format=%s", "--", created["path"]) == ""  # the main branch did not move
    assert git(other, "status", "--porcelain") == ""


def test_the_commit_is_read_back_with_packed_refs_and_a_detached_head(pmops, kb: Path) -> None:
    git(kb, "pack-refs", "--all")  # the branch's ref only in packed-refs until the commit writes it
    before = git(kb, "rev-parse", "HEAD").strip()
    packed = pmops("insight", "add", "--title", "After packing", "--source", "survey").stdout
    head = git(kb, "rev-parse", "HEAD").strip()
    assert head != before and head.startswith(_commit_said(packed))  # the commit made, not the one before
    git(kb, "checkout", "-q", "--detach")
    detached = pmops("insight", "add", "--title", "Detached", "--source", "survey")
    assert "detached" in detached.stderr
    assert git(kb, "rev-parse", "HEAD").strip().startswith(_commit_said(detached.stdout))
    assert git(kb, "rev-parse", "HEAD").strip() != head


def test_a_hook_in_core_hookspath_that_restages_a_file_leaves_the_index_as_committed(
    pmops, kb: Path, monkeypatch
) -> None:
    """A formatter hook found through `core.hooksPath` (relative: from the working tree's top), not
    .git/hooks: its change is committed and git's index holds what was committed (no `MM`)."""
    hooks = kb / ".githooks"
    hooks.mkdir()
    hook = hooks / "pre-commit"
    hook.write_text(
        "#!/bin/sh\n"
        "for f in $(git diff --cached --name-only -- '*.md'); do printf 'Hooked.\\n' >> \"$f\"; git add \"$f\"; done\n"
    )
    hook.chmod(0o755)
    git(kb, "config", "core.hooksPath", ".githooks")
    created = _add(pmops, "Through the hooks path")
    assert git(kb, "show", f"HEAD:{created['path']}").endswith("Hooked.\n")
    assert git(kb, "status", "--porcelain", "--", created["path"]) == ""
    # Without the setting the hook is not git's: nothing runs, nothing is left staged either.
    git(kb, "config", "--unset", "core.hooksPath")
    plain = _add(pmops, "Without the hooks path")
    assert not git(kb, "show", f"HEAD:{plain['path']}").endswith("Hooked.\n")
    assert git(kb, "status", "--porcelain", "--", plain["path"]) == ""
    assert os.access(hook, os.X_OK)
