"""The Typer application: the root options, one error handler, and the command modules."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from pmops import __version__
from pmops.cli import MODULES, _shared
from pmops.errors import InvalidInput, PmopsError

# The usage errors Typer raises: those of the copy of click it carries (0.26 and later), not click's own.
UsageError = typer.BadParameter.__mro__[1]


class PmopsGroup(TyperGroup):
    """Turns library errors into one line on stderr and their exit code (tracebacks with --debug)."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError:  # `pmops --help | head`: as in invoke
            _shared.pipe_closed()
            raise typer.Exit(0) from None
        except UsageError as exc:  # the root's own options (pmops --bogus): said as every other
            if "--debug" in args:
                raise
            _usage(exc)

    def invoke(self, ctx: typer.Context) -> Any:
        words = [*ctx._protected_args, *ctx.args]  # click empties them as it goes
        try:
            _once_each(self, ctx, words)
            return super().invoke(ctx)
        except BrokenPipeError:  # `pmops … | head`: the reader has what it wanted
            _shared.pipe_closed()
            raise typer.Exit(0) from None
        except UsageError as exc:  # an unknown option, a missing argument, a choice not offered
            if _debug(ctx):
                raise
            _usage(exc, _command_named(self, ctx, words)[1])
        except (PmopsError, OSError, KeyboardInterrupt) as exc:
            if not isinstance(exc, KeyboardInterrupt) and _debug(ctx):
                raise
            raise typer.Exit(_shared.failed(exc, _shared.state(ctx))) from None


def _once_each(group: TyperGroup, ctx: typer.Context, words: list[str]) -> None:
    """Refuse (exit 2) an option that takes one value given twice (`--tag a --tag b`, `--status x
    --status y`): click would keep the last and drop the first unsaid. Repeatable options (`--tag`
    of `insight add`) and flags are not counted. The command is found as click finds it."""
    command, _path, words = _command_named(group, ctx, words)
    if command is None or hasattr(command, "get_command"):
        return  # an unknown command or a group's help: click says so
    options = {name: p for p in command.params if p.param_type_name == "option" for name in p.opts}
    given: dict[str, list[str]] = {}
    rest = iter(words)
    for word in rest:
        if word == "--":
            break
        name, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
        param = options.get(name)
        if param is None or param.is_flag or param.count:
            continue
        value = value if equals else next(rest, "")
        if not param.multiple:
            given.setdefault(param.opts[0], []).append(value)
    for name, values in given.items():
        if len(values) > 1:
            times = "twice" if len(values) == 2 else f"{len(values)} times"
            raise InvalidInput(
                f"{name} is given {times} ({', '.join(repr(v) for v in values)}); it takes one value",
                hint=f"give {name} once; a listing's filters narrow it together, one value each",
            )


def _help_through_the_pipe_handler() -> None:
    """Help is printed by Typer's own rich console, which exits 1 when its reader goes away (`pmops --help
    | head`): that exit is turned into the BrokenPipeError every other output raises (see
    PmopsConsole.on_broken_pipe), so the one handler above makes it a quiet exit 0, as for a listing."""
    for cls in (TyperCommand, TyperGroup):
        if getattr(cls.format_help, "_pmops", False):
            continue
        printed = cls.format_help

        def format_help(self: Any, ctx: Any, formatter: Any, printed: Any = printed) -> None:
            try:
                printed(self, ctx, formatter)
            except SystemExit as exc:  # rich's on_broken_pipe: the only exit while help is printed
                if exc.code != 1:
                    raise
                raise BrokenPipeError from None

        format_help._pmops = True  # type: ignore[attr-defined]
        cls.format_help = format_help  # type: ignore[method-assign]


def _command_named(group: TyperGroup, ctx: typer.Context, words: list[str]) -> tuple[Any, str, list[str]]:
    """The command a command line's words name, as click finds it: the command (None when unknown), its
    path (`pmops prioritize`) and the words left for it."""
    command: Any = group
    path = ["pmops"]
    while words and hasattr(command, "get_command") and not words[0].startswith("-"):
        command = command.get_command(ctx, words[0])
        path.append(words[0])
        words = words[1:]
    return command, " ".join(path if command is not None else path[:-1]), words


def _usage(exc: UsageError, where: str = "pmops") -> None:
    """A command line click cannot read, in pmops' words and not in a box: 'error: …' naming the option
    (a number's with an example), and where the command's options are listed; exit 2."""
    if not exc.format_message().strip():  # a group named alone (`pmops insight`): its help is printed already
        raise typer.Exit(exc.exit_code)
    said = _shared.not_a_number(exc) if isinstance(exc, typer.BadParameter) else None
    message = said or exc.format_message().rstrip(".")
    name, offered = getattr(exc, "option_name", None), getattr(exc, "possibilities", None)
    if name and offered:  # click lists every close option in alphabetical order: the closest is meant
        import difflib

        best = max(offered, key=lambda o: difflib.SequenceMatcher(None, name, o).ratio())
        message = f"no such option: {name} (did you mean {best}?)"
    message = re.sub(r"\. Did you mean (.*)\?$", r" (did you mean \1?)", message)  # a command
    path = exc.ctx.command_path if exc.ctx is not None else where  # an option's missing value has no ctx
    if name and re.fullmatch(r"-\d[\d.,]*%?", name):  # metric record NAME -5: a number, read as an option
        message = (f"no such option: {name}: a negative number is read as an option; write -- before the "
                   f"arguments ({path} [OPTIONS] -- ARGUMENTS, e.g. … -- NAME {name})")  # fmt: skip
    _shared.report(message[:1].lower() + message[1:], None if said else f"{path} --help lists what it takes")
    raise typer.Exit(exc.exit_code)


def _debug(ctx: typer.Context) -> bool:
    return _shared.state(ctx).debug or _shared.debug_enabled()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pmops {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    kb: Annotated[
        str | None,
        typer.Option(
            "--kb",
            metavar="PATH",
            help="The knowledge base folder (default: $PMOPS_KB, else the nearest pmops.yaml above here).",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """A product team's knowledge base: insights, processes, decisions and more, as markdown in git."""
    ctx.obj = _shared.State(kb_path=kb, debug=debug)


# Each module of pmops.cli and the top-level names it registers, in `--help` order. A
# command line names one of them, and only that module is imported and turned into
# click commands: building all of them is a quarter of what a search waits for.
def build(modules: Iterable[str] = MODULES) -> typer.Typer:
    """The command line, with the commands of `modules` (all of them by default)."""
    cli = typer.Typer(
        cls=PmopsGroup,
        name="pmops",
        help="A product team's knowledge base: insights, processes, decisions and more, as markdown in git.",
        no_args_is_help=True,
        pretty_exceptions_show_locals=False,  # customer quotes must not leak into tracebacks
        rich_markup_mode="rich",
    )
    cli.callback()(root)
    _help_through_the_pipe_handler()
    for name in modules:
        module = importlib.import_module(f"pmops.cli.{name}")
        if hasattr(module, "register"):
            module.register(cli)
        else:
            cli.add_typer(module.app, name=name)
    _prose_help(cli)
    return cli


def _prose_help(app: typer.Typer) -> None:
    """Each command's help (its docstring) with a paragraph's lines joined: Typer keeps the line breaks of
    every paragraph but the first, so help read at another width broke mid-sentence ("HTML self-contained
    like / the report"). An indented block (an example) or a list keeps its lines."""
    import inspect

    infos = [*app.registered_commands, *([app.registered_callback] if app.registered_callback else [])]
    for info in infos:  # the commands, and a group's own callback (pmops prioritize)
        doc = info.help or (inspect.getdoc(info.callback) if info.callback else None)
        if isinstance(doc, str) and doc:
            info.help = "\n\n".join(_joined(p) for p in inspect.cleandoc(doc).split("\n\n"))
    for group in app.registered_groups:
        if group.typer_instance is not None:
            _prose_help(group.typer_instance)


def _joined(paragraph: str) -> str:
    lines = paragraph.split("\n")
    if paragraph.startswith("\b") or any(line.startswith((" ", "\t", "- ", "* ", "• ")) for line in lines):
        return paragraph
    return " ".join(line.strip() for line in lines)
