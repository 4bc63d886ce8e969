"""A failure in the middle of a write leaves nothing behind (prompts: test_prompts.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmops import store
from tests.conftest import commit_count, git


def test_a_failed_second_write_removes_the_first_and_commits_nothing(
    pmops, kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store.atomic_write
    calls = []

    def failing(path, data, **kw):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(path))
        return real(path, data, **kw)

    monkeypatch.setattr(store, "atomic_write", failing)
    before = commit_count(kb)
    taxonomy = (kb / "taxonomy.yaml").read_bytes()
    result = pmops("insight", "add", "--title", "t", "--source", "survey", "--tag", "brand-new", "--new-tag", code=1)
    assert "No space left on device" in result.stderr
    assert list((kb / "insights").glob("*.md")) == []
    assert (kb / "taxonomy.yaml").read_bytes() == taxonomy
    assert commit_count(kb) == before and git(kb, "status", "--porcelain") == ""
    assert not list(kb.rglob("*.pmops-tmp"))


def test_a_file_changed_on_disk_since_it_was_read_is_not_overwritten(kb: Path) -> None:
    from pmops import documents
    from pmops.errors import Conflict

    path = kb / "README.md"
    doc = documents.parse("README.md", path.read_bytes())
    path.write_text("edited in an editor meanwhile\n")
    with pytest.raises(Conflict, match="changed on disk"):
        store.atomic_write(path, doc.with_body("pmops' version\n").to_bytes(), expected_sha=doc.sha)
    assert path.read_text() == "edited in an editor meanwhile\n"
