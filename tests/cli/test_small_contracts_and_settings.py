"""Smaller things a new user found in tools, processes and onboarding settings (review of issue 18): a
score changed alone in its file, one rule for a thousands comma, a notice day already passed said when a
tool is added or changed, a typo in onboarding.productive_when stopping lint as every other setting does,
and how alike divergent versions are said in what is measured."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.conftest import commit_count, git


@pytest.fixture
def tools(kb: Path) -> Path:
    yaml = kb / "pmops.yaml"
    yaml.write_text(yaml.read_text() + "tool_criteria:\n  fit: 3\n  cost: 2\n  sso: must-pass\n")
    (kb / "tools" / "tol-condens.md").write_text(
        "---\nid: tol-condens\nname: Condens\ncategory: research\nstatus: evaluating\nscores:\n  fit: 4\n"
        "  cost: 3.5\n  sso: fail\n---\n"
    )
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "tools")
    return kb


def test_a_score_changes_alone_in_its_file(pmops, tools: Path) -> None:
    # Found by a new user: every other score was written back as a float (fit: 4 → fit: 4.0), a 6-line diff.
    pmops("tool", "score", "Condens", "sso=pass")
    diff = [
        line
        for line in git(tools, "show", "HEAD", "--format=").splitlines()
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert diff == ["-  sso: fail", "+  sso: pass"]
    pmops("tool", "score", "Condens", "fit=5")
    diff = [
        line
        for line in git(tools, "show", "HEAD", "--format=").splitlines()
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert diff == ["-  fit: 4", "+  fit: 5"]
    scores = json.loads(pmops("show", "Condens", "--json").stdout)["scores"]
    assert scores == {"fit": 5, "cost": 3.5, "sso": "pass"}


def test_a_thousands_comma_is_read_as_amounts_and_targets_read_it(pmops, tools: Path) -> None:
    made = json.loads(pmops("tool", "add", "Dovetail", "--category", "research", "--cost", "12,000", "--seats", "1,200",
                            "--json").stdout)  # fmt: skip
    text = (tools / made["path"]).read_text()
    assert "cost: 12000" in text and "seats: 1200\n" in text
    commits = commit_count(tools)
    bad = pmops("tool", "add", "Maze", "--category", "research", "--cost", "99,5", code=2)  # a decimal comma, not 995
    assert bad.stderr.startswith("error: --cost")
    assert commit_count(tools) == commits and not list((tools / "tools").glob("*maze*"))


def test_a_notice_day_already_passed_is_said(pmops, tools: Path) -> None:
    today = dt.date.today()
    renewal = today + dt.timedelta(days=2)
    due = renewal - dt.timedelta(days=30)  # 28 days ago
    made = pmops("tool", "add", "Hotjar", "--category", "research", "--renewal", renewal.isoformat(),
                 "--notice-days", "30")  # fmt: skip
    said = " ".join(made.stderr.split())
    assert (f"warning: notice_days 30: notice for the renewal on {renewal} was due by {due}, which has passed: it "
            "renews as it is unless the vendor agrees otherwise") in said  # fmt: skip
    assert "Added tool" in made.stdout  # written: the contract is what it is
    # Notice of 1 day: not passed, nothing said; set back to 30, said again; a change of cost says nothing.
    assert "notice" not in pmops("set", "Hotjar", "notice_days=1").stderr
    assert f"was due by {due}, which has passed" in " ".join(pmops("set", "Hotjar", "notice_days=30").stderr.split())
    assert "warning" not in pmops("set", "Hotjar", "cost=3000").stderr
    # A renewal already passed is said as a customer's is (not among the renewals due).
    gone = today - dt.timedelta(days=3)
    said = " ".join(pmops("set", "Hotjar", f"renewal={gone.isoformat()}").stderr.split())
    assert f"warning: renewal {gone} has passed (today is {today}): not among the renewals due" in said


def test_a_typo_in_productive_when_stops_lint_as_every_setting_does(pmops, kb: Path) -> None:
    # Found by a new user: onboard status said exit 2, but lint passed (the pre-commit hook never caught it)
    # and the digest and the report ran as if nothing were wrong.
    yaml = kb / "pmops.yaml"
    yaml.write_text(yaml.read_text() + "onboarding:\n  productive_when: [insight, decisions]\n")
    for args in (("lint",), ("digest",), ("onboard", "status"), ("report",)):
        err = pmops(*args, code=2).stderr.splitlines()
        assert err[0] == "error: pmops.yaml: 'onboarding.productive_when': 'decisions' is not a document type"
        assert err[1].startswith("hint: did you mean 'decision'? types: insight,")


def test_divergent_versions_say_what_is_measured(pmops, example_kb: Path) -> None:
    # The two prioritization processes share their six headings and no passage of five words: "0% of their
    # wording" overstated it.
    out = pmops("process", "check", "--today", "2026-12-02").stdout
    assert (
        "prioritization: 2 versions by different owners (the least alike two have no five-word passage in common)"
    ) in " ".join(out.split())


def test_template_copies_are_one_version_of_a_divergent_kind(pmops, example_kb: Path) -> None:
    # The example keeps two far-from-alike prioritizations: Maya's "Monthly prioritization" (written from the
    # shared template) and Lena's "Integrations intake scoring". Two more made from the template by two owners
    # are near-copies of Maya's: one version with it, named as its copies — the group is still 2 versions
    # far from alike, never 4.
    pmops("process", "new", "Billing prioritization", "--kind", "prioritization", "--owner", "Maya Chen",
          "--cadence", "monthly")  # fmt: skip
    pmops("process", "new", "Cards prioritization", "--kind", "prioritization", "--owner", "Omar Haddad",
          "--cadence", "monthly")  # fmt: skip
    data = json.loads(pmops("process", "check", "--today", "2026-12-02", "--json").stdout)
    group = next(d for d in data["divergent"] if d["kind"] == "prioritization")
    assert [(v["title"], v["near_copies"]) for v in group["versions"]] == [
        ("Monthly prioritization", ["Billing prioritization (Maya Chen)", "Cards prioritization (Omar Haddad)"]),
        ("Integrations intake scoring", [])]  # fmt: skip
    out = " ".join(pmops("process", "check", "--today", "2026-12-02").stdout.split())
    assert "prioritization: 2 versions by different owners (the least alike two have no five-word passage" in out
    assert ("near-copies of it (one version): Billing prioritization (Maya Chen), Cards prioritization (Omar "
            "Haddad)") in out  # fmt: skip
