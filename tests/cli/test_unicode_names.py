"""Names in either Unicode form: macOS writes file names (and what is pasted from them) in NFD, 'é'
as 'e' and a combining accent; a keyboard types NFC. A ref in one form finds a file, a title or a
person written in the other."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import git


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(("written", "given"), [(nfd, nfc), (nfc, nfd)], ids=["NFD file, NFC ref", "NFC file, NFD ref"])
def test_a_path_or_a_title_in_one_form_finds_a_document_written_in_the_other(pmops, kb: Path, written, given) -> None:
    page = kb / "handbook" / written("café-rules.md")
    page.parent.mkdir()
    page.write_text(f"# {written('Café rules')}\n\nNo laptops at the café.\n")
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "page")
    assert nfc("café") != nfd("café")
    shown = json.loads(pmops("show", given("handbook/café-rules.md"), "--json").stdout)
    assert shown["path"] == "handbook/" + written("café-rules.md")
    added = json.loads(pmops("insight", "add", "--title", written("Crème brûlée menus confuse buyers"),
                             "--source", "interview", "--json").stdout)  # fmt: skip
    found = json.loads(pmops("show", given("crème brûlée menus confuse buyers"), "--json").stdout)
    assert found["id"] == added["id"]
    pmops("set", given("Crème Brûlée menus confuse buyers"), "confidence=high")
    assert json.loads(pmops("show", added["id"], "--json").stdout)["confidence"] == "high"


def test_a_person_named_in_the_other_form_is_the_same_person(pmops, kb: Path) -> None:
    pmops("person", "add", nfd("Lucía Romero"), "--role", "pm")
    pmops("person", "add", "Dana Reyes", "--role", "pm", "--manager", nfc("Lucía Romero"))
    dana = json.loads(pmops("person", "show", "Dana Reyes", "--json").stdout)
    assert dana["manager"] == nfd("Lucía Romero")  # as the roster spells it
    named = json.loads(pmops("person", "show", nfc("lucía romero"), "--json").stdout)["named_in"]
    assert [n["title"] for n in named] == ["Dana Reyes"]
