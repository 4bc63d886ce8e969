"""Onboarding: a new PM's 30/60/90-day plan built from the KB, its progress, and time to productivity."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pmops import bodies
from pmops.errors import Conflict, InvalidInput, NotFound
from pmops.text import count

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase, Record

_STEP = re.compile(
    r"^(?P<id>[A-Z][A-Z0-9]*-\d+)\s+(?P<text>.*?)"
    r"(?:\s+\(owner: (?P<owner>[^,()]+), due (?P<due>\d{4}-\d{2}-\d{2})\))?"
    r"(?:\s+— done (?P<done>\d{4}-\d{2}-\d{2}))?\s*$"
)
FIRST_MONTH = ("W1", "D30")  # the steps whose completion marks "productive"


@dataclass
class Step:
    id: str
    text: str
    owner: str | None
    due: dt.date | None
    done: bool
    done_on: dt.date | None
    item: bodies.Checkbox

    def to_json(self) -> dict:
        return {"id": self.id, "text": self.text, "owner": self.owner, "due": _iso(self.due), "done": self.done,
                "done_on": _iso(self.done_on)}  # fmt: skip


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def steps(body: str) -> list[Step]:
    """The plan's steps: checklist items that start with a step id (W1-1, D30-2 …)."""
    found = []
    for item in bodies.checkboxes(body):
        m = _STEP.match(item.text)
        if m:
            due = dt.date.fromisoformat(m["due"]) if m["due"] else None
            done_on = dt.date.fromisoformat(m["done"]) if m["done"] else None
            found.append(Step(m["id"], m["text"], m["owner"], due, item.done, done_on, item))
    return found


# -- finding people and plans ----------------------------------------------------------


def find_person(kb: KnowledgeBase, name: str) -> Record | None:
    return kb.named("person", name)


def plan_of(kb: KnowledgeBase, name: str) -> Record:
    person = find_person(kb, name)
    if person is None:
        raise NotFound(f"no person named '{name}'", hint="pmops onboard status lists everyone onboarding")
    for record in kb.records(kb.doctype("onboarding")):
        if record.values.get("person") == person.id:
            return record
    raise NotFound(f"{person.values.get('name')} has no onboarding plan", hint=f'pmops onboard new-pm "{name}" --start YYYY-MM-DD')


# -- the reading list --------------------------------------------------------------------


def reading_list(kb: KnowledgeBase, area: str | None) -> tuple[list[tuple[str, list[tuple[str, str]]]], list[str]]:
    """Sections of (id, line) drawn from the KB, and the owners of the processes in it.

    Every active process (sprint planning first), the area's recent accepted decisions,
    its strongest insight themes with a representative insight each, and — when the KB
    has those types — adopted tools and the area's metrics.
    """
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    processes = [r for r in kb.records(kb.doctype("process")) if r.values.get("status") == "active"]
    processes.sort(key=lambda r: (r.values.get("kind") != "sprint-planning", r.title.casefold()))
    sections.append(("Processes", [(r.id, f"{r.title} (owner: {r.values.get('owner')})") for r in processes]))
    decisions = [r for r in kb.records(kb.doctype("decision"))
                 if r.values.get("status") == "accepted" and (not area or r.values.get("area") == area)]  # fmt: skip
    decisions.sort(key=lambda r: r.values.get("date") or dt.date.min, reverse=True)
    sections.append(("Recent decisions", [(r.id, f"{r.title} ({r.values.get('date')})") for r in decisions[:5]]))
    insights = kb.select(kb.doctype("insight"), {"area": area} if area else None)
    signals = kb.taxonomy.signals()  # kinds of evidence (bug, praise), not problems to learn about
    counts = Counter(tag for r in insights for tag in r.values.get("tags") or [] if tag not in signals)
    themes = []
    for tag, n in counts.most_common(3):
        example = next((r for r in insights if tag in (r.values.get("tags") or []) and r.values.get("quote")),
                       next(r for r in insights if tag in (r.values.get("tags") or [])))  # fmt: skip
        themes.append((example.id, f"{tag}: {count(n, 'insight')} — e.g. {example.title}"))
    sections.append(("Strongest themes", themes))
    for type_name, title, keep in (("tool", "Tools to get access to", lambda r: r.values.get("status") == "adopted"),
                                   ("metric", "Metrics the area owns", lambda r: not area or r.values.get("area") == area)):  # fmt: skip
        if type_name in kb.registry:
            sections.append((title, [(r.id, r.title) for r in kb.records(kb.doctype(type_name)) if keep(r)]))
    owners = list(dict.fromkeys(str(r.values.get("owner")) for r in processes if r.values.get("owner")))
    return sections, owners


def _reading_markdown(sections: list[tuple[str, list[tuple[str, str]]]]) -> str:
    parts = []
    for title, entries in sections:
        lines = [f"- [[{doc_id}]] {text}" for doc_id, text in entries] or ["- (none yet)"]
        parts.append(f"### {title}\n\n" + "\n".join(lines))
    return "\n\n".join(parts)


def _working_days(start: dt.date, count: int) -> list[dt.date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _due(start: dt.date, days: int) -> dt.date:
    """`days` after the start, on a working day: a weekend moves back to its Friday ("by the
    end of the week"), or forward to the Monday when that Friday is before the start."""
    day = start + dt.timedelta(days=days)
    if day.weekday() < 5:
        return day
    friday = day - dt.timedelta(days=day.weekday() - 4)
    return friday if friday >= start else day + dt.timedelta(days=7 - day.weekday())


def _meetings(start: dt.date, name: str, manager: str | None, buddy: str | None, owners: list[str]) -> str:
    """Intro meetings, two a working day from the start: manager and buddy first, then process owners."""
    people, seen = [], {name.casefold()}
    for person, why in [(manager, "manager"), (buddy, "buddy")] + [(o, "process owner") for o in owners]:
        if person and person.casefold() not in seen:
            seen.add(person.casefold())
            people.append((person, why))
    days = _working_days(start, (len(people) + 1) // 2)
    lines = [f"- {days[i // 2].isoformat()} Intro with {person} ({why})" for i, (person, why) in enumerate(people)]
    return "\n".join(lines) or "- (add intro meetings here)"


# -- new plan --------------------------------------------------------------------------------


def new_pm(kb: KnowledgeBase, name: str, start: dt.date, *, area: str | None = None, buddy: str | None = None,
           manager: str | None = None, commit: bool | None = None,
           today: dt.date | None = None) -> tuple[Record, str | None]:  # fmt: skip
    """Create the person (when missing) and their plan, in one commit; refuse a second plan."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("the new PM's name is required")
    person = find_person(kb, name)
    if person is not None:
        existing = [r.id for r in kb.records(kb.doctype("onboarding")) if r.values.get("person") == person.id]
        if existing:
            raise Conflict(f"{name} already has an onboarding plan ({existing[0]}); nothing changed",
                           hint=f'pmops onboard status "{name}"')  # fmt: skip
    changes = []
    taken_people = kb.existing_ids(kb.doctype("person"))
    if person is None:
        values = {"name": name, "role": "pm", "area": area, "start": start.isoformat(), "manager": manager}
        person_draft = kb.build(kb.doctype("person"), values, today=today, taken=taken_people)
        changes.append(person_draft.change)
        person_id = person_draft.doc.meta["id"]
    else:
        person_id = person.id
    sections, owners = reading_list(kb, area)
    context: dict[str, Any] = {
        "name": name,
        "due": lambda days: _due(start, days).isoformat(),
        "reading_list": _reading_markdown(sections),
        "meetings": _meetings(start, name, manager, buddy, owners),
    }
    values = {"title": f"Onboarding {name}", "person": person_id, "start": start.isoformat(), "area": area,
              "buddy": buddy, "manager": manager}  # fmt: skip
    plan = kb.build(kb.doctype("onboarding"), values, today=today, extra_context=context)
    changes.append(plan.change)
    sha = kb.write(changes, f'pmops: onboard {name} ({plan.doc.meta["id"]})', commit=commit)
    return kb.record(plan.doc), sha


# -- progress --------------------------------------------------------------------------------


@dataclass
class Progress:
    plan: Record
    name: str
    steps: list[Step]
    today: dt.date

    @property
    def done(self) -> int:
        return sum(s.done for s in self.steps)

    @property
    def overdue(self) -> list[Step]:
        return [s for s in self.steps if not s.done and s.due and s.due < self.today]

    @property
    def days_since_start(self) -> int:
        return (self.today - self.plan.values["start"]).days

    @property
    def expected(self) -> float | None:
        """Share of steps due by today; None when no step has a due date (nothing to pace against)."""
        if not any(s.due for s in self.steps):
            return None
        return sum(1 for s in self.steps if s.due and s.due <= self.today) / len(self.steps)

    @property
    def actual(self) -> float:
        return self.done / len(self.steps) if self.steps else 0.0

    @property
    def state(self) -> str:
        if self.plan.values.get("status") == "complete":
            return "complete"
        if self.days_since_start < 0:
            return "not started"
        if self.overdue:
            return "overdue"
        return "on track" if self.expected is not None else "in progress"

    def to_json(self, *, detail: bool = False) -> dict:
        data = {
            "name": self.name, "id": self.plan.id, "person": self.plan.values.get("person"),
            "start": _iso(self.plan.values.get("start")), "area": self.plan.values.get("area"),
            "done": self.done, "total": len(self.steps), "overdue": [s.id for s in self.overdue],
            "days_since_start": self.days_since_start,
            "expected_pace": None if self.expected is None else round(self.expected, 3),
            "actual_pace": round(self.actual, 3), "status": self.state,
            "days_to_day30": _days(self.plan, "day30_completed"), "days_to_complete": _days(self.plan, "completed"),
        }  # fmt: skip
        if detail:
            data["open_steps"] = [s.to_json() for s in self.steps if not s.done]
        return data


def _days(plan: Record, field_name: str) -> int | None:
    when = plan.values.get(field_name)
    return (when - plan.values["start"]).days if isinstance(when, dt.date) else None


def progress(kb: KnowledgeBase, name: str | None = None, today: dt.date | None = None) -> list[Progress]:
    today = today or dt.date.today()
    plans = [plan_of(kb, name)] if name else list(kb.records(kb.doctype("onboarding")))
    people = {r.id: r.values.get("name") for r in kb.records(kb.doctype("person"))}
    result = [Progress(p, str(people.get(p.values.get("person"), p.values.get("person"))), steps(p.doc.body), today)
              for p in plans if isinstance(p.values.get("start"), dt.date)]  # fmt: skip
    return sorted(result, key=lambda p: p.plan.values["start"], reverse=True)


@dataclass
class Done:
    step: Step
    day30: bool = False
    complete: bool = False


def done(kb: KnowledgeBase, name: str, ref: str, today: dt.date | None = None, *, commit: bool | None = None) -> Done:
    """Tick a step (by id or a unique piece of its text) with today's date, and commit."""
    today = today or dt.date.today()
    plan = plan_of(kb, name)
    plan_steps = steps(plan.doc.body)
    ref = ref.strip()
    chosen = [s for s in plan_steps if s.id.casefold() == ref.casefold()] or [
        s for s in plan_steps if ref.casefold() in s.text.casefold()
    ]
    open_steps = "; ".join(f"{s.id} {s.text}" for s in plan_steps if not s.done) or "none"
    if len(chosen) != 1:
        what = "no step matches" if not chosen else f"{len(chosen)} steps match"
        raise NotFound(f"{what} '{ref}'; open steps: {open_steps}", hint="give the step's id, e.g. W1-2")
    step = chosen[0]
    if step.done:
        raise Conflict(f"{step.id} was already done on {step.done_on or 'an earlier day'}")
    body = bodies.tick(plan.doc.body, step.item, f" — done {today.isoformat()}")
    after = [s for s in plan_steps if s is not step]
    changes: dict[str, Any] = {}
    result = Done(step)
    first_month = [s for s in plan_steps if s.id.split("-")[0] in FIRST_MONTH]
    if not plan.values.get("day30_completed") and step in first_month and all(s.done for s in first_month if s is not step):
        changes["day30_completed"] = today
        result.day30 = True
    if all(s.done for s in after):
        changes.update(status="complete", completed=today)
        result.complete = True
    kb.update(plan, changes, f'pmops: onboarding {plan.id} {step.id} done', body=body, commit=commit)
    return result


# -- time to productivity -------------------------------------------------------------------

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

    def to_json(self) -> dict:
        data = {"id": self.plan.id, "name": self.name, "state": self.state, "days": self.days}
        if self.state == "late":
            plan_steps = steps(self.plan.doc.body)
            data.update(done=sum(s.done for s in plan_steps), total=len(plan_steps))
        if self.reason:
            data["reason"] = self.reason
        return data


def _reached(plan: Record, plan_steps: list[Step], field_name: str, prefixes: tuple | None) -> tuple[bool, dt.date | None]:
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


def _measure(plan: Record, name: str, today: dt.date, field_name: str, prefixes: tuple | None, limit: int) -> Measure:
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
    counted = sorted((m for m in measures if m.state in ("finished", "late")), key=lambda m: (m.days, m.state == "late"))
    if not counted:
        return None, False
    median = statistics.median(m.days for m in counted)
    upper_middle = len(counted) // 2
    at_least = any(m.state == "late" for m in counted[: upper_middle + 1])
    return (int(median) if float(median).is_integer() else median), at_least


def _milestone(measures: list[Measure], limit: int) -> dict:
    median, at_least = _median(measures)
    finished = [m for m in measures if m.state == "finished"]
    late = [m for m in measures if m.state == "late"]
    measured = len(finished) + len(late)
    enough = measured >= MIN_PLANS_MEASURED
    parts = [f"{len(finished)} finished"] + ([f"{len(late)} still open past day {limit}"] if late else [])
    sample = f"{count(measured, 'plan')} measured ({', '.join(parts)})"
    if not measures:
        text = "no onboarding plans yet"
    elif not enough:
        text = f"not enough data: {sample}, {MIN_PLANS_MEASURED} needed"
    else:
        text = f"median {'at least ' if at_least else ''}{count(median, 'day')}, over {sample}"
    return {
        "median": median if enough else None,
        "at_least": at_least if enough else False,
        "measured": measured, "finished": len(finished), "late": len(late), "minimum": MIN_PLANS_MEASURED,
        "enough_data": enough, "late_after_days": limit, "text": text,
        "plans": [m.to_json() for m in measures],
    }  # fmt: skip


def measures(kb: KnowledgeBase, today: dt.date | None = None) -> dict[str, list[Measure]]:
    """Each plan's days to productive (Week 1 and Day 30 done) and to complete, as of `today`."""
    today = today or dt.date.today()
    people = {r.id: r.values.get("name") for r in kb.records(kb.doctype("person"))}
    plans = sorted(kb.records(kb.doctype("onboarding")), key=lambda p: (str(p.values.get("start") or ""), p.id or ""))
    named = [(p, str(people.get(p.values.get("person")) or p.values.get("person") or p.id)) for p in plans]
    return {
        "day30": [_measure(p, n, today, "day30_completed", FIRST_MONTH, PRODUCTIVE_WITHIN_DAYS) for p, n in named],
        "complete": [_measure(p, n, today, "completed", None, COMPLETE_WITHIN_DAYS) for p, n in named],
    }


def time_to_productivity(kb: KnowledgeBase, today: dt.date | None = None) -> dict:
    """Median days from start to productive (Week 1 and Day 30 done) and to the whole plan done, as of `today`.

    A plan counts once it reached the milestone, or once it is still open past the
    milestone's limit (then as "at least its days so far": it is already that slow);
    younger open plans are too early to tell. Below MIN_PLANS_MEASURED there is no
    median, only "not enough data".
    """
    today = today or dt.date.today()
    found = measures(kb, today)
    day30 = _milestone(found["day30"], PRODUCTIVE_WITHIN_DAYS)
    complete = _milestone(found["complete"], COMPLETE_WITHIN_DAYS)
    return {
        "plans": len(found["day30"]),
        "today": today.isoformat(),
        "median_days_to_day30": day30["median"] if not day30["at_least"] else None,
        "median_days_to_complete": complete["median"] if not complete["at_least"] else None,
        "measured": {"day30": day30["measured"], "complete": complete["measured"]},
        "day30": day30,
        "complete": complete,
    }
