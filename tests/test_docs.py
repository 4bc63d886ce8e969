"""Docs stay honest: the CLI reference is generated, every rule and command is documented, the README runs."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from pmops.cli import app
from pmops.lint import RULES
from tests.conftest import EXAMPLE_KB, ROOT, Runner, copy_kb
from tests.gen_cli_docs import generate

DOCS = ROOT / "docs"


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for name, sub in getattr(command, "commands", {}).items():
        yield (*path, name), sub
        yield from _commands(sub, (*path, name))


def test_cli_reference_is_in_sync_with_help() -> None:
    assert (DOCS / "cli.md").read_text() == generate(), "docs/cli.md is stale: run `make docs`"


def test_help_prints_emoji_codes_as_written() -> None:
    """Rich reads ':up:' as an emoji code: the --expects example printed 'approvers🆙5000' (found by a new user)."""
    reference = (DOCS / "cli.md").read_text()
    assert '--expects "Weekly active approvers:up:5000"' in reference
    assert not re.search("[\U0001f300-\U0001faff\u2600-\u27bf]", reference), "an emoji in docs/cli.md"


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


@pytest.mark.heavy
def test_readme_tour_commands_run_on_the_example_kb(tmp_path: Path, pmops: Runner, monkeypatch) -> None:
    """Every `$ pmops …` line of the README runs; its exit code is 2 when its output shows an error.
    In this process (a process each was 24 starts of Python and pmops' imports, a third of the test)."""
    kb = copy_kb(EXAMPLE_KB, tmp_path / "kb")
    monkeypatch.chdir(kb)
    for sample in EXAMPLE_KB.parent.glob("*.csv"):  # beside the KB, as in examples/
        shutil.copy(sample, tmp_path / sample.name)
    lines = (ROOT / "README.md").read_text().splitlines()
    ran = 0
    for i, line in enumerate(lines):
        if not line.startswith("$ pmops ") or "DIR" in line:
            continue
        args = shlex.split(line[2:])
        expected = 2 if i + 1 < len(lines) and lines[i + 1].startswith("error:") else 0
        pmops(*args[1:], code=expected)
        ran += 1
    assert ran >= 4


def _section(text: str, heading: str) -> str:
    """The lines under a markdown heading, up to the next heading of its level or above (outside code)."""
    lines = text[text.index(heading + "\n") :].splitlines(keepends=True)
    level, fenced = len(heading.split(" ", 1)[0]), False
    for number, line in enumerate(lines[1:], 1):
        fenced ^= line.startswith("```")
        if not fenced and re.match(rf"#{{1,{level}}} ", line):
            return "".join(lines[:number])
    return "".join(lines)


def _blocks(section: str) -> dict[str, str]:
    """The section's fenced code blocks by language (one of each)."""
    return {lang: code for lang, code in re.findall(r"^```(\w+)\n(.*?)^```", section, re.MULTILINE | re.DOTALL)}


def _run_tour(pmops: Runner, console: str, prefix: str) -> None:
    """Each `$ pmops …` line runs (exit 0) and its JSON names the document the first one created."""
    lines = [shlex.split(line[2:])[1:] for line in console.splitlines() if line.startswith("$ pmops ")]
    assert [args[0] for args in lines] == ["new", "list", "show", "search", "lint"]
    created = json.loads(pmops(*lines[0]).stdout)
    assert created["id"].startswith(prefix + "-")
    listed, shown, found, findings = (json.loads(pmops(*args).stdout) for args in lines[1:])
    assert created["id"] in [r["id"] for r in listed] and shown["id"] == created["id"]
    assert created["id"] in [h["id"] for h in found] and findings == []


def test_adding_a_type_in_pmops_yaml_works_as_the_docs_say(pmops: Runner, kb: Path) -> None:
    from pmops import yamlsafe

    example = _blocks(_section((DOCS / "concepts.md").read_text(), "### In a knowledge base: `pmops.yaml`"))
    (kb / "pmops.yaml").write_text("name: Test KB\n" + example["yaml"])
    (spec,) = yamlsafe.load(example["yaml"])["types"].values()
    (kb / "templates").mkdir(exist_ok=True)
    (kb / "templates" / spec["template"]).write_text(example["jinja"])
    _run_tour(pmops, example["console"], spec["prefix"])


def test_adding_a_built_in_type_works_as_the_docs_say(pmops: Runner, kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pmops import doctypes

    example = _blocks(_section((DOCS / "concepts.md").read_text(), "### Built in: `doctypes.py` and a template"))
    namespace = dict(vars(doctypes))
    exec(example["python"], namespace)
    (new,) = [v for k, v in namespace.items() if isinstance(v, doctypes.DocType) and k not in vars(doctypes)]
    monkeypatch.setattr(doctypes, "BUILTIN", (*doctypes.BUILTIN, new))
    (kb / "templates").mkdir(exist_ok=True)  # the KB's templates come first: where pmops' own would be
    (kb / "templates" / new.template).write_text(example["jinja"])
    _run_tour(pmops, example["console"], new.prefix)
