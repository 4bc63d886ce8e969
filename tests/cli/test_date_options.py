"""Every date option reads dates as people write them, through one parser, and refuses ambiguous ones."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import commit_count


def test_date_options_of_other_commands_read_the_same_forms(pmops, kb: Path) -> None:
    pmops(
        "metric",
        "add",
        "Weekly approvers",
        "--definition",
        "Approvers active in a week",
        "--owner",
        "Maya",
        "--unit",
        "users",
    )
    pmops("metric", "record", "Weekly approvers", "42", "--date", "7 Nov 2026")
    shown = json.loads(pmops("metric", "show", "Weekly approvers", "--json").stdout)
    assert shown["values"] == [{"date": "2026-11-07", "value": 42.0}]
    created = json.loads(pmops("onboard", "new-pm", "Ada Brooks", "--start", "Nov 2, 2026", "--json").stdout)
    assert json.loads(pmops("show", created["id"], "--json").stdout)["start"] == "2026-11-02"
    pmops("insight", "add", "--title", "Zebra feedback", "--source", "survey", "--date", "2026/11/03")
    assert len(json.loads(pmops("search", "zebra", "--since", "1 Nov 2026", "--json").stdout)) == 1
    assert json.loads(pmops("search", "zebra", "--since", "2026.11.04", "--json").stdout) == []
    before = commit_count(kb)
    for args in (("metric", "record", "Weekly approvers", "43", "--date", "05/11/2026"),
                 ("onboard", "new-pm", "Bo Lind", "--start", "02/11/2026"),
                 ("search", "zebra", "--since", "03/11/2026")):  # fmt: skip
        assert "is ambiguous" in pmops(*args, code=2).stderr
    assert commit_count(kb) == before
