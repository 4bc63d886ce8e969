"""Freshness: what may have changed in a KB since the index last caught up, from git or from stat.

Two ways to learn what changed since the last time (the index then applies it):
- in a git repository, the manifest names a commit (`head`) and the paths the index
  may hold in another state than that commit's (`unsettled`): every other path is
  indexed exactly as it is in `head`. A catch-up re-reads the unsettled paths, the
  ones `git status` (its stat cache, in C) says differ from HEAD, and the ones
  `git diff head HEAD` lists; then HEAD becomes `head`. A diff of two commits misses
  a file that changed and changed back between them (a write indexed after its
  commit, then `git rm` and commit, or `git reset`): so whatever is indexed outside
  a catch-up (a write's files) is named in `unsettled` first, and stays there until
  a catch-up has read it clean;
- without git, a stat manifest: files whose size or mtime changed.
The manifest and the index change together, one process at a time (`lock`).

Nothing here knows the search backend: a manifest is a JSON file beside the index.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from filelock import FileLock

    from pmops.gitrepo import Repo, Status

MANIFEST = "manifest.json"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's id of the empty tree
# A file whose inode changed this close to the start of `git status`, or after it, may have
# changed after git looked at it: file times lag the clock by a tick (a few ms); a file system
# that keeps whole seconds (some keep two) rounds them down.
SETTLE_NS, SETTLE_WHOLE_SECONDS_NS = 100_000_000, 2_000_000_000

Manifest = dict[str, Any]


class Tree(Protocol):
    """The files of a KB, as freshness needs them (pmops.kb.KnowledgeBase is one)."""

    root: Path

    @property
    def repo(self) -> Repo | None: ...

    def pathspec(self) -> str: ...

    def scan(self) -> dict[str, tuple[int, int]]: ...

    def from_repo(self, repo_rel: str) -> str | None: ...

    def to_repo(self, rel: str) -> str: ...

    def is_document(self, rel: str) -> bool: ...


class Freshness:
    """The manifest beside an index (`<index>-manifest.json`) and what changed since it was saved."""

    def __init__(self, tree: Tree, index_dir: Path, signature: str) -> None:
        self.tree = tree
        self.index_dir = index_dir
        self.path = index_dir.parent / f"{index_dir.name}-{MANIFEST}"
        self.signature = signature  # a manifest of another schema is no manifest

    @property
    def mode(self) -> str:
        return "git" if self.tree.repo else "stat"

    def read(self) -> Manifest | None:
        """The saved manifest; None when missing, unreadable, or made for another schema or mode."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("signature") != self.signature or data.get("mode") != self.mode:
            return None
        return data

    def save(self, manifest: Manifest) -> None:
        manifest.update(signature=self.signature, mode=self.mode)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(manifest, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, self.path)

    def lock(self, timeout: float) -> FileLock | None:
        """The lock under which the index and its manifest change together (a catch-up, a write's
        update, a rebuild's swap); None when another process held it for `timeout` seconds.
        Otherwise one process's manifest could undo another's: a catch-up that read the manifest
        before a write named its file unsettled would save it without that file."""
        from filelock import FileLock, Timeout

        self.index_dir.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(os.fspath(self.index_dir) + ".state.lock")
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            return None
        return lock

    def start(self) -> Status | None:
        """`git status` started (it works on another core meanwhile); None without git."""
        repo = self.tree.repo
        return repo.start_status(self.tree.pathspec()) if repo else None

    def changed(self, manifest: Manifest, status: Status | None) -> tuple[set[str], Manifest] | None:
        """Paths that may have changed, and the new state (its `unsettled` paths are the dirty
        ones: `settle` adds those that changed while they were read); None when only a rebuild
        can tell (the history the manifest names was rewritten)."""
        if status is None:
            now = self.tree.scan()
            known = manifest.get("stat") or {}
            changed = {p for p in known if p not in now} | {p for p, st in now.items() if known.get(p) != list(st)}
            return changed, {"stat": {rel: list(st) for rel, st in now.items()}}
        head, dirty_paths = status.result()
        dirty = self._in_kb(dirty_paths)
        # A path read when last caught up, and not touched since (`seen`), holds what the index has.
        seen = {rel: st for rel, st in (manifest.get("seen") or {}).items() if rel in dirty and self._stat(rel) == st}
        changed = (dirty | set(manifest.get("unsettled") or [])) - seen.keys()
        if head != manifest.get("head"):
            repo = self.tree.repo
            assert repo is not None
            moved = repo.changed_between(manifest.get("head") or EMPTY_TREE, head or EMPTY_TREE, self.tree.pathspec())
            if moved is None:
                return None
            changed |= self._in_kb(moved)
            seen = {rel: st for rel, st in seen.items() if rel not in changed}
        return changed, {"head": head, "unsettled": sorted(dirty), "seen": seen}

    def now(self, status: Status | None) -> Manifest:
        """The state of the files before a rebuild reads them (then `settle` it)."""
        if status is None:
            return {"stat": {rel: list(st) for rel, st in self.tree.scan().items()}}
        head, dirty = status.result()
        return {"head": head, "unsettled": sorted(self._in_kb(dirty))}

    def written(self, before: Manifest, rels: set[str]) -> Manifest:
        """The manifest after a write's files are indexed: their stat, or (in git) named
        unsettled — the manifest's commit may not have these files (or not as they are now),
        and a later commit may put them back as they were."""
        after = dict(before)
        if "stat" in before:
            after["stat"] = dict(before["stat"])
            for rel in rels:
                try:
                    st = (self.tree.root / rel).stat()
                    after["stat"][rel] = [st.st_mtime_ns, st.st_size]
                except OSError:
                    after["stat"].pop(rel, None)
        else:
            after["unsettled"] = sorted({*(before.get("unsettled") or []), *rels})
            after["seen"] = {rel: st for rel, st in (before.get("seen") or {}).items() if rel not in rels}
        return after

    def settle(self, state: Manifest, read: Iterable[str], since: int) -> None:
        """After `read` were read: those git saw unchanged but which changed after `git status`
        started (at `since`, ns) stay unsettled, to be read again."""
        settled = set(state["unsettled"])
        racy = {rel for rel in read if self._changed_since(rel, since)}
        state["unsettled"] = sorted(settled | racy)
        # Dirty paths read now, unchanged since before `git status` started: their state (or their
        # absence) is what the index now holds, and `changed` skips them until it differs.
        seen = dict(state.get("seen") or {})
        seen.update((rel, self._stat(rel)) for rel in read if rel in settled and rel not in racy)
        state["seen"] = seen

    def _stat(self, rel: str) -> list[int] | None:
        """What tells a file's content changed (git's stat data): inode, size, mtime, ctime; None
        when it is gone. A write sets ctime to now, which no tool sets back."""
        try:
            st = os.lstat(self.tree.root / rel)
        except OSError:
            return None
        return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]

    def ignored(self, rels: set[str]) -> set[str]:
        """Those of `rels` git ignores and does not track: not part of a shared KB, they are
        never indexed, as a rebuild (which reads `KnowledgeBase.paths`) never reads them."""
        repo = self.tree.repo
        if repo is None:
            return set()
        asked = [self.tree.to_repo(rel) for rel in rels if self.tree.is_document(rel)]
        return {rel for rel in map(self.tree.from_repo, repo.ignored(asked)) if rel is not None}

    def _changed_since(self, rel: str, since: int) -> bool:
        """Whether the file (or, when it is gone, the folder it was in) changed at or after
        `since` (ns), give or take the file system's clock: the inode's change time, which no
        tool sets back (git does the same with its own "racily clean" files)."""
        root = self.tree.root
        path = root / rel
        while True:
            try:
                st = os.lstat(path)
                changed = st.st_ctime_ns
                if stat.S_ISLNK(st.st_mode):  # a link inside the KB: its target's content counts too
                    changed = max(changed, os.stat(path).st_ctime_ns)
                return changed >= since - (SETTLE_WHOLE_SECONDS_NS if changed % 1_000_000_000 == 0 else SETTLE_NS)
            except FileNotFoundError:
                if path == root or path.parent == path:
                    return True
                path = path.parent  # a deletion changes the folder
            except OSError:
                return True

    def _in_kb(self, repo_paths: set[str]) -> set[str]:
        return {rel for rel in map(self.tree.from_repo, repo_paths) if rel is not None}
