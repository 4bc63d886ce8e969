"""`pmops tool …`: the team's tool registry, evaluations and the shape of the stack."""

from __future__ import annotations

from typing import Annotated

import typer

from pmops.cli import _complete, _options, _prompts, _shared
from pmops.cli._options import JsonOpt, NoCommitOpt
from pmops.cli._shared import about
from pmops.cli.render import common
from pmops.cli.render import tools as render
from pmops.doctypes import TOOL

app = typer.Typer(
    help="Tools: the registry, weighted evaluations, the stack's overlaps, gaps and renewals.", no_args_is_help=True
)


@app.command()
def add(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(metavar="NAME", help="The tool's name (asked on a terminal).")] = None,
    category: _options.field_option(TOOL, "category") = None,
    job: Annotated[
        str | None,
        typer.Option(
            "--job", help="The job it does (product analytics, BI dashboards …): adopted tools with one job overlap."
        ),
    ] = None,
    owner: _options.field_option(TOOL, "owner") = None,
    status: _options.field_option(TOOL, "status") = None,
    cost: Annotated[str | None, typer.Option("--cost", help=about(TOOL, "cost"))] = None,
    seats: Annotated[str | None, typer.Option("--seats", help=about(TOOL, "seats"))] = None,
    seats_used: Annotated[str | None, typer.Option("--seats-used", help=about(TOOL, "seats_used"))] = None,
    renewal: Annotated[str | None, typer.Option("--renewal", metavar="YYYY-MM-DD", help=about(TOOL, "renewal"))] = None,
    notice_days: Annotated[
        str | None, typer.Option("--notice-days", metavar="DAYS", help=about(TOOL, "notice_days"))
    ] = None,
    integrates_with: Annotated[
        list[str] | None,
        typer.Option(
            "--integrates-with",
            metavar="TOOL",
            help="A tool it exchanges data with (repeatable).",
            autocompletion=_complete.field("tool", "integrates_with"),
        ),
    ] = None,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Add a tool to the registry.

    Example:

        pmops tool add Amplitude --category analytics --job "product analytics" --status adopted --cost 24000 \\
            --seats 60 --seats-used 41 --renewal 2026-12-15 --notice-days 60 --owner "Jonas Weber"
    """
    values = {"name": name, "category": category, "job": job, "owner": owner, "status": status, "cost": cost, "seats": seats,
              "seats_used": seats_used, "renewal": renewal, "notice_days": notice_days,
              "integrates_with": integrates_with or []}  # fmt: skip
    _prompts.add(ctx, "tool", values, flags={"name": "NAME"}, no_commit=no_commit, json_out=json_out)


@app.command("list")
def list_(
    ctx: typer.Context,
    category: _options.field_filter(TOOL, "category") = None,
    status: _options.field_filter(TOOL, "status") = None,
    all_: _options.AllOpt = False,
    archived: _options.ArchivedOpt = False,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option(common.record_columns(TOOL)) = None,
    json_out: JsonOpt = False,
) -> None:
    """List the tools by category, with their status, owner, cost and renewal; filtered by category and status.

    Example:

        pmops tool list --category analytics --status adopted
    """
    output = _shared.output(json_out, fmt, columns)
    kb = _shared.state(ctx).kb()
    doctype = kb.doctype("tool")
    where = {"category": category, "status": status}
    chosen = kb.select(doctype, where, archived=_shared.archived_option(all_, archived))
    records = sorted(chosen, key=lambda r: (str(r.values.get("category")), r.title.casefold()))
    common.listing(records, doctype, output)


@app.command()
def score(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="The tool: its name, id or a unique prefix.",
            autocompletion=_complete.documents("tool", names=True),
        ),
    ],
    pairs: Annotated[
        list[str], typer.Argument(metavar="CRITERION=SCORE...", help="Scores from 0 to 5, e.g. fit=4 cost=2.")
    ],
    no_commit: NoCommitOpt = False,
) -> None:
    """Score a tool against the criteria of pmops.yaml (tool_criteria) and commit.

    A must-pass criterion (a security requirement: `sso: must-pass` in tool_criteria)
    takes pass or fail: a tool failing one is not ranked, whatever its weighted score.

    Example:

        pmops tool score Dovetail fit=4 integration=3 cost=2 adoption=4 security=5 sso=pass
    """
    from pmops import stack

    kb = _shared.state(ctx).kb()
    record, changed = stack.score(kb, name, pairs, commit=False if no_commit else None)
    if not changed:
        _shared.console().print(
            f"Nothing changed: {_shared.safe(record.title)} already has those scores.", soft_wrap=True
        )
        return
    render.tool_scored(stack.rating(kb, record))


@app.command()
def compare(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[NAME]...",
            help="Two or more tools (default: every tool not retired).",
            autocompletion=_complete.documents("tool", names=True),
        ),
    ] = None,
    category: _options.field_filter(TOOL, "category", "without names: only this category") = None,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option("rank, tool, each criterion of pmops.yaml (tool_criteria), weighted") = None,
    json_out: JsonOpt = False,
) -> None:
    """The weighted scoring matrix of some tools, and their ranking (tools nobody scored come last, unranked).

    Without names: every tool adopted or being evaluated (not retired), or those of one
    --category (none there: an empty matrix, exit 0). A tool with a cost and no cost score gets one
    derived from the costs compared in its category: 5 × the cheapest ÷ its cost. Must-pass criteria (security requirements) are
    shown beside the weighted ones: a tool failing one is shown failing, after the
    ranked tools, whatever its weighted score.

    Example:

        pmops tool compare Dovetail Condens EnjoyHQ
        pmops tool compare --category research
    """
    from pmops import stack

    output = _shared.output(json_out, fmt, columns)
    weights, ratings = stack.compare(_shared.state(ctx).kb(), names or [], category)
    empty = f"no tools in category '{category}'" if category else "no tools in use or being evaluated"
    common.emit(render.tool_matrix(weights, ratings, empty), output)


@app.command("stack")
def stack_(
    ctx: typer.Context,
    today: _options.TodayOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """The adopted stack by category: overlaps (one job, two tools), gaps, what pmops covers, isolated tools, renewals, cost.

    Example:

        pmops tool stack
    """
    from pmops import stack

    result = stack.stack(_shared.state(ctx).kb(), _shared.today_option(today))
    if json_out:
        _shared.print_json(result.to_json())
    else:
        render.tool_stack(result)


@app.command()
def renewals(
    ctx: typer.Context,
    within: Annotated[
        int | None,
        typer.Option("--within", metavar="DAYS", help="Only what must be decided within DAYS (and what is late)."),
    ] = None,
    today: _options.TodayOpt = None,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option(
        "decide_by, when, tool, renews, notice (days), cost, used (seats used), per_seat (cost per active seat) "
        "(the default), or seats, owner, state, id"
    ) = None,
    json_out: JsonOpt = False,
) -> None:
    """What must be decided by when: each adopted tool's renewal less its notice days, with the cost per active seat.

    A contract is upcoming (notice can still be given), in notice (the day to decide by
    has passed: it renews as it is) or passed (its renewal date is behind us: update it).
    The cost per active seat is the cost per year ÷ seats_used.

    Example:

        pmops tool renewals --within 90
    """
    from pmops import stack

    output = _shared.output(json_out, fmt, columns)
    found = stack.renewals(_shared.state(ctx).kb(), _shared.today_option(today), within)
    common.emit(render.renewal_listing(found, within), output)
