"""The digest: one page of what happened since a day, from the KB and its git history — what a
product leader reads on Monday. Each section is a few short lines, each naming its document.

What counts as "since": a document's own date (an insight heard, a decision taken, a run started)
in the window; a change to a document is the git history's (one `git log`, activity.py). `--since
last` reads the day of the reader's last digest, kept per git user.email and area, with the window
it had, in the KB's state folder (`.git/pmops/digest.json`, never committed).

(Over 400 lines: one short function per section of one page, over the same window and git log.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from pmops import activity, outcomes, people
from pmops.errors import InvalidInput
from pmops.kb.records import shown
from pmops.outputs import LAUNCH_DAYS
from pmops.reports.parts import OMIT_NONE, Part
from pmops.text import count, first_few, markdown_literal, quantity

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase, Record

T = TypeVar("T")

DEFAULT_DAYS = 7  # a digest without --since: the last week
PROPOSED_STALE_DAYS = 30  # as lint's decision-proposed-stale
DUE_SOON_DAYS = 30  # expectations judged, and renewals to decide, within this many days are named
NOTICE_UNKNOWN_DAYS = 90  # a renewal whose notice is not known: named this long before (most notices: 30–90 days)
SHOWN = 5  # items a section names before "… N more"
RISING_FROM = 2  # a theme rises with at least this many new insights (one is an anecdote)
RISING_SHOWN = 3
NEW_PM_DAYS = 7  # a PM who joined fewer days ago than this is not named among those who did nothing
QUIET_DAYS = 7  # a shorter window names nobody for doing nothing (a day without an insight is no news)
STATE_FILE = "digest.json"
TEAM_WIDE = ("processes", "tools")  # sections an area does not narrow
# Types whose own date says when something happened (new in the window); the others (tools,
# metrics, customers) are not "new" by a date of theirs.
HAPPENED = ("insight", "decision", "process", "checklist", "onboarding", "person", "ranking")


@dataclass(frozen=True)
class Item(Part):
    """One line of a section: what to read, the document it is about, and whether it is good or bad news."""

    text: str
    id: str | None = field(default=None, metadata=OMIT_NONE)
    path: str | None = field(default=None, metadata=OMIT_NONE)
    tone: str = ""  # "good", "bad" or ""
    counts: dict[str, int] | None = field(default=None, metadata=OMIT_NONE)  # who did what: per kind of work
    ids: tuple[str, ...] | None = field(default=None, metadata=OMIT_NONE)  # a line about several documents: theirs
    short: str | None = field(default=None, metadata=OMIT_NONE)  # how "… and N more" names it: 'met: Sync success'


@dataclass(frozen=True)
class Section(Part):
    key: str
    title: str
    summary: str  # one sentence
    items: tuple[Item, ...]
    more: int = 0  # items not shown in the text (they are in `rest`, and the text names their documents)
    rest: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Digest(Part):
    kb: str
    since: dt.date
    until: dt.date
    area: str | None
    since_from: str  # "given", "last digest on D", "default: the last 7 days", "no digest yet: the last 7 days"
    headline: str
    sections: tuple[Section, ...]
    quiet: tuple[str, ...]  # the sections with nothing to say
    note: str | None = field(default=None, metadata=OMIT_NONE)  # what the digest could not count, and why

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1


def _item(record: Record, text: str, tone: str = "") -> Item:
    return Item(text, record.id or record.path, record.path, tone)


def _section(key: str, title: str, summary: str, items: list[Item], limit: int = SHOWN) -> Section:
    return Section(key, title, summary, tuple(items[:limit]), max(0, len(items) - limit), tuple(items[limit:]))


# -- since when ------------------------------------------------------------------------------------


def _state_path(kb: KnowledgeBase) -> str:
    return os.path.join(kb.state_dir, STATE_FILE)


def _reader(kb: KnowledgeBase) -> tuple[str, str]:
    """Who reads the digest (their git user.email, else the login) and the KB's key in the state file."""
    ident = kb.repo.identity() if kb.repo else None
    who = (ident.email if ident and ident.email else None) or os.environ.get("USER") or "me"
    key = os.path.relpath(kb.root, kb.repo.root) if kb.repo else "."
    return who, key


@dataclass(frozen=True)
class Noted:
    """The reader's last digest of a KB (of an area): its day, and the window it had — a second digest
    that day (the terminal's, then the HTML to send) keeps that window rather than shrink to one day."""

    day: dt.date
    since: dt.date | None = None  # None: noted by an older pmops, which kept only the day
    said: str | None = None  # where that window came from, as its first line said it


def _slot(key: str, area: str | None) -> str:
    """The state file's key of a KB's digests: the whole team's, and each area's apart ('. --area billing')."""
    return key if area is None else f"{key} --area {area}"


def last_digest(kb: KnowledgeBase, area: str | None = None) -> Noted | None:
    """The reader's last digest of this KB (of this area), if one was made."""
    who, key = _reader(kb)
    try:
        with open(_state_path(kb), encoding="utf-8") as handle:
            entry = json.load(handle)[who][_slot(key, area)]
        if isinstance(entry, str):
            return Noted(dt.date.fromisoformat(entry))
        since = entry.get("since")
        return Noted(dt.date.fromisoformat(entry["day"]), dt.date.fromisoformat(since) if since else None,
                     str(entry["said"]) if entry.get("said") else None)  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def remember(kb: KnowledgeBase, day: dt.date, since: dt.date | None = None, said: str | None = None,
             area: str | None = None) -> None:  # fmt: skip
    """Note that the reader had a digest on `day`, from `since` (best effort: a digest never fails on its
    state), for the whole team or one area. Never backwards, nor twice a day: a digest of an earlier day
    (--today, a script's) leaves the later one noted, and a second digest of the day keeps the first's window."""
    if day > dt.date.today():
        return  # a digest as of a later day (--today, a what-if) is no digest read: noting it would hide the real ones
    who, key = _reader(kb)
    slot = _slot(key, area)
    path = _state_path(kb)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    mine = data.get(who) if isinstance(data.get(who), dict) else {}
    noted = mine.get(slot)
    noted = noted.get("day") if isinstance(noted, dict) else noted
    if str(noted or "") >= day.isoformat():
        return
    entry = {"day": day.isoformat(), **({"since": since.isoformat(), "said": said} if since else {})}
    data[who] = {**mine, slot: entry}
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except OSError:
        pass


def window(kb: KnowledgeBase, since: str | None, today: dt.date, area: str | None = None) -> tuple[dt.date, str]:
    """The first day of the digest and where it came from: a date, a length (30d: the last 30 days),
    `last` (the reader's last digest of the KB, or of the area; the last week when there was none; the
    same window again when that digest was today's), or nothing (the last week)."""
    from pmops import dates

    default = today - dt.timedelta(days=DEFAULT_DAYS - 1)
    if since is None:
        return default, f"the last {DEFAULT_DAYS} days"
    if since.strip().lower() == "last":
        last = last_digest(kb, area)
        if last is not None and last.day > today:
            return (
                default,
                f"your last digest is noted on {_day(last.day, today)}, after today: the last {DEFAULT_DAYS} days",
            )
        if last is None:
            return default, f"no digest yet: the last {DEFAULT_DAYS} days"
        if last.day == today and last.since is not None and last.since <= today:
            return last.since, last.said or f"since {_day(last.since, today)}"  # today's again: the same window
        return last.day, f"since your last digest on {_day(last.day, today)}"
    day, days = dates.since(since, today, also=("last",))
    if days is not None:
        return day, f"the last {count(days, 'day')}"
    return day, f"since {_day(day, today)}"


# -- the sections -------------------------------------------------------------------------------


@dataclass
class _Scope:
    kb: KnowledgeBase
    since: dt.date
    until: dt.date
    area: str | None
    history: activity.History
    by_type: dict[str, list[Record]]
    doubtful_by_metric: dict[str, dict[dt.date, str]] = field(default_factory=dict)

    def doubtful(self, metric: str) -> dict[dt.date, str]:
        """A metric's doubtful values by day (metrics.doubt: the rule of metric record, lint and metric show)."""
        from pmops import metrics
        from pmops.errors import PmopsError

        if metric not in self.doubtful_by_metric:
            try:
                self.doubtful_by_metric[metric] = dict(metrics.view(self.kb, metric, self.until).doubts)
            except PmopsError:
                self.doubtful_by_metric[metric] = {}
        return self.doubtful_by_metric[metric]

    def of(self, type_name: str) -> list[Record]:
        return self.by_type.get(type_name, [])

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def inside(self, day: Any) -> bool:
        return isinstance(day, dt.date) and self.since <= day <= self.until

    def in_area(self, record: Record) -> bool:
        return self.area is None or str(record.values.get("area") or "").casefold() == self.area.casefold()


def _research(s: _Scope) -> Section:
    from pmops import research

    new = sorted(
        (r for r in s.of("insight") if s.inside(r.values.get("date")) and s.in_area(r)),
        key=lambda r: r.title.casefold(),
    )  # one day's in the order of their titles
    new.sort(key=lambda r: r.values["date"], reverse=True)  # newest first
    named = {activity.fold(p.title): p.title for p in people.roster(s.kb)}  # as the roster spells them
    items = []
    for r in new:
        who = [named.get(activity.fold(w), w) for w in activity.authors_of(r, s.history)]
        items.append(_item(r, f"{r.title} ({_day(r.values['date'], s.until)}" + (f", {who[0]})" if who else ")")))
    mine = [r for r in s.of("insight") if s.in_area(r)]  # an area's themes rise with its own insights
    themes = research.themes(s.kb, since=s.since, today=s.until, insights=mine)
    rising = [t for t in themes if t.trend in ("new", "up") and t.current >= RISING_FROM]
    # Those no decision addresses first (what a leader acts on), then by how much they rose; none hidden.
    rising.sort(key=lambda t: (t.addressed, -(t.current - t.previous), t.key))
    listed = items[:SHOWN]
    for t in rising[:RISING_SHOWN]:
        what = f"{t.previous or 'none'} in the {count(s.days, 'day')} before"
        said = (f"; addressed by {', '.join(t.addressed_by)}" if t.addressed  # as insight themes says it
                else f"; proposed: {', '.join(t.proposed)}" if t.proposed else "; no decision addresses it yet")  # fmt: skip
        listed.append(
            Item(f"Rising: {t.key}, {count(t.current, 'insight')} ({what}){said}", tone="" if t.addressed else "bad")
        )
    if len(rising) > RISING_SHOWN:
        more = rising[RISING_SHOWN:]
        listed.append(Item(f"Also rising: {', '.join(f'{t.key} ({t.current})' for t in more)}"))
    summary = count(len(new), "new insight") + (f", {count(len(rising), 'theme')} rising" if rising else "")
    return Section("research", "Research", summary, tuple(listed), max(0, len(new) - SHOWN), tuple(items[SHOWN:]))


def _decisions(s: _Scope) -> Section:
    """Decisions taken in the window — by the day they were taken (`accepted`, which decision accept writes,
    else their date), whatever their status since — proposed in it, and said no to in it (rejected,
    superseded, deprecated: decisions.closed_on); proposals waiting more than PROPOSED_STALE_DAYS first
    (once each: one proposed in the window and waiting says both)."""
    from pmops import decisions as log

    decisions = [r for r in s.of("decision") if s.in_area(r)]
    taken = sorted((r for r in decisions if outcomes.taken(r) and s.inside(outcomes.decided_on(r))),
                   key=lambda r: (outcomes.decided_on(r), r.title.casefold()))  # fmt: skip
    proposed = [
        r for r in decisions if r.values.get("status") == "proposed" and isinstance(r.values.get("date"), dt.date)
    ]
    waiting = sorted((r for r in proposed if (s.until - r.values["date"]).days > PROPOSED_STALE_DAYS),
                     key=lambda r: (r.values["date"], r.title.casefold()))  # fmt: skip
    fresh = sorted((r for r in proposed if s.inside(r.values["date"]) and r not in waiting),
                   key=lambda r: (r.values["date"], r.title.casefold()))  # fmt: skip
    # Said no to in the window; one taken in it too already says "superseded since" on its own line.
    by_id = {r.id: r for r in s.of("decision") if r.id}
    changes: dict[str, list[activity.Event]] = {}
    for event in s.history.events:
        changes.setdefault(event.path, []).append(event)
    closed = sorted(((day, r) for r in decisions if r not in taken and r.values.get("status") in log.CLOSED
                     and s.inside(day := log.closed_on(s.kb, r, s.history, s.since, events=changes.get(r.path, []),
                                                       decisions=by_id))),
                    key=lambda pair: (pair[0], pair[1].title.casefold()))  # fmt: skip
    items = [_item(r, f"Waiting since {r.values['date']:%-d %b %Y} ({count((s.until - r.values['date']).days, 'day')})"
                      f": {r.title}{_by(r)}", "bad") for r in waiting]  # fmt: skip
    for r in taken:
        day, asked = outcomes.decided_on(r), r.values.get("date")
        since = f", proposed {_day(asked, day)}" if isinstance(asked, dt.date) and asked != day else ""
        status = str(r.values.get("status") or "")
        later = f"; {status} since" if status != "accepted" else ""
        items.append(_item(r, f"Taken {_day(day, s.until)}: {r.title}{_by(r)}{since}{later}", "good"))
    items += [_item(r, f"Proposed {_day(r.values['date'], s.until)}: {r.title}{_by(r)}") for r in fresh]
    for day, r in closed:
        status = str(r.values["status"])
        by = [str(x) for x in r.values.get("superseded_by") or []] if status == "superseded" else []
        said = f", by {', '.join(by)}" if by else ""
        items.append(_item(r, f"{status.capitalize()} {_day(day, s.until)}: {r.title}{_by(r)}{said}"))
    new_proposals = sum(s.inside(r.values["date"]) for r in proposed)
    ended = [(status, sum(r.values["status"] == status for _, r in closed)) for status in log.CLOSED]
    done = [f"{len(taken)} taken"] if taken else []
    done += [f"{new_proposals} proposed"] if new_proposals else []
    done += [f"{n} {status}" for status, n in ended if n]
    if not done:
        parts = ["no decision taken or proposed"]
    else:
        parts = [", ".join(done) + ("" if taken else ", none taken")]
    parts += [f"{len(waiting)} waiting more than {PROPOSED_STALE_DAYS} days"] if waiting else []
    return _section("decisions", "Decisions", "; ".join(parts), items)


def _day(day: dt.date, beside: dt.date) -> str:
    """'20 Jul', with its year when it is not the year of the day it is said beside ('20 Jul 2025')."""
    return f"{day:%-d %b}" if day.year == beside.year else f"{day:%-d %b %Y}"


def _by(record: Record) -> str:
    who = record.values.get("deciders") or []
    return f" ({', '.join(who)})" if who else ""


def _expectations(s: _Scope) -> Section:
    """One item per expectation (met, missed, due); a review overdue is a note on its expectations' items,
    or an item of its own when none of them is listed (no data, or not judged in the window)."""
    items, met, missed, overdue = [], 0, 0, 0
    areas = {r.id: s.in_area(r) for r in s.of("decision")}
    for review in outcomes.reviews(s.kb, s.until):
        if not areas.get(review.id, True):
            continue
        mine: list[Item] = []
        for v in review.verdicts:
            said = f"{v.name or v.expectation.metric} {_goal(v.expectation, v.unit)} (“{review.title}”)"
            recorded = (
                f"; recorded {_day(v.kept, s.until)}" if v.kept and s.inside(v.kept) else ""
            )  # the review meeting's
            if v.moved is not None:  # goalposts moved after the verdict was recorded: worth telling a leader
                recorded += f"; the decision now expects {_goal(v.moved, v.unit)}, changed after the review"
            judged_now = (review.review_by is not None and s.since <= review.review_by <= s.until) or bool(recorded)
            short = f"{v.verdict if v.verdict != outcomes.NOT_MET else 'missed'}: {v.name or v.expectation.metric}"
            if v.verdict == outcomes.MET and (judged_now or review.overdue or (v.after and s.inside(v.after.date))):
                met += 1
                # the day it got there: the metrics section's latest value may be another ("99.6% on 23 Nov")
                doubtful = s.doubtful(v.expectation.metric)
                when = f" on {_day(v.after.date, s.until)}{_doubt(doubtful, v.after.date)}" if v.after else ""
                if v.since is not None and not v.expectation.reached(v.since.value, v.before):  # fell back since
                    when += (f"; {quantity(v.since.value, v.unit)} on {_day(v.since.date, s.until)}"
                             f"{_doubt(doubtful, v.since.date)}, short of it again")  # fmt: skip
                tone = "good"
                if already := outcomes.already_met(v):  # no evidence the decision did it: no good news either
                    when, tone = f"{when}; {already}", ""
                if against := outcomes.against_direction(s.kb, v.expectation):
                    when, tone = f"{when}; {against}", ""
                mine.append(Item(f"Met: {said}: {_numbers(v)}{when}{recorded}", review.id, review.path, tone,
                                 short=short))  # fmt: skip
            elif v.verdict == outcomes.NOT_MET and (judged_now or review.overdue):
                missed += 1
                late = (f"; {outcomes.reached_late(v.late, v.unit, lambda d: _day(d, s.until))}"
                        if v.late and v.late.date <= s.until else "")  # fmt: skip
                mine.append(Item(f"Missed: {said}: {_numbers(v)} by {_day(v.judged_on, s.until)}{late}{recorded}", review.id,
                                 review.path, "bad", short=short))  # fmt: skip
            elif (
                v.verdict == outcomes.TOO_EARLY
                and review.review_by
                and (review.review_by - s.until).days <= DUE_SOON_DAYS
            ):
                latest = f" on {_day(v.after.date, s.until)}" if v.after else ""  # how old "so far" is
                mine.append(Item(f"Due {_day(review.review_by, s.until)}: {said}: {_numbers(v)}{latest} so far", review.id,
                                 review.path, short=f"due: {v.name or v.expectation.metric}"))  # fmt: skip
        if review.overdue:
            overdue += 1
            note = f"review overdue since {_day(review.review_by, s.until)} (pmops decision review {review.id})"
            if mine:
                mine = [replace(i, text=f"{i.text}; {note}", tone=i.tone or "bad") for i in mine]
            else:
                mine = [Item(f"Review overdue since {_day(review.review_by, s.until)}: {review.title} "
                             f"(pmops decision review {review.id})", review.id, review.path, "bad")]  # fmt: skip
        items += mine
    # Counts of expectations; the reviews overdue are notes on them (a review is of a decision): in brackets.
    judged = ", ".join([f"{met} met"] * bool(met) + [f"{missed} missed"] * bool(missed))
    late = f"{count(overdue, 'review')} overdue" if overdue else ""
    summary = (f"{judged} ({late})" if judged and late else judged or late) or "none came due"
    return _section("expectations", "Expectations", summary, items)


def _doubt(doubtful: dict[dt.date, str], day: dt.date) -> str:
    """' (doubtful: 0.995: a ratio? …)' for a value the metric's doubt rule flags, else ''."""
    return f" (doubtful: {doubtful[day]}; pmops lint: metric-value-range)" if day in doubtful else ""


def _numbers(v: outcomes.Verdict) -> str:
    start = quantity(v.before.value, v.unit) if v.before else "no value before"
    end = quantity(v.after.value, v.unit) if v.after else "no value since"
    return f"{start} → {end}"


def _goal(e: outcomes.Expectation, unit: str | None) -> str:
    """What an expectation wants, with the metric's unit: 'up to 5,000 users', 'down', 'down to 6 hours'."""
    return e.said(unit)


def _metrics(s: _Scope) -> Section:
    from pmops import metrics

    items, crossed, stale, unreadable, empty, rows = [], 0, [], 0, 0, 0
    for view in metrics.views(s.kb, s.until):
        record = view.record
        if not s.in_area(record):
            continue
        if view.problem:  # said, never silently left out (lint's metric-value-invalid names the row)
            unreadable += 1
            items.append(_item(record, f"Cannot read the values of {record.title}: {view.problem}", "bad"))
            continue
        if view.unreadable:  # left out, the other rows read: one line, the first row's fix (lint names each)
            rows += len(view.unreadable)
            most = view.mostly_unreadable
            said = _unreadable(record, view.unreadable, metrics.values_path(s.kb, record).name,
                               bool(view.values or view.future) and not most)  # fmt: skip
            items.append(_item(record, said, "bad"))
            if most:  # the few rows read say nothing of it: no crossing, no staleness judged from them
                continue
        if gaps := [row for row in view.gaps if s.inside(row.date)]:  # no value that day: the rest is read
            empty += len(gaps)
            items.append(_item(record, _gaps(record, gaps, metrics.values_path(s.kb, record).name, s.until), "bad"))
        if view.latest is None:  # never a value: stale once its cadence has passed since it was added
            stale += [view] if view.stale else []
            continue
        target = record.values.get("target")
        before = [v for d, v in view.values if d < s.since]
        unit = str(record.values.get("unit") or "")
        latest = quantity(view.latest[1], unit)
        if target is not None and before and s.inside(view.latest[0]):
            was = before[-1] <= target if view.down_is_good else before[-1] >= target
            if was != view.on_target:
                first = _crossed(view, target, s.since)
                doubtful = dict(view.doubts)
                if first[0] in doubtful or view.latest[0] in doubtful:  # a zero too many crosses no target
                    day = first[0] if first[0] in doubtful else view.latest[0]
                    items.append(_item(record, f"{record.title}: {quantity(dict(view.values)[day], unit)} on "
                                               f"{_day(day, s.until)} would cross its target of {quantity(target, unit)}, "
                                               f"but it is doubtful: {doubtful[day]} (pmops lint: metric-value-range)",
                                       "bad"))  # fmt: skip
                    if view.stale:
                        stale.append(view)
                    continue
                crossed += 1
                verb = "reached its target" if view.on_target else "fell off its target"
                said = (f"{quantity(target, unit)}: {latest} on {_day(view.latest[0], s.until)}" if first == view.latest else
                        f"{quantity(target, unit)} on {_day(first[0], s.until)} ({quantity(first[1], unit)}); {latest} on "
                        f"{_day(view.latest[0], s.until)}")  # fmt: skip
                items.append(_item(record, f"{record.title} {verb} of {said}", "good" if view.on_target else "bad"))
        if view.stale:
            stale.append(view)
    # Those whose last value is of one day are one line (a weekly import that stopped: one cause, one line).
    on_day: dict[Any, list[Any]] = {}
    for view in sorted(stale, key=lambda v: (-(v.quiet or 0), v.record.title.casefold())):
        on_day.setdefault(view.latest[0] if view.latest else view.record.path, []).append(view)
    for views in on_day.values():
        view = views[0]
        if len(views) > 1:
            names = ", ".join(v.record.title for v in views)
            items.append(Item(f"Stale: {len(views)} metrics have no value since {_day(view.latest[0], s.until)} "
                              f"({count(view.quiet or 0, 'day')}): {names}", tone="bad",
                              ids=tuple(str(v.record.id or v.record.path) for v in views)))  # fmt: skip
            continue
        said = (f"last value {_day(view.latest[0], s.until)}, {count(view.quiet or 0, 'day')} ago" if view.latest
                else f"no value yet, {count(view.quiet or 0, 'day')} since it was added")  # fmt: skip
        items.append(_item(view.record, f"Stale: {view.record.title}: {said}", "bad"))
    parts = [f"{crossed} crossed {'its target' if crossed == 1 else 'their targets'}"] if crossed else []
    parts += [f"{len(stale)} stale"] if stale else []
    parts += [f"{unreadable} with values that cannot be read"] if unreadable else []
    parts += [f"{count(empty, 'day')} left without a value"] if empty else []
    parts += [f"{count(rows, 'unreadable row')} left out"] if rows else []
    return _section("metrics", "Metrics", ", ".join(parts), items, 8)  # a stale metric each, by name


def _gaps(record: Record, gaps: list[Any], csv: str, until: dt.date) -> str:
    """A metric's days left empty in its CSV, in words: 'Sync success: no value on 16 Nov (line 5 of
    met-syn.csv): record it (pmops metric record met-syn VALUE --date 2026-11-16), or delete the row'."""
    days = ", ".join(_day(row.date, until) for row in gaps)
    lines = ("line " if len(gaps) == 1 else "lines ") + ", ".join(str(row.line) for row in gaps)
    them, rows = ("it", "the row") if len(gaps) == 1 else ("them", "the rows")
    day = gaps[0].date.isoformat() if len(gaps) == 1 else "YYYY-MM-DD"
    return (
        f"{record.title}: no value on {days} ({lines} of {csv}): record {them} "
        f"(pmops metric record {record.id} VALUE --date {day}), or delete {rows}"
    )


def _unreadable(record: Record, found: list[Any], csv: str, others: bool = True) -> str:
    """A metric's rows that cannot be read, in one line with what to write: 'Sync success: line 5 of
    met-syn.csv cannot be read (2026-11-09,99,3): left out, the other values counted; write 2026-11-09,99.3'
    ('none of its values counted' when no row is read: `others` false)."""
    from pmops import metric_csv

    first = found[0]
    counted = "the other values counted" if others else "none of its values counted (most rows cannot be read)"
    if len(found) == 1:
        return (f"{record.title}: line {first.line} of {csv} cannot be read ({first.text[:40]}): left out, "
                f"{counted}; {first.fix}")  # fmt: skip
    return (f"{record.title}: {metric_csv.lines_said(found)} of {csv} cannot be read: left out, {counted}; line "
            f"{first.line} ({first.text[:40]}): {first.fix}; pmops lint names each")  # fmt: skip


def _crossed(view: Any, target: float, since: dt.date) -> tuple[dt.date, float]:
    """The value of the window from which a metric stayed on the side of its target its latest value is
    on: the day it crossed, which may be before its latest value (an expectation met says that day)."""
    first = view.latest
    for day, value in reversed(view.values):
        if day > view.latest[0]:  # a value dated after today (lint's metric-value-future)
            continue
        if day < since or (value <= target if view.down_is_good else value >= target) != view.on_target:
            break
        first = (day, value)
    return first


def _processes(s: _Scope) -> Section:
    from pmops import outputs, processes

    items = []
    checked = outputs.check(s.kb, today=s.until, since=s.since, history=s.history, records=s.by_type)
    missed = [c for c in checked if c.verdict == outputs.MISSED and not c.problem]
    # a process whose outputs cannot be read (a typo'd tag) is said, never left out of the Monday email
    unread = [c for c in checked if c.problem]
    for c in unread:
        items.append(Item(f"{c.title} ({c.owner}): its outputs cannot be read: {c.problem.removeprefix('outputs: ')} "
                          "(pmops lint names it)",
                          c.id, c.path, "bad", short=f"outputs unreadable: {c.title}"))  # fmt: skip
    for c in missed:
        for o in c.outputs:
            if o.verdict == outputs.MISSED:
                items.append(Item(f"Not happening: {c.title} ({c.owner}): {_promise(o, s.since, s.until)}", c.id,
                                  c.path, "bad", short=f"not happening: {c.title}"))  # fmt: skip
    stale = [r for r in shown(s.of("process")) if processes.is_stale(r, s.until)]
    for r in stale:
        last = r.values.get("last_reviewed") or r.values.get("date")
        said = f"Not reviewed since {last:%-d %b %Y}: {r.title} ({r.values.get('owner')})"
        items.append(replace(_item(r, said, "bad"), short=f"not reviewed since {last:%-d %b %Y}: {r.title}"))
    parts = [f"{len(missed)} not happening as written"] if missed or not (stale or unread) else []
    parts += [f"{len(unread)} whose outputs cannot be read"] if unread else []
    parts += [f"{len(stale)} past {'its' if len(stale) == 1 else 'their'} review date"] if stale else []
    return _section("processes", "Processes", ", ".join(parts), items)


def _promise(o: Any, since: dt.date, until: dt.date) -> str:
    """A missed promise in one short sentence: for a rate, the counts a leader reads ('1 insight from interview
    in 30 days by 10 PMs, against about 85 promised') beside the rate against its target; else what is missing."""
    if o.rate is not None and o.made is not None:
        by = f" by {count(len(o.people), 'PM')}" if o.people else ""
        about = f"about {max(1, round(o.expected))}" if o.expected is not None else "more"
        rate = o.actual.split(":")[0]  # the rate with its unit: 0.4 per PM a week
        said = f"{o.made} in {count((until - since).days + 1, 'day')}{by}, against {about} promised"
        said += f" ({rate} against {o.target:g})" if o.rate else ""
        return said + (f"; {len(o.nobody)} of {count(len(o.people), 'PM')} made none" if o.nobody and o.rate else "")
    missing = first_few([_days_said(label, until, o.check == "checklist-run") for label in o.missed], 3)
    return {"checklist-run": f"checklist runs open more than {LAUNCH_DAYS} days: {missing}",
            "ranking": f"no ranking for {missing}",
            "review": f"no record of the meeting for {missing}"}.get(o.check, o.actual)  # fmt: skip


def _days_said(label: str, until: dt.date, titled: bool = False) -> str:
    """The days and months process check writes as 2026-11-16 and 2026-02, as the digest says them:
    16 Nov (2025 too when that is not the year of the digest's last day), Feb 2026. `titled`: the label
    starts with a title ('Launch 2026-03 (chk-…), open since 2026-03-02'): only its last day is said anew."""
    import re

    def said(m: re.Match[str]) -> str:
        try:
            return _day(dt.date.fromisoformat(m[0]), until)
        except ValueError:
            return m[0]

    def month(m: re.Match[str]) -> str:
        return f"{dt.date(int(m[1]), int(m[2]), 1):%b %Y}" if 1 <= int(m[2]) <= 12 else m[0]

    if titled:
        return re.sub(r"\b\d{4}-\d{2}-\d{2}$", said, label)
    return re.sub(r"\b(\d{4})-(\d{2})\b(?!-)", month, re.sub(r"\b\d{4}-\d{2}-\d{2}\b", said, label))


def _onboarding(s: _Scope) -> Section:
    """Plans with steps overdue, each with what its PM did on their own beside the checklist (their first
    insight, decision …: productivity.activity, as onboard status says it) — a step overdue whose work the
    PM did another way (their first decision recorded) is no news; no insight at day 107 is."""
    from pmops import onboarding, productivity

    risky = [p for p in onboarding.progress(s.kb, today=s.until) if s.in_area(p.plan) and p.state == "overdue"]
    own = productivity.activity(s.kb, [p.plan for p in risky], s.until) if risky else {}
    items = []
    for p in risky:
        mine = own.get(p.plan.path)
        did = f"; {mine.text}" if mine is not None and mine.firsts else ""
        # a step asking for a first document the PM has made ('Record your first decision'): done another way
        other_way = productivity.done_another_way(p.overdue, mine)
        late = [st for st in p.overdue if st not in other_way]
        if not late:
            continue
        also = f" {productivity.another_way_said(other_way)}" if other_way else ""
        items.append(_item(p.plan, f"{p.name}: {p.done} of {count(len(p.steps), 'step')} done at day {p.days_since_start}, "
                                   f"{len(late)} overdue{also}{did}", "bad"))  # fmt: skip
    summary = f"{count(len(items), 'plan')} at risk" if items else "every plan on track"
    return _section("onboarding", "Onboarding", summary, items)


def _tools(s: _Scope) -> Section:
    from pmops import stack
    from pmops.reports import renewals

    items, passed, renewing = [], 0, 0
    for r in stack.renewals(s.kb, s.until):
        if r.state == stack.PASSED:  # renewed or lapsed: the registry does not say, and each is a decision
            passed += 1
            when = (f"renewal date passed on {r.renewal:%-d %b %Y}: renewed or lapsed? record the new date "
                    f"(pmops set {r.id} renewal=YYYY-MM-DD) or retire it")  # fmt: skip
        elif r.state == stack.IN_NOTICE:
            renewing += 1
            when = f"notice passed {_day(r.decide_by, s.until)}: renews {r.renewal:%-d %b %Y} as it is"
        elif r.state == stack.UPCOMING and r.notice_days is None and r.days_to_decide <= NOTICE_UNKNOWN_DAYS:
            # never "decide by" the renewal day: the notice may have passed already (as tool renewals says)
            when = f"renews {r.renewal:%-d %b %Y}, {renewals.when(r)}: {renewals.check_notice(r)}"
        elif r.state == stack.UPCOMING and r.days_to_decide <= DUE_SOON_DAYS:
            when = f"decide by {_day(r.decide_by, s.until)} (renews {r.renewal:%-d %b %Y})"
        else:
            continue
        cost = f"; {r.cost:,.0f} {s.kb.config.currency} a year" if r.cost is not None else ""
        seats = f", {r.seats_used:,} of {count(r.seats, 'seat')} used" if r.seats_used is not None and r.seats else ""
        if r.no_active_seats and r.state == stack.IN_NOTICE:  # too late to cancel this renewal
            seats = f", none of its {count(r.seats or 0, 'seat')} used: decide before the next renewal's notice"
        elif r.no_active_seats:  # as tool renewals advises: a cost with nobody to divide it by
            seats = f", none of its {count(r.seats or 0, 'seat')} used: cancel it, or record the seats used"
        elif (
            r.seats and r.seats_used is not None and r.seats_used > r.seats
        ):  # lint's field-invalid: said, not shown as is
            seats = f", {r.seats_used:,} seats used of {r.seats:,} bought: check the counts (pmops lint)"
        owner = f" ({r.owner})" if r.owner else ""
        path = next((t.path for t in s.of("tool") if t.id == r.id), None)
        tone = "bad" if r.state in (stack.IN_NOTICE, stack.PASSED) or r.notice_invalid or r.no_active_seats else ""
        items.append(Item(f"{r.name}{owner}: {when}{cost}{seats}", r.id, path, tone))
    deciding = len(items) - passed - renewing
    parts = [f"{deciding} to decide"] if deciding or not (passed or renewing) else []
    parts += [f"{renewing} renewing as {'it is' if renewing == 1 else 'they are'} (notice passed)"] if renewing else []
    parts += [f"{passed} past {'its' if passed == 1 else 'their'} renewal date"] if passed else []
    summary = ", ".join(parts) if items else "none to decide"
    return _section("tools", "Tool renewals", summary, items)


# What a person did, in the order the digest says it: (key, one, many).
DID = (("insight", "insight captured", "insights captured"), ("decision", "decision", "decisions"),
       ("decision_review", "decision reviewed", "decisions reviewed"),
       ("ranking", "ranking recorded", "rankings recorded"), ("review", "process reviewed", "processes reviewed"),
       ("run", "checklist run started", "checklist runs started"),
       ("tick", "checklist item ticked", "checklist items ticked"),
       ("step", "onboarding step done", "onboarding steps done"),
       ("metric_added", "metric added", "metrics added"), ("metric", "metric updated", "metrics updated"),
       ("tool_added", "tool added", "tools added"), ("tool", "tool updated", "tools updated"),
       ("edit", "document edited", "documents edited"))  # fmt: skip


def _people(s: _Scope) -> Section:
    """Per person, what they did in the window: the documents they made (by their own fields, else who
    committed them), the processes they reviewed and the onboarding steps they ticked (the commit that
    changed the file that day, else the process's owner or the step's), and from the git history the
    checklist items ticked (a commit changing a run), the metrics and tools changed (a metric's values
    or document, a tool's) and the other documents edited."""
    from pmops import onboarding

    roster = {activity.fold(p.title): p for p in people.roster(s.kb)}
    done: dict[str, dict[str, int]] = {}
    events = s.history.between(s.since, s.until)
    counted: set[int] = set()  # the events a line below already says (a review, a step ticked)

    def credit(name: str | None, what: str) -> None:
        if not name:
            return
        person = roster.get(activity.fold(name))
        if s.area is not None and (person is None or not s.in_area(person)):
            return
        shown_name = person.title if person else " ".join(name.split())
        done.setdefault(shown_name, {}).setdefault(what, 0)
        done[shown_name][what] += 1

    on_day: dict[tuple[str, dt.date], list[int]] = {}
    for n, event in enumerate(events):
        on_day.setdefault((event.path, event.day), []).append(n)

    def committer(path: str, day: dt.date) -> str | None:
        """Who changed `path` on `day` (the latest such commit of the window), that change counted."""
        for n in on_day.get((path, day), ()):
            if n not in counted:
                counted.add(n)
                return events[n].author
        return None

    for type_name, what in (("insight", "insight"), ("decision", "decision"), ("ranking", "ranking"),
                            ("checklist", "run")):  # fmt: skip
        for r in s.of(type_name):
            taken_on = outcomes.decided_on(r) if type_name == "decision" and outcomes.taken(r) else None
            if s.inside(taken_on if isinstance(taken_on, dt.date) else activity.day_of(r, s.history)):
                for name in activity.authors_of(r, s.history):
                    credit(name, what)
    for r in s.of("decision"):  # its verdicts recorded (pmops decision review: `reviewed`), by who committed them
        day = r.values.get("reviewed")
        if isinstance(day, dt.date) and s.inside(day):
            credit(committer(r.path, day), "decision_review")
    for r in shown(s.of("process")):
        day = r.values.get("last_reviewed")
        if s.inside(day) and day != r.values.get("date"):  # written that day is no review
            credit(committer(r.path, day) or r.values.get("owner"), "review")
    for plan in s.of("onboarding"):
        for step in onboarding.steps(plan.doc.body):
            if step.done_on is not None and s.inside(step.done_on):
                credit(committer(plan.path, step.done_on) or step.owner, "step")
    kinds = {t.folder: t.name for t in s.kb.registry.values()}
    changed: dict[str, dict[str, set[str]]] = {"metric": {}, "tool": {}, "edit": {}}  # what -> who -> files
    added: set[tuple[str, str]] = set()  # (who, file) added in the window (git's A): "added", not "updated"
    for n, event in enumerate(events):
        kind = kinds.get(event.path.split("/", 1)[0]) if "/" in event.path else None
        if n in counted or event.action == "removed" or (event.path.endswith(".csv") and kind != "metric"):
            continue
        if kind in ("metric", "tool"):  # a metric's values (its .csv) or its document; a tool's
            changed[kind].setdefault(event.author, set()).add(event.path.rsplit(".", 1)[0])
            if event.action == "added":
                added.add((event.author, event.path.rsplit(".", 1)[0]))
        elif kind == "checklist" and event.action == "changed":
            credit(event.author, "tick")  # pmops checklist tick: one commit an item
        elif event.action == "changed":
            changed["edit"].setdefault(event.author, set()).add(event.path)
    for what, by in changed.items():
        for name, paths in by.items():
            for path in paths:
                credit(name, f"{what}_added" if (name, path) in added else what)
    items = []
    for name, what in sorted(done.items(), key=lambda kv: (-sum(kv[1].values()), kv[0].casefold())):
        said = ", ".join(count(what[key], one, many) for key, one, many in DID if what.get(key))
        items.append(Item(f"{name}: {said}", counts={key: what[key] for key, _, _ in DID if what.get(key)}))
    quiet = sorted(p.title for p in people.team(s.kb, s.until, people.PM)
                   if p.title not in done and s.in_area(p) and _settled(p, s))  # fmt: skip
    if quiet and s.days >= QUIET_DAYS:  # every name: the one hidden behind '… 1 more' is the one to ask about
        items.append(Item(f"Nothing from {count(len(quiet), 'PM')}: {', '.join(quiet)}"))
    active = f"{count(len(done), 'person', 'people')} active" if done else "nobody active"
    return _section("people", "Who did what", active, items, 12)


def _settled(person: Record, s: _Scope) -> bool:
    """A PM the digest may say did nothing: on the roster all the window, or for a week of it at least
    (counted from their start: a PM in their first week is not named)."""
    start = person.values.get("start")
    return not isinstance(start, dt.date) or start <= s.since or (s.until - start).days >= NEW_PM_DAYS


# -- the digest -----------------------------------------------------------------------------------


def build(kb: KnowledgeBase, since: str | None = None, today: dt.date | None = None, area: str | None = None) -> Digest:
    """The digest from the day `since` names (a date, `last`, or none: the last week) to `today`,
    of one area when given (people, insights, decisions, metrics and plans of that area)."""
    today = today or dt.date.today()
    # Every section reads the documents it needs; each is parsed once, and kept for the next digest.
    kb.keep_records()
    with kb.records_kept(kb.state_dir):
        area = _area(kb, area)
        start, said = window(kb, since, today, area)
        history = _in_background(lambda: activity.history(kb, start - dt.timedelta(days=1)))  # git works meanwhile
        by_type: dict[str, list[Record]] = {}
        skipped: list[str] = []
        for record in shown(_records(kb, start - (today - start) - dt.timedelta(days=1), skipped)):
            by_type.setdefault(record.type, []).append(record)
        found = history()
        # An insight whose id's day is older than its date (a file copied and edited by hand) is read when
        # the window's history changed it: the digest never disagrees with process check about it.
        touched = {e.path for e in found.events if e.action != "removed"}
        for record in shown(_loaded(kb, [kb.root / path for path in skipped if path in touched])):
            by_type.setdefault(record.type, []).append(record)
        scope = _Scope(kb, start, today, area, found, by_type)
        sections = [_expectations(scope), _decisions(scope), _research(scope), _metrics(scope), _processes(scope),
                    _onboarding(scope), _tools(scope), _people(scope)]  # fmt: skip
    if area is not None:  # what belongs to no area is the whole team's
        sections = [replace(x, title=x.title + " (whole team)") if x.key in TEAM_WIDE else x for x in sections]
    loud = tuple(x for x in sections if x.items)
    quiet = tuple(x.title for x in sections if not x.items)
    headline = "; ".join(f"{x.title}: {x.summary}" for x in loud if x.key != "people")
    note = (f"No git history ({found.missing}): what is counted from it (metrics, tools and documents updated, "
            "checklist items ticked, who added a document that names no author) is missing"
            if found.missing else None)  # fmt: skip
    return Digest(kb.config.name, start, today, area, said, headline, loud, quiet, note)


def _in_background(work: Callable[[], T]) -> Callable[[], T]:
    """Start `work` in a thread (the git log: a process of its own, while Python reads the documents);
    the function returned waits for its result, or raises what it raised."""
    import threading

    done: list[Any] = []

    def run() -> None:
        try:
            done.append((True, work()))
        except BaseException as exc:
            done.append((False, exc))

    thread = threading.Thread(target=run, name="pmops-digest-history", daemon=True)
    thread.start()

    def result() -> T:
        thread.join()
        ok, value = done[0]
        if not ok:
            raise value
        return value

    return result


def _records(kb: KnowledgeBase, since: dt.date, skipped: list[str] | None = None) -> Iterator[Record]:
    """Every readable document, but the insights captured before `since`: an insight's id holds the day
    it was captured (ins-YYMMDD-…), never before the day it was heard, so none of them was heard since
    (the digest's window and the one before it, which its themes compare with). Reading a large KB's
    years of insights is most of a digest's time otherwise. `skipped`: their paths, for those the
    window's history changed (a file copied by hand keeps the id it was copied from) to be read after all."""
    import re

    insight = kb.doctype("insight")
    old = re.compile(rf"^{re.escape(insight.folder)}/{re.escape(insight.prefix)}-(\d\d)(\d\d)(\d\d)-[^/]*$")

    def wanted(rel: str) -> bool:
        if m := old.match(rel):
            with contextlib.suppress(ValueError):
                if dt.date(2000 + int(m[1]), int(m[2]), int(m[3])) >= since:
                    return True
                if skipped is not None:
                    skipped.append(rel)
                return False
        return True

    yield from _loaded(kb, kb.listing(where=wanted))


def _loaded(kb: KnowledgeBase, paths: Iterable[Any]) -> Iterator[Record]:
    """The documents of `paths` that can be read (one that cannot is lint's to say)."""
    from pmops.errors import DocumentError

    for path in paths:
        try:
            yield kb.load(path)
        except DocumentError:
            continue


def _area(kb: KnowledgeBase, area: str | None) -> str | None:
    """--area as the KB spells it: one of the insight type's area choices when the KB narrows them,
    else an area some document has (any case); else exit 2 (with the nearest, for the latter)."""
    if area is None:
        return None
    from pmops.text import did_you_mean, either

    area = area.strip()
    fld = kb.doctype("insight").field("area")
    if fld is not None and fld.choices:  # said as every unknown choice is: the choices, and the nearest
        match = next((c for c in fld.choices if c.casefold() == area.casefold()), None)
        if match is None:
            raise InvalidInput(f"--area must be {either(fld.choices)}, e.g. --area {fld.choices[0]}",
                               hint=did_you_mean(area, fld.choices))  # fmt: skip
        return match
    known = sorted({str(r.values["area"]) for r in kb.records() if r.values.get("area")}, key=str.casefold)
    match = next((k for k in known if k.casefold() == area.casefold()), None)
    if match is None:
        hint = did_you_mean(area, known) or ("the areas in use: " + ", ".join(known[:10]) if known else None)
        raise InvalidInput(f"--area: no document has the area '{area}'", hint=hint)
    return match


# -- as text ------------------------------------------------------------------------------------

WIDTH = 76  # markdown lines: short enough for an email client and a chat window


def _wrapped(text: str, first: str = "", rest: str = "") -> list[str]:
    import textwrap

    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_long_words=False,
                         break_on_hyphens=False) or [first.rstrip()]  # fmt: skip


# The commands the digest tells its reader to run: `pmops set tol-… notice_days=N` ends before a bracket,
# a semicolon or a comma closing it; `pmops lint` takes options alone (the words after it are prose).
_COMMAND = re.compile(r"\bpmops (?:(?:set|decision review|metric record)\b(?: [^\s();,`]+)*|lint\b(?: --[^\s();,`]+)*)")
_KEPT_SPACE = "\x00"  # a space inside a command, where no line may break


def _with_commands(text: str) -> str:
    """An item's text as markdown: the commands in it in backticks, as they are typed (a title's `_` escaped
    outside them: `notice\\_days` pasted into a plain-text email or chat is a command that fails), each on
    one line; the rest as written (markdown_literal)."""
    out, at = [], 0
    for m in _COMMAND.finditer(text):
        out += [markdown_literal(text[at : m.start()]), f"`{m[0].replace(' ', _KEPT_SPACE)}`"]
        at = m.end()
    return "".join([*out, markdown_literal(text[at:])])


def title(found: Digest) -> str:
    span = f"{_day(found.since, found.until)} to {found.until:%-d %b %Y}"
    return f"{found.kb} — digest, {span}" + (f" ({found.area})" if found.area else "")


def opening(found: Digest) -> str:
    """Where the window comes from, with its length unless that says it: 'Since 2026-11-02 (31 days)',
    'The last 30 days'."""
    days = count(found.days, "day")
    said = found.since_from[:1].upper() + found.since_from[1:]  # capitalize() would lower "Feb"
    return said + ("" if found.since_from.endswith(f"the last {days}") else f" ({days})")


def markdown(found: Digest) -> str:
    """Markdown that pastes into an email or a chat: headings, bullets, no tables, lines of at most WIDTH."""
    short = [x for x in found.sections if x.key != "people"]
    said = " In short:" if short else "" if found.sections else " Nothing to report."
    out = [f"# {title(found)}", ""]
    out += [*_wrapped(f"{found.note}."), ""] if found.note else []
    out += [f"{opening(found)}.{said}"]
    if short:
        out.append("")
    for section in short:
        out += _wrapped(f"{section.title}: {section.summary}.", "- ", "  ")
    for section in found.sections:
        out += ["", f"## {section.title}", ""]
        for item in section.items:
            ref = f" ({item.id})" if item.id and item.id not in item.text else ""
            out += [line.replace(_KEPT_SPACE, " ") for line in _wrapped(_with_commands(item.text) + ref, "- ", "  ")]
        if section.more:
            named = ", ".join(
                f"{item.short} ({item.id})" if item.short else item.id for item in section.rest if item.id
            )
            out += _wrapped(f"… and {section.more} more" + (f": {named}" if named else ""), "- ", "  ")
    if found.quiet and found.sections:
        out += ["", *_wrapped(f"Nothing to report: {', '.join(found.quiet)}.")]
    out += ["", f"_pmops digest of {found.kb}, {found.until}._"]
    return "\n".join(out) + "\n"


def html(found: Digest, kb: KnowledgeBase) -> str:
    """One self-contained page, styled as the report; ids link to their files, relative to the KB's root."""
    from pmops import templates

    return templates.render_html("digest.html.j2", kb.root, digest=found, title=title(found), opening=opening(found),
                                 short=[x for x in found.sections if x.key != "people"])  # fmt: skip
