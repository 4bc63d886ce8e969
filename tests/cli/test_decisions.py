"""The decision log, links and backlinks, and the evidence behind a decision."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import commit_count, git


def ids_of(pmops, *args: str) -> list[str]:
    return [r["id"] for r in json.loads(pmops(*args, "--json").stdout)]


def insight(pmops, title: str, customer: str, segment: str) -> str:
    return json.loads(pmops("insight", "add", "--title", title, "--source", "interview", "--customer", customer,
                            "--segment", segment, "--json").stdout)["id"]  # fmt: skip


def decision(pmops, title: str, *extra: str) -> dict:
    return json.loads(pmops("decision", "add", "--title", title, *extra, "--json").stdout)


def test_add_with_evidence_show_summary_and_lint(pmops, kb: Path) -> None:
    a = insight(pmops, "Slack approvals", "Cobalt Labs", "mid-market")
    b = insight(pmops, "Digest is ignored", "Harbor Dental", "mid-market")
    created = decision(pmops, "Approve from Slack", "--evidence", a, "--evidence", b[:-1] if b[:-1] != a[:-1] else b,
                       "--decider", "Ada Brooks", "--decider", "Theo Park")  # fmt: skip
    shown = json.loads(pmops("show", created["id"], "--json").stdout)
    assert (
        shown["status"] == "proposed"
        and shown["evidence"] == [a, b]
        and shown["deciders"] == ["Ada Brooks", "Theo Park"]
    )
    summary = shown["evidence_summary"]
    assert (summary["count"], summary["customers"], summary["segments"]) == (2, 2, ["mid-market"])
    assert [i["title"] for i in summary["insights"]] == ["Slack approvals", "Digest is ignored"]
    text = pmops("show", created["id"]).stdout
    assert "Evidence: 2 insights from 2 customers" in text and "Slack approvals" in text
    for section in ("Context", "Options considered", "Decision", "Consequences"):
        assert f"## {section}" in shown["body"]
    assert json.loads(pmops("lint", "--json").stdout) == []


def test_unknown_or_wrong_evidence_is_refused_and_nothing_written(pmops, kb: Path) -> None:
    before = commit_count(kb)
    result = pmops("decision", "add", "--title", "x", "--evidence", "ins-000000-none", code=1)
    assert "--evidence: no insight with the id or title 'ins-000000-none'" in result.stderr
    process = json.loads(pmops("process", "new", "P", "--kind", "custom", "--json").stdout)["id"]
    assert "not an insight" in pmops("decision", "add", "--title", "x", "--evidence", process, code=2).stderr
    assert "proposed or accepted" in pmops("decision", "add", "--title", "x", "--status", "superseded", code=2).stderr
    assert commit_count(kb) == before + 1 and list((kb / "decisions").glob("*.md")) == []


def test_lifecycle_list_and_supersede_updates_both_sides_in_one_commit(pmops, kb: Path) -> None:
    old = decision(pmops, "Weekly digest only")
    new = decision(pmops, "Approve from Slack", "--status", "accepted")
    rejected = decision(pmops, "Build our own chat")
    pmops("decision", "accept", old["id"])
    assert "was already accepted; nothing changed" in pmops("decision", "accept", old["id"]).stdout
    pmops("decision", "reject", rejected["id"])
    assert "only a proposed decision" in pmops("decision", "accept", rejected["id"], code=1).stderr
    assert sorted(ids_of(pmops, "decision", "list", "--status", "accepted")) == sorted([old["id"], new["id"]])
    assert ids_of(pmops, "decision", "list", "--status", "rejected") == [rejected["id"]]
    before = commit_count(kb)
    pmops("decision", "supersede", old["id"], "--by", new["id"])
    assert commit_count(kb) == before + 1
    assert sorted(git(kb, "log", "-1", "--name-only", "--format=").split()) == sorted([old["path"], new["path"]])
    shown_old = json.loads(pmops("show", old["id"], "--json").stdout)
    shown_new = json.loads(pmops("show", new["id"], "--json").stdout)
    assert shown_old["status"] == "superseded" and shown_old["superseded_by"] == [new["id"]]
    assert shown_new["supersedes"] == [old["id"]]
    assert ids_of(pmops, "decision", "list", "--status", "superseded") == [old["id"]]
    again = pmops("decision", "supersede", old["id"], "--by", new["id"]).stdout
    assert f"{new['id']} already supersedes {old['id']}; nothing changed" in again
    assert "cannot supersede itself" in pmops("decision", "supersede", new["id"], "--by", new["id"], code=2).stderr
    assert "--status must be proposed, accepted, " in pmops("decision", "list", "--status", "maybe", code=2).stderr
    assert json.loads(pmops("lint", "--json").stdout) == []


def test_links_shows_backlinks_from_two_decisions_and_survives_renames(pmops, kb: Path) -> None:
    cited = insight(pmops, "Slack approvals", "Cobalt Labs", "mid-market")
    first = decision(pmops, "Approve from Slack", "--evidence", cited)
    second = decision(pmops, "Approve from Teams", "--evidence", cited)
    graph = json.loads(pmops("links", cited, "--json").stdout)
    assert sorted(b["id"] for b in graph["backlinks"]) == sorted([first["id"], second["id"], first["id"], second["id"]])
    assert {b["via"] for b in graph["backlinks"]} == {"evidence", "text"}
    out = json.loads(pmops("links", first["id"], "--json").stdout)["outgoing"]
    assert {(o["id"], o["type"], o["broken"]) for o in out} == {(cited, "insight", False)}
    # Moving and renaming the insight's file breaks no link by id.
    path = next((kb / "insights").glob(f"{cited}*.md"))
    (kb / "archive").mkdir()
    path.rename(kb / "archive" / "old-insight.md")
    assert json.loads(pmops("links", first["id"], "--json").stdout)["outgoing"][0]["path"] == "archive/old-insight.md"
    assert json.loads(pmops("lint", "--json").stdout) == []
    human = pmops("links", cited).stdout
    assert "Linked from" in human and "via evidence, text" in human
    links, chain = pmops("links", first["id"]).stdout.split("Chain")  # a decision's chain names its insight too
    assert links.count(cited) == 1 and chain.count(cited) == 1  # cited in evidence and in the text: one line


def test_relative_markdown_links_and_broken_ones(pmops, kb: Path) -> None:
    (kb / "handbook").mkdir()
    (kb / "handbook" / "a.md").write_text("# A\n\nSee [b](b.md), [[ins-000000-gone]] and `[[in code]]`.\n")
    (kb / "handbook" / "b.md").write_text("# B\n")
    graph = json.loads(pmops("links", "handbook/a.md", "--json").stdout)
    assert [(o["path"], o["broken"]) for o in graph["outgoing"]] == [(None, True), ("handbook/b.md", False)]
    assert [b["path"] for b in json.loads(pmops("links", "handbook/b.md", "--json").stdout)["backlinks"]] == [
        "handbook/a.md"
    ]


def test_evidence_counts_a_customer_once_however_it_is_written(pmops, kb: Path) -> None:
    ids = [
        insight(pmops, f"Approvals {n}", name, "smb")
        for n, name in enumerate(["Acme", "ACME Inc.", " acme ", "Globex"])
    ]
    ids.append(
        json.loads(pmops("insight", "add", "--title", "Nobody said", "--source", "survey", "--json").stdout)["id"]
    )
    both = decision(pmops, "Approve from Slack", *[a for i in ids for a in ("--evidence", i)])
    assert (
        json.loads(pmops("show", both["id"], "--json").stdout)["evidence_summary"]["customers"] == 2
    )  # Acme and Globex
    assert "5 insights from 2 customers" in pmops("show", both["id"]).stdout
    alone = decision(pmops, "Ask the survey again", "--evidence", ids[-1])
    assert "1 insight from no customer named" in pmops("show", alone["id"]).stdout
