"""The report's content, computed once from the KB; every count carries the ids it counts.

Each part's fields are the keys of `pmops report --format json` (docs/report.md), in their
order (`reports.parts`). The markdown and HTML renderers and the terminal summary read the
same objects.

(Over 400 lines: one small dataclass per report part and the function that fills it — a schema, read
in one place like doctypes.py; the parts' logic lives in the domain modules.)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pmops import (
    activity,
    dates,
    decisions,
    metrics,
    onboarding,
    outcomes,
    outputs,
    prioritization,
    processes,
    productivity,
    research,
    stack,
)
from pmops.doctypes import DECISION_STATUSES
from pmops.reports.parts import OMIT_NONE, Part, plain
from pmops.text import whole

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase, Record


@dataclass(frozen=True)
class Counted:
    """A number that links back to the documents it counts."""

    ids: tuple[str, ...]

    @classmethod
    def of(cls, records: Iterable[Record]) -> Counted:
        return cls(tuple(r.id for r in records))

    @property
    def count(self) -> int:
        return len(self.ids)

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "ids": list(self.ids)}


@dataclass(frozen=True)
class Point(Part):
    date: dt.date
    value: float


@dataclass(frozen=True)
class Metric(Part):
    """A metric's row: its front-matter, what pmops derives from its values, and the values."""

    id: str | None
    name: str | None
    unit: Any
    target: Any
    direction: Any
    cadence: Any
    owner: Any
    parent: Any
    path: str | None
    latest: Point | None
    trend: float | None
    on_target: bool | None
    status: str | None
    stale: bool | None
    days_since_latest: int | None
    future: tuple[Point, ...]
    problem: str | None = field(metadata=OMIT_NONE)
    values: tuple[Point, ...] = ()

    @classmethod
    def of(cls, view: metrics.MetricView) -> Metric:
        data = view.record.to_json()
        return cls(
            data.get("id"), data.get("name"), data.get("unit"), data.get("target"), data.get("direction"),
            data.get("cadence"), data.get("owner"), data.get("parent"), data.get("path"),
            Point(*view.latest) if view.latest else None, view.trend, view.on_target, view.status, view.stale, view.age,
            _points(view.future), view.problem or None, _points(view.values),
        )  # fmt: skip


def _points(pairs: list[tuple[dt.date, float]]) -> tuple[Point, ...]:
    return tuple(Point(day, value) for day, value in pairs)


@dataclass(frozen=True)
class MetricNode(Part):
    id: str | None
    name: str
    children: tuple[MetricNode, ...]


@dataclass(frozen=True)
class Week(Part):
    """Insights heard in one ISO week."""

    week: str  # 2026-W07
    ids: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.ids)

    def to_json(self) -> dict[str, Any]:
        return {"week": self.week, "count": self.count, "ids": list(self.ids)}


@dataclass(frozen=True)
class Research(Part):
    insights: Counted
    since: dt.date  # the first day of the first of the weeks shown
    recent: Counted
    weeks: int
    per_week: tuple[Week, ...]
    by_source: dict[str, Counted]
    by_segment: dict[str, Counted]
    by_area: dict[str, Counted]


@dataclass(frozen=True)
class Trend(Part):
    current: int
    previous: int
    direction: str


@dataclass(frozen=True)
class Quote(Part):
    text: str
    id: str


@dataclass(frozen=True)
class Citation(Part):
    id: str
    state: str


@dataclass(frozen=True)
class Theme(Part):
    """A theme's figures as `insight themes --json` gives them, and the words for its customers and
    decisions as `insight themes` says them."""

    theme: str
    insights: int
    signals: dict[str, int]
    customers: int
    without_customer: int
    segments: tuple[str, ...]
    trend: Trend
    latest_quote: Quote | None
    addressed: bool
    decisions: tuple[str, ...]
    proposed: tuple[str, ...]
    cited_by: tuple[Citation, ...]
    ids: tuple[str, ...]
    customers_text: str
    addressed_text: str

    @classmethod
    def of(cls, theme: research.Theme) -> Theme:
        data = theme.to_json()  # the theme's own JSON, typed: a key it gains or loses fails here
        quote = data["latest_quote"]
        return cls(**{
            **data, "segments": tuple(data["segments"]), "trend": Trend(**data["trend"]),
            "latest_quote": Quote(**quote) if quote else None, "decisions": tuple(data["decisions"]),
            "proposed": tuple(data["proposed"]), "cited_by": tuple(Citation(**c) for c in data["cited_by"]),
            "ids": tuple(data["ids"]),
            "customers_text": research.customers_text(theme.customers, theme.without_customer),
            "addressed_text": research.addressed_text(theme.decisions),
        })  # fmt: skip


@dataclass(frozen=True)
class Themes(Part):
    top: tuple[Theme, ...]  # the largest eight
    unaddressed: tuple[Theme, ...]  # the largest eight no decision in force addresses
    count: int
    unaddressed_count: int


@dataclass(frozen=True)
class Cited(Part):
    """An insight an opportunity rests on."""

    id: str
    title: str


@dataclass(frozen=True)
class Voice(Part):
    """A customer an opportunity's evidence names: its register id (None: a name the register has not), its ARR."""

    id: str | None
    name: str
    arr: float


@dataclass(frozen=True)
class Opportunity(Part):
    """A ranked opportunity, as its ranking holds it, with the insights of its evidence and the customers
    they name (`accounts`: largest ARR first; None for a ranking recorded before rankings kept them)."""

    rank: int
    id: str
    title: str
    status: str
    area: str | None
    score: float
    reach: float
    confidence: float
    customers: int
    arr: float
    evidence: tuple[Cited, ...]
    accounts: tuple[Voice, ...] | None = None
    currency: str | None = None  # the KB's: the customers' ARR is said in it

    def named(self, most: int = 5) -> str:
        """'Atlas Freight Inc. ($312,000), Lumen Health Systems ($268,000) … 2 more', or '' when not known."""
        return prioritization.named(self.accounts or (), most, self.currency)


@dataclass(frozen=True)
class Priorities(Part):
    """The top of the latest ranking recorded by the report's day (or, with none, RICE computed that day)."""

    cycle: str | None  # None: no ranking recorded, the opportunities ranked on the report's day
    ranking: str | None  # the ranking document's id
    method: str
    formula: str
    as_of: dt.date
    top: tuple[Opportunity, ...]  # the first eight
    ranked: int
    unranked: int
    opportunities: int  # in the KB, archived ones left out
    # Months from the recorded ranking's cycle to the report's: 2 or more and it is said, no newer being recorded.
    months_old: int | None = None
    area: str | None = None  # the one area the recorded ranking ranks (a squad's), said; None: every area

    @property
    def old(self) -> str:
        """', 6 months old: no ranking recorded since' for a ranking two months or more behind the report, else ''."""
        if not self.cycle or (self.months_old or 0) < STALE_MONTHS:
            return ""
        return f", {self.months_old} months old: no ranking recorded since"

    @property
    def intro(self) -> str:
        """What the section shows, and where it comes from (markdown, HTML and the site say it alike)."""
        which = f"the top {len(self.top)} of {self.ranked}" if self.ranked > len(self.top) else f"all {self.ranked}"
        if self.cycle:
            area = f", area {self.area}" if self.area else ""
            return (f"The ranking of {self.cycle}{area} ({self.ranking}{self.old}), {which} ranked by {self.formula}, "
                    f"evidence counted to {self.as_of}; as it was recorded.")  # fmt: skip
        return (f"No ranking recorded yet: {which} ranked today by {self.formula} "
                f"(`pmops prioritize --cycle YYYY-MM` records a cycle's).")  # fmt: skip


@dataclass(frozen=True)
class Month(Part):
    """Decisions dated in one month, by status."""

    month: str  # 2026-11
    by_status: dict[str, Counted]

    def to_json(self) -> dict[str, Any]:
        return {"month": self.month, **plain(self.by_status)}


@dataclass(frozen=True)
class Expected(Part):
    """One expectation of a decision taken, judged on the report's day (outcomes.Verdict)."""

    decision: str | None
    title: str
    metric: str
    name: str | None
    expects: str  # "up to 5000"
    verdict: str  # met, not met, too early, no data
    before: Point | None
    after: Point | None
    why: str
    review_by: dt.date | None
    overdue: bool  # the review date passed with no verdict recorded


@dataclass(frozen=True)
class Decisions(Part):
    by_status: dict[str, Counted]
    per_month: tuple[Month, ...]
    expectations: tuple[Expected, ...]  # of the decisions taken, overdue reviews first
    reviews_overdue: Counted  # lint: review-overdue
    proposed_stale: Counted  # proposed for more than 30 days (lint: decision-proposed-stale)
    evidence_after: Counted  # citing evidence dated after them (lint: evidence-after-decision)


@dataclass(frozen=True)
class Process(Part):
    id: str | None
    title: str
    owner: Any
    health: str


@dataclass(frozen=True)
class Promise(Part):
    """One output a process promises, judged over the report's window (outputs.Output)."""

    check: str
    promised: str
    verdict: str  # met, missed, too early, no data
    actual: str


@dataclass(frozen=True)
class ProcessCheck(Part):
    """A process that declares outputs, against what happened (`pmops process check`)."""

    id: str | None
    title: str
    owner: Any
    verdict: str | None  # the worst of its outputs; None when its outputs cannot be read
    problem: str | None
    outputs: tuple[Promise, ...]

    @classmethod
    def of(cls, found: outputs.Check) -> ProcessCheck:
        return cls(found.id, found.title, found.owner, None if found.problem else found.verdict, found.problem,
                   tuple(Promise(o.check, o.promised, o.verdict, o.actual) for o in found.outputs))  # fmt: skip


@dataclass(frozen=True)
class Version(Part):
    id: str | None
    title: str
    owner: Any
    cadence: Any
    sections: tuple[str, ...]
    copies: tuple[str, ...] = ()  # its near-copies, one version with it


@dataclass(frozen=True)
class Divergent(Part):
    """One kind of process kept in versions by different owners, far from alike (outputs.Divergent)."""

    kind: str
    versions: tuple[Version, ...]
    similarity: float | None  # of the least alike two

    @property
    def alike(self) -> str:
        return outputs.alike(self.similarity)

    @classmethod
    def of(cls, found: outputs.Divergent) -> Divergent:
        return cls(found.kind, tuple(Version(v.id, v.title, v.owner, v.cadence, v.sections, v.copies)
                                     for v in found.versions),
                   None if found.similarity is None else round(found.similarity, 2))  # fmt: skip


@dataclass(frozen=True)
class Processes(Part):
    active: Counted
    stale: Counted
    due: Counted  # running this week
    list: tuple[Process, ...]
    checked_since: dt.date  # the first day of the window the outputs are checked over (process check's default)
    checks: tuple[ProcessCheck, ...]  # the active processes that declare outputs, missed first
    not_happening: Counted  # those with an output missed
    divergent: tuple[Divergent, ...]


@dataclass(frozen=True)
class Plan(Part):
    """An onboarding plan's progress, as `onboard status --json` gives it."""

    name: str
    id: str | None
    person: Any
    start: str | None
    area: Any
    done: int
    total: int
    overdue: tuple[str, ...]
    days_since_start: int | None
    expected_pace: float | None
    actual_pace: float
    status: str
    days_to_day30: int | None
    days_to_complete: int | None


@dataclass(frozen=True)
class Onboarding(Part):
    plans: tuple[Plan, ...]
    time_to_productivity: productivity.TimeToProductivity


@dataclass(frozen=True)
class Tool(Part):
    id: str | None
    name: str
    job: Any
    cost: Any
    owner: Any


@dataclass(frozen=True)
class Renewal(Part):
    id: str | None
    name: str
    job: Any
    cost: Any
    owner: Any
    renewal: str
    days: int


@dataclass(frozen=True)
class Tools(Part):
    """The adopted tools, as `tool stack --json` gives them."""

    categories: dict[str, tuple[Tool, ...]]
    overlaps: dict[str, tuple[str, ...]]  # job -> the tools declaring it
    possible_overlaps: dict[str, tuple[str, ...]]  # category -> its tools, when some declare no job
    gaps: tuple[str, ...]
    covered_by_pmops: dict[str, str]
    isolated: tuple[str, ...]
    renewals: tuple[Renewal, ...]
    total_cost: float
    currency: str | None = None  # the KB's: the costs are in it
    in_notice: tuple[str, ...] = ()  # the tools inside their notice period: they renew as they are (tool renewals)

    @classmethod
    def of(cls, found: stack.Stack, currency: str | None = None, in_notice: tuple[str, ...] = ()) -> Tools:
        data = {**found.to_json(), "currency": currency, "in_notice": in_notice}  # the stack's own JSON, typed

        def names(table: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
            return {key: tuple(value) for key, value in table.items()}

        return cls(**{
            **data, "categories": {c: tuple(Tool(**t) for t in tools) for c, tools in data["categories"].items()},
            "overlaps": names(data["overlaps"]), "possible_overlaps": names(data["possible_overlaps"]),
            "gaps": tuple(data["gaps"]), "isolated": tuple(data["isolated"]),
            "renewals": tuple(Renewal(**r) for r in data["renewals"]),
        })  # fmt: skip


@dataclass(frozen=True)
class Report(Part):
    kb: str
    generated: dt.date
    metrics: tuple[Metric, ...]
    metric_tree: tuple[MetricNode, ...]
    research: Research
    themes: Themes
    priorities: Priorities
    decisions: Decisions
    processes: Processes
    onboarding: Onboarding
    tools: Tools


def _grouped(records: list[Record], key: Callable[[Record], Any]) -> dict[str, Counted]:
    groups: dict[str, list] = defaultdict(list)
    for record in records:
        groups[str(key(record) or "unknown")].append(record)
    return {name: Counted.of(items) for name, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))}


def _metric_tree(views: list[metrics.MetricView]) -> tuple[MetricNode, ...]:
    by_parent: dict[str | None, list] = defaultdict(list)
    ids = {v.record.id for v in views}
    for view in views:
        parent = view.record.values.get("parent")
        by_parent[parent if parent in ids else None].append(view)

    def node(view: metrics.MetricView) -> MetricNode:
        children = sorted(by_parent.get(view.record.id, []), key=lambda v: v.record.title)
        return MetricNode(view.record.id, view.record.title, tuple(node(c) for c in children))

    return tuple(node(v) for v in sorted(by_parent[None], key=lambda v: v.record.title))


def as_of(records: list, today: dt.date, field: str = "date") -> list:
    """The records that existed on `today`: none dated after it (an undated record counts)."""
    return [r for r in records if not dates.after(r.values.get(field), today)]


def _research(insights: list[Record], today: dt.date, weeks: int) -> Research:
    monday = today - dt.timedelta(days=today.weekday())
    since = monday - dt.timedelta(weeks=weeks - 1)  # the first day of the first of the weeks shown
    recent = [r for r in insights if isinstance(r.values.get("date"), dt.date) and r.values["date"] >= since]
    per_week: dict[str, list] = defaultdict(list)
    for record in recent:
        year, week, _ = record.values["date"].isocalendar()
        per_week[f"{year}-W{week:02d}"].append(record)
    mondays = (monday - dt.timedelta(weeks=w) for w in range(weeks - 1, -1, -1))
    week_keys = [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in mondays]
    return Research(
        Counted.of(insights), since, Counted.of(recent), weeks,
        tuple(Week(key, Counted.of(per_week.get(key, [])).ids) for key in week_keys),
        _grouped(recent, lambda r: r.values.get("source")), _grouped(recent, lambda r: r.values.get("segment")),
        _grouped(recent, lambda r: r.values.get("area")),
    )  # fmt: skip


def _expected(review: outcomes.Review) -> tuple[Expected, ...]:
    return tuple(
        Expected(review.id, review.title, v.expectation.metric, v.name, v.expectation.text, v.verdict,
                 Point(v.before.date, v.before.value) if v.before else None,
                 Point(v.after.date, v.after.value) if v.after else None, v.why, review.review_by, review.overdue)
        for v in review.verdicts
    )  # fmt: skip


def _later_evidence(kb: KnowledgeBase, record: Record) -> bool:
    """A decision taken that cites evidence dated after it (what lint's evidence-after-decision flags)."""
    when = outcomes.decided_on(record)  # the day it was accepted, else its date
    if record.values.get("status") in record.doctype.drafts or not isinstance(when, dt.date):
        return False
    newest = decisions.evidence(kb, record).newest
    return newest is not None and newest > when


def _decisions(kb: KnowledgeBase, decided: list[Record], today: dt.date) -> Decisions:
    base = _by_status(decided)
    reviews = outcomes.reviews(kb, today)
    return Decisions(
        base.by_status, base.per_month, tuple(e for r in reviews for e in _expected(r)),
        Counted(tuple(r.id for r in reviews if r.overdue and r.id)),
        Counted.of([r for r in decided if decisions.waiting(r, today) is not None]),
        Counted.of([r for r in decided if _later_evidence(kb, r)]),
    )  # fmt: skip


@dataclass(frozen=True)
class _Statuses:
    by_status: dict[str, Counted]
    per_month: tuple[Month, ...]


def _by_status(decisions: list[Record]) -> _Statuses:
    per_month: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for record in decisions:
        when = record.values.get("date")
        if isinstance(when, dt.date):
            per_month[f"{when:%Y-%m}"][str(record.values.get("status"))].append(record)
    by_status = {s: Counted.of([r for r in decisions if r.values.get("status") == s]) for s in DECISION_STATUSES}
    months = tuple(Month(month, {s: Counted.of(per_month[month].get(s, [])) for s in DECISION_STATUSES})
                   for month in sorted(per_month))  # fmt: skip
    return _Statuses(by_status, months)


TOP_OPPORTUNITIES = 8
STALE_MONTHS = 2  # a ranking whose cycle is this many months before the report's is said to be old


def shown_ranking(recorded: list[Record], today: dt.date) -> Record | None:
    """Of the rankings recorded (oldest cycle first, as prioritization.rankings gives them), the one a report of
    `today` shows: the latest of every area whose cycle has begun by `today`; else the latest of one area whose
    cycle has; else (only cycles still to come) the earliest of those, every area's first. A squad's ranking, or
    one planned ahead, never hides the company's ranking of the cycle under way."""
    month = f"{today.year:04d}-{today.month:02d}"

    def begun(r: Record) -> bool:
        return str(r.values.get("cycle") or "") <= month

    every = [r for r in recorded if r.values.get("area") in (None, "")]
    for pick in ([r for r in every if begun(r)], [r for r in recorded if begun(r)]):
        if pick:
            return pick[-1]
    ahead = sorted(recorded, key=lambda r: (str(r.values.get("cycle") or ""), r.values.get("area") not in (None, "")))
    return ahead[0] if ahead else None


def _priorities(kb: KnowledgeBase, today: dt.date) -> Priorities:
    """The ranking recorded on or before `today` the report shows, read as it was (`shown_ranking`); else RICE on
    `today`."""
    recorded = [r for r in prioritization.rankings(kb) if not dates.after(r.values.get("date"), today)]
    chosen = shown_ranking(recorded, today)
    found = prioritization.from_record(chosen) if chosen else prioritization.rank(kb, "rice", today=today)
    top = found.ranked[:TOP_OPPORTUNITIES]
    insights = prioritization.evidence_records(kb, {e for row in top for e in row.evidence})
    rows = tuple(
        Opportunity(row.rank or 0, row.id, row.title, row.status, row.area, row.score or 0, row.reach, row.confidence,
                    row.customers, int(row.arr) if float(row.arr).is_integer() else row.arr,
                    tuple(Cited(e, insights[e].title if e in insights else "(not found)") for e in row.evidence),
                    None if row.accounts is None else tuple(Voice(v.id, v.name, whole(v.counted)) for v in row.accounts),
                    kb.config.currency)
        for row in top
    )  # fmt: skip
    live = len(kb.select(kb.doctype("opportunity")))
    months = (
        (today.year * 12 + today.month) - (int(found.cycle[:4]) * 12 + int(found.cycle[5:7]))
        if recorded and found.cycle
        else None
    )
    return Priorities(found.cycle if recorded else None, found.id, found.method, found.formula, found.as_of, rows,
                      len(found.ranked), len(found.unranked), live, months, found.area if recorded else None)  # fmt: skip


def _processes(kb: KnowledgeBase, today: dt.date) -> Processes:
    rows = [row for row in processes.listing(kb, today) if as_of([row.record], today)]
    since = today - dt.timedelta(days=outputs.window_days(outputs.DEFAULT_WINDOW) - 1)
    existing = [r.record for r in rows]  # those written by the report's day
    paths = {r.path for r in existing}
    history = activity.history(kb, since - dt.timedelta(days=1))  # only the window's: it is all the checks read
    checks = [c for c in outputs.check(kb, today=today, since=since, history=history) if c.path in paths]
    return Processes(
        Counted.of([r.record for r in rows if r.record.values.get("status") == "active"]),
        Counted.of([r.record for r in rows if r.stale]), Counted.of([r.record for r in rows if r.due]),
        tuple(Process(r.record.id, r.record.title, r.record.values.get("owner"), r.health) for r in rows),
        since, tuple(ProcessCheck.of(c) for c in checks),
        Counted(tuple(c.id for c in checks if c.id and not c.problem and c.verdict == outputs.MISSED)),
        tuple(Divergent.of(d) for d in outputs.divergent(kb, existing)),
    )  # fmt: skip


def _plan(progress: onboarding.Progress) -> Plan:
    data = progress.to_json()  # the plan's own JSON, typed: a key it gains or loses fails here
    return Plan(**{**data, "overdue": tuple(data["overdue"])})


def build(kb: KnowledgeBase, today: dt.date | None = None, weeks: int = 26) -> Report:
    today = today or dt.date.today()
    views = metrics.views(kb, today)
    # The KB as it stood on `today`: documents dated after it are not counted anywhere.
    insights = as_of(kb.select(kb.doctype("insight")), today)
    themes = research.themes(kb, "tag", today=today)
    unaddressed = [t for t in themes if not t.addressed]
    return Report(
        kb.config.name, today, tuple(Metric.of(v) for v in views), _metric_tree(views), _research(insights, today, weeks),
        Themes(tuple(Theme.of(t) for t in themes[:8]), tuple(Theme.of(t) for t in unaddressed[:8]), len(themes),
               len(unaddressed)),
        _priorities(kb, today),
        _decisions(kb, as_of(kb.select(kb.doctype("decision")), today), today),
        _processes(kb, today),
        Onboarding(tuple(_plan(p) for p in onboarding.progress(kb, today=today)),
                   productivity.time_to_productivity(kb, today)),
        Tools.of(stack.stack(kb, today), kb.config.currency,
                 tuple(r.name for r in stack.renewals(kb, today) if r.state == stack.IN_NOTICE)),
    )  # fmt: skip
