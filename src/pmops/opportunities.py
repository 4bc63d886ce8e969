"""Opportunities: customer problems worth solving, linked to the insights that show them, and the
chain insight → opportunity → decision → metric read both ways from any of its documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pmops.errors import InvalidInput, PmopsError
from pmops.text import count

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase, Record

TYPE = "opportunity"
EVIDENCE = "evidence"  # the field of an opportunity naming its insights
# The chain, in the order one rests on the other: an insight shows a problem (an opportunity's
# evidence), a decision addresses it (a decision's opportunities), and says what it should move
# (a decision's expects). Each stage reaches the next through a reference field, either way.
CHAIN = ("insight", "opportunity", "decision", "metric")
NOT_CHAIN = ("links",)  # the generic field relating any two documents is not a step of the chain


@dataclass
class Linked:
    """What `opportunity link` did: the insights added to the evidence, those already there."""

    record: Record
    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    commit: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.record.id, "path": self.record.path, "added": self.added, "already": self.already,
                "evidence": list(self.record.values.get(EVIDENCE) or []) + self.added, "commit": self.commit}  # fmt: skip


def link(kb: KnowledgeBase, ref: str, insights: list[str], *, commit: bool | None = None) -> Linked:
    """Add insights (ids, unique prefixes or titles) to an opportunity's evidence, in one commit.
    An insight already there is said, not added twice; nothing new: nothing written (exit 0)."""
    from pmops.kb.creating import resolve_references

    if not insights:
        raise InvalidInput("give at least one insight to link (id, unique prefix or title)")
    record = kb.find(ref, TYPE)
    fld = record.doctype.field(EVIDENCE)
    assert fld is not None  # the registry's opportunity has one
    found = resolve_references(kb, fld, list(insights))
    current = [str(r) for r in record.values.get(EVIDENCE) or []]
    result = Linked(record)
    for insight in found:
        (result.already if insight in current else result.added).append(insight)
    if result.added:
        message = f'pmops: link {count(len(result.added), "insight")} to opportunity {record.id} "{record.title}"'
        result.commit = kb.update(record, {EVIDENCE: current + result.added}, message, commit=commit)
    return result


@dataclass
class Chain:
    """The documents chained to one: by stage (CHAIN's types, the document's own left out), each
    reached from the stages between it and the document through their reference fields."""

    start: Record
    stages: dict[str, list[Record]] = field(default_factory=dict)  # type -> documents, by id

    def __bool__(self) -> bool:
        return any(self.stages.values())

    def to_json(self) -> dict[str, Any]:
        return {kind: [{"id": r.id, "title": r.title, "path": r.path, "status": r.values.get("status")} for r in rows]
                for kind, rows in self.stages.items()}  # fmt: skip


def in_chain(record: Record) -> bool:
    return record.type in CHAIN


def chain(kb: KnowledgeBase, record: Record) -> Chain:
    """What a document of the chain rests on and what rests on it: from an insight, the
    opportunities it shows, the decisions addressing those (or citing the insight), the metrics
    they should move; from a metric, the same the other way. A stage is reached from any stage
    between it and the document (a decision citing an insight directly reaches it)."""
    position = CHAIN.index(record.type)
    records: dict[str, Record] = {}
    edges: dict[str, set[str]] = {}  # id -> ids it is joined to, either way

    def join(one: str, other: str) -> None:
        edges.setdefault(one, set()).add(other)
        edges.setdefault(other, set()).add(one)

    referring = [t for t in CHAIN if _chain_fields(kb, t)]  # the types whose documents name the others
    for kind in referring:
        for other in kb.select(kb.doctype(kind)):
            if not other.id:
                continue
            records[other.id] = other
            for fld in _chain_fields(kb, kind):
                for target in fld.references(other.values.get(fld.name)):
                    join(other.id, target)
    if record.id:
        records[record.id] = record
    reached: dict[int, set[str]] = {position: {record.id} if record.id else set()}
    for step in (1, -1):
        stage = position + step
        while 0 <= stage < len(CHAIN):
            between = range(position, stage, step)  # the document's stage up to this one's, this one left out
            sources = set().union(*(reached[s] for s in between))
            reached[stage] = {t for s in sources for t in edges.get(s, ()) if _kind(kb, records, t) == CHAIN[stage]}
            stage += step
    found = Chain(record)
    for stage, ids in sorted(reached.items()):
        if stage == position:
            continue
        rows = [_load(kb, records, i) for i in sorted(ids)]
        found.stages[CHAIN[stage]] = [r for r in rows if r is not None]
    return found


def _chain_fields(kb: KnowledgeBase, type_name: str) -> list:
    """A type's reference fields to other types of the chain."""
    doctype = kb.doctype(type_name)
    return [f for f in doctype.fields
            if f.is_reference and f.name not in NOT_CHAIN and f.refers in CHAIN and f.refers != type_name]  # fmt: skip


def _kind(kb: KnowledgeBase, records: dict[str, Record], doc_id: str) -> str | None:
    """The type of the document an id names: read, or told by its prefix (insights and metrics are not read)."""
    if doc_id in records:
        return records[doc_id].type
    prefix = doc_id.split("-", 1)[0]
    return next((t.name for t in kb.registry.values() if t.prefix == prefix), None)


def _load(kb: KnowledgeBase, records: dict[str, Record], doc_id: str) -> Record | None:
    if doc_id not in records:
        try:
            records[doc_id] = kb.find(doc_id)
        except PmopsError:
            return None  # a broken link: lint says so
    return records[doc_id] if records[doc_id].id == doc_id else None
