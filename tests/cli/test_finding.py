"""Finding: listings' filters read through the taxonomy and the registry (a synonym finds its tag,
an unknown tag or choice is exit 2 with the nearest), customers however written, tool compare
without names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import commit_count


def ids(pmops, *args: str) -> list[str]:
    return [r["id"] for r in json.loads(pmops(*args, "--json").stdout)]


def test_a_synonym_finds_its_tag_in_every_tag_filter(pmops, example_kb: Path) -> None:
    tagged = ids(pmops, "insight", "list", "--tag", "performance")
    assert tagged and ids(pmops, "insight", "list", "--tag", "perf") == tagged
    assert ids(pmops, "insight", "list", "--tag", "SPEED") == tagged
    assert ids(pmops, "list", "insight", "tags=slow") == tagged


def test_a_document_tagged_with_a_synonym_by_hand_counts_as_its_tag(pmops, example_kb: Path) -> None:
    path = next(example_kb.glob("insights/ins-260521-jpgp-*.md"))
    path.write_text(path.read_text().replace("tags: [security, permissions]", "tags: [security, perf]"))
    doc_id = json.loads(pmops("show", str(path.relative_to(example_kb)), "--json").stdout)["id"]
    assert doc_id in ids(pmops, "insight", "list", "--tag", "performance")


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (("insight", "list", "--tag", "perfomance"), "--tag: no tag 'perfomance' in the taxonomy or on any insight",
         "did you mean 'performance'?"),
        (("list", "insight", "tags=pricng"), "--tag: no tag 'pricng'", "did you mean 'pricing'?"),
        (("insight", "list", "--source", "intervew"), "--source: 'intervew' is not one of: interview, survey",
         "did you mean 'interview'?"),
        (("list", "insight", "source=sruvey"), "--source: 'sruvey' is not one of:", "did you mean 'survey'?"),
        (("decision", "list", "--status", "acepted"), "--status: 'acepted' is not one of:", None),
        (("list", "tool", "category=reserch"), "--category: 'reserch' is not one of:", "did you mean 'research'?"),
        (("insight", "list", "--tag", "zzzz"), "--tag: no tag 'zzzz'", "'pmops tags' lists them"),
    ],
)  # fmt: skip
def test_an_unknown_tag_or_choice_filter_is_exit_2_with_the_nearest(
    pmops, example_kb: Path, args: tuple[str, ...], message: str, hint: str | None
) -> None:
    result = pmops(*args, code=2)
    assert result.stderr.startswith(f"error: {message}"), result.stderr
    if hint:
        assert f"hint: {hint}" in result.stderr


def test_a_tag_on_documents_but_not_in_the_taxonomy_is_a_filter_too(pmops, kb: Path) -> None:
    (kb / "taxonomy.yaml").write_text("facets:\n  theme:\n  - pricing\n")
    (kb / "insights").mkdir(exist_ok=True)
    (kb / "insights" / "ins-260101-aaaa-x.md").write_text(
        "---\nid: ins-260101-aaaa\ntitle: x\nsource: interview\ndate: 2026-01-01\ntags:\n- legacy-tag\n---\n\nx\n"
    )
    assert ids(pmops, "insight", "list", "--tag", "legacy-tag") == ["ins-260101-aaaa"]
    assert ids(pmops, "insight", "list", "--tag", "pricing") == []  # in the taxonomy, on nothing yet


def test_insight_list_by_customer_however_written(pmops, example_kb: Path) -> None:
    exact = ids(pmops, "insight", "list", "--customer", "Quarry & Co")
    assert len(exact) == 2
    assert ids(pmops, "insight", "list", "--customer", "quarry and co.") == exact
    assert ids(pmops, "insight", "list", "--customer", "QUARRY") == exact
    assert ids(pmops, "insight", "list", "--customer", "Nobody Ltd") == []
    assert "--customer: 'n/a' names no customer" in pmops("insight", "list", "--customer", "n/a", code=2).stderr


def test_tool_compare_without_names_compares_every_tool_in_use(pmops, example_kb: Path) -> None:
    ranking = json.loads(pmops("tool", "compare", "--json").stdout)["ranking"]
    names = {r["name"] for r in ranking}
    assert len(names) == 8 and "Confluence" not in names  # retired
    research = json.loads(pmops("tool", "compare", "--category", "research", "--json").stdout)["ranking"]
    assert [r["name"] for r in research] == ["Dovetail", "Condens"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--category", "reserch"), "--category: 'reserch' is not one of:"),
        (("--category", "design"), "1 tool in the category 'design': nothing to compare"),
        (("Jira", "--category", "design"), "give tool names or --category, not both"),
        (("Jira",), "name at least two tools to compare"),
    ],
)
def test_tool_compare_bad_input_is_exit_2(pmops, example_kb: Path, args: tuple[str, ...], message: str) -> None:
    before = commit_count(example_kb)
    assert pmops("tool", "compare", *args, code=2).stderr.startswith(f"error: {message}")
    assert commit_count(example_kb) == before
