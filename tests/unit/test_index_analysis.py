"""The index's fast analysis gives exactly the terms, positions and weights of Whoosh's own chain
(whoosh_analysis.analyzer: StemmingAnalyzer's, each word folded after its lower case)."""

from __future__ import annotations

import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Whoosh 2.7 predates Python 3.12's escape warnings
    from whoosh import fields
    from whoosh.analysis import StemmingAnalyzer

from pmops.search.whoosh_analysis import FastPositions, analyzer, text_field
from pmops.text import without_accents

TEXTS = [
    "",
    "   \n\t",
    "The approval workflow stalls on Fridays.",
    "a I the of to",  # nothing but stop words and one-letter words
    "The the THE approvals APPROVAL workflow. Is it? a b c d e f g",
    "U.S.A. e.g. 3.14 foo_bar x1.y2 İstanbul ÉCOLE naïve straße STRASSE ﬁne ǅemal Ω ω",
    "Café owners in Zürich want José's résumé; the cafe\u0301 in Malmo\u0308, ¼ ² Ångström coöperative",
    "## What we heard\n\n- [x] **Receipts** get lost; `code` and [a link](https://example.org/x).\n",
    "Cost of living adjustments were approved, then approval workflow, approval workflow again.",
]


def whoosh_terms(field: fields.FieldType, text: str) -> list:
    return sorted(field.index(text))


def check(text: str) -> None:
    ours = text_field(analyzer(), field_boost=3.0)
    theirs = fields.TEXT(analyzer=analyzer(), field_boost=3.0)
    assert isinstance(ours.format, FastPositions) and ours.format.postings(text, ours.analyzer) is not None
    assert whoosh_terms(ours, text) == whoosh_terms(theirs, text), text


def test_the_fast_path_gives_whooshs_terms() -> None:
    for text in TEXTS:
        check(text)


@settings(max_examples=100, deadline=None, database=None)
@given(st.text(st.sampled_from("aAbB zZ.,_-İıßé1'\n\tŉǅ\u0301日"), max_size=40))
def test_the_fast_path_gives_whooshs_terms_for_any_text(text: str) -> None:
    check(text)


def test_another_analyser_or_a_query_goes_through_whoosh() -> None:
    from whoosh.analysis import StandardAnalyzer

    field = fields.TEXT(analyzer=StandardAnalyzer())  # no stemmer: not the fast path's analyser
    field.format = FastPositions()
    assert [t[0] for t in sorted(field.index("The approvals"))] == [b"approvals"]
    field = text_field(StemmingAnalyzer())  # Whoosh's own, without the folding: not the fast path's either
    assert field.format.postings("The approvals", field.analyzer) is None
    field = text_field(analyzer())
    assert [t.text for t in field.analyzer("The Approvals Café", mode="query")] == ["approv", "cafe"]


def test_a_word_is_found_with_or_without_its_accents() -> None:
    """`cafe` finds "Café" and `José` finds "Jose": the index and the query both fold."""
    field = text_field(analyzer())
    import unicodedata

    written = "Café Zoë José résumé naïve İstanbul Ångström ﬁnance København Ærø Łódź Größe ılık"
    plain = [t[0] for t in sorted(field.index("cafe zoe jose resume naive istanbul angstrom finance "
                                              "kobenhavn aero lodz grosse ilik"))]  # fmt: skip
    assert [t[0] for t in sorted(field.index(written))] == plain
    assert [t[0] for t in sorted(field.index(unicodedata.normalize("NFD", written)))] == plain  # as macOS writes it
    assert [t.text for t in field.analyzer(unicodedata.normalize("NFD", "Résumé"), mode="query")] == ["resum"]
    assert [without_accents(w) for w in ("café", "straße", "ǆ", "abc", "")] == ["cafe", "strasse", "dz", "abc", ""]


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(st.sampled_from("aeiouybcdlmnrstgzY İıßé'"), min_size=1, max_size=12))
def test_porters_stem_keeps_a_words_first_letter(word: str) -> None:
    """What a snippet's matching relies on (search.whoosh_backend: a word is stemmed only when a matched stem
    starts with its first letter)."""
    from whoosh.lang.porter import stem

    for written in (word, word.lower(), "ies", "eed", "ing", "yes", "yyy", "sses", "ational", "ies" + word):
        assert stem(written)[:1] == written[:1], written
