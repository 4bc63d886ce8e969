"""The KB as the site publishes it: read once, personal data redacted, `site.exclude` left out."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmops import links, pii
from pmops.documents import Document
from pmops.errors import DocumentError
from pmops.kb import KnowledgeBase, Record

if TYPE_CHECKING:
    from pmops.config import SiteSettings
    from pmops.doctypes import DocType


KEEP_FROM = 50  # files read, from which the cache is written again
FORMAT = "5"  # of what is kept: another one is not read
# What is kept of a file with a page: (its size and time, its document's fields, the name of its type (None: the
# type looked up again), its values, its problems, its links); of one without: (its size and time, ("excluded"
# or "error", why)). Tuples, not the objects: 10,000 documents load in a little over half the time.
_DOC_FIELDS = tuple(f.name for f in dataclasses.fields(Document))


class Snapshot(KnowledgeBase):
    """A KnowledgeBase whose documents are read once and kept: every job's computation (themes,
    health, the report) runs over it unchanged, and sees the site's documents only.

    - Personal data is redacted as lint finds it (`pii.redact`) in the documents of types that
      hold what customers said (`DocType.pii`: the types lint's PII rules scan): in every field
      and in the body, so no page, listing or quote shows it.
    - A document `site.exclude` names is not there: not listed, not found by id (a link to it is
      its text alone), not counted on the home page.

    What it read is kept between builds in pmops' private folder (`site.records`, beside the
    index: derived data, never committed): a file whose size and time are those of the last
    build is not read again (the index's stat rule), so a rebuild after one change reads one file.

    What it read again is compared with what was kept: `bodies_changed` holds the files whose body
    alone changed (the same front-matter, title and links), `structural` says that anything else
    did (a file's front-matter, title or links, a file added, removed or unreadable). After a
    structural change the cache is always written again, so what it keeps is, but for bodies, what
    the last build saw; `generation` names that state (None: none kept), and a site's manifest
    records the generation it was built from (see `pmops.site.build`'s fast path).
    """

    def __init__(self, root: Path, settings: SiteSettings) -> None:
        super().__init__(root)
        self.settings = settings
        self._loaded: dict[str, Record | DocumentError] = {}
        self._paths: list[Path] | None = None
        self._rels: list[str] | None = None
        self._top = str(self.root)
        self.unreadable: list[DocumentError] = []
        self.excluded: set[str] = set()
        self._kept: dict[str, tuple[Any, ...]] = {}
        self._links: dict[str, list[links.Link]] = {}
        self._stamps: dict[str, tuple[int, int]] = {}
        self._read = 0
        self._signature = self._sign()
        self.generation: str | None = None
        self.bodies_changed: set[str] = set()
        self._structural = False
        # The KB's files listed by git on another core while the kept records load (`_listed`, `tracked_files`).
        repo = self.repo
        self._listing = repo.start_list_files(self.pathspec()) if repo is not None else None
        self._tracking = repo.start_tracked_files(self.pathspec()) if repo is not None else None
        self._restore()

    # -- what the last build read --------------------------------------------------------

    @property
    def _cache(self) -> Path:
        return self.state_dir / "site.records"

    def _sign(self) -> str:
        """What the kept records depend on besides the files: pmops, the settings, the types."""
        import pmops

        try:
            settings = (self.root / "pmops.yaml").read_bytes()
        except OSError:
            settings = b""
        return hashlib.sha256(f"{FORMAT}\0{pmops.__version__}\0".encode() + settings).hexdigest()

    def _restore(self) -> None:
        try:
            with open(self._cache, "rb") as handle:
                signature, generation, kept = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            return  # none yet, or from another pmops: read everything
        if signature == self._signature and isinstance(kept, dict) and isinstance(generation, str):
            self._kept, self.generation = kept, generation

    @property
    def structural(self) -> bool:
        """Whether anything but bodies changed since what was kept (call after reading every file)."""
        return self._structural or not self._kept or self._kept.keys() != self._stamps.keys()

    def keep(self) -> None:
        """Save what this build read, when it read more than a few files (a few changed files are
        cheaper to read again at the next build than the whole cache is to write), or when anything
        but bodies changed. `generation` is then the new one (None: it could not be written)."""
        if self._kept and self._read < KEEP_FROM and not self.structural:
            return
        kept = {}
        for rel, stamp in self._stamps.items():
            found = self._loaded.get(rel)
            if isinstance(found, DocumentError):
                kept[rel] = (stamp, ("excluded" if rel in self.excluded else "error", found.reason))
            elif found is not None:
                name = found.doctype.name if self.registry.get(found.doctype.name) is found.doctype else None
                fields = tuple(getattr(found.doc, f) for f in _DOC_FIELDS)
                kept[rel] = (stamp, fields, name, found.values, found.problems, self.links_of(found))
        generation = os.urandom(8).hex()
        self.generation = None
        try:
            self._cache.parent.mkdir(parents=True, exist_ok=True)
            temp = self._cache.with_name(self._cache.name + ".pmops-tmp")
            with open(temp, "wb") as handle:
                pickle.dump((self._signature, generation, kept), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self._cache)
        except OSError:
            return  # a cache: the next build reads the files again
        self.generation = generation

    def _stamp(self, rel: str) -> tuple[int, int] | None:  # (one file: `_folder` for many)
        try:
            st = os.stat(os.path.join(self._top, rel))  # (a string: pathlib's objects cost more than the stat)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def _listed(self) -> list[str]:
        """The KB's documents (`Tree.paths`) as KB paths, each stat'ed once: its size and time say
        whether the last build's reading of it still holds."""
        if self._rels is None:
            if self._listing is None:
                listed = [self.rel(p) for p in self.paths()]
            else:
                listed = [rel for r in self._listing() if (rel := self.from_repo(r)) is not None]
            self._rels = []
            with _folder(self._top) as stamp:
                for rel in listed:
                    if self.is_document(rel) and (found := stamp(rel)) is not None:
                        self._stamps[rel] = found
                        self._rels.append(rel)
        return self._rels

    def tracked_files(self) -> set[str]:
        """The files git tracks in the KB, repository-relative (`GitRepo.tracked_files`, listed at the start)."""
        assert self._tracking is not None
        return self._tracking()

    def unmatched_excludes(self) -> list[str]:
        """The globs of `site.exclude` that leave nothing out (`**/private-*` before any such file:
        a policy, said but not refused; a folder or name is `check_excludes`')."""
        return self.settings.unmatched(self._listed())

    def check_excludes(self) -> None:
        """Refuse a `site.exclude` folder or name (no `*` or `?`) that is no type and that no document
        and no file or folder of the KB has: a typo (`handbook/drafst`, `persons`) would publish what it
        was meant to hide. Raised before anything is written (exit 2), with the nearest names."""
        from pmops.config import FILENAME
        from pmops.errors import ConfigError
        from pmops.text import did_you_mean

        plain = [p for p in self.settings.exclude if not any(c in p for c in "*?[")]
        missing = [p for p in self.settings.unmatched(self._listed()) if p in plain and not self._names_something(p)]
        if not missing:
            return
        folders = {rel.rsplit("/", 1)[0] for rel in self._listed() if "/" in rel}
        folders |= {f.rsplit("/", n)[0] for f in list(folders) for n in range(1, f.count("/") + 1)}
        known = sorted({*self.registry, "page", *folders})
        entry = missing[0].strip()
        close = did_you_mean(entry.strip("/"), known, most=1)
        also = f" (nor {', '.join(repr(p) for p in missing[1:])})" if missing[1:] else ""
        raise ConfigError(
            f"{FILENAME}: site.exclude '{entry}' is no type and no file or folder of the knowledge base{also}: "
            "it would leave nothing out; nothing built",
            hint=(close + " " if close else "") + "a type by its name (person), a folder by its path (handbook/drafts)",
        )

    def _names_something(self, entry: str) -> bool:
        """Whether a KB path (as written in `site.exclude`) is a file or folder of the KB, its case as written."""
        rel = entry.strip().removeprefix("./").strip("/")
        folder, _, name = rel.rpartition("/")
        try:
            return bool(name) and self.exists(rel) and name in os.listdir(self.root / folder)
        except OSError:
            return False

    def all_paths(self) -> list[Path]:
        if self._paths is None:
            self._paths = [self.root / rel for rel in self._listed()]
        return self._paths

    def load(self, path: Path) -> Record:
        return self._load(self.rel(path))

    def _load(self, rel: str) -> Record:
        found = self._loaded.get(rel)
        if found is None:
            stamp = self._stamps.get(rel) or self._stamp(rel)
            kept = self._kept.get(rel)
            if stamp is not None and kept is not None and kept[0] == stamp:
                if len(kept) == 2:  # a file that had no page: unreadable, or left out
                    if kept[1][0] == "excluded":
                        self.excluded.add(rel)
                    found = DocumentError(rel, kept[1][1])
                else:
                    found = self._unpacked(kept)
                    self._links[rel] = kept[5]
            else:
                self._read += 1
                try:
                    found = self._published(self.record(self.read(self.root / rel)))
                except DocumentError as exc:
                    found = exc
                self._compare(rel, kept, found)
            if stamp is not None:
                self._stamps[rel] = stamp
            self._loaded[rel] = found
        if isinstance(found, DocumentError):
            raise found
        return found

    def _unpacked(self, kept: tuple[Any, ...]) -> Record:
        """A kept record; its type is the registry's own (types are compared by identity)."""
        doc = object.__new__(Document)  # (its fields as kept, set as unpickling sets them: no __init__)
        doc.__dict__.update(zip(_DOC_FIELDS, kept[1]))
        doctype = self.registry.get(kept[2]) if kept[2] is not None else None
        return Record(doc, doctype or self.type_of(doc), kept[3], kept[4])

    def _compare(self, rel: str, kept: tuple | None, found: Record | DocumentError) -> None:
        """Note what changed in a file read again: its body alone, or more (`structural`)."""
        before = self._unpacked(kept) if kept is not None and len(kept) > 2 else None
        if (
            before is None
            or not isinstance(found, Record)
            or (
                before.doc.frontmatter != found.doc.frontmatter
                or before.title != found.title
                or [(link.target, link.via, link.by_id) for link in kept[5]]
                != [(link.target, link.via, link.by_id) for link in self.links_of(found)]
            )
        ):
            self._structural = True
        else:  # (even back as it was kept: the last build may have seen another body)
            self.bodies_changed.add(rel)

    def _published(self, record: Record) -> Record:
        if self.settings.excludes(record.path, record.type):
            self.excluded.add(record.path)
            raise DocumentError(record.path, "left out of the site (site.exclude)")
        if not record.doctype.pii:
            return record
        values, _ = pii.redact_fields(record.values)
        return Record(record.doc.with_body(pii.redact(record.doc.body)), record.doctype, values, record.problems)

    def links_of(self, record: Record) -> list[links.Link]:
        """A document's links (`links.outgoing`, and its raw HTML's `links.html_links`), read once
        and kept with it."""
        found = self._links.get(record.path)
        if found is None:
            found = self._links[record.path] = [*links.outgoing(record), *links.html_links(record)]
        return found

    def records(
        self, doctype: DocType | None = None, on_error: Callable[[DocumentError], None] | None = None
    ) -> Iterator[Record]:
        for rel in self._listed():
            try:
                record = self._load(rel)
            except DocumentError as exc:
                if on_error:
                    on_error(exc)
                continue
            if doctype is None or record.doctype is doctype:
                yield record

    def published(self) -> list[Record]:
        """Every document the site has a page for, in path order (unreadable ones noted)."""
        return list(
            self.records(on_error=lambda exc: None if exc.path in self.excluded else self.unreadable.append(exc))
        )

    def is_file(self, rel: str) -> bool:
        """Whether a KB-relative path names a file inside the KB (links resolved, never out of it)."""
        return self.exists(rel) and (self.root / rel).is_file()

    def is_dir(self, rel: str) -> bool:
        return self.exists(rel) and (self.root / rel).is_dir()


@contextlib.contextmanager
def _folder(top: str) -> Iterator[Callable[[str], tuple[int, int] | None]]:
    """`Snapshot._stamp` for many files of the KB: each stat'ed from the KB's folder held open, not from its path
    (10,000 files: a quarter less time; where the system has no `dir_fd`, from the path)."""
    fd = None
    if os.stat in os.supports_dir_fd:
        with contextlib.suppress(OSError):
            fd = os.open(top, os.O_RDONLY)

    def stamp(rel: str) -> tuple[int, int] | None:
        try:
            st = os.stat(rel, dir_fd=fd) if fd is not None else os.stat(os.path.join(top, rel))
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    try:
        yield stamp
    finally:
        if fd is not None:
            os.close(fd)
