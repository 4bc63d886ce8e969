"""`pmops tags`: the tag vocabulary as used — counts, unknown tags, unused ones — and renames."""

from __future__ import annotations

from typing import Annotated

import typer

from pmops.cli import _complete, _options, _shared
from pmops.cli._options import JsonOpt, NoCommitOpt
from pmops.cli.render import research as render

app = typer.Typer(help="Tags: what is used, what is unknown, what is never used; rename one everywhere.",
                  invoke_without_command=True)  # fmt: skip


@app.callback()
def tags(
    ctx: typer.Context,
    fmt: _options.FormatOpt = None,
    columns: _options.columns_option("tag, facet, documents") = None,
    all_: _options.AllOpt = False,
    archived: _options.ArchivedOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Every tag with its facet and how many documents use it; unknown tags; unused tags.

    Archived documents are not counted (a tag only they use is unused), unless --all or
    --archived.

    Example:

        pmops tags
    """
    if ctx.invoked_subcommand is not None:
        return
    from pmops import research
    from pmops.cli.render import common

    output = _shared.output(json_out, fmt, columns)
    report = research.tag_report(_shared.state(ctx).kb(), _shared.archived_option(all_, archived))
    common.emit(render.tag_listing(report), output)


@app.command()
def rename(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(metavar="OLD", help="The tag to rename.", autocompletion=_complete.tags)],
    new: Annotated[str, typer.Argument(metavar="NEW", help="Its new name.")],
    no_commit: NoCommitOpt = False,
) -> None:
    """Rename a tag in every document and in taxonomy.yaml (OLD becomes a synonym), in one commit.

    NEW is read as the taxonomy reads it: a synonym of another tag means that tag (OLD is
    merged into it); a synonym of OLD itself becomes the tag and OLD its synonym; a
    deprecated tag is refused.

    Example:

        pmops tags rename data-export exports
    """
    from pmops import research
    from pmops.text import count

    done = research.rename_tag(_shared.state(ctx).kb(), old, new, commit=False if no_commit else None)
    if done.note:
        _shared.note(done.note)
    _shared.console().print(f"Renamed '{_shared.safe(done.old)}' to '{_shared.safe(done.new)}' in "
                            f"{count(done.documents, 'document')} and taxonomy.yaml")  # fmt: skip
