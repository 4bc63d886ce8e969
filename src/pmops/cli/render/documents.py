"""`show`, `links` and `lint`: a document with its fields (and a decision's evidence), its links, findings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmops import amounts
from pmops.cli._shared import console, plain, safe
from pmops.cli.render.common import print_trimmed, value_text, wrapped
from pmops.text import count

if TYPE_CHECKING:
    from pmops.accounts import Account
    from pmops.decisions import Evidence
    from pmops.kb import Record
    from pmops.links import Graph
    from pmops.lint import Report
    from pmops.opportunities import Chain
    from pmops.prioritization import Row


def document(
    record: Record,
    evidence: Evidence | None = None,
    account: Account | None = None,
    chain: Chain | None = None,
    weight: Row | None = None,
) -> None:
    from rich.markdown import Markdown
    from rich.table import Table

    out = console()
    out.print(f"[bold]{safe(record.title)}[/bold]")
    out.print(f"[dim]{safe(record.type)} · {safe(record.path)}[/dim]", soft_wrap=True)  # one line: never split at the ·
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="dim", no_wrap=True)
    fields.add_column(overflow="fold")
    shown = {record.doctype.title_field}
    for key, raw in record.doc.meta.items():
        if key in shown:
            continue
        value = record.values.get(key, raw) if key not in record.problems else raw
        fld = record.doctype.field(key)
        if fld is not None and fld.kind == "rows" and isinstance(value, list) and key not in record.problems:
            value = f"{count(len(value), 'row')} (--json shows them)"  # a ranking's inputs: its body tabulates them
        elif fld is not None and fld.kind == "money" and key not in record.problems and _amount(value):
            value = amounts.shown(value, fld.currency)  # $268,000, as opportunity show and the report say ARR
        fields.add_row(safe(key), safe(value_text(value)))
    print_trimmed(fields)
    if evidence is not None:
        _evidence(evidence, weight)
    if account is not None:
        _account(account)
    if chain:
        console().print()
        _chain(chain)
    if record.doc.body.strip():
        out.print()
        if out.is_terminal:
            out.print(Markdown(plain(record.doc.body)))
        else:  # a pipe or a file: the markdown as written (headings, lines), never re-wrapped nor padded to a width
            out.file.write(plain(record.doc.body).strip("\n") + "\n")
            out.file.flush()


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
    ignoring_nothing(report)


def ignoring_nothing(report: Report) -> None:
    """A `lint.rules.RULE.ignore` entry that matches no file is said: a typo would ignore nothing."""
    for setting in report.unmatched:
        console(stderr=True).print(
            f"warning: pmops.yaml: {safe(setting)} matches no file in the KB: it ignores nothing "
            "(paths are the KB's, from its top: e.g. handbook/drafts/** for a folder)",
            soft_wrap=True,
        )


def _evidence(evidence: Evidence, weight: Row | None = None) -> None:
    """A document's evidence summed up (an opportunity's: with the Reach, ARR and Confidence a ranking
    counts today), then its insights."""
    from rich.table import Table

    out = console()
    out.print()
    if not evidence.insights and not evidence.missing:
        out.print("[yellow]No evidence cited.[/yellow] Add insight ids to 'evidence:'.")
        if weight is not None:
            wrapped(
                "[dim]Reach 0, Confidence 0: pmops prioritize scores it 0 (pmops opportunity link adds insights)[/dim]"
            )
        return
    span = f", {evidence.oldest} to {evidence.newest}" if evidence.newest else ""
    customers = (
        weight.customers if weight is not None else evidence.customers
    )  # a ranking's: the register's aliases as one
    arr = f" ({weight.arr:,.0f} ARR)" if weight is not None and weight.arr else ""
    unnamed = f", {count(weight.unnamed, 'insight')} naming none" if weight is not None and weight.unnamed else ""
    wrapped(
        f"[bold]Evidence[/bold]: {count(len(evidence.insights), 'insight')} from "
        f"{count(customers, 'customer') if customers else 'no customer named'}{arr}{unnamed}, "
        f"segments: {safe(', '.join(evidence.segments) or 'none')}{span}",
        hanging=2,  # its lines after the first under its text, not under its label
    )
    if weight is not None and weight.accounts:
        from pmops.prioritization import named

        wrapped(f"[bold]Customers[/bold]: {safe(named(weight.accounts))}", hanging=2)
    if weight is not None:
        out.print("[dim]As pmops prioritize counts it today:[/dim]")
        for line in weight.explain("rice")[:2]:  # Reach and Confidence, with their numbers
            wrapped(safe(line), indent=2)
    grid = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
    for column in ("id", "title", "source", "segment", "date"):
        grid.add_column(column, overflow="fold")
    for r in evidence.insights:
        grid.add_row(
            safe(r.id), safe(r.title), *(safe(value_text(r.values.get(c))) for c in ("source", "segment", "date"))
        )
    print_trimmed(grid)
    for ref in evidence.missing:
        out.print(f"[red]missing:[/red] {safe(ref)}")


def _account(account: Account) -> None:
    """A customer's insights, the themes they raise, the opportunities they support, and the decisions citing
    the insights or addressing those opportunities."""
    from rich.table import Table

    out = console()
    out.print()
    if not account.insights:
        out.print("[dim]No insight names this customer or its aliases.[/dim]")
        return
    out.print(f"[bold]Insights[/bold]: {count(len(account.insights), 'insight')}")
    grid = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
    for column in ("id", "title", "date", "segment"):
        grid.add_column(column, overflow="fold")
    for r in account.insights:
        grid.add_row(safe(r.id), safe(r.title), *(safe(value_text(r.values.get(c))) for c in ("date", "segment")))
    print_trimmed(grid)
    themes = ", ".join(f"{safe(t)} ({n})" for t, n in account.themes.items())
    out.print(f"[bold]Themes[/bold]: {themes or '[dim]none[/dim]'}", soft_wrap=True)
    if account.opportunities:
        out.print("[bold]Opportunities[/bold] their insights support:")
        for opportunity, (title, status, cited) in account.opportunities.items():
            out.print(f"  [cyan]{safe(opportunity)}[/cyan] {safe(title)} [dim]({safe(status)}; "
                      f"evidence {safe(', '.join(cited))})[/dim]", soft_wrap=True)  # fmt: skip
    else:
        out.print("[bold]Opportunities[/bold]: [dim]none has these insights as evidence[/dim]")
    if not account.decisions:
        out.print("[bold]Decisions[/bold]: [dim]none cites these insights or addresses those opportunities[/dim]")
        return
    out.print("[bold]Decisions[/bold] citing these insights or addressing those opportunities:")
    for decision, addressed in account.decisions.items():
        what = [f"cites {', '.join(addressed.evidence)}"] if addressed.evidence else []
        what += [f"addresses {', '.join(addressed.opportunities)}"] if addressed.opportunities else []
        out.print(f"  [cyan]{safe(decision)}[/cyan] {safe(addressed.title)} "
                  f"[dim]({safe(addressed.state)}; {safe('; '.join(what))})[/dim]", soft_wrap=True)  # fmt: skip


def _chain(chain: Chain) -> None:
    """The chain insight → opportunity → decision → metric around a document, one line per stage."""
    out = console()
    out.print("[bold]Chain[/bold]")
    for kind, rows in chain.stages.items():
        if kind == chain.start.type:
            continue
        if not rows:
            out.print(f"  [dim]{safe(kind)}: none[/dim]")
            continue
        for r in rows:
            status = r.values.get("status")
            out.print(f"  [dim]{safe(kind)}[/dim] [cyan]{safe(r.id)}[/cyan] {safe(r.title)}"
                      + (f" [dim]({safe(status)})[/dim]" if status else ""), soft_wrap=True)  # fmt: skip


def link_graph(graph: Graph, chain: Chain | None = None) -> None:
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
                    out.print(
                        f"    [cyan]{safe(record.id or record.path)}[/cyan]  {safe(record.title)}  [dim]via {safe(via)}[/dim]",
                        soft_wrap=True,
                    )

    def one_row_each(links: list) -> list:
        """One row per document, naming every way it links ("via evidence, text")."""
        rows: dict[str, tuple] = {}
        for record, via in links:
            key = record.path if record else via
            rows[key] = (record, [*(rows[key][1] if key in rows else []), via])
        return [(r, ", ".join(dict.fromkeys(vias)), r is None) for r, vias in rows.values()]

    group(one_row_each([(r, link.via if r else link.target) for link, r in graph.outgoing]), "Links to")
    group(one_row_each([(r, link.via) for r, link in graph.backlinks]), "Linked from")
    if chain:
        _chain(chain)


def named_in(rows: list) -> None:
    """The documents that name a person or link to them, grouped by type: (record, [via, …]) pairs."""
    out = console()
    out.print()
    out.print("[bold]Named in[/bold]" + ("" if rows else ": [dim]nothing yet[/dim]"))
    by_type: dict[str, list] = {}
    for record, via in rows:
        by_type.setdefault(record.type, []).append((record, via))
    for kind, items in sorted(by_type.items()):
        out.print(f"  [dim]{safe(kind)}[/dim]")
        for record, vias in items:
            status = record.values.get("status")
            state = f" [dim]({safe(status)})[/dim]" if status else ""
            out.print(
                f"    [cyan]{safe(record.id or record.path)}[/cyan]  {safe(record.title)}{state}"
                f"  [dim]as {safe(', '.join(vias))}[/dim]",
                soft_wrap=True,
            )


def _amount(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
