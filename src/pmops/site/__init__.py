"""The knowledge base as a static website (`pmops site build`): every document a page, index
pages, the report's dashboard as the home page; self-contained, relative links, incremental.

Its parts:
  snapshot.py  the KB read once as the site publishes it (personal data redacted, `site.exclude` out)
  pages.py     the site's computations, its URLs, and the list of its pages
  views.py     each kind of page's context, rendered with the templates under templates/site/
  markdown.py  a body as HTML (markdown-it-py)
  output.py    the site's folder: refusals, the manifest, writing only what changed
  searchindex.py  the search index: Pagefind run over the built pages when some changed
  linkcheck.py a built site's links checked where they land (its tests, a CI job)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmops.errors import InvalidInput, PmopsError

if TYPE_CHECKING:
    from collections.abc import Callable

    from pmops.kb import KnowledgeBase
    from pmops.site.searchindex import Early, SearchIndex

__all__ = ["Counts", "Result", "build"]


@dataclass(frozen=True)
class Counts:
    """A build's pages (a document's, an index's, the home page) and its other files (the stylesheet, the
    search box's script, the files pages link to, the redirects from old URLs), each counted on its own."""

    pages_unchanged: int = 0
    pages_written: int = 0
    pages_removed: int = 0
    files: int = 0
    files_written: int = 0
    files_removed: int = 0

    @property
    def files_unchanged(self) -> int:
        return self.files - self.files_written


@dataclass
class Result:
    """What a build did: the pages and files it wrote, left as they were, and removed (`written` and
    `removed`: the paths of both; `counts`: each counted on its own); and the search index (`search`:
    indexed, left as it was, or skipped and why)."""

    out: Path
    pages: int
    written: list[str] = field(default_factory=list)
    unchanged: int = 0  # pages and files
    removed: list[str] = field(default_factory=list)
    excluded: int = 0
    unreadable: list[str] = field(default_factory=list)
    seconds: float = 0.0
    search: SearchIndex | None = None
    unmatched_exclude: list[str] = field(default_factory=list)  # site.exclude's folders and globs matching no document
    urls: list[str] = field(default_factory=list)  # every page of the site (for the search index's shards)
    # (page, file of the KB) of the pages rendered: a link to a file not published (hidden, untracked, left out)
    withheld: list[tuple[str, str]] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)  # an old URL of a renamed document -> its page now
    counts: Counts = field(default_factory=Counts)
    early: Early | None = None  # the search index's shards already being indexed

    @property
    def needs_index(self) -> bool:
        """Whether the search index is to be built again: a page was written or removed, or there is none
        (Pagefind reads the whole site each time, so a build that changed no page keeps it)."""
        from pmops.site import searchindex

        return any(url.endswith(".html") for url in (*self.written, *self.removed)) or not searchindex.indexed(self.out)

    @property
    def changed(self) -> list[str]:
        """The pages this build wrote or removed."""
        return [url for url in (*self.written, *self.removed) if url.endswith(".html")]

    def to_json(self) -> dict[str, Any]:
        c = self.counts
        return {"out": str(self.out), "pages": self.pages, "written": c.pages_written, "unchanged": c.pages_unchanged,
                "removed": c.pages_removed, "files": {"total": c.files, "written": c.files_written,
                                                      "unchanged": c.files_unchanged, "removed": c.files_removed},
                "redirects": self.redirects, "excluded": self.excluded, "unreadable": self.unreadable,
                "seconds": round(self.seconds, 3), "written_paths": self.written, "removed_paths": self.removed,
                "search": self.search.to_json() if self.search else None,
                "unmatched_exclude": self.unmatched_exclude,
                "withheld": [{"page": page, "file": rel} for page, rel in self.withheld]}  # fmt: skip


def check_base_url(base_url: str | None) -> str | None:
    if base_url is None:
        return None
    text = base_url.strip()
    if not text.startswith(("https://", "http://")) or len(text.split("://", 1)[1].strip("/")) == 0 or " " in text:
        raise InvalidInput(
            f"--base-url must be an http(s) URL, e.g. --base-url https://handbook.example.com/ (not '{base_url}')"
        )
    return text.rstrip("/") + "/"


PARALLEL_FROM = 400  # pages to render from which several processes share the work


def build(
    kb: KnowledgeBase,
    out: Path | None = None,
    *,
    base_url: str | None = None,
    today: dt.date | None = None,
    search: bool = True,
) -> Result:
    """Build the site into `out` (default: `_site/` in the KB), writing only the pages whose
    content changed since the last build there, and removing those it no longer has; then its
    search index when a page changed (`search`: False leaves that to the caller, `site serve`).

    A page whose key (what it shows: see `pages.Page`) is the last build's is not rendered
    again; the others are rendered (in several processes when there are many) and written only
    when their bytes differ from what the last build wrote."""
    import gc

    from pmops.site import searchindex

    started = time.perf_counter()
    base_url = check_base_url(base_url)
    # A bad $PMOPS_SITE_SHARD_PAGES or $PAGEFIND_BINARY_PATH refused before anything is written (also when the
    # index is left to the caller: `site serve` indexes in the background).
    searchindex.shard_pages()
    searchindex.named()
    # Tens of thousands of long-lived objects (the documents), no cycles worth collecting: the
    # collector's passes over them would be a third of a rebuild after one change.
    gc.unfreeze()  # what an earlier build froze (`site serve` builds again and again): collectable again
    gc.disable()
    with contextlib.ExitStack() as held:  # the site's folder, held to the end of its index (output.locked)
        held.callback(searchindex.stop_running)  # stopped (Ctrl-C, SIGTERM), no Pagefind goes on writing
        try:
            result = _build(kb, out, base_url, today, search, held)
        finally:
            gc.freeze()  # nor later: the command's last steps would pay for a pass over everything it built
            gc.enable()
        if search:
            try:
                result.search = (
                    searchindex.build(result.out, result.urls, result.changed, result.early)
                    if result.needs_index
                    else searchindex.UNCHANGED
                )
            except PmopsError as exc:  # the pages are built: said with them, then the error (`failed`)
                result.search = searchindex.SearchIndex(failed=exc)
    result.seconds = time.perf_counter() - started
    return result


def _build(
    kb: KnowledgeBase, out: Path | None, base_url: str | None, today: dt.date | None, search: bool,
    held: contextlib.ExitStack,
) -> Result:  # fmt: skip
    from pmops import templates
    from pmops.site import output, redirects
    from pmops.site.pages import CSS, SEARCH_JS, Site, page_url
    from pmops.site.snapshot import Snapshot

    snapshot = Snapshot(kb.root, kb.config.site())
    snapshot.check_excludes()  # a typo in a privacy setting: refused before anything is written
    folder, before = output.target(snapshot, out, held)
    site = Site(snapshot, today or dt.date.today(), base_url)
    after, done = output.Manifest(), output.Written()
    _ = site.records  # every file listed, and read when it changed
    generation = snapshot.generation
    last = {"records": generation, "state": site.state} if generation else None
    gone = output.missing(folder, before.pages)  # pages deleted by hand: written again (docs/site.md)
    # pages whose files are not as they were rendered (an image removed, or added where a page asked for it)
    refiled = site.changed_files(before.uses, before.asked)
    again = gone | refiled  # written again whatever their key
    documents = {page_url(r.path): r.path for r in site.records} if refiled else {}
    bodies_only = bool(last and before.built_from == last and before.keys.keys() <= before.pages.keys()
                       and not snapshot.structural and not gone and refiled <= documents.keys())  # fmt: skip
    if bodies_only:
        # Only bodies changed since the last build into this folder: its keys hold for every page
        # but those showing the changed bodies (the same pages, the same front-matter everywhere).
        pages = site.pages_showing_bodies({*snapshot.bodies_changed, *(documents[url] for url in refiled)})
        count = len(before.keys)
        shown = {page.url for page in pages}
        after.keys = {url: key for url, key in before.keys.items() if url not in shown}
        after.pages = {url: before.pages[url] for url in after.keys}
        after.uses = {url: before.uses.get(url, []) for url in after.keys}
        after.asked = {url: before.asked[url] for url in after.keys if url in before.asked}
        done.unchanged += len(after.keys)
        after.redirects = {url: target for url, target in before.redirects.items() if url in before.pages}
        for url in after.redirects:  # nothing renamed, added or removed: the same redirects
            after.pages[url] = before.pages[url]
            done.unchanged += 1
    else:
        pages = site.pages()
        count = len(pages)
    todo = []
    for page in pages:
        key = after.keys[page.url] = page.key()
        if before.keys.get(page.url) == key and page.url in before.pages and page.url not in again:
            after.pages[page.url] = before.pages[page.url]
            after.uses[page.url] = before.uses.get(page.url, [])
            if page.url in before.asked:
                after.asked[page.url] = before.asked[page.url]
            done.unchanged += 1
        else:
            todo.append(page)
    withheld = []
    new = [page.url for page in todo if page.url not in before.pages]
    if new:
        before.announcing(new).write(folder)
    early = None
    if search and len(todo) >= PARALLEL_FROM and not any(before.pages.get(page.url) for page in pages):
        from pmops.site import searchindex  # a first build into this folder (or one stopped): every page to write

        early = searchindex.Early.start(folder, [page.url for page in pages])
    if early is not None:
        todo.sort(key=lambda page: early.order(page.url))
    try:
        with templates.held(snapshot.root):  # not looked up again, nor their files checked, at each page
            rendered = _rendered(site, todo, folder, before, early.written if early is not None else None)
    except BaseException:
        if early is not None:
            early.cancel()
        raise
    for url, digest, wrote, uses, kept_back, asked in rendered:
        after.pages[url], after.uses[url] = digest, uses
        if asked:
            after.asked[url] = asked
        withheld += [(url, rel) for rel in kept_back]
        if wrote:
            done.written.append(url)
        else:
            done.unchanged += 1
    css = templates.render("site/site.css.j2", snapshot.root).encode("utf-8")
    script = templates.render("site/search.js", snapshot.root).encode("utf-8")
    for url, data in ((CSS, css), (SEARCH_JS, script), (".nojekyll", b"")):
        after.pages[url], wrote = output.write_page(folder, url, data, before)
        if wrote:
            done.written.append(url)
        else:
            done.unchanged += 1
    for rel in sorted({rel for uses in after.uses.values() for rel in uses}):
        if snapshot.is_file(rel) and site.publishable(rel):  # (no longer published: removed below)
            output.copy_asset(snapshot, folder, rel, before, after, done)
    if not bodies_only:  # a document renamed: its old URL leads to its page (only bodies changed: as they were)
        after.redirects = redirects.redirects(site, before, set(after.pages) | set(after.assets))
        for url, target in after.redirects.items():
            after.pages[url], wrote = output.write_page(
                folder, url, redirects.render(site, url, target).encode(), before
            )
            if wrote:
                done.written.append(url)
            else:
                done.unchanged += 1
    output.remove_stale(folder, before, after, done)
    snapshot.keep()
    if snapshot.generation:
        after.built_from = {"records": snapshot.generation, "state": site.state}
    after.write(folder)
    pages_written = [url for url in done.written if url in after.keys]
    pages_removed = [url for url in done.removed if url in before.keys and url not in before.redirects]
    files = len(after.pages) + len(after.assets) - len(after.keys)
    return Result(folder, count, sorted(done.written), done.unchanged, done.removed, len(snapshot.excluded),
                  [e.path for e in snapshot.unreadable], unmatched_exclude=snapshot.unmatched_excludes(),
                  urls=sorted(url for url in after.keys if url.endswith(".html")), withheld=sorted(withheld),
                  redirects=dict(sorted(after.redirects.items())), early=early,
                  counts=Counts(count - len(pages_written), len(pages_written), len(pages_removed), files,
                                len(done.written) - len(pages_written), len(done.removed) - len(pages_removed)))  # fmt: skip


def render_workers(indexing: bool) -> int:
    """How many processes render the pages: one per core, at most 4; while the search index is built beside
    them (a first build: Pagefind indexes each shard as soon as its pages are written), half the cores, the
    other half Pagefind's. On two cores that is the build's own process alone: forked workers cost more CPU
    than they save time when Pagefind keeps the other core busy (each touches, and so copies, the memory of
    the documents it renders, and compiles the templates again)."""
    import os

    cores = os.cpu_count() or 1
    return max(1, min(cores // 2 if indexing else cores, 4))


# What the processes rendering pages share: forked, they find it here.
_JOB: tuple[Any, list, Path, Any] | None = None


def _rendered(
    site: Any, todo: list, folder: Path, before: Any, written: Callable[[list[str], bool], None] | None = None
) -> list[tuple[str, str, bool, list[str], list[str], list[str]]]:
    """Each page rendered and written when it changed: (url, hash, written, files it uses, files it links to
    that are not published). `written` is told the URLs of pages on disk, and whether they are the last (by
    several processes: as their slices, in order, come back)."""
    global _JOB
    import multiprocessing

    workers = render_workers(written is not None)
    alone = len(todo) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods()
    if not alone:
        from pmops import templates

        site.prepare()
        templates.compile_html(site.kb.root, ("site/", "_dashboard"))  # once, before the processes start
    _JOB = (site, todo, folder, before)
    # In slices, so that `written` hears of each shard's pages as they are written.
    step = max(50, len(todo) // (64 if alone else workers * 8))
    slices = [(i, min(i + step, len(todo))) for i in range(0, len(todo), step)] or [(0, 0)]
    try:
        found: list[tuple[str, str, bool, list[str], list[str], list[str]]] = []
        processes = None if alone else multiprocessing.get_context("fork").Pool(workers, initializer=_leave_ctrl_c)
        with processes or contextlib.nullcontext():
            parts = processes.imap(_render_slice, slices) if processes else map(_render_slice, slices)
            for n, part in enumerate(parts, 1):
                found += part
                if written is not None:
                    written([row[0] for row in part], n == len(slices))
        return found
    finally:
        _JOB = None


def _leave_ctrl_c() -> None:
    """A rendering process leaves Ctrl-C to the build, which stops them all (no traceback of theirs), and a
    SIGTERM (a service manager's, to every process of the build) ends it quietly, not as the build's Ctrl-C."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _render_slice(bounds: tuple[int, int]) -> list[tuple[str, str, bool, list[str], list[str], list[str]]]:
    from pmops.site import output

    assert _JOB is not None
    site, todo, folder, before = _JOB
    found = []
    for page in todo[bounds[0] : bounds[1]]:
        site.assets, site.withheld, site.missing = set(), set(), set()
        digest, wrote = output.write_page(folder, page.url, page.render().encode("utf-8"), before)
        found.append((page.url, digest, wrote, sorted(site.assets), sorted(site.withheld),
                      sorted(site.withheld | site.missing)))  # fmt: skip
    return found
