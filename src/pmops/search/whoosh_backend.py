"""The Whoosh backend: the index's schema, writing, rebuilding and searching with Whoosh.

The one place (with whoosh_query, whoosh_analysis, whoosh_codec and whoosh_words) that imports Whoosh, lazily:
only search and index load it. Many processes read and write one index: Whoosh's writer lock
lets one write at a time, readers take no lock, and a read that lost its files to another
process's merge runs again on the newer generation (`reading`).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from pmops import standins
from pmops.errors import InvalidInput, PmopsError
from pmops.search import snippets, whoosh_words
from pmops.search.backend import Fields, Found
from pmops.search.results import Hit

if TYPE_CHECKING:
    from whoosh.fields import Schema
    from whoosh.index import FileIndex
    from whoosh.searching import Searcher

    from pmops.search.whoosh_codec import Codec
    from pmops.taxonomy import Taxonomy

# Each writer process sorts its postings in memory up to this estimate (Whoosh's, about the size
# they take), and beyond it spills them to a run file, one pickle per posting, merged back at
# the end: at 128 (Whoosh's default) each of two processes spilled at 10,000 documents, a
# quarter of a rebuild's CPU. At 256 a 10,000-document rebuild does not spill (each process
# peaked under 190 MB), and a larger KB spills half as often.
POOL_MB = 256
PARALLEL_FROM = 500  # documents; below this, starting worker processes costs more than it saves
WORDS = "words"  # the file, in the index's folder, of the words of titles and bodies (whoosh_words)
READ_ATTEMPTS = 5  # reads of an index that other processes keep committing to
T = TypeVar("T")


@functools.cache
def load() -> ModuleType:
    """Whoosh, imported on first use: only search and index need it (its date parser: a query that names
    a date field, whoosh_query._dates)."""
    with warnings.catch_warnings(), standins.standing_in(UNCALLED):
        warnings.simplefilter("ignore")  # Whoosh 2.7 predates Python 3.12's escape warnings
        import whoosh.codec.whoosh3  # the codec every segment reads with (unpickled with the index)
        import whoosh.fields
        import whoosh.index
        import whoosh.qparser
        import whoosh.query
        import whoosh.searching
    return whoosh


# What Whoosh imports at its start for functions a search never calls (pmops.standins), with
# what loading it costs a search: urllib.request (HTTP, SSL, email: 26 ms) for a download
# helper; whoosh.lang.morph_en (115 rules compiled into 6 large regexes: 5-7 ms) for the
# Variations query; html (its entities: 1.2 ms) for the HTML highlighter (pmops marks hits
# itself); tempfile and shutil (with bz2, lzma: 2-4 ms) for a temporary storage pmops never
# asks for and for writing compound segments; random (1.7 ms) for the names of new files and
# for clustering; calendar (1 ms) for the dates a query names; queue for the writer's
# processes. Each is a module and the functions Whoosh takes from it by name; a write or a
# query of dates uses some of them, and the real module loads then.
UNCALLED = {
    "urllib.request": ("urlretrieve",),
    "whoosh.lang.morph_en": ("variations",),
    "html": ("escape",),
    "tempfile": (),
    "shutil": ("copyfileobj",),
    "random": (),
    "calendar": (),
    "queue": (),
}


class WhooshBackend:
    """The index in one folder, a pmops.search.backend.Backend."""

    def __init__(self, folder: Path, kinds: dict[str, str]) -> None:
        self.folder = folder
        self.kinds = kinds  # each field's kind: text, date or keyword
        self._ix: FileIndex | None = None

    def schema(self) -> Schema:
        """The index's fields. No spelling fields: Whoosh adds a posting for every word of every
        body to them, and did-you-mean needs only the words (the word list, WORDS). No field of
        word pairs either: a phrase is checked on the body's positions (docs/performance.md)."""
        f = load().fields
        from pmops.search.whoosh_analysis import analyzer, text_field

        stem = analyzer()
        columns: dict[str, Any] = {
            "path": f.ID(stored=True, unique=True),
            "id": f.ID(stored=True),
            "type": f.ID(stored=True),
            "title": text_field(stem, stored=True, field_boost=3.0),
            # The body and every text field but the title and `author`: what plain words search.
            "body": text_field(stem),
            "date": f.DATETIME(stored=True),
            "tags": f.KEYWORD(commas=True, lowercase=True, scorable=True),
            "sha": f.STORED(),  # the content hash, to tell a touched file from a changed one
        }
        for name, kind in self.kinds.items():
            if name in columns:
                continue
            if kind == "text":
                columns[name] = text_field(stem)
            elif kind == "date":
                columns[name] = f.DATETIME()
            else:
                columns[name] = f.KEYWORD(commas=True, lowercase=True)
        return f.Schema(**columns)

    def open(self) -> bool:
        if self._ix is not None:
            return True
        whoosh = load()
        # Whoosh leaves the file open when a damaged table of contents fails to load; the
        # failed attempt's frames (and that file) are freed inside this block, quietly.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:  # (no index there: EmptyIndexError, or OSError. Not exists_in, which opens it once more)
                ix = whoosh.index.open_dir(str(self.folder))
                ix.doc_count()  # reads the segments: a truncated file fails here
            except Exception:
                return False
        self._ix = ix
        return True

    def close(self) -> None:
        self._ix = None

    @property
    def _index(self) -> FileIndex:
        if self._ix is None:
            raise RuntimeError("the index is not open")
        return self._ix

    def count(self) -> int:
        return self._index.doc_count()

    def paths(self) -> set[str]:
        return reading(self._index, lambda searcher: {_text(t) for t in searcher.reader().lexicon("path")})

    def hashes(self, paths: Iterable[str]) -> dict[str, str | None]:
        return reading(
            self._index, lambda searcher: {rel: (searcher.document(path=rel) or {}).get("sha") for rel in paths}
        )

    def write(self, updates: list[Fields], deletes: list[str], *, wait: float,
              before_commit: Callable[[], None]) -> tuple[int, int] | None:  # fmt: skip
        try:
            options: dict[str, Any] = {"timeout": wait, "compound": False, "codec": _codec()}
            if len(updates) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:  # an import, a pull
                options.update(procs=min(os.cpu_count() or 1, 4), multisegment=True)
            from pmops.search import whoosh_writer  # (Whoosh is loaded: the index is open)

            writer = whoosh_writer.writer(self._index, **options)
        except Exception:
            return None
        try:
            # Delete-then-add by path, with the index as the writer's lock sees it: "not indexed
            # yet" was read before the lock, and another process may have indexed it since. One
            # searcher for the batch (update_document opens a reader per document: 2 ms each).
            with writer.searcher() as current:
                now = {
                    rel: (current.document(path=rel) or {}).get("sha")
                    for rel in [*deletes, *(f["path"] for f in updates)]
                }
                updates = [f for f in updates if now[f["path"]] != f["sha"]]  # indexed meanwhile
                added = sum(now[f["path"]] is None for f in updates)
                deletes = [rel for rel in deletes if now[rel] is not None]
                for rel in [*deletes, *(fields["path"] for fields in updates)]:
                    writer.delete_by_term("path", rel, searcher=current)
            for fields in updates:
                writer.add_document(**fields)
            if updates or deletes:
                before_commit()
                writer.commit()
                whoosh_words.add(self.folder / WORDS, {w for fields in updates for w in whoosh_words.of(fields)})
            else:
                writer.cancel()
        except BaseException:
            writer.cancel()
            raise
        return added, len(updates) - added

    def build(self, folder: Path, documents: Iterable[Fields], count: int) -> None:
        ix = load().index.create_in(str(folder), self.schema())
        # compound=False: separate segment files are memory-mapped when searched; a compound
        # file is copied into memory piece by piece (50 ms per search at 50k documents).
        options: dict[str, Any] = {"limitmb": POOL_MB, "compound": False, "codec": _codec()}
        if count >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
            options.update(procs=min(os.cpu_count() or 1, 4), multisegment=True)
        from pmops.search import whoosh_writer

        writer = whoosh_writer.writer(ix, **options)
        words: set[str] = set()
        try:
            for fields in documents:
                writer.add_document(**fields)
                words.update(whoosh_words.of(fields))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        whoosh_words.write(folder / WORDS, words)

    def search(self, query: str, *, doc_type: str | None, tag: str | None, since: dt.date | None,
               limit: int, archived: bool | None = False, vocabulary: Taxonomy | None = None) -> Found:  # fmt: skip
        word_list = self.folder / WORDS
        return reading(
            self._index,
            lambda searcher: _search(searcher, query, doc_type, tag, since, limit, word_list, archived, vocabulary),
        )


def _codec() -> Codec:
    """The codec the index is written with: Whoosh's W3, with less Python per posting."""
    from pmops.search.whoosh_codec import Codec

    return Codec()


def _search(searcher: Searcher, query: str, doc_type: str | None, tag: str | None, since: dt.date | None,
            limit: int, word_list: Path, archived: bool | None = False,
            vocabulary: Taxonomy | None = None) -> Found:  # fmt: skip
    from pmops.search import whoosh_query

    reader = searcher.reader()
    if tag:
        whoosh_query.check_tag(reader, tag, vocabulary)
    read = whoosh_query.parse(searcher.schema, query, doc_type, tag, since, archived, vocabulary)
    if read.ignored and whoosh_query.nothing(read.words):  # only common words: titles that have them
        titled, total = whoosh_query.titles_with(searcher, read.ignored, read.filters, limit)
        hits = [_hit(stored, score) for stored, score in titled]
        return Found(hits, total, True, None, searcher.doc_count(), None, read.ignored, by_title=True)
    words, parsed = read.words, read.query
    found = searcher.search(parsed, limit=limit + 1)  # one more than shown: whether there are more is sure
    # Whoosh lists equal scores by document number, which each rebuild and catch-up deals out anew: pmops lists
    # them by path. Which of them make the cut takes them all: asked for until the last one asked is past them.
    asked = limit + 1
    while found.scored_length() == asked and found[limit - 1].score == found[asked - 1].score:
        asked *= 2
        found = searcher.search(parsed, limit=asked)
    # The body's words the query matches, prefixes and wildcards expanded (`therm*`). Not
    # Query.existing_terms: Whoosh 2.7's loop there overwrites its field filter.
    stems = {t.decode() if isinstance(t, bytes) else str(t) for leaf in words.leaves() if leaf.field() == "body"
             for _, t in leaf.expanded_terms(reader, phrases=True) if t}  # fmt: skip
    ranked = sorted(((h.fields(), h.score) for h in found), key=lambda f: (-(f[1] or 0.0), f[0]["path"]))
    hits = [_hit(stored, score) for stored, score in ranked[:limit]]
    suggestion = None
    if not hits:
        for written in dict.fromkeys(read.tags):  # nothing found, with tag:aprovals: said as --tag aprovals is
            whoosh_query.check_tag(reader, written, vocabulary, f"tag:{written}")
        for name, written in dict.fromkeys(read.values):  # source:intervew: no document has that source
            whoosh_query.check_value(reader, name, written)
        from pmops.search import spelling

        def finds(text: str) -> bool:
            try:
                return not searcher.search(
                    whoosh_query.parse(searcher.schema, text, doc_type, tag, since, archived, vocabulary).query, limit=1
                ).is_empty()
            except InvalidInput:
                return False

        if searcher.doc_count():  # an empty index knows no word to offer
            suggestion = spelling.did_you_mean(_Lexicon(searcher, word_list), query, finds)
    # Past the limit the total is a floor, said as one ('2 of at least 19 results'): a limited search skips the
    # blocks of postings that cannot reach its top N, so Whoosh's count (which it calls exact) is of the matches
    # it looked at, 19 for 27. Counting them all is a second pass over every match: at 10,000 documents
    # +0.09 s for a word, +0.23 s for a phrase (its positions read), more than a search costs. The floor is the
    # most of: the matches looked at, Whoosh's least estimate, one more than shown ('3 of at least 4' where
    # it had looked at 220 of 5,762 said too little).
    exact = found.scored_length() <= limit
    if exact:
        total = len(hits)
    else:
        looked_at = getattr(found.collector, "total", 0)  # matches it scored before skipping blocks: all match
        total = max(limit + 1, looked_at, len(found) if found.has_exact_length() else found.estimated_min_length())
    from pmops.text import without_accents

    stem = _stemmer()
    # A snippet looks only at the words of its body that start with a matched stem's first letter (folded: a word
    # starting with 'É' may be one), which Porter's stem keeps (snippets.Matched); each is asked once a search,
    # and stemmed (50 words, not 4,000: 5-7 ms).
    firsts = {s[:1] for s in stems}
    matches = (
        snippets.Matched(lambda word: (w := without_accents(word.lower()))[:1] in firsts and stem(w) in stems, firsts)
        if stems
        else None
    )
    return Found(hits, total, exact, suggestion, searcher.doc_count(), matches, read.ignored)


def _hit(stored: dict[str, Any], score: float | None) -> Hit:
    when = stored.get("date")
    return Hit(
        id=stored.get("id") or stored["path"],
        type=stored.get("type", "page"),
        title=stored.get("title") or stored["path"],
        date=when.date() if isinstance(when, dt.datetime) else None,
        path=stored["path"],
        score=float(score or 0.0),
        snippet="",
    )


class _Lexicon:
    """The words of titles and bodies, for did-you-mean (a pmops.search.spelling.Lexicon): those
    of the word list (WORDS) whose stem is in the index (a word of documents since deleted is not)."""

    def __init__(self, searcher: Searcher, words: Path) -> None:
        from whoosh.analysis import STOP_WORDS

        self.reader, self.stem, self.stop_words = searcher.reader(), _stemmer(), STOP_WORDS
        self.words = whoosh_words.read(words)

    def knows(self, word: str) -> bool:
        return any((field, self.stem(word)) in self.reader for field in ("body", "title"))

    def near(self, word: str, edits: int) -> set[str]:
        return {w for w in whoosh_words.within(self.words, word, edits) if self.knows(w)}

    def frequency(self, word: str) -> int:
        return self.reader.doc_frequency("body", self.stem(word))


def reading(ix: FileIndex, read: Callable[[Searcher], T]) -> T:
    """`read(searcher)` on the index's latest generation. Whoosh opens some of a segment's files
    only when first read, and a commit by another process deletes the files of segments it merged
    away: a read that lost its files to a newer generation is run again on that one. Any other
    failure (a damaged file) is the caller's."""
    for attempt in range(READ_ATTEMPTS):
        generation = ix.latest_generation()
        try:
            with ix.searcher() as searcher:
                return read(searcher)
        except PmopsError:
            raise
        except Exception:
            if attempt == READ_ATTEMPTS - 1 or ix.latest_generation() == generation:
                raise
    raise AssertionError("unreachable")


def _text(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


@functools.cache
def _stemmer() -> Callable[[str], str]:
    """The index's stem of a word in lower case (folded, then Porter's: whoosh_analysis.analyzer),
    remembering the words it saw."""
    load()
    from whoosh.lang.porter import stem

    from pmops.text import without_accents

    return functools.lru_cache(maxsize=50_000)(lambda word: stem(without_accents(word)))
