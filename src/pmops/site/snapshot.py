"""The KB as the site publishes it: read once, personal data redacted, `site.exclude` left out."""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmops import links, pii
from pmops.errors import DocumentError
from pmops.kb import KnowledgeBase, Record

if TYPE_CHECKING:
    from pmops.config import SiteSettings
    from pmops.doctypes import DocType


KEEP_FROM = 50  # files read, from which the cache is written again
FORMAT = "2"  # of what is kept: another one is not read


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
    """

    def __init__(self, root: Path, settings: SiteSettings) -> None:
        super().__init__(root)
        self.settings = settings
        self._loaded: dict[str, Record | DocumentError] = {}
        self._paths: list[Path] | None = None
        self.unreadable: list[DocumentError] = []
        self.excluded: set[str] = set()
        self._kept: dict[str, tuple[tuple[int, int], Any]] = {}
        self._links: dict[str, list[links.Link]] = {}
        self._stamps: dict[str, tuple[int, int]] = {}
        self._read = 0
        self._signature = self._sign()
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
                signature, kept = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            return  # none yet, or from another pmops: read everything
        if signature == self._signature and isinstance(kept, dict):
            self._kept = kept

    def keep(self) -> None:
        """Save what this build read, when it read more than a few files (a few changed files are
        cheaper to read again at the next build than the whole cache is to write)."""
        if self._kept and self._read < KEEP_FROM:
            return
        kept = {}
        for rel, stamp in self._stamps.items():
            found = self._loaded.get(rel)
            if isinstance(found, DocumentError):
                kept[rel] = (stamp, ("excluded" if rel in self.excluded else "error", found.reason))
            elif found is not None:
                kept[rel] = (stamp, found, self.links_of(found))
        try:
            self._cache.parent.mkdir(parents=True, exist_ok=True)
            temp = self._cache.with_name(self._cache.name + ".pmops-tmp")
            with open(temp, "wb") as handle:
                pickle.dump((self._signature, kept), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self._cache)
        except OSError:
            pass  # a cache: the next build reads the files again

    def _stamp(self, rel: str) -> tuple[int, int] | None:
        try:
            st = os.stat(self.root / rel)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def all_paths(self) -> list[Path]:
        """The KB's documents (`Tree.paths`), each stat'ed once: its size and time say whether
        the last build's reading of it still holds."""
        if self._paths is None:
            repo = self.repo
            if repo is None:
                listed = [self.rel(p) for p in self.paths()]
            else:
                listed = [rel for r in repo.list_files(self.pathspec()) if (rel := self.from_repo(r)) is not None]
            self._paths = []
            for rel in listed:
                if self.is_document(rel) and (stamp := self._stamp(rel)) is not None:
                    self._stamps[rel] = stamp
                    self._paths.append(self.root / rel)
        return self._paths

    def load(self, path: Path) -> Record:
        rel = self.rel(path)
        found = self._loaded.get(rel)
        if found is None:
            stamp = self._stamps.get(rel) or self._stamp(rel)
            kept = self._kept.get(rel)
            if stamp is not None and kept is not None and kept[0] == stamp:
                found = kept[1]
                if isinstance(found, tuple):  # a file that had no page: unreadable, or left out
                    if found[0] == "excluded":
                        self.excluded.add(rel)
                    found = DocumentError(rel, found[1])
                else:  # its type is the registry's own (types are compared by identity)
                    found = Record(found.doc, self.type_of(found.doc), found.values, found.problems)
                    self._links[rel] = kept[2]
            else:
                self._read += 1
                try:
                    found = self._published(self.record(self.read(path)))
                except DocumentError as exc:
                    found = exc
            if stamp is not None:
                self._stamps[rel] = stamp
            self._loaded[rel] = found
        if isinstance(found, DocumentError):
            raise found
        return found

    def _published(self, record: Record) -> Record:
        if self.settings.excludes(record.path, record.type):
            self.excluded.add(record.path)
            raise DocumentError(record.path, "left out of the site (site.exclude)")
        if not record.doctype.pii:
            return record
        values, _ = pii.redact_fields(record.values)
        return Record(record.doc.with_body(pii.redact(record.doc.body)), record.doctype, values, record.problems)

    def links_of(self, record: Record) -> list[links.Link]:
        """A document's links (`links.outgoing`), read once and kept with it."""
        found = self._links.get(record.path)
        if found is None:
            found = self._links[record.path] = list(links.outgoing(record))
        return found

    def records(
        self, doctype: DocType | None = None, on_error: Callable[[DocumentError], None] | None = None
    ) -> Iterator[Record]:
        for path in self.all_paths():
            try:
                record = self.load(path)
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
