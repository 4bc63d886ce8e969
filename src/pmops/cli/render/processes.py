"""`process check`: each process's promises against what happened, per person; divergent versions side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmops.cli._shared import console, safe
from pmops.text import figure

if TYPE_CHECKING:
    from pmops.kb import Record
    from pmops.outputs import Check, Divergent

MARKS = {"met": "[green]✓ met[/green]", "missed": "[red]✗ missed[/red]", "too early": "[yellow]… too early[/yellow]",
         "no data": "[dim]? no data[/dim]"}  # fmt: skip


def _block(found: Check) -> None:
    out = console()
    owner = f" · owner {safe(found.owner)}" if found.owner else ""
    out.print(f"[bold]{safe(found.title)}[/bold]  [dim]{safe(found.id)}{owner} · {found.since} to {found.until}[/dim]",
              soft_wrap=True)  # fmt: skip
    if found.problem:
        out.print(f"  [red]cannot check:[/red] {safe(found.problem)}", soft_wrap=True)
    for output in found.outputs:
        promised = f"{safe(output.check)}: {safe(output.promised)}" if output.promised else safe(output.check)
        out.print(f"  {MARKS[output.verdict]}  {promised}", soft_wrap=True)
        out.print(f"      {safe(output.actual)}", soft_wrap=True)
        short = [p for p in output.people if p.made < p.expected]
        if output.people and short:
            out.print("      [dim]per PM (made / their share):[/dim] " + ", ".join(
                f"{safe(p.name)} {p.made}/{figure(p.expected)}" for p in output.people), soft_wrap=True)  # fmt: skip


def divergent(found: list[Divergent]) -> None:
    """Each kind kept in several versions by different owners, one version a line."""
    out = console()
    for group in found:
        alike = f" ({group.alike})" if group.alike else ""
        out.print(f"[bold]{safe(group.kind)}[/bold]: {len(group.versions)} versions by different owners{alike}",
                  soft_wrap=True)  # fmt: skip
        for version in group.versions:
            out.print(f"  {safe(version.title)}  [dim]{safe(version.id)} · {safe(version.owner or 'no owner')}"
                      f" · {safe(version.cadence or 'no cadence')}[/dim]", soft_wrap=True)  # fmt: skip
            out.print(f"      [dim]sections:[/dim] {safe(', '.join(version.sections) or 'none')}", soft_wrap=True)
            if version.copies:
                out.print(f"      [dim]near-copies of it (one version):[/dim] {safe(', '.join(version.copies))}",
                          soft_wrap=True)  # fmt: skip


def checks(found: list[Check], diverged: list[Divergent], quiet: list[Record]) -> None:
    from pmops.doctypes import OUTPUTS_EXAMPLE
    from pmops.text import count

    out = console()
    if not found and not diverged:
        out.print(f"[dim]{safe(f'no active process declares outputs: add outputs: [{OUTPUTS_EXAMPLE}] to one')} "
                  "(docs/processes.md)[/dim]", soft_wrap=True)  # fmt: skip
        return
    if len(found) == 1 and not found[0].declares and not diverged:  # one process named, which promises nothing
        out.print(safe(f"{found[0].title} declares no outputs: nothing to check (add outputs: [{OUTPUTS_EXAMPLE}] "
                       "to it, docs/processes.md)"), soft_wrap=True)  # fmt: skip
        return
    for number, item in enumerate(found):
        if number:
            out.print()
        _block(item)
    if diverged:
        out.print()
        out.print("[bold]Divergent versions[/bold] [dim](one kind of process, different owners, far from alike)[/dim]",
                  soft_wrap=True)  # fmt: skip
        divergent(diverged)
    verdicts = [c.verdict for c in found if not c.problem]
    tally = ", ".join(f"{verdicts.count(v)} {v}" for v in ("missed", "no data", "too early", "met") if v in verdicts)
    line = count(len(found), "process", "processes") + " with outputs" + (f": {tally}" if tally else "")
    if quiet:
        line += (
            f"; {count(len(quiet), 'active process', 'active processes')} declare{'s' if len(quiet) == 1 else ''} none"
        )
    out.print()
    out.print(f"[dim]{safe(line)}[/dim]", soft_wrap=True)
