"""The document-type registry: every kind of document pmops knows, declared as data (and pages, the files of none).

(Past 400 lines on purpose: the schema and every built-in type's row, so a type is read in one place.)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from pmops import amounts, dates
from pmops.text import either

# Field kinds and what they hold once read:
#   text, longtext        str (longtext is multi-line, e.g. a quote)
#   choice                str, one of Field.choices (any value while there are none)
#   date                  datetime.date (ISO-8601 in the file; read as people write dates)
#   int, number           int / float
#   money                 int / float, read as people write amounts ($120,000, 120k, 1.2M; pmops.amounts)
#   bool                  bool
#   tags                  list[str], normalised and checked against the taxonomy
#   list                  list[str]
#   ref / refs            a document id / a list of them
#   scores                dict[str, float | str], criterion → score, or pass / fail for a must-pass criterion
#                         (a tool's evaluation)
#   expectations          list of {metric, direction[, target]}: what a decision should move (a metric by id)
#   outcomes              list of {metric, direction, target, verdict, before, before_date, after, after_date}: what a review found
#   month                 str, YYYY-MM (a prioritization cycle)
#   outputs               list of {check, per[, target, source, tag]}: what a process promises to produce
#                         (pmops process check)
#   rows                  list of mappings kept as written (a ranking's inputs: its library reads them)
KINDS = (
    "text", "longtext", "choice", "date", "int", "number", "money", "bool", "tags", "list", "ref", "refs", "scores",
    "expectations", "outcomes", "month", "rows", "outputs",
)  # fmt: skip
REFERENCE_KINDS = ("ref", "refs", "expectations")  # kinds whose values name documents, resolved on create
DIRECTIONS = ("up", "down")
VERDICTS = ("met", "not met", "too early", "no data")
EXPECTS_EXAMPLE = "Weekly active approvers:up:5000"
LIST_KINDS = ("tags", "list", "refs")
MAPPING_KINDS = ("expectations", "outcomes", "rows", "outputs")  # lists of mappings
# What a process may promise (its `outputs`): each check, the periods it is counted per, and its
# default target. pmops.outputs computes them from the KB and its git history.
OUTPUT_CHECKS = {
    "insights-per-pm": (("week", "month"), 1),  # insights each PM captured (author, else who committed it)
    "decisions-per-pm": (("week", "month"), 1),  # decisions each PM took part in (deciders, else who committed it)
    "insights": (("week", "month"), 1),  # insights the team captured
    "decisions": (("week", "month"), 1),  # decisions the team recorded
    "checklist-run": (("launch",), 1),  # every run of the process's checklist finished (done)
    "ranking": (("cycle",), 1),  # a ranking (rankings/) for every cycle (a month)
    "review": (("cadence",), 1),  # a record of each meeting (a document linking to the process) per cadence period
}
OUTPUTS_EXAMPLE = "{check: insights-per-pm, per: week, target: 2}"
# Which documents a rate check counts, when not all of its type's: insights of a `source` (an interview
# programme counts interviews, not a survey imported in bulk), documents with a `tag`. Each takes one value
# or a list (any of them); pmops.outputs checks a source against the KB's choices.
OUTPUT_FILTERS = {"insights-per-pm": ("source", "tag"), "insights": ("source", "tag"),
                  "decisions-per-pm": ("tag",), "decisions": ("tag",)}  # fmt: skip
_FILTER_SAMPLE = {"source": "interview", "tag": "discovery"}
PASS_FAIL = ("pass", "fail")  # what a must-pass criterion of a tool's scores holds


@dataclass(frozen=True)
class Field:
    """One front-matter field of a document type."""

    name: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    # Filled in on create: "today", "author" (you), "teammate" (you when on the roster, else none), "config:KEY",
    # or a literal.
    default: str | None = None
    past: bool = False  # a date that has happened (when it was heard): refused after today on create, flagged by lint
    # A date still to come (a customer's next renewal): one before today is written with a warning on create, set,
    # edit and import, not refused: a CRM export routinely holds lapsed renewals, and a person may mean one.
    upcoming: bool = False
    # Which year a date typed without one (5 Nov) is: "past" (the last 5 Nov: a day that has happened), "future"
    # (the next: a review or renewal to come), else the nearest; a `past` field is "past", an `upcoming` one
    # "future" (dates.yearless).
    toward: str = ""
    # The type whose documents it names: by id (ref, refs: resolved on create, to an id, a unique
    # prefix, or the title of a type with unique titles), or by title (text, list: a person's name,
    # kept as written: they may not be in the KB yet; `pmops person show` lists where they are named).
    refers: str | None = None
    # a page's field, however foreign (a wiki's `links: [getting-started]`): a value naming no document is
    # the page's own business, never a broken link unless it looks like a pmops id (prc-260119-qda7)
    ids_only: bool = False
    evidence: bool = False  # the documents it cites justify this one: `show` sums them up, lint checks their dates
    initial: tuple[str, ...] = ()  # the choices a new document may start with (all of them when empty)
    staffing: bool = False  # an area where a person works (a person's, a plan's), not one with work in it
    sample: str = ""  # a value shown in the message about a wrong one (default: its kind's, its first choice)
    option: str = ""  # the command-line flag that gives it, when not --NAME (--link for links)
    # A common optional field: when a create on a terminal asks for a missing required field,
    # it asks for this one too (Enter skips it). Never asked off a terminal, never required.
    ask: bool = False
    # "type.field": its choices are that field's (as the KB narrows them), unless the KB gives it its own.
    choices_of: str | None = None
    # The reference field (a text field with `refers`) whose document holds this same field: lint
    # flags a value that differs from that document's (an insight's segment against its customer's).
    agrees_with: str | None = None
    # The range of an int or number field (an opportunity's impact: 0.25 to 3), both ends allowed:
    # a value outside it is refused on create and flagged by lint, said as "a number from 0.25 to 3".
    bounds: tuple[float, float] | None = None
    # A money field's currency: the KB's (`currency:` in pmops.yaml, set on every money field when the
    # registry is built). An amount written in another (€120k in USD) is refused, never added as if it were.
    currency: str = amounts.DEFAULT_CURRENCY
    # Names a person who answers for it now (an owner, a manager, a buddy), not one who once did (deciders):
    # someone who left the team is refused on a write and flagged by lint (person-left) while the document is live.
    responsible: bool = False
    # A date that must come after another date field of the same document (a decision's review date after
    # its date): `pmops set` of either refuses an order that breaks it (exit 2), as the create command does.
    after: str | None = None
    # A date that cannot come before another date field (a person's end, their start); the same day may: set, create,
    # edit and lint check it as they check `after`.
    not_before: str | None = None
    # A number that cannot exceed another number field of the same document (a tool's seats used, its seats
    # bought): refused on create and set (exit 2), flagged by lint in a file edited by hand.
    at_most: str | None = None
    # Days before another date field (a tool's renewal) by which notice must be given: a document created or
    # changed with that day already passed is written with a warning (it renews as it is).
    notice_for: str | None = None
    # Names a document other than its own (a person's manager is someone else): its own title is refused on
    # create, set and edit (exit 2) and flagged by lint.
    not_self: bool = False

    def passed(self, value: Any, today: dt.date) -> str | None:
        """What to warn of a date still to come (`upcoming`: a next renewal) that is before today, else None:
        'renewal 2026-01-15 has passed (today is 2026-12-02): not among the renewals due'. Written as given
        (a lapsed renewal is a fact a CRM holds), and said, so a mistyped year is not kept unseen."""
        if not (self.upcoming and isinstance(value, dt.date) and value < today):
            return None
        return f"{self.name} {value} has passed (today is {today}): not among the renewals due"

    def doubtful(self, value: Any) -> str | None:
        """What to warn of an amount of money (a money field) too large to be meant, though not refused:
        'arr 2,400,000,000 USD is a billion or more: cents, or a decimal point lost?', else None."""
        said = amounts.doubtful(value, self.currency) if self.kind == "money" else None
        return f"{self.name} {said}" if said else None

    def warnings(self, value: Any, today: dt.date, of: object = None) -> list[str]:
        """What a create or a set says of a value it writes as given, one line each: a next renewal that has passed,
        an amount too large to be meant (naming the document `of`, its title, when given)."""
        passed, doubt = self.passed(value, today), self.doubtful(value)
        notes = [f"warning: {passed}; kept as given: give the next one when it is known"] if passed else []
        return notes + ([f"warning: {f'{of}: ' if of else ''}{doubt} kept as given"] if doubt else [])

    @property
    def flag(self) -> str:
        """How commands give the field and errors name it: --integrates-with, --link."""
        return self.option or "--" + self.name.replace("_", "-")

    @property
    def past_hint(self) -> str:
        """What to write instead of a `past` date after today: 'write the day it was heard or seen'."""
        return "write the day " + (self.help.removeprefix("when ") if self.help.startswith("when ") else "it happened")

    @property
    def is_list(self) -> bool:
        return self.kind in LIST_KINDS

    @property
    def is_reference(self) -> bool:
        """Whether its values name documents by id (resolved on create from anything `find` takes)."""
        return self.kind in REFERENCE_KINDS

    def references(self, value: Any) -> list[str]:
        """The documents a (converted) value of this field names."""
        if self.kind in ("expectations", "outcomes"):
            return [str(e["metric"]) for e in value or [] if isinstance(e, dict) and e.get("metric")]
        if self.kind in ("ref", "refs"):
            return [str(v) for v in (value if isinstance(value, list) else [value]) if v]
        return []

    def resolved(self, raw: Any, find: Callable[[str], str]) -> Any:
        """A value as given (a command line's) with each document it names replaced by find(name): an id."""
        if self.kind == "expectations":
            return _agreeing([{**e, "metric": find(e["metric"])} for e in self.convert(raw)])
        found = [find(str(ref)) for ref in (raw if isinstance(raw, list) else [raw])]
        return list(dict.fromkeys(found)) if self.is_list else found[0]

    def spelt(self, raw: Any) -> Any:
        """The choice a value given by a person spells in another case or spacing ("Mid Market",
        "MID_MARKET" are mid-market), else the value as given: how a command line and an import
        take a choice (a file's value is read as written, and lint says when it is not a choice)."""
        if self.kind != "choice" or not self.choices or not isinstance(raw, str) or raw in self.choices:
            return raw
        spellings = {spelling(c): c for c in self.choices}
        return spellings.get(spelling(raw), raw)

    def convert(self, raw: Any) -> Any:
        """Turn the string form YAML gave into this field's type; ValueError explains a bad one."""
        if raw is None or raw == "":
            return [] if self.is_list or self.kind in MAPPING_KINDS else {} if self.kind == "scores" else None
        if self.kind == "expectations":
            return _agreeing([_expectation(item) for item in (raw if isinstance(raw, list) else [raw])])
        if self.kind == "rows":
            if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
                raise ValueError("expected a list of mappings")
            return raw
        if self.kind == "outcomes":
            return [_outcome(item) for item in (raw if isinstance(raw, list) else [raw])]
        if self.kind == "outputs":
            return [_output(item) for item in (raw if isinstance(raw, list) else [raw])]
        if self.kind == "scores":
            if not isinstance(raw, dict):
                raise ValueError("expected criterion: score pairs")
            try:  # a must-pass criterion (a security requirement) is passed or failed, not scored
                return {str(k): str(v).lower() if str(v).lower() in PASS_FAIL else _score(v) for k, v in raw.items()}
            except (TypeError, ValueError):
                raise ValueError("every score must be a number, or pass or fail") from None
        if self.is_list:
            items = raw if isinstance(raw, list) else [raw]
            if not all(isinstance(i, str) for i in items):
                raise ValueError("expected a list of plain values")
            if self.kind == "list":  # a name given twice (Ada Brooks, ada brooks) is there once, as first written
                first: dict[str, str] = {}
                for item in items:
                    first.setdefault(" ".join(item.split()).casefold(), item)
                return [i for i in first.values() if i != ""]
            return [i for i in items if i != ""]
        if isinstance(raw, (int, float, dt.date)) and not isinstance(raw, bool):
            raw = raw.isoformat() if isinstance(raw, dt.date) else str(raw)  # from library callers
        if not isinstance(raw, str):
            raise ValueError(f"expected a single value, got a {'list' if isinstance(raw, list) else 'mapping'}")
        if self.kind == "date":  # as a person wrote it: 2026-11-05, 7 Nov 2026, 15/11/2026
            past, upcoming = "past" if self.past else "", "future" if self.upcoming else ""
            return dates.parse(raw, toward=self.toward or past or upcoming or "nearest")
        if self.kind in ("int", "number"):
            if raw.strip().lower() in ("null", "~"):  # YAML's "not set", read as text: no number given
                return None
            expected = EXPECTED[self.kind] + _range(self.bounds)
            if _THOUSANDS.match(raw.strip()):  # 12,000 as an amount or a target is read: one rule for numbers
                raw = raw.replace(",", "")
            try:
                number = int(raw) if self.kind == "int" else float(raw)
            except ValueError:
                raise WrongKind(raw, expected) from None
            if number != number or number in (float("inf"), float("-inf")):
                raise WrongKind(raw, expected)  # nan, inf: float() reads them, nobody means them
            if self.bounds and not self.bounds[0] <= number <= self.bounds[1]:
                raise WrongKind(raw, expected)
            return number
        if self.kind == "money":
            return amounts.parse(raw, self.currency)
        if self.kind == "month":
            return month(raw)
        if self.kind == "bool":
            lowered = raw.lower()
            if lowered in ("true", "yes", "on"):
                return True
            if lowered in ("false", "no", "off"):
                return False
            raise WrongKind(raw, EXPECTED["bool"])
        if self.kind == "choice" and self.choices and raw not in self.choices:
            raise WrongKind(raw, either(self.choices), ", ".join(self.choices))
        return raw

    @property
    def example(self) -> str:
        """A value to show in a message about a wrong one: its own example, else its kind's."""
        return self.sample or (self.initial or self.choices or ("",))[0] or EXAMPLES.get(self.kind, "")


NOT_NEGATIVE = (0.0, math.inf)  # the bounds of a count: 0 or more
AT_LEAST_ONE = (1.0, math.inf)  # a period in days: 0 or fewer would be due before it began, for good
# A notice period longer than a year is longer than the yearly term a tool's cost is given for: a typo
# (600 for 60), or hours, never a contract. Lint warns from NOTICE_DAYS_USUAL on (stack.notice_doubts).
NOTICE_DAYS = (0.0, 365.0)


def _range(bounds: tuple[float, float] | None) -> str:
    """' from 0.25 to 3', ', 0 or more', or nothing: a field's bounds as its message says them."""
    if bounds is None:
        return ""
    return f", {bounds[0]:g} or more" if bounds[1] == math.inf else f" from {bounds[0]:g} to {bounds[1]:g}"


def out_of_order(
    doctype: DocType, values: dict[str, Any], changed: Iterable[str] | None = None
) -> list[tuple[str, str]]:
    """(field, why) for each value that breaks its relation to another field of the same document: a date
    not after the one it must follow (`Field.after`) or before the one it cannot precede (`Field.not_before`),
    a number above the one it cannot exceed (`Field.at_most`).
    With `changed`, only the relations that involve one of those fields."""
    found = []
    touched = None if changed is None else set(changed)
    title = values.get(doctype.title_field)
    for fld in doctype.fields:
        value = values.get(fld.name)
        named = fld.not_self and (touched is None or {fld.name, doctype.title_field} & touched)
        if named and isinstance(value, str) and isinstance(title, str) and spelling(value) == spelling(title):
            found.append((fld.name, f"'{value}' is this {doctype.name} itself: name someone else"))
        own = values.get("id")
        if (
            fld.kind in ("ref", "refs")
            and own
            and (touched is None or fld.name in touched)
            and own in fld.references(value)
        ):
            found.append((fld.name, f"{own} is this {doctype.name} itself: a document does not refer to itself"))
        other = fld.after or fld.not_before or fld.at_most
        if other is None or (touched is not None and not {fld.name, other} & touched):
            continue
        value, bound = values.get(fld.name), values.get(other)
        dated = isinstance(value, dt.date) and isinstance(bound, dt.date)
        if fld.after and dated and value <= bound:
            found.append((fld.name, f"{value} is not after the {doctype.name}'s {other} ({bound})"))
        elif fld.not_before and dated and value < bound:
            found.append((fld.name, f"{value} is before the {doctype.name}'s {other} ({bound})"))
        elif fld.at_most and _number(value) and _number(bound) and value > bound:
            found.append((fld.name, f"{value:g} is more than the {doctype.name}'s {other} ({bound:g})"))
    return found


def notice_passed(doctype: DocType, values: dict[str, Any], today: dt.date) -> list[str]:
    """Warnings for a notice period (`Field.notice_for`) whose last day has passed while the date it counts back
    from has not: 'notice_days 30: notice for the renewal on 2026-12-04 was due by 2026-11-04, …'."""
    found = []
    for fld in doctype.fields:
        days, day = values.get(fld.name), values.get(fld.notice_for or "")
        if fld.notice_for and isinstance(days, int) and not isinstance(days, bool) and isinstance(day, dt.date):
            due = day - dt.timedelta(days=days)
            if due < today <= day:
                found.append(f"warning: {fld.name} {days}: notice for the {fld.notice_for} on {day} was due by {due}, "
                             "which has passed: it renews as it is unless the vendor agrees otherwise")  # fmt: skip
    return found


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def spelling(text: str) -> str:
    """A choice's spelling in any case or spacing ("Mid Market", "MID_MARKET", "mid-market" are one)."""
    return re.sub(r"[\s_\-]+", "-", text.strip().casefold())


# What a value of each kind must be, and an example, said in the one message about a wrong one.
EXPECTED = {"int": "a whole number", "number": "a number", "bool": "true or false"}
EXAMPLES = {"int": "30", "number": "100", "bool": "true", "date": "2026-11-05", "month": "2026-12"}


class WrongKind(ValueError):
    """A value that is not of its field's kind: what it must be ('a number'), said the same way for every field."""

    def __init__(self, raw: str, expected: str, listed: str = "") -> None:
        super().__init__(f"'{raw}' is not {listed and 'one of: '}{listed or expected}")
        self.expected = expected


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month(raw: str) -> str:
    """A month as YYYY-MM (a prioritization cycle: 2026-12); WrongKind for anything else."""
    found = _MONTH.match(raw.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise WrongKind(raw, "a month written YYYY-MM")
    return found.group(0)


def _agreeing(expects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Expectations, refused when two name the same metric: both up and down (one can never be met), or
    twice one way (which target is judged?)."""
    ways: dict[str, list[dict[str, Any]]] = {}
    for e in expects:
        ways.setdefault(e["metric"], []).append(e)
    for metric, given in ways.items():
        if len({e["direction"] for e in given}) > 1:
            raise ValueError(f"'{metric}' is expected to go both up and down: keep the one the decision means")
        if len(given) > 1:
            said = " and ".join(_said(e) for e in given)
            raise ValueError(
                f"'{metric}' is given twice ({said}): give each metric once, with the target the decision means"
            )
    return expects


def _said(e: dict[str, Any]) -> str:
    """An expectation as a command line writes it without its metric: up:5000, down."""
    target = e.get("target")
    return e["direction"] + (f":{target:g}" if isinstance(target, (int, float)) else "")


def _expectation(item: Any) -> dict[str, Any]:
    """One expectation: METRIC:up|down[:TARGET] as a command line gives it, or the mapping a file holds."""
    if isinstance(item, str):
        parts = item.strip().rsplit(":", 2)
        if len(parts) == 3 and parts[1].strip().lower() in DIRECTIONS:
            metric, direction, target = parts
        elif len(parts) >= 2 and parts[-1].strip().lower() in DIRECTIONS:
            metric, direction, target = ":".join(parts[:-1]), parts[-1], None
        else:
            raise ValueError(f"'{item}' is not METRIC:up|down[:TARGET], e.g. '{EXPECTS_EXAMPLE}'")
        item = {"metric": metric, "direction": direction, "target": target}
    if not isinstance(item, dict) or not isinstance(item.get("metric"), str) or not item["metric"].strip():
        raise ValueError(f"an expectation is a metric, a direction and maybe a target, e.g. '{EXPECTS_EXAMPLE}'")
    direction = str(item.get("direction") or "").strip().lower()
    if direction not in DIRECTIONS:
        raise ValueError(f"'{item['metric']}': the direction must be up or down, e.g. '{EXPECTS_EXAMPLE}'")
    found: dict[str, Any] = {"metric": item["metric"].strip(), "direction": direction}
    if item.get("target") not in (None, ""):
        found["target"] = _finite(item["target"], f"'{item['metric']}': the target")
    return found


def _outcome(item: Any) -> dict[str, Any]:
    """One recorded verdict: the metric, the verdict, the value before the decision and the one judged."""
    if not isinstance(item, dict) or not isinstance(item.get("metric"), str):
        raise ValueError("an outcome is a mapping with metric, verdict, before, after and their dates")
    if item.get("verdict") not in VERDICTS:
        raise ValueError(f"'{item.get('verdict')}' is not a verdict: {', '.join(VERDICTS)}")
    found = {"metric": item["metric"], "verdict": item["verdict"]}
    if item.get("direction") not in (None, ""):  # what was expected when it was judged
        if item["direction"] not in ("up", "down"):
            raise ValueError(f"an outcome's direction is up or down, not '{item['direction']}'")
        found["direction"] = item["direction"]
    if item.get("target") not in (None, ""):
        found["target"] = _finite(item["target"], "target")
    for key in ("before", "after"):
        if item.get(key) not in (None, ""):
            found[key] = _finite(item[key], key)
        if item.get(f"{key}_date") not in (None, ""):
            found[f"{key}_date"] = dates.parse(str(item[f"{key}_date"]))
    return found


def _score(value: Any) -> float | int:
    """A tool's score as written: 4 stays 4 (written back as 4, not 4.0, when another score changes)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    number = float(value)
    return int(number) if number.is_integer() and "." not in str(value) else number


def _output(item: Any) -> dict[str, Any]:
    """One promised output: a check pmops knows, the period it is counted per, a target (how many per
    period: per PM for a -per-pm check) when not its default."""
    if not isinstance(item, dict) or not isinstance(item.get("check"), str):
        raise ValueError(f"an output is a mapping with check, per and maybe target, e.g. {OUTPUTS_EXAMPLE}")
    check = item["check"].strip().lower()
    if check not in OUTPUT_CHECKS:
        raise ValueError(f"'{item['check']}' is not an output check: {', '.join(OUTPUT_CHECKS)}")
    pers, _ = OUTPUT_CHECKS[check]
    per = str(item.get("per") or pers[0]).strip().lower()
    if per not in pers:
        raise ValueError(f"{check} is counted per {either(pers)}, not '{item.get('per')}'")
    found: dict[str, Any] = {"check": check, "per": per}
    if item.get("target") not in (None, ""):
        target = _finite(item["target"], f"{check}: the target")
        if target <= 0:
            raise ValueError(f"{check}: the target must be more than 0, not {item['target']}")
        found["target"] = target
    filters = OUTPUT_FILTERS.get(check, ())
    for key in filters:
        if item.get(key) not in (None, "", []):
            values = item[key] if isinstance(item[key], list) else [item[key]]
            if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) and str(v).strip() for v in values):
                raise ValueError(f"{check}: {key} is a value or a list of them, e.g. {{{key}: {_FILTER_SAMPLE[key]}}}")
            found[key] = [str(v).strip() for v in values]
    unknown = sorted(set(item) - {"check", "per", "target", *filters})
    if unknown:
        settings = ", ".join(("check", "per", "target", *filters))
        raise ValueError(f"{check}: '{unknown[0]}' is not a setting of an output ({settings})")
    return found


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def _finite(value: Any, what: str) -> float | int:
    """A number of an expectation or an outcome, as people write it (amounts.figure: 5000, 5,000, 5k,
    99.5%), written back as a number (5000, not 5000.0). A comma groups thousands only in groups of three,
    as amounts are read (99,5 is refused with 99.5 suggested, never read as 995)."""
    try:
        number = amounts.figure(str(value))
    except ValueError as exc:
        raise ValueError(f"{what} {exc}") from None
    return int(number) if float(number).is_integer() else number


@dataclass(frozen=True)
class Variant:
    """What one value of a type's variant field (a process's `kind`) adds to the type."""

    sections: tuple[str, ...] = ()
    defaults: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DocType:
    """A kind of document: where it lives, how its ids look, what it must contain."""

    name: str
    plural: str
    folder: str
    prefix: str
    fields: tuple[Field, ...]
    sections: tuple[str, ...] = ()  # required `## ` headings
    template: str = ""  # may name the variant: "process-{kind}.md.j2"
    title_field: str = "title"
    summary: tuple[str, ...] = ()  # columns shown in a listing, after id and title
    description: str = ""
    variant_field: str | None = None
    variants: dict[str, Variant] = field(default_factory=dict)
    writable: bool = True  # False: a page, whose foreign front-matter pmops reads but never checks nor rewrites
    unique_titles: bool = False  # no two documents share a title (a tool's name): refused on create, found by it
    duplicate: str = "already exists"  # what is said of a new document whose title is taken ("a tool named 'X' …")
    pii: bool = False  # holds what customers said: personal data is redacted on create and flagged by lint
    rules: tuple[str, ...] = ()  # the lint rules of its job it gets (ids from lint.rules.RULES)
    drafts: tuple[str, ...] = ()  # statuses of a document not decided yet: what it cites may be newer than it
    ended: tuple[str, ...] = ()  # statuses of a document nobody answers for any more (retired, left, complete)
    listing: str = ""  # the command listing its documents with their ids (default: pmops list NAME)
    made_by: str = ""  # the command that makes its documents, when `pmops new` cannot (a run copies its process)
    # Its lifecycle: a change only a command makes with its checks (a decision accepted from proposed, with the
    # day; superseded on both documents), keyed "field" (any value) or "field=value", and that command
    # ({ref}: the document). `pmops set` refuses it (exit 2) naming the command; `pmops edit` is the hand's way.
    lifecycle: dict[str, str] = field(default_factory=dict)
    aliases: str | None = (
        None  # the list field of the other names its documents go by (a customer's), matched as titles are
    )
    # What a command changing a document of it after it is made (set, mv, edit, archive) is told, when its
    # documents are records never changed (a ranking: `made_by` records it again); its fields fill it in.
    recorded: str = ""
    # Suffixes of files beside a document that are part of it (a metric's values: `ID-slug.csv`
    # beside `ID-slug.md`): pmops mv renames them and pmops rm removes them with it, in its commit.
    companions: tuple[str, ...] = ()

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def lifecycle_step(self, name: str, value: Any = None, *, archived: bool = False) -> str | None:
        """The command that makes this change when it is a step of the type's lifecycle (`lifecycle`: the
        field, any value of it, or this value), else None: `pmops set` refuses it, naming that command, and
        shell completion does not offer it. Archiving (`status=archived`) and bringing an `archived`
        document back (any status) are `set`'s own."""
        if name == "status" and (value == ARCHIVED or archived):
            return None
        command = self.lifecycle.get(name)
        if command is None and isinstance(value, str):
            command = self.lifecycle.get(f"{name}={value}")
        return command

    def settable(self, name: str) -> bool:
        """Whether `pmops set` takes this field at all: not the id, not the title (`pmops mv` renames the
        file with it), not a field only a lifecycle command changes (a decision's supersedes)."""
        return name not in ("id", self.title_field) and self.lifecycle.get(name) is None

    def unchangeable(self, values: dict[str, Any]) -> str | None:
        """Why a document of this type with these values is never changed once made (`recorded`), or None."""
        if not self.recorded:
            return None
        return self.recorded.format_map({f.name: values.get(f.name) or f.name.upper() for f in self.fields})

    def variant(self, values: dict[str, Any]) -> Variant:
        return self.variants.get(str(values.get(self.variant_field or "", "")), Variant())

    def sections_for(self, values: dict[str, Any]) -> tuple[str, ...]:
        """The headings a document of this type (and of its variant) must have."""
        return self.sections + self.variant(values).sections

    def template_for(self, values: dict[str, Any]) -> str:
        return (
            self.template.format(**{self.variant_field: values.get(self.variant_field)})
            if self.variant_field
            else self.template
        )

    @property
    def required(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)

    @property
    def list_command(self) -> str:
        return self.listing or f"pmops list {self.name}"

    def with_fields(self, extra: dict[str, Field]) -> DocType:
        """This type with fields added or overridden (from a KB's pmops.yaml)."""
        merged = {f.name: f for f in self.fields}
        merged.update(extra)
        return replace(self, fields=tuple(merged.values()))


# Markdown files no type claims (a handbook moved in from a wiki, a README): read, indexed,
# linted for what needs no type, never validated against a schema nor rewritten.
PAGE = DocType(
    name="page",
    plural="pages",
    folder="",
    prefix="",
    # links: meeting notes written as a page name the process (or any document) they record, as every type does
    fields=(Field("title"), Field("links", "refs", help="ids of related documents", ids_only=True)),
    description="A markdown file no type claims, kept as it is.",
    writable=False,
)

ID = Field("id", "text", required=True, help="unique id, made by pmops")
TITLE = Field("title", "text", required=True, help="a short, specific title")
TAGS = Field("tags", "tags", help="tags from taxonomy.yaml", option="--tag")
LINKS = Field("links", "refs", help="ids of related documents", option="--link")
ASKED_TAGS = replace(TAGS, ask=True)  # where a new document is usually tagged

INSIGHT = DocType(
    name="insight",
    plural="insights",
    folder="insights",
    prefix="ins",
    description="A customer insight: what was heard or seen, from whom, with the evidence.",
    fields=(
        ID,
        TITLE,
        Field("date", "date", required=True, default="today", past=True, help="when it was heard or seen"),
        Field(
            "source",
            "choice",
            required=True,
            choices=(
                "interview",
                "survey",
                "support-ticket",
                "sales-call",
                "usability-test",
                "analytics",
                "social",
                "other",
            ),
            help="where it came from",
        ),
        Field("customer", refers="customer", help="the customer or account (no personal data)", ask=True),
        # Choices with no list: any value, matched exactly; a KB narrows them in pmops.yaml.
        Field("segment", "choice", agrees_with="customer", help="customer segment, e.g. enterprise", ask=True),
        Field("area", "choice", help="product area it concerns", ask=True),
        ASKED_TAGS,
        Field("quote", "longtext", help="the customer's words, verbatim"),
        Field("author", default="author", help="who captured it"),
        Field(
            "sentiment", "choice", choices=("positive", "neutral", "negative", "mixed"), help="how the customer felt"
        ),
        Field("confidence", "choice", choices=("low", "medium", "high"), help="how strong the evidence is"),
        LINKS,
    ),
    template="insight.md.j2",
    summary=("date", "source", "tags", "segment", "area"),
    pii=True,
    rules=("source-key-duplicate", "customer-unknown", "customer-mismatch"),
    listing="pmops insight list",
)

# The product areas are one list: an insight's, as the KB narrows it; every other area field takes its choices.
INSIGHT_AREA = "insight.area"

PROCESS_KINDS = ("prioritization", "sprint-planning", "roadmap-review", "launch-checklist", "custom")
CADENCES = ("weekly", "biweekly", "monthly", "quarterly", "per-launch", "ad-hoc")

PROCESS = DocType(
    name="process",
    plural="processes",
    folder="processes",
    prefix="prc",
    description="How the team works — a ritual, a format, a checklist — with an owner, a cadence and a review date.",
    fields=(
        ID,
        TITLE,
        Field("kind", "choice", required=True, choices=PROCESS_KINDS, help="which proven template it follows"),
        Field(
            "owner",
            required=True,
            default="author",
            refers="person",
            responsible=True,
            help="who keeps it alive (default: you)",
        ),
        Field("cadence", "choice", choices=CADENCES, help="how often it runs", ask=True),
        Field("status", "choice", choices=("draft", "active", "retired"), default="active"),
        Field(
            "date",
            "date",
            default="today",
            toward="past",
            help="when it was first written; its cadence counts from here",
        ),
        Field(
            "last_reviewed",
            "date",
            default="today",
            past=True,
            help="when someone last checked it still matches reality",
        ),
        Field(
            "review_every_days",
            "int",
            default="config:review_every_days",
            help="days between reviews",
            sample="90",
            bounds=AT_LEAST_ONE,
        ),
        Field(
            "outputs",
            "outputs",
            help="what it promises to produce, checked by pmops process check: a list of {check, per, target}",
        ),
        ASKED_TAGS,
        LINKS,
    ),
    sections=("Purpose", "Roles", "Steps", "Inputs", "Outputs"),
    template="process-{kind}.md.j2",
    summary=("kind", "owner", "cadence", "status", "last_reviewed"),
    rules=("process-stale", "process-duplicate"),
    ended=("retired",),
    listing="pmops process list",
    variant_field="kind",
    variants={
        "prioritization": Variant(("Scoring",), {"cadence": "monthly"}),
        "sprint-planning": Variant((), {"cadence": "biweekly"}),
        "roadmap-review": Variant(("Agenda", "Decisions to record"), {"cadence": "quarterly"}),
        "launch-checklist": Variant(("Checklist",), {"cadence": "per-launch"}),
        "custom": Variant((), {"cadence": "ad-hoc"}),
    },
)

CHECKLIST = DocType(
    name="checklist",
    plural="checklist runs",
    folder="checklists",
    prefix="chk",
    description="One run of a launch checklist, for one launch: the items copied from the process, ticked as they are done.",
    fields=(
        ID,
        TITLE,
        Field("process", "ref", required=True, refers="process", help="the process whose checklist this run copies"),
        Field("for", required=True, help="the launch (or event) it is run for"),
        Field("started", "date", default="today", toward="past"),
        Field("status", "choice", choices=("open", "done"), default="open"),
        Field("completed", "date", toward="past", help="when the last item was ticked"),
        TAGS,
        LINKS,
    ),
    sections=("Checklist",),
    template="checklist.md.j2",
    summary=("for", "process", "status", "started"),
    listing="pmops checklist status",
    made_by="pmops checklist start PROCESS_ID --for NAME",
    lifecycle={"status=done": 'pmops checklist tick {ref} "ITEM" (the last item ticked completes the run)'},
)

DECISION_STATUSES = ("proposed", "accepted", "rejected", "superseded", "deprecated")

DECISION = DocType(
    name="decision",
    plural="decisions",
    folder="decisions",
    prefix="dec",
    description="A product decision, ADR-style: context, options, the decision and its consequences, with its evidence.",
    fields=(
        ID,
        TITLE,
        Field("date", "date", required=True, default="today", toward="past", help="when it was proposed or taken"),
        Field(
            "status",
            "choice",
            required=True,
            choices=DECISION_STATUSES,
            default="proposed",
            initial=("proposed", "accepted"),
            help="where it stands",
        ),
        Field("deciders", "list", refers="person", help="who decided", ask=True),
        Field("area", "choice", choices_of=INSIGHT_AREA, help="product area it concerns", ask=True),
        ASKED_TAGS,
        Field(
            "evidence", "refs", refers="insight", evidence=True, help="ids of the insights that justify it", ask=True
        ),
        Field(
            "opportunities",
            "refs",
            refers="opportunity",
            option="--opportunity",
            help="ids of the opportunities it addresses (the chain: insight, opportunity, decision, metric)",
        ),
        Field("supersedes", "refs", refers="decision", help="ids of the decisions it replaces"),
        Field("superseded_by", "refs", refers="decision", help="ids of the decisions that replace it"),
        Field(
            "expects",
            "expectations",
            refers="metric",
            help="what it should move: METRIC:up|down[:TARGET] (pmops decision review checks it)",
        ),
        Field(
            "review_date",
            "date",
            option="--review-by",
            after="date",
            toward="future",
            help="when to check it still holds, and what it moved by then (its expectations)",
        ),
        Field(
            "accepted",
            "date",
            toward="past",
            help="the day a proposed decision was accepted (pmops decision accept): its expectations are judged from it",
        ),
        Field(
            "reviewed", "date", toward="past", help="when its expectations were last reviewed (pmops decision review)"
        ),
        Field("outcomes", "outcomes", help="the verdict on each expectation at that review"),
        LINKS,
    ),
    sections=("Context", "Options considered", "Decision", "Consequences"),
    template="decision.md.j2",
    summary=("date", "status", "area", "deciders"),
    rules=("evidence-after-decision", "review-overdue", "decision-proposed-stale"),
    drafts=("proposed",),
    listing="pmops decision list",
    lifecycle={
        "status=accepted": "pmops decision accept {ref} (a proposed decision only)",
        "status=rejected": "pmops decision reject {ref} (a proposed decision only)",
        "status=superseded": "pmops decision supersede {ref} NEW (both decisions name each other)",
        "supersedes": "pmops decision supersede OLD {ref} (both decisions name each other)",
        "superseded_by": "pmops decision supersede {ref} NEW (both decisions name each other)",
    },
)

ROLES = ("pm", "product-ops", "design", "eng", "support", "sales", "leadership", "other")

PERSON = DocType(
    name="person",
    plural="people",
    folder="people",
    prefix="per",
    description="A member of the product organisation: role, area, manager, start and end dates.",
    fields=(
        ID,
        Field("name", required=True, help="full name"),
        Field("role", "choice", required=True, choices=ROLES, default="pm", help="what they do"),
        Field("area", "choice", choices_of=INSIGHT_AREA, help="product area", staffing=True, ask=True),
        Field("start", "date", help="first day in the team", ask=True),  # nearest: a hire may start next week
        Field("end", "date", not_before="start", help="last day in the team (pmops person leave)"),
        Field("manager", refers="person", responsible=True, not_self=True, help="their manager's name", ask=True),
        Field("status", "choice", choices=("active", "left"), default="active", help="left: no longer in the team"),
        TAGS,
        LINKS,
    ),
    template="person.md.j2",
    ended=("left",),
    title_field="name",
    summary=("role", "area", "manager", "start", "end"),
    listing="pmops person list",
    unique_titles=True,
    lifecycle={"status=left": "pmops person leave {ref} --date YYYY-MM-DD (their last day, with the status)"},
)

ONBOARDING = DocType(
    name="onboarding",
    plural="onboarding plans",
    folder="onboarding",
    prefix="onb",
    description="A new PM's 30/60/90-day plan, with a reading list drawn from the knowledge base.",
    fields=(
        ID,
        TITLE,
        Field("person", "ref", required=True, refers="person", help="the person being onboarded"),
        Field("start", "date", required=True),
        Field("area", "choice", choices_of=INSIGHT_AREA, help="the product area they join", staffing=True, ask=True),
        Field("buddy", refers="person", responsible=True, help="a peer who answers the everyday questions", ask=True),
        Field("manager", refers="person", responsible=True, help="their manager", ask=True),
        Field("status", "choice", choices=("active", "complete"), default="active"),
        Field("day30_completed", "date", toward="past", help="when the Week 1 and Day 30 steps were all done"),
        Field("completed", "date", toward="past", help="when the last step was done"),
        LINKS,
    ),
    sections=("Week 1", "Day 30", "Day 60", "Day 90", "Reading list"),
    template="onboarding.md.j2",
    ended=("complete",),
    summary=("start", "area", "status", "buddy"),
    listing="pmops onboard status",
    made_by="pmops onboard new-pm NAME --start YYYY-MM-DD",
    lifecycle={"status=complete": "pmops onboard done PERSON STEP (the last step done completes the plan)"},
)

TOOL_CATEGORIES = (
    "roadmapping",
    "research",
    "analytics",
    "experimentation",
    "feedback",
    "design",
    "collaboration",
    "documentation",
    "other",
)

TOOL = DocType(
    name="tool",
    plural="tools",
    folder="tools",
    prefix="tol",
    description="A tool of the product stack: category, owner, status, cost, seats, renewal and notice, integrations, scores.",
    fields=(
        ID,
        Field("name", required=True),
        Field("category", "choice", required=True, choices=TOOL_CATEGORIES, help="what kind of tool it is"),
        Field(
            "job",
            help="the job it does, e.g. product analytics, BI dashboards; two adopted tools with one job overlap",
            ask=True,
        ),
        Field("owner", refers="person", responsible=True, help="who administers it", ask=True),
        Field(
            "status",
            "choice",
            choices=("evaluating", "adopted", "retired"),
            default="evaluating",
            help="where it stands",
        ),
        Field("cost", "money", help="cost per year, e.g. 24000, $24,000, 24k", ask=True, sample="24000"),
        Field("seats", "int", help="seats bought", sample="25", bounds=NOT_NEGATIVE),
        Field(
            "seats_used",
            "int",
            bounds=NOT_NEGATIVE,
            at_most="seats",
            help="seats in use (active users): the cost per active seat divides by it",
        ),
        Field("renewal", "date", toward="future", upcoming=True, help="next renewal date"),
        Field(
            "notice_days",
            "int",
            bounds=NOTICE_DAYS,
            notice_for="renewal",
            help="days before the renewal that notice must be given (0 to 365): the day to decide by",
        ),
        Field("integrates_with", "refs", refers="tool", help="ids of the tools it exchanges data with"),
        Field("scores", "scores", help="criterion: score (0-5), or pass/fail for a must-pass criterion"),
        TAGS,
        LINKS,
    ),
    template="tool.md.j2",
    ended=("retired",),
    rules=("tool-notice-suspicious",),
    title_field="name",
    summary=("category", "status", "owner", "cost", "renewal"),
    unique_titles=True,
    duplicate="is already in the registry",
    listing="pmops tool list",
)

METRIC_CADENCES = ("daily", "weekly", "biweekly", "monthly", "quarterly", "yearly")

METRIC = DocType(
    name="metric",
    plural="metrics",
    folder="metrics",
    prefix="met",
    description="A product metric: definition, owner, unit, target, direction, and its place in the metric tree.",
    fields=(
        ID,
        Field("name", required=True),
        Field("definition", "longtext", required=True, help="exactly what is counted, and how"),
        Field("owner", required=True, refers="person", responsible=True, help="who answers for it"),
        Field("unit", required=True, help="%, users, EUR, days …"),
        Field("source", help="where the numbers come from"),
        Field("target", "number", help="the value to reach", ask=True, sample="5000"),
        Field("direction", "choice", choices=("up", "down"), default="up", help="which way is good"),
        Field(
            "cadence",
            "choice",
            choices=METRIC_CADENCES,
            help="how often a value is recorded (a later one is stale)",
            ask=True,
        ),
        Field(
            "parent", "ref", refers="metric", help="the metric above it in the tree (the north star has none)", ask=True
        ),
        Field("area", "choice", choices_of=INSIGHT_AREA, help="product area it measures"),
        TAGS,
        LINKS,
    ),
    template="metric.md.j2",
    title_field="name",
    summary=("owner", "unit", "target", "direction"),
    unique_titles=True,
    rules=(
        "metric-value-invalid",
        "metric-value-future",
        "metric-value-missing",
        "metric-value-duplicate",
        "metric-value-format",
        "metric-value-range",
        "metric-stale",
    ),
    companions=(".csv",),
    listing="pmops metric list",
)

CUSTOMER = DocType(
    name="customer",
    plural="customers",
    folder="customers",
    prefix="cus",
    description="A customer account: segment, plan, ARR, renewal, account owner, and the other names insights use for it.",
    fields=(
        ID,
        Field("name", required=True, help="the account's name, as the CRM has it"),
        Field("aliases", "list", help="other names insights use for it (ACME, Acme Europe)"),
        Field("segment", "choice", choices_of="insight.segment", help="customer segment (the insights' choices)"),
        Field("plan", help="the plan they are on"),
        Field("arr", "money", help="annual recurring revenue, e.g. 120000, $120,000, 120k or 1.2M"),
        Field("renewal", "date", upcoming=True, help="the next renewal date"),
        # Account owners are in sales, not on the product roster: kept as the CRM writes them, never
        # checked against people/ (a KB whose owners are on it says `owner: {refers: person}`).
        Field("owner", responsible=True, help="the account owner (a name, as the CRM has it)"),
        TAGS,
        LINKS,
    ),
    template="customer.md.j2",
    title_field="name",
    summary=("arr", "renewal", "segment", "owner", "plan"),
    unique_titles=True,
    duplicate="is already in the register",
    listing="pmops customer list",
    aliases="aliases",
    rules=("customer-name-duplicate",),
)

OPPORTUNITY_STATUSES = ("discovery", "planned", "in-progress", "shipped", "dropped")
# The scales of the terms a person enters (docs/prioritization.md): RICE's impact, effort in
# person-months, and WSJF's relative terms (SAFe's modified Fibonacci 1, 2, 3, 5, 8, 13, 20).
IMPACT_SCALE = (0.25, 3.0)  # 3 massive, 2 high, 1 medium, 0.5 low, 0.25 minimal
EFFORT_SCALE = (0.25, 100.0)  # person-months of engineering and design
WSJF_SCALE = (1.0, 20.0)

OPPORTUNITY = DocType(
    name="opportunity",
    plural="opportunities",
    folder="opportunities",
    prefix="opp",
    description="A customer problem worth solving, with the insights that show it and the terms that rank it.",
    fields=(
        ID,
        TITLE,
        Field("problem", "longtext", help="the customer problem, in a sentence or two", ask=True),
        Field("area", "choice", required=True, choices_of="insight.area", help="the product area it concerns"),
        Field(
            "status",
            "choice",
            choices=OPPORTUNITY_STATUSES,
            default="discovery",
            help="where it stands; shipped and dropped ones are not ranked",
        ),
        Field(
            "owner",
            refers="person",
            default="teammate",
            responsible=True,
            help="who owns the problem (default: you, when you are on the roster; else none)",
        ),
        Field(
            "evidence",
            "refs",
            refers="insight",
            evidence=True,
            help="ids of the insights that show the problem",
            ask=True,
        ),
        Field(
            "impact",
            "number",
            bounds=IMPACT_SCALE,
            sample="1",
            help="RICE and ICE: 3 massive, 2 high, 1 medium, 0.5 low, 0.25 minimal",
        ),
        Field("effort", "number", bounds=EFFORT_SCALE, sample="2", help="person-months, from 0.25 to 100"),
        Field(
            "business_value",
            "number",
            bounds=WSJF_SCALE,
            sample="8",
            help="WSJF: value to customers and the business, 1 to 20",
        ),
        Field(
            "time_criticality", "number", bounds=WSJF_SCALE, sample="5", help="WSJF: how fast the value decays, 1 to 20"
        ),
        Field(
            "risk_reduction",
            "number",
            bounds=WSJF_SCALE,
            sample="3",
            help="WSJF: risk reduction or opportunity enablement, 1 to 20",
        ),
        Field("job_size", "number", bounds=WSJF_SCALE, sample="5", help="WSJF: the size of the work, 1 to 20"),
        ASKED_TAGS,
        LINKS,
    ),
    template="opportunity.md.j2",
    summary=("area", "status", "owner", "impact", "effort"),
    rules=("evidence-missing", "opportunity-duplicate"),
    ended=("shipped", "dropped"),
    listing="pmops opportunity list",
)

PRIORITIZATION_METHODS = ("rice", "ice", "wsjf")

RANKING = DocType(
    name="ranking",
    plural="rankings",
    folder="rankings",
    prefix="rnk",
    description="One cycle's ranking of opportunities, with the inputs that produced it: a record never rewritten.",
    fields=(
        ID,
        TITLE,
        Field("cycle", "month", required=True, help="the cycle it ranks, YYYY-MM: one ranking per cycle and area"),
        Field("method", "choice", required=True, choices=PRIORITIZATION_METHODS, help="how it was scored"),
        Field("date", "date", required=True, default="today", toward="past", help="when it was made"),
        Field(
            "as_of", "date", help="the day its evidence was counted to (the cycle's last day, or the day it was made)"
        ),
        Field("area", "choice", choices_of="insight.area", help="the one area it ranks (none: every area)"),
        Field("currency", "text", help="the currency its ARR is in (the KB's currency when it was made)"),
        Field("arr_unit", "money", help="the ARR Reach counted as one customer (none kept: 100,000)"),
        Field("ranked", "rows", help="each opportunity: its rank, score, terms and evidence ids, as they were"),
        LINKS,
    ),
    template="ranking.md.j2",
    summary=("cycle", "method", "date", "area"),
    rules=("ranking-edited", "ranking-duplicate"),
    listing="pmops list ranking",
    made_by="pmops prioritize --cycle YYYY-MM",
    recorded="a recorded ranking never changes; pmops prioritize --cycle {cycle} --force records it again",
)

BUILTIN: tuple[DocType, ...] = (
    INSIGHT, PROCESS, CHECKLIST, DECISION, PERSON, ONBOARDING, TOOL, METRIC, CUSTOMER, OPPORTUNITY, RANKING,
)  # fmt: skip

# The status of a document kept for the record (`pmops archive`): hidden from listings, search
# and reports unless asked for (--all, --archived). Every writable type can take it.
ARCHIVED = "archived"


def with_archived(doctype: DocType) -> DocType:
    """The type with `archived` among its statuses; a type without a `status` field gets one
    whose only choice is `archived` (its documents are live while they have none)."""
    if not doctype.writable:
        return doctype
    status = doctype.field("status")
    if status is None:
        added = Field("status", "choice", choices=(ARCHIVED,), help="archived: kept for the record, hidden from lists")
        return doctype.with_fields({"status": added})
    if status.kind != "choice" or not status.choices or ARCHIVED in status.choices:
        return doctype
    return doctype.with_fields({"status": replace(status, choices=(*status.choices, ARCHIVED))})
