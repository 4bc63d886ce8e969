"""Onboarding: a new PM's 30/60/90-day plan built from the KB, and its progress (time to productivity: `productivity`)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pmops import bodies, people
from pmops.errors import Ambiguous, Conflict, InvalidInput, NotFound
from pmops.kb import roster
from pmops.kb.records import shown
from pmops.text import count, first_few

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


def owners_renamed(body: str, old: str, new: str) -> str | None:
    """The body with every step owned by `old` (any case and spacing) owned by `new` — only the
    owner's name changes on those lines; None when no step names `old` (a person renamed: pmops mv)."""
    lines = body.splitlines(keepends=True)
    changed = False
    for step in steps(body):
        if step.owner is None or step.due is None or roster.fold(step.owner) != roster.fold(old):
            continue
        line = lines[step.item.line]
        written = f"(owner: {step.owner}, due {step.due.isoformat()})"
        at = line.rfind(written)
        if at >= 0:
            lines[step.item.line] = f"{line[:at]}(owner: {new}, due {step.due.isoformat()}){line[at + len(written) :]}"
            changed = True
    return "".join(lines) if changed else None


# -- finding people and plans ----------------------------------------------------------


def find_person(kb: KnowledgeBase, name: str) -> Record | None:
    """The person on the roster a new PM's NAME is, as `person show` finds them (people.find: the exact
    name, accents aside, an id or unique prefix, a piece of one name: 'zoe' is Zoë Élan); None when no one
    is (onboard new-pm adds them). A name several people have: exit 2, listing them, nothing added."""
    exact = kb.named("person", name)
    if exact is not None:
        return exact
    try:
        return people.find(kb, name)
    except Ambiguous as exc:
        raise InvalidInput(
            f"'{name}' matches {count(len(exc.candidates), 'person', 'people')} on the roster: "
            f"{first_few(exc.candidates)}",
            hint=f'give the full name, or pmops person add "{name}" --role pm adds someone new first',
        ) from None
    except NotFound:
        return None


def from_roster(kb: KnowledgeBase, name: str) -> dict[str, Any]:
    """What the roster already says of a new PM on it (`person add --start --area --manager`): their
    start (YYYY-MM-DD), area and manager, for what `onboard new-pm` was not given; {} when not on it."""
    person = find_person(kb, " ".join(name.split()))
    if person is None:
        return {}
    start = person.values.get("start")
    known = {"start": start.isoformat() if isinstance(start, dt.date) else None,
             "area": person.values.get("area"), "manager": person.values.get("manager")}  # fmt: skip
    return {k: v for k, v in known.items() if v not in (None, "")}


def plan_of(kb: KnowledgeBase, ref: str) -> Record:
    """The plan of a person (by name, id or a unique prefix: KnowledgeBase.find; or a piece of one
    name only: people.by_piece), or the plan `ref` names."""
    try:
        found = kb.find(ref, "person", "onboarding")
    except NotFound as exc:
        if isinstance(exc, Ambiguous):
            raise
        found = people.by_piece(kb, ref)  # 'Ana': the one person whose name has it
        if found is not None:
            return plan_of(kb, str(found.id))
        raise NotFound(f"no person named '{ref}'", hint=exc.hint if exc.suggestions
                       else "pmops onboard status lists everyone onboarding") from None  # fmt: skip
    if found.type == "onboarding":
        return found
    for record in kb.records(kb.doctype("onboarding")):
        if record.values.get("person") == found.id:
            return record
    name = found.values.get("name") or found.title
    raise NotFound(f"{name} has no onboarding plan", hint=f'pmops onboard new-pm "{name}" --start YYYY-MM-DD')


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


# Roles of the roster a new PM meets in their area, and how the plan names them.
COUNTERPARTS = {"eng": "engineering", "design": "design", "support": "support", "sales": "sales"}


def counterparts(kb: KnowledgeBase, area: str | None, day: dt.date) -> list[tuple[str, str]]:
    """(name, 'engineering counterpart') for the people of the roster in `area` on `day` whose role is
    one of COUNTERPARTS, in its order, then by name."""
    if not area:
        return []
    found = [p for p in people.team(kb, day) if people.role_of(p) in COUNTERPARTS
             and str(p.values.get("area") or "").casefold() == area.casefold()]  # fmt: skip
    order = list(COUNTERPARTS)
    found.sort(key=lambda p: (order.index(people.role_of(p)), p.title.casefold()))
    return [(p.title, f"{COUNTERPARTS[people.role_of(p)]} counterpart") for p in found]


def _schedule(start: dt.date, name: str, manager: str | None, buddy: str | None, owners: list[str],
              partners: list[tuple[str, str]] = ()) -> list[tuple[dt.date, str, str]]:  # fmt: skip
    """Intro meetings, two a working day from the start: manager and buddy first, then the area's
    counterparts (engineering, design, support, sales), then process owners: (day, person, why)."""
    people, seen = [], {name.casefold()}
    for person, why in [(manager, "manager"), (buddy, "buddy"), *partners] + [(o, "process owner") for o in owners]:
        if person and person.casefold() not in seen:
            seen.add(person.casefold())
            people.append((person, why))
    days = _working_days(start, (len(people) + 1) // 2)
    return [(days[i // 2], person, why) for i, (person, why) in enumerate(people)]


def _meetings(schedule: list[tuple[dt.date, str, str]]) -> str:
    lines = [f"- {day.isoformat()} Intro with {person} ({why})" for day, person, why in schedule]
    return "\n".join(lines) or "- (add intro meetings here)"


# -- new plan --------------------------------------------------------------------------------


def new_pm(kb: KnowledgeBase, name: str, start: dt.date, *, area: str | None = None, buddy: str | None = None,
           manager: str | None = None, commit: bool | None = None,
           today: dt.date | None = None) -> tuple[Record, str | None, Record | None, list[str]]:  # fmt: skip
    """Create the person (when missing) and their plan, in one commit; refuse a second plan, and one for
    someone who left or is leaving (an `end` on the roster, or status left).
    (the plan, the commit, the person added to the roster or None when they were on it, notes: a start
    other than the roster's)"""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("the new PM's name is required")
    today = today or dt.date.today()
    notes: list[str] = []
    person = find_person(kb, name)
    if person is not None and roster.fold(person.title) != roster.fold(name) and kb.named("person", name) is None:
        notes.append(f"'{name}' is {person.title} on the roster ({person.id}): the plan is theirs "
                     f'(pmops person add "{name}" --role pm adds someone new first)')  # fmt: skip
    if person is not None:
        name = " ".join(str(person.values.get("name") or person.title).split()) or name  # as the roster spells it
        area = area or person.values.get("area") or None
        manager = manager or person.values.get("manager") or None
        last = people.end(person)
        if people.has_left(person, max(start, today)) or last is not None or roster.status(person) == roster.LEFT:
            gone = "left" if last is None or last <= today else "leaves"  # a last day to come: leaving, not joining
            raise Conflict(f"{person.title} {gone} the team{people.left_on(person)}; nothing changed",
                           hint=f"pmops set {person.id} status=active end= brings them back")  # fmt: skip
        began = person.values.get("start")
        if isinstance(began, dt.date) and began != start:
            notes.append(f"{person.title} started on {began} on the roster; the plan starts on {start} "
                         f"(pmops set {person.id} start={start} if the roster is wrong)")  # fmt: skip
        existing = [r.id for r in kb.records(kb.doctype("onboarding")) if r.values.get("person") == person.id]
        if existing:
            raise Conflict(f"{name} already has an onboarding plan ({existing[0]}); nothing changed",
                           hint=f'pmops onboard status "{name}"')  # fmt: skip
    # The people the plan names are on the roster (a KB without one checks nothing), as it spells them.
    buddy = people.check_named(kb, buddy, "buddy", start)
    manager = people.check_named(kb, manager, "manager", start)
    changes = []
    taken_people = kb.existing_ids(kb.doctype("person"))
    added = None
    if person is None:
        values = {"name": name, "role": "pm", "area": area, "start": start.isoformat(), "manager": manager}
        person_draft = kb.build(kb.doctype("person"), values, today=today, taken=taken_people)
        changes.append(person_draft.change)
        person_id = person_draft.doc.meta["id"]
        added = person_draft.doc
    else:
        person_id = person.id
    sections, owners = reading_list(kb, area)
    owners = [o for o in owners if not _gone(kb.named("person", o), start)]  # no intro with someone who left
    schedule = _schedule(start, name, manager, buddy, owners, counterparts(kb, area, start))
    context: dict[str, Any] = {
        "name": name,
        "due": lambda days: _due(start, days).isoformat(),
        "reading_list": _reading_markdown(sections),
        "meetings": _meetings(schedule),
        # the step 'Intro meetings' is due with its last intro, when the schedule runs past its 4 days
        "intros_due": max([_due(start, 4), *(day for day, _, _ in schedule)]).isoformat(),
    }
    values = {"title": f"Onboarding {name}", "person": person_id, "start": start.isoformat(), "area": area,
              "buddy": buddy, "manager": manager}  # fmt: skip
    plan = kb.build(kb.doctype("onboarding"), values, today=today, extra_context=context)
    changes.append(plan.change)
    sha = kb.write(changes, f"pmops: onboard {name} ({plan.doc.meta['id']})", commit=commit)
    return kb.record(plan.doc), sha, kb.record(added) if added is not None else None, notes


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


def progress(
    kb: KnowledgeBase, name: str | None = None, today: dt.date | None = None, *, everyone: bool = False
) -> list[Progress]:
    """One person's plan (NAME), or every plan but the archived ones and those of people gone by
    `today` (all of them with `everyone`), newest start first."""
    today = today or dt.date.today()
    roster = {r.id: r for r in kb.records(kb.doctype("person"))}
    plans = [plan_of(kb, name)] if name else list(kb.records(kb.doctype("onboarding")))
    if not name and not everyone:
        plans = [p for p in shown(plans) if not _gone(roster.get(p.values.get("person")), today)]
    names = {pid: r.values.get("name") for pid, r in roster.items()}
    result = [Progress(p, str(names.get(p.values.get("person"), p.values.get("person"))), steps(p.doc.body), today)
              for p in plans if isinstance(p.values.get("start"), dt.date)]  # fmt: skip
    return sorted(result, key=lambda p: p.plan.values["start"], reverse=True)


def _gone(person: Record | None, today: dt.date) -> bool:
    return person is not None and people.has_left(person, today)


@dataclass
class Done:
    step: Step
    day30: bool = False
    complete: bool = False
    already: bool = False  # done before: nothing was written
    plan: Record | None = None
    commit: str | None = None


def done(kb: KnowledgeBase, name: str, ref: str, today: dt.date | None = None, *, commit: bool | None = None) -> Done:
    """Tick a step (by id or a unique piece of its text) with today's date, and commit; a step done
    before is said so (`already`), and nothing is written."""
    today = today or dt.date.today()
    plan = plan_of(kb, name)
    plan_steps = steps(plan.doc.body)
    box = bodies.pick([s.item for s in plan_steps], ref, noun="step", name=lambda b: b.text.split()[0])
    step = next(s for s in plan_steps if s.item is box)
    if step.done:
        return Done(step, already=True, plan=plan)
    start = plan.values.get("start")
    if isinstance(start, dt.date) and today < start:
        raise InvalidInput(f"--today: {today} is before {plan.id} started ({start}): a step is done once the plan runs")
    body = bodies.tick(plan.doc.body, step.item, f" — done {today.isoformat()}")
    after = [s for s in plan_steps if s is not step]
    changes: dict[str, Any] = {}
    result = Done(step, plan=plan)
    first_month = [s for s in plan_steps if s.id.split("-")[0] in FIRST_MONTH]
    if (
        not plan.values.get("day30_completed")
        and step in first_month
        and all(s.done for s in first_month if s is not step)
    ):
        changes["day30_completed"] = today
        result.day30 = True
    if all(s.done for s in after):
        changes.update(status="complete", completed=today)
        result.complete = True
    result.commit = kb.update(plan, changes, f"pmops: onboarding {plan.id} {step.id} done", body=body, commit=commit)
    return result
