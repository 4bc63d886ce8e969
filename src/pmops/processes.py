"""Process health: review dates (stale processes) and cadences (what runs this week)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmops.errors import InvalidInput

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase
    from pmops.kb.records import Record

DEFAULT_REVIEW_DAYS = 90


def review_due(record: Record) -> dt.date | None:
    """The day a process should next be reviewed: last review + its review interval."""
    last = record.values.get("last_reviewed") or record.values.get("date")
    if not isinstance(last, dt.date):
        return None
    days = record.values.get("review_every_days") or DEFAULT_REVIEW_DAYS
    return last + dt.timedelta(days=days)


def is_stale(record: Record, today: dt.date) -> bool:
    """Active or draft, and past its review date."""
    due = review_due(record)
    return record.values.get("status") not in ("retired", "archived") and due is not None and due < today


def _monthly(start: dt.date, year: int, month: int) -> dt.date:
    """The day in (year, month) matching the start's day of month (the 31st → the month's last day)."""
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def runs_this_week(record: Record, today: dt.date) -> bool:
    """Whether an active process's cadence, counted from its `date`, falls in today's week (Mon–Sun)."""
    if record.values.get("status") != "active":
        return False
    cadence = record.values.get("cadence")
    start = record.values.get("date") or record.values.get("last_reviewed")
    if not isinstance(start, dt.date):
        return False
    monday = today - dt.timedelta(days=today.weekday())
    sunday = monday + dt.timedelta(days=6)
    if cadence == "weekly":
        return start <= sunday
    if cadence == "biweekly":
        start_monday = start - dt.timedelta(days=start.weekday())
        weeks = (monday - start_monday).days // 7
        return weeks >= 0 and weeks % 2 == 0
    if cadence in ("monthly", "quarterly"):
        step = 1 if cadence == "monthly" else 3
        for day in {monday, sunday}:  # a week spans at most two months
            if (day.month - start.month) % step == 0:
                when = _monthly(start, day.year, day.month)
                if monday <= when <= sunday and when >= start:
                    return True
        return False
    return False  # per-launch, ad-hoc: run when needed, never "due"


@dataclass
class Health:
    record: object  # kb.Record
    review_due: str | None
    stale: bool
    due: bool

    @property
    def health(self) -> str:
        if self.record.values.get("status") in ("retired", "archived"):
            return str(self.record.values["status"])
        if self.stale:
            return f"stale since {self.review_due}"
        return "runs this week" if self.due else "ok"


def listing(
    kb: KnowledgeBase,
    today: dt.date,
    *,
    stale: bool = False,
    due: bool = False,
    tag: str | None = None,
    archived: bool | None = False,
) -> list[Health]:
    """Every process with its health; `stale` / `due` / `tag` keep only those; archived ones as Catalog.select says."""
    rows = []
    where = {"tags": tag} if tag is not None else None  # given empty: exit 2, as Catalog.select says
    for record in kb.select(kb.doctype("process"), where, date_field="last_reviewed", archived=archived):
        when = review_due(record)
        row = Health(record, when.isoformat() if when else None, is_stale(record, today), runs_this_week(record, today))
        if (stale and not row.stale) or (due and not row.due):
            continue
        rows.append(row)
    return sorted(rows, key=lambda r: (not r.stale, not r.due, r.record.title.casefold()))


def review(
    kb: KnowledgeBase, ref: str, today: dt.date, *, commit: bool | None = None
) -> tuple[Record, str | None, bool]:
    """Stamp `last_reviewed` and commit; returns the record, the commit, and whether it was reviewed
    that day already (then nothing is written)."""
    record = kb.find(ref, "process")
    if record.values.get("last_reviewed") == today:
        return record, None, True
    made, last = record.values.get("date"), record.values.get("last_reviewed")
    if isinstance(made, dt.date) and today < made:
        raise InvalidInput(f"--today: {today} is before {record.id} was written ({made}): it cannot be reviewed then")
    if isinstance(last, dt.date) and today < last:
        raise InvalidInput(f"--today: {today} is before its last review ({last}): a review never moves back")
    sha = kb.update(
        record, {"last_reviewed": today}, f'pmops: review process {record.id} "{record.title}"', commit=commit
    )
    return record, sha, False
