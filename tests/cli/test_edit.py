"""`pmops edit` on a terminal (a pty, through `script`), with a scripted editor: invalid then fixed,
given up, unchanged, a failing editor, and a text kept and resumed; off a terminal too."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PMOPS, commit_count, git

pytestmark = pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) for a pty")

# The editor: each time it is opened it does the next step, and notes what it was given.
EDITOR = """
import json, os, pathlib, sys
path = pathlib.Path(sys.argv[1])
state = pathlib.Path(os.environ["ED_STATE"])
n = int(state.read_text()) if state.exists() else 0
state.write_text(str(n + 1))
step = json.loads(os.environ["ED_STEPS"])[n]
text = path.read_text()
with open(os.environ["ED_LOG"], "a") as log:
    log.write(json.dumps({"tty": sys.stdin.isatty(), "text": text}) + "\\n")
if step == "fail":
    sys.exit(3)
if step == "invalid":
    text = text.replace("source: interview", "source: telepathy").replace("## What we heard", "## What we heard\\n\\nTyped by hand.")
elif step == "fix":
    text = text.replace("source: telepathy", "source: survey")
elif step == "empty":
    text = ""
elif isinstance(step, list):  # [old, new]: one replacement; [old, new, status]: then exit with it
    text = text.replace(step[0], step[1])
    if len(step) > 2:
        path.write_text(text)
        sys.exit(step[2])
elif step == "retitle":
    text = text.replace("title: Export is hidden", "title: Export is hidden deep in settings")
path.write_text(text)
"""


@pytest.fixture
def doc(pmops, kb: Path) -> dict:
    added = pmops("insight", "add", "--title", "Export is hidden", "--source", "interview", "--json").stdout
    return json.loads(added)


def edit_on_a_pty(kb: Path, tmp_path: Path, ref: str, steps: list[str]) -> tuple[int, str, list[dict]]:
    """`pmops edit REF` on a pseudo-terminal, the editor doing `steps`; (exit code, output, what
    the editor was given each time)."""
    editor = tmp_path / "editor.py"
    editor.write_text(EDITOR)
    state, log = tmp_path / "editor.state", tmp_path / "editor.log"
    state.unlink(missing_ok=True)
    log.unlink(missing_ok=True)
    env = {**os.environ, "EDITOR": f"{sys.executable} {editor}", "ED_STATE": str(state), "ED_LOG": str(log),
           "ED_STEPS": json.dumps(steps), "COLUMNS": "80"}  # fmt: skip
    env.pop("VISUAL", None)
    command = f"{PMOPS} --kb {kb} edit {ref}"
    done = subprocess.run(["script", "-qec", command, "/dev/null"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    seen = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return done.returncode, re.sub(r"\x1b\[[0-9;]*m", "", done.stdout.replace("\r\n", "\n")), seen


def test_invalid_then_fixed_is_committed_once_with_the_problem_shown_at_the_top(
    kb: Path, tmp_path: Path, doc: dict
) -> None:
    commits = commit_count(kb)
    code, out, seen = edit_on_a_pty(kb, tmp_path, doc["id"], ["invalid", "fix"])
    assert code == 0, out
    assert [s["tty"] for s in seen] == [True, True]
    second = seen[1]["text"]
    assert second.startswith("<!-- pmops: not saved: source: 'telepathy' is not one of: interview")
    assert "<!-- pmops: hint: choose one of: interview" in second
    assert "source: telepathy" in second and "Typed by hand." in second  # what was typed is all there
    text = (kb / doc["path"]).read_text()
    assert "source: survey" in text and "Typed by hand." in text and "<!-- pmops" not in text
    assert text.startswith("---\nid: ")
    assert commit_count(kb) == commits + 1 and git(kb, "status", "--porcelain") == ""
    assert git(kb, "log", "-1", "--format=%s").strip() == f'pmops: edit insight {doc["id"]} "Export is hidden"'
    assert git(kb, "show", "--name-only", "--format=", "HEAD").split() == [doc["path"]]
    assert f"Saved insight {doc['id']} (source, body changed) → {doc['path']}" in " ".join(out.split())
    assert not list((kb / ".git" / "pmops" / "edit").glob("*.md"))


def test_an_emptied_file_gives_up_and_nothing_changes(kb: Path, tmp_path: Path, doc: dict) -> None:
    before, commits = (kb / doc["path"]).read_bytes(), commit_count(kb)
    code, out, _ = edit_on_a_pty(kb, tmp_path, doc["id"], ["invalid", "empty"])
    assert code == 1 and "edit aborted: the file was emptied; nothing changed" in out
    assert (kb / doc["path"]).read_bytes() == before and commit_count(kb) == commits
    assert git(kb, "status", "--porcelain") == ""


def test_unchanged_is_nothing_changed_exit_0(kb: Path, tmp_path: Path, doc: dict) -> None:
    commits = commit_count(kb)
    code, out, _ = edit_on_a_pty(kb, tmp_path, doc["id"], ["same"])
    assert code == 0 and "Nothing changed" in out and commit_count(kb) == commits


def test_a_failing_editor_changes_nothing(kb: Path, tmp_path: Path, doc: dict) -> None:
    before, commits = (kb / doc["path"]).read_bytes(), commit_count(kb)
    code, out, _ = edit_on_a_pty(kb, tmp_path, doc["id"], ["fail"])
    assert code == 1 and "the editor exited with status 3; nothing changed" in out
    assert (kb / doc["path"]).read_bytes() == before and commit_count(kb) == commits


def test_problems_saved_again_keep_the_text_and_the_next_edit_resumes_it(kb: Path, tmp_path: Path, doc: dict) -> None:
    before, commits = (kb / doc["path"]).read_bytes(), commit_count(kb)
    code, out, _ = edit_on_a_pty(kb, tmp_path, doc["id"], ["invalid", "same"])
    assert code == 1 and "saved again with its problems; nothing changed" in out
    assert "your text is kept in" in out
    assert (kb / doc["path"]).read_bytes() == before and commit_count(kb) == commits
    code, out, seen = edit_on_a_pty(kb, tmp_path, doc["id"], ["fix"])
    assert code == 0, out
    assert "your unsaved text from an earlier pmops edit" in seen[0]["text"] and "Typed by hand." in seen[0]["text"]
    text = (kb / doc["path"]).read_text()
    assert "source: survey" in text and "Typed by hand." in text and "<!-- pmops" not in text
    assert commit_count(kb) == commits + 1 and git(kb, "status", "--porcelain") == ""


def test_a_new_title_is_saved_and_mv_is_suggested(kb: Path, tmp_path: Path, doc: dict) -> None:
    code, out, _ = edit_on_a_pty(kb, tmp_path, doc["id"], ["retitle"])
    assert code == 0 and "pmops mv" in out
    assert "title: Export is hidden deep in settings" in (kb / doc["path"]).read_text()
    subject = git(kb, "log", "-1", "--format=%s").strip()
    assert subject == f'pmops: edit insight {doc["id"]} "Export is hidden deep in settings" (was "Export is hidden")'


def test_off_a_terminal_without_an_editor_is_a_clear_error(pmops, kb: Path, doc: dict, monkeypatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    result = pmops("edit", doc["id"], code=2)
    assert "no editor: set $VISUAL or $EDITOR" in result.stderr


def test_off_a_terminal_with_an_editor_it_runs_and_json_says_what_changed(pmops, kb: Path, doc: dict, tmp_path: Path,
                                                                       monkeypatch) -> None:  # fmt: skip
    editor = tmp_path / "editor.py"
    editor.write_text(EDITOR)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.setenv("ED_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("ED_LOG", str(tmp_path / "log"))
    monkeypatch.setenv("ED_STEPS", json.dumps(["invalid", "fix"]))
    out = json.loads(pmops("edit", doc["id"], "--json").stdout)
    assert out["action"] == "edit" and out["changed"] == ["source", "body"] and out["commit"]


def test_an_alias_another_customer_goes_by_is_a_problem_as_set_says_it(pmops, kb: Path, tmp_path: Path,
                                                                        monkeypatch) -> None:  # fmt: skip
    """Other names given in the editor are checked by the code create and set check them with: one another
    customer goes by is shown as a problem and the editor reopens; the customer's own names stay allowed."""
    lumen = json.loads(pmops("customer", "add", "Lumen Health Systems", "--alias", "Lumen", "--json").stdout)
    atlas = json.loads(pmops("customer", "add", "Atlas Freight", "--alias", "Atlas", "--json").stdout)
    editor = tmp_path / "editor.py"
    editor.write_text(EDITOR)
    log = tmp_path / "log"
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.setenv("ED_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("ED_LOG", str(log))
    monkeypatch.setenv("ED_STEPS", json.dumps([["aliases: [Atlas]", "aliases: [Atlas, lumen]"], ["lumen]", "AF]"]]))
    out = json.loads(pmops("edit", atlas["id"], "--json").stdout)
    assert out["changed"] == ["aliases"]
    reopened = json.loads(log.read_text().splitlines()[1])["text"]
    assert (
        f"a customer named 'lumen' is already in the register ({lumen['id']} 'Lumen Health Systems' goes by that name)"
        in reopened
    )
    assert "aliases: [Atlas, AF]\n" in (kb / atlas["path"]).read_text()


def test_a_kept_text_saved_unchanged_is_checked_and_committed(kb: Path, tmp_path: Path, doc: dict) -> None:
    """A text reopened from an earlier edit has no problems of its own: saving it as it is commits it."""
    code, out, _ = edit_on_a_pty(kb, tmp_path, doc["id"], [["## What we heard", "## What we heard\n\nKept.", 3]])
    assert code == 1 and "your text is kept in" in out
    commits = commit_count(kb)
    code, out, seen = edit_on_a_pty(kb, tmp_path, doc["id"], ["same"])
    assert code == 0 and "saved again with its problems" not in out, out
    assert "your unsaved text from an earlier pmops edit" in seen[0]["text"]
    assert "Kept." in (kb / doc["path"]).read_text() and commit_count(kb) == commits + 1


def test_a_kept_text_never_undoes_a_newer_change(pmops, kb: Path, tmp_path: Path, doc: dict) -> None:
    """The document changed (pmops set) after an edit left its text: the next edit opens the document
    as it is now, says where the earlier text went, and saving never reverts the newer change."""
    code, out, _ = edit_on_a_pty(kb, tmp_path, doc["id"], ["invalid", "same"])
    assert code == 1
    pmops("set", doc["id"], "confidence=high")
    commits = commit_count(kb)
    code, out, seen = edit_on_a_pty(kb, tmp_path, doc["id"], ["same"])
    assert code == 0, out
    first = seen[0]["text"]
    assert first.startswith("<!-- pmops: not saved: the document changed since your earlier pmops edit")
    assert "confidence: high" in first and "Typed by hand." not in first
    assert "did not change" not in first
    assert "the document changed since your earlier pmops edit" in " ".join(out.split())
    assert "confidence: high" in (kb / doc["path"]).read_text() and commit_count(kb) == commits
    aside = next((kb / ".git" / "pmops" / "edit").glob("*.earlier-1.md"))
    assert "Typed by hand." in aside.read_text()
    # a later edit opens the document itself: the earlier text stays aside, not reopened
    code, out, seen = edit_on_a_pty(kb, tmp_path, doc["id"], [["Export is hidden", "Export is buried"]])
    assert code == 0 and "<!-- pmops" not in seen[0]["text"] and aside.exists()
    assert "confidence: high" in (kb / doc["path"]).read_text()


def test_a_kept_text_is_found_by_id_after_pmops_mv_and_git_mv(pmops, kb: Path, tmp_path: Path, doc: dict) -> None:
    """A rename (pmops's or git's) changes the path, never the id: the next edit still finds the earlier
    text, and names where it went, as after any newer change."""
    code, out, _ = edit_on_a_pty(kb, tmp_path, doc["id"], ["invalid", "same"])
    assert code == 1 and "your text is kept in" in out
    moved = pmops("mv", doc["id"], "Export is buried in settings").stderr
    assert "an unsaved pmops edit of it is kept in " in moved and f"the next pmops edit {doc['id']} names it" in moved
    code, out, seen = edit_on_a_pty(kb, tmp_path, doc["id"], ["same"])
    assert seen[0]["text"].startswith("<!-- pmops: not saved: the document changed since your earlier pmops edit")
    aside = next((kb / ".git" / "pmops" / "edit").glob("*.earlier-1.md"))
    assert "Typed by hand." in aside.read_text()
    code, out, _ = edit_on_a_pty(kb, tmp_path, doc["id"], ["invalid", "same"])  # kept again, then git mv
    assert code == 1
    (kb / "insights" / "old").mkdir()
    git(kb, "mv", doc["path"].replace("hidden", "buried-in-settings"), "insights/old/export.md")
    git(kb, "commit", "-qm", "moved by hand")
    code, out, seen = edit_on_a_pty(kb, tmp_path, doc["id"], ["fix"])
    assert code == 0, out
    assert "your unsaved text from an earlier pmops edit" in seen[0]["text"] and "Typed by hand." in seen[0]["text"]
    assert "Typed by hand." in (kb / "insights" / "old" / "export.md").read_text()


def test_a_kept_text_an_earlier_pmops_named_by_path_is_not_orphaned(kb: Path, tmp_path: Path, doc: dict) -> None:
    """A copy named by a path the document had (a pmops before copies were named by id): found by its id,
    and, as nothing says what it was made from, moved aside and named, never lost nor reopened over."""
    folder = kb / ".git" / "pmops" / "edit"
    folder.mkdir(parents=True, exist_ok=True)
    old_title = doc["path"].replace("/", "--").replace("hidden", "gone")  # named by a path it had before
    (folder / old_title).write_text((kb / doc["path"]).read_text() + "\nTyped long ago.\n")
    _, _, seen = edit_on_a_pty(kb, tmp_path, doc["id"], ["same"])
    assert seen[0]["text"].startswith("<!-- pmops: not saved: the document changed since your earlier pmops edit")
    aside = next(folder.glob("*.earlier-1.md"))
    assert "Typed long ago." in aside.read_text() and not (folder / old_title).exists()


def test_a_field_out_of_order_with_another_is_not_saved_as_set_refuses_it(pmops, kb: Path, tmp_path: Path) -> None:
    # As tool add and set refuse it: more seats used than bought (found by a new user, in set).
    made = json.loads(pmops("tool", "add", "Heap", "--category", "analytics", "--seats", "10", "--seats-used", "5",
                            "--json").stdout)  # fmt: skip
    commits = commit_count(kb)
    code, out, seen = edit_on_a_pty(kb, tmp_path, made["id"], [["seats_used: 5", "seats_used: 12"],
                                                               ["seats_used: 12", "seats_used: 8"]])  # fmt: skip
    assert code == 0, out
    assert seen[1]["text"].startswith("<!-- pmops: not saved: seats_used: 12 is more than the tool's seats (10)")
    assert "seats_used: 8" in (kb / made["path"]).read_text() and commit_count(kb) == commits + 1


def test_front_matter_that_is_not_yaml_is_said_plainly_with_its_line(kb: Path, tmp_path: Path, doc: dict) -> None:
    """A field without its ':' (the parser's 'while scanning a simple key … could not find expected ':''): one
    plain line naming the file's line and the line as written, as lint says it."""
    code, _, seen = edit_on_a_pty(kb, tmp_path, doc["id"], [["source: interview", "source interview"], "empty"])
    assert code == 1
    shown = seen[1]["text"].splitlines()
    number = next(n for n, line in enumerate(seen[0]["text"].splitlines(), 1) if line == "source: interview")
    assert shown[0] == (
        f"<!-- pmops: not saved: {doc['path']}:{number}: invalid YAML: 'source interview' is not 'field: value' "
        "(a ':' is missing) -->"
    )
    assert "scanning" not in seen[1]["text"] and "expected" not in seen[1]["text"]
    path = kb / doc["path"]
    path.write_text(path.read_text().replace("source: interview", "source interview"))
    linted = subprocess.run([PMOPS, "--kb", str(kb), "lint", "--json"], capture_output=True, text=True, check=False)
    (finding,) = json.loads(linted.stdout)
    assert (finding["rule"], finding["line"]) == ("frontmatter-invalid", number)
    assert finding["message"] == "invalid YAML: 'source interview' is not 'field: value' (a ':' is missing)"


def test_a_field_added_by_hand_that_the_type_has_not_is_a_problem_as_set_says_it(
    kb: Path, tmp_path: Path, doc: dict
) -> None:
    """A typo'd field name (sentimnet) was committed silently while `pmops set` refuses it; an unknown tag's hint
    names a command that adds it, not the --new-tag option edit has not."""
    code, _, seen = edit_on_a_pty(
        kb,
        tmp_path,
        doc["id"],
        [["source: interview", "source: interview\nsentimnet: negative\ntags: [zzqx]"], "empty"],
    )
    assert code == 1
    shown = seen[1]["text"]
    assert "<!-- pmops: not saved: 'sentimnet': an insight has no field 'sentimnet' -->" in shown
    assert "<!-- pmops: hint: did you mean 'sentiment'? -->" in shown
    assert f"add it first: pmops set {doc['id']} --add-tag zzqx --new-tag" in shown


def _broken(kb: Path, doc: dict) -> bytes:
    """The document with front-matter YAML that does not parse (an unclosed bracket), committed."""
    path = kb / doc["path"]
    path.write_text(path.read_text().replace("source: interview", "source: [interview"))
    git(kb, "commit", "-qam", "broken by hand")
    return path.read_bytes()


@pytest.mark.parametrize("how", ["id", "prefix", "path"])
def test_a_document_whose_front_matter_does_not_parse_opens_with_why_and_is_saved_once_mended(
    kb: Path, tmp_path: Path, doc: dict, how: str
) -> None:
    broken, commits = _broken(kb, doc), commit_count(kb)
    ref = {"id": doc["id"], "prefix": doc["id"][:-1], "path": doc["path"]}[how]
    steps = [["source: [interview", "source: telepathy"], ["source: telepathy", "source: survey"]]
    code, out, seen = edit_on_a_pty(kb, tmp_path, ref, steps)
    assert code == 0, out
    first = seen[0]["text"]
    assert first.startswith(f"<!-- pmops: not saved: {doc['path']}:") and "invalid YAML" in first.splitlines()[0]
    assert broken.decode() in first  # the file whole, below the reason
    assert seen[1]["text"].startswith("<!-- pmops: not saved: source: 'telepathy' is not one of")  # then checked
    text = (kb / doc["path"]).read_text()
    assert text == broken.decode().replace("source: [interview", "source: survey")
    assert commit_count(kb) == commits + 1 and git(kb, "status", "--porcelain") == ""
    assert f"Saved insight {doc['id']} (front-matter changed)" in " ".join(out.split())


def test_a_document_that_does_not_parse_saved_as_it_was_changes_nothing(kb: Path, tmp_path: Path, doc: dict) -> None:
    broken, commits = _broken(kb, doc), commit_count(kb)
    code, out, _ = edit_on_a_pty(kb, tmp_path, doc["id"], ["same"])
    assert code == 1 and "saved again with its problems; nothing changed" in " ".join(out.split())
    assert (kb / doc["path"]).read_bytes() == broken and commit_count(kb) == commits
