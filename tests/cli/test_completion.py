"""Shell completion, as a shell asks for it (the program run with Typer's completion variables)
in a copy of the example KB: ids, titles, tags, choices and field names; never an error."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pmops.cli import command_of, completing, main, modules_for
from tests.conftest import PMOPS, git


def _variables(line: str, shell: str) -> dict[str, str]:
    """Typer's completion variables as `shell` sets them for `line` (a trailing space: a new word).
    Bash's words are the line's, as typed (`Slack\\ appr` is one), joined with newlines as
    Typer's bash script joins them; bash cuts `status=ac` into `status`, `=`, `ac`: write it so."""
    if shell == "bash":
        words = re.split(r"(?<!\\) ", line)
        return {"_PMOPS_COMPLETE": "complete_bash", "COMP_WORDS": "\n".join(words), "COMP_CWORD": str(len(words) - 1)}
    return {
        "_PMOPS_COMPLETE": f"complete_{shell}",
        "_TYPER_COMPLETE_ARGS": line,
        "_TYPER_COMPLETE_FISH_ACTION": "get-args",
    }


@pytest.fixture
def complete(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """What `pmops` (its main, as the console script runs it) offers for the last word of a line."""

    def offered(cwd: Path, line: str, shell: str = "bash") -> list[str]:
        with monkeypatch.context() as patch:
            for name, value in _variables(line, shell).items():
                patch.setenv(name, value)
            patch.setattr(sys, "argv", ["pmops"])
            patch.chdir(cwd)
            with pytest.raises(SystemExit) as exited:
                main()
        out, err = capsys.readouterr()
        assert err == "" and exited.value.code in (0, None), (exited.value.code, err)
        return [line for line in out.splitlines() if line]

    return offered


def complete_in_a_process(cwd: Path, line: str) -> list[str]:
    """The same from the installed program, as a shell runs it."""
    variables = {**os.environ, **_variables(line, "bash")}
    done = subprocess.run([PMOPS], cwd=cwd, env=variables, capture_output=True, text=True, check=False, timeout=60)
    assert done.stderr == "" and done.returncode == 0, (done.returncode, done.stderr)
    return [line for line in done.stdout.splitlines() if line]


def test_ids_of_any_type_and_of_the_type_a_command_takes(complete, example_kb: Path) -> None:
    offered = complete(example_kb, "pmops show ins-2602")
    assert "ins-260203-dc9k" in offered and all(o.startswith("ins-2602") for o in offered)
    assert {o.split("-")[0] for o in complete(example_kb, "pmops links ")} >= {"ins", "dec", "prc", "tol", "met"}
    for line in ("pmops decision accept ", "pmops decision supersede ", "pmops decision supersede dec-x --by "):
        offered = complete(example_kb, line)
        assert offered and all(o.startswith("dec-") for o in offered), line
    assert all(o.startswith("prc-") for o in complete(example_kb, "pmops process review "))
    assert all(o.startswith("chk-") for o in complete(example_kb, "pmops checklist tick "))
    for command in ("edit", "set", "archive", "rm", "mv"):
        assert "ins-260203-dc9k" in complete(example_kb, f"pmops {command} ins-260203"), command


def test_titles_from_their_first_letters_in_any_case(complete, example_kb: Path) -> None:
    offered = complete(example_kb, "pmops show Slack")
    assert r"Slack\ approvals\ would\ replace\ our\ own\ bot" in offered  # bash: one word, escaped
    assert r"Slack\ approvals\ would\ replace\ our\ own\ bot" in complete(example_kb, "pmops show slack")
    assert complete(example_kb, "pmops tool score Am") == ["Amplitude"]  # a tool is named
    assert "Amplitude" in complete(example_kb, "pmops tool compare Amplitude ")
    assert complete(example_kb, "pmops show Zzz") == []
    typed = r"pmops show Slack\ appr"  # bash gives the word as typed: one word, escaped
    assert complete(example_kb, typed) == [r"Slack\ approvals\ would\ replace\ our\ own\ bot"]
    assert complete(example_kb, r"pmops show Slack\ appr", shell="zsh") == [
        '_arguments \'*: :(("Slack approvals would replace our own bot":"ins-260203-dc9k"))\''
    ]


def test_tags_choices_and_references_of_options(complete, example_kb: Path) -> None:
    assert "approvals" in complete(example_kb, "pmops insight add --tag appr")
    assert "audit" in complete(example_kb, "pmops set ins-260203-dc9k --add-tag aud")  # not approvals: it has it
    assert "approvals" in complete(example_kb, "pmops search x --tag appr")
    sources = complete(example_kb, "pmops insight add --source ")
    assert sources == [
        "interview",
        "survey",
        "support-ticket",
        "sales-call",
        "usability-test",
        "analytics",
        "social",
        "other",
    ]
    assert complete(example_kb, "pmops insight list --segment ") == ["smb", "mid-market", "enterprise", "public-sector"]
    assert complete(example_kb, "pmops decision add --status ") == ["proposed", "accepted"]  # what a new one starts as
    assert "superseded" in complete(example_kb, "pmops decision list --status ")
    assert complete(example_kb, "pmops process new X --kind s") == ["sprint-planning"]
    assert "analytics" in complete(example_kb, "pmops tool add X --category ")
    assert complete(example_kb, "pmops metric add X --direction ") == ["up", "down"]
    assert complete(example_kb, "pmops insight themes --by ") == ["tag", "area", "segment"]
    segments = complete(example_kb, "pmops insight list --segment ")
    assert complete(example_kb, "pmops customer add X --segment ") == segments  # the insights' choices
    customers = complete(example_kb, "pmops insight add --customer ")  # the register's names
    assert customers and customers == complete(example_kb, "pmops customer show ")
    assert all(o.startswith("ins-") for o in complete(example_kb, "pmops decision add --evidence "))


def test_the_newest_commands_and_the_options_that_name_a_person(complete, example_kb: Path) -> None:
    decisions = complete(example_kb, "pmops decision review ")
    assert decisions and all(o.startswith("dec-") for o in decisions)
    for line in ("pmops decision add --decider Pri", "pmops process new X --owner Pri", "pmops tool add X --owner Pri",
                 "pmops metric add X --owner Pri", "pmops log --author Pri",
                 "pmops opportunity add X --owner Pri",
                 "pmops onboard new-pm X --buddy Pri", "pmops person add X --manager Pri"):  # fmt: skip
        assert complete(example_kb, line) == [r"Priya\ Nair"], line
    # Customer account owners are in sales, off the roster (the registry's default): no one offered.
    assert r"Priya\ Nair" not in complete(example_kb, "pmops customer add X --owner Pri")
    assert complete(example_kb, "pmops person show Ana") == [r"Ana\ Souza"]
    assert "decision" in complete(example_kb, "pmops log --type ")
    assert complete(example_kb, "pmops tool renewals --format ") == ["table", "csv", "tsv", "json"]
    assert complete(example_kb, "pmops search x --format c") == ["csv"]
    assert complete(example_kb, "pmops insight themes --weight ") == ["arr", "customers", "insights"]
    assert "--allow-writes" in complete(example_kb, "pmops mcp --")


def test_a_name_completes_from_any_of_its_words_in_any_case_spelt_as_it_is(complete, example_kb: Path) -> None:
    for typed in ("park", "Park", "theo", "THEO", "theo\\ p", "per-261126-10"):
        offered = complete(example_kb, f"pmops person show {typed}")
        assert offered == ([r"Theo\ Park"] if "per-" not in typed else ["per-261126-10bf"]), typed
    offered = complete(example_kb, "pmops show approvals")  # a word inside a title, of any type
    assert r"Slack\ approvals\ would\ replace\ our\ own\ bot" in offered
    assert all("approvals" in o.casefold() for o in offered)
    starts = [o for o in offered if o.casefold().startswith("approvals")]
    assert offered[: len(starts)] == starts  # the titles it starts come first
    assert complete(example_kb, "pmops person show ark") == []  # the start of a word, not its middle
    # zsh keeps only what starts with the word as typed: a title it starts in another case keeps the typed case
    assert '"theo Park"' in "\n".join(complete(example_kb, "pmops person show theo", shell="zsh"))
    assert "Theo Park\t" in "\n".join(complete(example_kb, "pmops person show park", shell="fish"))


def test_a_title_opened_with_a_quote_completes_inside_it(complete, example_kb: Path) -> None:
    """Bash completes after the quote and closes it: the value is given as it reads inside that quote."""
    slack = ["Slack approvals would replace our own bot", "Approve and reject from Slack"]  # those it starts first
    assert complete(example_kb, 'pmops show "Slack') == slack
    assert complete(example_kb, "pmops show 'slack") == slack
    assert complete(example_kb, 'pmops customer show "Alder') == ["Alder & Finch"]  # & is plain inside quotes
    assert complete(example_kb, "pmops customer show Alder") == [r"Alder\ \&\ Finch"]  # and escaped outside
    assert complete(example_kb, 'pmops show "Slack', "zsh") == complete(example_kb, "pmops show Slack", "zsh")


def test_field_names_and_their_values_for_set_new_and_list(complete, example_kb: Path) -> None:
    offered = complete(example_kb, "pmops set dec-261126-0mq9 ")
    assert "status=" in offered and "deciders=" in offered and "id=" not in offered
    assert "status=deprecated" in complete(example_kb, "pmops set dec-261126-0mq9 status=")
    assert "status=deprecated" in complete(example_kb, "pmops set dec-261126-0mq9 stat")  # one field: its values
    assert "tags=approvals" in complete(example_kb, "pmops set ins-260203-dc9k tags=appr")
    assert complete(example_kb, "pmops new decision Title status=") == ["status=proposed", "status=accepted"]
    assert "source=interview" in complete(example_kb, "pmops list insight source=")
    assert "decision" in complete(example_kb, "pmops new ")
    # bash cuts FIELD=VALUE at '=': after it, the field's values alone (what follows the '=')
    assert "deprecated" in complete(example_kb, "pmops set dec-261126-0mq9 status = ")
    assert complete(example_kb, "pmops set dec-261126-0mq9 status = dep") == ["deprecated"]
    assert complete(example_kb, "pmops set dec-261126-0mq9 status =") == complete(
        example_kb, "pmops set dec-261126-0mq9 status = "
    )


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_set_is_not_offered_what_it_refuses(complete, example_kb: Path, pmops, shell: str) -> None:
    """A step of a type's lifecycle (a decision accepted, superseded; a person who left; a plan complete) is
    made by its own command, which `pmops set` names when refusing it: completion does not offer it, nor the
    title (pmops mv). What set takes is offered; `new` and `list` are offered every value."""
    decision = "dec-261124-p4lg"  # proposed
    offered = " ".join(complete(example_kb, f"pmops set {decision} status=", shell))
    assert "status=deprecated" in offered and "status=archived" in offered and "status=proposed" in offered
    for refused in ("status=accepted", "status=rejected", "status=superseded"):
        assert refused not in offered, shell
        assert "pmops decision" in pmops("set", decision, refused, code=2).stderr  # set names the command
    names = " ".join(complete(example_kb, f"pmops set {decision} ", shell))
    assert "deciders=" in names and "supersede" not in names and "title=" not in names
    assert "supersedes=dec" not in " ".join(complete(example_kb, f"pmops set {decision} supersedes=", shell))
    if shell == "bash":  # bash cuts status=ac at '=': the value after it, checked the same way
        assert complete(example_kb, f"pmops set {decision} status = ") == ["proposed", "deprecated", "archived"]
        assert complete(example_kb, f"pmops set {decision} status = ac") == []
    person = complete(example_kb, "pmops set per-261126-7b27 status=", shell)
    assert " ".join(person).count("status=") >= 1 and "status=left" not in " ".join(person)
    plan = " ".join(complete(example_kb, "pmops set onb-261116-rj33 status=", shell))
    assert "status=active" in plan and "status=complete" not in plan
    assert "status=accepted" in " ".join(complete(example_kb, "pmops list decision status=", shell))
    assert "status=accepted" in " ".join(complete(example_kb, "pmops new decision Title status=", shell))


def test_zsh_and_fish_show_the_title_beside_the_id(complete, example_kb: Path) -> None:
    zsh = "\n".join(complete(example_kb, "pmops show ins-260203", shell="zsh"))
    assert '"ins-260203-dc9k":"Slack approvals would replace our own bot"' in zsh
    fish = complete(example_kb, "pmops show ins-260203", shell="fish")
    assert "ins-260203-dc9k\tSlack approvals would replace our own bot" in fish


def test_completion_never_prints_an_error_and_reads_no_index(tmp_path: Path, example_kb: Path) -> None:
    outside = tmp_path / "nowhere"
    outside.mkdir()
    assert complete_in_a_process(outside, "pmops show ") == []  # no KB here
    assert complete_in_a_process(outside, "pmops insight add --tag ") == []
    assert complete_in_a_process(example_kb, "pmops --kb /no/such/folder show ") == []
    (example_kb / "pmops.yaml").write_text("types: [not, a, mapping\n")
    assert complete_in_a_process(example_kb, "pmops show ") == []
    git(example_kb, "checkout", "pmops.yaml")
    complete_in_a_process(example_kb, "pmops show ins-")
    assert not list((example_kb / ".git").glob("pmops/index*"))  # no index was built to complete


def test_the_documented_bash_line_completes_in_an_interactive_bash(example_kb: Path) -> None:
    """The install line in a real bash on a terminal: Tab completes a field's value, an escaped title, an id."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash here")
    pid, fd = pty.fork()
    if pid == 0:  # the child: a fresh interactive bash in the KB, pmops on its PATH
        try:
            os.chdir(example_kb)
            os.environ.update(PATH=f"{Path(PMOPS).parent}{os.pathsep}{os.environ['PATH']}", PS1="$ ")
            os.execv(bash, [bash, "--norc", "--noprofile", "-i"])
        finally:
            os._exit(127)
    shown = b""

    def type_(text: str, until: bytes) -> None:
        nonlocal shown
        os.write(fd, text.encode())
        deadline = time.monotonic() + 60
        while until not in shown and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.2)[0]:
                shown += os.read(fd, 4096)
        assert until in shown, shown.decode(errors="replace")

    try:
        type_('eval "$(_PMOPS_COMPLETE=source_bash pmops)"; echo installed\r', b"installed\r\n")
        type_("pmops set dec-261126-0mq9 status=dep\t", b"status=deprecated ")
        type_("\x15pmops show Slack\\ appr\t", b"pmops show Slack\\ approvals\\ would\\ replace\\ our\\ own\\ bot ")
        type_("\x15pmops decision accept dec-261126-0m\t", b"dec-261126-0mq9 ")
        # a word of the name: bash takes back what was typed (four backspaces) and writes the name as it is spelt
        type_("\x15pmops person show park\t", b"pmops person show park\x08\x08\x08\x08Theo\\ Park ")
        type_('\x15pmops show "Slack appr\t', b'pmops show "Slack approvals would replace our own bot" ')
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


def test_a_completion_loads_only_the_module_of_its_command() -> None:
    bash = {"_PMOPS_COMPLETE": "complete_bash", "COMP_WORDS": "pmops decision accept dec", "COMP_CWORD": "3"}
    assert completing(bash) == ["decision", "accept"]
    assert modules_for(command_of(completing(bash))) == ("decision",)
    assert completing({**bash, "COMP_CWORD": "1"}) == []  # the command itself: every module
    zsh = {"_PMOPS_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "pmops --kb kb show ins"}
    assert command_of(completing(zsh)) == "show"
    assert completing({"_TYPER_COMPLETE_ARGS": "pmops show "}) is None  # not completing


def test_field_names_follow_a_document_given_by_its_title(complete, example_kb: Path) -> None:
    by_title = complete(example_kb, r"pmops set Bug\ triage ow")
    assert by_title == complete(example_kb, "pmops set prc-250303 ow") and by_title
    assert all(o.startswith("owner=") for o in by_title)


def test_what_a_command_can_take_is_offered_and_not_what_it_cannot(complete, example_kb: Path, pmops) -> None:
    """Steps and items not done yet, column names, proposed decisions, people still in the team, tags a
    document has not (--add-tag) or has (--remove-tag)."""
    items = complete(example_kb, "pmops checklist tick chk-261116-bnp6 ")
    shown = json.loads(pmops("checklist", "status", "chk-261116-bnp6", "--json").stdout)[0]["open_items"]
    assert items == [str(i["number"]) for i in shown] and items
    assert complete(example_kb, "pmops checklist tick chk-261116-bnp6 1") == [i for i in items if i.startswith("1")]
    plan = json.loads(pmops("onboard", "status", "--json").stdout)["plans"][0]
    steps = complete(example_kb, f"pmops onboard done {plan['name'].replace(' ', chr(92) + ' ')} ")
    assert steps and all(re.fullmatch(r"[A-Z]+\d+-\d+", s) for s in steps), steps
    assert steps == complete(example_kb, f"pmops onboard done {plan['id']} ")
    assert "date" in complete(example_kb, "pmops insight list --columns ")
    assert complete(example_kb, "pmops insight list --columns id,ti") == ["id,title"]
    assert "id,id" not in complete(example_kb, "pmops insight list --columns id,")
    assert complete(example_kb, "pmops tool renewals --columns per") == ["per_seat"]  # '(days)' is a note
    assert complete(example_kb, "pmops list insight --columns id,sou") == ["id,source"]  # the type's fields
    decisions = json.loads(pmops("decision", "list", "--all", "--json").stdout)
    proposed = sorted(d["id"] for d in decisions if d["status"] == "proposed")
    assert proposed and sorted(complete(example_kb, "pmops decision accept dec-")) == proposed
    assert sorted(complete(example_kb, "pmops decision reject dec-")) == proposed
    assert len(complete(example_kb, "pmops decision review dec-")) > len(proposed)  # review takes any
    pmops("person", "leave", "Theo Park")
    assert complete(example_kb, "pmops person leave par") == []
    assert complete(example_kb, "pmops person show par") == [r"Theo\ Park"]
    assert complete(example_kb, "pmops person leave Ana") == [r"Ana\ Souza"]
    have = json.loads(pmops("show", "ins-260203", "--json").stdout)["tags"]
    assert "approvals" in have and "approvals" not in complete(example_kb, "pmops set ins-260203 --add-tag appr")
    added = complete(example_kb, "pmops set ins-260203 --add-tag ")
    assert added and not set(added) & set(have)
    assert complete(example_kb, "pmops set ins-260203 --remove-tag ") == have
