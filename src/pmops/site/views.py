"""Each kind of page as HTML: the context its template reads, from the site's computations.

(Over 400 lines: one function per kind of page — a document and its fact box, each type's index, tags,
areas, themes, people, customers, folders, the home page — sharing the fact box's and links' helpers.)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from pmops import links, templates
from pmops.site import markdown
from pmops.site.pages import BROWSE, CSP, CSS, HOME, SEARCH_JS, group_url, page_url, root_of, type_url
from pmops.text import count, markdown_literal

if TYPE_CHECKING:
    from pmops.doctypes import DocType, Field
    from pmops.kb import Record
    from pmops.site.pages import Site


def _render(site: Site, template: str, url: str, title: str, filters: list[tuple[str, str]], **context: Any) -> str:
    canonical = site.base_url.rstrip("/") + "/" + url if site.base_url else None
    return templates.render_html(
        template, site.kb.root, site_name=site.kb.config.name, url=url, root=root_of(url), title=title,
        nav=site.nav, csp=CSP, css=CSS, search_js=SEARCH_JS, canonical=canonical, filters=filters, words=count, browse=BROWSE,
        page_url=page_url, type_url=type_url, group_url=group_url, money=site.money, **context,
    )  # fmt: skip


def _filters(record: Record | None, kind: str, site: Site) -> list[tuple[str, str]]:
    """Pagefind's filters of a page: its type, tags and area (an index page is of type 'index')."""
    if record is None:
        return [("type", kind)]
    found = [("type", record.type)]
    vocabulary = site.kb.taxonomy
    for fld in record.doctype.fields:
        if fld.kind == "tags":
            found += [("tag", vocabulary.canonical(str(t))) for t in record.values.get(fld.name) or []]
    if record.values.get("area"):
        found.append(("area", str(record.values["area"])))
    return list(dict.fromkeys(found))


# -- a document ----------------------------------------------------------------------------


def document(site: Site, record: Record) -> str:
    url = page_url(record.path)
    root = root_of(url)
    reached = {(link.target, link.by_id): target for link, target in site.resolved.get(record.path, [])}

    # A document of a type holding what customers said (pii) publishes no file it links to or shows: a
    # transcript or a screenshot could hold what its page redacts. Such a link is its text.
    files = not record.doctype.pii

    def change(link: links.Link) -> str | None:
        target = reached.get((link.target, link.by_id))
        where = site.url_of(target, files=files) if target is not None else None
        if where is None:
            return None
        anchor = link.target.partition("#")[2] if not link.by_id else ""
        return root + where + ("#" + anchor.split("}")[0] if anchor and "{" not in anchor else "")

    def html_link(href: str) -> str | None:  # a raw HTML link's: resolved as markdown links are
        return change(links.Link(href, "text", 0, by_id=False))

    # The title's anchor is its slug (as Jekyll's layouts give it: `personas.html#personas`), no heading's.
    reserved = site.layout_ids(record.type)
    title_id = markdown.slug(record.title)
    title_id = title_id if title_id and title_id not in reserved else None

    def title(ref: str) -> str | None:  # `[[id]]` reads as the document's title
        found = site.by_id.get(ref)
        return markdown_literal(found.title) if found is not None else None

    body = markdown.render(links.rewritten(record, change, title), record.path, root, site.asset if files else _no_file, html_link,
                           reserved | {title_id} if title_id else reserved)  # fmt: skip
    facts, blocks = _facts(site, record)
    extra = EXTRAS.get(record.type)
    return _render(
        site, "site/document.html.j2", url, record.title, _filters(record, record.type, site),
        record=record, doctype=record.doctype, title_id=title_id, facts=facts, blocks=blocks, body=body,
        extra=extra(site, record) if extra else {},
        backlinks=[(site.link(r), via) for r, via in site.backlinks.get(record.path, [])],
    )  # fmt: skip


def _no_file(path: str) -> bool:
    return False


def _facts(site: Site, record: Record) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The front-matter in the type's own terms, from the registry: each field's value as its kind
    reads (documents it names as links to their pages, tags and areas to theirs, dates, amounts);
    long texts (a quote, a definition) as blocks of their own."""
    facts, blocks = [], []
    skip = {"id", record.doctype.title_field}
    for fld in record.doctype.fields:
        if fld.name in skip:
            continue
        if fld.name in record.problems:
            raw = record.doc.meta.get(fld.name)
            facts.append({"label": _label(fld), "items": [{"text": str(raw), "url": None}]})
            continue
        value = record.values.get(fld.name)
        if value in (None, "", [], {}):
            continue
        if fld.kind == "longtext":
            blocks.append({"label": _label(fld), "name": fld.name, "text": str(value)})
            continue
        facts.append({"label": _label(fld), "items": _items(site, fld, value)})
    return facts, blocks


def is_money(fld: Field) -> bool:
    """A field holding an amount of money, in the KB's currency: a money field (a customer's ARR), or a
    number named `cost` (a tool's cost per year)."""
    return fld.kind == "money" or (fld.kind in ("number", "int") and fld.name == "cost")


def _judged(outcome: dict[str, Any]) -> str:
    before, after, target = (outcome.get(k) for k in ("before", "after", "target"))
    figures = f"{before:,g} → {after:,g}" if before is not None and after is not None else ""
    if target is not None:
        figures += (", " if figures else "") + f"target {target:,g}"
    return f" ({figures})" if figures else ""


def _label(fld: Field) -> str:
    """A field's name for people: `day30_completed` is 'day 30 completed', `review_every_days` 'review every (days)'."""
    return _label_of(fld.name)


@cache  # (every document's page labels its fields: a few names, tens of thousands of times)
def _label_of(field: str) -> str:
    name = field.removesuffix("_days") + " (days)" if field.endswith("_days") and field != "days" else field
    return re.sub(r"(?<=[a-z])(?=\d)", " ", name.replace("_", " "))


def _items(site: Site, fld: Field, value: Any) -> list[dict[str, Any]]:
    if fld.kind in ("ref", "refs"):
        return [site.id_link(ref) for ref in fld.references(value)]
    if fld.kind == "expectations":
        arrows = {"up": "↑", "down": "↓"}
        return [{**site.id_link(e["metric"]), "after": f" {arrows.get(e['direction'], '')}"
                 + (f" to {e['target']:g}" if e.get("target") is not None else "")} for e in value]  # fmt: skip
    if fld.kind == "outcomes":  # the verdict, and the figures it was judged on: 3,953 → 4,492.1, target 5,000
        return [{**site.id_link(o["metric"]), "after": f": {o['verdict']}" + _judged(o)} for o in value]
    if fld.kind == "outputs":  # a process's promised outputs: `ranking per cycle`, `insights-per-pm: 2 per week`
        return [{"text": o["check"] + (f": {o['target']:g}" if o.get("target") is not None else "") + f" per {o['per']}",
                 "url": None} for o in value]  # fmt: skip
    if (
        fld.kind == "rows"
    ):  # a ranking's rows, as recorded: each one's rank, its page and score (the body has the table)
        return [{"text": str(row.get("title") or row.get("id") or "?"), "url": site.id_link(str(row.get("id"))).get("url"),
                 "after": f" (rank {row.get('rank', '?')}, score {row.get('score', '?')})"} for row in value]  # fmt: skip
    if fld.kind == "scores":
        return [{"text": f"{k}: {v:g}" if isinstance(v, float) else f"{k}: {v}", "url": None} for k, v in value.items()]
    if fld.kind == "tags":
        vocabulary = site.kb.taxonomy
        return [
            {"text": t, "url": group_url("tag", t), "tag": True} for t in (vocabulary.canonical(str(v)) for v in value)
        ]
    if fld.refers == "person" or fld.name == "author":  # an author on the roster links to their page
        return [{"text": v, "url": site.person_url(v)} for v in _as_list(value)]
    if fld.refers == "customer":
        return [{"text": v, "url": site.customer_url(v)} for v in _as_list(value)]
    if fld.name == "area":
        return [{"text": str(value), "url": group_url("area", str(value))}]
    return [{"text": _shown(site, fld, v), "url": None} for v in _as_list(value)]


def _as_list(value: Any) -> list[Any]:
    return [v for v in (value if isinstance(value, list) else [value]) if v not in (None, "")]


def _shown(site: Site, fld: Field, value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if is_money(fld) and isinstance(value, (int, float)):
        return site.money(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# What a document of a type shows besides its fields (its job's computations); the template
# `site/doc-TYPE.html.j2` shows it.


def _decision(site: Site, record: Record) -> dict[str, Any]:
    from pmops import decisions

    evidence = decisions.evidence(site.kb, record)
    chain, seen = [], {record.id}
    back = record
    while back is not None:  # the decisions it replaced, oldest first
        older = [site.by_id[r] for r in back.values.get("supersedes") or [] if r in site.by_id and r not in seen]
        back = older[0] if older else None
        if back is not None:
            seen.add(back.id)
            chain.insert(0, back)
    chain.append(record)
    forward = record
    while forward is not None:  # the decisions replacing it
        newer = [site.by_id[r] for r in forward.values.get("superseded_by") or [] if r in site.by_id and r not in seen]
        forward = newer[0] if newer else None
        if forward is not None:
            seen.add(forward.id)
            chain.append(forward)
    return {
        "evidence": [site.link(r) | {"date": r.values.get("date"), "customer": r.values.get("customer"),
                                      "quote": r.values.get("quote")} for r in evidence.insights],
        "missing": evidence.missing, "customers": evidence.customers, "segments": evidence.segments,
        "chain": [site.link(r) | {"status": r.values.get("status"), "date": r.values.get("date"),
                                   "current": r is record} for r in chain] if len(chain) > 1 else [],
    }  # fmt: skip


def _process(site: Site, record: Record) -> dict[str, Any]:
    from pmops import processes

    due = processes.review_due(record)
    health = processes.Health(record, due.isoformat() if due else None, processes.is_stale(record, site.today),
                              processes.runs_this_week(record, site.today))  # fmt: skip
    return {"health": health.health, "stale": health.stale, "review_due": health.review_due}


def _checklist(site: Site, record: Record) -> dict[str, Any]:
    from pmops import checklists

    status = checklists.status(record)
    return {"done": status.done, "total": status.total, "open": [i.text for i in status.open_items]}


def _onboarding(site: Site, record: Record) -> dict[str, Any]:
    from pmops import onboarding

    if not isinstance(record.values.get("start"), dt.date):
        return {}
    person = site.by_id.get(str(record.values.get("person")))
    plan = onboarding.Progress(record, person.title if person else str(record.values.get("person")),
                               onboarding.steps(record.doc.body), site.today)  # fmt: skip
    return {"done": plan.done, "total": len(plan.steps), "state": plan.state, "overdue": [s.text for s in plan.overdue]}


def _metric(site: Site, record: Record) -> dict[str, Any]:
    metric = next((m for m in site.report.metrics if m.id == record.id), None)
    return {"metric": metric, "chart": site.charts["metrics"].get(record.id or "")}


def _customer(site: Site, record: Record) -> dict[str, Any]:
    from pmops import accounts

    account = accounts.account(site.kb, record)
    return {"insights": [site.link(r) | {"date": r.values.get("date")} for r in account.insights],
            "themes": account.themes,
            "opportunities": [site.id_link(o) | {"status": status} for o, (_, status, _) in account.opportunities.items()],
            "decisions": [site.id_link(d) | {"state": a.state} for d, a in account.decisions.items()]}  # fmt: skip


def _person(site: Site, record: Record) -> dict[str, Any]:
    entry = site.people.get(" ".join(record.title.split()).casefold())
    return {"named_in": [(site.link(r), via) for r, via in entry["named_in"]] if entry else []}


def _tool(site: Site, record: Record) -> dict[str, Any]:
    from pmops import stack
    from pmops.reports import renewals as words

    renewal = stack.renewal_of(record, site.today)
    if renewal is None or record.values.get("status") != "adopted":  # `tool renewals` lists adopted tools'
        return {"renewal": None, "notes": []}
    return {"renewal": _renewal(site, renewal), "notes": words.notes([renewal], site.money)}


def _renewal(site: Site, r: Any) -> dict[str, Any]:
    """A renewal in the words of `pmops tool renewals` (`reports.renewals`), its amounts in the KB's currency."""
    from pmops import stack
    from pmops.reports import renewals as words

    return {"id": r.id, "name": r.name, "owner": r.owner, "url": site.id_link(r.id).get("url") if r.id else None,
            "decide_by": r.decide_by, "when": words.when(r), "late": r.state != stack.UPCOMING, "renews": r.renewal,
            "notice": words.notice(r), "cost": site.money(r.cost) if r.cost is not None else None,
            "used": words.used(r), "per_seat": words.per_seat(r, site.money), "state": r.state}  # fmt: skip


EXTRAS: dict[str, Callable[[Site, Record], dict[str, Any]]] = {
    "decision": _decision, "process": _process, "checklist": _checklist, "onboarding": _onboarding,
    "metric": _metric, "customer": _customer, "person": _person, "tool": _tool,
}  # fmt: skip


# -- index pages -----------------------------------------------------------------------------


def _rows(site: Site, doctype: DocType, records: list[Record]) -> list[dict[str, Any]]:
    columns = [f for name in doctype.summary if (f := doctype.field(name)) is not None]
    return [site.link(r) | {"cells": [", ".join(i["text"] for i in _items(site, f, r.values.get(f.name)))
                                      if r.values.get(f.name) not in (None, "", [], {}) else "" for f in columns]}
            for r in records]  # fmt: skip


def type_index(site: Site, doctype: DocType) -> str:
    records = site.of_type[doctype.name]
    columns = [f.name.replace("_", " ") for name in doctype.summary if (f := doctype.field(name)) is not None]
    extra = TYPE_EXTRAS.get(doctype.name)
    return _render(site, "site/type.html.j2", type_url(doctype), doctype.plural.capitalize(), _filters(None, "index", site),
                   doctype=doctype, columns=columns, rows=_rows(site, doctype, records),
                   extra=extra(site) if extra else {})  # fmt: skip


def _decision_log(site: Site) -> dict[str, Any]:
    months: dict[str, list[dict[str, Any]]] = {}
    for r in site.of_type["decision"]:
        when = r.values.get("date")
        month = when.strftime("%Y-%m") if isinstance(when, dt.date) else "undated"
        months.setdefault(month, []).append(site.link(r) | {
            "date": when, "status": r.values.get("status"), "area": r.values.get("area"),
            "supersedes": [site.id_link(x) for x in r.values.get("supersedes") or []],
            "superseded_by": [site.id_link(x) for x in r.values.get("superseded_by") or []]})  # fmt: skip
    return {"months": months}


def _catalogue(site: Site) -> dict[str, Any]:
    from pmops import processes

    return {"health": [site.link(h.record) | {"owner": h.record.values.get("owner"), "kind": h.record.values.get("kind"),
                       "cadence": h.record.values.get("cadence"), "health": h.health, "stale": h.stale}
                       for h in processes.listing(site.kb, site.today)]}  # fmt: skip


def _plans(site: Site) -> dict[str, Any]:
    from pmops import onboarding

    return {"plans": [site.link(p.plan) | {"text": p.name, "done": p.done, "total": len(p.steps), "state": p.state,
                                           "start": p.plan.values.get("start")}
                      for p in onboarding.progress(site.kb, today=site.today)]}  # fmt: skip


def _tools(site: Site) -> dict[str, Any]:
    from pmops import stack
    from pmops.reports import renewals as words

    found = stack.renewals(site.kb, site.today)
    return {
        "stack": site.report.tools,
        "link": site.id_link,
        "renewals": [_renewal(site, r) for r in found],
        "notes": words.notes(found, site.money),
    }


def _metrics(site: Site) -> dict[str, Any]:
    return {"metrics": site.report.metrics, "charts": site.charts["metrics"]}


def _customers(site: Site) -> dict[str, Any]:
    return {"customers": [{"name": e["name"], "url": e["url"], "registered": e["record"] is not None,
                           "count": len(e["documents"])} for e in site.customers.values()]}  # fmt: skip


def _people(site: Site) -> dict[str, Any]:
    return {"people": [{"name": e["name"], "url": e["url"], "registered": e["record"] is not None,
                        "count": len(e["named_in"])} for e in site.people.values()]}  # fmt: skip


TYPE_EXTRAS: dict[str, Callable[[Site], dict[str, Any]]] = {
    "decision": _decision_log, "process": _catalogue, "onboarding": _plans, "tool": _tools, "metric": _metrics,
    "customer": _customers, "person": _people,
}  # fmt: skip


def groups(site: Site, kind: str) -> str:
    grouped = site.tags if kind == "tag" else site.areas
    title = {"tag": "Tags", "area": "Areas"}[kind]
    return _render(site, "site/groups.html.j2", f"{BROWSE}/{kind}s.html", title, _filters(None, "index", site),
                   kind=kind, groups=[(value, group_url(kind, value), len(rs)) for value, rs in grouped.items()])  # fmt: skip


def group(site: Site, kind: str, value: str) -> str:
    records = (site.tags if kind == "tag" else site.areas)[value]
    return _render(site, "site/group.html.j2", group_url(kind, value), f"{kind.capitalize()}: {value}",
                   [("type", "index"), (kind, value)], kind=kind, value=value, sections=_by_type(site, records),
                   also=site.spellings.get((kind, value), [value])[1:])  # fmt: skip


def _by_type(site: Site, records: list[Record]) -> list[tuple[str, list[dict[str, Any]]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        found.setdefault(r.doctype.plural, []).append(site.link(r))
    return sorted(found.items())


def themes(site: Site) -> str:
    from pmops import research

    rows = []
    for t in research.themes(site.kb, "tag", today=site.today):
        quote = t.latest_quote
        rows.append({"theme": t.key, "url": group_url("tag", t.key), "insights": len(t.insights),
                     "customers": research.customers_text(t.customers, t.without_customer), "trend": t.trend,
                     "addressed": [site.id_link(d) for d in t.addressed_by],
                     "proposed": [site.id_link(d) for d in t.proposed],
                     "quote": {**site.id_link(quote[1]), "words": quote[0]} if quote else None})  # fmt: skip
    return _render(
        site, "site/themes.html.j2", f"{BROWSE}/themes.html", "Themes", _filters(None, "index", site), themes=rows
    )


def customer(site: Site, entry: dict[str, Any]) -> str:
    return _render(site, "site/named.html.j2", entry["url"], entry["name"], _filters(None, "index", site),
                   what="customer", named=[(site.link(r), "customer") for r in entry["documents"]])  # fmt: skip


def person(site: Site, entry: dict[str, Any]) -> str:
    return _render(site, "site/named.html.j2", entry["url"], entry["name"], _filters(None, "index", site),
                   what="person", named=[(site.link(r), via) for r, via in entry["named_in"]])  # fmt: skip


def folder(site: Site, path: str, url: str) -> str:
    inside = [r for r in site.records if r.path.startswith(path + "/")]
    return _render(site, "site/group.html.j2", url, path.rsplit("/", 1)[-1] + "/", _filters(None, "index", site), kind="folder",
                   value=path, inside=len(inside), sections=_by_type(site, inside))  # fmt: skip


def home(site: Site) -> str:
    from pmops.reports import render

    if site.handbook_only:
        return handbook_home(site)

    paths = {r.id: page_url(r.path) for r in site.records if r.id}
    return _render(site, "site/home.html.j2", HOME, site.kb.config.name, _filters(None, "index", site),
                   report=site.report, charts=site.charts, paths=paths, onboarding_time=render.onboarding_time,
                   unaddressed_themes=render.unaddressed_themes, overlaps=render.overlaps, plan_day=render.plan_day,
                   types=[(t, len(site.of_type[t.name])) for t in site.types])  # fmt: skip


def handbook_home(site: Site) -> str:
    """The home of a site of pages alone (a handbook): the search box, the recently changed, the pages by folder."""
    import posixpath

    by_folder: dict[str, list[Record]] = {}
    for r in site.records:
        by_folder.setdefault(posixpath.dirname(r.path), []).append(r)
    folders = [(folder, [site.link(r) for r in sorted(records, key=lambda r: (r.path.rsplit("/", 1)[-1] not in
               ("index.md", "README.md"), r.title.casefold()))]) for folder, records in sorted(by_folder.items())]  # fmt: skip
    return _render(site, "site/handbook-home.html.j2", HOME, site.kb.config.name, _filters(None, "index", site),
                   folders=folders, pages=len(site.records),
                   recent=[(site.link(r), day) for r, day in site.recently_changed])  # fmt: skip
