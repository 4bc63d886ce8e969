"""Concurrency stress: six processes adding 5 insights each, with reads running meanwhile."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PMOPS, commit_count, git

WRITERS, EACH = 6, 5
READS = 6  # rounds of reads (a search, a lint) while they write: enough to overlap, not a core for the whole test

_WRITER = """
import subprocess, sys
for i in range(int(sys.argv[2])):
    done = subprocess.run([sys.argv[1], "insight", "add", "--title", f"Stress {sys.argv[3]}-{i} kiwifruit",
                           "--source", "survey"], capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        sys.exit(1)
"""


@pytest.mark.heavy
def test_six_writers_and_readers_lose_nothing(kb: Path) -> None:
    before = commit_count(kb)
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, PMOPS, str(EACH), str(w)], cwd=kb,
                                stderr=subprocess.PIPE, text=True) for w in range(WRITERS)]  # fmt: skip
    readers = 0
    while readers < 2 * READS and any(w.poll() is None for w in writers):
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


def test_one_file_imported_three_times_at_once_is_imported_once(kb: Path, tmp_path: Path) -> None:
    """'Importing the same file again adds nothing' holds when 'again' is at the same time: which
    rows are imported is read under the write lock the import writes under."""
    source = tmp_path / "s50.csv"
    source.write_text("ID,Title,Channel\n" + "".join(f"K{i},Row {i} about quinces,survey\n" for i in range(50)))
    before = commit_count(kb)
    imports = [subprocess.Popen([PMOPS, "insight", "import", str(source), "--json"], cwd=kb, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(3)]  # fmt: skip
    try:
        outcomes = [p.communicate(timeout=120) for p in imports]
    finally:
        for p in imports:
            p.kill()
    assert [p.returncode for p in imports] == [0, 0, 0], [err for _, err in outcomes]
    counts = sorted((r["imported"], r["already_imported"]) for r in (json.loads(out) for out, _ in outcomes))
    assert counts == [(0, 50), (0, 50), (50, 0)]
    assert commit_count(kb) == before + 1
    assert len(list((kb / "insights").glob("*.md"))) == 50
    assert git(kb, "status", "--porcelain") == ""
    assert subprocess.run([PMOPS, "lint"], cwd=kb, capture_output=True, timeout=60).returncode == 0
