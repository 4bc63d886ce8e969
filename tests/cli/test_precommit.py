"""The pre-commit hook, run by the real `pre-commit` on a real repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PMOPS, ROOT, from_template, git

BIN = str(Path(sys.executable).parent)


@pytest.fixture
def hooked_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A KB made by `pmops init`, with its pre-commit hook installed, and pmops on PATH: made once per
    test process (two processes, 0.7 s), then copied, the hook with it."""
    monkeypatch.setenv("PATH", BIN + os.pathsep + os.environ["PATH"])
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-cache"))
    root = from_template("hooked", _hooked, tmp_path / "kb")
    monkeypatch.chdir(root)
    return root


def _hooked(root: Path) -> None:
    subprocess.run([PMOPS, "init", str(root)], check=True, capture_output=True)
    subprocess.run([BIN + "/pre-commit", "install"], cwd=root, check=True, capture_output=True)


def off_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """PATH without pmops, as when a team installs it in a project virtualenv: git, sh and a
    Python without pmops remain."""
    folders = sorted({str(Path(shutil.which(tool)).parent) for tool in ("git", "sh")})
    monkeypatch.setenv("PATH", os.pathsep.join(folders))
    assert shutil.which("pmops") is None


def add_insight(*args: str) -> subprocess.CompletedProcess:
    """`pmops insight add` by its full path (pmops is not on PATH)."""
    return subprocess.run([PMOPS, "insight", "add", "--source", "survey", *args],
                          capture_output=True, text=True, timeout=120)  # fmt: skip


BROKEN_LINK = ("--body", "Customers asked for the export in [the brief](briefs/export.md).")


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
    done = subprocess.run([PMOPS, "insight", "add", "--title", "Brief", "--source", "survey", *BROKEN_LINK],
                          cwd=hooked_kb, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1 and "did not commit it" in done.stderr
    assert git(hooked_kb, "diff", "--cached", "--name-only") == ""


@pytest.mark.heavy
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


def test_pmops_in_a_virtualenv_off_path_commits_through_the_hook(
    hooked_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue: `.venv/bin/pmops insight add` with the hook installed failed with "Executable
    `pmops` not found", shown as pre-commit's "Restored changes from …"."""
    off_path(monkeypatch)
    (hooked_kb / "README.md").write_text("my unstaged edit\n")  # pre-commit stashes it, and says so
    done = add_insight("--title", "From the venv", "--json")
    assert done.returncode == 0, done.stderr
    assert git(hooked_kb, "log", "-1", "--name-only", "--format=").split() == [json.loads(done.stdout)["path"]]
    # The hook did run (with the pmops making the commit): lint blocks a broken link.
    refused = add_insight("--title", "Export brief", *BROKEN_LINK)
    assert refused.returncode == 1
    assert (f"the pre-commit hook pmops-lint failed: {_saved(refused.stderr)}:8: link-broken error link to missing "
            "file 'insights/briefs/export.md'; 1 file: 1 error, 0 warnings\n") in refused.stderr  # fmt: skip
    assert "Restored changes" not in refused.stderr and "saved insights/" in refused.stderr
    assert "did not commit it" in refused.stderr
    assert git(hooked_kb, "diff", "--cached", "--name-only") == ""
    assert git(hooked_kb, "status", "--porcelain").splitlines() == [" M README.md", f"?? {_saved(refused.stderr)}"]


def _saved(stderr: str) -> str:
    return stderr.split("saved ", 1)[1].split(" ", 1)[0]


@pytest.mark.heavy
def test_a_git_commit_from_a_shell_without_pmops_on_path_still_lints(
    hooked_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A teammate's fresh clone, pmops in a virtualenv, `git commit` from a shell where it is not
    active: the hook finds pmops in the repository's .venv, or where pmops last committed."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(hooked_kb), str(clone))
    subprocess.run([BIN + "/pre-commit", "install"], cwd=clone, check=True, capture_output=True)
    monkeypatch.chdir(clone)
    off_path(monkeypatch)
    bad = clone / "insights" / "bad.md"
    bad.write_text("---\nid: ins-261126-aaaa\ntitle: no source\ndate: 2026-11-26\n---\n")
    # No pmops anywhere the hook looks: one line saying how to fix it, and no commit.
    refused = commit(clone, "insights/bad.md")
    assert refused.returncode == 1
    assert "pmops-lint: pmops not found (not on PATH, in no virtualenv this clone knows)" in refused.stderr
    # The clone's own virtualenv, at the top of the repository (here a link to the one running the tests).
    (clone / ".venv").symlink_to(Path(sys.executable).parents[1], target_is_directory=True)
    refused = commit(clone, "insights/bad.md")
    assert (
        refused.returncode == 1
        and "insights/bad.md:1: field-missing error missing required field 'source'" in refused.stdout + refused.stderr
    )
    (clone / ".venv").unlink()
    # Where pmops last committed in this clone: pmops notes its Python, and the hook uses it.
    git(clone, "reset", "-q")
    assert add_insight("--title", "First write in the clone").returncode == 0
    refused = commit(clone, "insights/bad.md")
    assert refused.returncode == 1 and "missing required field 'source'" in refused.stdout + refused.stderr
    bad.write_text(bad.read_text().replace("title:", "source: survey\ntitle:"))
    accepted = commit(clone, "insights/bad.md")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert git(clone, "log", "-1", "--format=%s").strip() == "edit"


FREEZE = """repos:
  - repo: local
    hooks:
      - id: release-freeze
        name: release freeze
        entry: >-
          sh -c 'echo "release freeze until Monday: ask #releases before committing" >&2; exit 1'
        language: system
        pass_filenames: false
"""


def test_a_failing_hook_s_own_message_reaches_the_user(
    pmops, kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-cache"))
    (kb / ".pre-commit-config.yaml").write_text(FREEZE)
    git(kb, "commit", "-qm", "freeze", "--no-verify", "--", ".pre-commit-config.yaml")
    subprocess.run([BIN + "/pre-commit", "install"], cwd=kb, check=True, capture_output=True)
    (kb / "notes.md").write_text("# my staged draft\n")
    git(kb, "add", "notes.md")
    (kb / "README.md").write_text("my unstaged edit\n")  # pre-commit stashes and restores it, and says so last
    before = git(kb, "rev-parse", "HEAD")
    result = pmops("insight", "add", "--title", "Frozen", "--source", "survey", code=1)
    error = result.stderr.strip().splitlines()
    assert error[0] == (f"error: saved {_saved(result.stderr)} but did not commit it: the pre-commit hook release-freeze "
                        "failed: release freeze until Monday: ask #releases before committing")  # fmt: skip
    assert error[1:] == ["hint: fix the problem, then commit the files with git"]
    assert (kb / _saved(result.stderr)).read_text().startswith("---\nid: ins-")
    assert git(kb, "rev-parse", "HEAD") == before
    assert git(kb, "status", "--porcelain").splitlines() == [
        " M README.md",
        "A  notes.md",
        f"?? {_saved(result.stderr)}",
    ]


STAMP = """repos:
  - repo: local
    hooks:
      - id: reviewed-stamp
        name: reviewed stamp
        entry: sh -c 'for f in "$@"; do printf "Reviewed.\\n" >> "$f"; git add -- "$f"; done' --
        language: system
        files: ^insights/
"""


def test_a_hook_that_changes_and_stages_a_file_leaves_the_commit_as_the_index(
    pmops, kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A formatter-like hook: its change is in the commit; git's index held the file as before the
    hook (`MM`), so the user's next commit undid the hook's change."""
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-cache"))
    (kb / ".pre-commit-config.yaml").write_text(STAMP)
    git(kb, "commit", "-qm", "stamp", "--no-verify", "--", ".pre-commit-config.yaml")
    subprocess.run([BIN + "/pre-commit", "install"], cwd=kb, check=True, capture_output=True, timeout=60)
    (kb / "notes.md").write_text("# my staged draft\n")
    git(kb, "add", "notes.md")
    created = json.loads(pmops("insight", "add", "--title", "Stamped", "--source", "survey", "--json").stdout)
    assert git(kb, "show", f"HEAD:{created['path']}").endswith("Reviewed.\n")
    assert (kb / created["path"]).read_text().endswith("Reviewed.\n")
    assert git(kb, "status", "--porcelain").splitlines() == ["A  notes.md"]  # the user's staging as it was
    git(kb, "commit", "-qm", "my draft")
    assert git(kb, "show", "--name-only", "--format=", "HEAD").split() == ["notes.md"]
