"""The readiness check: the four signals that a product organisation needs product ops."""

from __future__ import annotations

from typing import Any

from pmops import onboarding
from pmops.lint.rules import near_duplicates, shingles

PM_THRESHOLD = (8, 10)  # above 8 emerging, above 10 strong
UNTAGGED_OFF_TAXONOMY = 0.2  # share of insights
UNCITED = 0.7
CONCENTRATED = 0.5  # one author's share of all insights
DAYS_TO_PRODUCTIVE = 45  # median days to finish Week 1 and Day 30


def _signal(name: str, flagged: bool, summary: str, evidence: dict, recommendation: str) -> dict[str, Any]:
    return {"signal": name, "flagged": flagged, "summary": summary, "evidence": evidence, "recommendation": recommendation}


def assess(kb) -> dict[str, Any]:  # noqa: ANN001
    people = [r for r in kb.records(kb.doctype("person")) if r.values.get("status", "active") == "active"]
    pms = [r for r in people if r.values.get("role") == "pm"]
    roster = _signal(
        "team size", len(pms) > PM_THRESHOLD[0],
        f"{len(pms)} product managers on the roster ("
        + ("above" if len(pms) > PM_THRESHOLD[1] else "within" if len(pms) > PM_THRESHOLD[0] else "below")
        + " the 8–10 threshold)",
        {"pms": [r.id for r in pms], "people": len(people)},
        "Past 8–10 PMs, shared rituals and a single research repository stop happening by themselves: name a product-ops owner.",
    )  # fmt: skip
    active = [r for r in kb.records(kb.doctype("process")) if r.values.get("status") == "active"]
    items = [(r.path, str(r.values.get("kind")), str(r.values.get("owner")), shingles(r.doc.body)) for r in active]
    pairs = [
        {"processes": [active[a].id, active[b].id], "owners": [items[a][2], items[b][2]], "kind": items[a][1],
         "similarity": round(sim, 2)}
        for a, b, sim in near_duplicates(items) if items[a][2] != items[b][2]
    ]  # fmt: skip
    reinventing = _signal(
        "reinventing processes", bool(pairs),
        f"{len(pairs)} pairs of near-identical processes kept by different owners" if pairs else "no duplicated processes",
        {"pairs": pairs, "active_processes": len(active)},
        "Merge duplicated processes into one owned version, and start new ones from the shared templates (pmops process new).",
    )  # fmt: skip
    insights = list(kb.records(kb.doctype("insight")))
    known = kb.taxonomy.tags
    untagged = [r.id for r in insights if not r.values.get("tags")]
    off = [r.id for r in insights if any(t not in known for t in r.values.get("tags") or [])] if known else []
    cited = {ref for d in kb.records(kb.doctype("decision")) for ref in d.values.get("evidence") or []}
    uncited = [r.id for r in insights if r.id not in cited]
    authors: dict[str, int] = {}
    for r in insights:
        authors[str(r.values.get("author") or "unknown")] = authors.get(str(r.values.get("author") or "unknown"), 0) + 1
    top_author, top_count = max(authors.items(), key=lambda kv: kv[1]) if authors else ("", 0)
    total = len(insights) or 1
    shares = {"untagged_or_off_taxonomy": round(len(set(untagged) | set(off)) / total, 2),
              "not_cited_by_a_decision": round(len(uncited) / total, 2),
              "top_author": round(top_count / total, 2)}  # fmt: skip
    fragmented = bool(insights) and (
        shares["untagged_or_off_taxonomy"] > UNTAGGED_OFF_TAXONOMY or shares["not_cited_by_a_decision"] > UNCITED
        or shares["top_author"] > CONCENTRATED
    )
    research = _signal(
        "fragmented research", fragmented,
        f"{len(insights)} insights: {shares['untagged_or_off_taxonomy']:.0%} untagged or off-taxonomy, "
        f"{shares['not_cited_by_a_decision']:.0%} not cited by any decision, {shares['top_author']:.0%} captured by {top_author}",
        {"insights": len(insights), "shares": shares, "untagged": untagged, "off_taxonomy": off, "uncited": uncited[:50],
         "authors": authors},
        "Make research a shared system: one taxonomy, insights captured by every PM, and decisions that cite them.",
    )  # fmt: skip
    ttp = onboarding.time_to_productivity(kb)
    median = ttp["median_days_to_day30"]
    slow = median is not None and median > DAYS_TO_PRODUCTIVE
    onboarding_signal = _signal(
        "slow onboarding", slow,
        f"median {median} days to productive" if median is not None else "no onboarding measured yet",
        ttp,
        "Build onboarding from the knowledge base (pmops onboard new-pm) and measure time to productivity.",
    )
    signals = [roster, reinventing, research, onboarding_signal]
    flagged = [s for s in signals if s["flagged"]]
    verdict = ("needs product ops now" if len(flagged) >= 3 else "product ops would pay off" if flagged
               else "not yet: keep an eye on these signals")  # fmt: skip
    order = {"reinventing processes": 0, "fragmented research": 1, "slow onboarding": 2, "team size": 3}
    actions = [s["recommendation"] for s in sorted(flagged, key=lambda s: order[s["signal"]])]
    actions += [s["recommendation"] for s in signals if not s["flagged"]]
    return {"verdict": verdict, "flagged": len(flagged), "signals": signals, "next_actions": actions[:3]}
