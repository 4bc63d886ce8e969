"""A document's body as HTML (markdown-it-py): one h1 per page, anchors on headings that never
take an id of the page's layout, images from the site or shown as links, raw HTML cleaned to
a safe subset (`sanitize.py`), and the template tags of Jekyll and Eleventy handbooks (Liquid)
read as their sites would show them, never shown as raw text."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import quote

from pmops.site import sanitize

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_NOT_SLUG = re.compile(r"[^\w\- ]+")


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Raw HTML is parsed, then cleaned by `sanitize` (an allowlist): a teammate's <script> or a
    # remote <img> never reaches a reader.
    return MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(["table", "strikethrough"])


def slug(text: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as '-'."""
    return _NOT_SLUG.sub("", text.strip().lower()).replace(" ", "-")


def render(
    body: str,
    source: str,
    root: str,
    asset: Callable[[str], bool],
    link: Callable[[str], str | None] | None = None,
    reserved: Collection[str] = (),
) -> str:
    """The body of the page at KB path `source` as HTML. `root` leads from the page to the site's
    root; `asset(kb_path)` says whether a file of the KB is published beside the pages (and
    notes it), so an image of the KB is shown from the site, any other is a link to it.
    `link(href)` gives the site's URL of a raw HTML link to a path (None: its text alone);
    `reserved` are the ids the page has outside its body, which no heading takes."""
    from pmops import bodies

    md = _parser()
    tokens = md.parse(liquid(bodies.without_comments(body)))  # a template's <!-- hints --> are for writers
    _one_title(tokens)
    used: set[str] = set(reserved)
    counts: dict[str, int] = {}

    def image(src: str) -> str | None:
        return _local_image(src, source, root, asset)

    cleaner = sanitize.Cleaner(link or (lambda href: None), image, lambda wanted: _unique(wanted, used, counts))
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and i + 1 < len(tokens):
            given = _given_id(tokens[i + 1])
            token.attrSet("id", _unique(given or slug(_plain(tokens[i + 1])) or "section", used, counts))
        elif token.type == "html_block":
            token.content = cleaner.clean(token.content)
        elif token.type == "inline" and token.children:
            if i >= 2 and tokens[i - 1].type == "paragraph_open" and tokens[i - 2].type == "list_item_open":
                _task(token.children[0])
            token.children = _inline(token.children, source, root, asset, cleaner)
    return md.renderer.render(tokens, md.options, {}) + cleaner.close()


_GIVEN_ID = re.compile(r"[ \t]*\{#([\w.:#()-]+)\}[ \t]*$")


def _given_id(inline: Token) -> str | None:
    """The id a heading gives itself (kramdown's `## Set up {#set-up}`, Jekyll's default), taken out of its text."""
    last = inline.children[-1] if inline.children else None
    if last is None or last.type != "text" or not (m := _GIVEN_ID.search(last.content)):
        return None
    last.content = last.content[: m.start()]
    inline.content = _GIVEN_ID.sub("", inline.content)
    return m.group(1)


_TASK = re.compile(r"^\[([ xX])\][ \t]+")


def _task(first: Token) -> None:
    """A task list's item (`- [x] done`, as GitHub shows it): its box ☑ or ☐, never `[x]` as text."""
    if first.type == "text" and (m := _TASK.match(first.content)):
        first.content = ("☐ " if m.group(1) == " " else "☑ ") + first.content[m.end() :]


def _plain(inline: Token) -> str:
    """A heading's text as a reader sees it (its raw HTML tags left out)."""
    if not inline.children:
        return inline.content
    return "".join(c.content for c in inline.children if c.type in ("text", "code_inline"))


def _unique(wanted: str, used: set[str], counts: dict[str, int]) -> str:
    """`wanted`, else `wanted-1`, `wanted-2`… (as GitHub numbers a heading's twins): never an id the
    page already has (another heading's, its raw HTML's or the layout's: `main`, `search`…)."""
    n = counts.get(wanted, 0)
    anchor = wanted if n == 0 else f"{wanted}-{n}"
    while anchor in used:
        n += 1
        anchor = f"{wanted}-{n}"
    counts[wanted] = n + 1
    used.add(anchor)
    return anchor


def _one_title(tokens: list[Token]) -> None:
    """The page's h1 is the document's title: a leading `# …` is dropped, and when the body has
    other h1s every heading goes one level down."""
    if tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        del tokens[:3]
    if any(t.type == "heading_open" and t.tag == "h1" for t in tokens):
        for t in tokens:
            if t.type in ("heading_open", "heading_close"):
                t.tag = f"h{min(int(t.tag[1]) + 1, 6)}"


def _local_image(src: str, source: str, root: str, asset: Callable[[str], bool]) -> str | None:
    """The site's URL of an image of the KB a page at `source` shows (None: not one the site has):
    a relative path from the page's folder; a site path (`/handbook/img/x.png`, as Jekyll and Hugo
    write them, `{{ site.baseurl }}/img/x.png`) from the root of the page's site, as lint reads a
    link's (`links.site_roots`: the page's folders, nearest first, up to the KB's root)."""
    from pmops import links

    if not src or _SCHEME.match(src) or src.startswith("//"):
        return None
    dest = links.destination(src)
    if dest is None:
        return None
    if dest.site:
        candidates = [posixpath.join(folder, dest.path.lstrip("/")) for folder in links.site_roots(source)]
    else:
        candidates = [posixpath.join(posixpath.dirname(source), dest.path)]
    for candidate in candidates:
        path = posixpath.normpath(candidate)
        if not (path.startswith(("../", "/")) or path == "..") and asset(path):
            return root + quote(path)
    return None


def _inline(
    children: list[Token], source: str, root: str, asset: Callable[[str], bool], cleaner: sanitize.Cleaner
) -> list[Token]:
    from markdown_it.token import Token

    out: list[Token] = []
    for token in children:
        if token.type == "html_inline":
            token.content = cleaner.clean(token.content, inline=True)
        elif cleaner.dropping:  # the text inside an inline <script>…</script> (or <style>, <iframe>…)
            continue
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if _SCHEME.match(href) or href.startswith("//"):
                token.attrSet("rel", "noopener noreferrer")
        if token.type != "image":
            out.append(token)
            continue
        src = str(token.attrGet("src") or "")
        alt = token.content or posixpath.basename(src) or "image"
        local = _local_image(src, source, root, asset)
        if local is not None:
            token.attrSet("src", local)
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
    cleaner.end_inline()
    return out


# -- Liquid (Jekyll's and Eleventy's template tags) ----------------------------------------------

_LIQUID = re.compile(
    r"""(?P<comment>\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\})"""
    r"""|\{%-?\s*raw\s*-?%\}(?P<raw>.*?)\{%-?\s*endraw\s*-?%\}"""
    r"""|(?P<code>(?P<ticks>`+)[^`\n](?:.*?[^`\n])?(?P=ticks)(?!`))"""  # inline code: shown as written
    r"""|(?P<tag><[A-Za-z/][^<>]*>)"""  # an HTML tag: its attributes' links are the links' to resolve
    r"""|(?<!!)\[(?P<text>[^\]\n]*)\]\(\s*\{[{%][^\n]*?[%}]\}[^)\s]*\s*\)"""  # a link whose destination is a tag pmops cannot read (an image's: its {{ site.baseurl }} left out below)
    r"""|\{%-?(?P<statement>(?:[^%]|%(?!\}))*?)-?%\}"""
    r"""|\{\{-?(?:[^}]|\}(?!\}))*?-?\}\}""",
    re.DOTALL,
)
_ARGUMENTS = re.compile(r"""(["'])(.*?)\1""")


def liquid(body: str) -> str:
    """A body with its Liquid as the handbook's site shows it, read, not run: `{% comment %}`
    blocks left out, `{% raw %}` text kept as written; images (`{% image "src" "alt" %}`) and
    Slack channels (`{% slack_channel "x" %}` as `#x`) shown; an alert's title in bold; every
    other tag (an include, a loop) and output (`{{ … }}`: what the site would fill in) left out,
    as is a link to what pmops cannot read (`[form]({% download … %})`: its text). Code (fenced
    or inline) is shown as written; links in markdown and HTML were resolved before."""
    if "{" not in body:
        return body
    from pmops.bodies import Fence

    out: list[str] = []
    prose: list[str] = []
    fence = Fence(indent=" {0,3}")  # CommonMark's: markdown-it reads the fences so
    for line in body.splitlines(keepends=True):
        if fence.open:
            out.append(line if "raw" not in line else re.sub(r"\{%-?\s*(?:end)?raw\s*-?%\}", "", line))
            fence.step(line)
        elif fence.step(line):
            out.append(_LIQUID.sub(_shown, "".join(prose)))
            prose = []
            out.append(line)
        else:
            prose.append(line)
    out.append(_LIQUID.sub(_shown, "".join(prose)))
    return "".join(out)


def _shown(m: re.Match[str]) -> str:
    if m.group("comment") is not None:
        return ""
    if m.group("raw") is not None:
        return m.group("raw")
    if m.group("code") is not None or m.group("tag") is not None:
        return m.group(0)
    if m.group("text") is not None:
        return m.group("text")
    statement = m.group("statement")
    if statement is None:
        return ""  # {{ output }}: what the generator fills in
    name, _, rest = statement.strip().partition(" ")
    arguments = [a for _, a in _ARGUMENTS.findall(rest)]
    if name in ("image", "image_with_class") and arguments:
        src, alt = arguments[0], arguments[-1] if len(arguments) > 1 else ""
        return f"![{_escaped(alt)}](<{src}>)"
    if name in ("slack_channel", "slack") and arguments:
        return "#" + arguments[0].lstrip("#")
    if name == "alert" and arguments:
        return f"**{_escaped(arguments[0])}**"
    return ""


def _escaped(text: str) -> str:
    return re.sub(r"([\\\[\]*_`<>])", r"\\\1", text)
