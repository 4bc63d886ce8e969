"""`checklist status` and `onboard status`: runs and plans, how far along."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmops.cli._shared import console, safe

if TYPE_CHECKING:
    from pmops.productivity import TimeToProductivity


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


def onboarding(found: list, *, detail: bool, ttp: TimeToProductivity | None = None) -> None:
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
