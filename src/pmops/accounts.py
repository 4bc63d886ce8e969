"""The customer register: each customer's record (ARR, segment, plan, renewal, owner, aliases),
found by its name or any alias, as `customers.key` reads names ("ACME Inc." is "Acme").

`register(kb)` reads the register once; `Register.get(name)` gives a name's record (or None),
`Register.closest(name)` the name it was probably meant to be. `customer(kb, name)` is the one
call for a single name. `account(kb, record)` is what `pmops show` adds to a customer's page:
the insights naming it, their themes, and the decisions that cite them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pmops import customers
from pmops.errors import NotFound

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase, Record

TYPE = "customer"
RENEWAL_WINDOW = dt.timedelta(days=90)  # "renewals due": today and the 89 days after it… see renews_within


@dataclass(frozen=True)
class Customer:
    """One customer's record in the register."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    segment: str | None = None
    plan: str | None = None
    arr: int | float | None = None  # annual recurring revenue, in the KB's one currency
    renewal: dt.date | None = None
    owner: str | None = None  # the account owner, a person's name
    path: str = ""
    archived: bool = False  # kept for the record (a customer who left): its names are still known
    fields: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # every value of its document

    @classmethod
    def of(cls, record: Record) -> Customer:
        from pmops.kb.records import is_archived

        values = record.values
        arr = values.get("arr")
        renewal = values.get("renewal")
        return cls(
            id=record.id or record.path,
            name=record.title,
            aliases=tuple(str(a) for a in values.get(record.doctype.aliases or "aliases") or []),
            segment=_text(values.get("segment")),
            plan=_text(values.get("plan")),
            arr=arr if isinstance(arr, (int, float)) and not isinstance(arr, bool) else None,
            renewal=renewal if isinstance(renewal, dt.date) else None,
            owner=_text(values.get("owner")),
            path=record.path,
            archived=is_archived(record),
            fields=dict(values),
        )

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def renews_within(self, today: dt.date, window: dt.timedelta = RENEWAL_WINDOW) -> bool:
        """Whether its renewal falls in the window from today: today and the next 89 days for 90."""
        return self.renewal is not None and today <= self.renewal < today + window

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "aliases": list(self.aliases), "segment": self.segment,
            "plan": self.plan, "arr": self.arr, "renewal": self.renewal.isoformat() if self.renewal else None,
            "owner": self.owner, "path": self.path,
        }  # fmt: skip


def _text(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


class Register:
    """The customers of a KB, by every name they go by (keys of `customers.key`)."""

    def __init__(self, records: list[Customer]) -> None:
        self.customers = records
        # clashes: (name, first, second): one name, two customers
        self._by_key, self.clashes = customers.keyed(records, lambda c: c.names)

    def __len__(self) -> int:
        return len(self.customers)

    def __bool__(self) -> bool:
        return bool(self.customers)

    def __iter__(self) -> Iterator[Customer]:
        return iter(self.customers)

    def get(self, name: object) -> Customer | None:
        """The customer a name (or alias) stands for, any spelling `customers.key` folds; else None."""
        key = customers.key(name)
        return self._by_key.get(key) if key else None

    def find(self, name: object) -> Customer | None:
        """The customer a name or alias stands for, else the one whose name starts with those words
        ("pinecrest"), else None (customers.named: the records layer finds them so too)."""
        return customers.named(name, self._by_key)

    def closest(self, name: object) -> str | None:
        """The register's name (or alias) most like one it does not know, when one is close enough."""
        return customers.closest_name(name, self._by_key, lambda c: c.names)

    def renewals(self, today: dt.date, window: dt.timedelta = RENEWAL_WINDOW) -> list[Customer]:
        """Live customers renewing in the window from today, soonest first."""
        due = [c for c in self.customers if not c.archived and c.renews_within(today, window)]
        return sorted(due, key=lambda c: (c.renewal, c.name.casefold()))


def register(kb: KnowledgeBase, type_name: str = TYPE) -> Register:
    """The KB's customer register, archived customers included (their names are still theirs).
    `type_name`: another type whose documents are matched by name and aliases (`DocType.aliases`)."""
    doctype = kb.doctype(type_name)
    return Register([Customer.of(r) for r in sorted(kb.select(doctype, archived=None), key=lambda r: r.path)])


def customer(kb: KnowledgeBase, name: str) -> Customer:
    """The record of the customer a name or alias stands for (or the one whose name starts with
    those words); NotFound offers the close match."""
    known = register(kb)
    found = known.find(name)
    if found is None:
        close = known.closest(name)
        raise NotFound(
            f"no customer named '{name}' in the register",
            hint=f"did you mean '{close}'?" if close else "'pmops customer list' shows the register",
        )
    return found


@dataclass(frozen=True)
class Addressed:
    """A decision on a customer's page: what of theirs it cites — their insights as evidence, the opportunities
    their insights support — and its state."""

    title: str
    state: str
    evidence: list[str]  # their insights it cites
    opportunities: list[str]  # the opportunities it addresses that their insights support


@dataclass
class Account:
    """What `pmops show` adds to a customer's page: its insights, their themes, the opportunities they support,
    and the decisions citing the insights or addressing those opportunities (insight → opportunity → decision)."""

    customer: Customer
    insights: list = field(default_factory=list)  # kb.Record, newest first
    themes: dict[str, int] = field(default_factory=dict)  # theme tag -> its insights from this customer
    # an opportunity their insights support: id -> (title, status, their insights among its evidence)
    opportunities: dict[str, tuple[str, str, list[str]]] = field(default_factory=dict)
    decisions: dict[str, Addressed] = field(default_factory=dict)  # id -> what of theirs it cites

    def to_json(self) -> dict[str, Any]:
        return {
            "insights": [{"id": r.id, "title": r.title, "date": _iso(r.values.get("date")),
                          "segment": r.values.get("segment"), "tags": r.values.get("tags") or []}
                         for r in self.insights],
            "themes": [{"theme": t, "insights": n} for t, n in self.themes.items()],
            "opportunities": [{"id": o, "title": title, "status": status, "evidence": cited}
                              for o, (title, status, cited) in self.opportunities.items()],
            "decisions": [{"id": d, "title": a.title, "state": a.state, "evidence": a.evidence,
                           "opportunities": a.opportunities} for d, a in self.decisions.items()],
        }  # fmt: skip


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def account(kb: KnowledgeBase, record: Record) -> Account:
    """A customer's insights (named by its name or an alias), their theme tags (most insights
    first), the opportunities (archived ones left out) whose evidence holds one of them, and every decision
    citing one of them as evidence or addressing one of those opportunities, with its state."""
    from pmops import research

    this = Customer.of(record)
    known = register(kb)
    found = Account(this)
    for insight in kb.select(kb.doctype("insight")):
        match = known.get(insight.values.get("customer"))
        if match is not None and match.id == this.id:
            found.insights.append(insight)
    vocabulary = kb.taxonomy
    signals = vocabulary.signals()
    counted: dict[str, int] = {}
    for insight in found.insights:
        for tag in dict.fromkeys(vocabulary.canonical(t) for t in insight.values.get("tags") or []):
            if tag not in signals:
                counted[tag] = counted.get(tag, 0) + 1
    found.themes = dict(sorted(counted.items(), key=lambda kv: (-kv[1], kv[0])))
    ids = {r.id for r in found.insights}
    for opportunity in kb.select(kb.doctype("opportunity")) if ids else []:
        theirs = [str(ref) for ref in opportunity.values.get("evidence") or [] if str(ref) in ids]
        if theirs and opportunity.id:
            found.opportunities[opportunity.id] = (opportunity.title, str(opportunity.values.get("status") or ""),
                                                   list(dict.fromkeys(theirs)))  # fmt: skip
    decision_type = kb.doctype("decision")
    cites = [f.name for f in decision_type.fields if f.evidence]
    addresses = [f.name for f in decision_type.fields if f.refers == "opportunity"]
    for decision in kb.select(decision_type) if ids else []:
        cited = [str(ref) for name in cites for ref in decision.values.get(name) or [] if str(ref) in ids]
        via = [str(ref) for name in addresses for ref in decision.values.get(name) or []
               if str(ref) in found.opportunities]  # fmt: skip
        if (cited or via) and decision.id:
            found.decisions[decision.id] = Addressed(decision.title, research.decision_state(decision), cited, via)
    return found
