"""KnowledgeBase: the operations every command calls (read, find, list, create)."""

from __future__ import annotations

import datetime as dt
import getpass
import glob
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmops import config, dates, documents, gitrepo, ids, locate, store, taxonomy, templates, yamlsafe
from pmops.doctypes import PAGE, DocType, Field, Page
from pmops.documents import Document
from pmops.errors import (
    Conflict,
    DocumentError,
    GitError,
    InvalidInput,
    MissingField,
    NotFound,
    PmopsError,
)

if TYPE_CHECKING:
    from pmops.search.index import Index

SKIP_DIRS = {"templates", "node_modules", "_site", "venv"}
BATCH = 50  # changes from which a write syncs once at the end rather than per file
INDEX_IN_BACKGROUND_FROM = 1_000  # files a write leaves to a background `pmops index`


@dataclass
class Record:
    """A document with its type and typed field values (what commands show and list)."""

    doc: Document
    doctype: DocType | Page
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
        return _first_heading(self.doc.body) or Path(self.path).stem

    def to_json(self, *, body: bool = False) -> dict[str, Any]:
        """The front-matter fields (typed where the type declares them) plus id, type, path."""
        data: dict[str, Any] = {k: v for k, v in self.doc.meta.items()}
        data.update({k: v for k, v in self.values.items() if k not in self.problems and v not in (None, [])})
        data.update({"id": self.id or self.path, "type": self.type, "path": self.path, "title": self.title})
        if body:
            data["body"] = self.doc.body
        return yamlsafe.plain(data)


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


@dataclass
class Created:
    """What a create did, for the command to report."""

    record: Record
    commit: str | None
    notes: list[str] = field(default_factory=list)


class KnowledgeBase:
    """One knowledge base: a folder of markdown with pmops.yaml at its root."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.config = config.load(self.root)
        self.registry: dict[str, DocType] = self.config.registry
        self._all_ids: set[str] | None = None

    @classmethod
    def open(cls, explicit: str | os.PathLike | None = None) -> KnowledgeBase:
        """Find the KB (see locate.find_root for the order) and load its settings."""
        return cls(config.find_root(explicit))

    # -- collaborators, built on first use (so `--version` and `show` load nothing more) --

    @cached_property
    def taxonomy(self) -> taxonomy.Taxonomy:
        return taxonomy.from_data(config.read_yaml(self.root / taxonomy.FILENAME, taxonomy.FILENAME))

    @cached_property
    def repo(self) -> gitrepo.Repo | None:
        return gitrepo.find(self.root)

    @cached_property
    def state_dir(self) -> Path:
        """pmops' private folder: inside .git when there is one, so it is never committed."""
        return locate.state_dir(self.root, self.repo.dirs if self.repo else None)

    @property
    def lock_path(self) -> Path:
        return self.state_dir / "write.lock"

    @property
    def index_dir(self) -> Path:
        """One index per KB, even when several KBs share a repository."""
        return locate.index_dir(self.root, self.repo.dirs if self.repo else None)

    @cached_property
    def index(self) -> Index:
        from pmops.search.index import Index

        return Index(self)

    def doctype(self, name: str) -> DocType:
        try:
            return self.registry[name]
        except KeyError:
            raise InvalidInput(
                f"unknown document type '{name}'", hint=f"known types: {', '.join(self.registry)}"
            ) from None

    # -- reading -------------------------------------------------------------------

    def _walk(self, under: Path | None = None) -> Iterator[os.DirEntry]:
        """Every markdown file of the KB (or below `under`), in a stable order.

        Hidden files and folders (.git, .pmops), templates/ and folder links are skipped;
        whatever else is named *.md is yielded, for `read` to refuse with a reason when it is
        not a file of the KB (a link that leaves it, a FIFO).
        """
        stack = [str(under or self.root)]
        while stack:
            try:
                entries = sorted(os.scandir(stack.pop()), key=lambda e: e.name)
            except OSError:
                continue
            folders = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIP_DIRS:
                        folders.append(entry.path)
                elif entry.name.endswith(".md"):
                    yield entry
            stack.extend(reversed(folders))

    def paths(self, under: Path | None = None) -> Iterator[Path]:
        """The KB's documents (below `under`). In a git repository: what git tracks or would
        track — git-ignored files are not part of a shared KB — else every markdown file.
        Files `read` refuses (links out of the KB, FIFOs, names that are not UTF-8) are
        included, so that whoever reads them can say which and why."""
        repo = self.repo
        if repo is None:
            yield from (Path(entry.path) for entry in self._walk(under))
            return
        for repo_rel in repo.list_files(self.pathspec(under)):
            rel = self.from_repo(repo_rel)
            path = self.root / rel if rel is not None else None
            if path and self.is_document(rel) and os.path.exists(path):  # (a deleted, still tracked file is not)
                yield path

    def is_document(self, rel: str) -> bool:
        """Whether a KB-relative path is one pmops reads (the same rules as the folder walk)."""
        parts = rel.split("/")
        return (
            rel.endswith(".md")
            and not rel.startswith("../")
            and not any(p.startswith(".") for p in parts)
            and not any(p in SKIP_DIRS for p in parts[:-1])
        )

    def pathspec(self, under: Path | None = None) -> str:
        """The KB (or a folder in it) as a git pathspec, relative to the repository's top."""
        repo = self.repo
        assert repo is not None
        return repo.pathspec(under or self.root)

    def from_repo(self, repo_rel: str) -> str | None:
        """A repository-relative path as KB-relative, or None when it is outside the KB."""
        prefix = self._repo_prefix
        return repo_rel[len(prefix) :] if repo_rel.startswith(prefix) else None

    def to_repo(self, rel: str) -> str:
        """A KB-relative path as repository-relative (what git takes and prints)."""
        return self._repo_prefix + rel

    @cached_property
    def _repo_prefix(self) -> str:
        rel = os.path.relpath(self.root, self.repo.root).replace(os.sep, "/")
        return "" if rel == "." else rel + "/"

    def scan(self) -> dict[str, tuple[int, int]]:
        """Every markdown file's KB-relative path with its (mtime_ns, size): one stat each, no reads."""
        cut = len(str(self.root)) + 1
        found = {}
        for entry in self._walk():
            try:
                st = entry.stat()
            except OSError:
                continue
            found[entry.path[cut:].replace(os.sep, "/")] = (st.st_mtime_ns, st.st_size)
        return found

    def _inside(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.root)
        except ValueError:
            return False
        return True

    def rel(self, path: Path) -> str:
        text, root = str(path), str(self.root)
        if text.startswith(root + os.sep):
            return text[len(root) + 1 :].replace(os.sep, "/")
        return Path(os.path.relpath(path, self.root)).as_posix()

    def read(self, path: Path) -> Document:
        """Read one file (raises DocumentError when it cannot be kept intact, or is refused:
        see store.read_file, the one way pmops reads a KB's files)."""
        rel = self.rel(path)
        try:
            data = self.read_bytes(path)
        except OSError as exc:
            raise DocumentError(rel, f"cannot read: {exc.strerror or exc}") from None
        return documents.parse(rel, data)

    def read_bytes(self, path: Path) -> bytes:
        """One file's bytes, read as every file of the KB is (store.read_file): DocumentError
        when refused (a link out of the KB, a FIFO, too large…), OSError when unreadable."""
        return store.read_file(self.root, self.rel(path))

    def type_of(self, doc: Document) -> DocType | Page:
        """By id prefix first (a moved file keeps its type), then by top folder, else a page."""
        doc_id = doc.meta.get("id")
        if isinstance(doc_id, str) and "-" in doc_id:
            prefix = doc_id.split("-", 1)[0]
            for doctype in self.registry.values():
                if doctype.prefix == prefix:
                    return doctype
        top = Path(doc.path).parts[0] if len(Path(doc.path).parts) > 1 else None
        for doctype in self.registry.values():
            if doctype.folder == top:
                return doctype
        return PAGE

    def record(self, doc: Document) -> Record:
        doctype = self.type_of(doc)
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for fld in doctype.fields:
            raw = doc.meta.get(fld.name)
            try:
                values[fld.name] = fld.convert(raw)
            except ValueError as exc:
                problems[fld.name] = str(exc)
        return Record(doc, doctype, values, problems)

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
        if ref.endswith(".md") and as_path.is_file() and self._inside(as_path):
            return self.load(as_path)
        # Look in the folder of the type whose prefix the id starts with, by file name.
        folders = [self.root / t.folder for t in self.registry.values() if t.prefix == ref.split("-", 1)[0]]
        by_name = [p for folder in folders if folder.is_dir() for p in folder.glob(glob.escape(ref) + "*.md")]
        matches = self._matching(ref, self._readable(sorted(by_name)))
        if not matches:
            matches = self._matching(ref, self.records())
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
            article = "an" if type_name[0] in "aeiou" else "a"
            raise InvalidInput(f"{record.id or record.path} is a {record.type}, not {article} {type_name}")
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

    def exists(self, rel: str) -> bool:
        """Whether a KB-relative path (may contain '..') names a file inside the KB."""
        path = (self.root / rel).resolve()
        return self._inside(path) and path.exists()

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

    @staticmethod
    def _matching(ref: str, records: Iterable[Record]) -> list[Record]:
        return [r for r in records if r.id and r.id.startswith(ref)]

    def select(
        self,
        doctype: DocType,
        where: dict[str, str] | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        date_field: str = "date",
    ) -> list[Record]:
        """Documents of a type matching every filter (list fields: any element), newest first."""
        wanted = {k: _norm_filter(doctype.field(k), v) for k, v in (where or {}).items() if v}
        chosen = []
        for rec in self.records(doctype):
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

    # -- writing -------------------------------------------------------------------

    @cached_property
    def _author(self) -> str:
        if self.config.author:
            return str(self.config.author)
        ident = self.repo.identity() if self.repo else None
        if ident and ident.name:
            return ident.name
        return getpass.getuser()

    def author(self) -> str:
        """Who new documents are by: pmops.yaml's defaults.author, else git user.name, else the login."""
        return self._author

    def prepare(
        self, doctype: DocType, values: dict[str, Any], *, new_tags: bool = False, today: dt.date | None = None
    ) -> tuple[dict[str, Any], list[str], list[str]]:
        """Validate and normalise a new document's fields.

        Returns the front-matter in the type's field order, notes for the user, and
        tags to add to the taxonomy. Raises before anything is written.
        """
        today = today or dt.date.today()
        notes: list[str] = []
        fields = dict(values)
        variant_defaults = doctype.variant(fields).defaults if isinstance(doctype, DocType) else {}
        for fld in doctype.fields:
            default = variant_defaults.get(fld.name) or fld.default
            if _empty(fields.get(fld.name)) and default:
                fields[fld.name] = self._default(default, today)
        for fld in doctype.required:
            if fld.name != "id" and _empty(fields.get(fld.name)):
                raise MissingField(fld.name, doctype.name)
        meta: dict[str, Any] = {}
        added: list[str] = []
        for name, raw in fields.items():
            fld = doctype.field(name) or Field(name)
            if _empty(raw):
                continue
            try:
                value = fld.convert(raw)
            except ValueError as exc:
                raise InvalidInput(f"{name}: {exc}", hint=_choices_hint(fld)) from None
            if fld.past and dates.after(value, today):
                raise InvalidInput(f"{name}: {value} is after today ({today})", hint="write the day it was heard or seen")
            if isinstance(value, str):
                value = value.strip()
                if "\0" in value:
                    raise InvalidInput(f"{name}: contains a NUL character")
            if fld.kind == "tags":
                value, tag_notes, new = self._resolve_tags(value, new_tags)
                notes += tag_notes
                added += new
            meta[name] = value
        order = [f.name for f in doctype.fields]
        ordered = {k: meta[k] for k in order if k in meta}
        ordered.update({k: v for k, v in meta.items() if k not in ordered})
        return ordered, notes, added

    def _default(self, spec: str, today: dt.date) -> str:
        """A field's default: `today`, `author`, `config:KEY` (pmops.yaml's defaults), or a literal."""
        if spec == "today":
            return today.isoformat()
        if spec == "author":
            return self.author()
        if spec.startswith("config:"):
            return self.config.default(spec[len("config:") :])
        return spec

    def _resolve_tags(self, tags: list[str], allow_new: bool) -> tuple[list[str], list[str], list[str]]:
        resolved: list[str] = []
        notes: list[str] = []
        new: list[str] = []
        for given in tags:
            res = self.taxonomy.resolve(given, allow_new=allow_new)
            if res.note == "new":
                new.append(res.tag)
                notes.append(f"tag '{res.tag}' added to {taxonomy.FILENAME} (under '{taxonomy.UNSORTED}')")
            elif res.note:
                notes.append(f"tag '{given}': {res.note}")
            if res.tag not in resolved:
                resolved.append(res.tag)
        return resolved, notes, new

    def new_path(self, doctype: DocType, doc_id: str, title: str) -> Path:
        # Names are lower-case and start with a fresh id, so no two differ only by case;
        # the write itself refuses to replace any existing file.
        path = self.root / doctype.folder / f"{doc_id}-{ids.slugify(title)}.md"
        if path.exists():
            raise Conflict(f"{self.rel(path)} already exists")
        return path

    def existing_ids(self, doctype: DocType) -> set[str]:
        folder = self.root / doctype.folder
        if not folder.is_dir():
            return set()
        return {ids.id_in_name(p.name) for p in folder.iterdir() if p.name.startswith(doctype.prefix + "-")}

    def build(
        self,
        doctype: DocType,
        values: dict[str, Any],
        body: str | None = None,
        *,
        new_tags: bool = False,
        today: dt.date | None = None,
        taken: set[str] | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> tuple[Path, Document, list[str], list[str]]:
        """A new document, validated and rendered but not written: (path, document, notes, new tags).

        `taken` holds ids already used (it grows with the one made here), so a batch
        never lists the folder once per document.
        """
        today = today or dt.date.today()
        meta, notes, added = self.prepare(doctype, values, new_tags=new_tags, today=today)
        taken = self.existing_ids(doctype) if taken is None else taken
        doc_id = ids.new_id(doctype.prefix, today, taken)
        taken.add(doc_id)
        meta = {"id": doc_id, **meta}
        title = str(meta.get(doctype.title_field, doc_id))
        path = self.new_path(doctype, doc_id, title)
        context = {f.name: [] if f.is_list else None for f in doctype.fields}
        context.update(yamlsafe.plain(meta), body=body or "", doctype=doctype.name, kb_name=self.config.name)
        context.update(extra_context or {})
        template = doctype.template_for(meta)
        text = templates.render(template, self.root, **context) if template else (body or "")
        return path, documents.new(self.rel(path), meta, text), notes, added

    def create(
        self,
        type_name: str,
        values: dict[str, Any],
        body: str | None = None,
        *,
        new_tags: bool = False,
        commit: bool | None = None,
        today: dt.date | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> Created:
        """Validate, write, and commit one new document of a registered type.

        `extra_context` adds variables for the type's template (a checklist run's items).
        """
        doctype = self.doctype(type_name)
        path, doc, notes, added = self.build(
            doctype, values, body, new_tags=new_tags, today=today, extra_context=extra_context
        )
        changes: list[tuple[Path, Document | None, Document]] = [(path, None, doc)]
        if added:
            changes.append(self.taxonomy_change(added))
        title = _one_line(str(doc.meta.get(doctype.title_field, "")))
        sha = self.write(changes, f'pmops: add {doctype.name} {doc.meta["id"]} "{title}"', commit=commit)
        return Created(self.record(doc), sha, notes + (self.repo.warnings if self.repo else []))

    def update(
        self,
        record: Record,
        changes: dict[str, Any],
        message: str,
        *,
        body: str | None = None,
        commit: bool | None = None,
    ) -> str | None:
        """Change some fields (and maybe the body) of one document, and commit it.

        Only the changed keys' lines are rewritten; the write is refused if the file
        changed on disk since it was read. Pages are never rewritten.
        """
        if not isinstance(record.doctype, DocType):
            raise Conflict(f"{record.path} is a page, not a pmops document; pmops does not rewrite it")
        new = record.doc.with_fields(changes)
        if body is not None:
            new = new.with_body(body)
        return self.write([(self.root / record.path, record.doc, new)], message, commit=commit)

    def taxonomy_change(self, added: list[str]) -> tuple[Path, Document | None, Document]:
        path = self.root / taxonomy.FILENAME
        if path.exists():
            before = documents.parse_yaml_file(taxonomy.FILENAME, self.read_bytes(path))
        else:
            before = documents.parse_yaml_file(taxonomy.FILENAME, b"")
        current = before.meta.get(taxonomy.UNSORTED) or []
        after = before.with_fields({taxonomy.UNSORTED: [*current, *added]})
        return path, (before if path.exists() else None), after

    def write(
        self,
        changes: list[tuple[Path, Document | None, Document]],
        message: str,
        *,
        commit: bool | None,
        unfinished: list[Path] | None = None,
    ) -> str | None:
        """Write documents atomically under the KB lock, then commit exactly those paths.

        `changes` are (path, the document as read or None for a new file, the new one);
        `unfinished` are files already on disk that a killed command wrote but never
        committed, to commit with these. Returns the commit sha, or None when commits are
        off. A failed commit leaves the files on disk and says so.
        """
        for path, _, _ in changes:  # before anything is written: never through a link out of the KB
            store.check_inside(self.root, path)
        commit = self.config.commit if commit is None else commit
        repo = self.repo if commit else None
        if commit and repo is None:
            raise PmopsError(
                f"{self.root} is not in a git repository, so nothing can be committed",
                hint="run 'git init' there, or pass --no-commit (or set 'commit: false' in pmops.yaml)",
            )
        with store.write_lock(self.lock_path):
            if repo:
                repo.check_writable()
            written: list[Path] = []
            # A large batch of new files (an import) syncs once at the end instead of per file:
            # a new file has no older content to lose, and its source still exists.
            batch = len(changes) > BATCH
            try:
                for path, before, after in changes:
                    durable = before is not None or not batch
                    store.atomic_write(path, after.to_bytes(), expected_sha=before.sha if before else None, durable=durable)
                    written.append(path)
                if batch:
                    os.sync()
            except BaseException:
                for path, before, after in changes[: len(written)]:
                    store.undo(path, before, after)
                raise
            written += unfinished or []
            sha = None
            if repo:
                try:
                    sha = repo.commit(written, message)
                except (PmopsError, OSError) as exc:
                    # The user's input is on disk, not in a commit: say so, whatever failed.
                    saved = ", ".join(self.rel(p) for p in written[:3]) + (" …" if len(written) > 3 else "")
                    reason = exc.message if isinstance(exc, PmopsError) else (exc.strerror or str(exc))
                    raise GitError(
                        f"saved {saved} but did not commit it: {reason}",
                        hint="fix the problem, then commit the files with git",
                    ) from None
            if len(written) < INDEX_IN_BACKGROUND_FROM:
                self.index.update(written)
        if len(written) >= INDEX_IN_BACKGROUND_FROM:
            # An import: its thousands of files are committed; indexing them is left to a detached
            # `pmops index`, and a search started meanwhile waits for it (index.CATCH_UP_WAIT).
            self._in_background("index")
        if sha is not None and self.config.sync == "auto":
            self._in_background("sync")
        return sha

    def _in_background(self, command: str) -> None:
        """Run `pmops COMMAND` on this KB in a detached process, its output in .git/pmops/COMMAND.log.

        `sync: auto`: the write is committed locally; pushing and pulling happen there, so a slow
        or absent network never fails or delays a write (pmops doctor and pmops sync show what went
        wrong; a manual sync pushes it). A large import's indexing happens there too (the next
        search catches up if it never ran)."""
        from pmops import detached

        detached.start("pmops", ["--kb", str(self.root), command], self.state_dir / f"{command}.log")


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _one_line(text: str) -> str:
    return " ".join(text.split())[:120]


def _choices_hint(fld: Field) -> str | None:
    return f"choose one of: {', '.join(fld.choices)}" if fld.choices else None


def _norm_filter(fld: Field | None, value: str) -> str:
    return taxonomy.normalise(value) if fld is not None and fld.kind == "tags" else value.casefold()


def _matches(actual: Any, wanted: str) -> bool:
    if isinstance(actual, list):
        return any(str(a).casefold() == wanted for a in actual)
    return actual is not None and str(actual).casefold() == wanted
