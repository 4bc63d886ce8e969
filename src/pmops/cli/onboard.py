"""`pmops onboard …`: a new PM's 30/60/90-day plan from the knowledge base, and its progress."""

from __future__ import annotations

from typing import Annotated

import typer

from pmops.cli import _complete, _options, _prompts, _shared
from pmops.cli._options import JsonOpt, NoCommitOpt, TodayOpt
from pmops.cli.render import common
from pmops.cli.render import progress as render
from pmops.doctypes import ONBOARDING

app = typer.Typer(
    help="Onboarding: 30/60/90-day plans built from the knowledge base, and their progress.", no_args_is_help=True
)


@app.command("new-pm")
def new_pm(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The new PM's full name.")],
    start: Annotated[
        str | None, typer.Option("--start", metavar="YYYY-MM-DD", help="Their first day (asked on a terminal).")
    ] = None,
    area: _options.field_option(ONBOARDING, "area") = None,
    buddy: _options.field_option(ONBOARDING, "buddy") = None,
    manager: _options.field_option(ONBOARDING, "manager") = None,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Create a new PM's plan: steps with due dates, a reading list from the KB, intro meetings.

    Example:

        pmops onboard new-pm "Dana Reyes" --start 2026-12-01 --area billing --buddy "Maya Chen"
    """
    from pmops import onboarding

    kb = _shared.state(ctx).kb()
    values = {"start": start, "area": area, "buddy": buddy, "manager": manager}
    for key, known in onboarding.from_roster(kb, name).items():  # someone on the roster: what it says of them
        values[key] = values[key] or known
    _prompts.ask_missing(ctx, kb.doctype("onboarding"), values, only=values)
    day = _shared.parse_date_option(values["start"], "--start")
    plan, sha, added, notes = onboarding.new_pm(kb, name, day, area=values["area"], buddy=values["buddy"],
                                         manager=values["manager"], commit=False if no_commit else None)  # fmt: skip
    for line in notes:
        _shared.note(line)
    if json_out:
        person_added = {"id": added.id, "path": added.path} if added is not None else None
        _shared.print_json({"id": plan.id, "path": plan.path, "person": plan.values.get("person"),
                            "person_added": person_added})  # fmt: skip
        return
    if added is not None:
        _shared.console().print(
            f"Added {_shared.safe(added.title)} to the roster (role pm): person [bold cyan]{_shared.safe(added.id)}"
            f"[/bold cyan] → {_shared.safe(added.path)}", soft_wrap=True,
        )  # fmt: skip
    _shared.console().print(
        f"Onboarding plan [bold cyan]{_shared.safe(plan.id)}[/bold cyan] → {_shared.safe(plan.path)}"
        + (f" (commit {sha[:10]})" if sha else ""), soft_wrap=True,
    )  # fmt: skip


@app.command()
def status(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]",
            help="One person (name, id or unique prefix) or plan (default: everyone).",
            autocompletion=_complete.documents("person", "onboarding", names=True),
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Archived plans and plans of people who left, too.")] = False,
    today: TodayOpt = None,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option(
        "name, start, state, done, total, day, pace, due (the share of steps due), overdue (the default), "
        "done_another_way (overdue steps whose work the PM did: their first decision recorded), "
        "or activity (the PM's own firsts), area, id, path"
    ) = None,
    json_out: JsonOpt = False,
) -> None:
    """Progress per person (done/total, overdue steps, pace), or one person's open steps in order.

    Archived plans and those of people who left are left out, unless --all.

    Example:

        pmops onboard status "Dana Reyes"
    """
    from pmops import onboarding, productivity

    output = _shared.output(json_out, fmt, columns)
    kb = _shared.state(ctx).kb()
    day = _shared.today_option(today)
    found = onboarding.progress(kb, name, day, everyone=all_)
    ttp = productivity.time_to_productivity(kb, day)
    own = productivity.activity(kb, [p.plan for p in found], day)
    plans = []
    for p in found:  # a step done another way is not overdue, as the table and the digest say it
        other = [st.id for st in productivity.done_another_way(p.overdue, own.get(p.plan.path))]
        shown = p.to_json(detail=name is not None)
        shown["overdue"] = [step for step in shown["overdue"] if step not in other]
        plans.append({**shown, "activity": own[p.plan.path].to_json(), "done_another_way": other})
    milestone = productivity.by_activity(kb, [p.plan for p in found], own, day)
    by_activity = {
        "wanted": list(productivity.firsts_wanted(kb)),
        "shown": list(productivity.firsts_shown(kb)),
        "text": milestone.text,
        "median": milestone.median,
        "at_least": milestone.at_least,
        "measured": milestone.measured,
        "productive": milestone.finished,
        "late": milestone.late,
    }
    data = {"plans": plans, "time_to_productivity": ttp.to_json(), "productive_by_activity": by_activity}
    listing = render.onboarding_listing(found, data, detail=name is not None, ttp=None if name else ttp, own=own)
    common.emit(listing, output)


@app.command()
def done(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="The person onboarding (name, id or unique prefix), or their plan.",
            autocompletion=_complete.documents("person", "onboarding", names=True),
        ),
    ],
    step: Annotated[
        str,
        typer.Argument(
            metavar="STEP",
            help="The step's id (W1-2), its number, its text, or a piece of it no other step has.",
            autocompletion=_complete.of("name", "open_steps"),
        ),
    ],
    today: _options.DoneOnOpt = None,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Mark a step done today and commit; the last step marks the plan complete.

    Example:

        pmops onboard done "Dana Reyes" W1-1
    """
    from pmops import onboarding

    kb = _shared.state(ctx).kb()
    day = _shared.today_option(today, recorded=True)
    result = onboarding.done(kb, name, step, day, commit=False if no_commit else None)
    if json_out:
        _shared.print_state(result.plan, "done", result.commit, result.already, step=result.step.id,
                            text=result.step.text, done_on=str(result.step.done_on or day),
                            day30=result.day30, complete=result.complete)  # fmt: skip
        return
    out = _shared.console()
    if result.already:
        when = f" on {result.step.done_on}" if result.step.done_on else ""
        out.print(
            f"Already done{when}: {result.step.id} {_shared.safe(result.step.text)}; nothing changed", soft_wrap=True
        )
        return
    out.print(f"Done: {result.step.id} {_shared.safe(result.step.text)}", soft_wrap=True)
    if result.day30:
        out.print("[green]Week 1 and Day 30 complete: productive.[/green]")
    if result.complete:
        out.print("[green]Every step is done: the plan is complete.[/green]")
