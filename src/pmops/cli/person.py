"""`pmops person …`: the roster — who is in the team, in which role and area, who left and when."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer

from pmops.cli import _complete, _options, _prompts, _shared
from pmops.cli._options import JsonOpt, NoCommitOpt, TagOpt
from pmops.cli._shared import about
from pmops.cli.render import common
from pmops.cli.render import documents as render
from pmops.doctypes import PERSON, Field

app = typer.Typer(
    help="People: the roster every count of PMs and owners reads — roles, areas, managers, who left.",
    no_args_is_help=True,
)

PersonRef = Annotated[
    str,
    typer.Argument(
        metavar="REF",
        help="The person's exact name, id, or a unique id prefix.",
        autocompletion=_complete.documents("person", names=True),
    ),
]


@app.command()
def add(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(metavar="NAME", help="Their full name, unique on the roster (asked on a terminal).")
    ] = None,
    role: _options.field_option(PERSON, "role") = None,
    area: _options.field_option(PERSON, "area") = None,
    manager: Annotated[
        str | None,
        typer.Option(
            "--manager",
            help="Their manager's name, someone on the roster.",
            autocompletion=_complete.field("person", "manager"),
        ),
    ] = None,
    start: Annotated[str | None, typer.Option("--start", metavar="YYYY-MM-DD", help=about(PERSON, "start"))] = None,
    tag: TagOpt = None,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Add someone to the roster: role, area, manager, first day.

    Example:

        pmops person add "Dana Reyes" --role pm --area billing --manager "Ada Brooks" --start 2026-12-01
    """
    from pmops import people

    kb = _shared.state(ctx).kb()
    values = {"name": name, "role": role, "area": area, "manager": manager, "start": start, "tags": tag or []}
    # The registry's default role (pm) is for the PM a plan adds; here it is given, or asked.
    doctype = kb.doctype("person")
    asked = doctype.with_fields({"role": replace(doctype.field("role") or Field("role"), default=None)})
    _prompts.ask_missing(ctx, asked, values, only=values, flags={"name": "NAME", "tags": "--tag"})
    common.created(people.add(kb, values, commit=False if no_commit else None), json_out)


@app.command("list")
def list_(
    ctx: typer.Context,
    role: Annotated[
        str | None,
        typer.Option(
            "--role", help=about(PERSON, "role", "Only this role"), autocompletion=_complete.field("person", "role")
        ),
    ] = None,
    area: _options.field_filter(PERSON, "area") = None,
    all_: Annotated[bool, typer.Option("--all", help="People who left, and archived records, too.")] = False,
    archived: Annotated[bool, typer.Option("--archived", help="Only archived records.")] = False,
    today: _options.TodayOpt = None,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option(common.record_columns(PERSON)) = None,
    json_out: JsonOpt = False,
) -> None:
    """List the people in the team by name (those who left: with --all; archived records alone: with --archived).

    Example:

        pmops person list --role pm --area billing
    """
    from pmops import people

    output = _shared.output(json_out, fmt, columns)
    kb = _shared.state(ctx).kb()
    day = _shared.today_option(today)
    found = people.listing(kb, role=role, area=area, archived=_shared.archived_option(all_, archived), today=day)
    common.listing(found, kb.doctype("person"), output)


@app.command()
def show(ctx: typer.Context, ref: PersonRef, json_out: JsonOpt = False) -> None:
    """Show a person: their fields, and every document that names them (owner, decider, manager, buddy) or links to them.

    Example:

        pmops person show "Maya Chen"
    """
    from pmops import people

    found = people.profile(_shared.state(ctx).kb(), ref)
    if json_out:
        _shared.print_json(found.to_json())
        return
    render.document(found.person)
    render.named_in(found.linked_from)


@app.command()
def leave(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="REF",
            help="The person's exact name, id, or a unique id prefix.",
            autocompletion=_complete.still_here,  # those still in the team: leaving twice changes nothing
        ),
    ],
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            "--end",
            metavar="YYYY-MM-DD",
            help="Their last day (default: today); --end, as the field is named.",
        ),
    ] = None,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Record that someone left: status left and their last day (end), one commit; counts leave them out after it.

    Example:

        pmops person leave "Theo Park" --date 2026-11-30
    """
    from pmops import people

    kb = _shared.state(ctx).kb()
    day = _shared.parse_date_option(date, "--date")
    outcome = people.leave(kb, ref, day, commit=False if no_commit else None)
    for message in outcome.notes:
        _shared.note(message)
    last = outcome.record.values.get("end")
    if json_out:
        already = {"already": True} if outcome.already else {}
        _shared.print_json({**outcome.to_json(), "action": "leave", "end": last and last.isoformat(), **already})
        return
    record = outcome.record
    if outcome.already:
        on = f"; last day {last.isoformat()}" if last else ""
        _shared.console().print(f"{_shared.safe(record.title)} already left{on}; nothing changed", soft_wrap=True)
        return
    committed = " (not committed)" if outcome.commit is None else f" (commit {outcome.commit[:10]})"
    _shared.console().print(
        f"{_shared.safe(record.title)} ([cyan]{_shared.safe(record.id)}[/cyan]) left; last day "
        f"{record.values['end'].isoformat()} → {_shared.safe(record.path)}{committed}",
        soft_wrap=True,
    )
