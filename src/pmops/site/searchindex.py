"""The site's search index: Pagefind run over the built pages, its bundle swapped in whole."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from pmops.errors import PmopsError

BUNDLE = "pagefind"  # the folder of the site the index and Pagefind's search UI are served from
_NEW, _OLD = ".pagefind-new", ".pagefind-old"
INSTALL = "pip install 'pagefind[bin]', or set PAGEFIND_BINARY_PATH"


@dataclass(frozen=True)
class SearchIndex:
    """What indexing did: `skipped` says why there is no new index; `unchanged`: no page changed,
    the last build's index holds."""

    pages: int = 0
    seconds: float = 0.0
    skipped: str | None = None
    unchanged: bool = False

    @property
    def indexed(self) -> bool:
        return self.skipped is None and not self.unchanged

    def to_json(self) -> dict[str, object]:
        return {"indexed": self.indexed, "unchanged": self.unchanged, "pages": self.pages,
                "seconds": round(self.seconds, 3), "skipped": self.skipped}  # fmt: skip


UNCHANGED = SearchIndex(unchanged=True)


def binary() -> Path | None:
    """Pagefind's binary: $PAGEFIND_BINARY_PATH, the one `pagefind[bin]` installed, or one on PATH."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    try:
        found = get_executable()
    except FileNotFoundError:  # pagefind_bin installed without its binary (another platform's wheel)
        return None
    return found if found is not None and found.is_file() and os.access(found, os.X_OK) else None


PENDING = ".pmops-search-pending"  # beside the site's manifest: its pages changed since its index was built


def indexed(out: Path) -> bool:
    """Whether the site in `out` has a search index of its pages as they are (a build that changed no
    page keeps it; one whose indexing failed or was stopped left PENDING, and the next build indexes)."""
    return (out / BUNDLE / "pagefind-entry.json").is_file() and not (out / PENDING).exists()


def build(out: Path) -> SearchIndex:
    """Index every page of the site in `out` (Pagefind reads `data-pagefind-body` and its
    `data-pagefind-filter`s) into `out/pagefind/`; result URLs keep their `index.html`, as the
    site's own links do. The new bundle is written beside the old one and
    swapped in when complete, so a site being served keeps a working search meanwhile.
    Without the binary nothing happens and the result says why."""
    found = binary()
    if found is None:
        if not (out / BUNDLE / "pagefind-entry.json").is_file():
            return SearchIndex(skipped=f"Pagefind's binary was not found ({INSTALL}); the site has no search box")
        (out / PENDING).touch()  # the pages changed: the next build with the binary indexes them again
        return SearchIndex(skipped=f"Pagefind's binary was not found ({INSTALL}); the search box keeps the last "
                                   "index, which misses this build's changes until a build with it")  # fmt: skip
    started = time.perf_counter()
    (out / PENDING).touch()  # until the new index is in place: a failure or a kill leaves it to the next build
    new, old = out / _NEW, out / _OLD
    for leftover in (new, old):  # a killed build's
        shutil.rmtree(leftover, ignore_errors=True)
    done = subprocess.run(
        [str(found), "--site", str(out), "--output-path", str(new), "--keep-index-url", "--silent"],
        capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    if done.returncode != 0 or not (new / "pagefind-entry.json").is_file():
        shutil.rmtree(new, ignore_errors=True)
        said = (done.stderr.strip() or done.stdout.strip() or f"exit status {done.returncode}").splitlines()[-1]
        raise PmopsError(f"the search index was not built: pagefind says: {said}",
                         hint="the pages are built; run the build again, or report the message above")  # fmt: skip
    entry = json.loads((new / "pagefind-entry.json").read_text(encoding="utf-8"))
    pages = sum(language.get("page_count", 0) for language in entry.get("languages", {}).values())
    current = out / BUNDLE
    if current.exists():
        current.rename(old)
    new.rename(current)
    (out / PENDING).unlink(missing_ok=True)
    shutil.rmtree(old, ignore_errors=True)
    return SearchIndex(pages=pages, seconds=time.perf_counter() - started)
