"""The options several commands share, as Typer reads them (Annotated types and the functions that build
them from the registry). Apart from `_shared` so that what runs without Typer — a search's usual command
line, see `_search_line` — imports no Typer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from pmops.cli import _complete
from pmops.cli._shared import FORMATS, about, comma_list

if TYPE_CHECKING:
    from pmops.doctypes import DocType


def tag_filter(plural: str) -> Any:
    """A listing's --tag filter: read through the taxonomy (a synonym finds its tag); an unknown tag is exit 2
    with the nearest (the filter `Catalog.select` applies to a tags field)."""
    return Annotated[
        str | None,
        typer.Option("--tag", help=f"Only {plural} with this tag (a synonym finds it).", autocompletion=_complete.tags),
    ]


def field_option(doctype: DocType, name: str, what: str = "") -> Any:
    """A --NAME option giving a field's value: its help from the registry (`about`: the field's help, or
    `what`, with its choices), completing what the field can be."""
    return Annotated[
        str | None,
        typer.Option(f"--{name}", help=about(doctype, name, what), autocompletion=_complete.field(doctype.name, name)),
    ]


def field_filter(doctype: DocType, name: str, what: str = "") -> Any:
    """A listing's --NAME filter on a field: a field_option saying 'Only this NAME.' (or `what`)."""
    return field_option(doctype, name, what or f"only this {name}")


def columns_option(names: str) -> Any:
    """The --columns option of a listing, its help naming the columns it has."""
    return Annotated[
        list[str] | None,
        typer.Option(
            "--columns",
            metavar="NAME,NAME…",
            help=f"Only these columns, in this order (comma-separated or repeated): {names}.",
            autocompletion=_complete.columns(names),
        ),
    ]


FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="table|csv|tsv|json",
        autocompletion=_complete.static(*FORMATS),
        help="How to print it: table (the default), csv or tsv (a header row, then one row each, the same columns) or json (the same as --json).",
    ),
]
AllOpt = Annotated[bool, typer.Option("--all", help="Archived documents too.")]
ArchivedOpt = Annotated[bool, typer.Option("--archived", help="Only archived documents.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON to stdout and nothing else.")]
TodayOpt = Annotated[
    str | None, typer.Option("--today", metavar="YYYY-MM-DD", help="Count from this day instead of today.")
]
# --today of a command that records the day it was done (a review): never a day still to come.
DoneOnOpt = Annotated[
    str | None,
    typer.Option(
        "--today", metavar="YYYY-MM-DD", help="The day it was done (default today); a day after today is refused."
    ),
]


def doc_ref(metavar: str = "ID") -> Any:
    """An argument naming one document, completed from the KB's."""
    return Annotated[
        str,
        typer.Argument(
            metavar=metavar,
            help="A document: its id, a unique prefix of one, its exact title or its path.",
            autocompletion=_complete.documents(),
        ),
    ]


DocRef = doc_ref()
NoCommitOpt = Annotated[bool, typer.Option("--no-commit", help="Write the file but do not commit it.")]
# A new document's title, as `process new TITLE` and `customer add NAME` take theirs, beside --title.
TitleArg = Annotated[str | None, typer.Argument(metavar="[TITLE]", help="The title (or --title).", show_default=False)]


# The options of every CSV import (insight import, customer import).
DateFormatOpt = Annotated[
    str | None,
    typer.Option(
        "--date-format",
        metavar="DMY|MDY|YMD|PATTERN",
        help="How to read dates of numbers only, such as 05/11/2026: DMY, MDY, YMD or a pattern like %d/%m/%Y.",
    ),
]
AllowRaggedOpt = Annotated[
    bool,
    typer.Option(
        "--allow-ragged",
        help="Import rows with more cells than columns (the extra cells dropped and listed) or fewer (left empty).",
    ),
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Check every row and report; write nothing.")]


TagOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        metavar="TAG",
        help="A tag from taxonomy.yaml (repeatable, or comma-separated).",
        autocompletion=_complete.tags,
        callback=comma_list,
    ),
]
