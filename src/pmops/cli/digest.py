"""`pmops digest`: one page of what happened since a day, for a product leader's Monday."""

from __future__ import annotations

from typing import Annotated

import typer

from pmops.cli import _complete, _options, _shared

FORMATS = ("md", "html", "json")


def digest(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE|30d|last",
            help="From this day, for a length (30d, 4w, 3m: the last 30 days, today among them), or 'last': "
            "since your last digest (default: the last 7 days).",
        ),
    ] = None,
    area: Annotated[
        str | None,
        typer.Option(
            "--area",
            help="Only this product area (its people, insights, decisions, metrics, plans).",
            autocompletion=_complete.field("insight", "area"),
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="md (default), html or json.", autocompletion=_complete.static(*FORMATS))
    ] = "md",
    today: _options.TodayOpt = None,
) -> None:
    """What happened since a day, on one page: insights and rising themes, decisions, expectations
    met or missed, metrics, processes not happening, onboarding at risk, renewals, who did what.

    Markdown to paste into an email or a chat (short lines, no tables); HTML self-contained like the report.

    Each digest is remembered for you (your git user.email) and its area, so --since last picks up where your last one ended; a second digest the same day keeps the window of the first.

    Example:

        pmops digest --since last
    """

    from pmops import digest as library
    from pmops.errors import not_a_choice

    fmt = fmt.strip().lower()  # MD, Html: the format meant
    if fmt not in FORMATS:
        raise not_a_choice("--format", FORMATS)
    kb = _shared.state(ctx).kb()
    day = _shared.today_option(today)
    found = library.build(kb, since, day, area)
    text = {"json": lambda: _shared.json_text(found.to_json()),
            "md": lambda: library.markdown(found), "html": lambda: library.html(found, kb)}[fmt]()  # fmt: skip
    typer.echo(text, nl=False)
    library.remember(kb, day, found.since, found.since_from, found.area)


def register(app: typer.Typer) -> None:
    app.command()(digest)
