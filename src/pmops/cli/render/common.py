"""What several command groups print: listings in every format (one model, one emitter), a new document,
index progress; values as text."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pmops.cli._shared import Output, console, note, plain, plain_stream, print_json, safe
from pmops.cli.render.widths import WRAPPED, cuts, fit
from pmops.errors import InvalidInput
from pmops.text import count, did_you_mean

if TYPE_CHECKING:
    from pmops.doctypes import DocType
    from pmops.kb import Created, Record
    from pmops.sharing import Change


def value_text(value: Any, *, marked: bool = True) -> str:
    """A value as a cell shows it; `marked`: as a table shows it to people (a Cell's text), else the plain value."""
    if isinstance(value, Cell):
        return value.text if marked else value_text(value.value, marked=False)
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):  # a list of mappings (a decision's expects) one mapping after another
        joined = "; " if any(isinstance(v, dict) for v in value) else ", "
        return joined.join(value_text(v, marked=marked) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a cost of 42000, not 42000.0
    if isinstance(value, dict):
        return ", ".join(f"{k}: {value_text(v, marked=marked)}" for k, v in value.items())
    return str(value)


@dataclass(frozen=True)
class Cell:
    """A value a table marks for people (a derived score's *, "fails (3.40)", "–" for none), given plain
    to csv and tsv (0.33, 3.4, empty)."""

    value: Any
    text: str


@dataclass(frozen=True)
class Column:
    """A column a listing can show: its name (the header, and what --columns calls it) and how it fits.

    kind: "id", "date" and "status" (a status, in-progress: cut, it would say another) are never shortened,
    "title" and "wrap" (a sentence pmops writes: a process's
    health) wrap, "name" (a type's name, a field of free text: an owner, a plan) wraps at its spaces, as
    narrow as its longest word, "number" is aligned right and whole, "text" is shortened with … when the terminal is
    narrow (csv, tsv and json always carry whole values).
    """

    name: str
    kind: str = "text"
    label: str = ""  # the table's header when not its name (a criterion with its weight)


@dataclass
class Listing:
    """What a listing command shows, in every format: the rows (values by column name), the columns
    it has (`shown` without --columns), and the JSON it prints (the contract, unchanged by --columns)."""

    columns: tuple[Column, ...]
    shown: tuple[str, ...]
    rows: list[Mapping[str, Any]]
    data: Any
    noun: str = "document"  # the count under a table: "1 document", "3 documents"
    many: str | None = None  # the noun's plural when not the usual one (a KB's own type says it)
    empty: str = "no documents match"
    # Columns csv and tsv add to `shown` without --columns: what a table says in another column's text
    # (tool compare's must-pass criteria, in "fails (3.40)").
    machine: tuple[str, ...] = ()
    aliases: Mapping[str, str] | None = None  # other names --columns takes (title for a type's name)
    human: Callable[[], None] | None = None  # the command's own view for people, when not a plain table
    footer: Callable[[], None] | None = None  # what a table is followed by (notes on its rows)
    counted: str | None = None  # the count under a table, when not the rows' (a search's "3 of at least 8 results")

    def column(self, name: str) -> Column:
        name = (self.aliases or {}).get(name, name)
        found = next((c for c in self.columns if c.name == name), None)
        if found is None:
            names = [c.name for c in self.columns]
            close = did_you_mean(name, names)
            raise InvalidInput(
                f"--columns: there is no column '{name}'",
                hint=(f"{close} " if close else "") + f"columns: {', '.join(names)}",
            )
        return found


def emit(listing: Listing, output: Output) -> None:
    """Print a listing as --format asks: a table for people, csv or tsv for spreadsheets, or JSON."""
    if output.format == "json":
        if output.columns:
            raise InvalidInput("--columns picks the columns of table, csv and tsv; JSON carries every field")
        print_json(listing.data)
        return
    machine = output.format in ("csv", "tsv")
    shown = output.columns or (listing.shown + listing.machine if machine else listing.shown)
    columns = [listing.column(name) for name in shown]
    twice = next((name for n, (name, c) in enumerate(zip(shown, columns, strict=True)) if c in columns[:n]), None)
    if twice is not None:  # a column given twice (id,id; or title,name, one column by two names)
        raise InvalidInput(
            f"--columns: '{twice}' is given twice", hint="name each column once, e.g. --columns id,title"
        )
    if machine:
        _delimited(listing, columns, "," if output.format == "csv" else "\t")
    elif listing.human is not None and not output.columns:
        listing.human()
    else:
        _table(listing, columns, chosen=bool(output.columns))


def _delimited(listing: Listing, columns: list[Column], delimiter: str) -> None:
    import csv
    import sys

    writer = csv.writer(sys.stdout, delimiter=delimiter, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    for row in listing.rows:
        writer.writerow([plain(value_text(row.get(c.name), marked=False)) for c in columns])


def _table(listing: Listing, columns: list[Column], chosen: bool = False) -> None:
    from rich import box
    from rich.table import Table

    out = console()
    if not listing.rows:
        out.print(f"[dim]{safe(listing.empty)}[/dim]")
        return
    cells = [[plain(value_text(row.get(c.name))) for c in columns] for row in listing.rows]
    if chosen:  # every column asked for is shown: an id as long as a path (a handbook page's) is folded instead
        columns = _folded_ids(columns, cells, out.width)
    widths, padding = _widths(columns, cells, out.width)
    left_out: list[str] = []
    # Two wrapped columns too narrow for their words read across as nonsense ("approv rov" / "als GA als"):
    # without --columns, the later ones are left out (said under the table) when that keeps every word whole.
    fewer, rows, narrower, dropped = columns, cells, (widths, padding), []
    while not chosen and narrower[0] is not None and (split := _splitting(fewer, rows, narrower[0])) is not None:
        dropped.append(fewer[split].name)
        fewer, rows = fewer[:split] + fewer[split + 1 :], [row[:split] + row[split + 1 :] for row in rows]
        narrower = _widths(fewer, rows, out.width)
    if dropped and (narrower[0] is None or not _split_words(fewer, rows, narrower[0])):
        columns, cells, (widths, padding), left_out = fewer, rows, narrower, dropped
    grid = Table(header_style="bold", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                 padding=(0, padding, 0, 0))  # fmt: skip
    for i, column in enumerate(columns):
        grid.add_column(
            column.label or column.name, width=widths[i] if widths else None,
            style="cyan" if column.kind in ("id", "path") else None,
            no_wrap=column.kind not in WRAPPED, overflow="fold" if column.kind in WRAPPED else "ellipsis",
            justify="right" if column.kind == "number" else "left",
        )  # fmt: skip
    for row in cells:
        grid.add_row(*(safe(cell) for cell in row))
    print_trimmed(grid)
    if listing.noun:
        out.print(f"[dim]{safe(listing.counted or count(len(listing.rows), listing.noun, listing.many))}[/dim]")
    if left_out:
        shown = ",".join(c.name for c in columns[:1]) + "," + ",".join(left_out)
        out.print(f"[dim]{safe(', '.join(left_out))} left out: too narrow a terminal ({out.width} columns); "
                  f"--columns {safe(shown)} shows {'it' if len(left_out) == 1 else 'them'}[/dim]", soft_wrap=True)  # fmt: skip
    if listing.footer is not None:
        listing.footer()


def _folded_ids(columns: list[Column], cells: list[list[str]], width: int) -> list[Column]:
    """An id column whose longest id takes more than half the line, as a "path" (folded where the line ends):
    whole, it left the other columns asked for no room, and rich then dropped them and cut the numbers."""
    from dataclasses import replace

    from rich.cells import cell_len

    return [replace(c, kind="path") if c.kind == "id" and max(cell_len(row[i]) for row in cells) > width // 2 else c
            for i, c in enumerate(columns)]  # fmt: skip


def _widths(columns: list[Column], cells: list[list[str]], width: int) -> tuple[list[int] | None, int]:
    """The columns' widths (None: natural) and the padding between them. Two spaces between columns, a rule
    under the headers: room for every column at 80 characters. When that would shorten a value or cut a word
    (Granite Peak Constructi/on), one space between columns if that spares it."""
    widths, padding = fit(columns, cells, width - 2 * (len(columns) - 1)), 1
    if widths is not None and (cut := cuts(columns, cells, widths)) > (0, 0):
        tighter = fit(columns, cells, width - (len(columns) - 1))
        if tighter is None or cuts(columns, cells, tighter) < cut:
            widths, padding = tighter, 0
    return widths, padding


def _split_words(columns: list[Column], cells: list[list[str]], widths: list[int]) -> list[int]:
    """The wrapped columns (a title, a sentence, a name) too narrow for one of their words."""
    from rich.cells import cell_len

    return [i for i, c in enumerate(columns) if c.kind in WRAPPED
            and any(cell_len(w) > widths[i] for row in cells for w in row[i].split())]  # fmt: skip


def _splitting(columns: list[Column], cells: list[list[str]], widths: list[int]) -> int | None:
    """When two or more wrapped columns (a title, a sentence, a name) split words, read across as nonsense:
    the last of them, never the first title; None else (one split word, Looke/r, still reads)."""
    splitting = _split_words(columns, cells, widths)
    first = next((i for i, c in enumerate(columns) if c.kind == "title"), None)
    return next((i for i in reversed(splitting) if i != first), None) if len(splitting) > 1 else None


def print_trimmed(renderable: Any) -> None:
    """Print a table or grid without the spaces rich pads its last column with (a line ends where its text does)."""
    out = console()
    with out.capture() as captured:
        out.print(renderable)
    # On a terminal a line may end in styled cells (an id's colour): their spaces go too, their codes stay.
    out.file.write("".join(_TRAILING.sub(lambda m: m[0].replace(" ", ""), line) + "\n"
                           for line in captured.get().splitlines()))  # fmt: skip


_TRAILING = re.compile(r"(?: |\x1b\[[0-9;]*m)+$")


def wrapped(markup: str, indent: int = 0, hanging: int = 0) -> None:
    """A line (rich markup, its user text escaped by the caller) wrapped at its words to the terminal's
    width, or 80 columns off one, every line after the first indented as the first is (an --explain line),
    and `hanging` more (a heading whose title is long: its lines after the first under its text)."""
    from rich.padding import Padding
    from rich.text import Text

    text = Text.from_markup(markup)
    lines = text.wrap(console(), max(console().width - indent, 1)) if hanging else [text]
    if len(lines) > 1:
        rest = Text(" ").join(line.rstrip() or line for line in lines[1:])
        print_trimmed(Padding(lines[0], (0, 0, 0, indent)))
        print_trimmed(Padding(rest, (0, 0, 0, indent + hanging)))
        return
    print_trimmed(Padding(text, (0, 0, 0, indent)))


def record_listing(records: list[Record], doctype: DocType, shown: tuple[str, ...] | None = None, *,
                   extra: tuple[Column, ...] = (), computed: Mapping[str, Mapping[str, Any]] | None = None,
                   data: Any = None) -> Listing:  # fmt: skip
    """A listing of documents: id and title, then the type's fields (its summary shown by default);
    `extra`: columns worked out per document, their values in `computed` (by path); `data`: the JSON
    when not the documents'."""
    fields = [
        Column(f.name, _kind(doctype, f.name)) for f in doctype.fields if f.name not in ("id", doctype.title_field)
    ]
    title = doctype.title_field  # a person's name, a decision's title
    # A type's own name field (a customer's, a tool's) wraps at its words as a person's name does.
    columns = (Column("id", "id"), Column(title, "title" if title == "title" else "name"), *extra, *fields,
               Column("type"), Column("path"))  # fmt: skip
    money = [f.name for f in doctype.fields if f.kind == "money"]
    rows = [{**r.values, **_short_money(r.values, money), **(computed or {}).get(r.path, {}), "id": r.id or r.path,
             title: r.title, "type": r.type, "path": r.path} for r in records]  # fmt: skip
    return Listing(columns, ("id", title, *(shown if shown is not None else doctype.summary)), rows,
                   [r.to_json() for r in records] if data is None else data, noun=doctype.name,
                   many=doctype.plural, empty=f"no {doctype.plural} match",
                   aliases={"title": title} if title != "title" else None)  # fmt: skip


def _short_money(values: Mapping[str, Any], names: list[str]) -> dict[str, Cell]:
    """Amounts of money as a table shows them, 1.1M for 1100000 (csv and tsv: the whole number)."""
    from pmops import amounts

    return {n: Cell(v, amounts.short(v)) for n in names if isinstance(v := values.get(n), (int, float))}


def _kind(doctype: DocType, name: str) -> str:
    """How a column of a type's field fits, by the field's kind."""
    fld = doctype.field(name)
    kind = fld.kind if fld is not None else "text"
    if kind in ("text", "list", "refs") and fld is not None:  # free text (a name, a plan), a list of names or
        return "name"  # of ids (deciders, links): wrapped at its words, never cut
    if kind == "ref":  # a document's id (a checklist's process): whole
        return "id"
    if kind == "choice" and name == "status":  # in-progre… reads as no status: whole, the titles wrap instead
        return "status"
    return "number" if kind in ("int", "number", "money") else "date" if kind == "date" else "text"


def listing(records: list, doctype: DocType, output: Output) -> None:
    """What every `list` command of documents prints: a table of the type's summary, csv, tsv or JSON."""
    emit(record_listing(records, doctype), output)


def record_columns(doctype: DocType, shown: tuple[str, ...] | None = None, computed: tuple[str, ...] = ()) -> str:
    """The --columns help of a type's listing: its columns, the default ones first."""
    shown = doctype.summary if shown is None else shown
    fields = (f.name for f in doctype.fields if f.name not in ("id", doctype.title_field))
    rest = [name for name in (*computed, *fields, "type", "path") if name not in shown]
    return f"id, {doctype.title_field}, {', '.join(shown)} (the default), or {', '.join(rest)}"


def log_listing(changes: list[Change], filtered: bool) -> Listing:
    """`pmops log`: a commit a row (its files in csv and tsv); for people, each commit with its documents' titles."""
    rows = [{"commit": c.sha, "date": c.date, "author": c.author, "subject": c.subject,
             "files": [path for path, _ in c.documents]} for c in changes]  # fmt: skip

    def human() -> None:
        out = console()
        if not changes:
            what = "no changes match" if filtered else "no changes yet: the KB's repository has no commits"
            out.print(f"[dim]{what}[/dim]")
        for change in changes:
            out.print(f"[cyan]{change.sha}[/cyan] {change.date} [bold]{safe(change.author)}[/bold] "
                      f"{safe(change.subject)}", soft_wrap=True)  # fmt: skip
            for path, title in change.documents[:8]:
                named = "" if title == path else f"{safe(title)} "  # a file that is not a document: its path
                out.print(f"    {named}[dim]{safe(path)}[/dim]", soft_wrap=True)
            if len(change.documents) > 8:
                out.print(f"    [dim]… and {count(len(change.documents) - 8, 'more file')}[/dim]")

    columns = (Column("commit", "id"), Column("date", "date"), Column("author"), Column("subject", "title"),
               Column("files", "wrap"))  # fmt: skip
    return Listing(columns, ("commit", "date", "author", "subject"), rows, [c.to_json() for c in changes],
                   noun="commit", empty="no changes match" if filtered else "no changes yet", human=human)  # fmt: skip


@contextlib.contextmanager
def rebuild_progress() -> Iterator:
    """A progress callback for long index work: a bar on a terminal from its first call (a rebuild's
    start), nothing otherwise. A search that only catches up never calls it, and shows no bar."""
    if plain_stream(stderr=True):
        yield None
        return
    bar = task = None  # once work is under way

    def update(done: int, total: int) -> None:
        nonlocal bar, task
        if bar is None:
            from rich.progress import Progress

            bar = Progress(console=console(stderr=True), transient=True)
            bar.start()
            task = bar.add_task("indexing", total=total)
        bar.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()


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
