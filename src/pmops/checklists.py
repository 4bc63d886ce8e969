"""Checklist runs: a launch checklist copied from a process, then ticked item by item."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmops import bodies
from pmops.bodies import Checkbox
from pmops.errors import InvalidInput, PmopsError
from pmops.text import shortened

if TYPE_CHECKING:
    from pmops.kb import Created, KnowledgeBase, Record


def section_items(body: str, heading: str = "Checklist") -> list[Checkbox]:
    """The checkbox items under `## heading` (the whole body when there is no such heading)."""
    under = bodies.section(body, heading)
    return bodies.checkboxes(body if under is None else under)


def start(
    kb: KnowledgeBase, process_ref: str, run_for: str, today: dt.date | None = None, *, commit: bool | None = None
) -> Created:
    """A new run of a process's checklist, for one launch; later edits of the process don't change it."""
    process = kb.find(process_ref, "process")
    run_for = " ".join(run_for.split())
    if not run_for:
        raise InvalidInput("--for must name the launch")
    todo = section_items(process.doc.body)
    if not todo:
        raise PmopsError(
            f"{process.id}: has no checklist items ('- [ ] …' under '## Checklist')",
            hint="start runs from a launch-checklist process, or add a Checklist section",
        )
    lines = "\n".join(f"- [ ] {item.text}" for item in todo)
    values = {"title": f"{process.title} — {run_for}", "process": process.id, "for": run_for}
    return kb.create(
        "checklist", values, today=today, commit=commit, extra_context={"items": lines, "run_for": run_for}
    )


@dataclass
class Ticked:
    item: Checkbox
    finished: bool
    already: bool = False
    commit: str | None = None
    run: Record | None = None  # the run ticked


def tick(
    kb: KnowledgeBase, run_ref: str, ref: str, today: dt.date | None = None, *, commit: bool | None = None
) -> Ticked:
    """Tick one item of a run and commit; the last one marks the run done."""
    run = find_run(kb, run_ref)
    run_items = bodies.checkboxes(run.doc.body)
    item = bodies.pick(run_items, ref)
    if item.done:
        return Ticked(item, all(i.done for i in run_items), already=True, run=run)
    finished = all(i.done or i is item for i in run_items)
    changes = {"status": "done", "completed": today or dt.date.today()} if finished else {}
    message = f'pmops: tick {run.id} item {item.number} "{shortened(item.text)}"'
    sha = kb.update(run, changes, message, body=bodies.tick(run.doc.body, item), commit=commit)
    return Ticked(item, finished, commit=sha, run=run)


@dataclass
class RunStatus:
    record: Record
    done: int
    total: int
    open_items: list[Checkbox]


def find_run(kb: KnowledgeBase, ref: str) -> Record:
    return kb.find(ref, "checklist")


def status(record: Record) -> RunStatus:
    run_items = bodies.checkboxes(record.doc.body)
    return RunStatus(record, sum(i.done for i in run_items), len(run_items), [i for i in run_items if not i.done])


def statuses(kb: KnowledgeBase, ref: str | None = None, *, archived: bool | None = False) -> list[RunStatus]:
    """One run's status, or every run's (newest first; archived ones as Catalog.select says)."""
    if ref is not None:
        return [status(find_run(kb, ref))]
    return [status(r) for r in kb.select(kb.doctype("checklist"), date_field="started", archived=archived)]
