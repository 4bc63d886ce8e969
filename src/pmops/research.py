"""Research synthesis: themes across insights, and the health of the tag vocabulary.

(Over 400 lines: themes, and the tag vocabulary's report and rename, all read the insights' tags
through the same taxonomy; the rename rewrites only the lines of the tags it changes.)
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pmops import customers, dates, taxonomy
from pmops.errors import DocumentError, InvalidInput, NotFound, not_a_choice
from pmops.text import count

if TYPE_CHECKING:
    from pmops.accounts import Customer, Register
    from pmops.documents import Document
    from pmops.kb import KnowledgeBase, Record

GROUPINGS = ("tag", "area", "segment")
WEIGHTS = ("arr", "customers", "insights")  # what ranks themes with --weight: the revenue behind them, or counts
DEFAULT_PERIOD = dt.timedelta(days=90)
IN_FORCE = "accepted"  # the state of a decision that addresses a theme: accepted and not superseded


def decision_state(record: Record) -> str:
    """'accepted' for a decision in force; else its status, 'superseded' when another replaced it."""
    status = str(record.values.get("status") or "unknown")
    return "superseded" if record.values.get("superseded_by") and status == "accepted" else status


@dataclass
class Theme:
    key: str
    insights: list = field(default_factory=list)  # kb.Record, newest first
    decisions: dict[str, str] = field(default_factory=dict)  # id of every decision citing it -> decision_state
    signals: Counter = field(default_factory=Counter)  # signal tag -> insights of this theme carrying it
    current: int = 0  # insights in this period
    previous: int = 0  # in the period before
    older: int = 0  # before both periods: a theme with older insights is not new
    register: Register | None = None  # the customer register, when themes are weighted (--weight)

    @property
    def cited_by(self) -> set[str]:
        """Every decision citing one of its insights, whatever its status (see addressed_by)."""
        return set(self.decisions)

    def _in_state(self, state: str) -> list[str]:
        return sorted(d for d, s in self.decisions.items() if s == state)

    @property
    def addressed_by(self) -> list[str]:
        """The accepted decisions in force that cite one of its insights."""
        return self._in_state(IN_FORCE)

    @property
    def proposed(self) -> list[str]:
        return self._in_state("proposed")

    @property
    def addressed(self) -> bool:
        return bool(self.addressed_by)

    @property
    def customers(self) -> int:
        """Distinct customers named by its insights, names normalised (customers.key); weighted, a
        customer's aliases in the register count as that customer."""
        if self.register is None:
            return customers.distinct(r.values.get("customer") for r in self.insights)
        names = (r.values.get("customer") for r in self.insights)
        return len({(found.id if (found := self.register.get(n)) else key) for n in names if (key := customers.key(n))})

    @property
    def accounts(self) -> list[Customer]:
        """The register's customers its insights name (weighted themes), by name."""
        if self.register is None:
            return []
        found = {c.id: c for r in self.insights if (c := self.register.get(r.values.get("customer")))}
        return sorted(found.values(), key=lambda c: c.name.casefold())

    @property
    def arr(self) -> float:
        """The revenue behind it: the sum of the ARR of the distinct customers its insights name, archived
        (lost) customers' left out, as prioritize leaves them out of Reach."""
        return sum(c.arr or 0 for c in self.accounts if not c.archived)

    @property
    def unregistered(self) -> int:
        """Customers its insights name that the register does not have (weighted themes)."""
        if self.register is None:
            return 0
        names = (r.values.get("customer") for r in self.insights)
        return len({key for n in names if (key := customers.key(n)) and self.register.get(n) is None})

    def renewals(self, today: dt.date) -> list[Customer]:
        """Its customers renewing in the next 90 days (today and the 89 after), soonest first."""
        due = [c for c in self.accounts if not c.archived and c.renews_within(today)]
        return sorted(due, key=lambda c: (c.renewal, c.name.casefold()))

    @property
    def without_customer(self) -> int:
        """Its insights that name no customer."""
        return sum(customers.key(r.values.get("customer")) is None for r in self.insights)

    @property
    def segments(self) -> list[str]:
        return sorted({r.values["segment"] for r in self.insights if r.values.get("segment")})

    @property
    def trend(self) -> str:
        return "new" if self.current and not self.previous and not self.older else "up" if self.current > self.previous else (
            "down" if self.current < self.previous else "flat")  # fmt: skip

    @property
    def ranked_signals(self) -> list[tuple[str, int]]:
        """(signal tag, insights) most frequent first."""
        return sorted(self.signals.items(), key=lambda kv: (-kv[1], kv[0]))

    @property
    def latest_quote(self) -> tuple[str, str] | None:
        """(quote, insight id) of the newest insight that has a quote, personal data masked."""
        from pmops import pii

        for record in self.insights:
            if record.values.get("quote"):
                return pii.redact(str(record.values["quote"])), record.id
        return None

    def to_json(self) -> dict:
        quote = self.latest_quote
        return {
            "theme": self.key, "insights": len(self.insights), "signals": dict(self.ranked_signals),
            "customers": self.customers, "without_customer": self.without_customer, "segments": self.segments,
            "trend": {"current": self.current, "previous": self.previous, "direction": self.trend},
            "latest_quote": {"text": quote[0], "id": quote[1]} if quote else None,
            "addressed": self.addressed, "decisions": self.addressed_by, "proposed": self.proposed,
            "cited_by": [{"id": d, "state": self.decisions[d]} for d in sorted(self.decisions)],
            "ids": [r.id for r in self.insights],
        }  # fmt: skip

    def weighted_json(self, today: dt.date) -> dict:
        """to_json() and what --weight adds: the ARR behind it, its customers, renewals due."""
        return {**self.to_json(), "arr": self.arr, "unregistered_customers": self.unregistered,
                "accounts": [{"id": c.id, "name": c.name, "arr": c.arr} for c in self.accounts],
                "renewals": [{"id": c.id, "name": c.name, "renewal": c.renewal.isoformat() if c.renewal else None,
                              "arr": c.arr} for c in self.renewals(today)]}  # fmt: skip


class Themes(list):
    """The themes, biggest first, and what a reader needs to check them: the period, what was counted."""

    def __init__(self, themes: list[Theme], *, by: str, signals: bool, start: dt.date, end: dt.date,
                 insights: int, ungrouped: int, weight: str | None = None) -> None:  # fmt: skip
        super().__init__(themes)
        self.by, self.signals, self.start, self.end, self.weight = by, signals, start, end, weight
        self.insights = insights  # insights counted (after --since)
        self.ungrouped = ungrouped  # of which in no group: no theme tag (or signal, or area, or segment)


STATE_ORDER = ("proposed", "rejected", "superseded", "deprecated")


def customers_text(named: int, without: int = 0) -> str:
    """'3 customers', 'no customer named', '3 customers; 1 insight names none'."""
    if not named:
        return "no customer named"
    unnamed = f"; {count(without, 'insight')} name{'s' if without == 1 else ''} none" if without else ""
    return count(named, "customer") + unnamed


def addressed_text(states: dict[str, str]) -> str:
    """'addressed by dec-a' or 'not addressed', then the other decisions citing it by state ('proposed: dec-b')."""
    by_state: dict[str, list[str]] = defaultdict(list)
    for decision, state in sorted(states.items()):
        by_state[state].append(decision)
    parts = [f"addressed by {', '.join(by_state[IN_FORCE])}" if by_state[IN_FORCE] else "not addressed"]
    others = [s for s in STATE_ORDER if by_state[s]] + sorted(set(by_state) - {IN_FORCE, *STATE_ORDER})
    return "; ".join(parts + [f"{state}: {', '.join(by_state[state])}" for state in others if by_state[state]])


def doubtful_arr(kb: KnowledgeBase, found: list[Theme]) -> tuple[str, ...]:
    """One warning per customer whose ARR a weighted theme counts and is too large to be meant, by the rule
    prioritize, import, set and lint use (Field.doubtful: a billion or more, cents?): 'warning: Tau: arr
    9,500,000,000 USD is a billion or more: cents, or a decimal point lost? counted in the themes' ARR as
    given'."""
    from pmops import accounts
    from pmops.text import whole

    arr = kb.doctype(accounts.TYPE).field("arr")
    said: dict[str, str] = {}
    for customer in (c for t in found for c in t.accounts if not c.archived and c.arr):
        if customer.id not in said and arr is not None and (doubt := arr.doubtful(whole(customer.arr))):
            said[customer.id] = f"warning: {customer.name}: {doubt} counted in the themes' ARR as given"
    return tuple(said.values())


def themes(kb: KnowledgeBase, by: str = "tag", since: dt.date | None = None, today: dt.date | None = None, *,
           signals: bool = False, weight: str | None = None, insights: list[Record] | None = None,
           archived: bool | None = False) -> Themes:  # fmt: skip
    """Insights grouped by theme tag, area or segment, biggest first, with their trend and coverage.

    By tag, the groups are the taxonomy's problem themes, and each counts the signal tags
    (kinds of evidence: bug, praise…) of its insights; `signals` groups by signal tags instead.
    A synonym or a deprecated tag counts as the tag it stands for. The trend compares the
    period from `since` to today with the period of the same length before it (without
    `since`: the last 90 days against the 90 before).

    `weight` ranks them by the revenue behind them (`arr`: the sum of the ARR of the distinct
    customers of the register their insights name), by `customers` or by `insights`, ties broken
    by the next of those, then by name; weighted themes carry the register (their accounts,
    ARR and renewals due).

    `insights`: the ones to count, when the caller has them (the digest: those of both periods);
    else the live insights (`archived` False), the archived ones (True) or all (None).
    """
    if by not in GROUPINGS:
        raise not_a_choice("--by", GROUPINGS)
    if weight is not None and weight not in WEIGHTS:
        raise not_a_choice("--weight", WEIGHTS)
    if signals and by != "tag":
        raise InvalidInput(f"--signals counts signal tags: it goes with --by tag, not --by {by}")
    today = today or dt.date.today()
    if since and since > today:
        raise InvalidInput(f"--since {since} is after today ({today})")
    # Both periods count their first and last day: the last 90 days are today and the 89 before.
    start = since or today - DEFAULT_PERIOD + dt.timedelta(days=1)
    before = start - (today - start + dt.timedelta(days=1))
    states: dict[str, dict[str, str]] = defaultdict(dict)  # insight id -> {decision id: state}
    for decision in kb.records(kb.doctype("decision")):
        if dates.after(decision.values.get("date"), today):
            continue  # not taken yet on `today`
        for ref in decision.values.get("evidence") or []:
            states[str(ref).strip()][decision.id] = decision_state(decision)
    vocabulary = kb.taxonomy
    signal_tags = vocabulary.signals()
    groups: dict[str, Theme] = {}
    counted = ungrouped = 0
    for record in kb.select(kb.doctype("insight"), archived=archived) if insights is None else insights:
        when = record.values.get("date")
        dated = isinstance(when, dt.date)
        if dates.after(when, today):
            continue  # not heard yet on `today` (lint flags a date after the real today)
        tags = list(dict.fromkeys(vocabulary.canonical(t) for t in record.values.get("tags") or []))
        if by == "tag":
            keys = [t for t in tags if (t in signal_tags) == signals]
        else:
            keys = [record.values[by]] if record.values.get(by) else []
        if since and (not dated or when < since):
            # Outside the insights counted, but in the period the trend compares with; and a
            # decision that addressed the theme with older evidence still addresses it.
            for key in keys:
                theme = groups.setdefault(key, Theme(key))
                theme.decisions.update(states.get(record.id, {}))
                if dated and before <= when:
                    theme.previous += 1
                elif dated:
                    theme.older += 1
            continue
        counted += 1
        ungrouped += not keys
        for key in keys:
            theme = groups.setdefault(key, Theme(key))
            theme.insights.append(record)
            theme.decisions.update(states.get(record.id, {}))
            if not signals:
                theme.signals.update(t for t in tags if t in signal_tags)
            if dated:
                theme.current += start <= when <= today
                theme.previous += before <= when < start
                theme.older += when < before
    found = sorted((t for t in groups.values() if t.insights), key=lambda t: (-len(t.insights), t.key))
    if weight is not None:
        from pmops import accounts

        register = accounts.register(kb)
        for theme in found:
            theme.register = register
        ranks = {"arr": lambda t: (-t.arr, -t.customers, -len(t.insights), t.key),
                 "customers": lambda t: (-t.customers, -t.arr, -len(t.insights), t.key),
                 "insights": lambda t: (-len(t.insights), -t.arr, -t.customers, t.key)}  # fmt: skip
        found.sort(key=ranks[weight])
    return Themes(found, by=by, signals=signals, start=start, end=today, insights=counted, ungrouped=ungrouped,
                  weight=weight)  # fmt: skip


@dataclass
class TagReport:
    used: Counter  # tag -> documents using it
    facets: dict[str, str]  # taxonomy tag -> facet
    unknown: dict[str, list[str]]  # tag not in the taxonomy -> paths
    unused: list[str]

    def to_json(self) -> dict:
        known = [{"tag": t, "facet": f, "count": self.used.get(t, 0)} for t, f in sorted(self.facets.items())]
        return {
            "tags": known,
            "unknown": [{"tag": t, "count": len(p), "paths": p} for t, p in sorted(self.unknown.items())],
            "unused": self.unused,
        }


def tag_report(kb: KnowledgeBase, archived: bool | None = False) -> TagReport:
    """Every tag with the documents using it, the unknown ones, the unused ones: of the live documents
    (`archived` False, as every report), the archived ones (True) or all (None)."""
    from pmops.kb.records import shown

    used: Counter = Counter()
    unknown: dict[str, list[str]] = defaultdict(list)
    vocabulary = kb.taxonomy
    for record in shown(kb.records(), archived):
        for tag in record.values.get("tags") or []:
            used[tag] += 1
            if tag not in vocabulary.tags:
                unknown[tag].append(record.path)
    facets = vocabulary.tags
    return TagReport(used, facets, dict(unknown), sorted(t for t in facets if not used.get(t)))


@dataclass
class Renamed:
    old: str
    new: str  # the tag documents now carry
    documents: int
    commit: str | None
    note: str = ""  # how NEW was read: "'export' is a synonym of 'data-export'"


def rename_tag(kb: KnowledgeBase, old: str, new: str, *, commit: bool | None = None) -> Renamed:
    """Rename a tag in every document and in the taxonomy (OLD becomes a synonym), in one commit.

    NEW is read as the taxonomy reads it: a synonym of another tag stands for that tag (OLD
    is merged into it); a synonym of OLD itself becomes the tag, OLD its synonym; a
    deprecated tag is refused. In documents only the tag's own text changes: comments beside
    it and between the lines of a list stay.
    """
    from pmops import documents
    from pmops.kb import Change

    old, new = taxonomy.normalise(old), taxonomy.normalise(new)
    if not old or not new:
        raise InvalidInput("both tags must have letters or digits")
    if old == new:
        raise InvalidInput(f"'{old}' and '{new}' are the same tag")
    vocabulary = kb.taxonomy
    if new in vocabulary.deprecated:
        raise InvalidInput(f"'{new}' is deprecated in {taxonomy.FILENAME} in favour of '{vocabulary.deprecated[new]}'",
                           hint=f"rename to '{vocabulary.deprecated[new]}', or take '{new}' out of 'deprecated' first")  # fmt: skip
    note = ""
    if new in vocabulary.synonyms and vocabulary.synonyms[new] != old:
        note = f"'{new}' is a synonym of '{vocabulary.synonyms[new]}' in {taxonomy.FILENAME}"
        new = vocabulary.synonyms[new]
        if new == old:  # pragma: no cover - excluded just above; kept so no edit ever maps a tag onto itself
            raise InvalidInput(f"'{old}' and '{new}' are the same tag")
    elif new in vocabulary.synonyms:
        note = f"'{new}' was a synonym of '{old}': it becomes the tag, and '{old}' its synonym"
    changes = []
    for record in kb.records():
        tags = record.values.get("tags") or []
        if old in tags and record.doctype.writable:
            changes.append(Change(kb.root / record.path, record.doc, _tag_renamed(record.doc, tags, old, new)))
    path = kb.root / taxonomy.FILENAME
    before = documents.parse_yaml_file(taxonomy.FILENAME, kb.read_bytes(path)) if path.exists() else None
    known = old in vocabulary.tags or old in vocabulary.synonyms or old in vocabulary.deprecated
    if before is None or (not known and not changes):
        raise NotFound(f"tag '{old}' is neither in {taxonomy.FILENAME} nor used by any document")
    if not vocabulary.empty and new not in vocabulary.tags and old not in vocabulary.tags:
        # OLD has no line in a facet to become NEW: documents would carry a tag the taxonomy does not know.
        raise InvalidInput(f"'{new}' is not in {taxonomy.FILENAME}, and '{old}' is not one of its tags",
                           hint=f"add '{new}' to a facet first, or rename '{old}' to a tag that is there")  # fmt: skip
    after = _renamed_taxonomy(before, old, new, new in vocabulary.tags)
    changes.append(Change(path, before, after))
    message = f"pmops: rename tag {old} to {new} ({count(len(changes) - 1, 'document')})"
    return Renamed(old, new, len(changes) - 1, kb.write(changes, message, commit=commit), note)


def _tag_renamed(doc: Document, tags: list[str], old: str, new: str) -> Document:
    """The document with OLD written as NEW in its tags, or taken out where NEW is there already.
    Edited in place (quotes, comments and layout kept); a list written in a way that cannot be
    edited in place (quoted with escapes, say) is written anew, as it always was."""
    kept = new in tags

    def renamed(tag: str) -> str | None:
        nonlocal kept
        if tag != old:
            return tag
        if kept:
            return None
        kept = True
        return new

    try:
        return doc.with_list_items("tags", renamed)
    except DocumentError:
        return doc.with_fields({"tags": list(dict.fromkeys(new if t == old else t for t in tags))})


def _renamed_taxonomy(doc: Document, old: str, new: str, new_exists: bool) -> Document:
    """The taxonomy with OLD replaced by NEW in its facet (or dropped, when NEW exists),
    synonyms and deprecated tags that meant OLD meaning NEW, and OLD mapped to NEW (as a
    synonym, or as a deprecated tag if it was one); every other line as it was. No tag
    ever maps to itself or to another synonym."""
    lines = doc.frontmatter.splitlines(keepends=True)
    item = re.compile(rf"^(\s*-\s*){re.escape(old)}(\s*(#.*)?)$")
    flow = re.compile(rf"(?<=[\[,\s]){re.escape(old)}(?=\s*[,\]])")
    for i, line in enumerate(lines):
        body, ending = line.rstrip("\r\n"), line[len(line.rstrip("\r\n")) :]
        if item.match(body):
            lines[i] = "" if new_exists else item.sub(rf"\g<1>{new}\g<2>", body) + ending
            break
        if "[" in body and flow.search(body) and not body.lstrip().startswith(("synonyms", "deprecated")):
            replaced = flow.sub("" if new_exists else new, body, count=1)
            lines[i] = re.sub(r",\s*,", ",", re.sub(r"\[\s*,\s*", "[", re.sub(r",\s*\]", "]", replaced))) + ending
            break
    from pmops import documents

    def parsed(text_lines: list[str]) -> Document:
        return documents.parse_yaml_file(
            doc.path, (("\ufeff" if doc.bom else "") + "".join(text_lines)).encode("utf-8")
        )

    # The write checks the file against `doc` (as read); `edited` only carries the new text.
    edited = parsed(lines)
    tables = {key: dict(edited.meta.get(key) or {}) for key in ("synonyms", "deprecated")}
    changed = {}
    for key, table in tables.items():
        # NEW itself stops being a synonym (it is the tag now); what meant OLD means NEW.
        mapped = {k: (new if old in (taxonomy.normalise(v), taxonomy.normalise(k)) else v)
                  for k, v in table.items() if taxonomy.normalise(k) != new}  # fmt: skip
        if key == "synonyms" and not any(taxonomy.normalise(k) == old for k in [*table, *tables["deprecated"]]):
            mapped[old] = new  # a deprecated OLD stays deprecated, in favour of NEW
        if mapped != table:
            changed[key] = mapped
    synonyms = {taxonomy.normalise(k) for k in changed.get("synonyms", tables["synonyms"])}
    for key, table in changed.items():
        for k, v in table.items():
            if taxonomy.normalise(k) == taxonomy.normalise(v) or taxonomy.normalise(v) in synonyms:
                raise InvalidInput(f"{taxonomy.FILENAME}: {key} '{k}: {v}' would map a tag onto itself or onto a synonym",
                                   hint=f"fix '{k}' in {taxonomy.FILENAME} by hand, then rename again")  # fmt: skip
    if not changed:
        return edited
    # Edit the lines of the entries, so the comments product ops wrote between them stay;
    # when the file is written some other way (flow style), rewrite the two mappings.
    added = old in changed.get("synonyms", {}) and old not in tables["synonyms"]
    kept = _remapped_lines(lines, old, new, add=added)
    if kept is not None:
        candidate = parsed(kept)
        if candidate.meta == {**edited.meta, **changed}:
            return candidate
    return edited.with_fields(changed)


_TOP_KEY = re.compile(r"^(?P<key>[^\s#-][^:#]*):")
_ENTRY = re.compile(r"^(?P<indent>[ \t]+)(?P<key>[^\s#:][^:#]*?)[ \t]*:[ \t]*(?P<value>[^\s#]+)(?P<rest>[ \t]*(#.*)?)$")


def _remapped_lines(lines: list[str], old: str, new: str, *, add: bool) -> list[str] | None:
    """The block-style `synonyms:` and `deprecated:` entries edited line by line: values (and a
    deprecated key) OLD become NEW, NEW's own synonym entry goes, `old: new` is added after the
    last synonym. None when there is no block-style synonym to add it after."""
    out: list[str] = []
    block, last = None, None
    for line in lines:
        body, ending = line.rstrip("\r\n"), line[len(line.rstrip("\r\n")) :]
        top = _TOP_KEY.match(body)
        if top:
            block = top.group("key").strip()
        entry = _ENTRY.match(body) if not top and block in ("synonyms", "deprecated") else None
        if entry:
            key, value = taxonomy.normalise(entry["key"]), taxonomy.normalise(entry["value"])
            if block == "synonyms" and key == new:
                continue
            if old in (key, value):
                line = f"{entry['indent']}{entry['key']}: {new}{entry['rest']}{ending}"
            if block == "synonyms":
                last = (len(out), entry["indent"], ending or "\n")
        out.append(line)
    if add:
        if last is None:
            return None
        at, indent, ending = last
        out.insert(at + 1, f"{indent}{old}: {new}{ending}")
    return out
