"""The document lifecycle after creation, for every type by the registry: fields set from the
command line, archive, remove, rename; each one write (KnowledgeBase.write) and one commit.

(Over 400 lines: the four commands share finding the document, the registry's checks, what names
it — links, people's and customers' names — and the one write; split, each would import the rest.)
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmops import customers, ids, links, onboarding, taxonomy
from pmops.doctypes import ARCHIVED, Field, notice_passed, out_of_order
from pmops.documents import RawFile
from pmops.errors import FIELD, Conflict, InvalidInput, PmopsError
from pmops.kb import creating, roster
from pmops.kb.records import is_archived
from pmops.kb.transaction import Change
from pmops.text import a, count, either

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase, Record

SHOWN = 5  # documents named in a message before "… N more"
KEPT = "archived_from"  # the status a document had when archived: `pmops set REF status=` restores it


@dataclass
class Outcome:
    """What a lifecycle command did, for the command to report."""

    action: str  # set, archive, rm, mv, edit
    record: Record  # the document as written (as it was, for rm)
    commit: str | None  # None: nothing committed (commits off, or nothing changed)
    changed: list[str] = field(default_factory=list)  # fields changed (set, edit), or other files (mv)
    previous: str | None = None  # the status before an archive, the path before a move
    notes: list[str] = field(default_factory=list)
    already: bool = False  # asked for what it already was (archived, that title): nothing was written

    @property
    def nothing(self) -> bool:
        """Nothing changed: no file was written."""
        return self.already or (not self.changed and self.action in ("set", "edit"))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.record.id or self.record.path, "path": self.record.path,
                                "action": self.action, "commit": self.commit}  # fmt: skip
        if self.action in ("set", "edit", "leave"):
            data["changed"] = self.changed
            if self.action == "set" and self.nothing:  # the value it has: said as every repeat says it
                data["already"] = True
        elif self.action == "archive":
            data["status_before"] = self.previous
            if self.already:
                data["already"] = True
        elif self.action == "mv":
            data.update({"from": self.previous, "title": self.record.title, "links_rewritten": self.changed})
            if self.already:
                data["already"] = True
        return data


def listed(names: list[str], most: int = SHOWN) -> str:
    """'a, b, c' — at most `most` names, then '… N more'."""
    shown = ", ".join(names[:most])
    return shown + (f" … {len(names) - most} more" if len(names) > most else "")


def _writable(record: Record, doing: str) -> None:
    if not record.doctype.writable:  # a document of the wrong type: exit 2, as everywhere
        raise InvalidInput(
            f"{record.path} is a page, not a pmops document; pmops does not {doing} it",
            hint="edit it with your editor and commit it with git",
        )
    recorded = record.doctype.unchangeable(record.values)
    if recorded:
        raise Conflict(recorded)


def _name(record: Record) -> str:
    return record.id or record.path


def _message(verb: str, record: Record, extra: str = "") -> str:
    title = " ".join(record.title.split())[:120]
    return f'pmops: {verb} {record.type} {_name(record)} "{title}"{extra}'


# -- set ---------------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    """A date value as YYYY-MM-DD (None for anything else)."""
    return value.isoformat() if isinstance(value, dt.date) else None


def set_fields(
    kb: KnowledgeBase,
    ref: str,
    assignments: list[str],
    *,
    add_tags: list[str] = (),  # type: ignore[assignment]
    remove_tags: list[str] = (),  # type: ignore[assignment]
    new_tags: bool = False,
    commit: bool | None = None,
    today: dt.date | None = None,
    lifecycle: bool = False,
) -> Outcome:
    """FIELD=VALUE changes to one document, converted and checked by the registry as create does;
    only the lines of those fields change. An empty VALUE removes the field. A list field takes
    comma-separated values. Nothing given that differs from the file: nothing is written.
    A step of its type's lifecycle is refused unless `lifecycle` (the command that checked it)."""
    if not assignments and not add_tags and not remove_tags:
        raise InvalidInput("give FIELD=VALUE (e.g. status=archived)", hint="or --add-tag TAG, --remove-tag TAG")
    record = kb.find(ref)
    _writable(record, "set fields of")
    doctype = record.doctype
    today = today or dt.date.today()
    given = parse_assignments(record, assignments)
    if not lifecycle:
        _check_lifecycle(record, given)
    _status_it_had(record, given)
    changes: dict[str, Any] = {}
    removed: list[str] = []
    notes: list[str] = []
    added_tags: list[str] = []
    for name, raw in given.items():
        fld = doctype.field(name)
        assert fld is not None
        _check_archive_only(record, fld, raw)
        if raw in ([], "") or (isinstance(raw, str) and not raw.strip()):
            if fld.required:
                raise InvalidInput(f"{name}: {a(doctype.name)} requires it; it cannot be emptied")
            if name in record.doc.meta:
                removed.append(name)
            continue
        given_value = _from_text(fld, raw)
        if fld.is_reference:
            given_value = creating.resolve_references(kb, fld, given_value)
        if fld.kind == "expectations":  # a target its metric can reach, as decision add --expects checks it
            from pmops import outcomes

            outcomes.possible(kb, given_value, name)
        try:
            value, field_notes, new = creating.convert(
                kb, fld, given_value, today=today, new_tags=new_tags, of=record.title
            )  # a warning names the document, as create's
        except InvalidInput as exc:
            raise _way_back(record, name, exc) from None
        notes += field_notes
        added_tags += new
        if value != record.values.get(name):  # people named anew: on the roster, as it spells them
            value = roster.check_field(kb, fld, value, today)
        # a date read but written otherwise ('Dec 15, 2026'): set writes it YYYY-MM-DD (lint's field-date-format)
        # (the same day written as it is, '2027-01-31', is no change: rewriting it to the same text writes nothing)
        written = record.doc.meta.get(name)
        loose = fld.kind == "date" and isinstance(written, str) and written.strip() != _iso(value)
        if value != record.values.get(name) or name in record.problems or loose:
            changes[name] = value
    if add_tags or remove_tags:
        tags, tag_notes, new = _tags(kb, record, changes, add_tags, remove_tags, new_tags, today)
        notes += tag_notes
        added_tags += new
        if tags is not None:
            changes["tags"] = tags
    changed = [name for name in dict.fromkeys([*given, "tags"]) if name in changes or name in removed]
    if not changed:
        return Outcome("set", record, None, [], notes=notes)
    _keep_status(record, changes, removed)
    _check_order(record, changes)
    if (notice := notice_passed(doctype, {**record.values, **changes}, today)) != notice_passed(
        doctype, record.values, today
    ):
        notes += notice  # a notice period set so that its last day has passed: said once, when the change makes it so
    if doctype.aliases in changes:  # other names another document goes by: refused as on create
        creating.check_names(kb, doctype, {doctype.aliases: changes[doctype.aliases]}, itself=record.path)
    doc = record.doc.with_fields(changes, remove=tuple(removed))
    if doc.to_bytes() == record.doc.to_bytes() and not added_tags:  # the file as it was: nothing to write
        return Outcome("set", record, None, [], notes=notes)
    writes = [Change(kb.root / record.path, record.doc, doc)]
    if added_tags:
        writes.append(kb.taxonomy_change(list(dict.fromkeys(added_tags))))
    sha = kb.write(writes, _message(f"set {', '.join(changed)} of", record), commit=commit)
    return Outcome("set", kb.record(doc), sha, changed, notes=notes + (kb.repo.warnings if kb.repo else []))


def parse_assignments(record: Record, assignments: list[str]) -> dict[str, Any]:
    """FIELD=VALUE words as `pmops new` reads them (creating.pairs: the same messages), a list
    field taking every value given for it, repeated or comma-separated; refused (exit 2) besides: the title (pmops mv renames
    the file with it), a field that is not a list given twice."""
    doctype = record.doctype
    given: dict[str, Any] = {}
    if any(pair.partition("=")[0].strip() == "id" and "=" in pair for pair in assignments):
        raise InvalidInput(f"id: the id never changes ({record.id or record.path}): links and history name it by it",
                           hint=f'pmops mv {_name(record)} "New title" renames the file, the id staying')  # fmt: skip
    for fld, value in creating.pairs(doctype, assignments):
        if fld.name == doctype.title_field:
            raise InvalidInput(
                f"{fld.name}: a new {fld.name} renames the file too", hint=f'pmops mv {_name(record)} "New {fld.name}"'
            )
        if fld.is_list:  # "tags=a, b" is two tags, as tags=a tags=b
            given.setdefault(fld.name, []).extend(creating.items(value))
        elif fld.name in given:
            raise InvalidInput(f"{fld.name} is given twice", hint="a field that is not a list takes one value")
        else:
            given[fld.name] = value
    return given


def kept_status(record: Record) -> str | None:
    """The status an archived document had when it was archived (its `archived_from`, written by
    archive), when it is one of its type's statuses; None when not kept (archived before pmops kept it)."""
    fld = record.doctype.field("status")
    kept = record.doc.meta.get(KEPT)
    if fld is None or not isinstance(kept, str) or kept == ARCHIVED or kept not in (fld.choices or ()):
        return None
    return kept


def _own_statuses(record: Record) -> list[str]:
    fld = record.doctype.field("status")
    return [c for c in (fld.choices if fld is not None else None) or () if c != ARCHIVED]


def _back(record: Record, others: list[str]) -> str:
    """'pmops set ID status=proposed brings it back (or accepted, rejected …)': the way back from the archive."""
    return f"pmops set {_name(record)} status={others[0]} brings it back" + (
        f" (or {either(others[1:])})" if others[1:] else ""
    )


def _status_it_had(record: Record, given: dict[str, Any]) -> None:
    """`status=` (nothing) on an archived document brings it back with the status it had when archived
    (kept in `archived_from`). A type with statuses of its own whose file does not keep it (archived
    before pmops kept it): exit 2, naming its statuses, as nothing would leave it with none or a default."""
    raw = given.get("status")
    if not is_archived(record) or not isinstance(raw, str) or raw.strip():
        return
    kept = kept_status(record)
    if kept is not None:
        given["status"] = kept
        return
    others = _own_statuses(record)
    if others:
        raise InvalidInput(
            f"status=: {_name(record)} was archived before pmops kept the status it had, so it cannot be restored",
            hint=f"{_back(record, others)}; git log -p -- {record.path} shows what it was",
        )


def _keep_status(record: Record, changes: dict[str, Any], removed: list[str]) -> None:
    """Archiving through `set status=archived` keeps the status it had (as archive does); bringing one
    back drops what was kept."""
    status = changes.get("status", None if "status" not in removed else "")
    if status is None:
        return
    if status == ARCHIVED and not is_archived(record):
        before = record.doc.meta.get("status")
        if isinstance(before, str) and before in _own_statuses(record):
            changes[KEPT] = before
    elif status != ARCHIVED and KEPT in record.doc.meta:
        removed.append(KEPT)


def _check_archive_only(record: Record, fld: Field, raw: Any) -> None:
    """The status of a type that has none of its own (an insight's: doctypes.with_archived) takes only
    `archived`, or nothing: given another (status=active, to bring one back), exit 2 saying how."""
    if fld.name != "status" or fld.choices != (ARCHIVED,) or not isinstance(raw, str):
        return
    if raw.strip() and fld.spelt(raw.strip()) != ARCHIVED:
        back = is_archived(record)
        raise InvalidInput(
            f"status={raw.strip()}: {a(record.doctype.name)} has no status of its own, only {ARCHIVED}",
            hint=f"pmops set {_name(record)} status= brings it back from the archive"
            if back
            else f"pmops archive {_name(record)} archives it",
        )


def _way_back(record: Record, name: str, refused: InvalidInput) -> PmopsError:
    """A status an archived document of a type with statuses of its own cannot take (a decision's
    status=active), said with the way back (docs/lifecycle.md): one of those statuses. A type with
    none but archived says so before (_check_archive_only)."""
    fld = record.doctype.field(name)
    if name != "status" or fld is None or not is_archived(record):
        return refused
    others = _own_statuses(record)
    if not others:
        return refused
    if (kept := kept_status(record)) is not None:
        return refused.with_hint(f"pmops set {_name(record)} status= brings it back as it was ({kept})")
    return refused.with_hint(_back(record, others))


def _check_lifecycle(record: Record, given: dict[str, Any]) -> None:
    """A change its type's lifecycle makes through a command with its own checks (DocType.lifecycle: a
    decision accepted, superseded; a person who left): refused (exit 2), naming that command. Archiving
    (`status=archived`) and bringing an archived document back (any status) are `set`'s own."""
    doctype = record.doctype
    for name, raw in given.items():
        fld = doctype.field(name)
        value = raw.strip() if isinstance(raw, str) else raw
        value = fld.spelt(value) if fld is not None else value  # "Accepted" is accepted
        if value == record.doc.meta.get(name):
            continue  # the value it has: nothing changes (said as every repeat is)
        command = doctype.lifecycle_step(name, value, archived=is_archived(record))
        if command is not None:
            shown = f"{name}={value}" if isinstance(value, str) else name
            raise InvalidInput(
                f"{shown}: {a(doctype.name)}'s {name} changes through its lifecycle, with its checks",
                hint=command.format(ref=_name(record)),
            )


def _check_order(record: Record, changes: dict[str, Any]) -> None:
    """A value set that breaks its relation to another field (a decision's review_date after its date, a
    tool's seats_used at most its seats): refused (exit 2), as create refuses it."""
    for name, why in out_of_order(record.doctype, {**record.values, **changes}, changes):
        fld = record.doctype.field(name)
        raise InvalidInput(f"{FIELD}: {why}", field=name, flag=fld.flag if fld else None)


def _from_text(fld: Field, raw: Any) -> Any:
    """A command line's text as the registry reads a field: scores as criterion:score pairs."""
    if fld.kind == "scores":
        pairs = {}
        for item in filter(None, (i.strip() for i in str(raw).split(","))):
            name, colon, score = item.rpartition(":")
            if not colon or not name.strip():
                raise InvalidInput(
                    f"{fld.name}: '{item}' is not criterion:score", hint=f"e.g. {fld.name}=usability:4,price:3"
                )
            pairs[name.strip()] = score.strip()
        return pairs
    return raw


def _tags(
    kb: KnowledgeBase,
    record: Record,
    changes: dict[str, Any],
    add: list[str],
    remove: list[str],
    new_tags: bool,
    today: dt.date,
) -> tuple[list[str] | None, list[str], list[str]]:
    """The tags after --add-tag and --remove-tag (None: unchanged), notes, tags new to the taxonomy."""
    fld = record.doctype.field("tags")
    if fld is None or fld.kind != "tags":
        raise InvalidInput(f"a {record.doctype.name} has no tags")
    current = list(changes.get("tags", record.values.get("tags") or []))
    wanted, notes, new = creating.convert(kb, fld, list(add), today=today, new_tags=new_tags) if add else ([], [], [])
    tags = current + [t for t in wanted if t not in current]
    for given in remove:
        key = taxonomy.normalise(given)
        try:
            key = kb.taxonomy.resolve(given).tag  # a synonym removes the tag it stands for
        except PmopsError:
            pass
        gone = [t for t in tags if t in (key, taxonomy.normalise(given))]
        if not gone:  # as adding a tag it has: the state asked for is there (doing a thing twice)
            notes.append(f"{_name(record)} has no tag '{given}' (its tags: {', '.join(tags) or 'none'})")
            continue
        tags = [t for t in tags if t not in gone]
    return (None if tags == (record.values.get("tags") or []) else tags), notes, new


# -- archive -----------------------------------------------------------------------------


def archive(kb: KnowledgeBase, ref: str, *, commit: bool | None = None) -> Outcome:
    """Status `archived`: the document stays, out of listings, search and reports (see
    Catalog.select and the search's filter); `pmops set REF status=` brings it back with the status it
    had, kept as `archived_from`. An archived
    document is said so (`already`), and nothing is written."""
    record = kb.find(ref)
    _writable(record, "archive")
    if is_archived(record):
        return Outcome("archive", record, None, [], ARCHIVED, already=True)
    before = record.doc.meta.get("status")
    kept = {KEPT: before} if isinstance(before, str) and before in _own_statuses(record) else {}
    doc = record.doc.with_fields({"status": ARCHIVED, **kept})  # `set REF status=` brings it back as it was
    sha = kb.write([Change(kb.root / record.path, record.doc, doc)], _message("archive", record), commit=commit)
    previous = before if isinstance(before, str) else None
    return Outcome("archive", kb.record(doc), sha, ["status"], previous, kb.repo.warnings if kb.repo else [])


# -- rm ----------------------------------------------------------------------------------


def linked_from(kb: KnowledgeBase, record: Record) -> list[str]:
    """The documents that link to `record` (by id or by path), as 'id (via)', once each."""
    seen: dict[str, list[str]] = {}
    for other, link in links.graph(kb, record).backlinks:
        seen.setdefault(_name(other), [])
        if link.via not in seen[_name(other)]:
            seen[_name(other)].append(link.via)
    return [f"{name} ({', '.join(vias)})" for name, vias in seen.items()]


def _linked(linking: list[str], name: str) -> bool:
    return any(entry.startswith(f"{name} (") for entry in linking)


def remove(kb: KnowledgeBase, ref: str, *, force: bool = False, commit: bool | None = None) -> Outcome:
    """Remove a document's file in one commit; refused (exit 1) while others link to it, unless `force`."""
    record = kb.find(ref)
    linking = linked_from(kb, record)
    if record.doctype.name == roster.PERSON:  # named by name in owners, deciders, managers, buddies
        named: dict[str, list[str]] = {}
        for other, field_name in roster.named_in(kb, record.title, authors=False):
            if other.path != record.path:
                named.setdefault(_name(other), []).append(field_name)
        linking += [f"{name} ({', '.join(fields)})" for name, fields in named.items() if not _linked(linking, name)]
    if record.doctype.aliases:  # a customer, named by name (or alias) in its insights' customer field
        by_name: dict[str, list[str]] = {}
        for other, field_name in named_by_name(kb, record):
            by_name.setdefault(_name(other), []).append(field_name)
        linking += [f"{name} ({', '.join(fields)})" for name, fields in by_name.items() if not _linked(linking, name)]
    notes = []
    if linking and not force:
        raise Conflict(
            f"{_name(record)} is linked from {count(len(linking), 'document')}: {listed(linking)}",
            hint="remove those links first, or pass --force (they then break: pmops lint lists them)",
        )
    if linking:
        notes.append(
            f"{count(len(linking), 'document')} still {'links' if len(linking) == 1 else 'link'} to it: {listed(linking)}"
        )
    writes = [Change.removal(kb.root / record.path, record.doc)]
    for path, raw in companions(kb, record):  # a metric's values go with it
        writes.append(Change.removal(path, raw))
        notes.append(f"removed with it: {kb.rel(path)}")
    sha = kb.write(writes, _message("remove", record), commit=commit)
    return Outcome("rm", record, sha, [], notes=notes + (kb.repo.warnings if kb.repo else []))


def named_by_name(kb: KnowledgeBase, record: Record) -> list[tuple[Record, str]]:
    """(document, field) for each text field naming `record` by its name or an alias, any spelling
    customers.key folds, among the fields that refer to its type by name (an insight's customer)."""
    doctype = record.doctype
    names = {customers.key(n) for n in [record.title, *(record.values.get(doctype.aliases or "") or [])]} - {None}
    found = []
    for other_type in kb.registry.values():
        fields = [f for f in other_type.fields if f.refers == doctype.name and f.kind == "text"]
        for other in kb.records(other_type) if fields else []:
            found += [(other, f.name) for f in fields if customers.key(other.values.get(f.name)) in names]
    return found


def companions(kb: KnowledgeBase, record: Record) -> list[tuple[Path, RawFile]]:
    """The files beside a document that are part of it (DocType.companions: a metric's values), as read."""
    found = []
    for suffix in record.doctype.companions:
        path = (kb.root / record.path).with_suffix(suffix)
        if path.is_file() and not path.is_symlink():
            found.append((path, RawFile(kb.rel(path), kb.read_bytes(path))))
    return found


# -- mv ----------------------------------------------------------------------------------


def move(kb: KnowledgeBase, ref: str, title: str, *, commit: bool | None = None) -> Outcome:
    """A new title, and the file renamed to match (`ID-new-title.md`, in its folder); the id never
    changes. Relative links to the old file name in other documents are rewritten (only those
    links change), in the same commit; links by id keep working as they are."""
    record = kb.find(ref)
    _writable(record, "rename")
    doctype = record.doctype
    if not record.id:
        raise InvalidInput(f"{record.path} has no id", hint="give it one with pmops edit, as its type's documents have")
    fld = doctype.field(doctype.title_field) or Field(doctype.title_field)
    if not title.strip():
        raise InvalidInput(f"the new {fld.name} is empty")
    if title.strip().lower().endswith((".md", ".markdown")):  # `pmops mv a.md b.md`, typed as `git mv` is
        raise InvalidInput(f"the new {fld.name} '{title.strip()}' looks like a file's path: pmops mv takes a {fld.name}, "
                           "and names the file after it", hint=f'e.g. pmops mv {ref} "Export button is buried"; '
                           "to move a file to another folder, git mv")  # fmt: skip
    new_title, _, _ = creating.convert(kb, fld, title, today=dt.date.today())
    old_rel = record.path
    folder = old_rel.rpartition("/")[0]
    name = f"{record.id}-{ids.slugify(new_title)}.md"
    new_rel = f"{folder}/{name}" if folder else name
    if new_title == record.values.get(fld.name) and new_rel == old_rel:
        return Outcome("mv", record, None, [], old_rel, already=True)
    if doctype.unique_titles and ids.looks_like_id(new_title):  # a name shaped like an id: refused as create does
        creating.check_names(kb, doctype, {doctype.title_field: new_title}, itself=record.path)
    same = kb.named(doctype.name, new_title) if doctype.unique_titles else None
    if same is not None and same.path != record.path:
        raise Conflict(f"{same.id or same.path} is already named '{new_title}'")
    warned = creating.title_warnings(kb, doctype, new_title, itself=record.path)  # made all the same
    renamed, kept = {fld.name: new_title}, _old_name_kept(record, new_title)
    if kept is not None:
        renamed[str(doctype.aliases)] = kept
    doc = record.doc.with_fields(renamed)
    writes = []
    moved_along: list[str] = []
    if new_rel == old_rel:
        writes.append(Change(kb.root / old_rel, record.doc, doc))
    else:
        if os.path.lexists(kb.root / new_rel):
            raise Conflict(f"{new_rel} already exists; nothing was written")
        writes += [
            Change.removal(kb.root / old_rel, record.doc),
            Change.new(kb.root / new_rel, replace(doc, path=new_rel)),
        ]
        for path, raw in companions(kb, record):  # a metric's values follow its file name
            moved_to = (kb.root / new_rel).with_suffix(path.suffix)
            if os.path.lexists(moved_to):
                raise Conflict(f"{kb.rel(moved_to)} already exists; nothing was written")
            writes += [Change.removal(path, raw), Change.new(moved_to, RawFile(kb.rel(moved_to), raw.data))]
            moved_along.append(f"moved with it: {kb.rel(path)} → {kb.rel(moved_to)}")
    rewritten = []
    # A person is named by name in the fields that refer to people (owners, deciders, managers,
    # buddies): those name the new one, in the same commit, as links follow the file.
    naming: dict[str, list[str]] = {}
    old_name = record.values.get(fld.name)
    owning: set[str] = set()  # onboarding plans with steps the person owns: the steps' owners follow
    if doctype.name == roster.PERSON and isinstance(old_name, str) and roster.fold(old_name) != roster.fold(new_title):
        for other, field_name in roster.named_in(kb, old_name):
            if other.path != old_rel:
                naming.setdefault(other.path, []).append(field_name)
        for plan in kb.records(kb.doctype("onboarding")) if "onboarding" in kb.registry else []:
            if onboarding.owners_renamed(plan.doc.body, old_name, new_title) is not None:
                owning.add(plan.path)
    everything = list(kb.records()) if new_rel != old_rel or naming or owning else []
    if new_rel != old_rel:  # every link lint reads that the move would break follows it
        was, will = links.moving(kb, everything, old_rel, new_rel, doc.meta)
        own = links.retarget(replace(record, doc=doc), old_rel, new_rel, was, will)
        if own is not None:  # its own links read from its new name (`x.md` is served at `x/`)
            doc = doc.with_body(own)
            writes[1] = Change.new(kb.root / new_rel, replace(doc, path=new_rel))
    for other in everything:
        if other.path == old_rel:
            continue
        body = links.retarget(other, old_rel, new_rel, was, will) if new_rel != old_rel else None
        if other.path in owning:  # the owners' names sit on lines no link is on (`(owner: NAME, due D)`)
            body = onboarding.owners_renamed(body or other.doc.body, old_name, new_title) or body
        if body is None and other.path not in naming:
            continue
        after = other.doc.with_body(body) if body is not None else other.doc
        if other.path in naming:
            after = after.with_fields(roster.renamed(other, naming[other.path], old_name, new_title))
        writes.append(Change(kb.root / other.path, other.doc, after))
        rewritten.append(other.path)
    new_words = " ".join(new_title.split())[:120]
    sha = kb.write(writes, _message("rename", record, f' to "{new_words}"'), commit=commit)
    moved = kb.record(replace(doc, path=new_rel))
    notes = [f"'{old_name}' kept as an alias: insights naming it are still {new_words}'s"] if kept is not None else []
    from pmops import editing  # (editing imports this module)

    if (unsaved := editing.buffer_path(kb, moved)).exists():  # an aborted edit's text: named by the id, it follows
        notes.append(f"an unsaved pmops edit of it is kept in {unsaved}: the next pmops edit {_name(moved)} names it")
    return Outcome("mv", moved, sha, rewritten, old_rel,
                   warned + notes + moved_along + (kb.repo.warnings if kb.repo else []))  # fmt: skip


def _old_name_kept(record: Record, new_title: str) -> list[Any] | None:
    """A register's other names (`DocType.aliases`: a customer's) when renamed: the old name among
    them — insights point at a customer by name, so what named the old one names the new — and the
    new name no longer; None when they stay as they are (a type without aliases, a respelling)."""
    from pmops import customers

    doctype = record.doctype
    old = record.values.get(doctype.title_field)
    if not doctype.aliases or not isinstance(old, str):
        return None
    aliases = [a for a in _listed(record.values.get(doctype.aliases)) if customers.key(a) != customers.key(new_title)]
    if customers.key(old) == customers.key(new_title) or any(customers.key(a) == customers.key(old) for a in aliases):
        return None if len(aliases) == len(_listed(record.values.get(doctype.aliases))) else aliases
    return [*aliases, old]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value in (None, "") else [value]
