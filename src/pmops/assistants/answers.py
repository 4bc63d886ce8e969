"""What an assistant may ask of a KB and write to it, answered as JSON (the tools of `pmops mcp`).

Each answer is what the CLI computes for the same question (`pmops search`, `show --json`,
`links --json`, `list TYPE`, `insight themes`, `report`), and writes go through the one create
path (`KnowledgeBase.create`), committed. Two rules hold for every answer, in `clean` and
`document`: text that lint flags as personal data (emails, phone and card numbers: pmops.pii)
is redacted as the report redacts a quote, and a document is one of the KB's own files (a
path outside it, hidden or under templates/ is refused).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pmops import dates, pii, taxonomy
from pmops.errors import InvalidInput, PmopsError
from pmops.search.results import HIT_END, HIT_START
from pmops.text import a, count, either, naming

if TYPE_CHECKING:
    from pathlib import Path

    from pmops.kb import Created, KnowledgeBase, Record
    from pmops.search.results import Hit

# Values pmops makes itself, never a person's words: redacting them could only break them
# (a commit's hex digits can pass the card check).
_OWN = frozenset({"id", "ids", "path", "commit", "uri", "type"})
LIST_LIMIT = 50  # documents a listing answers with unless asked for more: an assistant's context is small


def clean(data: Any, key: str | None = None) -> Any:
    """JSON data with personal data redacted in every string a person wrote (pii.redact)."""
    if isinstance(data, str):
        return data if key in _OWN else pii.redact(data)
    if isinstance(data, dict):
        return {k: clean(v, k) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [clean(v, key) for v in data]
    if isinstance(data, (dt.date, dt.datetime)):
        return data.isoformat()
    return data


def document(kb: KnowledgeBase, ref: str, *types: str) -> Record:
    """The document `ref` names (KnowledgeBase.find: a path, an id, a unique prefix or a title),
    when it is one of the KB's documents: a hidden file or one under templates/ is not."""
    record = kb.find(ref, *types)
    if not kb.is_document(record.path):
        raise InvalidInput(f"{naming(ref, record.path)} is not a document of the knowledge base")
    return record


def search(
    root: Path,
    open_kb: Callable[[], KnowledgeBase],
    query: str,
    *,
    doc_type: str | None = None,
    tag: str | None = None,
    since: str | None = None,
    limit: int = 20,
    include_archived: bool = False,
) -> dict[str, Any]:
    """`pmops search --json`, with the total, the did-you-mean and, as `pmops search` says on stderr, the words
    the search left out (`ignored`, and the `note` that says it): the KB's search server when one
    answers (search.client, as the command asks it), else the KB's own index, caught up first."""
    from pmops.search import client

    if limit < 1:
        raise InvalidInput(f"limit: {limit} is not a positive number")
    if doc_type is not None:  # a type the KB has, as pmops search --type checks it: else the nearest
        doc_type = open_kb().type_option(doc_type, "type").name
    options = {"doc_type": doc_type, "tag": tag, "since": dates.option(since, "since"), "limit": limit,
               "archived": None if include_archived else False}  # fmt: skip
    pending = client.ask(str(root), query, **options)
    results = client.search(open_kb, query, **options, pending=pending)
    suggestion = results.suggestion
    if suggestion and any(not w.isalpha() for w in suggestion.split()):
        suggestion = None  # a word with a digit, dot or underscore may be part of an email or a phone number
    return clean({
        "query": results.query, "total": results.total, "exact": results.exact, "did_you_mean": suggestion,
        **({"ignored": results.ignored, "note": results.ignored_note()} if results.ignored else {}),
        "results": [{**hit.to_json(), "snippet": _snippet(root, hit)} for hit in results.hits],
    })  # fmt: skip


def _snippet(root: Path, hit: Hit) -> str:
    """A hit's snippet made from its body with personal data already redacted: cut from the body as it
    is, a snippet can end inside an email or a phone number, which redaction then no longer sees."""
    from pmops import documents, store
    from pmops.search import snippets

    try:
        body = snippets.readable_body(documents.body_of(store.read_file(root, hit.path)))
    except (OSError, UnicodeDecodeError, PmopsError):
        body = ""
    redacted = pii.redact(body)
    if redacted == body:
        return hit.to_json()["snippet"]
    words = snippets.marked(hit.snippet)
    matched = snippets.Matched(lambda word: word.lower() in words, (w[:1] for w in words)) if words else None
    return snippets.shown(redacted, matched).replace(
        HIT_START, "").replace(HIT_END, "")  # fmt: skip


def show(kb: KnowledgeBase, ref: str) -> dict[str, Any]:
    """`pmops show --json` (fields, body, a decision's evidence summary, a customer's insights) and
    `pmops links --json` (outgoing links and backlinks) of one document."""
    from pmops import decisions, links

    record = document(kb, ref)
    data = record.to_json(body=True)
    evidence = decisions.evidence_of(kb, record)
    if evidence is not None:
        data["evidence_summary"] = evidence.to_json()
    if record.type == "customer":  # what `pmops show` adds to a customer's page: its insights, themes, decisions
        from pmops import accounts

        data.update(accounts.account(kb, record).to_json())
    data["links"] = links.graph(kb, record).to_json()
    return clean(data)


def text_of(kb: KnowledgeBase, ref: str) -> str:
    """A document's markdown as its file holds it, personal data redacted (the resource pmops://ID)."""
    return pii.redact(document(kb, ref).doc.text())


def listing(
    kb: KnowledgeBase,
    type_name: str,
    filters: dict[str, str] | None = None,
    *,
    since: str | None = None,
    until: str | None = None,
    include_archived: bool = False,
    limit: int = LIST_LIMIT,
) -> dict[str, Any]:
    """`pmops list TYPE FIELD=VALUE… --json`, newest first: the first `limit` documents and how many match."""
    from pmops.kb import creating

    doctype = kb.doctype(type_name)
    given = [f"{name}={value}" for name, value in (filters or {}).items()]
    where = {fld.name: value for fld, value in creating.pairs(doctype, given)}
    chosen = kb.select(doctype, where, since=dates.option(since, "since"), until=dates.option(until, "until"),
                       archived=None if include_archived else False)  # fmt: skip
    return clean({"type": doctype.name, "total": len(chosen), "documents": [r.to_json() for r in chosen[:limit]]})


def themes(kb: KnowledgeBase, by: str = "tag", since: str | None = None, *, signals: bool = False) -> dict[str, Any]:
    """`pmops insight themes --json`, with the period and what was counted."""
    from pmops import research

    found = research.themes(kb, by, dates.option(since, "since"), dt.date.today(), signals=signals)
    return clean({"by": found.by, "from": found.start, "to": found.end, "insights": found.insights,
                  "ungrouped": found.ungrouped, "themes": [t.to_json() for t in found]})  # fmt: skip


def evidence(kb: KnowledgeBase, ref: str) -> dict[str, Any]:
    """What a decision (or any document whose type cites evidence) rests on: the summary `pmops show`
    gives, and each insight with its quote, customer, segment and tags."""
    from pmops import decisions

    citing = [t.name for t in kb.registry.values() if decisions.cites_evidence(t)]
    record = document(kb, ref)
    found = decisions.evidence_of(kb, record)
    if found is None:
        raise InvalidInput(
            f"{naming(ref, record.id or record.path)} is {a(record.type)}; evidence is cited by {either(citing)}"
        )
    summary = found.to_json()
    fields = ("id", "title", "date", "source", "customer", "segment", "area", "tags", "quote", "path")
    summary["insights"] = [{k: r.to_json().get(k) for k in fields} for r in found.insights]
    return clean({"id": record.id, "type": record.type, "title": record.title,
                  "status": record.values.get("status"), **summary})  # fmt: skip


def report_summary(kb: KnowledgeBase) -> dict[str, Any]:
    """What `pmops report` says without --format: the metrics' latest values and a sentence a section,
    with the largest themes no decision addresses."""
    from pmops.reports import model
    from pmops.reports.render import metric_line, sentences

    report = model.build(kb, dt.date.today())
    unaddressed = [{"theme": t.theme, "insights": t.insights, "trend": t.trend.direction,
                    "latest_quote": t.latest_quote.to_json() if t.latest_quote else None}
                   for t in report.themes.unaddressed]  # fmt: skip
    return clean({"kb": report.kb, "generated": report.generated,
                  "metrics": [metric_line(m) for m in report.metrics if m.latest],
                  "sections": sentences(report), "unaddressed_themes": unaddressed})  # fmt: skip


def tags(kb: KnowledgeBase) -> dict[str, Any]:
    """`pmops tags --json`: the taxonomy's tags by facet, how often each is used, unknown and unused ones."""
    from pmops import research

    return clean(research.tag_report(kb).to_json())


def process_catalogue(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """`pmops process list --json`: every process with its owner, cadence, review date and health."""
    from pmops import processes

    rows = processes.listing(kb, dt.date.today())
    return clean([{**r.record.to_json(), "review_due": r.review_due, "stale": r.stale, "due": r.due} for r in rows])


def documents(kb: KnowledgeBase) -> list[tuple[str, str, str]]:
    """(id or path, title, type) of every document, for the list of resources."""
    return [(r.id or r.path, pii.redact(r.title), r.type) for r in kb.records()]


# -- writes: only when the server was started with --allow-writes ----------------------------


def add_insight(kb: KnowledgeBase, values: dict[str, Any], body: str | None = None) -> dict[str, Any]:
    """`pmops insight add`: validated by the registry (unknown tags refused: the taxonomy is the
    team's), emails and phone numbers redacted, a card number refused, committed."""
    given = {**values, "tags": values.get("tags") or [], "links": values.get("links") or []}
    return _created(kb.create("insight", given, body, refuse_cards=True))


def add_decision(
    kb: KnowledgeBase,
    values: dict[str, Any],
    *,
    context: str | None = None,
    options: list[str] | None = None,
    consequences: str | None = None,
) -> dict[str, Any]:
    """`pmops decision add`, the ADR's sections filled from what is given, committed."""
    from pmops import decisions

    given = {**values, "evidence": values.get("evidence") or [], "deciders": values.get("deciders") or [],
             "tags": values.get("tags") or [], "status": values.get("status") or "proposed"}  # fmt: skip
    sections = decisions.adr_sections(context, options or [], consequences)
    return _created(kb.create("decision", given, refuse_cards=True, extra_context=sections))


def _created(result: Created) -> dict[str, Any]:
    record = result.record
    if result.commit is None:
        committed = "written, not committed (commits are off in pmops.yaml)"
    else:
        committed = f"committed as {result.commit[:10]}" if result.commit else "committed"
    return {"id": record.id, "type": record.type, "title": pii.redact(record.title), "path": record.path,
            "commit": result.commit, "committed": committed, "notes": [pii.redact(n) for n in result.notes]}  # fmt: skip


# -- prompts: the data a template starts from, and what it asks -------------------------------

CITE = (
    "Cite every claim with the ids of the documents it rests on, in square brackets, e.g. [{example}]; "
    "cite only documents pmops returned, and say so where the evidence is thin."
)
PROMPT_INSIGHTS = 40  # insights a prompt lists; the assistant searches for the rest


def evidence_prompt(kb: KnowledgeBase, theme: str) -> str:
    """ "Synthesise the evidence on THEME": the insights tagged with it (`pmops insight list --tag`,
    so a synonym finds its tag and an unknown one is refused with the nearest) and the decisions
    citing them, then what to write."""
    from pmops import research

    insights = kb.select(kb.doctype("insight"), {"tags": theme})
    tag = kb.taxonomy.canonical(taxonomy.normalise(theme))
    found = next((t for t in research.themes(kb, "tag", today=dt.date.today()) if t.key == tag), None)
    lines = [
        f"Synthesise the evidence on the theme '{tag}' in the knowledge base '{kb.config.name}'.",
        "",
        f"pmops found {count(len(insights), 'insight')} tagged {tag}, newest first, below. For more, call the "
        f'pmops tools: `search` (e.g. `tag:{tag} "a phrase"`), `show` with an id for a document\'s full text '
        "and links, `evidence` with a decision's id for the insights behind it, with their quotes.",
        "",
        "Write: the problem in customers' words; who raises it (segments, customers); how strong the evidence "
        "is (how many, how recent, the trend); what has been decided and what is still open.",
        CITE.format(example=insights[0].id if insights else "ins-260203-dc9k"),
        "",
        "Insights:",
        *_insight_lines(insights),
    ]
    if found is not None:
        lines += ["", f"Trend: {found.current} in the last period against {found.previous} before ({found.trend}).",
                  "Decisions citing these insights:" if found.decisions else "No decision cites these insights yet."]  # fmt: skip
        for dec_id, state in sorted(found.decisions.items()):
            lines.append(f"- [{dec_id}] {_title(kb, dec_id)} ({state})")
    return pii.redact("\n".join(lines))


def roadmap_prompt(kb: KnowledgeBase, area: str) -> str:
    """ "Prepare the roadmap review pre-read for AREA": the area's insights and their tags, its
    decisions with their status and evidence, and the team's roadmap-review process."""
    from collections import Counter

    from pmops import decisions

    insights = kb.select(kb.doctype("insight"), {"area": area})
    decided = kb.select(kb.doctype("decision"), {"area": area})
    if not insights and not decided:
        known = sorted({str(r.values["area"]) for r in kb.records() if r.values.get("area")})
        raise InvalidInput(f"no insight or decision has the area '{area}'",
                           hint=f"areas: {', '.join(known)}" if known else "no document has an area yet")  # fmt: skip
    tags = Counter(str(t) for r in insights for t in r.values.get("tags") or [])
    reviews = [r for r in kb.select(kb.doctype("process"), date_field="last_reviewed")
               if r.values.get("kind") == "roadmap-review"]  # fmt: skip
    lines = [
        f"Prepare the pre-read for the roadmap review of the area '{area}' in the knowledge base '{kb.config.name}'.",
        "",
        "Sections: 1. what customers told us (themes, with counts and recency); 2. decisions taken and "
        "proposed, each with how strong its evidence is (call the pmops tool `evidence` with its id); 3. open "
        "questions: strong themes no decision addresses; 4. what the meeting should decide. Use `search` and "
        "`show` for anything more.",
        CITE.format(example=(insights or decided)[0].id),
    ]
    if reviews:
        lines += ["", "The team's roadmap review process (follow its agenda; `show` it for the text): "
                  + ", ".join(f"[{r.id}] {r.title}" for r in reviews)]  # fmt: skip
    lines += ["", f"Tags of the area's insights: {', '.join(f'{t} ({n})' for t, n in tags.most_common(12)) or 'none'}.",
              "", f"Insights ({len(insights)}, newest first):", *_insight_lines(insights),
              "", f"Decisions ({len(decided)}, newest first):"]  # fmt: skip
    for record in decided:
        cited = decisions.evidence(kb, record)
        lines.append(f"- [{record.id}] {record.title} ({record.values.get('status')}, {record.values.get('date')}; "
                     f"{count(len(cited.insights), 'insight')} as evidence)")  # fmt: skip
    return pii.redact("\n".join(lines))


def _insight_lines(insights: list[Record]) -> list[str]:
    lines = []
    for record in insights[:PROMPT_INSIGHTS]:
        v = record.values
        who = ", ".join(str(x) for x in (v.get("customer"), v.get("segment")) if x)
        quote = f': "{v["quote"]}"' if v.get("quote") else ""
        lines.append(f"- [{record.id}] {v.get('date')} — {record.title}{f' ({who})' if who else ''}{quote}")
    if len(insights) > PROMPT_INSIGHTS:
        lines.append(f"- … and {len(insights) - PROMPT_INSIGHTS} more: `search` finds them")
    return lines or ["- none"]


def _title(kb: KnowledgeBase, ref: str) -> str:
    from pmops.errors import PmopsError

    try:
        return kb.find(ref).title
    except PmopsError:
        return "(not found)"
