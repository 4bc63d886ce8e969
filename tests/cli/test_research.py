"""Research synthesis: themes checked against an independent count, the tag report, tag renames."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path

import yaml

from tests.conftest import commit_count, git


def _front(path: Path) -> dict:
    return yaml.safe_load(path.read_text().split("---\n")[1])


def test_themes_counts_match_the_files(pmops, example_kb: Path) -> None:
    vocabulary = yaml.safe_load((example_kb / "taxonomy.yaml").read_text())
    problems = set(vocabulary["facets"]["theme"]["tags"])  # the signal facet's tags are kinds of evidence
    signals = set(vocabulary["facets"]["signal"]["tags"])
    by_tag: dict[str, list[dict]] = defaultdict(list)
    for path in (example_kb / "insights").glob("*.md"):
        meta = _front(path)
        for tag in meta.get("tags") or []:
            by_tag[tag].append(meta)
    decisions = [_front(path) for path in (example_kb / "decisions").glob("*.md")]
    in_force = {
        ref for d in decisions if d["status"] == "accepted" and not d.get("superseded_by") for ref in d["evidence"]
    }
    themes = json.loads(pmops("insight", "themes", "--today", "2026-11-26", "--json").stdout)
    assert {t["theme"] for t in themes} == set(by_tag) & problems
    start, before = dt.date(2026, 8, 29), dt.date(2026, 5, 31)  # the last 90 days (today included), the 90 before
    for theme in themes:
        metas = by_tag[theme["theme"]]
        assert theme["insights"] == len(metas)
        # The example's customers are written one way each: case-folding finds them all.
        assert theme["customers"] == len({m["customer"].casefold() for m in metas if m.get("customer")})
        assert theme["without_customer"] == sum(not m.get("customer") for m in metas)
        assert theme["signals"] == {s: n for s in signals if (n := sum(s in m["tags"] for m in metas))}
        assert theme["segments"] == sorted({m["segment"] for m in metas if m.get("segment")})
        assert theme["trend"]["current"] == sum(start <= m["date"] <= dt.date(2026, 11, 26) for m in metas)
        assert theme["trend"]["previous"] == sum(before <= m["date"] < start for m in metas)
        assert theme["addressed"] == any(m["id"] in in_force for m in metas)
    assert [t["insights"] for t in themes] == sorted((t["insights"] for t in themes), reverse=True)
    assert any(not t["addressed"] for t in themes) and any(t["addressed"] for t in themes)
    # Cited only by the rejected dark-mode decision: not addressed, and said so.
    accessibility = next(t for t in themes if t["theme"] == "accessibility")
    assert not accessibility["addressed"] and [c["state"] for c in accessibility["cited_by"]] == ["rejected"]


def test_themes_by_area_and_since(pmops, example_kb: Path) -> None:
    areas = json.loads(pmops("insight", "themes", "--by", "area", "--since", "2026-07-01", "--json").stdout)
    counted = defaultdict(int)
    for path in (example_kb / "insights").glob("*.md"):
        meta = _front(path)
        if meta["date"] >= dt.date(2026, 7, 1):
            counted[meta["area"]] += 1
    assert {t["theme"]: t["insights"] for t in areas} == dict(counted)
    wrong = pmops("insight", "themes", "--by", "colour", code=2).stderr
    assert wrong == "error: --by must be tag, area or segment, e.g. --by tag\n"
    assert "Traceback" not in pmops("insight", "themes").stderr


def test_tag_report_knows_unknown_and_unused_tags(pmops, example_kb: Path) -> None:
    path = next((example_kb / "insights").glob("*thermal-paper.md"))
    path.write_text(path.read_text().replace("tags: [", "tags: [made-up, "))
    report = json.loads(pmops("tags", "--json").stdout)
    assert [u["tag"] for u in report["unknown"]] == ["made-up"]
    counts = {t["tag"]: t["count"] for t in report["tags"]}
    assert counts["approvals"] == len(git(example_kb, "grep", "-l", "-E", r"^tags: \[.*\bapprovals\b").split())
    assert set(report["unused"]) == {t for t, c in counts.items() if c == 0}
    assert "not in the taxonomy: made-up" in pmops("tags").stdout


def test_tags_and_themes_leave_archived_insights_out_unless_asked(pmops, example_kb: Path) -> None:
    """As every listing and report: an archived insight is not counted; --all counts it too, --archived alone."""
    path = next((example_kb / "insights").glob("*thermal-paper.md"))
    path.write_text(path.read_text().replace("tags: [", "tags: [kept-apart, "))
    git(example_kb, "commit", "-qam", "a tag only this insight has")

    def tag_counts(*flags: str) -> dict[str, int]:
        report = json.loads(pmops("tags", "--json", *flags).stdout)
        return {t["tag"]: t["count"] for t in report["tags"]} | {u["tag"]: u["count"] for u in report["unknown"]}

    def theme_sizes(*flags: str) -> dict[str, int]:
        return {t["theme"]: t["insights"] for t in json.loads(pmops("insight", "themes", "--json", *flags).stdout)}

    live, themes = tag_counts(), theme_sizes()
    assert live["kept-apart"] == 1
    pmops("archive", path.name.removesuffix(".md")[:15])
    tags = re.search(r"^tags: \[(.*)\]", path.read_text(), re.M)[1].split(", ")
    assert "kept-apart" not in tag_counts()  # nothing live uses it: no longer known from a document
    assert tag_counts("--all") == live
    assert tag_counts("--archived")["kept-apart"] == 1
    theme = next(t for t in tags if t in themes and themes[t] > 1)
    assert theme_sizes()[theme] == themes[theme] - 1
    assert theme_sizes("--all") == themes
    assert theme_sizes("--archived") == {t: 1 for t in tags if t in themes}
    assert pmops("tags", "--all", "--archived", code=2).stderr.startswith("error: give --all or --archived")


def test_tags_rename_is_one_commit_touching_only_tag_lines(pmops, example_kb: Path) -> None:
    users = git(example_kb, "grep", "-l", "-E", r"^tags: \[.*\bdata-export\b").split()
    assert users
    before = commit_count(example_kb)
    pmops("tags", "rename", "data-export", "exports")
    assert commit_count(example_kb) == before + 1
    changed = git(example_kb, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == sorted([*users, "taxonomy.yaml"])
    diff = git(example_kb, "show", "--format=", "--unified=0", "HEAD", "--", *users)
    edits = [line for line in diff.splitlines() if re.match(r"^[+-](?![+-])", line)]
    assert edits and all(re.match(r"^[+-]tags: \[", line) for line in edits)
    assert json.loads(pmops("lint", "--json").stdout)[0]["severity"] == "warning"  # only the deliberate ones
    assert all(f["severity"] == "warning" for f in json.loads(pmops("lint", "--json").stdout))
    # The old name still works when capturing: it is a synonym now.
    created = json.loads(pmops("insight", "add", "--title", "t", "--source", "survey", "--tag", "data-export",
                               "--json").stdout)  # fmt: skip
    assert json.loads(pmops("show", created["id"], "--json").stdout)["tags"] == ["exports"]


def test_tags_rename_bad_input(pmops, example_kb: Path) -> None:
    assert "same tag" in pmops("tags", "rename", "pricing", "Pricing", code=2).stderr
    assert "neither in taxonomy.yaml nor used" in pmops("tags", "rename", "nothing-like-it", "x", code=1).stderr
    assert git(example_kb, "status", "--porcelain") == ""


def test_tags_rename_keeps_the_taxonomys_comments_and_repoints_deprecated_tags(pmops, example_kb: Path) -> None:
    pmops("tags", "rename", "budgets", "spending")
    text = (example_kb / "taxonomy.yaml").read_text()
    assert "  # Split in March 2026 into the two tags below.\n  spend: spending\n" in text
    assert "  budgets: spending\n" in text and "- spending\n" in text and "- budgets\n" not in text
    assert pmops("insight", "add", "--title", "t", "--source", "survey", "--tag", "spend").stderr.count("spending")


def test_tags_rename_in_a_taxonomy_written_in_flow_style(pmops, kb: Path) -> None:
    (kb / "taxonomy.yaml").write_text(
        "facets:\n  theme: [data-export, pricing]\nsynonyms: {export: data-export, csv: data-export}\n"
    )
    git(kb, "commit", "-qam", "flow style")
    pmops("tags", "rename", "data-export", "export")
    vocabulary = yaml.safe_load((kb / "taxonomy.yaml").read_text())
    assert vocabulary == {
        "facets": {"theme": ["export", "pricing"]},
        "synonyms": {"csv": "export", "data-export": "export"},
    }


def test_tags_rename_changes_only_the_tags_own_text_and_keeps_every_comment(pmops, kb: Path) -> None:
    """The tags line was written anew: `tags: [a, b]  # why` lost its comment, and a block list
    lost the comment lines between its items."""
    (kb / "taxonomy.yaml").write_text("facets:\n  theme: [data-export, pricing, exports]\n")
    head = "---\nid: ins-260301-{0}\ntitle: Note {0}\ndate: 2026-03-01\nsource: survey\n"
    files = {  # name: (before, after), written by hand
        "flow": (
            "tags: [data-export, pricing]  # why: the CSV thread\n",
            "tags: [exports, pricing]  # why: the CSV thread\n",
        ),
        "block": (
            "tags:\n  - pricing\n  # not data-export yet\n  - 'data-export'   # asked twice\n",
            "tags:\n  - pricing\n  # not data-export yet\n  - 'exports'   # asked twice\n",
        ),
        "merged": (
            "tags:\n  - exports\n  - data-export  # from the survey\n  - pricing\n",
            "tags:\n  - exports\n  # from the survey\n  - pricing\n",
        ),
        "crlf": ("tags: [pricing,  # first\n  data-export]\n", "tags: [pricing,  # first\n  exports]\n"),
    }
    for n, (name, (before, _)) in enumerate(files.items()):
        text = head.format(f"{n:04d}") + before + "---\n\nBody.\n"
        (kb / "insights" / f"{name}.md").write_bytes(text.replace("\n", "\r\n" if name == "crlf" else "\n").encode())
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "notes")
    pmops("tags", "rename", "data-export", "exports")
    for n, (name, (_, after)) in enumerate(files.items()):
        text = head.format(f"{n:04d}") + after + "---\n\nBody.\n"
        expected = text.replace("\n", "\r\n" if name == "crlf" else "\n").encode()
        assert (kb / "insights" / f"{name}.md").read_bytes() == expected, name
    assert git(kb, "status", "--porcelain") == ""
    shown = json.loads(pmops("insight", "list", "--tag", "exports", "--json").stdout)
    assert sorted(i["title"] for i in shown) == ["Note 0000", "Note 0001", "Note 0002", "Note 0003"]


def test_the_themes_summary_is_one_line_to_a_pipe(pmops, example_kb: Path) -> None:
    """Wider than the terminal's 100 columns, it is not cut mid-phrase with a space left at the end."""
    said = pmops("insight", "themes", "--weight", "arr").stderr
    assert len(said.splitlines()) == 1 and len(said) > 100 and "trend:" in said and not said.endswith(" \n")
