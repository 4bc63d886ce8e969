"""Processes against what happens: the outputs a process promises (`outputs` in its front-matter),
checked on the KB and its git history over a window, per process and per person; and the divergent
versions of one kind of process that different owners keep.

The checks (doctypes.OUTPUT_CHECKS):

- `insights-per-pm`, `decisions-per-pm` (per week or month, target per PM): the documents each PM
  made (activity.authors_of), dated in the window (activity.day_of) while they were on the roster.
  The team's rate is their count over the PM-weeks (each PM's days on the roster in the window);
  **met** when it reaches the target. Each PM is shown with their count against their own share.
- `insights`, `decisions` (per week or month): the team's count over the window's weeks.
- A rate check counts every document of its type, or those its `source` and `tag` name (an interview
  programme counts interview insights, not a survey imported in bulk): the rest are said, not counted.
- `checklist-run` (per launch): each run of the process's checklist started in the window, or started
  before it and still open, is done; a run still open LAUNCH_DAYS after it started is **missed**; no
  run at all is **no data** (pmops knows launches only through their runs).
- `ranking` (per cycle, a month): a ranking (the `ranking` type, `rankings/`) for each month that
  ended in the window; **no data** in a KB without rankings.
- `review` (per cadence): each period of the process's cadence that ended in the window holds a
  record of the meeting: a document linking to the process (its id in `links`, or `[[id]]`), dated in it.

A promise is judged only from when the process was written (its `date`); a window that holds no
whole period yet is **too early**. The `review` check's periods are calendar ones (cadence_periods).

(Over 400 lines: each output check is a short function over the same facts of the KB and its git
history (`_Facts`), and the divergent versions compare the same processes.)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pmops import activity, dates, links, people, taxonomy
from pmops.doctypes import OUTPUT_CHECKS, OUTPUTS_EXAMPLE
from pmops.errors import InvalidInput, UnknownTag
from pmops.kb.records import shown
from pmops.similarity import SIMILAR, shingles
from pmops.text import count, figure, first_few

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase, Record
    from pmops.taxonomy import Taxonomy

MET, MISSED, TOO_EARLY, NO_DATA = "met", "missed", "too early", "no data"
VERDICTS = (MET, MISSED, TOO_EARLY, NO_DATA)
DEFAULT_WINDOW = "8w"
LAUNCH_DAYS = 14  # a checklist run still open this long after it started is a launch the checklist missed
DAYS_PER = {"week": 7, "month": 365.25 / 12}
NOT_RECORDS = ("onboarding", "person", "process")  # types whose links to a process are no record of its meeting
MAX_COMPARED = 60  # processes of one kind compared pair by pair (the rest are listed, not measured)


window_days = dates.window_days  # 8w, 30d, 3m: read in dates.py, where --since reads them too


@dataclass(frozen=True)
class Person:
    """One PM's part of a per-PM promise: what they made, against their share of the target."""

    name: str
    made: int
    expected: float  # the target over their time on the roster in the window
    days: int  # their days on the roster in the window

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "made": self.made, "expected": round(self.expected, 1), "days": self.days}


@dataclass(frozen=True)
class Output:
    """One promise of a process, judged over a window."""

    check: str
    per: str
    target: float
    verdict: str
    promised: str  # 'at least 2 insights per PM a week'
    actual: str  # what happened, with its numbers
    rate: float | None = None  # per PM (or per team) per period, for rate checks
    people: tuple[Person, ...] = ()  # per-PM checks: every PM on the roster in the window
    periods: tuple[str, ...] = ()  # the periods judged (cycles, cadence periods, runs)
    missed: tuple[str, ...] = ()  # those without what was promised
    made: str | None = None  # rate checks: what was counted, in words ('1 insight from interview')
    expected: float | None = None  # rate checks: how many the promise adds up to over the window (and roster)

    @property
    def nobody(self) -> tuple[str, ...]:
        """The PMs who made none."""
        return tuple(p.name for p in self.people if p.made == 0)

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "per": self.per, "target": self.target, "verdict": self.verdict,
                "promised": self.promised, "actual": self.actual,
                "rate": self.rate, "expected": None if self.expected is None else round(self.expected, 1),
                "people": [p.to_json() for p in self.people], "none": list(self.nobody),
                "periods": list(self.periods), "missed": list(self.missed)}  # fmt: skip


@dataclass(frozen=True)
class Check:
    """A process's promises against what happened from `since` to `until`."""

    id: str | None
    title: str
    path: str
    owner: str | None
    kind: str | None
    cadence: str | None
    since: dt.date
    until: dt.date
    outputs: tuple[Output, ...]
    problem: str | None = None  # its outputs cannot be read: why

    @property
    def declares(self) -> bool:
        """Whether it promises anything to check (a process named by REF may declare no outputs)."""
        return bool(self.outputs) or self.problem is not None

    @property
    def verdict(self) -> str:
        """The worst of its outputs: missed, else too early or no data, else met."""
        found = {o.verdict for o in self.outputs}
        return next((v for v in (MISSED, NO_DATA, TOO_EARLY, MET) if v in found), NO_DATA)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "path": self.path, "owner": self.owner, "kind": self.kind,
                "cadence": self.cadence, "since": self.since.isoformat(), "until": self.until.isoformat(),
                "verdict": self.verdict if not self.problem and self.outputs else None, "problem": self.problem,
                "outputs": [o.to_json() for o in self.outputs]}  # fmt: skip


# -- what the KB holds, read once -----------------------------------------------------------------


@dataclass
class _Facts:
    kb: KnowledgeBase
    today: dt.date
    history: activity.History
    by_type: dict[str, list[Record]] = field(default_factory=dict)
    given: bool = False  # by_type holds every document the checks may need (the caller's, read once)
    _linking: dict[dt.date, dict[str, list[Record]]] = field(default_factory=dict)

    def of(self, type_name: str) -> list[Record]:
        if type_name not in self.by_type:
            found = self.kb.registry.get(type_name)
            self.by_type[type_name] = shown(self.kb.records(found)) if found else []
        return self.by_type[type_name]

    def linking(self, doc_id: str, since: dt.date) -> list[tuple[dt.date, Record]]:
        """The documents linking to `doc_id` by id (a reference field or [[id]]) dated from `since`, with
        their day (activity.day_of): only those are read for their links."""
        if since not in self._linking:
            found: dict[str, list[tuple[dt.date, Record]]] = {}
            every = [r for kept in self.by_type.values() for r in kept] if self.given else self.kb.records()
            for record in shown(every):
                if record.type in NOT_RECORDS or (record.type == "page" and not record.doc.meta.get("date")):
                    continue  # an undated page (an index of the processes) is no record of a meeting
                day = activity.day_of(record, self.history)
                if day is None or day < since:
                    continue
                for target in {link.target for link in links.outgoing(record) if link.by_id}:
                    found.setdefault(target, []).append((day, record))
            self._linking[since] = found
        return self._linking[since].get(doc_id, [])


def _facts(kb: KnowledgeBase, today: dt.date, history: activity.History | None) -> _Facts:
    return _Facts(kb, today, history if history is not None else activity.history(kb))


# -- periods --------------------------------------------------------------------------------


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def cadence_periods(
    cadence: str | None, anchor: dt.date, since: dt.date, until: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """The calendar periods of a cadence that ended from `since` to the day before `until` (the periods
    there has been time to hold a meeting in), of those the process existed all of (from `anchor`, its
    date, on): weeks from Monday to Sunday; biweekly, pairs of weeks from the Monday of the week of
    `anchor`; calendar months; calendar quarters (January to March, April to June, …). Calendar periods,
    as a team says "this week", "this quarter"; whole ones, so a process written on a Sunday is not
    missed for that week."""
    found: list[tuple[dt.date, dt.date]] = []
    if cadence in ("weekly", "biweekly"):
        step = 7 if cadence == "weekly" else 14
        start = anchor - dt.timedelta(days=anchor.weekday())
        if since > start:
            start += dt.timedelta(days=((since - start).days // step) * step)
        while (end := start + dt.timedelta(days=step - 1)) < until:
            if end >= since and start >= anchor:
                found.append((start, end))
            start += dt.timedelta(days=step)
    elif cadence in ("monthly", "quarterly"):
        step = 1 if cadence == "monthly" else 3
        start = anchor.replace(day=1) if cadence == "monthly" else _quarter_start(anchor)
        if since > start:  # straight to the period holding `since`
            start = since.replace(day=1) if cadence == "monthly" else _quarter_start(since)
        while (end := _add_months(start, step) - dt.timedelta(days=1)) < until:
            if end >= since and start >= anchor:
                found.append((start, end))
            start = _add_months(start, step)
    return found


def _label(period: tuple[dt.date, dt.date]) -> str:
    start, end = period
    if start.day == 1 and end == _month_end(start):
        return start.strftime("%Y-%m")
    if start == _quarter_start(start) and end == _month_end(_add_months(start, 2)):
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.isoformat()}–{end.isoformat()}" if end != start else start.isoformat()


# -- the checks -------------------------------------------------------------------------------------

_TYPE_OF = {"insights-per-pm": "insight", "decisions-per-pm": "decision", "insights": "insight",
            "decisions": "decision"}  # fmt: skip


def _rate(rate: float, target: float | None = None) -> str:
    """0.57, 1.4, 0.013, 2: a rate with two significant figures (text.figure): one not zero never reads 0,
    one short of its `target` never reads as reaching it (1.96 against 2 is 1.96)."""
    return figure(rate, below=target)


def _shorter_than(per: str, since: dt.date, until: dt.date) -> str | None:
    """Why a rate per `per` cannot be judged yet: the window is shorter than one `per`."""
    days = (until - since).days + 1
    return f"the window ({count(days, 'day')}) is shorter than a {per}" if days < DAYS_PER[per] else None


def _rate_word(per: str) -> str:
    return {"week": "a week", "month": "a month"}[per]


def _which(spec: dict[str, Any]) -> str:
    """The documents a rate check counts, when its `source` or `tag` narrows them: 'from interview',
    'from interview or usability-test, tagged discovery'; '' for all of them."""
    parts = [f"from {' or '.join(spec['source'])}"] if spec.get("source") else []
    parts += [f"tagged {' or '.join(spec['tag'])}"] if spec.get("tag") else []
    return ", ".join(parts)


def _counts(record: Record, spec: dict[str, Any], vocabulary: Taxonomy | None = None) -> bool:
    """Whether a rate check counts `record`: of one of its sources, with one of its tags (case aside),
    each read through the taxonomy as every --tag filter is (a synonym stands for its tag)."""
    if spec.get("source") and str(record.values.get("source") or "").casefold() not in {
        s.casefold() for s in spec["source"]
    }:
        return False
    if not spec.get("tag"):
        return True
    tags = {_tag(str(t), vocabulary) for t in record.values.get("tags") or []}
    return bool(tags & {_tag(str(t), vocabulary) for t in spec["tag"]})


def _tag(tag: str, vocabulary: Taxonomy | None) -> str:
    """The tag `tag` stands for: normalised, a synonym or deprecated tag as its replacement."""
    tag = taxonomy.normalise(tag)
    return vocabulary.canonical(tag) if vocabulary is not None else tag


def _left_out(left: int, noun: str, plural: str, spec: dict[str, Any]) -> str:
    return f"{left} {noun if left == 1 else plural} not {_which(spec)}, not counted" if left else ""


def filter_problem(kb: KnowledgeBase, process: Record) -> str | None:
    """Why a promise's `source` or `tag` cannot be counted: a value that is not one of the KB's sources,
    a tag the taxonomy does not know (with the nearest it knows)."""
    for spec in process.values.get("outputs") or []:
        doctype = kb.registry.get(_TYPE_OF.get(spec["check"], ""))
        found = doctype.field("source") if doctype and spec.get("source") else None
        if found is not None and found.choices:
            wrong = [s for s in spec["source"] if s.casefold() not in {c.casefold() for c in found.choices}]
            if wrong:
                return (f"outputs: {spec['check']}: '{wrong[0]}' is not a source {doctype.plural} have: "
                        f"{', '.join(found.choices)}")  # fmt: skip
        for tag in spec.get("tag") or []:  # read through the taxonomy: a tag it does not know counts nothing
            try:
                kb.taxonomy.resolve(str(tag))
            except UnknownTag as exc:
                near = f": did you mean {' or '.join(repr(t) for t in exc.suggestions)}?" if exc.suggestions else ""
                return (f"outputs: {spec['check']}: tag '{tag}' is not in the taxonomy (taxonomy.yaml), so no "
                        f"document has it{near}")  # fmt: skip
    return None


def _per_pm(facts: _Facts, spec: dict[str, Any], since: dt.date, until: dt.date) -> Output:
    check, per = spec["check"], spec["per"]
    target = float(spec.get("target") or OUTPUT_CHECKS[check][1])
    type_name = _TYPE_OF[check]
    plural = facts.kb.registry[type_name].plural if type_name in facts.kb.registry else type_name + "s"
    noun = facts.kb.registry[type_name].name if type_name in facts.kb.registry else type_name
    verb = "captured" if type_name == "insight" else "recorded"
    promised = f"{target:g} {noun if target == 1 else plural} per PM {_rate_word(per)}"
    promised += f", {_which(spec)}" if _which(spec) else ""
    pms = [p for p in people.roster(facts.kb) if people.role_of(p) == people.PM and people.during(p, since, until)]
    if early := _shorter_than(per, since, until):
        return Output(check, per, target, TOO_EARLY, promised, early)
    if not pms:
        return Output(check, per, target, NO_DATA, promised, "no PM on the roster in the window (pmops person add)")
    spans = {activity.fold(p.title): (p.title, *_presence(p, since, until)) for p in pms}
    every_pm = {activity.fold(p.title) for p in people.roster(facts.kb) if people.role_of(p) == people.PM}
    made = dict.fromkeys(spans, 0)
    others = away = left = 0  # by people who are not PMs; by PMs off the roster that day; not of its source/tag
    for record in facts.of(type_name):
        day = activity.day_of(record, facts.history)
        if day is None or not since <= day <= until:
            continue
        if not _counts(record, spec, facts.kb.taxonomy):
            left += 1
            continue
        hit = False
        for author in activity.authors_of(record, facts.history):
            key = activity.fold(author)
            if key in spans and spans[key][1] <= day <= spans[key][2]:
                made[key] += 1
                hit = True
        if not hit:
            pm = any(activity.fold(a) in every_pm for a in activity.authors_of(record, facts.history))
            away += pm
            others += not pm
    unit = DAYS_PER[per]
    tallies = tuple(sorted((Person(name, made[key], target * ((end - start).days + 1) / unit, (end - start).days + 1)
                            for key, (name, start, end) in spans.items()),
                           key=lambda p: (p.made, p.name.casefold())))  # fmt: skip
    pm_periods = sum(p.days for p in tallies) / unit
    total = sum(p.made for p in tallies)
    rate = total / pm_periods if pm_periods else 0.0
    days = (until - since).days + 1  # in weeks only when whole weeks: 31 days are no "4 weeks"
    span = f"{days // 7} weeks" if days % 7 == 0 and days >= 14 else count(days, "day")
    actual = (
        f"{_rate(rate, target)} per PM {_rate_word(per)}: {count(total, noun)} by {count(len(tallies), 'PM')} in {span}"
    )
    uncounted = [f"{others} by people who are not PMs"] if others else []
    uncounted += [f"{away} by PMs before they joined or after they left"] if away else []
    aside = [f"and {', '.join(uncounted)}"] if uncounted else []
    aside += [_left_out(left, noun, plural, spec)] if left else []
    if aside:
        actual += f" ({'; '.join(aside)})"
    nobody = [p.name for p in tallies if p.made == 0]
    if nobody:
        actual += f"; {count(len(nobody), 'PM')} {verb} none: {first_few(nobody)}"
    verdict = MET if rate >= target else MISSED
    made_said = count(total, noun, plural) + (f" {_which(spec)}" if _which(spec) else "")
    return Output(check, per, target, verdict, promised, actual, rate, tallies, made=made_said,
                  expected=sum(p.expected for p in tallies))  # fmt: skip


def _presence(person: Record, since: dt.date, until: dt.date) -> tuple[dt.date, dt.date]:
    start = person.values.get("start")
    last = people.end(person)
    return (max(since, start) if isinstance(start, dt.date) else since,
            min(until, last) if isinstance(last, dt.date) else until)  # fmt: skip


def _team_rate(facts: _Facts, spec: dict[str, Any], since: dt.date, until: dt.date) -> Output:
    check, per = spec["check"], spec["per"]
    target = float(spec.get("target") or OUTPUT_CHECKS[check][1])
    type_name = _TYPE_OF[check]
    doctype = facts.kb.registry.get(type_name)
    noun, plural = (doctype.name, doctype.plural) if doctype else (type_name, type_name + "s")
    promised = f"{target:g} {noun if target == 1 else plural} {_rate_word(per)}"
    promised += f", {_which(spec)}" if _which(spec) else ""
    if early := _shorter_than(per, since, until):
        return Output(check, per, target, TOO_EARLY, promised, early)
    dated = [r for r in facts.of(type_name) if (d := activity.day_of(r, facts.history)) and since <= d <= until]
    found = [r for r in dated if _counts(r, spec, facts.kb.taxonomy)]
    periods = ((until - since).days + 1) / DAYS_PER[per]
    rate = len(found) / periods
    actual = f"{_rate(rate, target)} {_rate_word(per)}: {count(len(found), noun)} from {since} to {until}"
    if len(dated) > len(found):
        actual += f" ({_left_out(len(dated) - len(found), noun, plural, spec)})"
    made_said = count(len(found), noun, plural) + (f" {_which(spec)}" if _which(spec) else "")
    return Output(check, per, target, MET if rate >= target else MISSED, promised, actual, rate, made=made_said,
                  expected=target * periods)  # fmt: skip


def _checklist_runs(facts: _Facts, process: Record, spec: dict[str, Any], since: dt.date, until: dt.date) -> Output:
    promised = "every launch run through its checklist, the run finished"
    # The runs started in the window, and those started before it still open: a launch stuck at its
    # checklist is missed in every window until it is done, not only in those holding its start.
    runs = [r for r in facts.of("checklist") if r.values.get("process") == process.id
            and isinstance(r.values.get("started"), dt.date) and r.values["started"] <= until
            and (r.values["started"] >= since or r.values.get("status") != "done")]  # fmt: skip
    if not runs:
        return Output(spec["check"], spec["per"], 1, NO_DATA, promised,
                      f"no run of its checklist started from {since} to {until}, and none open")  # fmt: skip
    labels = tuple(f"{r.values.get('for')} ({r.id})" for r in runs)
    late = tuple(f"{r.values.get('for')} ({r.id}), open since {r.values['started']}" for r in runs
                 if r.values.get("status") != "done" and (until - r.values["started"]).days >= LAUNCH_DAYS)  # fmt: skip
    open_runs = sum(r.values.get("status") != "done" for r in runs)
    actual = f"{count(len(runs), 'run')}, {len(runs) - open_runs} finished"
    if late:
        actual += f"; open more than {LAUNCH_DAYS} days: {first_few(list(late))}"
    verdict = MISSED if late else MET if not open_runs else TOO_EARLY
    return Output(spec["check"], spec["per"], 1, verdict, promised, actual, None, (), labels, late)


def _rankings(facts: _Facts, spec: dict[str, Any], since: dt.date, until: dt.date) -> Output:
    target = int(spec.get("target") or 1)
    promised = f"{count(target, 'ranking')} per cycle (a month)"
    if "ranking" not in facts.kb.registry:
        return Output(spec["check"], spec["per"], target, NO_DATA, promised, "this KB has no rankings yet (rankings/)")
    months = cadence_periods("monthly", dt.date(1970, 1, 1), since, until)
    if not months:
        return Output(
            spec["check"], spec["per"], target, TOO_EARLY, promised, f"no cycle ended from {since} to {until}"
        )
    held: dict[str, int] = {}
    for record in facts.of("ranking"):
        cycle = str(record.values.get("cycle") or "")
        if not re.match(r"^\d{4}-\d{2}$", cycle):
            day = activity.day_of(record, facts.history)
            cycle = day.strftime("%Y-%m") if day else ""
        held[cycle] = held.get(cycle, 0) + 1
    labels = tuple(_label(m) for m in months)
    missed = tuple(label for label in labels if held.get(label, 0) < target)
    actual = f"{len(labels) - len(missed)} of {count(len(labels), 'cycle')} ranked"
    if missed:
        actual += f"; none for {', '.join(missed)}"
    return Output(spec["check"], spec["per"], target, MISSED if missed else MET, promised, actual, None, (),
                  labels, missed)  # fmt: skip


def _reviews(facts: _Facts, process: Record, spec: dict[str, Any], since: dt.date, until: dt.date) -> Output:
    cadence = process.values.get("cadence")
    promised = f"a record of each {cadence} meeting (a document linking to {process.id})"
    anchor = process.values.get("date")
    if cadence not in ("weekly", "biweekly", "monthly", "quarterly") or not isinstance(anchor, dt.date):
        why = (
            f"its cadence ({cadence or 'none'}) has no periods to check"
            if isinstance(anchor, dt.date)
            else "it has no date"
        )
        return Output(spec["check"], spec["per"], 1, NO_DATA, promised, why)
    periods = cadence_periods(cadence, anchor, since, until)
    last = ""
    if not periods:  # a window shorter than one period (8 weeks of a quarterly review): the last one that ended
        periods = cadence_periods(cadence, anchor, anchor, until)[-1:]
        last = f" (the window holds no whole {cadence} period: the last one that ended is judged)"
    if not periods:
        return Output(spec["check"], spec["per"], 1, TOO_EARLY, promised,
                      f"no {cadence} period ended since it was written on {anchor}")  # fmt: skip
    days = [d for d, _ in facts.linking(str(process.id), min(p[0] for p in periods))]
    labels = tuple(_label(p) for p in periods)
    missed = tuple(_label(p) for p in periods if not any(p[0] <= d <= p[1] for d in days))
    actual = f"{len(periods) - len(missed)} of {count(len(periods), 'period')} with a record"
    if missed:
        actual += f"; none for {first_few(list(missed))}"
    actual += last
    return Output(spec["check"], spec["per"], 1, MISSED if missed else MET, promised, actual, None, (), labels, missed)


def _judge(facts: _Facts, process: Record, spec: dict[str, Any], since: dt.date, until: dt.date) -> Output:
    check = spec["check"]
    if check.endswith("-per-pm"):
        return _per_pm(facts, spec, since, until)
    if check in _TYPE_OF:
        return _team_rate(facts, spec, since, until)
    if check == "checklist-run":
        return _checklist_runs(facts, process, spec, since, until)
    if check == "ranking":
        return _rankings(facts, spec, since, until)
    return _reviews(facts, process, spec, since, until)


def _check(facts: _Facts, process: Record, since: dt.date, until: dt.date) -> Check:
    start = process.values.get("date")
    begin = max(since, start) if isinstance(start, dt.date) else since
    base = dict(id=process.id, title=process.title, path=process.path, owner=process.values.get("owner"),
                kind=process.values.get("kind"), cadence=process.values.get("cadence"), since=begin, until=until)  # fmt: skip
    if "outputs" in process.problems:
        return Check(**base, outputs=(), problem=f"outputs: {process.problems['outputs']}")
    if problem := filter_problem(facts.kb, process):
        return Check(**base, outputs=(), problem=problem)
    if begin > until:
        return Check(**base, outputs=tuple(Output(s["check"], s["per"], float(s.get("target") or 1), TOO_EARLY,
                                                  "", f"written on {start}, after the window") for s in process.values.get("outputs") or []))  # fmt: skip
    return Check(
        **base, outputs=tuple(_judge(facts, process, s, begin, until) for s in process.values.get("outputs") or [])
    )


def check(kb: KnowledgeBase, ref: str | None = None, today: dt.date | None = None, days: int | None = None,
          since: dt.date | None = None, history: activity.History | None = None,
          records: dict[str, list[Record]] | None = None) -> list[Check]:  # fmt: skip
    """Each process's promises against what happened over the window (`days` up to `today`, or from
    `since`): one process (REF; exit 2 when its outputs cannot be read), or every active process that
    declares outputs (those that cannot be read say why). `history`: the KB's, when the caller read it
    already; `records`: its documents by type, when the caller has them: every document that may be dated in the
    window (the digest leaves out the insights captured before it and the window before that)."""
    today = today or dt.date.today()
    if since is None:
        since = today - dt.timedelta(days=(days or window_days(DEFAULT_WINDOW)) - 1)
    if since > today:
        raise InvalidInput(f"--since: {since} is after today ({today})")
    facts = _facts(kb, today, history)
    facts.by_type.update(records or {})
    facts.given = records is not None
    if ref is not None:
        process = kb.find(ref, "process")
        if "outputs" in process.problems:
            raise InvalidInput(f"{process.path}: outputs: {process.problems['outputs']}",
                               hint=f"e.g. outputs: [{OUTPUTS_EXAMPLE}] (docs/processes.md)")  # fmt: skip
        if problem := filter_problem(kb, process):
            raise InvalidInput(f"{process.path}: {problem}", hint="docs/processes.md")
        return [_check(facts, process, since, today)]
    chosen = [p for p in shown(kb.records(kb.doctype("process")))
              if p.values.get("status") == "active" and (p.values.get("outputs") or "outputs" in p.problems)]  # fmt: skip
    found = [_check(facts, p, since, today) for p in chosen]
    order = {v: i for i, v in enumerate((MISSED, NO_DATA, TOO_EARLY, MET))}
    return sorted(found, key=lambda c: (c.problem is None, order[c.verdict], c.title.casefold()))


def undeclared(kb: KnowledgeBase) -> list[Record]:
    """Active processes that promise no output (process check cannot tell whether they happen)."""
    return [p for p in shown(kb.records(kb.doctype("process")))
            if p.values.get("status") == "active" and not p.values.get("outputs") and "outputs" not in p.problems]  # fmt: skip


# -- divergent versions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    id: str | None
    title: str
    path: str
    owner: str | None
    cadence: str | None
    sections: tuple[str, ...]  # its `## ` headings
    copies: tuple[str, ...] = ()  # its near-copies ('Billing prioritization (Maya Chen)'): one version with it

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "path": self.path, "owner": self.owner,
                "cadence": self.cadence, "sections": list(self.sections), "near_copies": list(self.copies)}  # fmt: skip


@dataclass(frozen=True)
class Divergent:
    """One kind of process kept in several versions by different owners, far from alike: each version
    with its owner, cadence and headings, and how alike the least alike two are."""

    kind: str
    versions: tuple[Version, ...]
    similarity: float | None  # the lowest similarity between two versions of different owners

    @property
    def alike(self) -> str:
        return alike(self.similarity)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "versions": [v.to_json() for v in self.versions],
                "similarity": None if self.similarity is None else round(self.similarity, 2)}  # fmt: skip


def _root(family: list[int], i: int) -> int:
    """The first of the near-copies `i` is one of (union-find)."""
    while family[i] != i:
        i = family[i]
    return i


def _jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def alike(similarity: float | None) -> str:
    """How alike the least alike two versions are, in what is measured (passages of five words in common, not
    wording: two versions with the same headings may share none): 'the least alike two have no five-word
    passage in common', '… share 12% of their five-word passages'; '' when not measured."""
    if similarity is None:
        return ""
    if round(similarity, 2) == 0:
        return "the least alike two have no five-word passage in common"
    return f"the least alike two share {similarity:.0%} of their five-word passages"


def divergent(kb: KnowledgeBase, records: list[Record] | None = None) -> list[Divergent]:
    """Per kind (custom aside: those are different processes), the active versions kept by different
    owners that are far from alike (below similarity.SIMILAR). Near-copies of each other (lint's
    process-duplicate, or copies of one shared template) are one version — the first of them, naming the
    others as its copies — so a group lists only versions far from each other."""
    from pmops import bodies

    active = [r for r in (records if records is not None else kb.records(kb.doctype("process")))
              if r.values.get("status") == "active" and r.values.get("kind") not in (None, "custom")]  # fmt: skip
    kinds: dict[str, list[Record]] = {}
    for record in active:
        kinds.setdefault(str(record.values["kind"]), []).append(record)
    found = []
    for kind, group in sorted(kinds.items()):
        owners = {activity.fold(r.values.get("owner") or "") for r in group}
        if len(owners) < 2:
            continue
        group = sorted(group, key=lambda r: (str(r.values.get("date") or ""), r.title.casefold()))[:MAX_COMPARED]
        hashes = [shingles(r.doc.body) for r in group]
        n = len(group)
        sims = {(i, j): _jaccard(hashes[i], hashes[j]) for i in range(n) for j in range(i + 1, n)}
        # Near-copies (SIMILAR or more alike, whoever keeps them) are one version: the first of them, with
        # the others named as its copies; versions are far from alike by construction.
        family = list(range(n))
        for (i, j), sim in sims.items():
            if sim >= SIMILAR:  # the first of them (by date, title) stands for the others
                a, b = _root(family, i), _root(family, j)
                family[max(a, b)] = min(a, b)
        members: dict[int, list[int]] = {}
        for i in range(n):
            members.setdefault(_root(family, i), []).append(i)
        heads = sorted(members)
        owners_of = {h: {activity.fold(group[i].values.get("owner") or "") for i in members[h]} for h in heads}
        lowest: float | None = None
        chosen: set[int] = set()
        for x, a in enumerate(heads):
            for b in heads[x + 1 :]:
                if owners_of[a] == owners_of[b] and len(owners_of[a]) == 1:
                    continue  # one owner's two versions: theirs to keep
                chosen.update((a, b))
                cross = [sims[min(i, j), max(i, j)] for i in members[a] for j in members[b]]
                lowest = min([*cross, *([lowest] if lowest is not None else [])])
        if chosen:
            versions = tuple(Version(group[i].id, group[i].title, group[i].path, group[i].values.get("owner"),
                                     group[i].values.get("cadence"),
                                     tuple(bodies.section_headings(group[i].doc.body)),
                                     tuple(f"{group[k].title} ({group[k].values.get('owner') or 'no owner'})"
                                           for k in members[i][1:]))
                             for i in sorted(chosen))  # fmt: skip
            found.append(Divergent(kind, versions, lowest))
    return found
