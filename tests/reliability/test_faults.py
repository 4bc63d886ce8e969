"""Fault injection, crashes and fuzzing (RELIABILITY.md): nothing is lost, nothing is left half done."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from pmops import gitrepo
from tests.conftest import PMOPS, commit_count, git, indexed_example


class Boom(OSError):
    pass


def _failing(real, n: int):
    calls = {"count": 0}

    def wrapper(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == n:
            raise Boom(5, "injected I/O error")
        return real(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize("target", ["open", "replace", "fsync", "git"])
def test_the_nth_operation_failing_leaves_old_or_new_and_nothing_staged(
    pmops, kb: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    (kb / "notes.md").write_text("# the user's own staged draft\n")
    git(kb, "add", "notes.md")
    taxonomy = (kb / "taxonomy.yaml").read_text()
    succeeded = False
    for n in range(1, 40):
        before_commits = commit_count(kb)
        with monkeypatch.context() as patch:
            if target == "git":
                patch.setattr(gitrepo.subprocess, "run", _failing(gitrepo.subprocess.run, n))
            else:
                patch.setattr(os, target, _failing(getattr(os, target), n))
            result = pmops("insight", "add", "--title", f"Fault {target} {n}", "--source", "survey",
                           "--tag", "brand-new", "--new-tag", code=None)  # fmt: skip
        assert result.exit_code in (0, 1), result.stderr
        # Every file holds its old or its new content; no temporary file is left behind.
        now = (kb / "taxonomy.yaml").read_text()
        assert now in (taxonomy, taxonomy.replace("unsorted: []", "unsorted: [brand-new]"))
        for path in (kb / "insights").glob("*.md"):
            assert path.read_text().startswith("---\nid: ins-")
        assert not list(kb.rglob("*.pmops-tmp"))
        # The user's staging is exactly as it was; nothing of pmops' is left staged.
        assert git(kb, "diff", "--cached", "--name-only").split() == ["notes.md"]
        if result.exit_code == 0:
            assert commit_count(kb) == before_commits + 1
            succeeded = True
            break
        assert "injected I/O error" in result.stderr and "Traceback" not in result.stderr
        if commit_count(kb) == before_commits and list((kb / "insights").glob(f"*fault-{target}-{n}.md")):
            assert "saved" in result.stderr  # on disk, not committed: the message says so
        # Put back what a person would: commit or remove the saved file and the taxonomy change.
        leftovers = git(kb, "status", "--porcelain", "--untracked-files=all").split("\n")
        for line in filter(None, leftovers):
            path = line[3:]
            if path.startswith("insights/"):
                (kb / path).unlink()
        (kb / "taxonomy.yaml").write_text(taxonomy)
        assert json.loads(pmops("search", "fault", "--json").stdout) == []  # the index caught up with the clean-up
    assert succeeded, "the command never succeeded"
    hits = json.loads(pmops("search", f'"Fault {target}"', "--json").stdout)
    assert len(hits) == 1


def test_killed_writers_leave_a_sound_repository(tmp_path: Path) -> None:
    kb = indexed_example(tmp_path / "kb")
    rng = random.Random(7)
    for i in range(8):
        proc = subprocess.Popen([PMOPS, "insight", "add", "--title", f"Crash {i} narwhal", "--source", "survey"],
                                cwd=kb, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        time.sleep(rng.uniform(0.02, 0.4))
        # The whole group, as a closed terminal does: a git pmops started dies with it (killed alone,
        # pmops would leave a git running, which could remove its lock after the check below).
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        lock = kb / ".git" / "index.lock"
        if lock.exists():  # git itself leaves this behind when killed; doctor names it
            assert "git lock" in subprocess.run([PMOPS, "doctor"], cwd=kb, capture_output=True, text=True).stdout
            lock.unlink()
    assert subprocess.run(["git", "fsck", "--no-progress"], cwd=kb, capture_output=True).returncode == 0
    findings = json.loads(subprocess.run([PMOPS, "lint", "--json"], cwd=kb, capture_output=True, text=True).stdout)
    assert all(f["severity"] == "warning" for f in findings)
    subprocess.run([PMOPS, "index", "--rebuild"], cwd=kb, check=True, capture_output=True)
    on_disk = sorted(p.name for p in (kb / "insights").glob("*narwhal*.md"))
    found = json.loads(subprocess.run([PMOPS, "search", "narwhal", "--json"], cwd=kb, capture_output=True,
                                      text=True, check=True).stdout)  # fmt: skip
    assert sorted(Path(h["path"]).name for h in found) == on_disk


MUTATIONS = {
    "flip": lambda b, r: bytearray(x ^ (1 << r.randrange(8)) if r.random() < 0.02 else x for x in b),
    "bom": lambda b, r: b"\xef\xbb\xbf" + b,
    "crlf": lambda b, r: b.replace(b"\n", b"\r\n"),
    "nul": lambda b, r: b[: len(b) // 2] + b"\0" + b[len(b) // 2 :],
    "conflict": lambda b, r: b + b"\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> x\n",
    "fence": lambda b, r: b.replace(b"---\n", b"", 1),
    "alias": lambda b, r: b.replace(b"---\n", b"---\na: &a [x, x]\nb: [*a, *a]\n", 1),
    "huge": lambda b, r: b.replace(b"---\n", b"---\nhuge: " + b"x" * 3_000_000 + b"\n", 1),
    "utf8": lambda b, r: b + b"\xff\xfe broken",
    "tags": lambda b, r: b.replace(b"tags: [", b"tags: [[nested], {a: b}, ", 1),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_mutated_documents_never_crash_read_lint_index_or_search(pmops, example_kb: Path, mutation: str) -> None:
    rng = random.Random(mutation)
    victims = rng.sample(sorted((example_kb / "insights").glob("*.md")), 4) + [
        example_kb / "handbook" / "how-we-do-research.md"
    ]
    mutated = {}
    for path in victims:
        data = bytes(MUTATIONS[mutation](path.read_bytes(), rng))
        path.write_bytes(data)
        mutated[path] = data
    for args in (["lint", "--json"], ["index", "--json"], ["search", "approval", "--json"], ["insight", "list", "--json"],
                 ["show", victims[0].name[:15], "--json"], ["insight", "themes", "--json"], ["report", "--format", "json"],
                 ["tags", "--json"], ["links", "ins-260114-57h6", "--json"]):  # fmt: skip
        result = pmops(*args, code=None)  # an unexpected exception fails the test inside the runner
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
    for path, data in mutated.items():
        assert path.read_bytes() == data, f"{path.name} was modified"


def _bounded_memory() -> None:
    import resource

    limit = 1536 * 1024 * 1024  # reading /dev/zero fails here, not on the machine
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_hostile_files_never_crash_hang_or_leak(indexed_example_kb: Path, tmp_path: Path) -> None:
    """The fuzz suite's hostile files, all committed at once after the index was built (so the
    catch-up meets them): links out of the KB (to a secret, /dev/zero, a FIFO), a name that is
    not UTF-8, and an untracked FIFO. Each command ends in time, exits in the documented set,
    and never shows the secret."""
    secret = "root:x:0:0:hostile-secret"
    (tmp_path / "secret.txt").write_text(secret + "\n")
    os.mkfifo(tmp_path / "pipe")
    example_kb = indexed_example_kb
    insights = example_kb / "insights"
    (insights / "leak.md").symlink_to(tmp_path / "secret.txt")
    (insights / "zero.md").symlink_to("/dev/zero")
    (insights / "pipe.md").symlink_to(tmp_path / "pipe")
    victim = sorted(insights.glob("ins-*.md"))[0]
    os.rename(victim, os.fsencode(insights) + b"/bad\xff" + os.fsencode(victim.name))
    git(example_kb, "add", "-A")
    git(example_kb, "commit", "-qm", "hostile files")
    os.mkfifo(example_kb / "handbook" / "fifo.md")
    for args in (["lint", "--json"], ["index", "--json"], ["search", "approval", "--json"],
                 ["search", "root", "--json"], ["insight", "list", "--json"], ["links", "ins-260114-57h6", "--json"],
                 ["report", "--format", "json"], ["doctor"], ["index", "--rebuild", "--json"]):  # fmt: skip
        done = subprocess.run([PMOPS, *args], cwd=example_kb, capture_output=True, text=True, timeout=60,
                              preexec_fn=_bounded_memory)  # fmt: skip
        assert done.returncode in (0, 1, 2), (args, done.returncode, done.stderr)
        assert "Traceback" not in done.stderr and secret not in done.stdout + done.stderr, (args, done.stderr)
    problems = {p["path"] for p in json.loads(done.stdout)["problems"]}
    assert {"insights/leak.md", "insights/zero.md", "insights/pipe.md", f"insights/bad\\xff{victim.name}"} <= problems


@pytest.mark.parametrize("target", ["open", "replace", "unlink", "git"])
def test_a_rename_failing_anywhere_leaves_every_file_old_or_new(
    pmops, kb: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    """pmops mv removes a file, writes another and rewrites a link: a failure at any step puts all
    three back, or (a failed commit) leaves all three new on disk and says so."""
    target_doc = json.loads(pmops("insight", "add", "--title", "Old name", "--source", "survey", "--json").stdout)
    name = Path(target_doc["path"]).name
    linker = json.loads(pmops("insight", "add", "--title", "Linker", "--source", "survey",
                              "--body", f"See [it]({name}).", "--json").stdout)  # fmt: skip
    old = {p: (kb / p).read_bytes() for p in (target_doc["path"], linker["path"])}
    new_path = target_doc["path"].replace("old-name", "new-name")
    for n in range(1, 60):
        before_commits = commit_count(kb)
        with monkeypatch.context() as patch:
            if target == "git":
                patch.setattr(gitrepo.subprocess, "run", _failing(gitrepo.subprocess.run, n))
            else:
                patch.setattr(os, target, _failing(getattr(os, target), n))
            result = pmops("mv", target_doc["id"], "New name", code=None)
        assert result.exit_code in (0, 1), result.stderr
        assert not list(kb.rglob("*.pmops-tmp"))
        if result.exit_code == 0:
            assert commit_count(kb) == before_commits + 1 and git(kb, "status", "--porcelain") == ""
            assert not (kb / target_doc["path"]).exists() and (kb / new_path).exists()
            assert f"[it]({Path(new_path).name})" in (kb / linker["path"]).read_text()
            return
        assert "injected I/O error" in result.stderr and "Traceback" not in result.stderr
        assert git(kb, "diff", "--cached", "--name-only") == ""
        if commit_count(kb) == before_commits and (kb / new_path).exists():  # the commit failed: all new, said
            assert "saved" in result.stderr and not (kb / target_doc["path"]).exists()
            git(kb, "reset", "-q", "--hard")
            git(kb, "clean", "-qfd", "insights")
        assert {p: (kb / p).read_bytes() for p in old} == old and not (kb / new_path).exists()
    raise AssertionError("the command never succeeded")
