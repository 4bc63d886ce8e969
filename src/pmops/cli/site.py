"""`pmops site`: the knowledge base as a static website, and its local preview."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pmops.cli import _options, _shared
from pmops.cli._options import JsonOpt

if TYPE_CHECKING:
    from pmops.site import Result

app = typer.Typer(
    help="The knowledge base as a static website: build it, or preview it while you write.", no_args_is_help=True
)

OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out", metavar="DIR", help="The site's folder (default: _site/ in the KB, which pmops never reads)."
    ),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--base-url", metavar="URL", help="Where the site is published, for canonical URLs (links stay relative)."
    ),
]


@app.command()
def build(
    ctx: typer.Context,
    out: OutOpt = None,
    base_url: BaseUrlOpt = None,
    today: _options.TodayOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Build the site: every document a page, index pages, the dashboard as home.

    Self-contained (nothing is loaded from elsewhere) and relative (it works from
    any folder, a static host or the file system). A rebuild writes only the pages
    whose content changed and removes those of removed documents. Personal data is
    redacted; site.exclude in pmops.yaml leaves folders or types out. When pages
    changed, Pagefind indexes them for the search box (filters by type, tag and
    area); without its binary the site has no search.

    Example:

        pmops site build --out ../handbook-site --base-url https://handbook.example.com/
    """
    from pmops import site

    _term_stops()
    result = site.build(_shared.state(ctx).kb(), out, base_url=base_url, today=_shared.today_option(today))
    if json_out:
        _shared.print_json(result.to_json())
        _unmatched(result)
        _withheld(result)
        _search_skipped(result)
    else:
        _said(result)
    if result.search is not None and result.search.failed:  # after what was built: a CI log has both
        raise result.search.failed


def _term_stops() -> None:
    """SIGTERM (a service manager, `kill`, a CI job cancelled) stops a build or the preview as Ctrl-C does: its
    Pagefind processes, which a signal to pmops alone does not reach, are stopped with it."""
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def _said(result: Result) -> None:
    import os

    from pmops.text import count

    console = _shared.console()
    out = os.path.relpath(result.out) if result.out.is_relative_to(Path.cwd()) else str(result.out)
    search = result.search
    pages_took = result.seconds - (
        search.seconds if search is not None and search.indexed else 0.0
    )  # search: its own line
    c = result.counts
    files = f"; {count(c.files, 'other file')}: {c.files_written:,} written" if c.files or c.files_removed else ""
    files += f", {c.files_removed:,} removed" if c.files_removed else ""
    console.print(
        f"{_shared.safe(out)}: {count(result.pages, 'page')}: {c.pages_written:,} written, "
        f"{c.pages_unchanged:,} unchanged, {c.pages_removed:,} removed{files} ({pages_took:.1f} s)",
        soft_wrap=True,
    )
    if result.redirects:
        n = len(result.redirects)
        console.print(f"{n:,} old URL of a renamed document redirects to its page" if n == 1 else
                      f"{n:,} old URLs of renamed documents redirect to their pages")  # fmt: skip
    if result.excluded:
        console.print(f"{count(result.excluded, 'document')} left out (site.exclude)")
    for path in result.unreadable:
        _shared.console(stderr=True).print(f"warning: {_shared.safe(path)}: could not be read; no page", soft_wrap=True)
    _unmatched(result)
    _withheld(result)
    if search is not None and search.indexed:
        early = (
            f"; {search.shards_early} of {search.shards} shards while the pages were written"
            if search.shards_early
            else ""
        )
        console.print(f"search: {count(search.pages, 'page')} indexed ({search.seconds:.1f} s{early})", soft_wrap=True)
    _search_skipped(result)


def _unmatched(result: Result) -> None:
    """A `site.exclude` entry that leaves nothing out is said: a typo would publish what it was meant to hide."""
    for pattern in result.unmatched_exclude:
        _shared.console(stderr=True).print(
            f"warning: site.exclude '{_shared.safe(pattern)}' matches no document and no type: it leaves nothing out "
            "(a type by its name, e.g. person; a folder by its path, e.g. handbook/drafts)",
            soft_wrap=True,
        )


def _withheld(result: Result) -> None:
    """A page linking to a file the site does not publish (a dot-file, one git does not track, one left out):
    said by the build that writes the page, one line for them all (the link is its text)."""
    if not result.withheld:
        return
    from pmops.text import count, first_few

    files = sorted({rel for _, rel in result.withheld})
    pages = sorted({page for page, _ in result.withheld})
    _shared.console(stderr=True).print(
        f"warning: {count(len(files), 'linked file')} not published (a dot-file, not tracked by git, or left out): "
        f"{_shared.safe(first_few(files))}; the link is its text (on {_shared.safe(first_few(pages))})",
        soft_wrap=True,
    )


def _search_skipped(result: Result) -> None:
    """Without Pagefind the site is built all the same; its search box says search is not available."""
    if result.search is not None and result.search.skipped:
        _shared.console(stderr=True).print(f"search skipped: {_shared.safe(result.search.skipped)}", soft_wrap=True)


@app.command()
def serve(
    ctx: typer.Context,
    out: OutOpt = None,
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="The port on 127.0.0.1 (0: any free one).")
    ] = 8000,
    today: _options.TodayOpt = None,
) -> None:
    """Preview the site at http://127.0.0.1:PORT/, rebuilt on each change (Ctrl-C stops).

    It builds first, serves the site's folder to this machine only, and looks at
    the KB's files every second: a change rebuilds the pages that show it.

    Example:

        pmops site serve --port 8000
    """
    from pmops.site import serve as preview

    _term_stops()
    kb = _shared.state(ctx).kb()
    kb.keep_listings(False)  # it lives on: each rebuild asks git again
    console = _shared.console(stderr=True)

    def said(event: str, result: Result | None = None) -> None:
        if result is not None:
            _said(result)
        else:
            console.print(_shared.safe(event), soft_wrap=True)

    try:
        preview.serve(kb, out, port, said, today=_shared.today_option(today) if today else None)
    except KeyboardInterrupt:
        console.print("stopped", markup=False)
