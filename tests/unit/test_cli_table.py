"""The command line imports only the module a command needs: its table must match the real one."""

from __future__ import annotations

import pytest

from pmops import cli
from pmops.cli._app import build


def test_every_command_is_in_the_table_under_its_module() -> None:
    for module, names in cli.MODULES.items():
        registered = {c.name or c.callback.__name__ for c in build([module]).registered_commands}
        registered |= {g.name for g in build([module]).registered_groups}
        assert registered == set(names), module
    everything = build()
    all_names = {c.name or c.callback.__name__ for c in everything.registered_commands} | {
        g.name for g in everything.registered_groups
    }
    assert all_names == {n for names in cli.MODULES.values() for n in names}


@pytest.mark.parametrize(
    ("args", "command", "modules"),
    [
        (["search", "pricing"], "search", ("search",)),
        (["--kb", "x", "insight", "add"], "insight", ("insight",)),
        (["--kb=y", "--debug", "lint"], "lint", ("core",)),
        (["--version"], "--version", ()),
        (["--help"], "--help", tuple(cli.MODULES)),
        (["bogus"], "bogus", tuple(cli.MODULES)),
        ([], None, tuple(cli.MODULES)),
        (["--kb"], None, tuple(cli.MODULES)),
    ],
)
def test_the_head_of_a_command_line(args: list[str], command: str | None, modules: tuple) -> None:
    assert cli.command_of(args) == command
    assert cli.modules_for(command) == modules


def test_a_command_module_imports_only_its_own_renderers() -> None:
    """Start-up time: `pmops search` loads the search renderers and the shared ones, no others."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from pmops import cli\n"
        "SHARED = {'pmops.cli.render.common', 'pmops.cli.render.widths'}\n"
        "for module in cli.MODULES:\n"
        "    before = {m for m in sys.modules if m.startswith('pmops.cli.render.')}\n"
        "    __import__(f'pmops.cli.{module}')\n"
        "    new = {m for m in sys.modules if m.startswith('pmops.cli.render.')} - before - SHARED\n"
        "    print(module, *sorted(m.rpartition('.')[2] for m in new))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    loaded = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()}
    assert loaded["search"] == ["search"]
    assert loaded["report"] == ["report"]
    assert all(len(renderers) <= 1 for renderers in loaded.values()), loaded
