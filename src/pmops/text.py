"""Words for numbers and lists, and user text inside markdown: one helper each, so no user ever reads "1 plans"
or "None" and no title is read as markup."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_IRREGULAR = {"person": "people", "analysis": "analyses", "criterion": "criteria", "datum": "data"}


def plural(noun: str) -> str:
    """The English plural of a (last) word: plan → plans, entry → entries, match → matches."""
    head, _, last = noun.rpartition(" ")
    prefix = f"{head} " if head else ""
    lower = last.lower()
    if lower in _IRREGULAR:
        return prefix + _IRREGULAR[lower]
    if lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return prefix + last[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return prefix + last + "es"
    return prefix + last + "s"


def count(n: float, noun: str, many: str | None = None) -> str:
    """'1 plan', '2 plans', '0 plans', '1,204 insights'; `many` names an irregular plural."""
    number = f"{n:,}" if isinstance(n, int) else f"{n:,.1f}".rstrip("0").rstrip(".")
    return f"{number} {noun if n == 1 else many or plural(noun)}"


def figure(value: float, digits: int = 2, below: float | None = None) -> str:
    """A measured number (a rate, a share) as people read it: `digits` significant figures, its whole
    part always in full, no trailing zeros — 0.57, 1.4, 0.013, 2, 12, 1,204. A value that is not zero
    never reads as 0 (0.004 is 0.004), and one short of `below` (a target) never reads as reaching it
    (1.96 against 2 is 1.96, not 2)."""
    import math

    if value == 0 or value != value or value in (math.inf, -math.inf):
        return "0" if value == 0 else str(value)
    magnitude = math.floor(math.log10(abs(value)))
    for n in range(digits, 17):
        shown = f"{value:,.{max(0, n - 1 - magnitude)}f}"
        if "." in shown:
            shown = shown.rstrip("0").rstrip(".")
        number = float(shown.replace(",", ""))
        if number != 0 and (below is None or value >= below or number < below):
            return shown
    return repr(value)


def number(value: float) -> str:
    """A value as it was recorded, its thousands grouped: 3,953, 4,492.1, 99.7, 41,200,000 — never
    4.12e+07, never 4492.100000000001 (ten decimals at most)."""
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.10f}".rstrip("0").rstrip(".")


UNITLESS = ("count", "number", "#", "n", "no.")  # metric units that say only "a number": not written after one


def quantity(value: float, unit: str | None) -> str:
    """A metric's value with its unit, as people write it: 4,492.1 users, 99.7%, 6 hours; a unit that
    names no thing (count, number) is left out: '4 count' is no English."""
    unit = str(unit or "").strip()
    unit = "" if unit.casefold() in UNITLESS else unit
    return f"{number(value)}{'' if unit in ('', '%') else ' '}{unit}"


def change(value: float, unit: str | None = None) -> str:
    """A difference with its sign and thousands grouped: +539.1, -2, +0.3 (with the unit when given)."""
    return ("-" if value < 0 else "+") + (quantity(abs(value), unit) if unit is not None else number(abs(value)))


def or_unknown(value: object, unknown: str = "unknown") -> str:
    """A value for people: never the string 'None'."""
    return unknown if value is None or value == "" else str(value)


def either(choices: tuple[str, ...] | list[str]) -> str:
    """'a', 'a or b', 'a, b or c': choices as a sentence says them."""
    return choices[0] if len(choices) == 1 else ", ".join(choices[:-1]) + " or " + choices[-1]


def a(noun: str) -> str:
    """'a tool', 'an insight'."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


FEW = 5  # candidates an error lists before "… N more"


def shortened(text: str, most: int = 60) -> str:
    """`text` on one line in at most `most` characters: its spaces collapsed and, when longer, cut at the
    last whole word that fits, with '…' (a commit subject, a candidate's title): never mid-word, never
    a space before the '…'. A first word longer than `most` is cut where it must be."""
    whole = " ".join(str(text).split())
    if len(whole) <= most:
        return whole
    cut = whole[: most - 1]
    words = cut.rsplit(" ", 1)[0] if " " in cut and whole[most - 1] != " " else cut
    return words.rstrip(" ,;:—-") + "…"


def first_few(items: list[str], most: int = FEW) -> str:
    """'a, b, c': a list a message names, cut after `most` with '… N more'."""
    shown = ", ".join(items[:most])
    return shown + (f", … {len(items) - most} more" if len(items) > most else "")


def close_matches(word: str, possibilities: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """difflib's get_close_matches, with difflib loaded only when a mistake asks for it (not by every
    command that might: 0.7 ms of a search)."""
    import difflib

    return difflib.get_close_matches(word, possibilities, n=n, cutoff=cutoff)


def did_you_mean(given: str, known: list[str] | tuple[str, ...], most: int = 3) -> str | None:
    """ "did you mean 'x'?" with the known words nearest to `given` (any case), or None; a word some of
    them start with (`ent` for enterprise) suggests those when none is near."""
    folded = {k.casefold(): k for k in known}
    close = close_matches(given.casefold(), list(folded), n=most)
    if not close and len(given.strip()) >= 2:
        close = [k for k in folded if k.startswith(given.strip().casefold())][:most]
    names = list(dict.fromkeys(folded[c] for c in close))
    return "did you mean " + " or ".join(f"'{n}'" for n in names) + "?" if names else None


def naming(ref: str, name: str) -> str:
    """How a message names a document `ref` found: its id or path, after `ref` only when they differ
    ('dec-2611: dec-261126-0mq9', but 'dec-261126-0mq9', never 'dec-261126-0mq9: dec-261126-0mq9')."""
    return name if ref == name else f"{ref}: {name}"


def folded(text: str) -> str:
    """A name as names are compared: spaces collapsed, any case ('Lumen  health' is 'lumen health'),
    either Unicode form (macOS writes 'é' as 'e' and a combining accent, NFD; a keyboard types NFC)."""
    return unicodedata.normalize("NFC", " ".join(text.split()).casefold())


def folded_name(text: str) -> str:
    """A person's name as names of people are compared: as `folded`, and accents aside ('Lucia Romero'
    is 'Lucía Romero': many people's git user.name is typed without them, and a team has not two
    people whose names differ by an accent alone)."""
    return without_accents(folded(text))


def composed(text: str) -> str:
    """The text in NFC: accents written as separate marks (as macOS writes 'é': 'e' and U+0301, which
    \\w does not match) joined to their letters, so a word is one word; ASCII text as it is."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def without_accents(text: str) -> str:
    """The text with its accents taken off: decomposed (NFKD: 'ﬁ' is 'fi'), combining marks left out,
    composed again ('Café' is 'Cafe'), and the letters Unicode does not decompose written as people
    type them without (ø o, æ ae, ł l, ß ss, ı i …); ASCII text as it is."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c))).translate(
        _UNDECOMPOSED
    )


# Letters with no decomposition into a base letter and a mark, as they are typed without their accent.
_UNDECOMPOSED = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L",
                               "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ß": "ss", "ẞ": "SS",
                               "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T"})  # fmt: skip


_MARKUP = re.compile(r"([\\`*_\[\]<>])")  # what markdown reads as emphasis, a link, code or HTML


def whole(value: float) -> float | int:
    """A number as JSON and YAML should carry it: 4.0 is 4, 4.5 stays 4.5."""
    return int(value) if float(value).is_integer() else value


def kept(value: float) -> str:
    """A score or term as the ranking's table and JSON show it, to be redone by hand: the number as kept (two
    decimals at most for what pmops computes), never cut to 6 significant figures as %g does (12373.68, not
    12373.7); 4.0 is 4."""
    return str(whole(value))


def markdown_literal(text: str) -> str:
    """Text from the KB (a title, a name) as markdown shows it as written: its `*`, `_`, `[`, `]`,
    `<`, `>`, backslashes and backticks escaped, so it is never emphasis, a link, code or HTML."""
    return _MARKUP.sub(r"\\\1", text)


def markdown_cell(text: str) -> str:
    """Text in a markdown table's cell: its pipes escaped, on one line."""
    return " ".join(text.replace("|", "\\|").split())
