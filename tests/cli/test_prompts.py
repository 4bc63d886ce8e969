"""Prompts on a real terminal (a pty): the registry's fields asked, wrong answers asked again with
the reason, what was typed never lost; off a terminal nothing is asked (exit 2 naming the option)."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import re
import select
import signal
import time
from pathlib import Path

import pytest

from tests.conftest import PMOPS, commit_count, git, merge_conflict

# How long a test waits for pmops to show a prompt, or to finish: generous, since a loaded machine
# (several test suites on two cores) can take tens of seconds to start Python and read the KB. A
# deadline, not a sleep: a prompt that appears sooner is answered at once.
DEADLINE = 180.0


class Terminal:
    """pmops run on a pty of its own (its controlling terminal: Ctrl-C is a signal), driven by a test."""

    def __init__(self, cwd: Path, *args: str, columns: int = 200) -> None:
        self.seen = b""
        pid, fd = pty.fork()
        if pid == 0:  # the child: exec pmops, never return into pytest
            try:
                # As a shell starts a command: Ctrl-C's signal neither ignored nor blocked, whatever the
                # test process (a pytest-xdist worker) had set for itself.
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_SETMASK, set())
                os.chdir(cwd)
                os.environ.update(COLUMNS=str(columns), NO_COLOR="1")
                os.execv(PMOPS, [PMOPS, *args])
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.code: int | None = None

    def expect(self, marker: str, timeout: float = DEADLINE) -> str:
        """Everything shown up to `marker` (which is consumed); an AssertionError when pmops ended,
        or showed something else for `timeout` seconds, without showing it."""
        want = marker.encode()
        deadline = time.monotonic() + timeout
        while want not in self.seen:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"never saw {marker!r} in {timeout:.0f} s; got {self.seen.decode(errors='replace')!r}"
                )
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the terminal closed: pmops ended
                    chunk = b""
                if not chunk:
                    raise AssertionError(
                        f"pmops ended without showing {marker!r}; got {self.seen.decode(errors='replace')!r}"
                    )
                self.seen += chunk
        before, _, self.seen = self.seen.partition(want)
        return before.decode(errors="replace")

    def answer(self, marker: str, text: str) -> str:
        shown = self.expect(marker)
        os.write(self.fd, text.encode() + b"\r")
        return shown

    def finish(self, timeout: float = DEADLINE) -> tuple[int, str]:
        """The exit code and what was shown after the last answer."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                self.seen += chunk
                if chunk:
                    continue
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                os.close(self.fd)
                self.code = os.waitstatus_to_exitcode(status)
                return self.code, self.seen.decode(errors="replace")
        raise AssertionError(f"pmops did not finish; shown: {self.seen.decode(errors='replace')!r}; {self._state()}")

    def _state(self) -> str:
        """Why a process may not have stopped at a Ctrl-C: its signals (pending, blocked, ignored, caught),
        where it waits, and whether the terminal turns Ctrl-C into a signal at all (ISIG)."""
        import termios

        try:
            with open(f"/proc/{self.pid}/status") as handle:
                signals = [
                    line.strip()
                    for line in handle
                    if line.startswith(("SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt"))
                ]
            with open(f"/proc/{self.pid}/wchan") as handle:
                signals.append(f"waits in {handle.read() or '?'}")
        except OSError as exc:
            signals = [f"no /proc: {exc}"]
        try:
            signals.append(f"ISIG {'on' if termios.tcgetattr(self.fd)[3] & termios.ISIG else 'off'}")
        except termios.error as exc:
            signals.append(f"termios: {exc}")
        return ", ".join(signals)


@pytest.fixture
def terminal(kb: Path):
    """Runs pmops on a terminal in the KB; one still running when the test ends is killed."""
    started: list[Terminal] = []

    def start(*args: str) -> tuple[Path, Terminal]:
        started.append(Terminal(kb, *args))
        return kb, started[-1]

    yield start
    for term in started:
        if term.code is None:  # not finished: the test failed while it waited for an answer
            os.kill(term.pid, 9)
            os.waitpid(term.pid, 0)
            os.close(term.fd)


def _guide_type(kb: Path, fields: str = "") -> None:
    """A type of the KB's own (pmops.yaml) whose owner is required, committed."""
    config = kb / "pmops.yaml"
    config.write_text(config.read_text() + "  guide:\n    fields:\n      owner: {required: true}\n" + fields)
    git(kb, "commit", "-qam", "a guide type")


def _created(kb: Path, folder: str) -> list[Path]:
    return sorted((kb / folder).glob("*.md"))


def test_wrong_answers_are_asked_again_with_the_reason_and_nothing_typed_is_lost(terminal) -> None:
    kb, term = terminal("insight", "add")
    term.answer("title — a short, specific title: ", "Export is hidden")
    term.answer(f"date — when it was heard or seen [{dt.date.today()}]: ", "")
    asked = term.answer("social, other: ", "intervew")
    assert "source — where it came from: interview, survey, support-ticket" in asked  # its choices listed
    term.expect("'intervew' is not one of them; did you mean 'interview'?")
    term.answer("[interview]: ", "")  # Enter takes what it meant
    term.answer("customer (optional) — the customer or account (no personal data): ", "Acme Corp")
    term.answer("segment (optional)", "")
    term.answer("area (optional)", "")
    term.answer("comma-separated: ", "pricng, prices, data export, nonsense")
    shown = term.answer("comma-separated [pricing, data-export]: ", "")  # good ones kept, the one it meant offered
    assert "tag 'prices': synonym of 'pricing'" in shown
    assert "unknown tag 'pricng'; did you mean 'pricing'?" in shown
    assert "unknown tag 'nonsense'" in shown
    code, shown = term.finish()
    assert code == 0, shown
    [path] = _created(kb, "insights")
    text = path.read_text()
    assert "title: Export is hidden" in text and "source: interview" in text and "customer: Acme Corp" in text
    assert "tags: [pricing, data-export]" in text
    assert commit_count(kb) == 2 and git(kb, "status", "--porcelain") == ""


def test_a_choice_is_taken_from_its_first_letters_and_a_default_from_enter(terminal) -> None:
    kb, term = terminal("process", "new", "Weekly planning", "--json")
    term.answer("launch-checklist, custom: ", "s")  # sprint-planning, the only one
    term.answer("owner — who keeps it alive (default: you) [Test PM]: ", "")
    term.answer("per-launch, ad-hoc [biweekly]: ", "")  # the default of the kind answered
    term.answer("tags (optional)", "")
    code, shown = term.finish()
    assert code == 0, shown
    text = _created(kb, "processes")[0].read_text()
    assert "kind: sprint-planning" in text and "owner: Test PM" in text and "cadence: biweekly" in text


def test_an_ambiguous_choice_a_bad_date_and_a_taken_name_are_asked_again(terminal, pmops) -> None:
    kb, term = terminal("tool", "add")
    pmops("tool", "add", "Amplitude", "--category", "analytics")
    term.answer("name: ", "Amplitude")
    term.expect("a tool named 'Amplitude' is already in the registry")
    term.answer("name: ", "Mixpanel")
    term.answer("documentation, other: ", "d")
    term.expect("'d' could be design or documentation")
    term.answer("documentation, other: ", "res")  # research, the only one
    term.answer("job (optional)", "")
    term.answer("owner (optional)", "")
    term.answer("cost (optional)", "")
    code, shown = term.finish()
    assert code == 0, shown
    kb, term = terminal("onboard", "new-pm", "Dana Reyes")
    term.answer("start: ", "05/11/2026")
    term.expect("'05/11/2026' is ambiguous")
    term.answer("start: ", "2 Jan 2027")  # dates as people write them
    term.answer("area (optional)", "")
    term.answer("buddy (optional)", "")
    term.answer("manager (optional)", "")
    code, shown = term.finish()
    assert code == 0, shown
    assert "start: 2027-01-02" in _created(kb, "onboarding")[0].read_text()


def test_ctrl_c_while_part_of_a_list_is_asked_again_keeps_the_part_accepted(terminal, pmops) -> None:
    pmops("person", "add", "Ada Brooks", "--role", "pm")  # a roster: deciders are checked against it
    kb, term = terminal("decision", "add")
    term.answer("title", "Ship it")
    term.answer("date", "")
    term.answer("deciders (optional)", "Ada Brooks, Nobody Here")
    term.expect("deciders (optional)")  # asked again for the name it does not know
    os.write(term.fd, b"\x03")
    code, shown = term.finish()
    assert code == 130, shown
    assert "pmops decision add --title 'Ship it' --decider 'Ada Brooks'" in shown
    assert _created(kb, "decisions") == []


def test_ctrl_c_at_a_prompt_writes_nothing_and_shows_what_was_typed(terminal) -> None:
    kb, term = terminal("decision", "add")
    term.answer("title", "Ship it")
    term.answer("date", "")
    term.answer("deciders (optional)", "Ada Brooks, Theo Park")
    term.expect("area (optional)")
    os.write(term.fd, b"\x03")
    code, shown = term.finish()
    assert code == 130
    assert "interrupted: nothing was written" in shown
    assert "pmops decision add --title 'Ship it' --decider 'Ada Brooks' --decider 'Theo Park'" in shown
    assert _created(kb, "decisions") == [] and commit_count(kb) == 1


def test_the_answers_to_run_again_are_one_line_at_80_columns_and_name_the_flag_given(kb: Path, pmops) -> None:
    """At 80 columns the command is printed whole on its own line (copied and pasted, it runs), and a name not
    on the roster is said of --decider, the option decision add takes, not of the field (--deciders)."""
    pmops("person", "add", "Ada Brooks", "--role", "pm")  # a roster: deciders are checked against it
    term = Terminal(kb, "decision", "add", columns=80)
    try:
        term.answer("title", "Ship the approvals inbox to every customer this quarter")
        term.answer("date", "")
        term.answer("deciders (optional)", "Theo Prak, Ada Brooks")
        asked = term.expect("deciders (optional)")  # asked again for the name it does not know
        os.write(term.fd, b"\x03")
        code, _ = term.finish()
    finally:
        if term.code is None:
            os.kill(term.pid, 9)
            os.waitpid(term.pid, 0)
            os.close(term.fd)
    lines = term.seen.decode(errors="replace").replace("\r\n", "\n").splitlines()
    assert code == 130
    assert "--decider: no one named 'Theo Prak' on the roster" in asked
    assert (
        "pmops decision add --title 'Ship the approvals inbox to every customer this quarter' --decider 'Ada Brooks'"
        in lines
    )


def test_a_create_that_fails_after_the_prompts_shows_the_answers_to_run_it_again(kb: Path, terminal) -> None:
    merge_conflict(kb)
    before = commit_count(kb)
    _, term = terminal("metric", "add", "--unit", "users")
    term.answer("name: ", "Weekly approvers")
    term.answer("definition", "Users who approved at least once in the week")
    term.answer("owner", "Theo Park")
    term.answer("target (optional)", "5000")
    term.answer("cadence (optional)", "weekly")
    term.answer("parent (optional)", "")
    code, shown = term.finish()
    assert code == 1 and "merge" in shown
    assert (
        "pmops metric add --unit users 'Weekly approvers' --definition 'Users who approved at least once in the week'"
        " --owner 'Theo Park' --target 5000 --cadence weekly" in shown
    )
    assert commit_count(kb) == before and _created(kb, "metrics") == []


def test_a_kb_type_asks_its_required_and_its_ask_fields(kb: Path, terminal) -> None:
    _guide_type(kb, "      audience: {ask: true, choices: [pm, design], help: who reads it}\n")
    _, term = terminal("new", "guide", "Interviews", "--json")
    term.answer("owner: ", "Maya Chen")
    term.answer("audience (optional) — who reads it: pm, design: ", "design")
    code, shown = term.finish()
    assert code == 0, shown
    created = json.loads(shown[shown.index("{") :])
    assert "audience: design" in (kb / created["path"]).read_text()


CREATES = [
    (("insight", "add", "--source", "interview"), "--title is required (a short, specific title)", "insights"),
    (("insight", "add", "--title", "t"), "--source is required (where it came from: interview, survey", "insights"),
    (("decision", "add"), "--title is required", "decisions"),
    (("process", "new", "Triage"), "--kind is required (which proven template it follows: prioritization", "processes"),
    (("process", "new", "--kind", "custom"), "TITLE is required", "processes"),
    (("tool", "add", "--category", "analytics"), "NAME is required", "tools"),
    (("tool", "add", "Amplitude"), "--category is required", "tools"),
    (("metric", "add", "Activation", "--owner", "Ada", "--unit", "%"), "--definition is required", "metrics"),
    (("onboard", "new-pm", "Dana Reyes"), "--start is required", "onboarding"),
    (("new", "guide", "Interviews"), "owner=VALUE is required", "guides"),
]


@pytest.mark.parametrize(("args", "said", "folder"), CREATES, ids=[" ".join(c[0][:2]) for c in CREATES])
def test_off_a_terminal_a_missing_field_is_exit_2_naming_the_option_and_nothing_is_written(
    pmops, kb: Path, args: tuple[str, ...], said: str, folder: str
) -> None:
    _guide_type(kb)
    before = commit_count(kb)
    result = pmops(*args, code=2)
    first, hint = result.stderr.splitlines()[:2]
    assert first.startswith(f"error: {said}"), result.stderr
    assert hint == "hint: give it, or run on a terminal to be asked"
    assert result.stdout == ""
    assert not (kb / folder).exists() or list((kb / folder).glob("*.md")) == []
    assert commit_count(kb) == before and git(kb, "status", "--porcelain") == ""


def test_a_long_line_wraps_at_its_words_on_a_terminal_and_stays_one_line_in_a_pipe(kb: Path, pmops) -> None:
    """Indented lines (a verdict's figures) wrap under their own start on a terminal; a pipe gets one line."""
    for name in ("Ana Silva", "Ben Lee", "Cy Diaz", "Dee Park"):
        pmops("person", "add", name, "--role", "pm", "--start", "2026-01-05")
    made = pmops("process", "new", "Interviews", "--kind", "custom", "--json").stdout
    process = kb / json.loads(made)["path"]
    text = re.sub(r"\ndate: \S+\n", "\ndate: 2026-01-05\n", process.read_text(), count=1)
    process.write_text(text.replace("\n---\n", "\noutputs: [{check: insights-per-pm, per: week}]\n---\n", 1))
    git(kb, "commit", "-qam", "outputs")
    term = Terminal(kb, "process", "check", "--today", "2026-03-01", columns=60)
    code, shown = term.finish()
    lines = [line.rstrip() for line in re.sub(r"\x1b\[[0-9;]*m", "", shown.replace("\r", "")).splitlines()]
    figures = next(i for i, line in enumerate(lines) if "per PM a week:" in line)
    assert code == 0 and max(map(len, lines)) <= 60, lines
    assert (
        lines[figures].startswith("      ") and lines[figures + 1].startswith("      ") and lines[figures + 1][6] != " "
    )
    piped = pmops("process", "check", "--today", "2026-03-01").stdout.splitlines()
    assert any("per PM a week:" in line and "captured none: " in line for line in piped)  # one line


def test_a_missing_name_or_title_argument_is_asked_or_named_like_any_field(terminal, pmops) -> None:
    """customer add, opportunity add, person add and new TYPE without their NAME/TITLE: asked on a
    terminal, as process new asks; off one, exit 2 naming it (not a usage box), nothing written."""
    kb, term = terminal("new", "insight", "source=interview")
    term.answer("title — a short, specific title: ", "Typed at the prompt")
    for asked in ("when it was heard or seen", "customer (optional)", "segment (optional)", "area (optional)",
                  "comma-separated: "):  # fmt: skip
        term.answer(asked, "")
    code, shown = term.finish()
    assert code == 0, shown
    assert [p.name.split("-", 3)[-1] for p in _created(kb, "insights")] == ["typed-at-the-prompt.md"]
    before = commit_count(kb)
    for args, said in ((("customer", "add"), "NAME is required"), (("opportunity", "add"), "TITLE is required"),
                       (("person", "add"), "NAME is required"), (("new", "insight"), "TITLE is required")):  # fmt: skip
        err = pmops(*args, code=2).stderr.splitlines()
        assert err[0].startswith(f"error: {said} ("), err
    assert commit_count(kb) == before and git(kb, "status", "--porcelain") == ""


def test_a_path_in_a_line_or_a_hint_is_never_cut_on_a_terminal(kb: Path, pmops, monkeypatch) -> None:
    """At 80 columns a path longer than the line (a long title's file) goes whole on a line of its own, in
    "Added … → path" and in an error's hint alike: it is what gets copied. A pipe keeps one line."""
    title = "Approvers miss requests buried in long email threads during the month end close"
    args = ("insight", "add", "--title", title, "--source", "interview", "--body", "x", "--area", "approvals")
    term = Terminal(kb, *args, columns=80)
    code, shown = term.finish()
    lines = [line.rstrip() for line in re.sub(r"\x1b\[[0-9;]*m", "", shown.replace("\r", "")).splitlines()]
    path = next(line for line in lines if line.startswith("insights/"))
    assert code == 0 and path.endswith("-month-end-close.md") and len(path) > 80, lines
    assert lines[0].startswith("Added insight ins-") and lines[0].endswith("→"), lines
    ident = lines[0].split()[2]
    monkeypatch.setenv("EDITOR", "sh -c 'echo more >> \"$0\"; exit 3'")  # edits, then fails: the text is kept
    term = Terminal(kb, "edit", ident, columns=80)
    code, shown = term.finish()
    lines = [line.rstrip() for line in re.sub(r"\x1b\[[0-9;]*m", "", shown.replace("\r", "")).splitlines()]
    kept = next(line for line in lines if line.endswith(f"{ident}.md"))  # named by the id
    assert code == 1 and Path(kept).is_absolute() and Path(kept).is_file(), lines  # the text kept, its path whole
    piped = pmops("insight", "add", "--title", title + " again", "--source", "interview", "--body", "x",
                  "--area", "approvals").stdout  # fmt: skip
    assert len(piped.splitlines()) == 1 and ".md (commit" in piped


def test_a_command_a_hint_names_is_not_broken_on_a_terminal(kb: Path, pmops) -> None:
    """At 80 columns the hint of a refused rm wraps before `pmops lint lists them`, not inside it."""
    made = json.loads(pmops("insight", "add", "--title", "Linked", "--source", "survey", "--json").stdout)
    pmops("decision", "add", "--title", "Uses it", "--evidence", made["id"])
    code, shown = Terminal(kb, "rm", made["id"], columns=80).finish()
    lines = [line.rstrip() for line in re.sub(r"\x1b\[[0-9;]*m", "", shown.replace("\r", "")).splitlines()]
    hint = lines.index(next(line for line in lines if line.startswith("hint: ")))
    assert code == 1 and "pmops lint lists them)" in lines[hint] + "\n" + lines[hint + 1], lines
    assert not any(line.endswith(("pmops", "pmops lint")) for line in lines), lines  # the command whole
    assert all(len(line) <= 80 for line in lines), lines
