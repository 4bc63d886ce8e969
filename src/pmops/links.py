"""Links between documents: by id in front-matter fields and `[[id]]`, and relative markdown links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmops import bodies

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase, Record

_WIKI = re.compile(r"\[\[([^\]|#\n]+)(?:[|#][^\]\n]*)?\]\]")
_MD_LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


@dataclass(frozen=True)
class Link:
    """One link out of a document: to an id (`field` names where) or to a relative path."""

    target: str
    via: str  # a front-matter field name, or "text"
    line: int | str  # the body line, or the field name (looked up only when needed)
    by_id: bool = True


def outgoing(record: Record) -> Iterator[Link]:
    """Every link of a document: reference fields, `[[id]]`, and relative markdown links."""
    for fld in record.doctype.fields:
        if fld.kind in ("ref", "refs"):
            value = record.values.get(fld.name)
            for target in value if isinstance(value, list) else [value] if value else []:
                yield Link(target, fld.name, fld.name)
    folder = record.path.rpartition("/")[0]
    for number, line in bodies.prose(record.doc.body, record.doc.body_line):
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
