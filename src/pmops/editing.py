"""`pmops edit`: a document changed in the user's editor, checked by the registry before it is
committed; on a problem the editor opens again with it at the top, as `git commit` does.

The editor works on a copy in pmops' private folder (`.git/pmops/edit/`), so the document is
replaced only by a text that passed the checks, in one write (KnowledgeBase.write). The copy
is removed once the text is committed or given up on purpose; every other way out names it,
so what the user typed is never lost. The library never runs a program of its own accord:
the command hands it `run`, which opens the editor on a path and returns its exit status.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pmops import documents, ids, store
from pmops.doctypes import notice_passed, out_of_order
from pmops.documents import RawFile
from pmops.errors import Conflict, DocumentError, NotFound, PmopsError, UnknownTag
from pmops.kb.transaction import Change
from pmops.lifecycle import Outcome
from pmops.text import a, did_you_mean

if TYPE_CHECKING:
    from pmops.documents import Document
    from pmops.kb import KnowledgeBase, Record

# The lines pmops puts above the text after a problem: each a whole HTML comment, so a markdown
# viewer shows nothing of them, and removed (only those, only at the top) when the text is read.
PREFIX = "<!-- pmops: "
SUFFIX = " -->"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?!\d)")


@dataclass(frozen=True)
class Problem:
    """Why a saved text cannot replace the document: one line, and what to do."""

    message: str
    hint: str | None = None


class Aborted(PmopsError):
    """The edit ended without saving: nothing changed (exit 1)."""


def check(
    kb: KnowledgeBase, record: Record, data: bytes, today: dt.date | None = None, *, unreadable: bool = False
) -> tuple[Document | None, list[Problem], list[str]]:
    """What a saved text would be as the document: (the document, its problems, notes).

    The checks lint makes of a document's schema, as errors: it reads without loss, keeps its
    id, has its type's required fields, choices among the field's choices, dates written
    YYYY-MM-DD, tags in the taxonomy, no date after today where the field is one that has
    happened, and no payment card number in a type holding customers' words. A page (no type)
    only has to read. A date still to come that has passed (a lapsed renewal) is a note, not a problem.
    `unreadable`: the document did not read before (`record` stands in for it): its title is not
    compared with the file name's.
    """
    today = today or dt.date.today()
    try:
        doc = documents.parse(record.path, data)
    except DocumentError as exc:
        return None, [Problem(exc.message, exc.hint)], []
    if not record.doctype.writable:
        return doc, [], []
    new = kb.record(doc)
    problems: list[Problem] = []
    notes: list[str] = []
    if record.id and new.id != record.id:
        problems.append(Problem(f"id: a document's id never changes (it is {record.id})", f"write id: {record.id}"))
    elif new.doctype is not record.doctype:
        problems.append(Problem(f"this {record.type} would be read as a {new.type}", "keep its id and folder"))
    doctype = record.doctype
    for fld in doctype.fields:
        raw, value = doc.meta.get(fld.name), new.values.get(fld.name)
        if fld.name in new.problems:
            hint = f"choose one of: {', '.join(fld.choices)}" if fld.choices else None
            problems.append(Problem(f"{fld.name}: {new.problems[fld.name]}", hint))
        elif fld.required and value in (None, "", []):
            problems.append(Problem(f"missing required field '{fld.name}'", f"add '{fld.name}:' to the front-matter"))
        elif fld.kind == "date" and isinstance(raw, str) and not _ISO_DAY.match(raw.strip()):
            problems.append(Problem(f"{fld.name}: '{raw}' is not written YYYY-MM-DD", f"write {fld.name}: {value}"))
        elif fld.past and isinstance(value, dt.date) and value > today:
            problems.append(Problem(f"{fld.name}: {value} is after today ({today})", fld.past_hint))
        elif (said := fld.passed(value, today)) and value != record.values.get(fld.name):
            notes.append(f"warning: {said}; kept as given: give the next one when it is known")
        elif fld.kind == "tags":
            for tag in value or []:
                try:
                    resolved = kb.taxonomy.resolve(tag)
                except UnknownTag as exc:  # the editor has no --new-tag: the command that adds one is said
                    close = (
                        f"did you mean {', '.join(repr(s) for s in exc.suggestions)}? Or " if exc.suggestions else ""
                    )
                    problems.append(Problem(f"{fld.name}: unknown tag '{tag}'",
                                            f"{close}add it first: pmops set {record.id or record.path} --add-tag {tag} --new-tag"))  # fmt: skip
                    continue
                if resolved.tag != tag:
                    notes.append(f"tag '{tag}': {resolved.note or 'pmops lint suggests ' + repr(resolved.tag)}")
    known = [f.name for f in doctype.fields]
    for name in doc.meta:  # a field added by hand that the type has not (a typo: sentimnet): refused, as set refuses it
        if name not in known and name not in record.doc.meta:
            hint = did_you_mean(str(name), known) or f"{a(doctype.name)}'s fields: {', '.join(known)}"
            problems.append(Problem(f"'{name}': {a(doctype.name)} has no field '{name}'", hint))
    for name, why in out_of_order(doctype, new.values):  # 12 seats used of 10, a review date before the date
        if name not in new.problems:
            problems.append(Problem(f"{name}: {why}"))
    if notice_passed(doctype, new.values, today) != notice_passed(doctype, record.values, today):
        notes += notice_passed(doctype, new.values, today)  # said when the change makes it so, not on every edit
    if doctype.unique_titles:  # names another document of the type goes by: refused as create and set refuse them
        problems += _names_taken(kb, record, new)
    if doctype.pii:
        from pmops import pii

        cards = [m for m in pii.scan(doc.text()) if m.kind == "card"]
        if cards:
            problems.append(
                Problem(f"a payment card number ({cards[0].redacted})", "remove it: git history is permanent")
            )
    if not problems and new.title != record.title and new.id and not unreadable:
        notes.append(f'the file name keeps the old title: pmops mv {new.id} "{new.title}" renames it')
    return doc, problems, notes


def _names_taken(kb: KnowledgeBase, before: Record, after: Record) -> list[Problem]:
    """A name or other name (a customer's aliases) given anew that another document of the type goes
    by, checked by create's code (creating.check_names); names it kept are not checked again."""
    from pmops.kb import creating

    doctype = before.doctype
    names = [n for n in (doctype.title_field, doctype.aliases) if n]
    renamed = {n: after.values.get(n) for n in names if after.values.get(n) != before.values.get(n)}
    try:
        creating.check_names(kb, doctype, renamed, itself=before.path)
    except PmopsError as exc:
        return [Problem(exc.message, exc.hint)]
    return []


def with_problems(text: str, problems: list[Problem], newline: str = "\n") -> str:
    """`text` with the problems above it, in lines `without_problems` removes."""

    def line(words: str) -> str:
        return PREFIX + " ".join(words.replace("-->", "-- >").split()) + SUFFIX + newline

    lines = []
    for problem in problems:
        lines.append(line(f"not saved: {problem.message}"))
        if problem.hint:
            lines.append(line(f"hint: {problem.hint}"))
    lines.append(line("fix it and save, or empty the file to give up; pmops removes these lines"))
    return "".join(lines) + text


def without_problems(text: str) -> str:
    """The text without the lines pmops put at its top (whole `<!-- pmops: … -->` lines only)."""
    while True:
        first, newline, rest = text.partition("\n")
        if not (first.rstrip("\r").startswith(PREFIX) and first.rstrip("\r").endswith(SUFFIX)):
            return text
        text = rest if newline else ""


def buffer_path(kb: KnowledgeBase, record: Record) -> Path:
    """The copy the editor works on: named by the document's id, which a rename (`pmops mv`, `git mv`)
    never changes (one copy per document; the name ends in .md, so editors colour it as markdown); by
    its path when it has no id that reads."""
    folder = kb.state_dir / "edit"
    if not record.id:
        return folder / record.path.replace("/", "--")
    buffer = folder / f"{record.id}.md"
    _adopt(buffer, record.id)
    return buffer


def _adopt(buffer: Path, doc_id: str) -> None:
    """A copy an earlier pmops left named by the document's path (`insights--ins-…-title.md`), under the
    path it had then: taken as the copy of the document of that id, so the next edit finds it."""
    if buffer.exists() or not buffer.parent.is_dir():
        return
    for old in sorted(buffer.parent.glob(f"*--{doc_id}*.md")):
        rest = old.name.rpartition("--")[2]
        if ".earlier-" in old.name or not (rest == f"{doc_id}.md" or rest.startswith(f"{doc_id}-")):
            continue
        old.rename(buffer)
        if _base(old).exists():
            _base(old).rename(_base(buffer))
        return


def edit(
    kb: KnowledgeBase,
    ref: str,
    run: Callable[[Path], int],
    *,
    commit: bool | None = None,
    today: dt.date | None = None,
) -> Outcome:
    """Open the document in the editor (`run`), and again while what was saved has problems; then
    replace the document with it and commit. Aborted (exit 1) when the editor fails, the text is
    emptied, or it is saved again unchanged with its problems; nothing is written then."""
    record, before, unread = _editable(kb, ref)
    recorded = record.doctype.unchangeable(record.values)
    if recorded:  # a ranking: never changed once made, before an editor is opened
        raise Conflict(recorded)
    original = before.to_bytes()
    buffer = buffer_path(kb, record)
    kept = f"your text is kept in {buffer}"
    shown, aside = _start(buffer, original, record.doc.newline)  # what the editor was given with a note on top
    recovered = shown is not None  # an earlier text, reopened: saving it unchanged saves it
    if unread is not None and shown is None:  # why it does not read, at the top, as after a save
        shown = with_problems(original.decode("utf-8", "replace"), [unread], record.doc.newline).encode("utf-8")
        _write(buffer, shown)
    early = [f"the document changed since your earlier pmops edit: that text is kept in {aside}"] if aside else []
    if aside:
        kept += f"; your earlier text is kept in {aside}"
    while True:
        status = run(buffer)
        if status != 0:
            raise Aborted(
                f"edit aborted: the editor exited with status {status}; nothing changed",
                hint=_kept(buffer, original, kept),
            )
        try:
            saved = store.read_file(buffer.parent, buffer.name)
            text = saved.decode("utf-8")
        except (OSError, DocumentError, UnicodeDecodeError) as exc:
            raise Aborted(
                f"edit aborted: cannot read what the editor saved ({exc}); nothing changed", hint=kept
            ) from None
        if shown is not None and saved == shown and not recovered:
            raise Aborted("edit aborted: saved again with its problems; nothing changed", hint=kept)
        recovered = False
        if shown is not None:
            text = without_problems(text)
        if not text.strip():
            _drop(buffer)
            raise Aborted("edit aborted: the file was emptied; nothing changed", hint=_aside(aside))
        data = text.encode("utf-8")
        if data == original:
            _drop(buffer)
            return Outcome("edit", record, None, [], notes=early)
        doc, problems, notes = check(kb, record, data, today, unreadable=before is not record.doc)
        if doc is not None and not problems:
            break
        shown = with_problems(text, problems, record.doc.newline).encode("utf-8")
        _write(buffer, shown)
    after = kb.record(doc)
    try:
        # What the editor showed is the whole file, the user's uncommitted edits too: theirs to commit.
        sha = kb.write(
            [Change(kb.root / record.path, before, doc)],
            _message(record if before is record.doc else after, after),
            commit=commit,
            seen=True,
        )
    except PmopsError as exc:
        exc.hint = f"{exc.hint}; {kept}" if exc.hint else kept
        raise
    _drop(buffer)
    warnings = kb.repo.warnings if kb.repo else []
    fields = changed(record.doc, doc) if before is record.doc else ["front-matter"]  # mended: it did not read
    return Outcome("edit", after, sha, fields, notes=early + notes + warnings)


def _editable(kb: KnowledgeBase, ref: str) -> tuple[Record, Document | RawFile, Problem | None]:
    """The document `ref` names and the file as read. A file pmops cannot read as a document
    (front-matter YAML that does not parse: a conflict marker, an unclosed bracket) is opened too,
    so the user can mend it: named by its path, or by its id as its file name starts with it (the
    way `find` looks first). Its record then stands in with only its id (from the name) and its
    type (by id, else by folder); the file as read (a RawFile) is what the write checks against;
    and why it does not read, to show at the top."""
    try:
        record = kb.find(ref)
        return record, record.doc, None
    except (NotFound, DocumentError) as exc:
        found = _unreadable(kb, ref.strip())
        if found is None:
            raise exc from None
    path, why = found
    rel = kb.rel(path)
    data = kb.read_bytes(path)
    doc_id = ids.id_in_name(path.name)
    stub = f"---\nid: {doc_id}\n---\n" if ids.looks_like_id(doc_id) else ""
    record = kb.record(documents.parse(rel, stub.encode()))
    newline = "\r\n" if b"\r\n" in data else "\n"
    return replace(record, doc=replace(record.doc, newline=newline)), RawFile(rel, data), why


def _unreadable(kb: KnowledgeBase, ref: str) -> tuple[Path, Problem] | None:
    """The file `ref` names that does not read as a document: by its path, or by the id its name
    starts with (an id, or a unique prefix of one), in the folder of the type of that prefix."""
    candidates: list[Path] = []
    as_path = kb.file_named(ref) if ref.endswith(".md") else None
    if as_path is not None:
        candidates = [as_path]
    elif "-" in ref and not any(c in ref for c in "/*?["):
        folders = [kb.root / t.folder for t in kb.registry.values() if t.prefix == ref.split("-", 1)[0]]
        candidates = [p for f in folders if f.is_dir() for p in f.glob(glob.escape(ref) + "*.md")]
    if len(candidates) != 1:
        return None
    try:
        kb.read(candidates[0])
    except DocumentError as exc:
        return candidates[0], Problem(exc.message, exc.hint)
    return None


def changed(before: Document, after: Document) -> list[str]:
    """The fields whose values differ, then `body` when the text below the front-matter does."""
    keys = [*before.meta, *(k for k in after.meta if k not in before.meta)]
    names = [k for k in keys if before.meta.get(k) != after.meta.get(k)]
    if before.body != after.body:
        names.append("body")
    if not names and before.to_bytes() != after.to_bytes():
        names.append("layout")  # comments, quoting or spacing of the front-matter
    return names


def _message(before: Record, after: Record) -> str:
    """The commit's subject: the document as it is now; a new title says the one it replaces."""
    title, old = (" ".join(r.title.split())[:120] for r in (after, before))
    was = f' (was "{old}")' if old != title else ""
    return f'pmops: edit {after.type} {after.id or after.path} "{title}"{was}'


def _start(buffer: Path, original: bytes, newline: str) -> tuple[bytes | None, Path | None]:
    """Put the document in the copy for the editor, and note what it is based on (the document's
    hash, in a file beside it). A copy an earlier edit left (the editor failed, or the same problems
    were saved again) is opened instead, with a line saying so, when the document did not change
    since it was made; when it did (`pmops set`, a pull), reopening it would undo the newer change:
    the copy is moved aside, never overwritten, and the editor gets the document as it is now, with
    a line naming where the earlier text went. Returns (what was written when not just the
    document, the path of a copy moved aside)."""
    buffer.parent.mkdir(parents=True, exist_ok=True)
    try:
        left = buffer.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        left = None
    if left is None or without_problems(left).encode("utf-8") == original or not without_problems(left).strip():
        _write(buffer, original)
        _write(_base(buffer), _hash(original).encode("ascii"))
        return None, None
    try:
        based_on = _base(buffer).read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        based_on = None  # a copy from a pmops that did not note it: it may predate any change
    if based_on == _hash(original):
        note = Problem("this is your unsaved text from an earlier pmops edit (the document itself did not change)",
                       "save it to check and commit it, or empty the file to give up")  # fmt: skip
        shown = with_problems(without_problems(left), [note], newline).encode("utf-8")
        _write(buffer, shown)
        return shown, None
    aside = _free(buffer)
    buffer.rename(aside)
    _base(buffer).unlink(missing_ok=True)
    note = Problem(f"the document changed since your earlier pmops edit: that text is kept in {aside}",
                   "copy from it what you still want; saving this never overwrites the newer change")  # fmt: skip
    shown = with_problems(original.decode("utf-8"), [note], newline).encode("utf-8")
    _write(buffer, shown)
    _write(_base(buffer), _hash(original).encode("ascii"))
    return shown, aside


def _base(buffer: Path) -> Path:
    """Where the hash of the document a copy was made from is kept."""
    return buffer.with_name(buffer.name + ".base")


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _free(buffer: Path) -> Path:
    """A name beside the copy for an earlier text moved aside (never one in use)."""
    stem = buffer.name.removesuffix(".md")
    n = 1
    while (path := buffer.with_name(f"{stem}.earlier-{n}.md")).exists():
        n += 1
    return path


def _drop(buffer: Path) -> None:
    """The copy and its note, once its text is committed or given up on."""
    buffer.unlink(missing_ok=True)
    _base(buffer).unlink(missing_ok=True)


def _aside(aside: Path | None) -> str | None:
    return f"your earlier text is kept in {aside}" if aside else None


def _kept(buffer: Path, original: bytes, kept: str) -> str | None:
    """The hint after a failed editor: where the text is, when it is not just the document."""
    try:
        if buffer.read_bytes() == original:
            _drop(buffer)
            return None
    except OSError:
        return None
    return kept


def _write(path: Path, data: bytes) -> None:
    """The copy, written as the user's own file would be (readable by them only: it may hold quotes)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
