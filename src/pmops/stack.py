"""The tool registry: weighted evaluations, comparisons, and the shape of the adopted stack."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pmops.doctypes import PASS_FAIL, TOOL_CATEGORIES
from pmops.errors import ConfigError, InvalidInput

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase, Record

DEFAULT_CRITERIA = {"fit": 3.0, "integration": 2.0, "cost": 2.0, "adoption": 2.0, "security": 1.0}
MAX_SCORE = 5.0
RENEWAL_WINDOW = dt.timedelta(days=90)


MUST_PASS = "must-pass"  # a criterion of tool_criteria passed or failed, not weighted: a security requirement


def criteria(kb: KnowledgeBase) -> dict[str, float]:
    """The weighted criteria from pmops.yaml's `tool_criteria:` (criterion: weight), else the defaults;
    the must-pass ones (`requirements`) are not among them."""
    return _criteria(kb)[0]


def requirements(kb: KnowledgeBase) -> tuple[str, ...]:
    """The must-pass criteria of `tool_criteria:` (criterion: must-pass): a tool failing one fails,
    whatever its weighted score. None by default."""
    return _criteria(kb)[1]


def _criteria(kb: KnowledgeBase) -> tuple[dict[str, float], tuple[str, ...]]:
    raw = kb.config.raw.get("tool_criteria")
    if raw in (None, ""):
        return dict(DEFAULT_CRITERIA), ()
    if not isinstance(raw, dict) or not raw:
        raise ConfigError("pmops.yaml: 'tool_criteria' must map each criterion to its weight, or to must-pass")
    must = tuple(str(k) for k, v in raw.items() if str(v).strip().lower() == MUST_PASS)
    try:
        weights = {str(k): float(v) for k, v in raw.items() if str(k) not in must}
    except (TypeError, ValueError):
        raise ConfigError("pmops.yaml: every weight in 'tool_criteria' must be a number (or must-pass)") from None
    if any(w <= 0 for w in weights.values()):
        raise ConfigError("pmops.yaml: weights in 'tool_criteria' must be positive")
    if not weights:
        raise ConfigError("pmops.yaml: 'tool_criteria' needs at least one weighted criterion besides must-pass ones")
    return weights, must


NOTICE_DAYS_USUAL = 180  # a SaaS contract asks 30 to 90 days' notice; more than half a year is worth a second look


def notice_doubts(record: Record) -> list[tuple[str, str, str]]:
    """(field, what is odd, what to do) of a tool's notice period that may be wrong though it is possible (the
    impossible ones, below 0 or past a year, are refused on input and flagged as field-invalid): more than
    half a year's notice, or a notice with no renewal date to count it back from."""
    days, renewal = record.values.get("notice_days"), record.values.get("renewal")
    if not isinstance(days, int) or isinstance(days, bool):
        return []
    found = []
    if days > NOTICE_DAYS_USUAL:
        found.append(("notice_days", f"notice_days {days}: more than half a year's notice (most contracts ask 30 "
                      "to 90 days)", f"check the contract: pmops set {record.id} notice_days=60"))  # fmt: skip
    if not isinstance(renewal, dt.date) and record.values.get("status") == "adopted":
        found.append(("notice_days", f"notice_days {days} but no renewal date: the day to decide by cannot be "
                      "worked out", f"add the next renewal: pmops set {record.id} renewal=YYYY-MM-DD"))  # fmt: skip
    return found


def find_tool(kb: KnowledgeBase, name: str) -> Record:
    return kb.find(name, "tool")


def score(kb: KnowledgeBase, name: str, pairs: list[str], *, commit: bool | None = None) -> tuple[Record, bool]:
    """Set CRITERION=SCORE pairs (0–5; pass or fail for a must-pass criterion) on a tool and commit.

    Returns the tool and whether anything changed: scores it has already are not written again."""
    weights, must = _criteria(kb)
    record = find_tool(kb, name)
    scores = dict(record.values.get("scores") or {})
    named = [*weights, *must]
    if not pairs:
        raise InvalidInput("give at least one CRITERION=SCORE", hint=f"criteria: {', '.join(named)}")
    for pair in pairs:
        criterion, sep, value = pair.partition("=")
        criterion = criterion.strip()
        if not sep or criterion not in named:
            raise InvalidInput(
                f"'{pair}': the criteria are {', '.join(named)}", hint="write CRITERION=SCORE, e.g. fit=4"
            )
        if criterion in must:
            verdict = value.strip().lower()
            if verdict not in PASS_FAIL:
                raise InvalidInput(f"'{pair}': {criterion} is must-pass: write {criterion}=pass or {criterion}=fail")
            scores[criterion] = verdict
            continue
        try:
            number = float(value)
        except ValueError:
            number = -1.0  # said below, as a score out of range is
        if not 0 <= number <= MAX_SCORE:  # nan too
            raise InvalidInput(f"{criterion} must be a number from 0 to {MAX_SCORE:g}, e.g. {criterion}=4")
        scores[criterion] = int(number) if number.is_integer() else number
    if scores == dict(record.values.get("scores") or {}):
        return record, False
    kb.update(record, {"scores": scores}, f'pmops: score tool {record.id} "{record.title}"', commit=commit)
    return find_tool(kb, record.id), True


@dataclass
class Rating:
    """A tool's weighted score. `total` counts a missing criterion as 0; None when nobody scored it by hand.
    Beside it, its must-pass criteria: a tool failing one is not ranked, whatever its total."""

    record: object  # kb.Record
    total: float | None  # weighted score, 0–5
    scores: dict[str, float]  # given by hand, or derived (see `derived`)
    missing: list[str]
    derived: list[str] = field(default_factory=list)  # criteria whose score pmops derived (cost)
    best: float | None = None  # the total if every missing criterion scored 5
    rank: int | None = None  # 1 = best; equal shown totals share a rank; None when not scored, or failing
    cheapest: tuple[str, float] | None = None  # the tool and cost a derived cost score compares with
    requirements: dict[str, str | None] = field(default_factory=dict)  # must-pass criterion → pass, fail, None

    @property
    def fails(self) -> list[str]:
        """The must-pass criteria it fails."""
        return [c for c, verdict in self.requirements.items() if verdict == "fail"]

    @property
    def unchecked(self) -> list[str]:
        """The must-pass criteria nobody checked yet."""
        return [c for c, verdict in self.requirements.items() if verdict is None]

    def to_json(self) -> dict:
        rec = self.record
        return {"rank": self.rank, "id": rec.id, "name": rec.title, "status": rec.values.get("status"),
                "category": rec.values.get("category"), "job": rec.values.get("job"),
                "weighted": _round(self.total), "weighted_at_most": _round(self.best),
                "scores": self.scores, "derived": self.derived, "missing": self.missing,
                "cheapest": {"name": self.cheapest[0], "cost": self.cheapest[1]} if self.cheapest else None,
                "requirements": self.requirements, "fails": self.fails}  # fmt: skip


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def rate(
    record: Record, weights: dict[str, float], derived: dict[str, float] | None = None, must: tuple[str, ...] = ()
) -> Rating:
    """Σ weight × score ÷ Σ weights over every criterion, a missing one as 0; `derived` fills criteria not
    given by hand; `must` are the must-pass criteria, each passed, failed or not checked (None)."""
    given, derived = record.values.get("scores") or {}, derived or {}
    given = {c: v for c, v in given.items() if isinstance(v, (int, float))} | {
        c: v for c, v in given.items() if c in must and v in PASS_FAIL
    }
    checked = {c: given.get(c) for c in must}
    scores = {c: given[c] if c in given else derived[c] for c in weights if c in given or c in derived}
    made = [c for c in scores if c not in given]
    missing = [c for c in weights if c not in scores]
    if len(made) == len(scores):  # nobody scored it: a derived cost alone ranks nothing
        return Rating(record, None, scores, missing, made, requirements=checked)
    whole = sum(weights.values())
    total = sum(weights[c] * s for c, s in scores.items()) / whole
    best = total + sum(weights[c] for c in missing) * MAX_SCORE / whole
    return Rating(record, total, scores, missing, made, best, requirements=checked)


def rating(kb: KnowledgeBase, record: Record) -> Rating:
    """One tool's rating against the KB's criteria (what `tool score` prints)."""
    weights, must = _criteria(kb)
    return rate(record, weights, must=must)


def derived_costs(records: list) -> tuple[dict[str, float], tuple[str, float] | None]:
    """Cost scores of the tools that have a cost: 5 × the cheapest cost ÷ the tool's cost, to two decimals.

    The lowest-price formula of tender evaluation: the cheapest scores 5, one twice as dear 2.5. It needs
    two tools with a cost to compare; a free tool scores 5 (and, beside it, a paid one 0). Also returns
    the cheapest tool's name and cost.
    """
    costs = {
        r.id: (r.title, float(c)) for r in records if isinstance(c := r.values.get("cost"), (int, float)) and c >= 0
    }
    if len(costs) < 2:
        return {}, None
    cheapest = min(costs.values(), key=lambda pair: pair[1])
    low = cheapest[1]
    return {
        rid: MAX_SCORE if cost == 0 else round(MAX_SCORE * low / cost, 2) for rid, (_, cost) in costs.items()
    }, cheapest


def ranked(ratings: list[Rating]) -> list[Rating]:
    """Best first, by the total as shown (two decimals), equal totals sharing a rank; then the tools failing
    a must-pass criterion, whatever their total, and the unscored, unranked."""
    passing = [r for r in ratings if not r.fails]
    scored = sorted((r for r in passing if r.total is not None), key=lambda r: -round(r.total, 2))  # type: ignore[arg-type]
    for position, rating in enumerate(scored, 1):
        before = scored[position - 2] if position > 1 else None
        same = before is not None and round(before.total, 2) == round(rating.total, 2)  # type: ignore[arg-type]
        rating.rank = before.rank if same else position  # type: ignore[union-attr]
    failing = sorted((r for r in ratings if r.fails), key=lambda r: -(r.total or 0))
    return scored + failing + [r for r in passing if r.total is None]


def compare(kb: KnowledgeBase, names: list[str], category: str | None = None) -> tuple[dict[str, float], list[Rating]]:
    """The weighted matrix of the named tools — without names, of every tool in use or being
    evaluated (not retired), of one category when given: ranked best first, then the ones nobody scored.
    A cost score is derived within each category. One tool is shown alone (the caller notes there was
    nothing to compare it with); none in use (or in --category) is an empty matrix, as an empty listing."""
    if names and category:
        raise InvalidInput("give tool names or --category, not both")
    if names:
        records = list({r.id: r for r in (find_tool(kb, n) for n in names)}.values())  # an unknown name first
    else:
        doctype = kb.doctype("tool")
        records = [r for r in kb.select(doctype, {"category": category}, date_field="renewal")
                   if r.values.get("status") != "retired"]  # fmt: skip
    weights, must = _criteria(kb)
    costs, cheapest = {}, {}  # against the same category's: a BI tool's price says nothing of a survey tool's
    for category in {str(r.values.get("category")) for r in records} if "cost" in weights else ():
        group = [r for r in records if str(r.values.get("category")) == category]
        derived, low = derived_costs(group)
        costs, cheapest = costs | derived, cheapest | {r.id: low for r in group}
    ratings = [rate(r, weights, {"cost": costs[r.id]} if r.id in costs else None, must) for r in records]
    for rating in ratings:
        rating.cheapest = cheapest.get(rating.record.id) if rating.derived else None  # type: ignore[attr-defined]
    return weights, ranked(ratings)


# A product team's stack is expected to fill these categories (pmops.yaml's `tool_expected_categories`
# overrides them); `tool stack` names a gap for each one no adopted tool fills and pmops does not cover.
EXPECTED_CATEGORIES = tuple(c for c in TOOL_CATEGORIES if c != "other")
# What pmops itself is, in a team's stack: the categories it fills, and how.
PMOPS_COVERS = {
    "research": "the research repository: insights, tags, search, themes",
    "documentation": "process docs, the decision log and handbook pages",
}


def expected_categories(kb: KnowledgeBase) -> tuple[str, ...]:
    raw = kb.config.raw.get("tool_expected_categories")
    if raw in (None, ""):
        return EXPECTED_CATEGORIES
    if not isinstance(raw, list) or not all(c in TOOL_CATEGORIES for c in raw):
        hint = f"categories: {', '.join(TOOL_CATEGORIES)}"
        raise ConfigError("pmops.yaml: 'tool_expected_categories' must be a list of tool categories", hint=hint)
    return tuple(raw)


def job_of(record: Record) -> str | None:
    """The tool's job, compared without case, spaces, hyphens or underscores mattering."""
    job = " ".join(str(record.values.get("job") or "").replace("-", " ").replace("_", " ").split()).casefold()
    return job or None


@dataclass
class Stack:
    by_category: dict[str, list] = field(default_factory=dict)  # adopted tools per category
    overlaps: dict[str, list] = field(default_factory=dict)  # job → two or more adopted tools declaring it
    possible_overlaps: dict[str, list] = field(
        default_factory=dict
    )  # category → its adopted tools, when some declare no job
    gaps: list[str] = field(default_factory=list)  # expected categories no adopted tool fills and pmops does not cover
    covered: dict[str, str] = field(default_factory=dict)  # expected categories pmops covers (no adopted tool): how
    isolated: list = field(default_factory=list)  # adopted tools that integrate with no other adopted tool
    renewals: list = field(default_factory=list)  # (record, days until renewal)
    total_cost: float = 0.0

    def to_json(self) -> dict:
        def brief(r: Record) -> dict:
            values = r.values
            return {
                "id": r.id,
                "name": r.title,
                "job": values.get("job"),
                "cost": values.get("cost"),
                "owner": values.get("owner"),
            }

        return {
            "categories": {c: [brief(r) for r in tools] for c, tools in self.by_category.items()},
            "overlaps": {job: [r.title for r in tools] for job, tools in self.overlaps.items()},
            "possible_overlaps": {c: [r.title for r in tools] for c, tools in self.possible_overlaps.items()},
            "gaps": self.gaps,
            "covered_by_pmops": self.covered,
            "isolated": [r.title for r in self.isolated],
            "renewals": [
                {**brief(r), "renewal": r.values["renewal"].isoformat(), "days": days} for r, days in self.renewals
            ],
            "total_cost": self.total_cost,
        }


def stack(kb: KnowledgeBase, today: dt.date | None = None) -> Stack:
    today = today or dt.date.today()
    adopted = [r for r in kb.records(kb.doctype("tool")) if r.values.get("status") == "adopted"]
    adopted.sort(key=lambda r: r.title.casefold())
    expected = expected_categories(kb)
    result = Stack()
    for category in TOOL_CATEGORIES:
        tools = [r for r in adopted if r.values.get("category") == category]
        if tools:
            result.by_category[category] = tools
            if len(tools) > 1 and category != "other" and any(job_of(r) is None for r in tools):
                result.possible_overlaps[category] = tools
        elif category in expected and category in PMOPS_COVERS:
            result.covered[category] = PMOPS_COVERS[category]
        elif category in expected:
            result.gaps.append(category)
    by_job: dict[str, list] = {}
    for record in adopted:
        if job := job_of(record):
            by_job.setdefault(job, []).append(record)
    result.overlaps = {job: tools for job, tools in sorted(by_job.items()) if len(tools) > 1}
    ids = {r.id for r in adopted}
    linked = {r.id for r in adopted if set(r.values.get("integrates_with") or []) & ids}
    linked |= {t for r in adopted for t in (r.values.get("integrates_with") or []) if t in ids}
    result.isolated = [r for r in adopted if r.id not in linked]
    for r in adopted:
        renewal = r.values.get("renewal")
        if isinstance(renewal, dt.date) and today <= renewal <= today + RENEWAL_WINDOW:
            result.renewals.append((r, (renewal - today).days))
    result.renewals.sort(key=lambda pair: pair[1])
    result.total_cost = sum(float(r.values.get("cost") or 0) for r in adopted)
    return result


# Where a renewal stands on a day: its notice can still be given (upcoming), the day to decide by
# has passed and it renews as it is (in notice), or its date has passed (the registry is out of date).
UPCOMING, IN_NOTICE, PASSED = "upcoming", "in notice", "passed"


@dataclass(frozen=True)
class Renewal:
    """A contract to decide on: renew, cut seats or cancel, by the day its notice must be given."""

    id: str | None
    name: str
    owner: str | None
    renewal: dt.date
    notice_days: int | None  # None: the contract's notice is not recorded; decide by the renewal itself
    decide_by: dt.date  # renewal − notice_days
    days_to_decide: int  # from today to decide_by; negative once it has passed
    state: str  # UPCOMING, IN_NOTICE or PASSED
    cost: float | None  # per year
    seats: int | None  # bought
    seats_used: int | None
    cost_per_active_seat: float | None  # cost ÷ seats used; None without both (or with none used)
    notice_invalid: bool = False  # notice_days is written but is no number of days (lint: field-invalid)

    @property
    def unused_seats(self) -> int | None:
        return self.seats - self.seats_used if self.seats is not None and self.seats_used is not None else None

    @property
    def no_active_seats(self) -> bool:
        """Seats bought, none used: a cost with nobody to divide it by (said, never a blank)."""
        return self.seats_used == 0 and bool(self.seats)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "owner": self.owner,
            "renewal": self.renewal.isoformat(),
            "notice_days": self.notice_days,
            "decide_by": self.decide_by.isoformat(),
            "days_to_decide": self.days_to_decide,
            "state": self.state,
            "cost": self.cost,
            "seats": self.seats,
            "seats_used": self.seats_used,
            "unused_seats": self.unused_seats,
            "cost_per_active_seat": None if self.cost_per_active_seat is None else round(self.cost_per_active_seat, 2),
            "no_active_seats": self.no_active_seats,
            "notice_invalid": self.notice_invalid,
        }


def renewal_of(record: Record, today: dt.date) -> Renewal | None:
    """Where a tool's contract stands on `today`; None without a renewal date."""
    values = record.values
    renewal = values.get("renewal")
    if not isinstance(renewal, dt.date):
        return None
    notice = values.get("notice_days")
    notice = notice if isinstance(notice, int) and notice >= 0 else None
    decide_by = renewal - dt.timedelta(days=notice or 0)
    state = PASSED if renewal < today else IN_NOTICE if decide_by < today else UPCOMING
    cost = values.get("cost")
    cost = float(cost) if isinstance(cost, (int, float)) else None
    seats, used = values.get("seats"), values.get("seats_used")
    per_seat = cost / used if cost is not None and isinstance(used, int) and used > 0 else None
    owner = values.get("owner")
    return Renewal(record.id, record.title, str(owner) if owner else None, renewal, notice, decide_by,
                   (decide_by - today).days, state, cost, seats if isinstance(seats, int) else None,
                   used if isinstance(used, int) else None, per_seat,
                   notice is None and record.doc.meta.get("notice_days") is not None)  # fmt: skip


def renewals(kb: KnowledgeBase, today: dt.date | None = None, within: int | None = None) -> list[Renewal]:
    """The adopted tools' contracts (those with a renewal date), the earliest day to decide by first —
    with `within`, only those whose day to decide by is at most that many days away (so those past it,
    in their notice period or past their renewal date, always)."""
    if within is not None and within < 0:
        raise InvalidInput(f"--within: {within} is negative", hint="give a number of days, e.g. --within 90")
    today = today or dt.date.today()
    adopted = [r for r in kb.records(kb.doctype("tool")) if r.values.get("status") == "adopted"]
    found = [x for r in adopted if (x := renewal_of(r, today)) is not None]
    if within is not None:
        found = [x for x in found if x.days_to_decide <= within]
    return sorted(found, key=lambda x: (x.decide_by, x.name.casefold()))
