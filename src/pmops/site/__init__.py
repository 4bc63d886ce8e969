"""The knowledge base as a static website (`pmops site build`): every document a page, index
pages, the report's dashboard as the home page; self-contained, relative links, incremental.

Its parts:
  snapshot.py  the KB read once as the site publishes it (personal data redacted, `site.exclude` out)
  pages.py     the site's computations, its URLs, and the list of its pages
  views.py     each kind of page's context, rendered with the templates under templates/site/
  markdown.py  a body as HTML (markdown-it-py)
  output.py    the site's folder: refusals, the manifest, writing only what changed
  linkcheck.py a built site's links checked where they land (its tests, a CI job)
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmops.errors import InvalidInput

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase

__all__ = ["Result", "build"]


@dataclass
class Result:
    """What a build did: the pages (and files) it wrote, left as they were, and removed."""

    out: Path
    pages: int
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    excluded: int = 0
    unreadable: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"out": str(self.out), "pages": self.pages, "written": len(self.written), "unchanged": self.unchanged,
                "removed": len(self.removed), "excluded": self.excluded, "unreadable": self.unreadable,
                "seconds": round(self.seconds, 3), "written_paths": self.written, "removed_paths": self.removed}  # fmt: skip


def check_base_url(base_url: str | None) -> str | None:
    if base_url is None:
        return None
    text = base_url.strip()
    if not text.startswith(("https://", "http://")) or len(text.split("://", 1)[1].strip("/")) == 0 or " " in text:
        raise InvalidInput(
            f"--base-url must be an http(s) URL, e.g. --base-url https://handbook.example.com/ (not '{base_url}')"
        )
    return text.rstrip("/") + "/"


def build(
    kb: KnowledgeBase, out: Path | None = None, *, base_url: str | None = None, today: dt.date | None = None
) -> Result:
    """Build the site into `out` (default: `_site/` in the KB), writing only the pages whose
    content changed since the last build there, and removing those it no longer has."""
    from pmops import templates
    from pmops.site import output
    from pmops.site.pages import CSS, Site
    from pmops.site.snapshot import Snapshot

    started = time.perf_counter()
    base_url = check_base_url(base_url)
    snapshot = Snapshot(kb.root, kb.config.site())
    folder, before = output.target(snapshot, out)
    site = Site(snapshot, today or dt.date.today(), base_url)
    after, done = output.Manifest(), output.Written()
    pages = site.pages()
    rendered = [(page.url, page.render().encode("utf-8")) for page in pages]  # all before the first write
    css = templates.render("site/site.css.j2", snapshot.root).encode("utf-8")
    for url, data in [*rendered, (CSS, css), (".nojekyll", b"")]:
        output.write_page(folder, url, data, before, after, done)
    for rel in sorted(site.assets):
        output.copy_asset(snapshot, folder, rel, before, after, done)
    output.remove_stale(folder, before, after, done)
    after.write(folder)
    return Result(folder, len(pages), done.written, done.unchanged, done.removed, len(snapshot.excluded),
                  [e.path for e in snapshot.unreadable], time.perf_counter() - started)  # fmt: skip
