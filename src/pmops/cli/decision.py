"""`pmops decision …`: the decision log, with evidence and a lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from pmops.cli import _prompts, _shared
from pmops.cli._shared import JsonOpt, NoCommitOpt, TagOpt, about
from pmops.cli.render import common
from pmops.doctypes import DECISION
from pmops.errors import InvalidInput

app = typer.Typer(
    help="The decision log: decisions with their evidence, proposed → accepted → superseded.", no_args_is_help=True
)


@app.command()
def add(
    ctx: typer.Context,
    title: Annotated[str | None, typer.Option("--title", help="The decision, as a short statement.")] = None,
    status: Annotated[
        str, typer.Option("--status", help=about(DECISION, "status", choices=DECISION.field("status").initial))
    ] = "proposed",
    evidence: Annotated[
        list[str] | None,
        typer.Option(
            "--evidence", metavar="ID", help="An insight that justifies it: id, unique prefix or title (repeatable)."
        ),
    ] = None,
    decider: Annotated[
        list[str] | None, typer.Option("--decider", metavar="NAME", help="Who decides (repeatable).")
    ] = None,
    area: Annotated[str | None, typer.Option("--area", help="The product area.")] = None,
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
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Record a decision, citing the insights that justify it.

    --context, --option and --consequences fill the ADR's sections (the template's
    prompts stay only in the sections not given).

    Example:

        pmops decision add --title "Approve from Slack" --status accepted \\
            --evidence ins-260203 --evidence ins-260114 --decider "Ada Brooks" \\
            --context "Approvers live in Slack" --option "Slack app" --option "Email links"
    """
    kb = _shared.state(ctx).kb()
    values = {"title": title, "status": status, "evidence": evidence or [], "deciders": decider or [],
              "area": area, "tags": tag or [], "date": date}  # fmt: skip
    _prompts.ask_missing(ctx, kb.doctype("decision"), values, only=values, flags={"deciders": "--decider"})
    from pmops import decisions

    sections = decisions.adr_sections(context, option or [], consequences)
    common.created(kb.create("decision", values, commit=False if no_commit else None, extra_context=sections), json_out)


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option("--status", help=about(DECISION, "status", "only this status"))] = None,
    area: Annotated[str | None, typer.Option("--area", help="Only this area.")] = None,
    all_: _shared.AllOpt = False,
    archived: _shared.ArchivedOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """List decisions, newest first.

    Example:

        pmops decision list --status accepted
    """
    kb = _shared.state(ctx).kb()
    doctype = kb.doctype("decision")
    if status is not None and status not in doctype.field("status").choices:
        raise InvalidInput(f"--status: '{status}' is not one of: {', '.join(doctype.field('status').choices)}")
    records = kb.select(doctype, {"status": status, "area": area}, archived=_shared.archived_option(all_, archived))
    common.listing(records, doctype.summary, json_out)


@app.command()
def supersede(
    ctx: typer.Context,
    old: Annotated[
        str, typer.Argument(metavar="OLD_ID", help="The decision being replaced (id, unique prefix or title).")
    ],
    by: Annotated[
        str, typer.Option("--by", metavar="NEW_ID", help="The decision that replaces it (id, unique prefix or title).")
    ],
    no_commit: NoCommitOpt = False,
) -> None:
    """Mark OLD superseded by NEW: both documents change, in one commit.

    Example:

        pmops decision supersede dec-260301 --by dec-261126
    """
    from pmops import decisions

    old_rec, new_rec, _ = decisions.supersede(_shared.state(ctx).kb(), old, by, commit=False if no_commit else None)
    _shared.console().print(f"{_shared.safe(new_rec.id)} supersedes {_shared.safe(old_rec.id)}", soft_wrap=True)


def _lifecycle(status: str) -> Callable[..., None]:
    def command(
        ctx: typer.Context,
        ref: Annotated[str, typer.Argument(metavar="ID", help="A proposed decision (id, unique prefix or title).")],
        no_commit: NoCommitOpt = False,
    ) -> None:
        from pmops import decisions

        record, _ = decisions.set_status(_shared.state(ctx).kb(), ref, status, commit=False if no_commit else None)
        _shared.console().print(f"{_shared.safe(record.id)} is now {status}", soft_wrap=True)

    verb = status[:-2]
    command.__doc__ = (
        f"Mark a proposed decision {status}, and commit.\n\nExample:\n\n    pmops decision {verb} dec-261126"
    )
    return command


app.command("accept")(_lifecycle("accepted"))
app.command("reject")(_lifecycle("rejected"))
