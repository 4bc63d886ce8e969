"""The layering docs/architecture.md states, read from the code's own imports.

Every import counts, the ones inside functions too (a lazy import is still a dependency);
only those under `if TYPE_CHECKING:` do not (annotations, never run).
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "pmops"

# Each module's layer: a module imports modules of its own layer or below, never above.
# docs/architecture.md lists the same layers, in the same order.
LAYERS: dict[int, tuple[str, ...]] = {
    0: ("standins", "errors", "text", "dates", "amounts", "ids", "customers", "bodies", "similarity", "processes", "detached",
        "yamlsafe", "search", "search.results", "search.folders", "search.watcher", "search.whoosh_analysis",
        "search.whoosh_codec", "search.whoosh_words", "search.whoosh_writer",
        "reports", "reports.parts", "reports.renewals", "site.linkcheck", "site.searchindex", "site.sanitize"),
    1: ("locate", "documents", "pii", "taxonomy", "doctypes", "search.snippets", "search.spelling", "metric_csv"),
    2: ("store", "gitrepo", "templates", "config", "search.fields", "search.freshness", "search.backend",
        "search.whoosh_backend", "search.whoosh_phrase", "search.whoosh_query"),
    3: ("search.index",),
    4: ("kb", "kb.tree", "kb.kept", "kb.records", "kb.transaction", "kb.creating", "kb.roster"),
    5: ("checklists", "decisions", "metrics", "onboarding", "productivity", "research", "accounts", "opportunities",
        "prioritization", "stack", "importer",
        "links", "scaffold", "search.client", "lifecycle", "editing", "people", "outcomes", "completion", "activity", "outputs"),
    6: ("lint", "lint.rules", "reports.model", "reports.assess", "reports.render", "search.server", "sharing", "digest",
        "assistants", "assistants.answers", "assistants.server",
        "site", "site.snapshot", "site.pages", "site.views", "site.markdown", "site.output", "site.redirects",
        "site.serve"),
    7: ("", "__main__", "cli"),  # the public API (pmops), the command line: above everything
}  # fmt: skip


def layer_of(module: str) -> int:
    short = module.removeprefix("pmops").removeprefix(".")
    for layer, names in LAYERS.items():
        if short in names or (short.startswith("cli.") and "cli" in names):
            return layer
    raise AssertionError(f"{module} has no layer: add it to LAYERS and to docs/architecture.md")


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


@functools.cache  # several tests ask of every module: each file is parsed once
def imports(name: str, path: Path) -> frozenset[str]:
    """Every module `name` imports at run time, absolute or relative, at any depth."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    seen: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking(node):
            for child in node.orelse:  # type: ignore[attr-defined]
                visit(child)
            return
        if isinstance(node, ast.Import):
            seen.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            seen.add(module)
            seen.update(f"{module}.{alias.name}" for alias in node.names)  # `from pmops import kb`
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return frozenset(seen)


MODULES = modules()


def pmops_imports(name: str) -> set[str]:
    """The pmops modules `name` imports (`from pmops.x import name` counts as pmops.x)."""
    return {m for m in imports(name, MODULES[name]) if m in MODULES and m not in (name, "pmops")}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_module_imports_nothing_above_its_layer(name: str) -> None:
    mine = layer_of(name)
    above = sorted(m for m in pmops_imports(name) if layer_of(m) > mine)
    assert not above, f"{name} (layer {mine}) imports {above}, from a higher layer"


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        layer_of(name)


def test_the_library_never_imports_the_command_line() -> None:
    for name, path in MODULES.items():
        if name == "pmops.__main__" or name.startswith("pmops.cli"):
            continue
        bad = {
            m for m in imports(name, path) if m.split(".")[0] in ("typer", "click", "rich") or m.startswith("pmops.cli")
        }
        assert not bad, f"{name} imports {sorted(bad)}: only pmops.cli may"


def test_only_the_search_backend_imports_whoosh() -> None:
    allowed = {"pmops.search.whoosh_backend", "pmops.search.whoosh_query", "pmops.search.whoosh_phrase",
               "pmops.search.whoosh_analysis",
               "pmops.search.whoosh_codec", "pmops.search.whoosh_words", "pmops.search.whoosh_writer"}  # fmt: skip
    users = {name for name, path in MODULES.items() if any(m.split(".")[0] == "whoosh" for m in imports(name, path))}
    assert users <= allowed, f"{sorted(users - allowed)} import Whoosh"
    assert users, "the backend no longer imports Whoosh: update this test"


def test_only_the_yaml_modules_import_yaml() -> None:
    users = {name for name, path in MODULES.items() if any(m.split(".")[0] == "yaml" for m in imports(name, path))}
    assert users == {"pmops.yamlsafe"}, f"{sorted(users)} import PyYAML: only pmops.yamlsafe may"


def test_the_search_core_never_imports_the_knowledge_base() -> None:
    core = [n for n in MODULES if n.startswith("pmops.search") and layer_of(n) <= layer_of("pmops.search.index")]
    for name in core:
        assert not {m for m in pmops_imports(name) if m.startswith("pmops.kb")}, name


LONG = 420  # lines: "about 400"; a module past it says why at its top
REASON = re.compile(r"\((?:Over|About|Past) 4\d\d lines[:,;]? .+?\)", re.DOTALL)


def test_no_module_is_long_without_saying_why() -> None:
    unexplained = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > LONG and not REASON.search(ast.get_docstring(ast.parse(text)) or ""):
            unexplained.append(f"{path.relative_to(SRC)} ({text.count(chr(10))} lines)")
    assert not unexplained, "over ~400 lines with no reason at the top: " + ", ".join(unexplained)
