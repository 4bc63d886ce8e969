"""pmops' query language read by Whoosh's parser: date clauses, field names in any case, tags
through the taxonomy (a synonym finds its tag), the words the index leaves out (common words: a
query of only those searches titles), the filters of `--type`/`--tag`/`--since`, and guards for
what Whoosh accepts and then fails on."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from pmops.errors import InvalidInput, PmopsError
from pmops.search.backend import DATES_HINT, QUERY_HINT
from pmops.search.whoosh_backend import load
from pmops.search.whoosh_phrase import phrase_class

if TYPE_CHECKING:
    from whoosh.fields import Schema
    from whoosh.qparser import QueryParser
    from whoosh.qparser.syntax import GroupNode, SyntaxNode
    from whoosh.query import Query
    from whoosh.reading import IndexReader
    from whoosh.searching import Searcher

    from pmops.taxonomy import Taxonomy

_DATE_CLAUSE = r"(?<![\w]){fields}:\s*(\[[^\]]*\]|\S+)"  # a date field's clause (the fields filled in)
_ASKS_ARCHIVED = re.compile(r"(?<![\w])status:\s*archived\b", re.IGNORECASE)
ARCHIVED = "archived"  # pmops.doctypes.ARCHIVED (the search core imports nothing of the registry)
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")
_WORD = re.compile(r"\w+(?:\.?\w+)*")  # a word as the index's tokenizer reads one


class Parsed(NamedTuple):
    """A query as pmops reads it."""

    words: Query  # the words as parsed
    query: Query  # what runs: the words and the options as filters
    ignored: list[str]  # words the index leaves out (common words, one letter), as written, once each
    filters: list[Query]  # the options' filters alone
    tags: list[str]  # the tags of its tag: clauses, as written
    values: list[tuple[str, str]]  # its other FIELD:word clauses (source:interview), as written


def parse(schema: Schema, query: str, doc_type: str | None, tag: str | None, since: dt.date | None,
          archived: bool | None = False, vocabulary: Taxonomy | None = None) -> Parsed:  # fmt: skip
    """The query read: its words, what runs, the words left out, the filters. Archived
    documents (status archived) are filtered out unless `archived` is None (all) or True (only
    them), or the query asks for them (status:archived). With `vocabulary`, `tag:` and --tag
    read a synonym or a deprecated tag as the tag it stands for, and a plain word that is one
    also finds the documents with that tag."""
    wq = load().query
    dated = [name for name, kind in schema.items() if type(kind).__name__ == "DATETIME"]
    text, clauses = _compact_dates(query, dated or ["date"])
    text = _lower_fields(text)
    words_plugin = _Words(schema, vocabulary)
    reader = parser(schema, text)
    reader.add_plugin(words_plugin)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            words = reader.parse(text)
    except _BadDate as bad:
        written = next((c for start, end, c in clauses if bad.at is not None and start <= bad.at < end), bad.written)
        message = f"cannot understand the query: '{_clip(written)}' is not a date"
        raise InvalidInput(message, hint=DATES_HINT) from None
    except PmopsError:
        raise
    except Exception:
        raise InvalidInput("cannot understand the query", hint=QUERY_HINT) from None
    filters = []
    if doc_type:
        filters.append(wq.Term("type", doc_type.lower()))
    if tag:
        filters.append(wq.Term("tags", canonical(tag, vocabulary)))
    if since:
        filters.append(wq.DateRange("date", dt.datetime.combine(since, dt.time()), None))
    if archived is False and _ASKS_ARCHIVED.search(query):
        archived = None
    if archived is not None and "status" in schema:
        only = wq.Term("status", ARCHIVED)
        filters.append(only if archived else wq.Not(only))
    ignored = list({w.casefold(): w for w in words_plugin.ignored}.values())
    return Parsed(
        words, wq.And([words, *filters]) if filters else words, ignored, filters, words_plugin.tags, words_plugin.values
    )


def canonical(tag: str, vocabulary: Taxonomy | None) -> str:
    """A tag as the index holds it: normalised, and the tag a synonym or deprecated tag stands for."""
    from pmops import taxonomy

    tag = taxonomy.normalise(tag)
    return vocabulary.canonical(tag) if vocabulary is not None else tag


def check_tag(reader: IndexReader, tag: str, vocabulary: Taxonomy | None, said: str = "--tag") -> None:
    """--tag (or a query's tag: clause, `said` as written) names a tag of the taxonomy (or a synonym
    of one) or of some document: else exit 2 with the nearest."""
    from pmops.text import did_you_mean

    wanted = canonical(tag, vocabulary)
    known = set(vocabulary.tags) | set(vocabulary.synonyms) | set(vocabulary.deprecated) if vocabulary else set()
    if wanted in known or _live(reader, "tags", wanted):
        return
    hint = did_you_mean(tag, sorted(known | set(_values(reader, "tags")))) or "'pmops tags' lists them"
    raise InvalidInput(f"{said}: no tag '{tag}' in the taxonomy or on any document", hint=hint)


def check_value(reader: IndexReader, name: str, text: str) -> None:
    """A FIELD:word clause of a field holding whole values (source, segment, status, type …) names
    a value some document has: else exit 2 with the nearest (said when a search found nothing)."""
    from pmops.text import did_you_mean

    field = reader.schema[name] if name in reader.schema.names() else None
    if type(field).__name__ not in ("ID", "KEYWORD"):
        return  # words of a text: any word may be searched
    if all(_live(reader, name, term) for term in list(field.process_text(text, mode="query")) or [text]):
        return
    used = _values(reader, name)
    hint = did_you_mean(text, used) or (f"{name}: {', '.join(used[:8])}" if used else None)
    raise InvalidInput(f"{name}:{text}: no document has the {name} '{text}'", hint=hint)


def _live(reader: IndexReader, name: str, term: str | bytes) -> bool:
    """Whether a document the index holds has `term` in its field `name`. Not `(name, term) in
    reader` alone: a document deleted (changed, removed) leaves its terms in Whoosh's lexicon
    until its segment is merged away, so a tag renamed everywhere would still count."""
    return (name, term) in reader and reader.postings(name, term).is_active()


def _values(reader: IndexReader, name: str) -> list[str]:
    """The values the documents hold in a field (its live terms), sorted; none for a field it has not."""
    if name not in reader.schema.names():
        return []
    return sorted(
        {t.decode() if isinstance(t, bytes) else str(t) for t in reader.lexicon(name) if _live(reader, name, t)}
    )


def nothing(words: Query) -> bool:
    """Whether the words leave nothing to search (every word one the index leaves out)."""
    return type(words).__name__ == "_NullQuery"


def titles_with(
    searcher: Searcher, words: list[str], filters: list[Query], limit: int
) -> tuple[list[tuple[dict, float]], int]:
    """The documents within `filters` whose title has every one of `words` (which the index
    leaves out: only titles are read), those that have them in that order first, then the
    newest: ([(stored fields, score)], how many in all). For a query made only of common words."""
    wq = load().query
    wanted = [w.casefold() for w in words]
    query = wq.And(filters) if filters else wq.Every()
    found = []
    for docnum in searcher.docs_for_query(query):
        stored = searcher.stored_fields(docnum)
        title = [w.casefold() for w in _WORD.findall(str(stored.get("title") or ""))]
        if not set(wanted) <= set(title):
            continue
        in_order = any(title[i : i + len(wanted)] == wanted for i in range(len(title) - len(wanted) + 1))
        found.append((stored, 2.0 if in_order else 1.0))
    found.sort(key=lambda f: (-f[1], -(f[0].get("date") or dt.datetime.min).toordinal(), str(f[0].get("title")),
                              f[0]["path"]))  # fmt: skip
    return found[:limit], len(found)


def parser(schema: Schema, text: str = "") -> QueryParser:
    """Whoosh's parser as pmops reads queries (`text`: what it will parse, for messages)."""
    qp = load().qparser
    # Plain words search the title and the body, which also holds every text field but
    # `author` (reached with author:…): one posting list per field and word to read.
    parser = qp.MultifieldParser(["title", "body"], schema, group=qp.AndGroup, phraseclass=phrase_class())
    dated = "|".join(name for name, kind in schema.items() if type(kind).__name__ == "DATETIME")
    if not text or (dated and re.search(rf"(?<!\w)(?:{dated}):", text)):
        # Whoosh's date plugin compiles its English date grammar (2-5 ms of a search): only for a date field.
        parser.add_plugin(_dates()(free=False))
    parser.add_plugin(_gtlt()())
    parser.add_plugin(qp.FieldAliasPlugin({"tags": ["tag"]}))
    parser.add_plugin(_Guards(schema, text))
    return parser


class _BadDate(Exception):
    """A date the query parser cannot read; `at` is where it starts in the parsed text."""

    def __init__(self, node: SyntaxNode) -> None:
        super().__init__()
        self.at = getattr(node, "startchar", None)
        value = getattr(node, "text", None) or " to ".join(
            filter(None, (getattr(node, n, None) for n in ("start", "end")))
        )
        self.written = f"{getattr(node, 'fieldname', None) or 'date'}:{value}"


@functools.cache
def _dates() -> type:
    """Whoosh's date plugin, mended: a date it cannot read raises _BadDate (Whoosh drops that clause
    and searches the rest: `thermal date:2026-13` would find every thermal document, and
    `date:[nonsense to]` fails inside Whoosh)."""
    import whoosh.qparser.dateparse as dateparse

    class Dates(dateparse.DateParserPlugin):
        def errorize(self, message: str, node: SyntaxNode) -> SyntaxNode:
            raise _BadDate(node)

        def text_to_dt(self, node: SyntaxNode) -> SyntaxNode:
            try:
                return super().text_to_dt(node)
            except _BadDate:
                raise
            except Exception:
                raise _BadDate(node) from None

        def range_to_dt(self, node: SyntaxNode) -> SyntaxNode:
            try:
                found = super().range_to_dt(node)
                # Whoosh drops a bound's exclusion (`>` read as `>=`, `<` as `<=`): `date:>2026-11-26` is
                # after that day, `date:<2026-11` before that month began, as people read them (>= and <= hold it).
                if isinstance(found, dateparse.DateRangeNode):
                    if node.start and node.startexcl:
                        found.start = self._span(node.start)[1] + dt.timedelta(microseconds=1)
                    if node.end and node.endexcl:
                        found.end = self._span(node.end)[0] - dt.timedelta(microseconds=1)
                return found
            except _BadDate:
                raise
            except Exception:
                raise _BadDate(node) from None

        def _span(self, text: str) -> tuple[dt.datetime, dt.datetime]:
            """The first and last moment of the day, month or year a bound names."""
            found = self.dateparser.get_parser().date_from(text, self.basedate).disambiguated(self.basedate)
            if isinstance(found, dateparse.timespan):
                return found.start, found.end
            if isinstance(found, dateparse.adatetime):
                return found.floor(), found.ceil()
            return found, found

    return Dates


@functools.cache
def _gtlt() -> type:
    """Whoosh's `<`/`>` plugin, mended: a query that opens with `<` or `>` no longer reads the node
    before it from an empty list."""
    qp = load().qparser

    class GtLt(qp.GtLtPlugin):
        def do_gtlt(self, parser: QueryParser, group: GroupNode) -> GroupNode:
            # A sign with no field before it is dropped, as Whoosh does anywhere but first.
            first = next((i for i, n in enumerate(group.nodes) if not isinstance(n, self.GtLtNode)), len(group.nodes))
            if first:
                rest, group = group.nodes[first:], group.empty_copy()
                group.extend(rest)
            return super().do_gtlt(parser, group)

    return GtLt


class _Words:
    """A query-parser plugin for the words of a query, before they are searched in titles and
    bodies: those the index leaves out (common words such as 'the', one letter) are noted in
    `ignored`; with a vocabulary, a `tag:` clause is read as its canonical tag, and a plain word
    that is a synonym (perf) also finds the documents with its tag (tags:performance)."""

    def __init__(self, schema: Schema, vocabulary: Taxonomy | None) -> None:
        self.text_field = dict(schema.items()).get("title")
        self.vocabulary = vocabulary
        self.ignored: list[str] = []
        self.tags: list[str] = []
        self.values: list[tuple[str, str]] = []

    def taggers(self, parser: QueryParser) -> list:
        return []

    def filters(self, parser: QueryParser) -> list:
        # After field names are applied (100), before plain words are given title and body (110).
        return [(self.read, 105)]

    def left_out(self, word: str) -> bool:
        return self.text_field is not None and not list(self.text_field.process_text(word, mode="query"))

    def read(self, parser: QueryParser, group: GroupNode) -> GroupNode:
        from whoosh.qparser import syntax

        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self.read(parser, node)
                continue
            name, text = getattr(node, "fieldname", None), getattr(node, "text", None)
            if not isinstance(text, str) or type(node).__name__ not in ("WordNode", "PhraseNode"):
                continue  # a wildcard, a range, a date
            if name == "tags":
                if isinstance(node, syntax.WordNode):
                    self.tags.append(text)
                node.text = canonical(text, self.vocabulary)
            elif name is not None:
                if isinstance(node, syntax.WordNode):
                    self.values.append((name, text))
            elif name is None:
                self.ignored += [w for w in _WORD.findall(text) if self.left_out(w)]
                tag = canonical(text, self.vocabulary) if isinstance(node, syntax.WordNode) else ""
                if self.vocabulary is not None and tag and tag != canonical(text, None):
                    also = syntax.WordNode(tag)
                    also.set_fieldname("tags")
                    also.startchar, also.endchar = node.startchar, node.endchar  # Whoosh sets them on its query
                    group[i] = syntax.OrGroup([node, also])
        return group


class _Guards:
    """A query-parser plugin for what Whoosh accepts, then fails on. Refused while parsing,
    saying what is wrong: a boost of 0 (`file^0`, or one too small for a float) divides by
    zero while searching; a field that is stored but not indexed (`sha:`) has no words to
    search. Mended: a NOT with nothing left to negate (`NOT NOT paper`) is dropped, as a NOT
    at the end is, where Whoosh would read the first of its no words."""

    def __init__(self, schema: Schema, text: str) -> None:
        self.schema, self.text = schema, text

    def taggers(self, parser: QueryParser) -> list:
        return []

    def filters(self, parser: QueryParser) -> list:
        # After field names are applied (100), before boosts are (510); after operators (600).
        return [(self.refuse, 505), (self.drop_empty, 650)]

    def drop_empty(self, parser: QueryParser, group: GroupNode) -> GroupNode:
        from whoosh.qparser.syntax import Wrapper

        for node in [group, *(node for node, _ in _nodes(group) if hasattr(node, "nodes"))]:
            node.nodes = [n for n in node.nodes if not (isinstance(n, Wrapper) and not n.nodes)]
        return group

    def refuse(self, parser: QueryParser, group: GroupNode) -> GroupNode:
        for node, before in _nodes(group):
            if type(node).__name__ == "BoostNode" and not (math.isfinite(node.boost) and node.boost > 0):
                start = getattr(before, "startchar", None)
                if start is not None and hasattr(before, "nodes") and self.text[:start].rstrip().endswith("("):
                    start = self.text.rindex("(", 0, start)  # a group starts at its first word
                end = node.endchar
                written = _clip(self.text[start:end] if start is not None and end else node.original)
                problem = "is too large" if node.boost > 0 else "is not above 0"
                raise InvalidInput(f"cannot understand the query: the boost in '{written}' {problem}",
                                   hint="weigh a word more with word^2, or leave the ^ out")  # fmt: skip
            name = getattr(node, "fieldname", None)
            if name in self.schema and self.schema[name].format is None:
                raise InvalidInput(f"cannot understand the query: '{name}:' is kept for pmops and cannot be searched",
                                   hint="search words, or fields such as title:, tag:, type:, author:, date:")  # fmt: skip
        return group


def _nodes(group: GroupNode, before: SyntaxNode | None = None) -> Iterator[tuple[Any, Any]]:
    """Every node under `group`, with the node before it in its group."""
    for node in group:
        yield node, before
        if hasattr(node, "nodes"):
            yield from _nodes(node)
        before = node


def _compact_dates(query: str, fields: list[str]) -> tuple[str, list[tuple[int, int, str]]]:
    """The query with each date field's clause (date:, last_reviewed:, …) written with its ISO days
    as Whoosh's date parser reads them (2026-03-14 -> 20260314), and where each clause now is,
    with what the user wrote."""
    pattern = re.compile(_DATE_CLAUSE.format(fields="(" + "|".join(map(re.escape, fields)) + ")"), re.IGNORECASE)
    out, clauses, at = [], [], 0
    for m in pattern.finditer(query):
        out.append(query[at : m.start()])
        compact = f"{m.group(1)}:" + _ISO_DAY.sub(lambda d: "".join(g or "" for g in d.groups()), m.group(2))
        start = sum(map(len, out))
        clauses.append((start, start + len(compact), m.group()))
        out.append(compact)
        at = m.end()
    out.append(query[at:])
    return "".join(out), clauses


def _clip(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _lower_fields(query: str) -> str:
    """Field names are case-insensitive (`Tag:Pricing`), operators (AND, OR, NOT) are not."""
    return re.sub(r"\b([A-Za-z_]+):", lambda m: m.group(1).lower() + ":", query)
