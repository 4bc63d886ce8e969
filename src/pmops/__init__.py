"""pmops: a product team's knowledge base of markdown files, kept in git, searchable."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmops import standins

__version__ = "0.1.0"

# Loaded first, with a stand-in for what they import for one function a command rarely calls
# (pmops.standins): Python 3.11's dataclasses imports inspect (with ast, dis and tokenize: 5 ms, a
# twentieth of a search) only to write a docstring for a class that has none (the classes a search
# loads have theirs: tests/cli/test_search.py holds it; from 3.12 it reads every class's annotations
# through inspect, which then loads with the first); pathlib imports urllib.parse (with ipaddress:
# 1-2 ms) for Path.as_uri (from 3.13 it does so itself, when asked).
with standins.standing_in({"inspect": (), "urllib.parse": ("quote_from_bytes",)}):
    import dataclasses  # noqa: F401
    import pathlib  # noqa: F401

if TYPE_CHECKING:
    from pmops.errors import PmopsError
    from pmops.kb import KnowledgeBase

__all__ = ["KnowledgeBase", "PmopsError", "__version__"]


def __getattr__(name: str) -> Any:
    # Lazy, so `pmops --version` stays fast and imports neither git nor the index.
    if name == "KnowledgeBase":
        from pmops.kb import KnowledgeBase

        return KnowledgeBase
    if name == "PmopsError":
        from pmops.errors import PmopsError

        return PmopsError
    raise AttributeError(name)
