"""How wide each column of a table is when its natural widths do not fit the terminal: ids, dates,
numbers and statuses whole, titles wrapped at their words, short values whole before long ones
(docs/output.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmops.cli.render.common import Column

WRAPPED = ("title", "wrap", "name", "path")  # path: an id folded where the line ends (render.common._folded_ids)
_WHOLE = ("id", "date", "number", "status")  # never shortened
# A title (a sentence pmops writes) wraps no narrower than its longest word, 10 at least, 16 at most, before
# a short value is shortened; then it grows to 16, then to its natural width, as room allows.
_SNUG, _COMFORTABLE = 10, 16
# How narrow a column that wraps may become before its words are split, tried in order until every column fits
# (other values are shortened with … meanwhile, to 4 characters or their header's width); the last, 0: headers
# only (those of whole values shortened), for a terminal too narrow for anything else.
_LEVELS = (_COMFORTABLE, 12, 10, 8, 6, 0)


def fit(columns: list[Column], cells: list[list[str]], room: int) -> list[int] | None:
    """Each column's width when the natural ones do not fit in `room` (None when they do). Ids, dates,
    numbers and statuses are whole; a title wraps, as narrow as its longest word (10 to 16), a name as its
    longest word; every column is at least as wide as its header; other values are shortened with … to
    make room. What is left goes to short values (a source, a segment, an area), whole, the most values
    for the fewest characters first; then the title grows to 16; then it shares the rest with long
    values (a list of tags) still shortened.
    On a terminal too narrow for that, titles split their words, and headers of whole values are
    shortened, never the values."""
    from rich.cells import cell_len

    lengths = [[cell_len(row[i]) for row in cells] for i in range(len(columns))]
    natural = [max([_header_len(c), *lengths[i]]) for i, c in enumerate(columns)]
    if sum(natural) <= room:
        return None
    snug = [_snug(c, n, max([0, *(cell_len(w) for row in cells for w in row[i].split())]))
            for i, (c, n) in enumerate(zip(columns, natural, strict=True))]  # fmt: skip
    floors = natural
    for level in _LEVELS:
        floors = [_floor(c, n, max([1, *lengths[i]]), s, level)
                  for i, (c, n, s) in enumerate(zip(columns, natural, snug, strict=True))]  # fmt: skip
        if sum(floors) <= room:
            break
    else:  # not even the headers fit: ids, dates and numbers whole, the other columns share what is left
        rest = [i for i, c in enumerate(columns) if c.kind not in _WHOLE]
        share = max(room - sum(f for i, f in enumerate(floors) if i not in rest), len(rest))
        for n, i in enumerate(rest):
            floors[i] = max(1, share // len(rest) + (n < share % len(rest)))
    widths = list(floors)

    def targets(kinds: tuple[str, ...], width: Callable[[int], int]) -> list[int]:
        return [width(i) if c.kind in kinds else 0 for i, c in enumerate(columns)]

    spare = _grow(widths, targets(_WHOLE, lambda i: natural[i]), room - sum(widths))  # their headers whole
    spare = _grow(widths, targets(WRAPPED, lambda i: snug[i]), spare)
    spare = _whole_values(columns, lengths, natural, widths, spare)
    spare = _grow(widths, targets(WRAPPED, lambda i: max(snug[i], min(natural[i], _COMFORTABLE))), spare)
    # The rest: to the title, and to long values (a list of tags) alike.
    _grow(widths, targets((*WRAPPED, "text"), lambda i: natural[i]), spare)
    return widths


def _snug(column: Column, natural: int, word: int) -> int:
    """How narrow a column may be before what it holds is cut: a title as its longest word (10 to 16), a
    name (an owner, a plan) as its longest word, another its values' width; never narrower than its header."""
    if column.kind == "name":
        snug = min(natural, word, _COMFORTABLE)
    elif column.kind in WRAPPED:
        snug = min(natural, max(min(word, _COMFORTABLE), _SNUG))
    else:
        snug = natural
    return max(_header_len(column), snug)


def _floor(column: Column, natural: int, value: int, snug: int, level: int) -> int:
    """A column's narrowest at this level (see _LEVELS)."""
    if column.kind in _WHOLE:  # its values whole; its header shortened only when nothing else fits
        return natural if level else value
    if not level:
        return _header_len(column)
    if column.kind in WRAPPED:
        return max(_header_len(column), min(snug, level))
    return max(_header_len(column), min(natural, 4))


def _grow(widths: list[int], targets: list[int], spare: int) -> int:
    """Widen each column short of its target one character at a time, so all grow alike; what is left of `spare`."""
    while spare > 0:
        short = [i for i, target in enumerate(targets) if widths[i] < target]
        if not short:
            break
        for i in short[:spare]:
            widths[i] += 1
        spare -= len(short[:spare])
    return spare


def _whole_values(
    columns: list[Column], lengths: list[list[int]], natural: list[int], widths: list[int], spare: int
) -> int:
    """Widen the columns of short values (kind "text", none wider than 16: a source, a segment, an area)
    so that as many of their values as `spare` allows are whole (smb, interview and enterprise before
    public-sector), with the fewest characters; what is left."""
    if spare < 0:  # not even the headers fit (a 40-column terminal): nothing to widen
        return spare
    # best[s]: (values made whole, -characters used, the widths chosen) with at most s characters
    best: list[tuple[int, int, dict[int, int]]] = [(0, 0, {})] * (spare + 1)
    for i, column in enumerate(columns):
        if column.kind != "text" or natural[i] > _COMFORTABLE:
            continue
        options = sorted({n for n in lengths[i] if widths[i] < n <= widths[i] + spare})
        choices = [(sum(widths[i] < n <= width for n in lengths[i]), width - widths[i], width) for width in options]
        best = [
            max([best[s], *((best[s - cost][0] + gained, best[s - cost][1] - cost, {**best[s - cost][2], i: width})
                            for gained, cost, width in choices if cost <= s)], key=lambda b: b[:2])
            for s in range(spare + 1)
        ]  # fmt: skip
    _, used, chosen = best[spare]
    for i, width in chosen.items():
        widths[i] = width
    return spare + used


def cuts(columns: list[Column], cells: list[list[str]], widths: list[int]) -> tuple[int, int]:
    """What these widths cut: how many values (and headers) are shortened with … or split inside a word (a
    name's: Granite Peak Constructi/on), then how many characters do not fit where they are."""
    from rich.cells import cell_len

    cut = over = 0
    for i, column in enumerate(columns):
        if (header := _header_len(column)) > widths[i]:  # a header shortened (im…): as bad as all its values
            cut, over = cut + len(cells), over + (header - widths[i]) * len(cells)
        if column.kind != "text" and column.kind not in WRAPPED:
            continue
        for row in cells:
            parts = [row[i]] if column.kind == "text" else row[i].split()
            beyond = [cell_len(part) - widths[i] for part in parts if cell_len(part) > widths[i]]
            cut, over = cut + bool(beyond), over + sum(beyond)
    return cut, over


def _header_len(column: Column) -> int:
    from rich.cells import cell_len

    return max(cell_len(line) for line in (column.label or column.name).splitlines())
