"""Checklist runs: a launch checklist copied from a process, then ticked item by item."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pmops.errors import InvalidInput, NotFound, PmopsError

# `- [ ] text` / `- [x] text` (also `*` and `+` bullets, `X`).
_ITEM = re.compile(r"^(?P<lead>[ \t]*[-*+] \[)(?P<mark>[ xX])(?P<close>\][ \t]+)(?P<text>\S.*?)[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")


@dataclass
class Item:
    number: int  # 1-based, in document order
    line: int  # 0-based line index in the body
    done: bool
    text: str


def items(body: str) -> list[Item]:
    """Every checkbox item of a body, outside code fences."""
    found: list[Item] = []
    fenced = False
    for index, line in enumerate(body.splitlines()):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else _ITEM.match(line)
        if match:
            found.append(Item(len(found) + 1, index, match["mark"] != " ", match["text"]))
    return found


def section_items(body: str, heading: str = "Checklist") -> list[Item]:
    """The checkbox items under `## heading` (the whole body when there is no such heading)."""
    lines = body.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(rf"^#{{2,6}}\s+{re.escape(heading)}\s*$", line, re.I)), None)
    if start is None:
        return items(body)
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^#{1,6}\s", lines[i])), len(lines))
    return items("\n".join(lines[start + 1 : end]))


def start(kb, process_ref: str, run_for: str, today: dt.date | None = None, *, commit: bool | None = None):  # noqa: ANN001, ANN201 - kb.Created
    """A new run of a process's checklist, for one launch; later edits of the process don't change it."""
    process = kb.find_as(process_ref, "process")
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
    return kb.create("checklist", values, today=today, commit=commit, extra_context={"items": lines, "run_for": run_for})


def _pick(run_items: list[Item], ref: str) -> Item:
    ref = ref.strip()
    if ref.isdigit():
        chosen = [i for i in run_items if i.number == int(ref)]
    else:
        exact = [i for i in run_items if i.text.casefold() == ref.casefold()]
        chosen = exact or [i for i in run_items if ref.casefold() in i.text.casefold()]
    if len(chosen) == 1:
        return chosen[0]
    open_items = "; ".join(f"{i.number}. {i.text}" for i in run_items if not i.done) or "none"
    what = "no item matches" if not chosen else f"{len(chosen)} items match"
    raise NotFound(f"{what} '{ref}'; open items: {open_items}", hint="give the item's number or more of its text")


@dataclass
class Ticked:
    item: Item
    finished: bool
    already: bool = False
    commit: str | None = None


def tick(kb, run_ref: str, ref: str, today: dt.date | None = None, *, commit: bool | None = None) -> Ticked:  # noqa: ANN001
    """Tick one item of a run and commit; the last one marks the run done."""
    run = find_run(kb, run_ref)
    run_items = items(run.doc.body)
    item = _pick(run_items, ref)
    if item.done:
        return Ticked(item, all(i.done for i in run_items), already=True)
    lines = run.doc.body.splitlines(keepends=True)
    line = lines[item.line]
    mark = _ITEM.match(line.rstrip("\r\n")).start("mark")  # only the box's one character changes
    lines[item.line] = line[:mark] + "x" + line[mark + 1 :]
    finished = all(i.done or i is item for i in run_items)
    changes = {"status": "done", "completed": today or dt.date.today()} if finished else {}
    sha = kb.update(run, changes, f'pmops: tick {run.id} item {item.number} "{item.text[:60]}"', body="".join(lines), commit=commit)
    return Ticked(item, finished, commit=sha)


@dataclass
class RunStatus:
    record: object  # kb.Record
    done: int
    total: int
    open_items: list[Item]


def find_run(kb, ref: str):  # noqa: ANN001, ANN201 - kb.Record
    return kb.find_as(ref, "checklist")


def status(record) -> RunStatus:  # noqa: ANN001
    run_items = items(record.doc.body)
    return RunStatus(record, sum(i.done for i in run_items), len(run_items), [i for i in run_items if not i.done])


def statuses(kb, ref: str | None = None) -> list[RunStatus]:  # noqa: ANN001
    """One run's status, or every run's (newest first)."""
    if ref is not None:
        return [status(find_run(kb, ref))]
    return [status(r) for r in kb.select(kb.doctype("checklist"), date_field="started")]
