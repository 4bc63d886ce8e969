"""`search` and `index`: results with their snippets highlighted, what a catch-up did."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmops.cli._shared import console, note, safe, say
from pmops.cli.render.common import Column, Listing
from pmops.text import count, first_few

if TYPE_CHECKING:
    from pmops.search.results import Results, Sync


def snippet(text: str) -> list[tuple[str, str]]:
    """A search snippet in pieces, its matched words highlighted."""
    from pmops.search.results import HIT_END, HIT_START

    parts = text.replace(HIT_END, HIT_START).split(HIT_START)
    return [(part, "bold yellow" if i % 2 else "") for i, part in enumerate(parts)]


def result_listing(results: Results) -> Listing:
    """Search results: a hit a row in csv and tsv (its snippet plain), each with its snippet highlighted for people;
    the query's common words left out are said on stderr whatever the format."""
    if results.ignored:
        note(results.ignored_note() or "")
    if results.sync.problems:  # never silently left out of a search: said each time until mended
        unread = sorted(results.sync.problems)
        note(f"{count(len(unread), 'file')} not indexed, so not searched ({first_few(unread)}): pmops index says why")
    rows = [h.to_json() for h in results.hits]  # the snippet plain, the date ISO
    columns = (Column("id", "id"), Column("type"), Column("date", "date"), Column("title", "title"),
               Column("snippet", "wrap"), Column("path"), Column("score", "number"))  # fmt: skip
    return Listing(columns, ("id", "type", "date", "title"), rows, results.to_json(), noun="result",
                   empty="no results", human=lambda: search_results(results), counted=counted(results))  # fmt: skip


def archived_note(total: int, more: bool = False) -> str:
    """What a search that found nothing says of the archived documents that match the query: --all
    shows them (`more`: at least `total`, the --limit reached)."""
    if more:
        return f"{total} or more archived documents match: --all shows them"
    return f"{count(total, 'archived document')} {'matches' if total == 1 else 'match'}: --all shows {'it' if total == 1 else 'them'}"


def search_results(results: Results) -> None:
    """Two lines a hit (its id, type, date and title; its snippet), then how many on stderr: through
    `say`, so a search piped to another program loads no rich."""
    if not results.hits:
        say("no results")
        if results.suggestion:
            say("did you mean: ", (results.suggestion, "bold"))
        return
    for hit in results.hits:
        when = hit.date.isoformat() if hit.date else ""
        say((hit.id, "cyan"), "  ", (f"{hit.type}  {when}", "dim"), "  ", (hit.title, "bold"), hang=4)
        if hit.snippet:
            say("    ", *snippet(hit.snippet))
    say((counted(results), "dim"), stderr=True)


def counted(results: Results) -> str:
    """How many a search found: '12 results', or past the limit '20 of at least 228 results' (a floor:
    search.whoosh_backend), said as what is sure."""
    shown = len(results.hits)
    more = (
        (f" of {'' if results.exact else 'at least '}{results.total}")
        if results.total > shown or not results.exact
        else ""
    )
    return f"{shown}{more} {'result' if shown == 1 and not more else 'results'}"


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
