"""Safe YAML in and out: every scalar stays a string, no anchors, no duplicate keys."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

_Parser = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
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


class _StrictLoader(_Parser):  # type: ignore[misc, valid-type]
    """BaseLoader (YAML 1.1 typing off: `NO` stays "NO") that refuses duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:  # PyYAML's signature
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise YAMLProblem("mapping keys must be plain text", key_node.start_mark.line + 1)
            if key in seen:
                raise YAMLProblem(f"duplicate key '{key}' (first at line {seen[key]})", key_node.start_mark.line + 1)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _line(exc: yaml.YAMLError) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else None


def load(text: str) -> Any:
    """Parse YAML with every scalar as a string; raise YAMLProblem with a line number.

    Anchors and aliases are refused before anything is built: a few hundred bytes of
    nested aliases expand into gigabytes when walked ("billion laughs").
    """
    try:
        # Anchors need '&', aliases '*', tags '!': without them, skip the (slower) event scan.
        events = yaml.parse(text, Loader=_Parser) if any(c in text for c in "&*!") else ()
        for event in events:
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise YAMLProblem("YAML anchors and aliases are not allowed", event.start_mark.line + 1)
            tag = getattr(event, "tag", None)
            if tag and tag not in _STANDARD_TAGS:
                raise YAMLProblem(f"YAML tag '{tag}' is not allowed", event.start_mark.line + 1)
        return yaml.load(text, Loader=_StrictLoader)
    except YAMLProblem:
        raise
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise YAMLProblem(f"invalid YAML: {problem}", _line(exc)) from None
    except RecursionError:
        raise YAMLProblem("YAML nested too deeply", None) from None


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Block style for multi-line text, flow style for short lists, no line folding.

    libyaml's emitter when available: the same output, five times faster (an import of
    thousands of rows spends most of its time writing front-matter).
    """


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


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_list)


def dump(data: dict[str, Any]) -> str:
    """Render a mapping as YAML, keys in the given order, values typed for humans.

    Dates are written bare (`date: 2026-11-26`); strings that YAML 1.1 would read as
    something else (`NO`, `1.10`, `0777`) are quoted so other tools read them right.
    """
    return yaml.dump(
        data,
        Dumper=_Dumper,
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
