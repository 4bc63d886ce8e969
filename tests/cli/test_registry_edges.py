"""What the registry says reaches every edge: references, unique titles and PII work for a KB's own type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pmops.errors import ConfigError, Conflict, InvalidInput, NotFound
from pmops.kb import KnowledgeBase
from tests.conftest import Runner, commit_count

# Under the `types:` that ends a new KB's pmops.yaml.
TYPES = """  experiment:
    prefix: exp
    unique_titles: true
    pii: true
    sections: [Hypothesis]
    fields:
      evidence: {kind: refs, refers: insight, help: the insights it tests}
      owner: {refers: person}
      follows: {kind: ref, refers: experiment}
"""


@pytest.fixture
def typed(kb: Path) -> KnowledgeBase:
    with (kb / "pmops.yaml").open("a") as handle:
        handle.write(TYPES)
    return KnowledgeBase.open(kb)


def test_references_resolve_to_full_ids_through_the_one_create_path(pmops: Runner, typed: KnowledgeBase) -> None:
    insight = json.loads(pmops("insight", "add", "--title", "Slow export", "--source", "survey", "--json").stdout)["id"]
    first = typed.create(
        "experiment", {"title": "Faster export", "evidence": [insight[:-1], insight]}, "## Hypothesis\n"
    )
    assert first.record.values["evidence"] == [insight]  # a unique prefix, and the same insight twice: one id
    second = typed.create("experiment", {"title": "Export in the background", "follows": "Faster export"})
    assert second.record.values["follows"] == first.record.id  # a type with unique titles is named by its title
    assert (
        typed.create("experiment", {"title": "Manager", "owner": "Nobody Yet"}).record.values["owner"] == "Nobody Yet"
    )


def test_a_bad_reference_says_which_and_writes_nothing(pmops: Runner, typed: KnowledgeBase, kb: Path) -> None:
    process = json.loads(pmops("process", "new", "P", "--kind", "custom", "--json").stdout)["id"]
    before = commit_count(kb)
    with pytest.raises(NotFound) as missing:
        typed.create("experiment", {"title": "x", "evidence": ["ins-000000-none"]})
    assert (missing.value.message, missing.value.hint) == (
        "--evidence: no insight with the id or title 'ins-000000-none'",
        "'pmops insight list' lists them",
    )
    with pytest.raises(InvalidInput, match=f"--evidence: {process} is a process, not an insight"):
        typed.create("experiment", {"title": "x", "evidence": [process]})
    with pytest.raises(NotFound, match="--follows: no experiment with the id or title 'Nope'"):
        typed.create("experiment", {"title": "x", "follows": "Nope"})
    assert commit_count(kb) == before and not (kb / "experiments").exists()


def test_unique_titles_and_pii_come_from_the_registry(typed: KnowledgeBase) -> None:
    created = typed.create("experiment", {"title": "Pricing page", "owner": "Ada"}, "Asked ada@example.com\n")
    assert "[email redacted]" in created.record.doc.body and created.notes[0] == "body: 1 email address redacted"
    with pytest.raises(Conflict, match="an experiment named 'pricing page' already exists"):
        typed.create("experiment", {"title": "pricing page"})


def test_lint_reads_the_registry_not_type_names(pmops: Runner, typed: KnowledgeBase, kb: Path) -> None:
    path = kb / "experiments" / "exp-261126-aaaa-leak.md"
    path.parent.mkdir()
    path.write_text("---\nid: exp-261126-aaaa\ntitle: Leak\n---\nMail p.smith@hooli.com\n")
    rules = {f["rule"] for f in json.loads(pmops("lint", "--json", code=1).stdout)}
    assert rules == {"pii-email", "section-missing"}  # PII is scanned where the type says so


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "  x:\n    fields:\n      a: {kind: ref, refers: nothing}\n",
            "'types.x.fields.a.refers' is 'nothing', not a type",
        ),
        (
            "  x:\n    fields:\n      a: {kind: int, refers: insight}\n",
            "'types.x.fields.a.refers' names a type, for a field of kind ref, refs, expectations, text or list",
        ),
        ("  x:\n    unique_titles: maybe\n", "'types.x.unique_titles' must be true or false"),
    ],
)
def test_a_reference_to_no_type_is_a_config_error(kb: Path, spec: str, message: str) -> None:
    with (kb / "pmops.yaml").open("a") as handle:
        handle.write(spec)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        KnowledgeBase.open(kb)


def test_a_misspelt_field_setting_is_refused_with_the_nearest(pmops, kb: Path) -> None:
    config = kb / "pmops.yaml"
    config.write_text(config.read_text() + "  guide:\n    fields:\n      due: {type: date, ask: true}\n")
    said = pmops("list", "insight", code=2).stderr.splitlines()
    assert said == ["error: pmops.yaml: 'types.guide.fields.due.type' is not a setting of a field",
                    "hint: did you mean 'kind'?"]  # fmt: skip


@pytest.mark.parametrize(("spec", "said"), [
    ("  guide:\n    sectons: [Why]\n", ["error: pmops.yaml: 'types.guide.sectons' is not a setting of a type",
                                         "hint: did you mean 'sections'?"]),
    ("  tool:\n    folder: research\n", ["error: pmops.yaml: 'types.tool.folder' is not a setting of a built-in type",
                                            "hint: a built-in type takes fields"]),
    ("  tool:\n    folder: tools\n    prefix: tol\n    sections: [Why]\n",
     ["error: pmops.yaml: 'types.tool.sections' is not a setting of a built-in type",
      "hint: a built-in type takes fields"]),  # its folder and prefix as they are: accepted
])  # fmt: skip
def test_a_misspelt_or_unread_type_setting_is_refused(pmops, kb: Path, spec: str, said: list[str]) -> None:
    """A type's `sectons:` dropped the check of its sections without a word; a built-in type's folder was ignored."""
    config = kb / "pmops.yaml"
    config.write_text(config.read_text() + spec)
    assert pmops("list", "insight", code=2).stderr.splitlines() == said
