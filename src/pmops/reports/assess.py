"""The readiness check: the four signals that a product organisation needs product ops.

Each signal says what it counted and where (its sample), and decides only when the
sample reaches its minimum; below it the signal is "not enough data", never flagged.
A signal is "flagged" (it gets a next action), "emerging" (in the band just below its
threshold: watch it, no action yet), "healthy", or "not enough data".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pmops import people, productivity
from pmops.kb.records import shown
from pmops.reports.parts import OMIT_NONE, Part
from pmops.similarity import near_duplicates, shingles
from pmops.text import count, first_few

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase

# Team size: "more than 8–10 PMs". 9 or 10 is the emerging band, so that one hire at the
# edge moves a signal into "watch", never the verdict from "no" to "yes" at once.
PMS_EMERGING = 9  # this many active PMs or more: emerging
PMS_FLAGGED = 11  # this many or more: flagged
UNTAGGED_OFF_TAXONOMY = 0.2  # share of insights untagged or off-taxonomy above which research is fragmented
UNCITED = 0.7  # share of insights no decision cites
CONCENTRATED = 0.5  # one author's share of all insights
DAYS_TO_PRODUCTIVE = (
    productivity.PRODUCTIVE_WITHIN_DAYS
)  # median days to Week 1 and Day 30 done above which onboarding is slow

# The minimum sample of each signal; below it the signal says "not enough data".
MIN_PEOPLE = 1  # person records (people/): no roster, no team size
MIN_PROCESSES = 2  # active processes: one process cannot duplicate another
MIN_INSIGHTS = 10  # insights: shares of fewer say nothing about a research practice
MIN_PLANS = productivity.MIN_PLANS_MEASURED  # onboarding plans measured (finished, or still open and late)

ACTION_ORDER = ("reinventing processes", "fragmented research", "slow onboarding", "team size")  # most valuable first


@dataclass(frozen=True)
class Sample(Part):
    """What a signal counted, and where; it decides only from `minimum` on."""

    size: int
    of: str  # what was counted: "person record"
    minimum: int
    where: str  # the folder: "people/"
    plans: int | None = field(default=None, metadata=OMIT_NONE)  # every onboarding plan, measured or not


@dataclass(frozen=True)
class Signal(Part):
    """One of the four signals: its state, what it counted, why, and what to do when flagged."""

    signal: str
    state: str  # "flagged", "emerging", "healthy" or "not enough data"
    flagged: bool = field(init=False)
    enough_data: bool = field(init=False)
    summary: str
    sample: Sample
    basis: str
    evidence: dict[str, Any] | productivity.TimeToProductivity
    recommendation: str
    # slow onboarding: days to productive by the PMs' own activity, beside the checklist's (productivity.by_activity)
    by_activity: dict[str, Any] | None = field(default=None, metadata=OMIT_NONE)

    def __post_init__(self) -> None:
        object.__setattr__(self, "flagged", self.state == "flagged")
        object.__setattr__(self, "enough_data", self.state != "not enough data")


@dataclass(frozen=True)
class Assessment(Part):
    verdict: str
    flagged: int
    signals: tuple[Signal, ...]
    next_actions: tuple[str, ...]  # one per flagged signal, most valuable first
    emerging: tuple[str, ...]
    product_ops: tuple[str, ...]  # the people with role product-ops
    today: dt.date


def _not_enough(sample: Sample) -> str:
    return f"not enough data: {count(sample.size, sample.of)} in {sample.where}, {sample.minimum} needed"


def _team(kb: KnowledgeBase, today: dt.date) -> tuple[Signal, list[str]]:
    roster = people.roster(kb)
    pms = people.team(kb, today, people.PM)
    owners = people.team(kb, today, people.PRODUCT_OPS)
    future = [r for r in roster if people.role_of(r) == people.PM and not people.started(r, today)]
    left = [r for r in roster if people.role_of(r) == people.PM and people.has_left(r, today) and r not in future]
    staffed = {r.values.get("area") for r in pms}
    areas: dict[str, int] = {}
    for doctype in kb.registry.values():
        area_field = doctype.field("area")
        if area_field is None or area_field.staffing:  # where people work, not where work is
            continue
        for record in kb.records(doctype):
            area = record.values.get("area")
            if isinstance(area, str) and area and area not in staffed:
                areas[area] = areas.get(area, 0) + 1
    n = len(pms)
    sample = Sample(len(roster), "person record", MIN_PEOPLE, "people/")
    owner_names = [r.title for r in owners]
    if len(roster) < MIN_PEOPLE:
        state, summary = (
            "not enough data",
            _not_enough(sample) + " (pmops person add adds one; so does pmops onboard new-pm)",
        )
    else:
        state = "flagged" if n >= PMS_FLAGGED else "emerging" if n >= PMS_EMERGING else "healthy"
        where = {"flagged": f"{PMS_FLAGGED} or more: flagged", "emerging": f"{PMS_EMERGING}–{PMS_FLAGGED - 1}: emerging",
                 "healthy": f"{PMS_EMERGING - 1} or fewer: healthy"}[state]  # fmt: skip
        summary = f"{count(n, 'PM')} on the roster ({where})"
    basis = [f"{count(len(roster), 'person record')} in people/, {count(n, 'active PM')}"]
    if future:
        basis.append("not yet counted: " + ", ".join(f"{r.title} (starts {r.values['start']})" for r in future))
    if left:
        basis.append("left: " + ", ".join(f"{r.title} (last day {people.end(r)})" if people.end(r) else r.title
                                          for r in left))  # fmt: skip
    basis.append(f"product ops: {', '.join(owner_names)}" if owners else "no one with role product-ops")
    if areas:
        basis.append("no PM for " + ", ".join(f"{a} ({count(c, 'document')})" for a, c in sorted(areas.items())))
    if owners:
        recommendation = (f"{' and '.join(owner_names)} already own{'s' if len(owners) == 1 else ''} product ops: give them the "
                          "mandate for shared rituals and one research repository across every PM.")  # fmt: skip
    else:
        recommendation = ("Past 8–10 PMs, shared rituals and a single research repository stop happening by themselves: "
                          "name a product-ops owner.")  # fmt: skip
    evidence = {"pms": [r.id for r in pms], "people": len(roster), "not_started": [r.id for r in future],
                "left": [r.id for r in left], "product_ops": [r.id for r in owners],
                "areas_without_pm": dict(sorted(areas.items()))}  # fmt: skip
    signal = Signal("team size", state, summary, sample, "; ".join(basis), evidence, recommendation)
    return signal, owner_names


def _processes(kb: KnowledgeBase) -> Signal:
    from pmops import outputs

    active = [r for r in kb.records(kb.doctype("process")) if r.values.get("status") == "active"]
    diverged = outputs.divergent(kb, active)
    items = [(r.path, str(r.values.get("kind")), " ".join(str(r.values.get("owner") or "").split()).casefold(),
              shingles(r.doc.body)) for r in active]  # fmt: skip
    pairs = [
        {"processes": [active[a].id, active[b].id], "owners": [active[a].values.get("owner"), active[b].values.get("owner")],
         "kind": items[a][1], "similarity": round(sim, 2)}
        for a, b, sim in near_duplicates(items) if items[a][2] != items[b][2]
    ]  # fmt: skip
    sample = Sample(len(active), "active process", MIN_PROCESSES, "processes/")
    titles = {r.id: r.title for r in active}
    if len(active) < MIN_PROCESSES:
        state, summary = "not enough data", _not_enough(sample)
    elif pairs or diverged:
        said = [f"{count(len(pairs), 'pair')} of near-identical processes kept by different owners"] if pairs else []
        said += [f"{count(len(diverged), 'kind')} of process kept in divergent versions"] if diverged else []
        state, summary = "flagged", "; ".join(said)
    else:
        state, summary = (
            "healthy",
            f"no near-identical or divergent processes with different owners among {count(len(active), 'active process')}",
        )
    basis = f"{count(len(active), 'active process')} in processes/, compared within each kind"
    if pairs:
        basis += ": " + "; ".join(
            f"{titles[p['processes'][0]]}, owned by {p['owners'][0] or 'nobody'}, and "
            f"{titles[p['processes'][1]]}, owned by {p['owners'][1] or 'nobody'}: "
            f"{p['similarity']:.0%} alike" for p in pairs)  # fmt: skip
    for group in diverged:
        basis += f"; divergent versions of {group.kind}: " + ", ".join(
            f"{v.title} ({v.owner or 'no owner'}, {v.cadence or 'no cadence'}"
            + (f"; near-copies of it: {', '.join(v.copies)}" if v.copies else "")
            + ")"
            for v in group.versions
        )
        if group.alike:  # as process check says it: "the least alike two have no five-word passage in common"
            basis += f", {group.alike}"
    evidence = {"pairs": pairs, "divergent": [d.to_json() for d in diverged], "active_processes": len(active)}
    return Signal("reinventing processes", state, summary, sample, basis, evidence,
                   "Merge duplicated processes into one owned version, and start new ones from the shared templates (pmops process new).")  # fmt: skip


def _research(kb: KnowledgeBase) -> Signal:
    insights = shown(kb.records(kb.doctype("insight")))  # archived ones are no longer the team's research
    known = kb.taxonomy.tags
    untagged = [r.id for r in insights if not r.values.get("tags")]
    off = [r.id for r in insights if any(t not in known for t in r.values.get("tags") or [])] if known else []
    # Research is linked when a document cites it as evidence: a decision, an opportunity (whatever types
    # the registry says cite insights). Counting decisions alone called research fragmented that
    # opportunities had taken up.
    citing = [(t, f.name) for t in kb.registry.values() for f in t.fields if f.evidence and f.refers == "insight"]
    cited = {str(ref) for t, name in citing for d in kb.records(t) for ref in d.values.get(name) or []}
    decided = {str(ref) for d in kb.records(kb.doctype("decision")) for ref in d.values.get("evidence") or []}
    uncited = [r.id for r in insights if r.id not in cited]
    # Who captured them: the people of the roster (an author as the roster names them), then the authors it
    # does not have (with no roster yet, every author as written).
    written = [str(r.values.get("author") or "unknown") for r in insights]
    named = people.on_roster(kb, sorted(set(written)))
    authors: dict[str, int] = {}
    for author in written:
        person = named[author]
        key = person.title if person is not None else author
        authors[key] = authors.get(key, 0) + 1
    strangers = sorted({a for a in written if named[a] is None and a != "unknown"}) if people.roster(kb) else []
    top_author, top_count = max(authors.items(), key=lambda kv: kv[1]) if authors else ("nobody", 0)
    total = len(insights) or 1
    shares = {"untagged_or_off_taxonomy": round(len(set(untagged) | set(off)) / total, 2),
              "not_cited_as_evidence": round(len(uncited) / total, 2),
              "top_author": round(top_count / total, 2),
              # kept for readers of --json from before opportunities cited insights; not a limit
              "not_cited_by_a_decision": round(sum(r.id not in decided for r in insights) / total, 2)}  # fmt: skip
    limits = {
        "untagged_or_off_taxonomy": UNTAGGED_OFF_TAXONOMY,
        "not_cited_as_evidence": UNCITED,
        "top_author": CONCENTRATED,
    }
    cites = " or ".join(dict.fromkeys(t.name for t, _ in citing)) or "any document"
    words = {"untagged_or_off_taxonomy": "untagged or off-taxonomy", "not_cited_as_evidence": f"not cited by any {cites}",
             "top_author": f"captured by {top_author}"}  # fmt: skip
    over = [k for k in limits if shares[k] > limits[k]]
    sample = Sample(len(insights), "insight", MIN_INSIGHTS, "insights/")
    if len(insights) < MIN_INSIGHTS:
        state, summary = "not enough data", _not_enough(sample)
    elif over:
        state = "flagged"
        summary = f"{count(len(insights), 'insight')}: " + ", ".join(f"{shares[k]:.0%} {words[k]}" for k in over)
    else:
        state, summary = "healthy", f"{count(len(insights), 'insight')}, every share within its limit"
    basis = f"{count(len(insights), 'insight')} in insights/"
    if state != "not enough data":
        basis += ": " + ", ".join(f"{shares[k]:.0%} {words[k]} (flagged above {limits[k]:.0%})" for k in limits)
    captured = len(authors) - len(strangers)
    if strangers:  # with a roster: how many of the authors are on it
        basis += (f"; captured by {count(captured, 'person', 'people')} on the roster and "
                  f"{count(len(strangers), 'author')} not on the roster ({first_few(strangers, 3)})")  # fmt: skip
    evidence = {"insights": len(insights), "shares": shares, "untagged": untagged, "off_taxonomy": off,
                "uncited": uncited[:50], "authors": authors, "not_on_roster": strangers}  # fmt: skip
    return Signal("fragmented research", state, summary, sample, basis, evidence,
                   "Make research a shared system: one taxonomy, insights captured by every PM, and decisions that cite them.")  # fmt: skip


def _onboarding(kb: KnowledgeBase, today: dt.date) -> Signal:
    ttp = productivity.time_to_productivity(kb, today)
    first = ttp.day30
    sample = Sample(first.measured, "measured onboarding plan", MIN_PLANS, "onboarding/", ttp.plans)
    median = first.median
    if not first.enough_data:
        state = "not enough data"
        measured = (
            f"{first.measured} of {count(ttp.plans, 'plan')} measured" if ttp.plans else "no onboarding plans yet"
        )
        summary = f"not enough data: {measured}, {MIN_PLANS} needed"
    else:
        # A lower bound above the limit is slow for certain; one at or below it is not shown to be.
        state = "flagged" if median > DAYS_TO_PRODUCTIVE else "healthy"
        summary = f"median {'at least ' if first.at_least else ''}{count(median, 'day')} to productive"
    # Beside the checklist, what each PM did on their own (onboard status's measure: productivity.activity).
    own = productivity.activity(kb, [m.plan for m in first.plans], today) if first.plans else {}
    begun = {path: mine for path, mine in own.items() if mine.start <= today}  # one not started did nothing yet
    plans = [onboarding_text(m, begun.get(m.plan.path)) for m in first.plans]
    basis = (f"{count(ttp.plans, 'plan')} in onboarding/, {first.measured} measured "
             f"(finished, or still open past day {first.late_after_days})" + (": " + "; ".join(plans) if plans else ""))  # fmt: skip
    wanted = productivity.firsts_wanted(kb)
    by = productivity.by_activity(kb, [m.plan for m in first.plans], own, today) if own and wanted else None
    if by is not None:
        basis += f"; days to productive by own activity (first {' and '.join(wanted)}): {by.text}"
    return Signal("slow onboarding", state, summary, sample, basis, ttp,
                   "Build onboarding from the knowledge base (pmops onboard new-pm) and measure time to productivity.",
                   by.to_json() if by is not None else None)  # fmt: skip


def onboarding_text(plan: productivity.Measure, mine: productivity.Activity | None = None) -> str:
    """One plan's measure for people, with its PM's own activity beside it when given: 'Ana Souza productive
    in 28 days (own activity: first insight on day 100)', 'Chloe Dubois still open at day 107 (5 of 15 steps
    done; own activity: no insight yet, first decision on day 45)'."""
    did = f"own activity: {mine.text}" if mine is not None and mine.firsts else ""
    if plan.state == "finished":
        return f"{plan.name} productive in {count(plan.days, 'day')}" + (f" ({did})" if did else "")
    if plan.state == "late":
        done, total = plan.steps_done
        return f"{plan.name} still open at day {plan.days} ({done} of {count(total, 'step')} done{'; ' + did if did else ''})"
    if did and plan.reason.endswith(")"):  # '… (late after day 45; own activity: …)': one bracket
        return f"{plan.name} not counted, {plan.reason[:-1]}; {did})"
    return f"{plan.name} not counted, {plan.reason}" + (f" ({did})" if did else "")


def assess(kb: KnowledgeBase, today: dt.date | None = None) -> Assessment:
    """The four signals as of `today`, the verdict, and one next action per flagged signal."""
    today = today or dt.date.today()
    team, owners = _team(kb, today)
    signals = [team, _processes(kb), _research(kb), _onboarding(kb, today)]
    flagged = [s for s in signals if s.flagged]
    emerging = [s.signal for s in signals if s.state == "emerging"]
    if all(not s.enough_data for s in signals):
        verdict = "not enough data to tell"
    else:
        verdict = ("needs product ops now" if len(flagged) >= 3 else "product ops would pay off" if flagged
                   else "not yet" + (f": watch {' and '.join(emerging)}" if emerging else ": no signal flagged"))  # fmt: skip
    if owners and flagged:
        verdict += f"; {' and '.join(owners)} own{'s' if len(owners) == 1 else ''} it"
    actions = [s.recommendation for s in sorted(flagged, key=lambda s: ACTION_ORDER.index(s.signal))]
    return Assessment(verdict, len(flagged), tuple(signals), tuple(actions), tuple(emerging), tuple(owners), today)
