"""The index of one KB: freshness and a search backend, combined.

The index is a cache, never content. It lives in the KB's git folder, so it is
never committed and an index from elsewhere is never opened (Whoosh's table of
contents is a pickle); a KB without git keeps it in a git-ignored `.pmops/`, which
is never read again once the KB is in a repository. It is caught up on every use
(only the files git or their stat says may have changed are re-read, and only
those whose content hash changed are re-indexed), and is rebuilt — into a
temporary folder, then swapped in — when missing, corrupt, or made by another schema.

(About 420 lines: the catch-up, the rebuild and the search of one index share its lock, its manifest
and its backend; what can stand apart — freshness, the backend, snippets, results — already does.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pmops.errors import DocumentError, InvalidInput, PmopsError
from pmops.search import backend, fields, folders
from pmops.search.freshness import Freshness, Manifest, Tree
from pmops.search.results import Progress, Results, Sync

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pmops.doctypes import DocType
    from pmops.documents import Document
    from pmops.gitrepo import Status
    from pmops.search.backend import Backend, Fields
    from pmops.search.snippets import Matched
    from pmops.taxonomy import Taxonomy

# 5: the pairs analyser is pmops.search.whoosh_pairs (pickled in the index by name); 6: no
# spelling fields (a word list beside the index), pairs of frequent words, fast analysis, codec;
# 7: no pairs (phrases read positions), the analysis in pmops.search.whoosh_analysis; 8: accents folded;
# 9: text composed (NFC) before its words are found, letters without a decomposition folded too
SCHEMA_VERSION = 9
MAX_QUERY_BYTES = 1024
WRITER_TIMEOUT = 5.0  # seconds a write waits for the index (then leaves it to catch up later)
CATCH_UP_WAIT = 60.0  # seconds a search waits for another process indexing (a large import)


class Source(Tree, Protocol):
    """A KB as the index reads it (pmops.kb.KnowledgeBase is one)."""

    index_dir: Path
    registry: Mapping[str, DocType]

    def paths(self) -> Iterator[Path]: ...

    def rel(self, path: Path) -> str: ...

    def record(self, doc: Document) -> fields.Record: ...

    @property
    def taxonomy(self) -> Taxonomy: ...


class NeedsRebuild(Exception):
    """The index must be rebuilt, and the caller said it would rather not wait here."""


class Index:
    """The index of one KB."""

    def __init__(self, kb: Source) -> None:
        self.kb = kb
        self.dir = kb.index_dir
        self._fields = fields.field_kinds(kb.registry)
        self.backend: Backend = backend.default(self.dir, self._fields)
        self.freshness = Freshness(kb, self.dir, self.signature)

    @property
    def signature(self) -> str:
        """Changes when the schema would: pmops' schema version or the KB's registry."""
        text = json.dumps([SCHEMA_VERSION, sorted(self._fields.items())])
        return hashlib.sha1(text.encode()).hexdigest()[:16]

    @property
    def manifest_path(self) -> Path:
        return self.freshness.path

    def healthy(self) -> bool:
        """Whether the index opens and its manifest is one of this schema (`pmops doctor`)."""
        return self.backend.open() and self.freshness.read() is not None

    def leftovers(self) -> list[Path]:
        """Folders a killed rebuild left beside the index (pmops.search.folders)."""
        return folders.leftovers(self.dir)

    # -- keeping it fresh ----------------------------------------------------------
    #
    # What may have changed comes from freshness (git or stat). Candidates are read and
    # hashed; only those whose hash differs from the one the index stored are re-indexed,
    # and files gone from disk leave the index.

    def refresh(self, progress: Progress | None = None, *, rebuild: bool = False, may_rebuild: bool = True) -> Sync:
        """Bring the index up to date with the files on disk (rebuilding when needed; with
        `may_rebuild=False`, a needed rebuild raises NeedsRebuild instead)."""
        from pmops.store import stamp

        # Taken first: another process's rebuild that ends between here and this one's lock is seen.
        before = stamp(self.manifest_path)
        status = None if rebuild else self.freshness.start()  # git works on another core meanwhile
        caught_up = "asked for" if rebuild else self._catch_up(status)
        if isinstance(caught_up, Sync):
            return caught_up
        if status is not None:
            status.cancel()
        if not may_rebuild:
            raise NeedsRebuild(caught_up)
        return self._rebuild_once(caught_up, progress, asked=rebuild, before=before)

    def _catch_up(self, status: Status | None) -> Sync | str:
        """Apply what changed since the manifest's state; or why only a rebuild can (a reason).

        When nothing changed (the common case) nothing is locked, written or read but git's
        answer. Otherwise the lock is taken and the manifest read again under it: another
        process may have moved it on meanwhile."""
        lock = None
        try:
            while True:
                manifest = self.freshness.read()
                if not self.backend.open():
                    return "missing or unreadable"
                if manifest is None:
                    return "made by another version of pmops or of the KB's types"
                found = self.freshness.changed(manifest, status)
                if found is None:
                    return "the history it was built from was rewritten"
                changed, state = found
                after = {**manifest, **state}
                if not changed and after == manifest:
                    return Sync(documents=self.backend.count(), problems=dict(manifest.get("problems") or {}))
                if lock is not None:
                    return self._apply(changed, manifest, after, since=status.started if status else None)
                lock = self.freshness.lock(CATCH_UP_WAIT)
                if lock is None:  # another process has been catching up for a long time: search as it is
                    return Sync(
                        documents=self.backend.count(), problems=dict(manifest.get("problems") or {}), stale=True
                    )
        finally:
            if lock is not None:
                lock.release()

    def _rebuild_once(
        self, reason: str, progress: Progress | None, *, asked: bool, before: tuple[int, int, int] | None
    ) -> Sync:
        """Rebuild, one process at a time: a process that waited for another's rebuild (a search
        right after an import, say) catches up with that one instead of building its own.

        `before`: the manifest's stamp when this process began to look. Taken here instead, a
        rebuild by another process that ended in between (a loaded machine) went unseen, and
        the index was built twice."""
        from filelock import FileLock

        from pmops.store import stamp

        self.dir.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(os.fspath(self.dir) + ".rebuild.lock"):
            if not asked and stamp(self.manifest_path) != before:
                self.backend.close()
                try:
                    return self.refresh(progress, may_rebuild=False)
                except NeedsRebuild:
                    pass
            return self._rebuild(reason, progress)

    def update(self, paths: list[Path], *, committed: bool = False) -> Sync:
        """After a write: index just these files (the next catch-up finds anything else).
        `committed`: the write committed them, so git tracks them and none is ignored (a
        `git check-ignore` less).

        Never raises for the index's sake: a missing, locked or broken index is left for
        the next command to rebuild or catch up.
        """
        lock = None
        try:
            lock = self.freshness.lock(WRITER_TIMEOUT)
            before = self.freshness.read() if lock is not None else None
            if before is None or not self.backend.open():
                return Sync(stale=True)
            rels = {self.kb.rel(p) for p in paths}
            return self._apply(rels, before, self.freshness.written(before, rels), wait=WRITER_TIMEOUT,
                               tracked=rels if committed else frozenset())  # fmt: skip
        except Exception:
            return Sync(stale=True)
        finally:
            if lock is not None:
                lock.release()

    def _apply(self, changed: set[str], before: Manifest, after: Manifest, *, since: int | None = None,
               wait: float | None = None, tracked: Set[str] = frozenset()) -> Sync:  # fmt: skip
        """Re-read the changed paths; re-index those whose content differs from what is indexed
        (waiting up to `wait` seconds for another process that is writing the index); then save
        `after` as the manifest. Under the lock. With `since` (when git status started), a path
        git saw unchanged but which changed after that stays unsettled. `tracked`: paths known
        to be in git's index (never ignored)."""
        from pmops import store

        problems: dict[str, str] = dict(before.get("problems") or {})
        sync = Sync(documents=self.backend.count())
        if not changed:  # nothing to read, nothing to write: HEAD moved outside the KB
            self.freshness.save(after)
            sync.problems = problems
            return sync
        updates: list[Fields] = []
        deletes: list[str] = []
        if self.freshness.mode == "git" and any(rel.rpartition("/")[2] == ".gitignore" for rel in changed):
            # Files indexed before the rules changed may be ignored now: they leave the index.
            changed = changed | self.freshness.ignored(self.backend.paths())
        ignored = self.freshness.ignored(changed - tracked)
        # A name that is not UTF-8 cannot be a term of the index: it never is one (`_read` says why).
        indexed = self.backend.hashes([rel for rel in changed if store.shown(rel) == rel])
        for rel in sorted(changed):
            try:  # then its time is looked at
                data = self._read(rel) if self.kb.is_document(rel) and rel not in ignored else None
            except DocumentError as exc:  # refused: a link out of the KB, a FIFO, a name not UTF-8…
                problems[exc.path] = exc.reason
                if indexed.get(rel) is not None:
                    deletes.append(rel)
                continue
            if data is None:
                problems.pop(store.shown(rel), None)
                if indexed.get(rel) is not None:
                    deletes.append(rel)
                    sync.removed += 1
                continue
            sha = _content_hash(data)
            if sha == indexed[rel] and rel not in problems:
                continue
            document = self._document(rel, data, problems, sha)
            if document is None:
                if indexed[rel] is not None:
                    deletes.append(rel)
                continue
            updates.append(document)
            sync.added += indexed[rel] is None
            sync.modified += indexed[rel] is not None
        if since is not None:  # after the reads: a change while they ran is seen
            self.freshness.settle(after, changed, since)
        if updates or deletes:

            def name_unsettled() -> None:
                # Named before they are indexed: a process killed between the two leaves
                # them to be read again, never indexed in a state the manifest does not know.
                if self.freshness.mode == "git":
                    self.freshness.save(self.freshness.written(before, changed))

            written = self.backend.write(updates, deletes, wait=CATCH_UP_WAIT if wait is None else wait,
                                         before_commit=name_unsettled)  # fmt: skip
            if written is None:  # another process is writing; catch up next time
                sync.stale = True
                sync.problems = problems
                return sync
            sync.added, sync.modified = written
            sync.documents += sync.added - sync.removed
        after["problems"] = problems
        self.freshness.save(after)
        sync.problems = problems
        return sync

    def _read(self, rel: str) -> bytes | None:
        """A KB file's bytes (through store.read_file, which refuses what is not a file of the
        KB with a DocumentError, as any other failure to read is here); None when it is gone."""
        from pmops import store

        try:
            return store.read_file(self.kb.root, rel)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise DocumentError(store.shown(rel), f"cannot read: {exc.strerror or exc}") from None

    def _document(self, rel: str, data: bytes, problems: dict[str, str], sha: str) -> Fields | None:
        """What the index holds for one file, or None (with the reason kept) when it is unreadable."""
        from pmops import documents

        try:
            record = self.kb.record(documents.parse(rel, data))
        except DocumentError as exc:
            problems[rel] = exc.reason + (f" (line {exc.line})" if exc.line else "")
            return None
        problems.pop(rel, None)
        return {**fields.fields_of(record, self._fields), "sha": sha}

    def _rebuild(self, reason: str, progress: Progress | None) -> Sync:
        """A fresh index in a temporary folder, swapped in when complete."""
        self.dir.parent.mkdir(parents=True, exist_ok=True)
        tmp, old = folders.building(self.dir)
        try:  # stopped (Ctrl-C, an error) before the new index is in place: its folder goes
            # The state is taken before the files are read: whatever changes from now on (a commit
            # by a writer meanwhile) is caught up by the next search, read twice at worst.
            status = self.freshness.start()
            state = self.freshness.now(status)
            rels = [self.kb.rel(p) for p in self.kb.paths()]
            sync = Sync(documents=len(rels), rebuilt=reason)
            if progress:
                progress(0, len(rels))  # a terminal's bar shows from the start of the rebuild

            def documents() -> Iterator[Fields]:
                for n, rel in enumerate(rels, 1):
                    try:
                        data = self._read(rel)
                    except DocumentError as exc:  # refused: a link out of the KB, a FIFO, a name not UTF-8…
                        sync.problems[exc.path], data = exc.reason, None
                    document = (
                        self._document(rel, data, sync.problems, _content_hash(data)) if data is not None else None
                    )
                    if document is not None:
                        yield document
                        sync.added += 1
                    if progress and (n % 200 == 0 or n == len(rels)):
                        progress(n, len(rels))

            self.backend.build(tmp, documents(), len(rels))
            if status is not None:  # what changed while it read is read again by the next catch-up
                self.freshness.settle(state, rels, status.started)
            manifest = {**state, "problems": sync.problems}
            # A catch-up running on the old index finishes first; the next one starts from this.
            lock = self.freshness.lock(CATCH_UP_WAIT)  # (not had in time: swapped anyway, the index is complete)
            try:
                folders.swap(self.dir, tmp, old)
                self.freshness.save(manifest)
            finally:
                if lock is not None:
                    lock.release()
        except BaseException:
            folders.remove(tmp)  # (gone once swapped in)
            raise
        folders.remove(old)
        self.backend.close()
        return sync

    # -- searching -----------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        doc_type: str | None = None,
        tag: str | None = None,
        since: dt.date | None = None,
        limit: int = 20,
        archived: bool | None = False,
        progress: Progress | None = None,
        catch_up: bool = True,
        may_rebuild: bool = True,
    ) -> Results:
        """Best matches first, with highlighted snippets; the index is caught up first (unless
        the caller knows nothing changed since it last was: the search server)."""
        query = query.strip()
        if not query:
            raise InvalidInput("the query is empty", hint='try words, "a phrase", tag:pricing or type:insight')
        try:
            size = len(query.encode("utf-8"))
        except UnicodeEncodeError:  # bytes of another encoding in the command line (a Latin-1 file through xargs)
            raise InvalidInput("the query is not UTF-8 text: it has bytes of another encoding",
                               hint="type it again, or convert what it came from to UTF-8") from None  # fmt: skip
        if size > MAX_QUERY_BYTES:
            raise InvalidInput(f"the query is longer than {MAX_QUERY_BYTES} bytes", hint="search for fewer words")
        if limit < 1:
            raise InvalidInput("--limit must be at least 1")
        sync = self.refresh(progress, may_rebuild=may_rebuild) if catch_up else None
        options: dict[str, Any] = {
            "doc_type": doc_type,
            "tag": tag,
            "since": since,
            "limit": limit,
            "archived": archived,
            "vocabulary": self._vocabulary(),
        }
        if not self.backend.open():  # corrupted between refresh and open (or by a concurrent rebuild): once more
            if not may_rebuild:
                raise NeedsRebuild("unreadable")
            sync = self.refresh(progress, rebuild=True)
            self.backend.open()
        try:
            found = self.backend.search(query, **options)
        except PmopsError:
            raise
        except Exception:
            self.backend.close()
            if not may_rebuild:
                raise NeedsRebuild("unreadable") from None
            sync = self.refresh(progress, rebuild=True)
            try:
                self.backend.open()
                found = self.backend.search(query, **options)
            except PmopsError:
                raise
            except Exception:
                raise InvalidInput("cannot understand the query", hint=backend.QUERY_HINT) from None
        for hit in found.hits:
            hit.snippet = self._snippet(hit.path, found.matches)
        return Results(
            found.hits, found.total, query, found.suggestion, sync or Sync(documents=found.documents), found.exact,
            found.ignored, found.by_title,
        )  # fmt: skip

    def _vocabulary(self) -> Taxonomy | None:
        """The KB's taxonomy, for tags in queries; None when taxonomy.yaml cannot be read (lint says
        why), so search still works."""
        try:
            return self.kb.taxonomy
        except PmopsError:
            return None

    def _snippet(self, rel: str, matches: Matched | None) -> str:
        from pmops import documents, store
        from pmops.search import snippets

        body = ""
        try:
            body = snippets.readable_body(documents.body_of(store.read_file(self.kb.root, rel)))
        except (OSError, UnicodeDecodeError, DocumentError):  # changed since it was indexed: no snippet
            pass
        return snippets.shown(body, matches)


def _content_hash(data: bytes) -> str:
    from pmops.documents import content_hash  # the documents module loads YAML: only when indexing

    return content_hash(data)
