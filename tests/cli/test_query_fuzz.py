"""Random queries at `pmops search`: an answer (exit 0) or one line saying what is wrong (exit 2),
quickly, and never a traceback or a rebuild of the index."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import examples

FIELDS = ["tag:", "tags:", "Tag:", "type:", "date:", "title:", "body:", "author:", "customer:", "segment:",
          "area:", "source:", "path:", "id:", "sha:", "pairs:", "nosuch:", "x:", "*:", ":"]  # fmt: skip
SYNTAX = ["AND", "OR", "NOT", "and", "or", "not", "+", "-", "^", "^0", "^0.0", "^2", "^-1", "^.5", "^1e400",
          "~", "~2", "~0", "*", "?", '"', "'", "(", ")", "[", "]", "{", "}", "to", "TO", ">", "<", ">=", "<=",
          "=", "\\", "/", ",", "."]  # fmt: skip
VALUES = ["thermal", "paper", "pricing", "per seat", "churn-risk", "insight", "page", "2026", "2026-03",
          "2026-03-14", "20260314", "9999-99-99", "0000-00-00", "2026-02-30", "yesterday", "nonsense", "0",
          "-1", "1e999", "é", "日本語", "🧾", "\u200b", "e\u0301", "עברית", "\t", "\n"]  # fmt: skip
_argv_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=12)
_piece = st.one_of(st.sampled_from(FIELDS + SYNTAX + VALUES), _argv_text)
_query = st.one_of(
    st.tuples(st.lists(_piece, min_size=1, max_size=12), st.sampled_from(["", " "])).map(lambda t: t[1].join(t[0])),
    st.tuples(st.lists(st.sampled_from(FIELDS + SYNTAX + VALUES), min_size=1, max_size=3), st.integers(900, 1100)).map(
        lambda t: (" ".join(t[0]) * 1100).encode()[: t[1]].decode(errors="ignore")
    ),  # about the 1 KB limit
)


@pytest.mark.heavy
def test_any_query_is_answered_or_refused_in_one_line(pmops, example_kb: Path) -> None:
    pmops("index")
    index_dir = example_kb / ".git" / "pmops" / "index"
    built = os.stat(index_dir).st_ino

    def hung(signum, frame) -> None:
        raise TimeoutError("the search hung")

    @settings(max_examples=examples(30), deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(query=_query)
    def search(query: str) -> None:
        start = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, 10)  # a hang fails the example
        try:
            result = pmops("search", "--json", "--", query, code=None)  # an exception but an exit fails here
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        assert time.monotonic() - start < 10, f"{query!r} took {time.monotonic() - start:.1f} s"
        assert result.exit_code in (0, 2), f"{query!r}: exit {result.exit_code}\n{result.stderr}"
        if result.exit_code == 2:
            lines = result.stderr.splitlines()
            assert result.stdout == "" and lines[0].startswith("error: "), f"{query!r}: {result.stderr}"
            assert len(lines) == 1 or (len(lines) == 2 and lines[1].startswith("hint: ")), f"{query!r}: {result.stderr}"
        assert os.stat(index_dir).st_ino == built, f"{query!r} rebuilt the index"

    previous = signal.signal(signal.SIGALRM, hung)
    try:
        search()
    finally:
        signal.signal(signal.SIGALRM, previous)
