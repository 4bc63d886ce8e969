"""`pmops set`, `archive`, `rm`, `mv` and `edit`: a document's life after it was created, any type."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pmops.cli import _complete, _options, _shared
from pmops.cli._options import JsonOpt, NoCommitOpt
from pmops.errors import InvalidInput

if TYPE_CHECKING:
    from pmops.lifecycle import Outcome

RefArg = _options.doc_ref("REF")


def set_(
    ctx: typer.Context,
    ref: RefArg,
    assignments: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="FIELD=VALUE...",
            help="Fields to change (a list field: each value, repeated or comma-separated); FIELD= removes one.",
            autocompletion=_complete.assignments("assignments", ref="ref"),
        ),
    ] = None,
    add_tag: Annotated[
        list[str] | None,
        typer.Option(
            "--add-tag",
            metavar="TAG",
            help="Add a tag (repeatable, or comma-separated).",
            autocompletion=_complete.of("ref", "tags_but"),
            callback=_shared.comma_list,
        ),
    ] = None,
    remove_tag: Annotated[
        list[str] | None,
        typer.Option(
            "--remove-tag",
            metavar="TAG",
            help="Remove a tag (repeatable, or comma-separated).",
            autocompletion=_complete.of("ref", "tags_on"),
            callback=_shared.comma_list,
        ),
    ] = None,
    new_tag: Annotated[
        bool, typer.Option("--new-tag", help="Add unknown tags to taxonomy.yaml instead of refusing them.")
    ] = False,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Change fields of any document from the command line; only their lines change, in one commit.

    Values are checked as when the document is created (choices, dates, tags).
    Nothing differs from the file: nothing is written ("nothing changed", exit 0).

    Example:

        pmops set prc-260110 owner="Ada Brooks" cadence=monthly --add-tag pricing
    """
    from pmops import lifecycle

    kb = _shared.state(ctx).kb()
    outcome = lifecycle.set_fields(kb, ref, assignments or [], add_tags=add_tag or [], remove_tags=remove_tag or [],
                                   new_tags=new_tag, commit=False if no_commit else None)  # fmt: skip
    _report(outcome, json_out)


def archive(ctx: typer.Context, ref: RefArg, no_commit: NoCommitOpt = False, json_out: JsonOpt = False) -> None:
    """Archive a document: status archived, kept in the KB and in git, hidden from lists, search and reports.

    Listings and search show archived documents with --all (or only them with
    --archived); `pmops set REF status=` brings one back with the status it had
    (kept as archived_from).

    Example:

        pmops archive ins-260114
    """
    from pmops import lifecycle

    _report(lifecycle.archive(_shared.state(ctx).kb(), ref, commit=False if no_commit else None), json_out)


def rm(
    ctx: typer.Context,
    ref: RefArg,
    force: Annotated[bool, typer.Option("--force", help="Remove it even though other documents link to it.")] = False,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Remove a document (git rm, one commit); refused while other documents link to it.

    Exit 1 naming the documents that link to it, unless --force (their links then
    break, and pmops lint lists them). Git keeps its history. Exit 1 too while the
    file holds edits of yours not committed (--force never discards them).

    Example:

        pmops rm ins-260114
    """
    from pmops import lifecycle

    outcome = lifecycle.remove(_shared.state(ctx).kb(), ref, force=force, commit=False if no_commit else None)
    _report(outcome, json_out)


def mv(
    ctx: typer.Context,
    ref: RefArg,
    title: Annotated[
        str, typer.Argument(metavar="TITLE", help="The new title (a tool's, a metric's or a person's name).")
    ],
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Retitle a document and rename its file to match; the id never changes, links keep working.

    Relative links to the old file name in other documents are rewritten in the
    same commit (links by id need nothing); git sees the rename (git log --follow).

    Example:

        pmops mv dec-260301 "Approve invoices from Slack and Teams"
    """
    from pmops import lifecycle

    outcome = lifecycle.move(_shared.state(ctx).kb(), ref, title, commit=False if no_commit else None)
    _report(outcome, json_out)


def edit(ctx: typer.Context, ref: RefArg, no_commit: NoCommitOpt = False, json_out: JsonOpt = False) -> None:
    """Edit a document in $VISUAL or $EDITOR; it is checked when you save, then committed.

    A problem (a field not among its choices, a date that is not one, an unknown
    tag, front-matter that does not parse…) opens the editor again with the
    message at the top, as git commit does; empty the file to give up. Unchanged:
    nothing is committed (exit 0). Given up, or the editor failed: exit 1.

    Example:

        EDITOR=nano pmops edit ins-260203-dc9k
    """
    from pmops import editing

    kb = _shared.state(ctx).kb()
    command = _editor()
    outcome = editing.edit(kb, ref, lambda path: _run_editor(command, path), commit=False if no_commit else None)
    _report(outcome, json_out)


def _editor() -> str:
    """$VISUAL, else $EDITOR, else (on a terminal) the first of editor, nano, vi found; as git
    does, the value is a shell command the file's path is added to ("code --wait")."""
    import shutil

    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    if _shared.is_interactive():
        found = next((name for name in ("editor", "nano", "vi") if shutil.which(name)), None)
        if found:
            return found
    raise InvalidInput("no editor: set $VISUAL or $EDITOR", hint="e.g. export EDITOR=nano (or 'code --wait')")


def _run_editor(command: str, path: Path) -> int:
    import subprocess

    try:
        return subprocess.run(["sh", "-c", f'{command} "$@"', command, str(path)], check=False).returncode
    except OSError as exc:
        raise InvalidInput(f"cannot start the editor '{command}': {exc.strerror or exc}") from None


_DONE = {"set": "Set {fields} of", "archive": "Archived", "rm": "Removed", "mv": "Renamed", "edit": "Saved"}


def _report(outcome: Outcome, json_out: bool) -> None:
    """One line for people (notes on stderr), or the outcome's JSON."""
    for message in outcome.notes:
        _shared.note(message)
    if json_out:
        _shared.print_json(outcome.to_json())
        return
    out = _shared.console()
    record = outcome.record
    name = _shared.safe(record.id or record.path)
    if outcome.nothing:
        said = {"edit": "is as it was", "archive": "is already archived",
                "mv": f"is already titled '{_shared.safe(record.title)}'"}.get(outcome.action, "already says that")  # fmt: skip
        out.print(f"Nothing changed: {name} {said}.", soft_wrap=True)
        return
    done = _DONE[outcome.action].format(fields=", ".join(outcome.changed))
    committed = " (not committed)" if outcome.commit is None else f" (commit {outcome.commit[:10]})"
    if outcome.action == "mv":
        where = f"{_shared.safe(outcome.previous)} → {_shared.safe(record.path)}"
        if outcome.previous == record.path:  # a new title the file name already spells (a change of case)
            where = f"now titled '{_shared.safe(record.title)}' → {_shared.safe(record.path)}"
        what = "links and names" if record.type == "person" else "links"  # a person is named in owners, deciders …
        rewritten = f"; {what} rewritten in {', '.join(map(_shared.safe, outcome.changed))}" if outcome.changed else ""
        out.print(f"{done} {record.type} [bold cyan]{name}[/bold cyan]: {where}{rewritten}{committed}", soft_wrap=True)
        return
    was = f" (was {_shared.safe(outcome.previous)})" if outcome.action == "archive" and outcome.previous else ""
    if outcome.action == "edit":
        was = f" ({_shared.safe(', '.join(outcome.changed))} changed)"
    out.print(
        f"{done} {record.type} [bold cyan]{name}[/bold cyan]{was} → {_shared.safe(record.path)}{committed}",
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    app.command()(edit)
    app.command("set")(set_)
    app.command()(archive)
    app.command()(rm)
    app.command()(mv)
