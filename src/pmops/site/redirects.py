"""Pages at the URLs documents had before a rename (`pmops mv`): a bookmark or a link pasted in chat
to the old URL still reaches the document.

A document's id never changes and starts its file's name (`ins-261126-7kq2-old-title.md`), so an old
URL names the document it was: one the site had at its last build (its manifest), or one git's
history of the KB says was removed. Each such URL whose id is a document published elsewhere now
gets a small page sending the reader on: a meta refresh and a canonical link, no script, under the
pages' Content-Security-Policy. A page without an id (a handbook's) has none.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pmops import ids

if TYPE_CHECKING:
    from pmops.site.output import Manifest
    from pmops.site.pages import Site

TEMPLATE = "site/redirect.html.j2"


def id_of(url: str) -> str | None:
    """The document id a page's URL names (`insights/ins-261126-7kq2-title.html`), or None."""
    name = posixpath.basename(url).removesuffix(".html")
    found = ids.id_in_name(name)
    return found if ids.looks_like_id(found) and (name == found or name.startswith(found + "-")) else None


def old_urls(site: Site, before: Manifest) -> set[str]:
    """The URLs the site's documents may have had: the last build's pages and redirects, and the
    page of every document git's history says was removed (a fresh clone, as in CI, has no last build)."""
    from pmops import activity
    from pmops.site.pages import page_url

    found = {url for url in (*before.pages, *before.redirects) if url.endswith(".html")}
    removed: Iterable[str] = (e.path for e in activity.history(site.kb).events if e.action == "removed")
    found |= {page_url(path) for path in removed if path.endswith(".md")}
    return found


def redirects(site: Site, before: Manifest, pages: set[str]) -> dict[str, str]:
    """Old URL -> the page of the document it named, for every old URL that is no page of the site now."""
    from pmops.site.pages import page_url

    found = {}
    for url in sorted(old_urls(site, before) - pages):
        doc_id = id_of(url)
        record = site.by_id.get(doc_id) if doc_id else None
        if record is None or not _safe(url):
            continue
        target = page_url(record.path)
        if target != url:
            found[url] = target
    return found


def _safe(url: str) -> bool:
    """A URL a redirect page may be written at: inside the site, not hidden (a manifest could say anything)."""
    parts = url.split("/")
    return not url.startswith("/") and all(p and not p.startswith(".") for p in parts)


def render(site: Site, url: str, target: str) -> str:
    """The redirect page at `url`, sending the reader to the page `target` (both from the site's root)."""
    from pmops import templates
    from pmops.site.pages import CSP, relative

    record = site.by_id[id_of(url) or ""]
    here = relative(url, target)
    canonical = site.base_url.rstrip("/") + "/" + target if site.base_url else here
    return templates.render_html(TEMPLATE, site.kb.root, url=url, target=here, canonical=canonical,
                                 title=record.title, site_name=site.kb.config.name, csp=CSP)  # fmt: skip
