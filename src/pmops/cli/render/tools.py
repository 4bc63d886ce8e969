"""`tool` and `metric`: ratings, the stack, a metric and the metrics listing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmops.cli._shared import console, safe
from pmops.cli.render.common import Cell, Column, Listing, record_listing

if TYPE_CHECKING:
    from pmops.doctypes import DocType
    from pmops.metrics import MetricView
    from pmops.stack import Rating, Renewal, Stack


def tool_matrix(weights: dict, ratings: list, empty: str = "no tools to compare") -> Listing:
    """The scoring matrix (stack.compare's order), then (a table's footer) what each partial or missing score
    means; `empty` is said when there is no tool, as an empty listing says so."""
    from pmops.text import count

    must = list(ratings[0].requirements) if ratings else []
    none = Cell(None, "–")
    rows = []
    for rating in ratings:
        scores = {c: (Cell(rating.scores[c], f"{rating.scores[c]:g}*") if c in rating.derived else rating.scores[c])
                  if c in rating.scores else none for c in weights}  # fmt: skip
        checks = {f"{c} (must pass)": _check(rating.requirements.get(c)) for c in must}
        if rating.total is None:
            total = Cell(None, "not scored")
        else:
            text = f"{rating.total:.2f}" + ("+" if rating.missing else "")
            total = Cell(round(rating.total, 2), f"fails ({text})" if rating.fails else text)
        rows.append({"rank": rating.rank or none, "tool": rating.record.title, **scores, **checks, "weighted": total})

    def footer() -> None:
        out = console()
        for rating in ratings:
            name = safe(rating.record.title)
            if rating.fails:
                out.print(f"{name}: fails {safe(', '.join(rating.fails))} (must pass), so not ranked, whatever its "
                          "weighted score", soft_wrap=True)  # fmt: skip
            elif rating.total is None:
                out.print(
                    f"{name}: not scored, so not ranked: pmops tool score {name} CRITERION=SCORE…", soft_wrap=True
                )
            elif rating.missing:
                out.print(f"+ {name}: not scored on {', '.join(rating.missing)}: counted as 0 "
                          f"({rating.best:.2f} at most once scored)", soft_wrap=True)  # fmt: skip
            if rating.rank and not rating.fails and rating.unchecked:  # ranked, but a must-pass it may fail
                first = safe(rating.unchecked[0])
                out.print(f"{name}: {safe(', '.join(rating.unchecked))} not checked yet (must pass): ranked "
                          f"{rating.rank} on its scores until it is (pmops tool score \"{name}\" {first}=pass or "
                          f"{first}=fail)", soft_wrap=True)  # fmt: skip
        if len(must) > 1:  # the must-pass columns numbered: a name cut to fit ('soc2_t…') is still told apart
            out.print("must pass: " + ", ".join(f"{i} {safe(c)}" for i, c in enumerate(must, 1)), soft_wrap=True)
        if len(ratings) == 1:
            out.print(f"{safe(ratings[0].record.title)} alone: no other tool to compare it with", soft_wrap=True)
        lows = list(dict.fromkeys(r.cheapest for r in ratings if r.cheapest))  # one for each category compared
        for cheapest in lows:
            shown = [r for r in ratings if r.derived and r.cheapest == cheapest]
            among = f" of its category ({safe(shown[0].record.values.get('category'))})" if len(lows) > 1 else ""
            out.print(f"* cost derived for {count(len(shown), 'tool')} from the costs compared{among}: 5 × the "
                      f"cheapest ({safe(cheapest[0])}, {cheapest[1]:,.0f}) ÷ the tool's cost", soft_wrap=True)  # fmt: skip

    columns = (Column("rank", "number"), Column("tool", "id"),
               *(Column(c, "number", f"{c}\n×{w:g}") for c, w in weights.items()),
               Column("weighted", "number"),
               *(Column(f"{c} (must pass)", "id", f"{c}\nmust" + (f" {i}" if len(must) > 1 else ""))
                 for i, c in enumerate(must, 1)))  # "must" where a weight is (numbered, with more than one)  # fmt: skip
    data = {"criteria": weights, "ranking": [r.to_json() for r in ratings]}
    # A must-pass criterion's column (pass/FAIL) beside the weighted score, in the table as in csv and tsv (last).
    shown = tuple(c.name for c in columns)
    return Listing(columns, shown, rows, data, noun="tool", footer=footer, empty=empty)


def _check(state: str | None) -> Cell:
    """A must-pass criterion's cell: pass, FAIL (fail in csv), or – (empty) when not checked."""
    return Cell(state, {"pass": "pass", "fail": "FAIL"}.get(str(state), "–"))


def tool_scored(rating: Rating) -> None:
    """What `tool score` prints: the weighted score so far, and what it does not count yet."""
    out = console()
    if rating.total is None:  # only must-pass criteria scored so far: no weighted score yet
        line = f"{rating.record.title}: no weighted score yet (score {', '.join(rating.missing)} from 0 to 5)"
    else:
        line = f"{rating.record.title}: weighted score {rating.total:.2f} of 5"
    if rating.missing and rating.total is not None:
        line += f"; not scored on {', '.join(rating.missing)}: counted as 0 ({rating.best:.2f} at most once scored)"
    if rating.fails:
        line += f"; fails {', '.join(rating.fails)} (must pass): not ranked, whatever its weighted score"
    elif rating.unchecked:
        line += f"; must pass {', '.join(rating.unchecked)}: not checked yet"
    out.print(safe(line), soft_wrap=True)
    if "cost" in rating.missing and rating.record.values.get("cost") is not None:
        out.print(
            "[dim]pmops tool compare derives its cost score from the costs of the tools compared[/dim]", soft_wrap=True
        )


def tool_stack(result: Stack) -> None:
    from pmops.stack import job_of
    from pmops.text import count

    out = console()
    for category, tools in result.by_category.items():
        out.print(f"[bold]{category}[/bold]: {safe(', '.join(r.title for r in tools))}", soft_wrap=True)
    for category, how in result.covered.items():
        out.print(f"[bold]{category}[/bold]: pmops ({safe(how)})", soft_wrap=True)
    for tools in result.overlaps.values():  # the job as the first tool writes it
        out.print(
            f"[yellow]overlap[/yellow] in {safe(tools[0].values['job'])}: {safe(' and '.join(r.title for r in tools))}",
            soft_wrap=True,
        )
    for category, tools in result.possible_overlaps.items():
        unsure = ", ".join(r.title for r in tools if job_of(r) is None)
        out.print(f"[yellow]possible overlap[/yellow] in {category}: {safe(' and '.join(r.title for r in tools))} "
                  f"[dim](no job given for {safe(unsure)}: add 'job:' to tell)[/dim]", soft_wrap=True)  # fmt: skip
    if result.gaps:
        out.print(f"[yellow]gaps[/yellow]: no adopted tool for {', '.join(result.gaps)}", soft_wrap=True)
    if result.isolated:
        out.print(
            f"[yellow]integrates with nothing else[/yellow]: {safe(', '.join(r.title for r in result.isolated))}",
            soft_wrap=True,
        )
    for record, days in result.renewals:
        out.print(
            f"[cyan]renewal[/cyan] {safe(record.title)} on {record.values['renewal']} ({'today' if days == 0 else 'in ' + count(days, 'day')})",
            soft_wrap=True,
        )
    out.print(f"total cost per year: {result.total_cost:,.0f}")


def _figure(value: float) -> str:
    return f"{value:,.0f}"


def _per_seat(r: Renewal) -> Cell | None:
    """The cost per active seat, rounded; "none used" when seats were bought and none is used (said below)."""
    from pmops.reports import renewals as words

    said = words.per_seat(r, _figure)
    return None if said is None else Cell(None if r.no_active_seats else round(r.cost_per_active_seat or 0), said)


def renewal_listing(found: list[Renewal], within: int | None) -> Listing:
    """`tool renewals`: by the day to decide, what each contract costs per active seat, the late ones said
    (in the words of `reports.renewals`, which the website's tools page says too)."""
    from pmops.reports import renewals as words
    from pmops.text import count

    def money(value: float | None) -> Cell | None:
        return None if value is None else Cell(round(value), _figure(value))

    def used(r: Renewal) -> Cell | int | None:
        return r.seats_used if r.seats_used is None or not r.seats else Cell(r.seats_used, words.used(r) or "")

    rows = [{"decide_by": Cell(None, "unknown") if r.notice_days is None else r.decide_by, "when": words.when(r), "tool": Cell(r.name, f"{r.name}\n{r.owner}") if r.owner else r.name, "renews": r.renewal, "cost": money(r.cost),
             "used": used(r), "seats": r.seats, "per_seat": _per_seat(r), "notice": Cell(None, "unknown") if r.notice_days is None else r.notice_days, "owner": r.owner, "state": r.state,
             "id": r.id} for r in found]  # fmt: skip

    def footer() -> None:
        out = console()
        for note in words.notes(found, _figure):
            if note.warning:
                out.print(f"[yellow]{note.label}[/yellow]: {safe(note.text)}", soft_wrap=True)
            else:
                out.print(f"[dim]{note.label}: {safe(note.text)}[/dim]", soft_wrap=True)

    columns = (Column("decide_by", "date"), Column("when", "wrap"), Column("tool", "title"), Column("renews", "date"),
               Column("cost", "number"), Column("used", "number", "seats\nused"), Column("per_seat", "number"),
               Column("seats", "number"), Column("notice", "number", "days'\nnotice"),
               Column("owner"), Column("state"), Column("id", "id"))  # fmt: skip
    scope = f" to decide within {count(within, 'day')}" if within is not None else ""
    return Listing(columns, ("decide_by", "when", "tool", "renews", "cost", "used", "per_seat"), rows,
                   [r.to_json() for r in found], noun="renewal", footer=footer,
                   machine=("seats", "owner"),  # said in the table's used ("41 of 60") and tool cells
                   empty=f"no renewals{scope}: adopted tools with a renewal date are listed here")  # fmt: skip


def metric(found: MetricView) -> None:
    from pmops.text import count, or_unknown

    out = console()
    rec = found.record
    unit = rec.values.get("unit") or ""
    out.print(
        f"[bold]{safe(rec.title)}[/bold]  [dim]{safe(rec.id)} · owner {safe(or_unknown(rec.values.get('owner')))}[/dim]"
    )
    out.print(f"[dim]{safe(rec.values.get('definition') or '')}[/dim]", soft_wrap=True)
    latest = found.latest
    if found.mostly_unreadable:  # the few rows read say nothing: no status, trend or staleness from them
        out.print(f"[red]values unreadable: {count(len(found.unreadable), 'row')} of "
                  f"{len(found.unreadable) + len(found.values) + len(found.future)} cannot be read[/red] "
                  "[dim](the rows below; pmops lint says why)[/dim]", soft_wrap=True)  # fmt: skip
    elif latest is None:
        out.print("no values yet: pmops metric record NAME VALUE")
        if found.stale:
            out.print(f"[yellow]{_stale(found)}[/yellow] [dim]({rec.values['cadence']}: one every "
                      f"{count(found.period, 'day')})[/dim]", soft_wrap=True)  # fmt: skip
    else:
        target = rec.values.get("target")
        colour = "green" if found.on_target else "red"
        state = f"  target {target:g} {safe(unit)}: [{colour}]{found.status}[/{colour}]" if found.status else ""
        trend = f"  trend {found.trend:+g}" if found.trend is not None else ""
        doubtful = dict(found.doubts)
        if latest[0] in doubtful:  # said at once, not two lines below a status and a trend computed from it
            state += " [yellow](a doubtful value)[/yellow]"
        out.print(f"latest {latest[1]:g} {safe(unit)} on {latest[0]}{state}{trend}", soft_wrap=True)
        if found.stale:
            out.print(f"[yellow]{_stale(found)}[/yellow] [dim]({rec.values['cadence']}: one every "
                      f"{count(found.period, 'day')})[/dim]", soft_wrap=True)  # fmt: skip
        out.print(
            f"[cyan]{found.sparkline()}[/cyan]  [dim]{count(len(found.values), 'value')} since {found.values[0][0]}[/dim]"
        )
    if found.future:
        dates = ", ".join(d.isoformat() for d, _ in found.future[:3]) + (" …" if len(found.future) > 3 else "")
        out.print(f"[red]left out: {count(len(found.future), 'value')} dated after {found.today} ({dates})[/red] "
                  f"[dim]pmops lint flags {'it' if len(found.future) == 1 else 'them'}[/dim]", soft_wrap=True)  # fmt: skip
    for day, doubt in found.doubts:  # counted, but no percentage can be it (150, or a ratio: 0.995)
        out.print(f"[yellow]{day}: {safe(doubt)}[/yellow] [dim](pmops lint: metric-value-range)[/dim]", soft_wrap=True)
    for row in found.unreadable:  # left out, the other rows read: said with the row's line and what to write
        out.print(f"[red]left out: line {row.line} ({safe(row.text[:40])}) cannot be read:[/red] "
                  f"[dim]{safe(row.fix or '')} (pmops lint says why)[/dim]", soft_wrap=True)  # fmt: skip
    if found.children:
        out.print(f"[dim]drives up from: {safe(', '.join(c.title for c in found.children))}[/dim]", soft_wrap=True)


def _stale(found: MetricView) -> str:
    from pmops.text import count

    if found.age is None:  # never a value: counted from the day it was added
        return f"stale: no value yet, {count(found.quiet or 0, 'day')} since it was added"
    return f"stale: last value {count(found.age, 'day')} ago"


def metric_listing(found: list[MetricView], doctype: DocType) -> Listing:
    """Every metric with its latest value and its status: against target, stale, values left out or unreadable.
    A table says the value with its unit (99.6 %) and the status in a sentence; csv and tsv carry the
    number, the status alone, and (columns of their own) the unit and whether it is stale."""
    from pmops.text import count

    computed = {}
    for view in found:
        rec = view.record
        latest, on = Cell(None, "unknown" if view.problem else "none yet"), None
        if view.problem:
            status = Cell("values unreadable", f"values unreadable: {view.problem}")
        elif view.mostly_unreadable:
            status = Cell(
                "values unreadable", f"values unreadable: {count(len(view.unreadable), 'row')} cannot be read"
            )
        else:
            word = view.status or ("no target" if view.latest else "no values yet")
            parts = [word] + ([_stale(view)] if view.stale else [])
            parts += [f"{count(len(view.future), 'value')} dated in the future left out"] if view.future else []
            parts += [f"{count(len(view.unreadable), 'unreadable row')} left out"] if view.unreadable else []
            if view.latest and view.latest[0] in dict(view.doubts):  # as metric show says it, at once
                parts.insert(1, "a doubtful value (pmops metric show)")
            status = Cell(word, "; ".join(parts))
        if view.latest:
            on, value = view.latest
            latest = Cell(value, f"{value:g} {rec.values.get('unit') or ''}".strip())
        computed[rec.path] = {"latest": latest, "on": on, "status": status, "stale": "true" if view.stale else "false"}
    listing = record_listing([v.record for v in found], doctype, SHOWN, extra=EXTRA, computed=computed,
                             data=[{**v.record.to_json(), **v.figures()} for v in found])  # fmt: skip
    listing.empty = "no metrics yet: pmops metric add NAME --definition D --owner O --unit U"
    listing.machine = ("unit", "stale")
    return listing


SHOWN = ("latest", "on", "status", "owner")  # metric list's columns after id and title
# What metric list works out: sentences pmops writes wrap, dates stay whole.
EXTRA = (Column("latest", "wrap"), Column("on", "date"), Column("status", "wrap"), Column("stale"))
