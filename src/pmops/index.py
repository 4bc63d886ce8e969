"""The search index: a Whoosh port with a schema from the registry, caught up from git (or stat).

The index is a cache, never content. It lives in the KB's git folder, so it is
never committed and an index from elsewhere is never opened (Whoosh's table of
contents is a pickle); a KB without git keeps it in a git-ignored `.pmops/`, which
is never read again once the KB is in a repository. It is caught up on every use
(only the files git or their stat says may have changed are re-read, and only
those whose content hash changed are re-indexed), and is rebuilt — into a
temporary folder, then swapped in — when missing, corrupt, or made by another schema.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pmops.errors import DocumentError, InvalidInput, PmopsError

SCHEMA_VERSION = 4  # 4: the manifest names the paths indexed outside its commit (3 kept phantoms)
MAX_QUERY_BYTES = 1024
PARALLEL_FROM = 500  # documents; below this, starting worker processes costs more than it saves
WRITER_TIMEOUT = 5.0  # seconds a write waits for the index (then leaves it to catch up later)
CATCH_UP_WAIT = 60.0  # seconds a search waits for another process indexing (a large import)
READ_ATTEMPTS = 5  # reads of an index that other processes keep committing to
# A file whose inode changed this close to the start of `git status`, or after it, may have
# changed after git looked at it: file times lag the clock by a tick (a few ms); a file system
# that keeps whole seconds (some keep two) rounds them down.
SETTLE_NS, SETTLE_WHOLE_SECONDS_NS = 100_000_000, 2_000_000_000
T = TypeVar("T")
MANIFEST = "manifest.json"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's id of the empty tree
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Markdown syntax that means nothing to a reader of a snippet.
_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\([^)]*\)")  # [text](target), [a [2]](t) -> the text
_LINE_MARKER = re.compile(r"^[ \t]*(?:#{1,6}|>|[-*+]|\d+\.)[ \t]+(?:\[[ xX]\][ \t]+)?", re.MULTILINE)
_EMPHASIS = re.compile(r"\*{1,3}|`+|(?<!\w)_{1,3}|_{1,3}(?!\w)")
_TABLE_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+[ \t]*(?::?-{2,}:?[ \t]*)?$", re.MULTILINE)  # |---|:--|
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^<>\s]+|[^<>\s@]+@[^<>\s@]+)>")  # <https://…>, <a@b.org> -> inside
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")  # <section class="…">, </div>, <br/>
_TEMPLATE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)  # Liquid/Jinja tags in published handbooks
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(.*?)[ \t#]*$", re.MULTILINE)  # "## What we heard" -> "What we heard:"
_DATE_CLAUSE = r"(?<![\w]){fields}:\s*(\[[^\]]*\]|\S+)"  # a date field's clause (the fields filled in)
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")
HIT_START, HIT_END = "\x02", "\x03"  # marks around highlighted words in a snippet

Progress = Callable[[int, int], None]


@dataclass
class Sync:
    """What a catch-up or rebuild did."""

    added: int = 0
    modified: int = 0
    removed: int = 0
    documents: int = 0
    rebuilt: str | None = None  # why the index was rebuilt, if it was
    problems: dict[str, str] = field(default_factory=dict)  # path -> why it could not be read
    stale: bool = False  # another process held the index; results may lag


class NeedsRebuild(Exception):  # noqa: N818 - a signal, not an error
    """The index must be rebuilt, and the caller said it would rather not wait here."""


@dataclass
class Hit:
    id: str
    type: str
    title: str
    date: dt.date | None
    path: str
    score: float
    snippet: str  # plain text with HIT_START/HIT_END around matched words

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "path": self.path,
            "score": round(self.score, 4),
            "snippet": self.snippet.replace(HIT_START, "").replace(HIT_END, ""),
        }


@dataclass
class Results:
    hits: list[Hit]
    total: int
    query: str
    suggestion: str | None = None
    sync: Sync = field(default_factory=Sync)
    exact: bool = True  # False: `total` is an upper estimate

    def to_wire(self) -> dict[str, Any]:
        """Everything, as JSON types (the search server sends this to the command)."""
        hits = [{**vars(h), "date": h.date.isoformat() if h.date else None} for h in self.hits]
        return {"hits": hits, "total": self.total, "query": self.query, "suggestion": self.suggestion,
                "sync": vars(self.sync), "exact": self.exact}  # fmt: skip

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Results:
        hits = [Hit(**{**h, "date": dt.date.fromisoformat(h["date"]) if h["date"] else None}) for h in data["hits"]]
        return cls(hits, data["total"], data["query"], data["suggestion"], Sync(**data["sync"]), data["exact"])


def content_hash(data: bytes) -> str:
    from pmops.documents import content_hash  # the documents module loads YAML: only when indexing

    return content_hash(data)


def _whoosh():  # noqa: ANN202 - imported lazily: only search and index need Whoosh
    if "whoosh.qparser.dateparse" in sys.modules:
        return sys.modules["whoosh"]
    with warnings.catch_warnings(), _no_urllib_request():
        warnings.simplefilter("ignore")  # Whoosh 2.7 predates Python 3.12's escape warnings
        import whoosh.fields
        import whoosh.index
        import whoosh.qparser
        import whoosh.qparser.dateparse
        import whoosh.query
    return whoosh


@contextlib.contextmanager
def _no_urllib_request() -> Iterator[None]:
    """Whoosh imports urllib.request (HTTP, SSL, email: 26 ms, a tenth of a search) for a
    download helper pmops never calls. While Whoosh loads, a stand-in takes its place;
    the stand-in's `urlretrieve` forwards to the real one, should anything call it."""
    if "urllib.request" in sys.modules:
        yield
        return
    import types
    import urllib

    def urlretrieve(*args: Any, **kwargs: Any) -> Any:
        from urllib.request import urlretrieve as real

        return real(*args, **kwargs)

    stand_in = types.ModuleType("urllib.request")
    stand_in.urlretrieve = urlretrieve  # type: ignore[attr-defined]
    sys.modules["urllib.request"] = stand_in
    try:
        yield
    finally:
        if sys.modules.get("urllib.request") is stand_in:
            del sys.modules["urllib.request"]
        if getattr(urllib, "request", None) is stand_in:
            del urllib.request


class Index:
    """The index of one KB."""

    def __init__(self, kb):  # noqa: ANN001 - KnowledgeBase
        self.kb = kb
        self.dir = kb.index_dir
        self.manifest_path = self.dir.parent / f"{self.dir.name}-{MANIFEST}"
        self._ix = None
        self._fields = _field_kinds(kb.registry)

    # -- schema --------------------------------------------------------------------

    @property
    def signature(self) -> str:
        """Changes when the schema would: pmops' schema version or the KB's registry."""
        text = json.dumps([SCHEMA_VERSION, sorted(self._fields.items())])
        return hashlib.sha1(text.encode()).hexdigest()[:16]

    def schema(self):  # noqa: ANN201 - whoosh.fields.Schema
        whoosh = _whoosh()
        f = whoosh.fields
        from whoosh.analysis import StemmingAnalyzer

        from pmops._pairs import pair_analyzer

        stem = StemmingAnalyzer()
        columns: dict[str, Any] = {
            "path": f.ID(stored=True, unique=True),
            "id": f.ID(stored=True),
            "type": f.ID(stored=True),
            "title": f.TEXT(stored=True, analyzer=stem, field_boost=3.0, spelling=True),
            # The body and every text field but the title and `author`: what plain words search.
            "body": f.TEXT(analyzer=stem, spelling=True),
            "pairs": f.TEXT(analyzer=pair_analyzer(), phrase=False),  # adjacent words of `body`, for phrases
            "date": f.DATETIME(stored=True),
            "tags": f.KEYWORD(commas=True, lowercase=True, scorable=True),
            "sha": f.STORED(),  # the content hash, to tell a touched file from a changed one
        }
        for name, kind in self._fields.items():
            if name in columns:
                continue
            if kind == "text":
                columns[name] = f.TEXT(analyzer=stem)
            elif kind == "date":
                columns[name] = f.DATETIME()
            else:
                columns[name] = f.KEYWORD(commas=True, lowercase=True)
        return f.Schema(**columns)

    # -- keeping it fresh ----------------------------------------------------------
    #
    # Two ways to learn what changed since the last time, then one way to apply it:
    # - in a git repository, the manifest names a commit (`head`) and the paths the index
    #   may hold in another state than that commit's (`unsettled`): every other path is
    #   indexed exactly as it is in `head`. A catch-up re-reads the unsettled paths, the
    #   ones `git status` (its stat cache, in C) says differ from HEAD, and the ones
    #   `git diff head HEAD` lists; then HEAD becomes `head`. A diff of two commits misses
    #   a file that changed and changed back between them (a write indexed after its
    #   commit, then `git rm` and commit, or `git reset`): so whatever is indexed outside
    #   a catch-up (a write's files) is named in `unsettled` first, and stays there until
    #   a catch-up has read it clean;
    # - without git, a stat manifest: files whose size or mtime changed.
    # Candidates are read and hashed; only those whose hash differs from the one the
    # index stored are re-indexed, and files gone from disk leave the index. The manifest
    # and the index change together, one process at a time (`_lock`).

    @property
    def mode(self) -> str:
        return "git" if self.kb.repo else "stat"

    def _manifest(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("signature") != self.signature or data.get("mode") != self.mode:
            return None
        return data

    def _save_manifest(self, manifest: dict[str, Any]) -> None:
        manifest.update(signature=self.signature, mode=self.mode)
        tmp = self.manifest_path.with_name(f"{self.manifest_path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(manifest, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, self.manifest_path)

    def _open(self):  # noqa: ANN202 - whoosh index or None
        """The index on disk, opened once per command; None when missing or damaged."""
        if self._ix is not None:
            return self._ix
        whoosh = _whoosh()
        # Whoosh leaves the file open when a damaged table of contents fails to load; the
        # failed attempt's frames (and that file) are freed inside this block, quietly.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                if not whoosh.index.exists_in(str(self.dir)):
                    return None
                ix = whoosh.index.open_dir(str(self.dir))
                ix.doc_count()  # reads the segments: a truncated file fails here
            except Exception:  # noqa: BLE001 - any failure to open means: rebuild
                return None
        self._ix = ix
        return ix

    def _start(self):  # noqa: ANN202 - gitrepo.Status | None
        repo = self.kb.repo
        return repo.start_status(self.kb.pathspec()) if repo else None

    def _lock(self, timeout: float):  # noqa: ANN202 - filelock.FileLock | None
        """The lock under which the index and its manifest change together (a catch-up, a write's
        update, a rebuild's swap); None when another process held it for `timeout` seconds.
        Otherwise one process's manifest could undo another's: a catch-up that read the manifest
        before a write named its file unsettled would save it without that file."""
        from filelock import FileLock, Timeout

        self.dir.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(os.fspath(self.dir) + ".state.lock")
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            return None
        return lock

    def _changed_since(self, rel: str, since: int) -> bool:
        """Whether the file (or, when it is gone, the folder it was in) changed at or after
        `since` (ns), give or take the file system's clock: the inode's change time, which no
        tool sets back (git does the same with its own "racily clean" files)."""
        path = self.kb.root / rel
        while True:
            try:
                st = os.lstat(path)
                changed = st.st_ctime_ns
                if stat.S_ISLNK(st.st_mode):  # a link inside the KB: its target's content counts too
                    changed = max(changed, os.stat(path).st_ctime_ns)
                return changed >= since - (SETTLE_WHOLE_SECONDS_NS if changed % 1_000_000_000 == 0 else SETTLE_NS)
            except FileNotFoundError:
                if path == self.kb.root or path.parent == path:
                    return True
                path = path.parent  # a deletion changes the folder
            except OSError:
                return True

    def _in_kb(self, repo_paths: set[str]) -> set[str]:
        return {rel for rel in map(self.kb.from_repo, repo_paths) if rel is not None}

    def _candidates(self, manifest: dict[str, Any], status) -> tuple[set[str], dict[str, Any]] | None:  # noqa: ANN001
        """Paths that may have changed, and the new state (its `unsettled` paths are the dirty
        ones: `_apply` adds those that changed while it read); None when only a rebuild can tell."""
        if status is None:
            now = self.kb.scan()
            known = manifest.get("stat") or {}
            changed = {p for p in known if p not in now} | {p for p, st in now.items() if known.get(p) != list(st)}
            return changed, {"stat": {rel: list(st) for rel, st in now.items()}}
        head, dirty_paths = status.result()
        dirty = self._in_kb(dirty_paths)
        changed = dirty | set(manifest.get("unsettled") or [])
        if head != manifest.get("head"):
            moved = self.kb.repo.changed_between(manifest.get("head") or EMPTY_TREE, head or EMPTY_TREE, self.kb.pathspec())
            if moved is None:
                return None
            changed |= self._in_kb(moved)
        return changed, {"head": head, "unsettled": sorted(dirty)}

    def refresh(self, progress: Progress | None = None, *, rebuild: bool = False, may_rebuild: bool = True) -> Sync:
        """Bring the index up to date with the files on disk (rebuilding when needed; with
        `may_rebuild=False`, a needed rebuild raises NeedsRebuild instead)."""
        status = None if rebuild else self._start()  # git works on another core meanwhile
        caught_up = "asked for" if rebuild else self._catch_up(status)
        if isinstance(caught_up, Sync):
            return caught_up
        if status is not None:
            status.cancel()
        if not may_rebuild:
            raise NeedsRebuild(caught_up)
        return self._rebuild_once(caught_up, progress, asked=rebuild)

    def _catch_up(self, status) -> Sync | str:  # noqa: ANN001 - gitrepo.Status | None
        """Apply what changed since the manifest's state; or why only a rebuild can (a reason).

        When nothing changed (the common case) nothing is locked, written or read but git's
        answer. Otherwise the lock is taken and the manifest read again under it: another
        process may have moved it on meanwhile."""
        lock = None
        try:
            while True:
                manifest, ix = self._manifest(), self._open()
                if ix is None:
                    return "missing or unreadable"
                if manifest is None:
                    return "made by another version of pmops or of the KB's types"
                found = self._candidates(manifest, status)
                if found is None:
                    return "the history it was built from was rewritten"
                changed, state = found
                after = {**manifest, **state}
                if not changed and after == manifest:
                    return Sync(documents=ix.doc_count(), problems=dict(manifest.get("problems") or {}))
                if lock is not None:
                    return self._apply(ix, changed, manifest, after, since=status.started if status else None)
                lock = self._lock(CATCH_UP_WAIT)
                if lock is None:  # another process has been catching up for a long time: search as it is
                    return Sync(documents=ix.doc_count(), problems=dict(manifest.get("problems") or {}), stale=True)
        finally:
            if lock is not None:
                lock.release()

    def _rebuild_once(self, reason: str, progress: Progress | None, *, asked: bool) -> Sync:
        """Rebuild, one process at a time: a process that waited for another's rebuild (a search
        right after an import, say) catches up with that one instead of building its own."""
        from filelock import FileLock

        from pmops.store import stamp

        before = stamp(self.manifest_path)
        self.dir.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(os.fspath(self.dir) + ".rebuild.lock"):
            if not asked and stamp(self.manifest_path) != before:
                self._ix = None
                try:
                    return self.refresh(progress, may_rebuild=False)
                except NeedsRebuild:
                    pass
            return self._rebuild(reason, progress)

    def update(self, paths: list[Path]) -> Sync:
        """After a write: index just these files (the next catch-up finds anything else).

        Never raises for the index's sake: a missing, locked or broken index is left for
        the next command to rebuild or catch up.
        """
        lock = None
        try:
            lock = self._lock(WRITER_TIMEOUT)
            before = self._manifest() if lock is not None else None
            ix = self._open() if before is not None else None
            if ix is None:
                return Sync(stale=True)
            rels = {self.kb.rel(p) for p in paths}
            after = dict(before)
            if "stat" in before:
                after["stat"] = dict(before["stat"])
                for rel in rels:
                    try:
                        st = (self.kb.root / rel).stat()
                        after["stat"][rel] = [st.st_mtime_ns, st.st_size]
                    except OSError:
                        after["stat"].pop(rel, None)
            else:
                # Indexed outside a catch-up: the manifest's commit may not have these files (or
                # not as they are now), and a later commit may put them back as they were.
                after["unsettled"] = sorted({*(before.get("unsettled") or []), *rels})
            return self._apply(ix, rels, before, after, wait=WRITER_TIMEOUT)
        except Exception:  # noqa: BLE001 - the write succeeded; the index catches up later
            return Sync(stale=True)
        finally:
            if lock is not None:
                lock.release()

    def _apply(self, ix, changed: set[str], before: dict[str, Any], after: dict[str, Any], *,  # noqa: ANN001
               since: int | None = None, wait: float | None = None) -> Sync:  # fmt: skip
        """Re-read the changed paths; re-index those whose content differs from what is indexed
        (waiting up to `wait` seconds for another process that is writing the index); then save
        `after` as the manifest. Under the lock. With `since` (when git status started), a path
        git saw unchanged but which changed after that stays unsettled."""
        problems: dict[str, str] = dict(before.get("problems") or {})
        sync = Sync(documents=ix.doc_count())
        if not changed:  # nothing to read, nothing to write: HEAD moved outside the KB
            self._save_manifest(after)
            sync.problems = problems
            return sync
        updates: list[dict[str, Any]] = []
        deletes: list[str] = []
        from pmops import store

        if self.mode == "git" and any(rel.rpartition("/")[2] == ".gitignore" for rel in changed):
            # Files indexed before the rules changed may be ignored now: they leave the index.
            every = _reading(ix, lambda searcher: {_text(t) for t in searcher.reader().lexicon("path")})
            changed = changed | self._ignored(every)
        ignored = self._ignored(changed)
        # A name that is not UTF-8 cannot be a term of the index: it never is one (`_read` says why).
        named = [rel for rel in changed if store.shown(rel) == rel]
        indexed = _reading(ix, lambda searcher: {rel: (searcher.document(path=rel) or {}).get("sha") for rel in named})
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
            sha = content_hash(data)
            if sha == indexed[rel] and rel not in problems:
                continue
            fields = self._document_fields(rel, data, problems, sha)
            if fields is None:
                if indexed[rel] is not None:
                    deletes.append(rel)
                continue
            updates.append(fields)
            sync.added += indexed[rel] is None
            sync.modified += indexed[rel] is not None
        if since is not None:  # after the reads: a change while they ran is seen
            settled = set(after["unsettled"])
            after["unsettled"] = sorted(settled | {rel for rel in changed - settled if self._changed_since(rel, since)})
        if updates or deletes:
            try:
                options: dict[str, Any] = {"timeout": CATCH_UP_WAIT if wait is None else wait, "compound": False}
                if len(updates) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:  # an import, a pull
                    options.update(procs=min(os.cpu_count() or 1, 4), multisegment=True)
                writer = ix.writer(**options)
            except Exception:  # noqa: BLE001 - LockError: another process is writing; catch up next time
                sync.stale = True
                sync.problems = problems
                return sync
            try:
                # Delete-then-add by path, with the index as the writer's lock sees it: "not indexed
                # yet" was read before the lock, and another process may have indexed it since. One
                # searcher for the batch (update_document opens a reader per document: 2 ms each).
                with writer.searcher() as current:
                    now = {rel: (current.document(path=rel) or {}).get("sha") for rel in [*deletes, *(f["path"] for f in updates)]}
                    updates = [f for f in updates if now[f["path"]] != f["sha"]]  # indexed meanwhile
                    sync.added = sum(now[f["path"]] is None for f in updates)
                    sync.modified = len(updates) - sync.added
                    deletes = [rel for rel in deletes if now[rel] is not None]
                    for rel in [*deletes, *(fields["path"] for fields in updates)]:
                        writer.delete_by_term("path", rel, searcher=current)
                for fields in updates:
                    writer.add_document(**fields)
                if (updates or deletes) and self.mode == "git":
                    # Named before they are indexed: a process killed between the two leaves
                    # them to be read again, never indexed in a state the manifest does not know.
                    self._save_manifest({**before, "unsettled": sorted({*(before.get("unsettled") or []), *changed})})
                if updates or deletes:
                    writer.commit()
                else:
                    writer.cancel()
            except BaseException:
                writer.cancel()
                raise
            sync.documents += sync.added - sync.removed
        after["problems"] = problems
        self._save_manifest(after)
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

    def _ignored(self, rels: set[str]) -> set[str]:
        """Those of `rels` git ignores and does not track: not part of a shared KB, they are
        never indexed, as a rebuild (which reads `KnowledgeBase.paths`) never reads them."""
        repo = self.kb.repo
        if repo is None:
            return set()
        asked = [self.kb.to_repo(rel) for rel in rels if self.kb.is_document(rel)]
        return {rel for rel in map(self.kb.from_repo, repo.ignored(asked)) if rel is not None}

    def _document_fields(self, rel: str, data: bytes, problems: dict[str, str], sha: str) -> dict[str, Any] | None:
        """What the index holds for one file, or None (with the reason kept) when it is unreadable."""
        from pmops import documents

        try:
            record = self.kb.record(documents.parse(rel, data))
        except DocumentError as exc:
            problems[rel] = exc.reason + (f" (line {exc.line})" if exc.line else "")
            return None
        problems.pop(rel, None)
        return {**self._fields_of(record), "sha": sha}

    def _fields_of(self, record) -> dict[str, Any]:  # noqa: ANN001 - Record
        fields: dict[str, Any] = {
            "path": record.path,
            "id": record.id or record.path,
            "type": record.type,
            "title": record.title,
        }
        # Markdown punctuation never reaches the index (the analyzer drops it); comments would.
        body = [_COMMENT.sub("", record.doc.body) if "<!--" in record.doc.body else record.doc.body]
        values = dict(record.values)
        if record.type == "page":  # foreign front-matter: index what looks like tags and a date
            values.update({k: record.doc.meta.get(k) for k in ("tags", "date") if k in record.doc.meta})
        for name, value in values.items():
            if name in ("id", "title") or name in record.problems or value in (None, "", []):
                continue
            kind = self._fields.get(name, "keyword" if name == "tags" else None)
            if name == "date":
                kind = "date"
            if kind is None:
                continue
            converted = _index_value(kind, value)
            if converted is not None:
                fields[name] = converted
                if kind == "text" and name != "author":
                    body.append(converted)
        fields["body"] = fields["pairs"] = "\n".join(body)
        return fields

    def _rebuild(self, reason: str, progress: Progress | None) -> Sync:
        """A fresh index in a temporary folder, swapped in when complete."""
        whoosh = _whoosh()
        self.dir.parent.mkdir(parents=True, exist_ok=True)
        me = _this_process()
        tmp = self.dir.with_name(f"{self.dir.name}.tmp-{me}")
        for leftover in self.leftovers():  # a killed rebuild's folder is as large as an index
            shutil.rmtree(leftover, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        # The state is taken before the files are read: whatever changes from now on (a commit
        # by a writer meanwhile) is caught up by the next search, read twice at worst.
        status = self._start()
        if status is None:
            state: dict[str, Any] = {"stat": {rel: list(st) for rel, st in self.kb.scan().items()}}
        else:
            head, dirty = status.result()
            state = {"head": head, "unsettled": sorted(self._in_kb(dirty))}
        rels = [self.kb.rel(p) for p in self.kb.paths()]
        sync = Sync(documents=len(rels), rebuilt=reason)
        ix = whoosh.index.create_in(str(tmp), self.schema())
        parallel = len(rels) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1
        # compound=False: separate segment files are memory-mapped when searched; a compound
        # file is copied into memory piece by piece (50 ms per search at 50k documents).
        options = {"limitmb": 128, "compound": False}
        if parallel:
            options.update(procs=min(os.cpu_count() or 1, 4), multisegment=True)
        writer = ix.writer(**options)
        try:
            for n, rel in enumerate(rels, 1):
                try:
                    data = self._read(rel)
                except DocumentError as exc:  # refused: a link out of the KB, a FIFO, a name not UTF-8…
                    sync.problems[exc.path], data = exc.reason, None
                fields = self._document_fields(rel, data, sync.problems, content_hash(data)) if data is not None else None
                if fields is not None:
                    writer.add_document(**fields)
                    sync.added += 1
                if progress and (n % 200 == 0 or n == len(rels)):
                    progress(n, len(rels))
            writer.commit()
        except BaseException:
            writer.cancel()
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if status is not None:  # what changed while it read is read again by the next catch-up
            dirty = set(state["unsettled"])
            recent = {rel for rel in rels if rel not in dirty and self._changed_since(rel, status.started)}
            state["unsettled"] = sorted(dirty | recent)
        manifest = {**state, "problems": sync.problems}
        old = self.dir.with_name(f"{self.dir.name}.old-{me}")
        # A catch-up running on the old index finishes first; the next one starts from this.
        lock = self._lock(CATCH_UP_WAIT)  # (not had in time: swapped anyway, the index is complete)
        try:
            if self.dir.exists():
                os.replace(self.dir, old)
            os.replace(tmp, self.dir)
            self._save_manifest(manifest)
        finally:
            if lock is not None:
                lock.release()
        shutil.rmtree(old, ignore_errors=True)
        self._ix = None
        return sync

    def leftovers(self) -> list[Path]:
        """Folders a rebuild that was killed left beside the index: the index it was building
        (`index.tmp-…`) or the one it was replacing (`index.old-…`). Each is named for its
        process; it is a leftover once that process is gone, or when its pid now belongs to a
        process that started later (pids are reused). The next rebuild removes them."""
        try:
            entries = list(os.scandir(self.dir.parent))
        except OSError:
            return []
        found = []
        for entry in entries:
            named = _REBUILD_FOLDER.fullmatch(entry.name)
            if named and named["index"] == self.dir.name and entry.is_dir(follow_symlinks=False):
                if not _running(int(named["pid"]), named["started"], Path(entry.path)):
                    found.append(Path(entry.path))
        return sorted(found)

    # -- searching -----------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        doc_type: str | None = None,
        tag: str | None = None,
        since: dt.date | None = None,
        limit: int = 20,
        progress: Progress | None = None,
        catch_up: bool = True,
        may_rebuild: bool = True,
    ) -> Results:
        """Best matches first, with highlighted snippets; the index is caught up first (unless
        the caller knows nothing changed since it last was: the search server)."""
        query = query.strip()
        if not query:
            raise InvalidInput("the query is empty", hint='try words, "a phrase", tag:pricing or type:insight')
        if len(query.encode("utf-8")) > MAX_QUERY_BYTES:
            raise InvalidInput(f"the query is longer than {MAX_QUERY_BYTES} bytes", hint="search for fewer words")
        if limit < 1:
            raise InvalidInput("--limit must be at least 1")
        sync = self.refresh(progress, may_rebuild=may_rebuild) if catch_up else None
        ix = self._open()
        if ix is None:  # corrupted between refresh and open (or by a concurrent rebuild): once more
            if not may_rebuild:
                raise NeedsRebuild("unreadable")
            sync = self.refresh(progress, rebuild=True)
            ix = self._open()
        try:
            return _reading(ix, lambda searcher: self._search(searcher, query, doc_type, tag, since, limit, sync))
        except PmopsError:
            raise
        except Exception:  # noqa: BLE001 - a damaged segment file fails in many ways: rebuild, retry once
            self._ix = None
            if not may_rebuild:
                raise NeedsRebuild("unreadable") from None
            sync = self.refresh(progress, rebuild=True)
            try:
                return _reading(self._open(), lambda s: self._search(s, query, doc_type, tag, since, limit, sync))
            except PmopsError:
                raise
            except Exception:  # noqa: BLE001 - the index was just built: the query is at fault
                raise InvalidInput("cannot understand the query", hint=QUERY_HINT) from None

    def _parser(self, schema, text: str = ""):  # noqa: ANN001, ANN202 - (the text it will parse, for messages)
        whoosh = _whoosh()
        qp = whoosh.qparser
        # Plain words search the title and the body, which also holds every text field but
        # `author` (reached with author:…): one posting list per field and word to read.
        parser = qp.MultifieldParser(["title", "body"], schema, group=qp.AndGroup)
        dates, gtlt = _plugins()
        parser.add_plugin(dates(free=False))
        parser.add_plugin(gtlt())
        parser.add_plugin(qp.FieldAliasPlugin({"tags": ["tag"]}))
        parser.add_plugin(_Guards(schema, text))
        return parser

    def _query(self, schema, query: str, doc_type: str | None, tag: str | None, since: dt.date | None):  # noqa: ANN001, ANN202
        """(the words as parsed, the query to run: phrases read from pairs, the options as filters)."""
        from pmops import taxonomy

        wq = _whoosh().query
        dated = [name for name, kind in schema.items() if type(kind).__name__ == "DATETIME"]
        text, clauses = _compact_dates(query, dated or ["date"])
        text = _lower_fields(text)
        parser = self._parser(schema, text)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                words = parser.parse(text)
        except _BadDate as bad:
            written = next((c for start, end, c in clauses if bad.at is not None and start <= bad.at < end), bad.written)
            message = f"cannot understand the query: '{_clip(written)}' is not a date"
            raise InvalidInput(message, hint=DATES_HINT) from None
        except PmopsError:
            raise
        except Exception:  # noqa: BLE001 - Whoosh's parser fails in ways of its own
            raise InvalidInput("cannot understand the query", hint=QUERY_HINT) from None
        parsed = _phrases_as_pairs(words, wq)
        filters = []
        if doc_type:
            filters.append(wq.Term("type", doc_type.lower()))
        if tag:
            filters.append(wq.Term("tags", taxonomy.normalise(tag)))
        if since:
            filters.append(wq.DateRange("date", dt.datetime.combine(since, dt.time()), None))
        return words, (wq.And([parsed, *filters]) if filters else parsed)

    def _search(self, searcher, query, doc_type, tag, since, limit, sync: Sync | None) -> Results:  # noqa: ANN001
        words, parsed = self._query(searcher.schema, query, doc_type, tag, since)
        if sync is None:  # not caught up here (the server knew nothing changed)
            sync = Sync(documents=searcher.doc_count())
        found = searcher.search(parsed, limit=limit)
        # The body's words the query matches, prefixes and wildcards expanded (`therm*`). Not
        # Query.existing_terms: Whoosh 2.7's loop there overwrites its field filter.
        reader = searcher.reader()
        stems = {t.decode() if isinstance(t, bytes) else str(t) for leaf in words.leaves() if leaf.field() == "body"
                 for _, t in leaf.expanded_terms(reader, phrases=True) if t}  # fmt: skip
        hits = [self._hit(h, stems) for h in found]
        suggestion = None
        if not hits:

            def finds(text: str) -> bool:
                try:
                    return not searcher.search(self._query(searcher.schema, text, doc_type, tag, since)[1], limit=1).is_empty()
                except InvalidInput:
                    return False

            suggestion = _did_you_mean(searcher, query, finds)
        # Counting every match re-runs the query (a phrase: 2-3x its cost); an estimate is free.
        exact = len(hits) < limit or found.has_exact_length()
        total = len(hits) if len(hits) < limit else found.estimated_length()
        return Results(hits, total, query, suggestion, sync, exact)

    def _hit(self, hit, stems: set[str]) -> Hit:  # noqa: ANN001 - whoosh Hit
        stored = hit.fields()
        body = ""
        try:
            from pmops import documents, store

            body = _readable_body(documents.body_of(store.read_file(self.kb.root, stored["path"])))
        except (OSError, UnicodeDecodeError, DocumentError):  # changed since it was indexed: no snippet
            pass
        snippet = _snippet(body, stems) or " ".join(body.split())[:200]
        when = stored.get("date")
        return Hit(
            id=stored.get("id") or stored["path"],
            type=stored.get("type", "page"),
            title=stored.get("title") or stored["path"],
            date=when.date() if isinstance(when, dt.datetime) else None,
            path=stored["path"],
            score=float(hit.score or 0.0),
            snippet=" ".join(snippet.split()),
        )


QUERY_HINT = 'try words, "a phrase", OR, NOT, word*, tag:pricing, type:insight or date:2026-03'
DATES_HINT = "dates look like date:2026-03, date:2026-03-14, date:[2026-01-01 to 2026-03-31] or date:>2026-06-01"


class _BadDate(Exception):
    """A date the query parser cannot read; `at` is where it starts in the parsed text."""

    def __init__(self, node) -> None:  # noqa: ANN001 - a whoosh syntax node
        super().__init__()
        self.at = getattr(node, "startchar", None)
        value = getattr(node, "text", None) or " to ".join(filter(None, (getattr(node, n, None) for n in ("start", "end"))))
        self.written = f"{getattr(node, 'fieldname', None) or 'date'}:{value}"


@functools.cache
def _plugins() -> tuple[type, type]:
    """Whoosh's date and `<`/`>` plugins, mended: a date they cannot read raises _BadDate
    (Whoosh drops that clause and searches the rest: `thermal date:2026-13` would find every
    thermal document, `date:[nonsense to]` fails inside Whoosh), and a query that opens with
    `<` or `>` no longer reads the node before it from an empty list."""
    qp = _whoosh().qparser

    class Dates(qp.dateparse.DateParserPlugin):
        def errorize(self, message, node):  # noqa: ANN001, ANN202, ARG002
            raise _BadDate(node)

        def text_to_dt(self, node):  # noqa: ANN001, ANN202
            try:
                return super().text_to_dt(node)
            except _BadDate:
                raise
            except Exception:  # noqa: BLE001 - the date parser's own failures (int() of "nons")
                raise _BadDate(node) from None

        def range_to_dt(self, node):  # noqa: ANN001, ANN202
            try:
                return super().range_to_dt(node)
            except _BadDate:
                raise
            except Exception:  # noqa: BLE001
                raise _BadDate(node) from None

    class GtLt(qp.GtLtPlugin):
        def do_gtlt(self, parser, group):  # noqa: ANN001, ANN202
            # A sign with no field before it is dropped, as Whoosh does anywhere but first.
            first = next((i for i, n in enumerate(group.nodes) if not isinstance(n, self.GtLtNode)), len(group.nodes))
            if first:
                rest, group = group.nodes[first:], group.empty_copy()
                group.extend(rest)
            return super().do_gtlt(parser, group)

    return Dates, GtLt


class _Guards:
    """A query-parser plugin for what Whoosh accepts, then fails on. Refused while parsing,
    saying what is wrong: a boost of 0 (`file^0`, or one too small for a float) divides by
    zero while searching; a field that is stored but not indexed (`sha:`) has no words to
    search. Mended: a NOT with nothing left to negate (`NOT NOT paper`) is dropped, as a NOT
    at the end is, where Whoosh would read the first of its no words."""

    def __init__(self, schema, text: str) -> None:  # noqa: ANN001 - whoosh.fields.Schema
        self.schema, self.text = schema, text

    def taggers(self, parser) -> list:  # noqa: ANN001, ARG002
        return []

    def filters(self, parser) -> list:  # noqa: ANN001, ARG002
        # After field names are applied (100), before boosts are (510); after operators (600).
        return [(self.refuse, 505), (self.drop_empty, 650)]

    def drop_empty(self, parser, group):  # noqa: ANN001, ANN201, ARG002 - whoosh syntax nodes
        from whoosh.qparser.syntax import Wrapper

        for node in [group, *(node for node, _ in _nodes(group) if hasattr(node, "nodes"))]:
            node.nodes = [n for n in node.nodes if not (isinstance(n, Wrapper) and not n.nodes)]
        return group

    def refuse(self, parser, group):  # noqa: ANN001, ANN201, ARG002 - whoosh syntax nodes
        import math

        for node, before in _nodes(group):
            if type(node).__name__ == "BoostNode" and not (math.isfinite(node.boost) and node.boost > 0):
                start = getattr(before, "startchar", None)
                if start is not None and hasattr(before, "nodes") and self.text[:start].rstrip().endswith("("):
                    start = self.text.rindex("(", 0, start)  # a group starts at its first word
                end = node.endchar
                written = _clip(self.text[start:end] if start is not None and end else node.original)
                problem = "is too large" if node.boost > 0 else "is not above 0"
                raise InvalidInput(f"cannot understand the query: the boost in '{written}' {problem}",
                                   hint="weigh a word more with word^2, or leave the ^ out")  # fmt: skip
            name = getattr(node, "fieldname", None)
            if name in self.schema and self.schema[name].format is None:
                raise InvalidInput(f"cannot understand the query: '{name}:' is kept for pmops and cannot be searched",
                                   hint="search words, or fields such as title:, tag:, type:, author:, date:")  # fmt: skip
        return group


def _nodes(group, before=None) -> Iterator[tuple[Any, Any]]:  # noqa: ANN001 - whoosh syntax nodes
    """Every node under `group`, with the node before it in its group."""
    for node in group:
        yield node, before
        if hasattr(node, "nodes"):
            yield from _nodes(node)
        before = node


def _compact_dates(query: str, fields: list[str]) -> tuple[str, list[tuple[int, int, str]]]:
    """The query with each date field's clause (date:, last_reviewed:, …) written with its ISO days
    as Whoosh's date parser reads them (2026-03-14 -> 20260314), and where each clause now is,
    with what the user wrote."""
    pattern = re.compile(_DATE_CLAUSE.format(fields="(" + "|".join(map(re.escape, fields)) + ")"), re.IGNORECASE)
    out, clauses, at = [], [], 0
    for m in pattern.finditer(query):
        out.append(query[at : m.start()])
        compact = f"{m.group(1)}:" + _ISO_DAY.sub(lambda d: "".join(g or "" for g in d.groups()), m.group(2))
        start = sum(map(len, out))
        clauses.append((start, start + len(compact), m.group()))
        out.append(compact)
        at = m.end()
    out.append(query[at:])
    return "".join(out), clauses


def _clip(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


# A rebuild's folders: index.tmp-<pid>-<start>, index.old-<pid>-<start> (or -<pid> alone: older pmops, no /proc)
_REBUILD_FOLDER = re.compile(r"(?P<index>.+)\.(?:tmp|old)-(?P<pid>\d+)(?:-(?P<started>\d+))?")


def _this_process() -> str:
    """This process as a rebuild names its folders: its pid and, where the system says (Linux),
    when it started, which tells it from a later process given the same pid."""
    pid = os.getpid()
    known = _process(pid)
    return f"{pid}-{known[1]}" if known else str(pid)


def _process(pid: int) -> tuple[str, int] | None:
    """(state, start in clock ticks since boot) of a running process, from Linux's /proc; None
    when it is gone, or on a system without /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rpartition(b")")[2].split()  # the name, in parentheses, may hold spaces
        return fields[0].decode(), int(fields[19])
    except (OSError, ValueError, IndexError):
        return None


def _running(pid: int, started: str | None, folder: Path) -> bool:
    """Whether the process that named `folder` still runs. In doubt (a live pid on a system
    that does not say when processes started), it does: its folder is kept."""
    if pid <= 0:
        return False  # 0 and below name process groups, never a rebuild
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except OSError:
        pass  # another user's process: it exists
    known = _process(pid)
    if known is None:
        return _process(os.getpid()) is None  # gone meanwhile (with /proc), or no /proc to ask
    state, ticks = known
    if state in ("Z", "X"):
        return False  # killed; its parent has not collected it yet
    if started is not None:
        return int(started) == ticks
    # A folder named by pid alone: the process must have started before the folder last changed.
    try:
        with open("/proc/stat", "rb") as handle:
            boot = next(int(line.split()[1]) for line in handle if line.startswith(b"btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK") <= folder.stat().st_mtime + 1
    except (OSError, ValueError, StopIteration):
        return True


def _reading(ix, read: Callable[[Any], T]) -> T:  # noqa: ANN001 - whoosh index
    """`read(searcher)` on the index's latest generation. Whoosh opens some of a segment's files
    only when first read, and a commit by another process deletes the files of segments it merged
    away: a read that lost its files to a newer generation is run again on that one. Any other
    failure (a damaged file) is the caller's."""
    for attempt in range(READ_ATTEMPTS):
        generation = ix.latest_generation()
        try:
            with ix.searcher() as searcher:
                return read(searcher)
        except PmopsError:
            raise
        except Exception:
            if attempt == READ_ATTEMPTS - 1 or ix.latest_generation() == generation:
                raise
    raise AssertionError("unreachable")


def _text(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _did_you_mean(searcher, text: str, finds: Callable[[str], bool]) -> str | None:  # noqa: ANN001 - whoosh Searcher
    """The query with each word the index does not know replaced by a close one it does.

    Not Whoosh's `correct_query`: it corrects each field's copy of a word against that field's
    words alone (titles, here), and its ranking ignores the edit distance, so the most frequent
    word two edits away beats the right one a single edit away ("papr" -> "per"). Here the
    candidates are the words of titles and bodies as written (their spelling lists), fewest
    edits first, then the first letter kept, a length close to the word typed, the most
    documents. The first choice for every word is kept unless another candidate makes the
    query find something ("thermal papr": "paper", not "pair"). Field names and values,
    prefixes (`therm*`), operators and stop words are left alone.

    It looks for 0.3 s (a lookup begun is finished): an unknown word costs up to four lookups
    (about 0.35 s in all at 50,000 documents), so a query of many gets no suggestion rather than
    a wait of seconds for each; out of time while trying other candidates, the first choices
    are offered."""
    import time

    from whoosh.analysis import STOP_WORDS

    deadline = time.monotonic() + 0.3
    reader, stem = searcher.reader(), _stemmer()
    spans: list[tuple[int, int]] = []
    options: list[list[str]] = []
    for match in _WORD.finditer(text):
        word, lowered = match.group(), match.group().lower()
        before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
        if before == ":" or after in (":", "*", "?") or word in ("AND", "OR", "NOT") or lowered in STOP_WORDS or len(word) < 3:
            continue  # a field, a prefix or wildcard, an operator, a stop word
        if any((field, stem(lowered)) in reader for field in ("body", "title")):
            continue
        for edits in (1, 2):
            if time.monotonic() > deadline:
                return None
            near = {w for field in ("title", "body") for w in reader.terms_within(field, lowered, edits)} - {lowered}
            if near:
                ranked = sorted(near, key=lambda w: (w[:1] != lowered[:1], abs(len(w) - len(lowered)),
                                                     -reader.doc_frequency("body", stem(w)), w))  # fmt: skip
                spans.append(match.span())
                options.append(ranked[:5])
                break
    if not spans:
        return None

    def spelled(choice: list[str]) -> str:
        out, at = [], 0
        for (start, end), word in zip(spans, choice):
            out += [text[at:start], word.capitalize() if text[start].isupper() else word]
            at = end
        return "".join(out) + text[at:]

    best = [ranked[0] for ranked in options]
    if not finds(spelled(best)):
        for trial in ([*best[:i], word, *best[i + 1 :]] for i, ranked in enumerate(options) for word in ranked[1:]):
            if time.monotonic() > deadline:
                break
            if finds(spelled(trial)):
                best = trial
                break
    return spelled(best)


def _phrases_as_pairs(query, wq):  # noqa: ANN001, ANN202 - whoosh queries
    """Phrases in the body, read from the `pairs` field: "approval workflow" is one term there.
    A longer phrase needs all its pairs, then the positions are checked where they all occur."""
    if isinstance(query, wq.Phrase) and query.fieldname == "body" and query.slop == 1 and len(query.words) > 1:
        from pmops._pairs import pair

        terms = [wq.Term("pairs", p, boost=query.boost) for p in pair(query.words)]
        return terms[0] if len(terms) == 1 else wq.And([*terms, query])
    return query.apply(lambda child: _phrases_as_pairs(child, wq))


_WORD = re.compile(r"\w+(?:\.?\w+)*")  # the words the index's tokenizer sees
SNIPPET_CHARS, CONTEXT_CHARS, FRAGMENTS = 220, 60, 2


def _snippet(text: str, stems: set[str]) -> str:
    """Up to two passages of `text` around words whose stem the query matched, best first by
    how many distinct words they hold, shown in reading order with the words marked."""
    if not stems:
        return ""
    stem = _stemmer()
    found = [m.span() for m in _WORD.finditer(text) if stem(m.group().lower()) in stems]
    passages: list[list[tuple[int, int]]] = []
    for span in found:  # matches close enough to share a passage
        if passages and span[1] - passages[-1][0][0] <= SNIPPET_CHARS - 2 * CONTEXT_CHARS:
            passages[-1].append(span)
        else:
            passages.append([span])
    best = sorted(passages, key=lambda p: (-len({text[a:b].lower() for a, b in p}), -len(p)))[:FRAGMENTS]
    out, end = [], 0
    for spans in sorted(best):
        start = max(end, spans[0][0] - CONTEXT_CHARS)
        if out and start - end < CONTEXT_CHARS // 3:
            start = end  # a few words apart: one passage
        if start > end:  # start on a whole word, after a gap
            start = min(text.find(" ", start) + 1 or start, spans[0][0])
            out.append(" … " if out else "")
        end = min(len(text), spans[-1][1] + CONTEXT_CHARS)
        if end < len(text):
            end = max(text.rfind(" ", spans[-1][1], end), spans[-1][1])
        at = start
        for a, b in spans:
            out += [text[at:a], HIT_START, text[a:b], HIT_END]
            at = b
        out.append(text[at:end])
    return "".join(out)


@functools.cache
def _stemmer() -> Callable[[str], str]:
    """The index's stemmer (Porter, as StemmingAnalyzer uses), remembering the words it saw."""
    _whoosh()
    from whoosh.lang.porter import stem

    return functools.lru_cache(maxsize=50_000)(stem)


def _lower_fields(query: str) -> str:
    """Field names are case-insensitive (`Tag:Pricing`), operators (AND, OR, NOT) are not."""
    return re.sub(r"\b([A-Za-z_]+):", lambda m: m.group(1).lower() + ":", query)


def _readable_body(body: str) -> str:
    """The body as a reader sees it, for snippets: no comments, HTML tags, template tags, table
    rules or markdown markers; headings end with a colon; links and autolinks keep their text,
    table cells their content."""
    import html

    text = _TEMPLATE.sub("", _COMMENT.sub("", body))
    text = _TAG.sub(" ", _AUTOLINK.sub(r"\1", _LINK.sub(r"\1", text)))
    text = _TABLE_RULE.sub("", text).replace("|", " ")
    # A heading introduces what follows it: "Context: Customers build…", not "Context Customers build…".
    text = _HEADING.sub(lambda m: m.group(1) + ("" if m.group(1)[-1:] in ".:?!" else ":"), text)
    return html.unescape(_EMPHASIS.sub("", _LINE_MARKER.sub("", text)))


def _field_kinds(registry) -> dict[str, str]:  # noqa: ANN001
    """Each field name of every type, as the index sees it: text, date or keyword."""
    kinds: dict[str, str] = {}
    for doctype in registry.values():
        for fld in doctype.fields:
            if fld.name in kinds or fld.name == "id":
                continue
            if fld.kind in ("text", "longtext"):
                kinds[fld.name] = "text"
            elif fld.kind == "date":
                kinds[fld.name] = "date"
            else:
                kinds[fld.name] = "keyword"
    kinds["title"] = "text"
    return kinds


def _index_value(kind: str, value: Any) -> Any:
    if kind == "date":
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time())
        if isinstance(value, str):
            try:
                return dt.datetime.combine(dt.date.fromisoformat(value.strip()[:10]), dt.time())
            except ValueError:
                return None
        return None
    if isinstance(value, list):
        items = [str(v).replace(",", " ") for v in value if isinstance(v, (str, int, float))]
        return ",".join(items) if items else None
    if isinstance(value, (dt.date, bool, int, float)):
        return str(value)
    return value if isinstance(value, str) else None

