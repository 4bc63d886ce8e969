"""Research synthesis: themes across insights, and the health of the tag vocabulary."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from pmops import taxonomy
from pmops.errors import InvalidInput, NotFound
from pmops.text import count

GROUPINGS = ("tag", "area", "segment")
DEFAULT_PERIOD = dt.timedelta(days=90)


@dataclass
class Theme:
    key: str
    insights: list = field(default_factory=list)  # kb.Record, newest first
    cited_by: set[str] = field(default_factory=set)  # decision ids
    current: int = 0  # insights in this period
    previous: int = 0  # in the period before

    @property
    def customers(self) -> int:
        return len({str(r.values["customer"]).casefold() for r in self.insights if r.values.get("customer")})

    @property
    def segments(self) -> list[str]:
        return sorted({r.values["segment"] for r in self.insights if r.values.get("segment")})

    @property
    def trend(self) -> str:
        return "new" if self.current and not self.previous else "up" if self.current > self.previous else (
            "down" if self.current < self.previous else "flat")  # fmt: skip

    @property
    def latest_quote(self) -> tuple[str, str] | None:
        """(quote, insight id) of the newest insight that has a quote."""
        for record in self.insights:
            if record.values.get("quote"):
                return record.values["quote"], record.id
        return None

    def to_json(self) -> dict:
        quote = self.latest_quote
        return {
            "theme": self.key, "insights": len(self.insights), "customers": self.customers, "segments": self.segments,
            "trend": {"current": self.current, "previous": self.previous, "direction": self.trend},
            "latest_quote": {"text": quote[0], "id": quote[1]} if quote else None,
            "addressed": bool(self.cited_by), "decisions": sorted(self.cited_by),
            "ids": [r.id for r in self.insights],
        }  # fmt: skip


def themes(kb, by: str = "tag", since: dt.date | None = None, today: dt.date | None = None) -> list[Theme]:  # noqa: ANN001
    """Insights grouped by tag, area or segment, biggest first, with their trend and coverage.

    The trend compares the period from `since` to today with the period of the same
    length before it (without `since`: the last 90 days against the 90 before).
    """
    if by not in GROUPINGS:
        raise InvalidInput(f"--by: '{by}' is not one of: {', '.join(GROUPINGS)}")
    today = today or dt.date.today()
    start = since or today - DEFAULT_PERIOD
    before = start - (today - start)
    cited: dict[str, set[str]] = defaultdict(set)
    for decision in kb.records(kb.doctype("decision")):
        for ref in decision.values.get("evidence") or []:
            cited[ref].add(decision.id)
    groups: dict[str, Theme] = {}
    for record in kb.select(kb.doctype("insight")):
        when = record.values.get("date")
        if since and (not isinstance(when, dt.date) or when < since):
            continue
        value = record.values.get("tags" if by == "tag" else by)
        for key in value if isinstance(value, list) else [value] if value else []:
            theme = groups.setdefault(key, Theme(key))
            theme.insights.append(record)
            theme.cited_by |= cited.get(record.id, set())
            if isinstance(when, dt.date):
                theme.current += start <= when <= today
                theme.previous += before <= when < start
    return sorted(groups.values(), key=lambda t: (-len(t.insights), t.key))


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


def tag_report(kb) -> TagReport:  # noqa: ANN001
    used: Counter = Counter()
    unknown: dict[str, list[str]] = defaultdict(list)
    vocabulary = kb.taxonomy
    for record in kb.records():
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


def rename_tag(kb, old: str, new: str, *, commit: bool | None = None) -> Renamed:  # noqa: ANN001
    """Rename a tag in every document and in the taxonomy (OLD becomes a synonym), in one commit.

    NEW is read as the taxonomy reads it: a synonym of another tag stands for that tag (OLD
    is merged into it); a synonym of OLD itself becomes the tag, OLD its synonym; a
    deprecated tag is refused. In documents only the `tags:` line changes.
    """
    from pmops import documents

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
        if old in tags and record.type != "page":
            renamed = list(dict.fromkeys(new if t == old else t for t in tags))
            changes.append((kb.root / record.path, record.doc, record.doc.with_fields({"tags": renamed})))
    path = kb.root / taxonomy.FILENAME
    before = documents.parse_yaml_file(taxonomy.FILENAME, path.read_bytes()) if path.exists() else None
    known = old in vocabulary.tags or old in vocabulary.synonyms or old in vocabulary.deprecated
    if before is None or (not known and not changes):
        raise NotFound(f"tag '{old}' is neither in {taxonomy.FILENAME} nor used by any document")
    if not vocabulary.empty and new not in vocabulary.tags and old not in vocabulary.tags:
        # OLD has no line in a facet to become NEW: documents would carry a tag the taxonomy does not know.
        raise InvalidInput(f"'{new}' is not in {taxonomy.FILENAME}, and '{old}' is not one of its tags",
                           hint=f"add '{new}' to a facet first, or rename '{old}' to a tag that is there")  # fmt: skip
    after = _renamed_taxonomy(before, old, new, new in vocabulary.tags)
    changes.append((path, before, after))
    message = f"pmops: rename tag {old} to {new} ({count(len(changes) - 1, 'document')})"
    return Renamed(old, new, len(changes) - 1, kb.write(changes, message, commit=commit), note)


def _renamed_taxonomy(doc, old: str, new: str, new_exists: bool):  # noqa: ANN001, ANN201 - Document
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

    def parsed(text_lines: list[str]):  # noqa: ANN202 - Document
        return documents.parse_yaml_file(doc.path, (("\ufeff" if doc.bom else "") + "".join(text_lines)).encode("utf-8"))

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
