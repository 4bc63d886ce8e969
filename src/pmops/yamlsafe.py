"""Safe YAML in and out: every scalar stays a string, no anchors, no duplicate keys.

PyYAML is loaded on the first load or dump (about 7 ms): a command whose settings files are those it read
last (config.read_yaml) and whose documents did not change — a search, most of the time — never parses YAML."""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import yaml

# Explicit tags other than YAML's own (`!!python/object`, `!custom`) ask other tools to
# build objects; a knowledge base has no use for them.
_STANDARD_TAGS = {
    "!",
    *(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")),
}


class YAMLProblem(ValueError):
    """A YAML text pmops refuses, with the 1-based line inside that text."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _PyYAML(NamedTuple):
    yaml: Any  # the module
    parser: type  # its BaseLoader (libyaml's when there): events, every scalar a string
    loader: type  # pmops' (below)
    dumper: type


@functools.cache
def _yaml() -> _PyYAML:
    """PyYAML, with pmops' loader and dumper, made on first use."""
    import yaml

    parser = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

    class StrictLoader(parser):  # type: ignore[misc, valid-type]
        """BaseLoader (YAML 1.1 typing off: `NO` stays "NO") that refuses duplicate keys."""

        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:  # PyYAML's signature
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if not isinstance(key, str):
                    raise YAMLProblem("mapping keys must be plain text", key_node.start_mark.line + 1)
                if key in seen:
                    raise YAMLProblem(
                        f"duplicate key '{key}' (first at line {seen[key]})", key_node.start_mark.line + 1
                    )
                seen[key] = key_node.start_mark.line + 1
            return super().construct_mapping(node, deep=deep)

    class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        """Block style for multi-line text, flow style for short lists, no line folding.

        libyaml's emitter when available: the same output, five times faster (an import of
        thousands of rows spends most of its time writing front-matter).
        """

    Dumper.add_representer(str, _represent_str)
    Dumper.add_representer(list, _represent_list)
    Dumper.add_representer(tuple, _represent_list)
    return _PyYAML(yaml, parser, StrictLoader, Dumper)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # A block (`|`) reads best for text over several lines. Not for text that starts with
    # a space or a newline, or ends with several newlines: the emitter then keeps them with
    # `|+` and closes the document with a `...` line, which would end the front-matter.
    if "\n" in value and value[:1] not in (" ", "\n") and not value.endswith("\n\n"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    flat = all(isinstance(v, (str, int, float, dt.date)) and "\n" not in str(v) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flat)


def _line(exc: yaml.YAMLError) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else None


def _plain(exc: yaml.YAMLError, text: str) -> YAMLProblem:
    """The parser's error said as what is wrong with which line ("'status accepted' is not 'field: value'"),
    never its own words ("while scanning a simple key … could not find expected ':'"), which stay only for
    a problem it names that is not among these."""
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    context = str(getattr(exc, "context", None) or "")
    line, opened = _line(exc), getattr(exc, "context_mark", None)
    opened_at = opened.line + 1 if opened is not None else line
    lines = text.splitlines()

    def shown(number: int | None) -> str:
        said = lines[number - 1].strip() if number and 0 < number <= len(lines) else ""
        return f"'{said[:60]}{'…' if len(said) > 60 else ''}'"

    if "could not find expected ':'" in problem:
        return YAMLProblem(f"invalid YAML: {shown(opened_at)} is not 'field: value' (a ':' is missing)", opened_at)
    if "mapping values are not allowed" in problem:
        said = lines[line - 1] if line and 0 < line <= len(lines) else ""
        if said[:1].isspace():
            return YAMLProblem(
                f"invalid YAML: {shown(line)} is indented: a field starts at the start of its line", line
            )
        return YAMLProblem(
            f"invalid YAML: {shown(line)} has a second ': ' in its value: put the value in quotes "
            '(title: "Pricing: too high")',
            line,
        )
    if "tab" in problem:
        return YAMLProblem("invalid YAML: a tab indents this line: indent with spaces", line)
    if "cannot start any token" in problem:
        return YAMLProblem(f"invalid YAML: {shown(line)}: a value starting with @, ` or % must be in quotes", line)
    for bracket, closing in (("flow sequence", "["), ("flow mapping", "{")):
        if bracket in context:
            close = "]" if closing == "[" else "}"
            return YAMLProblem(
                f"invalid YAML: the '{closing}' of {shown(opened_at)} is not closed with '{close}'", opened_at
            )
    if "quoted scalar" in context:
        return YAMLProblem(f"invalid YAML: a quote in {shown(opened_at)} is not closed", opened_at)
    if "expected key" in problem or "expected <block end>" in problem:
        return YAMLProblem(
            f"invalid YAML: {shown(line)} does not fit here: a field is 'name: value' at the start of a line, "
            "a list item '- value' under its field",
            line,
        )
    return YAMLProblem(f"invalid YAML: {problem}", line)


def load(text: str) -> Any:
    """Parse YAML with every scalar as a string; raise YAMLProblem with a line number.

    Anchors and aliases are refused before anything is built: a few hundred bytes of
    nested aliases expand into gigabytes when walked ("billion laughs").
    """
    yaml, parser, loader, _ = _yaml()
    try:
        # Anchors need '&', aliases '*', tags '!': without them, skip the (slower) event scan.
        events = yaml.parse(text, Loader=parser) if any(c in text for c in "&*!") else ()
        for event in events:
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise YAMLProblem("YAML anchors and aliases are not allowed", event.start_mark.line + 1)
            tag = getattr(event, "tag", None)
            if tag and tag not in _STANDARD_TAGS:
                raise YAMLProblem(f"YAML tag '{tag}' is not allowed", event.start_mark.line + 1)
        return yaml.load(text, Loader=loader)
    except YAMLProblem:
        raise
    except yaml.YAMLError as exc:
        raise _plain(exc, text) from None
    except RecursionError:
        raise YAMLProblem("YAML nested too deeply", None) from None


def dump(data: dict[str, Any]) -> str:
    """Render a mapping as YAML, keys in the given order, values typed for humans.

    Dates are written bare (`date: 2026-11-26`); strings that YAML 1.1 would read as
    something else (`NO`, `1.10`, `0777`) are quoted so other tools read them right.
    """
    yaml, _, _, dumper = _yaml()
    return yaml.dump(
        data,
        Dumper=dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=2**31 - 1,
    )


def plain(value: Any) -> Any:
    """Turn typed values into JSON-ready ones (dates become ISO-8601 strings)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
