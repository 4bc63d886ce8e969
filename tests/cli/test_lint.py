"""`pmops lint`: findings with rule ids, lines and exit codes; pages and foreign files never crash it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CORPORA

VALID = "---\nid: ins-261126-aaaa\ntitle: T\ndate: 2026-11-26\nsource: interview\ntags: [pricing]\n---\nBody\n"


def write(kb: Path, name: str, text: str) -> Path:
    path = kb / "insights" / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "rule", "line"),
    [
        (VALID.replace("source: interview\n", ""), "field-missing", 1),
        (VALID.replace("interview", "carrier-pigeon"), "field-choice", 5),
        (VALID.replace("2026-11-26\nsource", "26/11/2026\nsource"), "field-date", 4),
        (VALID.replace("title: T", "title: [a, b]"), "field-invalid", 3),
        (VALID.replace("[pricing]", "[pricng]"), "tag-unknown", 6),
        (VALID.replace("[pricing]", "[perf]"), "tag-synonym", 6),
        (VALID.replace("title: T", "title: T\ntitle: U"), "frontmatter-invalid", 4),
        (VALID + "<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n", "conflict-markers", 9),
    ],
)
def test_each_rule_names_file_line_and_rule(pmops, kb: Path, text: str, rule: str, line: int) -> None:
    write(kb, "doc.md", text)
    result = pmops("lint", "--json", code=None)
    findings = json.loads(result.stdout)
    assert [(f["path"], f["rule"], f["line"]) for f in findings] == [("insights/doc.md", rule, line)]
    severity = findings[0]["severity"]
    assert result.exit_code == (1 if severity == "error" else 0)
    human = pmops("lint", code=None).stdout
    assert human.startswith(f"insights/doc.md:{line}: {rule} {severity} ")
    if severity == "warning":
        pmops("lint", "--strict", code=1)


def test_clean_kb_and_duplicate_ids(pmops, kb: Path) -> None:
    write(kb, "a.md", VALID)
    pmops("lint")
    write(kb, "b.md", VALID)
    findings = json.loads(pmops("lint", "--json", code=1).stdout)
    assert [(f["rule"], f["path"]) for f in findings] == [("id-duplicate", "insights/b.md")]


def test_lint_given_paths_only_and_a_missing_path(pmops, kb: Path) -> None:
    write(kb, "bad.md", "---\nid: ins-261126-aaaa\n---\n")
    (kb / "ok").mkdir()
    (kb / "ok" / "page.md").write_text("# fine\n")
    pmops("lint", "ok")
    pmops("lint", "ok/page.md")
    pmops("lint", "insights", code=1)
    assert "nope.md: no such file" in pmops("lint", "nope.md", code=2).stderr


def test_lint_never_writes(pmops, kb: Path) -> None:
    path = write(kb, "doc.md", VALID.replace("[pricing]", "[perf]"))
    before = path.read_bytes()
    pmops("lint")
    assert path.read_bytes() == before


def test_every_corpus_file_lints_without_crashing(pmops, tmp_path: Path) -> None:
    if not CORPORA.is_dir():
        pytest.skip("the shared corpora are not beside this checkout")
    import shutil

    root = tmp_path / "corpora"
    shutil.copytree(CORPORA, root)
    pmops("init", root, "--no-commit")
    result = pmops("--kb", root, "lint", "--json", code=None)
    assert result.exit_code in (0, 1)
    for finding in json.loads(result.stdout):
        assert finding["path"] and finding["line"] >= 1
