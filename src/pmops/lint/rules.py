"""The lint rules: each has a stable id, a severity and a one-line summary (docs/lint-rules.md).

(Over 400 lines: every rule in one table with its check, as doctypes.py keeps every type: a rule is
found, and its id, severity and summary read, in one place.)
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from pmops import bodies, ids, links
from pmops.doctypes import out_of_order
from pmops.errors import DocumentError, UnknownTag
from pmops.similarity import near_duplicates, shingles

if TYPE_CHECKING:
    from pmops.accounts import Register
    from pmops.documents import Document
    from pmops.kb import KnowledgeBase, Record


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    severity: str  # "error" | "warning"
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule} {self.severity} {self.message}"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    summary: str

    def finding(self, path: str, line: int, message: str, hint: str | None = None) -> Finding:
        return Finding(path, line, self.id, self.severity, message, hint)


RULES = {
    rule.id: rule
    for rule in (
        Rule("frontmatter-invalid", "error", "the file cannot be read without loss (YAML, encoding, shape)"),
        Rule("conflict-markers", "error", "unresolved git merge conflict markers"),
        Rule("field-missing", "error", "a field the document type requires is missing or empty"),
        Rule("field-choice", "error", "a value is not among the field's choices"),
        Rule("field-date", "error", "a date field holds no date pmops can read"),
        Rule("field-date-format", "warning", "a date field is read as a date, but not written YYYY-MM-DD"),
        Rule("field-invalid", "error", "a value does not have the field's kind (number, list, ...)"),
        Rule("amount-doubtful", "warning", "an amount of money too large to be meant (cents written as units?)"),
        Rule("tag-unknown", "error", "a tag is not in taxonomy.yaml"),
        Rule("tag-synonym", "warning", "a tag is a synonym; the taxonomy prefers another spelling"),
        Rule("tag-deprecated", "warning", "a tag is deprecated in favour of another"),
        Rule("id-duplicate", "error", "two documents share one id"),
        Rule("source-key-duplicate", "error", "two insights were imported from one row (one source_key)"),
        Rule("section-missing", "error", "a section the document's type (or kind) requires is missing"),
        Rule("checkbox-syntax", "error", "a checklist item is not written '- [ ] text' or '- [x] text'"),
        Rule("link-broken", "error", "a link points to an id or a file that does not exist"),
        Rule("image-missing", "warning", "an image the text shows is not a file of the KB"),
        Rule("link-hidden", "warning", "a link to a dot-file or into a dot-folder (.env, .git/config)"),
        Rule("process-stale", "warning", "a process is past its review date"),
        Rule("process-duplicate", "warning", "two active processes of one kind are nearly the same text"),
        Rule("pii-card", "error", "a customer document contains a payment card number"),
        Rule("pii-email", "warning", "a customer document contains an email address"),
        Rule("pii-phone", "warning", "a customer document contains a phone number"),
        Rule("insight-date-future", "error", "an insight is dated after today"),
        Rule("date-future", "error", "a date of what has happened (a process's last review) is after today"),
        Rule("metric-value-future", "error", "a metric's value (in the CSV beside it) is dated after today"),
        Rule("metric-stale", "warning", "a metric has had no value for longer than its cadence allows"),
        Rule("metric-value-invalid", "error", "a row of a metric's values cannot be read as a date and a number"),
        Rule("metric-value-missing", "warning", "a row of a metric's values gives a day with no value"),
        Rule("metric-value-format", "warning", "a row of a metric's values is read, but not as pmops writes it"),
        Rule(
            "metric-value-range", "warning", "a doubtful value: 150 in %, a ratio in % (0.995), 10× off the recent ones"
        ),
        Rule("metric-value-duplicate", "warning", "a metric's values give one day twice, with different values"),
        Rule("values-orphaned", "warning", "a metric's values file (.csv) is beside no metric of its name"),
        Rule("evidence-after-decision", "warning", "a decision cites an insight dated after the decision"),
        Rule("customer-unknown", "warning", "an insight names a customer the customer register does not have"),
        Rule("customer-mismatch", "warning", "an insight's segment differs from its customer's record"),
        Rule("customer-name-duplicate", "warning", "two customers of the register share a name or an alias"),
        Rule("review-overdue", "warning", "a decision's review date has passed with no verdict recorded"),
        Rule("decision-proposed-stale", "warning", "a decision has been proposed for more than 30 days"),
        Rule("evidence-missing", "warning", "a document that rests on evidence (an opportunity) cites none"),
        Rule("opportunity-duplicate", "warning", "two live opportunities with one title, or one set of evidence"),
        Rule("ranking-edited", "error", "a recorded ranking whose scores or ranks are not what its method gives"),
        Rule("ranking-duplicate", "error", "two rankings of one area (or of every area) recorded for one cycle"),
        Rule(
            "person-unknown",
            "warning",
            "a field that names people (an owner, deciders) names someone not on the roster",
        ),
        Rule("person-left", "warning", "a live document's owner, manager or buddy has left the team"),
        Rule(
            "tool-notice-suspicious",
            "warning",
            "a tool's notice period is more than half a year, or has no renewal date to count back from",
        ),
    )
}

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?!\d)")  # what a file's date field holds (a date-time's date part too)
_WEB_ADDRESS = re.compile(
    r"^(www\.|([\w-]+\.)+(com|org|net|gov|edu|io)(/|$))", re.IGNORECASE
)  # a URL written without https://


@dataclass
class Context:
    """What the rules need beyond one document: the KB, today, and what the run collects."""

    kb: KnowledgeBase
    today: dt.date
    links: list[tuple[Document, str | int, str]] = field(
        default_factory=list
    )  # (doc, field or line, id), resolved at the end
    processes: list[tuple[str, str, str, frozenset]] = field(default_factory=list)  # path, kind, owner, shingles
    dated: dict[str, tuple[str, dt.date]] = field(default_factory=dict)  # id -> its type and date
    evidence: list[tuple[Document, str, dt.date, list[str], str]] = field(
        default_factory=list
    )  # doc, field, date, ids cited, their type
    source_keys: dict[str, str] = field(default_factory=dict)  # an imported row's key -> the first file holding it
    # a live opportunity's title (folded) or evidence (the set of ids) -> the first file holding it
    opportunities: dict[tuple[str, object], str] = field(default_factory=dict)
    paths: list[tuple[str, links.Link]] = field(default_factory=list)  # (page, its link by path), resolved at the end
    registers: dict[str, Register] = field(default_factory=dict)  # a type matched by name and aliases -> its register
    places: dict[str, str | None] = field(default_factory=dict)  # id -> its document's path (moved), asked once
    # A name no register has, by (its type, customers.key): where it is written, one finding for all (finish)
    unknown: dict[tuple[str, str], list[tuple[str, int, str, str]]] = field(default_factory=dict)

    def register(self, type_name: str) -> Register:
        """The documents of a type with aliases (the customers), by every name: read once a run."""
        if type_name not in self.registers:
            from pmops import accounts

            self.registers[type_name] = accounts.register(self.kb, type_name)
        return self.registers[type_name]

    @cached_property
    def resolver(self) -> links.Resolver:
        return links.Resolver(self.kb)

    def moved(self, doc_id: str) -> str | None:
        """The path of the document whose id is `doc_id`, wherever it sits (KnowledgeBase.find, by id
        only); None when none has it. Asked only for a broken link to a file named by an id."""
        from pmops.errors import PmopsError

        if doc_id not in self.places:
            try:
                found = self.kb.find(doc_id)
                self.places[doc_id] = found.path if found.id == doc_id else None
            except PmopsError:
                self.places[doc_id] = None
        return self.places[doc_id]

    @cached_property
    def people(self) -> dict[str, Record]:
        """The roster by name (case and spaces folded), read once a run."""
        from pmops.kb import roster

        return {roster.fold(p.title): p for p in roster.roster(self.kb)}


def _drifting(raw: str) -> str | None:
    """Why a date a file holds names another day as time passes ('has no year', 'is counted from today'), or None."""
    from pmops import dates

    if dates.relative(raw) is not None:
        return "is counted from today"
    try:
        dates.parse(raw, toward=None)
    except ValueError:
        return "has no year"
    return None


def check_record(ctx: Context, record: Record) -> Iterator[Finding]:
    """Every per-document rule. Pages get the reader's checks and links only."""
    _remember_links(ctx, record)
    _remember_evidence(ctx, record)
    doctype = record.doctype
    if not doctype.writable:  # a page's front-matter is foreign: no schema to check it against
        return
    doc = record.doc
    for fld in doctype.fields:  # a line number is looked up only for a finding
        problem = record.problems.get(fld.name)
        if problem:
            rule = {"date": "field-date", "choice": "field-choice"}.get(fld.kind, "field-invalid")
            hint = f"choose one of: {', '.join(fld.choices)}" if fld.choices else None
            yield RULES[rule].finding(doc.path, doc.line_of(fld.name), f"{fld.name}: {problem}", hint)
        elif fld.kind == "date" and isinstance(raw := doc.meta.get(fld.name), str) and not _ISO_DAY.match(raw.strip()):
            # Every reader (tool renewals, the digest, the report) reads 15/12/2026 as people write it, through
            # the one date reader (dates.parse); files keep the one form every tool sorts: a warning, with the fix.
            where, value = doc.line_of(fld.name), record.values[fld.name]
            fix = f"pmops set {record.id} {fld.name}={value}" if record.id else f"write {fld.name}: {value}"
            if drifts := _drifting(raw):  # read today as one day, another day later: no date a file can keep
                yield RULES["field-date"].finding(doc.path, where, f"{fld.name}: '{raw}' {drifts}: read as {value} "
                                                  "today, as another day later", fix)  # fmt: skip
                continue
            yield RULES["field-date-format"].finding(
                doc.path, where, f"{fld.name}: '{raw}' is read as {value}, and is not written YYYY-MM-DD", fix
            )
        elif fld.required and record.values.get(fld.name) in (None, "", []):
            yield RULES["field-missing"].finding(
                doc.path,
                doc.line_of(fld.name),
                f"missing required field '{fld.name}'",
                f"add '{fld.name}:' to the front-matter",
            )
        elif fld.kind == "tags":
            yield from _check_tags(ctx.kb, doc, fld.name, record.values.get(fld.name) or [])
        elif fld.kind == "money" and (doubt := fld.doubtful(record.values.get(fld.name))):
            yield RULES["amount-doubtful"].finding(
                doc.path, doc.line_of(fld.name), doubt,
                f"write the amount in {fld.currency} units (2400000 for 2,400,000.00), or keep it if it is meant",
            )  # fmt: skip
    for name, why in out_of_order(doctype, record.values):  # a file edited by hand: 12 seats used of 10
        yield RULES["field-invalid"].finding(doc.path, doc.line_of(name), f"{name}: {why}")
    if any(f.kind == "outputs" for f in doctype.fields) and record.values.get("outputs"):
        from pmops import outputs

        if why := outputs.filter_problem(ctx.kb, record):  # a source the KB's insights cannot have
            yield RULES["field-choice"].finding(doc.path, doc.line_of("outputs"), why)
    yield from _people(ctx, record)
    yield from _sections(record)
    yield from _checkboxes(record)
    if doctype.pii:
        yield from _pii(record)
    yield from _past_dates(ctx, record)
    for rule_ids, check in JOB_RULES:  # the rules of a type's job, named in its registry row (DocType.rules)
        if any(i in doctype.rules for i in rule_ids):
            yield from (f for f in check(ctx, record) if f.rule in doctype.rules)


def _people(ctx: Context, record: Record) -> Iterator[Finding]:
    """Every field that names people (kb.roster.names_people: `refers` to the person type), once the
    KB has a roster: a name not on it; and, in a `responsible` field of a live document (not
    archived, no status of its type's `ended`), someone who has left the team."""
    from pmops.doctypes import ARCHIVED
    from pmops.kb import roster

    fields = [f for f in record.doctype.fields if roster.names_people(f)]
    if not fields or not ctx.people:
        return
    status = str(record.values.get("status") or "")
    live = status != ARCHIVED and status not in record.doctype.ended
    doc = record.doc
    for fld in fields:
        value = record.values.get(fld.name)
        for name in value if isinstance(value, list) else [value]:
            if not isinstance(name, str) or not name.strip():
                continue
            person = ctx.people.get(roster.fold(name))
            if person is None:
                hint = (
                    roster.suggest(list(ctx.people.values()), name)
                    or f'add them: pmops person add "{name}" --role ROLE'
                )
                yield RULES["person-unknown"].finding(
                    doc.path, doc.line_of(fld.name), f"{fld.name}: '{name}' is not on the roster", hint
                )
            elif fld.responsible and live and person.path != record.path and roster.has_left(person, ctx.today):
                yield RULES["person-left"].finding(
                    doc.path, doc.line_of(fld.name),
                    f"{fld.name}: {person.title} left the team{roster.left_on(person)}",
                    f"hand it over: pmops set {record.id or record.path} {fld.name}=\"NAME\"",
                )  # fmt: skip


def _check_tags(kb: KnowledgeBase, doc: Document, name: str, tags: list[str]) -> Iterator[Finding]:
    vocabulary = kb.taxonomy
    for tag in tags:
        try:
            res = vocabulary.resolve(tag)
        except UnknownTag as exc:
            yield RULES["tag-unknown"].finding(doc.path, doc.line_of(name), f"unknown tag '{tag}'", exc.hint)
            continue
        if res.tag != tag:
            rule = "tag-deprecated" if tag in vocabulary.deprecated else "tag-synonym"
            message = f"tag '{tag}': {res.note or 'use ' + repr(res.tag)}"
            yield RULES[rule].finding(doc.path, doc.line_of(name), message, f"write '{res.tag}'")


def _sections(record: Record) -> Iterator[Finding]:
    required = record.doctype.sections_for(record.values)
    if not required:
        return
    present = {heading.casefold() for heading in bodies.section_headings(record.doc.body)}
    for section in required:
        if section.casefold() not in present:
            yield RULES["section-missing"].finding(
                record.path, record.doc.body_line, f"missing section '{section}'", f"add a '## {section}' heading"
            )


def _checkboxes(record: Record) -> Iterator[Finding]:
    if "Checklist" not in record.doctype.sections_for(record.values):
        return
    for number, line in bodies.prose(record.doc.body, record.doc.body_line):
        if bodies.malformed_checkbox(line):
            yield RULES["checkbox-syntax"].finding(
                record.path,
                number,
                f"malformed checklist item: '{line.strip()[:60]}'",
                "write '- [ ] text' or '- [x] text'",
            )


def _remember_links(ctx: Context, record: Record) -> None:
    ctx.resolver.note(record.path, record.doc.meta)  # its permalink: the KB's files are then read once
    for link in links.outgoing(record):
        field = record.doctype.field(link.line) if isinstance(link.line, str) else None
        if field is not None and field.ids_only and not ids.looks_like_id(link.target):
            continue  # a wiki page's own `links:` (getting-started): not pmops ids, never a broken link
        if link.by_id:
            ctx.links.append((record.doc, link.line, link.target))  # ids are resolved at the end
        else:
            ctx.paths.append((record.path, link))  # paths too: by then every page's permalink is known
    ctx.paths += [(record.path, image) for image in links.images(record)]


def _broken_paths(ctx: Context) -> Iterator[Finding]:
    for source, link in ctx.paths:
        found = ctx.resolver.resolve(source, link.target)
        if found is not None and any(part.startswith(".") for part in found.split("/")):
            assert isinstance(link.line, int)
            yield RULES["link-hidden"].finding(
                source, link.line, f"link to hidden file '{found}'",
                "a dot-file is no page of the KB (and may hold secrets: .env, .git/config); the website never "
                "publishes it — link to a document, or leave the link out",
            )  # fmt: skip
        if found is None:
            dest = links.destination(link.target)
            assert dest is not None  # outgoing yields only links to paths
            if link.via == "image":
                assert isinstance(link.line, int)
                yield RULES["image-missing"].finding(
                    source, link.line, f"image of missing file '{dest.shown(source)}'",
                    "the page shows its text instead; a path from the page's folder, or from the site's root ('/img/x.png')",
                )  # fmt: skip
                continue
            if dest.site:
                message = f"link to missing page '{dest.shown(source)}'"
                hint = "no file of the site has that path, nor does a page's permalink, url, redirect_from or aliases"
            else:
                message, hint = (
                    f"link to missing file '{dest.shown(source)}'",
                    _moved_hint(ctx, source, dest.path, link.target),
                )
                if hint is None and _WEB_ADDRESS.match(dest.path):
                    hint = f"a web address needs its scheme: https://{dest.path}"
                elif hint is None and not dest.path.endswith(".md"):
                    hint = "looked for as written, with .md, and as a folder's index.md or README.md, from the page's folder and its URL"
            assert isinstance(link.line, int)
            yield RULES["link-broken"].finding(source, link.line, message, hint)


def _moved_hint(ctx: Context, source: str, path: str, written: str) -> str | None:
    """For a link to a pmops file name that is not there (ins-260203-dc9k-….md): where the document
    of that id is now, found by its id (moved with git mv or by hand, not `pmops mv`, which rewrites
    the links to a file it renames), as the link to write from `source` (the anchor `written` has kept);
    None when no document has that id."""
    name = posixpath.basename(path)
    doc_id = ids.id_in_name(name)
    if not name.endswith(".md") or not ids.looks_like_id(doc_id):
        return None
    moved = ctx.moved(doc_id)
    if moved is None:
        return None
    anchor = "#" + written.split("#", 1)[1].rstrip(">") if "#" in written else ""
    relative = posixpath.relpath(moved, posixpath.dirname(source) or ".")
    return f"{doc_id} is now at {moved}: link to {relative}{anchor}, or by its id: [[{doc_id}]]"


def _stale(ctx: Context, record: Record) -> Iterator[Finding]:
    from pmops import processes

    if processes.is_stale(record, ctx.today):
        due = processes.review_due(record)
        yield RULES["process-stale"].finding(
            record.path, record.doc.line_of("last_reviewed"), f"review was due {due}",
            f"check it still matches how the team works, then: pmops process review {record.id}",
        )  # fmt: skip


def _remember_process(ctx: Context, record: Record) -> Iterator[Finding]:
    """Active processes, compared with each other once every document is read."""
    if record.values.get("status") == "active":
        ctx.processes.append(
            (record.path, str(record.values.get("kind")), str(record.values.get("owner")), shingles(record.doc.body))
        )
    return iter(())


def _pii(record: Record) -> Iterator[Finding]:
    from pmops import pii

    text = record.doc.text()
    for match in pii.scan(text):
        line = text.count("\n", 0, match.start) + 1
        what = {"card": "a payment card number", "email": "an email address", "phone": "a phone number"}[match.kind]
        yield RULES[f"pii-{match.kind}"].finding(
            record.path,
            line,
            f"{what} ({match.redacted})",
            "remove it: quotes need no personal data, and git history is permanent",
        )


def _remember_evidence(ctx: Context, record: Record) -> None:
    """Documents' dates, and what is cited as evidence (Field.evidence), compared once every document is read."""
    when = record.values.get("date")
    if not isinstance(when, dt.date) or not record.id:
        return
    ctx.dated[record.id] = (record.type, when)
    if "evidence-after-decision" not in record.doctype.rules or record.values.get("status") in record.doctype.drafts:
        return  # a proposal is still gathering evidence; once decided, its date is when it was taken
    taken = record.values.get("accepted")  # the day a proposal was accepted: what was known then is evidence
    taken = taken if isinstance(taken, dt.date) else when
    for fld in record.doctype.fields:
        if fld.evidence:
            cited = [str(r).strip() for r in record.values.get(fld.name) or []]
            ctx.evidence.append((record.doc, fld.name, taken, cited, str(fld.refers)))


def _evidence_after(ctx: Context) -> Iterator[Finding]:
    from pmops.errors import PmopsError

    for doc, name, decided, refs, cited_type in ctx.evidence:
        for ref in refs:
            kind, heard = ctx.dated.get(ref, (None, None))
            if heard is None and ref:  # a document outside the files linted (a missing one is link-broken)
                try:
                    found = ctx.kb.find(ref)
                except PmopsError:
                    continue
                kind, heard = found.type, found.values.get("date")
            if kind == cited_type and isinstance(heard, dt.date) and heard > decided:
                yield RULES["evidence-after-decision"].finding(
                    doc.path, doc.line_of(name), f"evidence {ref} is dated {heard}, after the decision ({decided})",
                    "a decision rests on what was known when it was taken: fix the dates, or cite the later insight in 'links'",
                )  # fmt: skip


def _past_dates(ctx: Context, record: Record) -> Iterator[Finding]:
    """Dates of what has happened (Field.past: when an insight was heard, a process last reviewed) after today."""
    for fld in record.doctype.fields:
        when = record.values.get(fld.name)
        if fld.past and isinstance(when, dt.date) and when > ctx.today:
            rule = "insight-date-future" if record.doctype.name == "insight" else "date-future"
            yield RULES[rule].finding(
                record.path,
                record.doc.line_of(fld.name),
                f"{'dated' if fld.name == 'date' else fld.name} {when}, after today ({ctx.today})",
                fld.past_hint,
            )


def _source_key(ctx: Context, record: Record) -> Iterator[Finding]:
    """The same row of a CSV imported twice (by hand copies, or two clones importing one file):
    its evidence would count twice in themes and reports."""
    from pmops.importer import KEY_FIELD

    key = record.doc.meta.get(KEY_FIELD)
    if not isinstance(key, str) or not key:
        return
    first = ctx.source_keys.setdefault(key, record.path)
    if first != record.path:
        yield RULES["source-key-duplicate"].finding(
            record.path, record.doc.line_of(KEY_FIELD), f"{KEY_FIELD} '{key}' is also in {first}: one row imported twice",
            f"keep the one other documents cite, delete the other (git rm {record.path})",
        )  # fmt: skip


def _metric_values(ctx: Context, record: Record) -> Iterator[Finding]:
    """The CSV beside a metric: every row a date and a number, none after today (metric show leaves those out),
    no day left empty (counted as no value that day) and no day given twice with two values (the later counts:
    metric_csv.pairs)."""
    from pmops import metric_csv, metrics

    path = ctx.kb.rel(metrics.values_path(ctx.kb, record))
    try:
        found = metrics.rows(ctx.kb, record)
    except DocumentError as exc:
        yield RULES["metric-value-invalid"].finding(path, 1, exc.reason, "write date,value rows, e.g. 2026-11-23,4210")
        return
    seen: dict[dt.date, metric_csv.Row] = {}
    for row in found:
        if row.problem:
            yield RULES["metric-value-invalid"].finding(path, row.line, f"{row.problem}: this row is left out", row.fix)
            continue
        record_it = f"pmops metric record {record.id} VALUE --date {row.date}"
        if row.blank:
            yield RULES["metric-value-missing"].finding(
                path, row.line, f"no value on {row.date}: counted as no value that day",
                f"record it ({record_it}), or delete the row",
            )  # fmt: skip
            continue
        if row.lenient:
            yield RULES["metric-value-format"].finding(
                path, row.line, f"'{row.text[:40]}' is read as {row.fix.removeprefix('write ')}", row.fix
            )
        first = seen.get(row.date)
        if first is not None and first.value != row.value:
            yield RULES["metric-value-duplicate"].finding(
                path, row.line, f"{row.date} is also on line {first.line} ({first.value:g}): this later row's "
                f"{row.value:g} counts", f"delete the row that is wrong, or record the day once ({record_it})",
            )  # fmt: skip
        seen[row.date] = row
        if row.date > ctx.today:
            yield RULES["metric-value-future"].finding(
                path, row.line, f"value {row.value:g} dated {row.date}, after today ({ctx.today})",
                "fix the date, or record the value once it is measured",
            )  # fmt: skip
    yield from _metric_range(record, path, found)


def _metric_range(record: Record, path: str, found: list) -> Iterator[Finding]:
    """Doubtful values read by the rule `metric record` applies (metrics.doubts): in date order, in a % metric
    one above 100 (or below 0) when no value before it was, and one of at most 1 after a value of 10 or more
    (a ratio: 0.995 for 99.5); in any metric one 10× off every recent value, or beyond any measure. Only the
    row where the series changes is named."""
    from pmops import metric_csv, metrics

    lines = {row.date: row.line for row in found if row.date is not None and row.value is not None}
    for day, doubt in metrics.doubts(record, metric_csv.pairs(found)):
        fix = f"pmops metric record {record.id} VALUE --date {day}"
        yield RULES["metric-value-range"].finding(
            path, lines[day], f"{day}: {doubt}", f"fix the row, or record the day again ({fix})"
        )


def _metric_stale(ctx: Context, record: Record) -> Iterator[Finding]:
    """A live metric whose latest value (up to today) is older than its cadence allows, or that never had
    one once its cadence has passed since it was added (metrics.MetricView.stale: what metric show, the
    report and the digest say). Values that cannot be read are metric-value-invalid's, not said twice."""
    from pmops import metric_csv, metrics
    from pmops.kb.records import is_archived

    if is_archived(record) or metrics.CADENCE_DAYS.get(str(record.values.get("cadence"))) is None:
        return
    try:
        found = metrics.rows(ctx.kb, record)
    except DocumentError:
        return
    values = [(day, value) for day, value in metric_csv.pairs(found) if day <= ctx.today]
    view = metrics.MetricView(record, values, [], ctx.today)  # type: ignore[arg-type]
    if not view.stale:
        return
    cadence = record.values["cadence"]
    said = (f"no value since {view.latest[0]} ({view.quiet} days)" if view.latest
            else f"no value yet, {view.quiet} days since it was added")  # fmt: skip
    yield RULES["metric-stale"].finding(
        record.path, record.doc.line_of("cadence"), f"{said}: its cadence ({cadence}) wants one every {view.period} days",
        f"record it (pmops metric record {record.id} VALUE), or set the cadence it is measured at",
    )  # fmt: skip


def _named(ctx: Context, record: Record) -> Iterator[Finding]:
    """A name that refers to a register (a text field whose `refers` type has `aliases`: an insight's
    customer) and is not in it, once the KB has one; and a field that `agrees_with` that name
    (the insight's segment) but differs from the named document's own."""
    from pmops import customers

    doc = record.doc
    for fld in record.doctype.fields:
        name = record.values.get(fld.name)
        if not fld.refers or fld.kind != "text" or customers.key(name) is None:
            continue
        target = ctx.kb.doctype(fld.refers)
        register = ctx.register(target.name) if target.aliases else None
        if not register:
            continue  # no register to match against: nothing is unknown yet
        found = register.get(name)
        if found is None:  # said once for every spelling of it, at the end (_unknown_names)
            spelt = ctx.unknown.setdefault((target.name, str(customers.key(name))), [])
            spelt.append((doc.path, doc.line_of(fld.name), str(name), fld.name))
            continue
        for other in record.doctype.fields:
            mine, theirs = record.values.get(other.name), found.fields.get(other.name)
            if other.agrees_with == fld.name and mine and theirs and str(mine) != str(theirs):
                yield RULES["customer-mismatch"].finding(
                    doc.path, doc.line_of(other.name),
                    f"{other.name} '{mine}', but {found.name}'s record ({found.path}) says '{theirs}'",
                    f"fix whichever is wrong: this {other.name}, or the {target.name}'s",
                )  # fmt: skip


def _shared_names(ctx: Context, record: Record) -> Iterator[Finding]:
    """A name or alias of this document (a customer) that an earlier one of its type has too:
    an insight naming it would be matched to the first one only."""
    doctype = record.doctype
    if not doctype.aliases:
        return
    for name, first, second in ctx.register(doctype.name).clashes:
        if second.path == record.path and first.path != record.path:
            where = doctype.title_field if name == second.name else doctype.aliases
            yield RULES["customer-name-duplicate"].finding(
                record.path, record.doc.line_of(where), f"'{name}' is also a name of {first.name} ({first.path})",
                f"keep it on one of them: insights naming '{name}' are matched to {first.name}",
            )  # fmt: skip


def _review_overdue(ctx: Context, record: Record) -> Iterator[Finding]:
    """A decision whose expectations should have been judged by now (outcomes.overdue)."""
    from pmops import outcomes

    days = outcomes.overdue(record, ctx.today)
    if days is not None:
        yield RULES["review-overdue"].finding(
            record.path, record.doc.line_of("review_date"),
            f"review was due {record.values['review_date']} ({days} days ago): no verdict recorded",
            f"judge what it moved and record it: pmops decision review {record.id}",
        )  # fmt: skip


def _proposed_stale(ctx: Context, record: Record) -> Iterator[Finding]:
    """A proposal nobody decided (decisions.waiting)."""
    from pmops import decisions

    days = decisions.waiting(record, ctx.today)
    if days is not None:
        yield RULES["decision-proposed-stale"].finding(
            record.path, record.doc.line_of("status"),
            f"proposed on {record.values['date']}, {days} days ago: still waiting for a decision",
            f"decide it (pmops decision accept|reject {record.id}), or archive it (pmops archive {record.id})",
        )  # fmt: skip


def _evidence_missing(ctx: Context, record: Record) -> Iterator[Finding]:
    """A document whose type cites evidence (`Field.evidence`: an opportunity's insights) and that cites none."""
    cites = [f for f in record.doctype.fields if f.evidence]
    if cites and not any(record.values.get(f.name) for f in cites):
        name = cites[0].name
        yield RULES["evidence-missing"].finding(
            record.path, record.doc.line_of(name),
            f"no evidence: '{name}' names no {cites[0].refers or 'document'}",
            f"cite what shows it in '{name}:' (for an opportunity: pmops opportunity link {record.id} INSIGHT…)",
        )  # fmt: skip


def _ranking_edited(ctx: Context, record: Record) -> Iterator[Finding]:
    """A ranking changed by hand after it was recorded (prioritization.edited): a recorded ranking never changes."""
    from pmops import prioritization

    why = prioritization.edited(record)
    if why:
        cycle = record.values.get("cycle") or "YYYY-MM"
        yield RULES["ranking-edited"].finding(
            record.path, record.doc.line_of("ranked"),
            f"edited by hand: {why}; a recorded ranking never changes",
            f"git checkout the committed version (git log -p {record.path}), "
            f"or pmops prioritize --cycle {cycle} --force records it again",
        )  # fmt: skip


def _opportunity_duplicate(ctx: Context, record: Record) -> Iterator[Finding]:
    """A live opportunity with the title, or the very evidence, of one read before it: one problem taking two
    places in every ranking."""
    from pmops.kb.records import is_archived

    if is_archived(record):
        return
    title = " ".join(record.title.split()).casefold()
    evidence = frozenset(str(e) for e in record.values.get("evidence") or [])
    keys = [(("title", title), "the title of"), *([(("evidence", evidence), "the evidence of")] if evidence else [])]
    for key, what in keys:
        first = ctx.opportunities.setdefault(key, record.path)
        if first != record.path:
            yield RULES["opportunity-duplicate"].finding(
                record.path, 1, f"{what} {first}: one problem ranked twice",
                "merge them: link this one's evidence to the other (pmops opportunity link), then pmops archive this one",
            )  # fmt: skip
            return


def _ranking_duplicate(ctx: Context, record: Record) -> Iterator[Finding]:
    """Another ranking recorded for this one's cycle: a merge of two clones that each recorded it keeps both."""
    from pmops import prioritization

    area = record.values.get("area") or None  # another area's ranking of the cycle is its own
    same = prioritization.of_cycle_all(ctx.kb, record.values.get("cycle"), area)
    others = [r for r in same if r.path != record.path]
    if others:
        names = ", ".join(r.path for r in others)
        yield RULES["ranking-duplicate"].finding(
            record.path, record.doc.line_of("cycle"),
            f"the cycle {record.values.get('cycle')} has another ranking{f' of area {area}' if area else ''}: {names}; "
            "one ranking per cycle and area",
            "keep the one the team agreed and remove the other with git rm (git keeps it), "
            "or pmops prioritize --cycle CYCLE --force records the cycle again",
        )  # fmt: skip


def _notice_suspicious(ctx: Context, record: Record) -> Iterator[Finding]:
    """A notice period that is possible but likely wrong (stack.notice_doubts)."""
    from pmops import stack

    for name, message, hint in stack.notice_doubts(record):
        yield RULES["tool-notice-suspicious"].finding(record.path, record.doc.line_of(name), message, hint)


# The rules of one job, by the ids a type lists in its registry row (DocType.rules) to get them.
JOB_RULES: tuple[tuple[tuple[str, ...], Callable[[Context, Record], Iterator[Finding]]], ...] = (
    (("process-stale",), _stale),
    (("process-duplicate",), _remember_process),  # compared in `finish`
    (("source-key-duplicate",), _source_key),
    (
        (
            "metric-value-invalid",
            "metric-value-future",
            "metric-value-missing",
            "metric-value-duplicate",
            "metric-value-format",
            "metric-value-range",
        ),
        _metric_values,
    ),
    (("metric-stale",), _metric_stale),
    (("customer-unknown", "customer-mismatch"), _named),
    (("customer-name-duplicate",), _shared_names),
    (("review-overdue",), _review_overdue),
    (("decision-proposed-stale",), _proposed_stale),
    (("evidence-missing",), _evidence_missing),
    (("ranking-edited",), _ranking_edited),
    (("ranking-duplicate",), _ranking_duplicate),
    (("opportunity-duplicate",), _opportunity_duplicate),
    (("tool-notice-suspicious",), _notice_suspicious),
)


def _unknown_names(ctx: Context) -> Iterator[Finding]:
    """One customer-unknown finding per customer the register lacks, however many insights name it and
    however they spell it ("Initech", "INITECH Inc." are one customer, by customers.key): at the first
    of them, naming the others, with one command that adds it."""
    for (type_name, _), spelt in ctx.unknown.items():
        target = ctx.kb.doctype(type_name)
        register = ctx.register(type_name)
        path, line, name, field_name = spelt[0]
        spellings = [name, *sorted({s for _, _, s, _ in spelt} - {name})]
        common = max(spellings, key=lambda s: sum(w == s for _, _, w, _ in spelt))  # the most written, else the first
        close = register.closest(name)
        if close:
            hint = f"did you mean '{close}'? write that, or add '{common}' to its {target.aliases}"
        else:
            hint = f'add it once to the register (pmops {target.name} add "{common}"), or to a {target.name}\'s {target.aliases}'
        message = f"{field_name}: '{name}' is not in the {target.name} register"
        if len(spelt) > 1:
            others = sorted({p for p, _, _, _ in spelt[1:]} - {path})
            also = f", written {', '.join(repr(s) for s in spellings)}" if len(spellings) > 1 else ""
            message += (f"; one {target.name} named by {len(spelt)} documents{also}"
                        + (f" (also {', '.join(others[:3])}{', …' if len(others) > 3 else ''})" if others else ""))  # fmt: skip
        yield RULES["customer-unknown"].finding(path, line, message, hint)


def finish(ctx: Context, known_ids: set[str]) -> Iterator[Finding]:
    """The rules that need every document: links to ids, near-duplicate processes, evidence dates."""
    yield from _unknown_names(ctx)
    yield from _evidence_after(ctx)
    yield from _broken_paths(ctx)
    for doc, where, target in ctx.links:
        if target not in known_ids and not ctx.kb.has_id(target):
            line = where if isinstance(where, int) else doc.line_of(where)
            yield RULES["link-broken"].finding(
                doc.path, line, f"link to unknown id '{target}'", "'pmops search' finds the id"
            )
    for first, second, similarity in near_duplicates(ctx.processes):
        path, kind, _, _ = ctx.processes[second]
        other_path, _, other_owner, _ = ctx.processes[first]
        yield RULES["process-duplicate"].finding(
            path, 1, f"{similarity:.0%} the same as {other_path} ({kind}, owned by {other_owner})",
            "teams reinventing one process: merge them into one, or make the difference explicit",
        )  # fmt: skip
