"""`decision review`: each expectation's verdict with its numbers, the overdue reviews marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmops.cli._shared import console, safe

if TYPE_CHECKING:
    from pmops.outcomes import Review

MARKS = {"met": "[green]✓ met[/green]", "not met": "[red]✗ not met[/red]", "too early": "[yellow]… too early[/yellow]",
         "no data": "[dim]? no data[/dim]"}  # fmt: skip


def _block(found: Review) -> None:
    from pmops.text import count

    out = console()
    when = f"review by {found.review_by}" if found.review_by else "no review date"
    if found.overdue:
        when += f" [red](overdue by {count(found.days_overdue or 0, 'day')})[/red]"
    if found.reviewed:
        when += f" · last reviewed {found.reviewed}"
    out.print(f"[bold]{safe(found.title)}[/bold]  [dim]{safe(found.id)} · {safe(found.status)} · decided "
              f"{found.date}[/dim] · {when}", soft_wrap=True)  # fmt: skip
    for verdict in found.verdicts:
        name = verdict.name or verdict.expectation.metric
        out.print(f"  {MARKS[verdict.verdict]}  {safe(name)} {safe(verdict.expectation.said(verdict.unit))}: {safe(verdict.why)}",
                  soft_wrap=True)  # fmt: skip


def _recorded(found: Review) -> str:
    """'met, not met': the verdicts the decision keeps."""
    return ", ".join(str(o.get("verdict")) for o in found.recorded)


def review(found: Review, done: str) -> None:
    """One decision's review, and what was recorded."""
    _block(found)
    said = {
        "recorded": f"recorded in {found.path}",
        "already": f"verdicts already recorded on {found.reviewed}"
        + (f" ({_recorded(found)})" if found.recorded else "")
        + ": a recorded verdict is kept; nothing changed",
        "unchanged": "already recorded today: nothing written",
        "too early": f"nothing recorded: every expectation is too early until {found.review_by}",
        "dry run": "dry run: nothing recorded",
    }[done]
    console().print(f"[dim]{safe(said)}[/dim]", soft_wrap=True)


def reviews(found: list[Review]) -> None:
    """Every decision with expectations, the overdue first."""
    from pmops.outcomes import counts

    out = console()
    if not found:
        out.print("[dim]no decision taken declares expectations: pmops decision add … --expects METRIC:up "
                  "--review-by DATE[/dim]", soft_wrap=True)  # fmt: skip
        return
    for number, item in enumerate(found):
        if number:
            out.print()
        _block(item)
    out.print(f"[dim]{counts(found)}[/dim]", soft_wrap=True)
