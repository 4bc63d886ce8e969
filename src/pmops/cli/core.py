"""Commands that work on the whole KB: init, show, lint."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pmops.cli import _options, _shared
from pmops.cli._options import JsonOpt
from pmops.cli.render import documents as render

if TYPE_CHECKING:
    import datetime as dt

    from pmops.kb import KnowledgeBase, Record


def init(
    directory: Annotated[
        Path | None,
        typer.Argument(
            metavar="[DIR]", help="Folder for the knowledge base (created if missing; default: the current folder)."
        ),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="The KB's name (default: the folder's name).")] = None,
    no_commit: _options.NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Create a knowledge base: pmops.yaml, taxonomy.yaml, folders, a git repo and one commit.

    Example:

        pmops init acme-product --name "Acme Product"
    """
    from pmops import config, scaffold
    from pmops.errors import Conflict

    if directory is None:  # the current folder, as git init does; not a folder inside another KB
        directory = Path.cwd()
        inside = next((f for f in directory.parents if (f / config.FILENAME).is_file()), None)
        if inside is not None:
            raise Conflict(
                f"{directory} is inside the knowledge base at {inside}; nothing changed",
                hint="give a folder outside it: pmops init DIR",
            )
    result = scaffold.init(directory, name, commit=not no_commit)
    if json_out:
        _shared.print_json(
            {"root": str(result.root), "created": result.created, "kept": result.kept, "commit": result.commit}
        )
        return
    out = _shared.console()
    out.print(f"Created knowledge base in [bold]{_shared.safe(result.root)}[/bold]")
    for rel in result.created:
        out.print(f"  + {_shared.safe(rel)}")
    for rel in result.kept:
        out.print(f"  = {_shared.safe(rel)} (kept as it was)")
    if result.commit:
        out.print(f"Committed {result.commit[:10]}{' in a new git repository' if result.new_repo else ''}.")
    out.print('Next: [bold]pmops insight add --title "…" --source interview[/bold]')


def show(
    ctx: typer.Context,
    ref: _options.DocRef,
    json_out: JsonOpt = False,
) -> None:
    """Show one document of any type: its fields and its text.

    A decision's or an opportunity's page sums up its evidence; a customer's lists
    its insights, their themes and the decisions that cite them; an insight,
    opportunity, decision or metric shows its chain (insight → opportunity →
    decision → metric).

    Example:

        pmops show ins-261126
    """
    kb = _shared.state(ctx).kb()
    show_record(kb, kb.find(ref), json_out)


def show_record(kb: KnowledgeBase, record: Record, json_out: bool, today: dt.date | None = None) -> None:
    """`show`'s page of one document (`customer show` prints the same); `today`: the day an opportunity's
    evidence is counted to, as `pmops prioritize --today` counts it."""
    from pmops import decisions, opportunities

    evidence, account, weight = decisions.evidence_of(kb, record), None, None
    chain = opportunities.chain(kb, record) if opportunities.in_chain(record) else None
    if record.type == opportunities.TYPE:
        from pmops import prioritization

        weight = prioritization.weigh(kb, record, today)
    if record.type == "customer":
        from pmops import accounts

        account = accounts.account(kb, record)
    if json_out:
        data = record.to_json(body=True)
        if evidence is not None:
            data["evidence_summary"] = evidence.to_json()
        if weight is not None:  # what a ranking counts of it today
            data["evidence_summary"].update(weight.weight())
        if account is not None:
            data.update(account.to_json())
        if chain is not None:
            data["chain"] = chain.to_json()
        _shared.print_json(data)
    else:
        render.document(record, evidence, account, chain, weight)


def links(
    ctx: typer.Context,
    ref: _options.DocRef,
    json_out: JsonOpt = False,
) -> None:
    """Show a document's outgoing links and its backlinks, grouped by type.

    An insight, opportunity, decision or metric also shows its chain: the
    opportunities an insight shows, the decisions addressing them, the metrics
    those should move — and the same the other way from a decision or a metric.

    Example:

        pmops links ins-260203
    """
    from pmops import links as linking
    from pmops import opportunities

    kb = _shared.state(ctx).kb()
    record = kb.find(ref)
    result = linking.graph(kb, record)
    chain = opportunities.chain(kb, record) if opportunities.in_chain(record) else None
    if json_out:
        _shared.print_json({**result.to_json(), **({"chain": chain.to_json()} if chain is not None else {})})
    else:
        render.link_graph(result, chain)


def lint(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None, typer.Argument(metavar="[PATH]...", help="Files or folders (default: the whole KB).")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Check documents against their type, the taxonomy and the lint rules.

    Exit 0 when clean or only warnings, 1 with any error (or warning with --strict).

    Example:

        pmops lint insights/
    """
    from pmops import lint as linter

    kb = _shared.state(ctx).kb()
    kb.keep_records()  # it only reads; its rules ask of the same documents again: each read once
    report = linter.run(kb, paths or [])
    if json_out:
        _shared.print_json(report.to_json())
        render.ignoring_nothing(report)
    else:
        render.findings(report)
    raise typer.Exit(report.exit_code(strict))


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(show)
    app.command()(links)
    app.command()(lint)
