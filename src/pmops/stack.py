"""The tool registry: weighted evaluations, comparisons, and the shape of the adopted stack."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pmops.doctypes import TOOL_CATEGORIES
from pmops.errors import ConfigError, InvalidInput
from pmops.text import count

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase, Record

DEFAULT_CRITERIA = {"fit": 3.0, "integration": 2.0, "cost": 2.0, "adoption": 2.0, "security": 1.0}
MAX_SCORE = 5.0
RENEWAL_WINDOW = dt.timedelta(days=90)


def criteria(kb: KnowledgeBase) -> dict[str, float]:
    """The weighted criteria from pmops.yaml's `tool_criteria:` (criterion: weight), else the defaults."""
    raw = kb.config.raw.get("tool_criteria")
    if raw in (None, ""):
        return dict(DEFAULT_CRITERIA)
    if not isinstance(raw, dict) or not raw:
        raise ConfigError("pmops.yaml: 'tool_criteria' must map each criterion to its weight")
    try:
        weights = {str(k): float(v) for k, v in raw.items()}
    except (TypeError, ValueError):
        raise ConfigError("pmops.yaml: every weight in 'tool_criteria' must be a number") from None
    if any(w <= 0 for w in weights.values()):
        raise ConfigError("pmops.yaml: weights in 'tool_criteria' must be positive")
    return weights


def find_tool(kb: KnowledgeBase, name: str) -> Record:
    return kb.find(name, "tool")


def score(kb: KnowledgeBase, name: str, pairs: list[str], *, commit: bool | None = None) -> Record:
    """Set CRITERION=SCORE pairs (0–5) on a tool and commit."""
    weights = criteria(kb)
    record = find_tool(kb, name)
    scores = dict(record.values.get("scores") or {})
    if not pairs:
        raise InvalidInput("give at least one CRITERION=SCORE", hint=f"criteria: {', '.join(weights)}")
    for pair in pairs:
        criterion, sep, value = pair.partition("=")
        criterion = criterion.strip()
        if not sep or criterion not in weights:
            raise InvalidInput(
                f"'{pair}': the criteria are {', '.join(weights)}", hint="write CRITERION=SCORE, e.g. fit=4"
            )
        try:
            number = float(value)
        except ValueError:
            raise InvalidInput(f"'{pair}': the score must be a number from 0 to {MAX_SCORE:g}") from None
        if not 0 <= number <= MAX_SCORE:
            raise InvalidInput(f"'{pair}': the score must be from 0 to {MAX_SCORE:g}")
        scores[criterion] = int(number) if number.is_integer() else number
    kb.update(record, {"scores": scores}, f'pmops: score tool {record.id} "{record.title}"', commit=commit)
    return find_tool(kb, record.id)


@dataclass
class Rating:
    """A tool's weighted score. `total` counts a missing criterion as 0; None when nobody scored it by hand."""

    record: object  # kb.Record
    total: float | None  # weighted score, 0–5
    scores: dict[str, float]  # given by hand, or derived (see `derived`)
    missing: list[str]
    derived: list[str] = field(default_factory=list)  # criteria whose score pmops derived (cost)
    best: float | None = None  # the total if every missing criterion scored 5
    rank: int | None = None  # 1 = best; equal shown totals share a rank; None when not scored
    cheapest: tuple[str, float] | None = None  # the tool and cost a derived cost score compares with

    def to_json(self) -> dict:
        rec = self.record
        return {"rank": self.rank, "id": rec.id, "name": rec.title, "status": rec.values.get("status"),
                "category": rec.values.get("category"), "job": rec.values.get("job"),
                "weighted": _round(self.total), "weighted_at_most": _round(self.best),
                "scores": self.scores, "derived": self.derived, "missing": self.missing,
                "cheapest": {"name": self.cheapest[0], "cost": self.cheapest[1]} if self.cheapest else None}  # fmt: skip


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def rate(record: Record, weights: dict[str, float], derived: dict[str, float] | None = None) -> Rating:
    """Σ weight × score ÷ Σ weights over every criterion, a missing one as 0; `derived` fills criteria not given by hand."""
    given, derived = record.values.get("scores") or {}, derived or {}
    scores = {c: given[c] if c in given else derived[c] for c in weights if c in given or c in derived}
    made = [c for c in scores if c not in given]
    missing = [c for c in weights if c not in scores]
    if len(made) == len(scores):  # nobody scored it: a derived cost alone ranks nothing
        return Rating(record, None, scores, missing, made)
    whole = sum(weights.values())
    total = sum(weights[c] * s for c, s in scores.items()) / whole
    return Rating(record, total, scores, missing, made, total + sum(weights[c] for c in missing) * MAX_SCORE / whole)


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
    """Best first, by the total as shown (two decimals), equal totals sharing a rank; the unscored last, unranked."""
    scored = sorted((r for r in ratings if r.total is not None), key=lambda r: -round(r.total, 2))  # type: ignore[arg-type]
    for position, rating in enumerate(scored, 1):
        before = scored[position - 2] if position > 1 else None
        same = before is not None and round(before.total, 2) == round(rating.total, 2)  # type: ignore[arg-type]
        rating.rank = before.rank if same else position  # type: ignore[union-attr]
    return scored + [r for r in ratings if r.total is None]


def compare(kb: KnowledgeBase, names: list[str], category: str | None = None) -> tuple[dict[str, float], list[Rating]]:
    """The weighted matrix of the named tools — without names, of every tool in use or being
    evaluated (not retired), of one category when given: ranked best first, then the ones nobody scored."""
    if names and category:
        raise InvalidInput("give tool names or --category, not both")
    if names:
        if len(names) < 2:
            raise InvalidInput("name at least two tools to compare", hint="or none, to compare every tool in use")
        records = list({r.id: r for r in (find_tool(kb, n) for n in names)}.values())
        if len(records) < 2:
            raise InvalidInput("name at least two different tools to compare")
    else:
        doctype = kb.doctype("tool")
        records = [r for r in kb.select(doctype, {"category": category}, date_field="renewal")
                   if r.values.get("status") != "retired"]  # fmt: skip
        if len(records) < 2:
            which = f"in the category '{category}'" if category else "in use or being evaluated"
            raise InvalidInput(f"{count(len(records), 'tool')} {which}: nothing to compare",
                               hint="name the tools to compare: pmops tool compare NAME NAME…")  # fmt: skip
    weights = criteria(kb)
    costs, cheapest = derived_costs(records) if "cost" in weights else ({}, None)
    ratings = [rate(r, weights, {"cost": costs[r.id]} if r.id in costs else None) for r in records]
    for rating in ratings:
        rating.cheapest = cheapest if rating.derived else None
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
