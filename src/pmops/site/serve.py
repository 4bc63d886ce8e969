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


class _Indexer:
    """The search index, built again in a thread of its own after a build changed pages, so a
    change shows in the preview at once and search catches up (Pagefind reads every page: tens
    of seconds at 10,000 documents). One index at a time; changes meanwhile make one more."""

    def __init__(self, out: Path, said: Callable[[str, Result | None], None]) -> None:
        self.out, self.said = out, said
        self.wanted, self.stopped = threading.Event(), threading.Event()
        self.lock = threading.Lock()
        self.urls: list[str] | None = None  # the site's pages at the last build
        self.changed: set[str] | None = set()  # the pages written or removed since the last index (None: all)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from pmops.site import output, searchindex
        from pmops.text import count

        while self.wanted.wait() and not self.stopped.is_set():
            self.wanted.clear()
            with self.lock:
                urls, changed, self.changed = self.urls, self.changed, set()
            try:
                with output.locked(self.out):  # (not while a build writes the folder: this one's, or another's)
                    done = searchindex.build(self.out, urls, changed)
            except (PmopsError, OSError) as exc:
                with self.lock:
                    self.changed = None if changed is None or self.changed is None else self.changed | changed
                self.said(f"error: {exc}", None)
                continue
            if done.skipped:
                self.said(f"search skipped: {done.skipped}", None)
            else:
                self.said(f"search: {count(done.pages, 'page')} indexed ({done.seconds:.1f} s)", None)

    def want(self, result: Result) -> None:
        """Index again after this build (its pages, and those it wrote or removed)."""
        with self.lock:
            self.urls = result.urls
            if self.changed is not None:
                self.changed |= set(result.changed)
        self.wanted.set()

    def stop(self) -> None:
        self.stopped.set()
        self.wanted.set()


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
    the KB changes, until `stop` is set (or Ctrl-C). `said` hears each build and each event; the
    search index is built after each build that changed pages, in the background (`_Indexer`)."""
    from pmops import site

    # What the KB looked like before the first build reads it: a file saved while it runs (the one
    # open in the editor) differs from this, so the first look rebuilds (a baseline taken after the
    # build would hold the saved file as seen, and the preview would keep the page it had read before).
    seen = fingerprint(kb)
    result = site.build(kb, out, today=today, search=False)
    said("", result)
    indexer = _Indexer(result.out, said)
    if result.needs_index:
        indexer.want(result)
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
    try:
        while not stop.wait(POLL_SECONDS):
            now = fingerprint(kb)
            if now == seen:
                continue
            seen = now
            try:
                result = site.build(type(kb)(kb.root), out, today=today, search=False)
            except PmopsError as exc:  # a broken pmops.yaml while it is being edited: said, and served as it was
                said(f"error: {exc}", None)
                continue
            said("", result)
            if result.needs_index:
                indexer.want(result)
    finally:
        indexer.stop()
        from pmops.site import searchindex

        searchindex.stop_running()  # the index under way (the preview's folder is left as a build stopped leaves it)
        server.shutdown()
        server.server_close()
