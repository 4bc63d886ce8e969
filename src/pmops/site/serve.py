"""`pmops site serve`: the site on 127.0.0.1, rebuilt when the KB's files change."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from pmops.errors import InvalidInput, PmopsError

if TYPE_CHECKING:
    from collections.abc import Callable

    from pmops.kb import KnowledgeBase
    from pmops.site import Result

POLL_SECONDS = 1.0


def fingerprint(kb: KnowledgeBase) -> tuple:
    """What a rebuild depends on, by stat only: every markdown file, the settings, the taxonomy,
    the templates and the metrics' values (one stat each, no reads)."""
    files = kb.scan()
    extra = []
    for folder in (kb.root, kb.root / "templates", kb.root / "metrics"):
        try:
            extra += [(p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.iterdir()) if p.is_file()]
        except OSError:
            continue
    return tuple(sorted(files.items())), tuple(extra)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # the command says what it built; each request is not news


def serve(
    kb: KnowledgeBase,
    out: Path | None,
    port: int,
    said: Callable[[str, Result | None], None],
    *,
    today: dt.date | None = None,
    stop: threading.Event | None = None,
    ready: Callable[[int], None] | None = None,
) -> None:
    """Build, serve the site's folder on 127.0.0.1:`port` (0: any free one), and rebuild whenever
    the KB changes, until `stop` is set (or Ctrl-C). `said` hears each build and each event."""
    from pmops import site

    result = site.build(kb, out, today=today)
    said("", result)
    handler = functools.partial(_Quiet, directory=str(result.out))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise InvalidInput(f"--port {port}: cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
    actual = server.server_address[1]
    said(f"serving {result.out} at http://127.0.0.1:{actual}/ (Ctrl-C stops)", None)
    if ready:
        ready(actual)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stop = stop or threading.Event()
    seen = fingerprint(kb)
    try:
        while not stop.wait(POLL_SECONDS):
            now = fingerprint(kb)
            if now == seen:
                continue
            seen = now
            try:
                said("", site.build(type(kb)(kb.root), out, today=today))
            except PmopsError as exc:  # a broken pmops.yaml while it is being edited: said, and served as it was
                said(f"error: {exc}", None)
    finally:
        server.shutdown()
        server.server_close()
