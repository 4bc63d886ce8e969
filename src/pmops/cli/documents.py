"""`pmops new` and `pmops list`: documents of any type of the registry, a KB's own types included."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pmops.cli import _complete, _options, _prompts, _shared
from pmops.cli._options import JsonOpt, NoCommitOpt, TagOpt
from pmops.cli.render import common
from pmops.errors import InvalidInput

TypeArg = Annotated[
    str,
    typer.Argument(
        metavar="TYPE",
        help="A document type: insight, process, decision … or one of the KB's own.",
        autocompletion=_complete.type_names,
    ),
]


def new(
    ctx: typer.Context,
    type_name: TypeArg,
    title: Annotated[
        str | None,
        typer.Argument(metavar="TITLE", help="Its title (a tool's, a person's, a metric's name; asked on a terminal)."),
    ] = None,
    pairs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FIELD=VALUE]...",
            help="Its other fields; a list field takes each value given.",
            autocompletion=_complete.assignments("pairs", type_param="type_name", new=True),
        ),
    ] = None,
    tag: TagOpt = None,
    body: Annotated[
        str | None, typer.Option("--body", help="The text after the template's ('-' reads standard input).")
    ] = None,
    body_file: Annotated[
        Path | None, typer.Option("--body-file", metavar="FILE", help="Read the text from FILE ('-': standard input).")
    ] = None,
    new_tag: Annotated[
        bool, typer.Option("--new-tag", help="Add unknown tags to taxonomy.yaml instead of refusing them.")
    ] = False,
    keep_pii: Annotated[
        bool, typer.Option("--keep-pii", help="Where the type redacts personal data: keep emails and phone numbers.")
    ] = False,
    no_commit: NoCommitOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Create a document of any type from its template, checked and committed as every create is.

    The type's own command (pmops insight add, pmops tool add …) has an option per
    field; this one takes them as FIELD=VALUE, for every type, a KB's own too.

    Example:

        pmops new guide "Discovery interviews" owner="Maya Chen" --tag onboarding
    """
    from pmops.kb import creating

    kb = _shared.state(ctx).kb()
    doctype = kb.doctype(type_name)
    creating.creatable(doctype, made_by=True)  # its template may need what that command works out
    if title is not None and "=" in title and doctype.field(title.partition("=")[0]) is not None:
        title, pairs = None, [title, *(pairs or [])]  # no title given: FIELD=VALUE words only (it is asked)
    values = {doctype.title_field: title, **creating.values_from(doctype, pairs or [])}
    if tag and (doctype.field("tags") is None or doctype.field("tags").kind != "tags"):
        raise InvalidInput(
            f"{doctype.plural} have no tags: --tag is for types that do", hint=f"fields: {creating.names(doctype)}"
        )
    if tag:
        values["tags"] = [*values.get("tags", []), *tag]
    _prompts.ask_missing(ctx, doctype, values, pairs=True, new_tags=new_tag, flags={doctype.title_field: "TITLE"})
    text = _shared.read_body(body, body_file)
    created = kb.create(
        type_name, values, text, new_tags=new_tag, keep_pii=keep_pii, commit=False if no_commit else None
    )
    common.created(created, json_out)


def list_(
    ctx: typer.Context,
    type_name: TypeArg,
    pairs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FIELD=VALUE]...",
            help="Only documents with these values (a list field: among them).",
            autocompletion=_complete.assignments("pairs", type_param="type_name"),
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="YYYY-MM-DD", help="Dated on or after this day.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="YYYY-MM-DD", help="Dated on or before this day.")
    ] = None,
    tag: _options.tag_filter("documents") = None,
    all_: _options.AllOpt = False,
    archived: _options.ArchivedOpt = False,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option(
        "id, title, then the type's fields (the default: those its registry row names), type, path"
    ) = None,
    json_out: JsonOpt = False,
) -> None:
    """List the documents of any type, newest first, with the columns its registry row names.

    Example:

        pmops list guide owner="Maya Chen"
    """
    from pmops.kb import creating

    output = _shared.output(json_out, fmt, columns)
    kb = _shared.state(ctx).kb()
    doctype = kb.doctype(type_name)
    where = creating.filters(doctype, pairs or [])
    if tag:
        if doctype.field("tags") is None:
            raise InvalidInput(f"--tag: {doctype.plural} have no tags")
        if where.get("tags"):
            raise InvalidInput("--tag and tags= give the same filter: give one")
        where["tags"] = tag
    since_day, until_day = _shared.parse_date_option(since, "--since"), _shared.parse_date_option(until, "--until")
    try:
        chosen = kb.select(
            doctype, where, since=since_day, until=until_day, archived=_shared.archived_option(all_, archived)
        )
    except InvalidInput as exc:
        if exc.field == "tags" and not tag:  # given as tags=, not --tag: said as it was given
            exc.name_field(None)
            exc.field = None
        raise
    common.listing(chosen, doctype, output)


def register(app: typer.Typer) -> None:
    app.command()(new)
    app.command("list")(list_)
