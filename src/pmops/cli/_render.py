"""How documents, listings and findings look in a terminal (rich), all user text escaped."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pmops.cli._shared import console, note, plain, print_json, safe
from pmops.text import count

if TYPE_CHECKING:
    from pmops.decisions import Evidence
    from pmops.importer import Imported
    from pmops.kb import Created, Record
    from pmops.links import Graph
    from pmops.lint import Report
    from pmops.metrics import MetricView
    from pmops.productivity import TimeToProductivity
    from pmops.reports.assess import Assessment
    from pmops.reports.model import Report as ProductReport
    from pmops.research import TagReport, Themes
    from pmops.search.results import Results, Sync
    from pmops.stack import Rating, Stack


def value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return ", ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    return str(value)


def table(records: list, columns: tuple[str, ...], title: str | None = None, extra: dict | None = None) -> None:
    """A listing: id, title, then the type's summary columns (`extra`: computed ones, by path)."""
    from rich.table import Table

    out = console()
    if not records:
        out.print("[dim]no documents match[/dim]")
        return
    grid = Table(title=title, show_lines=False, header_style="bold")
    id_width = max(len(rec.id or rec.path) for rec in records)
    # Columns the terminal cannot fit are dropped from the right (most useful first).
    room = max(0, (out.width - id_width - 4 - 23) // 16)  # title: 20 + borders; a column: ~13 + borders
    columns = columns[:room]
    grid.add_column("id", no_wrap=True, style="cyan")
    grid.add_column("title", min_width=20, overflow="fold")
    for column in columns:
        # Wide enough that a date is never split over two lines.
        grid.add_column(column, min_width=10, overflow="fold")
    for rec in records:
        computed = (extra or {}).get(rec.path, {})
        cells = (computed[c] if c in computed else rec.values.get(c) for c in columns)
        grid.add_row(safe(rec.id or rec.path), safe(rec.title), *(safe(value_text(v)) for v in cells))
    out.print(grid)
    out.print(f"[dim]{len(records)} {'document' if len(records) == 1 else 'documents'}[/dim]")


def listing(records: list, columns: tuple[str, ...], json_out: bool) -> None:
    """What every `list` command prints: a JSON list of the documents, or a table."""
    if json_out:
        print_json([r.to_json() for r in records])
    else:
        table(records, columns)


def document(record: Record, evidence: Evidence | None = None) -> None:
    from rich.markdown import Markdown
    from rich.table import Table

    out = console()
    out.print(f"[bold]{safe(record.title)}[/bold]")
    out.print(f"[dim]{safe(record.type)} · {safe(record.path)}[/dim]")
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="dim", no_wrap=True)
    fields.add_column(overflow="fold")
    shown = {record.doctype.title_field}
    for key, raw in record.doc.meta.items():
        if key in shown:
            continue
        value = record.values.get(key, raw) if key not in record.problems else raw
        fields.add_row(safe(key), safe(value_text(value)))
    out.print(fields)
    if evidence is not None:
        _evidence(evidence)
    if record.doc.body.strip():
        out.print()
        out.print(Markdown(plain(record.doc.body)))


def findings(report: Report) -> None:
    out = console()
    colours = {"error": "red", "warning": "yellow"}
    for f in report.findings:
        out.print(
            f"{safe(f.path)}:{f.line}: [bold]{f.rule}[/bold] [{colours[f.severity]}]{f.severity}[/] {safe(f.message)}",
            soft_wrap=True,
        )
        if f.hint:
            out.print(f"    [dim]hint: {safe(f.hint)}[/dim]", soft_wrap=True)
    summary = f"{count(report.files, 'file')}: {count(report.errors, 'error')}, {count(report.warnings, 'warning')}"
    console(stderr=True).print(f"[dim]{summary}[/dim]")


@contextlib.contextmanager
def rebuild_progress() -> Iterator:
    """A progress callback for long index work: a bar on a terminal, nothing otherwise."""
    err = console(stderr=True)
    if not err.is_terminal:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("indexing", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def snippet(text: str) -> str:
    """A search snippet with its matched words highlighted, everything else escaped."""
    from pmops.search.results import HIT_END, HIT_START

    out = []
    for i, part in enumerate(text.replace(HIT_END, HIT_START).split(HIT_START)):
        out.append(f"[bold yellow]{safe(part)}[/bold yellow]" if i % 2 else safe(part))
    return "".join(out)


def search_results(results: Results) -> None:
    out = console()
    if not results.hits:
        out.print("no results")
        if results.suggestion:
            out.print(f"did you mean: [bold]{safe(results.suggestion)}[/bold]")
        return
    for hit in results.hits:
        when = hit.date.isoformat() if hit.date else ""
        out.print(f"[cyan]{safe(hit.id)}[/cyan]  [dim]{safe(hit.type)}  {when}[/dim]  [bold]{safe(hit.title)}[/bold]", soft_wrap=True)
        if hit.snippet:
            out.print(f"    {snippet(hit.snippet)}", soft_wrap=True)
    shown = len(results.hits)
    more = f" of {'' if results.exact else 'about '}{results.total}" if results.total > shown else ""
    console(stderr=True).print(f"[dim]{shown}{more} {'result' if shown == 1 and not more else 'results'}[/dim]")


def index_sync(sync: Sync) -> None:
    out = console()
    if sync.rebuilt:
        out.print(f"rebuilt ({safe(sync.rebuilt)}): {count(sync.added, 'document')} indexed")
    else:
        out.print(f"+{sync.added} ~{sync.modified} -{sync.removed}  ({count(sync.documents, 'file')})")
    if sync.stale:
        out.print("[yellow]another process is updating the index; it will catch up on the next command[/yellow]")
    for path, reason in sorted(sync.problems.items()):
        out.print(f"[red]not indexed:[/red] {safe(path)}: {safe(reason)}", soft_wrap=True)


def created(result: Created, json_out: bool) -> None:
    """What every create command prints: the id and path (and notes on stderr)."""
    for message in result.notes:
        note(message)
    record = result.record
    if json_out:
        print_json({"id": record.id, "path": record.path})
        return
    committed = " (not committed)" if result.commit is None else f" (commit {result.commit[:10]})" if result.commit else " (committed)"
    console().print(
        f"Added {record.type} [bold cyan]{safe(record.id)}[/bold cyan] → {safe(record.path)}{committed}", soft_wrap=True
    )


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


def _evidence(evidence: Evidence) -> None:
    from rich.table import Table

    out = console()
    out.print()
    if not evidence.insights and not evidence.missing:
        out.print("[yellow]No evidence cited.[/yellow] Add insight ids to 'evidence:'.")
        return
    span = f", {evidence.oldest} to {evidence.newest}" if evidence.newest else ""
    out.print(
        f"[bold]Evidence[/bold]: {count(len(evidence.insights), 'insight')} from "
        f"{count(evidence.customers, 'customer') if evidence.customers else 'no customer named'}, "
        f"segments: {safe(', '.join(evidence.segments) or 'none')}{span}",
        soft_wrap=True,
    )
    grid = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
    for column in ("id", "title", "source", "segment", "date"):
        grid.add_column(column, overflow="fold")
    for r in evidence.insights:
        grid.add_row(safe(r.id), safe(r.title), *(safe(value_text(r.values.get(c))) for c in ("source", "segment", "date")))
    out.print(grid)
    for ref in evidence.missing:
        out.print(f"[red]missing:[/red] {safe(ref)}")


def link_graph(graph: Graph) -> None:
    out = console()

    def group(rows: list, title: str) -> None:
        out.print(f"[bold]{title}[/bold]" + ("" if rows else ": [dim]none[/dim]"))
        by_type: dict[str, list] = {}
        for record, via, broken in rows:
            by_type.setdefault("broken" if broken else record.type, []).append((record, via, broken))
        for kind, items in sorted(by_type.items()):
            out.print(f"  [dim]{safe(kind)}[/dim]")
            for record, via, broken in items:
                if broken:
                    out.print(f"    [red]{safe(via)}[/red] (not found)", soft_wrap=True)
                else:
                    out.print(f"    [cyan]{safe(record.id or record.path)}[/cyan]  {safe(record.title)}  [dim]via {safe(via)}[/dim]", soft_wrap=True)

    def one_row_each(links: list) -> list:
        """One row per document, naming every way it links ("via evidence, text")."""
        rows: dict[str, tuple] = {}
        for record, via in links:
            key = record.path if record else via
            rows[key] = (record, [*(rows[key][1] if key in rows else []), via])
        return [(r, ", ".join(dict.fromkeys(vias)), r is None) for r, vias in rows.values()]

    group(one_row_each([(r, link.via if r else link.target) for link, r in graph.outgoing]), "Links to")
    group(one_row_each([(r, link.via) for r, link in graph.backlinks]), "Linked from")


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
        quote = theme.latest_quote
        if quote:
            lines.append(f"[italic]{safe(f'“{quote[0]}”')}[/italic] [dim]{safe(quote[1])}[/dim]")
        grid.add_row(safe(theme.key), "\n".join(lines))
    out.print(grid)
    groups = {"tag": "signal" if found.signals else "theme", "area": "area", "segment": "segment"}[found.by]
    missing = {"tag": f"no {groups} tag", "area": "no area", "segment": "no segment"}[found.by]
    days = (found.end - found.start).days + 1
    console(stderr=True).print(
        f"[dim]{count(len(found), groups)} from {count(found.insights, 'insight')}"
        + (f" ({found.ungrouped} with {missing})" if found.ungrouped else "")
        + f"; trend: {found.start} to {found.end} against the {count(days, 'day')} before[/dim]"
    )


def tag_report(report: TagReport) -> None:
    from rich.table import Table

    out = console()
    grid = Table(header_style="bold")
    for column in ("tag", "facet", "documents"):
        grid.add_column(column, justify="right" if column == "documents" else "left")
    for tag, facet in sorted(report.facets.items(), key=lambda kv: (kv[1], -report.used.get(kv[0], 0), kv[0])):
        grid.add_row(safe(tag), safe(facet), str(report.used.get(tag, 0)))
    out.print(grid)
    for tag, paths in sorted(report.unknown.items()):
        out.print(f"[red]not in the taxonomy:[/red] {safe(tag)} ({len(paths)}: {safe(', '.join(paths[:3]))}{' …' if len(paths) > 3 else ''})", soft_wrap=True)
    if report.unused:
        out.print(f"[yellow]never used:[/yellow] {safe(', '.join(report.unused))}", soft_wrap=True)


IMPORT_PROBLEMS_SHOWN = 20  # rows listed per kind (failed, flagged, notices); a bad export can fail every row


def import_result(result: Imported) -> None:
    out = console()
    mapped = ", ".join(f"{c} → {f}" + (" (the longest free text)" if c == result.guessed else "") for c, f in result.mapping.items())
    out.print(f"[dim]columns: {safe(mapped)}{'; ignored: ' + safe(', '.join(result.ignored)) if result.ignored else ''}[/dim]", soft_wrap=True)
    verb = "would import" if result.dry_run else "imported"
    out.print(f"{count(result.rows, 'row')}: {verb} {len(result.added)}, already imported {result.existing}, failed {len(result.failed)}")
    if result.recovered:
        done = "would commit" if result.dry_run else "committed"
        out.print(f"[yellow]{done} {count(result.recovered, 'row')} an earlier import wrote but was stopped before committing[/yellow]")
    for problems, colour in ((result.failed, "red"), (result.flagged, "yellow"), (result.notices, "yellow")):
        for problem in problems[:IMPORT_PROBLEMS_SHOWN]:
            out.print(f"[{colour}]row {problem.row}:[/{colour}] {safe(problem.message)}", soft_wrap=True)
        if len(problems) > IMPORT_PROBLEMS_SHOWN:
            more = count(len(problems) - IMPORT_PROBLEMS_SHOWN, "more row")
            out.print(f"[{colour}]… and {more}[/{colour}] [dim](--json lists every one)[/dim]")
    if result.commit:
        out.print(f"[dim]commit {result.commit[:10]}[/dim]")


def onboarding(found: list, *, detail: bool, ttp: TimeToProductivity | None = None) -> None:
    out = console()
    if not found:
        out.print('[dim]no onboarding plans yet: pmops onboard new-pm "Name" --start YYYY-MM-DD[/dim]')
        return
    for progress in found:
        colour = {"complete": "green", "overdue": "red", "on track": "cyan", "in progress": "cyan", "not started": "dim"}[progress.state]
        due = f" vs {progress.expected:.0%} due" if progress.expected is not None else ", no due dates"
        when = (f"starts {progress.plan.values['start']}" if progress.state == "not started"
                else f"day {progress.days_since_start}, pace {progress.actual:.0%} done{due}")  # fmt: skip
        out.print(
            f"[bold]{safe(progress.name)}[/bold]  [{colour}]{progress.state}[/]  {progress.done}/{len(progress.steps)} steps, "
            + when + (f", overdue: {', '.join(s.id for s in progress.overdue)}" if progress.overdue else ""),
            soft_wrap=True,
        )
        if detail:
            for step in progress.steps:
                if not step.done:
                    late = " [red](overdue)[/red]" if step in progress.overdue else ""
                    due = f"due {step.due}" if step.due else "no due date"
                    out.print(f"    {step.id:<6} {safe(step.text)}  [dim]{safe(step.owner or 'no owner')} · {due}[/dim]{late}", soft_wrap=True)
    if ttp is not None:
        out.print(f"Days to productive (Week 1 and Day 30 done): {ttp.day30.text}", soft_wrap=True)
        out.print(f"Days to plan complete: {ttp.complete.text}", soft_wrap=True)


def tool_matrix(weights: dict, ratings: list) -> None:
    """The scoring matrix (stack.compare's order), then what each partial or missing score means."""
    from rich.table import Table

    from pmops.text import count

    out = console()
    grid = Table(header_style="bold")
    grid.add_column("rank", justify="right")
    grid.add_column("tool")
    for criterion, weight in weights.items():
        grid.add_column(f"{criterion}\n×{weight:g}", justify="right")
    grid.add_column("weighted", justify="right", style="bold")
    for rating in ratings:
        cells = [(f"{rating.scores[c]:g}" + ("*" if c in rating.derived else "")) if c in rating.scores else "–" for c in weights]
        total = "not scored" if rating.total is None else f"{rating.total:.2f}" + ("+" if rating.missing else "")
        grid.add_row(str(rating.rank) if rating.rank else "–", safe(rating.record.title), *cells, total)
    out.print(grid)
    for rating in ratings:
        name = safe(rating.record.title)
        if rating.total is None:
            out.print(f"{name}: not scored, so not ranked: pmops tool score {name} CRITERION=SCORE…", soft_wrap=True)
        elif rating.missing:
            out.print(f"+ {name}: not scored on {', '.join(rating.missing)}: counted as 0 "
                      f"({rating.best:.2f} at most once scored)", soft_wrap=True)  # fmt: skip
    cheapest = next((r.cheapest for r in ratings if r.cheapest), None)
    if cheapest:
        shown = [r for r in ratings if r.derived]
        out.print(f"* cost derived for {count(len(shown), 'tool')} from the costs compared: 5 × the cheapest "
                  f"({safe(cheapest[0])}, {cheapest[1]:,.0f}) ÷ the tool's cost", soft_wrap=True)  # fmt: skip


def tool_scored(rating: Rating) -> None:
    """What `tool score` prints: the weighted score so far, and what it does not count yet."""
    out = console()
    line = f"{safe(rating.record.title)}: weighted score {rating.total:.2f} of 5"
    if rating.missing:
        line += f"; not scored on {', '.join(rating.missing)}: counted as 0 ({rating.best:.2f} at most once scored)"
    out.print(line, soft_wrap=True)
    if "cost" in rating.missing and rating.record.values.get("cost") is not None:
        out.print("[dim]pmops tool compare derives its cost score from the costs of the tools compared[/dim]", soft_wrap=True)


def tool_stack(result: Stack) -> None:
    from pmops.stack import job_of
    from pmops.text import count

    out = console()
    for category, tools in result.by_category.items():
        out.print(f"[bold]{category}[/bold]: {safe(', '.join(r.title for r in tools))}", soft_wrap=True)
    for category, how in result.covered.items():
        out.print(f"[bold]{category}[/bold]: pmops ({safe(how)})", soft_wrap=True)
    for tools in result.overlaps.values():  # the job as the first tool writes it
        out.print(f"[yellow]overlap[/yellow] in {safe(tools[0].values['job'])}: {safe(' and '.join(r.title for r in tools))}", soft_wrap=True)
    for category, tools in result.possible_overlaps.items():
        unsure = ", ".join(r.title for r in tools if job_of(r) is None)
        out.print(f"[yellow]possible overlap[/yellow] in {category}: {safe(' and '.join(r.title for r in tools))} "
                  f"[dim](no job given for {safe(unsure)}: add 'job:' to tell)[/dim]", soft_wrap=True)  # fmt: skip
    if result.gaps:
        out.print(f"[yellow]gaps[/yellow]: no adopted tool for {', '.join(result.gaps)}", soft_wrap=True)
    if result.isolated:
        out.print(f"[yellow]integrates with nothing else[/yellow]: {safe(', '.join(r.title for r in result.isolated))}", soft_wrap=True)
    for record, days in result.renewals:
        out.print(f"[cyan]renewal[/cyan] {safe(record.title)} on {record.values['renewal']} ({'today' if days == 0 else 'in ' + count(days, 'day')})", soft_wrap=True)
    out.print(f"total cost per year: {result.total_cost:,.0f}")


def metric(found: MetricView) -> None:
    from pmops.text import count, or_unknown

    out = console()
    rec = found.record
    unit = rec.values.get("unit") or ""
    out.print(f"[bold]{safe(rec.title)}[/bold]  [dim]{safe(rec.id)} · owner {safe(or_unknown(rec.values.get('owner')))}[/dim]")
    out.print(f"[dim]{safe(rec.values.get('definition') or '')}[/dim]", soft_wrap=True)
    latest = found.latest
    if latest is None:
        out.print("no values yet: pmops metric record NAME VALUE")
    else:
        target = rec.values.get("target")
        colour = "green" if found.on_target else "red"
        state = f"  target {target:g} {safe(unit)}: [{colour}]{found.status}[/{colour}]" if found.status else ""
        trend = f"  trend {found.trend:+g}" if found.trend is not None else ""
        out.print(f"latest {latest[1]:g} {safe(unit)} on {latest[0]}{state}{trend}", soft_wrap=True)
        if found.stale:
            out.print(f"[yellow]{_stale(found)}[/yellow] [dim]({rec.values['cadence']}: one every "
                      f"{count(found.period, 'day')})[/dim]", soft_wrap=True)  # fmt: skip
        out.print(f"[cyan]{found.sparkline()}[/cyan]  [dim]{count(len(found.values), 'value')} since {found.values[0][0]}[/dim]")
    if found.future:
        dates = ", ".join(d.isoformat() for d, _ in found.future[:3]) + (" …" if len(found.future) > 3 else "")
        out.print(f"[red]left out: {count(len(found.future), 'value')} dated after {found.today} ({dates})[/red] "
                  f"[dim]pmops lint flags {'it' if len(found.future) == 1 else 'them'}[/dim]", soft_wrap=True)  # fmt: skip
    if found.children:
        out.print(f"[dim]drives up from: {safe(', '.join(c.title for c in found.children))}[/dim]", soft_wrap=True)


def _stale(found: MetricView) -> str:
    from pmops.text import count

    return f"stale: last value {count(found.age, 'day')} ago"


def metric_list(found: list) -> None:
    """Every metric with its latest value and its status: against target, stale, values left out or unreadable."""
    from rich.table import Table

    from pmops.text import count

    out = console()
    if not found:
        out.print("[dim]no metrics yet: pmops metric add NAME --definition D --owner O --unit U[/dim]")
        return
    grid = Table(header_style="bold")
    grid.add_column("id", no_wrap=True, style="cyan")
    for column in ("title", "latest", "status", "owner"):
        grid.add_column(column, overflow="fold")
    for view in found:
        rec = view.record
        if view.problem:
            latest, status = "unknown", f"values unreadable: {view.problem}"
        else:
            parts = [view.status or ("no target" if view.latest else "no values yet")]
            parts += [_stale(view)] if view.stale else []
            parts += [f"{count(len(view.future), 'value')} dated in the future left out"] if view.future else []
            unit = rec.values.get("unit") or ""
            latest, status = (f"{view.latest[1]:g} {unit} on {view.latest[0]}" if view.latest else "—"), "; ".join(parts)
        grid.add_row(safe(rec.id), safe(rec.title), safe(latest), safe(status), safe(value_text(rec.values.get("owner")) or "—"))
    out.print(grid)
    out.print(f"[dim]{count(len(found), 'metric')}[/dim]")


def report_summary(report: ProductReport) -> None:
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
    tally = f"{result.flagged} of {count(len(signals), 'signal')} flagged" + (f", {unknown} without enough data" if unknown else "")
    out.print(f"[bold]Verdict:[/bold] {safe(result.verdict)} ({tally})", soft_wrap=True)
    marks = {"flagged": "[red]●[/red]", "emerging": "[yellow]◐[/yellow]", "healthy": "[green]○[/green]", "not enough data": "[dim]?[/dim]"}
    for signal in signals:
        out.print(f"{marks[signal.state]} [bold]{safe(signal.signal)}[/bold]: {safe(signal.summary)}", soft_wrap=True)
        out.print(f"    [dim]{safe(signal.basis)}[/dim]", soft_wrap=True)
    if not result.next_actions:
        out.print("[bold]Next actions[/bold]: none, no signal is flagged")
        return
    out.print("[bold]Next actions[/bold], one per flagged signal")
    for number, action in enumerate(result.next_actions, 1):
        out.print(f"  {number}. {safe(action)}", soft_wrap=True)
