"""The word list beside the Whoosh index: did-you-mean's words of titles and bodies as written.

One word a line, in lower case, stop words and one-letter words left out: written whole by a
rebuild (sorted), added to by each write (the words not in it yet), read sorted. It replaces
Whoosh's spelling fields, which add a posting for every word of every body (a fifth of a
rebuild) and are looked up through the stems in an index of several segments.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def of(fields: dict[str, Any]) -> set[str]:
    """The words of a document's title and body as written, in lower case."""
    from pmops.search.whoosh_analysis import WORD
    from pmops.text import composed

    return set(WORD.findall(composed(f"{fields.get('title') or ''}\n{fields['body']}").lower()))


def _spellable(words: set[str]) -> set[str]:
    from whoosh.analysis import STOP_WORDS

    return {w for w in words if len(w) > 1 and w not in STOP_WORDS}


def write(path: Path, words: set[str]) -> None:
    path.write_text("".join(f"{w}\n" for w in sorted(_spellable(words))), encoding="utf-8")


def add(path: Path, words: set[str]) -> None:
    """Add the words not in the list yet (under the index's lock, as the manifest changes).
    Words of documents deleted since stay until the next rebuild: did-you-mean skips them."""
    try:
        known = set(path.read_text(encoding="utf-8").split())
    except FileNotFoundError:
        known = set()
    new = _spellable(words) - known
    if new:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("".join(f"{w}\n" for w in sorted(new)))


_words_read: dict[str, tuple[tuple[int, int, int], list[str]]] = {}


def read(path: Path) -> list[str]:
    """The word list, sorted; remembered while the file is unchanged (the search server).
    Unreadable: no words (no suggestion)."""
    try:
        st = path.stat()
        key = (st.st_ino, st.st_size, st.st_mtime_ns)
        known = _words_read.get(str(path))
        if known is not None and known[0] == key:
            return known[1]
        words = sorted(set(path.read_text(encoding="utf-8").split()))
    except (OSError, UnicodeDecodeError):
        return []
    _words_read.clear()
    _words_read[str(path)] = (key, words)
    return words


class _WordCursor:
    """A sorted word list as the cursor Whoosh's Levenshtein automaton walks (text, find)."""

    def __init__(self, words: list[str]) -> None:
        self.words, self.at = words, 0

    def text(self) -> str | None:
        return self.words[self.at] if self.at < len(self.words) else None

    def find(self, term: str) -> None:
        self.at = bisect.bisect_left(self.words, term)


def within(words: list[str], word: str, edits: int) -> Iterator[str]:
    """The words of the sorted list within `edits` edits of `word` (Whoosh's Levenshtein automaton)."""
    from whoosh.codec.base import Automata

    return Automata().terms_within(_WordCursor(words), word, edits)
