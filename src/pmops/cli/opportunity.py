"""`pmops opportunity …`: customer problems worth solving, with the insights that show them."""

from __future__ import annotations

from typing import Annotated

import typer

from pmops.cli import _complete, _options, _prompts, _shared
from pmops.cli._options import JsonOpt, NoCommitOpt, TagOpt
from pmops.cli._shared import about
from pmops.cli.render import common
from pmops.doctypes import OPPORTUNITY

app = typer.Typer(
    help="Opportunities: customer problems worth solving, their evidence, and the terms that rank them.",
    no_args_is_help=True,
)


def _number(name: str, metavar: str = "N") -> object:
    return Annotated[
        str | None, typer.Option(f"--{name.replace('_', '-')}", metavar=metavar, help=about(OPPORTUNITY, name))
    ]


@app.command()
def add(
    ctx: typer.Context,
    title: Annotated[
        str | None, typer.Argument(metavar="TITLE", help="The problem, as a short title (asked on a terminal).")
    ] = None,
    area: _options.field_option(OPPORTUNITY, "area") = None,
    problem: Annotated[
        str | None, typer.Option("--problem", metavar="TEXT", help=about(OPPORTUNITY, "problem"))
    ] = None,
    evidence: Annotated[
        list[str] | None,
        typer.Option(
            "--evidence",
            metavar="ID",
            help="An insight that shows the problem: id, unique prefix or title (repeatable).",
            autocompletion=_complete.field("opportunity", "evidence"),
        ),
    ] = None,
    status: _options.field_option(OPPORTUNITY, "status") = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            metavar="NAME",
            help=about(OPPORTUNITY, "owner"),
            autocompletion=_complete.field("opportunity", "owner"),
        ),
    ] = None,
    impact: _number("impact") = None,  # type: ignore[valid-type]
    effort: _number("effort", "MONTHS") = None,  # type: ignore[valid-type]
    business_value: _number("business_value") = None,  # type: ignore[valid-type]
    time_criticality: _number("time_criticality") = None,  # type: ignore[valid-type]
    risk_reduction: _number("risk_reduction") = None,  # type: ignore[valid-type]
    job_size: _number("job_size") = None,  # type: ignore[valid-type]
    tag: TagOpt = None,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Add an opportunity: a customer problem worth solving, with the insights that show it.

    Impact and Effort rank it by RICE and ICE; business value, time criticality,
    risk reduction and job size by WSJF (docs/prioritization.md has the scales).
    Reach and Confidence are not entered: pmops prioritize computes them from
    the evidence.

    Example:

        pmops opportunity add "Approvers miss requests outside the office" \\
            --area approvals --evidence ins-260114 --evidence ins-260518 \\
            --impact 2 --effort 3
    """
    values = {"title": title, "area": area, "problem": problem, "evidence": evidence or [], "status": status,
              "owner": owner, "impact": impact, "effort": effort, "business_value": business_value,
              "time_criticality": time_criticality, "risk_reduction": risk_reduction, "job_size": job_size,
              "tags": tag or []}  # fmt: skip
    _prompts.add(ctx, "opportunity", values, flags={"title": "TITLE"}, no_commit=no_commit, json_out=json_out)


@app.command("list")
def list_(
    ctx: typer.Context,
    area: _options.field_filter(OPPORTUNITY, "area") = None,
    status: _options.field_filter(OPPORTUNITY, "status") = None,
    all_: _options.AllOpt = False,
    archived: _options.ArchivedOpt = False,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option(common.record_columns(OPPORTUNITY)) = None,
    json_out: JsonOpt = False,
) -> None:
    """List opportunities, newest first, with area, status, owner, impact and effort.

    On a narrow terminal the titles wrap; a status is never cut. --format csv,
    tsv or --json carry every value whole.

    Example:

        pmops opportunity list --area approvals --status discovery
    """
    output = _shared.output(json_out, fmt, columns)
    kb = _shared.state(ctx).kb()
    doctype = kb.doctype("opportunity")
    records = kb.select(doctype, {"area": area, "status": status}, archived=_shared.archived_option(all_, archived))
    common.listing(records, doctype, output)


@app.command()
def show(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="REF",
            help="An opportunity: id, unique prefix or title.",
            autocompletion=_complete.documents("opportunity"),
        ),
    ],
    today: _options.TodayOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Show an opportunity: its fields, its evidence summed up, and the chain (decisions, metrics).

    Its Reach and Confidence are counted as pmops prioritize counts them today,
    or on the day --today gives.

    Example:

        pmops opportunity show "Approvers miss requests outside the office"
    """
    from pmops.cli import core

    kb = _shared.state(ctx).kb()
    day = _shared.today_option(today) if today is not None else None
    core.show_record(kb, kb.find(ref, "opportunity"), json_out, day)


@app.command()
def link(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="REF",
            help="An opportunity: id, unique prefix or title.",
            autocompletion=_complete.documents("opportunity"),
        ),
    ],
    insights: Annotated[
        list[str],
        typer.Argument(
            metavar="INSIGHT...",
            help="Insights that show the problem: ids, unique prefixes or titles.",
            autocompletion=_complete.documents("insight"),
        ),
    ],
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Add insights to an opportunity's evidence, in one commit (one already there is not added twice).

    An insight may be the evidence of several opportunities.

    Example:

        pmops opportunity link "Approvers miss requests outside the office" \\
            ins-260309 ins-260422
    """
    from pmops import opportunities

    result = opportunities.link(_shared.state(ctx).kb(), ref, insights, commit=False if no_commit else None)
    if json_out:
        _shared.print_json(result.to_json())
        return
    out = _shared.console()
    record = result.record
    if result.added:
        out.print(f"Linked {', '.join(map(_shared.safe, result.added))} to [bold cyan]{_shared.safe(record.id)}[/bold cyan]"
                  f"{'' if result.commit is None else ' (commit ' + result.commit[:10] + ')'}", soft_wrap=True)  # fmt: skip
    if result.already:
        _shared.note(f"already evidence of {record.id}: {', '.join(result.already)}")
