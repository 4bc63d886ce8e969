"""The search server: real processes, a real socket, real git and Whoosh (Linux and macOS)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pmops.search import client, watcher
from tests.conftest import PMOPS, git, indexed_example

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="the search server needs Unix sockets")


def wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def start_server(kb: Path, *args: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "pmops.search.server", str(kb), *args])
    assert wait_for(lambda: client.answering(kb) or proc.poll() is not None), "the server did not start"
    return proc


def served(kb: Path, query: str, **options) -> list[str]:
    """Paths the server answers with (it must answer)."""
    pending = client.ask(str(kb), query, **{"doc_type": None, "tag": None, "since": None, "limit": 50, **options})
    assert pending is not None, "no server listening"
    results = pending.results(wait=30)  # a loaded machine: the command itself would give up after ANSWER_WAIT
    assert results is not None, "the server did not answer"
    return sorted(hit.path for hit in results.hits)


@pytest.fixture
def served_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The example KB with `search_server: always` committed and its index built (the server never
    builds it; `indexed_example`), a server started on it."""
    example_kb = indexed_example(tmp_path / "example", served=True)
    monkeypatch.chdir(example_kb)
    proc = start_server(example_kb, "--idle", "60")
    yield example_kb
    stop(example_kb)  # whichever server is listening by now
    proc.kill()
    proc.wait()


def test_the_server_sees_hand_edits_deletions_and_pulls(served_kb: Path, tmp_path: Path) -> None:
    kb = served_kb
    thermal = next((kb / "insights").glob("*thermal-paper.md"))
    assert "insights/" + thermal.name in served(kb, "thermal")
    # A second clone pushes a new insight; this KB pulls it.
    remote = tmp_path / "remote.git"
    git(kb, "init", "-q", "--bare", str(remote))
    git(kb, "remote", "add", "origin", str(remote))
    git(kb, "push", "-q", "origin", "HEAD:main")
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    (other / "insights" / "ins-261101-zzzz-pulled.md").write_text(
        "---\nid: ins-261101-zzzz\ntitle: Pulled about wombats\ndate: 2026-11-01\nsource: survey\n---\n\nWombats.\n"
    )
    git(other, "add", ".")
    git(other, "commit", "-qm", "wombats")
    git(other, "push", "-q", "origin", "HEAD:main")
    assert served(kb, "wombats") == []
    git(kb, "pull", "-q", "origin", "main")
    assert served(kb, "wombats") == ["insights/ins-261101-zzzz-pulled.md"]
    # By hand: an edit, a deletion, a new file in a new folder.
    edited = thermal
    edited.write_text(edited.read_text().replace("fuel stations", "fuel stations by the quokka pen"))
    assert served(kb, "quokka") == ["insights/" + edited.name]
    edited.unlink()
    assert served(kb, "quokka") == []
    (kb / "notes" / "deep").mkdir(parents=True)
    (kb / "notes" / "deep" / "page.md").write_text("# Quokka notes\n")
    assert served(kb, "quokka") == ["notes/deep/page.md"]
    (kb / "notes" / "deep" / "page.md").write_text("# Numbat notes\n")  # in a folder made after the server started
    assert served(kb, "quokka") == [] and served(kb, "numbat") == ["notes/deep/page.md"]


def test_the_command_uses_the_server_and_its_errors(served_kb: Path, pmops) -> None:
    out = json.loads(pmops("search", "thermal", "--json").stdout)
    assert out and out[0]["title"] == "Receipt capture fails on crumpled thermal paper"
    bad = pmops("search", "x" * 2000, code=2)
    assert "longer than 1024 bytes" in bad.stderr
    assert client.listening(served_kb)  # an error answer does not stop the server


def test_a_search_starts_the_server_as_configured(example_kb: Path) -> None:
    run = lambda: subprocess.run([PMOPS, "search", "thermal"], cwd=example_kb, capture_output=True, check=True)  # noqa: E731
    run()  # `auto`, and a small KB: no server
    time.sleep(1.0)
    assert not client.listening(example_kb)
    with (example_kb / "pmops.yaml").open("a") as handle:
        handle.write("search_server: always\n")
    run()
    try:
        assert wait_for(lambda: client.answering(example_kb))
        assert served(example_kb, "thermal")
    finally:
        stop(example_kb)


def stop(kb: Path) -> None:
    """Make the KB's server leave: a question from other code does."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            with client.reachable(client.address_of(kb)) as where:
                conn.connect(where)
            conn.sendall(b'{"fingerprint": "other"}\n')
            conn.shutdown(socket.SHUT_WR)
            conn.recv(100)
    except OSError:
        pass  # none was listening
    assert wait_for(lambda: not client.address_of(kb).exists())


def test_other_code_or_settings_off_stop_the_server(served_kb: Path) -> None:
    path = client.address_of(served_kb)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:  # a client of another pmops version
        conn.connect(str(path))
        conn.sendall(json.dumps({"query": "thermal", "fingerprint": "0.0.0:1"}).encode() + b"\n")
        conn.shutdown(socket.SHUT_WR)
        assert json.loads(conn.recv(1 << 16)) == {"fallback": True}
    assert wait_for(lambda: not path.exists())
    again = start_server(served_kb)
    text = (served_kb / "pmops.yaml").read_text().replace("search_server: always", "search_server: off")
    (served_kb / "pmops.yaml").write_text(text)
    pending = client.ask(str(served_kb), "thermal", doc_type=None, tag=None, since=None, limit=5)
    assert pending is not None and pending.results() is None  # "search yourself"
    assert wait_for(lambda: not path.exists())
    assert again.wait(timeout=10) == 0


def test_one_server_per_kb_and_a_killed_one_is_replaced(served_kb: Path, pmops) -> None:
    second = subprocess.run([sys.executable, "-m", "pmops.search.server", str(served_kb)], timeout=30)
    assert second.returncode == 0  # left at once: one is running
    assert served(served_kb, "thermal")
    pids = subprocess.run(
        ["pgrep", "-f", f"pmops.search.server {served_kb}"], capture_output=True, text=True
    ).stdout.split()
    for pid in pids:
        os.kill(int(pid), signal.SIGKILL)
    assert client.address_of(served_kb).exists()  # a dead server's socket is left behind
    assert json.loads(pmops("search", "thermal", "--json").stdout)  # the command searches itself…
    assert wait_for(lambda: client.answering(served_kb))  # …and starts a new one
    assert served(served_kb, "thermal")


def test_a_deleted_index_is_rebuilt_by_the_command(served_kb: Path, pmops) -> None:
    import shutil

    assert served(served_kb, "thermal")
    shutil.rmtree(served_kb / ".git" / "pmops" / "index")
    pending = client.ask(str(served_kb), "thermal", doc_type=None, tag=None, since=None, limit=5)
    assert pending is not None and pending.results() is None  # the server never rebuilds
    assert json.loads(pmops("search", "thermal", "--json").stdout)[0]["title"].startswith("Receipt capture")
    assert served(served_kb, "thermal")


def test_an_idle_server_exits(example_kb: Path) -> None:
    proc = start_server(example_kb, "--idle", "0.5")
    assert proc.wait(timeout=20) == 0
    assert not client.address_of(example_kb).exists()


def test_the_watcher_sees_every_kind_of_change(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("inotify is Linux's")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.md").write_text("x")
    watching = watcher.Watcher.start(tmp_path)
    assert watching is not None
    assert not watching.quiet()  # unknown until marked
    changes = [
        lambda: (tmp_path / "a" / "x.md").write_text("y"),
        lambda: os.utime(tmp_path / "a" / "x.md", (1, 1)),
        lambda: (tmp_path / "a" / "x.md").rename(tmp_path / "a" / "z.md"),
        lambda: (tmp_path / "a" / "z.md").unlink(),
        lambda: (tmp_path / "b" / "c").mkdir(parents=True),
        lambda: (tmp_path / "b" / "c" / "new.md").write_text("new"),  # inside a folder made after the start
        lambda: (tmp_path / "top.md").write_text("top"),
    ]
    for change in changes:
        watching.mark()
        assert watching.quiet()
        change()
        assert not watching.quiet()
    watching.mark()
    (tmp_path / ".hidden").mkdir()  # hidden folders (.git) are not the KB's
    (tmp_path / ".hidden" / "x").write_text("x")
    assert not watching.quiet()  # creating it is an event in a watched folder…
    watching.mark()
    (tmp_path / ".hidden" / "y").write_text("y")
    assert watching.quiet()  # …what happens inside is not
    watching.close()


def test_a_server_leaves_when_its_kb_is_deleted(indexed_example_kb: Path) -> None:
    import shutil

    example_kb = indexed_example_kb
    proc = start_server(example_kb, "--idle", "12")  # it looks around every 3 s
    shutil.rmtree(example_kb)
    started = time.monotonic()
    assert proc.wait(timeout=30) == 0
    assert time.monotonic() - started < 8  # well before it would have left for idleness


def test_doctor_says_whether_a_server_answers_and_why_not(served_kb: Path) -> None:
    def detail() -> str:
        done = subprocess.run([PMOPS, "doctor", "--json"], cwd=served_kb, capture_output=True, text=True, check=True)
        return next(c["detail"] for c in json.loads(done.stdout) if c["check"] == "search server")

    assert detail().startswith("running (search_server: always)")
    stop(served_kb)
    assert detail().startswith("not running; the next search starts it")
    config = served_kb / "pmops.yaml"
    config.write_text(config.read_text().replace("search_server: always", "search_server: auto"))
    assert detail() == "not used below 5,000 documents (search_server: auto)"
    config.write_text(config.read_text().replace("search_server: auto", "search_server: off"))
    assert detail().startswith("off (search_server: off)")


def test_a_kb_deep_in_the_file_system_gets_its_server(tmp_path: Path) -> None:
    """A Unix socket's address holds ~108 bytes; a KB whose socket path is longer still gets a server."""
    from tests.conftest import EXAMPLE_KB, copy_kb

    kb = copy_kb(EXAMPLE_KB, tmp_path / ("team-" + "x" * 60) / ("product-" + "y" * 60) / "kb")
    assert len(os.fsencode(client.address_of(kb))) > 108
    with (kb / "pmops.yaml").open("a") as handle:
        handle.write("search_server: always\n")
    git(kb, "commit", "-qam", "search server on")
    subprocess.run([PMOPS, "index"], cwd=kb, check=True, capture_output=True)
    proc = start_server(kb, "--idle", "60")
    try:
        assert client.answering(kb)
        assert "insights/ins-260120-jeyn-receipt-capture-fails-on-crumpled-thermal-paper.md" in served(kb, "thermal")
    finally:
        stop(kb)
        proc.kill()
        proc.wait()


def test_the_server_reads_synonyms_and_common_words_as_the_command_does(served_kb: Path) -> None:
    slow = [p for p in served(served_kb, "tag:performance")]
    assert slow and served(served_kb, "perf") == slow and served(served_kb, "x", tag="speed") == []
    pending = client.ask(str(served_kb), "the", doc_type="insight", tag=None, since=None, limit=50)
    assert pending is not None
    results = pending.results(wait=30)
    assert results is not None and results.by_title and results.ignored == ["the"]
    assert results.hits and all(h.type == "insight" and " the " in f" {h.title.lower()} " for h in results.hits)
