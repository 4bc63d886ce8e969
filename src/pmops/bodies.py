"""Markdown bodies: the lines a reader sees (outside code fences and HTML comments), headings,
checkbox items and ticking one.

Lines are those of `str.splitlines()` (CRLF, CR and LF alike), numbered from 0. Code fences are
read as CommonMark reads them (`Fence`): a line starting (after any indentation) with three or
more ` or ~ opens one, and only a run of the same character, as long or longer, alone on its
line, closes it (a ```` fence can show a ``` example); a fence left open runs to the end of the
body.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pmops.errors import Ambiguous, NotFound
from pmops.text import first_few, plural

_INLINE_CODE = re.compile(r"`[^`\n]*`")
# `- [ ] text` / `- [x] text` (also `*` and `+` bullets, `X`).
_CHECKBOX = re.compile(r"^(?P<lead>[ \t]*[-*+] \[)(?P<mark>[ xX])(?P<close>\][ \t]+)(?P<text>\S.*?)[ \t]*$")
_BOX_LIKE = re.compile(r"^[ \t]*(?:[-*+][ \t]*)?\[[^\]]{0,3}\]")
_BOX_OK = re.compile(r"^[ \t]*[-*+] \[[ xX]\][ \t]+\S")
_SECTION_HEADING = re.compile(r"^#{2,6}[ \t]+(.+?)[ \t#]*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


class Fence:
    """Whether each line of a body, in turn, opens or closes a code fence, as CommonMark reads them: three
    or more ` (with no ` after them on the line) or ~ open one; only a run of the same character, at least
    as long, with nothing after it, closes it. `indent`: what may come before (any indentation, a fence in
    a list item; ` {0,3}` for CommonMark's own rule at the top level)."""

    def __init__(self, indent: str = r"[ \t]*") -> None:
        self.indent = indent
        self._opening = re.compile(rf"^{indent}(`{{3,}}(?=[^`]*$)|~{{3,}})")
        self.open = ""  # the run that opened the fence the lines are in ("": none)

    def step(self, line: str) -> bool:
        """Whether `line` opens or closes a fence (a line inside one does neither)."""
        if self.open:
            if re.match(rf"^{self.indent}{re.escape(self.open[0])}{{{len(self.open)},}}\s*$", line):
                self.open = ""
                return True
            return False
        if m := self._opening.match(line):
            self.open = m.group(1)
            return True
        return False


def lines(body: str, *, comments: bool = True) -> Iterator[tuple[int, str]]:
    """(index, text) of every line outside code fences (fence lines themselves left out).

    With `comments`, HTML comments (template prompts, notes to self) are cut out of the text:
    a comment spanning lines leaves those lines empty, a fence line inside it is no fence,
    and one never closed hides the rest of the body. Without, lines come whole and every
    fence line counts.
    """
    fence, commented = Fence(), False
    for index, line in enumerate(body.splitlines()):
        if (not commented and fence.step(line)) or fence.open:
            continue
        if not comments:
            yield index, line
            continue
        text = ""
        while line:
            if commented:
                end = line.find("-->")
                commented, line = (True, "") if end < 0 else (False, line[end + 3 :])
            else:
                start = line.find("<!--")
                text, line, commented = (
                    (text + line, "", False) if start < 0 else (text + line[:start], line[start + 4 :], True)
                )
        yield index, text


def prose(body: str, first: int = 0) -> Iterator[tuple[int, str]]:
    """(first + index, text) of the lines a reader sees: outside code fences, without HTML
    comments and inline code (where links and headings are looked for)."""
    for index, text in lines(body):
        yield first + index, _INLINE_CODE.sub("", text)


def section_headings(body: str) -> Iterator[str]:
    """The text of every `##`…`######` heading a reader sees (closing #s dropped)."""
    for _, line in prose(body):
        if m := _SECTION_HEADING.match(line):
            yield m.group(1).strip()


def title(body: str) -> str | None:
    """The text of the first line starting '# ' (fences and comments not considered)."""
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def section(body: str, heading: str) -> str | None:
    """The lines under `## heading` (any level 2-6, any case) up to the next heading of any
    level, joined by newlines; None when there is no such heading. Fences are not considered."""
    all_lines = body.splitlines()
    pattern = re.compile(rf"^#{{2,6}}\s+{re.escape(heading)}\s*$", re.IGNORECASE)
    start = next((i for i, line in enumerate(all_lines) if pattern.match(line)), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(all_lines)) if re.match(r"^#{1,6}\s", all_lines[i])), len(all_lines))
    return "\n".join(all_lines[start + 1 : end])


@dataclass
class Checkbox:
    """One checkbox item (`- [ ] text`, `* [x] text`, `+ [X] text`)."""

    number: int  # 1-based, in document order
    line: int  # 0-based line index in the body
    done: bool
    text: str


def checkboxes(body: str) -> list[Checkbox]:
    """Every checkbox item of a body outside code fences; HTML comments are not looked into
    (an item inside one counts, and a fence inside one opens a fence)."""
    found: list[Checkbox] = []
    for index, line in lines(body, comments=False):
        if match := _CHECKBOX.match(line):
            found.append(Checkbox(len(found) + 1, index, match["mark"] != " ", match["text"]))
    return found


def pick(
    boxes: list[Checkbox], ref: str, *, noun: str = "item", name: Callable[[Checkbox], str] | None = None
) -> Checkbox:
    """The box `ref` names among `boxes`: its number (its place among them, from 1), its name
    (`name`: a step's id such as W1-2, any case), its whole text, or a piece of its text that no
    other box has (any case). None: NotFound with the open ones; several: Ambiguous (both exit 1)."""
    ref = " ".join(ref.split())
    wanted = ref.casefold()
    numbered = list(enumerate(boxes, 1))
    if ref.isdigit():
        chosen = [(n, b) for n, b in numbered if n == int(ref)]
    else:
        chosen = (
            [(n, b) for n, b in numbered if name is not None and name(b).casefold() == wanted]
            or [(n, b) for n, b in numbered if " ".join(b.text.split()).casefold() == wanted]
            or [(n, b) for n, b in numbered if wanted and wanted in " ".join(b.text.split()).casefold()]
        )
    if len(chosen) == 1:
        return chosen[0][1]
    how = f"give its number{', its id' if name else ''} or more of its text"
    if chosen:
        raise Ambiguous(ref, [f"{n}. {b.text}" for n, b in chosen], noun, hint=how)
    still_open = [f"{n}. {b.text}" for n, b in numbered if not b.done]
    listed = f"open {plural(noun)}: {first_few(still_open)}" if still_open else f"every {noun} is done"
    raise NotFound(f"no {noun} matches '{ref}'; {listed}", hint=how)


def tick(body: str, box: Checkbox, suffix: str = "") -> str:
    """The body with `box` ticked (only the box's one character changes) and `suffix` added at
    the end of its line, before the line break."""
    all_lines = body.splitlines(keepends=True)
    line = all_lines[box.line]
    content = line.rstrip("\r\n")
    mark = content.index("[") + 1
    all_lines[box.line] = content[:mark] + "x" + content[mark + 1 :] + suffix + line[len(content) :]
    return "".join(all_lines)


def malformed_checkbox(line: str) -> bool:
    """Whether a line looks like a checkbox item but is not one ('-[ ]', '- [] x', '[x] x')."""
    return bool(_BOX_LIKE.match(line)) and not _BOX_OK.match(line)


def without_comments(body: str) -> str:
    """The body with every closed HTML comment removed (one never closed stays)."""
    return _COMMENT.sub("", body) if "<!--" in body else body
