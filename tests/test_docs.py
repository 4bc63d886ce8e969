"""Docs stay honest: the CLI reference is generated, every rule and command is documented, the README runs."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import typer.main

from pmops.cli import app
from pmops.lint import RULES
from tests.conftest import PMOPS, ROOT, copy_kb, EXAMPLE_KB
from tests.gen_cli_docs import generate

DOCS = ROOT / "docs"


def _commands(command, path=()):  # noqa: ANN001, ANN202
    for name, sub in getattr(command, "commands", {}).items():
        yield (*path, name), sub
        yield from _commands(sub, (*path, name))


def test_cli_reference_is_in_sync_with_help() -> None:
    assert (DOCS / "cli.md").read_text() == generate(), "docs/cli.md is stale: run `make docs`"


def test_every_command_has_help_and_an_example_or_is_a_group() -> None:
    for path, command in _commands(typer.main.get_command(app)):
        assert command.help, f"pmops {' '.join(path)} has no help"
        if not hasattr(command, "commands"):
            assert "Example:" in command.help, f"pmops {' '.join(path)} has no example"


def test_every_lint_rule_is_documented() -> None:
    text = (DOCS / "lint-rules.md").read_text()
    for rule in RULES.values():
        assert f"## `{rule.id}` ({rule.severity})" in text, rule.id


def test_docs_link_to_existing_files() -> None:
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        text = re.sub(r"```.*?```|`[^`\n]*`", "", page.read_text(), flags=re.DOTALL)  # examples in code
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_readme_tour_commands_run_on_the_example_kb(tmp_path: Path) -> None:
    """Every `$ pmops …` line of the README runs; its exit code is 2 when its output shows an error."""
    kb = copy_kb(EXAMPLE_KB, tmp_path / "kb")
    for sample in EXAMPLE_KB.parent.glob("*.csv"):  # beside the KB, as in examples/
        shutil.copy(sample, tmp_path / sample.name)
    lines = (ROOT / "README.md").read_text().splitlines()
    ran = 0
    for i, line in enumerate(lines):
        if not line.startswith("$ pmops ") or "DIR" in line:
            continue
        args = shlex.split(line[2:])
        expected = 2 if i + 1 < len(lines) and lines[i + 1].startswith("error:") else 0
        done = subprocess.run([PMOPS, *args[1:]], cwd=kb, capture_output=True, text=True, check=False)
        assert done.returncode == expected, (line, done.stderr)
        ran += 1
    assert ran >= 4
