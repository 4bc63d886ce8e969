"""Raw HTML in a document's body, cleaned for the site: an allowlist of elements and attributes.

What a handbook writes in HTML is shown as HTML (a table, a `<details>`, a `<br>`, a link, a
section); what could run, restyle the page or make a request leave the site is not: no
`<script>`, `<style>`, `<iframe>`, `<object>`, `<svg>`… (left out with what they hold), no `on…`
or `style` attribute, no `javascript:` (or any scheme but http, https, mailto and tel) in a link,
no image but the KB's own (any other is a link to it, as in markdown), and no id the page
already has. A tag that is no HTML element (`<your name>`, `<researcher>`: a placeholder in a
template) is shown as written. Elements are balanced: a closing tag closes only an element the
body opened, and what the body leaves open is closed at its end, so the page's own layout
(landmarks, backlinks) is never broken by a body.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser

_TEXT = frozenset({"title", "lang", "dir"})
_CELL = frozenset({"colspan", "rowspan", "scope", "abbr"})
# Element -> the attributes it keeps (besides `id` and _TEXT, which every element keeps).
ALLOWED: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        [
            "abbr",
            "b",
            "bdi",
            "bdo",
            "blockquote",
            "br",
            "caption",
            "cite",
            "code",
            "dd",
            "del",
            "dfn",
            "div",
            "dl",
            "dt",
            "em",
            "figcaption",
            "figure",
            "hr",
            "i",
            "ins",
            "kbd",
            "li",
            "mark",
            "p",
            "pre",
            "q",
            "rp",
            "rt",
            "ruby",
            "s",
            "samp",
            "section",
            "article",
            "aside",
            "small",
            "span",
            "strong",
            "sub",
            "summary",
            "sup",
            "table",
            "tbody",
            "tfoot",
            "thead",
            "tr",
            "u",
            "ul",
            "var",
            "wbr",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "colgroup",
        ],
        frozenset(),
    ),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "td": _CELL,
    "th": _CELL,
    "col": frozenset({"span"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "details": frozenset({"open"}),
    "time": frozenset({"datetime"}),
}
VOID = frozenset({"br", "hr", "img", "wbr", "col"})
# Left out with everything they hold: they run, restyle, embed or load something.
DROPPED = frozenset(
    [
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "template",
        "noscript",
        "noembed",
        "noframes",
        "textarea",
        "title",
        "head",
        "svg",
        "math",
        "select",
        "audio",
        "video",
        "canvas",
        "xmp",
        "plaintext",
        "portal",
    ]
)
# Left out, what they hold shown: page structure, forms, presentation.
UNWRAPPED = frozenset(
    [
        "html",
        "body",
        "main",
        "nav",
        "header",
        "footer",
        "button",
        "form",
        "label",
        "fieldset",
        "legend",
        "font",
        "center",
        "big",
        "tt",
        "picture",
        "map",
        "address",
        "hgroup",
        "search",
        "dialog",
        "menu",
        "output",
        "meter",
        "progress",
        "datalist",
        "optgroup",
        "option",
    ]
)
# Left out, holding nothing.
EMPTY = frozenset(
    ["meta", "link", "base", "input", "source", "track", "area", "param", "basefont", "keygen", "isindex", "image"]
)

SCHEMES = ("http", "https", "mailto", "tel")  # of a link kept
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_NUMBER = re.compile(r"^\d{1,4}$")
_ID = re.compile(r"[^\w.:-]+")
_CHOICES = {"dir": {"ltr", "rtl", "auto"}, "scope": {"row", "col", "rowgroup", "colgroup"},
            "type": {"1", "a", "A", "i", "I"}}  # fmt: skip


class Cleaner:
    """Cleans the raw HTML fragments of one body, in order (markdown-it's `html_block` and
    `html_inline` tokens): `link(href)` gives a path link's site URL (None: its text alone),
    `image(src)` an image's (None: not one of the site's), `unique(id)` an id the page has not."""

    def __init__(
        self,
        link: Callable[[str], str | None],
        image: Callable[[str], str | None],
        unique: Callable[[str], str],
    ) -> None:
        self.link, self.image, self.unique = link, image, unique
        self.open: list[str] = []  # the elements the body opened and has not closed
        self.dropped: list[str] = []  # the DROPPED elements being left out, innermost last
        self._out: list[str] = []

    @property
    def dropping(self) -> bool:
        """Whether the text coming is inside an element left out (an inline `<script>…</script>`)."""
        return bool(self.dropped)

    def clean(self, fragment: str, *, inline: bool = False) -> str:
        parser = _Parser(self)
        parser.feed(fragment)
        parser.close()
        if not inline:
            self.dropped.clear()  # an element never closed is left out to the end of its block only
        found, self._out = "".join(self._out), []
        return found

    def end_inline(self) -> None:
        """A paragraph (or heading, cell) ended: an element left out never closed ends with it."""
        self.dropped.clear()

    def close(self) -> str:
        """The closing tags of what the body left open."""
        found = "".join(f"</{tag}>" for tag in reversed(self.open))
        self.open.clear()
        return found

    # -- what the parser found --------------------------------------------------------------

    def start(self, tag: str, attrs: list[tuple[str, str | None]], written: str, *, closed: bool = False) -> None:
        if self.dropped:
            if tag in DROPPED and not closed:
                self.dropped.append(tag)
            return
        if tag in DROPPED:
            if not closed:
                self.dropped.append(tag)
            return
        if tag in UNWRAPPED or tag in EMPTY:
            return
        if tag not in ALLOWED:
            self._out.append(html.escape(written, quote=False))  # a placeholder: `<your name>`
            return
        if tag == "img":
            self._img(dict(attrs))
            return
        kept = self._attributes(tag, attrs)
        if tag == "a":
            href = next((value for name, value in attrs if name == "href"), None)
            target = self._href(href) if href is not None else None
            if target is not None:
                kept.insert(0, ("href", target))
                if _SCHEME.match(target) or target.startswith("//"):
                    kept.append(("rel", "noopener noreferrer"))
        shown = "h2" if tag == "h1" else tag  # the page's one h1 is its title
        self._out.append(f"<{shown}{_attrs(kept)}>")
        if tag in VOID:
            return
        if closed:
            self._out.append(f"</{shown}>")
        else:
            self.open.append(tag)

    def end(self, tag: str) -> None:
        if self.dropped:
            if tag in self.dropped:
                while self.dropped.pop() != tag:
                    pass
            return
        if tag in DROPPED or tag in UNWRAPPED or tag in EMPTY or tag in VOID:
            return
        if tag not in ALLOWED:
            self._out.append(html.escape(f"</{tag}>", quote=False))
            return
        if tag not in self.open:
            return  # closes nothing the body opened: never the page's own elements
        while self.open:
            last = self.open.pop()
            self._out.append(f"</{'h2' if last == 'h1' else last}>")
            if last == tag:
                break

    def text(self, data: str) -> None:
        if not self.dropped:
            self._out.append(html.escape(data, quote=False))

    # -- attributes -------------------------------------------------------------------------

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
        allowed = ALLOWED[tag]
        kept: list[tuple[str, str | None]] = []
        for name, value in attrs:
            if name == "id" and value:
                wanted = _ID.sub("-", value.strip()).strip("-")
                if wanted and not any(n == "id" for n, _ in kept):
                    kept.append(("id", self.unique(wanted)))
            elif name in ("open", "reversed") and name in allowed:
                kept.append((name, None))
            elif name in _CHOICES and (name == "dir" or name in allowed):
                if value in _CHOICES[name]:
                    kept.append((name, value))
            elif name in ("colspan", "rowspan", "start", "width", "height", "span"):
                if name in allowed and value and _NUMBER.match(value.strip()):
                    kept.append((name, value.strip()))
            elif (name in _TEXT or name in allowed) and name not in ("href", "src") and value is not None:
                kept.append((name, value))
        return kept

    def _href(self, href: str) -> str | None:
        """Where a link of the body leads on the site: an anchor of the page, another site (http,
        https, mailto, tel), or a path resolved as markdown links are; None: nowhere."""
        value = href.strip()
        bare = "".join(ch for ch in value if ord(ch) > 0x20 and ch != "\x7f")  # as browsers read it
        if not bare:
            return None
        if bare.startswith("#"):
            return value
        if m := _SCHEME.match(bare):
            return value if m.group(1).lower() in SCHEMES else None
        if bare.startswith("//"):
            return "https:" + bare  # another site: a link, never a request of the page
        return self.link(value)

    def _img(self, attrs: dict[str, str | None]) -> None:
        src, alt = (attrs.get("src") or "").strip(), attrs.get("alt") or ""
        local = self.image(src) if src else None
        if local is not None:
            kept = [("src", local), ("alt", alt)]
            kept += [(n, attrs[n]) for n in ("width", "height") if _NUMBER.match((attrs.get(n) or "").strip())]
            kept += [(n, attrs[n]) for n in ("title",) if attrs.get(n)]
            self._out.append(f"<img{_attrs(kept)}>")
            return
        # As a markdown image from elsewhere: a link to it, never loaded; one the KB lacks is its text.
        shown = html.escape(f"[image: {alt or src.rsplit('/', 1)[-1] or 'image'}]", quote=False)
        bare = "".join(ch for ch in src if ord(ch) > 0x20)
        m = _SCHEME.match(bare)
        if (m and m.group(1).lower() in ("http", "https")) or bare.startswith("//"):
            url = src if m else "https:" + bare
            self._out.append(f'<a href="{html.escape(url)}" rel="noopener noreferrer" class="image-link">{shown}</a>')
        else:
            self._out.append(shown)


def _attrs(kept: list[tuple[str, str | None]]) -> str:
    return "".join(f" {name}" if value is None else f' {name}="{html.escape(value)}"' for name, value in kept)


class _Parser(HTMLParser):
    def __init__(self, cleaner: Cleaner) -> None:
        super().__init__(convert_charrefs=True)
        self.cleaner = cleaner

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.cleaner.start(tag, attrs, self.get_starttag_text() or f"<{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.cleaner.start(tag, attrs, self.get_starttag_text() or f"<{tag}/>", closed=True)

    def handle_endtag(self, tag: str) -> None:
        self.cleaner.end(tag)

    def handle_data(self, data: str) -> None:
        self.cleaner.text(data)

    # Comments, declarations (<!DOCTYPE>), processing instructions: left out.
    def handle_comment(self, data: str) -> None:
        pass

    def handle_decl(self, decl: str) -> None:
        pass

    def handle_pi(self, data: str) -> None:
        pass

    def unknown_decl(self, data: str) -> None:
        pass
