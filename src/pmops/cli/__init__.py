"""The pmops command line: thin adapters over the library, one error handler.

This module stays light (no Typer): `main` reads which command a command line names and
imports only the module that defines it. The application itself is built in `pmops.cli._app`.
"""

from __future__ import annotations

import sys
from typing import Any

# Each module of pmops.cli and the top-level names it registers, in `--help` order. A
# command line names one of them, and only that module is imported and turned into
# click commands: building all of them costs 178 ms against 139 ms for `search` alone
# (medians of 11, 2026-12-02, a loaded 2-core machine): 38 ms of every command.
MODULES: dict[str, tuple[str, ...]] = {
    "core": ("init", "show", "links", "lint"),
    "documents": ("new", "list"),
    "lifecycle": ("edit", "set", "archive", "rm", "mv"),
    "search": ("search", "index"),
    "report": ("report", "assess"),
    "sharing": ("sync", "log", "doctor"),
    "assistants": ("mcp",),
    **{
        group: (group,)
        for group in (
            "insight",
            "customer",
            "process",
            "checklist",
            "decision",
            "tags",
            "person",
            "onboard",
            "tool",
            "metric",
        )
    },
}
_GLOBAL_OPTIONS_WITH_VALUE = ("--kb",)


def command_of(args: list[str]) -> str | None:
    """What a command line names before Typer reads it: its command (or `--version`,
    `--help`; None when nothing)."""
    words = iter(args)
    for word in words:
        if word in _GLOBAL_OPTIONS_WITH_VALUE:
            next(words, None)
        elif word in ("--version", "--help", "--install-completion", "--show-completion") or not word.startswith("-"):
            return word
    return None


def modules_for(command: str | None) -> tuple[str, ...]:
    """The modules a command line needs: the one defining its command, none for `--version`,
    all of them otherwise (help, or an error that lists the commands)."""
    if command == "--version":
        return ()
    return next(((name,) for name, commands in MODULES.items() if command in commands), tuple(MODULES))


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole command line, for tests and the generated reference
        from pmops.cli._app import build

        return build()
    raise AttributeError(name)


def main() -> None:
    command = command_of(sys.argv[1:])
    from pmops.cli._app import build

    build(modules_for(command))(prog_name="pmops")
