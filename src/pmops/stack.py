"""The tool registry: weighted evaluations, comparisons, and the shape of the adopted stack."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pmops.doctypes import TOOL_CATEGORIES
from pmops.errors import ConfigError, Conflict, InvalidInput, NotFound

DEFAULT_CRITERIA = {"fit": 3.0, "integration": 2.0, "cost": 2.0, "adoption": 2.0, "security": 1.0}
MAX_SCORE = 5.0
RENEWAL_WINDOW = dt.timedelta(days=90)


def criteria(kb) -> dict[str, float]:  # noqa: ANN001
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


def find_tool(kb, name: str):  # noqa: ANN001, ANN201 - kb.Record
    return kb.find_named("tool", name)


def add(kb, values: dict, *, commit: bool | None = None):  # noqa: ANN001, ANN201 - kb.Created
    name = str(values.get("name") or "").strip()
    if name and kb.named("tool", name):
        raise Conflict(f"a tool named '{name}' is already in the registry")
    return kb.create("tool", values, commit=commit)


def score(kb, name: str, pairs: list[str], *, commit: bool | None = None):  # noqa: ANN001, ANN201
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
            raise InvalidInput(f"'{pair}': the criteria are {', '.join(weights)}", hint="write CRITERION=SCORE, e.g. fit=4")
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
    record: object  # kb.Record
    total: float  # weighted score, 0–5
    scores: dict[str, float]
    missing: list[str]

    def to_json(self) -> dict:
        rec = self.record
        return {"id": rec.id, "name": rec.title, "status": rec.values.get("status"), "category": rec.values.get("category"),
                "weighted": round(self.total, 2), "scores": self.scores, "missing": self.missing}  # fmt: skip


def rate(record, weights: dict[str, float]) -> Rating:  # noqa: ANN001
    scores = record.values.get("scores") or {}
    total = sum(weights[c] * scores.get(c, 0.0) for c in weights) / sum(weights.values())
    return Rating(record, total, {c: scores[c] for c in weights if c in scores}, [c for c in weights if c not in scores])


def compare(kb, names: list[str]) -> tuple[dict[str, float], list[Rating]]:  # noqa: ANN001
    """The weighted matrix of the named tools, best first."""
    if len(names) < 2:
        raise InvalidInput("name at least two tools to compare")
    weights = criteria(kb)
    ratings = [rate(find_tool(kb, n), weights) for n in names]
    return weights, sorted(ratings, key=lambda r: -r.total)


@dataclass
class Stack:
    by_category: dict[str, list] = field(default_factory=dict)  # adopted tools per category
    overlaps: dict[str, list] = field(default_factory=dict)  # categories with two or more adopted tools
    gaps: list[str] = field(default_factory=list)
    isolated: list = field(default_factory=list)  # adopted tools that integrate with no other adopted tool
    renewals: list = field(default_factory=list)  # (record, days until renewal)
    total_cost: float = 0.0

    def to_json(self) -> dict:
        def brief(r) -> dict:  # noqa: ANN001
            return {"id": r.id, "name": r.title, "cost": r.values.get("cost"), "owner": r.values.get("owner")}

        return {
            "categories": {c: [brief(r) for r in tools] for c, tools in self.by_category.items()},
            "overlaps": {c: [r.title for r in tools] for c, tools in self.overlaps.items()},
            "gaps": self.gaps,
            "isolated": [r.title for r in self.isolated],
            "renewals": [{**brief(r), "renewal": r.values["renewal"].isoformat(), "days": days} for r, days in self.renewals],
            "total_cost": self.total_cost,
        }


def stack(kb, today: dt.date | None = None) -> Stack:  # noqa: ANN001
    today = today or dt.date.today()
    adopted = [r for r in kb.records(kb.doctype("tool")) if r.values.get("status") == "adopted"]
    result = Stack()
    for category in TOOL_CATEGORIES:
        tools = sorted((r for r in adopted if r.values.get("category") == category), key=lambda r: r.title.casefold())
        if tools:
            result.by_category[category] = tools
            if len(tools) > 1 and category != "other":
                result.overlaps[category] = tools
        elif category != "other":
            result.gaps.append(category)
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


def resolve_tools(kb, names: list[str]) -> list[str]:  # noqa: ANN001
    ids = []
    for name in names:
        try:
            ids.append(find_tool(kb, name).id)
        except NotFound:
            raise NotFound(f"--integrates-with {name}: no such tool") from None
    return ids
