"""The roster as every write checks it: who is on it, who has left, and the names a field gives for people.

A field names people when it `refers` to the person type and holds names (text, list): an
owner, a manager, a buddy, deciders. On a write (create, `pmops set`) each name must be on the
roster — a KB with nobody on it yet checks nothing — and is stored as the roster spells it; a
`responsible` field (an owner) must name someone still in the team. `pmops.people` builds the
rest of what the roster answers on this.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pmops.errors import FIELD, Ambiguous, Conflict, InvalidInput, PmopsError
from pmops.kb.records import shown
from pmops.text import close_matches, folded_name

if TYPE_CHECKING:
    from pmops.doctypes import Field
    from pmops.kb import KnowledgeBase, Record

PERSON = "person"  # the type whose documents are the roster
LEFT = "left"
SUGGESTED = 3  # close names offered for a name not on the roster


def roster(kb: KnowledgeBase) -> list[Record]:
    """Every person record, archived ones aside (archived records are out of every count)."""
    return shown(kb.records(kb.doctype(PERSON)))


def names_people(fld: Field) -> bool:
    """Whether a field's values are people's names, checked against the roster."""
    return fld.refers == PERSON and fld.kind in ("text", "list")


def names_someone(fld: Field) -> bool:
    """Whether a field's values are people's names: those checked against the roster (`names_people`)
    and those filled in with who wrote the document (`default: author`: an insight's author), which
    may name someone not on it (a person renamed is renamed there too)."""
    return names_people(fld) or (fld.default == "author" and fld.kind in ("text", "list"))


def named_in(kb: KnowledgeBase, name: str, *, authors: bool = True) -> list[tuple[Record, str]]:
    """(document, field) for each field naming `name` (any case and spacing) among the fields that
    name people in every type of the registry: owners, deciders, managers, buddies, and (`authors`)
    who wrote a document (`names_someone`)."""
    wanted = fold(name)
    found = []
    for doctype in kb.registry.values():
        fields = [f for f in doctype.fields if (names_someone(f) if authors else names_people(f))]
        if not fields:
            continue
        for record in kb.records(doctype):
            for fld in fields:
                value = record.values.get(fld.name)
                if any(fold(v) == wanted for v in (value if isinstance(value, list) else [value]) if v):
                    found.append((record, fld.name))
    return found


def renamed(record: Record, fields: list[str], old: str, new: str) -> dict[str, Any]:
    """The fields of `record` naming `old`, set to name `new` instead (a list keeps its other names)."""
    changes: dict[str, Any] = {}
    for name in fields:
        raw = record.doc.meta.get(name)
        if isinstance(raw, list):
            changes[name] = [new if fold(v) == fold(old) else v for v in raw]
        else:
            changes[name] = new
    return changes


def status(person: Record) -> str:
    return str(person.values.get("status") or person.doc.meta.get("status") or "active").strip().casefold()


def end(person: Record) -> dt.date | None:
    """Their last day in the team, when one is written."""
    value = person.values.get("end")
    return value if isinstance(value, dt.date) else None


def has_left(person: Record, day: dt.date) -> bool:
    """Gone by `day`: their last day (`end`) is before it, or, with no end written, their status is left."""
    last = end(person)
    return last < day if last is not None else status(person) == LEFT


def left_on(person: Record) -> str:
    last = end(person)
    return f" on {last.isoformat()}" if last else ""


def fold(name: Any) -> str:
    """A person's name as the roster compares it: case, spaces, Unicode form and accents aside."""
    return folded_name(str(name or ""))


def suggest(people: list[Record], name: str) -> str | None:
    """'did you mean A or B?': names that start with, or hold, the words given, then names spelt alike."""
    folded = {fold(p.title): p.title for p in people}
    wanted = fold(name)
    close = [n for n in folded if wanted and (n.startswith(wanted) or f" {wanted}" in n)]
    close += [n for n in close_matches(wanted, list(folded), n=SUGGESTED, cutoff=0.6) if n not in close]
    return f"did you mean {' or '.join(folded[c] for c in close[:SUGGESTED])}?" if close else None


def check_named(
    kb: KnowledgeBase, name: str | None, field: str, day: dt.date, *, flag: str | None = None, current: bool = True
) -> str | None:
    """A name (or a person's id, or a unique prefix of one) given for someone on the roster, as the
    roster writes their name. Exit 2 for a name it does
    not have (with close names); exit 1, when `current`, for someone gone by `day`. The error names
    the field as the command line gives it (--manager, owner=). A KB with no roster yet checks
    nothing: the name is kept as given."""
    if name is None or not name.strip():
        return None
    name = " ".join(name.split())
    people = roster(kb)
    if not people:
        return name
    found = next((p for p in people if fold(p.title) == fold(name)), None) or _by_id(kb, name, field, flag)
    if found is None:
        hint = suggest(people, name) or f'add them first: pmops person add "{name}" --role ROLE'
        raise InvalidInput(f"{FIELD}: no one named '{name}' on the roster", hint=hint, field=field, flag=flag)
    if current and has_left(found, day):
        raise Conflict(f"{FIELD}: {found.title} left the team{left_on(found)}", hint="name someone on the team",
                       field=field, flag=flag)  # fmt: skip
    return found.title


def teammate(kb: KnowledgeBase, name: str, day: dt.date) -> str:
    """The roster's spelling of `name` when they are on it and in the team on `day`, else '' (a default owner:
    the git user owns what they add when the roster has them; nobody, rather than a name lint would flag)."""
    found = next((p for p in roster(kb) if fold(p.title) == fold(name)), None)
    return found.title if found is not None and not has_left(found, day) else ""


def _by_id(kb: KnowledgeBase, ref: str, field: str, flag: str | None) -> Record | None:
    """The person an id or a unique prefix of one names (per-261126-q3xy), as every command takes a
    document; None when it names nobody. A prefix several ids share is exit 1, listing them."""
    if not ref.casefold().startswith(kb.doctype(PERSON).prefix + "-"):
        return None
    try:
        return kb.find(ref, PERSON)
    except Ambiguous as exc:
        raise exc.of_field(field, flag) from None
    except PmopsError:
        return None


def check_field(kb: KnowledgeBase, fld: Field, value: Any, day: dt.date) -> Any:
    """A field's value (a name, or a list of them) with each name checked against the roster and
    spelt as it is there; a field that names no people is returned as it is."""
    if not names_people(fld) or value is None:
        return value
    current = fld.responsible
    if isinstance(value, list):
        return [check_named(kb, str(v), fld.name, day, flag=fld.flag, current=current) for v in value if str(v).strip()]
    return check_named(kb, str(value), fld.name, day, flag=fld.flag, current=current)
