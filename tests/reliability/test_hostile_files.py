"""Hostile files in a KB: links out of it, FIFOs, /dev/zero, huge files, names that are not UTF-8.

Nothing is read through a link that leaves the KB, nothing hangs or eats memory, every
refused file is named with the reason, and nothing is written through a folder link.
Commands run as real processes, each bounded in time and memory: a hang or a read of
/dev/zero fails the test instead of the machine.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PMOPS, commit_count, git

SECRET = "root:x:0:0:hostile-secret"
MEMORY = 1536 * 1024 * 1024  # bytes of address space a command may use here
BAD_NAME = b"insights/bad\xffname.md"
SHOWN_BAD_NAME = "insights/bad\\xffname.md"


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(kb: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    """`pmops ARGS` in the KB: a hang raises TimeoutExpired, reading without end a MemoryError."""
    done = subprocess.run([PMOPS, *args], cwd=kb, capture_output=True, text=True, timeout=timeout, preexec_fn=_bounded)
    assert "Traceback" not in done.stderr and "Error:" not in done.stderr, (args, done.stderr)
    return done


def problems(kb: Path, *args: str) -> dict[str, str]:
    """What `pmops index` says it could not index: path -> reason."""
    done = run(kb, "index", "--json", *args)
    assert done.returncode == 0, done.stderr
    return {p["path"]: p["reason"] for p in json.loads(done.stdout)["problems"]}


def findings(kb: Path, *paths: str) -> dict[str, str]:
    done = run(kb, "lint", "--json", *paths)
    return {f["path"]: f["message"] for f in json.loads(done.stdout)}


@pytest.fixture
def indexed(pmops, kb: Path) -> Path:
    """A KB with one insight, its index built (so what follows is read by the catch-up)."""
    pmops("insight", "add", "--title", "Narwhal sightings", "--source", "survey")
    pmops("index")
    return kb


def hostile_target(tmp_path: Path, kind: str) -> str:
    if kind == "file":
        secret = tmp_path / "secret.txt"
        secret.write_text(SECRET + "\n")
        return str(secret)
    if kind == "fifo":
        os.mkfifo(tmp_path / "pipe")
        return str(tmp_path / "pipe")
    return "/dev/zero"


@pytest.mark.parametrize("kind", ["file", "fifo", "dev-zero"])
def test_a_committed_link_out_of_the_kb_is_never_read(indexed: Path, tmp_path: Path, kind: str) -> None:
    kb = indexed
    (kb / "insights" / "leak.md").symlink_to(hostile_target(tmp_path, kind))
    git(kb, "add", "insights/leak.md")
    git(kb, "commit", "-qm", "a link out of the KB")
    reason = "is a link that leaves the knowledge base"
    assert json.loads(run(kb, "search", "root", "--json").stdout) == []  # the catch-up read nothing of it
    assert problems(kb)["insights/leak.md"].startswith(reason)
    hits = json.loads(run(kb, "search", "narwhal", "--json").stdout)
    assert [hit["title"] for hit in hits] == ["Narwhal sightings"] and SECRET not in json.dumps(hits)
    listed = run(kb, "insight", "list", "--json")
    assert listed.returncode == 0 and "insights/leak.md" not in listed.stdout
    doctor = run(kb, "doctor")
    assert doctor.returncode == 1 and "insights/leak.md: " + reason in doctor.stdout and SECRET not in doctor.stdout
    assert findings(kb)["insights/leak.md"].startswith(reason)
    assert problems(kb, "--rebuild")["insights/leak.md"].startswith(reason)


def test_a_fifo_named_md_hangs_nothing_in_a_kb_without_git(kb: Path) -> None:
    shutil.rmtree(kb / ".git")
    run(kb, "insight", "add", "--title", "Narwhal sightings", "--source", "survey", "--no-commit")
    os.mkfifo(kb / "insights" / "pipe.md")
    for args in (["search", "narwhal"], ["insight", "list"], ["doctor"]):
        assert run(kb, *args, timeout=15).returncode in (0, 1), args
    assert problems(kb)["insights/pipe.md"] == "is a named pipe (FIFO), not a file; not read"
    assert findings(kb)["insights/pipe.md"] == "is a named pipe (FIFO), not a file; not read"


def test_a_huge_file_is_read_no_further_than_the_size_cap(indexed: Path) -> None:
    with open(indexed / "insights" / "huge.md", "wb") as handle:
        handle.truncate(2 * 1024**3)  # sparse: takes no room, but reading it whole takes 2 GiB
    for args in (["search", "narwhal"], ["insight", "list"]):
        assert run(indexed, *args).returncode == 0, args
    assert problems(indexed)["insights/huge.md"] == "file too large (2097152 KiB > 2048 KiB)"
    assert findings(indexed)["insights/huge.md"] == "file too large (2097152 KiB > 2048 KiB)"


def test_a_file_name_that_is_not_utf8_is_named_and_skipped(pmops, indexed: Path) -> None:
    kb = indexed
    with open(os.fsencode(kb) + b"/" + BAD_NAME, "wb") as handle:
        handle.write(b"# Narwhal impostor\n\nnarwhal\n")
    reason = "the file name is not valid UTF-8; not read"

    def not_indexed(*args: str) -> dict[str, str]:
        return {p["path"]: p["reason"] for p in json.loads(pmops("index", "--json", *args).stdout)["problems"]}

    assert [hit["title"] for hit in json.loads(pmops("search", "narwhal", "--json").stdout)] == ["Narwhal sightings"]
    assert not_indexed() == {SHOWN_BAD_NAME: reason}
    assert not_indexed("--rebuild") == {SHOWN_BAD_NAME: reason}
    assert f"not indexed: {SHOWN_BAD_NAME}: {reason}" in pmops("index").stdout
    linted = json.loads(pmops("lint", "--json", code=1).stdout)
    assert [(f["path"], f["message"]) for f in linted] == [(SHOWN_BAD_NAME, reason)]
    assert len(json.loads(pmops("insight", "list", "--json").stdout)) == 1
    assert f"{SHOWN_BAD_NAME}: {reason}" in pmops("doctor", code=1).stdout
    git(kb, "add", "insights")
    git(kb, "commit", "-qm", "a bad name, committed")
    assert not_indexed() == {SHOWN_BAD_NAME: reason}
    os.unlink(os.fsencode(kb) + b"/" + BAD_NAME)
    assert not_indexed() == {}  # gone, and no longer reported


ADDS = {
    "insights": ["insight", "add", "--title", "Walrus", "--source", "survey"],
    "decisions": ["decision", "add", "--title", "Use walruses"],
    "tools": ["tool", "add", "Walrus", "--category", "design"],
    "metrics": ["metric", "add", "Walruses", "--definition", "Walruses seen", "--owner", "Ann", "--unit", "walruses"],
    "processes": ["process", "new", "Walrus ritual", "--kind", "custom"],
}


@pytest.mark.parametrize("folder", sorted(ADDS))
def test_nothing_is_written_through_a_folder_link_out_of_the_kb(pmops, kb: Path, tmp_path: Path, folder: str) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    git(kb, "rm", "-rq", "--ignore-unmatch", folder)
    shutil.rmtree(kb / folder, ignore_errors=True)
    (kb / folder).symlink_to(outside)
    git(kb, "add", folder)
    git(kb, "commit", "-qm", "a folder link")
    commits, taxonomy = commit_count(kb), (kb / "taxonomy.yaml").read_bytes()
    result = pmops(*ADDS[folder], code=2)
    assert result.stderr.splitlines()[0] == (
        f"error: {folder}: is a link that leaves the knowledge base (to {outside}); nothing was written"
    )
    assert list(outside.iterdir()) == []
    assert commit_count(kb) == commits and (kb / "taxonomy.yaml").read_bytes() == taxonomy
    assert git(kb, "status", "--porcelain") == ""


def test_git_ignored_files_are_never_indexed_by_a_catch_up_or_a_rebuild(pmops, kb: Path) -> None:
    def found(word: str) -> list[str]:
        return [hit["path"] for hit in json.loads(pmops("search", word, "--json").stdout)]

    (kb / "okapi.md").write_text("# Okapi\n\nokapi notes\n")
    assert found("okapi") == ["okapi.md"]
    with open(kb / ".gitignore", "a") as handle:
        handle.write("okapi.md\ninsights/\n")
    assert found("okapi") == []  # ignored since it was indexed: it leaves the index
    pmops("index", "--rebuild")
    assert found("okapi") == []
    pmops("insight", "add", "--title", "Walrus seen", "--source", "survey", "--no-commit")
    assert found("walrus") == []  # a write's own file, ignored: not indexed either
    pmops("index", "--rebuild")
    assert found("walrus") == []


def test_lint_of_a_path_outside_the_kb_a_folder_outside_or_a_fifo(pmops, kb: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "file.md").write_text("# elsewhere\n")
    os.mkfifo(kb / "insights" / "fifo.md")
    (kb / "insights" / "leak.md").symlink_to(outside / "file.md")
    cases = {
        str(outside / "file.md"): f"is outside the knowledge base ({kb})",
        str(outside): f"is outside the knowledge base ({kb})",
        "insights/fifo.md": "is a named pipe (FIFO), not a file; not read",
        "insights/leak.md": f"is a link that leaves the knowledge base (to {outside / 'file.md'}); not read",
        "insights/nothing.md": "no such file or folder",
    }
    for path, message in cases.items():
        result = pmops("lint", path, code=2)
        assert result.stderr.splitlines()[0] == f"error: {path}: {message}"
        assert result.stdout == ""
