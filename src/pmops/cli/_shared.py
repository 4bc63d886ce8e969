"""What every command shares: the global options, consoles, JSON output, safe text, the one failure report
(prompts: _prompts.py; the options as Typer reads them: _options.py). Imports no Typer: a search runs
without it (_search_line.py)."""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmops.errors import InvalidInput, PmopsError, not_a_choice
from pmops.text import either

if TYPE_CHECKING:
    import datetime as dt

    import typer
    from rich.console import Console

    from pmops.doctypes import DocType
    from pmops.kb import KnowledgeBase

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass
class State:
    """The global options and the running command's, kept on the Typer context (or made by `_search_line`)."""

    kb_path: str | None = None
    debug: bool = False
    # Words a prompt's answers add to the command line: if the command still fails, or is
    # stopped, the error handler shows the command that gives them (what was typed is not lost).
    answers: list[str] = field(default_factory=list)
    _kb: KnowledgeBase | None = None
    # The running command's options (flag -> its parameter's name): the error handler names a field as they do.
    options: dict[str, str] = field(default_factory=dict)

    def option_for(self, field: str, flag: str | None) -> str | None:
        """The option of the running command that gives `field` (its `flag`: --link for links), if it has one."""
        if flag in self.options:
            return flag
        return next((opt for opt, name in self.options.items() if name == field), None)

    def kb(self) -> KnowledgeBase:
        """The KB this command works on, opened once."""
        if self._kb is None:
            from pmops.kb import KnowledgeBase

            self._kb = KnowledgeBase.open(self.kb_path)
            self._kb.keep_listings()  # one command: see Tree.keep_listings (site serve turns it off)
        return self._kb


def state(ctx: typer.Context) -> State:
    """The global options; called by a command with its own context, which it remembers."""
    obj = ctx.find_root().obj
    found = obj if isinstance(obj, State) else State()
    if ctx.parent is not None:
        found.options = {opt: p.name for p in ctx.command.params if p.param_type_name == "option" for opt in p.opts}
    return found


def debug_enabled() -> bool:
    return os.environ.get("PMOPS_DEBUG", "") not in ("", "0")


def console(stderr: bool = False) -> Console:
    """A console built on demand (never at import): colour only on a terminal, NO_COLOR respected; no
    emoji codes (a title or a hint with ':up:' in it is printed as written)."""
    return _console_class()(stderr=stderr, highlight=False, soft_wrap=False, emoji=False)


@functools.cache
def _console_class() -> type[Console]:
    from rich.console import Console

    class PmopsConsole(Console):
        def print(self, *objects: Any, soft_wrap: bool | None = None, hang: int = 0, **kwargs: Any) -> None:
            """A line printed whole (soft_wrap) stays one line for a pipe or a file, which scripts read
            line by line; on a terminal it wraps at its words, not where the terminal cuts it (`hang`:
            the lines after its first indented that much more, under a search hit's title)."""
            if soft_wrap and self.is_terminal:
                soft_wrap = False
                if objects and all(isinstance(o, str) for o in objects):
                    whole = kwargs.pop("sep", " ").join(objects)
                    text = whole.lstrip(" ")  # an indented line wraps under its own start
                    indent = len(whole) - len(text)
                    width = max(20, self.width - indent - hang) if indent or hang else self.width
                    said = {k: kwargs.pop(k) for k in ("markup", "emoji", "highlight") if k in kwargs}
                    lines = _at_words(self.render_str(text, **said), width)  # no line ends in a space
                    for i, line in enumerate(lines):
                        super().print(" " * (indent + (hang if i else 0)), line, sep="", soft_wrap=True, **kwargs)
                    return
            super().print(*objects, soft_wrap=soft_wrap, **kwargs)

        def on_broken_pipe(self) -> None:
            """Rich exits 1 when the reader of its output went away; the CLI's handler makes that exit 0."""
            self.quiet = True
            raise BrokenPipeError

    return PmopsConsole


# A command a message names (`pmops lint`, 'git rebase --continue'), up to the end of its clause.
_COMMAND = re.compile(r"(?<![\w/-])(?:pmops|git) [^;,)'`\n]*[^;,)'`\s]")
_KEPT = "\ue000"  # a space inside a command while a line is divided (a private character: no word break)


def _at_words(text: Any, width: int) -> list[Any]:
    """A text's lines wrapped at its words only: a word longer than the line (a path) goes whole on a
    line of its own, never cut, so it can be copied; the terminal shows the rest of it. A command the
    text names is not broken either when it fits on a line: it goes whole to the next one."""
    from rich._wrap import divide_line

    lines = []
    for line in text.split(allow_blank=True):
        held = _COMMAND.sub(lambda m: m[0].replace(" ", _KEPT) if len(m[0]) <= width else m[0], line.plain)
        for part in line.divide(divide_line(held, width, fold=False)):  # the same offsets: the same length
            part.rstrip()
            lines.append(part)
    return lines


def plain_stream(stderr: bool = False) -> bool:
    """Whether the console prints to this stream without styles or wrapping (a pipe, a file), by rich's
    own test (TTY_COMPATIBLE, then FORCE_COLOR, then whether it is a terminal)."""
    decided = {"0": True, "1": False}.get(os.environ.get("TTY_COMPATIBLE", ""))
    if decided is not None:
        return decided
    if "FORCE_COLOR" in os.environ:
        return os.environ["FORCE_COLOR"] == ""
    try:
        return not (sys.stderr if stderr else sys.stdout).isatty()
    except ValueError:  # closed
        return True


def say(*pieces: str | tuple[str, str], stderr: bool = False, hang: int = 0) -> None:
    """One line of user text, printed whole, in pieces: a text as it is, or (text, style). On a terminal
    through the console (styled, wrapped at words, the lines after the first indented by `hang`); to a
    pipe or a file written plain, as the console would, without loading rich (a search's results: 10–20
    ms of each search)."""
    parts = [(p, "") if isinstance(p, str) else p for p in pieces]
    if plain_stream(stderr):
        line = "".join(plain(text) for text, _ in parts).expandtabs()
        stream = sys.stderr if stderr else sys.stdout
        stream.write(line + "\n")
        stream.flush()  # as the console does: lines and notes on stderr keep their order in `2>&1`
        return
    marked = "".join(f"[{style}]{safe(text)}[/{style}]" if style else safe(text) for text, style in parts)
    if parts and not parts[-1][1] and marked.endswith("\\\\") and not plain(parts[-1][0]).endswith("\\\\"):
        marked = marked[:-1]  # rich's escape doubles a last backslash for the tag that would follow: none does
    console(stderr).print(marked, soft_wrap=True, hang=hang)


def safe(text: Any) -> str:
    """User text made safe for rich: control characters stripped, [markup] escaped."""
    from rich.markup import escape

    return escape(_CONTROL.sub("", str(text)))


def plain(text: Any) -> str:
    return _CONTROL.sub("", str(text))


def print_json(data: Any) -> None:
    sys.stdout.write(json_text(data))


def json_text(data: Any) -> str:
    """The JSON pmops prints: its text as written, or with \\u escapes where standard output cannot
    write every character (pmops.cli.says_every_character): never a '?' in place of a letter."""
    from pmops.cli import says_every_character

    return json.dumps(data, ensure_ascii=not says_every_character(sys.stdout), indent=2, default=str) + "\n"


def pipe_closed() -> None:
    """Standard output's reader went away (`pmops … | head`): what is still buffered goes nowhere,
    quietly, instead of failing again when Python flushes it at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # not a real file (a test's capture): nothing is flushed to a pipe at exit


def note(message: str) -> None:
    """A note on stderr: one line to a pipe or a file, wrapped at its words on a terminal."""
    say((message, "dim"), stderr=True)


def report(message: str, hint: str | None) -> None:
    """A failure said on stderr: 'error: …', then what to do ('hint: …')."""
    err = console(stderr=True)
    err.print(f"[bold red]error:[/bold red] {safe(message)}", soft_wrap=True)
    if hint:
        err.print(f"[yellow]hint:[/yellow] {safe(hint)}", soft_wrap=True)


def failed(exc: PmopsError | OSError | KeyboardInterrupt, state: State) -> int:
    """A command that failed, said as every command says it (one line on stderr, and the command line that
    gives what a prompt was answered), and its exit code: the error's own, 1 for a file, 130 for Ctrl-C."""
    if isinstance(exc, KeyboardInterrupt):
        report("interrupted", None)
        code = 130
    elif isinstance(exc, PmopsError):
        if exc.field is not None:  # as this command line gives it: --cost, or cost=
            exc.name_field(state.option_for(exc.field, exc.flag))
        report(exc.message, exc.hint)
        code = exc.exit_code
    elif isinstance(exc, FileNotFoundError) and exc.filename == "git":  # the KB is in git, git is not installed
        report("git is not installed, or not on PATH: pmops keeps this KB's history in git and asks git what changed",
               "install git (https://git-scm.com/downloads), then run the command again; nothing more was written")  # fmt: skip
        code = 1
    else:
        where = f"{exc.filename}: " if exc.filename else ""
        report(f"{where}{exc.strerror or exc}", "nothing more was written; run with --debug for details")
        code = 1
    _answers(state.answers)
    return code


def _answers(answers: list[str]) -> None:
    """What a prompt was answered, as the command line that gives it: typed answers are never lost."""
    if answers:
        import shlex

        again = shlex.join(["pmops", *sys.argv[1:], *answers])
        err = console(stderr=True)
        if err.is_terminal:  # the command alone on its line, never wrapped: it is copied and pasted whole
            err.print("[dim]your answers, to run it again:[/dim]")
            err.file.write(plain(again) + "\n")
            err.file.flush()
        else:
            err.print(f"your answers, to run it again: {safe(again)}", soft_wrap=True)


def is_interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def read_body(body: str | None, body_file: Path | None) -> str | None:
    """The body from --body TEXT, --body-file FILE, or '-' for standard input."""
    if body is not None and body_file is not None:
        raise InvalidInput("give --body or --body-file, not both")
    if body == "-" or (body_file is not None and str(body_file) == "-"):
        return sys.stdin.read()
    if body_file is not None:
        try:
            return body_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"--body-file {body_file}: cannot read: {exc}") from None
    return body


def not_a_number(exc: Exception) -> str | None:
    """The one message for a number option (or argument) given something else, as a field's is said
    ('--limit must be a whole number, e.g. --limit 20'), for every int and float option Typer reads;
    None for any other bad parameter (click's message stands)."""
    from pmops.doctypes import EXAMPLES, EXPECTED

    param = getattr(exc, "param", None)
    kind = {"int": "int", "integer": "int", "float": "number"}.get(getattr(getattr(param, "type", None), "name", ""))
    if param is None or kind is None:
        return None
    default = param.default
    usable = isinstance(default, (int, float)) and not isinstance(default, bool) and default > 0
    example = str(default) if usable else EXAMPLES[kind]
    if param.param_type_name == "option":
        flag = max(param.opts, key=len)
        return f"{flag} must be {EXPECTED[kind]}, e.g. {flag} {example}"
    return f"{param.human_readable_name} must be {EXPECTED[kind]}, e.g. {example}"


def parse_date_option(value: str | None, option: str) -> dt.date | None:
    """A date option as people write it (2026-11-05, 7 Nov 2026, 15/11/2026); 05/11/2026 is refused as ambiguous."""
    from pmops import dates

    return dates.option(value, option)


def today_option(value: str | None, *, recorded: bool = False) -> dt.date:
    """--today: count from another day ("what runs next week?", reproducible reports). `recorded`: the
    command writes that day as the day something was done (a review): one after today is exit 2 — it
    has not happened, and the registry refuses such a day on create and set too."""
    import datetime as dt

    day = parse_date_option(value, "--today") if value is not None else dt.date.today()
    if recorded and day > dt.date.today():
        raise InvalidInput(
            f"--today: {day} is after today ({dt.date.today()}): it is the day this is recorded as done, "
            "and that day has not come",
            hint="give the day it was done, today or before",
        )
    return day


def about(
    doctype: DocType, name: str, what: str = "", *, choices: tuple[str, ...] | None = None, then: str = ""
) -> str:
    """An option's help from the registry: what the field holds (its help, or `what`), its choices
    (or those given: a filter's, a new document's), then `then` — written once, in doctypes.py."""
    fld = doctype.field(name)
    assert fld is not None, f"{doctype.name} has no field {name}"
    words = what or fld.help
    listed = fld.choices if choices is None else choices
    text = words[:1].upper() + words[1:]
    if listed:
        text = f"{text}: {either(listed)}" if text else either(listed)
    return text + (f" {then}" if then else "") + "."


def archived_option(all_: bool, archived: bool) -> bool | None:
    """--all / --archived as Catalog.select takes them: live only (False), all (None), archived only (True)."""
    if all_ and archived:
        raise InvalidInput("give --all or --archived, not both")
    return True if archived else None if all_ else False


FORMATS = ("table", "csv", "tsv", "json")


@dataclass(frozen=True)
class Output:
    """How a listing is printed: --format (--json is --format json) and the --columns asked for."""

    format: str = "table"
    columns: tuple[str, ...] = ()


def output(json_out: bool, fmt: str | None, columns: list[str] | None) -> Output:
    """--json, --format and --columns read together: exit 2 for a format that does not exist, or two that disagree."""
    if fmt is not None and fmt not in FORMATS:
        raise not_a_choice("--format", FORMATS)
    if json_out and fmt not in (None, "json"):
        raise InvalidInput(f"give --json or --format {fmt}, not both")
    chosen = tuple(name.strip() for given in columns or [] for name in given.split(",") if name.strip())
    if columns and not chosen:
        raise InvalidInput("--columns names no column, e.g. --columns id,title")
    return Output("json" if json_out else fmt or "table", chosen)


def print_state(record: Any, action: str, commit: str | None, already: bool, **more: Any) -> None:
    """--json of a command that moved a document to a state: {id, path, action, commit, already, …}
    (`commit` null when nothing was committed: done before, or --no-commit)."""
    print_json({"id": record.id or record.path, "path": record.path, "action": action, "commit": commit,
                "already": already, **more})  # fmt: skip


def one_title(argument: str | None, option: str | None) -> str | None:
    """The title given as TITLE or as --title; both, unless the same, is exit 2."""
    if argument is not None and option is not None and argument != option:
        raise InvalidInput(f"two titles given, {argument!r} and --title {option!r}: give one")
    return option if option is not None else argument


def comma_list(values: list[str] | None) -> list[str] | None:
    """A repeatable option whose values may also be comma-separated (--tag "pricing, mobile"), as FIELD=VALUE takes a list."""
    if values is None:
        return None
    return [item.strip() for value in values for item in value.split(",") if item.strip()]
