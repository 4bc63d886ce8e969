"""Finding the KB (--kb, PMOPS_KB, walking up), init, config errors and the global options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PMOPS, commit_count, git


def test_init_creates_everything_in_one_commit(pmops, tmp_path: Path) -> None:
    result = pmops("init", tmp_path / "acme", "--name", "Acme Product", "--json")
    data = json.loads(result.stdout)
    root = Path(data["root"])
    for rel in (
        "pmops.yaml",
        "taxonomy.yaml",
        ".gitignore",
        ".pre-commit-config.yaml",
        "README.md",
        "insights/.gitkeep",
    ):
        assert (root / rel).is_file(), rel
        assert rel in data["created"]
    assert commit_count(root) == 1 and git(root, "status", "--porcelain") == ""
    assert 'name: "Acme Product"' in (root / "pmops.yaml").read_text()
    assert "pmops lint" in (root / ".pre-commit-config.yaml").read_text()


def test_init_refuses_an_existing_kb_and_changes_nothing(pmops, kb: Path) -> None:
    before = {p: p.read_bytes() for p in kb.rglob("*") if p.is_file() and ".git" not in p.parts}
    head = git(kb, "rev-parse", "HEAD")
    result = pmops("init", kb, code=1)
    assert "already a knowledge base" in result.stderr
    assert {p: p.read_bytes() for p in kb.rglob("*") if p.is_file() and ".git" not in p.parts} == before
    assert git(kb, "rev-parse", "HEAD") == head


def test_init_without_a_folder_initialises_the_current_one_unless_it_is_in_a_kb(
    pmops, tmp_path: Path, monkeypatch
) -> None:
    root = tmp_path / "handbook"
    root.mkdir()
    monkeypatch.chdir(root)
    data = json.loads(pmops("init", "--json").stdout)
    assert data["root"] == str(root.resolve()) and "pmops.yaml" in data["created"]
    assert commit_count(root) == 1 and git(root, "status", "--porcelain") == ""
    head = git(root, "rev-parse", "HEAD")
    again = pmops("init", code=1).stderr
    assert again == f"error: {root.resolve()} is already a knowledge base (pmops.yaml exists); nothing changed\n"
    (root / "notes").mkdir()
    monkeypatch.chdir(root / "notes")
    inside = pmops("init", code=1).stderr.splitlines()
    assert inside == [
        f"error: {(root / 'notes').resolve()} is inside the knowledge base at {root.resolve()}; nothing changed",
        "hint: give a folder outside it: pmops init DIR",
    ]
    assert git(root, "rev-parse", "HEAD") == head and list((root / "notes").iterdir()) == []


def test_init_into_an_existing_folder_keeps_the_teams_files(pmops, tmp_path: Path) -> None:
    root = tmp_path / "handbook"
    root.mkdir()
    (root / "README.md").write_text("# Our handbook\n")
    data = json.loads(pmops("init", root, "--json").stdout)
    assert "README.md" in data["kept"] and (root / "README.md").read_text() == "# Our handbook\n"


def test_init_without_identity_leaves_no_trace(pmops, tmp_path: Path, isolated: Path) -> None:
    (isolated / ".gitconfig").write_text("")
    pmops("init", tmp_path / "new", code=1)
    assert not (tmp_path / "new").exists()


def test_discovery_order(pmops, kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (kb / "insights" / "deep").mkdir()
    monkeypatch.chdir(kb / "insights" / "deep")
    pmops("insight", "list")  # walks up to pmops.yaml
    monkeypatch.chdir(tmp_path)
    assert "no knowledge base found" in pmops("insight", "list", code=2).stderr
    monkeypatch.setenv("PMOPS_KB", str(kb))
    pmops("insight", "list")
    monkeypatch.setenv("PMOPS_KB", str(tmp_path / "nowhere"))
    assert "from PMOPS_KB" in pmops("insight", "list", code=2).stderr
    # --kb wins over PMOPS_KB, and is checked alone (no walking up from it).
    pmops("--kb", kb, "insight", "list")
    assert "from --kb" in pmops("--kb", kb / "insights", "insight", "list", code=2).stderr


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("name: x\nname: y\n", "pmops.yaml:2: duplicate key 'name'"),
        ("commit: maybe\n", "'commit' must be true or false"),
        ("sync: hourly\n", "'sync' must be manual or auto, not 'hourly'"),
        ("search_server: sometimes\n", "'search_server' must be auto, always or off, not 'sometimes'"),
        ("- a list\n", "must be a mapping"),
        ("types:\n  insight:\n    fields:\n      nps: {kind: percentage}\n", "types.insight.fields.nps.kind"),
        ("types:\n  Bad Name: {}\n", "type name 'Bad Name'"),
    ],
)
def test_invalid_config_is_one_clear_line(pmops, kb: Path, content: str, words: str) -> None:
    (kb / "pmops.yaml").write_text(content)
    result = pmops("insight", "list", code=2)
    assert words in result.stderr and "Traceback" not in result.stderr


def test_invalid_taxonomy_is_reported_with_its_line(pmops, kb: Path) -> None:
    (kb / "taxonomy.yaml").write_text("facets:\n  theme: [a, b\n")
    result = pmops("insight", "add", "--title", "t", "--source", "survey", "--tag", "a", code=2)
    assert result.stderr.startswith("error: taxonomy.yaml:")


def test_extra_fields_and_types_from_pmops_yaml(pmops, kb: Path) -> None:
    config = kb / "pmops.yaml"
    config.write_text(
        config.read_text()
        + "      segment: {choices: [smb, enterprise]}\n"
        + "  guide:\n    folder: guides\n    prefix: gde\n    fields:\n      owner: {required: true}\n"
    )
    assert (
        "--segment must be smb or enterprise, e.g. --segment smb"
        in pmops("insight", "add", "--title", "t", "--source", "survey", "--segment", "galactic", code=2).stderr
    )
    from pmops.kb import KnowledgeBase

    base = KnowledgeBase(kb)
    assert base.registry["guide"].field("owner").required
    created = base.create("guide", {"title": "How we interview", "owner": "Ana"}, "Steps.\n")
    assert created.record.id.startswith("gde-") and created.record.path.startswith("guides/")
    # Extra fields a document carries are kept and shown.
    path = kb / created.record.path
    path.write_text(path.read_text().replace("owner: Ana", "owner: Ana\nsquad: payments"))
    assert json.loads(pmops("show", created.record.id, "--json").stdout)["squad"] == "payments"


def test_show_by_unique_prefix_ambiguous_and_missing(pmops, kb: Path) -> None:
    ids = [
        json.loads(pmops("insight", "add", "--title", f"t{i}", "--source", "survey", "--json").stdout)["id"]
        for i in range(2)
    ]
    assert json.loads(pmops("show", ids[0], "--json").stdout)["id"] == ids[0]
    assert json.loads(pmops("show", ids[0][:-1], "--json").stdout)["id"] == ids[0] or ids[0][:-1] == ids[1][:-1]
    assert "matches 2 documents" in pmops("show", "ins-", code=1).stderr
    assert "no document with the id or title 'nope'" in pmops("show", "nope", code=1).stderr
    # Found by id even after the file is renamed.
    path = next((kb / "insights").glob(f"{ids[1]}*.md"))
    path.rename(path.with_name("renamed.md"))
    assert json.loads(pmops("show", ids[1], "--json").stdout)["path"] == "insights/renamed.md"


def test_errors_are_one_line_and_debug_shows_the_traceback(pmops, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = pmops("show", "x", code=2)
    assert result.stderr.splitlines()[0].startswith("error: no knowledge base found")
    assert result.stderr.splitlines()[1].startswith("hint: ")
    done = subprocess.run([PMOPS, "--debug", "show", "x"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "Traceback" in done.stderr and "KBNotFound" in done.stderr


def test_version_needs_no_kb_and_imports_neither_git_nor_whoosh(tmp_path: Path) -> None:
    code = (
        "import sys; from pmops.cli import main\n"
        "sys.argv = ['pmops', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "bad = [m for m in ('git', 'whoosh', 'jinja2', 'filelock') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("pmops ")
    assert subprocess.run([PMOPS, "--version"], cwd=tmp_path, capture_output=True, text=True).stdout.startswith(
        "pmops "
    )


def test_python_dash_m_works(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pmops", "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("pmops ")


def test_the_library_never_imports_typer_or_rich() -> None:
    code = (
        "import sys, pmops.kb, pmops.lint, pmops.scaffold, pmops.gitrepo, pmops.store, pmops.templates\n"
        "bad = [m for m in ('typer', 'rich') if m in sys.modules]\nassert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("words", [["search", "pricing"], ["insight", "list"],
                                   ["insight", "add", "--title", "Exports time out", "--source", "interview"]])  # fmt: skip
def test_a_kb_in_git_without_git_installed_says_so_and_writes_nothing(tmp_path: Path, words: list[str]) -> None:
    """git missing from PATH (a new laptop, a slim container) is said as such, with where to get it."""
    from tests.conftest import EXAMPLE_KB, copy_kb

    kb = copy_kb(EXAMPLE_KB, tmp_path / "kb")
    done = subprocess.run([PMOPS, *words], cwd=kb, env={"PATH": str(tmp_path / "nowhere"), "HOME": str(tmp_path)},
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[0].startswith("error: git is not installed, or not on PATH"), done.stderr
    assert "https://git-scm.com" in done.stderr and "Traceback" not in done.stderr
    assert git(kb, "status", "--porcelain") == ""
