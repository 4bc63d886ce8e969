"""`report` (without --format) and `assess`: the report's summary, the readiness check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmops.cli._shared import console, safe

if TYPE_CHECKING:
    from pmops.reports.assess import Assessment
    from pmops.reports.model import Report


def report_summary(report: Report) -> None:
    from pmops.reports.render import metric_line, sentences

    out = console()
    out.print(f"[bold]{safe(report.kb)}[/bold] — product report, {report.generated}")
    out.print("[bold]Metrics[/bold]" + ("" if any(m.latest for m in report.metrics) else ": none recorded yet"))
    for m in report.metrics:
        if not m.latest:
            continue
        mark = {True: "[green]✓[/green]", False: "[red]✗[/red]", None: " "}[m.on_target]
        out.print(f"  {mark} {safe(metric_line(m))}", soft_wrap=True)
    for label, sentence in sentences(report).items():
        out.print(f"[bold]{label}[/bold]: {safe(sentence)}", soft_wrap=True)
    out.print("[dim]pmops report --format html --out report.html for the full report[/dim]")


def assessment(result: Assessment) -> None:
    from pmops.text import count

    out = console()
    signals = result.signals
    unknown = sum(not s.enough_data for s in signals)
    tally = f"{result.flagged} of {count(len(signals), 'signal')} flagged" + (
        f", {unknown} without enough data" if unknown else ""
    )
    out.print(f"[bold]Verdict:[/bold] {safe(result.verdict)} ({tally})", soft_wrap=True)
    marks = {
        "flagged": "[red]●[/red]",
        "emerging": "[yellow]◐[/yellow]",
        "healthy": "[green]○[/green]",
        "not enough data": "[dim]?[/dim]",
    }
    for signal in signals:
        out.print(f"{marks[signal.state]} [bold]{safe(signal.signal)}[/bold]: {safe(signal.summary)}", soft_wrap=True)
        out.print(f"    [dim]{safe(signal.basis)}[/dim]", soft_wrap=True)
    if not result.next_actions:
        out.print("[bold]Next actions[/bold]: none, no signal is flagged")
        return
    out.print("[bold]Next actions[/bold], one per flagged signal")
    for number, action in enumerate(result.next_actions, 1):
        out.print(f"  {number}. {safe(action)}", soft_wrap=True)
