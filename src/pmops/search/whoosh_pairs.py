"""The analysis chain of the Whoosh index's `pairs` field, in a module of its own: Whoosh pickles
the schema into the index, so the filter must be importable by name, and only when
Whoosh itself is (this module imports it)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from whoosh.analysis import CompositeAnalyzer, Filter, StemmingAnalyzer, Token


class PairFilter(Filter):
    """Each two adjacent words as one term: `approval workflow` -> "approv workflow".

    A two-word phrase is then one posting list, read like a word, instead of the positions
    of two words checked in every document that has both (which is what makes phrases
    of common words slow). It runs after the stemmer and the stop list, the very stream
    whose positions a phrase query compares, so a pair matches exactly where the phrase does.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        previous = None
        for token in tokens:
            text = token.text
            if previous is not None:
                token.text = f"{previous} {text}"
                yield token
            previous = text


def pair_analyzer() -> CompositeAnalyzer:
    return StemmingAnalyzer() | PairFilter()


def pair(words: list[str]) -> list[str]:
    """The pair terms of a phrase's analysed words."""
    return [f"{a} {b}" for a, b in pairwise(words)]
