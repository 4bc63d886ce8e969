"""`pmops decision …`: the decision log, with evidence and a lifecycle."""

from __future__ import annotations

from typing import Annotated

import typer

from pmops.cli import _complete, _options, _prompts, _shared
from pmops.cli._options import JsonOpt, NoCommitOpt, TagOpt
from pmops.cli._shared import about
from pmops.cli.render import common
from pmops.doctypes import DECISION
from pmops.errors import InvalidInput

app = typer.Typer(
    help="The decision log: decisions with their evidence, proposed → accepted → superseded.", no_args_is_help=True
)


# Help is rich markup, and rich reads ':up:' as an emoji code: the empty [dim][/dim] in the example
# below keeps ':up:5000' as written (a user saw 'approvers🆙5000').
@app.command()
def add(
    ctx: typer.Context,
    title_arg: _options.TitleArg = None,
    title: Annotated[str | None, typer.Option("--title", help="The decision, as a short statement.")] = None,
    status: Annotated[
        str,
        typer.Option(
            "--status",
            help=about(DECISION, "status", choices=DECISION.field("status").initial),
            autocompletion=_complete.field("decision", "status", new=True),
        ),
    ] = "proposed",
    evidence: Annotated[
        list[str] | None,
        typer.Option(
            "--evidence",
            metavar="ID",
            help="An insight that justifies it: id, unique prefix or title (repeatable).",
            autocompletion=_complete.field("decision", "evidence"),
        ),
    ] = None,
    opportunity: Annotated[
        list[str] | None,
        typer.Option(
            "--opportunity",
            metavar="ID",
            help="An opportunity it addresses: id, unique prefix or title (repeatable).",
            autocompletion=_complete.field("decision", "opportunities"),
        ),
    ] = None,
    decider: Annotated[
        list[str] | None,
        typer.Option(
            "--decider",
            metavar="NAME",
            help="Who decides (repeatable).",
            autocompletion=_complete.field("decision", "deciders"),
        ),
    ] = None,
    area: Annotated[
        str | None, typer.Option("--area", help="The product area.", autocompletion=_complete.field("decision", "area"))
    ] = None,
    tag: TagOpt = None,
    date: Annotated[str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="When (default: today).")] = None,
    context: Annotated[
        str | None, typer.Option("--context", metavar="TEXT", help="The Context section: the problem and what we know.")
    ] = None,
    option: Annotated[
        list[str] | None, typer.Option("--option", metavar="TEXT", help="An option considered (repeatable, in order).")
    ] = None,
    consequences: Annotated[
        str | None, typer.Option("--consequences", metavar="TEXT", help="The Consequences section.")
    ] = None,
    expects: Annotated[
        list[str] | None,
        typer.Option(
            "--expects",
            metavar="METRIC:up|down[:TARGET]",
            help="What it should move: a metric (name, id or unique prefix), up or down, maybe to a target (repeatable).",
        ),
    ] = None,
    review_by: Annotated[
        str | None,
        typer.Option("--review-by", metavar="DATE", help="When to judge what it moved (needed with --expects)."),
    ] = None,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Record a decision, citing the insights that justify it.

    --context, --option and --consequences fill the ADR's sections (the template's
    prompts stay only in the sections not given). --expects says what the decision
    should move and --review-by when to judge it: pmops decision review checks it.

    Example:

        pmops decision add --title "Approve from Slack" --status accepted \\
            --evidence ins-260203 --evidence ins-260114 --decider "Ada Brooks" \\
            --context "Approvers live in Slack" --option "Slack app" --option "Email links" \\
            --expects "Weekly active approvers:up[dim][/dim]:5000" --review-by 2027-06-30
    """
    kb = _shared.state(ctx).kb()
    from pmops import decisions, outcomes

    values = {"title": _shared.one_title(title_arg, title), "status": status, "evidence": evidence or [], "opportunities": opportunity or [],
              "deciders": decider or [],
              "area": area, "tags": tag or [], "date": date,
              **outcomes.planned(expects or [], review_by, date, kb=kb)}  # fmt: skip
    _prompts.ask_missing(ctx, kb.doctype("decision"), values, only=values, flags={"deciders": "--decider"})
    sections = decisions.adr_sections(context, option or [], consequences)
    made = kb.create("decision", values, commit=False if no_commit else None, extra_context=sections)
    made.notes += [f"warning: {w}" for w in outcomes.doubts(kb, made.record)]  # said, not refused: it may mean it
    common.created(made, json_out)


@app.command("list")
def list_(
    ctx: typer.Context,
    status: _options.field_filter(DECISION, "status") = None,
    area: _options.field_filter(DECISION, "area") = None,
    tag: _options.tag_filter("decisions") = None,
    all_: _options.AllOpt = False,
    archived: _options.ArchivedOpt = False,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option(common.record_columns(DECISION)) = None,
    json_out: JsonOpt = False,
) -> None:
    """List decisions, newest first.

    Example:

        pmops decision list --status accepted
    """
    output = _shared.output(json_out, fmt, columns)
    kb = _shared.state(ctx).kb()
    doctype = kb.doctype("decision")
    records = kb.select(
        doctype, {"status": status, "area": area, "tags": tag}, archived=_shared.archived_option(all_, archived)
    )
    common.listing(records, doctype, output)


@app.command()
def supersede(
    ctx: typer.Context,
    old: Annotated[
        str,
        typer.Argument(
            metavar="OLD_ID",
            help="The decision being replaced (id, unique prefix or title).",
            autocompletion=_complete.documents("decision"),
        ),
    ],
    by: Annotated[
        str,
        typer.Option(
            "--by",
            metavar="NEW_ID",
            help="The decision that replaces it (id, unique prefix or title).",
            autocompletion=_complete.documents("decision"),
        ),
    ],
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Mark OLD superseded by NEW: both documents change, in one commit.

    Example:

        pmops decision supersede dec-260301 --by dec-261126
    """
    from pmops import decisions

    kb = _shared.state(ctx).kb()
    old_rec, new_rec, sha, already = decisions.supersede(kb, old, by, commit=False if no_commit else None)
    if json_out:
        _shared.print_state(old_rec, "supersede", sha, already, by=new_rec.id)
        return
    said = "already supersedes" if already else "supersedes"
    nothing = "; nothing changed" if already else ""
    _shared.console().print(f"{_shared.safe(new_rec.id)} {said} {_shared.safe(old_rec.id)}{nothing}", soft_wrap=True)


DecisionRef = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="A proposed decision (id, unique prefix or title).",
        autocompletion=_complete.proposed,
    ),
]


def _set_status(ctx: typer.Context, ref: str, status: str, no_commit: bool, json_out: bool,
                review_by: str | None = None, today: str | None = None) -> None:  # fmt: skip
    from pmops import decisions

    kb = _shared.state(ctx).kb()
    day = _shared.today_option(today, recorded=True)
    record, sha, already = decisions.set_status(kb, ref, status, commit=False if no_commit else None,
                                                review_by=review_by, today=day)  # fmt: skip
    if json_out:
        _shared.print_state(record, status[:-2], sha, already, status=status)
        return
    said = f"was already {status}; nothing changed" if already else f"is now {status}"
    _shared.console().print(f"{_shared.safe(record.id)} {said}", soft_wrap=True)


@app.command("accept")
def accept(
    ctx: typer.Context,
    ref: DecisionRef,
    review_by: Annotated[
        str | None,
        typer.Option(
            "--review-by",
            metavar="DATE",
            help="A new day to judge what it moved, when the one it was proposed with has passed.",
        ),
    ] = None,
    today: _options.DoneOnOpt = None,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Mark a proposed decision accepted (today, or the day --today gives), and commit.

    Its expectations are judged from the day it is accepted; one whose review date has passed by then
    is refused until given a new one (--review-by). A day before the decision's own date is refused.

    Example:

        pmops decision accept dec-261126 --review-by 2027-03-31
        pmops decision accept dec-261126 --today 2026-10-01
    """
    _set_status(ctx, ref, "accepted", no_commit, json_out, review_by, today)


@app.command("reject")
def reject(ctx: typer.Context, ref: DecisionRef, no_commit: NoCommitOpt = False, json_out: JsonOpt = False) -> None:
    """Mark a proposed decision rejected, and commit.

    Example:

        pmops decision reject dec-261126
    """
    _set_status(ctx, ref, "rejected", no_commit, json_out)


@app.command()
def review(
    ctx: typer.Context,
    ref: Annotated[
        str | None,
        typer.Argument(
            metavar="[REF]",
            help="A decision (id, unique prefix or title); none: every one with expectations.",
            autocompletion=_complete.documents("decision"),
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="With REF: show the verdicts, record nothing.")] = False,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            metavar="YYYY-MM-DD",
            help="Judge as of this day; with REF (no --dry-run) it is recorded as the review's day, so not after today.",
        ),
    ] = None,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Judge what decisions moved: each expectation met, not met, too early or no data, with the numbers.

    With REF: that decision's verdicts, recorded in it (reviewed, outcomes) in one
    commit — unless every one is still too early, or --dry-run; a verdict recorded
    is kept, never rewritten. Without REF: every decision taken that has expectations,
    the overdue reviews first; nothing is written. Each expectation is judged on its
    metric's last value on or before the decision's date against its values since, up
    to the review date: met once one of them got there; without a target, the value at
    the review date must be the expected way from the one before.

    Example:

        pmops decision review "Approve and reject from Slack"
        pmops decision review --json
    """
    from pmops import outcomes
    from pmops.cli.render import decisions as render

    kb = _shared.state(ctx).kb()
    day = _shared.today_option(today)
    if ref is None:
        if dry_run:
            raise InvalidInput("--dry-run: give a decision (REF); without one nothing is recorded")
        found = outcomes.reviews(kb, day)
        _shared.print_json([r.to_json() for r in found]) if json_out else render.reviews(found)
        return
    if not dry_run:  # its verdicts are recorded as of that day
        day = _shared.today_option(today, recorded=True)
    result, done, sha = outcomes.record_review(kb, ref, day, dry_run=dry_run, commit=False if no_commit else None)
    if json_out:
        _shared.print_json({**result.to_json(), "done": done, "already": done == "already", "commit": sha})
    else:
        render.review(result, done)
