"""The lossless reader/writer: byte-identical round trips, surgical edits, refusals with lines."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    text = (
        "\ufeff---\r\n# keep me\r\ntitle: Old   # trailing\r\ntags:\r\n  - a\r\n  - b\r\n\r\nz: last\r\n---\r\nBody\r\n"
    )
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
        ("---\ntitle: [unclosed\n---\n", 2, "invalid YAML: the '[' of 'title: [unclosed' is not closed with ']'"),
        ("---\nid: x\nstatus open\n---\n", 3, "invalid YAML: 'status open' is not 'field: value' (a ':' is missing)"),
        ("---\ntitle: Pricing: high\n---\n", 2, "'title: Pricing: high' has a second ': ' in its value: put"),
        ("---\nid: x\n  area: b\n---\n", 3, "'area: b' is indented: a field starts at the start of its line"),
        ('---\ntitle: "open\nid: x\n---\n', 2, "invalid YAML: a quote in 'title: \"open' is not closed"),
        ("---\nid: x\n\tarea: b\n---\n", 3, "invalid YAML: a tab indents this line: indent with spaces"),
        ("---\ntitle: @me\n---\n", 2, "'title: @me': a value starting with @, ` or % must be in quotes"),
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
    bomb = (
        "---\na: &a [x,x,x,x,x,x,x,x,x]\n"
        + "".join(f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
        + "---\n"
    )
    start = time.monotonic()
    with pytest.raises(DocumentError, match="anchors and aliases"):
        parse(bomb)
    assert time.monotonic() - start < 1


def test_a_key_named_content_or_handler_is_kept() -> None:
    doc = parse("---\ncontent: x\nhandler: y\n1: z\n---\n")
    assert doc.meta == {"content": "x", "handler": "y", "1": "z"}


def test_list_items_change_in_place_keeping_comments_quotes_and_line_ends() -> None:
    text = "---\r\ntitle: A\r\ntags: [a, 'old', b]  # why\r\nz: 1\r\n---\r\nBody\r\n"
    assert parse(text).with_list_items("tags", lambda t: "new" if t == "old" else t).to_bytes() == (
        text.replace("'old'", "'new'").encode()
    )
    block = "---\ntags:\n  - a\n# not b yet\n  - old   # kept\n  - c\n---\n"
    renamed = parse(block).with_list_items("tags", lambda t: "&odd" if t == "old" else t)
    assert renamed.text() == block.replace("- old ", "- '&odd' ") and renamed.meta == {"tags": ["a", "&odd", "c"]}
    dropped = parse(block).with_list_items("tags", lambda t: None if t == "old" else t)
    assert dropped.text() == block.replace("  - old   # kept\n", "  # kept\n") and dropped.meta == {"tags": ["a", "c"]}
    assert parse("---\ntags: [old, b]\n---\n").with_list_items("tags", lambda t: t if t == "b" else None).text() == (
        "---\ntags: [b]\n---\n"
    )
    for unsupported in ["---\ntags: {a: b}\n---\n", '---\ntags: ["a\\tb"]\n---\n', "---\ntags: |\n  a\n---\n"]:
        with pytest.raises(DocumentError):
            parse(unsupported).with_list_items("tags", lambda t: t + "x")


_tag = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
_comment_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)  # one line
_comment = st.one_of(st.just(""), _comment_text.map(lambda c: "  # " + c))


@settings(max_examples=200, deadline=None)
@given(tags=st.lists(_tag, min_size=1, max_size=5, unique=True), comments=st.lists(_comment, min_size=6, max_size=6),
       block=st.booleans(), crlf=st.booleans(), at=st.integers(0, 4), new=_tag)  # fmt: skip
def test_renaming_one_list_item_changes_its_text_alone(tags, comments, block, crlf, at, new) -> None:
    at %= len(tags)
    if new in tags:
        return
    if block:
        rows = [f"  - {t}{comments[i]}\n" + ("  # between\n" if comments[i + 1] else "") for i, t in enumerate(tags)]
        value, renamed_rows = "\n" + "".join(rows), rows.copy()
        renamed_rows[at] = renamed_rows[at].replace(f"- {tags[at]}", f"- {new}", 1)
        renamed = "\n" + "".join(renamed_rows)
    else:
        items = [f"{t}," + (comments[i] + "\n  " if comments[i] else " ") for i, t in enumerate(tags)]
        value = " [" + "".join(items) + "]" + comments[-1] + "\n"
        items[at] = new + items[at][len(tags[at]) :]
        renamed = " [" + "".join(items) + "]" + comments[-1] + "\n"
    text, expected = (f"---\ntitle: T\ntags:{v}z: 1\n---\nbody\n" for v in (value, renamed))
    if crlf:
        text, expected = text.replace("\n", "\r\n"), expected.replace("\n", "\r\n")
    doc = parse(text)
    assert doc.with_list_items("tags", lambda t: t).text() == text
    assert doc.with_list_items("tags", lambda t: new if t == tags[at] else t).text() == expected
