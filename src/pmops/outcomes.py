"""Decisions checked against outcomes: each expectation a decision declares, judged from its metric's values.

A decision taken on day D (the day it was accepted, else its date) declares what it should move (`expects`: a metric, up or down,
maybe to a target) and when to check (`review_date`, R). On a day T its review judges each
expectation on the metric's recorded values as of min(T, R) — a deadline is judged at the
deadline; values recorded after it do not make it met late:

- *before*: the last value dated on or before D (what the decision started from);
- *after*: with a target, the first value after D, up to min(T, R), that reached it, else the last
  one; without a target, the last value up to min(T, R) — the value at the review date;
- **met**: with a target, a value after D, up to min(T, R), reached it (at or above it going up, at or
  below it going down) — met stays met; a target *before* had reached already is met from the decision
  day, whatever follows (`decision add` warns: such an expectation cannot tell whether the decision
  worked). Without a target, the value at the review date (*after*) moved the expected way from
  *before*: a metric that dipped once the right way and ended the wrong way is not met (any noisy
  weekly metric would be "met" within a week or two in either direction otherwise);
- **too early**: not met, and T is before R (it has until R) — an expectation without a target is
  judged only at R;
- **no data**: R has passed and there is no *after*, or no target and no *before* to compare with;
- **not met**: R has passed, and the numbers say it did not get there.

Reviewing one decision records the verdicts in it (`reviewed`, `outcomes`: one commit); a final
verdict recorded is never rewritten by a later review, nor shown otherwise than as recorded.

(Over 400 lines: judging an expectation, keeping a recorded verdict and recording a review read the
same values and the same `outcomes`, and each caller — review, list, report, digest — goes through them.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from pmops import dates, metric_csv, metrics
from pmops.doctypes import EXPECTS_EXAMPLE, VERDICTS, Field
from pmops.errors import DocumentError, InvalidInput, PmopsError
from pmops.kb.records import shown
from pmops.text import change, count, quantity, whole

if TYPE_CHECKING:
    from collections.abc import Callable

    from pmops.kb import KnowledgeBase, Record

MET, NOT_MET, TOO_EARLY, NO_DATA = VERDICTS
FINAL = (MET, NOT_MET, NO_DATA)  # what a review can no longer change
NOT_TAKEN = ("proposed", "rejected")  # decisions whose expectations are not reviewed: nothing was done


@dataclass(frozen=True)
class Reading:
    """A metric's value on a day."""

    date: dt.date
    value: float

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "value": self.value}


@dataclass(frozen=True)
class Expectation:
    """What a decision should move: a metric (by id), up or down, maybe to a target."""

    metric: str
    direction: str
    target: float | None = None

    @classmethod
    def of(cls, entry: dict[str, Any]) -> Expectation:
        return cls(str(entry["metric"]), str(entry["direction"]), entry.get("target"))

    @property
    def text(self) -> str:
        """'up', 'down to 6' ('as expected' for a recorded verdict that did not keep what was expected)."""
        return (self.direction or "as expected") + (f" to {self.target:g}" if self.target is not None else "")

    def said(self, unit: str | None) -> str:
        """What it wants with the metric's unit, as people write it: 'up to 5,000 users', 'down to 6 hours'."""
        return (self.direction or "as expected") + (
            f" to {quantity(self.target, unit)}" if self.target is not None else ""
        )

    def reached(self, value: float, before: Reading | None) -> bool:
        """Whether `value` is where the expectation wanted it (from `before`, without a target)."""
        if self.target is not None:
            return value >= self.target if self.direction == "up" else value <= self.target
        if before is None:
            return False
        return value > before.value if self.direction == "up" else value < before.value


@dataclass(frozen=True)
class Verdict:
    """One expectation judged on a day, with the numbers it was judged on."""

    expectation: Expectation
    name: str | None  # the metric's name (None when no such metric exists)
    unit: str
    verdict: str  # MET, NOT_MET, TOO_EARLY or NO_DATA
    before: Reading | None  # the last value on or before the decision's date
    after: Reading | None  # the last value after it, up to the day judged
    judged_on: dt.date  # the review date, or today when it is earlier
    why: str  # the numbers, in one sentence
    kept: dt.date | None = None  # a final verdict recorded by the review of that day, shown as it was recorded
    late: Reading | None = None  # not met: the first value after the review date, up to today, that reached the target
    moved: Expectation | None = None  # recorded: what the decision expects now, when changed after it was recorded
    since: Reading | None = None  # met: the last value judged after the one that got there ("99.1% since")

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after.value - self.before.value, 10)

    def to_json(self) -> dict[str, Any]:
        e = self.expectation
        return {"metric": e.metric, "name": self.name, "unit": self.unit, "direction": e.direction,
                "target": e.target, "verdict": self.verdict,
                "before": self.before.to_json() if self.before else None,
                "after": self.after.to_json() if self.after else None,
                "change": self.change, "judged_on": self.judged_on.isoformat(), "why": self.why,
                "recorded_on": _iso(self.kept), "reached_after_review": self.late.to_json() if self.late else None}  # fmt: skip

    def recorded(self) -> dict[str, Any]:
        """The verdict as the decision's `outcomes` keeps it."""
        e = self.expectation
        entry: dict[str, Any] = {"metric": e.metric, "direction": e.direction}
        if e.target is not None:  # what was judged, so a target moved after the review shows
            entry["target"] = whole(e.target)
        entry["verdict"] = self.verdict
        for key, reading in (("before", self.before), ("after", self.after)):
            if reading is not None:
                entry[key] = whole(reading.value)
                entry[f"{key}_date"] = reading.date
        return entry


@dataclass(frozen=True)
class Review:
    """A decision's expectations judged on a day, beside what its last recorded review said."""

    id: str | None
    title: str
    path: str
    status: str | None
    date: dt.date | None  # the decision's
    review_by: dt.date | None
    today: dt.date
    verdicts: tuple[Verdict, ...]
    reviewed: dt.date | None  # the last review recorded in the decision
    recorded: tuple[dict[str, Any], ...]  # its outcomes, as the file has them

    @property
    def days_overdue(self) -> int | None:
        """Days since the review date, while no final verdict is recorded for every expectation."""
        metrics = [v.expectation.metric for v in self.verdicts]
        return overdue_days(self.review_by, metrics, self.recorded, self.today)

    @property
    def overdue(self) -> bool:
        return self.days_overdue is not None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "path": self.path, "status": self.status,
                "date": _iso(self.date), "review_by": _iso(self.review_by), "overdue": self.overdue,
                "days_overdue": self.days_overdue, "reviewed": _iso(self.reviewed),
                "verdicts": [v.to_json() for v in self.verdicts],
                "recorded": [{k: _iso(v) if isinstance(v, dt.date) else v for k, v in o.items()} for o in self.recorded]}  # fmt: skip


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def overdue_days(
    review_by: Any, metrics: list[str], recorded: tuple[dict[str, Any], ...] | list, today: dt.date
) -> int | None:
    """Days a review is overdue: its date has passed and no final verdict ('too early' is not one) is
    recorded for each expectation's metric; None when it is not overdue."""
    if not isinstance(review_by, dt.date) or review_by >= today or not metrics:
        return None
    final = {o.get("metric") for o in recorded if o.get("verdict") in FINAL}
    return None if all(m in final for m in metrics) else (today - review_by).days


def overdue(record: Record, today: dt.date) -> int | None:
    """Days a decision's review is overdue (lint: review-overdue), from its fields alone; None when it is
    not (or the decision was never taken)."""
    if not taken(record):
        return None
    metrics = [e.metric for e in expectations(record)]
    return overdue_days(record.values.get("review_date"), metrics, record.values.get("outcomes") or [], today)


def judge(
    expectation: Expectation,
    values: list[tuple[dt.date, float]],
    decided: dt.date,
    review_by: dt.date | None,
    today: dt.date,
    name: str | None = None,
    unit: str = "",
) -> Verdict:
    """One expectation judged on `today` from a metric's (date, value) pairs, sorted (see the module's docstring)."""
    point = min(today, review_by) if review_by else today
    before = next((Reading(d, v) for d, v in reversed(values) if d <= decided), None)
    after = next((Reading(d, v) for d, v in reversed(values) if decided < d <= point), None)
    # With a target, met once reached: the first value after D, up to min(T, R), that got there (a later fall
    # does not undo it). Without one, only the value at the review date says which way it went.
    reached = next((Reading(d, v) for d, v in values if decided < d <= point and expectation.reached(v, before)), None)
    if expectation.target is None:
        early = review_by is not None and today < review_by
        reached = after if after is not None and not early and expectation.reached(after.value, before) else None
    already = _met_before(expectation, before)
    since = None
    if reached is not None:
        verdict, since, after = MET, (after if after != reached else None), reached
    elif already:  # reached on the decision day: met from the start (doubts() warned when it was added)
        verdict = MET
    elif review_by is not None and today < review_by:
        verdict = TOO_EARLY
    elif after is None or (expectation.target is None and before is None):
        verdict = NO_DATA
    else:
        verdict = NOT_MET
    # Missed, then got there after the deadline: still not met, but a reader of "missed" should know.
    late = next((Reading(d, v) for d, v in values if point < d <= today and expectation.reached(v, before)), None)
    late = late if verdict == NOT_MET and expectation.target is not None else None
    why = _why(expectation, verdict, before, after, decided, review_by, unit, since)
    why += f"; {reached_late(late, unit)}" if late else ""
    return Verdict(expectation, name, unit, verdict, before, after, point, why, late=late, since=since)


def reached_late(late: Reading, unit: str, day: Callable[[dt.date], str] = dt.date.isoformat) -> str:
    """A missed target reached after the review date, in words — decision review's and the digest's (which
    says its days as '23 Nov'): 'reached 6 hours on 2026-11-23, after its review date'."""
    return f"reached {quantity(late.value, unit)} on {day(late.date)}, after its review date"


def already_met(v: Verdict) -> str:
    """'already met on the decision day' for a met expectation whose target was reached before the decision
    (no evidence the decision did it), else '': the one wording of decision review and the digest."""
    return _already(v.expectation, v.verdict, v.before)


def _already(e: Expectation, verdict: str, before: Reading | None) -> str:
    return "already met on the decision day" if verdict == MET and _met_before(e, before) else ""


def _met_before(e: Expectation, before: Reading | None) -> bool:
    """Whether the target was reached already by the value of the decision's day (or the last before it)."""
    return e.target is not None and before is not None and e.reached(before.value, None)


def _why(e: Expectation, verdict: str, before: Reading | None, after: Reading | None, decided: dt.date,
         review_by: dt.date | None, unit: str, since: Reading | None = None) -> str:  # fmt: skip
    """The numbers of a verdict: '3,953 users on 2026-06-01 → 4,492.1 users on 2026-11-09 (+539.1)'."""
    start = f"{quantity(before.value, unit)} on {before.date}" if before else f"no value on or before {decided}"
    if after is None:
        end = f"no value since, up to {review_by}" if review_by else "no value since"
    else:
        moved = f" ({change(round(after.value - before.value, 10))})" if before else ""
        end = f"{quantity(after.value, unit)} on {after.date}{moved}"
    line = f"{start} → {end}"
    if since is not None:
        line += f"; {quantity(since.value, unit)} since, on {since.date}"
    if already := _already(e, verdict, before):
        line += f"; {already}"
    if verdict == TOO_EARLY:
        line += f"; it has until {review_by}"
    elif verdict == NO_DATA and after is not None:
        line += ": no value before the decision to compare with"
    return line


def against_direction(kb: KnowledgeBase, e: Expectation) -> str:
    """'against the metric's own direction (up is good)' for an expectation going the way its metric calls
    bad (Checkout conversion expected down), else '' — the digest's note; decision add warns of it (doubts)."""
    try:
        good = _against(kb.find(e.metric, "metric"), e)
    except PmopsError:
        return ""
    return f"against the metric's own direction ({good} is good)" if good else ""


def _against(metric: Record, e: Expectation) -> str | None:
    """The direction a metric calls good when an expectation of it goes the other way, else None."""
    good = metric.values.get("direction")
    return good if good in ("up", "down") and good != e.direction else None


def doubts(kb: KnowledgeBase, record: Record, today: dt.date | None = None) -> list[str]:
    """What looks wrong in a decision's expectations, said when it is added (a warning; written anyway):
    a target the metric had reached already on the decision's date, a direction against the metric's own."""
    decided = record.values.get("date")
    found = []
    for e in expectations(record):
        try:
            metric = kb.find(e.metric, "metric")
            values = metrics.read_values(kb, metric)
        except PmopsError:
            continue
        if good := _against(metric, e):
            found.append(f"{metric.title} is expected to go {e.direction}, and the metric says {good} is good: "
                         f"is that what the decision means?")  # fmt: skip
        if isinstance(decided, dt.date):
            before = next((Reading(d, v) for d, v in reversed(values) if d <= decided), None)
            if _met_before(e, before):
                found.append(f"{metric.title} {e.text}: already met on the decision day ({before.value:g} on "
                             f"{before.date}): the review will say met whatever happens")  # fmt: skip
    return found


def expectations(record: Record) -> tuple[Expectation, ...]:
    return tuple(Expectation.of(e) for e in record.values.get("expects") or [])


def review(kb: KnowledgeBase, record: Record, today: dt.date | None = None) -> Review:
    """A decision's expectations judged on `today`: each from its metric's values (a metric gone, or
    whose values cannot be read, gives 'no data' and says why)."""
    today = today or dt.date.today()
    decided = decided_on(record)
    review_by = record.values.get("review_date")
    recorded = tuple(record.values.get("outcomes") or [])
    reviewed = record.values.get("reviewed")
    final = {o.get("metric"): o for o in recorded if o.get("verdict") in FINAL}
    verdicts = []
    for expectation in expectations(record):
        judged = _judged(kb, expectation, decided, review_by, today)
        kept = final.pop(expectation.metric, None)
        verdicts.append(_kept(judged, kept, decided, reviewed) if kept else judged)
    for kept in final.values():  # a verdict recorded on an expectation removed since: kept, and shown
        gone = Expectation(str(kept["metric"]), str(kept.get("direction") or ""), kept.get("target"))
        judged = _judged(kb, gone, decided, review_by, today)
        verdicts.append(_kept(judged, kept, decided, reviewed, removed=True))
    return Review(record.id, record.title, record.path, record.values.get("status"),
                  decided if isinstance(decided, dt.date) else None, review_by, today, tuple(verdicts),
                  reviewed, recorded)  # fmt: skip


def _kept(judged: Verdict, kept: dict[str, Any], decided: Any, reviewed: Any, removed: bool = False) -> Verdict:
    """A final verdict recorded by an earlier review, as it was recorded — a review never rewrites one,
    and neither does what is shown: a target moved since, or values edited or unreadable since, do not
    turn a recorded 'not met' into 'met'."""
    readings = {key: Reading(kept[f"{key}_date"], float(kept[key])) if isinstance(kept.get(f"{key}_date"), dt.date)
                and kept.get(key) is not None else None for key in ("before", "after")}  # fmt: skip
    now = judged.expectation
    # What was expected when it was judged; recorded before pmops kept that: what it expects today.
    then = Expectation(now.metric, str(kept["direction"]), kept.get("target")) if kept.get("direction") else now
    on = reviewed if isinstance(reviewed, dt.date) else None
    if not removed and kept["verdict"] == judged.verdict and then == now:
        return replace(judged, kept=on or judged.judged_on)  # the numbers of today agree: all of them shown
    day = decided if isinstance(decided, dt.date) else judged.judged_on
    why = _why(then, kept["verdict"], readings["before"], readings["after"], day, None, judged.unit)
    why += f" (recorded{f' on {on}' if on else ''})"
    if removed:
        why += "; the decision no longer expects it"
    moved = None
    if not removed and (then.direction, then.target) != (now.direction, now.target):
        why += f"; the decision now expects {now.said(judged.unit)}, changed after this was recorded"
        moved = now
    return Verdict(then, judged.name, judged.unit, str(kept["verdict"]), readings["before"], readings["after"],
                   judged.judged_on, why, on or judged.judged_on, moved=moved)  # fmt: skip


def _judged(kb: KnowledgeBase, expectation: Expectation, decided: Any, review_by: dt.date | None,
            today: dt.date) -> Verdict:  # fmt: skip
    point = min(today, review_by) if review_by else today

    def no_data(why: str, name: str | None = None, unit: str = "") -> Verdict:
        verdict = TOO_EARLY if review_by and today < review_by else NO_DATA
        return Verdict(expectation, name, unit, verdict, None, None, point, why)

    if not isinstance(decided, dt.date):
        return no_data("the decision has no date to compare before and after")
    try:
        metric = kb.find(expectation.metric, "metric")
    except PmopsError:
        return no_data(f"no metric {expectation.metric}")
    try:
        found = metrics.rows(kb, metric)
    except DocumentError as exc:
        return no_data(f"its values cannot be read: {exc}", metric.title, str(metric.values.get("unit") or ""))
    values = metric_csv.pairs(found)
    bad = [r for r in found if r.problem]
    if metric_csv.mostly_unreadable(found):  # every row, or most, left out: said, never judged from the few read
        where = metrics.values_path(kb, metric).name
        most = f" (of {len(bad) + len(values)} rows)" if values else ""
        return no_data(f"its values cannot be read: {metric_csv.lines_said(bad)} of {where}{most} ({bad[0].problem}; "
                       "pmops lint names each)", metric.title, str(metric.values.get("unit") or ""))  # fmt: skip
    judged = judge(expectation, values, decided, review_by, today, metric.title, str(metric.values.get("unit") or ""))
    doubtful = dict(metrics.doubts(metric, values))  # the rule of metric record, lint and the digest: said on it
    said = [f"{r.date}'s {r.value:g} is doubtful ({doubtful[r.date]})"
            for r in dict.fromkeys((judged.before, judged.after, judged.since, judged.late))
            if r is not None and r.date in doubtful]  # fmt: skip
    return replace(judged, why=f"{judged.why}; {'; '.join(said)}") if said else judged


def decided_on(record: Record) -> Any:
    """D, the day its expectations are judged from: the day it was accepted (`accepted`, written by
    `decision accept`), else its date."""
    accepted = record.values.get("accepted")
    return accepted if isinstance(accepted, dt.date) else record.values.get("date")


def taken(record: Record) -> bool:
    """A decision whose expectations are reviewed: one that was taken (not proposed, not rejected)."""
    return record.values.get("status") not in NOT_TAKEN


def reviews(kb: KnowledgeBase, today: dt.date | None = None) -> list[Review]:
    """Every decision taken that declares expectations: the overdue first (longest overdue first), then by
    review date (none last)."""
    today = today or dt.date.today()
    found = [
        review(kb, r, today)
        for r in shown(kb.records(kb.doctype("decision")))
        if taken(r) and r.values.get("expects") and not dates.after(r.values.get("date"), today)
    ]
    far = dt.date.max
    return sorted(found, key=lambda r: (not r.overdue, r.review_by or far, r.title.casefold()))


def record_review(
    kb: KnowledgeBase, ref: str, today: dt.date | None = None, *, dry_run: bool = False, commit: bool | None = None
) -> tuple[Review, str, str | None]:
    """Review one decision and record its verdicts in it (`reviewed`, `outcomes`), one commit.

    A final verdict (met, not met, no data) recorded by an earlier review is kept as it was: only
    expectations still without one are judged again and written.

    Returns the review, what was done ('recorded', 'already': every expectation has a final verdict
    recorded, nothing is written, 'unchanged': the same verdicts are recorded already today,
    'too early': no new verdict is final yet, so nothing is written, 'dry run') and the commit.
    """
    record = kb.find(ref, "decision")
    if not record.values.get("expects"):
        raise PmopsError(f"{record.id} declares no expectations to review",
                         hint=f"add one: pmops set {record.id} expects='{EXPECTS_EXAMPLE}'")  # fmt: skip
    if not taken(record):
        raise PmopsError(f"{record.id} is {record.values.get('status')}: its expectations are reviewed once it is taken",
                         hint=f"pmops decision accept {record.id}")  # fmt: skip
    today = today or dt.date.today()
    found = review(kb, record, today)
    # A final verdict recorded is kept as it was: a later review never rewrites it (only 'too early' moves on).
    final = {o.get("metric"): o for o in found.recorded if o.get("verdict") in FINAL}
    metrics = [v.expectation.metric for v in found.verdicts]
    outcomes = [final[v.expectation.metric] if v.expectation.metric in final else v.recorded() for v in found.verdicts]
    outcomes += [o for o in found.recorded if o.get("metric") not in metrics]  # kept: an expectation since removed
    if dry_run:
        return found, "dry run", None
    if all(m in final for m in metrics):
        return found, "already", None
    if all(v.verdict == TOO_EARLY for v in found.verdicts if v.expectation.metric not in final):
        return found, "too early", None
    if found.recorded == tuple(_reread(outcomes)) and found.reviewed == today:
        return found, "unchanged", None
    message = f'pmops: review decision {record.id} "{record.title}": ' + _tally(found.verdicts)
    sha = kb.update(record, {"reviewed": today, "outcomes": outcomes}, message, commit=commit)
    after = kb.load(kb.root / record.path)
    return review(kb, after, today), "recorded", sha


def _reread(outcomes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Outcomes as the registry reads them back from the file (numbers as floats)."""
    return Field("outcomes", "outcomes").convert([{k: str(v) for k, v in o.items()} for o in outcomes])


def _tally(verdicts: tuple[Verdict, ...]) -> str:
    return ", ".join(f"{sum(v.verdict == name for v in verdicts)} {name}" for name in VERDICTS
                     if any(v.verdict == name for v in verdicts))  # fmt: skip


# Units of a metric that is never below 0: a duration (a target of -1 hours can never be reached).
DURATIONS = ("ms", "s", "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "h", "hr", "hrs",
             "hour", "hours", "day", "days", "week", "weeks", "month", "months")  # fmt: skip


def possible(kb: KnowledgeBase, expects: list[dict[str, Any]], flag: str) -> None:
    """Expectations (converted: a metric's name or id, up or down, a target) whose target its metric can
    reach: exit 2 naming `flag` for a target above 100 on a metric in % (unless a value of it was ever
    above 100: a growth rate), or below 0 going down on a metric counted in a duration (DURATIONS, unless a
    value of it was ever below 0). A metric that is not found is left to the create, which says so."""
    named: dict[str, dict[str, Any]] = {}
    for e in expects:
        try:
            metric = kb.find(str(e["metric"]), "metric")
        except PmopsError:
            continue
        first = named.get(str(metric.id))
        if first is not None and first["direction"] == e["direction"]:  # by two names ('Weekly active', met-act)
            raise InvalidInput(f"{flag}: '{first['metric']}' and '{e['metric']}' are one metric ({metric.title}): "
                               "give each metric once, with the target the decision means")  # fmt: skip
        named.setdefault(str(metric.id), e)  # both up and down: said by the create, as a file's are
        target = e.get("target")
        if target is None:
            continue
        try:
            values = [v for _, v in metrics.read_values(kb, metric)]
        except PmopsError:
            values = []
        unit = str(metric.values.get("unit") or "").strip()
        if target > 100 and metrics.out_of_range(metric, target, values):
            raise InvalidInput(f"{flag}: '{e['metric']}': the target {target:g} is above 100%, and the metric is a "
                               f"percentage: at most 100, e.g. '{metric.title}:{e['direction']}:99.5'")  # fmt: skip
        if e["direction"] == "down" and target < 0 and unit.casefold() in DURATIONS and not any(v < 0 for v in values):
            raise InvalidInput(f"{flag}: '{e['metric']}': the target {target:g} is below 0, and the metric is counted "
                               f"in {unit}: never below 0 (give 0 or more, or no target: '{metric.title}:down')")  # fmt: skip


def planned(expects: list[str], review_by: str | None, decided: str | None, today: dt.date | None = None,
            kb: KnowledgeBase | None = None) -> dict:  # fmt: skip
    """The fields `decision add --expects … --review-by …` gives: checked (exit 2, nothing written)
    before the create resolves each metric — with the KB, each target against its metric's unit."""
    if not expects:
        return {"review_date": review_by} if review_by else {}
    try:
        converted = Field("expects", "expectations").convert(list(expects))
    except ValueError as exc:
        raise InvalidInput(f"--expects: {exc}") from None
    if kb is not None:
        possible(kb, converted, "--expects")
    if not review_by:
        raise InvalidInput("--expects needs --review-by DATE: the day its expectations are judged",
                           hint=f"e.g. --expects '{EXPECTS_EXAMPLE}' --review-by 2027-03-31")  # fmt: skip
    by = _day(review_by, "--review-by", "future")
    day = _day(decided, "--date", "past") if decided else today or dt.date.today()
    if by <= day:
        raise InvalidInput(f"--review-by: {by} is not after the decision ({day}): give the day to judge what it moved")
    return {"expects": list(expects), "review_date": by.isoformat()}


def _day(text: str, option: str, toward: str) -> dt.date:
    try:
        return dates.parse(text, toward=toward)
    except ValueError as exc:
        raise InvalidInput(f"{option}: {exc}") from None


def counts(found: list[Review]) -> str:
    """'2 reviews overdue, 1 met, …' for a listing's last line."""
    verdicts = [v for r in found for v in r.verdicts]
    overdue = sum(r.overdue for r in found)
    parts = [count(overdue, "review") + " overdue"] if overdue else []
    parts += [f"{sum(v.verdict == name for v in verdicts)} {name}" for name in VERDICTS
              if any(v.verdict == name for v in verdicts)]  # fmt: skip
    said = f"{count(len(found), 'decision')} with {count(len(verdicts), 'expectation')}"  # verdicts count expectations
    return said + (": " + ", ".join(parts) if parts else "")
