"""What several command groups print: listings, a new document, index progress; values as text."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pmops.cli._shared import console, note, print_json, safe

if TYPE_CHECKING:
    from pmops.kb import Created


def value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):  # a list of mappings (a decision's expects) one mapping after another
        return ("; " if any(isinstance(v, dict) for v in value) else ", ").join(value_text(v) for v in value)
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


def created(result: Created, json_out: bool) -> None:
    """What every create command prints: the id and path (and notes on stderr)."""
    for message in result.notes:
        note(message)
    record = result.record
    if json_out:
        print_json({"id": record.id, "path": record.path})
        return
    committed = (
        " (not committed)"
        if result.commit is None
        else f" (commit {result.commit[:10]})"
        if result.commit
        else " (committed)"
    )
    console().print(
        f"Added {record.type} [bold cyan]{safe(record.id)}[/bold cyan] → {safe(record.path)}{committed}", soft_wrap=True
    )
