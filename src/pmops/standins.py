"""Stand-ins for modules loaded at start-up for a function a command rarely or never calls.

Python's dataclasses and Whoosh import some modules for one function each (a docstring for a class
without one, a download helper, an HTML highlighter); loading them was about a tenth of a search
(docs/performance.md). While such an importer loads, a stand-in takes the place of each of those
modules not loaded yet: the importer keeps it, and the first name read of it loads the real module.
A function the importer takes by name (`from html import escape`) is a stand-in's function that
forwards to the real one. Whoever imports the module afterwards gets the real one.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import types
from collections.abc import Iterator, Mapping
from typing import Any


class StandIn(types.ModuleType):
    """A module not loaded yet: reading any name of it loads the real module."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # what the import system asks of a module (__path__, __spec__)
            raise AttributeError(name)
        return getattr(real(self.__name__), name)


def real(name: str) -> types.ModuleType:
    """The module `name`, loaded now if only its stand-in was."""
    if isinstance(sys.modules.get(name), StandIn):
        del sys.modules[name]
    return importlib.import_module(name)


@contextlib.contextmanager
def standing_in(modules: Mapping[str, tuple[str, ...]]) -> Iterator[None]:
    """While the block imports, each of `modules` not loaded yet is a stand-in; the names given for
    one are functions the block's imports take from it by name."""
    placed: dict[str, StandIn] = {}
    for name, functions in modules.items():
        if name in sys.modules:
            continue
        stand_in = StandIn(name)
        for function in functions:

            def forward(*args: Any, _name: str = name, _function: str = function, **kwargs: Any) -> Any:
                return getattr(real(_name), _function)(*args, **kwargs)

            setattr(stand_in, function, forward)
        sys.modules[name] = placed[name] = stand_in
    try:
        yield
    finally:
        for name, stand_in in placed.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
            parent, _, child = name.rpartition(".")
            if getattr(sys.modules.get(parent), child, None) is stand_in:
                delattr(sys.modules[parent], child)
