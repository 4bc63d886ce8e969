"""The KB as the site publishes it: read once, personal data redacted, `site.exclude` left out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pmops import pii
from pmops.errors import DocumentError
from pmops.kb import KnowledgeBase, Record

if TYPE_CHECKING:
    from pmops.config import SiteSettings
    from pmops.doctypes import DocType


class Snapshot(KnowledgeBase):
    """A KnowledgeBase whose documents are read once and kept: every job's computation (themes,
    health, the report) runs over it unchanged, and sees the site's documents only.

    - Personal data is redacted as lint finds it (`pii.redact`) in the documents of types that
      hold what customers said (`DocType.pii`: the types lint's PII rules scan): in every field
      and in the body, so no page, listing or quote shows it.
    - A document `site.exclude` names is not there: not listed, not found by id (a link to it is
      its text alone), not counted on the home page.
    """

    def __init__(self, root: Path, settings: SiteSettings) -> None:
        super().__init__(root)
        self.settings = settings
        self._loaded: dict[str, Record | DocumentError] = {}
        self._paths: list[Path] | None = None
        self.unreadable: list[DocumentError] = []
        self.excluded: set[str] = set()

    def all_paths(self) -> list[Path]:
        if self._paths is None:
            self._paths = list(self.paths())
        return self._paths

    def load(self, path: Path) -> Record:
        rel = self.rel(path)
        found = self._loaded.get(rel)
        if found is None:
            try:
                found = self._published(self.record(self.read(path)))
            except DocumentError as exc:
                found = exc
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
