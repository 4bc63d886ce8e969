"""Records kept between commands: a file whose stat is the one it had when an earlier command read
it is not read and typed again.

Derived data, as the index is: kept in pmops' private folder (inside .git, never committed),
written atomically, and deleting it (or a pmops that reads it differently) loses nothing: every
file is read again. A file is known unchanged by its modification and change times (ns), size
and inode; one changed within store.RACY_NS of its reading may change again inside one tick of its
clock (git's "racily clean" files) and is not kept. What a record's values are also depends on
pmops and on the KB's types: the signature holds both (pmops.yaml as it is).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmops.store import Stamp, racy

if TYPE_CHECKING:
    from pmops.documents import Document

FORMAT = "1"  # of what is kept: another one is not read
KEEP_FROM = 50  # records read anew, from which the file is written again (fewer: cheaper to read again)

Kept = tuple[Stamp, "Document", dict[str, Any], dict[str, str]]  # a file's stamp, document, values, problems


def signature(root: Path) -> str:
    """What kept values depend on besides the files: this pmops and the KB's types (its pmops.yaml)."""
    import pmops

    try:
        settings = (root / "pmops.yaml").read_bytes()
    except OSError:
        settings = b""
    return hashlib.sha256(f"{FORMAT}\0{pmops.__version__}\0".encode() + settings).hexdigest()


class Store:
    """The records an earlier command kept (loaded on first use), and those this one adds."""

    def __init__(self, file: Path, sign: str) -> None:
        self.file = file
        self.sign = sign
        self._entries: dict[str, Kept] | None = None
        self.added = 0

    @property
    def entries(self) -> dict[str, Kept]:
        if self._entries is None:
            self._entries = {}
            try:
                with open(self.file, "rb") as handle:
                    sign, entries = pickle.load(handle)
            except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
                return self._entries  # none yet, or damaged: every file is read
            if sign == self.sign and isinstance(entries, dict):
                self._entries = entries
        return self._entries

    def get(self, rel: str, now: Stamp) -> Kept | None:
        found = self.entries.get(rel)
        return found if found is not None and found[0] == now else None

    def put(self, rel: str, now: Stamp, doc: Document, values: dict[str, Any], problems: dict[str, str]) -> None:
        """Keep a record read from a file of this stamp (taken before it was read), unless its file
        changed too recently to be told apart from a change to come."""
        if racy(now):
            return
        self.entries[rel] = (now, doc, values, problems)
        self.added += 1

    def save(self) -> None:
        """Write what is kept, when this command read enough anew to be worth it; any failure is
        silent (a cache: the next command reads the files)."""
        if not self.added or (self.added < KEEP_FROM and self.file.exists()):
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temp = self.file.with_name(f"{self.file.name}.{os.getpid()}.pmops-tmp")
            with open(temp, "wb") as handle:
                pickle.dump((self.sign, self.entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self.file)
        except OSError:
            pass
        self.added = 0
