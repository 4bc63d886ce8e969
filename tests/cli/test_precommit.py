"""The pre-commit hook, run by the real `pre-commit` on a real repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PMOPS, ROOT, git

BIN = str(Path(sys.executable).parent)


@pytest.fixture
def hooked_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A KB made by `pmops init`, with its pre-commit hook installed, and pmops on PATH."""
    monkeypatch.setenv("PATH", BIN + os.pathsep + os.environ["PATH"])
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-cache"))
    root = tmp_path / "kb"
    subprocess.run([PMOPS, "init", str(root)], check=True, capture_output=True)
    subprocess.run([BIN + "/pre-commit", "install"], cwd=root, check=True, capture_output=True)
    monkeypatch.chdir(root)
    return root


def commit(root: Path, *paths: str) -> subprocess.CompletedProcess:
    git(root, "add", "--", *paths)
    return subprocess.run(["git", "commit", "-m", "edit"], cwd=root, capture_output=True, text=True)


def test_a_process_missing_steps_is_refused_and_the_fixed_one_passes(pmops, hooked_kb: Path) -> None:
    created = json.loads(pmops("process", "new", "Sprint planning", "--kind", "sprint-planning", "--json").stdout)
    path = hooked_kb / created["path"]
    good = path.read_text()
    path.write_text(good.replace("## Steps", "## Next steps"))
    refused = commit(hooked_kb, created["path"])
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert f"{created['path']}:" in output and "section-missing error missing section 'Steps'" in output
    assert git(hooked_kb, "log", "-1", "--format=%s").startswith("pmops: add process")
    path.write_text(good.replace("## Purpose", "## Purpose\n\nAgreed at the offsite."))
    accepted = commit(hooked_kb, created["path"])
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert git(hooked_kb, "log", "-1", "--format=%s").strip() == "edit"


def test_pmops_commits_run_the_hook_without_deadlock(pmops, hooked_kb: Path) -> None:
    done = subprocess.run([PMOPS, "insight", "add", "--title", "Hooked", "--source", "survey", "--json"],
                          cwd=hooked_kb, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert git(hooked_kb, "log", "-1", "--name-only", "--format=").split() == [json.loads(done.stdout)["path"]]
    # A document the hook rejects: the insight stays on disk, unstaged, and the error says so.
    done = subprocess.run([PMOPS, "insight", "add", "--title", "Card", "--source", "survey", "--quote",
                           "my card is 4111 1111 1111 1111"], cwd=hooked_kb, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1 and "did not commit it" in done.stderr
    assert git(hooked_kb, "diff", "--cached", "--name-only") == ""


def test_the_published_hook_installs_and_lints(hooked_kb: Path, tmp_path: Path) -> None:
    """`pre-commit try-repo` builds pmops from this repository, as a team's config would."""
    if not (ROOT / ".git").exists():
        pytest.skip("needs this repository's git history")
    bad = hooked_kb / "insights" / "bad.md"
    bad.write_text("---\nid: ins-261126-aaaa\ntitle: no source\ndate: 2026-11-26\n---\n")
    done = subprocess.run([BIN + "/pre-commit", "try-repo", str(ROOT), "pmops-lint", "--files", "insights/bad.md"],
                          cwd=hooked_kb, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 1
    assert "insights/bad.md:1: field-missing error missing required field 'source'" in done.stdout
