"""Links between documents: by id (front-matter fields, `[[id]]`) and by path (markdown links),
and the one resolver that says which file a path link reaches.

(Over 400 lines: the one resolver of links, used by lint, mv, show, the site and the report alike;
its cases — ids, paths, anchors, foreign handbook pages — are one decision.)
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from pmops import bodies
from pmops.errors import DocumentError

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase, Record

_WIKI = re.compile(r"\[\[([^\]|#\n]+)(?:[|#][^\]\n]*)?\]\]")
# A link's destination: <in angle brackets>, or text without spaces where a template tag
# (`{{ site.baseurl }}`, `{% link x.md %}`) may hold some.
_DEST = r"(<[^>\n]*>|(?:\{[{%].*?[%}]\}|[^)\s])+)"
_MD_LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(\s*" + _DEST + r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*" + _DEST + r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*" + _DEST + r"(?:\s|$)")  # [label]: destination

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # https:, mailto:, tel: …
# What a site generator puts before a site path: Jekyll's {{ site.baseurl }} (and its misspellings,
# which render empty, as an empty baseurl does), `{{ "/x/" | relative_url }}` (Jekyll) or `| url`
# (Eleventy); `{% link path %}` (Jekyll: a source file from the site's root; 18F's Eleventy
# shortcode: a site path), `{% page "x/" %}` (18F's: a site path) and other one-argument tags
# given a site path (`{% ref "/x/" %}`);
# Hugo's `{{< ref "x" >}}` and `relref` (from the page, else from the content root).
_BASEURL = re.compile(r"^\{\{-?\s*[\w.]*base_?(?:url|path)\s*-?\}\}", re.IGNORECASE)
_FILTERED = re.compile(r"""^\{\{-?\s*(["'])([^"']*)\1\s*\|\s*(?:relative_url|absolute_url|url)\s*-?\}\}$""")
_TAG = re.compile(r"""^\{%-?\s*(\w+)\s+(["']?)([^"'\s%]+)\2\s*-?%\}$""")
_HUGO_REF = re.compile(r"""^\{\{[<%]\s*(?:rel)?ref\s+(["']?)([^"'\s]+)\1\s*[>%]\}\}$""")

INDEX_NAMES = ("index.md", "README.md", "readme.md", "_index.md")  # a folder's page, by generator
URL_KEYS = ("permalink", "url", "redirect_from", "aliases")  # front-matter that gives a page (another) site path
_NOTED_KEYS = frozenset((*URL_KEYS, "slug"))


@dataclass(frozen=True)
class Link:
    """One link out of a document: to an id (`field` names where), or by path (`target` is the
    destination as written, e.g. `../guide/#steps` or `{{ site.baseurl }}/tools/`)."""

    target: str
    via: str  # a front-matter field name, or "text"
    line: int | str  # the body line, or the field name (looked up only when needed)
    by_id: bool = True


@dataclass(frozen=True)
class Destination:
    """Where a path link points, anchor and query left out: a path relative to the page, or a
    site path (`site`: from the site's root, e.g. `/tools/slack/`); `either`: relative first."""

    path: str
    site: bool = False
    either: bool = False

    def shown(self, source: str) -> str:
        """The destination as a finding names it: a site path, or the KB path it was read as."""
        if self.site:
            return "/" + self.path.lstrip("/")
        return normal(posixpath.join(posixpath.dirname(source), self.path))


def destination(written: str) -> Destination | None:
    """The KB path a link's destination names, or None when it names none: a URL, an anchor
    of the same page, or a template expression pmops cannot read."""
    text = written.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    either = False
    if text.startswith("{"):
        if m := _BASEURL.match(text):
            text = "/" + text[m.end() :].lstrip("/")
        elif m := _FILTERED.match(text):
            text = m.group(2)
        elif m := _HUGO_REF.match(text):
            text, either = m.group(2), not m.group(2).startswith("/")
        elif m := _TAG.match(text):
            name, argument = m.group(1), m.group(3)
            if name in ("link", "page") and not _SCHEME.match(argument):
                text = "/" + argument.lstrip("/")
            elif argument.startswith("/") and not argument.startswith("//"):
                text = argument
            else:
                return None  # another tag's argument (a download, an include): not a page
        else:
            return None
    if _SCHEME.match(text) or text.startswith("//") or "{" in text:
        return None
    path = unquote(text.split("#", 1)[0].split("?", 1)[0])
    if not path:
        return None  # `#anchor` (or `?query`) of the page itself
    return Destination(path, site=path.startswith("/"), either=either)


def outgoing(record: Record) -> Iterator[Link]:
    """Every link of a document: reference fields, `[[id]]`, and markdown links to paths
    (inline and reference definitions; URLs, anchors and images are not links to documents)."""
    for fld in record.doctype.fields:
        if fld.is_reference:
            for target in fld.references(record.values.get(fld.name)):
                yield Link(target, fld.name, fld.name)
    for number, line in bodies.prose(record.doc.body, record.doc.body_line):
        for m in _WIKI.finditer(line):
            yield Link(m.group(1).strip(), "text", number)
        written = [m.group(1) for m in _MD_LINK.finditer(line)]
        if m := _REFERENCE.match(line):
            written.append(m.group(1))
        for target in written:
            if destination(target) is not None:
                yield Link(target, "text", number, by_id=False)


def images(record: Record) -> Iterator[Link]:
    """The images a document's body shows from the KB (`![alt](img/x.png)`, `![alt](/img/x.png)`),
    as links by path (`via` "image"); images from elsewhere (a URL) are not the KB's."""
    for number, line in bodies.prose(record.doc.body, record.doc.body_line):
        if "![" not in line:
            continue
        for m in _MD_IMAGE.finditer(line):
            if destination(m.group(1)) is not None:
                yield Link(m.group(1), "image", number, by_id=False)


_HTML_HREF = re.compile(
    r"""<a\s(?:[^>"']|"[^"]*"|'[^']*')*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I
)


def html_links(record: Record) -> Iterator[Link]:
    """The links of a document's raw HTML (`<a href="…">`, as the site renders it) to paths; the
    site publishes them as it does markdown links (lint looks at markdown links only)."""
    import html

    for number, line in bodies.prose(record.doc.body, record.doc.body_line):
        if "<a" not in line and "<A" not in line:
            continue
        for m in _HTML_HREF.finditer(line):
            target = html.unescape(next(g for g in m.groups() if g is not None))
            if destination(target) is not None:
                yield Link(target, "text", number, by_id=False)


def normal(path: str) -> str:
    """`a/b/../c.md` → `a/c.md` (kept relative to the KB; may start with '..')."""
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == ".." and parts and parts[-1] != "..":
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def _site_key(path: str) -> str:
    """A site path as compared: no slashes around it, `x.html` and `x/index.html` as `x`."""
    key = normal(unquote(path.strip()))
    for suffix in (".html", ".htm"):
        key = key.removesuffix(suffix)
    if key == "index" or key.endswith("/index"):
        key = key[:-5].rstrip("/")
    return key


def site_roots(source: str) -> list[str]:
    """The folders a site path (`/img/x.png`) of the page at `source` is read from, nearest first."""
    return list(_folders(source))


def _folders(source: str) -> Iterator[str]:
    """The folders a site path of `source` may be read from, nearest first: its own folder up
    to the KB's root (a handbook dropped into a folder of the KB has its site's root there)."""
    folder = posixpath.dirname(source)
    while folder:
        yield folder
        folder = posixpath.dirname(folder)
    yield ""


class Resolver:
    """Which file of the KB a path link reaches, read as the static site generators that publish
    handbooks serve pages (Jekyll, Hugo, Eleventy, MkDocs) and as GitHub shows the files:

    - a relative link is read from the page's folder (GitHub, MkDocs), and from the page's own
      pretty URL (`guide.md` is served at `guide/`, so `guide.md`'s `steps/` is `guide/steps.md`),
      or from the URL it declares (`permalink`);
    - `x` and `x/` are `x.md`, `x/index.md`, `x/README.md`, `x/_index.md` or `x/x.md`; `x.html` is `x.md`;
    - a site path (`/x/y/`) is read from the root of the page's site: a folder holding the page
      (the KB's root included), nearest first; there it is a file, or the site path a page
      declares in `permalink`, `url`, `redirect_from` or `aliases` (or Hugo's `slug`);
    - a folder with no page of its own is the last reading (GitHub lists its files);
    - anchors and query strings are not part of the path.

    The KB's file list is read once; pages' front-matter only when a link needs it, and only of
    the pages not `note`d already (lint notes each page it reads).
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._documents: set[str] | None = None
        self._declared: dict[str, list[str]] = {}  # site path -> the pages declaring it
        self._own: dict[str, str] = {}  # a page -> its own site path (permalink or url)
        self._slugs: dict[str, str] = {}  # Hugo's slug: `folder/slug` -> the page
        self._noted: set[str] = set()
        self._complete = False

    @property
    def documents(self) -> set[str]:
        if self._documents is None:
            self._documents = {self.kb.rel(path) for path in self.kb.paths()}
        return self._documents

    def resolve(self, source: str, written: str) -> str | None:
        """The KB path a link of page `source` (KB-relative) reaches, or None when it is broken
        (or names nothing in the KB: see `destination`)."""
        dest = destination(written)
        if dest is None:
            return None
        if dest.site:
            return self._site(source, dest.path)
        found = self._relative(source, dest.path)
        if found is None and dest.either:
            found = self._site(source, dest.path)
        return found

    def note(self, path: str, meta: dict) -> None:
        """The site paths a page declares, from front-matter already read (a KB-relative path)."""
        if path in self._noted:
            return
        self._noted.add(path)
        if meta.keys().isdisjoint(_NOTED_KEYS):  # (most pages: nothing to note, told at C speed)
            return
        for key in URL_KEYS:
            values = meta.get(key)
            for value in values if isinstance(values, list) else [values]:
                if not isinstance(value, str) or not value.strip() or ":" in value or value.startswith("//"):
                    continue  # a URL elsewhere, or a pattern (`/:path/`), is no path of this site
                site = _site_key(value)
                self._declared.setdefault(site, []).append(path)
                if key in ("permalink", "url"):
                    self._own.setdefault(path, site)
        slug = meta.get("slug")
        if isinstance(slug, str) and slug.strip("/ ") and "/" not in slug.strip("/ "):
            self._slugs[normal(posixpath.join(posixpath.dirname(path), slug.strip("/ ")))] = path

    def _read_declared(self) -> None:
        """Every page's declared site paths: the pages not noted yet are read, once."""
        if self._complete:
            return
        self._complete = True
        for rel in sorted(self.documents - self._noted):
            try:
                self.note(rel, self.kb.read(self.kb.root / rel).meta)
            except (DocumentError, OSError):
                continue

    def _relative(self, source: str, path: str) -> str | None:
        folder = posixpath.dirname(source)
        bases = [folder]
        name = posixpath.basename(source)
        if name not in INDEX_NAMES and name != posixpath.basename(folder) + ".md":
            # `guide.md` is served at `guide/`: a pretty link (`x/`, `../`, `x`) is read from
            # there first, a link to a file (`x.md`, `x.html`) from the page's folder first.
            url = posixpath.join(folder, name.removesuffix(".md"))
            last = path.rstrip("/").rpartition("/")[2]
            bases.insert(0 if path.endswith("/") or "." not in last.strip(".") else 1, url)
        targets = [normal(posixpath.join(base, path)) for base in bases]
        if found := next(filter(None, map(self._file, targets)), None):
            return found
        self._read_declared()
        if found := next(filter(None, map(self._slug, targets)), None):
            return found
        own = self._own.get(source)  # a page's declared URL: a browser reads its links from there
        if own is not None and (found := self._site(source, posixpath.normpath(posixpath.join("/" + own + "/", path)))):
            return found
        return self._folder(normal(posixpath.join(folder, path)))  # as GitHub reads it

    def _site(self, source: str, path: str) -> str | None:
        key = _site_key(path)
        if key == ".." or key.startswith("../"):
            return None
        roots = list(_folders(source))
        for root in roots:
            if found := self._file(posixpath.join(root, key) if key else root, home=not key):
                return found
        self._read_declared()
        declared = sorted(self._declared.get(key, []))
        for root in roots:
            if found := next((page for page in declared if not root or page.startswith(root + "/")), None):
                return found
            if key and (found := self._slug(posixpath.join(root, key))):
                return found
        return next(filter(None, (self._folder(posixpath.join(root, key)) for root in roots)), None)

    def _file(self, rel: str, home: bool = False) -> str | None:
        """The file a path names as a generator serves it (see the class); `home`: the folder's
        own page only (a site's `/`)."""
        rel = rel.strip("/")
        if rel == ".." or rel.startswith("../"):
            return None
        documents = self.documents
        if rel in documents:
            return rel
        stem = _site_key(rel) if rel.endswith((".html", ".htm")) else rel
        candidates = [] if home or stem.endswith(".md") or not stem else [stem + ".md"]
        candidates += [f"{stem}/{name}" if stem else name for name in INDEX_NAMES]
        if stem and not home:
            candidates.append(f"{stem}/{posixpath.basename(stem)}.md")  # Eleventy: `x/x.md` is served at `x/`
        if found := next((c for c in candidates if c in documents), None):
            return found
        if rel and not rel.endswith(".md") and os.path.isfile(self.kb.root / rel) and self.kb.exists(rel):
            return rel  # any other file: an image, a PDF (one stat when there is none)
        return None

    def _slug(self, rel: str) -> str | None:
        """The page Hugo serves at `rel` because its `slug` renames it."""
        rel = rel.strip("/")
        return self._slugs.get(_site_key(rel) if rel.endswith((".html", ".htm")) else rel)

    def _folder(self, rel: str) -> str | None:
        """A folder with no page of its own: GitHub lists its files (the last reading tried)."""
        rel = rel.strip("/")
        if (
            rel
            and rel != ".."
            and not rel.startswith("../")
            and os.path.isdir(self.kb.root / rel)
            and self.kb.exists(rel)
        ):
            return rel
        return None


@dataclass
class Graph:
    """A document's outgoing links (with what they point to) and its backlinks."""

    outgoing: list[tuple[Link, Record | None]]  # (link, its target; None when broken)
    backlinks: list[tuple[Record, Link]]  # (the record linking here, its link)

    def to_json(self) -> dict:
        def brief(record: Record) -> dict:
            return {"id": record.id or record.path, "type": record.type, "title": record.title, "path": record.path}

        return {
            "outgoing": [{**(brief(r) if r else {"id": link.target, "type": None, "title": None, "path": None}),
                          "via": link.via, "broken": r is None} for link, r in self.outgoing],
            "backlinks": [{**brief(r), "via": link.via} for r, link in self.backlinks],
        }  # fmt: skip


def graph(kb: KnowledgeBase, record: Record) -> Graph:
    """Links out of `record` and into it (by id, or by path), reading every document once."""
    resolver = Resolver(kb)
    out = []
    for link in outgoing(record):
        target = None
        try:
            if link.by_id:
                target = kb.find(link.target)
                if target.id != link.target:
                    target = None  # a prefix of another id is not a link to it
            elif (path := resolver.resolve(record.path, link.target)) is not None:
                target = kb.load(kb.root / path)
        except Exception:
            target = None
        out.append((link, target))
    back = []
    for other in kb.records():
        if other.path == record.path:
            continue
        for link in outgoing(other):
            if link.by_id:
                if record.id and link.target == record.id:
                    back.append((other, link))
            elif resolver.resolve(other.path, link.target) == record.path:
                back.append((other, link))
    return Graph(out, back)


def moving(kb: KnowledgeBase, records: list[Record], old: str, new: str, meta: dict) -> tuple[Resolver, Resolver]:
    """Two resolvers for a move of the document `old` to `new` (KB-relative paths): the KB as it is,
    and as it will be (`new` in the file list with the front-matter `meta`, `old` gone), each with
    every record's declared site paths noted already (`records`: read once by the caller)."""
    before, after = Resolver(kb), Resolver(kb)
    after._documents = (before.documents - {old}) | {new}
    for record in records:
        before.note(record.path, record.doc.meta)
        if record.path != old:
            after.note(record.path, record.doc.meta)
    after.note(new, meta)
    return before, after


def retarget(record: Record, old: str, new: str, before: Resolver, after: Resolver) -> str | None:
    """The body of `record` with every link the move of `old` to `new` would break pointing where it
    pointed before, by the one resolver lint uses (`before`: the KB as it is, `after`: as it will be,
    see `moving`): inline links, `<angle brackets>`, reference definitions (`[ref]: ../x.md`), with
    an anchor, `./` or `../`, without `.md`, a pretty URL (`x/`), a site path (`/insights/x/`, after
    `{{ site.baseurl }}`), and raw HTML's `<a href="…">` the site publishes. A link is written as it was with the new file name in place of the old,
    else as a plain relative path; anchors, titles and everything else are kept. `record` may be the
    moved document itself (its links are then read from `new`). None when no link needs a change.
    Only lines a reader sees are looked at (as `outgoing` does), and only the links' targets change.
    Links by id (`[[id]]`, reference fields) never change: the id stays."""
    source = new if record.path == old else record.path
    lines = record.doc.body.splitlines(keepends=True)
    seen = {index for index, _ in bodies.prose(record.doc.body)}
    changed = False

    def moved(written: str) -> str | None:
        """The target to write instead of `written`, when the move would break it."""
        if destination(written) is None:
            return None
        reached = before.resolve(record.path, written)
        if reached is None:
            return None  # broken already: not this move's to mend
        wanted = new if reached == old else reached
        if after.resolve(source, written) == wanted:
            return None
        return next(
            (c for c in _respelled(written, old, new, source, wanted) if after.resolve(source, c) == wanted), None
        )

    def swap(m: re.Match[str]) -> str:
        nonlocal changed
        new_target = moved(m.group(1))
        if new_target is None:
            return m.group(0)
        changed = True
        start, end = m.span(1)
        whole = m.group(0)
        base = m.start()
        return whole[: start - base] + new_target + whole[end - base :]

    def href(m: re.Match[str]) -> str:
        nonlocal changed
        group = next(i for i in (1, 2, 3) if m.group(i) is not None)
        if "&" in m.group(group) or (new_target := moved(m.group(group))) is None:
            return m.group(0)  # an entity in it: left as written
        changed = True
        start, end = m.start(group) - m.start(), m.end(group) - m.start()
        return m.group(0)[:start] + new_target + m.group(0)[end:]

    for index in sorted(seen):
        if index >= len(lines):
            continue
        line = lines[index]
        if (m := _REFERENCE.match(line)) and (new_target := moved(m.group(1))) is not None:  # [ref]: ../x.md
            lines[index] = line[: m.start(1)] + new_target + line[m.end(1) :]
            changed = True
        else:
            lines[index] = _MD_LINK.sub(swap, line)
        if "<a" in lines[index] or "<A" in lines[index]:  # raw HTML the site publishes: `<a href="x.md">`
            lines[index] = _HTML_HREF.sub(href, lines[index])
    return "".join(lines) if changed else None


def _respelled(written: str, old: str, new: str, source: str, wanted: str) -> Iterator[str]:
    """Ways to write a link to `wanted` from `source`, the way `written` was written first: the old
    file name's stem replaced by the new one (as written, or percent-encoded), then a plain path
    relative to the page's folder (`./` kept); the anchor or query, and angle brackets, kept."""
    angled = written.strip().startswith("<") and written.strip().endswith(">")
    text = written.strip()[1:-1] if angled else written.strip()
    path, mark, rest = _split_target(text)
    tail = mark + rest
    old_stem, new_stem = posixpath.basename(old).removesuffix(".md"), posixpath.basename(new).removesuffix(".md")
    for was, now in ((old_stem, new_stem), (quote(old_stem), quote(new_stem))):
        at = path.rfind(was)
        if at >= 0:
            yield _angled(path[:at] + now + path[at + len(was) :] + tail, angled)
    relative = posixpath.relpath(wanted, posixpath.dirname(source) or ".")
    if path.startswith("./") and not relative.startswith("."):
        relative = "./" + relative
    if "%" in path:
        relative = quote(relative)
    yield _angled(relative + tail, angled or " " in relative)


def _angled(target: str, angled: bool) -> str:
    return f"<{target}>" if angled else target


def _split_target(written: str) -> tuple[str, str, str]:
    """`a.md#x` → ('a.md', '#', 'x'); the path, then what follows it (an anchor or a query)."""
    cut = min((i for i in (written.find("#"), written.find("?")) if i >= 0), default=-1)
    return (written, "", "") if cut < 0 else (written[:cut], written[cut], written[cut + 1 :])


def rewritten(
    record: Record, change: Callable[[Link], str | None], title: Callable[[str], str | None] | None = None
) -> str:
    """The body of `record` with each of its links given the destination `change` says (the site's
    URL of the page it reaches): markdown links (inline and reference definitions) by path, and
    `[[id]]` links as markdown links (their text: `title(id)`, when given, else the id); None: the
    link's text alone (a page that is not there).
    Only lines a reader sees are looked at, as `outgoing` does; anchors are the caller's to keep."""
    lines = record.doc.body.splitlines(keepends=True)
    seen = sorted(index for index, _ in bodies.prose(record.doc.body))

    def inline(m: re.Match[str]) -> str:
        if destination(m.group(1)) is None:
            return m.group(0)
        new = change(Link(m.group(1), "text", 0, by_id=False))
        whole = m.group(0)
        if new is None:
            return whole[1 : whole.index("]")]
        start, end = m.start(1) - m.start(), m.end(1) - m.start()
        return whole[:start] + new + whole[end:]

    def wiki(m: re.Match[str]) -> str:
        target = m.group(1).strip()
        label = m.group(0)[2:-2].split("|", 1)[1] if "|" in m.group(0) else (title and title(target)) or target
        new = change(Link(target, "text", 0))
        return f"[{label}]({new})" if new is not None else label

    for index in seen:
        if index >= len(lines):
            continue
        line = lines[index]
        if (m := _REFERENCE.match(line)) and destination(m.group(1)) is not None:
            new = change(Link(m.group(1), "text", 0, by_id=False))
            line = line[: m.start(1)] + (new if new is not None else "#") + line[m.end(1) :]
        elif "](" in line or "[[" in line:
            line = _WIKI.sub(wiki, _MD_LINK.sub(inline, line))
        lines[index] = line
    return "".join(lines)


def resolved(
    kb: KnowledgeBase, records: list[Record], links_of: Callable[[Record], list[Link]] | None = None
) -> dict[str, list[tuple[Link, str | None]]]:
    """Every record's links with the KB path each reaches (None: broken), by the record's path:
    `graph`'s resolution (an exact id, or `Resolver` for a path), for all documents at once
    (`links_of`: each record's `outgoing` links, when the caller keeps them)."""
    links_of = links_of or (lambda record: list(outgoing(record)))
    resolver = Resolver(kb)
    by_id = {doc_id: r.path for r in records if (doc_id := r.id)}
    for record in records:
        resolver.note(record.path, record.doc.meta)
    found: dict[str, list[tuple[Link, str | None]]] = {}
    for record in records:
        path = record.path
        found[path] = [
            (link, by_id.get(link.target) if link.by_id else resolver.resolve(path, link.target))
            for link in links_of(record)
        ]
    return found
