"""Research figures on a KB small enough to count by hand: tags renamed onto a synonym.

Every expected value below was worked out from the documents written here, never computed by
pmops. Today is 2026-12-01: the last 90 days run from 2026-09-03 to 2026-12-01, the 90 before
from 2026-06-05 to 2026-09-02. The taxonomy is `pmops init`'s: pricing, reporting, onboarding
and accessibility are themes (a11y is a synonym of accessibility); feature-request, churn-risk,
bug and praise are signals.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import commit_count, git

TODAY = "2026-12-01"

INSIGHTS = {
    # Three spellings of one customer; the newest quote holds a phone number.
    "ins-a1": "date: 2026-11-20\ncustomer: Acme\nsegment: smb\ntags: [pricing, feature-request]\n"
              "quote: Per-seat pricing hurts. Call me on +44 20 7946 0958.",
    "ins-a2": "date: 2026-10-05\ncustomer: ACME Inc.\nsegment: smb\ntags: [pricing, churn-risk]\nquote: We may leave at renewal.",
    "ins-a3": "date: 2026-07-01\ncustomer: ' acme '\nsegment: enterprise\ntags: [pricing, feature-request]",
    "ins-b1": "date: 2026-11-02\ncustomer: Globex GmbH\ntags: [reporting, bug]",
    "ins-b2": "date: 2026-08-15\ntags: [reporting, praise]",  # no customer
    "ins-c1": "date: 2026-09-10\ntags: [a11y, bug]",  # no customer; a synonym of accessibility
    "ins-d1": "date: 2026-11-25\ncustomer: Initech LLC\ntags: [praise]",  # a signal and no theme
    "ins-e1": "date: 2026-05-01\ncustomer: Initech\ntags: [onboarding, feature-request]",
}  # fmt: skip
DECISIONS = {
    # Accepted and in force, but dated before its evidence (2026-10-05): evidence-after-decision.
    "dec-acc": "date: 2026-10-01\nstatus: accepted\nevidence: [ins-a2]",
    "dec-sup": "date: 2026-11-10\nstatus: superseded\nsuperseded_by: [dec-acc]\nevidence: [ins-b1]",
    "dec-pro": "date: 2026-08-01\nstatus: proposed\nevidence: [ins-b2]",  # proposed before its evidence: not checked
    "dec-rej": "date: 2026-09-20\nstatus: rejected\nevidence: [ins-c1]",
    "dec-old": "date: 2026-06-01\nstatus: accepted\nsuperseded_by: [dec-acc]\nevidence: [ins-e1]",  # replaced
}


@pytest.fixture
def small_kb(kb: Path) -> Path:
    for folder, docs, extra in (("insights", INSIGHTS, "source: interview"), ("decisions", DECISIONS, "")):
        (kb / folder).mkdir(exist_ok=True)
        for doc_id, front in docs.items():
            lines = [f"id: {doc_id}", f"title: {doc_id} title", front, extra]
            (kb / folder / f"{doc_id}.md").write_text("---\n" + "\n".join(x for x in lines if x) + "\n---\nBody.\n")
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "fixture")
    return kb


def _vocabulary(kb: Path) -> dict:
    return yaml.safe_load((kb / "taxonomy.yaml").read_text())


def _consistent(vocabulary: dict) -> None:
    """No synonym maps a tag onto itself or onto another synonym; each names a tag of a facet."""
    tags = {t for facet in vocabulary["facets"].values() for t in facet["tags"]}
    for key, value in (vocabulary.get("synonyms") or {}).items():
        assert key != value and value in tags and key not in tags, (key, value)


def test_rename_onto_a_synonym_merges_into_the_tag_it_stands_for(small_kb: Path, pmops) -> None:  # noqa: ANN001
    path = small_kb / "insights" / "ins-b1.md"
    path.write_text(path.read_text().replace("tags: [reporting, bug]", "tags: [reporting, export-data]"))
    git(small_kb, "commit", "-qam", "an off-taxonomy tag")
    done = pmops("tags", "rename", "export-data", "export")  # export is a synonym of data-export
    assert done.stdout == "Renamed 'export-data' to 'data-export' in 1 document and taxonomy.yaml\n"
    assert "'export' is a synonym of 'data-export'" in done.stderr
    assert "tags: [reporting, data-export]" in path.read_text()
    vocabulary = _vocabulary(small_kb)
    assert vocabulary["synonyms"]["export-data"] == "data-export" and vocabulary["synonyms"]["export"] == "data-export"
    _consistent(vocabulary)


def test_rename_a_tag_to_its_own_synonym_swaps_them(small_kb: Path, pmops) -> None:  # noqa: ANN001
    path = small_kb / "insights" / "ins-b1.md"
    path.write_text(path.read_text().replace("tags: [reporting, bug]", "tags: [reporting, data-export]"))
    git(small_kb, "commit", "-qam", "tagged")
    done = pmops("tags", "rename", "data-export", "export")
    assert done.stdout == "Renamed 'data-export' to 'export' in 1 document and taxonomy.yaml\n"
    vocabulary = _vocabulary(small_kb)
    assert "export" in vocabulary["facets"]["theme"]["tags"] and "data-export" not in vocabulary["facets"]["theme"]["tags"]
    assert vocabulary["synonyms"]["data-export"] == "export" and "export" not in vocabulary["synonyms"]
    _consistent(vocabulary)
    assert [f for f in json.loads(pmops("lint", "--json", code=None).stdout) if f["path"] == "insights/ins-b1.md"] == []


def test_rename_refuses_what_would_leave_the_taxonomy_inconsistent(small_kb: Path, pmops) -> None:  # noqa: ANN001
    taxonomy = small_kb / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text().replace("deprecated: {}", "deprecated:\n  collab: collaboration"))
    path = small_kb / "insights" / "ins-b1.md"
    path.write_text(path.read_text().replace("tags: [reporting, bug]", "tags: [reporting, export-data]"))
    git(small_kb, "commit", "-qam", "a deprecated tag, an off-taxonomy tag")
    before = commit_count(small_kb)
    for args, expected in (
        (("reporting", "collab"), "error: 'collab' is deprecated in taxonomy.yaml in favour of 'collaboration'"),
        (("export-data", "exports"), "error: 'exports' is not in taxonomy.yaml, and 'export-data' is not one of its tags"),
    ):
        done = pmops("tags", "rename", *args, code=2)
        assert done.stderr.splitlines()[0] == expected and done.stdout == ""
    assert commit_count(small_kb) == before and git(small_kb, "status", "--porcelain") == ""
