"""The command's side of the search server, and the one search a command makes, server or not.

`search` is what `pmops search` calls: the server's answer when one comes (see
pmops.search.server for what the server guarantees), else a search of the KB's own index,
then the server started in the background when the KB is large enough. A command sends
its question early (`ask`) and loads the rest of itself while the server answers.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt
    import socket
    from contextlib import AbstractContextManager

    from pmops.kb import KnowledgeBase
    from pmops.search.results import Progress, Results

# Every search imports this module, most of them in KBs without a server: `socket` (2 ms)
# is imported only once a socket file exists, by the functions that open one.

SERVE_FROM = 5_000  # documents: below this, a search in a new process is quick enough
CONNECT_TIMEOUT = 0.25
# Seconds from asking to the first byte of the answer; then the command searches by itself. A
# healthy server answers in ~0.1 s at 50,000 documents, while the command loads rich (~0.1 s):
# half a second keeps every such answer and bounds what a stopped or busy server costs.
ANSWER_WAIT = 0.5
ANSWER_REST = 2.0  # seconds for the rest of an answer that has begun (it is sent in one go)
MAX_ANSWER = 256 * 1024 * 1024  # bytes
MAX_ADDRESS = 100  # bytes: a Unix socket's path is limited to about 104-108


def search(
    open_kb: Callable[[], KnowledgeBase],
    query: str,
    *,
    doc_type: str | None = None,
    tag: str | None = None,
    since: dt.date | None = None,
    limit: int = 20,
    archived: bool | None = False,
    pending: Pending | None = None,
    progress: Callable[[], AbstractContextManager[Progress | None]] | None = None,
) -> Results:
    """`pmops search`: the answer to `pending` (a question `ask` sent to the KB's server) when the
    server gives one; else the KB's own index (opened by `open_kb`, caught up, rebuilt with a
    bar from `progress` when needed), and then the server is started if the KB is large enough."""
    results = pending.results() if pending else None
    if results is not None:
        return results
    kb = open_kb()
    with progress() if progress else contextlib.nullcontext() as bar:
        results = kb.index.search(
            query, doc_type=doc_type, tag=tag, since=since, limit=limit, archived=archived, progress=bar
        )
    if wanted(kb.config.search_server, results.sync.documents):
        start(kb.root, kb.state_dir / "server.log")
    return results


def ask(kb_option: str | None, query: str, **options: Any) -> Pending | None:
    """Ask the KB's server for `pmops search` results (the options of `search`); None when there
    is no server."""
    from pmops import locate
    from pmops.errors import PmopsError

    try:
        root = locate.find_root(kb_option)
    except PmopsError:
        return None  # the command reports it
    since = options.get("since")
    return send(address_of(root), {"query": query, **options, "since": since.isoformat() if since else None})


def wanted(mode: str, documents: int) -> bool:
    """Whether a KB of this many documents has a server, by its `search_server` setting."""
    return mode == "always" or (mode == "auto" and documents >= SERVE_FROM)


def start(kb_root: Path, log: Path) -> None:
    """Start a server for the KB in the background (it exits at once if one is running)."""
    from pmops import detached

    detached.start("pmops.search.server", [str(kb_root)], log)


def address(index_dir: Path) -> Path:
    return index_dir.with_name(index_dir.name + ".sock")


def address_of(kb_root: Path) -> Path:
    from pmops import locate

    return address(locate.index_dir(kb_root, locate.git_dirs(kb_root)))


def fingerprint() -> str:
    """pmops' version and its source files' times: a server never answers for other code."""
    from pmops import __version__

    package = Path(__file__).parent.parent
    newest = 0
    for folder in (package, *(e for e in os.scandir(package) if e.is_dir() and e.name != "__pycache__")):
        for entry in os.scandir(folder):
            if entry.name.endswith(".py"):
                newest = max(newest, entry.stat().st_mtime_ns)
    return f"{__version__}:{newest}"


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
            return bool(pending.receive(pending.asked + ANSWER_WAIT))
    except (OSError, ValueError):
        return False


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


class Pending:
    """A question sent to the server; the command does other work while it is answered."""

    def __init__(self, conn: socket.socket, asked: float) -> None:
        self.conn = conn
        self.asked = asked  # time.monotonic() when the command started asking

    def answer(self, wait: float = ANSWER_WAIT) -> dict[str, Any] | None:
        """The server's answer, or None when it would rather not answer, failed to, or has not
        begun to within `wait` seconds of the question (stopped, or busy with something else)."""
        try:
            with self.conn:
                data = self.receive(self.asked + wait)
            answer = json.loads(data)
        except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested too deep
            return None
        return answer if isinstance(answer, dict) and not answer.get("fallback") else None

    def receive(self, deadline: float) -> bytes:
        """The answer's bytes; TimeoutError when none began by `deadline` (time.monotonic())."""
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

    def results(self, wait: float = ANSWER_WAIT) -> Results | None:
        """The search results, or None (then the command searches itself): also for an answer
        that is not what a server of this code sends."""
        from pmops.errors import PmopsError
        from pmops.search.results import Results

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
        if "results" not in answer:
            return None
        return Results.from_wire(answer["results"])
