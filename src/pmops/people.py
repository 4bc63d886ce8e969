"""People: the roster (people/), who is in the team on a day, joining and leaving, and where a person
is named (what they own, decided, manage). Every count of PMs and owners reads it from here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pmops import dates, lifecycle, links
from pmops.errors import Ambiguous, Conflict, InvalidInput, NotFound, not_a_choice
from pmops.kb.roster import LEFT, check_named, end, has_left, left_on, roster
from pmops.kb.roster import fold as _fold
from pmops.kb.roster import named_in as roster_named_in
from pmops.kb.roster import status as _status

if TYPE_CHECKING:
    from pmops.kb import Created, KnowledgeBase, Record
    from pmops.lifecycle import Outcome

PM = "pm"
PRODUCT_OPS = "product-ops"
__all__ = ["LEFT", "check_named", "end", "has_left", "left_on", "roster"]  # the roster's answers, from kb.roster


# -- one person's dates ---------------------------------------------------------------------


def role_of(person: Record) -> str:
    """The person's role as written, any case ('PM' is a PM even where lint asks for 'pm')."""
    return str(person.values.get("role") or person.doc.meta.get("role") or "").strip().casefold()


def started(person: Record, day: dt.date) -> bool:
    """Started by `day`; no start date counts as started."""
    return not dates.after(person.values.get("start"), day)


def present(person: Record, day: dt.date) -> bool:
    """In the team on `day`: started, and not gone."""
    return started(person, day) and not has_left(person, day)


def during(person: Record, since: dt.date, until: dt.date) -> bool:
    """In the team on some day from `since` to `until` (both included)."""
    last = end(person)
    if last is None and _status(person) == LEFT:
        return False  # gone on a day nobody wrote down: in no period pmops can tell
    return started(person, until) and (last is None or last >= since)


# -- the roster -------------------------------------------------------------------------------


def team(kb: KnowledgeBase, day: dt.date, wanted: str | None = None) -> list[Record]:
    """The people present on `day` (of one role when `wanted` is given)."""
    return [p for p in roster(kb) if present(p, day) and (wanted is None or role_of(p) == wanted)]


def pms(kb: KnowledgeBase, day: dt.date) -> list[Record]:
    """The PMs on the roster on `day`."""
    return team(kb, day, PM)


def find(kb: KnowledgeBase, ref: str) -> Record:
    """A person by exact name (any case), id or unique id prefix (KnowledgeBase.find, the one
    resolver), else by a piece of one name only, from the start of a word ('Ana', 'souza')."""
    try:
        return kb.find(ref, "person")
    except NotFound as exc:
        found = None if isinstance(exc, Ambiguous) else by_piece(kb, ref)
        if found is None:
            raise
        return found


def by_piece(kb: KnowledgeBase, ref: str) -> Record | None:
    """The one person on the roster whose name has `ref` from the start of a word (any case); None
    when nobody's has; Ambiguous (exit 1, listing them) when several names have it."""
    wanted = _fold(ref)
    if not wanted:
        return None
    found = [p for p in roster(kb) if _fold(p.title).startswith(wanted) or f" {wanted}" in _fold(p.title)]
    if len(found) > 1:
        raise Ambiguous(ref, [f'{p.id} "{p.title}"' for p in found], "person", hint="give more of the name")
    return found[0] if found else None


def on_roster(kb: KnowledgeBase, names: list[str]) -> dict[str, Record | None]:
    """Each name (an insight's author, git's user.name by default) as the roster has it: the person of
    that name (any case and spacing), or whose `email` (a KB's own field) the name holds; None when no
    one on the roster is."""
    people = roster(kb)
    by_name = {_fold(p.title): p for p in people}
    by_email = {_fold(p.doc.meta.get("email")): p for p in people if p.doc.meta.get("email")}
    found: dict[str, Record | None] = {}
    for name in names:
        folded = _fold(name)
        found[name] = by_name.get(folded) or next((p for e, p in by_email.items() if e and e in folded), None)
    return found


# -- joining and leaving ------------------------------------------------------------------------


def add(
    kb: KnowledgeBase,
    values: dict[str, Any],
    body: str | None = None,
    *,
    new_tags: bool = False,
    commit: bool | None = None,
    today: dt.date | None = None,
) -> Created:
    """A new person through the one create path (role checked, the name unique, their manager on
    the roster: kb.roster)."""
    today = today or dt.date.today()
    values = dict(values)
    values["name"] = " ".join(str(values.get("name") or "").split())  # as onboard new-pm writes a name
    if values.get("end"):
        raise InvalidInput("end: a new person has not left", hint="pmops person leave NAME --date D, once they do")
    name = values["name"]
    try:  # 'theo' beside Theo Park: the name others name him by (person show theo); said, as it may be him
        within = [by_piece(kb, name)]  # (the very name taken: create refuses it below)
    except Ambiguous as exc:
        within = exc.candidates
    created = kb.create("person", values, body, new_tags=new_tags, commit=commit, today=today)
    named = [p if isinstance(p, str) else f'{p.id} "{p.title}"' for p in within if p is not None]
    if named:
        created.notes.append(f"warning: '{name}' is part of the name of {', '.join(named)} on the roster: "
                             f"added as someone else (pmops rm {created.record.id} if it was them)")  # fmt: skip
    return created


def leave(kb: KnowledgeBase, ref: str, day: dt.date | None = None, *, commit: bool | None = None) -> Outcome:
    """Status left and `end` (their last day, default today): only those lines change, one commit.
    Someone who left is said so (`already`, nothing written), unless `day` is another last day than
    theirs (exit 1: `pmops set` corrects it)."""
    person = find(kb, ref)
    if _status(person) == LEFT:
        if day is None or day == end(person):
            return lifecycle.Outcome("leave", person, None, [], already=True)
        raise Conflict(f"{person.title} already left{left_on(person)}", hint=f"pmops set {person.id} end={day}")
    day = day or dt.date.today()
    start = person.values.get("start")
    if isinstance(start, dt.date) and day < start:
        raise InvalidInput(f"--date {day}: before {person.title} started ({start})")
    return lifecycle.set_fields(
        kb, str(person.id), [f"status={LEFT}", f"end={day.isoformat()}"], commit=commit, lifecycle=True
    )


# -- where a person is named --------------------------------------------------------------------


@dataclass
class Profile:
    """A person and where the KB names them: by name in the fields that name people (an owner,
    a decider, a manager, a buddy), and by id (links and backlinks, as `pmops links` has them)."""

    person: Record
    named_in: list[tuple[Record, str]] = field(default_factory=list)  # (document, the field naming them)
    graph: links.Graph | None = None

    @property
    def linked_from(self) -> list[tuple[Record, list[str]]]:
        """Every document naming or linking to them, once each, with the fields (or `text`) that do."""
        rows: dict[str, tuple[Record, list[str]]] = {}
        backlinks = [(r, link.via) for r, link in self.graph.backlinks] if self.graph else []
        for record, via in [*self.named_in, *backlinks]:
            vias = rows.setdefault(record.path, (record, []))[1]
            if via not in vias:
                vias.append(via)
        return sorted(rows.values(), key=lambda row: (row[0].type, row[0].title.casefold()))

    def to_json(self) -> dict[str, Any]:
        def brief(record: Record, vias: list[str]) -> dict[str, Any]:
            return {"id": record.id or record.path, "type": record.type, "title": record.title,
                    "path": record.path, "via": vias, "status": record.values.get("status")}  # fmt: skip

        return {**self.person.to_json(body=True), "named_in": [brief(r, vias) for r, vias in self.linked_from]}


def profile(kb: KnowledgeBase, ref: str) -> Profile:
    person = find(kb, ref)
    return Profile(person, roster_named_in(kb, person.title), links.graph(kb, person))


def listing(
    kb: KnowledgeBase,
    *,
    role: str | None = None,
    area: str | None = None,
    archived: bool | None = False,
    today: dt.date | None = None,
) -> list[Record]:
    """The people of the roster by name, of a role and an area: those still in the team (`archived`
    False), or everyone, those gone by `today` and archived records too (None), or the archived
    records only (True), as Catalog.select takes `archived`. A role that is not one of the choices
    is exit 2 with an example, as every choice's."""
    today = today or dt.date.today()
    doctype = kb.doctype("person")
    fld = doctype.field("role")
    if role is not None and fld is not None and fld.choices and role.strip().casefold() not in fld.choices:
        raise not_a_choice("--role", fld.choices)
    chosen = kb.select(doctype, {"area": area} if area is not None else None, archived=archived)
    if role is not None:
        chosen = [p for p in chosen if role_of(p) == role.strip().casefold()]
    if archived is False:
        chosen = [p for p in chosen if not has_left(p, today)]
    return sorted(chosen, key=lambda p: p.title.casefold())
