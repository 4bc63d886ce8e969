"""The site's templates, which a team may replace with its own: what each is given, as docs/site.md says it,
checked against what a real build gives them (every kind of page built)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import ROOT, git

DOCS = ROOT / "docs" / "site.md"
TEMPLATES = ROOT / "templates" / "site"


def _tables() -> tuple[set[str], dict[str, tuple[set[str], bool]], dict[str, set[str]]]:
    """From docs/site.md's 'What each template is given': the variables of every page, each template's own
    (and whether it gets those of every page too), and what `extra` holds for each doc-/type- template."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("### What each template is given", 1)[1].split("\n## ", 1)[0]
    tables: list[list[list[str]]] = []
    for block in re.split(r"\n\s*\n", section):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        if rows:
            tables.append([[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]])
    common_rows, own_rows, extra_rows = tables

    def names(cell: str) -> list[str]:  # the variables a cell names: backticked, before any parenthesis
        return re.findall(r"`([a-z_]+)`", re.sub(r"\([^()]*(\([^()]*\)[^()]*)*\)", "", cell))

    common = {name for row in common_rows for name in names(row[0])}
    own = {}
    for row in own_rows:
        alone = "none of the variables above" in row[1]
        for template in re.findall(r"`(site/[^`]+)`", row[0]):
            own[template] = (set() if row[2] == "none" else set(names(row[2])), alone)
    extra = {re.findall(r"`(site/[^`]+)`", row[0])[0]: set(names(row[1])) for row in extra_rows}
    return common, own, extra


@pytest.fixture
def given(pmops, example_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict]:
    """What a build gives each template: every kind of page — the example KB's, a customer named without a
    document, a folder's, a renamed document's old URL — and a KB of pages alone (its home)."""
    from pmops import templates

    seen: dict[str, set[str]] = defaultdict(set)
    extras: dict[str, set[str]] = defaultdict(set)
    render = templates.render_html

    def spy(template: str, root: Path | None, /, **context: object) -> str:
        seen[template] |= set(context)
        if isinstance(context.get("extra"), dict) and "doctype" in context:
            kind = "doc" if template == "site/document.html.j2" else "type"
            extras[f"site/{kind}-{context['doctype'].name}.html.j2"] |= set(context["extra"])  # type: ignore[attr-defined]
        return render(template, root, **context)

    monkeypatch.setattr(templates, "render_html", spy)
    pmops("insight", "add", "Exports time out", "--quote", "It spins forever", "--source", "interview",
          "--customer", "Nobody In The Register Ltd")  # fmt: skip
    (example_kb / "handbook/guides").mkdir()
    (example_kb / "handbook/guides/setup.md").write_text("---\ntitle: Setting up\n---\nSteps.\n")
    (example_kb / "handbook/links.md").write_text("---\ntitle: Links\n---\nSee [the guides](guides/).\n")
    git(example_kb, "add", "-A")
    git(example_kb, "commit", "-qm", "Guides")
    pmops("mv", "ins-260203-dc9k", "Cobalt would drop its Slack bot")
    pmops("site", "build", "--today", "2026-12-01")
    pages = tmp_path / "pages-alone"
    pmops("init", str(pages), "--name", "Handbook")
    (pages / "handbook").mkdir()
    (pages / "handbook/travel.md").write_text("---\ntitle: Travel\n---\nBook early.\n")
    git(pages, "add", "-A")
    git(pages, "commit", "-qm", "Travel")
    pmops("--kb", str(pages), "site", "build", "--today", "2026-12-01")
    return seen, extras


def test_every_templates_variables_are_documented(given: tuple[dict, dict]) -> None:
    seen, extras = given
    common, own, extra = _tables()
    for template, names in seen.items():
        assert template in own, f"{template} is not in docs/site.md's table of templates"
        documented, alone = own[template]
        assert names == (documented if alone else common | documented), (
            template,
            sorted(names ^ (documented if alone else common | documented)),
        )
    assert set(seen) == {t for t, (names, _) in own.items() if names}  # every documented page template was built
    for template, names in extras.items():
        assert names == extra.get(template, set()), (template, sorted(names ^ extra.get(template, set())))
    assert {t for t, names in extras.items() if names} == set(extra)


def test_every_template_file_is_documented() -> None:
    """A template added under templates/site/ is said in docs/site.md with what it is given."""
    _, own, extra = _tables()
    documented = set(own) | set(extra) | {"site/base.html.j2", "site/_macros.html.j2"}
    files = {f"site/{p.name}" for p in TEMPLATES.iterdir()}
    assert files == documented, sorted(files ^ documented)
