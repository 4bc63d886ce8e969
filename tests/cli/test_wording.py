"""What people read never says 'None', '1 plans' or '0 ()': every read command, on an empty KB,
on a KB with one of each thing, and on the example KB, in every format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TODAY = "2026-12-02"
READS = [
    ("report",), ("report", "--format", "md"), ("report", "--format", "html"), ("assess",),
    ("insight", "themes"), ("insight", "list"), ("decision", "list"), ("process", "list"), ("checklist", "status"),
    ("onboard", "status"), ("tool", "stack"), ("tool", "list"), ("metric", "list"), ("tags",), ("lint",), ("index",),
    ("doctor",), ("log",),
]  # fmt: skip
# "1 plans", "1 insights from", "1 rows:" … but not "1 status" style words that end in s in the singular.
SINGULAR_ENDING_IN_S = {
    "status",
    "process",
    "analysis",
    "class",
    "access",
    "progress",
    "business",
    "focus",
    "is",
    "was",
    "has",
    "this",
    "its",
    "bus",
    "plus",
    "yes",
    "less",
    "across",
    "always",
    "as",
    "vs",
}
BAD_PLURAL = re.compile(r"(?<![\d.,\-/:])\b1 ([a-z]+s)\b")


def problems(text: str) -> list[str]:
    found = [f"'None' in: {line.strip()}" for line in text.splitlines() if re.search(r"\bNone\b", line)]
    found += [f"'()' in: {line.strip()}" for line in text.splitlines() if "()" in line and "<" not in line]
    found += [f"a label with no value: {line.strip()}" for line in text.splitlines() if line.endswith(": ")]
    for line in text.splitlines():
        for word in BAD_PLURAL.findall(line):
            if word not in SINGULAR_ENDING_IN_S:
                found.append(f"'1 {word}' in: {line.strip()}")
    return found


def read_everything(pmops) -> list[str]:
    found = []
    for args in READS:
        # Lint and doctor may find problems (exit 1): only what they say is checked here.
        result = pmops(*args, *(["--today", TODAY] if args[0] in {"report", "onboard", "process"} else []), code=None)
        assert result.exit_code in (0, 1), f"pmops {' '.join(args)}: exit {result.exit_code}\n{result.stderr}"
        found += [f"pmops {' '.join(args)}: {p}" for p in problems(result.stdout + result.stderr)]
    return found


def test_an_empty_kb_reads_right(kb: Path, pmops) -> None:
    found = read_everything(pmops)
    assert not found, "\n".join(found)


def test_one_of_each_reads_right(kb: Path, pmops) -> None:
    import json

    added = pmops("insight", "add", "--title", "Approvers miss requests", "--source", "interview", "--customer", "Acme",
                  "--date", "2026-11-20", "--quote", "We never see them", "--json")  # fmt: skip
    insight = json.loads(added.stdout)["id"]
    pmops("decision", "add", "--title", "Remind approvers", "--status", "accepted", "--evidence", insight)
    pmops("process", "new", "Weekly triage", "--kind", "custom", "--owner", "Sam", "--cadence", "weekly")
    pmops("tool", "add", "Figma", "--category", "design", "--status", "adopted", "--cost", "1200")
    pmops("metric", "add", "Active approvers", "--definition", "Approvers a week", "--owner", "Theo", "--unit", "users")
    pmops("metric", "record", "Active approvers", "10", "--date", "2026-11-30")
    pmops("onboard", "new-pm", "Dana Reyes", "--start", "2026-11-02")
    found = read_everything(pmops)
    assert not found, "\n".join(found)


def test_the_example_kb_reads_right(example_kb: Path, pmops) -> None:
    found = read_everything(pmops)
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("text", "bad"), [("Onboarding: 1 plans", True), ("1 plan", False), ("1 status", False),
                                           ("median None days", True), ("stale 0 ()", True), ("2026-11-1 rows", False),
                                           ("Decisions: ", True)])  # fmt: skip
def test_the_checker_catches_what_it_should(text: str, bad: bool) -> None:
    assert bool(problems(text)) is bad
