"""`search` and `index`: results with their snippets highlighted, what a catch-up did."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmops.cli._shared import console, safe
from pmops.text import count

if TYPE_CHECKING:
    from pmops.search.results import Results, Sync


def snippet(text: str) -> str:
    """A search snippet with its matched words highlighted, everything else escaped."""
    from pmops.search.results import HIT_END, HIT_START

    out = []
    for i, part in enumerate(text.replace(HIT_END, HIT_START).split(HIT_START)):
        out.append(f"[bold yellow]{safe(part)}[/bold yellow]" if i % 2 else safe(part))
    return "".join(out)


def ignored(results: Results) -> str:
    """What a search left out of the query (common words the index does not hold), in words."""
    words = ", ".join(results.ignored)
    if results.by_title:
        found = ": titles with them" if results.hits else ", and no title has them all"
        return f"only common words, which the index leaves out ({words}){found}"
    return f"common words left out of the search: {words}"


def search_results(results: Results) -> None:
    out = console()
    if results.ignored:
        console(stderr=True).print(f"[dim]{safe(ignored(results))}[/dim]", soft_wrap=True)
    if not results.hits:
        out.print("no results")
        if results.suggestion:
            out.print(f"did you mean: [bold]{safe(results.suggestion)}[/bold]")
        return
    for hit in results.hits:
        when = hit.date.isoformat() if hit.date else ""
        out.print(
            f"[cyan]{safe(hit.id)}[/cyan]  [dim]{safe(hit.type)}  {when}[/dim]  [bold]{safe(hit.title)}[/bold]",
            soft_wrap=True,
        )
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
