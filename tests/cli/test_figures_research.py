"""Research figures on a KB small enough to count by hand: themes and signals, customers, addressed,
the trend, the latest quote; the evidence-after-decision lint rule; tags renamed onto a synonym.

Every expected value below was worked out from the documents written here, never computed by
pmops. Today is 2026-12-01: the last 90 days run from 2026-09-03 to 2026-12-01, the 90 before
from 2026-06-05 to 2026-09-02. The taxonomy is `pmops init`'s: pricing, reporting, onboarding
and accessibility are themes (a11y is a synonym of accessibility); feature-request, churn-risk,
bug and praise are signals.
"""

from __future__ import annotations

import json
import re
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


def _themes(pmops, *args: str) -> dict[str, dict]:
    return {t["theme"]: t for t in json.loads(pmops("insight", "themes", "--today", TODAY, *args, "--json").stdout)}


def test_themes_are_problems_with_their_signals_customers_and_decisions(small_kb: Path, pmops) -> None:
    themes = json.loads(pmops("insight", "themes", "--today", TODAY, "--json").stdout)
    # Biggest first, then by name; praise (a signal) and a11y (a synonym) are no themes of their own.
    assert [t["theme"] for t in themes] == ["pricing", "reporting", "accessibility", "onboarding"]
    pricing, reporting, accessibility, onboarding = themes
    assert pricing["insights"] == 3 and pricing["ids"] == ["ins-a1", "ins-a2", "ins-a3"]
    assert pricing["signals"] == {"feature-request": 2, "churn-risk": 1}
    assert (pricing["customers"], pricing["without_customer"]) == (1, 0)  # Acme, ACME Inc., " acme "
    assert pricing["segments"] == ["enterprise", "smb"]
    assert pricing["trend"] == {"current": 2, "previous": 1, "direction": "up"}  # a1, a2 vs a3
    assert (pricing["addressed"], pricing["decisions"], pricing["proposed"]) == (True, ["dec-acc"], [])
    quote = pricing["latest_quote"]  # the newest quote, its phone number replaced (pii.redact's wording)
    assert quote["id"] == "ins-a1" and quote["text"].startswith("Per-seat pricing hurts. Call me on [")
    assert not any(digits in quote["text"] for digits in ("44", "20", "7946", "0958"))

    assert reporting["signals"] == {"bug": 1, "praise": 1}
    assert (reporting["customers"], reporting["without_customer"]) == (1, 1)
    assert reporting["trend"] == {"current": 1, "previous": 1, "direction": "flat"}
    assert (reporting["addressed"], reporting["decisions"], reporting["proposed"]) == (False, [], ["dec-pro"])
    assert reporting["cited_by"] == [{"id": "dec-pro", "state": "proposed"}, {"id": "dec-sup", "state": "superseded"}]
    assert reporting["latest_quote"] is None

    assert accessibility["ids"] == ["ins-c1"] and accessibility["signals"] == {"bug": 1}
    assert (accessibility["customers"], accessibility["without_customer"]) == (0, 1)
    assert accessibility["trend"] == {"current": 1, "previous": 0, "direction": "new"}
    assert (accessibility["addressed"], accessibility["cited_by"]) == (False, [{"id": "dec-rej", "state": "rejected"}])

    assert onboarding["trend"] == {"current": 0, "previous": 0, "direction": "flat"}  # 2026-05-01: before both
    # Accepted once, then replaced: it no longer addresses anything.
    assert (onboarding["addressed"], onboarding["cited_by"]) == (False, [{"id": "dec-old", "state": "superseded"}])


def test_themes_read_by_a_person(small_kb: Path, pmops) -> None:
    done = pmops("insight", "themes", "--today", TODAY)
    out = " ".join(done.stdout.split())  # the blocks wrap at the terminal's width
    assert "pricing 3 insights: 2 feature-request, 1 churn-risk 1 customer · ↑ 2 vs 1 · addressed by dec-acc" in out
    assert "“Per-seat pricing hurts. Call me on [" in out and "7946" not in out
    assert "reporting 2 insights: 1 bug, 1 praise 1 customer; 1 insight names none · → 1 vs 1 · not addressed; " \
           "proposed: dec-pro; superseded: dec-sup" in out  # fmt: skip
    assert "accessibility 1 insight: 1 bug no customer named · new 1 vs 0 · not addressed; rejected: dec-rej" in out
    assert "onboarding 1 insight: 1 feature-request 1 customer · → 0 vs 0 · not addressed; superseded: dec-old" in out
    assert "praise" not in out.split("reporting")[0] and "0 customers" not in out and "None" not in out
    assert "4 themes from 8 insights (1 with no theme tag); trend: 2026-09-03 to 2026-12-01 against the 90 days before" \
        in " ".join(done.stderr.split())  # fmt: skip


def test_signals_are_counted_on_request(small_kb: Path, pmops) -> None:
    signals = json.loads(pmops("insight", "themes", "--signals", "--today", TODAY, "--json").stdout)
    assert [(s["theme"], s["insights"]) for s in signals] == [
        ("feature-request", 3),
        ("bug", 2),
        ("praise", 2),
        ("churn-risk", 1),
    ]
    praise = signals[2]
    assert praise["ids"] == ["ins-d1", "ins-b2"] and (praise["customers"], praise["without_customer"]) == (1, 1)
    assert signals[0]["customers"] == 2  # Acme (twice) and Initech
    out = " ".join(pmops("insight", "themes", "--signals", "--today", TODAY).stdout.split())
    # d1 (2026-11-25) this period, b2 (2026-08-15) the one before; a signal is not "addressed".
    assert "praise 2 insights 1 customer; 1 insight names none · → 1 vs 1" in out and "addressed" not in out


def test_since_keeps_the_period_before_for_the_trend(small_kb: Path, pmops) -> None:
    # Since 2026-10-01: 62 days (to 2026-12-01), against 2026-07-31 to 2026-09-30.
    themes = json.loads(pmops("insight", "themes", "--since", "2026-10-01", "--today", TODAY, "--json").stdout)
    assert [(t["theme"], t["ids"], t["trend"]) for t in themes] == [
        # a3 (2026-07-01) is before both periods: pricing is not new, it is up.
        ("pricing", ["ins-a1", "ins-a2"], {"current": 2, "previous": 0, "direction": "up"}),
        ("reporting", ["ins-b1"], {"current": 1, "previous": 1, "direction": "flat"}),  # b2 is 2026-08-15
    ]
    areas = json.loads(pmops("insight", "themes", "--by", "segment", "--today", TODAY, "--json").stdout)
    assert [(a["theme"], a["insights"], a["customers"]) for a in areas] == [("smb", 2, 1), ("enterprise", 1, 1)]
    assert areas[0]["signals"] == {"churn-risk": 1, "feature-request": 1}


def test_themes_bad_input(small_kb: Path, pmops) -> None:
    for args, expected in (
        (("--signals", "--by", "area"), "error: --signals counts signal tags: it goes with --by tag, not --by area"),
        (("--since", "2026-12-02"), "error: --since 2026-12-02 is after today (2026-12-01)"),
    ):
        done = pmops("insight", "themes", "--today", TODAY, *args, code=2)
        assert done.stderr.splitlines()[0] == expected and done.stdout == ""
    taxonomy = small_kb / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text().replace("kind: signal", "kind: sentiment"))
    done = pmops("insight", "themes", code=2)
    assert (
        done.stderr.splitlines()[0]
        == "error: taxonomy.yaml: facets.signal.kind: 'sentiment' is not one of: theme, signal"
    )
    assert git(small_kb, "status", "--porcelain") == " M taxonomy.yaml\n"


def test_which_facets_are_signals(kb: Path, pmops) -> None:
    (kb / "insights").mkdir(exist_ok=True)
    (kb / "insights" / "ins-x.md").write_text("---\nid: ins-x\ntitle: x\ndate: 2026-11-01\nsource: survey\n"
                                              "tags: [pricing, praise]\n---\n")  # fmt: skip
    for facets, expected in (
        # No kind: a facet named signal or signals holds signals, any other facet themes.
        ("facets:\n  topics: [pricing]\n  signals: [praise]\n", ["pricing"]),
        # A kind says it, whatever the facet's name.
        ("facets:\n  topics: [pricing]\n  evidence: {kind: signal, tags: [praise]}\n", ["pricing"]),
        ("facets:\n  topics: [pricing]\n  signal: {kind: theme, tags: [praise]}\n", ["praise", "pricing"]),
        # No facets at all: every tag is a theme.
        ("facets: {}\n", ["praise", "pricing"]),
    ):
        (kb / "taxonomy.yaml").write_text(facets)
        themes = json.loads(pmops("insight", "themes", "--today", TODAY, "--json").stdout)
        assert sorted(t["theme"] for t in themes) == expected, facets


@pytest.mark.parametrize(
    ("names", "distinct"),
    [
        (
            [
                "Acme",
                "ACME Inc.",
                " acme ",
                "Acme, Inc.",
                "ＡＣＭＥ",
                "Acme  Ltd",
                "acme llc",
                "Acme Pty Ltd",
                "Acme & Co.",
            ],
            1,
        ),
        (["Globex GmbH", "Globex S.A.", "GLOBEX AG", "Globex BV", "Globex Corp", "Globex plc", "globex sa"], 1),
        (["Café Müller", "cafe muller"], 1),
        (["Marks & Spencer plc", "Marks and Spencer"], 1),
        (["Acme", "Acme Labs"], 2),  # a different company, not a suffix
        (["Inc."], 1),  # a name's only word is kept
        (["", "   ", "n/a", "Unknown", None], 0),  # no customer named
    ],
)
def test_customer_names_are_one_key(names: list, distinct: int) -> None:
    from pmops import customers

    assert customers.distinct(names) == distinct


def test_lint_flags_evidence_dated_after_its_decision(small_kb: Path, pmops) -> None:
    findings = [
        f for f in json.loads(pmops("lint", "--json", code=None).stdout) if f["rule"] == "evidence-after-decision"
    ]
    assert findings == [{
        "path": "decisions/dec-acc.md", "line": 6, "rule": "evidence-after-decision", "severity": "warning",
        "message": "evidence ins-a2 is dated 2026-10-05, after the decision (2026-10-01)",
        "hint": "a decision rests on what was known when it was taken: fix the dates, or cite the later insight in 'links'",
    }]  # fmt: skip
    # Linting the decision alone still reads the insight's date.
    alone = json.loads(pmops("lint", "decisions/dec-acc.md", "--json", code=None).stdout)
    assert [f["message"] for f in alone if f["rule"] == "evidence-after-decision"] == [findings[0]["message"]]


def _vocabulary(kb: Path) -> dict:
    return yaml.safe_load((kb / "taxonomy.yaml").read_text())


def _consistent(vocabulary: dict) -> None:
    """No synonym maps a tag onto itself or onto another synonym; each names a tag of a facet."""
    tags = {t for facet in vocabulary["facets"].values() for t in facet["tags"]}
    for key, value in (vocabulary.get("synonyms") or {}).items():
        assert key != value and value in tags and key not in tags, (key, value)


def test_rename_onto_a_synonym_merges_into_the_tag_it_stands_for(small_kb: Path, pmops) -> None:
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


def test_rename_a_tag_to_its_own_synonym_swaps_them(small_kb: Path, pmops) -> None:
    path = small_kb / "insights" / "ins-b1.md"
    path.write_text(path.read_text().replace("tags: [reporting, bug]", "tags: [reporting, data-export]"))
    git(small_kb, "commit", "-qam", "tagged")
    done = pmops("tags", "rename", "data-export", "export")
    assert done.stdout == "Renamed 'data-export' to 'export' in 1 document and taxonomy.yaml\n"
    vocabulary = _vocabulary(small_kb)
    assert (
        "export" in vocabulary["facets"]["theme"]["tags"] and "data-export" not in vocabulary["facets"]["theme"]["tags"]
    )
    assert vocabulary["synonyms"]["data-export"] == "export" and "export" not in vocabulary["synonyms"]
    _consistent(vocabulary)
    assert [f for f in json.loads(pmops("lint", "--json", code=None).stdout) if f["path"] == "insights/ins-b1.md"] == []


def test_rename_refuses_what_would_leave_the_taxonomy_inconsistent(small_kb: Path, pmops) -> None:
    taxonomy = small_kb / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text().replace("deprecated: {}", "deprecated:\n  collab: collaboration"))
    path = small_kb / "insights" / "ins-b1.md"
    path.write_text(path.read_text().replace("tags: [reporting, bug]", "tags: [reporting, export-data]"))
    git(small_kb, "commit", "-qam", "a deprecated tag, an off-taxonomy tag")
    before = commit_count(small_kb)
    for args, expected in (
        (("reporting", "collab"), "error: 'collab' is deprecated in taxonomy.yaml in favour of 'collaboration'"),
        (
            ("export-data", "exports"),
            "error: 'exports' is not in taxonomy.yaml, and 'export-data' is not one of its tags",
        ),
    ):
        done = pmops("tags", "rename", *args, code=2)
        assert done.stderr.splitlines()[0] == expected and done.stdout == ""
    assert commit_count(small_kb) == before and git(small_kb, "status", "--porcelain") == ""


def test_a_decision_on_older_evidence_still_addresses_the_theme_since_a_date(small_kb: Path, pmops) -> None:
    # Since 2026-11-01 pricing counts only ins-a1, but dec-acc (accepted, in force) cites ins-a2 of October:
    # the theme is still addressed. Reporting counts ins-b1 (cited by the superseded dec-sup); the older
    # ins-b2 is cited by the proposed dec-pro only: not addressed, dec-pro named as proposed.
    themes = _themes(pmops, "--since", "2026-11-01")
    assert (themes["pricing"]["ids"], themes["pricing"]["addressed"], themes["pricing"]["decisions"]) == (
        ["ins-a1"], True, ["dec-acc"])  # fmt: skip
    assert (themes["reporting"]["addressed"], themes["reporting"]["proposed"]) == (False, ["dec-pro"])


def test_evidence_is_compared_with_the_day_a_decision_was_accepted(small_kb: Path, pmops) -> None:
    # dec-pro, proposed 2026-08-01, cites ins-b2 (heard 2026-08-15) gathered while it waited. Accepted today:
    # that insight was known when it was taken, no finding (it was "after the decision (2026-08-01)").
    pmops("decision", "accept", "dec-pro")
    messages = [f["message"] for f in json.loads(pmops("lint", "--json", code=None).stdout)
                if f["rule"] == "evidence-after-decision"]  # fmt: skip
    assert messages == ["evidence ins-a2 is dated 2026-10-05, after the decision (2026-10-01)"]
    report = json.loads(pmops("report", "--format", "json").stdout)
    assert report["decisions"]["evidence_after"]["ids"] == ["dec-acc"]
    # Accepted on 2026-08-10 (by hand), still before ins-b2: said against that day.
    path = small_kb / "decisions" / "dec-pro.md"
    text = path.read_text()
    path.write_text(re.sub(r"accepted: \d{4}-\d{2}-\d{2}", "accepted: 2026-08-10", text))
    messages = [f["message"] for f in json.loads(pmops("lint", "--json", code=None).stdout)
                if f["rule"] == "evidence-after-decision"]  # fmt: skip
    assert "evidence ins-b2 is dated 2026-08-15, after the decision (2026-08-10)" in messages
