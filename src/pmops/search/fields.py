"""What the index holds of a document: its fields' kinds from the registry, and their values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from pmops import bodies

if TYPE_CHECKING:
    from pmops.doctypes import DocType
    from pmops.documents import Document


class Record(Protocol):
    """A document read by the registry (pmops.kb.Record), as far as the index looks at it."""

    path: str
    id: str | None
    type: str
    doctype: DocType
    title: str
    values: dict[str, Any]
    problems: dict[str, str]
    doc: Document


def field_kinds(registry: Mapping[str, DocType]) -> dict[str, str]:
    """Each field name of every type, as the index sees it: text, date or keyword."""
    kinds: dict[str, str] = {}
    for doctype in registry.values():
        for fld in doctype.fields:
            if fld.name in kinds or fld.name == "id":
                continue
            if fld.kind in ("text", "longtext"):
                kinds[fld.name] = "text"
            elif fld.kind == "date":
                kinds[fld.name] = "date"
            else:
                kinds[fld.name] = "keyword"
    kinds["title"] = "text"
    return kinds


def fields_of(record: Record, kinds: dict[str, str]) -> dict[str, Any]:
    """The index's fields of one document: path, id, type, title, `body` (the body and every text
    field but the title and `author`), dates as datetimes, lists as comma-separated words."""
    fields: dict[str, Any] = {
        "path": record.path,
        "id": record.id or record.path,
        "type": record.type,
        "title": record.title,
    }
    # Markdown punctuation never reaches the index (the analyzer drops it); comments would.
    body = [bodies.without_comments(record.doc.body)]
    values = dict(record.values)
    if not record.doctype.writable:  # a page's foreign front-matter: index what looks like tags and a date
        values.update({k: record.doc.meta.get(k) for k in ("tags", "date") if k in record.doc.meta})
    for name, value in values.items():
        if name in ("id", "title") or name in record.problems or value in (None, "", []):
            continue
        kind = kinds.get(name, "keyword" if name == "tags" else None)
        if name == "date":
            kind = "date"
        if kind is None:
            continue
        converted = _index_value(kind, value)
        if converted is not None:
            fields[name] = converted
            if kind == "text" and name != "author":
                body.append(converted)
    fields["body"] = "\n".join(body)
    return fields


def _index_value(kind: str, value: Any) -> Any:
    if kind == "date":
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time())
        if isinstance(value, str):
            try:
                return dt.datetime.combine(dt.date.fromisoformat(value.strip()[:10]), dt.time())
            except ValueError:
                return None
        return None
    if isinstance(value, list):
        items = [str(v).replace(",", " ") for v in value if isinstance(v, (str, int, float))]
        return ",".join(items) if items else None
    if isinstance(value, (dt.date, bool, int, float)):
        return str(value)
    return value if isinstance(value, str) else None
