"""Shared fixtures: an isolated home and git identity, real KBs in tmp_path, a CLI runner."""

from __future__ import annotations

import os

# Before Typer is imported: stable, uncoloured, fixed-width output.
os.environ["TERMINAL_WIDTH"] = "100"
os.environ["COLUMNS"] = "100"
os.environ["_TYPER_FORCE_DISABLE_TERMINAL"] = "1"
os.environ["NO_COLOR"] = "1"

import contextlib
import copy
import functools
import importlib
import json
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import typer.testing
from typer.testing import CliRunner

from pmops.cli import _search_line, _shared, app

# pytest rewrites each test module's asserts as it imports it (so that a failed one says what differed):
# about 7 s of CPU for the suite's modules in every test process, twice a run with `-n 2`. It keeps the
# rewritten modules in __pycache__ (git ignores them) and reads them back next time, but writes nothing
# where bytecode writing is off (PYTHONDONTWRITEBYTECODE, set on some machines): there every process
# rewrote every module on every run. The test processes keep them regardless; what the tests start
# (pmops, git hooks) inherits the environment unchanged. (This file is imported before any test module.)
sys.dont_write_bytecode = False

# Typer's runner builds the whole command tree (every command's signature and annotations) on each
# invoke: ~0.1 s a call, thousands of calls in the suite. The tree is the same for every call (the
# command line, not the tree, carries a call's state), so each test process builds it once.
typer.testing._get_command = functools.cache(typer.testing._get_command)

ROOT = Path(__file__).resolve().parents[1]

EXAMPLE_KB = ROOT / "examples" / "kb"
FIXTURES = Path(__file__).parent / "fixtures"
CORPORA = ROOT.parent / "shared" / "corpora"
PMOPS = str(Path(sys.executable).with_name("pmops"))

# How many examples the heaviest property tests (Hypothesis: random queries, random writes and git moves)
# try: a number chosen for the suite, where each costs a few seconds; PMOPS_EXAMPLES=N multiplies them by
# N for a deeper search when a change touches what they cover (`PMOPS_EXAMPLES=10 make test`).
EXAMPLES = float(os.environ.get("PMOPS_EXAMPLES") or 1)


def examples(n: int) -> int:
    """`n` examples in the suite, scaled by PMOPS_EXAMPLES; never fewer than 1."""
    return max(1, round(n * EXAMPLES))


IN_MEMORY = Path("/dev/shm")  # Linux's tmpfs, on most machines
IN_MEMORY_ROOM = 2 << 30  # bytes free it must have: the suite writes a few hundred MB


def pytest_configure(config: pytest.Config) -> None:
    """The tests' folders in memory (tmpfs) where the machine has room, unless TMPDIR names a place.

    The suite makes thousands of real repositories and indexes: folders, small files, renames,
    fsyncs. On a virtual machine's disk those metadata writes are most of the time a test takes
    (measured on the same tests, 2 cores: 45 s on ext4, 23 s on tmpfs, system time 23 s → 4 s);
    git, Whoosh and pmops run exactly as they do on disk. Set TMPDIR to keep them elsewhere. Only
    the folders of failed tests are kept (pyproject.toml), so nothing piles up in memory."""
    if "TMPDIR" in os.environ or not IN_MEMORY.is_dir() or not os.access(IN_MEMORY, os.W_OK):
        return
    stat = os.statvfs(IN_MEMORY)
    if stat.f_bavail * stat.f_frsize >= IN_MEMORY_ROOM:
        os.environ["TMPDIR"] = str(IN_MEMORY)  # this process's temporary folders, and every process it starts
        tempfile.tempdir = None  # read again: tmp_path's base folder is made from it


def pytest_sessionstart(session: pytest.Session) -> None:
    """With `-n 2` both test processes import every test module, in the same order at the same time, so on a
    clean clone neither finds a module the other has rewritten (above) and each rewrites them all. The second
    one imports them last file first, before its collection: each rewrites about half, and reads the other
    half as the other process kept it. A module that fails here fails again, and is reported, in collection."""
    if os.environ.get("PYTEST_XDIST_WORKER") != "gw1":
        return
    modules = set()
    for arg in session.config.args:  # the folders and files collected (`tests` when none is named)
        path = Path(arg.split("::")[0]).resolve()
        modules.update(path.glob("**/test_*.py") if path.is_dir() else [path] if path.name.startswith("test_") else [])
    for path in sorted((p for p in modules if p.is_relative_to(ROOT)), reverse=True):
        with contextlib.suppress(Exception, pytest.skip.Exception, pytest.fail.Exception):
            importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The heaviest tests first: the workers then share out the many short ones and finish together,
    instead of one of them starting a minute-long test at the end."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)


@pytest.fixture(autouse=True)
def no_servers_left(tmp_path: Path):
    """Search servers a test started (directly, or through a search) leave with it."""
    before = _last_pid()
    yield
    stop_servers(tmp_path, since=before)


def _last_pid() -> int | None:
    """The id of the process created last on this machine (Linux's /proc/loadavg); None elsewhere."""
    try:
        with open("/proc/loadavg") as handle:
            return int(handle.read().split()[4])
    except (OSError, IndexError, ValueError):
        return None


def stop_servers(folder: Path, since: int | None = None) -> None:
    """Stop every search server of a KB inside `folder`: read from /proc where there is one (a
    process started per test for `pkill` cost the suite seconds), else with `pkill`.

    With `since` (the last process id when the test began), only the processes created since are
    read — ids after it, wrapping round at the kernel's pid_max: reading every process's command
    line after each test cost 5–25 ms, 10–30 s of CPU in the suite."""
    if not os.path.exists("/proc/self/cmdline"):
        subprocess.run(["pkill", "-f", f"pmops.search.server {folder}"], capture_output=True, check=False)
        return
    pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    last = _last_pid()
    if since is not None and last is not None:
        pids = [pid for pid in pids if (since < pid <= last if since <= last else pid > since or pid <= last)]
    needle = f"pmops.search.server\0{folder}".encode()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if needle in handle.read():
                    os.kill(pid, signal.SIGTERM)
        except OSError:  # gone meanwhile, or not ours
            continue


def stop_group(proc: subprocess.Popen) -> None:
    """Stop a process started with `start_new_session=True`, and every process it started: `pmops site
    serve` stopped alone by SIGTERM leaves the Pagefind its background index runs behind, still indexing
    a folder the test's cleanup then deletes (found still running 4 and 23 minutes after their tests)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(10)


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the real home, git config or identity."""
    return _isolate(tmp_path_factory.mktemp("home"), monkeypatch)


def _isolate(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`home` the home folder, with the tests' git identity and configuration alone."""
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test PM\n\temail = test.pm@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
        # git's own housekeeping after each commit (a `git maintenance run --auto` process every time,
        # thousands in the suite), which no test's repository is big enough to need
        "[maintenance]\n\tauto = false\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("PMOPS_KB", "PMOPS_DEBUG", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                "GIT_COMMITTER_EMAIL", "EMAIL", "GIT_DIR", "GIT_WORK_TREE", "PRE_COMMIT"):  # fmt: skip
        monkeypatch.delenv(var, raising=False)
    return home


def git(cwd: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def merge_conflict(repo: Path) -> None:
    """Leave `repo` in the middle of a merge that conflicts on README.md."""
    git(repo, "checkout", "-q", "-b", "other")
    (repo / "README.md").write_text("theirs\n")
    git(repo, "commit", "-qam", "theirs")
    git(repo, "checkout", "-q", "main")
    (repo / "README.md").write_text("ours\n")
    git(repo, "commit", "-qam", "ours")
    git(repo, "merge", "-q", "other", check=False)


def commit_count(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD").strip())


def modules_at_exit(cwd: Path, words: list[str], names: tuple[str, ...]) -> list[str]:
    """Run `pmops WORDS` in a process of its own as `pmops` runs (pmops.cli.main), and return which of these
    modules it had loaded when it ended, however it ended (a search ends with os._exit: no `finally` runs)."""
    script = (
        "import os, sys\n"
        "def said(code=0, _exit=os._exit):\n"
        f"    print([m for m in {names!r} if m in sys.modules], file=sys.stderr)\n"
        "    sys.stderr.flush()\n"
        "    _exit(code)\n"
        "os._exit = said\n"
        "sys.argv = ['pmops', *sys.argv[1:]]\n"
        "from pmops.cli import main\n"
        "try:\n    main()\nexcept SystemExit as stop:\n    said(stop.code if isinstance(stop.code, int) else 1)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, *words], cwd=cwd, capture_output=True, text=True, check=False)
    return eval(done.stderr.strip().splitlines()[-1])


class Runner:
    """Runs pmops in-process like a user would; an unexpected exception fails the test."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int | None = 0):
        words = [str(a) for a in args]
        if _search_line.read(words) is not None and not _shared.debug_enabled():
            result = self._search_line(words, input)  # as `pmops` runs such a search: without Typer
        else:
            result = self.runner.invoke(app, words, input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        if code is not None:
            assert result.exit_code == code, (
                f"pmops {' '.join(map(str, args))} exited {result.exit_code}, expected {code}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    def _search_line(self, words: list[str], input: str | None) -> typer.testing.Result:
        """A search's command line run as pmops.cli.main runs it (pmops.cli._search_line), its output
        and exit code caught as the runner catches Typer's."""
        with self.runner.isolation(input=input) as (out, err, both):
            exit_code = _search_line.main(words)
            sys.stdout.flush()
            sys.stderr.flush()
            said = out.getvalue(), err.getvalue(), both.getvalue()
        assert exit_code is not None
        return typer.testing.Result(self.runner, *said, return_value=None, exit_code=exit_code,
                                    exception=SystemExit(exit_code) if exit_code else None)  # fmt: skip


@pytest.fixture
def pmops() -> Runner:
    return Runner()


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh KB made by `pmops init`, and the current folder inside it."""
    root = init_kb(tmp_path / "kb")
    monkeypatch.chdir(root)
    return root


def init_kb(target: Path) -> Path:
    """A KB made by `pmops init` (a copy of the one made once per test process) at `target`."""
    from pmops import scaffold

    return from_template("init", lambda folder: scaffold.init(folder, "Test KB"), target)


def copy_kb(source: Path, target: Path) -> Path:
    """A fixture KB of the repository's own (the example KB, tests/fixtures/…) copied into its
    own git repository (one commit)."""

    def make(folder: Path) -> None:
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns(".git", ".pmops"))
        git(folder, "init", "-q")
        git(folder, "add", "-A")
        git(folder, "commit", "-q", "-m", "fixture")

    return from_template(str(source.resolve()), make, target)


_TEMPLATES: dict[str, Path] = {}


@pytest.fixture(scope="session", autouse=True)
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where `from_template` keeps its KBs: pytest's own temporary folder, cleaned as it is."""
    folder = tmp_path_factory.mktemp("templates")
    _TEMPLATES["."] = folder
    return folder


def from_template(key: str, make: Callable[[Path], object], target: Path) -> Path:
    """A KB made once per test process by `make` (a git init, add, commit, and `pmops init`'s
    fsyncs: 0.3–0.4 s of CPU, in hundreds of tests), then copied, .git and all, for each test.
    Every copy is a repository of its own; `update-index --refresh` gives git the copy's stat
    data, so its first `git status` sees what a repository made in place would.

    The template's objects are packed and git's sample hooks left out: a copy is then about 25
    files in .git, not 180 in 130 folders (one a loose object), 0.05 s rather than 0.13 s for the
    example KB, in most of the suite's tests."""
    template = _TEMPLATES.get(key)
    if template is None:
        template = Path(tempfile.mkdtemp(dir=_TEMPLATES["."])) / "kb"
        make(template)
        if (template / ".git").is_dir():
            git(template, "repack", "-a", "-d", "-q")
            for sample in (template / ".git" / "hooks").glob("*.sample"):
                sample.unlink()
        _TEMPLATES[key] = template
    shutil.copytree(template, target, symlinks=True)
    git(target, "update-index", "-q", "--refresh")
    return target


@pytest.fixture
def example_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_kb(EXAMPLE_KB, tmp_path / "example")
    monkeypatch.chdir(root)
    return root


def indexed_example(target: Path, *, served: bool = False) -> Path:
    """The example KB (as `example_kb` copies it) with its search index built by `pmops index` (after a
    commit of `search_server: always` when `served`): once per test process, then copied. The copy's
    index is fresh, as the KB's own: its documents are those git has, clean (`from_template`)."""

    def make(folder: Path) -> None:
        copy_kb(EXAMPLE_KB, folder)
        if served:
            with (folder / "pmops.yaml").open("a") as handle:
                handle.write("search_server: always\n")
            git(folder, "commit", "-qam", "search server on")
        subprocess.run([PMOPS, "index"], cwd=folder, check=True, capture_output=True, timeout=120)

    return from_template("example-served" if served else "example-indexed", make, target)


@pytest.fixture
def indexed_example_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`indexed_example`, and the current folder inside it."""
    root = indexed_example(tmp_path / "example")
    monkeypatch.chdir(root)
    return root


SITE_TODAY = "2026-12-01"  # the day the example KB's site is built for (`pmops site build --today`)
_SITE_BUILDS: dict[str, dict] = {}


def example_site(target: Path) -> tuple[Path, dict]:
    """The example KB (as `example_kb` copies it) with its site built into `_site` by `pmops site build
    --today SITE_TODAY --json`, and what that build said. Built once per test process (about 1 s of
    CPU: pages in several processes, Pagefind), then copied as every template KB is: the copy keeps
    the files' times, so a rebuild in it reads the last build's records and manifest as one in the
    built KB itself does."""

    def make(folder: Path) -> None:
        copy_kb(EXAMPLE_KB, folder)
        built = Runner()("--kb", str(folder), "site", "build", "--today", SITE_TODAY, "--json")
        _SITE_BUILDS["example"] = json.loads(built.stdout)

    root = from_template("example-site", make, target)
    result = copy.deepcopy(_SITE_BUILDS["example"])
    result["out"] = str(root / "_site")
    return root / "_site", result


@pytest.fixture
def built_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict]:
    """`example_site` in a copy of its own (a test may change the KB or the site), and the current folder
    in the KB (the site's parent folder); `shared_site` for a test that only reads them."""
    out, result = example_site(tmp_path / "example")
    monkeypatch.chdir(out.parent)
    return out, result


@pytest.fixture(scope="session")
def _one_example_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict[str, tuple[int, int]]]:
    with pytest.MonkeyPatch.context() as monkeypatch:  # (made before any test's own `isolated`)
        _isolate(tmp_path_factory.mktemp("home"), monkeypatch)
        out, result = example_site(tmp_path_factory.mktemp("shared-site") / "example")
    return out, result, _fingerprint(out.parent)


@pytest.fixture
def shared_site(_one_example_site) -> Iterator[tuple[Path, dict]]:
    """One built example site (`example_site`) for every test of a process that only reads it, the KB
    with it (the site's parent folder): no copy. A test that changes, adds or removes a file or folder
    there fails (permissions would not stop a test run as root), before the next test reads it."""
    out, result, before = _one_example_site
    yield out, copy.deepcopy(result)
    after = _fingerprint(out.parent)
    changed = sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))
    assert not changed, (
        f"a test changed the shared example site (a test that writes needs a copy of its own, example_site): {changed[:5]}"
    )


def _fingerprint(root: Path) -> dict[str, tuple[int, int]]:
    """Every file's and folder's modification time and size under `root`: what any write changes."""
    found = {}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            st = os.lstat(os.path.join(folder, name))
            found[os.path.join(folder, name)] = (st.st_mtime_ns, st.st_size)
    return found
