"""The site's search index: Pagefind run over the built pages (over the changed shards of a large
site's), each bundle swapped in whole; the files of the last bundle whose content is unchanged are kept,
not compressed again.

(Over 400 lines: one path from Pagefind's binary to its bundles in place — which binary, the shards,
indexing while pages are still written, the swap, the files kept, the pending mark — whose steps share
the bundles' layout and the mark; split, each part would reach into the others'.)"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pmops.errors import InvalidInput, PmopsError

if TYPE_CHECKING:
    from collections.abc import Callable
    from concurrent.futures import Future, ThreadPoolExecutor

BUNDLE = "pagefind"  # the folder of the site the index and Pagefind's search UI are served from
_NEW, _OLD, _SHARD_SITE = ".pagefind-new", ".pagefind-old", ".pagefind-pages"
INSTALL = "pip install 'pagefind[bin]', or set PAGEFIND_BINARY_PATH"


@dataclass(frozen=True)
class SearchIndex:
    """What indexing did: `skipped` says why there is no new index; `unchanged`: no page changed,
    the last build's index holds."""

    pages: int = 0
    seconds: float = 0.0
    skipped: str | None = None
    unchanged: bool = False
    shards: int = 0  # the bundles of the index built (1: not split; 0: none built)
    shards_indexed: int = 0  # of those, the ones indexed again
    shards_early: int = 0  # of those, the ones started while the build still rendered pages (Early)
    failed: PmopsError | None = None  # Pagefind failed: the pages are built, the last index (if any) holds

    @property
    def indexed(self) -> bool:
        return self.skipped is None and not self.unchanged and self.failed is None

    def to_json(self) -> dict[str, object]:
        return {"indexed": self.indexed, "unchanged": self.unchanged, "pages": self.pages,
                "seconds": round(self.seconds, 3), "skipped": self.skipped, "shards": self.shards,
                "shards_indexed": self.shards_indexed, "shards_early": self.shards_early,
                "error": self.failed.message if self.failed else None}  # fmt: skip


UNCHANGED = SearchIndex(unchanged=True)


def binary() -> Path | None:
    """Pagefind's binary: $PAGEFIND_BINARY_PATH (see `named`), the one `pagefind[bin]` installed, or one on PATH."""
    found = named()
    if found is not None:
        return found
    try:
        import pagefind  # noqa: F401  (the package `pagefind[bin]` installs)
    except ImportError:
        return None
    try:
        found = _packaged()
    except FileNotFoundError:  # pagefind_bin installed without its binary (another platform's wheel)
        return None
    return found if found is not None and found.is_file() and os.access(found, os.X_OK) else None


def _packaged() -> Path | None:
    """The lookup of `pagefind.service.get_executable` but for $PAGEFIND_BINARY_PATH (`named`'s): the extended
    binary's package, `pagefind_bin`'s, else one on PATH. Not imported from there: that module imports asyncio
    and ssl for its service, 13–19 ms of a rebuild after one change."""
    import importlib

    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            get_executable = importlib.import_module(package).get_executable
        except (ImportError, AttributeError):
            continue
        return Path(get_executable())
    external = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Path(external) if external is not None else None


def named() -> Path | None:
    """The binary $PAGEFIND_BINARY_PATH names (None: unset or empty, as CI templates export it). One that is
    not an executable file is refused (exit 2): a typo would publish a site without search, the build green."""
    given = os.environ.get("PAGEFIND_BINARY_PATH", "").strip()
    if not given:
        return None
    path = Path(given if os.sep in given else shutil.which(given) or given)  # a name alone: found on PATH
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise InvalidInput(f"PAGEFIND_BINARY_PATH={given}: no executable file there; nothing built",
                           hint="name Pagefind's binary, or unset it to use the one pagefind[bin] installed")  # fmt: skip
    return path


PENDING = ".pmops-search-pending"  # beside the site's manifest: its pages changed since its index was built
# From twice SHARD_PAGES pages the index is split into shards of about SHARD_PAGES pages (at most SHARDS) by a
# hash of each page's URL (`pagefind/`, `pagefind-01/` …), merged in the browser (Pagefind's mergeIndex):
# a rebuild after one change indexes the shards of the pages it wrote, not the whole site. Fewer pages:
# one bundle. A shard ranks its pages by its own word counts; hundreds of pages keep them close to the site's.
SHARD_PAGES = 500  # $PMOPS_SITE_SHARD_PAGES changes it (a test's small site split in shards)
SHARDS = 16


def shard_pages() -> int:
    """The pages of a shard: SHARD_PAGES, or $PMOPS_SITE_SHARD_PAGES (a whole number from 1; else exit 2)."""
    given = os.environ.get("PMOPS_SITE_SHARD_PAGES", "").strip()
    if not given:
        return SHARD_PAGES
    if not given.isdigit() or int(given) < 1:
        raise InvalidInput(f"PMOPS_SITE_SHARD_PAGES={given!r}: the pages of a search index's shard are a whole number "
                           "from 1; nothing built", hint=f"unset it for the default, {SHARD_PAGES}")  # fmt: skip
    return int(given)


def shards_for(pages: int) -> int:
    """How many shards the index of a site of this many pages has: one below twice the shard's pages."""
    size = shard_pages()
    return min(SHARDS, pages // size) if pages >= 2 * size else 1


LAYOUT = "pmops-shards.json"  # in `pagefind/`: how many shards, and the bundles search.js merges


def bundle(shard: int) -> str:
    """The folder of a shard's bundle: the first is `pagefind/` (it holds the search UI too)."""
    return BUNDLE if shard == 0 else f"{BUNDLE}-{shard:02d}"


def shard_of(url: str, shards: int) -> int:
    """The shard a page's index is in: the same for a URL whatever else the site has."""
    if shards == 1:
        return 0
    return int(hashlib.sha1(url.encode("utf-8"), usedforsecurity=False).hexdigest()[:8], 16) % shards


def indexed(out: Path) -> bool:
    """Whether the site in `out` has a search index of its pages as they are (a build that changed no
    page keeps it; one whose indexing failed or was stopped left PENDING, and the next build indexes)."""
    return (out / BUNDLE / "pagefind-entry.json").is_file() and not (out / PENDING).exists()


def _pending(out: Path) -> set[int] | None:
    """The shards left to index by a failed or stopped indexing (None: all of them; empty: none)."""
    try:
        text = (out / PENDING).read_text(encoding="utf-8")
    except OSError:
        return set()
    try:
        found = json.loads(text)
    except ValueError:
        return None  # an empty marker (pmops before shards): everything
    return {int(k) for k in found} if isinstance(found, list) and all(isinstance(k, int) for k in found) else None


def _layout(out: Path) -> int | None:
    """How many shards the site's index has now (None: no index)."""
    if not (out / BUNDLE / "pagefind-entry.json").is_file():
        return None
    try:
        found = json.loads((out / BUNDLE / LAYOUT).read_text(encoding="utf-8"))
        return int(found["shards"])
    except (OSError, ValueError, KeyError, TypeError):
        return 1


def _site_pages(out: Path) -> list[str]:
    """Every page of the site in `out` (its URLs), when the caller did not say."""
    found = []
    for folder, dirs, files in os.walk(out):
        dirs[:] = [d for d in dirs if not d.startswith(".") and not (folder == str(out) and d.startswith(BUNDLE))]
        rel = os.path.relpath(folder, out).replace(os.sep, "/")
        found += [f if rel == "." else f"{rel}/{f}" for f in files if f.endswith(".html")]
    return sorted(found)


class Early:
    """A first build's shards indexed while its other pages are still being rendered: every page is new and
    every shard to index, so each shard's Pagefind starts as soon as the last of its pages is written
    (`written`, from the build), on the cores rendering leaves idle. `build` waits for them."""

    def __init__(self, found: Path, out: Path, urls: list[str]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.found, self.out = found, out
        self.shards = shards_for(len(urls))
        self.members = _members(urls, self.shards)
        self.left = {k: len(m) for k, m in self.members.items()}
        self.futures: dict[int, Future[None]] = {}
        self.early: set[int] = set()  # those started before the last pages were written
        self.pool = ThreadPoolExecutor(_workers(self.shards))
        _mark(out, None)  # until every shard's new bundle is in place
        _clean(out)

    @classmethod
    def start(cls, out: Path, urls: list[str]) -> Early | None:
        """None when there is nothing to gain: one shard (it is ready only with the last page), no binary."""
        urls = [url for url in urls if url.endswith(".html")]
        found = binary() if shards_for(len(urls)) > 1 else None
        return cls(found, out, urls) if found is not None else None

    def order(self, url: str) -> int:
        """Pages rendered shard by shard, so the first shards are ready early."""
        return shard_of(url, self.shards)

    def written(self, urls: list[str], last: bool) -> None:
        """These pages are on disk (`last`: the build's last ones)."""
        for url in urls:
            if not url.endswith(".html"):
                continue
            k = shard_of(url, self.shards)
            self.left[k] -= 1
            if self.left[k] == 0:
                self.futures[k] = self.pool.submit(_index, self.found, self.out, k, self.members[k])
                if not last:
                    self.early.add(k)

    def finish(self) -> set[int]:
        """The shards indexed (their new bundles waiting to be swapped in); the first failure is raised once
        all have ended."""
        try:
            self.pool.shutdown(wait=True)
        except BaseException:  # stopped while waiting: those queued are not started
            self.cancel()
            raise
        for future in self.futures.values():
            future.result()
        return set(self.futures)

    def cancel(self) -> None:
        """The build failed or was stopped: the shards not started are not, those running are stopped (a SIGTERM
        to pmops alone does not reach their Pagefind, which went on to its end; their folders are left to the next
        build, which indexes every shard: PENDING says so)."""
        _stopped(self.pool, list(self.futures.values()))


def _members(urls: Collection[str], shards: int) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {k: [] for k in range(shards)}
    for url in urls:
        found[shard_of(url, shards)].append(url)
    return found


def build(
    out: Path, pages: list[str] | None = None, changed: Collection[str] | None = None, early: Early | None = None
) -> SearchIndex:
    """Index the pages of the site in `out` (Pagefind reads `data-pagefind-body` and its
    `data-pagefind-filter`s) into `out/pagefind/` (and, from twice SHARD_PAGES pages, its shards' bundles);
    result URLs keep their `index.html`, as the site's own links do. `changed`: the pages written or
    removed since the index was built (None: all) — only their shards are indexed again.

    Each new bundle is written beside the old one and swapped in when complete, so a site being
    served keeps a working search meanwhile. Without the binary nothing happens and the result says why."""
    found = binary()
    if found is None:
        if not (out / BUNDLE / "pagefind-entry.json").is_file():
            return SearchIndex(skipped=f"Pagefind's binary was not found ({INSTALL}); the site has no search box")
        _mark(out, None)  # the pages changed: the next build with the binary indexes them again
        return SearchIndex(skipped=f"Pagefind's binary was not found ({INSTALL}); the search box keeps the last "
                                   "index, which misses this build's changes until a build with it")  # fmt: skip
    started = time.perf_counter()
    pages = _site_pages(out) if pages is None else pages
    shards = shards_for(len(pages))
    pending = _pending(out)
    if changed is None or pending is None or _layout(out) != shards:
        todo = set(range(shards))
    else:
        todo = {shard_of(url, shards) for url in changed if url.endswith(".html")} | pending
        todo |= {k for k in range(shards) if not (out / bundle(k) / "pagefind-entry.json").is_file()}
    _mark(out, todo | (pending or set()) if pending is not None else None)  # until the new index is in place
    members = _members(pages, shards)
    if early is None:
        _clean(out)
    ready = early.finish() if early is not None else set()
    if early is not None and early.shards != shards:
        ready = set()  # (the same pages make the same shards: not expected)
    _each(sorted(todo - ready), lambda k: _index(found, out, k, members[k]))
    for k in sorted(todo):
        _swap(out, k)
    merged = [bundle(k) for k in range(1, shards) if (out / bundle(k) / "pagefind-entry.json").is_file()]
    (out / BUNDLE / LAYOUT).write_text(json.dumps({"shards": shards, "merge": merged}), encoding="utf-8")
    for extra in out.glob(f"{BUNDLE}-*"):  # shards the site no longer has (it has fewer pages now)
        if extra.is_dir() and extra.name not in merged:
            shutil.rmtree(extra, ignore_errors=True)
    (out / PENDING).unlink(missing_ok=True)
    count = sum(_page_count(out / bundle(k)) for k in range(shards))
    return SearchIndex(pages=count, seconds=time.perf_counter() - started, shards=shards, shards_indexed=len(todo),
                       shards_early=len(early.early & ready & todo) if early is not None else 0)  # fmt: skip


def _each(shards: list[int], index: Callable[[int], None]) -> None:
    """The shards indexed side by side, a Pagefind process each, one more than the cores: a run leaves a core
    idle while it starts and writes its files (16 shards of 10,000 documents on 2 cores: 16.3 s one after the
    other, 10.0 s two at a time, 8.8 s three). The first failure is raised once all have ended."""
    from concurrent.futures import ThreadPoolExecutor

    workers = _workers(len(shards))
    if workers <= 1:
        for k in shards:
            index(k)
        return
    pool = ThreadPoolExecutor(workers)
    futures: list[Future[None]] = []
    try:
        for k in shards:
            futures.append(pool.submit(index, k))
        for future in futures:
            future.result()
    except BaseException:
        _stopped(pool, futures)  # stopped (or failed): the others' Pagefind too, before the pool waits for them
        raise
    pool.shutdown(wait=True)


def _stopped(pool: ThreadPoolExecutor, futures: list[Future[None]]) -> None:
    """The shards of `pool` not started yet are not; those running are stopped (`stop_running`) until its threads
    have ended: one that starts its Pagefind as the others are stopped is stopped at the next turn."""
    from concurrent.futures import wait

    pool.shutdown(wait=False, cancel_futures=True)
    running = [future for future in futures if not future.done()]
    while running:
        stop_running()
        running = list(wait(running, timeout=0.1).not_done)
    pool.shutdown(wait=True)


def _clean(out: Path) -> None:
    """What a stopped build or index left: new bundles never swapped in, old ones never removed, the folders of
    hard links a shard was read from (a one-bundle index of the whole folder would find those pages twice)."""
    for leftover in out.glob(".pagefind-*"):
        if leftover.name.startswith((_NEW, _OLD, _SHARD_SITE)) and leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)


def _workers(shards: int) -> int:
    return min(shards, (os.cpu_count() or 1) + 1)


def _mark(out: Path, shards: set[int] | None) -> None:
    """PENDING, naming the shards left to index (None: all)."""
    (out / PENDING).write_text(json.dumps(sorted(shards)) if shards is not None else "", encoding="utf-8")


def _page_count(folder: Path) -> int:
    try:
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    return sum(language.get("page_count", 0) for language in entry.get("languages", {}).values())


def _index(found: Path, out: Path, shard: int, members: list[str]) -> None:
    """Pagefind over a shard's pages (the site's when it has one bundle) and only those: hard links to them in a
    folder of their own, so the index's URLs are the site's and no other file of the folder is read (a page a
    stopped build left, a file of the team's), into the shard's new bundle."""
    new = out / f"{_NEW}-{shard:02d}"
    shutil.rmtree(new, ignore_errors=True)
    last = _reuse(out / bundle(shard), new)
    site = out / f"{_SHARD_SITE}-{shard:02d}"
    shutil.rmtree(site, ignore_errors=True)
    _linked(out, site, members or ["index.html"], copy=True)  # (an empty shard: the home page, a bundle all the same)
    try:
        done = _pagefind(found, site, new)
        if last is not None and done.returncode == 0 and _version(new) != last:  # another Pagefind: its own files
            shutil.rmtree(new, ignore_errors=True)
            done = _pagefind(found, site, new)
    finally:
        shutil.rmtree(site, ignore_errors=True)
    if done.returncode != 0 or not (new / "pagefind-entry.json").is_file():
        shutil.rmtree(new, ignore_errors=True)
        ended = f"exit status {done.returncode}" if done.returncode else "it ended without writing an index"
        said = (done.stderr.strip() or done.stdout.strip() or ended).splitlines()[-1]
        kept = (
            "; the search box keeps the last index until then"
            if (out / BUNDLE / "pagefind-entry.json").is_file()
            else ""
        )
        via = " (PAGEFIND_BINARY_PATH)" if os.environ.get("PAGEFIND_BINARY_PATH", "").strip() else ""
        raise PmopsError(f"the search index was not built: pagefind says: {said}",
                         hint=f"the pages are built, and the next build indexes them{kept}; Pagefind run: {found}{via}")  # fmt: skip
    _prune(new)


_RUNNING: set[subprocess.Popen[str]] = set()  # the Pagefind processes under way, for `stop_running`
_RUNNING_LOCK = threading.Lock()


def _pagefind(found: Path, site: Path, new: Path) -> subprocess.CompletedProcess[str]:
    args = [str(found), "--site", str(site), "--output-path", str(new), "--keep-index-url", "--silent"]
    # In a process group of its own, which `_stop` ends whole: the binary named may be a wrapper (a shell script)
    # whose Pagefind a signal to the wrapper alone does not reach (the build then waited for it).
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                          text=True, process_group=0) as process:  # fmt: skip
        with _RUNNING_LOCK:
            _RUNNING.add(process)
        try:
            out, err = process.communicate()
        except BaseException:  # stopped in this thread (Ctrl-C, SIGTERM): Pagefind with it
            _stop(process)
            raise
        finally:
            with _RUNNING_LOCK:
                _RUNNING.discard(process)
    return subprocess.CompletedProcess(args, process.returncode, out, err)


def stop_running() -> None:
    """Stop the Pagefind processes under way (a build or a preview stopped, by Ctrl-C or a SIGTERM: each runs in
    a process group of its own, which neither reaches, and they went on writing into the site)."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for process in running:
        _stop(process)
    for process in running:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)


def _stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM to a Pagefind run's process group (its own: `_pagefind`), the wrapper that started it included."""
    import signal

    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGTERM)


# A bundle's files named by a hash of their content: its pages' fragments, its word index's chunks, its filters,
# and its metadata (`pagefind.<hash>.pf_meta`, naming all the others). Pagefind writes none that is already there.
_HASHED = ("fragment", "index", "filter")


def _hashed(folder: Path) -> list[Path]:
    found = [p for name in _HASHED if (folder / name).is_dir() for p in (folder / name).iterdir()]
    return found + list(folder.glob("pagefind.*.pf_meta"))


def _version(folder: Path) -> str | None:
    try:
        return str(json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _named(folder: Path) -> set[str] | None:
    """The hashed files the bundle in `folder` uses (their names without extension; None: unreadable): those
    its entry names, and those the metadata of each of its languages names."""
    try:
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        metas = [f"pagefind.{language['hash']}" for language in entry["languages"].values()]
        data = b"".join(gzip.decompress((folder / f"{meta}.pf_meta").read_bytes()) for meta in metas)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError, gzip.BadGzipFile):
        return None
    if not data.startswith(b"pagefind_dcd"):  # not the metadata this was written for: nothing is reused
        return None
    return set(metas) | {p.stem for p in _hashed(folder) if p.suffix != ".pf_meta" and p.stem.encode() in data}


def _reuse(current: Path, new: Path) -> str | None:
    """The hashed files of the shard's current bundle linked into the new bundle's folder, so Pagefind
    compresses again only what changed (after one changed page: its fragment, a few index chunks, the
    filters) instead of every page's. Only from a bundle whose metadata names every hashed file it has
    (pruned as below); returns the Pagefind version that wrote it (None: nothing reused)."""
    version, named, files = _version(current), _named(current), _hashed(current)
    if version is None or named is None or any(p.stem not in named for p in files):
        return None
    try:  # (only files Pagefind never opens to write: the live bundle is not touched)
        _linked(current, new, [path.relative_to(current).as_posix() for path in files])
    except OSError:  # no hard links here: Pagefind writes every file
        shutil.rmtree(new, ignore_errors=True)
        return None
    return version


def _linked(source: Path, target: Path, paths: list[str], *, copy: bool = False) -> None:
    """The files at these paths (relative, with "/") in `source` hard-linked at the same paths in `target`
    (`copy`: copied where a link cannot be made; else the OSError is raised). As strings, each folder made
    once: a shard's pages and its last bundle's files are about 1,400 links after one change."""
    made = set()
    for rel in paths:
        folder = rel.rpartition("/")[0]
        if folder not in made:
            os.makedirs(os.path.join(target, folder), exist_ok=True)
            made.add(folder)
        there, here = os.path.join(source, rel), os.path.join(target, rel)
        try:
            os.link(there, here)
        except OSError:
            if not copy:
                raise
            shutil.copyfile(there, here)


def _prune(new: Path) -> None:
    """The hashed files of the new bundle its metadata does not name removed: those of the last bundle
    that changed (a changed page's old fragment, old index chunks). Unreadable metadata: all kept."""
    named = _named(new)
    if named is None:
        return
    for path in _hashed(new):
        if path.stem not in named:
            path.unlink(missing_ok=True)


def _swap(out: Path, shard: int) -> None:
    new, old, current = out / f"{_NEW}-{shard:02d}", out / f"{_OLD}-{shard:02d}", out / bundle(shard)
    shutil.rmtree(old, ignore_errors=True)
    if current.exists():
        current.rename(old)
    new.rename(current)
    shutil.rmtree(old, ignore_errors=True)
