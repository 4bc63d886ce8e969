"""Files on disk: atomic replacement, change detection, and the KB write lock."""

from __future__ import annotations

import contextlib
import itertools
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

from pmops.documents import content_hash
from pmops.errors import Conflict, LockTimeout

LOCK_TIMEOUT = 30.0
TEMP_SUFFIX = ".pmops-tmp"  # a file being written; git-ignored by `pmops init`


def atomic_write(path: Path, data: bytes, *, expected_sha: str | None = None, durable: bool = True) -> None:
    """Replace `path` with `data` all at once: a temp file in the same folder, fsync, rename.

    With `expected_sha`, refuse when the file on disk is no longer what was read
    (someone saved it in an editor meanwhile); with None, refuse to overwrite any file.
    `durable=False` skips the fsyncs, for a batch that syncs once at its end.
    """
    # One lstat tells absent, link or file apart: an import creates thousands of files.
    try:
        mode: int | None = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISLNK(mode):
        raise Conflict(f"{path.name}: is a symbolic link; pmops does not write through links")
    current = None
    if mode is not None:
        with contextlib.suppress(FileNotFoundError):
            current = path.read_bytes()
    if current is not None and (expected_sha is None or content_hash(current) != expected_sha):
        what = "already exists" if expected_sha is None else "changed on disk since it was read"
        raise Conflict(f"{path}: {what}; nothing was written", hint="run the command again")
    try:
        fd, tmp = _temp_beside(path)
    except FileNotFoundError:  # a new folder
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if current is not None:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        _fsync_dir(path.parent)


_counter = itertools.count()


def _temp_beside(path: Path) -> tuple[int, str]:
    """A new temporary file next to `path`, created exclusively (never through a link).

    Cheaper than tempfile.mkstemp (0.5 ms a file here, which an import of thousands
    of rows feels), and as safe: O_EXCL fails on any existing name and we try another.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = str(path.parent / f".{path.name[:40]}.{os.getpid()}.{next(_counter)}{TEMP_SUFFIX}")
        try:
            return os.open(tmp, flags, 0o644), tmp
        except FileExistsError:
            continue


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def undo(path: Path, before, after) -> None:  # noqa: ANN001 - documents.Document | None
    """Put back what this command changed: remove a file it created, restore one it edited.

    Only when the file is still what the command wrote; anything else is left alone.
    """
    try:
        if content_hash(path.read_bytes()) != content_hash(after.to_bytes()):
            return
    except FileNotFoundError:
        return
    if before is None:
        path.unlink()
    else:
        atomic_write(path, before.to_bytes(), expected_sha=content_hash(after.to_bytes()))


_held: set[tuple[str, int]] = set()  # (lock, thread) pairs this process holds


@contextlib.contextmanager
def write_lock(lock_path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """The one KB-level lock around write + commit + index update. Reads never take it.

    Taken again by its holder, it is already held: an import checks which rows are imported
    and writes the others under one hold, so the same file imported twice at once is imported
    once (a second flock of the same file in one process would wait for itself)."""
    from filelock import FileLock, Timeout

    held = (os.fspath(lock_path), threading.get_ident())
    if held in _held:
        yield
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockTimeout(
            f"another pmops command has held the write lock for {timeout:.0f}s ({lock_path.name})",
            hint="wait for it to finish; if none is running, 'pmops doctor' shows the lock",
        ) from None
    _held.add(held)
    try:
        yield
    finally:
        _held.discard(held)
        lock.release()


def stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells a file changed without reading it (modification time, size, inode); None if absent."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino
