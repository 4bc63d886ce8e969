"""`checklist status` and `onboard status`: runs and plans, how far along."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmops.cli._shared import console, safe
from pmops.cli.render.common import Cell, Column, Listing
from pmops.text import count

if TYPE_CHECKING:
    from pmops.productivity import TimeToProductivity


def checklist_listing(
    runs: list, data: list, *, detail: bool, archived: bool | None = False, hidden: int = 0
) -> Listing:
    """`checklist status`: a run a row (done of total); one run (detail) with its open items, for people.
    `archived` as the listing was asked (True: only archived runs; None: all); `hidden`: the archived runs a
    listing of the others left out, said when it shows none."""
    rows = [{"id": r.record.id, "title": r.record.title, "done": r.done, "total": r.total,
             "open": r.total - r.done, "started": r.record.values.get("started"), "path": r.record.path}
            for r in runs]  # fmt: skip
    columns = (Column("id", "id"), Column("title", "title"), Column("done", "number"), Column("total", "number"),
               Column("open", "number"), Column("started", "date"), Column("path"))  # fmt: skip
    if archived:
        noun, empty = "archived checklist run", "no archived checklist runs"
    elif hidden:
        noun = "checklist run"
        empty = f"no checklist runs but {count(hidden, 'archived run')}: pmops checklist status --archived"
    else:
        noun, empty = "checklist run", "no checklist runs yet: pmops checklist start PROCESS_ID --for NAME"
    return Listing(columns, ("id", "title", "done", "total"), rows, data, noun=noun, empty=empty,
                   human=(lambda: checklist_runs(runs, detail=True)) if detail else None)  # fmt: skip


def onboarding_listing(found: list, data: dict, *, detail: bool, ttp: TimeToProductivity | None,
                       own: dict | None = None) -> Listing:  # fmt: skip
    """`onboard status`: a plan a row (state, steps done, pace against what is due); then (a table's footer) the
    time to productivity; one person (detail) with their open steps, for people."""
    from pmops import productivity

    other = {p.plan.path: productivity.done_another_way(p.overdue, (own or {}).get(p.plan.path)) for p in found}

    def overdue(p: Any) -> list[str]:
        """The steps overdue, those done another way said after them as the digest says it."""
        late = [st.id for st in p.overdue if st not in other[p.plan.path]]
        if not other[p.plan.path]:
            return late
        said = productivity.another_way_said(other[p.plan.path])
        return [*late[:-1], f"{late[-1]} {said}"] if late else [said]

    rows = [{"name": p.name, "state": p.state, "done": p.done, "total": len(p.steps),
             "day": p.days_since_start if p.state != "not started" else None,
             "pace": Cell(round(p.actual, 3), f"{p.actual:.0%}"),
             "due": None if p.expected is None else Cell(round(p.expected, 3), f"{p.expected:.0%}"),
             "overdue": overdue(p), "done_another_way": [st.id for st in other[p.plan.path]], "start": p.plan.values.get("start"),
             "area": p.plan.values.get("area"), "id": p.plan.id, "path": p.plan.path,
             "activity": own[p.plan.path].text if own and p.plan.path in own else None} for p in found]  # fmt: skip

    def footer() -> None:
        if ttp is not None:
            out = console()
            out.print(f"Days to productive (Week 1 and Day 30 done): {ttp.day30.text}", soft_wrap=True)
            out.print(f"Days to plan complete: {ttp.complete.text}", soft_wrap=True)
            _own_activity(found, own or {}, data.get("productive_by_activity") or {})

    columns = (Column("name", "title"), Column("state", "wrap"), Column("done", "number"), Column("total", "number"),
               Column("day", "number"), Column("pace", "number"), Column("due", "number"), Column("overdue", "wrap"),
               Column("done_another_way", "wrap"), Column("start", "date"), Column("activity", "wrap"), Column("area"), Column("id", "id"),
               Column("path"))  # fmt: skip
    return Listing(columns, ("name", "start", "state", "done", "total", "day", "pace", "due", "overdue"), rows, data,
                   noun="plan", empty='no onboarding plans yet: pmops onboard new-pm "Name" --start YYYY-MM-DD',
                   human=(lambda: onboarding(found, detail=True, own=own)) if detail else None, footer=footer)  # fmt: skip


def _own_activity(found: list, own: dict, by: dict) -> None:
    """Beside the checklist: each PM's own firsts (insight, decision …), then the days to productive by
    them over the plans (`by`: onboard status's productive_by_activity, its text and the types that count)."""
    mine = [(p, own[p.plan.path]) for p in found if p.plan.path in own and p.state != "not started"]
    shown_firsts = next((a.firsts for _, a in mine if a.firsts), ())
    if not shown_firsts or not by.get("text"):
        return
    out = console()
    names = ", ".join(f.type for f in shown_firsts)
    out.print(f"Own activity (first {names}): " + "; ".join(f"{safe(p.name)}: {safe(a.text)}" for p, a in mine),
              soft_wrap=True)  # fmt: skip
    counted = " and ".join(by.get("wanted") or ())
    out.print(f"Days to productive by own activity (first {counted}): {by['text']}", soft_wrap=True)


def checklist_runs(runs: list, *, detail: bool) -> None:
    """Every run with done/total, or (detail) one run's open items in order."""
    out = console()
    if not runs:
        out.print("[dim]no checklist runs yet: pmops checklist start PROCESS_ID --for NAME[/dim]")
        return
    for run in runs:
        rec = run.record
        state = "[green]done[/green]" if run.done == run.total else f"{run.done}/{run.total}"
        out.print(f"[cyan]{safe(rec.id)}[/cyan]  {state}  {safe(rec.title)}", soft_wrap=True)
        if detail:
            for item in run.open_items:
                out.print(f"    {item.number:>2}. {safe(item.text)}", soft_wrap=True)


def onboarding(found: list, *, detail: bool, ttp: TimeToProductivity | None = None, own: dict | None = None) -> None:
    out = console()
    if not found:
        out.print('[dim]no onboarding plans yet: pmops onboard new-pm "Name" --start YYYY-MM-DD[/dim]')
        return
    for progress in found:
        colour = {
            "complete": "green",
            "overdue": "red",
            "on track": "cyan",
            "in progress": "cyan",
            "not started": "dim",
        }[progress.state]
        due = f" vs {progress.expected:.0%} due" if progress.expected is not None else ", no due dates"
        when = (f"starts {progress.plan.values['start']}" if progress.state == "not started"
                else f"day {progress.days_since_start}, pace {progress.actual:.0%} done{due}")  # fmt: skip
        out.print(
            f"[bold]{safe(progress.name)}[/bold]  [{colour}]{progress.state}[/]  {progress.done}/{len(progress.steps)} steps, "
            + when
            + (f", overdue: {', '.join(s.id for s in progress.overdue)}" if progress.overdue else ""),
            soft_wrap=True,
        )
        mine = (own or {}).get(progress.plan.path)
        if mine is not None and mine.firsts and progress.state != "not started":
            out.print(f"    [dim]own activity:[/dim] {safe(mine.text)}", soft_wrap=True)
        if detail:
            for step in progress.steps:
                if not step.done:
                    late = " [red](overdue)[/red]" if step in progress.overdue else ""
                    due = f"due {step.due}" if step.due else "no due date"
                    out.print(
                        f"    {step.id:<6} {safe(step.text)}  [dim]{safe(step.owner or 'no owner')} · {due}[/dim]{late}",
                        soft_wrap=True,
                    )
    if ttp is not None:
        out.print(f"Days to productive (Week 1 and Day 30 done): {ttp.day30.text}", soft_wrap=True)
        out.print(f"Days to plan complete: {ttp.complete.text}", soft_wrap=True)
        _own_activity(found, own or {}, {})
