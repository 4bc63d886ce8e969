"""Time to productivity: how long onboarding plans take to productive (Week 1 and Day 30 done)
and to complete, counted only once there is enough to count."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from pmops import people
from pmops.kb.records import shown
from pmops.onboarding import FIRST_MONTH, Step, steps
from pmops.text import count

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase, Record

PRODUCTIVE_WITHIN_DAYS = 45  # a plan whose Week 1 and Day 30 steps are still open after this many days is late
COMPLETE_WITHIN_DAYS = 135  # a plan still open after this many days (its 90 days and half again) is late
MIN_PLANS_MEASURED = 3  # fewer measured plans than this: "not enough data", no median


@dataclass
class Measure:
    """One plan's time to a milestone: finished in `days`, still open at `days` (late), or not counted and why."""

    plan: Record
    name: str
    state: str  # "finished", "late" (still open past the limit: at least `days`), "not counted"
    days: int | None = None
    reason: str = ""

    @property
    def steps_done(self) -> tuple[int, int]:
        """(steps done, steps) of the plan."""
        plan_steps = steps(self.plan.doc.body)
        return sum(s.done for s in plan_steps), len(plan_steps)

    def to_json(self) -> dict:
        data = {"id": self.plan.id, "name": self.name, "state": self.state, "days": self.days}
        if self.state == "late":
            data["done"], data["total"] = self.steps_done
        if self.reason:
            data["reason"] = self.reason
        return data


def _reached(
    plan: Record, plan_steps: list[Step], field_name: str, prefixes: tuple | None
) -> tuple[bool, dt.date | None]:
    """Whether the milestone was reached and on which day: the stamped field, else the steps' own dates
    (a plan ticked in an editor has no stamp); reached with no date when a ticked step has none."""
    when = plan.values.get(field_name)
    if isinstance(when, dt.date):
        return True, when
    chosen = [s for s in plan_steps if prefixes is None or s.id.split("-")[0] in prefixes]
    days = [s.done_on for s in chosen]
    if (chosen and all(s.done for s in chosen)) or (prefixes is None and plan.values.get("status") == "complete"):
        return True, max(days) if days and all(days) else None
    return False, None


def _measure(
    plan: Record,
    name: str,
    today: dt.date,
    field_name: str,
    prefixes: tuple | None,
    limit: int,
    gone: Record | None = None,
) -> Measure:
    """`gone`: the plan's person, when they left the team by `today` (a plan they never finished
    says nothing about how long getting productive takes)."""
    start = plan.values.get("start")
    if not isinstance(start, dt.date):
        return Measure(plan, name, "not counted", reason="no start date")
    if start > today:
        return Measure(plan, name, "not counted", reason=f"starts on {start.isoformat()}")
    plan_steps = steps(plan.doc.body)
    reached, when = _reached(plan, plan_steps, field_name, prefixes)
    if reached and when is None:
        return Measure(plan, name, "not counted", reason="done, but on a day nobody wrote down")
    if reached and when is not None:
        return Measure(plan, name, "finished", (when - start).days)
    if gone is not None:
        return Measure(plan, name, "not counted", reason=f"left the team{people.left_on(gone)} before it")
    if prefixes is not None and not any(s.id.split("-")[0] in prefixes for s in plan_steps):
        return Measure(plan, name, "not counted", reason="the plan has no Week 1 or Day 30 steps")
    open_days = (today - start).days
    if open_days > limit:
        return Measure(plan, name, "late", open_days)
    why = f"open at day {open_days}, too early to tell (late after day {limit})"
    return Measure(plan, name, "not counted", open_days, reason=why)


def _median(measures: list[Measure]) -> tuple[float | int | None, bool]:
    """The median of finished and late plans, and whether it is only a lower bound.

    A late plan's days are a lower bound (it is still open). The median of the lower
    bounds is exact when every late plan sorts above the middle: raising them cannot
    move it. Otherwise the true median is at least that number.
    """
    counted = sorted(
        (m for m in measures if m.state in ("finished", "late")), key=lambda m: (m.days, m.state == "late")
    )
    if not counted:
        return None, False
    median = statistics.median(m.days for m in counted)
    upper_middle = len(counted) // 2
    at_least = any(m.state == "late" for m in counted[: upper_middle + 1])
    return (int(median) if float(median).is_integer() else median), at_least


@dataclass(frozen=True)
class Milestone:
    """Time to one milestone over every plan: a median with its sample, or why there is none."""

    median: float | int | None  # None below MIN_PLANS_MEASURED
    at_least: bool  # the median is a lower bound (late plans are still open)
    measured: int
    finished: int
    late: int
    minimum: int
    enough_data: bool
    late_after_days: int
    text: str  # the figure for people, with its sample
    plans: tuple[Measure, ...]

    def to_json(self) -> dict[str, Any]:
        return {**{f.name: getattr(self, f.name) for f in fields(self)}, "plans": [m.to_json() for m in self.plans]}


def _milestone(
    measures: list[Measure], limit: int, reached: str = "finished", late_word: str = "still open"
) -> Milestone:
    """The median over plans that reached it (`reached`: how the sample says so) and those past the limit
    without it (`late_word`: counted as at least their days so far)."""
    median, at_least = _median(measures)
    finished = [m for m in measures if m.state == "finished"]
    late = [m for m in measures if m.state == "late"]
    measured = len(finished) + len(late)
    enough = measured >= MIN_PLANS_MEASURED
    parts = [f"{len(finished)} {reached}"] + ([f"{len(late)} {late_word} past day {limit}"] if late else [])
    sample = f"{count(measured, 'plan')} measured ({', '.join(parts)})"
    if not measures:
        text = "no onboarding plans yet"
    elif not enough:
        text = f"not enough data: {sample}, {MIN_PLANS_MEASURED} needed"
    else:
        text = f"median {'at least ' if at_least else ''}{count(median, 'day')}, over {sample}"
    return Milestone(median if enough else None, at_least if enough else False, measured, len(finished), len(late),
                     MIN_PLANS_MEASURED, enough, limit, text, tuple(measures))  # fmt: skip


@dataclass(frozen=True)
class TimeToProductivity:
    """Days to productive (Week 1 and Day 30 done) and to the whole plan done, over every plan."""

    plans: int
    today: dt.date
    day30: Milestone
    complete: Milestone

    def to_json(self) -> dict[str, Any]:
        return {
            "plans": self.plans,
            "today": self.today.isoformat(),
            "median_days_to_day30": self.day30.median if not self.day30.at_least else None,
            "median_days_to_complete": self.complete.median if not self.complete.at_least else None,
            "measured": {"day30": self.day30.measured, "complete": self.complete.measured},
            "day30": self.day30.to_json(),
            "complete": self.complete.to_json(),
        }


def measures(kb: KnowledgeBase, today: dt.date | None = None) -> dict[str, list[Measure]]:
    """Each plan's days to productive (Week 1 and Day 30 done) and to complete, as of `today`."""
    today = today or dt.date.today()
    roster = {r.id: r for r in kb.records(kb.doctype("person"))}
    plans = sorted(shown(kb.records(kb.doctype("onboarding"))),  # archived plans are out of every figure
                   key=lambda p: (str(p.values.get("start") or ""), p.id or ""))  # fmt: skip
    named = []
    for plan in plans:
        person = roster.get(plan.values.get("person"))
        name = str((person.values.get("name") if person else None) or plan.values.get("person") or plan.id)
        named.append((plan, name, person if person is not None and people.has_left(person, today) else None))
    return {
        "day30": [
            _measure(p, n, today, "day30_completed", FIRST_MONTH, PRODUCTIVE_WITHIN_DAYS, g) for p, n, g in named
        ],
        "complete": [_measure(p, n, today, "completed", None, COMPLETE_WITHIN_DAYS, g) for p, n, g in named],
    }


def time_to_productivity(kb: KnowledgeBase, today: dt.date | None = None) -> TimeToProductivity:
    """Median days from start to productive (Week 1 and Day 30 done) and to the whole plan done, as of `today`.

    A plan counts once it reached the milestone, or once it is still open past the
    milestone's limit (then as "at least its days so far": it is already that slow);
    younger open plans are too early to tell. Below MIN_PLANS_MEASURED there is no
    median, only "not enough data".
    """
    today = today or dt.date.today()
    found = measures(kb, today)
    return TimeToProductivity(len(found["day30"]), today, _milestone(found["day30"], PRODUCTIVE_WITHIN_DAYS),
                              _milestone(found["complete"], COMPLETE_WITHIN_DAYS))  # fmt: skip


# -- time to productivity from the new PM's own activity -------------------------------------------

# What a productive PM has done once (types absent: skipped): captured what a customer said. Not a
# decision: a PM takes part in one only where the area has decisions to take and they are a decider (a PM
# productive by every other sign could wait months); not a ranking: whoever runs the cycle records it.
DEFAULT_FIRSTS = ("insight",)
DEFAULT_SHOWN = ("insight", "decision")  # shown beside the checklist by default; only DEFAULT_FIRSTS count


def firsts_shown(kb: KnowledgeBase) -> tuple[str, ...]:
    """The types whose first document by the new PM is shown beside the checklist: those that count
    (firsts_wanted), and by default the first decision too."""
    wanted = firsts_wanted(kb)
    if kb.config.raw.get("onboarding") not in (None, ""):
        return wanted
    return tuple(dict.fromkeys((*wanted, *(t for t in DEFAULT_SHOWN if t in kb.registry))))


def firsts_wanted(kb: KnowledgeBase) -> tuple[str, ...]:
    """The types whose first document by the new PM marks them productive (all of them): pmops.yaml's
    `onboarding: {productive_when: [insight, decision, ranking]}`, else those of DEFAULT_FIRSTS the KB
    has. A type the KB does not have is a ConfigError (exit 2)."""
    from pmops.config import productive_when

    given = productive_when(kb.config.raw.get("onboarding"), kb.registry)
    return given if given is not None else tuple(t for t in DEFAULT_FIRSTS if t in kb.registry)


@dataclass(frozen=True)
class First:
    """The new PM's first document of a type since their start, or None yet."""

    type: str
    id: str | None
    day: dt.date | None
    days: int | None  # from the plan's start
    counts: bool = True  # one of firsts_wanted (else only shown)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "id": self.id, "day": self.day.isoformat() if self.day else None,
                "days": self.days, "counts": self.counts}  # fmt: skip


@dataclass(frozen=True)
class Activity:
    """A plan beside what its PM did: their first document of each wanted type, and the day the last of
    them came (productive by their own activity), or None while one is missing."""

    plan: str | None
    name: str
    start: dt.date
    firsts: tuple[First, ...]

    @property
    def days(self) -> int | None:
        """Days from the start to the last of the firsts that count; None while one is missing (or none is wanted)."""
        counted = [f for f in self.firsts if f.counts]
        if not counted or any(f.days is None for f in counted):
            return None
        return max(f.days for f in counted if f.days is not None)

    @property
    def text(self) -> str:
        said = [f"first {f.type} on day {f.days}" if f.days is not None else f"no {f.type} yet" for f in self.firsts]
        return ", ".join(said) or "nothing to measure"

    def to_json(self) -> dict[str, Any]:
        return {"plan": self.plan, "name": self.name, "start": self.start.isoformat(),
                "firsts": [f.to_json() for f in self.firsts], "days": self.days}  # fmt: skip


def done_another_way(overdue: list, mine: Activity | None) -> list:
    """The overdue steps whose work the PM did another way: a step asking for a first document of a type they
    have made ('Record your first decision' once they recorded one) — the one rule of onboard status and
    the digest."""
    made = {f.type.casefold() for f in (mine.firsts if mine is not None else ()) if f.day is not None}
    return [st for st in overdue if any(f"first {t}" in st.text.casefold() for t in made)]


def another_way_said(steps: list) -> str:
    """'(and 1 done another way: D90-2)' (done_another_way's steps), as onboard status and the digest say it."""
    return f"(and {len(steps)} done another way: {', '.join(st.id for st in steps)})" if steps else ""


def activity(kb: KnowledgeBase, plans: list[Record], today: dt.date | None = None) -> dict[str, Activity]:
    """For each plan (by path) with a start, its PM's first document of each wanted type (firsts_wanted)
    dated from their start to `today`: by the document's author (or deciders), else by who committed it."""
    from pmops import activity as history_of

    today = today or dt.date.today()
    wanted = firsts_wanted(kb)
    shown_types = firsts_shown(kb)
    roster = {r.id: r for r in kb.records(kb.doctype("person"))}
    history = history_of.history(kb)
    made: dict[str, list[Record]] = {t: shown(kb.records(kb.doctype(t))) for t in shown_types}
    found = {}
    for plan in plans:
        start = plan.values.get("start")
        if not isinstance(start, dt.date):
            continue
        person = roster.get(plan.values.get("person"))
        name = str((person.title if person else None) or plan.values.get("person") or plan.id)
        me = history_of.fold(name)
        firsts = []
        for type_name in shown_types:
            dated = [(d, r) for r in made[type_name]
                     if (d := history_of.day_of(r, history)) is not None and start <= d <= today
                     and me in {history_of.fold(a) for a in history_of.authors_of(r, history)}]  # fmt: skip
            if dated:
                day, record = min(dated, key=lambda x: (x[0], x[1].id or ""))
                firsts.append(First(type_name, record.id, day, (day - start).days, type_name in wanted))
            else:
                firsts.append(First(type_name, None, None, None, type_name in wanted))
        found[plan.path] = Activity(plan.id, name, start, tuple(firsts))
    return found


def by_activity(kb: KnowledgeBase, plans: list[Record], found: dict[str, Activity],
                today: dt.date | None = None) -> Milestone:  # fmt: skip
    """Days to productive by the PM's own activity, as the checklist's milestone is measured: a plan
    whose PM has every first that counts is measured at the last of them; one without them past
    PRODUCTIVE_WITHIN_DAYS counts as at least its days so far (late: leaving the slow out would make
    the figure better as onboarding gets worse); a younger one is too early to tell; a PM who left
    before is not counted."""
    today = today or dt.date.today()
    roster = {r.id: r for r in kb.records(kb.doctype("person"))}
    measured = []
    for plan in plans:
        mine = found.get(plan.path)
        start = plan.values.get("start")
        if mine is None or not isinstance(start, dt.date):
            continue
        person = roster.get(plan.values.get("person"))
        if start > today:
            measured.append(Measure(plan, mine.name, "not counted", reason=f"starts on {start.isoformat()}"))
        elif mine.days is not None:
            measured.append(Measure(plan, mine.name, "finished", mine.days))
        elif person is not None and people.has_left(person, today):
            why = f"left the team{people.left_on(person)} before it"
            measured.append(Measure(plan, mine.name, "not counted", reason=why))
        elif (today - start).days > PRODUCTIVE_WITHIN_DAYS:
            measured.append(Measure(plan, mine.name, "late", (today - start).days))
        else:
            why = f"at day {(today - start).days}, too early to tell (late after day {PRODUCTIVE_WITHIN_DAYS})"
            measured.append(Measure(plan, mine.name, "not counted", (today - start).days, reason=why))
    return _milestone(measured, PRODUCTIVE_WITHIN_DAYS, "productive", "still not productive")
