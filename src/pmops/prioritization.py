"""Prioritization from evidence: opportunities ranked by RICE, ICE or WSJF, Reach and Confidence
computed from their linked insights; each cycle's ranking kept as a committed document with
the inputs that produced it, and two cycles compared (what moved, by how much, and why).

The formulas are written in docs/prioritization.md; `Row.explain` says them with a row's numbers.

(Over 400 lines: the three methods share one Row and its evidence terms, and the ranking document and
the diff read exactly those; split apart, each part would import the others' internals.)
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from pmops import amounts, customers, doctypes
from pmops.errors import Conflict, InvalidInput, NotFound, PmopsError, not_a_choice
from pmops.text import count, kept, markdown_cell, markdown_literal, whole

if TYPE_CHECKING:
    from pmops.accounts import Register
    from pmops.kb import KnowledgeBase, Record

METHODS = doctypes.PRIORITIZATION_METHODS
OPPORTUNITY, RANKING, INSIGHT = "opportunity", "ranking", "insight"
RANKED = ("discovery", "planned", "in-progress")  # the statuses ranked; shipped and dropped ones are listed, unranked
# Reach: every ARR_UNIT of ARR behind an opportunity counts as one more customer. The KB's `prioritization:
# {arr_unit: …}` in pmops.yaml, in its currency; when not given, 100,000 in a currency near the dollar (USD, EUR,
# GBP, CHF, CAD …), and in the others as many of its units as make about as much (amounts.SCALE: 10,000,000 yen,
# not 100,000, which is 650 dollars). A ranking keeps the unit it used; one recorded before rankings kept it used
# 100,000.
ARR_UNIT = 100_000
RECENT_DAYS = 180  # Confidence: evidence heard in the 180 days up to the ranking's day is recent
FULL_VOLUME, FULL_VARIETY, FULL_BREADTH = 5, 3, 3  # Confidence: insights, sources, segments that count in full
INPUTS = {"rice": ("impact", "effort"), "ice": ("impact", "effort"),
          "wsjf": ("business_value", "time_criticality", "risk_reduction", "job_size")}  # fmt: skip
ENTERED = ("impact", "effort", "business_value", "time_criticality", "risk_reduction", "job_size")
FORMULAS = {
    "rice": "RICE = Reach × Impact × Confidence ÷ Effort",
    "ice": "ICE = Impact × Confidence × Ease, Ease = 1 ÷ Effort",
    "wsjf": "WSJF = (Business value + Time criticality + Risk reduction) ÷ Job size",
}


def arr_unit(kb: KnowledgeBase) -> int | float:
    """The ARR that counts as one more customer in Reach: pmops.yaml's `prioritization.arr_unit`, else the
    default of the KB's currency (ARR_UNIT, scaled by amounts.SCALE)."""
    return kb.config.arr_unit or ARR_UNIT * amounts.SCALE.get(kb.config.currency, 1)


def _r(value: float) -> float:
    """Terms and scores are kept to 2 decimals, rounded half up as a person does by hand (3.625 ->
    3.63, where Python's round gives 3.62); a score is computed from its terms as kept."""
    from decimal import ROUND_HALF_UP, Decimal

    return float(Decimal(repr(value + 0.0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) + 0.0


def _number(value: Any) -> float | None:
    """A stored number (YAML gives strings), or None."""
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Voice:
    """One distinct customer an opportunity's evidence names: the register's record (id, name, ARR), or a
    name the register does not have (no id, as the first insight wrote it, no ARR). A customer archived in the
    register (lost) keeps its ARR, marked `archived`: a voice still, its ARR not counted (`counted`)."""

    name: str
    id: str | None = None
    arr: float = 0
    archived: bool = False

    @property
    def counted(self) -> float:
        """The ARR Reach counts of it: none for an archived customer (a ranking recorded before the mark was kept
        wrote such a customer's ARR as 0)."""
        return 0.0 if self.archived else self.arr

    @property
    def key(self) -> str:
        """The same customer in two rankings: its register id, else its name's key (customers.key)."""
        return self.id or customers.key(self.name) or self.name

    def stored(self) -> dict[str, Any]:
        """As a ranking keeps it: id, name and ARR (and `archived: true` for a customer archived in the register);
        a name the register does not have, its name alone."""
        if self.id is None:
            return {"name": self.name}
        kept_arr = int(self.arr) if float(self.arr).is_integer() else self.arr
        return {"id": self.id, "name": self.name, "arr": kept_arr, **({"archived": True} if self.archived else {})}

    @classmethod
    def from_stored(cls, data: Any) -> Voice | None:
        if not isinstance(data, dict) or not data.get("name"):
            return None
        known = data.get("id") not in (None, "", "null")
        lost = str(data.get("archived")).strip().lower() == "true"  # YAML gives every value as a string
        return cls(str(data["name"]), str(data["id"]) if known else None, _number(data.get("arr")) or 0.0, lost)


# A row's values said by --explain and --json but not kept in a ranking document.
SAID_NOT_KEPT = ("archived", "lapsed", "arr_unit", "unregistered", "later", "counted_to")


@dataclass(frozen=True)
class Row:
    """One opportunity in a ranking: what its evidence added up to, the terms entered, its score."""

    id: str
    title: str
    status: str
    area: str | None = None
    evidence: tuple[str, ...] = ()  # the insights counted (linked and heard by the ranking's day)
    customers: int = 0  # distinct customers they name (the register's aliases as that customer)
    # Those customers, largest ARR first, then by name. None: a ranking recorded before pmops kept them
    # (its diff says Reach by counts).
    accounts: tuple[Voice, ...] | None = None
    unnamed: int = 0  # of the insights, those naming no customer: one voice each
    arr: float = 0  # the ARR of the distinct customers of the register they name
    sources: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    recent: int = 0  # insights heard within RECENT_DAYS of the ranking's day
    reach: float = 0
    confidence: float = 0
    impact: float | None = None
    effort: float | None = None
    business_value: float | None = None
    time_criticality: float | None = None
    risk_reduction: float | None = None
    job_size: float | None = None
    score: float | None = None
    rank: int | None = None
    missing: tuple[str, ...] = ()  # the terms its method needs that it has not been given
    # The terms its file gives a value that is not of their scale, each said with it and the scale:
    # "effort '-3' (a number from 0.25 to 100)". Not a term for the ranking: it says so, unranked.
    invalid: tuple[str, ...] = ()
    # Linked insights left out as archived (`pmops archive`): said by --explain and --json, not kept in a
    # ranking document (its `evidence` lists what was counted).
    archived: int = 0
    # Customers of the register archived (lost): still a voice, their ARR left out. Said, not kept (like archived).
    lapsed: int = 0
    # The ARR counted as one customer in Reach: the ranking's (kept once, beside its rows, not in each row).
    arr_unit: int | float = ARR_UNIT
    # The customers counted that the register does not have, as written; ranked with `suggest` (--explain), each
    # with the registered name lint offers for it when one is close: "Zephyer Logistics (did you mean 'ZEPHYR
    # Logistics'?)". Said, not kept (the ranking's `accounts` keep them, without an id).
    unregistered: tuple[str, ...] = ()
    # Linked insights left out as heard after the day the evidence is counted to (`counted_to`, ISO): said by
    # --explain and --json, not kept (like archived).
    later: int = 0
    counted_to: str = ""

    @property
    def insights(self) -> int:
        return len(self.evidence)

    @property
    def cost_of_delay(self) -> float | None:
        terms = (self.business_value, self.time_criticality, self.risk_reduction)
        return None if any(t is None for t in terms) else sum(t for t in terms if t is not None)

    @property
    def unranked(self) -> str | None:
        """Why it has no rank: its status, or the terms it lacks; None when ranked."""
        if self.status not in RANKED:
            return self.status
        why = [f"invalid {term}" for term in self.invalid]
        if self.missing:
            why.append("missing " + ", ".join(self.missing))
        return "; ".join(why) or None

    def weight(self) -> dict[str, Any]:
        """What its evidence adds up to as a ranking counts it (`opportunity show --json`'s evidence_summary)."""
        arr = int(self.arr) if float(self.arr).is_integer() else self.arr
        return {"reach": self.reach, "confidence": self.confidence, "arr": arr, "unnamed": self.unnamed,
                "accounts": [v.stored() for v in self.accounts or ()],
                "counted": list(self.evidence), "explain": self.explain("rice")[:2]}  # fmt: skip

    def explain(self, method: str) -> list[str]:
        """The formula with this row's numbers, one line per term (what --explain prints)."""
        arr = f" + {_money(self.arr)} ÷ {_money(self.arr_unit)}" if self.arr else ""
        asides = [f"{count(self.archived, 'archived insight')} left out"] if self.archived else []
        if self.later:
            asides.append(f"{count(self.later, 'insight')} heard after {self.counted_to} left out")
        asides += [f"the ARR of {count(self.lapsed, 'archived customer')} left out"] if self.lapsed else []
        if self.unregistered:
            asides.append(f"{len(self.unregistered)} not in the register: {', '.join(self.unregistered)}")
        aside = f" ({'; '.join(asides)})" if asides else ""
        lines = [
            f"Reach {kept(self.reach)} = {count(self.customers, 'customer')} + {count(self.unnamed, 'unnamed insight')}"
            f"{arr}{aside}",
            f"Confidence {kept(self.confidence)} = (volume {min(self.insights, FULL_VOLUME)}/{FULL_VOLUME}"
            f" + sources {min(len(self.sources), FULL_VARIETY)}/{FULL_VARIETY}"
            f" + segments {min(len(self.segments), FULL_BREADTH)}/{FULL_BREADTH}"
            f" + recent {self.recent}/{self.insights or 0}) ÷ 4",
        ]
        if self.score is None:
            return [*lines, f"{method.upper()}: not scored, {self.unranked}"]
        if method == "rice":
            lines.append(
                f"RICE {kept(self.score)} = {kept(self.reach)} × {kept(self.impact)} × {kept(self.confidence)} ÷ {kept(self.effort)}"
            )
        elif method == "ice":
            lines.append(
                f"ICE {kept(self.score)} = {kept(self.impact)} × {kept(self.confidence)} × 1 ÷ {kept(self.effort)}"
            )
        else:
            lines.append(f"WSJF {kept(self.score)} = ({kept(self.business_value)} + {kept(self.time_criticality)} + "
                         f"{kept(self.risk_reduction)}) ÷ {kept(self.job_size)}")  # fmt: skip
        return lines

    def stored(self) -> dict[str, Any]:
        """The row as a ranking document keeps it (every key, in order; no value left out)."""
        data: dict[str, Any] = {}
        for f in fields(self):
            if f.name in SAID_NOT_KEPT:  # not inputs (what was counted is `evidence` and `accounts`), or the
                continue  # ranking's (its arr_unit)
            value = getattr(self, f.name)
            if f.name == "accounts":
                value = [v.stored() for v in value or ()]
            elif isinstance(value, tuple):
                value = list(value)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            data[f.name] = value
        return data

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Row:
        """A row as a ranking document holds it (YAML gave every value as a string)."""
        numbers = {"arr", "reach", "confidence", "score", *ENTERED}
        whole = {"customers", "unnamed", "recent", "rank", "archived", "lapsed"}
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in ("arr_unit", "unregistered", "later", "counted_to"):
                continue  # the ranking's: from_record sets it; not kept
            raw = data.get(f.name)
            if f.name in numbers:
                value: Any = _number(raw)
                values[f.name] = 0.0 if value is None and f.name in ("arr", "reach", "confidence") else value
            elif f.name in whole:
                number = _number(raw)
                values[f.name] = None if number is None and f.name == "rank" else int(number or 0)
            elif f.name == "accounts":
                voices = [Voice.from_stored(v) for v in raw] if isinstance(raw, list) else None
                values[f.name] = None if voices is None else tuple(v for v in voices if v is not None)
            elif f.name in ("evidence", "sources", "segments", "missing", "invalid"):
                values[f.name] = tuple(str(v) for v in raw or [] if v not in (None, ""))
            else:
                values[f.name] = None if raw in (None, "") and f.name == "area" else str(raw or "")
        if values.get("accounts"):  # the customers kept archived: their ARR was left out, as --explain said
            values["lapsed"] = sum(v.archived for v in values["accounts"])
        return cls(**values)

    def to_json(self, method: str, explain: bool = False) -> dict[str, Any]:
        data = {
            **self.stored(),
            "insights": self.insights,
            "unranked": self.unranked,
            "archived": self.archived,
            "archived_customers": self.lapsed,
            "later": self.later,
            "not_in_register": list(self.unregistered),
        }
        if explain:
            data["explain"] = self.explain(method)
        return data


def _money(amount: float) -> str:
    return f"{amount:,.0f}"


def named(voices: Iterable[Any], most: int = 5, currency: str | None = None) -> str:
    """Customers as a page lists them: 'Atlas Freight Inc. (312,000), Harbor Dental Group (46,000), Initech'
    (ARR where the register gives one), past `most` '… N more'. Anything with a name and an arr. With the
    KB's `currency`, the amounts say it ($312,000), as the website and the report show money."""
    money = _money if currency is None else functools.partial(amounts.shown, currency=currency)
    said = [f"{v.name} ({money(v.arr)})" if getattr(v, "counted", v.arr) else v.name for v in voices]
    return _few(said, most)


@dataclass
class Ranking:
    """Opportunities ranked by one method for a cycle: ranked rows first, by rank; then the others."""

    method: str
    cycle: str | None  # None: a preview, not recorded
    date: dt.date
    as_of: dt.date
    area: str | None = None
    rows: list[Row] = field(default_factory=list)
    id: str | None = None  # the ranking document's, once recorded (or read)
    path: str | None = None
    commit: str | None = None
    replaced: str | None = None  # the path of the ranking of the same cycle it replaced (--force)
    # The ARR Reach counted as one customer (ARR_UNIT: one recorded before rankings kept it)
    arr_unit: int | float = ARR_UNIT
    currency: str | None = None  # the KB's currency its ARR is in (None: one recorded before it was kept)
    # What to warn of on stderr, one line per customer: an ARR it counts too large to be meant (doubtful). Not kept.
    warnings: tuple[str, ...] = ()

    @property
    def ranked(self) -> list[Row]:
        return [r for r in self.rows if r.rank is not None]

    @property
    def unranked(self) -> list[Row]:
        return [r for r in self.rows if r.rank is None]

    def row(self, opportunity: str) -> Row | None:
        return next((r for r in self.rows if r.id == opportunity), None)

    @property
    def formula(self) -> str:
        return FORMULAS[self.method]

    @property
    def backfilled(self) -> bool:
        """Made after the day its evidence is counted to (`--backfill`: after its cycle ended, or with a --today
        before the day it was made): its links, estimates and statuses are of the day it was made."""
        return self.cycle is not None and (self.date > self.as_of or self.date > cycle_end(self.cycle))

    def to_json(self, explain: bool = False) -> dict[str, Any]:
        return {
            "cycle": self.cycle, "method": self.method, "formula": self.formula, "date": self.date.isoformat(),
            "as_of": self.as_of.isoformat(), "area": self.area, "id": self.id, "path": self.path,
            "commit": self.commit, "replaced": self.replaced, "backfilled": self.backfilled,
            "arr_unit": whole(self.arr_unit), "currency": self.currency,
            "rows": [r.to_json(self.method, explain) for r in self.rows],
        }  # fmt: skip


def cycle_end(cycle: str) -> dt.date:
    year, month = (int(p) for p in cycle.split("-"))
    return dt.date(year, month, calendar.monthrange(year, month)[1])


FIRST_YEAR, LAST_YEAR = 1970, 2999  # a cycle's year: a team's, not a date library's edge (0001-01 overflowed)


def _cycle(raw: str, name: str = "--cycle") -> str:
    """A cycle as YYYY-MM; InvalidInput naming the option or argument that gave it (`name`)."""
    example = f"{name} 2026-12" if name.startswith("--") else "2026-12"
    try:
        cycle = doctypes.month(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a month written YYYY-MM, e.g. {example} (not '{raw}')") from None
    if not FIRST_YEAR <= int(cycle[:4]) <= LAST_YEAR:
        raise InvalidInput(f"{name} must be a month of the years {FIRST_YEAR} to {LAST_YEAR}, e.g. {example} "
                           f"(not '{raw}')")  # fmt: skip
    return cycle


def rank(
    kb: KnowledgeBase,
    method: str = "rice",
    *,
    area: str | None = None,
    cycle: str | None = None,
    today: dt.date | None = None,
    suggest: bool = False,
) -> Ranking:
    """The opportunities (of one area, when given; archived ones left out) ranked by a method.

    Evidence counts up to the ranking's day: `today` (the real day when not given), or the last day of a
    past cycle (an insight heard after it is not counted). With a cycle (to be recorded) the ranking's
    `date` is the real day, whatever `today` says: a `today` after it is refused (InvalidInput), one
    before it makes a backfilled ranking (evidence to that day, links and estimates of the real one).

    Ranked: the opportunities in discovery, planned or in progress that have every term their method needs, by score (highest first); ties broken by
    Confidence (RICE, ICE) or cost of delay (WSJF), higher first, then by Effort (RICE, ICE) or
    Job size (WSJF), lower first, then by id. The others follow, by id, saying why they are not ranked.
    `suggest` (--explain): each customer name the register lacks says the close registered one, when one is
    (difflib over the register: asked only then, as a ranking of thousands of insights is asked often).
    """
    method = method.strip().lower()  # RICE, as the docs write it
    if method not in METHODS:
        raise not_a_choice("--method", METHODS)
    from pmops import dates

    area = canonical_area(kb, area)  # --area Approvals: the area approvals, stored and compared so
    real = dates.today()
    day = today or real
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(f"--today must be a day of the years {FIRST_YEAR} to {LAST_YEAR} (not {day})")
    cycle = _cycle(cycle) if cycle is not None else None
    if cycle is not None and day > real:  # a recorded ranking is made today: a day to come has not happened
        raise InvalidInput(
            f"--today {day} is after today ({real}): a ranking recorded with --cycle is made today",
            hint=f"without --cycle, 'pmops prioritize --today {day}' previews that day; nothing is written",
        )
    noted: tuple[str, ...] = ()
    if cycle is not None and today is not None and today != real:  # a backfill's day: one of its cycle
        began = cycle_end(cycle).replace(day=1)
        if today < began:  # 09-01 typed for 10-01 would be recorded for good
            raise InvalidInput(
                f"--today {today} is before {cycle} began ({began}): a ranking of {cycle} counts its evidence "
                "to a day of it",
                hint=f"e.g. --today {cycle_end(cycle)}, or --cycle {today.strftime('%Y-%m')} for that day's month",
            )
        if today > cycle_end(cycle):
            noted = (f"note: --today {today} is after {cycle} ended: its evidence is counted to {cycle_end(cycle)}",)
    as_of = min(day, cycle_end(cycle)) if cycle else day
    made = real if cycle else day  # recorded: its date is the day it was made, whatever --today says
    doctype = kb.doctype(OPPORTUNITY)
    from pmops import accounts

    with kb.records_kept(kb.state_dir):  # thousands of insights: those unchanged since the last ranking are not parsed
        opportunities = kb.select(doctype, {"area": area} if area else None)
        wanted = {str(ref) for o in opportunities for ref in o.values.get("evidence") or []}
        insights = evidence_records(kb, wanted)
        register = accounts.register(kb)
    unit = arr_unit(kb)
    rows = [score(_row(o, insights, register, as_of, unit), method) for o in opportunities]
    if suggest and register:  # the close registered name of each name the register lacks, asked once a name
        close = {name: register.closest(name) for name in {n for r in rows for n in r.unregistered}}
        said = {name: name + (f" (did you mean '{match}'?)" if match else "") for name, match in close.items()}
        rows = [replace(r, unregistered=tuple(said[n] for n in r.unregistered)) for r in rows]
    return Ranking(method, cycle, made, as_of, area, ordered(rows, method), arr_unit=unit, currency=kb.config.currency,
                   warnings=noted + doubtful(kb, rows))  # fmt: skip


def doubtful(kb: KnowledgeBase, rows: Iterable[Row]) -> tuple[str, ...]:
    """One warning per customer whose ARR the rows count and is too large to be meant, by the rule customer
    import, set and lint use (Field.doubtful: a billion or more, cents?): 'warning: Tau: arr 9,500,000,000 USD
    is a billion or more: cents, or a decimal point lost? counted in Reach as given'."""
    from pmops import accounts

    arr = kb.doctype(accounts.TYPE).field("arr")
    said: dict[str, str] = {}
    for voice in (v for row in rows for v in row.accounts or () if v.id and v.counted):
        if voice.id not in said and arr is not None and (doubt := arr.doubtful(whole(voice.arr))):
            said[voice.id] = f"warning: {voice.name}: {doubt} counted in Reach as given"
    return tuple(said.values())


def weigh(kb: KnowledgeBase, opportunity: Record, today: dt.date | None = None) -> Row:
    """What one opportunity's evidence adds up to today, as a ranking counts it (Reach, its
    customers, unnamed insights and ARR, Confidence), and its terms: what `pmops opportunity
    show` sums up. Not scored: a score is a method's, and `pmops prioritize` ranks."""
    from pmops import accounts

    wanted = {str(ref) for ref in opportunity.values.get("evidence") or []}
    found = evidence_records(kb, wanted)
    from pmops import dates

    return _row(opportunity, found, accounts.register(kb), today or dates.today(), arr_unit(kb))


def evidence_records(kb: KnowledgeBase, wanted: set[str]) -> dict[str, Record]:
    """The insights of these ids, reading only their files (found by file name; a moved one by `find`)."""
    from pmops import ids

    doctype = kb.doctype(INSIGHT)
    folder = kb.root / doctype.folder
    by_id = {ids.id_in_name(rel.rpartition("/")[2]): rel for rel in kb.listed(folder)} if folder.is_dir() else {}
    found: dict[str, Record] = {}
    for ref in sorted(wanted):
        try:
            record = kb.load(kb.root / by_id[ref]) if ref in by_id else kb.find(ref, INSIGHT)
        except PmopsError:
            continue  # a broken link: lint says so; it counts as no evidence
        if record.id == ref:
            found[ref] = record
    return found


def _row(
    opportunity: Record, insights: dict[str, Record], register: Register, as_of: dt.date, unit: float = ARR_UNIT
) -> Row:
    """What an opportunity's evidence adds up to by `as_of` (`unit`: the ARR counted as one customer), and
    the terms entered on it."""
    values = opportunity.values
    from pmops.kb.records import is_archived

    counted, archived, later = [], 0, 0
    for ref in dict.fromkeys(str(r) for r in values.get("evidence") or []):
        insight = insights.get(ref)
        when = insight.values.get("date") if insight else None
        if insight is None:
            continue
        if isinstance(when, dt.date) and when > as_of:  # not heard yet on the ranking's day: said, not counted
            later += 1
            continue
        if is_archived(insight):  # out of themes, lists and reports: out of Reach and Confidence too
            archived += 1
        else:
            counted.append(insight)
    named: dict[str, Voice] = {}  # a customer's key (the register's id, else its name's) -> who, with its ARR
    unnamed = 0
    lapsed: set[str] = set()
    unregistered: list[str] = []
    for insight in counted:
        name = insight.values.get("customer")
        key = customers.key(name)
        if key is None:
            unnamed += 1
            continue
        known = register.get(name)
        if known is not None and known.archived:  # a lost customer: still a voice, no longer revenue
            lapsed.add(known.id)
        voice = (
            Voice(known.name, known.id, float(known.arr or 0), known.archived) if known else Voice(str(name).strip())
        )
        if known is None and key not in named:
            unregistered.append(voice.name)
        named.setdefault(voice.key if known else key, voice)
    recent_from = as_of - dt.timedelta(days=RECENT_DAYS - 1)
    recent = sum(isinstance(d := i.values.get("date"), dt.date) and recent_from <= d <= as_of for i in counted)
    sources = tuple(sorted({str(i.values["source"]) for i in counted if i.values.get("source")}))
    segments = tuple(sorted({_segment(seg) for i in counted if (seg := _segment_of(i, register))}))
    arr = sum(v.counted for v in named.values())
    n = len(counted)
    reach = _r(len(named) + unnamed + arr / unit)
    confidence = (
        _r((min(n, FULL_VOLUME) / FULL_VOLUME + min(len(sources), FULL_VARIETY) / FULL_VARIETY
            + min(len(segments), FULL_BREADTH) / FULL_BREADTH + recent / n) / 4)
        if n else 0.0
    )  # fmt: skip
    entered = {name: _number(values.get(name)) for name in ENTERED}
    invalid = tuple(_invalid(opportunity, name) for name in ENTERED if name in opportunity.problems)
    return Row(
        id=str(opportunity.id), title=opportunity.title, status=str(values.get("status") or "discovery"),
        area=str(values["area"]) if values.get("area") else None, evidence=tuple(i.id for i in counted if i.id),
        customers=len(named), accounts=tuple(sorted(named.values(), key=lambda v: (-v.counted, v.name.casefold()))),
        unnamed=unnamed, arr=arr, sources=sources, segments=segments, recent=recent,
        reach=reach, confidence=confidence, invalid=invalid, archived=archived, lapsed=len(lapsed), arr_unit=unit,
        unregistered=tuple(unregistered), later=later, counted_to=as_of.isoformat(),
        **entered,
    )  # fmt: skip


def _segment_of(insight: Record, register: Register) -> object:
    """The segment Confidence counts for an insight: its customer's in the register when the register has the
    customer and gives one (an insight's own segment that contradicts it is lint's customer-mismatch, not one
    more segment), else the insight's."""
    known = register.get(insight.values.get("customer"))
    return known.segment if known is not None and known.segment else insight.values.get("segment")


def _segment(value: object) -> str:
    """A segment as Confidence counts it: 'Enterprise', 'enterprise' and 'ENTERPRISE' one segment, 'Mid Market',
    'mid_market' and 'mid-market' one (a KB without segment choices keeps them as typed)."""
    return "-".join(str(value).replace("_", " ").replace("-", " ").split()).casefold()


def _invalid(opportunity: Record, name: str) -> str:
    """A term its file gives wrong, with the value and the scale: "effort '-3' (a number from 0.25 to 100)"."""
    raw = opportunity.doc.meta.get(name)
    fld = opportunity.doctype.field(name)
    try:
        if fld is not None:
            fld.convert(raw)
    except doctypes.WrongKind as exc:
        return f"{name} '{raw}' ({exc.expected})"
    except ValueError as exc:
        return f"{name} ({exc})"
    return f"{name} ({opportunity.problems[name]})"


def _term(invalid: str) -> str:
    """The term an entry of Row.invalid is about (its first word)."""
    return invalid.split(" ", 1)[0]


def score(row: Row, method: str) -> Row:
    """The row with its method's score (None, with what is missing, when a term is not given;
    None for a status that is not ranked)."""
    invalid = tuple(t for t in row.invalid if _term(t) in INPUTS[method])
    wrong = {_term(t) for t in invalid}
    missing = tuple(name for name in INPUTS[method] if getattr(row, name) is None and name not in wrong)
    if row.status not in RANKED:  # shipped or dropped: its inputs are kept, it is not scored
        return replace(row, score=None, missing=missing, invalid=invalid, rank=None)
    if missing or invalid:
        return replace(row, score=None, missing=missing, invalid=invalid, rank=None)
    if method == "rice":
        value = row.reach * row.impact * row.confidence / row.effort  # type: ignore[operator]
    elif method == "ice":
        value = row.impact * row.confidence / row.effort  # type: ignore[operator]
    else:
        value = (row.cost_of_delay or 0) / row.job_size  # type: ignore[operator]
    return replace(row, score=_r(value), missing=(), invalid=(), rank=None)


def ordered(rows: Iterable[Row], method: str) -> list[Row]:
    """Ranked rows by score and the documented tie-breaks, numbered 1…; the others after, by id."""

    def key(row: Row) -> tuple:
        if method == "wsjf":
            return (-(row.score or 0), -(row.cost_of_delay or 0), row.job_size or 0, row.id)
        return (-(row.score or 0), -row.confidence, row.effort or 0, row.id)

    rows = list(rows)
    ranked = sorted((r for r in rows if r.status in RANKED and r.score is not None), key=key)
    others = sorted((r for r in rows if r.status not in RANKED or r.score is None), key=lambda r: r.id)
    return [replace(r, rank=i) for i, r in enumerate(ranked, 1)] + others


# -- the record of a cycle ---------------------------------------------------------------------


def rankings(kb: KnowledgeBase) -> list[Record]:
    """Every ranking document, archived ones too (history), oldest cycle first; within a cycle the areas' rankings
    (by area), then the one of every area (so the last is the latest cycle's whole ranking when it has one)."""
    found = kb.select(kb.doctype(RANKING), archived=None)
    return sorted(found, key=lambda r: (str(r.values.get("cycle") or ""), _area_of(r) is None, _area_of(r) or "",
                                        str(r.values.get("date") or ""), r.path))  # fmt: skip


def _area_of(record: Record) -> str | None:
    """The area a ranking ranks, or None: every area."""
    area = record.values.get("area")
    return str(area) if area not in (None, "") else None


def canonical_area(kb: KnowledgeBase, area: str | None) -> str | None:
    """An area as a ranking stores and compares it: `--area Approvals` is the area approvals (the choice it
    spells, as `new` and `set` take a choice: Field.spelt; without a list of areas, as the opportunities
    write it), blank is every area (None)."""
    if area is None or not str(area).strip():
        return None
    fld = kb.doctype(RANKING).field("area")
    given = str(area).strip()
    if fld is None:
        return given
    if not fld.choices:  # a KB that keeps no list of areas: the spelling its opportunities write
        written = {str(o.values["area"]) for o in kb.select(kb.doctype(OPPORTUNITY)) if o.values.get("area")}
        fld = replace(fld, choices=tuple(sorted(written)))
    return str(fld.spelt(given))


def _same_area(first: object, second: object) -> bool:
    """Two areas (None: every area) are one in any case or spacing, as their choice is: a ranking of
    'Approvals' written by hand is one of approvals (lint's ranking-duplicate, the one-per-cycle check)."""
    if first in (None, "") or second in (None, ""):
        return first in (None, "") and second in (None, "")
    return doctypes.spelling(str(first)) == doctypes.spelling(str(second))


def of_cycle(kb: KnowledgeBase, cycle: str, area: str | None = None) -> Record | None:
    """The ranking recorded for a cycle and an area (None: the one of every area), or None; Conflict (exit 1)
    when two are (a merge of two clones that each recorded it kept both): which one the team agreed is not for
    pmops to pick (lint's ranking-duplicate)."""
    found = of_cycle_all(kb, _cycle(cycle), area)
    if len(found) > 1:
        raise Conflict(
            f"{len(found)} rankings{f' of area {area}' if area else ''} are recorded for {found[0].values.get('cycle')}: "
            f"{', '.join(r.path for r in found)}",
            hint="keep the one the team agreed and git rm the other (git keeps it); pmops lint says so too",
        )
    return found[0] if found else None


def of_cycle_all(kb: KnowledgeBase, cycle: object, area: object = ...) -> list[Record]:
    """Every ranking recorded for a cycle and an area (None: of every area; not given: of any area): one, or
    none; more after a merge."""
    return [r for r in rankings(kb) if str(r.values.get("cycle")) == str(cycle)
            and (area is ... or _same_area(_area_of(r), area))]  # fmt: skip


def record(
    kb: KnowledgeBase, ranking: Ranking, *, force: bool = False, backfill: bool = False, commit: bool | None = None
) -> Ranking:
    """Write the ranking of its cycle as a document (rankings/), in one commit. One ranking per
    cycle and area (a squad's `--area`, or every area): another for the same cycle and area is refused
    (Conflict, exit 1), or, with `force`, replaces it in the same commit (git keeps the one replaced);
    another area's ranking of the cycle is never touched.

    A cycle that has ended is refused (InvalidInput, exit 2) unless `backfill`: its evidence would be
    counted to its last day, but its links, estimates and statuses are today's, not what the team knew
    then, so a ranking made after its cycle is one the team never saw. Backfilled, the document says so
    (its `date` after its cycle's end: `Ranking.backfilled`)."""
    from pmops.kb import Change

    if ranking.cycle is None:
        raise InvalidInput("a ranking is recorded for a cycle: give --cycle YYYY-MM")
    if not ranking.rows:  # an area written wrong, or no opportunity yet: nothing the team could have agreed
        where = f" in area '{ranking.area}'" if ranking.area else ""
        areas = sorted({str(r.values["area"]) for r in kb.select(kb.doctype(OPPORTUNITY)) if r.values.get("area")})
        raise NotFound(f"no opportunity{where} to rank: nothing recorded",
                       hint=f"areas: {', '.join(areas)}" if areas else "pmops opportunity add TITLE --area A")  # fmt: skip
    # The same cycle and area only (more than one after a merge: --force replaces them all); another squad's
    # ranking of the cycle is its own, never replaced by this one.
    recorded = of_cycle_all(kb, ranking.cycle, ranking.area)
    existing = (
        of_cycle(kb, ranking.cycle, ranking.area)
        if len(recorded) > 1 and not force
        else (recorded[0] if recorded else None)
    )
    if existing is not None and not force:
        area = f" --area {ranking.area}" if ranking.area else ""
        raise Conflict(
            f"the ranking of {ranking.cycle}{f' (area {ranking.area})' if ranking.area else ''} is already recorded: "
            f"{existing.path} "
            f"({existing.values.get('method')}, made {existing.values.get('date')})",
            hint=f"a ranking is kept as it was; --force replaces it (git keeps this one), "
            f"'pmops prioritize diff{area} {ranking.cycle} …' compares it",
        )
    if ranking.backfilled and not backfill and ranking.date <= cycle_end(ranking.cycle):
        raise InvalidInput(
            f"--today {ranking.as_of} is before today ({ranking.date}): a ranking recorded now would count the "
            f"evidence heard by {ranking.as_of} with today's links, estimates and statuses, not what the team "
            "knew then",
            hint=f"--backfill records it anyway, marked as backfilled (made on {ranking.date}); "
            f"'pmops prioritize --today {ranking.as_of}' without --cycle previews it",
        )
    if ranking.backfilled and not backfill:
        raise InvalidInput(
            f"{ranking.cycle} ended on {cycle_end(ranking.cycle)}: a ranking recorded now would count today's links, "
            "estimates and statuses, not what the team knew then",
            hint=f"--backfill records it anyway, marked as made on {ranking.date}; "
            "'pmops prioritize' without --cycle previews it",
        )
    doctype = kb.doctype(RANKING)
    title = f"Ranking {ranking.cycle}: {ranking.method.upper()}" + (f", {ranking.area}" if ranking.area else "")
    values = {"title": title, "cycle": ranking.cycle, "method": ranking.method, "date": ranking.date.isoformat(),
              "as_of": ranking.as_of.isoformat(), "area": ranking.area, "currency": ranking.currency,
              "arr_unit": whole(ranking.arr_unit), "ranked": [r.stored() for r in ranking.rows]}  # fmt: skip
    context = {
        "formula": ranking.formula,
        "backfilled": ranking.backfilled,
        "rows": [{**r.stored(), "unranked": r.unranked} for r in ranking.rows],
    }
    draft = kb.build(doctype, values, today=ranking.date, extra_context=context)
    changes = [Change(kb.root / r.path, r.doc, None) for r in recorded] + [draft.change]
    what = f"{count(len(ranking.ranked), 'opportunity')} by {ranking.method.upper()}"
    verb = f"replace the ranking of {ranking.cycle}" if existing else f"rank {ranking.cycle}"
    sha = kb.write(changes, f"pmops: {verb}: {what}", commit=commit)
    written = kb.record(draft.doc)
    replaced = ", ".join(r.path for r in recorded) or None
    return replace(ranking, id=written.id, path=written.path, commit=sha, replaced=replaced)


def read(kb: KnowledgeBase, cycle: str, area: str | None = None) -> Ranking:
    """The ranking recorded for a cycle and an area, as it was written (its rows are never recomputed). Without
    an area: the cycle's ranking of every area, or its only ranking when it has one only (whatever its area)."""
    cycle = _cycle(cycle)
    area = canonical_area(kb, area)
    found = of_cycle(kb, cycle, area)
    if found is None and area is None:
        ofs = of_cycle_all(kb, cycle)
        if len({_area_of(r) for r in ofs}) == 1:
            found = of_cycle(kb, cycle, _area_of(ofs[0]))
        elif ofs:
            areas = ", ".join(str(_area_of(r)) for r in ofs)
            raise NotFound(f"no ranking of every area recorded for {cycle}; its rankings are of areas {areas}",
                           hint=f"give --area, e.g. pmops prioritize diff --area {_area_of(ofs[0])} …")  # fmt: skip
    if found is None:
        known = [f"{r.values.get('cycle')}{f' ({_area_of(r)})' if _area_of(r) else ''}" for r in rankings(kb)]
        raise NotFound(f"no ranking recorded for {cycle}{f' (area {area})' if area else ''}",
                       hint=f"recorded: {', '.join(known)}" if known else "record one: pmops prioritize --cycle YYYY-MM")  # fmt: skip
    return from_record(found)


def from_record(found: Record) -> Ranking:
    values = found.values
    rows = [Row.from_stored(r) for r in values.get("ranked") or [] if isinstance(r, dict)]
    method = str(values.get("method") or "rice")
    made = values.get("date") if isinstance(values.get("date"), dt.date) else dt.date.min
    as_of = values.get("as_of") if isinstance(values.get("as_of"), dt.date) else made
    unit = _number(values.get("arr_unit")) or ARR_UNIT  # none kept: recorded when Reach always used 100,000
    rows = [replace(r, arr_unit=whole(unit)) for r in rows]
    currency = str(values["currency"]) if values.get("currency") else None
    return Ranking(method, str(values.get("cycle")), made, as_of, values.get("area"), rows, found.id, found.path,
                   arr_unit=whole(unit), currency=currency)  # fmt: skip


def edited(found: Record) -> str | None:
    """What shows a ranking document was changed after pmops recorded it — a row whose Reach or Confidence
    is not what the inputs it keeps give (its customers, unnamed insights, ARR; its insights, sources,
    segments, recent ones), or whose score or rank is not what the ranking's method gives its terms (a
    method, a term, a score or a rank written by hand) — or None. Lint's ranking-edited; a title or a date
    changed by hand is git's to show."""
    ranking = from_record(found)
    written = {r.id: r for r in ranking.rows}
    for row in ranking.rows:  # Reach and Confidence are what the inputs kept beside them give
        why = _terms_differ(row)
        if why:
            return why
    for row in ordered([score(r, ranking.method) for r in ranking.rows], ranking.method):
        was = written[row.id]
        if (was.score, was.rank) != (row.score, row.rank):
            said = lambda r: f"rank {r.rank}, score {kept(r.score)}" if r.score is not None else "not ranked"  # noqa: E731
            return f"{row.id} is written {said(was)}; by {ranking.method.upper()} its terms give {said(row)}"
    return None


def _terms_differ(row: Row) -> str | None:
    """Why a kept row's Reach, Confidence or customers are not what its kept inputs give, or None."""
    if row.accounts is not None:
        arr = sum(v.counted for v in row.accounts)
        if (len(row.accounts), _r(arr)) != (row.customers, _r(row.arr)):
            return (
                f"{row.id} is written {count(row.customers, 'customer')} and {_money(row.arr)} ARR; the customers "
                f"it lists are {len(row.accounts)} with {_money(arr)}"
            )
    reach = _r(row.customers + row.unnamed + row.arr / row.arr_unit)
    if reach != row.reach:
        return (
            f"{row.id} is written reach {kept(row.reach)}; its customers, unnamed insights and ARR give {kept(reach)}"
        )
    n = row.insights
    confidence = (
        _r((min(n, FULL_VOLUME) / FULL_VOLUME + min(len(row.sources), FULL_VARIETY) / FULL_VARIETY
            + min(len(row.segments), FULL_BREADTH) / FULL_BREADTH + row.recent / n) / 4)
        if n else 0.0
    )  # fmt: skip
    if confidence != row.confidence:
        return (
            f"{row.id} is written confidence {kept(row.confidence)}; its insights, sources, segments and recent ones "
            f"give {kept(confidence)}"
        )
    return None


# -- what moved between two cycles -------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One opportunity between two rankings: its rank and score in each, and why it moved."""

    id: str
    title: str
    before: Row | None
    after: Row | None
    reasons: tuple[str, ...] = ()

    @property
    def moved(self) -> int | None:
        """Places up (positive) or down (negative); None unless ranked in both."""
        if self.before is None or self.after is None or self.before.rank is None or self.after.rank is None:
            return None
        return self.before.rank - self.after.rank

    @property
    def change(self) -> str:
        """'up 2', 'down 1', 'same', 'new', 'left', 'entered', 'dropped out', 'unranked'."""
        before, after = self.before, self.after
        if before is None:
            return "new"
        if after is None:
            return "gone"
        if before.rank is None and after.rank is None:
            return "unranked"
        if before.rank is None:
            return "entered"
        if after.rank is None:
            return "left"
        moved = self.moved or 0
        return f"up {moved}" if moved > 0 else f"down {-moved}" if moved < 0 else "same"

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None or self.before.score is None or self.after.score is None:
            return None
        return _r(self.after.score - self.before.score)

    def to_json(self) -> dict[str, Any]:
        def side(row: Row | None) -> dict[str, Any] | None:
            return None if row is None else {"rank": row.rank, "score": row.score, "status": row.status}

        old, new = self.before, self.after
        moved = customers_moved(old, new)
        arrs = arr_moved(old, new)
        both = old is not None and new is not None
        return {"id": self.id, "title": self.title, "change": self.change, "moved": self.moved, "delta": self.delta,
                "before": side(old), "after": side(new), "reasons": list(self.reasons),
                "evidence_added": [e for e in new.evidence if e not in old.evidence] if old and new else [],
                "evidence_dropped": [e for e in old.evidence if e not in new.evidence] if old and new else [],
                "customers_added": None if moved is None else [v.stored() for v in moved[0]],
                "customers_dropped": None if moved is None else [v.stored() for v in moved[1]],
                "arr_delta": whole(new.arr - old.arr) if both else None,
                "arr_added": None if arrs is None else whole(arrs[0]),
                "arr_removed": None if arrs is None else whole(arrs[1])}  # fmt: skip


@dataclass
class Diff:
    before: Ranking
    after: Ranking
    moves: list[Move] = field(default_factory=list)

    @property
    def heading(self) -> str:
        """'RICE, evidence to 2026-11-30; then RICE, evidence to 2026-12-02', a backfilled ranking
        said so: 'RICE, evidence to 2026-10-31, links of 2026-12-02 (backfilled)'."""

        def said(r: Ranking) -> str:
            backfilled = f", links of {r.date} (backfilled)" if r.backfilled else ""
            return f"{r.method.upper()}, evidence to {r.as_of}{backfilled}"

        return "; then ".join(said(r) for r in (self.before, self.after))

    @property
    def notes(self) -> list[str]:
        """What differs between the two rankings themselves (their method, area)."""
        notes = []
        if self.before.method != self.after.method:
            notes.append(f"methods differ: {self.before.method.upper()} then {self.after.method.upper()}")
        if self.before.area != self.after.area:
            notes.append(f"areas differ: {self.before.area or 'every area'} then {self.after.area or 'every area'}")
        if self.before.arr_unit != self.after.arr_unit:
            notes.append(f"ARR per customer in Reach differs: {_money(self.before.arr_unit)} then "
                         f"{_money(self.after.arr_unit)}")  # fmt: skip
        return notes

    def to_json(self) -> dict[str, Any]:
        def brief(r: Ranking) -> dict[str, Any]:
            return {"cycle": r.cycle, "method": r.method, "date": r.date.isoformat(), "as_of": r.as_of.isoformat(),
                    "area": r.area, "id": r.id, "path": r.path, "backfilled": r.backfilled,
                    "arr_unit": whole(r.arr_unit), "currency": r.currency}  # fmt: skip

        return {"before": brief(self.before), "after": brief(self.after), "notes": self.notes,
                "moves": [m.to_json() for m in self.moves]}  # fmt: skip

    def to_markdown(self) -> str:
        """The diff as a markdown table, for a note to stakeholders (`--format md`)."""
        before, after = self.before, self.after
        lines = [f"## Ranking {before.cycle} → {after.cycle}", "", f"{self.heading}.", ""]
        lines += [f"> {note}" for note in self.notes] + ([""] if self.notes else [])
        lines += ["| rank | change | opportunity | score | why |", "|---|---|---|---|---|"]
        for move in self.moves:
            rank = _pair(move.before.rank if move.before else None, move.after.rank if move.after else None)
            score = _pair(move.before.score if move.before else None, move.after.score if move.after else None)
            why = "; ".join(move.reasons) or "no change"
            lines.append(
                f"| {rank} | {move.change} | {markdown_cell(markdown_literal(move.title))} ({move.id}) | {score} | "
                f"{markdown_cell(markdown_literal(why))} |"
            )
        return "\n".join(lines) + "\n"


def _pair(before: float | int | None, after: float | int | None) -> str:
    def text(value: float | int | None) -> str:
        return "-" if value is None else f"{kept(value)}"

    return f"{text(before)} → {text(after)}"


def diff(kb: KnowledgeBase, first: str, second: str, area: str | None = None) -> Diff:
    """What moved from the ranking of one cycle to another's (of one area, when given), each read as it was
    recorded."""
    first, second = _cycle(first, "the earlier CYCLE"), _cycle(second, "the later CYCLE")
    if first >= second:  # YYYY-MM sorts as time does
        said = "the same cycle twice" if first == second else f"{first} is after {second}"
        raise InvalidInput(f"prioritize diff compares an earlier cycle with a later one: {said}",
                           hint=f"e.g. pmops prioritize diff {min(first, second)} {max(first, second)}"
                           if first != second else "give two cycles")  # fmt: skip
    before, after = read(kb, first, area), read(kb, second, area)
    ids = list(dict.fromkeys([r.id for r in after.rows] + [r.id for r in before.rows]))
    moves = []
    for opportunity in ids:
        old, new = before.row(opportunity), after.row(opportunity)
        title = (new or old).title  # type: ignore[union-attr]
        methods = (before.method, after.method)
        moves.append(Move(opportunity, title, old, new, tuple(reasons(old, new, methods))))
    position = {m.id: i for i, m in enumerate(moves)}
    moves.sort(key=lambda m: (m.after is None or m.after.rank is None, position[m.id]))
    return Diff(before, after, moves)


# What each method's score reads: a diff names only these as the reasons a rank moved.
READS = {"rice": ("reach", "confidence", "impact", "effort"), "ice": ("confidence", "impact", "effort"),
         "wsjf": ("business_value", "time_criticality", "risk_reduction", "job_size")}  # fmt: skip


def reasons(old: Row | None, new: Row | None, methods: tuple[str, str] = ("rice", "rice")) -> list[str]:
    """Why an opportunity's place changed, from the inputs both rankings kept: the method, when the
    two rankings differ in it; its status; new or dropped evidence; the terms the later method reads,
    re-estimated; then Reach and Confidence, when the later method reads them, with what moved them
    (the customers who came or went, by name, and the ARR; the insights, sources, segments and recent
    ones). What the later method ignores is no reason (WSJF's time criticality for RICE, evidence for
    WSJF). A ranking recorded before rankings kept the customers' names says Reach by counts."""
    if old is None:
        return ["new in this ranking"]
    if new is None:
        return ["not in this ranking (archived, removed, or of another area)"]
    before, after = methods
    reads = READS[after]
    found = [f"method {before.upper()} → {after.upper()}"] if before != after else []
    if old.status != new.status:
        found.append(f"status {old.status} → {new.status}")
    added = [e for e in new.evidence if e not in old.evidence]
    dropped = [e for e in old.evidence if e not in new.evidence]
    if "confidence" in reads:
        if added:
            found.append(f"new evidence: {_few(added)}")
        if dropped:
            found.append(f"evidence no longer counted (unlinked or archived): {_few(dropped)}")
    for name in (n for n in ENTERED if n in reads):
        was, now = getattr(old, name), getattr(new, name)
        if was != now:
            label = name.replace("_", " ")
            found.append(f"{label} {_said(old, name)} → {_said(new, name)}")
    again = "" if added or dropped else "same evidence, "
    if "reach" in reads and old.reach != new.reach:
        found.append(f"Reach {kept(old.reach)} → {kept(new.reach)}: {again}{reach_moved(old, new)}")
    if "confidence" in reads and old.confidence != new.confidence:
        found.append(f"Confidence {kept(old.confidence)} → {kept(new.confidence)}: {again}{confidence_moved(old, new)}")
    if not found and old.rank != new.rank:
        found.append("others moved")
    return found


def _few(items: list[str], most: int = 5) -> str:
    """'a, b, c', past `most` items '… N more'."""
    shown = ", ".join(items[:most])
    return shown + (f" … {len(items) - most} more" if len(items) > most else "")


def customers_moved(old: Row | None, new: Row | None) -> tuple[list[Voice], list[Voice]] | None:
    """The customers an opportunity's evidence names in the later ranking and not the earlier one, and
    those it no longer names; None when either ranking kept no names (one recorded before they were kept)."""
    if old is None or new is None or old.accounts is None or new.accounts is None:
        return None
    was, now = {v.key for v in old.accounts}, {v.key for v in new.accounts}
    return [v for v in new.accounts if v.key not in was], [v for v in old.accounts if v.key not in now]


def reach_moved(old: Row, new: Row) -> str:
    """What moved Reach: '2 → 3 customers (+Lumen Health Systems; +268,000 ARR)', '1 → 2 unnamed insights',
    'Atlas Freight's ARR 240,000 → 300,000'; by counts when the earlier ranking kept no names."""
    parts = []
    if new.customers != old.customers:
        parts.append(f"{old.customers} → {count(new.customers, 'customer')}")
    moved = customers_moved(old, new)
    came, went = moved or ([], [])
    names = [f"+{v.name}" for v in came] + [f"-{v.name}" for v in went]
    repriced, lapses = [], _lapses(old, new)
    if old.accounts is not None and new.accounts is not None:
        was = {v.key: v for v in old.accounts}
        repriced = [f"{v.name}'s ARR {_money(was[v.key].counted)} → {_money(v.counted)}" for v in new.accounts
                    if v.key in was and v.key not in lapses and was[v.key].counted != v.counted]  # fmt: skip
    inside = "; ".join(p for p in (_few(names), _arr_said(old, new, set(lapses))) if p)
    if parts and inside:
        parts[0] += f" ({inside})"
    elif inside:
        parts.append(inside)
    if new.unnamed != old.unnamed:
        parts.append(f"{old.unnamed} → {count(new.unnamed, 'unnamed insight')}")
    parts += [f"{v.name} {'archived' if v.archived else 'brought back'} ({'+' if moved > 0 else '-'}"
              f"{_money(abs(moved))} ARR)" for v, moved in lapses.values()]  # fmt: skip
    parts += repriced
    if new.arr_unit != old.arr_unit:
        parts.append(f"ARR per customer {_money(old.arr_unit)} → {_money(new.arr_unit)}")
    return ", ".join(parts) or "rounding"


def _lapses(old: Row, new: Row) -> dict[str, tuple[Voice, float]]:
    """The customers of both rankings archived in the register, or brought back, between them (by key), each with
    the ARR its Reach counted more (brought back) or less (archived)."""
    if old.accounts is None or new.accounts is None:
        return {}
    was = {v.key: v for v in old.accounts}
    return {v.key: (v, v.counted - was[v.key].counted) for v in new.accounts
            if v.key in was and was[v.key].archived != v.archived and was[v.key].counted != v.counted}  # fmt: skip


def arr_moved(old: Row | None, new: Row | None, skip: Iterable[str] = ()) -> tuple[float, float] | None:
    """The ARR that came into an opportunity's Reach between two rankings (customers who came, and those whose
    ARR rose) and the ARR that went (customers who went, and those whose ARR fell or who were archived): both
    positive, their difference the net. None when either ranking kept no customers' names (only the net is known)."""
    if old is None or new is None or old.accounts is None or new.accounts is None:
        return None
    was = {v.key: v.counted for v in old.accounts if v.key not in skip}
    now = {v.key: v.counted for v in new.accounts if v.key not in skip}
    changes = [now.get(k, 0) - was.get(k, 0) for k in dict.fromkeys([*was, *now])]
    return sum(c for c in changes if c > 0), -sum(c for c in changes if c < 0)


def _arr_said(old: Row, new: Row, skip: set[str] | frozenset[str] = frozenset()) -> str:
    """The ARR that moved: '+268,000 ARR'; both ways when ARR came and went: '+268,000 ARR, -120,000 ARR, net
    +148,000'; '' when none moved. `skip`: customers whose ARR moved as they were archived or brought back,
    said apart ('Zephyr archived (-1,500,000 ARR)')."""
    lapsed = _lapses(old, new)
    net = new.arr - old.arr - sum(moved for key, (_, moved) in lapsed.items() if key in skip)
    moved = arr_moved(old, new, skip)
    if moved is not None and moved[0] and moved[1]:
        said = "0" if not net else f"{'+' if net > 0 else '-'}{_money(abs(net))}"
        return f"+{_money(moved[0])} ARR, -{_money(moved[1])} ARR, net {said}"
    return f"{'+' if net > 0 else '-'}{_money(abs(net))} ARR" if net else ""


def confidence_moved(old: Row, new: Row) -> str:
    """What moved Confidence: '+1 insight, 2 new sources (interview, survey), +1 segment (smb), recent 0 → 1'."""
    parts = []
    if new.insights != old.insights:
        parts.append(
            f"{new.insights - old.insights:+d} {'insight' if abs(new.insights - old.insights) == 1 else 'insights'}"
        )
    for noun, was, now in (("source", old.sources, new.sources), ("segment", old.segments, new.segments)):
        came = [x for x in now if x not in was]
        went = [x for x in was if x not in now]
        if came:
            parts.append(f"{len(came)} new {noun if len(came) == 1 else noun + 's'} ({', '.join(came)})")
        if went:
            parts.append(f"{len(went)} {noun if len(went) == 1 else noun + 's'} fewer ({', '.join(went)})")
    if new.recent != old.recent or new.insights != old.insights:
        parts.append(f"recent {old.recent}/{old.insights} → {new.recent}/{new.insights}")
    return ", ".join(parts) or "rounding"


def _said(row: Row, name: str) -> str:
    """A term as a reason says it: its number, 'invalid' (a value off its scale), or 'unset'."""
    value = getattr(row, name)
    if value is not None:
        return f"{kept(value)}"
    return "invalid" if any(_term(t) == name for t in row.invalid) else "unset"
