"""`pmops checklist …`: run a launch checklist for one launch, tick it, see where it stands."""

from __future__ import annotations

from typing import Annotated

import typer

from pmops.cli import _complete, _options, _shared
from pmops.cli._options import JsonOpt, NoCommitOpt
from pmops.cli.render import common
from pmops.cli.render import progress as render

app = typer.Typer(help="Run launch checklists: one run per launch, ticked item by item.", no_args_is_help=True)


@app.command()
def start(
    ctx: typer.Context,
    process: Annotated[
        str,
        typer.Argument(
            metavar="PROCESS_ID",
            help="The launch-checklist process to run (id, unique prefix or title).",
            autocompletion=_complete.documents("process"),
        ),
    ],
    run_for: Annotated[str, typer.Option("--for", metavar="NAME", help="The launch it is run for.")],
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Start a run of a process's checklist for one launch (a copy: later edits don't change it).

    Example:

        pmops checklist start prc-260301 --for "Mobile approvals GA"
    """
    from pmops import checklists

    kb = _shared.state(ctx).kb()
    common.created(checklists.start(kb, process, run_for, commit=False if no_commit else None), json_out)


@app.command()
def tick(
    ctx: typer.Context,
    run: Annotated[
        str,
        typer.Argument(
            metavar="RUN_ID",
            help="The checklist run (id, unique prefix or title).",
            autocompletion=_complete.documents("checklist"),
        ),
    ],
    item: Annotated[
        str,
        typer.Argument(
            metavar="ITEM",
            help="The item's number, its text, or a piece of it no other item has.",
            autocompletion=_complete.of("run", "open_items"),
        ),
    ],
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Tick one item of a checklist run and commit; the last item marks the run done.

    Example:

        pmops checklist tick chk-261126-4kq2 "rollback plan"
    """
    from pmops import checklists

    kb = _shared.state(ctx).kb()
    done = checklists.tick(kb, run, item, commit=False if no_commit else None)
    if json_out:
        _shared.print_state(done.run, "tick", done.commit, done.already, item=done.item.number,
                            text=done.item.text, finished=done.finished)  # fmt: skip
        return
    out = _shared.console()
    if done.already:
        out.print(f"Item {done.item.number} was already ticked: {_shared.safe(done.item.text)}", soft_wrap=True)
        return
    out.print(f"Ticked {done.item.number}: {_shared.safe(done.item.text)}", soft_wrap=True)
    if done.finished:
        out.print("[green]Every item is done: the run is complete.[/green]")


@app.command()
def status(
    ctx: typer.Context,
    run: Annotated[
        str | None,
        typer.Argument(
            metavar="[RUN_ID]",
            help="One run: id, unique prefix or title (default: every run).",
            autocompletion=_complete.documents("checklist"),
        ),
    ] = None,
    all_: _options.AllOpt = False,
    archived: _options.ArchivedOpt = False,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option("id, title, done, total (the default), or open, started, path") = None,
    json_out: JsonOpt = False,
) -> None:
    """Show done/total for every run, or one run's open items in order.

    Example:

        pmops checklist status chk-261126-4kq2
    """
    from pmops import checklists

    output = _shared.output(json_out, fmt, columns)
    kb = _shared.state(ctx).kb()
    which = _shared.archived_option(all_, archived)
    runs = checklists.statuses(kb, run, archived=which)
    hidden = len(checklists.statuses(kb, archived=True)) if not runs and run is None and which is False else 0
    data = [{**r.record.to_json(), "done": r.done, "total": r.total,
             "open_items": [{"number": i.number, "text": i.text} for i in r.open_items]} for r in runs]  # fmt: skip
    common.emit(render.checklist_listing(runs, data, detail=run is not None, archived=which, hidden=hidden), output)
