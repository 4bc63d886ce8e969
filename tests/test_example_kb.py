"""examples/kb is a believable org that passes pmops' own validation."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import git


def test_example_kb_is_valid_and_rich_enough(pmops, example_kb: Path) -> None:
    assert json.loads(pmops("lint", "--strict", "--json").stdout) == []
    insights = json.loads(pmops("insight", "list", "--json").stdout)
    assert len(insights) >= 40
    assert len({i["area"] for i in insights}) >= 6
    assert len({i["segment"] for i in insights}) >= 4
    assert len({i["source"] for i in insights}) >= 5
    assert all(i["tags"] for i in insights)


def test_example_kb_filters_match_the_files(pmops, example_kb: Path) -> None:
    listed = json.loads(pmops("insight", "list", "--tag", "churn-risk", "--json").stdout)
    by_grep = git(example_kb, "grep", "-l", "-E", r"^tags: \[.*churn-risk", "--", "insights").split()
    assert sorted(i["path"] for i in listed) == sorted(by_grep)
    since = json.loads(pmops("insight", "list", "--since", "2026-09-01", "--until", "2026-10-31", "--json").stdout)
    assert since and all("2026-09-01" <= i["date"] <= "2026-10-31" for i in since)
    assert [i["date"] for i in since] == sorted((i["date"] for i in since), reverse=True)


def test_pages_are_shown_and_never_rewritten(pmops, example_kb: Path) -> None:
    page = example_kb / "handbook" / "how-we-do-research.md"
    before = page.read_bytes()
    shown = json.loads(pmops("show", "handbook/how-we-do-research.md", "--json").stdout)
    assert shown["type"] == "page" and shown["layout"] == "page" and shown["owners"] == ["Product Ops"]
    pmops("insight", "add", "--title", "t", "--source", "survey")
    assert page.read_bytes() == before
