"""Customer names as one key each: "Acme", "ACME Inc." and " acme " are one customer."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from pmops.text import close_matches

T = TypeVar("T")

# Words that say what kind of company it is, not which one; dropped from the end of a name.
LEGAL_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "llp",
        "lp",
        "ltd",
        "limited",
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "pty",
        "pte",
        "oy",
        "ab",
        "kk",
    ]
)
# What people write in the customer field when they do not know it: no customer named.
PLACEHOLDERS = frozenset({"na", "n a", "none", "unknown", "anonymous", "tbd"})
_JOINED = re.compile(r"[.'’`]")  # S.A. → sa, O'Neil → oneil: these join the letters around them
_WORD = re.compile(r"[^\W_]+")


def key(name: object) -> str | None:
    """The key a customer is counted by, or None when the value names no customer.

    Unicode compatibility forms (NFKC), case and accents are folded; '&' reads 'and';
    punctuation and runs of spaces separate words; legal suffixes (Inc., LLC, Ltd, GmbH,
    S.A., AG, BV, Corp, Co, plc, Pty, …) are dropped from the end, never the name's only word.
    """
    if name is None:
        return None
    return _key(str(name))


@functools.lru_cache(maxsize=16384)
def _key(name: str) -> str | None:
    """`key` of a name as text, kept: a ranking asks it of the same few hundred names thousands of times."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    words = _WORD.findall(_JOINED.sub("", text))
    while len(words) > 1 and (words[-1] in LEGAL_SUFFIXES or words[-1] == "and"):
        words.pop()
    joined = " ".join(words)
    return joined if joined and joined not in PLACEHOLDERS else None


def distinct(names: Iterable[object]) -> int:
    """How many different customers the names are (values that name none are not counted)."""
    return len({k for k in map(key, names) if k})


def named(ref: object, by_key: Mapping[str, T]) -> T | None:
    """What `ref` names among entries kept by their names' keys (`key`): the one a name or alias is, else
    the one whose name or alias starts with those words ("atlas" for Atlas Freight), when only one does."""
    wanted = key(ref)
    if not wanted:
        return None
    if wanted in by_key:
        return by_key[wanted]
    starting = {id(v): v for k, v in by_key.items() if k.startswith(wanted + " ")}
    return next(iter(starting.values())) if len(starting) == 1 else None


def keyed(entries: Iterable[T], names: Callable[[T], Iterable[object]]) -> tuple[dict[str, T], list[tuple[str, T, T]]]:
    """Entries (customers, or their records) by the key of each of their `names` (a name and its aliases), the
    first one's where two share one; and those clashes: (the name, the first, the other)."""
    by_key: dict[str, T] = {}
    clashes: list[tuple[str, T, T]] = []
    for entry in entries:
        for name in names(entry):
            k = key(name)
            if k is None:
                continue
            first = by_key.setdefault(k, entry)
            if first is not entry:
                clashes.append((str(name), first, entry))
    return by_key, clashes


def closest_name(ref: object, by_key: Mapping[str, T], names: Callable[[T], Iterable[object]]) -> str | None:
    """The name (or alias) most like `ref`, one not known, as its entry writes it, when one is close enough."""
    found = closest_key(ref, by_key)
    if found is None:
        return None
    return next((str(n) for n in names(by_key[found]) if n and key(n) == found), None)


CLOSE = 0.8  # how alike (difflib's ratio of the keys) a name must be to be offered as the one meant


def closest_key(ref: object, keys: Iterable[str]) -> str | None:
    """The key (of `key`) most like the one of `ref`, a name not known, when one is close enough
    (`CLOSE`); None else. What the register suggests ('Northwind' for 'Northwnd'), on write and in lint."""
    wanted = key(ref)
    if not wanted:
        return None
    found = close_matches(wanted, list(keys), n=1, cutoff=CLOSE)
    return found[0] if found else None
