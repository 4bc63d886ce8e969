"""`pmops metric …`: metric definitions, values over time, and the metric tree."""

from __future__ import annotations

from typing import Annotated

import typer

from pmops.cli import _complete, _options, _prompts, _shared
from pmops.cli._options import JsonOpt, NoCommitOpt
from pmops.cli._shared import about
from pmops.cli.render import common
from pmops.cli.render import tools as render
from pmops.doctypes import METRIC

app = typer.Typer(
    help="Metrics: definitions, owners, targets, values over time, the metric tree.", no_args_is_help=True
)


@app.command()
def add(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(metavar="NAME", help="The metric's name (asked on a terminal).")] = None,
    definition: Annotated[str | None, typer.Option("--definition", help=about(METRIC, "definition"))] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Who owns it.", autocompletion=_complete.field("metric", "owner"))
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="%, users, EUR, days …")] = None,
    target: Annotated[str | None, typer.Option("--target", help="The value to reach.")] = None,
    direction: _options.field_option(METRIC, "direction") = None,
    cadence: _options.field_option(METRIC, "cadence") = None,
    parent: Annotated[
        str | None,
        typer.Option(
            "--parent",
            metavar="METRIC",
            help="The metric above it in the tree.",
            autocompletion=_complete.field("metric", "parent"),
        ),
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help=about(METRIC, "source"))] = None,
    area: Annotated[
        str | None,
        typer.Option("--area", help="The product area that owns it.", autocompletion=_complete.field("metric", "area")),
    ] = None,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Define a metric: definition, owner, unit, target, and its parent in the metric tree.

    Example:

        pmops metric add "Weekly active approvers" --definition "Users who approved at least once in the week" \\
            --owner "Theo Park" --unit users --target 5000 --cadence weekly --parent "Spend under management"
    """
    values = {"name": name, "definition": definition, "owner": owner, "unit": unit, "target": target,
              "direction": direction, "cadence": cadence, "parent": parent, "source": source, "area": area}  # fmt: skip
    _prompts.add(ctx, "metric", values, flags={"name": "NAME"}, no_commit=no_commit, json_out=json_out)


@app.command("list")
def list_(
    ctx: typer.Context,
    today: _options.TodayOpt = None,
    all_: _options.AllOpt = False,
    archived: _options.ArchivedOpt = False,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option(
        common.record_columns(METRIC, render.SHOWN, tuple(c.name for c in render.EXTRA))
    ) = None,
    json_out: JsonOpt = False,
) -> None:
    """List metrics with their latest value, status against target (stale ones flagged), owner and unit.

    Example:

        pmops metric list
    """
    from pmops import metrics

    output = _shared.output(json_out, fmt, columns)
    kb = _shared.state(ctx).kb()
    found = metrics.views(kb, _shared.today_option(today), _shared.archived_option(all_, archived))
    common.emit(render.metric_listing(found, kb.doctype("metric")), output)


@app.command()
def record(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="The metric: its name, id or a unique prefix.",
            autocompletion=_complete.documents("metric", names=True),
        ),
    ],
    value: Annotated[
        str,
        typer.Argument(metavar="VALUE", help="A number (4210, 99.7), read as in the values file: 4,700, 99.7%, 5k."),
    ],
    date: Annotated[
        str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="The day it was measured (default: today).")
    ] = None,
    no_commit: NoCommitOpt = False,
) -> None:
    """Record a value (in the CSV beside the metric) and commit; a second value for a day replaces the first (said).

    A date after today is refused: a value is recorded once it is measured. A value above 100 or below 0
    in a metric counted in % is refused (unless it already had such values). A doubtful value is recorded
    with a warning: in %, one of at most 1 after values of 10 or more (a ratio? 0.995 for 99.5); in any
    metric, one 10 times or more above (or a tenth or less of) every one of the last four values (47000
    after 4,638: a zero too many?), or one beyond any measure (1e20).

    Example:

        pmops metric record "Weekly active approvers" 4210 --date 2026-11-23
    """
    from pmops import metrics

    found, when, number, _, doubt, was = metrics.record_value(_shared.state(ctx).kb(), name, value, date,
                                                        commit=False if no_commit else None)  # fmt: skip
    replaced = f" (replaced {was:g})" if was is not None and was != number else ""
    _shared.console().print(f"{_shared.safe(found.title)}: {number:g} on {when}{replaced}", soft_wrap=True)
    if doubt:
        _shared.note(f"warning: {doubt}")


@app.command()
def show(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="The metric: its name, id or a unique prefix.",
            autocompletion=_complete.documents("metric", names=True),
        ),
    ],
    today: _options.TodayOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """A metric's latest value against its target (by its direction), staleness, trend and a sparkline.

    Example:

        pmops metric show "Weekly active approvers"
    """
    from pmops import metrics

    found = metrics.view(_shared.state(ctx).kb(), name, _shared.today_option(today))
    if json_out:
        _shared.print_json(found.to_json())
    else:
        render.metric(found)
