"""The pmops command line: thin adapters over the library, one error handler.

This module stays light (no Typer): `main` reads which command a command line names and
imports only the module that defines it. The application itself is built in `pmops.cli._app`.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Mapping, MutableMapping
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
    "digest": ("digest",),
    "sharing": ("sync", "log", "doctor"),
    "assistants": ("mcp",),
    **{
        group: (group,)
        for group in (
            "insight",
            "customer",
            "opportunity",
            "prioritize",
            "process",
            "checklist",
            "decision",
            "tags",
            "person",
            "onboard",
            "tool",
            "metric",
            "site",
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


def completing(environ: Mapping[str, str]) -> list[str] | None:
    """The words before the one a shell completes, when pmops runs for a shell's completion
    (Typer's variables: _PMOPS_COMPLETE, with COMP_WORDS and COMP_CWORD from bash or
    _TYPER_COMPLETE_ARGS from zsh and fish); None when it does not. A completion then
    builds only its command's module, as the command would."""
    if not environ.get("_PMOPS_COMPLETE", "").startswith("complete_"):
        return None
    try:
        if "COMP_WORDS" in environ:
            return _split(environ["COMP_WORDS"])[1 : int(environ.get("COMP_CWORD") or 0)]
        line = environ.get("_TYPER_COMPLETE_ARGS", "")
        words = _split(line)[1:]
        return words if line.endswith(" ") else words[:-1]
    except ValueError:
        return None


def _split(line: str) -> list[str]:
    import shlex

    try:
        return shlex.split(line)
    except ValueError:  # an open quote: the word being typed
        return line.split()


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


QUOTE = "_PMOPS_COMPLETE_QUOTE"  # the quote bash's word being completed was opened with


def as_bash_typed(environ: MutableMapping[str, str]) -> None:
    """Bash's words for a completion, made readable by pmops' completers (the variables Typer reads).

    Bash gives the word being completed as typed (`Slack\\ appr`); Typer would unescape it, and
    no escaped title would then start with it: it is quoted, so the completers see it as typed.
    Bash also cuts a word at '=' (`status=` is `status`, `=`): after a lone '=' an empty word is
    completed, so the field's values replace nothing but what follows the '='. A word opened with
    a quote (`"Slack ap`) is completed after the quote, which bash then closes: the quote is taken
    off the word and named in $_PMOPS_COMPLETE_QUOTE.
    """
    environ.pop(QUOTE, None)  # a quote is said afresh for each completion
    if environ.get("_PMOPS_COMPLETE") != "complete_bash" or "\n" not in environ.get("COMP_WORDS", ""):
        return  # Typer's bash script joins the words with newlines; anything else is left as it is
    import shlex

    words = environ["COMP_WORDS"].split("\n")
    try:
        current = int(environ.get("COMP_CWORD") or 0)
    except ValueError:
        return
    if current >= len(words):
        return
    if words[current] == "=":
        words.insert(current + 1, "")
        current += 1
    word = words[current]
    if word[:1] in ("'", '"') and word.count(word[0]) - word.count("\\" + word[0]) == 1:  # a quote opened, not closed
        environ[QUOTE] = word[0]  # bash completes what follows it, and closes it: the completers escape for it
        word = word[1:]
    words[current] = shlex.quote(word)
    environ["COMP_WORDS"], environ["COMP_CWORD"] = "\n".join(words), str(current)


def main() -> None:
    # Python's cycle collector and a command's objects, most of which (Typer's, rich's, YAML's and
    # Whoosh's modules: some 55,000 in a search) live as long as the command. Run every 700 new
    # objects, the collector went through them some 80 times in a search (10-25 ms of its CPU);
    # every 100,000, a short command never runs it, and a long one passes over each object about
    # as often, in fewer, larger runs. At exit Python collects once more, over everything, before
    # it frees the modules: frozen, they are left to the end of the process (35-50 ms of a search).
    gc.set_threshold(100_000, *gc.get_threshold()[1:])
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:  # started with it closed (`pmops search x >&-`): Python gives None
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (to the end of the process)
        elif not says_every_character(stream) and hasattr(stream, "reconfigure"):
            # An ASCII or Latin-1 locale (PYTHONIOENCODING=ascii, LANG=de_DE.ISO-8859-1). To a pipe or a file (a
            # CSV, a report) the text goes in UTF-8, every name whole; a terminal that cannot show a snippet's '…'
            # or a name's 'ő' gets '?' rather than the command ending, and JSON escapes them (`_shared.json_text`).
            stream.reconfigure(**({"errors": "replace"} if stream.isatty() else {"encoding": "utf-8"}))
    as_bash_typed(os.environ)
    words = completing(os.environ)
    command = command_of(sys.argv[1:] if words is None else words)
    try:
        if command == "search" and words is None:  # as people type it, without Typer: see _search_line
            from pmops.cli import _search_line

            code = _search_line.main(sys.argv[1:])
            if code is not None:
                # Done, everything written (the index, the kept settings; its output flushed below): the process
                # ends without Python's teardown of ~250 modules, 8 ms of a 108 ms search (21 alternate rounds).
                _flush()
                with contextlib.suppress(OSError, ValueError):
                    sys.stderr.flush()
                os._exit(code)
        from pmops.cli._app import build

        build(modules_for(command))(prog_name="pmops")
    except KeyboardInterrupt:  # Ctrl-C while the command was still loading (its handler says it after)
        sys.stderr.write("error: interrupted\n")
        sys.exit(130)
    finally:
        _flush()
        gc.freeze()


def says_every_character(stream: Any) -> bool:
    """Whether `stream` writes every character as it is (UTF-8 and its kin), not only those of an
    ASCII or Latin-1 locale."""
    import codecs

    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name in _EVERY_CHARACTER
    except LookupError:
        return False


_EVERY_CHARACTER = ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "gb18030")


def _flush() -> None:
    """What is still buffered, written before exit; a reader that went away (`pmops … | head`) is no error."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        from pmops.cli import _shared

        _shared.pipe_closed()
