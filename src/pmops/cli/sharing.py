"""`pmops sync`, `pmops log`, `pmops doctor`: sharing a KB through git, and keeping it healthy."""

from __future__ import annotations

from typing import Annotated

import typer

from pmops.cli import _complete, _options, _shared
from pmops.cli._options import JsonOpt


def sync(ctx: typer.Context) -> None:
    """Pull teammates' changes (rebasing yours on top), catch the index up, and push yours.

    Example:

        pmops sync
    """
    from pmops import sharing
    from pmops.text import count

    result = sharing.sync(_shared.state(ctx).kb())
    _shared.console().print(f"pulled {count(result.pulled, 'commit')}, pushed {count(result.pushed, 'commit')}; "
                            f"index +{result.index.added} ~{result.index.modified} -{result.index.removed}")  # fmt: skip


def log(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", help="How many commits.")] = 20,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="WHEN",
            help="Only changes made on or after this day: a date (2026-11-02, 7 Nov, last week) or a length "
            "(30d, 4w, 3m: the last 30 days), as digest --since takes.",
        ),
    ] = None,
    author: Annotated[
        str | None,
        typer.Option(
            "--author",
            help="Only changes by this person (a piece of their name or email).",
            autocompletion=_complete.documents("person", names=True),
        ),
    ] = None,
    type_name: Annotated[
        str | None,
        typer.Option(
            "--type",
            metavar="TYPE",
            help="Only changes to documents of this type.",
            autocompletion=_complete.type_names,
        ),
    ] = None,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option("commit, date, author, subject, files (the paths it changed)") = None,
    json_out: JsonOpt = False,
) -> None:
    """The KB's recent changes, with document titles and authors.

    With --type, a commit's documents of that type only.

    Example:

        pmops log --limit 5 --since 30d --author priya --type decision
    """
    from pmops import sharing
    from pmops.cli.render import common

    output = _shared.output(json_out, fmt, columns)
    kb = _shared.state(ctx).kb()
    from pmops import dates

    day = None if since is None else dates.since(since, dates.today())[0]
    changes = sharing.log(kb, limit, since=day, author=author, type_name=type_name)
    filtered = bool(day or author is not None or type_name)
    common.emit(common.log_listing(changes, filtered), output)


def doctor(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Check git, the repository's state, locks, the index and unreadable files; exit 1 when something needs attention.

    Example:

        pmops doctor
    """
    from pmops import sharing

    checks = sharing.doctor(_shared.state(ctx).kb())
    if json_out:
        _shared.print_json([c.to_json() for c in checks])
    else:
        out = _shared.console()
        for check in checks:
            mark = "[green]✓[/green]" if check.ok else "[red]✗[/red]"
            out.print(f"{mark} {check.name}: {_shared.safe(check.detail)}", soft_wrap=True)
            if not check.ok and check.fix:
                out.print(f"    [yellow]fix:[/yellow] {_shared.safe(check.fix)}", soft_wrap=True)
    if not all(c.ok for c in checks):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(sync)
    app.command()(log)
    app.command()(doctor)
