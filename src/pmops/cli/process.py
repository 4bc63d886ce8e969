"""`pmops process …`: process documents from proven templates, kept alive by reviews."""

from __future__ import annotations

from typing import Annotated

import typer

from pmops.cli import _complete, _options, _prompts, _shared
from pmops.cli._options import JsonOpt, NoCommitOpt, TagOpt, TodayOpt
from pmops.cli._shared import about
from pmops.cli.render import common
from pmops.doctypes import PROCESS

app = typer.Typer(
    help="Process docs: prioritization, sprint planning, roadmap review, launch checklists.", no_args_is_help=True
)
SHOWN = ("health", "owner", "cadence", "kind")  # process list's columns after id and title
EXTRA = (common.Column("health", "wrap"), common.Column("review_due", "date"))  # what process list works out


@app.command()
def new(
    ctx: typer.Context,
    title: Annotated[
        str | None, typer.Argument(metavar="TITLE", help="The process's name (asked on a terminal).")
    ] = None,
    kind: _options.field_option(PROCESS, "kind") = None,
    owner: _options.field_option(PROCESS, "owner") = None,
    cadence: Annotated[
        str | None,
        typer.Option(
            "--cadence",
            help=about(PROCESS, "cadence", then="(default: by kind)"),
            autocompletion=_complete.field("process", "cadence"),
        ),
    ] = None,
    tag: TagOpt = None,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Write a process document from its proven template, owned and with a review date.

    Example:

        pmops process new "Monthly prioritization" --kind prioritization --owner "Maya Chen"
    """
    values = {"title": title, "kind": kind, "owner": owner, "cadence": cadence, "tags": tag or []}
    _prompts.add(ctx, "process", values, flags={"title": "TITLE"}, no_commit=no_commit, json_out=json_out)


@app.command("list")
def list_(
    ctx: typer.Context,
    stale: Annotated[bool, typer.Option("--stale", help="Only processes past their review date.")] = False,
    due: Annotated[bool, typer.Option("--due", help="Only processes whose cadence says they run this week.")] = False,
    tag: _options.tag_filter("processes") = None,
    today: TodayOpt = None,
    all_: _options.AllOpt = False,
    archived: _options.ArchivedOpt = False,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option(common.record_columns(PROCESS, SHOWN, tuple(c.name for c in EXTRA))) = None,
    json_out: JsonOpt = False,
) -> None:
    """List processes with their owner, cadence, review date and health.

    Example:

        pmops process list --stale
    """
    from pmops import processes

    output = _shared.output(json_out, fmt, columns)
    kb = _shared.state(ctx).kb()
    day = _shared.today_option(today)
    rows = processes.listing(kb, day, stale=stale, due=due, tag=tag, archived=_shared.archived_option(all_, archived))
    data = [{**r.record.to_json(), "review_due": r.review_due, "stale": r.stale, "due": r.due} for r in rows]
    computed = {r.record.path: {"health": r.health, "review_due": r.review_due} for r in rows}
    listing = common.record_listing(
        [r.record for r in rows], kb.doctype("process"), SHOWN, extra=EXTRA, computed=computed, data=data
    )
    common.emit(listing, output)


@app.command()
def review(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="The process: id, unique prefix or title.", autocompletion=_complete.documents("process")
        ),
    ],
    today: _options.DoneOnOpt = None,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Stamp a process as reviewed today (it still matches how the team works) and commit.

    Example:

        pmops process review prc-260301
    """
    from pmops import processes

    kb = _shared.state(ctx).kb()
    day = _shared.today_option(today, recorded=True)
    record, sha, already = processes.review(kb, ref, day, commit=False if no_commit else None)
    if json_out:
        due = processes.review_due(kb.find(record.id))
        _shared.print_state(record, "review", sha, already, reviewed=day.isoformat(), next_review=str(due))
        return
    when = "today" if today is None else f"on {day}"
    done = (f"{_shared.safe(record.id)} was already reviewed {when}, so nothing changed;" if already
            else f"Reviewed [bold cyan]{_shared.safe(record.id)}[/bold cyan]:")  # fmt: skip
    _shared.console().print(
        f"{done} next review {processes.review_due(kb.find(record.id))}" + (f" (commit {sha[:10]})" if sha else ""),
        soft_wrap=True,
    )


@app.command()
def check(
    ctx: typer.Context,
    ref: Annotated[
        str | None,
        typer.Argument(
            metavar="[REF]",
            help="One process (id, unique prefix or title); none: every active process that declares outputs.",
            autocompletion=_complete.documents("process"),
        ),
    ] = None,
    window: Annotated[str | None, typer.Option("--window", help="How far back to look: 8w (default), 30d, 3m.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Look back to this day instead (YYYY-MM-DD).")] = None,
    today: TodayOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Compare what each process promises (its outputs) with what the KB and its history show happened,
    per process and per person; and the divergent versions of one kind of process.

    Example:

        pmops process check "Customer interview programme" --window 8w
    """
    from pmops import outputs
    from pmops.cli.render import processes as render
    from pmops.errors import InvalidInput

    if window is not None and since is not None:
        raise InvalidInput("--window and --since: give one of them")
    days = outputs.window_days(window) if window is not None else None
    start = _shared.parse_date_option(since, "--since")
    kb = _shared.state(ctx).kb()
    day = _shared.today_option(today)
    found = outputs.check(kb, ref, day, days, start)
    diverged = outputs.divergent(kb) if ref is None else []
    quiet = outputs.undeclared(kb) if ref is None else []
    if json_out:
        _shared.print_json({"processes": [c.to_json() for c in found], "divergent": [d.to_json() for d in diverged],
                            "without_outputs": [p.id for p in quiet]})  # fmt: skip
    else:
        render.checks(found, diverged, quiet)
