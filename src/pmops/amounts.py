"""Amounts of money as people write them: 120000, $120,000, 120k, 1.2M, EUR 45 000.

A CRM export and a person at a terminal write ARR many ways; the file keeps one plain
number. A KB counts money in one currency (`currency:` in pmops.yaml, USD by default): an
amount written with a sign or code of another (€, EUR 120k) is refused, never added to the
others as if it were the KB's; the KB's own sign or code is read and dropped. Commas group
thousands only in groups of three (1,200 is 1200; 1,5 is refused, not guessed); a dot followed
by exactly three digits and nothing else (120.000) is refused as ambiguous, 120 or 120000, as
half the world writes thousands with a dot.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

EXAMPLE = "120000, $120,000, 120k or 1.2M"
DEFAULT_CURRENCY = "USD"
CODES = ("usd", "eur", "gbp", "chf", "cad", "aud", "nzd", "jpy", "cny", "inr", "sek", "nok", "dkk", "sgd", "hkd",
         "brl", "mxn", "zar", "pln")  # fmt: skip
DOLLARS = ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN")  # the currencies "$" may stand for
SIGNS = {"€": ("EUR",), "£": ("GBP",), "¥": ("JPY", "CNY"), "₹": ("INR",), "$": DOLLARS, "US$": ("USD",)}
_CURRENCY = rf"(?:US\$|[$€£¥₹]|{'|'.join(CODES)})"
# A number with its thousands grouped by a comma or a space in threes (1,234 or 1 234), or not grouped.
_DIGITS = r"\d{1,3}(?:[, _\u00a0\u202f]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
# The expressions below are compiled on first use, by `re` (which keeps them): a command that reads no
# amount (a search) does not compile them (1.4 ms).
_AMOUNT = (
    rf"(?i)^(?P<before>{_CURRENCY})?\s*(?P<number>{_DIGITS})\s*"
    rf"(?P<scale>k|thousand|m|mm|mn|million|b|bn|billion)?\s*(?P<after>{_CURRENCY})?$"
)
# A figure that is not money (a metric's value, a target): a sign, the number, a scale or a trailing %.
_FIGURE = (
    rf"(?i)^(?P<sign>[-+\u2212])?\s*(?P<number>{_DIGITS})\s*(?:(?P<scale>k|thousand|m|mm|mn|million|b|bn|billion)|"
    r"(?P<percent>%))?$"
)
_DECIMAL_COMMA = r"^[-+\u2212]?\d+,\d+%?$"  # 99,7: a decimal comma, never guessed
_DOTTED = r"^[1-9]\d{0,2}\.\d{3}$"  # 120.000: a thousands dot, or three decimals? (_AMOUNT's number)
_NAMED = rf"(?i)(?<![a-z])({'|'.join(CODES)})(?![a-z])|([€£¥₹])"
_SCALES = {
    "k": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "mm": 10**6,
    "mn": 10**6,
    "million": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "billion": 10**9,
}
# Past this, a number in a column of money is a stray id or a typo, never what one customer pays or a
# tool costs (a trillion, in any currency): refused, as it would outweigh every other in a ranking.
MAXIMUM = 10**12
CENT = Decimal("0.01")
# How many of a currency's units are about a dollar's worth, as a round number (1 when not listed: USD, EUR, GBP,
# CHF, CAD …): what scales a sum people judge in dollars to a KB's currency (pmops.prioritization's ARR unit,
# DOUBTFUL). Not an exchange rate: an order of magnitude.
SCALE = {"JPY": 100, "KRW": 1000, "INR": 100, "CNY": 5, "HKD": 10, "SEK": 10, "NOK": 10, "DKK": 5, "PLN": 5,
         "BRL": 5, "MXN": 20, "ZAR": 20}  # fmt: skip
# From a billion dollars' worth up to MAXIMUM, an amount is accepted but said: one customer's ARR or a tool's cost
# that large is almost always cents exported as units, or a decimal point lost (2400000.00 typed 240000000).
DOUBTFUL = 10**9


def parse(text: str, currency: str = DEFAULT_CURRENCY) -> int | float:
    """The amount a person wrote, as a number: an int when whole (120k → 120000, exactly, however many
    digits), else rounded to cents (half up); more than MAXIMUM is refused.

    ValueError says what was wrong: a negative amount, text that is not an amount, or an amount
    in a currency that is not `currency` (the KB's: €120k in a KB counting in USD).
    """
    written = " ".join(str(text).split())
    if not written.strip("-–—"):  # a CRM's "no value" placeholder, not a negative amount
        raise ValueError(f"'{written}' is not an amount (write e.g. {example(currency)})")
    if written.startswith("-") or (written.startswith("(") and written.endswith(")")):
        raise ValueError(f"'{written}' is negative: an amount of money here is never below 0")
    match = re.match(_AMOUNT, written)
    if not match:
        raise ValueError(f"'{written}' is not an amount (write e.g. {example(currency)})")
    for marked in (match["before"], match["after"]):
        if marked and currency.upper() not in SIGNS.get(marked.upper(), (marked.upper(),)):
            said = "/".join(SIGNS.get(marked.upper(), (marked.upper(),)))
            raise ValueError(f"'{written}' is in {said}, and this KB counts money in {currency.upper()} "
                             f"(currency: in pmops.yaml): write it converted to {currency.upper()}")  # fmt: skip
    if re.match(_DOTTED, match["number"]) and not match["scale"]:
        decimal, thousands = f"{float(match['number']):g}", match["number"].replace(".", "")
        raise ValueError(f"'{written}' is ambiguous: {decimal} or {thousands}? (write {thousands} or {decimal})")
    number = Decimal(re.sub(r"[, _\u00a0\u202f]", "", match["number"]))
    value = (number * Decimal(_SCALES.get((match["scale"] or "").lower(), 1))).quantize(CENT, ROUND_HALF_UP)
    if value > MAXIMUM:
        raise ValueError(f"'{written}' is more than {MAXIMUM:,}: not an amount of money here (an id in a column "
                         "of money?)")  # fmt: skip
    return int(value) if value == value.to_integral_value() else float(value)


class NotAFigure(ValueError):
    """Text that is not a figure, and what it would be written as, when that is clear (99,7: 99.7)."""

    def __init__(self, instead: str, message: str) -> None:
        super().__init__(message)
        self.instead = instead


def figure(text: str) -> int | float:
    """A figure that is not money (a metric's value, an expectation's target) as people write it: 4210,
    -3.5, 99.7% (the number: the unit is the metric's), 1,234 or 1 234 (thousands grouped in threes), 5k,
    1.2M — the same digits and scales as an amount, with a sign and no currency. A decimal comma (99,7)
    is refused, never guessed (997 or 99.7?), as is a lower-case m (5m: million, or minutes?); ValueError
    says what to write instead ("'99,7' is not a number: write 99.7 (…)")."""
    written = " ".join(str(text).split())
    try:  # the form a file or a command line usually holds: 99.7, -3, 4210
        number = float(written)
    except ValueError:
        pass
    else:
        if not math.isfinite(number):
            raise ValueError(f"'{written}' is not a finite number")
        return int(number) if number.is_integer() and re.fullmatch(r"[-+]?\d+", written) else number
    if re.match(_DECIMAL_COMMA, written) and not re.fullmatch(r"[-+\u2212]?\d{1,3}(?:,\d{3})+%?", written):
        point = written.replace(",", ".").rstrip("%")
        raise NotAFigure(point, f"'{written}' is not a number: write {point} (a decimal point; a comma only groups "
                         "thousands, as in 5,000)")  # fmt: skip
    match = re.match(_FIGURE, written)
    if not match:
        raise ValueError(f"'{written}' is not a number (write e.g. 4210, 99.7 or -3.5)")
    scale = match["scale"] or ""
    if scale in ("m", "mm", "b"):
        big, small = ("a billion", "bytes") if scale == "b" else ("a million", "minutes")
        raise ValueError(f"'{written}' is ambiguous: {big}, or {small}? (write the number, e.g. "
                         f"{written[: -len(scale)].strip()}{scale[0].upper()} for {big})")  # fmt: skip
    number = Decimal(re.sub(r"[, _\u00a0\u202f]", "", match["number"])) * Decimal(_SCALES.get(scale.lower(), 1))
    number = -number if match["sign"] in ("-", "\u2212") else number
    return int(number) if number == number.to_integral_value() else float(number)


def doubtful(amount: object, currency: str = DEFAULT_CURRENCY) -> str | None:
    """Why an amount accepted (at most MAXIMUM) is probably a slip, or None: '2,400,000,000 USD is a billion or
    more: cents, or a decimal point lost?' (in yen, from 100 billion: DOUBTFUL scaled by SCALE)."""
    if not isinstance(amount, (int, float)) or isinstance(amount, bool):
        return None
    limit = DOUBTFUL * SCALE.get(currency.upper(), 1)
    if not limit <= amount <= MAXIMUM:
        return None
    said = "a billion" if limit == DOUBTFUL else f"{limit:,}"
    return f"{amount:,.0f} {currency.upper()} is {said} or more: cents, or a decimal point lost?"


def example(currency: str = DEFAULT_CURRENCY) -> str:
    """How to write an amount in `currency` (a KB's): '120000, €120,000, 120k or 1.2M' in euros."""
    code = currency.upper()
    return EXAMPLE.replace("$120,000", _marked("120,000", code) if code.lower() in CODES else "120,000")


def shown(amount: float, currency: str = DEFAULT_CURRENCY) -> str:
    """An amount of money as people read it, in the KB's currency: $24,000, €1,250.50, CHF 9,600
    (its sign when it has one of its own, else its code; cents only when there are some)."""
    number = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return _marked(number, currency.upper())


def _marked(number: str, code: str) -> str:
    """`number` with the currency's own sign ($ for USD, € for EUR…) before it, else its code and a space."""
    sign = next((s for s, codes in SIGNS.items() if codes[0] == code and len(s) == 1), None)
    return f"{sign}{number}" if sign else f"{code} {number}"


def currencies(text: str) -> tuple[str, ...]:
    """The currencies a cell of a CRM's currency column may stand for — 'EUR' or 'eur' EUR, '$' USD,
    CAD, AUD… (a sign several use), 'US$' USD — or () when it names none."""
    written = text.strip().upper()
    if written in SIGNS:
        return SIGNS[written]
    return (written,) if re.fullmatch(r"[A-Z]{3}", written) else ()


def short(amount: float) -> str:
    """An amount as a listing shows it to people, in at most three figures: 1.1M, 420k, 95.5k, 950
    (csv and JSON carry the whole number)."""
    units = ((1e9, "B"), (1e6, "M"), (1e3, "k"), (1, ""))
    for n, (scale, unit) in enumerate(units):
        if abs(amount) >= scale or scale == 1:
            figures = float(f"{amount / scale:.3g}")
            if abs(figures) >= 1000 and n:  # 999,999 is 1M, not 1000k
                figures, unit = figures / 1000, units[n - 1][1]
            return f"{figures:,.0f}{unit}" if abs(figures) >= 1000 else f"{figures:g}{unit}"  # 1,230B, never 1.23e+03B
    return f"{amount:g}"  # not reached


def named(text: str) -> str | None:
    """The currency a text names (a column's header: 'ARR (EUR)', 'ARR €'), as a code, or None."""
    found = re.search(_NAMED, text)
    if not found:
        return None
    return found.group(1).upper() if found.group(1) else SIGNS[found.group(2)][0]
