"""What a search and a catch-up return, and the wire format the search server sends them in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HIT_START, HIT_END = "\x02", "\x03"  # marks around highlighted words in a snippet

Progress = Callable[[int, int], None]  # (done, total): a rebuild's progress


@dataclass
class Sync:
    """What a catch-up or rebuild did."""

    added: int = 0
    modified: int = 0
    removed: int = 0
    documents: int = 0
    rebuilt: str | None = None  # why the index was rebuilt, if it was
    problems: dict[str, str] = field(default_factory=dict)  # path -> why it could not be read
    stale: bool = False  # another process held the index; results may lag


@dataclass
class Hit:
    """One document a search found, as a listing shows it."""

    id: str
    type: str
    title: str
    date: dt.date | None
    path: str
    score: float
    snippet: str  # plain text with HIT_START/HIT_END around matched words

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "path": self.path,
            "score": round(self.score, 4),
            "snippet": self.snippet.replace(HIT_START, "").replace(HIT_END, ""),
        }


@dataclass
class Results:
    """What a search answers: its hits, how many matched, and what it says about the query."""

    hits: list[Hit]
    total: int
    query: str
    suggestion: str | None = None
    sync: Sync = field(default_factory=Sync)
    exact: bool = True  # False: `total` is an upper estimate
    ignored: list[str] = field(default_factory=list)  # words of the query the index leaves out (common words)
    by_title: bool = False  # the query was only such words: the hits are the titles that have them all

    def ignored_note(self) -> str | None:
        """What the search left out of the query (common words the index does not hold), in words; None when nothing."""
        if not self.ignored:
            return None
        words = ", ".join(self.ignored)
        kind = "single letters" if all(len(w) == 1 for w in self.ignored) else "common words"  # (é, x)
        if self.by_title:
            found = ": titles with them" if self.hits else ", and no title has them all"
            return f"only {kind}, which the index leaves out ({words}){found}"
        return f"{kind} left out of the search: {words}"

    def to_json(self) -> list[dict[str, Any]]:
        """`pmops search --json`: the hits; each also says which words were `ignored`, when some were."""
        return [{**h.to_json(), **({"ignored": self.ignored} if self.ignored else {})} for h in self.hits]

    def to_wire(self) -> dict[str, Any]:
        """Everything, as JSON types (the search server sends this to the command)."""
        hits = [{**vars(h), "date": h.date.isoformat() if h.date else None} for h in self.hits]
        return {"hits": hits, "total": self.total, "query": self.query, "suggestion": self.suggestion,
                "sync": vars(self.sync), "exact": self.exact, "ignored": self.ignored,
                "by_title": self.by_title}  # fmt: skip

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Results | None:
        """Results as `to_wire` wrote them; None for anything else (the reader then searches
        itself): a missing key, or a value of a type the rendering does not expect."""
        try:
            hits = [Hit(**{**h, "date": dt.date.fromisoformat(h["date"]) if h["date"] else None}) for h in data["hits"]]
            results = cls(hits, data["total"], data["query"], data["suggestion"], Sync(**data["sync"]), data["exact"],
                          data["ignored"], data["by_title"])  # fmt: skip
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        return results if _well_formed(results) else None


def _well_formed(results: Results) -> bool:
    """Whether results read from the wire have the types the command's rendering expects."""

    def all_of(kind: type | tuple, *values: Any) -> bool:
        return all(isinstance(v, kind) and not (kind is not bool and isinstance(v, bool)) for v in values)

    sync = results.sync
    return (
        all_of(int, results.total, sync.added, sync.modified, sync.removed, sync.documents)
        and all_of(bool, results.exact, sync.stale, results.by_title)
        and all_of(list, results.ignored) and all_of(str, *results.ignored)
        and all_of(str, results.query)
        and all_of(str | None, results.suggestion, sync.rebuilt)
        and all_of(dict, sync.problems) and all_of(str, *sync.problems, *sync.problems.values())
        and all_of(list, results.hits)
        and all(all_of(str, h.id, h.type, h.title, h.path, h.snippet) and all_of((int, float), h.score)
                and all_of(dt.date | None, h.date) for h in results.hits)
    )  # fmt: skip
