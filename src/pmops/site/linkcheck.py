"""The links of a built site checked where they land: every href and src of every HTML page (and a
redirect's meta refresh) that stays inside the site must reach a file of the site (and an anchor, an
element of its page)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# The attributes that make a browser go or fetch somewhere, by element.
_URL_ATTRS = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "form": ("action",),
    "use": ("href", "xlink:href"),
    "image": ("href", "xlink:href"),
}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_REFRESH = re.compile(
    r"^\s*\d+\s*[;,]\s*url\s*=\s*(.+)$", re.IGNORECASE
)  # <meta http-equiv="refresh" content="0; url=X">


@dataclass(frozen=True)
class BrokenLink:
    """A link of a page (`page`: its path in the site, `/` separated) that leads nowhere in the site."""

    page: str
    url: str  # as the page has it
    reason: str  # "no such file", "no such anchor", "outside the site"

    def __str__(self) -> str:
        return f"{self.page}: {self.url} ({self.reason})"


class _Page(HTMLParser):
    """The URLs a page points to and the anchors it offers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.anchors.add(values["id"] or "")
        if tag == "a" and values.get("name"):
            self.anchors.add(values["name"] or "")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":  # a redirect's: `0; url=X`
            found = _REFRESH.search(values.get("content") or "")
            if found:
                self.urls.append(found.group(1).strip().strip("'\""))
        for attr in _URL_ATTRS.get(tag, ()):
            value = values.get(attr)
            if value is None or not value.strip():
                continue
            if attr == "srcset":
                self.urls.extend(part.split()[0] for part in value.split(",") if part.split())
            else:
                self.urls.append(value.strip())

    handle_startendtag = handle_starttag


def check(out: Path, base_url: str | None = None, anchors: bool = True) -> list[BrokenLink]:
    """Every internal link of the site in `out` that does not resolve, page by page.

    A URL with a scheme (`https:`, `mailto:`, `data:`) or a host is external, unless it starts with
    `base_url` (the address the site is published at); a root-relative one (`/x/`) is read from
    the site's root (below `base_url`'s path when given). A folder stands for its `index.html`,
    as static hosts serve it. External links are not fetched.
    """
    return _Site(out, base_url, anchors).broken()


class _Site:
    def __init__(self, out: Path, base_url: str | None, anchors: bool) -> None:
        self.out = out
        self.base_url = base_url.rstrip("/") if base_url else None
        self.root_path = urlsplit(base_url).path.rstrip("/") + "/" if base_url else "/"
        self.anchors = anchors
        self.pages = {path.relative_to(out).as_posix(): path for path in sorted(out.rglob("*.html"))}
        self.parsed: dict[str, _Page] = {}

    def page(self, name: str) -> _Page:
        if name not in self.parsed:
            found = _Page()
            found.feed(self.pages[name].read_text(encoding="utf-8", errors="replace"))
            found.close()
            self.parsed[name] = found
        return self.parsed[name]

    def broken(self) -> list[BrokenLink]:
        found = []
        for name in self.pages:
            for url in dict.fromkeys(self.page(name).urls):
                reason = self.reason(name, url)
                if reason:
                    found.append(BrokenLink(name, url, reason))
        return found

    def reason(self, name: str, url: str) -> str | None:
        """Why `url` (on page `name`) leads nowhere in the site, or None when it lands."""
        if self.base_url and url.startswith(self.base_url):
            url = self.root_path + url[len(self.base_url) :].lstrip("/")
        elif url.startswith("//") or _SCHEME.match(url):
            return None  # another site's: not fetched (the CSP keeps the pages' own fetches home)
        parts = urlsplit(url)
        target = name  # `#anchor` or `?q=…`: this page
        if parts.path:
            if parts.path.startswith("/"):
                if not (parts.path + "/").startswith(self.root_path):
                    return "outside the site"
                joined = parts.path[len(self.root_path) :]
            else:
                joined = posixpath.join(posixpath.dirname(name), parts.path)
            target = posixpath.normpath(unquote(joined)) if joined else "."
            if target == ".." or target.startswith("../"):
                return "outside the site"
            reached = self.file(target, parts.path.endswith("/"))
            if reached is None:
                return "no such file"
            target = reached
        wanted = unquote(parts.fragment) if self.anchors and target in self.pages else ""
        if wanted and wanted not in self.page(target).anchors:
            return "no such anchor"
        return None

    def file(self, target: str, folder: bool) -> str | None:
        """The site file a path reaches (a folder: its index.html), or None."""
        path = self.out / target if target != "." else self.out
        if not folder and path.is_file():
            return target
        if path.is_dir() and (path / "index.html").is_file():
            return posixpath.normpath(posixpath.join(target, "index.html"))
        return None
