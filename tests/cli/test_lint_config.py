"""`lint.rules` in pmops.yaml: a rule's severity (error, warning, off) and the paths it ignores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git

BROKEN = "# Page\n\nSee [the missing guide](missing.md).\n"


@pytest.fixture
def two_broken(kb: Path) -> Path:
    """One broken link in handbook/, one in archive/old/: both link-broken errors by default."""
    for folder in ("handbook", "archive/old"):
        (kb / folder).mkdir(parents=True)
        (kb / folder / "page.md").write_text(BROKEN)
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "pages")
    return kb


def configure(kb: Path, lint: str) -> None:
    path = kb / "pmops.yaml"
    path.write_text(path.read_text() + lint)


def found(pmops, *args: str, code: int) -> list[tuple[str, str]]:
    return [(f["path"], f["severity"]) for f in json.loads(pmops("lint", "--json", *args, code=code).stdout)]


def test_by_default_both_are_errors(pmops, two_broken: Path) -> None:
    assert found(pmops, code=1) == [("archive/old/page.md", "error"), ("handbook/page.md", "error")]


def test_a_rule_made_a_warning_no_longer_fails_lint_unless_strict(pmops, two_broken: Path) -> None:
    configure(two_broken, "lint:\n  rules:\n    link-broken: {severity: warning}\n")
    assert found(pmops, code=0) == [("archive/old/page.md", "warning"), ("handbook/page.md", "warning")]
    assert found(pmops, "--strict", code=1) == [("archive/old/page.md", "warning"), ("handbook/page.md", "warning")]
    assert "3 files: 0 errors, 2 warnings" in pmops("lint", code=0).stderr


def test_a_rule_turned_off_reports_nothing_and_the_short_form_is_a_severity(pmops, two_broken: Path) -> None:
    configure(two_broken, "lint:\n  rules:\n    link-broken: off\n")
    assert found(pmops, code=0) == []


def test_ignored_paths_skip_the_rule_there_only(pmops, two_broken: Path) -> None:
    configure(two_broken, 'lint:\n  rules:\n    link-broken: {ignore: ["archive/**"]}\n')
    assert found(pmops, code=1) == [("handbook/page.md", "error")]
    assert found(pmops, "archive", code=0) == []  # named on the command line: still ignored


def test_an_ignored_path_that_matches_no_file_is_said_as_a_typo_would_ignore_nothing(pmops, two_broken: Path) -> None:
    configure(two_broken, 'lint:\n  rules:\n    link-broken: {ignore: ["archiv", "handbook/**"]}\n')
    warning = ("warning: pmops.yaml: lint.rules.link-broken.ignore 'archiv' matches no file in the KB: it ignores "
               "nothing (paths are the KB's, from its top: e.g. handbook/drafts/** for a folder)\n")  # fmt: skip
    result = pmops("lint", code=1)
    assert result.stdout.startswith("archive/old/page.md:3: link-broken error") and result.stderr.endswith(warning)
    assert pmops("lint", "--json", code=1).stderr == warning  # said whatever the format
    configure(two_broken, "")
    (two_broken / "pmops.yaml").write_text((two_broken / "pmops.yaml").read_text().replace('"archiv"', '"archive"'))
    assert "ignores nothing" not in pmops("lint", code=0).stderr  # every entry matches a file: nothing said


@pytest.mark.parametrize(
    ("ignore", "left"),
    [
        ('["old"]', ["handbook/page.md"]),  # a name without a slash: that folder anywhere
        ('["archive"]', ["handbook/page.md"]),  # a folder: everything under it
        ('["*/page.md"]', ["archive/old/page.md"]),  # `*` stays within one name
        ('["**/page.md"]', []),
        ('"handbook/page.md"', ["archive/old/page.md"]),  # one path, not a list
        ('["archive/*.md"]', ["archive/old/page.md", "handbook/page.md"]),
    ],
)
def test_ignore_globs_read_as_gitignore_does(pmops, two_broken: Path, ignore: str, left: list[str]) -> None:
    configure(two_broken, f"lint:\n  rules:\n    link-broken:\n      ignore: {ignore}\n")
    assert [path for path, _ in found(pmops, code=1 if left else 0)] == left


@pytest.mark.parametrize(
    ("lint", "message", "hint"),
    [
        ("lint:\n  rules:\n    link-brokn: warning\n", "'lint.rules.link-brokn': there is no lint rule 'link-brokn'",
         "did you mean 'link-broken'?"),
        ("lint:\n  rules:\n    link-broken: {severity: fatal}\n",
         "'lint.rules.link-broken.severity' must be error, warning or off, not 'fatal'", None),
        ("lint:\n  rules:\n    link-broken: fatal\n",
         "'lint.rules.link-broken.severity' must be error, warning or off, not 'fatal'", None),
        ("lint:\n  rules:\n    link-broken: {severty: warning}\n", "'lint.rules.link-broken.severty' is not a setting",
         "did you mean 'severity'?"),
        ("lint:\n  rules:\n    link-broken: {ignore: {archive: yes}}\n",
         "'lint.rules.link-broken.ignore' must be a list of paths or globs, e.g. [\"archive/**\"]", None),
        ("lint:\n  rules:\n    link-broken: [warning]\n",
         "'lint.rules.link-broken' must be a severity (error, warning, off) or a mapping (severity, ignore)", None),
        ("lint:\n  rules: [link-broken]\n", "'lint.rules' must map rule ids to their settings (severity, ignore)", None),
        ("lint:\n  rule:\n    link-broken: off\n", "'lint.rule' is not a setting", "lint takes 'rules'"),
        ("lint: strict\n", "'lint' must be a mapping with 'rules'", None),
    ],
)  # fmt: skip
def test_a_bad_setting_is_one_line_naming_the_key_exit_2(
    pmops, two_broken: Path, lint: str, message: str, hint
) -> None:
    configure(two_broken, lint)
    result = pmops("lint", code=2)
    assert result.stdout == ""
    assert result.stderr == f"error: pmops.yaml: {message}\n" + (f"hint: {hint}\n" if hint else "")
    assert git(two_broken, "status", "--porcelain") == " M pmops.yaml\n"  # nothing else written
