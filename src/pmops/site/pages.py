"""The site's pages: every document, the index pages, the home page; what each shows and its URL.

URLs mirror the KB: `insights/ins-….md` is `insights/ins-….html`, so a document's relative
images and files keep their paths. The site's own pages are under `browse/`, the home page is
`index.html`. Every link is relative (`root` leads from a page to the site's root), so the
site works from any folder, from a static host and from the file system.

(Over 400 lines: one short function per kind of page — a document, each index, the home page — and the
URL of each, kept together so that every link between pages is made by the same rules.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pmops import customers, ids, links
from pmops.doctypes import PAGE

if TYPE_CHECKING:
    from pmops.doctypes import DocType, Field
    from pmops.kb import Record
    from pmops.site.snapshot import Snapshot

BROWSE = "browse"
HOME = "index.html"
RECENT = 12  # pages a handbook's home lists as recently changed
CSS = "assets/site.css"
SEARCH_JS = "assets/search.js"  # the search box (templates/site/search.js), over Pagefind's bundle in pagefind/
# No request leaves the site: its own files only; Pagefind's search runs WebAssembly; pygal's
# charts carry their own <style>; charts and icons may be data: URLs.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-src 'none'"
)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SCRIPT = re.compile(r"<script.*?</script>", re.DOTALL)


_LITERAL_ID = re.compile(r"""\bid=["']([^"'{}\s]+)["']""")


@dataclass
class Page:
    """One page of the site: its URL (from the site's root), how to render it, and its key: a
    hash of everything it shows, cheap to compute — a page whose key is the last build's is
    not rendered again."""

    url: str
    render: Callable[[], str]
    key: Callable[[], str]


def page_url(path: str) -> str:
    """A document's page: its KB path with .html for .md (the root's index.md is index-page.html)."""
    url = path.removesuffix(".md") + ".html"
    return "index-page.html" if url == HOME else url


def root_of(url: str) -> str:
    """'../' as many times as the page is deep: from the page to the site's root."""
    return "../" * url.count("/")


def _slug(text: str) -> str:
    return ids.slugify(str(text)).lower() or "-"


_CHART_NAMES = {"intake": "Insights captured per week", "by_source": "Insights by source",
                "by_segment": "Insights by segment", "by_area": "Insights by area", "decisions": "Decisions per month"}  # fmt: skip


def stable_svg(svg: str, key: str, name: str | None = None) -> str:
    """A pygal chart that is the same bytes for the same data (its random id and dated comment
    would rewrite the page at every build), without its script (pygal's tooltips: not loaded);
    the ids of its legend are its own (every chart's are `activate-serie-N`, repeated on a page)."""
    svg = _SCRIPT.sub("", _COMMENT.sub("", svg))
    chart = f"c-{_slug(key)}"
    named = html.escape(name or _CHART_NAMES.get(key, key.replace("_", " ")), quote=False)
    svg = svg.replace("<title>Pygal</title>", f"<title>{named}</title>", 1)  # its accessible name, not the library's
    return _UUID.sub(chart, svg).replace('id="activate-serie-', f'id="{chart}-serie-')


@dataclass
class Site:
    """Everything the pages show, computed once from a snapshot of the KB."""

    kb: Snapshot
    today: dt.date
    base_url: str | None = None
    assets: set[str] = field(default_factory=set)  # KB paths of files (images, PDFs) the pages link to
    withheld: set[str] = field(default_factory=set)  # files of the KB they link to that are not published
    missing: set[str] = field(default_factory=set)  # files of the KB they show or link to that are not there
    _customer_urls: dict[str, str | None] = field(default_factory=dict)
    _faces: dict[str, str] = field(default_factory=dict)
    _layout_ids: dict[str, frozenset[str]] = field(default_factory=dict)
    _publishable: dict[str, bool] = field(default_factory=dict)
    spellings: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (tag or area, group) -> its spellings
    _named_by: dict[tuple[int, str], list[Field]] = field(default_factory=dict)

    # -- the documents and their links -----------------------------------------------------

    @cached_property
    def records(self) -> list[Record]:
        return self.kb.published()

    @cached_property
    def by_path(self) -> dict[str, Record]:
        return {r.path: r for r in self.records}

    @cached_property
    def by_id(self) -> dict[str, Record]:
        return {doc_id: r for r in self.records if (doc_id := r.id)}

    @cached_property
    def resolved(self) -> dict[str, list[tuple[links.Link, str | None]]]:
        """Each document's links and the KB path each reaches, as lint resolves them."""
        return links.resolved(self.kb, self.records, self.kb.links_of)

    @cached_property
    def backlinks(self) -> dict[str, list[tuple[Record, str]]]:
        """KB path -> the documents linking to it, and how (a field, or `text`)."""
        found: dict[str, dict[str, tuple[Record, str]]] = defaultdict(dict)
        for source, pairs in self.resolved.items():
            for link, target in pairs:
                if target is not None and target != source and target in self.by_path:
                    found[target].setdefault(source, (self.by_path[source], link.via))
        return {k: sorted(v.values(), key=lambda rv: (rv[0].type, rv[0].title.casefold())) for k, v in found.items()}

    @cached_property
    def folders(self) -> dict[str, str]:
        """Folders documents link to (no page of their own: GitHub lists their files) -> their page."""
        found = {}
        for pairs in self.resolved.values():
            for _, target in pairs:
                if target and target not in self.by_path and self.kb.is_dir(target):
                    found[target] = f"{target}/index.html"
        return found

    def layout_ids(self, doctype: str) -> frozenset[str]:
        """The ids a document's page of this type has outside its body (its templates' own, e.g.
        `main`, `search`, `backlinks`): a heading of the body never takes one of them."""
        if doctype not in self._layout_ids:
            from pmops import templates

            names = (
                "site/base.html.j2",
                "site/document.html.j2",
                "site/_macros.html.j2",
                f"site/doc-{doctype}.html.j2",
            )
            texts = [templates.source(name, self.kb.root) or "" for name in names]
            self._layout_ids[doctype] = frozenset(_LITERAL_ID.findall("\n".join(texts)))
        return self._layout_ids[doctype]

    def url_of(self, target: str, *, files: bool = True) -> str | None:
        """The site URL (from the root) of what a link reaches: a page, a folder's page, or a
        file published as it is; None when the site does not have it (left out, or a document
        that could not be read)."""
        if target in self.by_path:
            return page_url(target)
        if target in self.folders:
            return self.folders[target]
        if files and self.asset(target):
            return quote(target)
        return None

    def asset(self, path: str) -> bool:
        """Whether a KB file that is not a document is published beside the pages (and note it: a page's
        files, and those it asked for and did not have, are what a rebuild checks: `site.changed_files`)."""
        if path.endswith(".md"):
            return False
        if not self.kb.is_file(path):
            self.missing.add(path)
            return False
        if not self.publishable(path):
            self.withheld.add(path)  # the build says so: the page shows the link as its text
            return False
        self.assets.add(path)
        return True

    def changed_files(self, uses: dict[str, list[str]], asked: dict[str, list[str]]) -> set[str]:
        """The pages (of a last build: the files each showed or linked to, and those it asked for and did not
        have) whose files are not as they were: one gone or no longer published, or one there now."""

        def there(rel: str) -> bool:
            return self.kb.is_file(rel) and self.publishable(rel)

        return {url for url, rels in uses.items() if not all(map(there, rels))} | {
            url for url, rels in asked.items() if any(map(there, rels))
        }

    @cached_property
    def _tracked(self) -> set[str]:
        """The files git tracks in the KB, repository-relative (one `git ls-files`)."""
        return self.kb.tracked_files()

    def publishable(self, path: str) -> bool:
        """Whether a file of the KB a page links to may be copied onto the site: one git tracks (committed, or
        added), never one it does not (`credentials.yaml` it ignores, a file nobody added), a dot-file or one in a
        dot-folder (`.env`, `.git/config`), one in a folder pmops never reads documents from (`_site/`,
        `templates/`), nor one `site.exclude` leaves out (a draft's deck)."""
        found = self._publishable.get(path)
        if found is None:
            from pmops.kb.tree import SKIP_DIRS

            parts = path.split("/")
            found = not (
                any(p.startswith(".") for p in parts)
                or any(p in SKIP_DIRS for p in parts[:-1])
                or self.kb.settings.excludes(path, "")
            )
            if found and self.kb.repo is not None:
                found = self.kb.to_repo(path) in self._tracked
            self._publishable[path] = found
        return found

    def naming(self, doctype: DocType, target: str) -> list[Field]:
        """The fields of a type that name documents of `target` by name (`_naming`), once per type."""
        key = (id(doctype), target)  # (the site's types live as long as it does: an id is one type)
        found = self._named_by.get(key)
        if found is None:
            found = self._named_by[key] = _naming(doctype, target)
        return found

    def money(self, amount: float) -> str:
        """An amount in the KB's currency, as every page shows one ($24,000: `amounts.shown`)."""
        from pmops import amounts

        return amounts.shown(amount, self.kb.config.currency)

    def link(self, record: Record) -> dict[str, Any]:
        return {"text": record.title, "url": page_url(record.path), "type": record.type, "id": record.id}

    def id_link(self, ref: str) -> dict[str, Any]:
        found = self.by_id.get(ref)
        return self.link(found) if found else {"text": ref, "url": None}

    # -- groupings ------------------------------------------------------------------------

    @cached_property
    def _order(self) -> dict[str, int]:
        """Every document's place newest first (`newest`)."""
        return {r.path: n for n, r in enumerate(newest(self.records))}

    def newest_first(self, records: list[Record]) -> list[Record]:
        order = self._order
        return sorted(records, key=lambda r: order[r.path])

    @cached_property
    def _by_type(self) -> dict[str, list[Record]]:
        """Each type's documents, in path order."""
        found: dict[str, list[Record]] = defaultdict(list)
        for record in self.records:
            found[record.type].append(record)
        return dict(found)

    @cached_property
    def of_type(self) -> dict[str, list[Record]]:
        return {t: self.newest_first(rs) for t, rs in self._by_type.items()}

    def newest_of(self, type_name: str) -> list[Record]:
        """A type's documents newest first, as in `of_type`; before that is computed, only that type's are
        ordered (a rebuild after a changed body needs the metrics and the people, not every listing)."""
        if "of_type" in self.__dict__:
            return self.of_type.get(type_name, [])
        return newest(self._by_type.get(type_name, []))

    @cached_property
    def types(self) -> list[DocType]:
        """The types with documents, the registry's order, pages last."""
        order = [*self.kb.registry.values(), PAGE]
        return [t for t in order if t.name in self._by_type]

    def _grouped(self, kind: str, values: Callable[[Record], Iterable[str]]) -> dict[str, list[Record]]:
        """Each value's documents, one group per page: spellings whose page is one URL (`billing` and
        `Billing`, `product discovery` and `product-discovery`) are one group, named by the spelling
        most documents use (then the first in order), its other spellings in `spellings`."""
        found: dict[str, dict[str, list[Record]]] = defaultdict(dict)
        for record in self.records:
            for value in dict.fromkeys(values(record)):
                found[group_slug(value)].setdefault(value, []).append(record)
        grouped = {}
        for by_spelling in found.values():
            names = sorted(by_spelling, key=lambda v: (-len(by_spelling[v]), v.casefold(), v))
            records = list({r.path: r for v in names for r in by_spelling[v]}.values())
            grouped[names[0]] = self.newest_first(records)
            self.spellings[kind, names[0]] = names
        return {k: grouped[k] for k in sorted(grouped, key=lambda v: (v.casefold(), v))}

    @cached_property
    def tags(self) -> dict[str, list[Record]]:
        vocabulary = self.kb.taxonomy

        def tags(record: Record) -> Iterable[str]:
            for fld in record.doctype.fields:
                if fld.kind == "tags":
                    yield from (vocabulary.canonical(str(t)) for t in record.values.get(fld.name) or [])

        return self._grouped("tag", tags)

    @cached_property
    def areas(self) -> dict[str, list[Record]]:
        return self._grouped("area", lambda r: [str(r.values["area"])] if r.values.get("area") else [])

    @cached_property
    def register(self) -> Any:
        from pmops import accounts

        return accounts.register(self.kb)

    @cached_property
    def customers(self) -> dict[str, dict[str, Any]]:
        """Each customer (one key however written; a name of the register is its record) with the
        documents naming it in a field that refers to customers, newest first."""
        found = self._customers
        for entry in found.values():
            entry["documents"] = self.newest_first(entry["documents"])
        return dict(sorted(found.items(), key=lambda kv: kv[1]["name"].casefold()))

    @cached_property
    def _customers(self) -> dict[str, dict[str, Any]]:
        """`customers` before its documents are ordered: each one's URL (a page naming customers links to
        theirs) without ordering every customer's documents."""
        found: dict[str, dict[str, Any]] = {}
        if "customer" in self.kb.settings.types:  # customers left out of the site: no page about one
            return found
        for customer in self.register:
            if (key := customers.key(customer.name)) and customer.id in self.by_id:
                found[key] = {"name": customer.name, "record": self.by_id[customer.id], "documents": []}
        keys: dict[str, str | None] = {}
        for record in self.records:
            for fld in self.naming(record.doctype, "customer"):
                for name in _values(record.values.get(fld.name)):
                    if name not in keys:
                        known = self.register.get(name)
                        keys[name] = customers.key(known.name if known else name)
                    key = keys[name]
                    if not key:
                        continue
                    entry = found.setdefault(key, {"name": name, "record": None, "documents": []})
                    entry["documents"].append(record)
        for entry in found.values():
            entry["url"] = (
                page_url(entry["record"].path) if entry["record"] else f"{BROWSE}/customers/{_slug(entry['name'])}.html"
            )
        return found

    @cached_property
    def people(self) -> dict[str, dict[str, Any]]:
        """Each person of the roster, and each name a field that names people gives, with the
        documents naming them there (as `pmops person show` finds them)."""
        found: dict[str, dict[str, Any]] = {}
        if "person" in self.kb.settings.types:  # people left out of the site: no page about anyone
            return found
        for record in self.newest_of("person"):
            found[_fold(record.title)] = {"name": record.title, "record": record, "named_in": []}
        for record in self.records:
            for fld in self.naming(record.doctype, "person"):
                for name in _values(record.values.get(fld.name)):
                    entry = found.setdefault(_fold(name), {"name": name, "record": None, "named_in": []})
                    entry["named_in"].append((record, fld.name))
        for record in self.records:  # who captured it: theirs when they have a page (on the roster, or named)
            author = record.values.get("author")
            if isinstance(author, str) and (known := found.get(_fold(author))):
                known["named_in"].append((record, "author"))
        for entry in found.values():
            entry["url"] = (
                page_url(entry["record"].path) if entry["record"] else f"{BROWSE}/people/{_slug(entry['name'])}.html"
            )
        return dict(sorted(found.items(), key=lambda kv: kv[1]["name"].casefold()))

    def person_url(self, name: str) -> str | None:
        entry = self.people.get(_fold(name))
        return entry["url"] if entry else None

    def customer_url(self, name: str) -> str | None:
        if name not in self._customer_urls:
            known = self.register.get(name)
            entry = self._customers.get(customers.key(known.name if known else name) or "")
            self._customer_urls[name] = entry["url"] if entry else None
        return self._customer_urls[name]

    @cached_property
    def report(self) -> Any:
        from pmops.reports import model

        return model.build(self.kb, self.today)

    @cached_property
    def charts(self) -> dict[str, Any]:
        from pmops.reports import render

        drawn = render.charts(self.report)
        metrics = {
            k: stable_svg(v, k, self.by_id[k].title if k in self.by_id else None)
            for k, v in drawn.pop("metrics").items()
        }
        return {**{k: stable_svg(v, k) for k, v in drawn.items()}, "metrics": metrics}

    # -- the pages ---------------------------------------------------------------------------

    @cached_property
    def nav(self) -> list[tuple[str, str]]:
        items = [("Home", HOME)]
        items += [(t.plural.capitalize(), type_url(t)) for t in self.types]
        items += [
            ("Themes", f"{BROWSE}/themes.html"),
            ("Tags", f"{BROWSE}/tags.html"),
            ("Areas", f"{BROWSE}/areas.html"),
        ]
        return items

    # -- what each page shows, as a key -------------------------------------------------------

    @cached_property
    def _common(self) -> bytes:
        """What every page shows or depends on: pmops, the day, the settings and the taxonomy,
        the templates, the site's name, URL and navigation."""
        import pmops
        from pmops import templates

        parts = [pmops.__version__, self.today.isoformat(), self.base_url or "", repr(self.nav), self.kb.config.name]
        for name in ("pmops.yaml", "taxonomy.yaml"):
            try:
                parts.append(hashlib.sha256((self.kb.root / name).read_bytes()).hexdigest())
            except OSError:
                parts.append("")
        for folder in templates.search_path(self.kb.root):
            for path in sorted([*folder.glob("*.*"), *folder.glob("site/*")]):
                st = path.stat()
                parts.append(f"{path}:{st.st_mtime_ns}:{st.st_size}")
        return "\0".join(parts).encode()

    def _key(self, *parts: str) -> str:
        digest = hashlib.sha256(self._common)
        digest.update("\0".join(parts).encode())
        return digest.hexdigest()

    def face(self, record: Record) -> str:
        """What other pages show of a document (its path, title and front-matter, not its body), as a hash."""
        found = self._faces.get(record.path)
        if found is None:
            text = f"{record.path}\1{record.title}\1{record.doc.frontmatter}"
            found = self._faces[record.path] = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
        return found

    @cached_property
    def state(self) -> str:
        """What every page's key holds besides the documents: `_common` and the metrics' values
        files. A build whose state and documents' front-matter are the last build's can keep that
        build's keys for every page but those of the documents whose body changed."""
        stamps = [self.values_stamp(r) for r in self.newest_of("metric")]
        if self.kb.repo is not None:  # what git tracks: a file it links to published, or no longer
            stamps.append(hashlib.sha256("\0".join(sorted(self._tracked)).encode()).hexdigest())
        return hashlib.sha256(self._common + "\0".join(stamps).encode()).hexdigest()

    def values_stamp(self, record: Record) -> str:
        """A metric's values file, by size and time (pages show its values)."""
        from pmops import metrics

        try:
            st = metrics.values_path(self.kb, record).stat()
        except OSError:
            return ""
        return f"{st.st_mtime_ns}:{st.st_size}"

    def document_key(self, record: Record) -> str:
        faces = [self.face(self.by_path[t]) for _, t in self.resolved.get(record.path, []) if t in self.by_path]
        # a file it links to: whether it is there and published (added to git, ignored, left out) changes the page
        faces += [f"{t}\1{self.publishable(t) and self.kb.is_file(t)}" for _, t in self.resolved.get(record.path, [])
                  if t is not None and t not in self.by_path and not t.endswith(".md")]  # fmt: skip
        faces += [f"{self.face(r)}\1{via}" for r, via in self.backlinks.get(record.path, [])]
        faces += [self.face(r) for r in self._shown_with(record)]
        names = [
            f"{self.person_url(n)}"
            for f in self.naming(record.doctype, "person")
            for n in _values(record.values.get(f.name))
        ]
        if isinstance(author := record.values.get("author"), str):  # linked to their page when they have one (views)
            names.append(f"author\1{self.person_url(author)}")
        names += [f"{self.customer_url(n)}" for f in self.naming(record.doctype, "customer") for n in _values(record.values.get(f.name))]  # fmt: skip
        rows = [str(row.get("id")) for f in record.doctype.fields if f.kind == "rows"
                for row in record.values.get(f.name) or [] if isinstance(row, dict)]  # fmt: skip
        faces += [self.face(self.by_id[i]) if i in self.by_id else "-" for i in rows]  # a ranking links its rows' pages
        extra = self.values_stamp(record) if record.type == "metric" else ""
        return self._key("document", record.path, record.doc.sha, extra, *faces, *names)

    def _shown_with(self, record: Record) -> list[Record]:
        """The documents a page shows besides those it links to and those linking to it: a
        customer's insights, the opportunities and decisions citing them and the decisions addressing
        those opportunities (accounts.account: insight → opportunity → decision), where a person is named."""
        if record.type == "customer":
            entry = self.customers.get(customers.key(record.title) or "")
            found = list(entry["documents"]) if entry else []
            citing = [r for d in found for r, _ in self.backlinks.get(d.path, [])]
            addressing = [r for o in citing if o.type == "opportunity" for r, _ in self.backlinks.get(o.path, [])]
            return found + citing + addressing
        if record.type == "person":
            entry = self.people.get(_fold(record.title))
            return [r for r, _ in entry["named_in"]] if entry else []
        return []

    def listing_key(self, kind: str, records: Iterable[Record], *extra: str) -> str:
        return self._key(kind, *extra, *(self.face(r) for r in records))

    def type_key(self, doctype: DocType) -> str:
        records = self.of_type[doctype.name]
        extra = []
        if doctype.name == "onboarding":  # its index shows each plan's progress: the steps of its body
            extra = [r.doc.sha for r in records]
        elif doctype.name == "metric":
            extra = [self.values_stamp(r) for r in records]
        elif doctype.name == "customer":
            extra = [repr([(e["name"], e["url"], len(e["documents"])) for e in self.customers.values()])]
        elif doctype.name == "person":
            extra = [repr([(e["name"], e["url"], len(e["named_in"])) for e in self.people.values()])]
        return self.listing_key("type:" + doctype.name, records, *extra)

    @cached_property
    def handbook_only(self) -> bool:
        """Whether the site holds only pages no pmops type claims (a handbook, a wiki moved in): its
        home page is then the pages by folder and the recently changed, not an empty dashboard."""
        return bool(self.records) and all(r.type == PAGE.name for r in self.records)

    @cached_property
    def recently_changed(self) -> list[tuple[Record, dt.date]]:
        """The pages changed last (by the KB's git history, newest first), at most RECENT."""
        from pmops import activity

        found: dict[str, dt.date] = {}
        for event in activity.history(self.kb).events:
            if event.path in self.by_path and event.path not in found and event.action != "removed":
                found[event.path] = event.day
                if len(found) == RECENT:
                    break
        return [(self.by_path[path], day) for path, day in found.items()]

    def home_key(self) -> str:
        """The dashboard reads every document's front-matter, onboarding plans' steps and metrics' values;
        a handbook's home, its pages' titles and the recently changed."""
        if self.handbook_only:
            recent = repr([(r.path, day.isoformat()) for r, day in self.recently_changed])
            return self.listing_key("handbook-home", self.records, recent)
        extra = [r.doc.sha for r in self.of_type.get("onboarding", [])]
        extra += [self.values_stamp(r) for r in self.of_type.get("metric", [])]
        return self.listing_key("home", self.records, *extra)

    # -- the pages ------------------------------------------------------------------------------

    def pages(self) -> list[Page]:
        from pmops.site import views

        customers_named = [e for e in self.customers.values() if not e["record"]]
        people_named = [e for e in self.people.values() if not e["record"]]
        found = [self.home_page()]
        found += [self.document_page(r) for r in self.records]
        found += [self.type_page(t) for t in self.types]
        for kind, grouped in (("tag", self.tags), ("area", self.areas)):
            counts = repr([(self.spellings[kind, v], len(rs)) for v, rs in grouped.items()])
            found.append(Page(f"{BROWSE}/{kind}s.html", lambda kind=kind: views.groups(self, kind),
                              lambda kind=kind, counts=counts: self._key(kind + "s", counts)))  # fmt: skip
            found += [Page(group_url(kind, v), lambda kind=kind, v=v: views.group(self, kind, v),
                           lambda kind=kind, v=v, rs=rs: self.listing_key(f"{kind}:{self.spellings[kind, v]}", rs))
                      for v, rs in grouped.items()]  # fmt: skip
        themed = [*self.of_type.get("insight", []), *self.of_type.get("decision", [])]
        found.append(
            Page(f"{BROWSE}/themes.html", lambda: views.themes(self), lambda: self.listing_key("themes", themed))
        )
        found += [Page(e["url"], lambda e=e: views.customer(self, e),
                       lambda e=e: self.listing_key("customer:" + e["name"], e["documents"])) for e in customers_named]  # fmt: skip
        found += [Page(e["url"], lambda e=e: views.person(self, e),
                       lambda e=e: self.listing_key("person:" + e["name"], [r for r, _ in e["named_in"]],
                                                    repr([via for _, via in e["named_in"]]))) for e in people_named]  # fmt: skip
        for folder, url in self.folders.items():
            inside = [r for r in self.records if r.path.startswith(folder + "/")]
            found.append(Page(url, lambda f=folder, url=url: views.folder(self, f, url),
                              lambda f=folder, inside=inside: self.listing_key("folder:" + f, inside)))  # fmt: skip
        return found

    def home_page(self) -> Page:
        from pmops.site import views

        return Page(HOME, lambda: views.home(self), self.home_key)

    def document_page(self, record: Record) -> Page:
        from pmops.site import views

        return Page(page_url(record.path), lambda: views.document(self, record), lambda: self.document_key(record))

    def type_page(self, doctype: DocType) -> Page:
        from pmops.site import views

        return Page(type_url(doctype), lambda: views.type_index(self, doctype), lambda: self.type_key(doctype))

    def pages_showing_bodies(self, paths: Iterable[str]) -> list[Page]:
        """The pages whose key holds the bodies of these documents (the rest hold front-matter):
        each one's own page; an onboarding plan's steps show on its type's index and the home page."""
        records = [self.by_path[p] for p in paths if p in self.by_path]
        found = [self.document_page(r) for r in records]
        if any(r.type == "onboarding" for r in records):
            found += [self.type_page(t) for t in self.types if t.name == "onboarding"] + [self.home_page()]
        elif self.handbook_only:  # its recently changed: a commit changes them, not only a file
            found.append(self.home_page())
        return found

    def prepare(self) -> None:
        """Compute what the pages share, once, before they are rendered (in several processes)."""
        for name in ("records", "by_path", "by_id", "resolved", "backlinks", "folders", "of_type", "types", "tags",
                     "areas", "register", "customers", "people", "nav", "report", "charts"):  # fmt: skip
            getattr(self, name)


def type_url(doctype: DocType) -> str:
    return f"{BROWSE}/{_slug(doctype.plural)}.html"


def group_url(kind: str, value: str) -> str:
    return f"{BROWSE}/{kind}s/{group_slug(value)}.html"


_SPELLED = {"+": " plus ", "#": " sharp ", "&": " and ", "@": " at "}


@cache  # (every page naming a tag or an area links to its page: a few values, thousands of times)
def group_slug(value: str) -> str:
    """A tag's (an area's) page name: its slug with the signs that tell tags apart spelled out
    (`C++` is c-plus-plus, `C#` c-sharp, `c` c); one of no letter or digit (an emoji) is named by
    its hash. Spellings that differ by case, spaces or other punctuation share a page."""
    text = "".join(_SPELLED.get(ch, ch) for ch in str(value))
    if not re.search(r"[^\W_]", text):
        return "x-" + hashlib.sha256(str(value).encode("utf-8")).hexdigest()[:10]
    return _slug(text)


def _when(record: Record) -> dt.date:
    return next((v for v in record.values.values() if isinstance(v, dt.date)), dt.date.min)


def newest(records: Iterable[Record]) -> list[Record]:
    """Documents newest first: by their first date (a date field), the same day's and those with no date (a
    handbook's pages) by title, A to Z. (A total order, paths being unique: any of them come in the order
    they have among all.)"""
    return sorted(sorted(records, key=lambda r: (r.title.casefold(), r.path)), key=_when, reverse=True)


def _naming(doctype: DocType, target: str) -> list[Field]:
    """The fields of a type that name documents of `target` by name (text and list fields with `refers`)."""
    return [f for f in doctype.fields if f.refers == target and f.kind in ("text", "list")]


def _values(value: Any) -> list[str]:
    return [str(v) for v in (value if isinstance(value, list) else [value]) if v not in (None, "")]


def _fold(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def relative(source: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source) or ".")
