"""The search server: a resident process that answers `pmops search` in a large KB.

Run as `python -m pmops.search.server KB_ROOT` (pmops.search.client.start does).

A search in a new process pays, every time, for Python, Whoosh's import, the
opening of the index and a `git status` over every file, before it reads a
single posting; at 50,000 documents that is most of the wait. The server pays
for them once. `pmops search` asks it first, over a Unix socket beside the
index, and searches by itself whenever nothing answers:

- its watcher (inotify) knows whether anything in the KB changed since the
  server last caught the index up; if something did, or where there is no
  inotify, it catches up exactly as the command would (git status, git diff),
  so an answer always reflects the files on disk;
- it is started in the background by a search that found a large index
  (`search_server: auto`, from SERVE_FROM documents; `always`; or `off` in
  pmops.yaml), and leaves after IDLE_SECONDS without a question or when its
  KB is gone;
- it answers only a command of exactly its own code (version and source files),
  only its own user (the socket is 0600; on Linux the peer's uid is checked), and
  never rebuilds the index: a missing or outdated index is left to the command,
  which shows a progress bar;
- it reloads the KB's settings when pmops.yaml or taxonomy.yaml change;
- it never makes a search slower than no server: the command waits ANSWER_WAIT for the
  answer to begin, then searches by itself; the server answers up to WORKERS questions at
  once (one thread each), tells any more at once to search themselves, and drops a
  connection that says nothing within REQUEST_TIMEOUT;
- it removes only its own socket, and leaves when the file at its address is no longer its
  socket (`.git/pmops` deleted, or another server took the address).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmops.locate import FILENAME
from pmops.search.client import address, fingerprint, reachable, usable
from pmops.search.watcher import Watcher

if TYPE_CHECKING:
    import socket
    import threading

    from pmops.kb import KnowledgeBase

IDLE_SECONDS = 600.0
MAX_REQUEST = 64 * 1024
WORKERS = 4  # questions answered at once; any more are told at once to search themselves
REQUEST_TIMEOUT = 1.0  # seconds a connection has to send its question (a command sends it at once)
SEND_TIMEOUT = 5.0  # seconds to hand an answer to a command that does not read it
TICK = 2.0  # seconds between looks around: idle, the KB gone, the socket no longer this server's


class Server:
    """The server of one KB: a socket beside its index, a watcher on its folders."""

    def __init__(self, root: Path, idle: float = IDLE_SECONDS) -> None:
        import threading

        self.root = root
        self.idle = idle
        self.code = fingerprint()
        self._kb: KnowledgeBase | None = None
        self._settings: tuple | None = None
        self.watcher: Watcher | None = None
        self.caught_up = False  # the index matched the files when the watcher was last marked
        # One catch-up at a time, and the settings and the watcher are read by one question at
        # a time; the searches themselves (each on its own Whoosh searcher) run side by side.
        self._state = threading.Lock()
        self._leaving = threading.Event()
        self._wake: socket.socket | None = None
        self._bound: tuple[int, int, int] | None = None  # the socket file this server made

    def kb(self) -> KnowledgeBase:
        """The KB, reloaded when its settings change."""
        from pmops import taxonomy
        from pmops.kb import KnowledgeBase
        from pmops.store import stamp

        settings = tuple(stamp(self.root / name) for name in (FILENAME, taxonomy.FILENAME))
        if self._kb is None or settings != self._settings:
            self._kb, self._settings = KnowledgeBase(self.root), settings
        return self._kb

    def run(self) -> None:
        kb = self.kb()
        path = address(kb.index_dir)
        if not usable(path):
            return
        with _only_one(path.with_name(path.name + ".lock"), path) as alone:
            if not alone:
                return
            self.watcher = Watcher.start(self.root)
            self._warm_up()
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # left by a server that was killed
            import socket

            old_umask = os.umask(0o077)
            try:
                listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                with reachable(path) as where:
                    listener.bind(where)
                self._bound = _identity(path)
                listener.listen(64)  # from here on, questions wait in the queue
            finally:
                os.umask(old_umask)
            handlers: list = []
            try:
                self._serve(listener, path, handlers)
            finally:
                listener.close()
                if _identity(path) == self._bound:  # never another server's socket
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                deadline = time.monotonic() + SEND_TIMEOUT
                for handler in handlers:  # let questions under way finish (a catch-up writing the index)
                    handler.join(max(0.0, deadline - time.monotonic()))
                if self.watcher:
                    with self._state:
                        self.watcher.close()

    def _warm_up(self) -> None:
        """Load Whoosh, open the index and catch it up before taking questions: the first is
        answered as quickly as the next (a command waits only ANSWER_WAIT for it)."""
        try:
            if self.watcher:
                self.watcher.mark()
            index = self.kb().index
            self.caught_up = not index.refresh(may_rebuild=False).stale
            index.search("pmops", limit=1, catch_up=False, may_rebuild=False)  # the query parser's imports
        except Exception:
            self._kb, self.caught_up = None, False

    def _serve(self, listener: socket.socket, path: Path, handlers: list) -> None:
        import selectors
        import socket
        import threading

        self._wake, woken = socket.socketpair()
        slots = threading.BoundedSemaphore(WORKERS)
        listener.setblocking(False)
        with self._wake, woken, selectors.DefaultSelector() as selector:
            selector.register(listener, selectors.EVENT_READ)
            selector.register(woken, selectors.EVENT_READ)
            last = time.monotonic()
            while not self._leaving.is_set():
                if not selector.select(min(self.idle / 4, TICK)):  # now and then, look around
                    if time.monotonic() - last >= self.idle or not (self.root / FILENAME).exists():
                        return  # idle, or the KB is gone
                    if _identity(path) != self._bound:
                        return  # its socket was deleted (.git/pmops) or replaced: the next search starts another
                    continue
                try:
                    conn, _ = listener.accept()
                except (BlockingIOError, InterruptedError):
                    continue  # woken to leave, or the caller gave up
                last = time.monotonic()
                if not slots.acquire(blocking=False):
                    _reply(conn, {"fallback": True})  # busy: the command searches itself, at once
                    continue
                handlers[:] = [h for h in handlers if h.is_alive()]
                handler = threading.Thread(target=self._handle, args=(conn, slots), daemon=True)
                handlers.append(handler)
                handler.start()

    def _handle(self, conn: socket.socket, slots: threading.BoundedSemaphore) -> None:
        try:
            answer, go_on = self._answer(conn)
        except Exception:
            answer, go_on = {"fallback": True}, True
        finally:
            slots.release()  # before replying: the command's next question may follow at once
        _reply(conn, answer)
        if not go_on:
            self._leaving.set()
            with contextlib.suppress(OSError):
                self._wake.send(b"x")

    def _answer(self, conn: socket.socket) -> tuple[dict[str, Any], bool]:
        """(the answer, whether to keep serving)."""
        if not _same_user(conn):
            return {"fallback": True}, True
        try:
            data = _request(conn)
            request = json.loads(data)
        except (OSError, ValueError, RecursionError):
            return {"fallback": True}, True  # nothing said in time, or not a question
        if not isinstance(request, dict):
            return {"fallback": True}, True
        if request.get("ping"):
            return {"pong": True}, True  # `pmops doctor`: alive, whatever its code
        if request.get("fingerprint") != self.code:
            return {"fallback": True}, False  # pmops was upgraded or edited: the next search starts a new server
        return self._search(request)

    def _search(self, request: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        import datetime as dt

        from pmops.errors import PmopsError
        from pmops.search.index import NeedsRebuild

        try:
            since = dt.date.fromisoformat(request["since"]) if request.get("since") else None
            with self._state:
                kb = self.kb()
                if kb.config.search_server == "off":
                    return {"fallback": True}, False
                # Nothing changed since the last catch-up: the index is the truth, no need to ask git.
                sync = None
                if not (self.caught_up and self.watcher is not None and self.watcher.quiet()):
                    if self.watcher:
                        self.watcher.mark()  # what changes while git looks is seen next time
                    self.caught_up = False
                    sync = kb.index.refresh(may_rebuild=False)
                    self.caught_up = not sync.stale
            results = kb.index.search(
                request["query"], doc_type=request.get("doc_type"), tag=request.get("tag"), since=since,
                archived=request.get("archived", False),
                limit=int(request.get("limit") or 20), catch_up=False, may_rebuild=False,
            )  # fmt: skip
            if sync is not None:
                results.sync = sync
        except NeedsRebuild:
            self._kb, self.caught_up = None, False
            return {"fallback": True}, True
        except PmopsError as exc:
            return {"error": {"message": exc.message, "hint": exc.hint, "code": exc.exit_code}}, True
        except Exception:
            self._kb, self.caught_up = None, False  # itself, and this server starts afresh
            return {"fallback": True}, True
        return {"results": results.to_wire()}, True


def _request(conn: socket.socket) -> bytes:
    """The question: one line, sent at once (a connection that says nothing is dropped)."""
    deadline = time.monotonic() + REQUEST_TIMEOUT
    data = b""
    while len(data) <= MAX_REQUEST and not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        conn.settimeout(left)
        chunk = conn.recv(1 << 16)
        if not chunk:
            break
        data += chunk
    return data


def _reply(conn: socket.socket, answer: dict[str, Any]) -> None:
    with conn, contextlib.suppress(OSError):  # the command gave up waiting: nothing to do
        conn.settimeout(SEND_TIMEOUT)
        conn.sendall(json.dumps(answer).encode())


def _identity(path: Path) -> tuple[int, int, int] | None:
    """Which file is at `path`; None when there is none. The inode's change time tells a new
    file from a deleted one whose inode number the file system gave again."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_ctime_ns


def _same_user(conn: socket.socket) -> bool:
    import socket
    import struct

    if not hasattr(socket, "SO_PEERCRED"):
        return True  # elsewhere the socket's 0600 mode is the check
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", creds)
    return uid == os.getuid()


@contextlib.contextmanager
def _only_one(lock: Path, path: Path) -> Iterator[bool]:
    """True while this process holds the lock: one server per KB. A holder with no socket at
    `path` is starting, or leaving (its socket was deleted: it notices within TICK): wait for it."""
    from filelock import FileLock, Timeout

    held = FileLock(os.fspath(lock), timeout=0)
    deadline = time.monotonic() + 2 * TICK
    while True:
        try:
            held.acquire()
            break
        except Timeout:
            if path.exists() or time.monotonic() > deadline:
                yield False
                return
            time.sleep(0.1)
    try:
        yield True
    finally:
        held.release()


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m pmops.search.server", description="The search server of one KB.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--idle", type=float, default=IDLE_SECONDS, help="seconds without a question before exiting")
    args = parser.parse_args(argv)
    Server(args.root.resolve(), args.idle).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
