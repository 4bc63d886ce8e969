"""Did you mean: a query with each word the index does not know replaced by a close one it does."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection
from typing import Protocol

from pmops.search.snippets import WORD

LOOK_SECONDS = 0.3  # CPU time a suggestion is looked for (a lookup begun is finished)
MIN_TWO_EDITS = 5  # a shorter word is offered words one edit away only: two edits leave too little of it
_FIELD_VALUE = re.compile(r"\w+:(\"[^\"]*\"?|\[[^\]]*\]?|\S+)")  # a field's value, quoted, a range, or a word


class Lexicon(Protocol):
    """The words of an index's titles and bodies, as a backend knows them."""

    stop_words: Collection[str]

    def knows(self, word: str) -> bool:
        """Whether a (lowercase) word, analysed as the index analyses it, is in a title or a body."""
        ...

    def near(self, word: str, edits: int) -> set[str]:
        """The words of titles and bodies, as written, within `edits` edits of `word`."""
        ...

    def frequency(self, word: str) -> int:
        """How many documents' bodies hold the word (analysed)."""
        ...


def did_you_mean(lexicon: Lexicon, text: str, finds: Callable[[str], bool]) -> str | None:
    """The query with each word the index does not know replaced by a close one it does.

    Not Whoosh's `correct_query`: it corrects each field's copy of a word against that field's
    words alone (titles, here), and its ranking ignores the edit distance, so the most frequent
    word two edits away beats the right one a single edit away ("papr" -> "per"). Here the
    candidates are the words of titles and bodies as written (their spelling lists), fewest
    edits first, then the first letter kept, the most documents, a length close to the word
    typed (a letter left out, the commonest slip, is no longer beaten by a rarer word of the
    same length: "acount" is "account", not "amount"). The first choice for every word is kept unless another candidate makes the
    query find something ("thermal papr": "paper", not "pair"). A word of three or four letters is
    offered words one edit away only ("foo" is not "how"). Field names and values,
    prefixes (`therm*`), operators and stop words are left alone.

    It looks for 0.3 s of its thread's CPU time (a lookup begun is finished; CPU time, so that a
    busy machine gives the same answers, later): an unknown word costs up to four lookups (about
    0.35 s in all at 50,000 documents), so a query of many gets no suggestion rather than a wait
    of seconds for each; out of time while trying other candidates, the first choices are
    offered."""
    deadline = time.thread_time() + LOOK_SECONDS
    spans: list[tuple[int, int]] = []
    options: list[list[str]] = []
    values = [m.span(1) for m in _FIELD_VALUE.finditer(text)]  # date:"5 Nov 2026", title:[a to c], tag:x
    for match in WORD.finditer(text):
        word, lowered = match.group(), match.group().lower()
        after = text[match.end() : match.end() + 1]
        if (
            any(start <= match.start() < end for start, end in values)
            or after in (":", "*", "?")
            or word in ("AND", "OR", "NOT")
            or lowered in lexicon.stop_words
            or len(word) < 3
        ):
            continue  # a field, a prefix or wildcard, an operator, a stop word
        if lexicon.knows(lowered):
            continue
        for edits in (1, 2) if len(word) >= MIN_TWO_EDITS else (1,):  # foo → how: two of three letters changed
            if time.thread_time() > deadline:
                return None
            near = lexicon.near(lowered, edits) - {lowered}
            if near:
                ranked = sorted(near, key=lambda w: (w[:1] != lowered[:1], -lexicon.frequency(w),
                                                     abs(len(w) - len(lowered)), w))  # fmt: skip
                spans.append(match.span())
                options.append(ranked[:5])
                break
    if not spans:
        return None

    def spelled(choice: list[str]) -> str:
        out, at = [], 0
        for (start, end), word in zip(spans, choice):
            out += [text[at:start], word.capitalize() if text[start].isupper() else word]
            at = end
        return "".join(out) + text[at:]

    best = [ranked[0] for ranked in options]
    if not finds(spelled(best)):
        for trial in ([*best[:i], word, *best[i + 1 :]] for i, ranked in enumerate(options) for word in ranked[1:]):
            if time.thread_time() > deadline:
                break
            if finds(spelled(trial)):
                best = trial
                break
    return spelled(best)
