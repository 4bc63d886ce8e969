"""`pmops prioritize`: opportunities ranked from their evidence, a ranking recorded per cycle, cycles compared."""

from __future__ import annotations

from typing import Annotated

import typer

from pmops.cli import _complete, _shared
from pmops.cli._options import JsonOpt, NoCommitOpt
from pmops.doctypes import PRIORITIZATION_METHODS
from pmops.errors import InvalidInput, not_a_choice
from pmops.text import either

app = typer.Typer(invoke_without_command=True)  # its help: the callback's docstring (Reach, Confidence, examples)

DIFF_FORMATS = ("table", "md", "json")


@app.callback()
def prioritize(
    ctx: typer.Context,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            metavar=" | ".join(PRIORITIZATION_METHODS),
            help="How to score: " + either(PRIORITIZATION_METHODS) + ".",
        ),
    ] = "rice",
    area: Annotated[
        str | None,
        typer.Option(
            "--area", help="Only this area's opportunities.", autocompletion=_complete.field("opportunity", "area")
        ),
    ] = None,
    cycle: Annotated[
        str | None,
        typer.Option(
            "--cycle",
            metavar="YYYY-MM",
            help="Record the ranking as this cycle's (rankings/, one commit); without it nothing is written.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="With --cycle: replace the cycle's ranking (git keeps the one replaced).")
    ] = False,
    backfill: Annotated[
        bool,
        typer.Option(
            "--backfill",
            help="With --cycle: record a cycle that has ended, from today's links and estimates (marked as backfilled).",
        ),
    ] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Show each row's formula with its numbers.")] = False,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            metavar="YYYY-MM-DD",
            help="Count the evidence to this day (a preview); with --cycle a day to come is refused and a day "
            "gone needs --backfill: a ranking is recorded as made today.",
        ),
    ] = None,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Rank opportunities by RICE, ICE or WSJF from their evidence; record a cycle's ranking; compare cycles.

    Reach counts the distinct customers of the linked insights (one more per
    insight naming none) plus their ARR, in units of 100,000 USD
    (prioritization: arr_unit in pmops.yaml); Confidence averages the volume,
    the variety of sources and segments, and the recency of the evidence. Impact
    and Effort (or WSJF's terms) are entered per opportunity. A row missing a
    term says so and is not ranked; shipped and dropped ones are listed, not
    ranked. The formulas: docs/prioritization.md.

    Without --cycle nothing is written. With --cycle the ranking is recorded
    with every input, never recomputed: one per cycle and area (with --area,
    that area's; without, every area's).

    Example:

        pmops prioritize --method rice --explain
        pmops prioritize --method rice --cycle 2026-12
        pmops prioritize --cycle 2026-12 --area approvals
        pmops prioritize diff 2026-11 2026-12
    """
    if ctx.invoked_subcommand is not None:
        return
    from pmops import prioritization
    from pmops.cli.render import prioritization as render

    if force and cycle is None:
        raise InvalidInput("--force replaces a cycle's ranking: give --cycle YYYY-MM")
    if backfill and cycle is None:
        raise InvalidInput("--backfill records a cycle that has ended: give --cycle YYYY-MM")
    kb = _shared.state(ctx).kb()
    ranking = prioritization.rank(
        kb, method, area=area, cycle=cycle, today=_shared.parse_date_option(today, "--today"), suggest=explain
    )
    for warning in ranking.warnings:  # an ARR of a billion or more (cents?), as import, set and lint say it
        _shared.note(warning)
    if cycle is not None:
        ranking = prioritization.record(
            kb, ranking, force=force, backfill=backfill, commit=False if no_commit else None
        )
    if json_out:
        _shared.print_json(ranking.to_json(explain))
    else:
        render.ranking(ranking, explain)


@app.command()
def diff(
    ctx: typer.Context,
    before: Annotated[str | None, typer.Argument(metavar="CYCLE", help="The earlier cycle, YYYY-MM.")] = None,
    after: Annotated[str | None, typer.Argument(metavar="CYCLE", help="The later cycle, YYYY-MM.")] = None,
    area: Annotated[
        str | None,
        typer.Option(
            "--area",
            help="Compare the two rankings of this area (recorded with --area); without it, those of every area.",
            autocompletion=_complete.field("opportunity", "area"),
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", metavar="table|md|json", help="table (the default), md (markdown) or json."),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """What moved between two cycles' rankings, by how much, and why: new evidence, a re-estimate, a status change.

    Both rankings are read as they were recorded: a later change of evidence
    shows in the next cycle's ranking, never in an older one.

    Example:

        pmops prioritize diff 2026-11 2026-12 --format md
        pmops prioritize diff 2026-11 2026-12 --area approvals
    """
    from pmops import prioritization
    from pmops.cli.render import prioritization as render

    if before is None or after is None:  # said as pmops says bad input, not click's usage box
        missing = f"give the later CYCLE after {before}" if before else "give the earlier CYCLE and the later CYCLE"
        raise InvalidInput(f"prioritize diff compares two cycles: {missing}",
                           hint="e.g. pmops prioritize diff 2026-11 2026-12")  # fmt: skip
    if fmt is not None and fmt not in DIFF_FORMATS:
        raise not_a_choice("--format", DIFF_FORMATS)
    if json_out and fmt not in (None, "json"):
        raise InvalidInput(f"give --json or --format {fmt}, not both")
    found = prioritization.diff(_shared.state(ctx).kb(), before, after, area)
    chosen = "json" if json_out else fmt or "table"
    if chosen == "json":
        _shared.print_json(found.to_json())
    elif chosen == "md":
        typer.echo(found.to_markdown(), nl=False)
    else:
        render.diff(found)
