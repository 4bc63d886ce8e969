"""`pmops search` and `pmops index`: find anything, keep the index fresh."""

from __future__ import annotations

from typing import Annotated

import typer

from pmops.cli import _complete, _shared
from pmops.cli._shared import JsonOpt
from pmops.cli.render import common
from pmops.cli.render import search as render


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(metavar="QUERY", help='Words, "a phrase", OR, NOT, word*, field:value.')],
    doc_type: Annotated[
        str | None,
        typer.Option(
            "--type",
            metavar="TYPE",
            help="Only this document type (insight, page, …).",
            autocompletion=_complete.type_names,
        ),
    ] = None,
    tag: Annotated[
        str | None, typer.Option("--tag", help="Only documents with this tag.", autocompletion=_complete.tags)
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="YYYY-MM-DD", help="Only documents dated on or after this day.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many results.")] = 20,
    all_: _shared.AllOpt = False,
    archived: _shared.ArchivedOpt = False,
    fmt: _shared.FormatOpt = None,
    columns: _shared.columns_option("id, type, date, title, snippet, path, score") = None,
    json_out: JsonOpt = False,
) -> None:
    """Search every document of the KB, best matches first.

    All words must match; stemming finds "priced" for "pricing". Also: "a phrase",
    OR, NOT, prefix*, and fields such as tag:pricing, type:decision,
    segment:enterprise, area:billing, source:interview, author:priya,
    date:2026-03 or date:[2026-01-01 to 2026-03-31]. Archived documents are left
    out unless --all (or --archived, or status:archived) asks for them. A tag's
    synonym finds the tag (tag:perf, --tag perf, and the word perf). Common words
    (the, from, a) are not indexed: the output says which were left out, and a
    query of only such words finds the titles that have them.

    Example:

        pmops search '"per seat" pricing segment:public-sector'
    """
    from pmops.search import client

    output = _shared.output(json_out, fmt, columns)
    state = _shared.state(ctx)
    if doc_type is not None:  # a type the KB has (the registry, read only then): else exit 2 with the nearest
        doc_type = state.kb().type_option(doc_type).name
    options = {"doc_type": doc_type, "tag": tag, "since": _shared.parse_date_option(since, "--since"), "limit": limit,
               "archived": _shared.archived_option(all_, archived)}  # fmt: skip
    pending = client.ask(state.kb_path, query, **options)
    if output.format == "table" and not _shared.plain_stream():
        _shared.console()  # rich loads now, while the server (when the KB has one) searches
    results = client.search(state.kb, query, **options, pending=pending, progress=common.rebuild_progress)
    if not results.hits and options["archived"] is False:  # archived ones left out: said, never a bare "no results"
        # Only the archived ones, up to --limit: counted (Whoosh's estimate past the limit is of the
        # archived documents of the KB, not of those matching the query).
        only = {**options, "archived": True}  # asked as the search was: of the server when the KB has one
        hidden = client.search(state.kb, query, **only, pending=client.ask(state.kb_path, query, **only))
        if hidden.hits:
            _shared.note(render.archived_note(len(hidden.hits), more=len(hidden.hits) >= limit))
    common.emit(render.result_listing(results), output)


def index(
    ctx: typer.Context,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Rebuild the index from scratch.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Bring the search index up to date, and report files that cannot be read.

    The index updates itself before every search; this command shows what changed
    (+added ~modified -removed) and lists unreadable files with the reason.

    Example:

        pmops index --rebuild
    """
    kb = _shared.state(ctx).kb()
    with common.rebuild_progress() as progress:
        sync = kb.index.refresh(progress, rebuild=rebuild)
    if json_out:
        _shared.print_json(
            {"documents": sync.documents, "added": sync.added, "modified": sync.modified, "removed": sync.removed,
             "rebuilt": sync.rebuilt, "stale": sync.stale,
             "problems": [{"path": p, "reason": r} for p, r in sorted(sync.problems.items())]}
        )  # fmt: skip
    else:
        render.index_sync(sync)


def register(app: typer.Typer) -> None:
    app.command()(search)
    app.command()(index)
