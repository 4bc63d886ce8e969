"""`pmops lint`: findings with rule ids, lines and exit codes; pages and foreign files never crash it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CORPORA

VALID = "---\nid: ins-261126-aaaa\ntitle: T\ndate: 2026-11-26\nsource: interview\ntags: [pricing]\n---\nBody\n"


def write(kb: Path, name: str, text: str) -> Path:
    path = kb / "insights" / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "rule", "line"),
    [
        (VALID.replace("source: interview\n", ""), "field-missing", 1),
        (VALID.replace("interview", "carrier-pigeon"), "field-choice", 5),
        (VALID.replace("2026-11-26\nsource", "26/11/2026\nsource"), "field-date-format", 4),
        (VALID.replace("2026-11-26\nsource", "2026-02-30\nsource"), "field-date", 4),
        (VALID.replace("title: T", "title: [a, b]"), "field-invalid", 3),
        (VALID.replace("[pricing]", "[pricng]"), "tag-unknown", 6),
        (VALID.replace("[pricing]", "[perf]"), "tag-synonym", 6),
        (VALID.replace("title: T", "title: T\ntitle: U"), "frontmatter-invalid", 4),
        (VALID + "<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n", "conflict-markers", 9),
    ],
)
def test_each_rule_names_file_line_and_rule(pmops, kb: Path, text: str, rule: str, line: int) -> None:
    write(kb, "doc.md", text)
    result = pmops("lint", "--json", code=None)
    findings = json.loads(result.stdout)
    assert [(f["path"], f["rule"], f["line"]) for f in findings] == [("insights/doc.md", rule, line)]
    severity = findings[0]["severity"]
    assert result.exit_code == (1 if severity == "error" else 0)
    human = pmops("lint", code=None).stdout
    assert human.startswith(f"insights/doc.md:{line}: {rule} {severity} ")
    if severity == "warning":
        pmops("lint", "--strict", code=1)


def test_clean_kb_and_duplicate_ids(pmops, kb: Path) -> None:
    write(kb, "a.md", VALID)
    pmops("lint")
    write(kb, "b.md", VALID)
    findings = json.loads(pmops("lint", "--json", code=1).stdout)
    assert [(f["rule"], f["path"]) for f in findings] == [("id-duplicate", "insights/b.md")]


def test_lint_given_paths_only_and_a_missing_path(pmops, kb: Path) -> None:
    write(kb, "bad.md", "---\nid: ins-261126-aaaa\n---\n")
    (kb / "ok").mkdir()
    (kb / "ok" / "page.md").write_text("# fine\n")
    pmops("lint", "ok")
    pmops("lint", "ok/page.md")
    pmops("lint", "insights", code=1)
    assert "nope.md: no such file" in pmops("lint", "nope.md", code=2).stderr


def test_lint_never_writes(pmops, kb: Path) -> None:
    path = write(kb, "doc.md", VALID.replace("[pricing]", "[perf]"))
    before = path.read_bytes()
    pmops("lint")
    assert path.read_bytes() == before


def test_every_corpus_file_lints_without_crashing(pmops, tmp_path: Path) -> None:
    if not CORPORA.is_dir():
        pytest.skip("the shared corpora are not beside this checkout")
    import shutil

    root = tmp_path / "corpora"
    shutil.copytree(CORPORA, root)
    pmops("init", root, "--no-commit")
    result = pmops("--kb", root, "lint", "--json", code=None)
    assert result.exit_code in (0, 1)
    for finding in json.loads(result.stdout):
        assert finding["path"] and finding["line"] >= 1


PROCESS = """---
id: prc-261126-aaaa
title: Launch checklist
kind: launch-checklist
owner: Maya Chen
cadence: per-launch
status: active
date: 2026-11-01
last_reviewed: 2026-11-01
review_every_days: 90
---
## Purpose
p
## Roles
r
## Steps
See [[ins-261126-aaaa]] and [the research page](../handbook/research.md).
## Inputs
i
## Outputs
o
## Checklist
- [ ] fine
- [x] also fine
- [] missing space
-[ ] no space after the bullet
- [ x] odd box
```
- [] inside a code fence is not checked
```
"""


def test_checkboxes_links_and_staleness(pmops, kb: Path) -> None:
    (kb / "processes" / "launch.md").write_text(PROCESS)
    findings = json.loads(pmops("lint", "--json", code=1).stdout)
    got = sorted((f["rule"], f["line"]) for f in findings)
    assert got == [("checkbox-syntax", 25), ("checkbox-syntax", 26), ("checkbox-syntax", 27),
                   ("link-broken", 17), ("link-broken", 17)]  # fmt: skip
    (kb / "insights" / "a.md").write_text(VALID)
    (kb / "handbook").mkdir()
    (kb / "handbook" / "research.md").write_text("# Research\n")
    path = kb / "processes" / "launch.md"
    path.write_text(PROCESS.split("- []")[0].replace("2026-11-01", "2025-01-01"))
    findings = json.loads(pmops("lint", "--json").stdout)
    assert [(f["rule"], f["severity"], f["line"]) for f in findings] == [("process-stale", "warning", 9)]
    assert "pmops process review prc-261126-aaaa" in findings[0]["hint"]


def test_links_in_front_matter_and_inline_code_and_urls(pmops, kb: Path) -> None:
    text = VALID.replace("tags: [pricing]", "tags: [pricing]\nlinks: [ins-000000-zzzz]") + (
        "`[[not-a-link]]` [site](/about/) [web](https://example.com/x.md) [anchor](#top) [[ins-261126-aaaa]]\n"
    )
    write(kb, "doc.md", text)
    (kb / "about").mkdir()
    (kb / "about" / "index.md").write_text("# About\n")  # the site path /about/ (a site's pretty URL)
    findings = json.loads(pmops("lint", "--json", code=1).stdout)
    assert [(f["rule"], f["line"], f["message"]) for f in findings] == [
        ("link-broken", 7, "link to unknown id 'ins-000000-zzzz'")
    ]


def test_pii_in_insights_is_flagged_redacted(pmops, kb: Path) -> None:
    text = VALID.replace("Body\n", "Card 4111 1111 1111 1111, mail jane.doe@example.com, call +1 415-555-0133.\n"
                         "Not PII: 2026-11-26, order 12345678901234, 192.168.1.10, 3fa85f64-5717-4562-b3fc-2c963f66afa6,\n"
                         "a sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b, card-like 4111 1111 1111 1112.\n")  # fmt: skip
    write(kb, "doc.md", text)
    result = pmops("lint", "--json", code=1)
    findings = json.loads(result.stdout)
    assert sorted((f["rule"], f["line"]) for f in findings) == [("pii-card", 8), ("pii-email", 8), ("pii-phone", 8)]
    assert "4111" not in result.stdout and "jane.doe" not in result.stdout
    assert any("1111)" in f["message"] for f in findings if f["rule"] == "pii-card")


def test_near_duplicate_processes_are_reported(pmops, kb: Path) -> None:
    first = json.loads(pmops("process", "new", "Sprint planning (payments)", "--kind", "sprint-planning", "--owner",
                             "Ana", "--json").stdout)  # fmt: skip
    second = json.loads(pmops("process", "new", "Sprint planning (mobile)", "--kind", "sprint-planning", "--owner",
                              "Ben", "--json").stdout)  # fmt: skip
    findings = json.loads(pmops("lint", "--json").stdout)
    assert [f["rule"] for f in findings] == ["process-duplicate"]
    reported, other = (second, first) if findings[0]["path"] == second["path"] else (first, second)
    assert findings[0]["path"] == reported["path"] and other["path"] in findings[0]["message"]
    assert "owned by" in findings[0]["message"]
    pmops("process", "new", "Quarterly roadmap review", "--kind", "roadmap-review")
    assert len(json.loads(pmops("lint", "--json").stdout)) == 1  # other kinds are not compared


def test_metric_stale_by_its_cadence_and_configurable(pmops, kb: Path) -> None:
    """Weekly with its last value 10 days ago: stale; monthly with the same: not; never a value and added 40
    days ago (its id's day), weekly: stale; no cadence: never; values that cannot be read: only
    metric-value-invalid. Lint reads today, so the days are counted from it."""
    import datetime as dt

    from tests.cli import history_kb
    from tests.conftest import git

    today = dt.date.today()
    old = (today - dt.timedelta(days=10)).isoformat()
    added = (today - dt.timedelta(days=40)).strftime("%y%m%d")
    files = [*history_kb.metric("met-wk", "Weekly one", "up", "5", "weekly", f"{old},4\n"),
             *history_kb.metric("met-mo", "Monthly one", "up", "5", "monthly", f"{old},4\n"),
             *history_kb.metric(f"met-{added}-none", "Never measured", "up", "5", "weekly", ""),
             *history_kb.metric("met-bad", "Unreadable", "up", "5", "weekly", f"{old},lots\n")]  # fmt: skip
    files.append(("metrics/met-nc.md", files[0][1].replace("met-wk", "met-nc").replace("cadence: weekly\n", "")))
    files.append(("metrics/met-nc.csv", f"date,value\n{old},4\n"))
    for rel, text in files:
        (kb / rel).parent.mkdir(parents=True, exist_ok=True)
        (kb / rel).write_text(text)
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "metrics")
    findings = json.loads(pmops("lint", "--json", code=1).stdout)  # met-bad's row is an error
    stale = sorted((f["path"], f["line"], f["severity"], f["message"]) for f in findings if f["rule"] == "metric-stale")
    assert stale == [
        (f"metrics/met-{added}-none.md", 9, "warning",
         "no value yet, 40 days since it was added: its cadence (weekly) wants one every 7 days"),
        ("metrics/met-wk.md", 9, "warning", f"no value since {old} (10 days): its cadence (weekly) wants one every 7 days"),
    ]  # fmt: skip
    assert [f["rule"] for f in findings if "met-bad" in f["path"]] == ["metric-value-invalid"]
    path = kb / "pmops.yaml"
    base = path.read_text()
    path.write_text(base + "lint:\n  rules:\n    metric-stale: off\n    metric-value-invalid: off\n")
    assert json.loads(pmops("lint", "--json").stdout) == []
    path.write_text(base + "lint:\n  rules:\n    metric-stale: {severity: error}\n    metric-value-invalid: off\n")
    assert {(f["rule"], f["severity"]) for f in json.loads(pmops("lint", "--json", code=1).stdout)} == {
        ("metric-stale", "error")
    }
