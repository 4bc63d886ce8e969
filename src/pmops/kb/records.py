"""Typed reading: which type a file is, its values by the registry, and finding documents.

(Over 400 lines: Catalog is the one finding API — by id, prefix, title, path, type and field — that
every command names documents through; its parts share its cached records and would not stand alone.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pmops import bodies, customers, taxonomy, yamlsafe
from pmops.doctypes import ARCHIVED, PAGE, PERSON, DocType, Field
from pmops.documents import Document
from pmops.errors import FIELD, FIELD_IS, Ambiguous, DocumentError, InvalidInput, NotFound, PmopsError
from pmops.kb import kept
from pmops.kb.tree import Tree, left_out
from pmops.store import kept_stamp
from pmops.text import a, close_matches, did_you_mean, either, folded, folded_name, naming, shortened

# A front-matter line giving an id (id: ins-260203-dc9k, quoted or not): its prefix. Only a first
# look at a file outside its type's folder; the file is then read as every document is.
_ID_LINE = re.compile(rb"""^id:[ \t]*["']?([A-Za-z0-9]+)-""", re.M)


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


def _lasting(record: Record) -> bool:
    """Whether its values hold on another day (it may be kept): no date written as one counted from
    today ('yesterday', '2 weeks ago'), which dates.parse reads from the clock."""
    for fld in record.doctype.fields:
        raw = record.doc.meta.get(fld.name)
        if fld.kind == "date" and isinstance(raw, str) and raw.strip():
            try:
                dt.date.fromisoformat(raw.strip()[:10])
            except ValueError:
                return False
    return True


class Catalog(Tree):
    """A KB's documents typed by its registry, found by id, name or filters."""

    def __init__(self, root: Path, registry: dict[str, DocType]) -> None:
        super().__init__(root)
        self.registry = registry
        self._all_ids: set[str] | None = None
        self._kept: dict[Path, Record] | None = None  # keep_records(): each document read once
        self._store: kept.Store | None = None  # records_kept(): the records earlier commands read
        self._listing_kept = False  # keep_records() was called (a subclass may keep records its own way)
        self._listed_paths: dict[str, Path] = {}  # and their paths, each made once
        self._prefixes: dict[Path, tuple[tuple[int, int], str | None]] = {}  # _id_prefix, by (mtime, size)
        self._listed_under: dict[str, list[Path]] = {}  # a folder's paths, listed once
        self._astray: list[tuple[str, Path]] | None = None  # keep_records(): files not where their names say

    def doctype(self, name: str) -> DocType:
        """A type of the registry by name; `page` too (the files no type claims), which pmops never writes.
        A person may say it in any case, as its plural or as its folder (`People`, `insights`)."""
        if name == PAGE.name and name not in self.registry:
            return PAGE
        try:
            return self.registry[name]
        except KeyError:
            said = name.strip().casefold()
            for doctype in self.registry.values():
                if said in (doctype.name.casefold(), doctype.plural.casefold(), doctype.folder.casefold()):
                    return doctype
            if said in (PAGE.name, PAGE.plural):
                return self.registry.get(PAGE.name, PAGE)
            known = [*self.registry, *([] if PAGE.name in self.registry else [PAGE.name])]
            spelt = {t.plural: t.name for t in self.registry.values()} | {n: n for n in known}  # insights: insight
            near = close_matches(name.casefold(), list(spelt), n=3, cutoff=0.6)
            names = list(dict.fromkeys(spelt[n] for n in near))  # peple: person, by its plural
            close = "did you mean " + " or ".join(f"'{n}'" for n in names) + "?" if names else None
            raise InvalidInput(
                f"unknown document type '{name}'", hint=(f"{close} " if close else "") + f"types: {', '.join(known)}"
            ) from None

    def type_option(self, name: str, flag: str = "--type") -> DocType:
        """The type an option names (--type of search and log), in any case; exit 2 naming the option."""
        try:
            return self.doctype(name.strip().lower())
        except InvalidInput as exc:
            raise exc.of_field("type", flag) from None

    def type_of(self, doc: Document) -> DocType:
        return type_of(self.registry, doc)

    def record(self, doc: Document) -> Record:
        return record(self.registry, doc)

    def load(self, path: Path) -> Record:
        if self._kept is None:
            return self._load(path)
        found = self._kept.get(path)
        if found is None:
            found = self._kept[path] = self._load(path)
        return found

    def _load(self, path: Path) -> Record:
        store = self._store
        if store is None:
            return self.record(self.read(path))
        rel, now = self.rel(path), kept_stamp(path)
        found = store.get(rel, now) if now is not None else None
        if found is not None:
            _, doc, values, problems = found
            return Record(doc, self.type_of(doc), values, problems)  # its type: the registry's own
        record = self.record(self.read(path))
        if now is not None and _lasting(record):
            store.put(rel, now, record.doc, record.values, record.problems)
        return record

    @contextlib.contextmanager
    def records_kept(self, state_dir: Path) -> Iterator[None]:
        """Inside, a document whose file is unchanged since an earlier command read it is not read
        again (kb/kept.py: its stat says so), and what is read anew is kept for the next command
        (in `state_dir`, pmops' private folder). For commands that read many documents to compute
        one answer (pmops prioritize: 500 opportunities and the thousands of insights they cite;
        pmops digest: every decision, process, plan… of the KB)."""
        if self._store is not None:
            yield
            return
        self._store = kept.Store(state_dir / "records.kept", kept.signature(self.root))
        try:
            yield
            self._store.save()
        finally:
            self._store = None

    def keep_records(self) -> None:
        """From now on, read each document once (a command that only reads and asks several questions
        of the same documents: the digest). Never for a command that writes: its records would go stale."""
        if self._kept is None:
            self._kept = {}
        if self._listings is None:  # the KB listed once (Tree.keep_listings): it writes nothing to forget them
            self.keep_listings()
        self._listing_kept = True

    def listing(self, under: Path | None = None, where: Callable[[str], bool] | None = None) -> Iterable[Path]:
        """`paths(under)`, those whose KB-relative path `where` accepts. Once records are kept
        (keep_records), the KB is listed once (`listed`) and each path made once; a file git still
        tracks after it was deleted is skipped when it is read (by `records`), not looked at before."""
        if not self._listing_kept:
            return (p for p in self.paths(under) if where is None or where(self.rel(p)))
        listing = self.listed()  # kept: keep_records keeps the listings too
        prefix = self.rel(under) + "/" if under is not None else ""
        if where is None and prefix in self._listed_under:
            return list(self._listed_under[prefix])
        made = self._listed_paths
        found = [made.get(rel) or made.setdefault(rel, self.root / rel) for rel in listing
                 if rel.startswith(prefix) and (where is None or where(rel))]  # fmt: skip
        if where is None:
            self._listed_under[prefix] = found
        return list(found)

    def records(
        self, doctype: DocType | None = None, on_error: Callable[[DocumentError], None] | None = None
    ) -> Iterator[Record]:
        """Every readable document (of one type when given). Unreadable files go to `on_error`.

        A type's documents are those `type_of` gives it, wherever they sit: its folder's, and
        any moved out of it (`git mv` into the handbook, or into another type's folder), which
        keep their type by their id. Listings, themes and reports count them as `show`, search
        and lint do."""
        if doctype is None:
            paths: Iterable[Path] = self.listing()
        else:
            under = self.root / doctype.folder
            paths = [*(self.listing(under) if under.is_dir() else ())]
            paths += self._moved_out(doctype) if doctype.prefix and doctype.folder else []
        for path in paths:
            try:
                rec = self.load(path)
            except DocumentError as exc:
                if self._listing_kept and not os.path.lexists(path):
                    continue  # deleted, still tracked: not a document (as paths() says)
                if on_error:
                    on_error(exc)
                continue
            if doctype is None or rec.doctype is doctype:
                yield rec

    def _moved_out(self, doctype: DocType) -> list[Path]:
        """The files outside a type's folder that may be its documents: those whose front-matter may
        give an id of its prefix (`records` reads each to be sure). A file in another type's folder
        whose name starts with that type's prefix is that type's, and is not opened; any other file
        (a page, a file named by hand) is read as bytes once, the answer kept while its size and
        time stay the same."""
        named = {t.folder: t.prefix + "-" for t in self.registry.values() if t.writable and t.folder and t.prefix}
        leaving = {**named, doctype.folder: ""}
        if self._listing_kept:  # the KB listed once (keep_records): picked from that listing
            # The files no type's folder and prefix account for, found once for every type (a pass
            # over 10,000 paths a type was a tenth of a digest); a type's own are those outside its folder.
            if self._astray is None:
                self._astray = [(self.rel(p), p) for p in self.listing(where=lambda rel: not left_out(rel, named))]
            paths = [p for rel, p in self._astray if not left_out(rel, {doctype.folder: ""})]
        else:  # git leaves out what their names say
            paths = [self.root / rel for rel in self.listed(leaving_out=leaving)]
        return [path for path in paths if self._id_prefix(path) == doctype.prefix]  # (None: no longer there)

    def _id_prefix(self, path: Path) -> str | None:
        """The prefix of the id a file's `id:` line gives (ins of ins-260203-dc9k), None without one;
        read as bytes (no YAML), and kept by the file's size and time."""
        try:
            st = path.stat()
        except OSError:
            return None
        key = (st.st_mtime_ns, st.st_size)
        kept = self._prefixes.get(path)
        if kept is not None and kept[0] == key:
            return kept[1]
        try:
            data = self.read_bytes(path)
        except (DocumentError, OSError):
            data = b""
        head = data[3:] if data.startswith(b"---") else data[6:] if data.startswith(b"\xef\xbb\xbf---") else b""
        match = _ID_LINE.search(head, 0, max(head.find(b"\n---"), 0))  # in the front-matter only
        prefix = match[1].decode("ascii") if match else None
        self._prefixes[path] = (key, prefix)
        return prefix

    def find(self, ref: str, *types: str) -> Record:
        """The one document `ref` names — the only resolver of what a command is given as a document:
        its path, its id, a unique prefix of an id, or its exact title (any case, spaces as written
        or not). With `types`, the document must be of one of them.

        In this order: a path; an id by file name (file names start with the id, so the common case
        reads one folder); the documents of `types` by id or title; then every document (a moved or
        renamed file is still found). An exact id wins, then an exact title, then a prefix.
        Several matches: Ambiguous (exit 1), listing them. A document of another type: InvalidInput
        (exit 2). None: NotFound (exit 1), with the nearest ids and titles as suggestions.
        """
        ref = ref.strip()
        wanted = [self.doctype(t) for t in types]
        if not ref:
            raise InvalidInput(f"{a(wanted[0].name) if wanted else 'a document'}'s id or title is required")
        if any(ord(c) < 32 for c in ref):  # a NUL or a line break names no file, id or title
            raise InvalidInput(f"{ref[:60]!r}: an id or title holds no control characters (a NUL, a line break)")
        if ref.endswith(".md") and (as_path := self.file_named(ref)) is not None:
            try:
                return self._of_type(self.load(as_path), ref, types)
            except DocumentError as exc:
                raise _unreadable(ref, [exc]) from None
        # The folder of the type whose prefix the id starts with, by file name.
        folders = [self.root / t.folder for t in self.registry.values() if t.prefix == ref.split("-", 1)[0]]
        by_name = [p for folder in folders if folder.is_dir() for p in folder.glob(glob.escape(ref) + "*.md")]
        unread: list[DocumentError] = []  # files the ref names by their names that do not read
        found = _chosen(ref, list(self._readable(sorted(by_name), unread.append)), types)
        if found is None and wanted:
            found = _chosen(ref, [r for t in wanted for r in self.records(t)], types)
        everything: list[Record] = []
        if found is None:
            everything = list(self.records())
            found = _chosen(ref, everything, types)
        if found is None:
            found = self._by_other_name(ref, wanted)
        if found is None:
            raise _unreadable(ref, unread) if unread else self._not_found(ref, wanted, everything)
        if len(found) > 1:
            same_title = all(folded(r.title) == folded(ref) for r in found)  # the exact title, of several: an id
            hint = (
                "they share that title: give the id of one" if same_title else "give more of the id, or the exact title"
            )
            raise Ambiguous(ref, [_labelled(r) for r in found], hint=hint)
        return self._of_type(found[0], ref, types)

    def register_keys(self, doctype: DocType) -> dict[str, Record]:
        """The documents of a register (a type with other names: customers) by the key (`customers.key`)
        of each name and alias, the first one's where two share one."""
        return customers.keyed(sorted(self.records(doctype), key=lambda r: r.path), _names(doctype))[0]

    def misspelt(self, fld: Field, value: object) -> list[str]:
        """What a create or a set says of a name written to a field naming a register's document (an insight's
        customer) that the register does not have, nor a name starting with those words, but has one close
        to it ('Northwnd'): a warning with the suggestion, as lint's customer-unknown. Still written: a
        new customer may be meant."""
        target = self.registry.get(fld.refers or "") if fld.kind == "text" else None
        if target is None or not target.aliases or customers.key(value) is None:
            return []
        by_key = self.register_keys(target)
        if not by_key or customers.named(value, by_key) is not None:
            return []
        said = customers.closest_name(value, by_key, _names(target))
        if said is None:
            return []
        return [f"warning: {fld.name}: '{value}' is not in the {target.name} register; did you mean '{said}'? "
                f'kept as given (pmops {target.name} add "{value}" registers a new one)']  # fmt: skip

    def _by_other_name(self, ref: str, wanted: list[DocType]) -> list[Record] | None:
        """The document of a register (a type with other names: customers) that `ref` names by its name or an
        alias, any spelling `customers.key` folds, or by the first words of one ("atlas"): what `customer show`
        finds (customers.named, the rule accounts.Register keeps too), so that `pmops set zephyr arr=…` fixes the customer it shows; else None."""
        for doctype in wanted or self.registry.values():
            if not doctype.aliases:
                continue
            found = customers.named(ref, self.register_keys(doctype))
            if found is not None:
                return [found]
        return None

    def _of_type(self, record: Record, ref: str, types: tuple[str, ...]) -> Record:
        """The record, when it is of one of `types` (or any type when none is named); else exit 2."""
        if types and record.type not in types:
            named = " or ".join(a(t) for t in types)
            raise InvalidInput(f"{naming(ref, record.id or record.path)} is {a(record.type)}, not {named}")
        return record

    def _not_found(self, ref: str, wanted: list[DocType], everything: list[Record]) -> NotFound:
        among = [r for r in everything if not wanted or r.doctype in wanted]
        names = {r.title: r for r in among} | {r.id: r for r in among if r.id}
        close = close_matches(ref, list(names), n=3, cutoff=0.6)
        close += [k for k in names if k.casefold().startswith(ref.casefold()) and k not in close][: 3 - len(close)]
        what = " or ".join(t.name for t in wanted) if wanted else "document"
        if close:
            hint = "did you mean " + ", ".join(_labelled(names[k]) for k in close) + "?"
        else:
            hint = (
                f"'{wanted[0].list_command}' lists them"
                if len(wanted) == 1
                else "'pmops search' finds documents by their words"
            )
        error = NotFound(f"no {what} with the id or title '{ref}'", hint=hint)
        error.suggestions = tuple(close)
        return error

    def named(self, type_name: str, name: str, other_than: str | None = None) -> Record | None:
        """The document of a type whose title field (a tool's or a person's name), or one of its other
        names (a customer's aliases), is `name`, any case (whether a new name is taken; commands
        resolve what they are given with `find`); the one at path `other_than` aside. A type with
        other names (a register: customers) compares them as lookup does (`customers.key`: legal
        suffixes and punctuation aside, so "Lumen Health Systems, Inc." is Lumen Health Systems), and a
        person's name as the roster compares names, accents aside (`text.folded_name`: Zoe Elan is Zoë Élan)."""
        doctype = self.doctype(type_name)
        compare = _register_key if doctype.aliases else folded_name if doctype.name == PERSON.name else folded
        wanted = compare(name)
        for record in self.records(doctype):
            if record.path == other_than:
                continue
            if compare(str(record.values.get(doctype.title_field) or "")) == wanted:
                return record
            other_names = record.values.get(doctype.aliases) if doctype.aliases else None
            if any(compare(str(alias)) == wanted for alias in other_names or []):  # a customer's other names
                return record
        return None

    def file_named(self, ref: str) -> Path | None:
        """The file a path names in the KB, as written or in the other Unicode form (a file macOS
        named `café.md` in NFD, given in NFC as typed, and the other way round); None when none."""
        for written in dict.fromkeys([ref, unicodedata.normalize("NFC", ref), unicodedata.normalize("NFD", ref)]):
            path = (self.root / written).resolve()
            if path.is_file() and self.inside(path):
                return path
        return None

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

    def _readable(
        self, paths: Iterable[Path], on_error: Callable[[DocumentError], None] | None = None
    ) -> Iterator[Record]:
        for path in paths:
            try:
                yield self.load(path)
            except DocumentError as exc:
                if on_error:
                    on_error(exc)

    @cached_property
    def taxonomy(self) -> taxonomy.Taxonomy:
        """The KB's tag vocabulary (taxonomy.yaml; empty without one)."""
        from pmops import config

        return taxonomy.from_data(config.read_yaml(self.root / taxonomy.FILENAME, taxonomy.FILENAME))

    def _filter(self, doctype: DocType, name: str, value: str, records: list[Record]) -> Callable[[Any], bool]:
        """A listing's filter on one field, as a test of a value. Tags are read through the taxonomy
        (a synonym finds its tag, and a document's synonym counts as its tag); a choice is one of the
        field's choices; a customer is one however written (pmops.customers.key); anything else
        matches in any case. A tag neither in the taxonomy nor on any document, or a value not
        among the choices: exit 2 with the nearest."""
        fld = doctype.field(name)
        flag = fld.flag if fld is not None else name  # as listings take it (pmops list TYPE takes FIELD=VALUE)
        if fld is not None and fld.kind == "tags":
            vocabulary = self.taxonomy

            def canonical(tag: str) -> str:
                return vocabulary.canonical(taxonomy.normalise(tag))

            used = {canonical(str(t)) for r in records for t in r.values.get(name) or []}
            tag = canonical(value)
            if tag not in used and tag not in vocabulary.tags:
                close = close_matches(tag, sorted(used | set(vocabulary.tags) | set(vocabulary.synonyms)))
                raise InvalidInput(f"{FIELD}: no tag '{value}' in the taxonomy or on any {doctype.name}",
                                   hint=did_you_mean(value, [vocabulary.canonical(c) for c in close]) or "'pmops tags' lists them",
                                   field=name, flag=flag)  # fmt: skip
            return lambda actual: _matches(actual, tag, canonical)
        if fld is not None and fld.kind == "choice" and fld.choices:
            choices = {c.casefold(): c for c in fld.choices}
            if value.casefold() not in choices:
                raise InvalidInput(f"{FIELD} must be {either(fld.choices)}, e.g. {FIELD_IS}{fld.choices[0]}",
                                   hint=did_you_mean(value, fld.choices), field=name, flag=flag)  # fmt: skip
        if name == "customer":  # "Acme", "ACME Inc." and " acme " are one customer
            wanted = customers.key(value)
            if wanted is None:
                raise InvalidInput(f"--customer: '{value}' names no customer")
            names = self._names_of(fld, wanted, value)
            if not any(_matches(r.values.get(name), n, customers.key) for r in records for n in names):
                self._no_customer(doctype, fld, value, records, names)
            return lambda actual: any(_matches(actual, n, customers.key) for n in names)
        if fld is not None and fld.kind in TYPED:  # a date, a number, an amount: compared as values
            wanted = _typed(fld, value, flag)
            return lambda actual: any(v == wanted for v in _listed(actual))
        return lambda actual: _matches(actual, _words(value), _words)

    def _no_customer(
        self, doctype: DocType, fld: Field | None, value: str, records: list[Record], wanted: set[str]
    ) -> None:
        """A customer no document of the type names: exit 2 with the nearest names and aliases of the
        register and of those documents, unless the register has it (it has no insights yet): one of
        its names is among the `wanted` keys."""
        target = self.registry.get(fld.refers) if fld is not None and fld.refers else None
        known: list[str] = [str(v) for r in records for v in _listed(r.values.get("customer"))]
        if target is not None:
            for record in self.records(target):
                names = [record.values.get(target.title_field), *(record.values.get(target.aliases or "") or [])]
                if any(customers.key(n) in wanted for n in names if n):
                    return
                known += [str(n) for n in names if n]
        close = did_you_mean(value, sorted(set(known)))
        raise InvalidInput(f"{FIELD}: no customer '{value}' in the register or on any {doctype.name}",
                           hint=close or "'pmops customer list' lists the register", field="customer",
                           flag=fld.flag if fld is not None else "customer")  # fmt: skip

    def _names_of(self, fld: Field | None, wanted: str, value: str = "") -> set[str]:
        """A name's key and, when the field refers to a type with aliases (an insight's customer, the
        register), the keys of every name of the document it names: "Atlas" finds "Atlas Freight".
        The register's document may be named by its id or a unique prefix of it too (cus-261126-atl,
        cus-261126-a: an ambiguous prefix is exit 1 listing them), as every command names documents."""
        target = self.registry.get(fld.refers) if fld is not None and fld.refers else None
        if target is None or not target.aliases:
            return {wanted}

        def keys_of(record: Record) -> set[str]:
            names = [record.values.get(target.title_field), *(record.values.get(target.aliases) or [])]
            return {k for n in names if (k := customers.key(n))}

        for record in self.records(target):
            if wanted in (keys := keys_of(record)):
                return keys
        if target.prefix and value.strip().casefold().startswith(target.prefix + "-"):
            try:
                return keys_of(self.find(value.strip().casefold(), target.name)) or {wanted}
            except Ambiguous:
                raise
            except NotFound:
                pass
        return {wanted}

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
        kept among the others (None); a filter on `status: archived` asks for them. A filter given
        empty (`--customer ''`) is exit 2, as `pmops list TYPE FIELD=` is: it would narrow nothing."""
        if (since or until) and doctype.field(date_field) is None:
            raise InvalidInput(f"--since and --until need a date: {doctype.plural} have no '{date_field}' field")
        if since and until and since > until:
            raise InvalidInput(f"--since {since} is after --until {until}: no day is between them",
                               hint="give the earlier day to --since")  # fmt: skip
        for name, value in (where or {}).items():  # None is a filter not given; '' one given empty
            if isinstance(value, str) and not value.strip():
                fld = doctype.field(name)
                raise InvalidInput(f"{FIELD} is empty: give the value to look for",
                                   hint=f"e.g. {FIELD_IS}{(fld.example if fld else None) or 'VALUE'}",
                                   field=name, flag=fld.flag if fld is not None else None)  # fmt: skip
        given = {k: v for k, v in (where or {}).items() if v}
        if given.get("status") == ARCHIVED and archived is False:
            archived = None
        records = list(self.records(doctype))
        wanted = {k: self._filter(doctype, k, v, records) for k, v in given.items()}
        chosen = []
        for rec in records:
            if archived is not None and is_archived(rec) != archived:
                continue
            if not all(test(rec.values.get(k)) for k, test in wanted.items()):
                continue
            when = rec.values.get(date_field)
            if (since or until) and not isinstance(when, dt.date):
                continue
            if (since and when < since) or (until and when > until):
                continue
            chosen.append(rec)
        chosen.sort(key=lambda r: (r.values.get(date_field) or dt.date.min, r.id or ""), reverse=True)
        return chosen


def _unreadable(ref: str, errors: list[DocumentError]) -> NotFound:
    """What `find` says when the only files `ref` names (by their path, or by the id their names start
    with) do not read as documents: why, where, and that `pmops edit` opens them to mend them
    (exit 1, as a document not found: never 'no document with the id', nor other documents offered)."""
    from pmops import ids

    first = errors[0]
    doc_id = ids.id_in_name(first.path.rpartition("/")[2])
    named = doc_id if ids.looks_like_id(doc_id) else first.path
    parses = "yaml" in first.reason.casefold() or "front-matter" in first.reason.casefold()
    what = "its front-matter does not parse" if parses else "it does not read as a document"
    where = f"{first.path}:{first.line}" if first.line else first.path
    more = f" ({len(errors) - 1} more files named so do not read either)" if len(errors) > 1 else ""
    said = named if ref.endswith(".md") else naming(ref, named)  # a path is said in the brackets
    return NotFound(f"{said}: {what} ({where}: {first.reason}){more}",
                    hint=f"pmops edit {named} mends it")  # fmt: skip


def _chosen(ref: str, records: list[Record], types: tuple[str, ...]) -> list[Record] | None:
    """What `ref` names among `records`: the exact id, else the exact titles, else the ids it starts;
    those of `types` when some are. None: nothing."""
    unique = list({r.path: r for r in records}.values())
    title = folded(ref)
    for test in (
        lambda r: r.id == ref,
        lambda r: folded(r.title) == title,
        lambda r: bool(r.id and r.id.startswith(ref)),
    ):
        found = [r for r in unique if test(r)]
        if found:
            of_type = [r for r in found if r.type in types]
            return sorted(of_type or found, key=lambda r: r.id or r.path)
    return None


def _labelled(record: Record) -> str:
    """A document as a list of candidates names it: its id and its title."""
    return f'{record.id or record.path} "{shortened(record.title)}"'


def _names(doctype: DocType) -> Callable[[Record], list[object]]:
    """A register's document's names: its title field's value and its aliases."""
    return lambda record: [record.values.get(doctype.title_field), *_listed(record.values.get(doctype.aliases))]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


TYPED = ("date", "int", "number", "money", "month", "bool")  # kinds a filter compares by value, not by text


def _typed(fld: Field, value: str, flag: str) -> Any:
    """A filter's value read as the field reads one (`5 Nov 2026` is 2026-11-05, `24k` an amount of
    24000, `24000` the number 24000.0): exit 2, said as for every value of that kind, when it is not."""
    from pmops.doctypes import WrongKind

    try:
        return fld.convert(fld.spelt(value))
    except WrongKind as exc:
        raise InvalidInput(
            f"{FIELD} must be {exc.expected}, e.g. {FIELD_IS}{fld.example}", field=fld.name, flag=flag
        ) from None
    except ValueError as exc:
        raise InvalidInput(f"{FIELD}: {exc}", field=fld.name, flag=flag) from None


def _words(text: str) -> str:
    """Text as a filter compares it: any case, spaces as written or not (`Maya  Chen` is `maya chen`)."""
    return " ".join(str(text).split()).casefold()


def _matches(actual: Any, wanted: str, key: Callable[[str], str | None]) -> bool:
    """Whether a value (a list: any of its items) is `wanted`, both read by `key`."""
    values = actual if isinstance(actual, list) else [] if actual is None else [actual]
    return any(key(str(v)) == wanted for v in values)


def _register_key(name: str) -> str:
    """A name of a register's document as `KnowledgeBase.named` compares them: `customers.key`, or
    the name folded when it names no customer by that key (a placeholder such as 'TBD')."""
    return customers.key(name) or folded(name)
