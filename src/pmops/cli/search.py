"""`pmops search` and `pmops index`: find anything, keep the index fresh."""

from __future__ import annotations

from typing import Annotated

import typer

from pmops.cli import _complete, _options, _search_line, _shared
from pmops.cli._options import JsonOpt
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
    all_: _options.AllOpt = False,
    archived: _options.ArchivedOpt = False,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option("id, type, date, title, snippet, path, score") = None,
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
    _search_line.search(_shared.state(ctx), query, doc_type=doc_type, tag=tag, since=since, limit=limit, all_=all_,
                        archived=archived, fmt=fmt, columns=columns, json_out=json_out)  # fmt: skip


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
