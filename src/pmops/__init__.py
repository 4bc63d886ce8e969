"""pmops: a product team's knowledge base of markdown files, kept in git, searchable."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmops import standins

__version__ = "0.1.0"

# dataclasses imports inspect (with ast, dis and tokenize: 5 ms, a twentieth of a search) only to
# write a docstring for a class that has none: the classes a search loads have theirs (a test in
# tests/cli/test_search_line.py holds it); another class loads inspect then (pmops.standins).
with standins.standing_in({"inspect": ()}):
    import dataclasses  # noqa: F401

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
