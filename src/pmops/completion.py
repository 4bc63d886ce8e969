"""What a shell completes: documents' ids and titles, tags, choices, field names, read cheaply.

A completion runs on every Tab, so it reads the type folders' listings and, for a few
documents, their front-matter: never git, never the index, never every file's text.
Each function returns (value, help) pairs; the CLI keeps those that start with what was typed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmops import ids

if TYPE_CHECKING:
    from pmops.doctypes import DocType, Field
    from pmops.kb import KnowledgeBase

TITLES_READ = 60  # files whose title one completion reads (past it, the file name's words stand in)

Pair = tuple[str, str]
Keep = Callable[[Mapping[str, Any]], bool]  # a document's front-matter → whether a command can take it


@dataclass(frozen=True)
class _File:
    doctype: DocType
    id: str
    slug: str  # the title as the file name spells it
    path: Path


def documents(
    kb: KnowledgeBase, typed: str, types: Iterable[str] = (), *, names: bool = False, where: Keep | None = None
) -> list[Pair]:
    """Documents of `types` (every type pmops writes when none) for a REF: ids starting with
    what was typed, with their titles as help; when no id does, titles with a word starting with
    it (any case), spelt as they are, with their ids. `names`: titles first,
    for the types people name (a tool, a metric, a person), ids when one is being typed. `where`:
    only those whose front-matter it keeps (a command that takes a proposed decision offers those)."""
    files, read = list(_files(kb, _types(kb, types))), {}
    if where is not None:
        files = _kept(kb, files, where, read)
    lowered = typed.casefold()
    by_id = [f for f in files if f.id.startswith(lowered)]
    if names and not (typed and by_id and "-" in typed):
        return _titles(kb, files, typed, read) or [(f.id, f.slug.replace("-", " ")) for f in by_id]
    if not typed or by_id:
        titles = _read_titles(kb, by_id, read) if len(by_id) <= TITLES_READ else {}
        return [(f.id, titles.get(f.id) or f.slug.replace("-", " ")) for f in by_id]
    return _titles(kb, files, typed, read)


def tags(kb: KnowledgeBase) -> list[Pair]:
    """The taxonomy's tags, each with its facet."""
    vocabulary = kb.taxonomy
    return sorted((tag, facet) for tag, facet in vocabulary.tags.items())


def values(kb: KnowledgeBase, fld: Field, typed: str = "", *, new: bool = False) -> list[Pair]:
    """What a field can be given: its choices (a new document's, `new`), the taxonomy's tags, the
    documents it refers to (by what was typed); nothing for free text, numbers and dates."""
    if fld.choices:
        return [(c, "") for c in (fld.initial if new and fld.initial else fld.choices)]
    if fld.kind == "bool":
        return [("true", ""), ("false", "")]
    if fld.kind == "tags":
        return tags(kb)
    if fld.refers:
        target = kb.doctype(fld.refers)
        return documents(kb, typed, (target.name,), names=target.unique_titles)
    return []


def assignments(
    kb: KnowledgeBase, doctype: DocType, typed: str, *, new: bool = False, changing: bool = False
) -> list[Pair]:
    """FIELD=VALUE words: the type's field names (`FIELD=`, with their help), or, once a field
    is named (or only one starts with what was typed), FIELD=value for each value it can take.
    `changing` (`pmops set`): only what set takes (DocType.settable, DocType.lifecycle_step)."""
    name, sep, value = typed.partition("=")
    fields = [f for f in doctype.fields if f.name != "id" and f.name.startswith(name)]
    fields = [f for f in fields if doctype.settable(f.name)] if changing else fields
    if sep or len(fields) == 1:
        fld = doctype.field(name) if sep else fields[0]
        given = field_values(kb, doctype, fld, value, new=new, changing=changing) if fld else []
        if given:
            return [(f"{fld.name}={value}", about) for value, about in given]
    return [(f"{f.name}=", f.help) for f in fields]


def field_values(
    kb: KnowledgeBase, doctype: DocType, fld: Field, typed: str = "", *, new: bool = False, changing: bool = False
) -> list[Pair]:
    """What a type's field can be given (`values`); `changing` (`pmops set`): not a field or a value that is a
    step of the type's lifecycle (status=accepted: pmops decision accept), which set refuses."""
    if changing and not doctype.settable(fld.name):
        return []
    found = values(kb, fld, typed, new=new)
    return [(v, about) for v, about in found if not changing or doctype.lifecycle_step(fld.name, v) is None]


def doctype_of(kb: KnowledgeBase, ref: str) -> DocType | None:
    """The type of the document a REF names, from its id's prefix or its folder (no file read), else from
    the file whose name is its title (`Bug triage`: processes/prc-…-bug-triage.md; a listing, no file read)."""
    head = ref.strip().split("-", 1)[0]
    folder = ref.strip().split("/", 1)[0]
    for doctype in kb.registry.values():
        if doctype.writable and (doctype.prefix == head or (doctype.folder == folder and "/" in ref)):
            return doctype
    slug = ids.slugify(ref) if ref.strip() else ""
    named = {f.doctype.name: f.doctype for f in _files(kb, _types(kb, ())) if slug and f.slug == slug}
    return next(iter(named.values())) if len(named) == 1 else None


def _types(kb: KnowledgeBase, names: Iterable[str]) -> list[DocType]:
    wanted = list(names)
    return [kb.doctype(n) for n in wanted] if wanted else [t for t in kb.registry.values() if t.writable]


def _files(kb: KnowledgeBase, doctypes: list[DocType]) -> Iterator[_File]:
    """The documents of these types, from their folders' listings (and their subfolders'): a pmops file name is
    its id and its title; a file renamed by hand (`git mv`) is read for its id, up to TITLES_READ of them."""
    for doctype in doctypes:
        renamed = []
        for entry in _entries(kb.root / doctype.folder):
            name = entry.name
            doc_id = ids.id_in_name(name) if name.startswith(doctype.prefix + "-") else ""
            if ids.looks_like_id(doc_id):
                yield _File(doctype, doc_id, name[len(doc_id) + 1 : -3], Path(entry.path))
            else:
                renamed.append(Path(entry.path))
        for path in renamed[:TITLES_READ]:
            try:
                meta = kb.read(path).meta
            except Exception:  # a file that does not read is not offered
                continue
            doc_id, title = meta.get("id"), meta.get(doctype.title_field)
            if isinstance(doc_id, str) and doc_id.startswith(doctype.prefix + "-"):
                yield _File(doctype, doc_id, ids.slugify(title) if isinstance(title, str) else "", path)


def _entries(folder: Path) -> Iterator[os.DirEntry]:
    """The markdown files of a folder and of its subfolders, by name; hidden ones and folder links left out."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _entries(Path(entry.path))
        elif entry.name.endswith(".md") and entry.is_file(follow_symlinks=False):
            yield entry


def _titles(kb: KnowledgeBase, files: list[_File], typed: str, read: dict[str, str] | None = None) -> list[Pair]:
    """Titles with a word that starts with what was typed (any case: `park` and `theo p` find Theo Park),
    spelt as the document spells them, with their ids: those that start with it first. Only files whose
    name has a word starting with the typed words' slug are read."""
    slug = ids.slugify(typed) if typed.strip() else ""
    slug = "" if slug == "untitled" else slug
    chosen = [f for f in files if ("-" + f.slug).find("-" + slug) >= 0][: TITLES_READ * 4]
    lowered = " ".join(typed.casefold().split())
    word = re.compile(r"(?<![^\W_])" + re.escape(lowered)) if lowered else None
    found = []
    for doc_id, title in _read_titles(kb, chosen, read).items():
        folded = title.casefold()
        if word is None or word.search(folded):
            found.append((not folded.startswith(lowered), title.casefold(), title, doc_id))
    return [(title, doc_id) for _, _, title, doc_id in sorted(found)]


def _read_titles(kb: KnowledgeBase, files: list[_File], read: dict[str, str] | None = None) -> dict[str, str]:
    """The files' titles (`read`: those already read, by id)."""
    titles = {}
    for f in files:
        if read is not None and f.id in read:
            titles[f.id] = read[f.id]
            continue
        try:
            title = _title(f, kb.read(f.path).meta)
        except Exception:  # a file that does not read completes by its id alone
            continue
        if title:
            titles[f.id] = title
    return titles


def _title(f: _File, meta: Mapping[str, Any]) -> str:
    value = meta.get(f.doctype.title_field)
    return " ".join(value.split()) if isinstance(value, str) else ""


def _kept(kb: KnowledgeBase, files: list[_File], where: Keep, read: dict[str, str]) -> list[_File]:
    """The files whose front-matter `where` keeps (their titles noted in `read`, by id, so they are not read
    again); past TITLES_READ × 4 files, all of them (a completion reads a few files, never every one:
    offering one too many beats a wait on every Tab)."""
    if len(files) > TITLES_READ * 4:
        return files
    kept = []
    for f in files:
        try:
            meta = kb.read(f.path).meta
        except Exception:  # a file that does not read is not offered
            continue
        if where(meta):
            kept.append(f)
            if title := _title(f, meta):
                read[f.id] = title
    return kept


def status_is(*statuses: str) -> Keep:
    """Documents in one of these statuses (`decision accept`: proposed ones)."""
    return lambda meta: str(meta.get("status") or "") in statuses


def still_here(meta: Mapping[str, Any]) -> bool:
    """A person still in the team: no last day written, not left, not archived (`person leave` offers them)."""
    return not meta.get("end") and str(meta.get("status") or "") not in ("left", "archived")


def columns(described: str, typed: str) -> list[Pair]:
    """--columns NAME,NAME…: the names a listing's --columns help gives (`id, title, … (the default), or …`;
    what is in brackets is a note), after those already typed (`id,ti` offers `id,title`), none twice."""
    plain = re.sub(r"\([^)]*\)", "", described)
    names = [part.strip().removeprefix("or ").strip() for part in plain.split(",")]
    head, comma, _ = typed.rpartition(",")
    given = {n.strip() for n in head.split(",")}
    return [(f"{head}{comma}{n}", "") for n in dict.fromkeys(names) if re.fullmatch(r"[a-z_]+", n) and n not in given]


def open_steps(kb: KnowledgeBase, ref: str) -> list[Pair]:
    """`onboard done NAME STEP`: the steps of NAME's plan not done yet, by id (W1-2), with their text."""
    from pmops import onboarding

    return [(s.id, s.text) for s in onboarding.steps(onboarding.plan_of(kb, ref).doc.body) if not s.done]


def open_items(kb: KnowledgeBase, ref: str) -> list[Pair]:
    """`checklist tick RUN ITEM`: the run's items not ticked yet, by number, with their text."""
    from pmops import bodies, checklists

    return [(str(i.number), i.text) for i in bodies.checkboxes(checklists.find_run(kb, ref).doc.body) if not i.done]


def tags_but(kb: KnowledgeBase, ref: str) -> list[Pair]:
    """`set REF --add-tag`: the taxonomy's tags the document does not have yet."""
    record = kb.find(ref)
    have = {kb.taxonomy.canonical(str(t)) for t in record.values.get("tags") or []}
    return [(tag, facet) for tag, facet in tags(kb) if tag not in have]


def tags_on(kb: KnowledgeBase, ref: str) -> list[Pair]:
    """`set REF --remove-tag`: the tags the document has."""
    return [(str(tag), "") for tag in kb.find(ref).values.get("tags") or []]
