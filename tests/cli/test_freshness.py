"""Search never shows a document that is not on disk, nor an older state of one that is.

A catch-up that diffs the commit of the last catch-up with HEAD misses a file that
changed and changed back between them: a pmops write indexes its file after its
commit, then `git rm` and a commit, a reset or a checkout put it back as it was. One
example per git operation a team uses, then a state machine (Hypothesis) that mixes
pmops writes with git moves, with and without the search server, and compares every
answer with an index rebuilt from scratch.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from pmops.search import client
from tests.conftest import examples, git


def paths(pmops, query: str) -> list[str]:
    """The paths `pmops search --json` answers with."""
    out = pmops("search", query, "--json", "--limit", "100").stdout
    return sorted(hit["path"] for hit in json.loads(out))


def add(pmops, title: str, *options: str) -> str:
    """`pmops insight add`; the path it wrote."""
    out = pmops("insight", "add", "--title", title, "--source", "interview", *options, "--json").stdout
    return json.loads(out)["path"]


@pytest.fixture
def indexed(pmops, kb: Path) -> Path:
    """A KB whose index exists (a write then only updates it: the case that went wrong)."""
    pmops("index")
    return kb


# -- one example per git operation ---------------------------------------------------------


def test_git_rm_and_commit_after_a_write(pmops, indexed: Path) -> None:
    phantom = add(pmops, "Phantom wombat")  # no search in between: the write alone indexed it
    git(indexed, "rm", "-q", "--", phantom)
    git(indexed, "commit", "-qm", "not a real insight")
    sync = json.loads(pmops("index", "--json").stdout)
    assert (sync["added"], sync["modified"], sync["removed"]) == (0, 0, 1)
    assert paths(pmops, "wombat") == []


def test_a_commit_that_puts_back_what_a_write_changed(pmops, indexed: Path) -> None:
    process = json.loads(pmops("process", "new", "Launch wombats", "--kind", "launch-checklist", "--json").stdout)
    pmops("set", process["id"], "date=2020-01-01", "last_reviewed=2020-01-01")  # written long ago
    pmops("index")  # the index's commit now has the process, reviewed then
    pmops("process", "review", process["id"], "--today", "2021-03-01")
    git(indexed, "checkout", "HEAD~1", "--", process["path"])  # the review undone by hand
    git(indexed, "commit", "-qm", "not reviewed after all")
    assert paths(pmops, "last_reviewed:2021-03-01") == []
    assert paths(pmops, "wombats") == [process["path"]]


def test_git_mv_after_a_write(pmops, indexed: Path) -> None:
    written = add(pmops, "Wandering wombat")
    git(indexed, "mv", written, "insights/moved.md")
    git(indexed, "commit", "-qm", "moved")
    assert paths(pmops, "wombat") == ["insights/moved.md"]


def test_git_revert_of_a_write(pmops, indexed: Path) -> None:
    add(pmops, "Reverted wombat")
    git(indexed, "revert", "--no-edit", "HEAD")
    assert paths(pmops, "wombat") == []


def test_git_reset_after_a_write(pmops, indexed: Path) -> None:
    add(pmops, "Reset wombat")
    git(indexed, "reset", "-q", "--hard", "HEAD~1")
    assert paths(pmops, "wombat") == []


def test_git_checkout_of_an_older_commit_and_back(pmops, indexed: Path) -> None:
    written = add(pmops, "Time-travelling wombat")
    git(indexed, "checkout", "-q", "HEAD~1")
    assert paths(pmops, "wombat") == []
    git(indexed, "checkout", "-q", "main")
    assert paths(pmops, "wombat") == [written]


def test_git_stash_and_pop_of_a_write_not_committed(pmops, indexed: Path) -> None:
    written = add(pmops, "Stashed wombat", "--no-commit")
    git(indexed, "stash", "push", "-q", "--include-untracked")
    assert paths(pmops, "wombat") == []
    git(indexed, "stash", "pop", "-q")
    assert paths(pmops, "wombat") == [written]


def test_git_pull_of_a_commit_that_deletes_a_write(pmops, indexed: Path, tmp_path: Path) -> None:
    remote, other = tmp_path / "remote.git", tmp_path / "other"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(indexed, "remote", "add", "origin", str(remote))
    written = add(pmops, "Pulled-away wombat")
    git(indexed, "push", "-q", "origin", "main")
    git(tmp_path, "clone", "-q", str(remote), str(other))
    git(other, "rm", "-q", "--", written)  # a teammate removes it
    git(other, "commit", "-qm", "duplicate")
    git(other, "push", "-q", "origin", "main")
    git(indexed, "pull", "-q", "origin", "main")
    assert not (indexed / written).exists()
    assert paths(pmops, "wombat") == []


def test_git_commit_amend_that_drops_a_write(pmops, indexed: Path) -> None:
    written = add(pmops, "Amended wombat")
    git(indexed, "rm", "-q", "--", written)
    (indexed / "notes.md").write_text("# Numbat notes\n\nWhat the wombat insight should have been.\n")
    git(indexed, "add", "notes.md")
    git(indexed, "commit", "-q", "--amend", "--no-edit")
    assert paths(pmops, "wombat") == ["notes.md"]
    assert paths(pmops, "numbat") == ["notes.md"]


def test_git_rebase_that_drops_a_write(pmops, indexed: Path) -> None:
    add(pmops, "Rebased wombat")
    git(indexed, "rebase", "-q", "--onto", "HEAD~1", "HEAD")  # the branch without its last commit
    assert paths(pmops, "wombat") == []


def test_a_write_while_the_index_lags_behind_git(pmops, indexed: Path) -> None:
    """The index's commit is older than the write's parent (a commit by hand, not caught up):
    a reset past both undoes both."""
    page = indexed / "page.md"
    page.write_text("# Page\n\nAbout quokkas.\n")
    git(indexed, "add", "page.md")
    git(indexed, "commit", "-qm", "page")
    add(pmops, "Lagging wombat")
    git(indexed, "reset", "-q", "--hard", "HEAD~2")
    assert paths(pmops, "wombat") == [] and paths(pmops, "quokkas") == []


def test_a_write_killed_after_indexing_leaves_its_file_to_be_read_again(
    pmops, indexed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index names a write's file unsettled before Whoosh commits it: a process that dies
    between the two (here: no manifest can be saved once the file is indexed) loses nothing."""
    from whoosh import index as whoosh_index

    from pmops.search.freshness import Freshness

    documents = lambda: whoosh_index.open_dir(str(indexed / ".git" / "pmops" / "index")).doc_count()  # noqa: E731
    before, save = documents(), Freshness.save

    def dies_once_indexed(self, manifest: dict) -> None:
        if documents() > before:
            raise OSError("killed")
        save(self, manifest)

    with monkeypatch.context() as patched:
        patched.setattr(Freshness, "save", dies_once_indexed)
        written = add(pmops, "Half-recorded wombat")
    assert documents() == before + 1, "the write indexed its file"
    git(indexed, "rm", "-q", "--", written)
    git(indexed, "commit", "-qm", "gone")
    assert paths(pmops, "wombat") == []


def test_a_file_changed_while_the_index_reads_it_is_read_again(
    pmops, indexed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A catch-up starts `git status`, then reads while git runs; a file changed after git looked
    and before the index read it must be read again, even once it is back as git saw it."""
    from pmops.kb import KnowledgeBase
    from pmops.search.freshness import Freshness

    page = indexed / "page.md"
    page.write_text("# Page\n\nAbout quokkas.\n")
    git(indexed, "add", "page.md")
    git(indexed, "commit", "-qm", "page")  # not caught up yet: the next catch-up reads page.md
    time.sleep(0.2)  # long enough ago that only the change below counts as recent
    start = Freshness.start

    def start_then_change(self: Freshness) -> object:
        status = start(self)  # the real `git status`
        status.proc.wait()  # git has looked: page.md is clean
        page.write_text("# Page\n\nAbout numbats.\n")  # then it changes, and the catch-up reads this
        return status

    monkeypatch.setattr(Freshness, "start", start_then_change)
    KnowledgeBase.open(indexed).index.refresh()
    monkeypatch.setattr(Freshness, "start", start)
    git(indexed, "checkout", "--", "page.md")  # back as git saw it: git status says nothing
    assert paths(pmops, "quokkas") == ["page.md"]
    assert paths(pmops, "numbats") == []


def test_a_file_left_uncommitted_is_read_once_then_again_when_it_changes(pmops, indexed: Path) -> None:
    """A document edited and not committed (a user's edits in their editor) is read by the next
    catch-up; later searches see it unchanged since (its stat) and neither read it nor write the
    manifest; an edit, even of the same size, is read again, and so is the file put back."""
    page = indexed / "page.md"
    page.write_text("# Page\n\nAbout quokkas.\n")
    git(indexed, "add", "page.md")
    git(indexed, "commit", "-qm", "page")
    pmops("index")
    page.write_text("# Page\n\nAbout numbats.\n")  # dirty from now on
    time.sleep(0.2)  # older than the next `git status`: not racy
    assert paths(pmops, "numbats") == ["page.md"]
    manifest = indexed / ".git" / "pmops" / "index-manifest.json"
    saved = manifest.stat().st_mtime_ns, manifest.read_bytes()
    assert json.loads(saved[1])["seen"].keys() == {"page.md"}
    assert paths(pmops, "numbats") == ["page.md"] and paths(pmops, "quokkas") == []
    assert (manifest.stat().st_mtime_ns, manifest.read_bytes()) == saved, "nothing to catch up: nothing written"
    page.write_text("# Page\n\nAbout wombats.\n")  # the same size, another word
    assert paths(pmops, "wombats") == ["page.md"] and paths(pmops, "numbats") == []
    git(indexed, "checkout", "--", "page.md")  # back as committed: clean again
    assert paths(pmops, "quokkas") == ["page.md"] and paths(pmops, "wombats") == []


# -- random sequences of pmops writes and git moves ------------------------------------------
#
# Every document holds words no other holds (zqbx, zqcx…: one per write or edit), so an
# index that keeps a deleted file or an older state of one answers differently. After every
# step the KB's files are copied into a folder without git and indexed from scratch there:
# `pmops search --json` (or the server) for all the words and tags ever written must answer
# as that index does, and the two indexes must hold the same documents with the same content.

_TEMPLATES: dict[str, tuple[Path, dict[str, str]]] = {}
RANDOM_ID = re.compile(r"[a-z]{3}-\d{6}-[0-9a-z]{4}-")  # ins-261202-s94c-: the slug after it is unique here
WRITES = ("insight_add", "insight_import", "tags_rename", "process_review", "checklist_tick")
MOVES = st.lists(st.tuples(st.sampled_from(["edit_by_hand", "rm", "mv", "commit", "revert", "reset", "checkout_older",
                                            "checkout_back", "stash", "stash_pop", "amend"]), st.integers(0, 99)),
                 max_size=3)  # fmt: skip


def template_kb(tmp_path_factory: pytest.TempPathFactory, pmops) -> tuple[Path, dict[str, str]]:
    """A small KB (a launch process, a run of its checklist, an insight), indexed; made once."""
    from pmops import scaffold

    if "kb" not in _TEMPLATES:
        root = tmp_path_factory.mktemp("template") / "kb"
        scaffold.init(root, "Freshness")
        kb = ("--kb", str(root))
        made = pmops(*kb, "process", "new", "Launch zqlaunch", "--kind", "launch-checklist", "--json").stdout
        process = json.loads(made)
        # Written long ago, so that reviews on days that have come can move forward (never after today).
        pmops(*kb, "set", process["id"], "date=2020-01-01", "last_reviewed=2020-01-01")
        run = json.loads(pmops(*kb, "checklist", "start", process["id"], "--for", "Zqrelease", "--json").stdout)
        pmops(*kb, "insight", "add", "--title", "Insight zqfirst", "--source", "interview", "--tag", "pricing")
        pmops(*kb, "index")
        _TEMPLATES["kb"] = root, {"process": process["id"], "run": run["id"]}
    return _TEMPLATES["kb"]


def answer_of(search) -> set[tuple] | tuple[str, str]:
    """What a search answered: its hits' rows, or the one line it was refused with (exit 2)."""
    from pmops.errors import PmopsError

    try:
        return search()
    except PmopsError as refused:
        assert refused.exit_code == 2, refused
        return ("refused", f"error: {refused}")


def first_line(stderr: str) -> str:
    return stderr.strip().splitlines()[0]


def hit_rows(hits) -> set[tuple]:
    import datetime as dt

    if hits and isinstance(hits[0], dict):
        return {(h["path"], h["id"], h["type"], h["title"], dt.date.fromisoformat(h["date"]) if h["date"] else None)
                for h in hits}  # fmt: skip
    return {(h.path, h.id, h.type, h.title, h.date) for h in hits}


def stored_documents(root: Path) -> dict[str, tuple]:
    """Every document the KB's index holds: path -> (id, type, title, content hash)."""
    from whoosh import index as whoosh_index

    from pmops.kb import KnowledgeBase

    ix = whoosh_index.open_dir(str(KnowledgeBase.open(root).index_dir))
    with ix.searcher() as searcher:
        return {f["path"]: (f.get("id"), f.get("type"), f.get("title"), f.get("sha"))
                for f in searcher.all_stored_fields()}  # fmt: skip


def freshness_machine(base: Path, template: Path, ids: dict[str, str], pmops, *, served: bool):
    class Freshness(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.top = Path(tempfile.mkdtemp(dir=base, prefix=""))  # short: the server's socket is in it
            self.root = self.top / "kb"
            shutil.copytree(template, self.root, symlinks=True)
            self.kb = ("--kb", str(self.root))
            self.terms = {"zqlaunch", "zqrelease", "zqfirst", "tag:pricing"}
            self.tags = ["pricing"]
            self.n = 0
            self.files: dict[str, bytes] | None = None  # what the reference index was built from
            self.code = client.fingerprint()
            self.server = start_server(self.root) if served else None

        def teardown(self) -> None:
            if self.server is not None:
                stop_server(self.server)
            shutil.rmtree(self.top, ignore_errors=True)

        def word(self) -> str:
            self.n += 1
            word = "zq" + "".join("abcdefghij"[int(d)] for d in str(self.n)) + "x"
            self.terms.add(word)
            return word

        def git(self, *args: str) -> str | None:
            """Run git; its output, or None when it refused (then nothing is left half done)."""
            done = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, check=False)
            if (self.root / ".git" / "REVERT_HEAD").exists():
                subprocess.run(["git", "revert", "--abort"], cwd=self.root, capture_output=True, check=False)
            if subprocess.run(["git", "ls-files", "--unmerged"], cwd=self.root, capture_output=True, text=True).stdout:
                subprocess.run(["git", "reset", "-q", "--hard"], cwd=self.root, check=True)  # a pop that conflicted
            return done.stdout if done.returncode == 0 else None

        def documents(self) -> list[str]:
            """The tracked documents, in an order that does not depend on the random part of ids
            (a step replayed by Hypothesis picks the same document)."""
            listed = (self.git("ls-files", "--", "*.md") or "").split("\n")
            return sorted((p for p in listed if p and (self.root / p).exists()), key=lambda p: RANDOM_ID.sub("", p))

        def commits(self) -> int:
            return int((self.git("rev-list", "--count", "HEAD") or "0").strip())

        def pmops(self, *args: str) -> None:
            pmops(*self.kb, *args, code=None)  # refused (a tag gone after a reset, say): nothing written

        # pmops writes

        def insight_add(self, pick: int) -> None:
            tag, uncommitted = self.tags[pick % len(self.tags)], ["--no-commit"] if pick % 3 == 0 else []
            self.pmops("insight", "add", "--title", f"Insight {self.word()}", "--source", "interview",
                       "--tag", tag, *uncommitted)  # fmt: skip

        def insight_import(self, pick: int) -> None:
            csv = self.top / "rows.csv"
            csv.write_text(f"title,quote\nImported {self.word()},They said {self.word()}\n")
            self.pmops("insight", "import", str(csv), "--source", "survey")

        def tags_rename(self, pick: int) -> None:
            new = f"topic-{self.word()}"
            self.terms.add(f"tag:{new}")
            self.pmops("tags", "rename", self.tags[pick % len(self.tags)], new)
            self.tags.append(new)

        def process_review(self, pick: int) -> None:
            self.n += 1
            day = f"2021-{1 + self.n // 28 % 12:02d}-{1 + self.n % 28:02d}"
            self.terms.add(f"last_reviewed:{day}")
            self.pmops("process", "review", ids["process"], "--today", day)

        def checklist_tick(self, pick: int) -> None:
            self.pmops("checklist", "tick", ids["run"], str(1 + pick % 19))

        # git moves (and edits by hand, so that commits have something to move)

        def edit_by_hand(self, pick: int) -> None:
            docs = self.documents()
            if docs:
                with (self.root / docs[pick % len(docs)]).open("a") as handle:
                    handle.write(f"\nEdited: {self.word()}\n")

        def rm(self, pick: int) -> None:
            docs = self.documents()
            if docs:
                self.git("rm", "-q", "--", docs[pick % len(docs)])

        def mv(self, pick: int) -> None:
            docs = self.documents()
            if docs:
                source = docs[pick % len(docs)]
                self.git("mv", "--", source, str(Path(source).with_name(f"moved-{self.word()}.md")))

        def commit(self, pick: int) -> None:
            self.git("add", "-A")
            self.git("commit", "-qm", "by hand")

        def revert(self, pick: int) -> None:
            if self.commits() > 1:  # the KB's first commit (pmops.yaml) stays
                self.git("revert", "--no-edit", "HEAD")

        def reset(self, pick: int) -> None:
            if self.commits() > 1:
                self.git("reset", "-q", "--hard" if pick % 2 else "--mixed", "HEAD~1")

        def checkout_older(self, pick: int) -> None:
            if self.commits() > 1:
                self.git("checkout", "-q", f"HEAD~{1 + pick % min(4, self.commits() - 1)}")

        def checkout_back(self, pick: int) -> None:
            self.git("checkout", "-q", "main")

        def stash(self, pick: int) -> None:
            self.git("stash", "push", "-q", "--include-untracked")

        def stash_pop(self, pick: int) -> None:
            self.git("stash", "pop", "-q")

        def amend(self, pick: int) -> None:
            self.git("add", "-A")
            self.git("commit", "-q", "--amend", "--no-edit", "--allow-empty")

        # the steps: a pmops write then git moves (a search in between would catch the index up,
        # and hide what a write leaves behind), or git moves alone

        @rule(write=st.sampled_from(WRITES), pick=st.integers(0, 99), moves=MOVES)
        def write_then_move(self, write: str, pick: int, moves: list[tuple[str, int]]) -> None:
            getattr(self, write)(pick)
            self.move(moves)

        @rule(moves=MOVES)
        def move(self, moves: list[tuple[str, int]]) -> None:
            for move, pick in moves:
                getattr(self, move)(pick)

        # after every step

        @invariant()
        def answers_equal_a_rebuild(self) -> None:
            reference = self.reference()
            query = " OR ".join(sorted(self.terms))
            # A query naming a tag no document has any more (a rename, then a checkout) is refused
            # (exit 2) when it finds nothing: the same refusal, from the same index state, counts too.
            if served:
                answer = answer_of(lambda: hit_rows(self.served(query)))
            else:
                done = pmops(*self.kb, "search", query, "--json", "--limit", "100", code=None)
                assert done.exit_code in (0, 2), done.stderr
                answer = (
                    hit_rows(json.loads(done.stdout)) if done.exit_code == 0 else ("refused", first_line(done.stderr))
                )
            from pmops.kb import KnowledgeBase

            rebuilt = KnowledgeBase.open(reference).index
            assert answer == answer_of(lambda: hit_rows(rebuilt.search(query, limit=100, catch_up=False).hits))
            assert stored_documents(self.root) == stored_documents(reference)

        def reference(self) -> Path:
            """A copy of the KB's files without git, indexed from scratch (again only when they changed)."""
            reference = self.top / "reference"
            files = {p.relative_to(self.root).as_posix(): p.read_bytes() for p in self.root.rglob("*")
                     if p.is_file() and ".git" not in p.relative_to(self.root).parts}  # fmt: skip
            if files != self.files:
                from pmops.kb import KnowledgeBase

                shutil.rmtree(reference, ignore_errors=True)
                shutil.copytree(self.root, reference, symlinks=True, ignore=shutil.ignore_patterns(".git"))
                KnowledgeBase.open(reference).index.refresh(rebuild=True)
                self.files = files
            return reference

        def served(self, query: str) -> list:
            """The search server's answer: it must answer (a server steps aside when pmops' own files
            change, as they may while the test runs in a working copy: then a new one must answer)."""
            for _ in range(2):
                pending = client.ask(str(self.root), query, doc_type=None, tag=None, since=None, limit=100)
                results = pending.results(wait=30) if pending else None  # a command gives up sooner
                if results is not None:
                    return results.hits
                if client.fingerprint() == self.code:
                    break
                stop_server(self.server)
                self.code = client.fingerprint()
                self.server = start_server(self.root)
            raise AssertionError("the search server did not answer")

    return Freshness


def start_server(root: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "pmops.search.server", str(root), "--idle", "60"])
    deadline = time.monotonic() + 15
    while not client.answering(root):
        assert proc.poll() is None and time.monotonic() < deadline, "the search server did not start"
        time.sleep(0.02)
    return proc


def stop_server(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait()


MACHINE = {"deadline": None, "suppress_health_check": list(HealthCheck), "report_multiple_bugs": False}


@pytest.mark.heavy
def test_random_writes_and_git_moves_match_a_rebuild(
    pmops, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    template, ids = template_kb(tmp_path_factory, pmops)
    machine = freshness_machine(tmp_path, template, ids, pmops, served=False)
    run_state_machine_as_test(machine, settings=settings(max_examples=examples(4), stateful_step_count=10, **MACHINE))


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="the search server needs Unix sockets")
@pytest.mark.heavy
def test_random_writes_and_git_moves_match_a_rebuild_with_the_server(
    pmops, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    template, ids = template_kb(tmp_path_factory, pmops)
    machine = freshness_machine(tmp_path, template, ids, pmops, served=True)
    run_state_machine_as_test(machine, settings=settings(max_examples=examples(3), stateful_step_count=8, **MACHINE))
