"""A phrase matched by sets of positions (pmops.search.whoosh_phrase) finds what Whoosh's Phrase finds: the
same documents, scores and spans, on a real Whoosh index of random texts with few words (so that words
repeat and phrases match often)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmops.search.whoosh_backend import load
from pmops.search.whoosh_phrase import phrase_class
from tests.conftest import examples

WORDS = ["alpha", "bravo", "charlie", "delta", "echo"]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):
    whoosh = load()
    from whoosh.analysis import StemmingAnalyzer

    from pmops.search.whoosh_analysis import text_field

    schema = whoosh.fields.Schema(n=whoosh.fields.ID(stored=True), body=text_field(StemmingAnalyzer()),
                                  plain=whoosh.fields.TEXT())  # fmt: skip
    ix = whoosh.index.create_in(str(tmp_path_factory.mktemp("phrase")), schema)
    rng = random.Random(7)
    with ix.writer() as writer:
        for n in range(400):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 30)))
            writer.add_document(n=str(n), body=text, plain=text)
    return ix


def _found(ix, query) -> tuple[list[tuple[str, float]], list[tuple[int, list[tuple[int, int]]]]]:
    """The hits (document, score) best first, and each matching document's spans."""
    with ix.searcher() as searcher:
        hits = [(h["n"], round(h.score, 9)) for h in searcher.search(query, limit=None)]
        spans = []
        matcher = query.matcher(searcher)
        while matcher.is_active():
            spans.append((matcher.id(), [(s.start, s.end) for s in matcher.spans()]))
            matcher.next()
    return hits, spans


def _both(ix, fieldname: str, words: list[str], **options):
    from whoosh.query import Phrase

    return _found(ix, Phrase(fieldname, words, **options)), _found(ix, phrase_class()(fieldname, words, **options))


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=2, max_size=4), st.sampled_from(["body", "plain"]))
def test_the_same_documents_scores_and_spans_as_whooshs_phrase(index, words: list[str], fieldname: str) -> None:
    whooshs, ours = _both(index, fieldname, words)
    assert ours == whooshs


@pytest.mark.parametrize(
    "words, options",
    [
        (["alpha", "alpha"], {}),  # a word twice: positions overlap
        (["alpha", "bravo", "alpha"], {}),
        (["alpha", "zulu"], {}),  # a word no document has
        (["alpha", "bravo"], {"boost": 2.5}),
        (["alpha", "bravo"], {"slop": 3}),  # "…"~3: Whoosh's own matcher
    ],
)
def test_what_whoosh_does_with_repeats_missing_words_boosts_and_slop(index, words, options) -> None:
    whooshs, ours = _both(index, "body", words, **options)
    assert ours == whooshs
    if words != ["alpha", "zulu"]:
        assert whooshs[0], "the case finds something"


def test_the_parser_makes_phrases_of_this_class(tmp_path: Path) -> None:
    from pmops.search.whoosh_query import parser

    whoosh = load()
    schema = whoosh.fields.Schema(title=whoosh.fields.TEXT(), body=whoosh.fields.TEXT())
    parsed = parser(schema, '"per seat" pricing').parse('"per seat" pricing')
    phrases = [q for q in parsed.leaves() if type(q).__name__ == "AdjacentPhrase"]
    assert {q.fieldname for q in phrases} == {"title", "body"}
