"""The search server: a resident process that answers `pmops search` in a large KB.

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

if TYPE_CHECKING:
    import socket

# Every search imports this module, most of them in KBs without a server: `socket` (2 ms)
# is imported only once a socket file exists, by the functions that open one.

SERVE_FROM = 5_000  # documents: below this, a search in a new process is quick enough
IDLE_SECONDS = 600.0
CONNECT_TIMEOUT = 0.25
# Seconds from asking to the first byte of the answer; then the command searches by itself. A
# healthy server answers in ~0.1 s at 50,000 documents, while the command loads rich (~0.1 s):
# half a second keeps every such answer and bounds what a stopped or busy server costs.
ANSWER_WAIT = 0.5
ANSWER_REST = 2.0  # seconds for the rest of an answer that has begun (it is sent in one go)
MAX_ANSWER = 256 * 1024 * 1024  # bytes
MAX_ADDRESS = 100  # bytes: a Unix socket's path is limited to about 104-108
MAX_REQUEST = 64 * 1024
WORKERS = 4  # questions answered at once; any more are told at once to search themselves
REQUEST_TIMEOUT = 1.0  # seconds a connection has to send its question (a command sends it at once)
SEND_TIMEOUT = 5.0  # seconds to hand an answer to a command that does not read it
TICK = 2.0  # seconds between looks around: idle, the KB gone, the socket no longer this server's


def address(index_dir: Path) -> Path:
    return index_dir.with_name(index_dir.name + ".sock")


def fingerprint() -> str:
    """pmops' version and its source files' times: a server never answers for other code."""
    from pmops import __version__

    package = Path(__file__).parent
    newest = 0
    for folder in (package, *(e for e in os.scandir(package) if e.is_dir() and e.name != "__pycache__")):
        for entry in os.scandir(folder):
            if entry.name.endswith(".py"):
                newest = max(newest, entry.stat().st_mtime_ns)
    return f"{__version__}:{newest}"


# -- the command's side ------------------------------------------------------------------


def usable(path: Path) -> bool:
    """Whether a socket can live at `path`: Unix sockets exist, and its address fits, directly or
    through its folder's descriptor (a KB deep in the file system still gets its server)."""
    import socket

    if not hasattr(socket, "AF_UNIX"):
        return False
    return len(os.fsencode(path)) <= MAX_ADDRESS or (hasattr(os, "O_PATH") and os.path.isdir("/proc/self/fd"))


@contextlib.contextmanager
def reachable(path: Path) -> Iterator[str]:
    """The address to bind or connect to for `path`: the path itself or, past the ~108 bytes a Unix
    socket's address holds, the same file reached through an open descriptor of its folder
    (/proc/self/fd/N/name, Linux). The socket is the file at `path` either way."""
    if len(os.fsencode(path)) <= MAX_ADDRESS:
        yield os.fspath(path)
        return
    folder = os.open(path.parent, os.O_PATH | os.O_DIRECTORY)
    try:
        yield f"/proc/self/fd/{folder}/{path.name}"
    finally:
        os.close(folder)


class Pending:
    """A question sent to the server; the command does other work while it is answered."""

    def __init__(self, conn: socket.socket, asked: float):
        self.conn = conn
        self.asked = asked  # time.monotonic() when the command started asking

    def answer(self, wait: float = ANSWER_WAIT) -> dict[str, Any] | None:
        """The server's answer, or None when it would rather not answer, failed to, or has not
        begun to within `wait` seconds of the question (stopped, or busy with something else)."""
        try:
            with self.conn:
                data = self._receive(self.asked + wait)
            answer = json.loads(data)
        except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested too deep
            return None
        return answer if isinstance(answer, dict) and not answer.get("fallback") else None

    def _receive(self, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            self.conn.settimeout(left)
            chunk = self.conn.recv(1 << 16)
            if not chunk:
                return b"".join(chunks)
            if not chunks:  # it has begun: the rest comes in one go
                deadline = max(deadline, time.monotonic() + ANSWER_REST)
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_ANSWER:
                raise ValueError("answer too large")

    def results(self, wait: float = ANSWER_WAIT):  # noqa: ANN201 - index.Results | None
        """The search results, or None (then the command searches itself): also for an answer
        that is not what a server of this code sends."""
        from pmops.errors import PmopsError
        from pmops.index import Results

        answer = self.answer(wait)
        if answer is None:
            return None
        if "error" in answer:
            error = answer["error"]
            if not (isinstance(error, dict) and isinstance(error.get("message"), str)
                    and isinstance(error.get("hint"), str | None) and error.get("code") in (1, 2)
                    and not isinstance(error["code"], bool)):  # fmt: skip
                return None
            raise PmopsError(error["message"], hint=error["hint"], exit_code=error["code"])
        try:
            results = Results.from_wire(answer["results"])
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        return results if _well_formed(results) else None


def _well_formed(results) -> bool:  # noqa: ANN001 - index.Results
    """Whether results read from the socket have the types the command's rendering expects."""
    import datetime as dt

    def all_of(kind: type | tuple, *values: Any) -> bool:
        return all(isinstance(v, kind) and not (kind is not bool and isinstance(v, bool)) for v in values)

    sync = results.sync
    return (
        all_of(int, results.total, sync.added, sync.modified, sync.removed, sync.documents)
        and all_of(bool, results.exact, sync.stale)
        and all_of(str, results.query)
        and all_of(str | None, results.suggestion, sync.rebuilt)
        and all_of(dict, sync.problems) and all_of(str, *sync.problems, *sync.problems.values())
        and all_of(list, results.hits)
        and all(all_of(str, h.id, h.type, h.title, h.path, h.snippet) and all_of((int, float), h.score)
                and all_of(dt.date | None, h.date) for h in results.hits)
    )  # fmt: skip


def send(path: Path, request: dict[str, Any]) -> Pending | None:
    """Send a question to the server at `path`; None when there is no server."""
    if not path.exists() or not usable(path):
        return None
    import socket

    asked = time.monotonic()
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.settimeout(CONNECT_TIMEOUT)  # a full queue (a stopped server) makes connect wait
        with reachable(path) as where:
            conn.connect(where)
        conn.sendall(json.dumps({**request, "fingerprint": fingerprint()}).encode() + b"\n")
        conn.shutdown(socket.SHUT_WR)
    except OSError:
        conn.close()
        return None
    return Pending(conn, asked)


def address_of(kb_root: Path) -> Path:
    from pmops import locate

    return address(locate.index_dir(kb_root, locate.git_dirs(kb_root)))


def listening(kb_root: Path) -> bool:
    path = address_of(kb_root)
    return path.exists() and usable(path)


def answering(kb_root: Path) -> bool:
    """Whether a server answers for the KB (`listening` only sees its socket file, which a
    killed server leaves behind)."""
    return alive(kb_root) is True


def alive(kb_root: Path) -> bool | None:
    """True when the KB's server answers; False when it takes the question but no answer begins
    within ANSWER_WAIT (a stopped process: every search waits that long for it); None when no
    server listens."""
    path = address_of(kb_root)
    pending = send(path, {"ping": True}) if usable(path) else None
    if pending is None:
        return None
    try:
        with pending.conn:
            return bool(pending._receive(pending.asked + ANSWER_WAIT))
    except (OSError, ValueError):
        return False


def send_search(kb_option: str | None, query: str, **options: Any) -> Pending | None:
    """Ask the KB's server for `pmops search` results; None when there is no server."""
    from pmops import locate
    from pmops.errors import PmopsError

    try:
        root = locate.find_root(kb_option)
    except PmopsError:
        return None  # the command reports it
    since = options.get("since")
    return send(address_of(root), {"query": query, **options, "since": since.isoformat() if since else None})


def start(kb_root: Path, log: Path) -> None:
    """Start a server for the KB in the background (it exits at once if one is running)."""
    from pmops import detached

    detached.start("pmops.server", [str(kb_root)], log)


def wanted(mode: str, documents: int) -> bool:
    return mode == "always" or (mode == "auto" and documents >= SERVE_FROM)


# -- the server's side -------------------------------------------------------------------


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

    def __init__(self, fd: int, add_watch) -> None:  # noqa: ANN001 - libc's inotify_add_watch
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
                stack += [e.path for e in os.scandir(folder) if e.is_dir(follow_symlinks=False) and not e.name.startswith(".")]
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
                if mask & self.ISDIR and mask & (self.CREATE | self.MOVED_TO) and wd in self.folders and not name.startswith(b"."):
                    new = os.path.join(self.folders[wd], os.fsdecode(name))  # a new folder: watch it too
                    self.broken = self.broken or not self._watch_tree(new)
        return False

    def mark(self) -> None:
        """From now on, changes count (call it just before asking git what changed)."""
        self.quiet()
        self.changed = False

    def close(self) -> None:
        os.close(self.fd)


class Server:
    def __init__(self, root: Path, idle: float = IDLE_SECONDS):
        import threading

        self.root = root
        self.idle = idle
        self.code = fingerprint()
        self._kb = None
        self._settings: tuple | None = None
        self.watcher: Watcher | None = None
        self.caught_up = False  # the index matched the files when the watcher was last marked
        # One catch-up at a time, and the settings and the watcher are read by one question at
        # a time; the searches themselves (each on its own Whoosh searcher) run side by side.
        self._state = threading.Lock()
        self._leaving = threading.Event()
        self._wake: socket.socket | None = None
        self._bound: tuple[int, int, int] | None = None  # the socket file this server made

    def kb(self):  # noqa: ANN201 - KnowledgeBase, reloaded when its settings change
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
        except Exception:  # noqa: BLE001 - a missing or damaged index: the first question finds out again
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

    def _handle(self, conn: socket.socket, slots) -> None:  # noqa: ANN001 - threading.BoundedSemaphore
        try:
            answer, go_on = self._answer(conn)
        except Exception:  # noqa: BLE001 - no question brings the server down
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
        from pmops.index import NeedsRebuild

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
                limit=int(request.get("limit") or 20), catch_up=False, may_rebuild=False,
            )  # fmt: skip
            if sync is not None:
                results.sync = sync
        except NeedsRebuild:
            self._kb, self.caught_up = None, False
            return {"fallback": True}, True
        except PmopsError as exc:
            return {"error": {"message": exc.message, "hint": exc.hint, "code": exc.exit_code}}, True
        except Exception:  # noqa: BLE001 - the index changed under it (deleted, rebuilt…): the command searches
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

    parser = argparse.ArgumentParser(prog="python -m pmops.server", description="The search server of one KB.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--idle", type=float, default=IDLE_SECONDS, help="seconds without a question before exiting")
    args = parser.parse_args(argv)
    Server(args.root.resolve(), args.idle).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
