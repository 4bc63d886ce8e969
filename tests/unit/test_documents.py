"""The lossless reader/writer: byte-identical round trips, surgical edits, refusals with lines."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from pmops import documents
from pmops.errors import DocumentError


def parse(text: str | bytes, path: str = "doc.md") -> documents.Document:
    return documents.parse(path, text if isinstance(text, bytes) else text.encode())


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: A\n---\nbody\n",
        "\ufeff---\r\ntitle: A\r\n# comment\r\nz: 1\r\na: 2\r\n---\r\n\r\nbody\r\n",
        "---\ntitle: A\n---",  # no final newline, empty body
        "no front-matter at all\n\n",
        "---\n---\n  indented body  \n\n\n",
        "---\ntitle: 'quoted'   # trailing comment\nlist:\n- a\n-   b\n...\nbody",
        "",
    ],
)
def test_unchanged_round_trip_is_byte_identical(text: str) -> None:
    assert parse(text).to_bytes() == text.encode()


def test_values_stay_strings_yaml_11_typing_is_off() -> None:
    doc = parse("---\ncountry: NO\nversion: 1.10\nmode: 0777\non: yes\ndate: 2026-01-02\n---\n")
    assert doc.meta == {"country": "NO", "version": "1.10", "mode": "0777", "on": "yes", "date": "2026-01-02"}


def test_editing_one_field_changes_only_its_lines() -> None:
    text = "\ufeff---\r\n# keep me\r\ntitle: Old   # trailing\r\ntags:\r\n  - a\r\n  - b\r\n\r\nz: last\r\n---\r\nBody\r\n"
    doc = parse(text)
    edited = doc.with_fields({"tags": ["a", "c"]})
    assert edited.to_bytes() == text.replace("tags:\r\n  - a\r\n  - b\r\n", "tags: [a, c]\r\n").encode()
    added = doc.with_fields({"status": "accepted"})
    assert added.to_bytes() == text.replace("z: last\r\n", "z: last\r\nstatus: accepted\r\n").encode()
    removed = added.with_fields({}, remove=("status",))
    assert removed.to_bytes() == text.encode()


def test_editing_a_file_without_front_matter_adds_one() -> None:
    doc = parse("# Heading\n")
    assert doc.with_fields({"id": "x-1"}).text() == "---\nid: x-1\n---\n# Heading\n"


def test_written_dates_and_tricky_strings_read_back_the_same() -> None:
    doc = documents.new("d.md", {"date": dt.date(2026, 3, 4), "title": "NO", "v": "1.10", "q": "a\nb"}, "x\n")
    assert doc.meta == {"date": "2026-03-04", "title": "NO", "v": "1.10", "q": "a\nb"}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("---\na: &x [1]\nb: *x\n---\n", 2, "anchors and aliases"),
        ("---\ntitle: A\ntitle: B\n---\n", 3, "duplicate key 'title'"),
        ("---\n- a\n- b\n---\n", 2, "not a mapping"),
        ("---\njust a string\n---\n", 2, "not a mapping"),
        ("---\ntitle: [unclosed\n---\n", None, "invalid YAML"),
        ("---\ntitle: A\nbody without a closing fence\n", 1, "never closed"),
        ("---\na: 1\n---\ntext\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> other\n", 5, "conflict"),
        ("---\n!!python/object:os.system {}\n---\n", 2, "is not allowed"),
        ("---\nx: !custom 1\n---\n", 2, "YAML tag '!custom' is not allowed"),
    ],
)
def test_unsafe_or_lossy_documents_are_refused_with_a_line(text: str, line: int | None, words: str) -> None:
    with pytest.raises(DocumentError) as info:
        parse(text)
    assert words in info.value.message
    if line:
        assert info.value.line == line
        assert info.value.message.startswith(f"doc.md:{line}: ")


def test_a_setext_heading_is_not_a_conflict() -> None:
    text = "Title\n=======\n\ntext\n"
    assert parse(text).body == text


def test_invalid_utf8_names_the_line() -> None:
    with pytest.raises(DocumentError) as info:
        parse(b"---\ntitle: ok\n---\nline 4\nbad \xff byte\n")
    assert info.value.line == 5 and "UTF-8" in info.value.message


def test_binary_and_huge_files_are_refused() -> None:
    with pytest.raises(DocumentError, match="binary"):
        parse(b"\x89PNG\0\0")
    with pytest.raises(DocumentError, match="too large"):
        parse(b"x" * (documents.MAX_BYTES + 1))


def test_billion_laughs_is_refused_at_once() -> None:
    bomb = "---\na: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi")
    ) + "---\n"
    start = time.monotonic()
    with pytest.raises(DocumentError, match="anchors and aliases"):
        parse(bomb)
    assert time.monotonic() - start < 1


def test_a_key_named_content_or_handler_is_kept() -> None:
    doc = parse("---\ncontent: x\nhandler: y\n1: z\n---\n")
    assert doc.meta == {"content": "x", "handler": "y", "1": "z"}
