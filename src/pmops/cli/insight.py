"""`pmops insight …`: capture and list customer insights."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pmops.cli import _complete, _options, _prompts, _shared
from pmops.cli._options import JsonOpt, NoCommitOpt, TagOpt
from pmops.cli._shared import about
from pmops.cli.render import common
from pmops.cli.render import research as render
from pmops.doctypes import INSIGHT

app = typer.Typer(help="Capture and find customer insights.", no_args_is_help=True)
KeepPiiOpt = Annotated[
    bool,
    typer.Option(
        "--keep-pii", help="Write emails and phone numbers as given instead of redacting them (card numbers never)."
    ),
]


@app.command()
def add(
    ctx: typer.Context,
    title_arg: _options.TitleArg = None,
    title: Annotated[str | None, typer.Option("--title", help=about(INSIGHT, "title"))] = None,
    source: _options.field_option(INSIGHT, "source") = None,
    customer: _options.field_option(INSIGHT, "customer") = None,
    segment: _options.field_option(INSIGHT, "segment") = None,
    area: _options.field_option(INSIGHT, "area") = None,
    tag: TagOpt = None,
    quote: Annotated[str | None, typer.Option("--quote", help=about(INSIGHT, "quote"))] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="YYYY-MM-DD", help="When it was heard, e.g. 2026-11-05 or 5 Nov 2026 (default: today)."
        ),
    ] = None,
    sentiment: _options.field_option(INSIGHT, "sentiment") = None,
    confidence: _options.field_option(INSIGHT, "confidence") = None,
    author: Annotated[str | None, typer.Option("--author", help="Who captured it (default: git user.name).")] = None,
    link: Annotated[
        list[str] | None,
        typer.Option(
            "--link",
            metavar="ID",
            help="A related document: id, unique prefix or title (repeatable).",
            autocompletion=_complete.documents(),
        ),
    ] = None,
    body: Annotated[str | None, typer.Option("--body", help="The notes ('-' reads standard input).")] = None,
    body_file: Annotated[
        Path | None, typer.Option("--body-file", metavar="FILE", help="Read the notes from FILE ('-': standard input).")
    ] = None,
    new_tag: Annotated[
        bool, typer.Option("--new-tag", help="Add unknown tags to taxonomy.yaml instead of refusing them.")
    ] = False,
    keep_pii: KeepPiiOpt = False,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Capture a customer insight in seconds; it is validated, written and committed.

    Emails, phone numbers and card numbers are redacted in what is written
    (--keep-pii keeps emails and phone numbers); the output says where.

    Example:

        pmops insight add --title "Export to CSV is hidden" --source interview \\
            --segment enterprise --area reporting --tag data-export --quote "Where is export?"
    """
    kb = _shared.state(ctx).kb()
    doctype = kb.doctype("insight")
    values = {
        "title": _shared.one_title(title_arg, title), "date": date, "source": source, "customer": customer, "segment": segment,
        "area": area, "tags": tag or [], "quote": quote, "author": author, "sentiment": sentiment,
        "confidence": confidence, "links": link or [],
    }  # fmt: skip
    _prompts.ask_missing(ctx, doctype, values, new_tags=new_tag)
    text = _shared.read_body(body, body_file)
    created = kb.create(
        "insight", values, text, new_tags=new_tag, keep_pii=keep_pii, commit=False if no_commit else None
    )
    common.created(created, json_out)


@app.command("list")
def list_(
    ctx: typer.Context,
    tag: Annotated[
        str | None, typer.Option("--tag", help="Only insights with this tag.", autocompletion=_complete.tags)
    ] = None,
    source: _options.field_filter(INSIGHT, "source") = None,
    segment: _options.field_filter(INSIGHT, "segment") = None,
    area: _options.field_filter(INSIGHT, "area") = None,
    customer: Annotated[
        str | None,
        typer.Option(
            "--customer",
            help='Only this customer, however written ("acme" finds "ACME Inc.").',
            autocompletion=_complete.field("insight", "customer"),
        ),
    ] = None,
    since: Annotated[str | None, typer.Option("--since", metavar="YYYY-MM-DD", help="On or after this date.")] = None,
    until: Annotated[str | None, typer.Option("--until", metavar="YYYY-MM-DD", help="On or before this date.")] = None,
    all_: _options.AllOpt = False,
    archived: _options.ArchivedOpt = False,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option(common.record_columns(INSIGHT)) = None,
    json_out: JsonOpt = False,
) -> None:
    """List insights, newest first, filtered by tag, source, segment, area, customer and date.

    A tag's synonym finds the tag; an unknown tag or source is exit 2 with the nearest.

    Example:

        pmops insight list --segment enterprise --tag pricing --since 2026-01-01
    """
    output = _shared.output(json_out, fmt, columns)
    kb = _shared.state(ctx).kb()
    doctype = kb.doctype("insight")
    records = kb.select(
        doctype,
        {"tags": tag, "source": source, "segment": segment, "area": area, "customer": customer},
        since=_shared.parse_date_option(since, "--since"),
        until=_shared.parse_date_option(until, "--until"),
        archived=_shared.archived_option(all_, archived),
    )
    common.listing(records, doctype, output)


@app.command()
def themes(
    ctx: typer.Context,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="Group by tag (the taxonomy's themes), area or segment.",
            autocompletion=_complete.static("tag", "area", "segment"),
        ),
    ] = "tag",
    signals: Annotated[
        bool, typer.Option("--signals", help="Count the signal tags (bug, praise, …) instead of the themes.")
    ] = False,
    since: Annotated[
        str | None, typer.Option("--since", metavar="YYYY-MM-DD", help="Only insights from this day on.")
    ] = None,
    weight: Annotated[
        str | None,
        typer.Option(
            "--weight",
            metavar="arr|customers|insights",
            autocompletion=_complete.static("arr", "customers", "insights"),
            help="Rank by the revenue behind each theme (the ARR of its distinct customers in the register), "
            "its customers or its insights; shows that ARR and the renewals due in the next 90 days.",
        ),
    ] = None,
    today: _options.TodayOpt = None,
    all_: _options.AllOpt = False,
    archived: _options.ArchivedOpt = False,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option(
        "theme, insights, customers, current, previous, trend, addressed (the default; arr with --weight), "
        "or decisions, proposed, signals, quote, quote_id"
    ) = None,
    json_out: JsonOpt = False,
) -> None:
    """Themes across insights: size and signals, customers, trend, latest quote, and whether a decision addresses them.

    By tag, themes are the tags of the taxonomy's theme facets (customer problems); the
    tags of signal facets (bug, praise, churn-risk: kinds of evidence) are counted per
    theme. A theme is addressed when an accepted decision in force cites one of its
    insights; proposed, rejected and superseded ones are named but do not count. The
    trend compares the period since --since (default: the last 90 days) with the
    period of the same length before it. --weight ranks them by what the customers
    behind them weigh (the customer register: pmops customer …). Archived insights are not
    counted unless --all or --archived.

    Example:

        pmops insight themes --by area --since 2026-07-01
        pmops insight themes --weight arr
    """
    from pmops import research

    output = _shared.output(json_out, fmt, columns)
    kb = _shared.state(ctx).kb()
    day = _shared.today_option(today)
    weight = weight.strip().lower() if weight else weight  # ARR, as people write it, is arr
    found = research.themes(kb, by, _shared.parse_date_option(since, "--since"), day, signals=signals, weight=weight,
                            archived=_shared.archived_option(all_, archived))  # fmt: skip
    if weight:  # an ARR of a billion or more (cents?) counted: said, as prioritize says it
        for warning in research.doubtful_arr(kb, found):
            _shared.note(warning)
    data = [t.weighted_json(day) if weight else t.to_json() for t in found]
    common.emit(render.theme_listing(found, data), output)


@app.command("import")
def import_(
    ctx: typer.Context,
    csv_file: Annotated[
        Path, typer.Argument(metavar="FILE.csv", help="A CSV export (comma, semicolon or tab separated, UTF-8).")
    ],
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="COLUMN=FIELD",
            help="Map a column to a field (repeatable); common headers map themselves, and the longest free text is the quote when nothing else is.",
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help=about(INSIGHT, "source", "the source of rows that have none"),
            autocompletion=_complete.field("insight", "source"),
        ),
    ] = None,
    tag: TagOpt = None,
    new_tag: Annotated[
        bool, typer.Option("--new-tag", help="Add unknown tags to taxonomy.yaml instead of refusing the row.")
    ] = False,
    date_format: _options.DateFormatOpt = None,
    allow_ragged: _options.AllowRaggedOpt = False,
    keep_pii: KeepPiiOpt = False,
    dry_run: _options.DryRunOpt = False,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Import insights from a CSV export, one commit for the whole file; importing it again adds nothing.

    Rows that fail are reported by their spreadsheet row (the header is row 1),
    and nothing of them is written: a bad or ambiguous date (05/11/2026: say
    which with --date-format), more or fewer cells than the header has columns.
    Emails, phone numbers and card numbers are redacted in what is written, and
    listed by row and field. Exit 1 when some rows failed.

    Example:

        pmops insight import survey.csv --source survey --map "What could be better?=quote"
    """
    from pmops import importer

    kb = _shared.state(ctx).kb()
    with common.rebuild_progress() as progress:
        result = importer.import_csv(
            kb, csv_file, map_ or [], defaults={"source": source} if source else None, extra_tags=tag or [],
            new_tags=new_tag, date_format=date_format, allow_ragged=allow_ragged, keep_pii=keep_pii,
            dry_run=dry_run, commit=False if no_commit else None, progress=progress,
        )  # fmt: skip
    if json_out:
        _shared.print_json(result.to_json())
    else:
        render.import_result(result)
    if result.failed:
        raise typer.Exit(1)
