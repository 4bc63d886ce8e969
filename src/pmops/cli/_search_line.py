"""`pmops search` as people type it, read and run without Typer; and the search itself, which the Typer
command (`search.py`) runs too.

A search is the command run most, and its speed has a target (≤ 3× `rg -l` at 10,000 documents without
the search server, docs/performance.md). Of what a search took, importing Typer and building its command
were 14–16 ms of 115. So `pmops.cli.main` gives a command line naming `search` to `main`
here first: one it reads whole — `--kb` before the command, then the query and the options of `pmops
search`, each at most once — runs here, with the same search and the same failure report as through
Typer. Anything else (--help, --debug, an option it does not know, a value that is not a plain number,
`--`, a value that starts with '-') is left to Typer, which runs it or says what is wrong, as for every
other command. tests/cli/test_search_line.py holds these options to the Typer command's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmops.cli import _shared
from pmops.errors import InvalidInput, PmopsError

if TYPE_CHECKING:
    from pmops.cli._shared import State

# The options of `pmops search` (search.py), by the name of the parameter they give.
VALUES = {"--type": "doc_type", "--tag": "tag", "--since": "since", "--limit": "limit", "--format": "fmt"}
REPEATABLE = {"--columns": "columns"}
FLAGS = {"--all": "all_", "--archived": "archived", "--json": "json_out"}


def read(args: list[str]) -> tuple[str | None, str, dict[str, object]] | None:
    """The --kb option, the query and the search's options of a command line this module runs whole;
    None for one that Typer reads."""
    words = iter(args)
    kb_path: str | None = None
    for word in words:  # the root's options, up to the command
        if word == "search":
            break
        if word == "--kb" and kb_path is None:
            kb_path = next(words, "-")
        elif word.startswith("--kb=") and kb_path is None:
            kb_path = word.removeprefix("--kb=")
        else:
            return None
        if kb_path.startswith("-"):
            return None
    else:
        return None
    query: str | None = None
    options: dict[str, object] = {}
    for word in words:
        name, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if name in FLAGS and not equals and FLAGS[name] not in options:
            options[FLAGS[name]] = True
        elif name in VALUES or name in REPEATABLE:
            if not equals:
                value = next(words, "-")
                if value.startswith("-"):
                    return None  # a missing value, or one click reads otherwise
            key = VALUES.get(name) or REPEATABLE[name]
            if name in REPEATABLE:
                options.setdefault(key, []).append(value)  # type: ignore[union-attr]
            elif key in options:
                return None  # given twice: refused by Typer's reading (`_app._once_each`)
            else:
                options[key] = value
        elif word.startswith("-") or query is not None:
            return None
        else:
            query = word
    if query is None:
        return None
    if "limit" in options:
        limit = str(options["limit"])
        if not (limit.isascii() and limit.isdigit()):
            return None  # said by Typer as every number option's mistake is
        options["limit"] = int(limit)
    return kb_path, query, options


def main(args: list[str]) -> int | None:
    """Run the search a command line gives, and return its exit code; None when Typer is to read it."""
    if _shared.debug_enabled():
        return None  # a traceback, as Typer prints it
    found = read(args)
    if found is None:
        return None
    kb_path, query, options = found
    state = _shared.State(kb_path=kb_path, options={**VALUES, **REPEATABLE, **FLAGS})
    try:
        search(state, query, **options)  # type: ignore[arg-type]
    except BrokenPipeError:  # `pmops search … | head`: the reader has what it wanted
        _shared.pipe_closed()
    except (PmopsError, OSError, KeyboardInterrupt) as exc:
        return _shared.failed(exc, state)
    return 0


def search(
    state: State,
    query: str,
    *,
    doc_type: str | None = None,
    tag: str | None = None,
    since: str | None = None,
    limit: int = 20,
    all_: bool = False,
    archived: bool = False,
    fmt: str | None = None,
    columns: list[str] | None = None,
    json_out: bool = False,
) -> None:
    """`pmops search` (see its help in search.py)."""
    from pmops.cli.render import common
    from pmops.cli.render import search as render
    from pmops.search import client

    output = _shared.output(json_out, fmt, columns)
    if tag is not None and not tag.strip():  # as --type '' is: no filter at all is not what was typed
        raise InvalidInput("--tag is empty: give the value to look for", hint="e.g. --tag pricing")  # (as listings say)
    if doc_type is not None:  # a type the KB has (the registry, read only then): else exit 2 with the nearest
        doc_type = state.kb().type_option(doc_type).name
    options = {"doc_type": doc_type, "tag": tag, "since": _shared.parse_date_option(since, "--since"), "limit": limit,
               "archived": _shared.archived_option(all_, archived)}  # fmt: skip
    pending = client.ask(state.kb_path, query, **options)
    if output.format == "table" and not _shared.plain_stream():
        _shared.console()  # rich loads now, while the server (when the KB has one) searches
    results = client.search(state.kb, query, **options, pending=pending, progress=common.rebuild_progress)
    if not results.hits and options["archived"] is False:  # archived ones left out: said, never a bare "no results"
        # Only the archived ones, up to --limit: counted (Whoosh's estimate past the limit is of the
        # archived documents of the KB, not of those matching the query).
        only = {**options, "archived": True}  # asked as the search was: of the server when the KB has one
        hidden = client.search(state.kb, query, **only, pending=client.ask(state.kb_path, query, **only))
        if hidden.hits:
            _shared.note(render.archived_note(len(hidden.hits), more=len(hidden.hits) >= limit))
    common.emit(render.result_listing(results), output)
