"""`pmops prioritize`: a ranking (a table fitted to the terminal, or each row's formula), and a diff of two cycles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmops.cli._shared import Output, console, safe
from pmops.cli.render.common import Column, Listing, emit, wrapped
from pmops.text import count, kept

if TYPE_CHECKING:
    from pmops.prioritization import Diff, Ranking, Row


def _terms(ranking: Ranking, row: Row) -> dict[str, Any]:
    if ranking.method == "wsjf":
        return {"cost of delay": row.cost_of_delay, "job size": row.job_size}
    return {"impact": row.impact, "effort": row.effort}


def ranking(found: Ranking, explain: bool = False) -> None:
    """The ranked rows as a table (or, with --explain, each with its formula); then the unranked, then where it is kept."""
    out = console()
    terms = ("cost of delay", "job size") if found.method == "wsjf" else ("impact", "effort")
    if not found.rows:
        out.print("[dim]no opportunities to rank[/dim] (pmops opportunity add)")
    elif explain:
        for row in found.rows:
            place = f"{row.rank}." if row.rank is not None else "-"
            score = (
                f"{found.method.upper()} {kept(row.score)}" if row.score is not None else f"not ranked: {row.unranked}"
            )
            wrapped(
                f"[bold]{place}[/bold] [cyan]{safe(row.id)}[/cyan] {safe(row.title)} [bold]{safe(score)}[/bold]",
                hanging=3,
            )  # a long title's heading: its next lines under its text, as the formula's
            wrapped(f"[dim]evidence: {safe(', '.join(row.evidence) or 'none')}[/dim]", indent=3)
            for line in row.explain(found.method):
                wrapped(safe(line), indent=3)
    else:
        columns = (Column("rank", "number", "#"), Column("id", "id"), Column("title", "title"),
                   Column("score", "number"), Column("reach", "number"), Column("confidence", "number", "conf"),
                   *(Column(t, "number", t.replace("cost of delay", "CoD")) for t in terms),
                   Column("evidence", "number", "ins"))  # fmt: skip
        rows = [{"rank": r.rank, "id": r.id, "title": r.title, "score": r.score, "reach": r.reach,
                 "confidence": r.confidence, **_terms(found, r), "evidence": r.insights} for r in found.ranked]  # fmt: skip
        if rows:
            emit(Listing(columns, tuple(c.name for c in columns), rows, None, noun="", empty=""), Output())
        for row in found.unranked:
            wrapped(f"[dim]not ranked:[/dim] [cyan]{safe(row.id)}[/cyan] {safe(row.title)} "
                    f"[dim]({safe(_why(row))})[/dim]", hanging=2)  # fmt: skip
    err = console(stderr=True)
    ranked = count(len(found.ranked), "opportunity")
    where = f"evidence to {found.as_of}" + (f", area {found.area}" if found.area else "")
    err.print(f"[dim]{ranked} ranked by {found.method.upper()} ({safe(where)})[/dim]")  # short lines: the formula
    err.print(f"[dim]{safe(found.formula)}[/dim]")  # on its own, under 80 columns
    if explain:
        unit = f"{found.arr_unit:,.0f}" + (f" {found.currency}" if found.currency else "")
        err.print(f"[dim]Reach: every {safe(unit)} of ARR counts as one customer (prioritization.arr_unit)[/dim]")
    if found.path:
        done = " (not committed)" if found.commit is None else f" (commit {found.commit[:10]})" if found.commit else ""
        replaced = f", replacing {found.replaced}" if found.replaced else ""
        if found.backfilled:
            replaced += f", backfilled: evidence to {found.as_of}, links and estimates of {found.date}"
        err.print(
            f"Recorded the ranking of {safe(found.cycle)} → {safe(found.path)}{safe(replaced)}{done}", soft_wrap=True
        )
    else:
        err.print("[dim]not recorded: --cycle YYYY-MM records it as that cycle's ranking[/dim]", soft_wrap=True)


def _why(row: Row) -> str:
    return (row.unranked or "").replace("_", " ")


def diff(found: Diff) -> None:
    """What moved: rank before → after, the change, score before → after, and why."""
    out = console()
    out.print(
        f"[bold]{safe(found.before.cycle)} → {safe(found.after.cycle)}[/bold] [dim]({safe(found.heading)})[/dim]",
        soft_wrap=True,
    )
    for note in found.notes:
        out.print(f"[yellow]{safe(note)}[/yellow]", soft_wrap=True)
    columns = (Column("rank", "date"), Column("change", "date"), Column("id", "id"), Column("title", "title"),
               Column("score", "date"), Column("why", "wrap"))  # fmt: skip
    rows = [{"rank": _pair(m.before.rank if m.before else None, m.after.rank if m.after else None), "change": m.change,
             "id": m.id, "title": m.title,
             "score": _pair(m.before.score if m.before else None, m.after.score if m.after else None),
             "why": "\n".join(m.reasons) or "no change"} for m in found.moves]  # fmt: skip
    emit(Listing(columns, tuple(c.name for c in columns), rows, None, noun="opportunity", many="opportunities",
                 empty="neither ranking has an opportunity"), Output())  # fmt: skip


def _pair(before: Any, after: Any) -> str:
    def text(value: Any) -> str:
        return "-" if value is None else kept(value) if isinstance(value, float) else str(value)

    return f"{text(before)} → {text(after)}"
