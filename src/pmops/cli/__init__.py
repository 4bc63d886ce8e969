"""The pmops command line: thin adapters over the library, one error handler."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from pmops import __version__
from pmops.cli import _shared
from pmops.errors import PmopsError


class PmopsGroup(TyperGroup):
    """Turns library errors into one line on stderr and their exit code (tracebacks with --debug)."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PmopsError as exc:
            if _debug(ctx):
                raise
            _report(exc.message, exc.hint)
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:
            if _debug(ctx):
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            _report(f"{where}{exc.strerror or exc}", "nothing more was written; run with --debug for details")
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            _report("interrupted", None)
            raise typer.Exit(130) from None


def _debug(ctx: typer.Context) -> bool:
    return _shared.state(ctx).debug or _shared.debug_enabled()


def _report(message: str, hint: str | None) -> None:
    err = _shared.console(stderr=True)
    err.print(f"[bold red]error:[/bold red] {_shared.safe(message)}", soft_wrap=True)
    if hint:
        err.print(f"[yellow]hint:[/yellow] {_shared.safe(hint)}", soft_wrap=True)


app = typer.Typer(
    cls=PmopsGroup,
    name="pmops",
    help="A product team's knowledge base: insights, processes, decisions and more, as markdown in git.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # customer quotes must not leak into tracebacks
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pmops {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    kb: Annotated[
        str | None,
        typer.Option("--kb", metavar="PATH", help="The knowledge base folder (default: $PMOPS_KB, else the nearest pmops.yaml above here)."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """A product team's knowledge base: insights, processes, decisions and more, as markdown in git."""
    ctx.obj = _shared.State(kb_path=kb, debug=debug)


def _register() -> None:
    from pmops.cli import checklist, core, decision, insight, metric, onboard, process, report, search, sharing, tags, tool

    core.register(app)
    search.register(app)
    report.register(app)
    sharing.register(app)
    app.add_typer(insight.app, name="insight")
    app.add_typer(process.app, name="process")
    app.add_typer(checklist.app, name="checklist")
    app.add_typer(decision.app, name="decision")
    app.add_typer(tags.app, name="tags")
    app.add_typer(onboard.app, name="onboard")
    app.add_typer(tool.app, name="tool")
    app.add_typer(metric.app, name="metric")


_register()


def main() -> None:
    app(prog_name="pmops")
