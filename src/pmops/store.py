"""Files on disk: the one way a KB file is read, atomic replacement, change detection, the KB write lock."""

from __future__ import annotations

import contextlib
import itertools
import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pmops.documents import MAX_BYTES, content_hash
from pmops.errors import Conflict, DocumentError, InvalidInput, LockTimeout

if TYPE_CHECKING:
    from pmops.documents import Document

LOCK_TIMEOUT = 30.0
TEMP_SUFFIX = ".pmops-tmp"  # a file being written; git-ignored by `pmops init`


_KINDS = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}  # fmt: skip
_READ_FLAGS = (os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0))  # fmt: skip


def kind(mode: int) -> str:
    """What a file that is not a regular one is, for messages ("a named pipe (FIFO)")."""
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def shown(rel: str) -> str:
    """A path as a person can read it: bytes that are not UTF-8 (which Python keeps as lone
    surrogates) written as `\\xff`. The same as `rel` for every valid name."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(rel).decode("utf-8", "backslashreplace")
    return rel


def read_file(root: Path, rel: str, *, limit: int = MAX_BYTES) -> bytes:
    """The bytes of the file `rel` of the KB at `root` (resolved): every read of a KB file comes here.

    Refused with a DocumentError (code "refused", the path as `shown`), before anything is
    read: a name that is not UTF-8; a path outside `root`, or whose links lead out of it (a
    committed `leak.md -> /etc/passwd`); anything but a regular file, which is never opened
    (a FIFO would block, `/dev/zero` never ends); a file larger than `limit`, of which at most
    `limit` + 1 bytes are read. FileNotFoundError when there is no such file (or only a link
    to none); any other OSError (permission denied, an I/O error) as it is.
    """
    name = shown(rel)
    if name != rel:
        if not os.path.lexists(os.path.join(root, rel)):
            raise FileNotFoundError(2, "no such file", name)
        raise DocumentError(name, "the file name is not valid UTF-8; not read", hint="rename the file", code="refused")
    top = os.fspath(root)
    try:
        real, mode = _resolve(top, rel)
        if not stat.S_ISREG(mode):
            raise DocumentError(rel, f"is {kind(mode)}, not a file; not read", code="refused")
    except (FileNotFoundError, NotADirectoryError):
        raise FileNotFoundError(2, "no such file", rel) from None
    data, size = _read_at_most(real, limit)
    if data is None:
        raise DocumentError(rel, "is not a regular file; not read", code="refused")
    if len(data) > limit:
        raise DocumentError(rel, f"file too large ({size // 1024} KiB > {limit // 1024} KiB)", code="refused")
    return data


def _read_at_most(path: str, limit: int) -> tuple[bytes | None, int]:
    """(at most `limit` + 1 bytes of the regular file at `path`, its size); None for anything
    else. O_NOFOLLOW and O_NONBLOCK: a link or FIFO that replaced the file since it was looked
    at is not followed or waited for."""
    fd = os.open(path, _READ_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None, st.st_size
        chunks, size = [], 0
        while size <= limit:  # one read, unless the file system hands out less at a time
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks), max(st.st_size, size)
    finally:
        os.close(fd)


def _resolve(top: str, rel: str) -> tuple[str, int]:
    """Where `rel` really is, and what it is (its lstat mode); DocumentError when that is
    outside the KB. One lstat per part of a plain path without links (the common case)."""
    at = top
    parts = rel.split("/")
    if all(part not in ("", ".", "..") for part in parts) and not os.path.isabs(rel):
        for part in parts:
            at = os.path.join(at, part)
            mode = os.lstat(at).st_mode
            if stat.S_ISLNK(mode):
                break
        else:
            return at, mode
    if not within(os.path.normpath(os.path.join(top, rel)), top):
        raise DocumentError(rel, "is outside the knowledge base; not read", code="refused")
    real = os.path.realpath(os.path.join(top, rel))
    if not within(real, os.path.realpath(top)):
        leaves = f"is a link that leaves the knowledge base (to {shown(real)}); not read"
        raise DocumentError(rel, leaves, code="refused")
    return real, os.lstat(real).st_mode


def within(path: str, root: str | os.PathLike) -> bool:
    """Whether `path` (absolute, normalised) is `root` or below it, by name alone."""
    top = os.fspath(root)
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)


def check_inside(root: Path, path: Path) -> None:
    """Refuse (exit 2) to write `path` when a link on the way leads out of the KB at `root`: with
    `decisions` a committed link to a folder elsewhere, a new decision would land there."""
    top = os.path.realpath(root)
    folder = os.path.dirname(os.path.abspath(path))
    if within(os.path.realpath(folder), top):
        return
    # Name the first folder on the way that is a link out of the KB.
    rel = os.path.relpath(folder, top)
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        raise InvalidInput(f"{shown(folder)}: is outside the knowledge base; nothing was written")
    at = top
    for part in Path(rel).parts:
        at = os.path.join(at, part)
        target = os.path.realpath(at)
        if not within(target, top):
            break
    leaves = f"is a link that leaves the knowledge base (to {shown(target)}); nothing was written"
    raise InvalidInput(
        f"{shown(os.path.relpath(at, top))}: {leaves}",
        hint="pmops writes only inside the knowledge base: make it a folder of the KB",
    )


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
    if mode is not None and not stat.S_ISREG(mode):
        raise Conflict(f"{path}: is not a regular file; nothing was written")
    current = None
    if mode is not None:
        with contextlib.suppress(FileNotFoundError):
            current, _ = _read_at_most(os.fspath(path), MAX_BYTES)  # larger: not what was read
            if current is None:
                raise Conflict(f"{path}: is not a regular file; nothing was written")
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


def sync_filesystem(folder: Path) -> None:
    """Flush a batch written without fsync (`durable=False`) to the disk of `folder`'s file system.

    syncfs(2) where the C library has it (Linux) waits for that file system alone; os.sync(), the
    fallback, waits for every disk of the machine, other programs' writes included (on a busy
    machine, seconds added to an import of a few megabytes).
    """
    import ctypes  # only for a batch: 2 ms that no other command needs

    try:
        syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    except (OSError, TypeError):  # no C library to open this way (Windows)
        syncfs = None
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        fd = -1
    try:
        if syncfs is None or fd < 0 or syncfs(fd) != 0:
            os.sync()
    finally:
        if fd >= 0:
            os.close(fd)


def remove(path: Path, *, expected_sha: str) -> None:
    """Remove the file at `path`, refusing when it is not exactly what was read (a link, or a file
    changed since). `undo` puts it back."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        raise Conflict(
            f"{path}: was removed since it was read; nothing was written", hint="run the command again"
        ) from None
    if stat.S_ISLNK(mode):
        raise Conflict(f"{path.name}: is a symbolic link; pmops does not write through links")
    current = _read_at_most(os.fspath(path), MAX_BYTES)[0] if stat.S_ISREG(mode) else None
    if current is None or content_hash(current) != expected_sha:
        raise Conflict(f"{path}: changed on disk since it was read; nothing was written", hint="run the command again")
    path.unlink()
    _fsync_dir(path.parent)


def undo(path: Path, before: Document | None, after: Document | None) -> None:
    """Put back what this command changed: remove a file it created, restore one it edited or
    removed.

    Only when the file is still what the command left; anything else is left alone.
    """
    if after is None:  # removed: back, unless something took its place meanwhile
        if not os.path.lexists(path):
            atomic_write(path, before.to_bytes())
        return
    try:
        if _read_at_most(os.fspath(path), len(after.to_bytes()))[0] != after.to_bytes():
            return
    except OSError:  # gone, or replaced by a link: not what this command wrote
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


# What says a file is unchanged since it was read, for what is kept between commands (kb.kept, the settings in
# config): modification and change times (ns), size and inode. One changed within RACY_NS of its reading may
# change again inside one tick of its clock (git's "racily clean" files): it is not kept.
Stamp = tuple[int, int, int, int]
RACY_NS = 2_000_000_000


def kept_stamp(path: Path | str) -> Stamp | None:
    """A file's Stamp (None: no such file)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino


def racy(now: Stamp) -> bool:
    """Whether a file of this stamp changed too recently to be told apart from a change to come."""
    return time.time_ns() - max(now[0], now[1]) < RACY_NS


def stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells a file changed without reading it (modification time, size, inode); None if absent."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino
