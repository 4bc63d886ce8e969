"""Personal data in customer research: card numbers (Luhn-checked), emails, phone numbers.

Regexes only, ~0.25 s/MB. Phone numbers must be written with separators, a
leading + or parentheses, so dates, UUIDs, hashes, IPs and order numbers are not
flagged. Names cannot be found this way. Matches are reported redacted; what
pmops writes has them replaced (`redact`), unless the user keeps them on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pmops.errors import InvalidInput
from pmops.text import count

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}(?:[ .-]?(?:\(\d{1,4}\)|\d{1,8})){2,5}"  # +44 20 7946 0958, +49 30 901820
    r"|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}"  # (415) 555-0133
    r"|\d{3}[ .-]\d{3}[ .-]\d{4}"  # 415-555-0133
    r"|0\d{1,4}(?:[ .-]\d{2,8}){1,4})(?![\w-])"  # 020 7946 0958, 030 901820: a trunk 0, then groups
)
# How many digits a phone number of each form has: a run of fewer or more is something else
# (a date written with spaces, an order number).
_PHONE_DIGITS = {"+": (8, 15), "0": (9, 12)}


NOUNS = {"card": "card number", "email": "email address", "phone": "phone number"}
# What is written in place of each: readable in a quote, and never flagged again.
PLACEHOLDERS = {"card": "[card number redacted]", "email": "[email redacted]", "phone": "[phone redacted]"}


@dataclass
class Match:
    kind: str  # "card" | "email" | "phone"
    start: int
    redacted: str  # masked, for messages: j***@example.com, **** **** **** 1111
    end: int


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _mask(text: str, keep_end: int) -> str:
    shown = 0
    out = []
    for ch in reversed(text):
        if ch.isalnum() and shown >= keep_end:
            out.append("*")
        else:
            shown += ch.isalnum()
            out.append(ch)
    return "".join(reversed(out))


# Card and phone numbers live in runs of digits, spaces, dots, dashes, + and parentheses:
# one cheap scan finds those runs, and only they meet the heavier patterns.
_NUMBERISH = re.compile(r"[+(]?\d[\d ().+-]{8,}")


def scan(text: str) -> Iterator[Match]:
    for run in _NUMBERISH.finditer(text):
        chunk, base = run.group(), run.start()
        cards = []
        for m in _CARD.finditer(chunk):
            digits = re.sub(r"\D", "", m.group())
            if 13 <= len(digits) <= 19 and luhn(digits):
                cards.append(m.group())
                yield Match("card", base + m.start(), _mask(m.group(), 4), base + m.end())
        for m in _PHONE.finditer(chunk):
            low, high = _PHONE_DIGITS.get(m.group()[0], (10, 10))
            if not low <= sum(c.isdigit() for c in m.group()) <= high:
                continue
            if not _CARD.fullmatch(m.group()) and not any(m.group() in card for card in cards):
                yield Match("phone", base + m.start(), _mask(m.group(), 2), base + m.end())
    if "@" in text:
        for m in _EMAIL.finditer(text):
            user, _, domain = m.group().partition("@")
            yield Match("email", m.start(), f"{user[:1]}***@{domain}", m.end())


def redacted(text: str) -> tuple[str, list[Match]]:
    """`text` with every card number, email and phone number replaced by a placeholder
    ("[email redacted]"), and what was replaced, in order."""
    found: list[Match] = []
    for match in sorted(scan(text), key=lambda m: (m.start, -m.end)):
        if not found or match.start >= found[-1].end:  # a phone inside a card number is the card
            found.append(match)
    if not found:
        return text, []
    parts, at = [], 0
    for match in found:
        parts += [text[at : match.start], PLACEHOLDERS[match.kind]]
        at = match.end
    return "".join(parts) + text[at:], found


def redact(text: str) -> str:
    """`text` without personal data: what lint flags is replaced by a placeholder."""
    return redacted(text)[0]


@dataclass
class Found:
    """Personal data of one kind in one field of a document about to be written."""

    field: str
    kind: str
    masked: list[str]  # each match, masked for messages (j***@example.com)


def redact_fields(values: dict[str, Any], *, keep: bool = False) -> tuple[dict[str, Any], list[Found]]:
    """The values (strings, and strings in lists) with personal data replaced, and what was found
    where. With `keep`, nothing is replaced; the caller refuses card numbers (never written)."""
    strings = [
        v for value in values.values() for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)
    ]
    whole = "\n".join(strings)
    if "@" not in whole and not _NUMBERISH.search(whole):  # most rows of an import: one look, nothing to do
        return dict(values), []
    out: dict[str, Any] = {}
    found: list[Found] = []
    for name, value in values.items():
        items = value if isinstance(value, list) else [value]
        clean, kinds = [], {}
        for item in items:
            if isinstance(item, str) and item:
                text, matches = redacted(item)
                for match in matches:
                    kinds.setdefault(match.kind, []).append(match.redacted)
                item = item if keep else text
            clean.append(item)
        found += [Found(name, kind, masked) for kind, masked in kinds.items()]
        out[name] = clean if isinstance(value, list) else clean[0]
    return out, found


def describe(found: Found, *, kept: bool) -> str:
    """What happened to it, without showing it: "quote: 1 phone number redacted"."""
    what = count(len(found.masked), NOUNS[found.kind])
    if kept:
        return f"{found.field}: {what} kept as given ({', '.join(found.masked)})"
    return f"{found.field}: {what} redacted"


def redact_document(
    values: dict[str, Any],
    body: str | None,
    *,
    keep: bool = False,
    refuse_cards: bool = False,
    sections: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], str | None, list[Found]]:
    """A new document's fields and body with personal data redacted (the body is the field "body"
    in what is found), and the `sections` its template fills in (a decision's context, options,
    consequences), redacted in place. With `keep`, emails and phone numbers stay; a card number is
    refused, as it is with `refuse_cards` (what an assistant writes: nobody sees a redaction there)."""
    fields, found = redact_fields({**values, "body": body, **(sections or {})}, keep=keep)
    for name in sections or {}:
        sections[name] = fields.pop(name)  # type: ignore[index]
    cards = [f for f in found if f.kind == "card"]
    if (keep or refuse_cards) and cards:
        tail = ", even with --keep-pii" if keep else ""
        raise InvalidInput(f"{cards[0].field}: contains a payment card number ({cards[0].masked[0]}); pmops never writes one{tail}",
                           hint="remove it: insights need no card numbers, and git history is permanent")  # fmt: skip
    body = fields.pop("body")
    return fields, body, found
