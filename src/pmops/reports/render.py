"""The report as markdown or as one self-contained HTML page (inline CSS and SVG charts, nothing loaded)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmops import templates
from pmops.doctypes import VERDICTS
from pmops.text import count, kept, markdown_cell, markdown_literal

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase
    from pmops.productivity import TimeToProductivity
    from pmops.reports.model import Counted, Decisions, Metric, Plan, Priorities, Processes, Report, Themes, Tools


def sentences(report: Report) -> dict[str, str]:
    """The report in one sentence a section, for the terminal summary and the top of each markdown section."""
    r, d, p = report.research, report.decisions.by_status, report.processes
    decided = ", ".join(f"{b.count} {status}" for status, b in d.items() if b.count)
    plans = report.onboarding.plans
    t = report.tools
    return {
        "Research": f"{count(r.insights.count, 'insight')}, {r.recent.count} in the last {r.weeks} weeks"
        + (f"; {unaddressed_themes(report.themes, 5)}" if report.themes.count else ""),
        "Priorities": priorities_sentence(report.priorities),
        "Decisions": (decided or "none recorded yet") + decision_loops(report.decisions),
        "Processes": f"{p.active.count} active, {p.stale.count} stale, {p.due.count} running this week"
        + process_loops(p) if p.list else "none documented yet",
        "Onboarding": f"{count(len(plans), 'plan')}, {onboarding_time(report.onboarding.time_to_productivity)}"
        if plans else "no plans yet",
        "Tools": f"cost {t.total_cost:,.0f}{f' {t.currency}' if t.currency else ''} a year, {overlaps(t)}, "
        f"{count(len(t.renewals), 'renewal')} within 90 days" + (f"; notice passed: {', '.join(t.in_notice)} "
        f"{'renews' if len(t.in_notice) == 1 else 'renew'} as {'it is' if len(t.in_notice) == 1 else 'they are'}"
        if t.in_notice else "") if t.categories else "none registered yet",
    }  # fmt: skip


def priorities_sentence(p: Priorities, shown: int = 3) -> str:
    """'ranking of 2026-12 (RICE): 1. Approvers miss requests (3.13), 2. …; 1 not ranked' ('ranking of 2026-12, area
    approvals (RICE): …' for one squad's), or 'no opportunities yet'."""
    if not p.opportunities and not p.top:
        return "no opportunities yet"
    area = f", area {p.area}" if p.area else ""  # a squad's ranking is never read as the company's
    source = f"ranking of {p.cycle}{area}{p.old}" if p.cycle else "not recorded, ranked today"
    top = ", ".join(f"{o.rank}. {o.title} ({kept(o.score)})" for o in p.top[:shown]) or "none ranked"
    return f"{source} ({p.method.upper()}): {top}" + (f"; {p.unranked} not ranked" if p.unranked else "")


def decision_loops(d: Decisions) -> str:
    """'; expectations: 1 met, 2 not met, 1 too early; 1 proposed for more than 30 days', or ''."""
    verdicts = [e.verdict for e in d.expectations]
    parts = [", ".join(f"{verdicts.count(v)} {v}" for v in VERDICTS if v in verdicts)] if verdicts else []
    parts = [f"expectations: {parts[0]}"] if parts else []
    parts += [f"{count(d.reviews_overdue.count, 'review')} overdue"] if d.reviews_overdue.count else []
    parts += [f"{d.proposed_stale.count} proposed for more than 30 days"] if d.proposed_stale.count else []
    if d.evidence_after.count:
        parts.append(
            f"{count(d.evidence_after.count, 'decision')} citing evidence dated after {'it' if d.evidence_after.count == 1 else 'them'}"
        )
    return "; " + "; ".join(parts) if parts else ""


def process_loops(p: Processes) -> str:
    """'; 2 of 4 not happening as written (prc-…, prc-…); prioritization kept in 2 divergent versions', or ''."""
    parts = []
    if p.checks:
        parts.append(f"{p.not_happening.count} of {count(len(p.checks), 'process', 'processes')} with outputs "
                     f"not happening as written" + (f" ({_ids(p.not_happening)})" if p.not_happening.count else ""))  # fmt: skip
    parts += [f"{d.kind} kept in {len(d.versions)} divergent versions" for d in p.divergent]
    return "; " + "; ".join(parts) if parts else ""


def unaddressed_themes(themes: Themes, shown: int = 8) -> str:
    """'14 of 21 themes unaddressed, the largest 5: card-controls (7), …', or 'all 21 themes addressed'."""
    total = themes.unaddressed_count
    if not total:
        return f"all {count(themes.count, 'theme')} addressed"
    listed = ", ".join(f"{t.theme} ({t.insights})" for t in themes.unaddressed[:shown])
    which = f", the largest {shown}" if total > shown else ""
    return f"{total} of {count(themes.count, 'theme')} unaddressed{which}: {listed}"


def overlaps(tools: Tools) -> str:
    """'overlaps: product analytics (Amplitude, Mixpanel); possible overlap in analytics (…)', or 'no overlaps'."""
    parts = [f"{job} ({', '.join(names)})" for job, names in tools.overlaps.items()]
    maybe = [f"{c} ({', '.join(names)}: no job given)" for c, names in tools.possible_overlaps.items()]
    if not parts and not maybe:
        return "no overlaps"
    return "; ".join(
        ([f"overlaps: {', '.join(parts)}"] if parts else [])
        + ([f"possible overlap in {', '.join(maybe)}"] if maybe else [])
    )


def metric_line(m: Metric) -> str:
    """'Weekly active approvers: 4637.8 users, target 5000: below target; stale: last value 9 days ago'."""
    line = f"{m.name}: {m.latest.value:g} {m.unit}" if m.latest else f"{m.name}: no value yet"
    if m.status:
        line += f", target {m.target:g}: {m.status}"
    if m.stale:
        line += f"; stale: last value {count(m.days_since_latest, 'day')} ago"
    return line


def onboarding_time(ttp: TimeToProductivity) -> str:
    """Time to productive as onboarding computed it: a median with its sample, or why there is none."""
    return f"time to productive: {ttp.day30.text}; to plan complete: {ttp.complete.text}"


def _ids(block: Counted) -> str:
    return ", ".join(block.ids[:12]) + (" …" if len(block.ids) > 12 else "")


def _counted(block: Counted) -> str:
    """'0', or '2 (id, id)'."""
    return f"{block.count} ({_ids(block)})" if block.count else "0"


def _md(text: object) -> str:
    """User text (a title, a name, a sentence naming them) as markdown shows it as written: never a link,
    emphasis or HTML."""
    return markdown_literal(str(text))


def _cell(text: object) -> str:
    """User text in a table's cell: as written, its pipes escaped, on one line."""
    return markdown_cell(markdown_literal(str(text)))


def _row(*cells: str) -> str:
    """A table row of cells already escaped (_cell), some with markup of the report's own (**missed**)."""
    return "| " + " | ".join(cells) + " |"


def markdown(report: Report) -> str:
    """The report as markdown: every title, name and sentence from the KB escaped (text.markdown_literal,
    markdown_cell in tables), so a `|` never breaks a table and `[x](http://…)` is never a live link."""
    said = {key: _md(text) for key, text in sentences(report).items()}
    out = [f"# {_md(report.kb)} — product report", "", f"Generated {report.generated}.", "", "## Metrics", ""]
    if report.metrics:
        out += ["| metric | latest | target | status | trend | id |", "|---|---:|---:|---|---:|---|"]
    else:
        out.append("No metrics defined yet (`pmops metric add`).")
    for m in report.metrics:
        latest = f"{m.latest.value:g} {m.unit} ({m.latest.date})" if m.latest else "—"
        target = f"{m.target:g}" if m.target is not None else "—"
        state = (m.status or "—") + (f"; stale: last value {count(m.days_since_latest, 'day')} ago" if m.stale else "")
        trend = f"{m.trend:+g}" if m.trend is not None else "—"
        out.append(_row(_cell(m.name), _cell(latest), target, _cell(state), trend, _cell(m.id)))

    def tree(nodes: tuple, depth: int = 0) -> None:
        for node in nodes:
            out.append(f"{'  ' * depth}- {_md(node.name)} ({_md(node.id)})")
            tree(node.children, depth + 1)

    if report.metric_tree:
        out += ["", "### Metric tree", ""]
        tree(report.metric_tree)
    r = report.research
    out += ["", "## Research", "", f"{said['Research']}.", ""]
    if r.recent.count:
        out += [f"The last {r.weeks} weeks (since {r.since}) by source, segment and area:", ""]
        for title, groups in (("source", r.by_source), ("segment", r.by_segment), ("area", r.by_area)):
            out += [f"| {title} | insights | ids |", "|---|---:|---|"]
            out += [_row(_cell(name), str(block.count), _cell(_ids(block))) for name, block in groups.items()]
            out.append("")
    themes = report.themes
    if themes.count:
        shown = f"the {len(themes.top)} largest of {themes.count}" if themes.count > len(themes.top) else "all"
        out += ["### Themes", "", f"Customer problems, {shown}; trend: insights this period vs the period before.", "",
                "| theme | insights | customers | trend | decisions | latest quote |", "|---|---:|---|---|---|---|"]  # fmt: skip
        for t in themes.top:
            quote = t.latest_quote.text if t.latest_quote else ""
            decided = _cell(t.addressed_text) if t.addressed else f"**{_cell(t.addressed_text)}**"
            trend = f"{t.trend.direction} ({t.trend.current} vs {t.trend.previous})"
            out.append(_row(_cell(t.theme), str(t.insights), _cell(t.customers_text), trend, decided, _cell(quote)))
        out += ["", _md(unaddressed_themes(themes).capitalize()) + ".", ""]
    pr = report.priorities
    out += ["## Priorities", "", f"{said['Priorities'][:1].upper()}{said['Priorities'][1:]}.", ""]
    if pr.top:
        out += [_md(pr.intro), "", "| rank | opportunity | score | reach | confidence | customers | evidence |",
                "|---:|---|---:|---:|---:|---|---|"]  # fmt: skip
        for o in pr.top:
            evidence = "; ".join(f"{e.title} ({e.id})" for e in o.evidence) or "none"
            customers = f"{o.customers}: {o.named()}" if o.named() else str(o.customers)
            out.append(_row(str(o.rank), _cell(f"{o.title} ({o.id})"), f"{kept(o.score)}", f"{kept(o.reach)}",
                            f"{kept(o.confidence)}", _cell(customers), _cell(evidence)))  # fmt: skip
        out.append("")
    elif not pr.opportunities:
        out += ["No opportunities yet (`pmops opportunity add`).", ""]
    out += ["## Decisions", ""]
    if any(b.count for b in report.decisions.by_status.values()):
        out += ["| status | count | ids |", "|---|---:|---|"]
        out += [_row(_cell(s), str(b.count), _cell(_ids(b))) for s, b in report.decisions.by_status.items()]
    else:
        out.append("No decisions recorded yet.")
    d = report.decisions
    if d.expectations:
        out += ["", "### Expectations", "", "What the decisions taken said they would move, judged on their metrics' "
                "values (before the decision → since, up to the review date).", "",
                "| decision | metric | expected | verdict | numbers | review by |", "|---|---|---|---|---|---|"]  # fmt: skip
        for e in d.expectations:
            verdict = f"**{_cell(e.verdict)}**" if e.verdict == "not met" else _cell(e.verdict)
            due = f"{e.review_by}" + (" (**overdue**)" if e.overdue else "") if e.review_by else "—"
            out.append(_row(_cell(f"{e.title} ({e.decision})"), _cell(e.name or e.metric), _cell(e.expects), verdict,
                            _cell(e.why), due))  # fmt: skip
    loops = [("Reviews overdue", d.reviews_overdue), ("Proposed for more than 30 days", d.proposed_stale),
             ("Citing evidence dated after the decision", d.evidence_after)]  # fmt: skip
    if any(b.count for _, b in loops) or d.expectations:
        out += ["", "; ".join(f"{label}: {_md(_counted(block))}" for label, block in loops) + "."]
    p = report.processes
    out += ["", "## Processes", ""]
    out += [f"Active {p.active.count}, stale {_md(_counted(p.stale))}, running this week {_md(_counted(p.due))}."
            if p.list else "No processes documented yet.", ""]  # fmt: skip
    if p.checks:
        out += [f"What the processes promise (their outputs) against what happened since {p.checked_since} "
                "(`pmops process check`):", "", "| process | owner | output | promised | verdict | what happened |",
                "|---|---|---|---|---|---|"]  # fmt: skip
        for c in p.checks:
            for o in c.outputs or (None,):
                verdict = (f"**{o.verdict}**" if o.verdict == "missed" else o.verdict) if o else "cannot check"
                said_ = o.actual if o else c.problem
                out.append(_row(_cell(f"{c.title} ({c.id})"), _cell(c.owner or "—"), _cell(o.check if o else "—"),
                                _cell((o.promised if o else "") or "—"), verdict, _cell(said_ or "")))  # fmt: skip
        out.append("")
    for d in p.divergent:
        alike = f"; {d.alike}" if d.alike else ""
        out += [f"Divergent versions of {_md(d.kind)} (different owners, far from alike{alike}):", ""]
        out += [_md(f"- {v.title} ({v.id}): {v.owner or 'no owner'}, {v.cadence or 'no cadence'}; sections: "
                    f"{', '.join(v.sections) or 'none'}"
                    + (f"; near-copies of it: {', '.join(v.copies)}" if v.copies else "")) for v in d.versions]  # fmt: skip
        out.append("")
    o = report.onboarding
    out += ["## Onboarding", ""]
    if o.plans:
        out += ["| person | status | done | day | id |", "|---|---|---:|---:|---|"]
        out += [_row(_cell(x.name), _cell(x.status), f"{x.done}/{x.total}", _cell(plan_day(x)), _cell(x.id))
                for x in o.plans]  # fmt: skip
        out += ["", f"{_md(onboarding_time(o.time_to_productivity).capitalize())}.", ""]
    else:
        out += ["No plans yet (`pmops onboard new-pm`).", ""]
    t = report.tools
    out += ["## Tool stack", ""]
    if t.categories:
        out += [f"Total cost per year: {t.total_cost:,.0f}; {_md(overlaps(t))}.", ""]
        out += [f"- Renewal: {_md(x.name)} on {x.renewal} ({_md(x.id)})" for x in t.renewals]
        out += [f"- Gaps: {_md(', '.join(t.gaps))}" if t.gaps else "- No gaps"]
    else:
        out.append("No tools registered yet (`pmops tool add`).")
    return "\n".join(out) + "\n"


def plan_day(plan: Plan) -> str:
    """The plan's day since its start, or when it starts."""
    days = plan.days_since_start
    return f"starts {plan.start}" if days is None or days < 0 else str(days)


def charts(report: Report) -> dict[str, Any]:
    """SVG charts (pygal, no scripts from the network) keyed by what they show."""
    import sys

    import pygal
    from pygal.style import Style

    # pygal appends an old-style import hook (find_module, no find_spec) for its map plugins, which
    # pmops does not use; left in place, every later failed import warns (an error under pytest).
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

    style = Style(background="transparent", plot_background="transparent", foreground="#334155",
                  foreground_strong="#0f172a", foreground_subtle="#cbd5e1", colors=("#2563eb", "#f97316", "#16a34a", "#dc2626", "#7c3aed"),
                  font_family="system-ui, sans-serif")  # fmt: skip
    common = {"js": [], "disable_xml_declaration": True, "style": style, "explicit_size": True, "width": 560, "height": 240,
              "truncate_label": -1}  # fmt: skip

    def svg(chart: pygal.graph.graph.Graph) -> str:
        return chart.render(is_unicode=True)

    charts: dict[str, Any] = {"metrics": {}}
    for m in report.metrics:
        if not m.values:
            continue
        chart = pygal.Line(show_dots=False, show_legend=m.target is not None, legend_at_bottom=True,
                           x_labels_major_count=6, show_minor_x_labels=False, x_label_rotation=0, **common)  # fmt: skip
        chart.x_labels = [v.date.isoformat() for v in m.values]
        chart.add(m.name, [v.value for v in m.values])
        if m.target is not None:
            chart.add("target", [m.target] * len(m.values))
        charts["metrics"][m.id] = svg(chart)
    weeks = report.research.per_week
    intake = pygal.Bar(show_legend=False, x_labels_major_count=7, show_minor_x_labels=False, **common)
    intake.x_labels = [w.week for w in weeks]
    intake.add("insights", [w.count for w in weeks])
    intake.y_labels = list(range(max([w.count for w in weeks] + [1]) + 1))  # whole insights only
    charts["intake"] = svg(intake)
    for key in ("by_source", "by_segment", "by_area"):
        bar = pygal.HorizontalBar(show_legend=False, **{**common, "height": 200})
        items = list(getattr(report.research, key).items())[::-1]
        bar.x_labels = [name for name, _ in items]
        bar.add("insights", [b.count for _, b in items])
        charts[key] = svg(bar)
    months = report.decisions.per_month
    decisions = pygal.StackedBar(legend_at_bottom=True, **common)
    decisions.x_labels = [m.month for m in months]
    for status in ("accepted", "proposed", "rejected", "superseded", "deprecated"):
        decisions.add(status, [m.by_status[status].count for m in months])
    charts["decisions"] = svg(decisions)
    return charts


def html(report: Report, kb: KnowledgeBase) -> str:
    """One self-contained page; links to documents are relative to the KB's root."""
    import functools

    from pmops import amounts

    paths = {r.id: r.path for r in kb.records() if r.id}
    money = functools.partial(amounts.shown, currency=kb.config.currency)  # $175,600: as the website shows amounts
    return templates.render_html("report.html.j2", kb.root, report=report, charts=charts(report), paths=paths, words=count,
                                 onboarding_time=onboarding_time, unaddressed_themes=unaddressed_themes, overlaps=overlaps,
                                 plan_day=plan_day, money=money)  # fmt: skip
