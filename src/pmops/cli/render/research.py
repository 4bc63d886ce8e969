"""`insight themes`, `insight import` and `tags`: themes, an import's outcome, the taxonomy's use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmops.cli._shared import console, safe
from pmops.cli.render.common import Column, Listing, print_trimmed
from pmops.text import count

if TYPE_CHECKING:
    import datetime as dt

    from pmops.importer import Imported
    from pmops.research import TagReport, Theme, Themes


def theme_listing(found: Themes, data: list) -> Listing:
    """Themes: a row each in csv and tsv (the figures of the blocks people read); its JSON is `data`."""
    rows = []
    for theme in found:
        quote = theme.latest_quote
        rows.append({"theme": theme.key, "insights": len(theme.insights), "customers": theme.customers,
                     "current": theme.current, "previous": theme.previous, "trend": theme.trend,
                     "addressed": "yes" if theme.addressed else "no", "decisions": theme.addressed_by,
                     "proposed": theme.proposed, "signals": [f"{tag}: {n}" for tag, n in theme.ranked_signals],
                     "quote": quote[0] if quote else None, "quote_id": quote[1] if quote else None,
                     **({"arr": theme.arr} if found.weight else {})})  # fmt: skip
    columns = (Column("theme", "id"), Column("insights", "number"), Column("customers", "number"),
               Column("current", "number"), Column("previous", "number"), Column("trend"), Column("addressed"),
               Column("decisions", "wrap"), Column("proposed", "wrap"), Column("signals", "wrap"),
               Column("quote", "wrap"), Column("quote_id", "id"), *((Column("arr", "number"),) if found.weight else ()))  # fmt: skip
    shown = ("theme", "insights", "customers", "current", "previous", "trend", "addressed")
    return Listing(columns, shown + (("arr",) if found.weight else ()), rows, data, noun="theme",
                   empty="no insights match", human=lambda: themes(found))  # fmt: skip


def themes(found: Themes) -> None:
    """One block a theme: its size and signals; customers, trend, decisions; its latest quote."""
    from rich.table import Table

    from pmops import research

    out = console()
    if not found:
        out.print("[dim]no insights match[/dim]")
        return
    # The name on the left, its figures beside it; every line wraps under the figures.
    grid = Table.grid(padding=(0, 2, 1, 0), collapse_padding=False)
    grid.add_column(no_wrap=True, max_width=24, overflow="fold", style="bold")
    grid.add_column(ratio=1, overflow="fold")
    arrows = {"up": "[green]↑[/green]", "down": "[red]↓[/red]", "flat": "→", "new": "[cyan]new[/cyan]"}
    for theme in found:
        signals = ", ".join(f"{n} {safe(tag)}" for tag, n in theme.ranked_signals)
        lines = [count(len(theme.insights), "insight") + (f": {signals}" if signals else "")]
        figures = [research.customers_text(theme.customers, theme.without_customer),
                   f"{arrows[theme.trend]} {theme.current} vs {theme.previous}"]  # fmt: skip
        if not found.signals:
            addressed = safe(research.addressed_text(theme.decisions))
            figures.append(addressed if theme.addressed else f"[yellow]{addressed}[/yellow]")
        lines.append(" · ".join(figures))
        if found.weight:
            lines.append(_weighed(theme, found.end))
        quote = theme.latest_quote
        if quote:
            lines.append(f"[italic]{safe(f'“{quote[0]}”')}[/italic] [dim]{safe(quote[1])}[/dim]")
        grid.add_row(safe(theme.key), "\n".join(lines))
    print_trimmed(grid)
    groups = {"tag": "signal" if found.signals else "theme", "area": "area", "segment": "segment"}[found.by]
    missing = {"tag": f"no {groups} tag", "area": "no area", "segment": "no segment"}[found.by]
    days = (found.end - found.start).days + 1
    ranked = {"arr": "; ranked by the ARR behind them", "customers": "; ranked by customers"}.get(
        found.weight or "", ""
    )
    console(stderr=True).print(
        f"[dim]{count(len(found), groups)} from {count(found.insights, 'insight')}"
        + (f" ({found.ungrouped} with {missing})" if found.ungrouped else "")
        + f"; trend: {found.start} to {found.end} against the {count(days, 'day')} before{ranked}[/dim]",
        soft_wrap=True,  # one line to a pipe: never cut mid-phrase with a space left at the end
    )


def money(amount: float | None) -> str:
    """120000 → '120,000'; 99.5 → '99.50'."""
    if amount is None:
        return "no ARR"
    return f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"


def _weighed(theme: Theme, today: dt.date) -> str:
    """'ARR 360,000 from 2 customers in the register (1 not in it) · renewals in 90 days: Atlas Freight 2027-01-05'."""
    accounts = theme.accounts
    text = f"ARR {money(theme.arr)} from {count(len(accounts), 'customer')} in the register"
    if theme.unregistered:
        text += f" ({theme.unregistered} not in it)"
    due = theme.renewals(today)
    if due:
        names = ", ".join(f"{safe(c.name)} {c.renewal}" for c in due)
        text += f" · [yellow]renewals in 90 days: {names}[/yellow]"
    return text


def tag_listing(report: TagReport) -> Listing:
    """Every tag of the taxonomy with its facet and how many documents use it; then (a table's footer)
    the tags nothing in the taxonomy knows, and those never used."""
    ranked = sorted(report.facets.items(), key=lambda kv: (kv[1], -report.used.get(kv[0], 0), kv[0]))
    rows = [{"tag": tag, "facet": facet, "documents": report.used.get(tag, 0)} for tag, facet in ranked]

    def footer() -> None:
        out = console()
        for tag, paths in sorted(report.unknown.items()):
            shown = ", ".join(paths[:3]) + (" …" if len(paths) > 3 else "")
            out.print(f"[red]not in the taxonomy:[/red] {safe(tag)} ({len(paths)}: {safe(shown)})", soft_wrap=True)
        if report.unused:
            out.print(f"[yellow]never used:[/yellow] {safe(', '.join(report.unused))}", soft_wrap=True)

    columns = (Column("tag", "id"), Column("facet"), Column("documents", "number"))
    return Listing(columns, ("tag", "facet", "documents"), rows, report.to_json(), noun="tag",
                   empty="no tags in taxonomy.yaml", footer=footer)  # fmt: skip


IMPORT_PROBLEMS_SHOWN = 20  # rows listed per kind (failed, flagged, notices); a bad export can fail every row


def import_result(result: Imported) -> None:
    out = console()
    mapped = ", ".join(
        f"{c} → {f}" + (" (the longest free text)" if c == result.guessed else "") for c, f in result.mapping.items()
    )
    out.print(
        f"[dim]columns: {safe(mapped)}{'; ignored: ' + safe(', '.join(result.ignored)) if result.ignored else ''}[/dim]",
        soft_wrap=True,
    )
    for note in result.notes:
        out.print(f"[yellow]note:[/yellow] {safe(note)}", soft_wrap=True)
    verb = "would import" if result.dry_run else "imported"
    repeated = f", repeated in the file {len(result.duplicates):,}" if result.duplicates else ""
    differ = ""
    if result.conflicts:
        updated, kept = len(result.updated), len(result.conflicts) - len(result.updated)
        said = [f"{updated:,} {'would be updated' if result.dry_run else 'updated'}"] if updated else []
        said += [f"{kept:,} not changed"] if kept and updated else ["not changed"] if kept else []
        differ = f" ({len(result.conflicts):,} saying other values: {', '.join(said)})"
    out.print(f"{count(result.rows, 'row')}: {verb} {len(result.added):,}, already imported {result.existing:,}{differ}"
              f"{repeated}, failed {len(result.failed):,}", soft_wrap=True)  # fmt: skip
    if result.recovered:
        done = "would commit" if result.dry_run else "committed"
        out.print(
            f"[yellow]{done} {count(result.recovered, 'row')} an earlier import wrote but was stopped before committing[/yellow]"
        )
    for problems, colour in ((result.failed, "red"), (result.flagged, "yellow"), (result.notices, "yellow")):
        for problem in problems[:IMPORT_PROBLEMS_SHOWN]:
            out.print(f"[{colour}]row {problem.row}:[/{colour}] {safe(problem.message)}", soft_wrap=True)
        if len(problems) > IMPORT_PROBLEMS_SHOWN:
            more = count(len(problems) - IMPORT_PROBLEMS_SHOWN, "more row")
            out.print(f"[{colour}]… and {more}[/{colour}] [dim](--json lists every one)[/dim]")
    if result.commit:
        out.print(f"[dim]commit {result.commit[:10]}[/dim]")
