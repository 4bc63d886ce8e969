"""A document's body as HTML (markdown-it-py): one h1 per page, anchors on headings, images
from the site or shown as links, raw HTML escaped."""

from __future__ import annotations

import posixpath
import re
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

if TYPE_CHECKING:
    from collections.abc import Callable

    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_NOT_SLUG = re.compile(r"[^\w\- ]+")


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Raw HTML is shown as text: a teammate's <script> or a remote <img> never reaches a reader.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])


def slug(text: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as '-'."""
    return _NOT_SLUG.sub("", text.strip().lower()).replace(" ", "-")


def render(body: str, source: str, root: str, asset: Callable[[str], bool]) -> str:
    """The body of the page at KB path `source` as HTML. `root` leads from the page to the site's
    root; `asset(kb_path)` says whether a file of the KB is published beside the pages (and
    notes it), so an image of the KB is shown from the site, any other is a link to it."""
    from pmops import bodies

    md = _parser()
    tokens = md.parse(bodies.without_comments(body))  # a template's <!-- hints --> are for writers
    _one_title(tokens)
    seen: dict[str, int] = {}
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and i + 1 < len(tokens):
            anchor = slug(tokens[i + 1].content) or "section"
            n = seen.get(anchor, 0)
            seen[anchor] = n + 1
            token.attrSet("id", anchor if n == 0 else f"{anchor}-{n}")
        elif token.type == "inline" and token.children:
            token.children = _inline(token.children, source, root, asset)
    return md.renderer.render(tokens, md.options, {})


def _one_title(tokens: list[Token]) -> None:
    """The page's h1 is the document's title: a leading `# …` is dropped, and when the body has
    other h1s every heading goes one level down."""
    if tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        del tokens[:3]
    if any(t.type == "heading_open" and t.tag == "h1" for t in tokens):
        for t in tokens:
            if t.type in ("heading_open", "heading_close"):
                t.tag = f"h{min(int(t.tag[1]) + 1, 6)}"


def _inline(children: list[Token], source: str, root: str, asset: Callable[[str], bool]) -> list[Token]:
    from markdown_it.token import Token

    out: list[Token] = []
    for token in children:
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if _SCHEME.match(href) or href.startswith("//"):
                token.attrSet("rel", "noopener noreferrer")
        if token.type != "image":
            out.append(token)
            continue
        src = str(token.attrGet("src") or "")
        alt = token.content or posixpath.basename(src) or "image"
        if not _SCHEME.match(src) and not src.startswith("//") and src:
            path = posixpath.normpath(
                posixpath.join(posixpath.dirname(source), unquote(src.split("#")[0].split("?")[0]))
            )
            if not path.startswith("../") and asset(path):
                token.attrSet("src", root + quote(path))
                out.append(token)
                continue
        # An image from elsewhere is not loaded (nothing leaves the site): a link to it instead;
        # one the KB does not have is its text.
        text = Token("text", "", 0, content=f"[image: {alt}]")
        if _SCHEME.match(src) or src.startswith("//"):
            link = Token("link_open", "a", 1, attrs={"href": src, "rel": "noopener noreferrer", "class": "image-link"})
            out += [link, text, Token("link_close", "a", -1)]
        else:
            out.append(text)
    return out
