"""Sharing a KB through a bare remote: sync, conflicts, the change log, and doctor."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import Result

from tests.conftest import Runner, git, merge_conflict


def run(cwd: Path, *args: str, code: int | None = 0) -> Result:
    """`pmops ARGS` with `cwd` the current folder (the tests here go from one clone to the other), in
    this process as `pmops` runs the CLI: what it printed and its exit code, as from a process of its own,
    without a Python started and pmops imported for each of the 38 commands."""
    back = os.getcwd()
    os.chdir(cwd)
    try:
        return Runner()(*args, code=code)
    finally:
        os.chdir(back)


@pytest.fixture
def clones(tmp_path: Path) -> tuple[Path, Path]:
    """Two clones of one KB through a bare remote, each tracking it."""
    first = tmp_path / "first"
    run(tmp_path, "init", str(first))
    git(tmp_path, "clone", "-q", "--bare", str(first), str(tmp_path / "remote.git"))
    git(first, "remote", "add", "origin", str(tmp_path / "remote.git"))
    git(first, "fetch", "-q", "origin")
    git(first, "branch", "-q", "--set-upstream-to=origin/main")
    git(tmp_path, "clone", "-q", str(tmp_path / "remote.git"), str(tmp_path / "second"))
    return first, tmp_path / "second"


def titles(kb: Path, query: str) -> list[str]:
    return sorted(h["title"] for h in json.loads(run(kb, "search", query, "--json", "--limit", "50").stdout))


@pytest.mark.heavy
def test_two_clones_add_retag_and_sync_without_losing_anything(clones: tuple[Path, Path]) -> None:
    first, second = clones
    run(first, "insight", "add", "--title", "Alpaca pricing feedback", "--source", "survey", "--tag", "pricing")
    run(
        second,
        "insight",
        "add",
        "--title",
        "Alpaca onboarding feedback",
        "--source",
        "interview",
        "--tag",
        "onboarding",
    )
    assert run(first, "sync").stdout.startswith("pulled 0 commits, pushed 1 commit; index +")
    assert run(second, "sync").stdout.startswith("pulled 1 commit, pushed 1 commit; index +")
    run(second, "tags", "rename", "pricing", "monetisation")
    run(second, "sync")
    assert "pulled 2 commits" in run(first, "sync").stdout
    for kb in (first, second):
        assert titles(kb, "alpaca") == ["Alpaca onboarding feedback", "Alpaca pricing feedback"]
        assert titles(kb, "tag:monetisation") == ["Alpaca pricing feedback"]
        assert git(kb, "status", "--porcelain") == ""
    assert git(first, "rev-parse", "HEAD") == git(second, "rev-parse", "HEAD")
    log = json.loads(run(first, "log", "--limit", "10", "--json").stdout)
    subjects = [c["subject"] for c in log]
    assert any("Alpaca pricing" in s for s in subjects) and any("Alpaca onboarding" in s for s in subjects)
    assert any(d["title"] == "Alpaca pricing feedback" for c in log for d in c["documents"])


def test_a_real_conflict_stops_clearly_and_loses_nothing(clones: tuple[Path, Path]) -> None:
    first, second = clones
    for kb, text in ((first, "first clone's words"), (second, "second clone's words")):
        readme = kb / "README.md"
        readme.write_text(readme.read_text() + f"\n{text}\n")
        git(kb, "commit", "-qam", f"edit by {text}")
    run(first, "sync")
    stopped = run(second, "sync", code=1)
    assert (
        "sync stopped: 1 conflicting file (README.md); your commits are kept" in stopped.stderr
        and "git rebase --continue" in stopped.stderr
    )
    assert (second / ".git" / "rebase-merge").exists() or (second / ".git" / "rebase-apply").exists()
    # A sync during that rebase says so (it said "the current branch tracks no remote branch").
    again = run(second, "sync", code=1).stderr.splitlines()
    assert again == [f"error: cannot sync: a rebase is in progress in {second}",
                     "hint: finish it with 'git rebase --continue' or 'git rebase --abort'"]  # fmt: skip
    git(second, "rebase", "--abort")
    assert "second clone's words" in (second / "README.md").read_text()  # the local commit is still there
    assert git(second, "log", "-1", "--format=%s").strip() == "edit by second clone's words"


def test_sync_without_a_remote_explains_how_to_add_one(pmops, kb: Path) -> None:
    result = pmops("sync", code=1)
    assert "no git remote" in result.stderr and "git remote add origin" in result.stderr
    assert "--limit" in pmops("log", "--limit", "0", code=2).stderr


def test_doctor_is_clean_then_names_each_problem_with_its_fix(kb: Path) -> None:
    run(kb, "insight", "add", "--title", "t", "--source", "survey")
    run(kb, "index")
    healthy = run(kb, "doctor")
    assert "✓ repository" in healthy.stdout and "✗" not in healthy.stdout
    assert "✓ index freshness: 2 documents; caught up 0 changes\n" in healthy.stdout  # README.md and the insight
    (kb / "notes.md").write_text("# Notes\n")
    assert "✓ index freshness: 3 documents; caught up 1 change\n" in run(kb, "doctor").stdout
    (kb / "notes.md").unlink()
    # A conflicted file (a merge stopped half-way), a stale git lock, a damaged index (its files gone).
    merge_conflict(kb)
    (kb / ".git" / "index.lock").write_text("")
    shutil.rmtree(kb / ".git" / "pmops" / "index")
    (kb / ".git" / "pmops" / "index").mkdir()
    sick = run(kb, "doctor", "--json", code=1)
    failed = {c["check"]: c for c in json.loads(sick.stdout) if not c["ok"]}
    assert set(failed) >= {"git lock", "index", "conflicts", "repository"}
    assert "README.md" in failed["conflicts"]["detail"]
    assert all(c["fix"] for c in failed.values())
    (kb / ".git" / "index.lock").unlink()
    git(kb, "merge", "--abort")
    (kb / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    run(kb, "index", "--rebuild")
    unreadable = {c["check"]: c for c in json.loads(run(kb, "doctor", "--json", code=1).stdout) if not c["ok"]}
    assert unreadable["unreadable files"]["detail"].startswith("1 file cannot be read: broken.md: ")
    (kb / "broken.md").unlink()
    # A command killed while writing leaves its temporary file (git ignores it).
    (kb / "insights" / ".ins-x.md.4242.0.pmops-tmp").write_text("---\n")
    assert git(kb, "status", "--porcelain") == ""
    left = {c["check"]: c for c in json.loads(run(kb, "doctor", "--json", code=1).stdout) if not c["ok"]}
    assert set(left) == {"leftover files"}
    assert (
        left["leftover files"]["detail"]
        == "1 temporary file of a stopped pmops command: insights/.ins-x.md.4242.0.pmops-tmp"
    )


def test_log_names_files_once_and_counts_the_rest(pmops, kb: Path) -> None:
    for n in range(1, 10):
        (kb / f"n{n}.txt").write_text(f"{n}\n")
    git(kb, "add", ".")
    git(kb, "commit", "-qm", "nine files")
    lines = pmops("log", "--limit", "1").stdout.splitlines()
    assert lines[0].endswith(" Test PM nine files")
    assert lines[1:] == [f"    n{n}.txt" for n in range(1, 9)] + ["    … and 1 more file"]


def test_log_names_files_of_any_name_as_they_are(pmops, kb: Path) -> None:
    """git quoted non-ASCII names ("notes/caf\\303\\251.md"), so they were neither found nor titled."""
    (kb / "notes").mkdir()
    (kb / "notes" / "café crème.md").write_text("# Café notes\n")
    (kb / "résumé.txt").write_text("x\n")
    git(kb, "add", ".")
    git(kb, "commit", "-qm", "accents")
    assert pmops("log", "--limit", "1").stdout.splitlines()[1:] == [
        "    Café notes notes/café crème.md",
        "    résumé.txt",
    ]
    documents = json.loads(pmops("log", "--limit", "2", "--json").stdout)[0]["documents"]
    assert documents == [
        {"path": "notes/café crème.md", "title": "Café notes"},
        {"path": "résumé.txt", "title": "résumé.txt"},
    ]


def test_log_of_a_repository_without_commits_says_so(tmp_path: Path) -> None:
    run(tmp_path, "init", str(tmp_path / "kb"), "--no-commit")
    git(tmp_path / "kb", "init", "-q")
    assert run(tmp_path / "kb", "log").stdout == "no changes yet: the KB's repository has no commits\n"
    assert run(tmp_path / "kb", "log", "--json").stdout.strip() == "[]"


def test_sync_auto_pushes_in_the_background_and_never_fails_a_write(clones: tuple[Path, Path], tmp_path: Path) -> None:
    import time

    first, _ = clones
    config = first / "pmops.yaml"
    config.write_text(config.read_text() + "sync: auto\n")
    git(first, "commit", "-qam", "sync automatically")
    run(first, "insight", "add", "--title", "Pushed by itself", "--source", "survey")
    remote = tmp_path / "remote.git"
    deadline = time.monotonic() + 30
    while "Pushed by itself" not in git(remote, "log", "-1", "--format=%s") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "Pushed by itself" in git(remote, "log", "-1", "--format=%s")
    # With the remote gone, writes still succeed at once; the failure is logged.
    shutil.rmtree(remote)
    started = time.monotonic()
    run(first, "insight", "add", "--title", "Offline write", "--source", "survey")
    assert time.monotonic() - started < 10
    assert git(first, "log", "-1", "--format=%s").startswith("pmops: add insight")
    time.sleep(1)
    assert "could not" in (first / ".git" / "pmops" / "sync.log").read_text()


def test_uncommitted_edits_a_teammate_s_commits_also_change_stop_the_sync_before_it_pulls(
    clones: tuple[Path, Path],
) -> None:
    """It reported "pulled 1 commit" and left README.md conflicted (UU), the edit in a stash."""
    first, second = clones
    (first / "README.md").write_text((first / "README.md").read_text() + "first clone's line\n")
    git(first, "commit", "-qam", "first clone's edit")
    run(first, "sync")
    mine = (second / "README.md").read_text() + "second clone's uncommitted line\n"
    (second / "README.md").write_text(mine)
    (second / "taxonomy.yaml").write_text((second / "taxonomy.yaml").read_text() + "# mine, unrelated\n")
    head = git(second, "rev-parse", "HEAD")
    stopped = run(second, "sync", code=1).stderr.splitlines()
    assert stopped == [
        "error: sync stopped before pulling: origin/main changed 1 file with uncommitted changes here (README.md); "
        "your changes are untouched",
        "hint: commit them (git commit), then pmops sync: a conflict then stops in a rebase you can finish or undo"]  # fmt: skip
    assert (second / "README.md").read_text() == mine and git(second, "rev-parse", "HEAD") == head
    assert git(second, "status", "--porcelain").splitlines() == [" M README.md", " M taxonomy.yaml"]
    assert git(second, "stash", "list") == ""
    # Committed, the edit meets the teammate's in a rebase that can be finished or undone.
    git(second, "commit", "-qm", "second clone's edit", "--", "README.md")
    assert "sync stopped: 1 conflicting file (README.md)" in run(second, "sync", code=1).stderr
    git(second, "rebase", "--abort")
    git(second, "reset", "-q", "--hard", "HEAD~1")  # the test gives the edit up; the unrelated one stays
    (second / "taxonomy.yaml").write_text((second / "taxonomy.yaml").read_text() + "# mine, unrelated\n")
    # An uncommitted edit the incoming commits do not touch is kept through the sync.
    assert run(second, "sync").stdout.startswith("pulled 1 commit, pushed 0 commits")
    assert git(second, "status", "--porcelain").splitlines() == [" M taxonomy.yaml"]
    assert "first clone's line" in (second / "README.md").read_text() and git(second, "stash", "list") == ""


def test_an_untracked_file_in_the_way_and_a_missing_remote_are_said_with_their_fix(
    clones: tuple[Path, Path], tmp_path: Path
) -> None:
    """git said only "Aborting", and "... and the repository exists." for a remote path that does not."""
    first, second = clones
    (first / "notes.md").write_text("# The first clone's notes\n")
    git(first, "add", "notes.md")
    git(first, "commit", "-qm", "notes")
    run(first, "sync")
    (second / "notes.md").write_text("# My own notes\n")
    stopped = run(second, "sync", code=1).stderr.splitlines()
    assert stopped == ["error: sync stopped before pulling: origin/main brings 1 file already here, untracked (notes.md); "
                       "nothing was changed", "hint: move yours out of the way (or commit them), then pmops sync"]  # fmt: skip
    assert (second / "notes.md").read_text() == "# My own notes\n"
    (second / "notes.md").rename(tmp_path / "my-notes.md")
    assert run(second, "sync").stdout.startswith(
        "pulled 1 commit, pushed 0 commits"
    )  # the fetch of the stopped sync counts
    gone = tmp_path / "moved.git"
    git(second, "remote", "set-url", "origin", str(gone))
    head = git(second, "rev-parse", "HEAD")
    assert run(second, "sync", code=1).stderr.splitlines() == [
        f"error: could not fetch from origin: '{gone}' does not appear to be a git repository; nothing was changed",
        "hint: check the network and its address (git remote -v; change it with: git remote set-url origin URL)"]  # fmt: skip
    assert git(second, "rev-parse", "HEAD") == head


def test_a_conflicted_stash_pop_is_not_called_a_merge(pmops, kb: Path) -> None:
    """Unmerged paths with no merge in progress: the hint said 'git merge --abort'."""
    readme = kb / "README.md"
    readme.write_text("my edit\n")
    git(kb, "stash", "-q")
    readme.write_text("a committed edit\n")
    git(kb, "commit", "-qam", "edit")
    git(kb, "stash", "pop", check=False)
    error = pmops("insight", "add", "--title", "t", "--source", "survey", code=1).stderr.splitlines()
    assert error == ["error: cannot commit: unmerged paths in the repository (e.g. README.md)",
                     "hint: resolve the conflict markers in them and 'git add' them (a 'git stash pop' that conflicted "
                     "kept its stash: git stash list)"]  # fmt: skip


def test_doctor_on_a_new_kb_finds_nothing_wrong(pmops, kb: Path) -> None:
    """A KB nobody has searched yet has no index: that is normal, and the first search builds it."""
    result = pmops("doctor")
    assert "✓ index: not built yet: the first search (or pmops index) builds it" in result.stdout
    assert "✗" not in result.stdout


def _commit_as(kb: Path, name: str, day: str, message: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T12:00:00", "GIT_COMMITTER_DATE": f"{day}T12:00:00"}
    who = ["-c", f"user.name={name}", "-c", f"user.email={name.split()[0].lower()}@example.com"]
    subprocess.run(["git", *who, "add", "."], cwd=kb, check=True, env=env)
    subprocess.run(["git", *who, "commit", "-qm", message], cwd=kb, check=True, env=env)


def test_log_by_day_author_and_type(pmops, kb: Path) -> None:
    (kb / "insights" / "ins-250101-aaaa-old.md").write_text(
        "---\nid: ins-250101-aaaa\ntitle: Heard long ago\nsource: survey\ndate: 2025-01-01\n---\n\nOld.\n"
    )
    _commit_as(kb, "Priya Nair", "2025-01-02", "an old insight")
    (kb / "notes.txt").write_text("x\n")
    _commit_as(kb, "Priya Nair", "2025-03-01", "notes")
    pmops("insight", "add", "--title", "Heard today", "--source", "survey")
    pmops("decision", "add", "--title", "Decided today")

    def subjects(*args: str) -> list[str]:
        return [c["subject"] for c in json.loads(pmops("log", *args, "--json").stdout)]

    assert subjects("--author", "priya") == ["notes", "an old insight"]
    assert subjects("--author", "PRIYA@example") == ["notes", "an old insight"]
    assert subjects("--author", "priya", "--limit", "1") == ["notes"]
    assert subjects("--type", "insight") == [s for s in subjects() if "insight" in s]
    assert subjects("--type", "insight", "--author", "priya") == ["an old insight"]
    decided = subjects("--type", "decision")
    assert len(decided) == 1 and decided[0].startswith("pmops: add decision")
    today = subjects("--since", dt.date.today().isoformat())
    assert len(today) >= 2 and "notes" not in today and "an old insight" not in today
    assert subjects("--since", "2025-02-01", "--author", "priya") == ["notes"]
    # an author no commit has is a filter that cannot match: exit 2 with the nearest name, as every unknown filter
    nobody = pmops("log", "--author", "nobody", code=2).stderr.splitlines()
    assert nobody[0] == "error: --author: no commit by 'nobody'" and nobody[1].startswith("hint: authors: ")
    typo = pmops("log", "--author", "Priya Nar", code=2).stderr.splitlines()
    assert typo == ["error: --author: no commit by 'Priya Nar'", "hint: did you mean 'Priya Nair'?"]
    assert pmops("log", "--author", "priya", "--since", "2025-06-01").stdout == "no changes match\n"  # by her, not then
    assert "unknown document type 'insigth'" in pmops("log", "--type", "insigth", code=2).stderr
    # A commit of documents of two types: --type names only its documents of that type.
    (kb / "insights" / "ins-250201-bbbb-both.md").write_text(
        "---\nid: ins-250201-bbbb\ntitle: Heard with a decision\nsource: survey\ndate: 2025-02-01\n---\n\nX.\n"
    )
    (kb / "decisions").mkdir(exist_ok=True)
    (kb / "decisions" / "dec-250201-cccc-both.md").write_text(
        "---\nid: dec-250201-cccc\ntitle: Decided with an insight\nstatus: proposed\ndate: 2025-02-01\n---\n\nX.\n"
    )
    _commit_as(kb, "Priya Nair", "2025-02-02", "both")
    both = next(c for c in json.loads(pmops("log", "--type", "decision", "--json").stdout) if c["subject"] == "both")
    assert both["documents"] == [{"path": "decisions/dec-250201-cccc-both.md", "title": "Decided with an insight"}]
    text = pmops("log", "--type", "insight").stdout
    assert "Heard with a decision" in text and "Decided with an insight" not in text
    assert "Decided with an insight" in pmops("log").stdout
    assert "--since" in pmops("log", "--since", "someday", code=2).stderr


def test_log_since_takes_a_length_as_digest_since_does(pmops, kb: Path) -> None:
    """30d, 4w, 3m: the last N days, today among them, through digest's parser; a day after today is exit 2."""
    (kb / "notes.txt").write_text("x\n")
    _commit_as(kb, "Priya Nair", (dt.date.today() - dt.timedelta(days=10)).isoformat(), "ten days ago")
    pmops("insight", "add", "--title", "Heard today", "--source", "survey")

    def subjects(*args: str) -> list[str]:
        return [c["subject"] for c in json.loads(pmops("log", *args, "--json").stdout)]

    recent = subjects("--since", "3d")
    assert recent[0].startswith("pmops: add insight") and "ten days ago" not in recent
    assert subjects("--since", "3 days") == recent
    assert "ten days ago" in subjects("--since", "4w") and "ten days ago" in subjects("--since", "11d")
    assert "ten days ago" not in subjects("--since", "10d")  # the last 10 days: today and the 9 before
    assert subjects("--since", "3m") == subjects("--since", (dt.date.today() - dt.timedelta(days=89)).isoformat())
    said = pmops("log", "--since", "0d", code=2).stderr
    assert said.startswith("error: --since: '0d' is no length of time, e.g. --since 30d")
    bad = pmops("log", "--since", "someday", code=2).stderr.splitlines()
    assert bad[1] == "hint: give a date (2026-11-02) or a length (30d, 4w, 3m)"
    assert pmops("log", "--since", "2099-01-01", code=2).stderr.startswith("error: --since: 2099-01-01 is after today")
