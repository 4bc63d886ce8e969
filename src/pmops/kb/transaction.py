"""The write transaction: files written atomically under the KB lock, committed, then indexed.

A failure before the commit removes what this write created and restores what it edited
(store.undo); a failed commit keeps the files and says so. The index update after the
commit never fails a write (the next search catches up); a large batch is indexed, and a
`sync: auto` KB pushed, by a detached `pmops` (pmops.detached).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pmops import store
from pmops.documents import Document, RawFile
from pmops.errors import Conflict, GitError, PmopsError

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase

BATCH = 50  # changes from which a write syncs once at the end rather than per file
INDEX_IN_BACKGROUND_FROM = 1_000  # files a write leaves to a background `pmops index`


@dataclass(frozen=True)
class Change:
    """One file a write puts on disk: the content as read (None: a new file), and the new one
    (None: the file is removed, as `git rm` does).

    `before` is what makes the write safe: the file is replaced or removed only while it still
    holds exactly that, and a failed write puts it back.
    """

    path: Path
    before: Document | RawFile | None
    after: Document | RawFile | None

    @classmethod
    def new(cls, path: Path, after: Document | RawFile) -> Change:
        return cls(path, None, after)

    @classmethod
    def removal(cls, path: Path, before: Document | RawFile) -> Change:
        return cls(path, before, None)

    @property
    def created(self) -> bool:
        return self.before is None

    @property
    def removed(self) -> bool:
        return self.after is None


def write(
    kb: KnowledgeBase,
    changes: list[Change],
    message: str,
    *,
    commit: bool | None,
    unfinished: list[Path] | None = None,
    seen: bool = False,
) -> str | None:
    """Write (or remove) documents atomically under the KB lock, then commit exactly those paths
    (a removed path is committed as removed, a rename as the removal and the new file: git
    sees the rename, and `git log --follow` follows it).

    `unfinished` are files already on disk that a killed command wrote but never
    committed, to commit with these. Returns the commit sha, or None when commits are
    off. A failed commit leaves the files on disk and says so.

    A file this write would change or remove that holds the user's own edits, not committed
    (staged or not), is refused before anything is written (`check_own_edits`): pmops commits only
    what it wrote, and never removes what is in no commit. `seen`: the user saw and saved the whole
    file (pmops edit), so what it holds is theirs to commit.
    """
    for change in changes:  # before anything is written: never through a link out of the KB
        store.check_inside(kb.root, change.path)
    commit = kb.config.commit if commit is None else commit
    repo = kb.repo if commit else None
    if commit and repo is None:
        raise PmopsError(
            f"{kb.root} is not in a git repository, so nothing can be committed",
            hint="run 'git init' there, or pass --no-commit (or set 'commit: false' in pmops.yaml)",
        )
    with store.write_lock(kb.lock_path):
        if repo:
            repo.check_writable(paths=[c.path for c in changes] + (unfinished or []))
        if not seen:
            check_own_edits(kb, changes, commit=commit)
        removed = [c.path for c in changes if c.removed]
        # A file git never tracked goes without a commit (there is nothing to commit of it).
        untracked = set(removed) - repo.tracked(removed) if repo and removed else set()
        written = _write_files(changes)
        written += unfinished or []
        sha = None
        committed = [p for p in written if p not in untracked]
        if repo and committed:
            try:
                sha = repo.commit(committed, message)
            except (PmopsError, OSError) as exc:
                # The user's input is on disk, not in a commit: say so, whatever failed.
                saved = ", ".join(kb.rel(p) for p in written[:3]) + (" …" if len(written) > 3 else "")
                reason = exc.message if isinstance(exc, PmopsError) else (exc.strerror or str(exc))
                raise GitError(
                    f"saved {saved} but did not commit it: {reason}",
                    hint="fix the problem, then commit the files with git",
                ) from None
        if len(written) < INDEX_IN_BACKGROUND_FROM:
            kb.index.update(written, committed=sha is not None)
    if len(written) >= INDEX_IN_BACKGROUND_FROM:
        # An import: its thousands of files are committed; indexing them is left to a detached
        # `pmops index`, and a search started meanwhile waits for it (search.index.CATCH_UP_WAIT).
        in_background(kb, "index")
    if sha is not None and kb.config.sync == "auto":
        in_background(kb, "sync")
    return sha


def check_own_edits(kb: KnowledgeBase, changes: list[Change], *, commit: bool) -> None:
    """Refuse (exit 1, nothing written) a write to a file with edits of the user's that no commit
    holds: committing would sweep them into pmops' commit under its message, and removing the
    file would lose them. Without commits (--no-commit) a changed file keeps them and only a
    removal is refused."""
    repo = kb.repo
    if repo is None:
        return
    touched = [c.path for c in changes if c.before is not None and (commit or c.removed)]
    modified = repo.modified(touched)
    if not modified:
        return
    first = next(c for c in changes if c.path in modified)
    rel = kb.rel(first.path)
    others = f" (and {len(modified) - 1} more)" if len(modified) > 1 else ""
    gone = first.removed and not any(c.created for c in changes)  # removed, not renamed
    doing = "removing it would lose them" if gone else "pmops commits only what it writes"
    raise Conflict(
        f"{rel}{others} has changes of yours not committed: {doing}; nothing was written",
        hint=f"commit them, or stash them (git stash push -- {rel}), then run this again",
    )


def _write_files(changes: list[Change]) -> list[Path]:
    """Each change's file, atomically; on any failure, the ones written so far are undone."""
    written: list[Path] = []
    # A large batch of new files (an import) syncs once at the end instead of per file:
    # a new file has no older content to lose, and its source still exists.
    batch = len(changes) > BATCH
    try:
        for change in changes:
            before = change.before
            if change.after is None:
                assert before is not None, "a file removed is one that was read"
                store.remove(change.path, expected_sha=before.sha)
                written.append(change.path)
                continue
            durable = before is not None or not batch
            store.atomic_write(
                change.path, change.after.to_bytes(), expected_sha=before.sha if before else None, durable=durable
            )
            written.append(change.path)
        if batch:
            store.sync_filesystem(changes[0].path.parent)
    except BaseException:
        for change in changes[: len(written)]:
            store.undo(change.path, change.before, change.after)
        raise
    return written


def in_background(kb: KnowledgeBase, command: str) -> None:
    """Run `pmops COMMAND` on this KB in a detached process, its output in .git/pmops/COMMAND.log.

    `sync: auto`: the write is committed locally; pushing and pulling happen there, so a slow
    or absent network never fails or delays a write (pmops doctor and pmops sync show what went
    wrong; a manual sync pushes it). A large import's indexing happens there too (the next
    search catches up if it never ran)."""
    from pmops import detached

    detached.start("pmops", ["--kb", str(kb.root), command], kb.state_dir / f"{command}.log")
