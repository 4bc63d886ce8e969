"""The report's content, computed once from the KB; every count carries the ids it counts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from pmops import dates, metrics, onboarding, processes, research, stack
from pmops.doctypes import DECISION_STATUSES


def counted(records: list) -> dict[str, Any]:
    """A number that links back to the documents it counts."""
    return {"count": len(records), "ids": [r.id for r in records]}


def _grouped(records: list, key) -> dict[str, dict]:  # noqa: ANN001
    groups: dict[str, list] = defaultdict(list)
    for record in records:
        groups[str(key(record) or "unknown")].append(record)
    return {name: counted(items) for name, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))}


def _metric_tree(views: list) -> list[dict]:
    by_parent: dict[str | None, list] = defaultdict(list)
    ids = {v.record.id for v in views}
    for view in views:
        parent = view.record.values.get("parent")
        by_parent[parent if parent in ids else None].append(view)

    def node(view) -> dict:  # noqa: ANN001
        return {"id": view.record.id, "name": view.record.title,
                "children": [node(c) for c in sorted(by_parent.get(view.record.id, []), key=lambda v: v.record.title)]}  # fmt: skip

    return [node(v) for v in sorted(by_parent[None], key=lambda v: v.record.title)]


def as_of(records: list, today: dt.date, field: str = "date") -> list:
    """The records that existed on `today`: none dated after it (an undated record counts)."""
    return [r for r in records if not dates.after(r.values.get(field), today)]


def _theme(theme) -> dict[str, Any]:  # noqa: ANN001 - research.Theme
    """A theme's figures, and the words for its customers and decisions, as `insight themes` says them."""
    return {**theme.to_json(), "customers_text": research.customers_text(theme.customers, theme.without_customer),
            "addressed_text": research.addressed_text(theme.decisions)}  # fmt: skip


def build(kb, today: dt.date | None = None, weeks: int = 26) -> dict[str, Any]:  # noqa: ANN001
    today = today or dt.date.today()
    views = metrics.views(kb, today)
    # The KB as it stood on `today`: documents dated after it are not counted anywhere.
    insights = as_of(kb.select(kb.doctype("insight")), today)
    monday = today - dt.timedelta(days=today.weekday())
    since = monday - dt.timedelta(weeks=weeks - 1)  # the first day of the first of the weeks shown
    recent = [r for r in insights if isinstance(r.values.get("date"), dt.date) and r.values["date"] >= since]
    per_week: dict[str, list] = defaultdict(list)
    for record in recent:
        year, week, _ = record.values["date"].isocalendar()
        per_week[f"{year}-W{week:02d}"].append(record)
    week_keys = [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in (monday - dt.timedelta(weeks=w) for w in range(weeks - 1, -1, -1))]
    themes = research.themes(kb, "tag", today=today)
    decisions = as_of(kb.select(kb.doctype("decision")), today)
    per_month: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for record in decisions:
        when = record.values.get("date")
        if isinstance(when, dt.date):
            per_month[f"{when:%Y-%m}"][str(record.values.get("status"))].append(record)
    process_rows = [row for row in processes.listing(kb, today) if as_of([row.record], today)]
    plans = onboarding.progress(kb, today=today)
    return {
        "kb": kb.config.name,
        "generated": today.isoformat(),
        "metrics": [
            {**{k: v.record.to_json().get(k)
                for k in ("id", "name", "unit", "target", "direction", "cadence", "owner", "parent", "path")},
             **v.figures(), "values": [{"date": d.isoformat(), "value": x} for d, x in v.values]}
            for v in views
        ],  # fmt: skip
        "metric_tree": _metric_tree(views),
        "research": {
            "insights": counted(insights),
            "since": since.isoformat(),
            "recent": counted(recent),
            "weeks": weeks,
            "per_week": [{"week": key, **counted(per_week.get(key, []))} for key in week_keys],
            "by_source": _grouped(recent, lambda r: r.values.get("source")),
            "by_segment": _grouped(recent, lambda r: r.values.get("segment")),
            "by_area": _grouped(recent, lambda r: r.values.get("area")),
        },
        "themes": {
            "top": [_theme(t) for t in themes[:8]],
            "unaddressed": [_theme(t) for t in themes if not t.addressed][:8],
            "count": len(themes),
            "unaddressed_count": sum(not t.addressed for t in themes),
        },
        "decisions": {
            "by_status": {s: counted([r for r in decisions if r.values.get("status") == s]) for s in DECISION_STATUSES},
            "per_month": [{"month": month, **{s: counted(per_month[month].get(s, [])) for s in DECISION_STATUSES}}
                          for month in sorted(per_month)],  # fmt: skip
        },
        "processes": {
            "active": counted([r.record for r in process_rows if r.record.values.get("status") == "active"]),
            "stale": counted([r.record for r in process_rows if r.stale]),
            "due": counted([r.record for r in process_rows if r.due]),
            "list": [{"id": r.record.id, "title": r.record.title, "owner": r.record.values.get("owner"),
                      "health": r.health} for r in process_rows],  # fmt: skip
        },
        "onboarding": {
            "plans": [p.to_json() for p in plans],
            "time_to_productivity": onboarding.time_to_productivity(kb, today),
        },
        "tools": stack.stack(kb, today).to_json(),
    }
