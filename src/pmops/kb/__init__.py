"""KnowledgeBase: the one front every command calls (read, find, list, create, write).

Its parts, each a module of this package:
  tree.py         the read side: which files the KB has, paths, stat scans, reading bytes
  records.py      typing: Record, a file's type and values, find / select / named
  creating.py     new documents: fields checked by the registry, ids, paths, templates
  transaction.py  Change, and the write: lock, atomic files, rollback, commit, index update
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmops import config, locate
from pmops.doctypes import DocType
from pmops.errors import Conflict
from pmops.kb.records import Catalog, Record

if TYPE_CHECKING:
    from pmops.kb.creating import Created, Draft
    from pmops.kb.transaction import Change
    from pmops.search.index import Index

__all__ = ["Change", "Created", "Draft", "KnowledgeBase", "Record"]


def __getattr__(name: str) -> Any:
    # The create and write paths (creating.py, transaction.py: ids, templates, the roster) load when a
    # command first creates or writes, or reads a listing's filters (`creating.filters`): a search never
    # does (3-4 ms of its start).
    if name in ("Created", "Draft"):
        from pmops.kb import creating

        return getattr(creating, name)
    if name == "Change":
        from pmops.kb import transaction

        return transaction.Change
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class KnowledgeBase(Catalog):
    """One knowledge base: a folder of markdown with pmops.yaml at its root."""

    def __init__(self, root: Path) -> None:
        root = root.resolve()
        self.config = config.load(root)
        super().__init__(root, self.config.registry)

    @classmethod
    def open(cls, explicit: str | os.PathLike | None = None) -> KnowledgeBase:
        """Find the KB (see locate.find_root for the order) and load its settings."""
        return cls(config.find_root(explicit))

    # -- collaborators, built on first use (so `--version` and `show` load nothing more) --

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

    @cached_property
    def _author(self) -> str:
        if self.config.author:
            return str(self.config.author)
        ident = self.repo.identity() if self.repo else None
        if ident and ident.name:
            return ident.name
        import getpass  # (1 ms: only a command that creates asks who)

        return getpass.getuser()

    def author(self) -> str:
        """Who new documents are by: pmops.yaml's defaults.author, else git user.name, else the login."""
        return self._author

    # -- creating (creating.py) -----------------------------------------------------

    def prepare(
        self, doctype: DocType, values: dict[str, Any], *, new_tags: bool = False, today: dt.date | None = None
    ) -> tuple[dict[str, Any], list[str], list[str]]:
        from pmops.kb import creating

        return creating.prepare(self, doctype, values, new_tags=new_tags, today=today)

    def new_path(self, doctype: DocType, doc_id: str, title: str) -> Path:
        from pmops.kb import creating

        return creating.new_path(self, doctype, doc_id, title)

    def existing_ids(self, doctype: DocType) -> set[str]:
        from pmops.kb import creating

        return creating.existing_ids(self, doctype)

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
    ) -> Draft:
        """A new document, validated and rendered but not written (see creating.build)."""
        from pmops.kb import creating

        return creating.build(
            self, doctype, values, body, new_tags=new_tags, today=today, taken=taken, extra_context=extra_context
        )

    def create(
        self,
        type_name: str,
        values: dict[str, Any],
        body: str | None = None,
        *,
        new_tags: bool = False,
        keep_pii: bool = False,
        refuse_cards: bool = False,
        commit: bool | None = None,
        today: dt.date | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> Created:
        """Validate, write, and commit one new document of a registered type (see creating.create).

        `extra_context` adds variables for the type's template (a checklist run's items).
        """
        from pmops.kb import creating

        return creating.create(
            self,
            type_name,
            values,
            body,
            new_tags=new_tags,
            keep_pii=keep_pii,
            refuse_cards=refuse_cards,
            commit=commit,
            today=today,
            extra_context=extra_context,
        )

    def taxonomy_change(self, added: list[str]) -> Change:
        from pmops.kb import creating

        return creating.taxonomy_change(self, added)

    # -- writing (transaction.py) ---------------------------------------------------

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
        from pmops.kb.transaction import Change

        if not record.doctype.writable:
            raise Conflict(f"{record.path} is a {record.type}, not a pmops document; pmops does not rewrite it")
        new = record.doc.with_fields(changes)
        if body is not None:
            new = new.with_body(body)
        return self.write([Change(self.root / record.path, record.doc, new)], message, commit=commit)

    def write(
        self,
        changes: list[Change],
        message: str,
        *,
        commit: bool | None,
        unfinished: list[Path] | None = None,
        seen: bool = False,
    ) -> str | None:
        """Write the changes atomically under the KB lock, then commit exactly those paths
        (and `unfinished`: files a killed command wrote; `seen`: files the user saved whole, see
        transaction.write)."""
        from pmops.kb import transaction

        try:
            return transaction.write(self, changes, message, commit=commit, unfinished=unfinished, seen=seen)
        finally:
            self.forget_listings()  # files came, went or moved (or may have, on a failure)
