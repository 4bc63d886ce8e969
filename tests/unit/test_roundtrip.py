"""Golden and property round trips: reading and writing with no change gives the same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmops import documents, yamlsafe
from pmops.errors import DocumentError
from tests.conftest import CORPORA, EXAMPLE_KB


def _markdown(root: Path) -> list[Path]:
    return sorted(root.rglob("*.md")) if root.is_dir() else []


@pytest.mark.parametrize("root", [EXAMPLE_KB, CORPORA], ids=["examples-kb", "shared-corpora"])
def test_every_real_document_round_trips(root: Path) -> None:
    files = _markdown(root)
    if root == CORPORA and not files:
        pytest.skip("the shared corpora are not beside this checkout")
    assert files, f"no markdown under {root}"
    for path in files:
        data = path.read_bytes()
        doc = documents.parse(str(path), data)
        assert doc.to_bytes() == data, path
        if doc.has_frontmatter:
            probe = doc.with_fields({"pmops_probe": "x"}).with_fields({}, remove=("pmops_probe",))
            assert probe.to_bytes() == data, path


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0\r"), max_size=40)
_key = st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True)
_value = st.one_of(_text, st.lists(_text.filter(lambda s: "\n" not in s), max_size=4))


@settings(max_examples=200, deadline=None)
@given(
    meta=st.dictionaries(_key, _value, max_size=6),
    body=st.text(max_size=200).filter(lambda b: "\0" not in b),
    crlf=st.booleans(),
    bom=st.booleans(),
)
def test_generated_documents_round_trip(meta: dict, body: str, crlf: bool, bom: bool) -> None:
    text = "---\n" + yamlsafe.dump(meta) + "---\n" + body if meta else body
    if crlf:
        text = text.replace("\n", "\r\n")
    data = (("\ufeff" if bom else "") + text).encode()
    try:
        doc = documents.parse("gen.md", data)
    except DocumentError:
        return  # refused is fine (e.g. a body that looks like conflict markers); never changed
    assert doc.to_bytes() == data
    if meta:
        assert doc.meta == yamlsafe.load(yamlsafe.dump(meta))


@settings(max_examples=150, deadline=None)
@given(meta=st.dictionaries(_key, _value, min_size=1, max_size=5), key=_key, value=_value)
def test_setting_a_field_leaves_every_other_field_alone(meta: dict, key: str, value) -> None:
    doc = documents.parse("gen.md", ("---\n" + yamlsafe.dump(meta) + "---\nbody\n").encode())
    edited = doc.with_fields({key: value})
    reread = documents.parse("gen.md", edited.to_bytes())
    expected = dict(doc.meta)
    expected[key] = yamlsafe.load(yamlsafe.dump({key: value}))[key]
    assert reread.meta == expected
    assert reread.body == "body\n"
