"""Markdown bodies: what links, lint, checklists, onboarding and search snippets see of a body."""

from hypothesis import given
from hypothesis import strategies as st

from pmops import bodies

# -- lines a reader sees --------------------------------------------------------------------


def test_fences_of_either_kind_hide_their_lines() -> None:
    body = "a\n```\nb [[x]]\n```\nc\n~~~ python\nd\n~~~\ne\n"
    assert list(bodies.lines(body)) == [(0, "a"), (4, "c"), (8, "e")]


def test_an_indented_fence_is_a_fence() -> None:
    assert list(bodies.lines("a\n    ```\nb\n\t```\nc")) == [(0, "a"), (4, "c")]


def test_a_fence_closes_as_commonmark_closes_it() -> None:
    # only the same character, as long or longer, alone on its line: ~~~ and ```py are inside a ``` fence
    assert list(bodies.lines("```\na\n~~~\nb\n```py\nc")) == []
    assert list(bodies.lines("```\na\n````  \nb")) == [(3, "b")]
    # a ```` fence shows a ``` example: the link in it is code, not a link (lint, mv, the index read it so)
    body = (
        "a\n````md\n```bash\nSee [[ins-999999-zzzz]] and [x](nowhere.md).\n```\n````\nb\n~~~\n```\n[[y]]\n```\n~~~\nc"
    )
    assert list(bodies.lines(body)) == [(0, "a"), (6, "b"), (12, "c")]
    assert list(bodies.lines("a\n``` not `a fence`\nb")) == [
        (0, "a"),
        (1, "``` not `a fence`"),
        (2, "b"),
    ]  # inline code


def test_an_unclosed_fence_runs_to_the_end() -> None:
    assert list(bodies.lines("a\n```\nb\nc\n")) == [(0, "a")]


def test_comments_are_cut_out_and_may_span_lines() -> None:
    body = "a <!-- x --> b\nc <!-- start\n```\nstill comment\nend --> d\n```\nfenced\n```\ne"
    assert list(bodies.lines(body)) == [(0, "a  b"), (1, "c "), (2, ""), (3, ""), (4, " d"), (8, "e")]


def test_an_unclosed_comment_hides_the_rest() -> None:
    assert list(bodies.lines("a\n<!-- note\nb\n```\nc")) == [(0, "a"), (1, ""), (2, ""), (3, ""), (4, "")]


def test_several_comments_on_one_line() -> None:
    assert list(bodies.lines("a<!--1-->b<!--2-->c<!--3")) == [(0, "abc")]


def test_without_comments_lines_come_whole_and_fences_inside_comments_count() -> None:
    body = "a <!-- x -->\n<!--\n```\n-->\nb\n```\nc"
    assert list(bodies.lines(body, comments=False)) == [(0, "a <!-- x -->"), (1, "<!--"), (6, "c")]


def test_crlf_and_cr_line_ends() -> None:
    assert list(bodies.lines("a\r\n```\r\nb\r\n```\r\nc\rd")) == [(0, "a"), (4, "c"), (5, "d")]


def test_prose_drops_inline_code_and_numbers_from_first() -> None:
    assert list(bodies.prose("see `[[x]]` and [[y]]\n```\n[[z]]\n```\n<!-- [[w]] -->", first=5)) == [
        (5, "see  and [[y]]"),
        (9, ""),
    ]


# -- headings and sections ------------------------------------------------------------------


def test_section_headings_are_levels_two_to_six_outside_fences_and_comments() -> None:
    body = (
        "# Title\n## Context ##\n```\n## Fenced\n```\n<!-- ## Commented -->\n### `code` Options \n####### seven\n##no"
    )
    assert list(bodies.section_headings(body)) == ["Context", "Options"]


def test_title_is_the_first_level_one_heading() -> None:
    assert bodies.title("intro\n## Two\n# First one \n# Second") == "First one"
    assert bodies.title("#NoSpace\n ## indented") is None


def test_section_runs_to_the_next_heading_of_any_level() -> None:
    body = "intro\n## checklist  \n- [ ] a\n### Sub\n- [ ] b\n"
    assert bodies.section(body, "Checklist") == "- [ ] a"
    assert bodies.section("## Checklist\n- [ ] a\n- [ ] b", "Checklist") == "- [ ] a\n- [ ] b"
    assert bodies.section("# Checklist\n- [ ] a", "Checklist") is None
    assert bodies.section("## Checklists\n", "Checklist") is None


# -- checkboxes -----------------------------------------------------------------------------


def test_checkboxes_every_bullet_and_mark() -> None:
    body = "- [ ] one\n* [x] two  \n  + [X] three\n-[ ] no\n- [] no\n- [ ]   \n```\n- [ ] fenced\n```\n- [ ]\tfour"
    found = [(b.number, b.line, b.done, b.text) for b in bodies.checkboxes(body)]
    assert found == [(1, 0, False, "one"), (2, 1, True, "two"), (3, 2, True, "three"), (4, 9, False, "four")]


def test_checkboxes_inside_comments_count() -> None:
    # Today's behaviour, pinned: checklists do not look into comments.
    assert [b.text for b in bodies.checkboxes("<!--\n- [ ] example\n-->")] == ["example"]


def test_tick_changes_one_character_and_keeps_line_ends() -> None:
    body = "intro\r\n- [ ] one\r\n- [ ] two\r\n"
    second = bodies.checkboxes(body)[1]
    assert bodies.tick(body, second) == "intro\r\n- [ ] one\r\n- [x] two\r\n"
    assert bodies.tick(body, second, " — done 2026-11-02") == "intro\r\n- [ ] one\r\n- [x] two — done 2026-11-02\r\n"
    last = bodies.checkboxes("- [ ] only")[0]
    assert bodies.tick("- [ ] only", last, "!") == "- [x] only!"


def test_malformed_checkbox() -> None:
    for line in ("-[ ] a", "- [] a", "[x] a", "- [ ]", "* [y] a", "  - [X]a"):
        assert bodies.malformed_checkbox(line), line
    for line in ("- [ ] a", "  * [x] a", "+ [X]\ta", "- [link](x) a", "text [x]"):
        assert not bodies.malformed_checkbox(line), line


# -- comments -------------------------------------------------------------------------------


def test_without_comments_removes_only_closed_comments() -> None:
    assert bodies.without_comments("a<!-- x\ny -->b<!-- open") == "ab<!-- open"
    body = "no comment"
    assert bodies.without_comments(body) is body


# -- properties -----------------------------------------------------------------------------

_LINE = st.sampled_from(["```", "~~~", "  ~~~", "<!--", "-->", "<!-- c -->", "- [ ] a", "* [x] b", "## H", "t", ""])
_BODY = st.tuples(st.lists(_LINE | st.text(max_size=6), max_size=12), st.sampled_from(["\n", "\r\n"])).map(
    lambda parts: parts[1].join(parts[0])
)


@given(_BODY)
def test_lines_are_the_bodys_lines_in_order(body: str) -> None:
    all_lines = body.splitlines()
    seen = list(bodies.lines(body, comments=False))
    assert [i for i, _ in seen] == sorted({i for i, _ in seen})
    assert all(all_lines[i] == text for i, text in seen)
    assert [i for i, _ in bodies.lines(body)] == [i for i, _ in seen] or "<!--" in body


@given(_BODY)
def test_ticking_changes_only_the_box(body: str) -> None:
    before = bodies.checkboxes(body)
    for box in before:
        ticked = bodies.tick(body, box)
        assert len(ticked) == len(body)
        assert sum(a != b for a, b in zip(body, ticked, strict=True)) <= 1  # none when it was ticked already
        after = bodies.checkboxes(ticked)
        assert [(b.line, b.text) for b in after] == [(b.line, b.text) for b in before]
        assert [b.done for b in after] == [b.done or b is box for b in before]
