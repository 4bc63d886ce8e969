"""`pmops sync`, `pmops log`, `pmops doctor`: sharing a KB through git, and keeping it healthy."""

from __future__ import annotations

from typing import Annotated

import typer

from pmops.cli import _shared
from pmops.cli._shared import JsonOpt


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
        str | None, typer.Option("--since", metavar="YYYY-MM-DD", help="Only changes made on or after this day.")
    ] = None,
    author: Annotated[
        str | None, typer.Option("--author", help="Only changes by this person (a piece of their name or email).")
    ] = None,
    type_name: Annotated[
        str | None, typer.Option("--type", metavar="TYPE", help="Only changes to documents of this type.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """The KB's recent changes, with document titles and authors.

    Example:

        pmops log --limit 5 --since 2026-11-01 --author priya --type decision
    """
    from pmops import sharing
    from pmops.text import count

    kb = _shared.state(ctx).kb()
    day = _shared.parse_date_option(since, "--since")
    changes = sharing.log(kb, limit, since=day, author=author, type_name=type_name)
    if json_out:
        _shared.print_json([c.to_json() for c in changes])
        return
    out = _shared.console()
    if not changes and (day or author is not None or type_name):
        out.print("[dim]no changes match[/dim]")
    elif not changes:
        out.print("[dim]no changes yet: the KB's repository has no commits[/dim]")
    for change in changes:
        out.print(
            f"[cyan]{change.sha}[/cyan] {change.date} [bold]{_shared.safe(change.author)}[/bold] {_shared.safe(change.subject)}",
            soft_wrap=True,
        )
        for path, title in change.documents[:8]:
            named = "" if title == path else f"{_shared.safe(title)} "  # a file that is not a document: its path
            out.print(f"    {named}[dim]{_shared.safe(path)}[/dim]", soft_wrap=True)
        if len(change.documents) > 8:
            out.print(f"    [dim]… and {count(len(change.documents) - 8, 'more file')}[/dim]")


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
