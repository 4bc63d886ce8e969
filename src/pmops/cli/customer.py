"""`pmops customer …`: the customer register (ARR, segment, plan, renewal, owner, aliases) and its CRM import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pmops.cli import _complete, _options, _prompts, _shared
from pmops.cli._options import JsonOpt, NoCommitOpt, TagOpt
from pmops.cli._shared import about
from pmops.cli.render import common
from pmops.doctypes import CUSTOMER

app = typer.Typer(
    help="Customers: the register insights are matched against (ARR, segment, renewals), imported from a CRM.",
    no_args_is_help=True,
)


@app.command()
def add(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(metavar="NAME", help="The account's name, as the CRM has it (asked on a terminal).")
    ] = None,
    alias: Annotated[
        list[str] | None,
        typer.Option("--alias", metavar="NAME", help="Another name insights use for it (repeatable)."),
    ] = None,
    segment: _options.field_option(CUSTOMER, "segment") = None,
    plan: _options.field_option(CUSTOMER, "plan") = None,
    arr: Annotated[str | None, typer.Option("--arr", metavar="AMOUNT", help=about(CUSTOMER, "arr"))] = None,
    renewal: Annotated[
        str | None,
        typer.Option(
            "--renewal",
            metavar="YYYY-MM-DD",
            help=about(CUSTOMER, "renewal", then="(e.g. 2027-02-01, 1 Feb 2027 or 'in 3 months', written as a date)"),
        ),
    ] = None,
    owner: _options.field_option(CUSTOMER, "owner") = None,
    tag: TagOpt = None,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Add a customer to the register; insights naming it (or an alias) are matched to it.

    ARR is read as people write it ($120,000, 120k, 1.2M) in the KB's currency;
    a billion or more is written with a warning (cents exported as units?).
    --renewal is read as every date option is (2027-02-01, 1 Feb 2027, in 3
    months) and written as a date.

    Example:

        pmops customer add "Atlas Freight" --alias "Atlas" --segment enterprise \\
            --plan Scale --arr '$240,000' --renewal 2027-02-01 \\
            --owner "Jonas Weber"
    """
    values = {"name": name, "aliases": alias or [], "segment": segment, "plan": plan, "arr": arr,
              "renewal": renewal, "owner": owner, "tags": tag or []}  # fmt: skip
    _prompts.add(ctx, "customer", values, flags={"name": "NAME"}, no_commit=no_commit, json_out=json_out)


@app.command("list")
def list_(
    ctx: typer.Context,
    segment: _options.field_filter(CUSTOMER, "segment") = None,
    all_: _options.AllOpt = False,
    archived: _options.ArchivedOpt = False,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option(common.record_columns(CUSTOMER)) = None,
    json_out: JsonOpt = False,
) -> None:
    """List the register, largest ARR first, with segment, plan, ARR, renewal and owner.

    A table shows ARR in three figures (1.1M, 420k); --format csv, tsv or
    --json carry the whole number.

    Example:

        pmops customer list --segment enterprise
    """
    output = _shared.output(json_out, fmt, columns)
    kb = _shared.state(ctx).kb()
    doctype = kb.doctype("customer")
    chosen = kb.select(doctype, {"segment": segment}, archived=_shared.archived_option(all_, archived))
    records = sorted(chosen, key=lambda r: (-(_arr(r.values.get("arr"))), r.title.casefold()))
    common.listing(records, doctype, output)


def _arr(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else -1.0


@app.command()
def show(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="A customer's name or alias, or its id.",
            autocompletion=_complete.documents("customer", names=True),
        ),
    ],
    json_out: JsonOpt = False,
) -> None:
    """Show a customer: its record, its insights, their themes and the decisions that cite them.

    NAME is its name or an alias, in any case or spelling insights use, or
    its id.

    Example:

        pmops customer show "Atlas Freight"
    """
    from pmops import accounts
    from pmops.cli import core
    from pmops.errors import Ambiguous, NotFound

    kb = _shared.state(ctx).kb()
    try:
        record = kb.find(accounts.customer(kb, ref).path)
    except NotFound as by_name:
        try:
            record = kb.find(ref, "customer")
        except Ambiguous:
            raise  # an id prefix several customers have: they are listed
        except NotFound:
            raise by_name from None
    core.show_record(kb, record, json_out)


@app.command("import")
def import_(
    ctx: typer.Context,
    csv_file: Annotated[
        Path, typer.Argument(metavar="FILE.csv", help="A CRM export (comma, semicolon or tab separated, UTF-8).")
    ],
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="COLUMN=FIELD",
            help="Map a column to a field (repeatable); common CRM headers (Account Name, ARR, Renewal Date …) map themselves.",
        ),
    ] = None,
    date_format: _options.DateFormatOpt = None,
    allow_ragged: _options.AllowRaggedOpt = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Write the file's values (ARR, renewal, segment, plan, owner) over those of customers already in "
            "the register, in the import's commit; without it they are warnings and nothing changes.",
        ),
    ] = False,
    dry_run: _options.DryRunOpt = False,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Import customers from a CRM export, one commit for the whole file; importing it again adds nothing.

    The same engine as `pmops insight import`: rows that fail (a bad ARR, a bad
    or ambiguous date, a segment that is not one of the choices, more or fewer
    cells than the header has columns) are reported by their spreadsheet row
    (the header is row 1) and nothing of them is written. ARR is read as people
    write it ($120,000, 120k, 1.2M); a CRM's Annual Revenue (the company's
    turnover) is never taken as ARR without --map, and a row whose currency
    column names another currency than the KB's fails. A customer already in the
    register (its account id, or its name) is not added again: where the file
    says other values, or values the register lacks, each is a warning by row,
    and --update writes them (a monthly refresh). Exit 1 when some rows failed.

    Example:

        pmops customer import crm-accounts.csv --map "Account Manager=owner"
    """
    from pmops import importer
    from pmops.cli.render import research as render

    kb = _shared.state(ctx).kb()
    with common.rebuild_progress() as progress:
        result = importer.import_csv(
            kb, csv_file, map_ or [], target="customer", date_format=date_format, allow_ragged=allow_ragged,
            update=update, dry_run=dry_run, commit=False if no_commit else None, progress=progress,
        )  # fmt: skip
    if json_out:
        _shared.print_json(result.to_json())
    else:
        render.import_result(result)
    if result.failed:
        raise typer.Exit(1)
