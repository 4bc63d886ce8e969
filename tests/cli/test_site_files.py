"""Files a page links to: published only when git tracks them, and the build says which it kept back."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import git

TODAY = "2026-12-01"


def test_only_files_git_tracks_are_published_and_the_build_says_which_are_not(pmops, example_kb: Path) -> None:
    (example_kb / ".env").write_text("TOKEN=abc\n")
    with open(example_kb / ".gitignore", "a") as handle:
        handle.write("credentials.yaml\n")
    (example_kb / "credentials.yaml").write_text("password: hunter2\n")
    (example_kb / "handbook/tracked.txt").write_text("committed\n")
    git(example_kb, "add", ".gitignore", "handbook/tracked.txt")
    git(example_kb, "commit", "-qm", "files")
    (example_kb / "handbook/notes.txt").write_text("nobody added me\n")
    (example_kb / "handbook/escape.md").write_text(
        "---\ntitle: Escape test\n---\n[env](../.env) [git](../.git/config) [creds](../credentials.yaml) "
        "[notes](notes.txt) [tracked](tracked.txt)\n"
    )
    result = pmops("site", "build", "--today", TODAY)
    out = example_kb / "_site"
    assert (out / "handbook/tracked.txt").is_file()
    for leak in (".env", ".git/config", "credentials.yaml", "handbook/notes.txt"):
        assert not (out / leak).exists(), leak
    warning = [line for line in result.stderr.splitlines() if "not published" in line]
    assert warning == [
        "warning: 4 linked files not published (a dot-file, not tracked by git, or left out): .env, .git/config, "
        "credentials.yaml, handbook/notes.txt; the link is its text (on handbook/escape.html)"
    ]
    page = (out / "handbook/escape.html").read_text()
    assert 'href="../handbook/tracked.txt"' in page and "notes.txt" not in page.split("<main")[1].split("</main>")[0]
    # Added to git: published at the next build (the page links to it), without a change to the page's document.
    git(example_kb, "add", "handbook/notes.txt")
    built = json.loads(pmops("site", "build", "--today", TODAY, "--json").stdout)
    assert "handbook/notes.txt" in built["written_paths"] and (out / "handbook/notes.txt").is_file()
    assert 'href="../handbook/notes.txt"' in (out / "handbook/escape.html").read_text()
    # Ignored after all: no longer published, nor linked.
    git(example_kb, "rm", "-q", "--cached", "handbook/notes.txt")
    built = json.loads(pmops("site", "build", "--today", TODAY, "--json").stdout)
    assert "handbook/notes.txt" in built["removed_paths"] and not (out / "handbook/notes.txt").exists()
    assert {"page": "handbook/escape.html", "file": "handbook/notes.txt"} in built["withheld"]


def test_lint_warns_of_a_link_to_a_hidden_file(pmops, example_kb: Path) -> None:
    (example_kb / ".env").write_text("TOKEN=abc\n")
    (example_kb / "handbook/escape.md").write_text(
        "---\ntitle: Escape test\n---\n[env](../.env) [git](../.git/config) [tips](interview-tips.md)\n"
    )
    findings = json.loads(pmops("lint", "--json", "handbook/escape.md").stdout)
    assert [(f["rule"], f["severity"], f["line"], f["message"]) for f in findings] == [
        ("link-hidden", "warning", 4, "link to hidden file '.env'"),
        ("link-hidden", "warning", 4, "link to hidden file '.git/config'"),
    ]
