"""Snippets: a document's body as a reader sees it, and the passages around the words a query matched."""

from __future__ import annotations

import re
from collections.abc import Callable

from pmops import bodies
from pmops.search.results import HIT_END, HIT_START

# Markdown syntax that means nothing to a reader of a snippet.
_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\([^)]*\)")  # [text](target), [a [2]](t) -> the text
_LINE_MARKER = re.compile(r"^[ \t]*(?:#{1,6}|>|[-*+]|\d+\.)[ \t]+(?:\[[ xX]\][ \t]+)?", re.MULTILINE)
# The same matches as without the look-ahead, found 3-4 times faster: without it the regex tries
# its four alternatives at every character of the body (6 ms of a search's 20 snippets).
_EMPHASIS = re.compile(r"(?=[*`_])(?:\*{1,3}|`+|(?<!\w)_{1,3}|_{1,3}(?!\w))")
_TABLE_RULE = re.compile(
    r"^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+[ \t]*(?::?-{2,}:?[ \t]*)?$", re.MULTILINE
)  # |---|:--|
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^<>\s]+|[^<>\s@]+@[^<>\s@]+)>")  # <https://…>, <a@b.org> -> inside
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")  # <section class="…">, </div>, <br/>
_TEMPLATE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)  # Liquid/Jinja tags in published handbooks
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(.*?)[ \t#]*$", re.MULTILINE)  # "## What we heard" -> "What we heard:"
WORD = re.compile(r"\w+(?:\.?\w+)*")  # the words the index's tokenizer sees
SNIPPET_CHARS, CONTEXT_CHARS, FRAGMENTS = 220, 60, 2


def readable_body(body: str) -> str:
    """The body as a reader sees it, for snippets: no comments, HTML tags, template tags, table
    rules or markdown markers; headings end with a colon; links and autolinks keep their text,
    table cells their content."""
    text = _TEMPLATE.sub("", bodies.without_comments(body))
    text = _TAG.sub(" ", _AUTOLINK.sub(r"\1", _LINK.sub(r"\1", text)))
    text = _TABLE_RULE.sub("", text).replace("|", " ")
    # A heading introduces what follows it: "Context: Customers build…", not "Context Customers build…".
    text = _HEADING.sub(lambda m: m.group(1) + ("" if m.group(1)[-1:] in ".:?!" else ":"), text)
    text = _EMPHASIS.sub("", _LINE_MARKER.sub("", text))
    if "&" not in text:  # no character reference (&amp; &#8217;): html not loaded (1.2 ms of a search)
        return text
    import html

    return html.unescape(text)


def snippet(text: str, matches: Callable[[str], bool] | None) -> str:
    """Up to two passages of `text` around the words `matches` accepts, best first by how many
    distinct words they hold, shown in reading order with the words marked; "" when the query
    matched no word of the body (`matches` is None)."""
    if matches is None:
        return ""
    found = [m.span() for m in WORD.finditer(text) if matches(m.group())]
    passages: list[list[tuple[int, int]]] = []
    for span in found:  # matches close enough to share a passage
        if passages and span[1] - passages[-1][0][0] <= SNIPPET_CHARS - 2 * CONTEXT_CHARS:
            passages[-1].append(span)
        else:
            passages.append([span])
    best = sorted(passages, key=lambda p: (-len({text[a:b].lower() for a, b in p}), -len(p)))[:FRAGMENTS]
    shown: list[list[tuple[int, int]]] = []
    for spans in sorted(best):  # a passage its neighbour's context reaches is one with it
        if shown and spans[0][0] < shown[-1][-1][1] + CONTEXT_CHARS:
            shown[-1] = shown[-1] + spans
        else:
            shown.append(spans)
    out, end = [], 0
    for spans in shown:
        start = max(end, spans[0][0] - CONTEXT_CHARS)
        if out and start - end < CONTEXT_CHARS // 3:
            start = end  # a few words apart: one passage
        if start > end:  # start on a whole word, after a gap
            start = min(text.find(" ", start) + 1 or start, spans[0][0])
            out.append(" … " if out else "")
        end = min(len(text), spans[-1][1] + CONTEXT_CHARS)
        if end < len(text):
            end = max(text.rfind(" ", spans[-1][1], end), spans[-1][1])
        at = start
        for a, b in spans:
            out += [text[at:a], HIT_START, text[a:b], HIT_END]
            at = b
        out.append(text[at:end])
    return "".join(out)


def shown(body: str, matches: Callable[[str], bool] | None) -> str:
    """What a hit shows of a readable body, on one line: the passages around its matched words, else
    its first 200 characters."""
    return " ".join((snippet(body, matches) or " ".join(body.split())[:200]).split())


def marked(snippet_text: str) -> set[str]:
    """The words a snippet marks as matched, in lower case."""
    return {w.lower() for w in re.findall(f"{HIT_START}(.*?){HIT_END}", snippet_text, re.DOTALL)}
