"""The analysis of the Whoosh index's text fields, in a module of its own: Whoosh pickles the
schema into the index, so the classes must be importable by name, and only when Whoosh itself
is (this module imports it).

`analyzer()`: Whoosh's `StemmingAnalyzer` (its tokenizer, lower case, stop words, the Porter
stemmer) with each word's accents taken off after its lower case (`FoldFilter`): `cafe` finds
"Café", `jose` "José", and a file whose accents are written as separate marks (as macOS writes
them) is read as one written with accented letters.

`FastPositions`: the terms that analyser gives, computed once per text with one C-level regex
and a dict of stems instead of a chain of generators over one token object per word: a full
rebuild spent a quarter of its time in Whoosh's per-token Python. Anything but that exact
analyser, or a query, goes through Whoosh's code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh import fields, formats
from whoosh.analysis import (
    STOP_WORDS,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang.porter import stem as porter

from pmops.text import composed, without_accents

# RegexTokenizer's default expression, its group made non-capturing for re.findall.
WORD = re.compile(r"\w+(?:\.?\w+)*")
_STEMS: dict[str, str] = {}  # word -> stem, for every word seen (a KB has tens of thousands)
_SINGLE: dict[int, bytes] = {}  # position -> Positions.encode([position])


class FoldFilter(Filter):
    """Each token's text without its accents: the query's side of what `analysed` does to a text."""

    def __call__(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for token in tokens:
            token.text = without_accents(token.text)
            yield token


class ComposedTokenizer(RegexTokenizer):
    """RegexTokenizer's words of the text `composed` first: a file saved with its accents as separate
    marks holds the words a keyboard types, not 'r', 'sume' for 'résumé'."""

    def __call__(self, value: Any, **kwargs: Any) -> Iterator[Any]:
        return super().__call__(composed(value) if isinstance(value, str) else value, **kwargs)


def analyzer() -> Any:
    """The analyser of the index's text fields: StemmingAnalyzer's on the composed text, each word
    folded after its lower case (pickled into the index's schema by name: this module's classes)."""
    return (ComposedTokenizer() | LowercaseFilter() | FoldFilter() | StopFilter(stoplist=STOP_WORDS, minsize=2)
            | StemFilter(stemfn=porter))  # fmt: skip


def analysed(text: str) -> tuple[int, list[str], list[str]]:
    """(position of the first kept word, the kept words in lower case and folded, their stems):
    what `analyzer()` yields, stop words and one-letter words dropped, positions renumbered
    from the first kept word on, as its StopFilter does."""
    tokens = WORD.findall(composed(text))
    # Lower case token by token (as LowercaseFilter does), in one call: no token holds a space.
    joined = " ".join(tokens).lower()
    lowered = joined.split(" ") if tokens else []
    if not joined.isascii():
        lowered = [without_accents(w) for w in lowered]
    kept = [w for w in lowered if len(w) > 1 and w not in STOP_WORDS]
    first = 0
    if kept and (len(lowered[0]) < 2 or lowered[0] in STOP_WORDS):
        first = next(i for i, w in enumerate(lowered) if len(w) > 1 and w not in STOP_WORDS)
    stems, known = [], _STEMS
    for word in kept:
        stem = known.get(word)
        if stem is None:
            stem = known[word] = porter(word)
        stems.append(stem)
    return first, kept, stems


def _standard(analyzer: Any) -> bool:
    """Whether `analyzer` is exactly `analyzer()`'s, which the fast path reproduces."""
    items = list(getattr(analyzer, "items", ()))
    if [type(i) for i in items] != [ComposedTokenizer, LowercaseFilter, FoldFilter, StopFilter, StemFilter]:
        return False
    tokenizer, _, _, stop, stemmer = items
    return (tokenizer.expression.pattern == r"\w+(\.?\w+)*" and not tokenizer.gaps
            and stop.stops == STOP_WORDS and stop.min == 2 and stop.max is None and stop.renumber
            and stemmer.stemfn is porter and not stemmer.ignore)  # fmt: skip


class FastPositions(formats.Positions):
    """Positions, as Whoosh's format stores them, of the terms `analysed` gives; anything but
    the analyser it reproduces (checked once per analyser) goes through Whoosh's own code."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple[str, int, float, bytes]]:
        found = self._fast_terms(value, analyzer, kwargs)
        if found is None:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        positions: dict[str, list[int]] = {}
        for pos, term in found:
            at = positions.get(term)
            if at is None:
                positions[term] = [pos]
            else:
                at.append(pos)
        boost, encode = self.field_boost, self.encode
        for term, at in positions.items():
            yield term, len(at), len(at) * boost, encode(at)

    def postings(self, value: Any, analyzer: Any) -> list[tuple[bytes, int, float, bytes]] | None:
        """What TEXT.index yields for `value` (each term in UTF-8, its frequency, weight and
        positions as Positions.encode writes them), as one list; None off the fast path."""
        found = self._fast_terms(value, analyzer, {"mode": "index"})
        if found is None:
            return None
        positions: dict[str, list[int]] = {}
        for pos, term in found:
            at = positions.get(term)
            if at is None:
                positions[term] = [pos]
            else:
                at.append(pos)
        boost, encode, single = self.field_boost, self.encode, _SINGLE
        out = []
        for term, at in positions.items():
            if len(at) == 1:  # most words of a document: its encoding looked up, not built
                pos = at[0]
                vbytes = single.get(pos)
                if vbytes is None:
                    vbytes = single[pos] = encode(at)
                out.append((term.encode(), 1, boost, vbytes))
            else:
                out.append((term.encode(), len(at), len(at) * boost, encode(at)))
        return out

    def _fast_terms(self, value: Any, analyzer: Any, kwargs: dict[str, Any]) -> Iterable[tuple[int, str]] | None:
        if not isinstance(value, str) or kwargs.get("mode") != "index" or set(kwargs) - {"mode", "boosts", "positions"}:
            return None
        known = getattr(self, "_checked", None)
        if known is None or known[0] is not analyzer:
            known = self._checked = (analyzer, _standard(analyzer))
        if not known[1]:
            return None
        first, _, stems = analysed(value)
        return enumerate(stems, first)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_checked"}


class FastText(fields.TEXT):
    """A TEXT field whose postings come from FastPositions in one list, not through two
    generators and an encoding call per word."""

    def index(self, value: Any, **kwargs: Any) -> Iterable[tuple[bytes, int, float, bytes]]:
        fmt = self.format
        if not kwargs and isinstance(fmt, FastPositions):
            postings = fmt.postings(value, self.analyzer)
            if postings is not None:
                return postings
        return super().index(value, **kwargs)


def text_field(analyzer: Any, **options: Any) -> fields.TEXT:
    """A TEXT field (with positions) whose terms come from the fast path."""
    field = FastText(analyzer=analyzer, **options)
    field.format = FastPositions(field_boost=field.format.field_boost)
    return field
