"""The site's folder: where it may be, its manifest, and writing only what changed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pmops.errors import InvalidInput, PmopsError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from pmops.site.snapshot import Snapshot

MANIFEST = ".pmops-site.json"  # what the last build wrote: a folder holding it is a pmops site
LOCK = ".pmops-site.lock"  # held by the build writing the folder, or indexing it
WAIT = 600  # seconds a build waits for another one of the same folder to end
DEFAULT = "_site"  # inside the KB: a folder pmops never reads documents from (kb.tree.SKIP_DIRS)
VERSION = 6


@dataclass
class Manifest:
    """As the last build wrote them: each page's hash, the key of what it showed and the files
    it links to; each published file's size and time."""

    pages: dict[str, str] = field(default_factory=dict)
    assets: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    uses: dict[str, list[str]] = field(default_factory=dict)  # page -> the files of the KB it links to or shows
    # what the keys were computed from: the KB's kept records (their generation) and the site's state
    built_from: dict[str, str] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)  # an old URL (a document renamed) -> its page now
    asked: dict[str, list[str]] = field(default_factory=dict)  # page -> files it asked for and did not have

    @classmethod
    def read(cls, out: Path) -> Manifest | None:
        """The manifest of a previous build (None: there was none, or it is not pmops'; empty:
        one of another version of pmops, whose pages are all rendered again)."""
        try:
            data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or "pmops_site" not in data:
            return None
        if data.get("pmops_site") != VERSION:
            return cls()
        names = ("pages", "assets", "keys", "uses", "built_from", "redirects", "asked")
        return cls(*[data.get(k) if isinstance(data.get(k), dict) else {} for k in names])

    def announcing(self, urls: list[str]) -> Manifest:
        """This manifest naming pages about to be written for the first time (without a hash, and no longer
        built from anything): written before them, so that the next build removes those a stopped build left
        and the site no longer has, and writes the others again."""
        return Manifest({**{url: "" for url in urls}, **self.pages}, self.assets, self.keys, self.uses, {},
                        self.redirects, self.asked)  # fmt: skip

    def write(self, out: Path) -> None:
        data = {"pmops_site": VERSION, "pages": self.pages, "assets": self.assets, "keys": self.keys, "uses": self.uses,
                "built_from": self.built_from, "redirects": self.redirects, "asked": self.asked}  # fmt: skip
        _replace(out / MANIFEST, json.dumps(data, separators=(",", ":")).encode("utf-8"))


def target(kb: Snapshot, given: Path | None, held: ExitStack) -> tuple[Path, Manifest]:
    """The folder to build into, held (`locked`, until `held` closes), and the previous build's manifest as
    the build that held it before left it (empty for a new folder).

    Refused, with nothing written: a folder of the KB pmops reads documents from (the site's
    pages would sit among them, and the KB's root is one), a file, and a folder that holds
    anything but a previous pmops site (a build removes pages it no longer has).
    """
    out = Path(os.path.abspath(given if given is not None else kb.root / DEFAULT))
    shown = str(given) if given is not None else DEFAULT
    real = Path(os.path.realpath(out))
    if real == kb.root or kb.root.is_relative_to(real):
        raise InvalidInput(f"--out {shown}: holds the knowledge base; the site needs a folder of its own",
                           hint=f"the default is {DEFAULT}/ inside the KB, which pmops never reads documents from")  # fmt: skip
    if real.is_relative_to(kb.root) and kb.is_document(real.relative_to(kb.root).as_posix() + "/x.md"):
        raise InvalidInput(f"--out {shown}: is among the knowledge base's documents; pmops would read the site's folder as part of the KB",
                           hint=f"use {DEFAULT}/ (the default), a folder starting with '.', or a folder outside the KB")  # fmt: skip
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"--out {shown}: is a file, not a folder")
    for parent in real.parents:
        if (parent / MANIFEST).is_file():
            raise InvalidInput(f"--out {shown}: is inside the pmops site in {parent}; that site would publish and search this one as pages of its own",
                               hint="give a folder outside any other site")  # fmt: skip
    if out.is_dir() and not (out / MANIFEST).is_file() and any(out.iterdir()):
        raise InvalidInput(f"--out {shown}: is not empty and holds no pmops site; nothing written",
                           hint="give an empty or new folder: a rebuild removes pages the site no longer has")  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    held.enter_context(locked(out))
    previous = Manifest.read(out)  # (read once held: another build may have written it meanwhile)
    if previous is None and (out / MANIFEST).is_file():  # (a manifest of another version is a site: empty)
        raise InvalidInput(f"--out {shown}: its manifest ({MANIFEST}) cannot be read; nothing written",
                           hint=f"delete the folder to build the site again from scratch: rm -r {shown}")  # fmt: skip
    if (
        previous is None
    ):  # a new site: marked as pmops' before any page, so a build that fails midway is no stranger's folder
        Manifest().write(out)
    return out, previous or Manifest()


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """The folder held by one build at a time (`pmops site build`, the preview's builds and its indexing): a
    second waits for the first to end, up to WAIT seconds."""
    from filelock import FileLock, Timeout

    lock = FileLock(os.fspath(out / LOCK))
    try:
        lock.acquire(timeout=WAIT)
    except Timeout:
        raise PmopsError(f"another build of {out} has held it for {WAIT // 60} minutes; nothing written",
                         hint=f"let it end, or stop it, then build again (its lock: {out / LOCK})") from None  # fmt: skip
    try:
        yield
    finally:
        lock.release()


def missing(out: Path, urls: Iterable[str]) -> set[str]:
    """The pages the last build wrote that are no longer there (deleted by hand). Each folder's files are
    listed once (10,844 pages: a listing of each of their folders instead of 10,844 stats, 12 ms against 38 ms)."""
    listed: dict[str, set[str]] = {}
    gone = set()
    for url in urls:
        folder, _, name = url.rpartition("/")
        if folder not in listed:
            try:
                with os.scandir(os.path.join(out, folder)) as entries:
                    listed[folder] = {e.name for e in entries if e.is_file()}
            except OSError:
                listed[folder] = set()
        if name not in listed[folder]:
            gone.add(url)
    return gone


@dataclass
class Written:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_page(out: Path, url: str, data: bytes, before: Manifest) -> tuple[str, bool]:
    """The page's hash, and whether it was written (its bytes are not those of the last build)."""
    digest = sha(data)
    path = out / url
    if before.pages.get(url) == digest and path.is_file():
        return digest, False
    _write(path, data)
    return digest, True


def copy_asset(kb: Snapshot, out: Path, rel: str, before: Manifest, after: Manifest, done: Written) -> None:
    """A file of the KB the pages link to (an image, a PDF), copied when it changed (size and time)."""
    source = kb.root / rel
    st = source.stat()
    stamp = f"{st.st_size}:{st.st_mtime_ns}"
    after.assets[rel] = stamp
    path = out / rel
    if before.assets.get(rel) == stamp and path.is_file():
        done.unchanged += 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".pmops-tmp")
    shutil.copyfile(source, temp)
    os.replace(temp, path)
    done.written.append(rel)


def remove_stale(out: Path, before: Manifest, after: Manifest, done: Written) -> None:
    """The pages and files the previous build wrote that this one does not have (nothing else)."""
    for rel in sorted((set(before.pages) - set(after.pages)) | (set(before.assets) - set(after.assets))):
        path = out / rel
        if not path.resolve().is_relative_to(out.resolve()):
            continue  # a manifest naming a path out of the site: not ours to remove
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        done.removed.append(rel)
        parent = path.parent
        while parent != out and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def _write(path: Path, data: bytes) -> None:
    """A page written whole: one that was there is replaced (a reader, or the preview server, never sees
    half of one); a new one is written in place, in one call, as a temporary file and its rename cost
    twice as much on a journalled disk (10,844 new pages: 1.9–4.5 s against 0.5–1.7 s, two processes).
    A new page left unfinished (the build stopped) is not in the manifest: the next build replaces it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        _replace(path, data)
        return
    try:
        with open(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _replace(path: Path, data: bytes) -> None:
    """A file replaced whole: written beside it, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".pmops-tmp")
    temp.write_bytes(data)
    os.replace(temp, path)
