"""Ids that need no coordination between clones, and safe file names."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata

# Crockford's base32: no i, l, o, u, so ids read aloud and type without mistakes.
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
RANDOM_CHARS = 4
MAX_SLUG_BYTES = 80
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_ID = re.compile(rf"^[a-z][a-z0-9]*-\d{{6}}-[0-9a-z]{{{RANDOM_CHARS}}}$")


def new_id(prefix: str, today: dt.date, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """`ins-261126-7kq2`: the type, the day, and 20 random bits.

    Two clones adding on the same day clash with odds of about n²/2 million for
    n documents of a type that day (a thousand-PM org adding 10 each: 1 in 20);
    a clash within one clone is avoided by checking `taken`.
    """
    while True:
        suffix = "".join(secrets.choice(_ALPHABET) for _ in range(RANDOM_CHARS))
        candidate = f"{prefix}-{today:%y%m%d}-{suffix}"
        if candidate not in taken:
            return candidate


def looks_like_id(text: str) -> bool:
    return bool(_ID.match(text))


def day_of(doc_id: str | None) -> dt.date | None:
    """The day an id was made (`met-261126-4hb3`: 2026-11-26); None for anything not an id."""
    if not doc_id or not looks_like_id(doc_id):
        return None
    try:
        return dt.datetime.strptime(doc_id.split("-")[1], "%y%m%d").date()
    except ValueError:
        return None


def id_in_name(filename: str) -> str:
    """The id a pmops file name starts with (`ins-261126-7kq2-some-title.md`)."""
    prefix, _, rest = filename.partition("-")
    return f"{prefix}-{rest[: 7 + RANDOM_CHARS]}"


def slugify(title: str, max_bytes: int = MAX_SLUG_BYTES) -> str:
    """A file-name-safe slug: letters and digits of any script, '-' between words.

    No separators or dots survive (no '../'), the result fits `max_bytes` of UTF-8
    without cutting a character, and reserved device names get a suffix.
    """
    text = unicodedata.normalize("NFKC", title).casefold()
    words = re.findall(r"[^\W_]+", text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate.encode("utf-8")) > max_bytes:
            if not slug:  # one very long word (e.g. CJK without spaces): cut it by characters
                for ch in word:
                    if len((slug + ch).encode("utf-8")) > max_bytes:
                        break
                    slug += ch
            break
        slug = candidate
    if slug in _RESERVED:
        slug += "-doc"
    return slug or "untitled"
