"""Snippets: a document's body as a reader sees it, and the passages around the words a query matched."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

from pmops import bodies
from pmops.search.results import HIT_END, HIT_START
from pmops.text import composed

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


class Matched:
    """The words of a body a query matched: those WORD finds that `accepts` takes (asked once a
    word). With `firsts` (the characters a matched word's lower case, its accents taken off, can
    start with: `accepts` takes no other word), only the words that can start so are looked at: a
    search's 20 bodies hold some 4,000 words, of which a few dozen start with a matched word's
    first letter (3 ms)."""

    def __init__(self, accepts: Callable[[str], bool], firsts: Iterable[str] | None = None) -> None:
        self.accepts = functools.cache(accepts)
        self.words = WORD if firsts is None else _starting_with("".join(sorted(set(firsts))))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the matched words of `text` are."""
        return [m.span() for m in self.words.finditer(text) if self.accepts(m.group())]


@functools.lru_cache(maxsize=64)
def _starting_with(firsts: str) -> re.Pattern[str]:
    """The words WORD finds whose lower case starts with one of `firsts`, found without WORD's look
    at every word: a word starts at a word character after neither a word character nor one and a
    dot (WORD reads 'e.g' whole), and goes on as WORD's do. A word starting outside ASCII is always
    among them: Unicode's lower case is not ASCII's ('İ'.lower() starts with 'i')."""
    starts = {c for f in firsts for c in (f, f.upper()) if c.isascii()}
    # Not ASCII's other characters: one class, compiled in half a millisecond (a class of the
    # characters from \x80 up takes 6 ms).
    others = "".join(re.escape(chr(c)) for c in range(128) if chr(c) not in starts)
    return re.compile(rf"[^{others}](?<=\w)(?<!\w.)(?<!\w\..)\w*(?:\.?\w+)*")


def readable_body(body: str) -> str:
    """The body as a reader sees it, for snippets: no comments, HTML tags, template tags, table
    rules or markdown markers; headings end with a colon; links and autolinks keep their text,
    table cells their content."""
    # Each pattern is tried only on a body holding a character every match of it holds: most
    # bodies have no link, table or emphasis (half the time of a search's 20 snippets).
    text = bodies.without_comments(body.replace("\r\n", "\n") if "\r" in body else body)  # a CRLF file's lines
    text = composed(text)  # accents written as separate marks (macOS) joined: a word is one word
    if "{{" in text or "{%" in text:
        text = _TEMPLATE.sub("", text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "<" in text:
        text = _TAG.sub(" ", _AUTOLINK.sub(r"\1", text))
    if "|" in text:
        text = _TABLE_RULE.sub("", text).replace("|", " ")
    if "#" in text:  # a heading introduces what follows it: "Context: Customers build…", not "Context Customers build…"
        text = _HEADING.sub(lambda m: m.group(1) + ("" if m.group(1)[-1:] in ".:?!" else ":"), text)
    text = _LINE_MARKER.sub("", text)
    if "*" in text or "`" in text or "_" in text:
        text = _EMPHASIS.sub("", text)
    if "&" not in text:  # no character reference (&amp; &#8217;): html not loaded (1.2 ms of a search)
        return text
    import html

    return html.unescape(text)


def snippet(text: str, matches: Matched | None) -> str:
    """Up to two passages of `text` around the words `matches` takes, best first by how many
    distinct words they hold, shown in reading order with the words marked; "" when the query
    matched no word of the body (`matches` is None)."""
    if matches is None:
        return ""
    found = matches.spans(text)
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


def shown(body: str, matches: Matched | None) -> str:
    """What a hit shows of a readable body, on one line: the passages around its matched words, else
    its first 200 characters."""
    return " ".join((snippet(body, matches) or " ".join(body.split())[:200]).split())


def marked(snippet_text: str) -> set[str]:
    """The words a snippet marks as matched, in lower case."""
    return {w.lower() for w in re.findall(f"{HIT_START}(.*?){HIT_END}", snippet_text, re.DOTALL)}
