"""Concurrency stress: six processes adding 25 insights each, with reads running meanwhile."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import PMOPS, commit_count, git

WRITERS, EACH = 6, 25

_WRITER = """
import subprocess, sys
for i in range(int(sys.argv[2])):
    done = subprocess.run([sys.argv[1], "insight", "add", "--title", f"Stress {sys.argv[3]}-{i} kiwifruit",
                           "--source", "survey"], capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        sys.exit(1)
"""


def test_six_writers_and_readers_lose_nothing(kb: Path) -> None:
    before = commit_count(kb)
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, PMOPS, str(EACH), str(w)], cwd=kb,
                                stderr=subprocess.PIPE, text=True) for w in range(WRITERS)]  # fmt: skip
    readers = 0
    while any(w.poll() is None for w in writers):
        for args in (["search", "kiwifruit", "--json"], ["lint", "--json"]):
            done = subprocess.run([PMOPS, *args], cwd=kb, capture_output=True, text=True, timeout=120)
            assert done.returncode in (0, 1) and done.stdout.startswith("["), done.stderr
            readers += 1
    outcomes = [w.communicate() for w in writers]  # also closes their pipes
    errors = [err for w, (_, err) in zip(writers, outcomes) if w.returncode != 0]
    assert not errors, errors[0]
    assert readers >= 2
    assert commit_count(kb) == before + WRITERS * EACH
    assert len(list((kb / "insights").glob("*.md"))) == WRITERS * EACH
    assert git(kb, "status", "--porcelain") == "" and git(kb, "diff", "--cached", "--name-only") == ""
    found = json.loads(subprocess.run([PMOPS, "search", "kiwifruit", "--limit", "1000", "--json"], cwd=kb,
                                      capture_output=True, text=True, check=True).stdout)  # fmt: skip
    assert len(found) == WRITERS * EACH
    assert subprocess.run(["git", "fsck", "--no-progress"], cwd=kb, capture_output=True).returncode == 0
