"""Help reads as prose at any width: a paragraph of a command's docstring is one paragraph of --help,
never broken where the docstring's lines were ("HTML self-contained like / the report")."""

from __future__ import annotations

import typer

from pmops.cli import _app

WIDTH = 100  # tests/conftest.py sets the terminal's width


def _commands(group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*path, name))
        if hasattr(command, "commands"):
            found += _commands(command, (*path, name))
    return found


def _breaks(text: str) -> list[str]:
    """Lines of the description that rich would have filled with the next word: a line break of the source.
    Rich wraps greedily, so a line followed by more of its paragraph is full up to its next word."""
    prose = text.split("╭")[0].splitlines()[2:]  # after the usage line, before the option panels
    found = []
    for line, after in zip(prose, prose[1:], strict=False):
        if not line.strip() or not after.strip() or after.startswith("     ") or after.lstrip().startswith("- "):
            continue
        if len(line.rstrip()) + 1 + len(after.split()[0]) <= WIDTH - 2:
            found.append(f"{line.strip()!r} / {after.strip()!r}")
    return found


def test_no_help_breaks_mid_sentence(pmops) -> None:
    commands = _commands(typer.main.get_command(_app.build()))
    assert ("digest",) in commands and ("decision", "review") in commands and ("assess",) in commands
    broken = {" ".join(c): b for c in commands if (b := _breaks(pmops(*c, "--help").stdout))}
    assert broken == {}


def test_assess_help_names_divergent_versions(pmops) -> None:
    said = " ".join(pmops("assess", "--help").stdout.split())
    assert "divergent versions: processes of one kind kept by different owners" in said
