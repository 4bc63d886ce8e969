"""Typed reading: which type a file is, its values by the registry, and finding documents."""

from __future__ import annotations

import datetime as dt
import glob
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmops import bodies, taxonomy, yamlsafe
from pmops.doctypes import ARCHIVED, PAGE, DocType, Field
from pmops.documents import Document
from pmops.errors import DocumentError, InvalidInput, NotFound, PmopsError
from pmops.kb.tree import Tree
from pmops.text import a


@dataclass
class Record:
    """A document with its type and typed field values (what commands show and list)."""

    doc: Document
    doctype: DocType
    values: dict[str, Any]
    problems: dict[str, str] = field(default_factory=dict)  # field -> why it did not convert

    @property
    def path(self) -> str:
        return self.doc.path

    @property
    def id(self) -> str | None:
        value = self.doc.meta.get("id")
        return value if isinstance(value, str) and value else None

    @property
    def type(self) -> str:
        return self.doctype.name

    @property
    def title(self) -> str:
        value = self.values.get(self.doctype.title_field)
        if isinstance(value, str) and value.strip():
            return value
        return bodies.title(self.doc.body) or Path(self.path).stem

    def to_json(self, *, body: bool = False) -> dict[str, Any]:
        """The front-matter fields (typed where the type declares them) plus id, type, path."""
        data: dict[str, Any] = {k: v for k, v in self.doc.meta.items()}
        data.update({k: v for k, v in self.values.items() if k not in self.problems and v not in (None, [])})
        data.update({"id": self.id or self.path, "type": self.type, "path": self.path, "title": self.title})
        if body:
            data["body"] = self.doc.body
        return yamlsafe.plain(data)


def is_archived(record: Record) -> bool:
    """Whether a document was archived (`pmops archive`): kept, but out of lists, search and reports."""
    return record.doctype.writable and record.values.get("status") == ARCHIVED


def shown(records: Iterable[Record], archived: bool | None = False) -> list[Record]:
    """The records a listing shows: the live ones (`archived` False), the archived ones (True), or all (None)."""
    return [r for r in records if archived is None or is_archived(r) == archived]


def type_of(registry: dict[str, DocType], doc: Document) -> DocType:
    """By id prefix first (a moved file keeps its type), then by top folder, else a page."""
    doc_id = doc.meta.get("id")
    if isinstance(doc_id, str) and "-" in doc_id:
        prefix = doc_id.split("-", 1)[0]
        for doctype in registry.values():
            if doctype.prefix == prefix:
                return doctype
    top = Path(doc.path).parts[0] if len(Path(doc.path).parts) > 1 else None
    for doctype in registry.values():
        if doctype.folder == top:
            return doctype
    return PAGE


def record(registry: dict[str, DocType], doc: Document) -> Record:
    """A document with its values converted by its type (what did not convert, in `problems`)."""
    doctype = type_of(registry, doc)
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for fld in doctype.fields:
        raw = doc.meta.get(fld.name)
        try:
            values[fld.name] = fld.convert(raw)
        except ValueError as exc:
            problems[fld.name] = str(exc)
    return Record(doc, doctype, values, problems)


class Catalog(Tree):
    """A KB's documents typed by its registry, found by id, name or filters."""

    def __init__(self, root: Path, registry: dict[str, DocType]) -> None:
        super().__init__(root)
        self.registry = registry
        self._all_ids: set[str] | None = None

    def doctype(self, name: str) -> DocType:
        try:
            return self.registry[name]
        except KeyError:
            raise InvalidInput(
                f"unknown document type '{name}'", hint=f"known types: {', '.join(self.registry)}"
            ) from None

    def type_of(self, doc: Document) -> DocType:
        return type_of(self.registry, doc)

    def record(self, doc: Document) -> Record:
        return record(self.registry, doc)

    def load(self, path: Path) -> Record:
        return self.record(self.read(path))

    def records(
        self, doctype: DocType | None = None, on_error: Callable[[DocumentError], None] | None = None
    ) -> Iterator[Record]:
        """Every readable document (of one type when given). Unreadable files go to `on_error`."""
        under = self.root / doctype.folder if doctype else None
        if under is not None and not under.is_dir():
            return
        for path in self.paths(under):
            try:
                rec = self.load(path)
            except DocumentError as exc:
                if on_error:
                    on_error(exc)
                continue
            if doctype is None or rec.doctype is doctype:
                yield rec

    def find(self, ref: str) -> Record:
        """The one document whose id is `ref` or starts with it (or whose path is `ref`).

        File names start with the id, so the common case reads one file; a moved or
        renamed file is still found by the full scan that follows.
        """
        ref = ref.strip()
        if not ref:
            raise InvalidInput("an id is required")
        as_path = (self.root / ref).resolve()
        if ref.endswith(".md") and as_path.is_file() and self.inside(as_path):
            return self.load(as_path)
        # Look in the folder of the type whose prefix the id starts with, by file name.
        folders = [self.root / t.folder for t in self.registry.values() if t.prefix == ref.split("-", 1)[0]]
        by_name = [p for folder in folders if folder.is_dir() for p in folder.glob(glob.escape(ref) + "*.md")]
        matches = _matching(ref, self._readable(sorted(by_name)))
        if not matches:
            matches = _matching(ref, self.records())
        if not matches:
            raise NotFound(f"no document with id '{ref}'", hint="'pmops search' finds documents by their words")
        exact = [r for r in matches if r.id == ref]
        if exact:
            matches = exact
        unique = {r.path: r for r in matches}
        if len(unique) > 1:
            listed = ", ".join(sorted(str(r.id) for r in unique.values())[:5])
            raise NotFound(f"'{ref}' matches {len(unique)} documents: {listed}", hint="give more of the id")
        return next(iter(unique.values()))

    def find_as(self, ref: str, type_name: str) -> Record:
        """find(ref), refusing a document of another type (exit 2)."""
        record = self.find(ref)
        if record.type != type_name:
            raise InvalidInput(f"{record.id or record.path} is a {record.type}, not {a(type_name)}")
        return record

    def named(self, type_name: str, name: str) -> Record | None:
        """The document of a type whose title field (a tool's or a person's name) is `name`, any case."""
        doctype = self.doctype(type_name)
        wanted = " ".join(name.split()).casefold()
        for record in self.records(doctype):
            if " ".join(str(record.values.get(doctype.title_field) or "").split()).casefold() == wanted:
                return record
        return None

    def find_named(self, type_name: str, ref: str) -> Record:
        """A document of a type by its name, else by its id (or a unique prefix)."""
        return self.named(type_name, ref) or self.find_as(ref, type_name)

    def has_id(self, doc_id: str) -> bool:
        """Whether some document has exactly this id (for links).

        By file name first; the first miss reads every document once, later ones use that.
        """
        if self._all_ids is None:
            try:
                if self.find(doc_id).id == doc_id:
                    return True
            except PmopsError:
                pass
            self._all_ids = {r.id for r in self.records() if r.id}
        return doc_id in self._all_ids

    def _readable(self, paths: Iterable[Path]) -> Iterator[Record]:
        for path in paths:
            try:
                yield self.load(path)
            except DocumentError:
                continue

    def select(
        self,
        doctype: DocType,
        where: dict[str, str] | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        date_field: str = "date",
        archived: bool | None = False,
    ) -> list[Record]:
        """Documents of a type matching every filter (list fields: any element), newest first.

        Archived ones are left out (`archived` False), or are all there is (True), or are
        kept among the others (None); a filter on `status: archived` asks for them."""
        if (since or until) and doctype.field(date_field) is None:
            raise InvalidInput(f"--since and --until need a date: {doctype.plural} have no '{date_field}' field")
        wanted = {k: _norm_filter(doctype.field(k), v) for k, v in (where or {}).items() if v}
        if wanted.get("status") == ARCHIVED and archived is False:
            archived = None
        chosen = []
        for rec in self.records(doctype):
            if archived is not None and is_archived(rec) != archived:
                continue
            if not all(_matches(rec.values.get(k), v) for k, v in wanted.items()):
                continue
            when = rec.values.get(date_field)
            if (since or until) and not isinstance(when, dt.date):
                continue
            if (since and when < since) or (until and when > until):
                continue
            chosen.append(rec)
        chosen.sort(key=lambda r: (r.values.get(date_field) or dt.date.min, r.id or ""), reverse=True)
        return chosen


def _matching(ref: str, records: Iterable[Record]) -> list[Record]:
    return [r for r in records if r.id and r.id.startswith(ref)]


def _norm_filter(fld: Field | None, value: str) -> str:
    return taxonomy.normalise(value) if fld is not None and fld.kind == "tags" else value.casefold()


def _matches(actual: Any, wanted: str) -> bool:
    if isinstance(actual, list):
        return any(str(a).casefold() == wanted for a in actual)
    return actual is not None and str(actual).casefold() == wanted
