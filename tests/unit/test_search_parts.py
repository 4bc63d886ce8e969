"""The parts of pmops.search that know no search engine, each through its public functions."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmops.search import snippets, spelling
from pmops.search.results import HIT_END, HIT_START, Hit, Results, Sync


def test_the_search_core_loads_neither_whoosh_nor_the_knowledge_base() -> None:
    """Only the backend imports Whoosh, and only when it searches; the core sits below kb."""
    core = ["index", "freshness", "fields", "folders", "backend", "results", "snippets", "spelling", "client"]
    code = (
        "import sys\n"
        + "".join(f"import pmops.search.{name}\n" for name in core)
        + "print(sorted(m for m in sys.modules if m.split('.')[0] == 'whoosh' or m == 'pmops.kb'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_whoosh_loads_without_the_modules_whose_one_function_pmops_never_calls(tmp_path: Path) -> None:
    """The modules of whoosh_backend.UNCALLED are not loaded with Whoosh (a search's start-up), and
    what Whoosh took from them still works: used, it loads the real module."""
    (tmp_path / "from.txt").write_text("copied")
    uncalled = ("urllib.request", "whoosh.lang.morph_en", "html", "tempfile", "shutil", "random", "calendar", "queue")
    code = (
        "import sys, io, os\n"
        "from pmops.search.whoosh_backend import load\n"
        "load()\n"
        f"print([m for m in {uncalled!r} if m in sys.modules])\n"
        "from whoosh.compat import urlretrieve, htmlescape\n"
        "from whoosh.query.terms import variations\n"
        "from whoosh.filedb import compound, filestore\n"
        "from whoosh.util import random_name\n"
        f"urlretrieve({(tmp_path / 'from.txt').as_uri()!r}, {str(tmp_path / 'to.txt')!r})\n"
        "print(sorted(variations('approvals'))[:3])\n"
        "print(htmlescape('<b>'), len(random_name()), os.path.isdir(filestore.tempfile.gettempdir()))\n"
        "out = io.BytesIO(); compound.copyfileobj(io.BytesIO(b'abc'), out); print(out.getvalue())\n"
        "from whoosh.util import times\n"
        "from whoosh.compat import queue\n"
        "print(times.calendar.monthrange(2028, 2)[1], queue.Queue().empty())\n"
        f"print([m for m in {uncalled!r} if m not in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "[]",
        "['approval', 'approvals']",
        "&lt;b&gt; 28 True",
        "b'abc'",
        "29 True",
        "[]",
    ]
    assert (tmp_path / "to.txt").read_text() == "copied"


class Words:
    """A Lexicon of a few words (as a backend gives it: analysed words, plus the written ones)."""

    stop_words = frozenset({"the", "and", "for"})

    def __init__(self, documents: dict[str, int]) -> None:
        self.documents = documents  # word -> how many documents have it

    def knows(self, word: str) -> bool:
        return word in self.documents

    def near(self, word: str, edits: int) -> set[str]:
        return {w for w in self.documents if _distance(w, word) <= edits}

    def frequency(self, word: str) -> int:
        return self.documents.get(word, 0)


def _distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def test_did_you_mean_prefers_fewer_edits_then_the_first_letter_then_more_documents() -> None:
    words = Words({"paper": 2, "pair": 9, "paid": 1, "per": 50, "thermal": 3, "taper": 40})  # "per": two edits
    assert spelling.did_you_mean(words, "papr", lambda _: True) == "pair"  # one edit each; "pair": in more documents
    assert spelling.did_you_mean(words, "paiz", lambda _: True) == "pair"  # "paid" too, in fewer documents
    assert spelling.did_you_mean(Words({"amount": 2, "account": 9}), "acount", lambda _: True) == "account"  # longer
    assert spelling.did_you_mean(Words({"cat": 1, "bot": 50}), "cot", lambda _: True) == "cat"  # first letter kept
    assert spelling.did_you_mean(words, "thermal papr", lambda q: q == "thermal paper") == "thermal paper"
    assert spelling.did_you_mean(words, "Thermall", lambda _: True) == "Thermal"  # its capital kept
    assert spelling.did_you_mean(Words({"how": 1}), "foo", lambda _: True) is None  # 2 of 3 letters: not meant
    assert spelling.did_you_mean(Words({"paper": 1}), "papre", lambda _: True) == "paper"  # 5 letters: two edits
    # a field's value is kept, quoted or a range too (date:"5 Nov 2026" offered date:"5 Now 2026")
    assert spelling.did_you_mean(Words({"now": 5, "papr": 1}), 'date:"5 Nov 2026"', lambda _: True) is None
    assert spelling.did_you_mean(Words({"now": 5}), "date:[Nov to Dec]", lambda _: True) is None
    assert (
        spelling.did_you_mean(Words({"now": 5, "paper": 1}), 'date:"Nov 5" papr', lambda _: True)
        == 'date:"Nov 5" paper'
    )
    assert spelling.did_you_mean(words, "thermal paper", lambda _: True) is None  # every word known


@pytest.mark.parametrize("query", ["tag:papr", "papr*", "papr:x", "the", "NOT", "pa"])
def test_did_you_mean_leaves_fields_prefixes_operators_and_stop_words_alone(query: str) -> None:
    assert spelling.did_you_mean(Words({"paper": 1, "not": 1, "pal": 1}), query, lambda _: True) is None


def test_a_snippet_marks_the_matched_words_around_them() -> None:
    text = "Field staff photograph crumpled thermal receipts. " + "Nothing here. " * 30 + "More thermal paper."
    shown = snippets.snippet(text, snippets.Matched(lambda word: word.lower() == "thermal", "t"))
    assert shown.count(HIT_START) == shown.count(HIT_END) == 2
    assert f"{HIT_START}thermal{HIT_END} receipts" in shown and " … " in shown
    assert snippets.snippet(text, None) == ""  # the query matched no word of the body


WORDY = ["e.g.", "a.b", "..", ". ", "_x", "x_", "İstanbul", "\u212aelvin", "Ünïcode", "ß", "straße", "42", "4.2", "—",
         "…", "thermal", "Thermal", "THERMAL", "tHerm", "h", "mal", "the", "t", "é", "É", "\n", " ", "-", "'"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDY) | st.text(max_size=3), max_size=40).map("".join),
       st.sets(st.sampled_from(["t", "h", "i", "k", "ü", "s", "4", "_", "é", "x", "."]), max_size=4))  # fmt: skip
def test_the_matched_words_are_found_as_among_every_word(text: str, firsts: set[str]) -> None:
    """Looking only at the words that can start with one of `firsts` finds what asking every word
    finds, wherever a word begins or ends (dots, underscores, accents, Unicode's lower case)."""

    def accepts(word: str) -> bool:
        return word.lower()[:1] in firsts and len(word) % 3 != 1  # any test, of those words only

    every = [m.span() for m in snippets.WORD.finditer(text) if accepts(m.group())]
    assert snippets.Matched(accepts, firsts).spans(text) == every
    assert snippets.Matched(accepts).spans(text) == every


def test_a_body_reads_as_a_reader_sees_it() -> None:
    body = "## Context\n<!-- hidden -->See [the **plan**](plan.md) and <https://x.org>.\n|a|b|\n|---|---|\n"
    assert " ".join(snippets.readable_body(body).split()) == "Context: See the plan and https://x.org. a b"


def test_a_crlf_body_reads_as_its_lf_twin() -> None:
    """A file saved with Windows line ends: its headings end with a colon, its table rules go."""
    body = "## Context\nSee the plan.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    assert snippets.readable_body(body.replace("\n", "\r\n")) == snippets.readable_body(body)
    assert " ".join(snippets.readable_body(body).split()) == "Context: See the plan. a b 1 2"


def test_a_body_loses_its_emphasis_marks_and_keeps_words_with_underscores() -> None:
    body = "**Bold**, *it*, ***both***, `code`, ``two``, __under__ and _one_; snake_case_name x__y ___ a_ _b"
    assert snippets.readable_body(body) == "Bold, it, both, code, two, under and one; snake_case_name x__y  a b"


MARKDOWN = ["[a](b.md)", "![x](y.png)", "<b>", "</div>", "<https://x.org>", "<a@b.org>", "{{ x }}", "{% y %}",
            "|a|b|\n", "|---|:-:|\n", "## H\n", "# T #\n", "> ", "- ", "1. ", "- [x] ", "**", "*", "`", "_", "__",
            "&amp;", "&#8217;", "<!-- c -->", "\n", "\r\n", " ", "word", ".", ":"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(MARKDOWN) | st.text(alphabet="ab _*`#|-:<>[](){}%!&;\n", max_size=4), max_size=30)
       .map("".join))  # fmt: skip
def test_a_body_reads_the_same_whichever_patterns_its_characters_let_it_skip(body: str) -> None:
    """readable_body tries a pattern only on a body with a character every match of it holds: the
    same text as every pattern tried, in order, on every body."""
    import html

    from pmops import bodies

    s = snippets
    import unicodedata

    text = s._TEMPLATE.sub("", bodies.without_comments(unicodedata.normalize("NFC", body.replace("\r\n", "\n"))))
    text = s._TAG.sub(" ", s._AUTOLINK.sub(r"\1", s._LINK.sub(r"\1", text)))
    text = s._TABLE_RULE.sub("", text).replace("|", " ")
    text = s._HEADING.sub(lambda m: m.group(1) + ("" if m.group(1)[-1:] in ".:?!" else ":"), text)
    assert s.readable_body(body) == html.unescape(s._EMPHASIS.sub("", s._LINE_MARKER.sub("", text)))


def test_results_cross_the_wire_unchanged_and_malformed_ones_do_not() -> None:
    hit = Hit("ins-1", "insight", "Thermal paper", dt.date(2026, 1, 20), "insights/a.md", 1.5, f"{HIT_START}x{HIT_END}")
    results = Results([hit], 3, "thermal", None, Sync(added=1, documents=9, problems={"b.md": "binary"}), exact=False)
    assert Results.from_wire(results.to_wire()) == results
    wire = results.to_wire()
    assert Results.from_wire({**wire, "total": "3"}) is None
    assert Results.from_wire({**wire, "hits": [{**wire["hits"][0], "score": True}]}) is None
    assert Results.from_wire({k: v for k, v in wire.items() if k != "sync"}) is None
    common = Results([hit], 1, "the", None, Sync(documents=9), ignored=["the"], by_title=True)
    assert Results.from_wire(common.to_wire()) == common
    assert Results.from_wire({**common.to_wire(), "ignored": "the"}) is None
    assert Results.from_wire({**common.to_wire(), "by_title": 1}) is None


def test_a_snippet_never_repeats_text_when_passages_touch() -> None:
    """Two chosen passages, the first one's context reaching the second one's first word: shown
    as one passage (each piece is a piece of the text), not with that stretch written twice."""
    from pmops.search.results import HIT_END, HIT_START
    from pmops.search.snippets import Matched, snippet

    text = "Teams live in Slack, so the approval should meet them there; a digest email is ignored. " + (
        "Later the approval came through the approval flow and more approval text follows here to pad. " * 3
    )
    shown = snippet(text, Matched(lambda word: word.lower().startswith("approv"), "a"))
    pieces = shown.replace(HIT_START, "").replace(HIT_END, "").split(" … ")
    assert shown and all(piece.strip() in text for piece in pieces), shown
