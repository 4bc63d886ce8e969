"""Prompts on a real terminal; a failure in the middle of a write leaves nothing behind."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pytest

from pmops import store
from tests.conftest import PMOPS, commit_count, git


def _read_until(fd: int, marker: bytes, timeout: float = 20) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {marker!r}; got {seen!r}")
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_missing_required_fields_are_asked_for_on_a_terminal(kb: Path) -> None:
    main, child = pty.openpty()
    proc = subprocess.Popen([PMOPS, "insight", "add", "--json"], cwd=kb, stdin=child, stdout=subprocess.PIPE,
                            stderr=child, close_fds=True)  # fmt: skip
    os.close(child)
    try:
        _read_until(main, b"title")
        os.write(main, b"Asked on a terminal\r")
        _read_until(main, b"source")
        os.write(main, b"interview\r")
        out, _ = proc.communicate(timeout=30)
    finally:
        os.close(main)
    assert proc.returncode == 0
    created = json.loads(out)
    assert "title: Asked on a terminal" in (kb / created["path"]).read_text()


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
