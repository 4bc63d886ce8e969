"""The decision log: decisions with their evidence, and their lifecycle (proposed → accepted → superseded)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pmops import customers
from pmops.errors import InvalidInput, PmopsError
from pmops.kb.transaction import Change

if TYPE_CHECKING:
    from pmops import activity
    from pmops.doctypes import DocType
    from pmops.kb import KnowledgeBase, Record


def adr_sections(context: str | None = None, options: list[str] = (), consequences: str | None = None) -> dict:  # type: ignore[assignment]
    """The decision template's sections from a command line: text kept as given, but a heading in it
    (`## Fake`) is made a sub-heading (`### Fake`), so it never starts a section of the ADR; an option's
    own number or bullet (`1. A`) is left to the template's numbering; empty ones are left to the
    template's prompts; refused (exit 2) with a NUL or an empty --option. `context_list`: the context
    ends with a list, so the evidence listed after it is introduced, not merged into that list;
    `context_headed`: the context has sub-headings of its own, so the evidence gets its own
    (`### Evidence`), not read as part of the last one (`### Risks`)."""
    for name, text in (("--context", context), ("--consequences", consequences), *(("--option", o) for o in options)):
        if text is not None and "\0" in text:
            raise InvalidInput(f"{name}: contains a NUL character")
    listed = [_LIST_MARK.sub("", " ".join(o.split()), count=1) for o in options]
    if any(not o.strip() for o in listed):
        raise InvalidInput("--option: an option is empty")
    said = _subheadings((context or "").strip())
    last = said.splitlines()[-1] if said else ""
    return {"context": said, "options": listed, "consequences": _subheadings((consequences or "").strip()),
            "context_list": bool(_LIST_MARK.match(last.lstrip())),
            "context_headed": bool(_SUBHEADING.search(said))}  # fmt: skip


_LIST_MARK = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+")
_SUBHEADING = re.compile(r"(?m)^ {0,3}#{3,6}(?:\s|$)")


def _subheadings(text: str) -> str:
    """`# A` and `## A` lines made `### A`: a section's text never starts another section."""
    return re.sub(r"(?m)^ {0,3}#{1,2}(?=\s)", "###", text)


def find_decision(kb: KnowledgeBase, ref: str) -> Record:
    return kb.find(ref, "decision")


TRANSITIONS = {"accepted": ("proposed",), "rejected": ("proposed",)}
PROPOSED_DAYS = 30  # a decision proposed for longer waits on someone (lint: decision-proposed-stale)


def waiting(record: Record, today: dt.date) -> int | None:
    """Days a draft decision (proposed: DocType.drafts) has waited since its date, once more than
    PROPOSED_DAYS; None otherwise."""
    when = record.values.get("date")
    if record.values.get("status") not in record.doctype.drafts or not isinstance(when, dt.date):
        return None
    days = (today - when).days
    return days if days > PROPOSED_DAYS else None


def set_status(
    kb: KnowledgeBase,
    ref: str,
    status: str,
    *,
    commit: bool | None = None,
    review_by: str | None = None,
    today: dt.date | None = None,
) -> tuple[Record, str | None, bool]:
    """accept / reject a proposed decision, and commit: (the decision, the commit, whether it was
    already so: then nothing is written). Accepting one whose expectations' review date is not after
    today is refused (exit 2) unless `review_by` gives a new one: judged from the day it is accepted,
    they could never be judged."""
    from pmops import dates

    record = find_decision(kb, ref)
    current = record.values.get("status")
    if review_by is not None and status != "accepted":
        raise InvalidInput("--review-by goes with decision accept")
    if current == status:
        return record, None, True
    if current not in TRANSITIONS[status]:
        raise PmopsError(f"{record.id} is {current}; only a proposed decision can be {status}")
    today = today or dt.date.today()
    proposed = record.values.get("date")
    if status == "accepted" and isinstance(proposed, dt.date) and today < proposed:
        raise InvalidInput(f"--today: {today} is before the decision's date ({proposed}): it was accepted on or after it",
                           hint=f"e.g. pmops decision accept {record.id} --today {proposed}")  # fmt: skip
    # The day it was accepted: what its expectations are judged from (it was proposed on its date).
    fields: dict = {"status": status, **({"accepted": today} if status == "accepted" else {})}
    if review_by is not None:
        try:
            by = dates.parse(review_by)
        except ValueError as exc:
            raise InvalidInput(f"--review-by: {exc}") from None
        if by <= today:
            raise InvalidInput(f"--review-by: {by} is not after today ({today}), the day it is accepted")
        fields["review_date"] = by
    elif status == "accepted" and record.values.get("expects"):
        by = record.values.get("review_date")
        if isinstance(by, dt.date) and by <= today:
            raise InvalidInput(
                f"{record.id}: its review date ({by}) is not after today: accepted today, its expectations "
                "could never be judged",
                hint=f"give a new one: pmops decision accept {record.id} --review-by YYYY-MM-DD",
            )
    sha = kb.update(record, fields, f'pmops: {status[:-2]} decision {record.id} "{record.title}"', commit=commit)
    return record, sha, False


def supersede(
    kb: KnowledgeBase, old_ref: str, new_ref: str, *, commit: bool | None = None
) -> tuple[Record, Record, str | None, bool]:
    """NEW replaces OLD: both documents change, in one commit. (OLD, NEW, the commit, whether OLD
    was already superseded by NEW: then nothing is written.)"""
    old, new = find_decision(kb, old_ref), find_decision(kb, new_ref)
    if old.path == new.path:
        raise InvalidInput("a decision cannot supersede itself")
    if old.values.get("status") == "superseded" and new.id in (old.values.get("superseded_by") or []):
        return old, new, None, True
    old_doc = old.doc.with_fields(
        {"status": "superseded", "superseded_by": [*(old.values.get("superseded_by") or []), new.id]}
    )
    new_doc = new.doc.with_fields({"supersedes": [*(new.values.get("supersedes") or []), old.id]})
    message = f'pmops: {new.id} supersedes {old.id} "{old.title}"'
    changes = [Change(kb.root / old.path, old.doc, old_doc), Change(kb.root / new.path, new.doc, new_doc)]
    sha = kb.write(changes, message, commit=commit)
    return old, new, sha, False


CLOSED = ("rejected", "superseded", "deprecated")  # the team said no to it, or it no longer holds
_STATUS_LINE = re.compile(r"(?m)^status:[ \t]*['\"]?([A-Za-z-]+)")


def closed_on(
    kb: KnowledgeBase,
    record: Record,
    history: activity.History,
    since: dt.date,
    *,
    events: list[activity.Event] | None = None,
    decisions: dict[str, Record] | None = None,
) -> dt.date | None:
    """The day a decision was rejected, superseded or deprecated, when that was from `since` on; else None.

    From the git history read (`history`, from `since` at least): the newest commit changing its file
    whose previous version had another status (`decision reject`, `decision supersede`, `pmops set
    ID status=deprecated`, or a hand edit). A decision added with that status (a KB copied or imported in one
    commit), or without git: a rejected one's date, a superseded one's the day the decision replacing
    it was taken; a deprecated one has no other day to say. `events`: the history's events of its file
    (newest first), and `decisions`: the KB's decisions by id, when the caller has them (a digest asks
    this of every decision)."""
    status = record.values.get("status")
    if status not in CLOSED:
        return None
    prefix = _repo_prefix(kb)
    mine = [e for e in (history.events if events is None else events) if e.path == record.path and e.day >= since]
    for event in mine:  # newest first
        if event.action != "changed" or kb.repo is None:
            break
        code, text, _ = kb.repo.run("show", f"{event.sha}^:{prefix}{record.path}", check=False)
        before = _STATUS_LINE.search(text.split("\n---", 1)[0]) if code == 0 else None
        if before is None:  # renamed there, or unreadable: the dates below say it
            break
        if before[1] != status:
            return event.day
    else:
        if mine:
            return None  # changed in the window, but it had that status before
    return _closed_by_dates(kb, record, decisions)


def _closed_by_dates(kb: KnowledgeBase, record: Record, decisions: dict[str, Record] | None) -> dt.date | None:
    from pmops import outcomes

    if record.values.get("status") == "rejected":
        day = record.values.get("date")
        return day if isinstance(day, dt.date) else None
    if record.values.get("status") == "superseded":
        days = []
        for ref in record.values.get("superseded_by") or []:
            try:
                other = decisions[str(ref)] if decisions is not None else kb.find(str(ref), "decision")
            except (KeyError, PmopsError):
                continue
            if isinstance(day := outcomes.decided_on(other), dt.date) and outcomes.taken(other):
                days.append(day)
        return min(days, default=None)
    return None


def _repo_prefix(kb: KnowledgeBase) -> str:
    """The KB's folder in its repository, as git names paths ('' at the top)."""
    import os

    if kb.repo is None:
        return ""
    rel = os.path.relpath(kb.root, kb.repo.root).replace(os.sep, "/")
    return "" if rel == "." else rel + "/"


@dataclass
class Evidence:
    """A decision's evidence, with what makes it strong or weak."""

    insights: list = field(default_factory=list)  # kb.Record
    missing: list[str] = field(default_factory=list)
    customers: int = 0
    segments: list[str] = field(default_factory=list)
    newest: dt.date | None = None
    oldest: dt.date | None = None

    def to_json(self) -> dict:
        return {
            "insights": [
                {k: r.to_json().get(k) for k in ("id", "title", "source", "segment", "customer", "date", "path")}
                for r in self.insights
            ],
            "missing": self.missing,
            "count": len(self.insights),
            "customers": self.customers,
            "segments": self.segments,
            "newest": self.newest.isoformat() if self.newest else None,
            "oldest": self.oldest.isoformat() if self.oldest else None,
        }


def evidence(kb: KnowledgeBase, record: Record) -> Evidence:
    """What the documents a record cites as evidence (its fields with `evidence`) add up to."""
    found = Evidence()
    cited = [ref for f in record.doctype.fields if f.evidence for ref in record.values.get(f.name) or []]
    for ref in cited:
        try:
            found.insights.append(kb.find(ref))
        except PmopsError:
            found.missing.append(ref)
    found.customers = len({k for r in found.insights if (k := customers.key(r.values.get("customer")))})
    found.segments = sorted({r.values["segment"] for r in found.insights if r.values.get("segment")})
    dates = [r.values["date"] for r in found.insights if isinstance(r.values.get("date"), dt.date)]
    found.newest, found.oldest = (max(dates), min(dates)) if dates else (None, None)
    return found


def evidence_of(kb: KnowledgeBase, record: Record) -> Evidence | None:
    """A record's evidence when its type cites some (a decision's insights; None for a type that
    cites none): what `pmops show` adds to a document."""
    return evidence(kb, record) if cites_evidence(record.doctype) else None


def cites_evidence(doctype: DocType) -> bool:
    """Whether documents of a type cite evidence (a field with `evidence` in the registry)."""
    return any(f.evidence for f in doctype.fields)
