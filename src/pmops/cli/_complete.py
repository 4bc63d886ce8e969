"""Shell completion: the callbacks arguments and options name (Typer's `autocompletion`).

Each reads the KB the command line names (--kb, $PMOPS_KB, the folders above) through
`pmops.completion`, which reads folder listings and a few files: no git, no index. A
completion never prints an error: anything that fails completes nothing.

Bash inserts a value as it is given, and gives the word being completed as typed
(`pmops.cli.as_bash_typed`): there, what was typed is unescaped before it is matched and
the values are escaped (`Slack\\ approvals`), or, in a word opened with a quote (`"Slack ap`),
escaped as inside that quote (bash completes after the quote, and closes it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from pmops.kb import KnowledgeBase

Pairs = list[tuple[str, str]]
Completer = Callable[[typer.Context, str], Pairs]
Finder = Callable[["KnowledgeBase", str], Pairs]  # (the KB, what was typed) → (value, help) pairs
_BASH_SPECIAL = re.compile(r"([^\w@%+=:,./-])")
_BASH_ESCAPED = re.compile(r"\\(.)")


def documents(*types: str, names: bool = False, where: Callable[..., bool] | None = None) -> Completer:
    """A REF: documents of these types (any type when none), by id or title; `names`: by name first;
    `where`: only those the command can take (completion.status_is, completion.still_here)."""

    def complete(ctx: typer.Context, incomplete: str) -> Pairs:
        from pmops import completion

        return _safely(
            ctx,
            incomplete,
            lambda kb, typed: completion.documents(kb, typed, types, names=names, where=where),
            matched=True,
        )

    return complete


def proposed(ctx: typer.Context, incomplete: str) -> Pairs:
    """A decision accept or reject can take: a proposed one."""
    from pmops import completion

    return documents("decision", where=completion.status_is("proposed"))(ctx, incomplete)


def still_here(ctx: typer.Context, incomplete: str) -> Pairs:
    """Someone `person leave` can take: still in the team."""
    from pmops import completion

    return documents("person", names=True, where=completion.still_here)(ctx, incomplete)


def of(param: str, finder: str) -> Completer:
    """What the document the `param` argument names offers (`completion.<finder>`: its open steps, its
    unticked items, the tags it does not have), once that argument is given."""

    def complete(ctx: typer.Context, incomplete: str) -> Pairs:
        from pmops import completion

        ref = str(ctx.params.get(param) or _first_argument(ctx) or "")
        return _safely(ctx, incomplete, lambda kb, typed: getattr(completion, finder)(kb, ref) if ref else [])

    return complete


def _first_argument(ctx: typer.Context) -> str | None:
    """The command's first argument as the command line gives it: click leaves the arguments unread while
    an option's value is completed (`pmops set REF --add-tag <Tab>`), so the words are read here."""
    from pmops.cli import completing

    words = completing(os.environ) or []
    path = ctx.command_path.split()[1:]  # the words naming the command: set, or onboard done
    for at in range(len(words) - len(path) + 1):
        if words[at : at + len(path)] == path:
            rest = words[at + len(path) :]
            return next((w for w in rest if not w.startswith("-")), None)
    return None


def columns(described: str) -> Completer:
    """--columns NAME,NAME…: the names its help gives, after those typed (no KB read)."""

    def complete(ctx: typer.Context, incomplete: str) -> Pairs:
        from pmops import completion

        if "the type's fields" not in described:
            return completion.columns(described, incomplete)
        typed = str(ctx.params.get("type_name") or _first_argument(ctx) or "")  # `pmops list TYPE`: its fields

        def names(kb: KnowledgeBase, typed_word: str) -> Pairs:
            doctype = kb.registry.get(typed)
            fields = ", ".join(f.name for f in doctype.fields) if doctype is not None else ""
            return completion.columns(f"id, title, {fields}, type, path", typed_word)

        return _safely(ctx, incomplete, names)

    return complete


def tags(ctx: typer.Context, incomplete: str) -> Pairs:
    """A tag of the taxonomy."""
    from pmops import completion

    return _safely(ctx, incomplete, lambda kb, typed: completion.tags(kb))


def field(type_name: str, name: str, *, new: bool = False) -> Completer:
    """An option that gives a field: what the KB's registry says it can be (choices, tags, the
    documents it refers to); `new`: the choices a new document may start with."""

    def complete(ctx: typer.Context, incomplete: str) -> Pairs:
        from pmops import completion

        def values(kb: KnowledgeBase, typed: str) -> Pairs:
            fld = kb.doctype(type_name).field(name)
            return completion.values(kb, fld, typed, new=new) if fld else []

        return _safely(ctx, incomplete, values, matched=bool(_refers(type_name, name)))

    return complete


def assignments(words: str, *, ref: str | None = None, type_param: str | None = None, new: bool = False) -> Completer:
    """FIELD=VALUE words (the `words` parameter) of the type of the document the `ref` parameter
    names (`pmops set`: what it takes, not its type's lifecycle steps), or of the type the `type_param`
    parameter names (`pmops new`, `list`)."""

    def complete(ctx: typer.Context, incomplete: str) -> Pairs:
        from pmops import completion

        def pairs(kb: KnowledgeBase, typed: str) -> Pairs:
            if ref:
                doctype = completion.doctype_of(kb, str(ctx.params.get(ref) or ""))
            else:
                doctype = kb.registry.get(str(ctx.params.get(type_param) or ""))
            if doctype is None:
                return []
            given = list(ctx.params.get(words) or [])
            changing = ref is not None  # `pmops set`: not what it refuses (a step of the type's lifecycle)
            if len(given) >= 2 and given[-1] == "=":  # bash cut `status=ac` at '=': complete after it
                fld = doctype.field(given[-2])
                return completion.field_values(kb, doctype, fld, typed, new=new, changing=changing) if fld else []
            return completion.assignments(kb, doctype, typed, new=new, changing=changing)

        return _safely(ctx, incomplete, pairs)

    return complete


def static(*values: str) -> Completer:
    """An option whose values pmops fixes (not the registry): --by tag|area|segment, --format."""

    def complete(ctx: typer.Context, incomplete: str) -> Pairs:
        return [(value, "") for value in values]

    return complete


def type_names(ctx: typer.Context, incomplete: str) -> Pairs:
    """A document type of the KB's registry, with its description."""
    return _safely(
        ctx, incomplete, lambda kb, typed: [(t.name, t.description) for t in kb.registry.values() if t.writable]
    )


def _refers(type_name: str, name: str) -> str | None:
    """The type a built-in field names documents of (its values are matched by `completion.documents`)."""
    from pmops import doctypes

    doctype = next((t for t in doctypes.BUILTIN if t.name == type_name), None)
    fld = doctype.field(name) if doctype else None
    return fld.refers if fld else None


class _Offered(str):
    """A value offered whatever word was typed: Typer keeps only the values that start with it, and a
    document is offered by any word of its title, in any case (`park` offers Theo Park)."""

    __slots__ = ()

    def startswith(self, *args: object, **kwargs: object) -> bool:
        return True


def _safely(ctx: typer.Context, incomplete: str, find: Finder, *, matched: bool = False) -> Pairs:
    """What `find` offers in the KB of the command line, as the shell takes it; `matched`: `find` chose
    them by what was typed (documents by a word of their title), and Typer leaves them all."""
    bash = os.environ.get("_PMOPS_COMPLETE") == "complete_bash"
    quote = (
        os.environ.get("_PMOPS_COMPLETE_QUOTE", "") if bash else ""
    )  # a word opened with a quote (cli.as_bash_typed)
    try:
        from pmops.kb import KnowledgeBase

        kb = KnowledgeBase.open(ctx.find_root().params.get("kb"))
        found = find(kb, _BASH_ESCAPED.sub(r"\1", incomplete) if bash and quote != "'" else incomplete)
    except Exception:  # a completion says nothing rather than an error in the middle of a command line
        return []
    if bash:
        found = [(_bash_word(value, quote), about) for value, about in found]
    elif os.environ.get("_PMOPS_COMPLETE") == "complete_zsh":
        found = [(_zsh_word(value, incomplete), about) for value, about in found]
    return [(_Offered(value), about) for value, about in found] if matched else found


def _zsh_word(value: str, typed: str) -> str:
    """A value as zsh keeps it: zsh offers only values that start with the word as typed (unless its matcher-list
    says otherwise), so a title that starts with it in another case is given in the typed case (`theo Park`)."""
    if typed and not value.startswith(typed) and value.casefold().startswith(typed.casefold()):
        return typed + value[len(typed) :]
    return value


def _bash_word(value: str, quote: str) -> str:
    """A value as bash inserts it: escaped, or inside the quote the word was opened with (`"Slack ap` Tab), where
    bash replaces what follows the quote and closes it: only what is special inside that quote is escaped."""
    if quote == '"':
        return re.sub(r'(["$`\\])', r"\\\1", value)
    if quote == "'":
        return value.replace("'", "'\\''")
    return _BASH_SPECIAL.sub(r"\\\1", value)
