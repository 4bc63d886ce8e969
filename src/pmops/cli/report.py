"""`pmops report` and `pmops assess`: what leadership reads, and whether the org needs product ops."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pmops.cli import _complete, _options, _shared
from pmops.cli._options import JsonOpt
from pmops.cli.render import report as render

FORMATS = ("html", "md", "json")


def report(
    ctx: typer.Context,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="html, md or json (default: from --out's extension).",
            autocompletion=_complete.static(*FORMATS),
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", metavar="FILE", help="Write the report here.")] = None,
    today: _options.TodayOpt = None,
) -> None:
    """The product report: metrics, research, decisions, processes, onboarding, tools.

    With --out, one file (HTML: self-contained, charts inline, nothing loaded from the
    network); with --format only, printed to stdout; with neither, a summary here.

    Example:

        pmops report --format html --out report.html
    """

    from pmops.errors import InvalidInput, not_a_choice
    from pmops.reports import model
    from pmops.reports import render as formats

    kb = _shared.state(ctx).kb()
    if fmt is None and out is not None:
        fmt = {".html": "html", ".htm": "html", ".md": "md", ".json": "json"}.get(out.suffix.lower())
    if fmt is not None and fmt not in FORMATS:
        raise not_a_choice("--format", FORMATS)
    if out is not None and fmt is None:
        raise InvalidInput(f"--out {out}: give --format (html, md or json)")
    kb.keep_records()  # it only reads, and asks of each type several times: each document read once
    data = model.build(kb, _shared.today_option(today))
    if fmt is None:
        render.report_summary(data)
        return
    text = {"json": lambda: _shared.json_text(data.to_json()), "md": lambda: formats.markdown(data),
            "html": lambda: formats.html(data, kb)}[fmt]()  # fmt: skip
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"--out {out}: cannot write: {exc.strerror}") from None
    _shared.console(stderr=True).print(f"[dim]wrote {_shared.safe(out)} ({len(text) // 1024} KiB)[/dim]")


def assess(ctx: typer.Context, today: _options.TodayOpt = None, json_out: JsonOpt = False) -> None:
    """Does this organisation need product ops? Four signals, each with its evidence and sample, and the next actions.

    The signals: more than 8–10 PMs; PMs reinventing processes (near-identical process
    docs with different owners, and divergent versions: processes of one kind kept by
    different owners in wording far from alike, shown side by side); fragmented research;
    onboarding that takes months.
    Each says what it counted; below its minimum sample it says "not enough data".
    Only flagged signals get a next action.

    Example:

        pmops assess
    """
    from pmops.reports.assess import assess as run

    result = run(_shared.state(ctx).kb(), _shared.today_option(today))
    if json_out:
        _shared.print_json(result.to_json())
    else:
        render.assessment(result)


def register(app: typer.Typer) -> None:
    app.command()(report)
    app.command()(assess)
