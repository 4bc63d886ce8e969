"""The search backend: what the index needs of a full-text engine, and the one pmops uses.

`Index` (pmops.search.index) keeps the index fresh and answers searches through this
protocol alone; only the implementation named in `default` imports its engine (Whoosh:
pmops.search.whoosh_backend, whoosh_query, whoosh_analysis, whoosh_codec, whoosh_words). Another engine is another class
with these methods, and its own schema version in the signature the index is stored with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pmops.search.results import Hit

if TYPE_CHECKING:
    from pmops.search.snippets import Matched
    from pmops.taxonomy import Taxonomy

# The query language pmops documents (docs/search.md), whatever reads it.
QUERY_HINT = 'try words, "a phrase", OR, NOT, word*, tag:pricing, type:insight or date:2026-03'
DATES_HINT = "dates look like date:2026-03, date:2026-03-14, date:[2026-01-01 to 2026-03-31] or date:>2026-06-01"

Fields = dict[str, Any]  # one document as pmops.search.fields gives it, with "sha", its content hash


@dataclass
class Found:
    """What a backend's search found."""

    hits: list[Hit]  # best first, their snippets still empty
    total: int
    exact: bool  # False: `total` is an upper estimate
    suggestion: str | None  # did you mean (only when nothing was found)
    documents: int  # in the index searched
    matches: Matched | None  # the words of a body the query matched; None: none
    ignored: list[str] = field(default_factory=list)  # words of the query the index leaves out (common words)
    by_title: bool = False  # the query was only such words: the hits are titles that have them


class Backend(Protocol):
    """A full-text index in one folder, written and read by many processes at once.

    `open` first: the other methods read the index it opened, and fail (any exception) when
    the index is damaged; the caller then rebuilds it. Query mistakes raise InvalidInput.
    """

    def open(self) -> bool:
        """Whether the index in the folder can be read; opened once, then kept."""
        ...

    def close(self) -> None:
        """Forget the opened index (it was swapped for a new one, or failed)."""
        ...

    def count(self) -> int:
        """How many documents the index holds."""
        ...

    def paths(self) -> set[str]:
        """The path of every document the index holds."""
        ...

    def hashes(self, paths: Iterable[str]) -> dict[str, str | None]:
        """The content hash stored for each path (None: not indexed)."""
        ...

    def write(self, updates: list[Fields], deletes: list[str], *, wait: float,
              before_commit: Callable[[], None]) -> tuple[int, int] | None:  # fmt: skip
        """Index `updates` (by path) and remove `deletes`, leaving out what another process already
        did (as seen under the writer's lock); `before_commit` runs just before a commit that
        changes anything. (added, modified), or None when another process held the index for
        `wait` seconds (nothing written)."""
        ...

    def build(self, folder: Path, documents: Iterable[Fields], count: int) -> None:
        """A new index of `documents` (about `count` of them) in the empty `folder`."""
        ...

    def search(self, query: str, *, doc_type: str | None, tag: str | None, since: dt.date | None,
               limit: int, archived: bool | None = False, vocabulary: Taxonomy | None = None) -> Found:  # fmt: skip
        """The best `limit` matches of `query` (pmops' query language), within the filters;
        documents whose status is `archived` left out (`archived` False), alone (True) or kept (None).
        With `vocabulary` (the KB's taxonomy), tags are read through it: a synonym finds its tag,
        and an unknown --tag is InvalidInput."""
        ...


def default(folder: Path, kinds: dict[str, str]) -> Backend:
    """The backend pmops uses, for the index in `folder` with fields of these kinds (text, date,
    keyword; pmops.search.fields)."""
    from pmops.search.whoosh_backend import WhooshBackend

    return WhooshBackend(folder, kinds)
