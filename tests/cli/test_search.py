"""`pmops search` and `pmops index` on real Whoosh indexes and real git clones."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import CORPORA, PMOPS, copy_kb, git, indexed_example, modules_at_exit

KEYS = {"id", "type", "title", "date", "path", "score", "snippet"}


def hits(pmops, *args: str) -> list[dict]:
    result = pmops("search", *args, "--json")
    data = json.loads(result.stdout)
    for hit in data:
        assert KEYS <= set(hit) <= KEYS | {"ignored"}  # "ignored": the common words a query had
    return data


def titles(pmops, *args: str) -> list[str]:
    return [h["title"] for h in hits(pmops, *args)]


def test_finds_by_body_title_phrase_tag_segment_and_stem(pmops, example_kb: Path) -> None:
    assert "Receipt capture fails on crumpled thermal paper" in titles(pmops, "thermal")  # body and title
    assert titles(pmops, "fuel stations")[0] == "Receipt capture fails on crumpled thermal paper"  # body only
    assert titles(pmops, '"per seat for them"') == ["Per-seat pricing punishes occasional spenders"]
    churn = hits(pmops, "tag:churn-risk", "--limit", "100")
    tagged = git(example_kb, "grep", "-l", "-E", r"^tags: \[.*churn-risk", "--", "insights").split()
    assert sorted(h["path"] for h in churn) == sorted(tagged)
    public = hits(pmops, "segment:public-sector", "--limit", "100")
    assert sorted(h["path"] for h in public) == sorted(  # insights and the customers of the register
        git(example_kb, "grep", "-l", "^segment: public-sector$", "--", "insights", "customers").split()
    )
    # Stemming: the text says "priced", "pricing" and "price"; any form finds all of them.
    assert {t for t in titles(pmops, "priced")} == {t for t in titles(pmops, "pricing")}


def test_operators_fields_and_flags(pmops, example_kb: Path) -> None:
    both = titles(pmops, "thermal OR mileage")
    assert len(both) == 2
    assert titles(pmops, "thermal NOT fuel") == []
    assert titles(pmops, "therm*") == ["Receipt capture fails on crumpled thermal paper"]
    assert titles(pmops, "Tag:Churn-Risk Area:Billing")  # field names and tag values are case-insensitive
    assert {"page", "insight", "process"} <= {h["type"] for h in hits(pmops, "customer", "--limit", "100")}
    assert {h["type"] for h in hits(pmops, "research", "--type", "page")} == {"page"}
    dated = hits(pmops, "approvals", "--since", "2026-09-01")
    assert dated and all(h["date"] >= "2026-09-01" for h in dated)
    ranged = hits(pmops, "date:[2026-03-01 to 2026-03-31]", "--limit", "50")
    assert ranged and all(h["date"].startswith("2026-03") for h in ranged)
    assert len(hits(pmops, "tag:approvals", "--limit", "2")) == 2
    assert hits(pmops, "source:usability-test", "--tag", "confusion")


def test_snippets_are_highlighted_and_plain_in_json(pmops, example_kb: Path) -> None:
    data = hits(pmops, "thermal")
    assert "thermal" in data[0]["snippet"].lower() and "\x02" not in data[0]["snippet"]
    text = pmops("search", "thermal").stdout
    assert "ins-" in text and "Receipt capture" in text and "thermal" in text


def test_a_word_is_found_with_or_without_its_accents(pmops, example_kb: Path) -> None:
    """`lucia` finds Lucía Romero; `cafe` and `CAFÉ` find "Café", also written with separate accent marks
    (as macOS writes them), and the snippet marks the word as written."""
    assert hits(pmops, "lucia")[0]["title"] == hits(pmops, "Lucía")[0]["title"] == "Lucía Romero"
    (example_kb / "insights" / "cafe.md").write_text(
        "---\nid: ins-261203-cafe\ntitle: Café owners want José's export\ntype: insight\n---\n"
        "The naïve export from the cafe\u0301 in Malmo\u0308 fails.\n",
        encoding="utf-8",
    )
    for query in ("cafe", "CAFÉ", "jose", "naive", "malmö", "caf*", '"cafe owners"', "jose's"):
        assert [h["id"] for h in hits(pmops, query)] == ["ins-261203-cafe"], query
    from pmops.kb import KnowledgeBase
    from pmops.search.results import HIT_END, HIT_START

    snippet = KnowledgeBase(example_kb).index.search("naive malmo").hits[0].snippet
    assert f"{HIT_START}naïve{HIT_END}" in snippet and f"{HIT_START}Malmö{HIT_END}" in snippet  # composed
    nfd = unicodedata.normalize("NFD", "Lucía")  # typed on a keyboard that sends the accent apart
    assert hits(pmops, nfd)[0]["title"] == "Lucía Romero"


def test_equal_scores_are_listed_by_path_whatever_order_they_were_indexed_in(pmops, kb: Path) -> None:
    """Whoosh lists equal scores by document number, which depends on when each file was indexed and
    on each rebuild: pmops lists them by path, the same order every time."""
    body = "# Okapi\n\nThe okapi export times out for large okapi accounts.\n"
    names = ["q", "e", "w", "a", "t"]
    for name in names:  # each indexed by the search after it is written: q first
        (kb / f"{name}.md").write_text(body)
        hits(pmops, "okapi")
    every = [f"{name}.md" for name in sorted(names)]
    for limit in range(1, len(names) + 1):  # which of them make the cut, too
        assert [h["path"] for h in hits(pmops, "okapi", "--limit", str(limit))] == every[:limit], limit
    pmops("index", "--rebuild")
    assert [h["path"] for h in hits(pmops, "okapi")] == every


def test_snippets_read_like_text_not_markup(pmops, kb: Path) -> None:
    """Published handbooks hold tables, HTML, template tags and autolinks: a snippet shows their
    text, and a heading introduces what follows it."""
    (kb / "handbook.md").write_text(
        '# Research\n\n{% include note.html %}\n<section class="method--section">\n\n'
        "| Role | Contact |\n|:---|---:|\n| Researcher | <okapi-team@example.org> |\n\n"
        "See [the okapi guide [2]](https://example.org/guide) &amp; {{ page.title }} more.\n</section>\n"
    )
    snippet = hits(pmops, "okapi")[0]["snippet"]
    assert snippet == "Research: Role Contact Researcher okapi-team@example.org See the okapi guide [2] & more."


def test_no_match_is_exit_0_with_a_suggestion(pmops, example_kb: Path) -> None:
    result = pmops("search", "milage claimz")
    assert "no results" in result.stdout and "did you mean: mileage claims" in result.stdout
    assert json.loads(pmops("search", "zzzqqq", "--json").stdout) == []
    assert "did you mean" not in pmops("search", "zzzqqq").stdout


def test_a_brand_new_kb_suggests_nothing_it_does_not_have(pmops, kb: Path) -> None:
    """pmops init's README is the only document: 'foo' is not 'how'; an index of no documents offers nothing."""
    shown = pmops("search", "foo").stdout
    assert shown.startswith("no results") and "did you mean" not in shown, shown
    git(kb, "rm", "-q", "README.md")
    git(kb, "commit", "-qm", "no readme")
    shown = pmops("search", "readme").stdout
    assert shown.startswith("no results") and "did you mean" not in shown, shown


@pytest.mark.parametrize(("typed", "meant"), [
    ("thermal papr", "thermal paper"),  # one letter short; "pair" is as close but finds nothing with "thermal"
    ("aproval workflow", "approval workflow"),  # a word, not the stem "approv"
    ("Onbording AND slak", "Onboarding AND slack"),  # operators and capitals kept
    ("segment:enterprise sfotware", "segment:enterprise software"),  # field names and values kept
    ("therml* papr", "therml* paper"),  # a prefix is kept as typed
    ("acount", "account"),  # a letter left out: not "amount", as close and as long, in fewer documents
])  # fmt: skip
def test_did_you_mean_offers_the_words_that_were_meant(pmops, example_kb: Path, typed: str, meant: str) -> None:
    shown = pmops("search", typed).stdout
    assert f"did you mean: {meant}" in shown, shown


def test_bad_queries_are_exit_2_quickly(pmops, example_kb: Path) -> None:
    start = time.monotonic()
    assert "longer than 1024 bytes" in pmops("search", "pricing " * 2600, code=2).stderr  # ~20 KB
    assert time.monotonic() - start < 2
    assert "query is empty" in pmops("search", "   ", code=2).stderr
    assert pmops("search", "x", "--tag", " ", code=2).stderr.startswith("error: --tag is empty")
    assert pmops("search", "é", code=0).stderr.startswith("only single letters, which the index leaves out (é)")
    # A Latin-1 byte in the command line (Python keeps it as a lone surrogate): said, not a traceback.
    latin1 = subprocess.run([PMOPS, "search", b"caf\xe9"], cwd=example_kb, capture_output=True, check=False)
    assert (latin1.returncode, latin1.stderr.decode().splitlines()[0]) == (
        2,
        "error: the query is not UTF-8 text: it has bytes of another encoding",
    )
    assert "--limit" in pmops("search", "x", "--limit", "0", code=2).stderr
    assert "--since" in pmops("search", "x", "--since", "yesterday-ish", code=2).stderr
    for odd in ['"unclosed', "(((", "tag:", "NOT", "a AND OR b", "*", "date:", "title:"]:
        pmops("search", odd, "--json")  # the parser is forgiving: never a traceback
    assert "cannot understand the query" in pmops("search", "date:[nonsense to]", code=2).stderr


UNREADABLE = [  # (query, what the error says): each crashed, said something internal, or was dropped
    ("file^0", "the boost in 'file^0' is not above 0"),  # ZeroDivisionError, after rebuilding the index
    ("(thermal OR paper)^0.0", "the boost in '(thermal OR paper)^0.0' is not above 0"),
    ("thermal^" + "9" * 400, "the boost in 'thermal^9999999999999999999999999999999…' is too large"),
    ("sha:*", "'sha:' is kept for pmops and cannot be searched"),  # "STORED(…) field has no format"
    ("thermal date:2026-13", "'date:2026-13' is not a date"),  # the date was dropped: every thermal document
    ("date:[2026-01-01 to nonsense]", "'date:[2026-01-01 to nonsense]' is not a date"),  # int() of 'nons'
    ("last_reviewed:someday", "'last_reviewed:someday' is not a date"),
]


def test_a_query_that_cannot_be_understood_is_one_line_and_exit_2(pmops, example_kb: Path) -> None:
    pmops("index")
    index_dir = example_kb / ".git" / "pmops" / "index"
    built = index_dir.stat().st_ino
    for query, said in UNREADABLE:
        result = pmops("search", query, "--json", code=2)
        error, *hint = result.stderr.splitlines()
        assert error == f"error: cannot understand the query: {said}", query
        assert len(hint) == 1 and hint[0].startswith("hint: ") and result.stdout == "", query
        assert index_dir.stat().st_ino == built, query  # a bad query is not a damaged index: nothing rebuilt


def test_what_whoosh_cannot_parse_is_read_as_it_reads_the_rest(pmops, example_kb: Path) -> None:
    """A sign opening the query (`> thermal`) made Whoosh read the node before it from an empty
    list; a NOT with nothing to negate (`NOT NOT thermal`), the first of its no words."""
    thermal = titles(pmops, "thermal")
    assert titles(pmops, "> thermal") == titles(pmops, ">>= thermal") == thermal
    assert titles(pmops, "NOT NOT thermal") == titles(pmops, "thermal NOT NOT fuel") == thermal
    assert titles(pmops, "NOT NOT NOT") == []


def test_the_search_server_refuses_a_bad_query_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server answered `file^0` with "search yourself" (the index looked damaged), and the
    command crashed after rebuilding the index."""
    import socket

    from pmops.errors import PmopsError
    from pmops.search import client

    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("the search server needs Unix sockets")
    example_kb = indexed_example(tmp_path / "example", served=True)  # `search_server: always`, indexed
    monkeypatch.chdir(example_kb)
    proc = subprocess.Popen([sys.executable, "-m", "pmops.search.server", str(example_kb), "--idle", "30"])
    try:
        deadline = time.monotonic() + 15
        while not client.answering(example_kb) and time.monotonic() < deadline:
            time.sleep(0.05)
        pending = client.ask(str(example_kb), "file^0", doc_type=None, tag=None, since=None, limit=20)
        assert pending is not None
        with pytest.raises(PmopsError) as refused:
            pending.results()
        assert refused.value.exit_code == 2 and "the boost in 'file^0' is not above 0" in refused.value.message
        done = subprocess.run(
            [PMOPS, "search", "sha:abc"], cwd=example_kb, check=False, capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 2 and done.stdout == ""
        said = "'sha:' is kept for pmops and cannot be searched"
        assert done.stderr.splitlines()[0] == f"error: cannot understand the query: {said}"
        assert client.answering(example_kb)
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_index_lives_in_git_and_rebuilds_when_missing_or_corrupt(pmops, example_kb: Path) -> None:
    first = json.loads(pmops("index", "--json").stdout)
    markdown = [p for p in git(example_kb, "ls-files", "*.md").split()]
    assert first["rebuilt"] and first["documents"] == len(markdown) and first["problems"] == []
    index_dir = example_kb / ".git" / "pmops" / "index"
    assert index_dir.is_dir() and git(example_kb, "status", "--porcelain") == ""
    assert json.loads(pmops("index", "--json").stdout)["rebuilt"] is None
    for victim in sorted(index_dir.iterdir()):  # truncate every file of the index
        victim.write_bytes(victim.read_bytes()[:10])
    assert titles(pmops, "thermal") == ["Receipt capture fails on crumpled thermal paper"]
    shutil.rmtree(index_dir)
    assert titles(pmops, "thermal") == ["Receipt capture fails on crumpled thermal paper"]
    (example_kb / ".git" / "pmops" / "index-manifest.json").write_text("{not json")
    assert titles(pmops, "thermal") == ["Receipt capture fails on crumpled thermal paper"]


def test_hand_edits_deletions_and_pulls_are_seen_without_rebuild(pmops, example_kb: Path, tmp_path: Path) -> None:
    pmops("index")
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(example_kb), str(remote))
    git(example_kb, "remote", "add", "origin", str(remote))
    git(example_kb, "fetch", "-q", "origin")
    git(example_kb, "branch", "-q", "--set-upstream-to=origin/main")
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    # 1. edited by hand
    edited = next((example_kb / "insights").glob("*thermal-paper.md"))
    edited.write_text(edited.read_text().replace("fuel stations", "fuel stations and a zeppelin hangar"))
    # 2. deleted
    deleted = next((example_kb / "insights").glob("*mileage-claims*.md"))
    deleted.unlink()
    # 3. pulled from another clone
    pulled = other / "insights" / "ins-261125-abcd-quokka-sightings.md"
    pulled.write_text(
        "---\nid: ins-261125-abcd\ntitle: Quokka sightings\ndate: 2026-11-25\nsource: social\n---\nA quokka.\n"
    )
    git(other, "add", "-A")
    git(other, "commit", "-qm", "from the other clone")
    git(other, "push", "-q", "origin", "HEAD:main")
    git(example_kb, "pull", "-q", "--no-rebase", "origin", "main")
    assert titles(pmops, "zeppelin") == ["Receipt capture fails on crumpled thermal paper"]
    assert titles(pmops, "mileage claims") == []
    assert titles(pmops, "quokka") == ["Quokka sightings"]
    sync = json.loads(pmops("index", "--json").stdout)
    assert (sync["added"], sync["modified"], sync["removed"]) == (0, 0, 0)


def test_incremental_equals_a_full_rebuild(pmops, example_kb: Path) -> None:
    pmops("index")
    for path in sorted((example_kb / "insights").glob("*.md"))[:5]:
        path.write_text(path.read_text().replace("## Why it matters", "## Why it matters\n\nRevisited in December."))
    max((example_kb / "insights").glob("*.md")).unlink()
    queries = ["revisited", "december", "tag:pricing", "approvals", "segment:smb"]
    incremental = {q: sorted(h["path"] for h in hits(pmops, q, "--limit", "100")) for q in queries}
    pmops("index", "--rebuild")
    assert {q: sorted(h["path"] for h in hits(pmops, q, "--limit", "100")) for q in queries} == incremental


def test_a_write_updates_the_index(pmops, example_kb: Path) -> None:
    pmops("index")
    created = json.loads(pmops("insight", "add", "--title", "Wombats want offline mode", "--source", "social",
                               "--json").stdout)  # fmt: skip
    assert [h["id"] for h in hits(pmops, "wombats")] == [created["id"]]
    sync = json.loads(pmops("index", "--json").stdout)
    assert (sync["added"], sync["modified"]) == (0, 0), "the write already indexed it"


def test_a_locked_index_never_fails_a_write(pmops, example_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from whoosh import index as whoosh_index

    from pmops.search import index as search_index

    pmops("index")
    monkeypatch.setattr(search_index, "WRITER_TIMEOUT", 0.2)
    monkeypatch.setattr(search_index, "CATCH_UP_WAIT", 0.2)
    ix = whoosh_index.open_dir(str(example_kb / ".git" / "pmops" / "index"))
    writer = ix.writer()  # holds Whoosh's lock, as another process would
    try:
        pmops("insight", "add", "--title", "Written while the index is locked", "--source", "survey")
        assert json.loads(pmops("index", "--json").stdout)["stale"] is True
    finally:
        writer.cancel()
    assert titles(pmops, "locked") == ["Written while the index is locked"]


def test_unreadable_files_are_reported_not_dropped(pmops, example_kb: Path) -> None:
    (example_kb / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    (example_kb / "binary.md").write_bytes(b"\x89PNG\0\0\0")
    data = json.loads(pmops("index", "--json").stdout)
    problems = {p["path"]: p["reason"] for p in data["problems"]}
    assert set(problems) == {"broken.md", "binary.md"}
    assert "invalid YAML" in problems["broken.md"] and "binary" in problems["binary.md"]
    assert "not indexed: broken.md" in pmops("index").stdout
    (example_kb / "broken.md").write_text("---\ntitle: Mended\n---\nnow fine\n")
    assert titles(pmops, "mended") == ["Mended"]
    assert [p["path"] for p in json.loads(pmops("index", "--json").stdout)["problems"]] == ["binary.md"]


def test_the_18f_handbook_is_indexed_and_found(pmops, tmp_path: Path) -> None:
    source = CORPORA / "18f-handbook"
    if not source.is_dir():
        pytest.skip("the shared corpora are not beside this checkout")
    root = tmp_path / "handbook"
    shutil.copytree(source, root)
    subprocess.run([PMOPS, "init", str(root), "--no-commit"], check=True, capture_output=True)
    data = json.loads(pmops("--kb", root, "index", "--json").stdout)
    assert data["documents"] > 150 and data["problems"] == []
    found = json.loads(pmops("--kb", root, "search", "leave", "--json").stdout)
    assert found and all(h["type"] == "page" for h in found)


def test_two_kbs_in_one_repository_have_separate_indexes(pmops, tmp_path: Path) -> None:
    repo = tmp_path / "mono"
    repo.mkdir()
    git(repo, "init", "-q")
    for name in ("alpha", "beta"):
        pmops("init", repo / name)
        pmops("--kb", repo / name, "insight", "add", "--title", f"Only in {name}", "--source", "survey")
    assert [h["title"] for h in json.loads(pmops("--kb", repo / "alpha", "search", "only", "--json").stdout)] == [
        "Only in alpha"
    ]


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    from tests.conftest import EXAMPLE_KB

    return copy_kb(EXAMPLE_KB, tmp_path / "kb")


def test_search_in_a_real_process_is_json_only(kb_copy: Path) -> None:
    done = subprocess.run(
        [PMOPS, "search", "thermal", "--json"], cwd=kb_copy, check=False, capture_output=True, text=True
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)[0]["title"] == "Receipt capture fails on crumpled thermal paper"


# From Python 3.12 dataclasses reads every class's annotations through inspect: loaded with the first one.
INSPECT = ("inspect",) if sys.version_info < (3, 12) else ()


@pytest.fixture(scope="module")
def settled_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example KB indexed, with nothing left to catch up: a file changed in the last two seconds (a
    copy's files, by their ctime) is read again by the next search (store.racy), which then takes the
    index's lock. Read only by the tests that use it."""
    from pmops.store import RACY_NS
    from tests.conftest import EXAMPLE_KB

    copied = time.time()
    kb = copy_kb(EXAMPLE_KB, tmp_path_factory.mktemp("settled") / "kb")
    subprocess.run([PMOPS, "index"], cwd=kb, check=True, capture_output=True)
    time.sleep(max(0.0, copied + RACY_NS / 1e9 + 0.1 - time.time()))
    subprocess.run([PMOPS, "index"], cwd=kb, check=True, capture_output=True)  # the files read once more, settled
    return kb


@pytest.mark.parametrize("output", [["--json"], []], ids=["json", "piped"])
def test_a_search_loads_only_what_it_uses(settled_kb: Path, output: list[str]) -> None:
    """A search in a real process, as `pmops` runs (pmops.cli.main), in a KB where nothing changed: found,
    and without the create and write paths, what Whoosh and dataclasses import for functions a search
    never calls (pmops.standins: a class a search loads without a docstring would load inspect), pmops'
    own rarely used modules, Whoosh's date parser when the query names no date, nor rich when the
    results go to a pipe or as JSON (docs/performance.md)."""
    done = subprocess.run([PMOPS, "search", "thermal", *output], cwd=settled_kb, check=False, capture_output=True,
                          text=True)  # fmt: skip
    title = "Receipt capture fails on crumpled thermal paper"
    assert (json.loads(done.stdout)[0]["title"] if output else done.stdout.splitlines()[0].split("  ")[-1]) == title
    unused = ("pmops.kb.creating", "pmops.kb.transaction", "pmops.ids", "whoosh.lang.morph_en", "urllib.request",
              "html", "tempfile", "shutil", "random", *INSPECT, "urllib.parse", "calendar", "queue",
              "locale", "signal", "difflib", "getpass", "filelock",
              "whoosh.qparser.dateparse", "rich")  # fmt: skip
    assert modules_at_exit(settled_kb, ["search", "thermal", *output], unused) == []


def test_piped_with_its_notes_the_results_keep_their_order(kb_copy: Path) -> None:
    """`pmops search … 2>&1`: the note on common words first, the results, then their count."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # a pipe's output buffered, as usual
    done = subprocess.run([PMOPS, "search", "the thermal"], cwd=kb_copy, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, env=env)  # fmt: skip
    lines = done.stdout.splitlines()
    assert lines[0] == "common words left out of the search: the"
    assert lines[1].endswith("Receipt capture fails on crumpled thermal paper") and re.fullmatch(
        r"\d+ results?", lines[-1]
    )


def test_a_search_says_which_files_it_could_not_index(pmops, example_kb: Path) -> None:
    (example_kb / "insights" / "broken.md").write_text("---\ntitle: Dugong sighting\ntags: [a, b\n---\nDugong.\n")
    for args in ((), ("--json",)):
        said = pmops("search", "dugong", *args).stderr
        assert "1 file not indexed, so not searched (insights/broken.md): pmops index says why\n" in said


def test_a_snippet_ending_in_a_backslash_shows_one_on_a_terminal_as_in_a_pipe(kb_copy: Path) -> None:
    from tests.cli.test_prompts import Terminal

    (kb_copy / "handbook" / "paths.md").write_text(
        "# Zebrafish paths\n\nOn Windows the zebrafish share is C:\\data\\\n"
    )
    piped = subprocess.run([PMOPS, "search", "zebrafish"], cwd=kb_copy, check=True, capture_output=True, text=True)
    code, shown = Terminal(kb_copy, "search", "zebrafish").finish()
    assert code == 0 and piped.stdout.splitlines()[1].endswith("C:\\data\\")
    assert "C:\\data\\\r\n" in shown  # not C:\\data\\\\ (rich's escape, made for a tag that would follow)


def test_on_a_narrow_terminal_a_wrapped_title_goes_on_under_itself(kb_copy: Path) -> None:
    """Not at column 0, under the ids, where its last words read as another hit's."""
    from tests.cli.test_prompts import Terminal

    Terminal(kb_copy, "index").finish()  # (no bar below)
    code, shown = Terminal(kb_copy, "search", "thermal", columns=50).finish()
    lines = re.sub(r"\x1b\[[0-9;]*m", "", shown).replace("\r", "").splitlines()  # (NO_COLOR keeps bold and dim)
    assert code == 0 and lines[0].startswith("ins-260120-jeyn  insight  2026-01-20  Receipt")
    assert lines[1].startswith("    ") and "thermal paper" in lines[1] + lines[2]


def test_on_a_terminal_the_index_bar_shows_only_while_it_is_built(kb_copy: Path) -> None:
    """A search whose index must be built shows the bar; one that only catches up shows none (it
    flashed on every search)."""
    from tests.cli.test_prompts import Terminal

    shown = []
    for _ in range(2):
        code, output = Terminal(kb_copy, "search", "thermal").finish()
        assert code == 0 and "Receipt capture fails on crumpled thermal paper" in output
        shown.append("indexing" in output)
    assert shown == [True, False]


def test_an_edit_then_reverted_is_seen_both_times(pmops, example_kb: Path) -> None:
    pmops("index")
    path = next((example_kb / "insights").glob("*thermal-paper.md"))
    original = path.read_text()
    path.write_text(original.replace("fuel stations", "fuel stations near the armadillo farm"))
    assert titles(pmops, "armadillo") == ["Receipt capture fails on crumpled thermal paper"]
    git(example_kb, "checkout", "--", str(path))  # clean again: git status no longer lists it
    assert titles(pmops, "armadillo") == []


def test_git_ignored_files_are_not_part_of_the_kb(pmops, example_kb: Path) -> None:
    (example_kb / ".gitignore").write_text(".pmops/\ndrafts/\n")
    (example_kb / "drafts").mkdir()
    (example_kb / "drafts" / "secret.md").write_text("# Unannounced pangolin pricing\n")
    (example_kb / "notes.md").write_text("# Pangolin notes, not yet committed\n")
    assert [h["path"] for h in hits(pmops, "pangolin")] == ["notes.md"]
    assert all(f["path"] != "drafts/secret.md" for f in json.loads(pmops("lint", "--json").stdout))


def test_rewritten_history_rebuilds(pmops, example_kb: Path) -> None:
    pmops("index")
    manifest = example_kb / ".git" / "pmops" / "index-manifest.json"
    data = json.loads(manifest.read_text())
    data["head"] = "0" * 40  # a commit that no longer exists (after a force-push, say)
    manifest.write_text(json.dumps(data))
    assert json.loads(pmops("index", "--json").stdout)["rebuilt"] == "the history it was built from was rewritten"


def test_without_git_a_stat_manifest_catches_up(pmops, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "plain"
    pmops("init", root, "--no-commit")
    monkeypatch.chdir(root)
    for name in ("a", "b", "c"):
        (root / f"{name}.md").write_text(f"# Page {name}\n\nabout {name}lemurs\n")
    assert json.loads(pmops("index", "--json").stdout)["rebuilt"]
    assert (root / ".pmops" / "index").is_dir()
    (root / "a.md").write_text("# Page a\n\nnow about narwhals\n")
    (root / "b.md").unlink()
    (root / "d.md").write_text("# Page d\n\nabout dlemurs\n")
    assert [h["path"] for h in hits(pmops, "narwhals")] == ["a.md"]
    assert hits(pmops, "blemurs") == [] and [h["path"] for h in hits(pmops, "dlemurs")] == ["d.md"]
    import os

    os.utime(root / "c.md", ns=(1, 1))  # touched, not changed: hashed, not re-indexed
    sync = json.loads(pmops("index", "--json").stdout)
    assert (sync["added"], sync["modified"], sync["removed"]) == (0, 0, 0)


def test_phrases_match_adjacent_words_only(pmops, kb: Path) -> None:
    """A phrase matches its words in a row, as analysed (stop words dropped, stems compared), in
    any order of documents; never the same words apart or in another order."""
    pages = {
        "adjacent.md": "# A\n\nThe approval workflow stalls on Fridays.\n",
        "apart.md": "# B\n\nThe workflow needs approval from finance.\n",
        "stopword.md": "# C\n\nCost of living adjustments were approved.\n",
        "three.md": "# D\n\nManager approval workflow, then a separate workflow rule.\n",
        "split.md": "# E\n\nManager approval here. Approval workflow there. Workflow rule elsewhere.\n",
    }
    for name, text in pages.items():
        (kb / name).write_text(text)

    def paths(query: str) -> list[str]:
        return sorted(h["path"] for h in hits(pmops, query))

    assert paths('"approval workflow"') == ["adjacent.md", "split.md", "three.md"]
    assert paths('"approvals workflows"') == ["adjacent.md", "split.md", "three.md"]  # stemmed
    assert paths('"workflow approval"') == []
    assert paths('"cost of living"') == ["stopword.md"]
    # Three words: every pair occurs in split.md, but never the three in a row.
    assert paths('"approval workflow then"') == ["three.md"]
    assert paths('"manager approval workflow"') == ["three.md"]


def test_a_real_process_sees_edits_made_since_the_last_index(kb_copy: Path) -> None:
    """A search from a subfolder catches the index up first: an edit and a new page are found."""
    path = next((kb_copy / "insights").glob("*thermal-paper.md"))
    subprocess.run([PMOPS, "index"], cwd=kb_copy, check=True, capture_output=True)
    path.write_text(path.read_text().replace("fuel stations", "fuel stations beside the okapi enclosure"))
    (kb_copy / "new-page.md").write_text("# Okapi sightings\n\nA new page, never committed.\n")
    sub = kb_copy / "insights"
    done = subprocess.run([PMOPS, "search", "okapi", "--json"], cwd=sub, check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert sorted(h["path"] for h in json.loads(done.stdout)) == ["insights/" + path.name, "new-page.md"]


def test_a_search_waits_for_another_process_indexing(pmops, example_kb: Path) -> None:
    """A large import indexes in the background; a search meanwhile waits for it, then is complete."""
    import threading

    from whoosh import index as whoosh_index

    pmops("index")
    ix = whoosh_index.open_dir(str(example_kb / ".git" / "pmops" / "index"))
    writer = ix.writer()  # another process indexing
    (example_kb / "late.md").write_text("# Late page about capybaras\n")
    threading.Timer(1.5, writer.cancel).start()
    started = time.monotonic()
    assert [h["path"] for h in hits(pmops, "capybaras")] == ["late.md"]
    assert time.monotonic() - started >= 1.4


def test_concurrent_rebuilds_take_turns(kb_copy: Path) -> None:
    """Two commands that both find no index: one builds it, the other catches up with that one."""
    procs = [
        subprocess.Popen([PMOPS, "index", "--json"], cwd=kb_copy, stdout=subprocess.PIPE, text=True) for _ in range(3)
    ]
    outputs = [json.loads(p.communicate(timeout=120)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sum(1 for o in outputs if o["rebuilt"]) == 1
    done = subprocess.run(
        [PMOPS, "search", "thermal", "--json"], cwd=kb_copy, check=False, capture_output=True, text=True
    )
    assert json.loads(done.stdout)[0]["title"] == "Receipt capture fails on crumpled thermal paper"


def test_a_read_outlives_another_process_merging_its_segments(pmops, example_kb: Path) -> None:
    """Whoosh opens a segment's stored fields only when first read, and another process's commit
    deletes the files of the segments it merged: the read is run again on the new generation
    (seen in the concurrency stress test as a crashed search)."""
    from whoosh import index as whoosh_index

    from pmops.kb import KnowledgeBase
    from pmops.search import whoosh_backend

    pmops("index")
    ix = whoosh_index.open_dir(str(KnowledgeBase.open(example_kb).index_dir))

    def reader_of_a_new_note(title: str):
        """A read of a note just added (its own small segment), during which another process merges."""
        note = json.loads(pmops("insight", "add", "--title", title, "--source", "interview", "--json").stdout)
        merged: list[bool] = []

        def read(searcher) -> dict:
            if not merged:
                other = whoosh_index.open_dir(str(example_kb / ".git" / "pmops" / "index"))
                other.writer().commit(optimize=True)  # one segment; the old segments' files are deleted
                merged.append(True)
            return searcher.document(path=note["path"])

        return note, read

    _, read = reader_of_a_new_note("First note about capybaras")
    with pytest.raises(Exception), ix.searcher() as searcher:  # noqa: B017 - whatever Whoosh raises
        read(searcher)  # without a retry, the read fails
    note, read = reader_of_a_new_note("Second note about capybaras")
    assert whoosh_backend.reading(ix, read)["id"] == note["id"]
    assert len(hits(pmops, "capybaras")) == 2


def test_a_commit_during_a_rebuild_is_caught_up(pmops, example_kb: Path) -> None:
    """A writer commits while a rebuild reads the files (seen in the concurrency stress test as
    one insight of 150 never found): the next search finds it."""
    from pmops.kb import KnowledgeBase

    def commit_meanwhile(done: int, total: int) -> None:
        if done == total and not (example_kb / "late.md").exists():
            (example_kb / "late.md").write_text("# Late page about capybaras\n")
            git(example_kb, "add", "late.md")
            git(example_kb, "commit", "-qm", "late", "--", "late.md")

    KnowledgeBase.open(example_kb).index.refresh(commit_meanwhile, rebuild=True)
    assert [h["path"] for h in hits(pmops, "capybaras")] == ["late.md"]


def test_a_killed_rebuild_is_reported_by_doctor_and_removed_by_the_next_rebuild(pmops, kb: Path) -> None:
    """A rebuild killed before its swap left its `index.tmp-<pid>` (311 MB at 10,000 documents)
    for good, and doctor said nothing. A live rebuild's folder is never touched; a folder whose
    pid a later process was given is a leftover."""
    import contextlib
    import os

    (kb / "notes").mkdir()
    for n in range(400):  # a moment's work, below the parallel writer's 500 documents
        (kb / "notes" / f"note-{n}.md").write_text(f"# Note {n}\n\n" + f"Word{n} about capybaras and receipts. " * 60)
    git(kb, "add", "notes")
    git(kb, "commit", "-qm", "notes")
    state = kb / ".git" / "pmops"

    def written(folder: Path) -> int:
        total = 0
        with contextlib.suppress(OSError):  # swapped in meanwhile
            for file in folder.iterdir():
                with contextlib.suppress(OSError):  # Whoosh renames its files as it goes
                    total += file.stat().st_size
        return total

    rebuild = subprocess.Popen(
        [PMOPS, "index", "--rebuild"], cwd=kb, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    killed, deadline = None, time.monotonic() + 30
    while killed is None and rebuild.poll() is None and time.monotonic() < deadline:  # killed once it wrote
        killed = next((f for f in state.glob("index.tmp-*") if written(f)), None)
    rebuild.kill()
    rebuild.wait(timeout=10)
    assert killed is not None and killed.name.startswith(f"index.tmp-{rebuild.pid}"), (
        "the rebuild never made its folder"
    )
    (state / f"index.old-{rebuild.pid}").mkdir()  # as older pmops named them, and one killed mid-swap left
    # Folders of a live process: the one it is building, and one of an earlier process with its pid.
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        proc = Path(f"/proc/{sleeper.pid}/stat")
        ticks = proc.read_bytes().rpartition(b")")[2].split()[19].decode() if proc.exists() else None
        live = state / (f"index.tmp-{sleeper.pid}-{ticks}" if ticks else f"index.tmp-{sleeper.pid}")
        live.mkdir()
        reused = [state / f"index.old-{sleeper.pid}"]  # older than the process now holding its pid
        reused[0].mkdir()
        os.utime(reused[0], (time.time() - 3600, time.time() - 3600))
        if ticks:
            reused.append(state / f"index.tmp-{sleeper.pid}-{int(ticks) - 100}")
            reused[1].mkdir()
        else:
            reused = []  # without /proc, a live pid's folder is kept: no way to tell the processes apart
        checks = {c["check"]: c for c in json.loads(pmops("doctor", "--json", code=1).stdout)}
        left = checks["index leftovers"]
        assert not left["ok"] and "pmops index --rebuild" in left["fix"]
        stopped = sorted([killed.name, f"index.old-{rebuild.pid}", *(p.name for p in reused)])
        assert left["detail"].startswith(f"{len(stopped)} folders of a stopped index rebuild in {state}: ")
        shown = re.findall(r"(index\.\S+) \((\d+(?:\.\d)? [kMG]B|\d+ bytes?)\)", left["detail"])
        assert [name for name, _ in shown] == stopped[:3] and live.name not in left["detail"]
        assert dict(shown)[f"index.old-{rebuild.pid}"] == "0 bytes" and dict(shown).get(killed.name) != "0 bytes"
        done = subprocess.run(
            [PMOPS, "index", "--rebuild"], cwd=kb, check=False, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        assert sorted(p.name for p in state.glob("index.*-*")) == [live.name]
        assert "index leftovers" not in {c["check"] for c in json.loads(pmops("doctor", "--json", code=None).stdout)}
    finally:
        sleeper.kill()
        sleeper.wait(timeout=10)


def test_did_you_mean_offers_words_in_an_index_of_several_segments(
    pmops, kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild by several processes leaves several segments; Whoosh's spelling lists were
    searched there through the stems of the body ("aproval" -> "approv"). The word list is one."""
    from pmops.search import whoosh_backend

    monkeypatch.setattr(whoosh_backend, "PARALLEL_FROM", 2)
    for n in range(250):  # the writer hands out 100 documents at a time
        (kb / f"note-{n}.md").write_text(f"# Note {n}\n\nThe approval workflow of team {n}.\n")
    pmops("index", "--rebuild")
    from pmops.kb import KnowledgeBase

    backend = KnowledgeBase.open(kb).index.backend
    assert backend.open() and len(backend._index._segments()) > 1
    assert "did you mean: approval workflow" in pmops("search", "aproval workflow").stdout
    (kb / "new.md").write_text("# New\n\nA zanzibar itinerary.\n")  # indexed by a catch-up: its words too
    assert "did you mean: zanzibar" in pmops("search", "zanzibr").stdout


def test_the_total_past_the_limit_is_a_floor_said_as_one(pmops, example_kb: Path) -> None:
    """Past --limit the total is what is sure: Whoosh's count of a limited search skips blocks of matches
    (it said '2 of 19' for 27, and an estimate said 'about 20' for 12: found by reviews). Within the limit,
    the count is exact."""
    every = json.loads(pmops("search", "receipts", "--all", "--limit", "100", "--json").stdout)
    for hit in every[:2]:
        pmops("archive", hit["id"])
    for extra in ((), ("--all",)):
        found = len(json.loads(pmops("search", "receipts", *extra, "--limit", "100", "--json").stdout))
        assert found > 2
        said = pmops("search", "receipts", *extra, "--limit", "2").stderr.splitlines()[-1]
        floor = int(re.fullmatch(r"2 of at least (\d+) results", said)[1])
        assert 2 <= floor <= found, said
        assert pmops("search", "receipts", *extra, "--limit", str(found)).stderr.splitlines()[-1] == f"{found} results"


def test_a_table_of_chosen_columns_says_the_count_the_search_says(pmops, example_kb: Path) -> None:
    """--columns prints a table: under it, how many the search found ("3 of at least 8 results"), not how
    many rows the limit let through ("3 results")."""
    said = pmops("search", "pricing", "--limit", "3").stderr.strip().splitlines()[-1]
    assert said.startswith("3 of ") and said.endswith(" results")
    assert pmops("search", "pricing", "--limit", "3", "--columns", "id").stdout.strip().splitlines()[-1] == said
    assert pmops("search", "pricing", "--limit", "100", "--columns", "id").stdout.strip().endswith(" results")


def test_the_floor_counts_every_match_the_search_looked_at(pmops, kb: Path) -> None:
    """Of 400 documents that match, a search limited to 3 looked at many before it could skip the rest:
    all of them match, so the floor says at least those (it said '3 of at least 4': found by a review)."""
    notes = kb / "notes"
    notes.mkdir()
    for n in range(400):
        (notes / f"n{n:03d}.md").write_text(f"# Note {n}\n\nThe zebra crossing, {'again ' * (n % 7)}seen.\n")
    said = pmops("search", "zebra", "--limit", "3").stderr.splitlines()[-1]
    floor = int(re.fullmatch(r"3 of at least (\d+) results", said)[1])
    assert 4 < floor <= 400, said  # (4: the least it could say, limit + 1, as it said before)


def test_greater_and_less_than_a_date_leave_that_day_out_and_the_equal_signs_keep_it(pmops, example_kb: Path) -> None:
    """date:>DAY is after that day and date:<DAY before it, as people read them; >= and <= keep the day
    (Whoosh dropped the exclusion: > was >=, and < was <=; found by a review). A month or a year is a span."""

    def dates(query: str) -> list[str]:
        return [h["date"] for h in json.loads(pmops("search", query, "--all", "--limit", "500", "--json").stdout)]

    every = sorted(set(dates("date:[2000-01-01 to 2100-01-01]")))
    day = every[len(every) // 2]  # a day some documents have, with others before and after it
    assert day in dates(f"date:>={day}") and day in dates(f"date:<={day}")
    after, before = dates(f"date:>{day}"), dates(f"date:<{day}")
    assert after and before and all(d > day for d in after) and all(d < day for d in before)
    month = day[:7]
    assert all(d[:7] > month for d in dates(f"date:>{month}")) and all(d[:7] < month for d in dates(f"date:<{month}"))


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_locale_without_every_character_loses_nothing_to_a_pipe_and_does_not_crash_a_terminal(
    kb_copy: Path, encoding: str
) -> None:
    """Standard output in ASCII or Latin-1 (PYTHONIOENCODING, a Latin-1 locale): to a pipe or a file the
    text goes in UTF-8 (a CSV keeps 'Győr'); a terminal shows '?' for what it cannot, and JSON there says
    such characters in \\u escapes: the command succeeds either way, and no script reads a '?'."""
    (kb_copy / "insights" / "export.md").write_text(
        "---\nid: ins-261201-x7q2\ntitle: Exports from Győr … fail\ntype: insight\n---\n"
        + "Finance in Győr exports receipts — " * 40
        + "\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONIOENCODING": encoding, "NO_COLOR": "1", "COLUMNS": "200"}
    utf8 = json.loads(subprocess.run([PMOPS, "search", "exports", "--json"], cwd=kb_copy, capture_output=True,
                                     check=True).stdout)  # fmt: skip
    assert utf8[0]["title"] == "Exports from Győr … fail"
    piped = {name: subprocess.run([PMOPS, *args], cwd=kb_copy, env=env, capture_output=True, check=True).stdout
             for name, args in (("plain", ["search", "exports"]), ("json", ["search", "exports", "--json"]),
                                ("csv", ["list", "insight", "--format", "csv"]))}  # fmt: skip
    assert "Exports from Győr … fail".encode() in piped["plain"] and "Győr".encode() in piped["csv"]
    assert json.loads(piped["json"]) == utf8
    code, shown = _on_a_terminal([PMOPS, "search", "exports"], kb_copy, env)
    assert code == 0 and b"Exports from Gy?r ? fail" in shown, shown
    code, shown = _on_a_terminal([PMOPS, "search", "exports", "--json"], kb_copy, env)
    assert code == 0 and shown.isascii() and b"\\u0151" in shown and json.loads(shown) == utf8


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, bytes]:
    """Run `args` with standard output on a terminal (a pseudo-terminal): its exit code and what it showed."""
    main, other = os.openpty()
    with subprocess.Popen(args, cwd=cwd, env=env, stdout=other, stderr=subprocess.DEVNULL,
                          stdin=subprocess.DEVNULL) as process:  # fmt: skip
        os.close(other)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            shown += chunk
        os.close(main)
    return process.returncode, shown.replace(b"\r\n", b"\n")


def test_ctrl_c_during_a_rebuild_by_several_processes_is_one_line(pmops, kb: Path) -> None:
    """Ctrl-C reaches the whole process group, the writer's worker processes too: the command says
    `error: interrupted` once (no worker's traceback), ends (it waited for ever, now and then, for its job
    queue's thread to send jobs to workers gone), leaves neither a worker nor the unfinished index's folder,
    and the next search rebuilds what was left undone."""
    for n in range(700):  # past whoosh_backend.PARALLEL_FROM: the writer's worker processes
        (kb / f"note-{n}.md").write_text(f"# Note {n}\n\nThe okapi workflow of team {n}.\n" + "word " * 200)
    git(kb, "add", "-A")
    git(kb, "commit", "-qm", "notes")
    with subprocess.Popen([PMOPS, "index", "--rebuild"], cwd=kb, stderr=subprocess.PIPE, text=True,
                          start_new_session=True) as rebuild:  # fmt: skip
        children = Path(f"/proc/{rebuild.pid}/task/{rebuild.pid}/children")
        deadline = time.monotonic() + 60
        while len(children.read_text().split()) < 2 if children.exists() else True:
            assert rebuild.poll() is None and time.monotonic() < deadline, "no worker process started"
            time.sleep(0.01)
        workers = [int(pid) for pid in children.read_text().split()]
        os.killpg(rebuild.pid, signal.SIGINT)  # as a terminal sends it
        _, said = rebuild.communicate(timeout=60)
    assert (rebuild.returncode, said) == (130, "error: interrupted\n")
    deadline = time.monotonic() + 20
    while [pid for pid in workers if _running(pid)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if _running(pid)], "a worker process was left running"
    assert not list((kb / ".git" / "pmops").glob("index.tmp-*"))  # the unfinished index's folder removed
    assert len(hits(pmops, "okapi", "--limit", "1000")) == 700


def _running(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
