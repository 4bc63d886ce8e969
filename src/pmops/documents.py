"""The lossless markdown reader/writer: front-matter and body kept byte for byte.

(About 400 lines: the reader and the line-editing writer check each other — every write
is re-read and compared — so they stay in one module.)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from pmops import yamlsafe
from pmops.errors import DocumentError

BOM = "\ufeff"
MAX_BYTES = 2 * 1024 * 1024
_FENCE = re.compile(r"---[ \t]*(\r?\n|$)")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*(\r?\n|$)", re.MULTILINE)
# A conflict is the ordered triple; a lone "=======" under a heading is not one.
_CONFLICT = re.compile(r"^<<<<<<< [^\n]*\n(?:.*\n)*?^=======[ \t]*\r?\n(?:.*\n)*?^>>>>>>> ", re.MULTILINE)
_TOP_KEY = re.compile(r"""^(?:"([^"]+)"|'([^']+)'|([^\s#'"\-?:][^:#]*?))[ \t]*:(?:[ \t]|\r?$|\n)""")


@dataclass(frozen=True)
class Document:
    """One markdown file as read: its parts, its metadata (strings) and its hash.

    `meta` holds what YAML gave with typing off (strings, lists, mappings); the
    registry converts typed fields. `text()` reassembles the original exactly.
    """

    path: str
    bom: bool
    newline: str
    opening: str  # "---\n" (empty when the file has no front-matter)
    frontmatter: str  # the YAML between the fences, untouched
    closing: str  # "---\n"
    body: str
    meta: dict[str, Any] = field(default_factory=dict)
    sha: str = ""
    bare: bool = False  # a YAML file (taxonomy.yaml): the whole text is the "front-matter"

    @property
    def has_frontmatter(self) -> bool:
        return bool(self.opening)

    @property
    def body_line(self) -> int:
        """1-based line where the body starts (for findings)."""
        return 1 + (self.opening + self.frontmatter + self.closing).count("\n")

    def text(self) -> str:
        return (BOM if self.bom else "") + self.opening + self.frontmatter + self.closing + self.body

    def to_bytes(self) -> bytes:
        return self.text().encode("utf-8")

    def with_fields(self, changes: dict[str, Any], remove: tuple[str, ...] = ()) -> Document:
        """A copy with top-level fields set or removed; every other byte stays as it was."""
        lines = self.frontmatter.splitlines(keepends=True)
        for key in remove:
            span = _key_span(lines, key)
            if span:
                del lines[span[0] : span[1]]
        for key, value in changes.items():
            rendered = _render_field(key, value, self.newline)
            span = _key_span(lines, key)
            if span:
                lines[span[0] : span[1]] = rendered
            else:
                if lines and not lines[-1].endswith("\n"):
                    lines[-1] += self.newline
                lines.extend(rendered)
        frontmatter = "".join(lines)
        meta = _load_meta(self.path, frontmatter, 1)
        expected = {k: v for k, v in self.meta.items() if k not in remove}
        expected.update(_reloaded(changes))
        if meta != expected:
            raise DocumentError(self.path, "cannot change the front-matter without loss", line=1)
        opening = self.opening or ("" if self.bare else "---" + self.newline)
        closing = self.closing or ("" if self.bare else "---" + self.newline)
        return replace(self, opening=opening, frontmatter=frontmatter, closing=closing, meta=meta)

    def with_list_items(self, key: str, change: Callable[[str], str | None]) -> Document:
        """A copy in which each item of the top-level list `key` (`[a, b]`, `- a` lines, or a
        single value) is `change(item)`, or is removed where that is None. Only the items' own
        text changes: comments — after the items or on lines between them — quotes, spacing and
        line ends stay. DocumentError when the value is written in a way not edited in place
        (a mapping, an anchor, a block scalar…), or when the result would read otherwise."""
        lines = self.frontmatter.splitlines(keepends=True)
        span = _key_span(lines, key)
        value = self.meta.get(key)
        values = value if isinstance(value, list) else [value]
        if span is None or not all(isinstance(v, str) for v in values):
            raise DocumentError(self.path, f"'{key}' is not a list of values to edit in place", line=1)
        start = sum(map(len, lines[: span[0]]))
        colon = start + _TOP_KEY.match(lines[span[0]]).end()  # type: ignore[union-attr]
        colon = self.frontmatter.rindex(":", start, colon) + 1
        unusual = DocumentError(self.path, f"'{key}' is not written in a way pmops edits in place", line=1)
        try:
            items = _list_items(self.frontmatter, colon)
        except (IndexError, ValueError):  # ran off the text; an escape, left to YAML
            items = None
        if items is None or [item for _, _, item, _ in items] != values:
            raise unusual
        edits: list[tuple[int, int, str]] = []
        after: list[str] = []
        for n, (begin, end, item, _) in enumerate(items):
            changed = change(item)
            if changed is None:
                removal = _removal(self.frontmatter, items, n)
                if removal is None:
                    raise unusual
                edits += removal
            else:
                after.append(changed)
                if changed != item:
                    edits.append((begin, end, _written_like(self.frontmatter[begin:end], changed)))
        edits.sort()
        if any(a[1] > b[0] for a, b in zip(edits, edits[1:])):  # items removed side by side
            raise unusual
        text = self.frontmatter
        for begin, end, new in reversed(edits):
            text = text[:begin] + new + text[end:]
        meta = _load_meta(self.path, text, 1)
        if meta != {**self.meta, key: after if isinstance(value, list) else after[0]}:
            raise DocumentError(self.path, "cannot change the front-matter without loss", line=1)
        return replace(self, frontmatter=text, meta=meta)

    def with_body(self, body: str) -> Document:
        return replace(self, body=body)

    def line_of(self, key: str) -> int:
        """1-based line of a top-level front-matter key (1 when absent), for findings."""
        span = _key_span(self.frontmatter.splitlines(keepends=True), key)
        return 1 + self.opening.count("\n") + span[0] if span else 1


def _list_items(text: str, at: int) -> list[tuple[int, int, str, str]] | None:
    """The items of the value that starts after the colon at `at`: (start, end, value, form),
    where form is "flow" (`[a, b]`, which may span lines), "block" (`- a` lines) or "single";
    None for any other way of writing it. Positions are in `text`."""
    i = at
    while text[i] in " \t":
        i += 1
    if text[i] in "\r\n#":  # a block list on the lines below (comments and blank lines between)
        items = []
        line = text.index("\n", i) + 1 if "\n" in text[i:] else len(text)
        while line < len(text):
            end = text.find("\n", line)
            end = len(text) if end < 0 else end + 1
            row = text[line:end]
            dash = re.match(r"[ \t]*-[ \t]+(?=\S)", row)
            if dash:
                begin, stop, item = _token(text, line + dash.end(), "")
                if text[stop:end].strip() and not re.match(r"[ \t]+#", text[stop:end]):
                    return None  # more after the item: a mapping, a nested list…
                items.append((begin, stop, item, "block"))
            elif row.strip() and not row.lstrip().startswith("#"):
                break  # the next key
            line = end
        return items or None
    if text[i] == "[":
        items, i = [], i + 1
        while True:
            i = _skip_space(text, i)
            if text[i] == "]":
                return items
            begin, stop, item = _token(text, i, ",]")
            items.append((begin, stop, item, "flow"))
            i = _skip_space(text, stop)
            if text[i] == ",":
                i += 1
            elif text[i] != "]":
                return None
    if text[i] in "{|>&*!%@`,]}":
        return None  # a mapping, a block scalar, an anchor, an alias, a YAML tag…
    begin, stop, item = _token(text, i, "")
    rest = text[stop : text.find("\n", stop) if "\n" in text[stop:] else len(text)]
    return [(begin, stop, item, "single")] if not rest.strip() or re.match(r"[ \t]+#", rest) else None


def _skip_space(text: str, i: int) -> int:
    """Past spaces, line breaks and comments inside a flow list."""
    while True:
        if text[i] in " \t\r\n":
            i += 1
        elif text[i] == "#":
            i = text.index("\n", i)
        else:
            return i


def _token(text: str, i: int, stops: str) -> tuple[int, int, str]:
    """One scalar starting at `i`: (start, end, its value). Plain scalars end at a line end,
    at ` #`, or at one of `stops` (`,` and `]` in a flow list)."""
    if text[i] == "'":
        j = i + 1
        while text[j] != "'" or text[j + 1 : j + 2] == "'":
            j += 2 if text[j] == "'" else 1
        return i, j + 1, text[i + 1 : j].replace("''", "'")
    if text[i] == '"':
        j = i + 1
        while text[j] != '"':
            j += 2 if text[j] == "\\" else 1
        if "\\" in text[i:j]:
            raise ValueError("an escape: left to YAML")
        return i, j + 1, text[i + 1 : j]
    j = i
    while j < len(text) and text[j] not in "\r\n" + stops and not (text[j] == "#" and text[j - 1] in " \t"):
        j += 1
    while j > i and text[j - 1] in " \t":
        j -= 1
    return i, j, text[i:j]


def _written_like(old: str, value: str) -> str:
    """`value` written as `old` was: in the same quotes, or plain where YAML reads it back."""
    if old[:1] == "'":
        return "'" + value.replace("'", "''") + "'"
    if old[:1] == '"' and '"' not in value and "\\" not in value:
        return '"' + value + '"'
    flow = yamlsafe.dump({"k": [value]})  # "k: [value]" or "k: ['&value']": the writer's own quoting
    return flow[flow.index("[") + 1 : flow.rindex("]")]


def _removal(text: str, items: list[tuple[int, int, str, str]], n: int) -> list[tuple[int, int, str]] | None:
    """The edits that take item `n` out of its list, keeping any comment beside it; None for a
    single value (it would leave no list)."""
    begin, end, _, form = items[n]
    if form == "single":
        return None
    if form == "block":
        start = text.rindex("\n", 0, begin) + 1 if "\n" in text[:begin] else 0
        stop = text.find("\n", end)
        stop = len(text) if stop < 0 else stop + 1
        comment = re.match(r"[ \t]+(#[^\r\n]*)", text[end:stop])
        if comment:  # "  - old  # why" keeps "  # why"
            indent = re.match(r"[ \t]*", text[start:]).group()  # type: ignore[union-attr]
            return [(start, end + comment.end(), indent + comment.group(1))]
        return [(start, stop, "")]
    comma = _skip_space(text, end)
    if text[comma] == ",":  # "old, b" -> "b" (a comment between the two stays)
        gap = comma + 1
        while text[gap] in " \t" and text[gap + 1 : gap + 2] not in ("#", ""):
            gap += 1
        return [(begin, end, ""), (comma, gap, "")]
    if n == 0:
        return [(begin, end, "")]  # the only item: "[old]" -> "[]"
    comma = _skip_space(text, items[n - 1][1])  # "a, old" -> "a"
    while begin > 0 and text[begin - 1] in " \t":
        begin -= 1
    return [(comma, comma + 1, ""), (begin, end, "")]


def _reloaded(changes: dict[str, Any]) -> dict[str, Any]:
    """What the changed fields read back as, with typing off (dates become strings)."""
    return yamlsafe.load(yamlsafe.dump(changes)) if changes else {}


def _render_field(key: str, value: Any, newline: str) -> list[str]:
    text = yamlsafe.dump({key: value})
    if newline != "\n":
        text = text.replace("\n", newline)
    return text.splitlines(keepends=True)


def _key_span(lines: list[str], key: str) -> tuple[int, int] | None:
    """The lines [start, end) holding top-level `key` and its indented continuation."""
    start = None
    for i, line in enumerate(lines):
        match = _TOP_KEY.match(line)
        if start is None:
            if match and next(g for g in match.groups() if g is not None).strip() == key:
                start = i
            continue
        if line[:1] in (" ", "\t", "-") or not line.strip():
            continue
        end = i
        break
    else:
        if start is None:
            return None
        end = len(lines)
    # Blank lines just before the next key belong to the layout, not to this value.
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return start, end


def content_hash(data: bytes) -> str:
    """The same hash git gives the file as a blob, so the index can compare with git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _decode(path: str, data: bytes) -> tuple[bool, str, str]:
    """(had a BOM, the text without it, its newline style) — or DocumentError."""
    if b"\0" in data:
        raise DocumentError(path, "binary file (contains NUL bytes)", hint="only text markdown is read")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DocumentError(path, "invalid UTF-8", line=line, hint="re-save the file as UTF-8") from None
    bom = text.startswith(BOM)
    text = text[1:] if bom else text
    first_break = text.find("\n")
    newline = "\r\n" if first_break > 0 and text[first_break - 1] == "\r" else "\n"
    return bom, text, newline


def _load_meta(path: str, frontmatter: str, first_line: int) -> dict[str, Any]:
    try:
        meta = yamlsafe.load(frontmatter)
    except yamlsafe.YAMLProblem as exc:
        line = first_line + exc.line - 1 if exc.line else first_line
        raise DocumentError(path, exc.message, line=line) from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise DocumentError(
            path,
            f"front-matter is a {type(meta).__name__}, not a mapping of fields",
            line=first_line,
            hint="front-matter must be 'key: value' lines",
        )
    return meta


def parse(path: str, data: bytes) -> Document:
    """Read a markdown file; raise DocumentError (with path:line) when it cannot be kept intact."""
    if len(data) > MAX_BYTES:
        raise DocumentError(path, f"file too large ({len(data) // 1024} KiB > {MAX_BYTES // 1024} KiB)")
    bom, text, newline = _decode(path, data)
    conflict = _CONFLICT.search(text)
    if conflict:
        line = text[: conflict.start()].count("\n") + 1
        raise DocumentError(
            path,
            "unresolved merge conflict markers",
            line=line,
            hint="resolve the conflict, then commit",
            code="conflict",
        )
    sha = content_hash(data)
    fences = _fences(text)
    if not fences:
        return Document(path, bom, newline, "", "", "", text, {}, sha)
    opening, closing = fences
    if not closing:
        raise DocumentError(path, "front-matter opened here is never closed with '---'", line=1)
    frontmatter = text[opening.end() : closing.start()]
    meta = _load_meta(path, frontmatter, 2)
    return Document(
        path,
        bom,
        newline,
        opening.group(0),
        frontmatter,
        closing.group(0),
        text[closing.end() :],
        meta,
        sha,
    )


def _fences(text: str) -> tuple[re.Match[str], re.Match[str] | None] | None:
    """The front-matter's opening and closing lines (None when never closed); None without one."""
    opening = _FENCE.match(text)
    return (opening, _CLOSE.search(text, opening.end())) if opening else None


def body_of(data: bytes) -> str:
    """A file's body, its front-matter skipped without being parsed (for search snippets)."""
    text = data.decode("utf-8").removeprefix("\ufeff")
    fences = _fences(text)
    return text[fences[1].end() :] if fences and fences[1] else text


def new(path: str, meta: dict[str, Any], body: str) -> Document:
    """A document pmops creates: front-matter rendered from `meta` in the given order."""
    frontmatter = yamlsafe.dump(meta)
    doc = Document(path, False, "\n", "---\n", frontmatter, "---\n", body, {}, "")
    return parse(path, doc.to_bytes())


def parse_yaml_file(path: str, data: bytes) -> Document:
    """Read a plain YAML file the same lossless way, so a field can be changed in place."""
    bom, text, newline = _decode(path, data)
    meta = _load_meta(path, text, 1)
    return Document(path, bom, newline, "", text, "", "", meta, content_hash(data), bare=True)


@dataclass(frozen=True)
class RawFile:
    """A file pmops writes that is not markdown (a metric's values, as CSV): bytes and their hash."""

    path: str
    data: bytes

    @property
    def sha(self) -> str:
        return content_hash(self.data)

    def to_bytes(self) -> bytes:
        return self.data
