"""The analysis of the Whoosh index's text fields, in a module of its own: Whoosh pickles the
schema into the index, so the classes must be importable by name, and only when Whoosh itself
is (this module imports it).

- `PairFilter`: each two adjacent words of the body as one term (the `pairs` field), so a
  phrase of common words is one posting list instead of a position check in every document
  that has both words;
- `FastPositions`, `FastFrequency`: the terms Whoosh's own analysis gives (`StemmingAnalyzer`:
  its tokenizer, lower case, stop words, the Porter stemmer, then pairs), computed once per
  text with one C-level regex and a dict of stems instead of a chain of generators over one
  token object per word. The body's text is analysed once for `body` and `pairs` (it is the
  same string): a full rebuild spent a quarter of its time in Whoosh's per-token Python.
  Anything but that exact analyser, or a query, goes through Whoosh's code as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import Any

from whoosh import fields, formats
from whoosh.analysis import (
    STOP_WORDS,
    CompositeAnalyzer,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StemmingAnalyzer,
    StopFilter,
    Token,
)
from whoosh.lang.porter import stem as porter
from whoosh.system import pack_uint

# RegexTokenizer's default expression, its group made non-capturing for re.findall.
WORD = re.compile(r"\w+(?:\.?\w+)*")
_STEMS: dict[str, str] = {}  # word -> stem, for every word seen (a KB has tens of thousands)
_last: list[Any] = [None, None]  # the text analysed last, and its analysis


class PairFilter(Filter):
    """Each two adjacent words as one term: `approval workflow` -> "approv workflow".

    A two-word phrase is then one posting list, read like a word, instead of the positions
    of two words checked in every document that has both (which is what makes phrases
    of common words slow). It runs after the stemmer and the stop list, the very stream
    whose positions a phrase query compares, so a pair matches exactly where the phrase does.

    With `frequent` (a set of stems), only pairs of two frequent words are terms: a phrase
    with a rarer word is checked by positions in the few documents that have it. This keeps
    most of the field's cost out of a rebuild (a KB's rare words make most distinct pairs).
    """

    frequent: frozenset[str] | None = None

    def __init__(self, frequent: frozenset[str] | None = None) -> None:
        self.frequent = frequent

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        previous, frequent = None, self.frequent
        for token in tokens:
            text = token.text
            if previous is not None and (frequent is None or (previous in frequent and text in frequent)):
                token.text = f"{previous} {text}"
                yield token
            previous = text


def pair_analyzer(frequent: frozenset[str] | None = None) -> CompositeAnalyzer:
    return StemmingAnalyzer() | PairFilter(frequent)


def frequent_of(analyzer: Any) -> frozenset[str] | None:
    """The `frequent` set of a pairs field's analyser (None: every pair is a term)."""
    return next((f.frequent for f in getattr(analyzer, "items", ()) if isinstance(f, PairFilter)), None)


def pair(words: list[str], frequent: frozenset[str] | None = None) -> list[str]:
    """The pair terms of a phrase's analysed words (those the field holds)."""
    return [f"{a} {b}" for a, b in pairwise(words) if frequent is None or (a in frequent and b in frequent)]


def analysed(text: str) -> tuple[int, list[str], list[str]]:
    """(position of the first kept word, the kept words in lower case, their stems): what
    StemmingAnalyzer yields, stop words and one-letter words dropped, positions renumbered
    from the first kept word on, as its StopFilter does. The last text is remembered, by
    identity: `body` and `pairs` are given the same string."""
    if _last[0] is text:
        return _last[1]
    tokens = WORD.findall(text)
    # Lower case token by token (as LowercaseFilter does), in one call: no token holds a space.
    lowered = " ".join(tokens).lower().split(" ") if tokens else []
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
    _last[:] = [text, (first, kept, stems)]
    return first, kept, stems


def _standard(analyzer: Any, pairs: bool) -> bool:
    """Whether `analyzer` is exactly StemmingAnalyzer() (then PairFilter when `pairs`), which the
    fast path reproduces."""
    items = list(getattr(analyzer, "items", ()))
    if pairs:
        if not items or not isinstance(items[-1], PairFilter):
            return False
        items = items[:-1]
    if [type(i) for i in items] != [RegexTokenizer, LowercaseFilter, StopFilter, StemFilter]:
        return False
    tokenizer, _, stop, stemmer = items
    return (tokenizer.expression.pattern == r"\w+(\.?\w+)*" and not tokenizer.gaps
            and stop.stops == STOP_WORDS and stop.min == 2 and stop.max is None and stop.renumber
            and stemmer.stemfn is porter and not stemmer.ignore)  # fmt: skip


def _terms(text: str, pairs: frozenset[str] | bool | None) -> Iterable[tuple[int, str]]:
    """(position, term) in order: the stems, or the pairs (`pairs` is then the frequent set or
    None; False means stems). A pair is at its second word's position, as PairFilter leaves it."""
    first, _, stems = analysed(text)
    if pairs is False:
        return enumerate(stems, first)
    return ((pos, f"{a} {b}") for pos, (a, b) in enumerate(pairwise(stems), first + 1)
            if pairs is None or (a in pairs and b in pairs))  # type: ignore[operator]  # fmt: skip


class _Fast:
    """The fast path, shared by both formats: checks the analyser once per analyser."""

    kind = "stems"  # or "pairs"
    field_boost: float

    def __init__(self, kind: str = "stems", field_boost: float = 1.0) -> None:
        super().__init__(field_boost=field_boost)  # type: ignore[call-arg]  # Whoosh's Format
        self.kind = kind

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple[str, int, float, bytes]]:
        found = self._fast_terms(value, analyzer, kwargs)
        if found is None:
            yield from super().word_values(value, analyzer, **kwargs)  # type: ignore[misc]  # Whoosh's Format
            return
        yield from self._values(found)

    def _values(self, found: Iterable[tuple[int, str]]) -> Iterator[tuple[str, int, float, bytes]]:
        raise NotImplementedError

    def _fast_terms(self, value: Any, analyzer: Any, kwargs: dict[str, Any]) -> Iterable[tuple[int, str]] | None:
        if not isinstance(value, str) or kwargs.get("mode") != "index" or set(kwargs) - {"mode", "boosts", "positions"}:
            return None
        known = getattr(self, "_checked", None)
        if known is None or known[0] is not analyzer:
            known = self._checked = (analyzer, _standard(analyzer, pairs=self.kind == "pairs"))
        if not known[1]:
            return None
        return _terms(value, frequent_of(analyzer) if self.kind == "pairs" else False)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_checked"}


class FastPositions(_Fast, formats.Positions):
    """Positions, as Whoosh's format stores them, of the terms `analysed` gives."""

    def _values(self, found: Iterable[tuple[int, str]]) -> Iterator[tuple[str, int, float, bytes]]:
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


class FastFrequency(_Fast, formats.Frequency):
    """Frequencies, as Whoosh's format stores them, of the terms `analysed` gives."""

    def _values(self, found: Iterable[tuple[int, str]]) -> Iterator[tuple[str, int, float, bytes]]:
        counts: dict[str, int] = {}
        for _, term in found:
            counts[term] = counts.get(term, 0) + 1
        boost = self.field_boost
        for term, n in counts.items():
            yield term, n, n * boost, pack_uint(n)


def text_field(analyzer: Any, *, phrase: bool = True, pairs: bool = False, **options: Any) -> fields.TEXT:
    """A TEXT field whose terms come from the fast path (Positions when `phrase`)."""
    field = fields.TEXT(analyzer=analyzer, phrase=phrase, **options)
    kind = "pairs" if pairs else "stems"
    boost = field.format.field_boost
    field.format = FastPositions(kind, boost) if phrase else FastFrequency(kind, boost)
    return field
