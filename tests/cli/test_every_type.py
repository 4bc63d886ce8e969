"""Every built-in type, read from the registry: created, listed, shown, linted clean and found by search.

A new built-in type is covered without an edit here, unless `pmops new` cannot make it (its
registry row names the command that does, `DocType.made_by`): then MADE_BY says how.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pmops.doctypes import BUILTIN, DocType, Field
from tests.conftest import Runner, commit_count

REGISTRY = {t.name: t for t in BUILTIN}
DAY = "2026-01-05"


def _json(pmops: Runner, *args: str) -> dict:
    return json.loads(pmops(*args, "--json").stdout)


def _checklist(pmops: Runner, word: str) -> dict:
    process = _json(pmops, "process", "new", f"Launch {word}", "--kind", "launch-checklist")
    return _json(pmops, "checklist", "start", process["id"], "--for", f"Release {word}")


def _onboarding(pmops: Runner, word: str) -> dict:
    return _json(pmops, "onboard", "new-pm", f"Dana {word}", "--start", DAY)


def _ranking(pmops: Runner, word: str) -> dict:
    heard = _json(pmops, "insight", "add", "--title", f"Heard {word}", "--source", "interview")["id"]
    # An opportunity to rank (with nothing to rank, nothing is recorded), with its evidence (lint clean).
    _json(pmops, "opportunity", "add", f"Problem {word}", "--area", word, "--evidence", heard)
    return _json(pmops, "prioritize", "--cycle", "2026-01", "--backfill", "--area", word)  # its title names the area


MADE_BY: dict[str, Callable[[Runner, str], dict]] = {
    "checklist": _checklist,
    "onboarding": _onboarding,
    "ranking": _ranking,
}


def _value(pmops: Runner, fld: Field, word: str) -> str:
    """A valid value for a required field, from what the registry says of it."""
    if fld.refers:
        return make(pmops, REGISTRY[fld.refers], f"{word}ref")["id"]
    if fld.choices:
        return (fld.initial or fld.choices)[0]
    return {"date": DAY, "int": "1", "number": "1"}.get(fld.kind, f"some {fld.name}")


def make(pmops: Runner, doctype: DocType, word: str) -> dict:
    """A new document of the type, by `pmops new` with its required fields (or the command that makes it)."""
    if doctype.made_by:
        assert doctype.name in MADE_BY, f"{doctype.name} is made by '{doctype.made_by}': say how in MADE_BY"
        return MADE_BY[doctype.name](pmops, word)
    # Required fields with a default (a decision's date: today) are left to it: an old proposal is a lint finding.
    given = [f for f in doctype.required if f.name not in ("id", doctype.title_field) and f.default is None]
    pairs = [f"{f.name}={_value(pmops, f, word)}" for f in given]
    return _json(pmops, "new", doctype.name, f"Sample {word}", *pairs)


@pytest.mark.parametrize("doctype", BUILTIN, ids=lambda t: t.name)
def test_every_built_in_type_is_created_listed_shown_linted_clean_and_found(
    pmops: Runner, kb: Path, doctype: DocType
) -> None:
    word = f"quokka{doctype.prefix}"  # one word, in no other document
    created = make(pmops, doctype, word)
    shown = _json(pmops, "show", created["id"])
    assert (shown["id"], shown["type"], shown["path"]) == (created["id"], doctype.name, created["path"])
    assert word in shown["title"] and shown["path"].startswith(doctype.folder + "/")
    assert all(shown.get(f.name) not in (None, "", []) for f in doctype.required), "a required field is empty"
    assert created["id"] in [r["id"] for r in _json(pmops, "list", doctype.name)]
    # Made with its required fields only, a type resting on evidence cites none: that warning, nothing else.
    expected = [doctype.name] if "evidence-missing" in doctype.rules else []
    findings = json.loads(pmops("lint", "--json").stdout)
    assert [f["rule"] for f in findings] == ["evidence-missing"] * len(expected), findings
    assert created["id"] in [h["id"] for h in json.loads(pmops("search", word, "--json").stdout)]
    assert [h["id"] for h in json.loads(pmops("search", word, "--type", doctype.name, "--json").stdout)] == [
        created["id"]
    ]


def test_new_and_list_say_what_is_wrong_and_write_nothing(pmops: Runner, kb: Path) -> None:
    before = commit_count(kb)
    for args, message in [
        (("new", "insight", "x", "colour=red"), "'colour=red': an insight has no field 'colour'"),
        (("new", "insight", "x", "source"), "'source': write FIELD=VALUE"),
        (("new", "insight", "x", "id=ins-1", "source=survey"), "an insight has no field 'id'"),
        (("new", "tool", "A", "category=design", "category=other"), "category is given twice"),
        (("new", "insight", "x"), "source"),  # required, and no terminal to ask on
        (("new", "checklist", "x"), "checklist runs are made by 'pmops checklist start PROCESS_ID --for NAME'"),
        (("new", "guide", "x"), "unknown document type 'guide'"),
        (("list", "tool", "--since", "2026-01-01"), "tools have no 'date' field"),
    ]:
        assert message in pmops(*args, code=2).stderr, args
    assert commit_count(kb) == before
