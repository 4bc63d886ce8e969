"""Asking for what a create was not given, on a terminal, from the registry.

When a required field is missing, a terminal is asked for it and for the type's common
optional fields (`Field.ask`; Enter skips one), in the type's field order: choices listed,
defaults shown, each answer checked as create will check it (`creating.check_one`) and asked
again with the one-line reason. A command line that gives every required field is never
interrupted. Off a terminal nothing is asked: exit 2 naming the option to give.

What was typed is kept on the command's State: if the create still fails, or the user stops,
the error handler prints the command line that gives those answers.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import typer

from pmops.cli import _shared
from pmops.errors import InvalidInput, MissingField, PmopsError
from pmops.text import either

if TYPE_CHECKING:
    from pmops.doctypes import DocType, Field
    from pmops.kb import KnowledgeBase


def add(ctx: typer.Context, type_name: str, values: dict[str, Any], *, flags: dict[str, str], no_commit: bool,
        json_out: bool) -> None:  # fmt: skip
    """What every `pmops TYPE add` does with its options: ask what is missing (on a terminal), create
    the document through the registry, say what was created."""
    from pmops.cli.render import common

    kb = _shared.state(ctx).kb()
    ask_missing(ctx, kb.doctype(type_name), values, only=values, flags=flags)
    common.created(kb.create(type_name, values, commit=False if no_commit else None), json_out)


def ask_missing(
    ctx: typer.Context,
    doctype: DocType,
    values: dict[str, Any],
    *,
    only: Iterable[str] | None = None,
    flags: dict[str, str] | None = None,
    pairs: bool = False,
    new_tags: bool = False,
) -> None:
    """Fill `values` with answers for the fields a create was not given (see the module's docstring).

    `only`: the fields this command takes (default: all of the type's); `flags`: how the command
    line gives a field when it is not `--field-name` (`--tag`, `TITLE`); `pairs`: the command
    takes FIELD=VALUE words (`pmops new`); `new_tags`: unknown tags are added (--new-tag).
    """
    kb = _shared.state(ctx).kb()
    today = dt.date.today()
    names = None if only is None else set(only)
    fields = [f for f in doctype.fields if f.name != "id" and (names is None or f.name in names)]
    missing = [
        f
        for f in fields
        if f.required and _empty(values.get(f.name)) and not _creating().default_value(kb, doctype, f, values, today)
    ]
    if not missing:
        return
    asker = _Asker(ctx, kb, doctype, values, flags or {}, pairs, new_tags, today)
    if not _shared.is_interactive():
        first = missing[0]
        raise MissingField(first.name, doctype.name, given_as=asker.flag(first), about=_about(first))
    for fld in fields:  # a value given wrong fails now, before anything is typed
        if not _empty(values.get(fld.name)):
            _creating().check_one(kb, doctype, fld, values[fld.name], new_tags=new_tags, today=today)
    _shared.console(stderr=True).print(
        f"[dim]A new {doctype.name}: Enter skips an optional field or takes the \\[value] shown; Ctrl-C stops, nothing is written.[/dim]",
        soft_wrap=True,
    )
    for fld in fields:
        if _empty(values.get(fld.name)) and (fld.required or fld.ask):
            asker.ask(fld)


class _Asker:
    """One create's questions: the fields asked, and the answers kept on the command's State."""

    def __init__(
        self,
        ctx: typer.Context,
        kb: KnowledgeBase,
        doctype: DocType,
        values: dict[str, Any],
        flags: dict[str, str],
        pairs: bool,
        new_tags: bool,
        today: dt.date,
    ) -> None:
        self.state = _shared.state(ctx)
        self.kb, self.doctype, self.values = kb, doctype, values
        self.flags, self.pairs, self.new_tags, self.today = flags, pairs, new_tags, today
        self.err = _shared.console(stderr=True)
        self.partial: list[Any] = []  # the good items of a list answer asked again for its wrong ones

    def flag(self, fld: Field) -> str:
        """How the command line gives the field: --name, NAME (an argument), name=VALUE."""
        if fld.name in self.flags:
            return self.flags[fld.name]
        return f"{fld.name}=VALUE" if self.pairs and fld.kind != "tags" else fld.flag

    def ask(self, fld: Field) -> None:
        default = _creating().default_value(self.kb, self.doctype, fld, self.values, self.today)
        offered = ""  # after a wrong answer: the answer corrected (a tag it meant, the choice it spells)
        while True:
            shown = offered or default
            label = _label(self.doctype, fld) + (f" [{shown}]" if shown else "")
            try:
                answer = _typed(label)
            except (KeyboardInterrupt, EOFError):
                self.err.print()
                if self.partial:  # the items already accepted are answers too: never lost
                    self._keep(fld, self.partial)
                raise PmopsError("interrupted: nothing was written", exit_code=130) from None
            text = _shared.plain(answer).strip() or offered
            if not text:
                if default or not fld.required:
                    return  # create gives it its default, or leaves it out
                self._wrong(f"{fld.name} is required")
                continue
            try:
                value, offered = self._check(fld, text)
            except PmopsError as exc:
                self._wrong(self._reason(exc, fld))
                offered = getattr(exc, "meant", "")
                continue
            if value is None:
                continue  # part of a list was wrong: said, and offered again without it
            self.values[fld.name] = value
            self._keep(fld, value)
            return

    def _check(self, fld: Field, text: str) -> tuple[Any, str]:
        """(the value to create with, ""), or (None, what to offer) when items of a list were wrong."""
        creating = _creating()
        if fld.is_list:
            good, offer, wrong = [], [], False
            for item in (i.strip() for i in text.split(",")):
                if not item:
                    continue
                try:
                    value, notes = creating.check_one(self.kb, self.doctype, fld, [item], new_tags=self.new_tags)
                except PmopsError as exc:
                    wrong = True
                    self._wrong(self._reason(exc, fld))
                    meant = getattr(exc, "suggestions", None) or []
                    offer += meant[:1]
                    continue
                self._notes(notes)
                good += [v for v in value if v not in good]
                offer += [v for v in value if v not in offer]
            self.partial = good if wrong else []
            return (None, ", ".join(offer)) if wrong else (good, "")
        if fld.choices:
            text = _spelled(text, _choices(fld))
        value, notes = creating.check_one(self.kb, self.doctype, fld, text, new_tags=self.new_tags)
        self._notes(notes)
        return (value.isoformat() if isinstance(value, dt.date) else text), ""

    def _keep(self, fld: Field, value: Any) -> None:
        flag = self.flag(fld)
        for item in value if isinstance(value, list) else [value]:
            if flag.startswith("-"):
                self.state.answers += [flag, str(item)]
            elif flag.endswith("=VALUE"):
                self.state.answers.append(f"{flag.removesuffix('VALUE')}{item}")
            else:  # an argument
                self.state.answers.append(str(item))

    def _reason(self, exc: PmopsError, fld: Field) -> str:
        """Why an answer is wrong, naming the field as this command line gives it (--decider, not --deciders)."""
        flag = self.flag(fld)
        if exc.field is not None and flag.startswith("-"):
            exc.name_field(flag)
        return _one_line(exc)

    def _wrong(self, reason: str) -> None:
        self.err.print(f"  [red]{_shared.safe(reason)}[/red]", soft_wrap=True)

    def _notes(self, notes: list[str]) -> None:
        for note in notes:
            self.err.print(f"  [dim]{_shared.safe(note)}[/dim]", soft_wrap=True)


def _typed(label: str) -> str:
    """The line typed at the terminal after `label` (shown on stderr).

    The wait is in slices of a fifth of a second, and the line is read once the terminal has one
    (Enter pressed). Python runs its Ctrl-C handler between bytecodes only: a Ctrl-C that arrives
    just before a blocking read() starts (the prompt shown, the process not yet reading; seen on a
    loaded machine) left `input()` waiting for the next Enter, the Ctrl-C lost."""
    import select
    import sys

    sys.stderr.write(f"{label}: ")
    sys.stderr.flush()
    while not select.select([sys.stdin], [], [], 0.2)[0]:
        pass
    line = sys.stdin.readline()
    if not line:
        raise EOFError  # Ctrl-D
    return line.rstrip("\r\n")


def _creating() -> Any:
    from pmops.kb import creating

    return creating


def _label(doctype: DocType, fld: Field) -> str:
    words = fld.name.replace("_", " ")
    if not fld.required:
        words += " (optional)"
    about = _about(fld)
    if fld.is_list:
        about = (about + ", " if about else "") + "comma-separated"
    return f"{words} — {about}" if about else words


def _about(fld: Field) -> str:
    """What the field holds, as a prompt and an error say it: its help, then its choices."""
    listed = ", ".join(_choices(fld))
    if fld.help and listed:
        return f"{fld.help}: {listed}"
    return fld.help or listed


def _choices(fld: Field) -> tuple[str, ...]:
    return fld.initial or fld.choices


def _spelled(text: str, choices: tuple[str, ...]) -> str:
    """A choice as typed: itself, or the one choice it starts (case aside); else why not (the
    choices are in the question), with the one it looks like offered."""
    if text in choices:
        return text
    starting = [c for c in choices if c.casefold().startswith(text.casefold())]
    if len(starting) == 1:
        return starting[0]
    if starting:
        raise InvalidInput(f"'{text}' could be {either(starting)}")
    close = difflib.get_close_matches(text.casefold(), choices, n=1, cutoff=0.6)
    wrong = InvalidInput(f"'{text}' is not one of them" + (f"; did you mean '{close[0]}'?" if close else ""))
    wrong.meant = close[0] if close else ""  # type: ignore[attr-defined]
    raise wrong


def _one_line(exc: PmopsError) -> str:
    return f"{exc.message}; {exc.hint}" if exc.hint else exc.message


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()
