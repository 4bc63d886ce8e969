"""The search server's watcher: whether anything changed in a KB's folders, from Linux's inotify."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path


class Watcher:
    """Whether anything changed in the KB's folders since `mark()`: Linux's inotify, on every
    folder but hidden ones (.git, where pmops keeps its index, among them).

    While nothing changed, the index the server caught up last time is still the truth,
    and a search skips `git status` (at 50,000 files, most of what it would wait for).
    Any event at all, a full event queue, or a folder that cannot be watched means: ask git.
    """

    # modify, attrib, close_write, moved_from, moved_to, create, delete, delete_self, move_self
    MASK = 0x2 | 0x4 | 0x8 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800
    ONLYDIR, DONT_FOLLOW, ISDIR, CREATE, MOVED_TO = 0x1000000, 0x2000000, 0x40000000, 0x100, 0x80
    EVENT = 16  # struct inotify_event: int wd; uint32 mask, cookie, len; then the name

    def __init__(self, fd: int, add_watch: Callable[[int, bytes, int], int]) -> None:  # libc's inotify_add_watch
        self.fd = fd
        self._add_watch = add_watch
        self.changed = True  # nothing is known before the first catch-up
        self.broken = False  # a folder could not be watched: always ask git
        self.folders: dict[int, str] = {}

    @classmethod
    def start(cls, root: Path) -> Watcher | None:
        """A watcher on `root` and every folder below it, or None where inotify is not available."""
        if not sys.platform.startswith("linux"):
            return None
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
            if fd < 0:
                return None
            watcher = cls(fd, libc.inotify_add_watch)
            if not watcher._watch_tree(os.fspath(root)):
                os.close(fd)
                return None
            return watcher
        except (OSError, AttributeError):
            return None

    def _watch_tree(self, top: str) -> bool:
        stack = [top]
        while stack:
            folder = stack.pop()
            wd = self._add_watch(self.fd, os.fsencode(folder), self.MASK | self.ONLYDIR | self.DONT_FOLLOW)
            if wd < 0:
                return False  # too many folders for the system's watch limit, or gone: ask git
            self.folders[wd] = folder
            try:
                stack += [
                    e.path for e in os.scandir(folder) if e.is_dir(follow_symlinks=False) and not e.name.startswith(".")
                ]
            except OSError:
                return False
        return True

    def quiet(self) -> bool:
        """True when nothing changed since `mark()` (reads the events that arrived meanwhile)."""
        import struct

        while not self.broken:
            try:
                data = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return not self.changed
            except OSError:
                self.changed = True
                return False
            self.changed = True
            at = 0
            while at + self.EVENT <= len(data):
                wd, mask, _, size = struct.unpack_from("iIII", data, at)
                name = data[at + self.EVENT : at + self.EVENT + size].rstrip(b"\0")
                at += self.EVENT + size
                if (
                    mask & self.ISDIR
                    and mask & (self.CREATE | self.MOVED_TO)
                    and wd in self.folders
                    and not name.startswith(b".")
                ):
                    new = os.path.join(self.folders[wd], os.fsdecode(name))  # a new folder: watch it too
                    self.broken = self.broken or not self._watch_tree(new)
        return False

    def mark(self) -> None:
        """From now on, changes count (call it just before asking git what changed)."""
        self.quiet()
        self.changed = False

    def close(self) -> None:
        os.close(self.fd)
