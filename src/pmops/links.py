"""Links between documents: by id in front-matter fields and `[[id]]`, and relative markdown links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_WIKI = re.compile(r"\[\[([^\]|#\n]+)(?:[|#][^\]\n]*)?\]\]")
_MD_LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


@dataclass(frozen=True)
class Link:
    """One link out of a document: to an id (`field` names where) or to a relative path."""

    target: str
    via: str  # a front-matter field name, or "text"
    line: int | str  # the body line, or the field name (looked up only when needed)
    by_id: bool = True


def body_lines(doc) -> Iterator[tuple[int, str]]:  # noqa: ANN001 - Document
    """(file line number, text) of the body's lines outside code fences, with inline code and
    HTML comments (template prompts, notes to self) removed."""
    fenced = commented = False
    for offset, line in enumerate(doc.body.splitlines()):
        if not commented and _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        text = ""
        while line:
            if commented:
                end = line.find("-->")
                commented, line = (True, "") if end < 0 else (False, line[end + 3 :])
            else:
                start = line.find("<!--")
                text, line, commented = (text + line, "", False) if start < 0 else (text + line[:start], line[start + 4 :], True)
        yield doc.body_line + offset, _INLINE_CODE.sub("", text)


def outgoing(record) -> Iterator[Link]:  # noqa: ANN001 - kb.Record
    """Every link of a document: reference fields, `[[id]]`, and relative markdown links."""
    for fld in record.doctype.fields:
        if fld.kind in ("ref", "refs"):
            value = record.values.get(fld.name)
            for target in value if isinstance(value, list) else [value] if value else []:
                yield Link(target, fld.name, fld.name)
    folder = record.path.rpartition("/")[0]
    for number, line in body_lines(record.doc):
        for m in _WIKI.finditer(line):
            yield Link(m.group(1).strip(), "text", number)
        for m in _MD_LINK.finditer(line):
            target = m.group(1).split("#", 1)[0].split("?", 1)[0]
            if not target or ":" in target or target.startswith(("/", "<")) or "{" in target:
                continue  # a URL, an anchor, a site path or a template expression
            yield Link(_normal(f"{folder}/{target}" if folder else target), "text", number, by_id=False)


def _normal(path: str) -> str:
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


@dataclass
class Graph:
    """A document's outgoing links (with what they point to) and its backlinks."""

    outgoing: list[tuple[Link, object | None]]  # (link, kb.Record or None when broken)
    backlinks: list[tuple[object, Link]]  # (the record linking here, its link)

    def to_json(self) -> dict:
        def brief(record) -> dict:  # noqa: ANN001
            return {"id": record.id or record.path, "type": record.type, "title": record.title, "path": record.path}

        return {
            "outgoing": [{**(brief(r) if r else {"id": link.target, "type": None, "title": None, "path": None}),
                          "via": link.via, "broken": r is None} for link, r in self.outgoing],
            "backlinks": [{**brief(r), "via": link.via} for r, link in self.backlinks],
        }  # fmt: skip


def graph(kb, record) -> Graph:  # noqa: ANN001
    """Links out of `record` and into it (by id, or by relative path), reading every document once."""
    out = []
    for link in outgoing(record):
        target = None
        try:
            target = kb.find(link.target) if link.by_id else kb.load(kb.root / link.target)
            if link.by_id and target.id != link.target:
                target = None  # a prefix of another id is not a link to it
        except Exception:  # noqa: BLE001 - a broken link: shown as such
            target = None
        out.append((link, target))
    back = []
    for other in kb.records():
        if other.path == record.path:
            continue
        for link in outgoing(other):
            if (link.by_id and record.id and link.target == record.id) or (not link.by_id and link.target == record.path):
                back.append((other, link))
    return Graph(out, back)
