"""The git port: repository state, what changed, and commits of exactly the paths pmops touched.

Everything goes through the git CLI. `git commit --only -- PATHS` commits those
paths alone, runs the user's hooks and leaves their own staging as it was (an
index API such as GitPython's sweeps staged files in and is many times slower).
User text never becomes an option: messages go through a file, paths come after
`--`. Reads pass `--no-optional-locks`, so a search never takes git's index lock.

(Over 400 lines: every git command pmops runs goes through this one runner, by design — one place that
says how git is called, read and failed.)
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pmops import standins
from pmops.errors import GitError

# subprocess imports locale (for text without an encoding: pmops gives one) and signal (to stop a
# process): 1-2 ms of every command, loaded when used (pmops.standins).
with standins.standing_in({"locale": (), "signal": ()}):
    import subprocess

INDEX_LOCK_WAIT = 5.0
_COMMIT_HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit")  # hooks a commit runs
MANY_PATHS = 1000  # from this many paths, git reads them from a file rather than the command line
_IN_PROGRESS = {
    "MERGE_HEAD": ("a merge is in progress", "finish it with 'git commit' or cancel it with 'git merge --abort'"),
    "rebase-merge": ("a rebase is in progress", "finish it with 'git rebase --continue' or 'git rebase --abort'"),
    "rebase-apply": ("a rebase or 'git am' is in progress", "finish it with 'git rebase --continue' or abort it"),
    "CHERRY_PICK_HEAD": ("a cherry-pick is in progress", "finish it or run 'git cherry-pick --abort'"),
    "REVERT_HEAD": ("a revert is in progress", "finish it or run 'git revert --abort'"),
}


@dataclass
class Identity:
    """Who git says commits here (user.name, user.email), each None when unset."""

    name: str | None = None
    email: str | None = None


@dataclass
class Status:
    """A running `git status`: HEAD's commit and the paths that differ from it."""

    proc: subprocess.Popen
    # When it started (time.time_ns): a file git saw as unchanged but whose inode changed
    # after this may have changed after git looked at it.
    started: int
    _result: tuple[str | None, set[str]] | None = None

    def result(self) -> tuple[str | None, set[str]]:
        if self._result is None:
            out, err = self.proc.communicate()
            if self.proc.returncode != 0:
                raise GitError(f"git status failed: {_last_line(err)}")
            self._result = _parse_status(out)
        return self._result[0], set(self._result[1])

    def cancel(self) -> None:
        if self._result is None:
            self.proc.kill()
            self.proc.communicate()


class Running:
    """A git command under way (`GitRepo.start`)."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self._done: tuple[int, str, str] | None = None

    def result(self, check: bool = True) -> tuple[int, str, str]:
        """Its exit status, output and errors, once it ended (`check`: a failure raised, as `GitRepo.run`'s)."""
        if self._done is None:
            with self.proc:
                try:
                    out, err = self.proc.communicate()
                except BaseException:  # (as `subprocess.run`: stopped, git with it)
                    self.proc.kill()
                    raise
            self._done = (self.proc.returncode, out, err)
        if check and self._done[0] != 0:
            raise GitError(f"git {self.proc.args[1]} failed: {_last_line(self._done[2] or self._done[1])}")
        return self._done


def _ls_files(which: str | None, *pathspecs: str) -> tuple[str, ...]:
    """The arguments of `git ls-files` listing the untracked, not ignored files, and `which` ones too."""
    return ("ls-files", "-z", *([which] if which else []), "--others", "--exclude-standard", "--", *pathspecs)


_TRACKED = ("ls-files", "-z", "--cached", "--")  # (then a pathspec) the files git tracks


def _names(out: str) -> set[str]:
    """The paths `git ls-files -z` printed."""
    return set(filter(None, out.split("\0")))


def _parse_status(out: str) -> tuple[str | None, set[str]]:
    head, paths = None, set()
    for entry in out.split("\0"):
        if entry.startswith("# branch.oid "):
            oid = entry.split(" ", 2)[2]
            head = None if oid == "(initial)" else oid
        elif entry.startswith("1 "):
            paths.add(entry.split(" ", 8)[8])
        elif entry.startswith("u "):
            paths.add(entry.split(" ", 10)[10])
        elif entry.startswith("? "):
            paths.add(entry[2:])
    return head, paths


@dataclass(frozen=True)
class Commit:
    """One commit of the history: who, when (seconds since the epoch), and what it did to which paths."""

    sha: str
    author: str
    email: str
    time: int
    subject: str
    changes: tuple[tuple[str, str], ...]  # (A, M or D, repository-relative path)


_LOG_FORMAT = "%x1e%H%x1f%an%x1f%ae%x1f%at%x1f%s"  # a commit: sha, author, email, time, subject (then its paths)


def _parse_commit(chunk: str) -> Commit | None:
    head, _, rest = chunk.partition("\0")
    parts = head.split("\x1f", 4)
    if len(parts) != 5:
        return None
    fields = rest.lstrip("\n").split("\0")
    changes = tuple((fields[i][:1], fields[i + 1]) for i in range(0, len(fields) - 1, 2) if fields[i])
    try:
        time = int(parts[3])
    except ValueError:
        return None
    return Commit(parts[0], parts[1], parts[2], time, parts[4], changes)


@dataclass
class Repo:
    """A git working tree that holds (or is) the KB."""

    root: Path  # top of the working tree
    git_dir: Path
    warnings: list[str] = field(default_factory=list)
    _config: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)  # read once
    _between: dict[tuple[str, str, str], set[str]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def dirs(self) -> tuple[Path, Path]:
        return self.root, self.git_dir

    @property
    def common_dir(self) -> Path:
        """The git folder a worktree shares with its main one (refs, hooks); the git folder itself otherwise."""
        try:
            return (self.git_dir / (self.git_dir / "commondir").read_text(encoding="utf-8").strip()).resolve()
        except OSError:
            return self.git_dir

    # -- running git ---------------------------------------------------------------

    def run(self, *args: str, check: bool = True) -> tuple[int, str, str]:
        done = subprocess.run(["git", *args], **self._popen_kwargs(), check=False)
        if check and done.returncode != 0:
            raise GitError(f"git {args[0]} failed: {_last_line(done.stderr or done.stdout)}")
        return done.returncode, done.stdout, done.stderr

    def start(self, *args: str) -> Running:
        """`run` in the background (`Running.result` waits for it): git runs on another core meanwhile."""
        kwargs = self._popen_kwargs()
        kwargs.pop("capture_output")
        return Running(subprocess.Popen(["git", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs))

    def _popen_kwargs(self) -> dict:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        return {"cwd": self.root, "env": env, "capture_output": True, "text": True, "encoding": "utf-8",
                "errors": "surrogateescape", "stdin": subprocess.DEVNULL}  # fmt: skip

    # -- what changed (for the index) ------------------------------------------------

    def pathspec(self, path: Path) -> str:
        """A folder of the working tree as a pathspec relative to the top (where git runs)."""
        rel = os.path.relpath(path, self.root)
        # `literal`: a folder named "[draft]" is not a glob.
        return "." if rel == "." else ":(literal)" + rel.replace(os.sep, "/")

    def start_status(self, pathspec: str) -> Status:
        """Start `git status` in the background: it runs on another core while pmops loads."""
        started = time.time_ns()
        running = self.start("--no-optional-locks", "status", "--porcelain=v2", "--branch", "-z",
                             "--untracked-files=all", "--no-renames", "--ignore-submodules=all", "--", pathspec)  # fmt: skip
        return Status(running.proc, started)

    def changed_between(self, old: str, new: str, pathspec: str) -> set[str] | None:
        """Paths changed from commit `old` to `new`; None when `old` is unknown (history rewritten).
        Between two commits named by their ids the answer never changes: asked again (a catch-up
        looks once, then again under the index's lock), it is not asked of git twice."""
        key = (old, new, pathspec)
        if key in self._between:
            return set(self._between[key])
        status, out, _ = self.run("diff", "--name-only", "-z", "--no-renames", old, new, "--", pathspec, check=False)
        found = set(filter(None, out.split("\0"))) if status == 0 else None
        if found is not None and all(_SHA.fullmatch(ref) for ref in (old, new)):
            if len(self._between) >= 64:  # a search server lives on: a few answers, not every one since it began
                self._between.clear()
            self._between[key] = set(found)
        return found

    def list_files(self, pathspec: str, *leaving_out: str) -> list[str]:
        """Files git tracks or would track (untracked, not ignored), repository-relative; but those
        the glob patterns `leaving_out` match (repository-relative, `**/` any folders), left out by git."""
        return sorted(self._ls_files("--cached", pathspec, *(f":(exclude,glob){p}" for p in leaving_out)))

    def start_list_files(self, pathspec: str) -> Callable[[], list[str]]:
        """`list_files` started in the background: the function returned waits for its answer."""
        running = self.start(*_ls_files("--cached", pathspec))
        return lambda: sorted(_names(running.result()[1]))

    def tracked(self, paths: list[Path]) -> set[Path]:
        """Those of `paths` (absolute) that git tracks."""
        specs = [":(literal)" + os.path.relpath(p, self.root).replace(os.sep, "/") for p in paths]
        out = self.run("ls-files", "-z", "--cached", "--", *specs)[1]
        return {self.root / rel for rel in filter(None, out.split("\0"))}

    def tracked_files(self, pathspec: str) -> set[str]:
        """The files git tracks (committed, or added) under a pathspec, repository-relative: one call."""
        return _names(self.run(*_TRACKED, pathspec)[1])

    def start_tracked_files(self, pathspec: str) -> Callable[[], set[str]]:
        """`tracked_files` started in the background: the function returned waits for its answer."""
        running = self.start(*_TRACKED, pathspec)
        return lambda: _names(running.result()[1])

    def untracked(self, pathspec: str) -> set[Path]:
        """Files git does not track yet (and does not ignore), as absolute paths."""
        return {self.root / rel for rel in self._ls_files(None, pathspec)}

    def _ls_files(self, which: str | None, *pathspecs: str) -> set[str]:
        """`git ls-files` of the untracked, not ignored files, and of `which` ones too."""
        return _names(self.run(*_ls_files(which, *pathspecs))[1])

    def ignored(self, paths: list[str]) -> set[str]:
        """Those of `paths` (repository-relative) that git ignores and does not track: what
        `list_files` leaves out. Empty when git cannot tell (a path beyond a folder link)."""
        if not paths:
            return set()
        kwargs = self._popen_kwargs()
        kwargs.pop("stdin")
        done = subprocess.run(["git", "--no-optional-locks", "check-ignore", "-z", "--stdin"],
                              input="\0".join(paths), **kwargs, check=False)  # fmt: skip
        return set(filter(None, done.stdout.split("\0"))) if done.returncode == 0 else set()

    # -- history (who did what, when) -------------------------------------------------

    def revisions(self, since: str | None = None) -> list[str] | None:
        """The commits of the whole history (no merges, since a date git reads), newest first, as
        `log` walks them, without reading a tree: `git rev-list`. None when git cannot say (no commit)."""
        args = ["--no-optional-locks", "rev-list", "--no-merges"] + ([f"--since={since}"] if since else []) + ["HEAD"]
        status, out, _ = self.run(*args, check=False)
        return out.split() if status == 0 else None

    def log_of(self, shas: list[str]) -> list[Commit]:
        """`log`'s answer for these commits only (one `git log --no-walk --stdin`), in their order."""
        if not shas:
            return []
        kwargs = self._popen_kwargs()
        kwargs.pop("stdin")
        done = subprocess.run(["git", "--no-optional-locks", "log", "--no-walk=unsorted", "--stdin", "--no-renames",
                               "--name-status", "-z", f"--format={_LOG_FORMAT}"], input="\n".join(shas) + "\n",
                              **kwargs, check=False)  # fmt: skip
        if done.returncode != 0:
            raise GitError(f"git log failed: {_last_line(done.stderr)}")
        return [c for c in (_parse_commit(chunk) for chunk in done.stdout.split("\x1e")) if c is not None]

    def log(self, pathspec: str, since: str | None = None) -> list[Commit]:
        """The commits touching `pathspec`, newest first, each with the paths it added, changed or
        removed (repository-relative, renames as a removal and an addition): one `git log` call.
        `since` is a date git reads (2026-11-01); an empty repository has no history."""
        args = ["--no-optional-locks", "log", "--no-renames", "--name-status", "-z", "--no-merges",
                f"--format={_LOG_FORMAT}"]  # fmt: skip
        if since:
            args.append(f"--since={since}")
        status, out, err = self.run(*args, "--", pathspec, check=False)
        if status != 0:
            if "does not have any commits" in err or "bad default revision" in err:
                return []
            raise GitError(f"git log failed: {_last_line(err)}")
        return [c for c in (_parse_commit(chunk) for chunk in out.split("\x1e")) if c is not None]

    # -- state ---------------------------------------------------------------------

    def config(self) -> dict[str, str]:
        """The settings a write needs, as git reads them (the last value wins: a repository's own over
        the global one, listed before it): who commits, and where the commit hooks are. One git process
        a Repo: a write asked who writes and who commits, a process each."""
        if self._config is None:
            self._config = {}
            _, out, _ = self.run("config", "--get-regexp", r"^(user\.(name|email)|core\.hookspath|hook\..*)$",
                                 check=False)  # fmt: skip
            for line in out.splitlines():
                key, _, value = line.partition(" ")
                self._config[key] = value
        return self._config

    def identity(self) -> Identity:
        """Who git would commit as: $GIT_AUTHOR_NAME/$GIT_AUTHOR_EMAIL, else the config's `user.name`
        and `user.email`, and $EMAIL when no config sets an email."""
        config = self.config()
        return Identity(
            os.environ.get("GIT_AUTHOR_NAME") or config.get("user.name"),
            os.environ.get("GIT_AUTHOR_EMAIL") or config.get("user.email") or os.environ.get("EMAIL"),
        )

    def check_writable(self, doing: str = "commit", paths: list[Path] | None = None) -> Identity:
        """Refuse states where a commit (or what `doing` names: "sync") would fail or mislead, and
        a commit of `paths` that one side of a rename the user staged (check_renames); return who will
        commit. One `git diff --cached` answers both: an unmerged path is staged as `U`."""
        for marker, (what, fix) in _IN_PROGRESS.items():
            if (self.git_dir / marker).exists():
                raise GitError(f"cannot {doing}: {what} in {self.root}", hint=fix)
        staged = self._staged()
        unmerged = [names[0] for status, names in staged if status == "U"]
        if unmerged:
            first = unmerged[0]
            # No merge, rebase or cherry-pick is in progress (checked above): a conflicted
            # `git stash pop` (or `checkout -m`) left them, and there is nothing to abort.
            raise GitError(
                f"cannot {doing}: unmerged paths in the repository (e.g. {first})",
                hint="resolve the conflict markers in them and 'git add' them (a 'git stash pop' that conflicted kept its stash: git stash list)",
            )
        ident = self.identity()
        if not ident.name or not ident.email:
            missing = "user.name" if not ident.name else "user.email"
            raise GitError(
                f"cannot {doing}: git {missing} is not set",
                hint=f'run: git config --global {missing} "..."'
                + (" (or pass --no-commit)" if doing == "commit" else ""),
            )
        head = (self.git_dir / "HEAD").read_text(encoding="utf-8", errors="replace")
        if not head.startswith("ref:"):
            self.warnings.append("HEAD is detached: the commit is not on any branch")
        if paths:
            self.check_renames(paths, staged)
        return ident

    def _staged(self) -> list[tuple[str, list[str]]]:
        """What the user staged against HEAD, as (status letter, paths): a rename `R` with its old and new
        path, an unmerged path `U`."""
        out = self.run("diff", "--cached", "--name-status", "-z", "-M", check=False)[1]
        tokens, entries, i = out.split("\0"), [], 0
        while i < len(tokens) and tokens[i]:
            status, count = tokens[i], 2 if tokens[i][:1] in "RC" else 1
            entries.append((status[:1], tokens[i + 1 : i + 1 + count]))
            i += 1 + count
        return entries

    def check_renames(self, paths: list[Path], staged: list[tuple[str, list[str]]] | None = None) -> None:
        """Refuse to commit a path that is one side of a rename the user staged (`git mv`, not
        committed): `commit --only` would commit the new path without the removal of the old one,
        and the commit would hold the document twice. Committing the removal too would sweep the
        user's own staging into pmops' commit, which pmops never does: they commit it first."""
        if not paths:
            return
        rel = {os.path.relpath(p, self.root).replace(os.sep, "/") for p in paths}
        for status, names in self._staged() if staged is None else staged:
            if status == "R" and not rel.isdisjoint(names):
                old, new = names
                raise GitError(
                    f"cannot commit: {new} is staged as renamed from {old}; commit your rename first",
                    hint=f'git commit -m "Move {old}" -- {old} {new}, then run this again',
                )

    def modified(self, paths: list[Path]) -> set[Path]:
        """Those of `paths` (absolute) that git tracks and that differ from HEAD, staged or not:
        the user's own edits, not committed yet. Empty in a repository with no commit yet."""
        if not paths:
            return set()
        rel = {os.path.relpath(p, self.root).replace(os.sep, "/"): p for p in paths}
        status, out, _ = self.run("--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=no",
                                  "--no-renames", "--ignore-submodules=all", "--",
                                  *(":(literal)" + r for r in rel), check=False)  # fmt: skip
        if status != 0:
            return set()
        return {rel[entry[3:]] for entry in filter(None, out.split("\0")) if entry[3:] in rel}

    def _wait_for_index_lock(self) -> None:
        """Another tool (an editor, a GUI) may hold index.lock briefly: wait, never delete it."""
        lock = self.git_dir / "index.lock"
        deadline = time.monotonic() + INDEX_LOCK_WAIT
        delay = 0.05
        while lock.exists():
            if time.monotonic() > deadline:
                raise GitError(
                    f"git's index.lock has been held for {INDEX_LOCK_WAIT:.0f}s by another program",
                    hint="wait for the other git command to finish; remove .git/index.lock only if none runs",
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def uncommitted(self) -> tuple[set[str], set[str]]:
        """The working tree's paths (from the top) with changes not committed, staged or not, and
        those git does not track (ignored ones are neither)."""
        out = self.run("--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all",
                       "--no-renames", "--ignore-submodules=all")[1]  # fmt: skip
        changed, untracked = set(), set()
        for entry in filter(None, out.split("\0")):
            (untracked if entry.startswith("??") else changed).add(entry[3:])
        return changed, untracked

    # -- writing -------------------------------------------------------------------

    def commit(self, paths: list[Path], message: str) -> str:
        """Commit exactly `paths` (relative to nothing: absolute paths); return the new sha."""
        import tempfile  # (2-3 ms with shutil: loaded by the commands that commit, not by every one)

        rel = [os.path.relpath(p, self.root) for p in paths]
        self._wait_for_index_lock()
        fd, msg_file = tempfile.mkstemp(prefix="pmops-msg-", dir=self.git_dir)
        spec_file = None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(message + "\n")
            if len(rel) > MANY_PATHS:  # an import: past the command line's length limit
                self._pack_blobs(paths)
                spec_fd, spec_file = tempfile.mkstemp(prefix="pmops-paths-", dir=self.git_dir)
                with os.fdopen(spec_fd, "w", encoding="utf-8", errors="surrogateescape") as handle:
                    handle.write("\0".join(rel))
                paths_args = [f"--pathspec-from-file={spec_file}", "--pathspec-file-nul"]
            else:
                paths_args = ["--", *rel]
            self.run("add", *paths_args)
            try:
                self._note_python()
                status, out, err = self._run_commit(msg_file, paths_args)
            except BaseException:
                self._unstage(paths_args)  # the user's index as it was, whatever stopped the commit
                raise
            if status != 0:
                self._unstage(paths_args)
                raise GitError(_commit_failure(err + "\n" + out))
            self._settle(rel, paths_args)
        finally:  # a leftover message file is harmless; failing to remove it must not unmake the commit
            with contextlib.suppress(OSError):
                os.unlink(msg_file)
                if spec_file:
                    os.unlink(spec_file)
        # The commit is made: failing to read its id back must not report it as not made.
        try:
            return self._head() or self.run("rev-parse", "HEAD", check=False)[1].strip()
        except OSError:
            return ""

    def _head(self) -> str | None:
        """HEAD's commit read from git's own files, as a commit just left it (a git process less a
        write): a detached HEAD holds it, a branch's ref file does. None where it is not kept so (a
        reftable repository, a ref only packed): `git rev-parse` then."""
        try:
            head = (self.git_dir / "HEAD").read_text(encoding="utf-8").strip()
            if head.startswith("ref: "):
                head = (self.common_dir / head[len("ref: ") :]).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return head if _SHA.fullmatch(head) else None

    def _hooks(self) -> bool:
        """Whether a hook may run at a commit (one that could stage a file: _settle). Hooks are
        executable files in core.hooksPath (relative: to the working tree's top) or the git folder's
        hooks/, or configured `hook.*` commands."""
        config = self.config()
        if any(key.startswith("hook.") for key in config):
            return True
        hooks_path = config.get("core.hookspath")
        folder = self.root / os.path.expanduser(hooks_path) if hooks_path else self.common_dir / "hooks"
        return any(os.access(folder / name, os.X_OK) and (folder / name).is_file() for name in _COMMIT_HOOKS)

    def _run_commit(self, msg_file: str, paths_args: list[str]) -> tuple[int, str, str]:
        """`git commit --only`, telling the user's hooks which Python runs this pmops
        (`PMOPS_PYTHON`): the KB's pre-commit hook lints with it when pmops is not on PATH."""
        kwargs = self._popen_kwargs()
        kwargs["env"]["PMOPS_PYTHON"] = sys.executable
        done = subprocess.run(
            ["git", "commit", "--only", "--quiet", "-F", msg_file, *paths_args], **kwargs, check=False
        )
        return done.returncode, done.stdout or "", done.stderr or ""

    def _note_python(self) -> None:
        """Note in .git/pmops/python which Python runs pmops here, for the hook of a `git commit`
        made from a shell where pmops is not on PATH (best effort: the hook has other ways)."""
        if not sys.executable:
            return
        note = self.git_dir / "pmops" / "python"
        try:
            if note.read_text(encoding="utf-8").strip() == sys.executable:
                return
        except (OSError, UnicodeDecodeError):
            pass
        import tempfile

        tmp = None
        try:
            note.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix="python-", dir=note.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(sys.executable + "\n")
            os.replace(tmp, note)
        except OSError:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def _pack_blobs(self, paths: list[Path]) -> None:
        """Put the files' contents into git's object store as one pack (`git fast-import`), so the
        `git add` that follows finds every object there: as loose objects they would be one file
        each, the slowest part of committing an import. Best effort: `git add` does it otherwise
        (and does anyway where a clean filter or line-ending conversion changes the content)."""
        kwargs = self._popen_kwargs()
        for key in ("capture_output", "text", "encoding", "errors", "stdin"):
            kwargs.pop(key)
        try:
            proc = subprocess.Popen(["git", "fast-import", "--quiet"], stdin=subprocess.PIPE,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)  # fmt: skip
            with proc.stdin:
                for path in paths:
                    data = path.read_bytes()
                    proc.stdin.write(b"blob\ndata %d\n%s\n" % (len(data), data))
            proc.wait()
        except OSError:
            pass

    def _settle(self, rel: list[str], paths_args: list[str]) -> None:
        """After the commit, git's index holds each path as it was before the user's hooks ran: a
        hook that changed a file and staged it (a formatter) changed the commit, and the index
        would undo that in the user's next commit (`MM`). Such paths are set to what was committed.
        Nothing to do where no commit hook exists; one cheap read when none staged a file (the index
        then matches the commit already)."""
        if not self._hooks():
            return
        try:
            staged = self.run("diff", "--cached", "--name-only", "-z", "--no-renames", check=False)[1]
        except OSError:
            return
        if not set(rel).isdisjoint(staged.split("\0")):
            self._unstage(paths_args)

    def _unstage(self, paths_args: list[str]) -> None:
        """Set our paths in git's index to HEAD's: as before our `git add` after a failed commit, as
        committed after one (best effort: it runs on failures)."""
        try:
            has_head = self.run("rev-parse", "--verify", "--quiet", "HEAD", check=False)[0] == 0
            if has_head:
                self.run("reset", "--quiet", *paths_args, check=False)
            else:
                self.run("rm", "--cached", "--quiet", "--ignore-unmatch", *paths_args, check=False)
        except OSError:
            pass


# What pre-commit says around a failing hook, which hides the hook's own message: its stash
# and restore notes, the hooks' status lines ("pmops lint....Failed") and their headers.
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # a commit's (or tree's) full id: what it names never changes
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CHATTER = re.compile(r"^(\[(INFO|WARNING)\] |- (hook id|exit code|duration|files were modified by this hook)\b"
                      r"|hookid: )|\.{3,}\s*(\([^)]*\))?(Passed|Failed|Skipped)$")  # fmt: skip
_FAILED_HOOK = re.compile(r"\.{3,}\s*(\([^)]*\))?Failed$")
COMMIT_FAILURE_LINES = 3


def _commit_failure(text: str) -> str:
    """Why `git commit` failed, in one line: the failing hook's own words (its last lines)
    rather than pre-commit's chatter, which ends with "Restored changes from …"."""
    lines = [_ANSI.sub("", line).strip() for line in (text or "").splitlines()]
    hooks = [after.split(":", 1)[1].strip() for before, after in zip(lines, lines[1:])
             if _FAILED_HOOK.search(before) and after.startswith(("- hook id:", "hookid:"))]  # fmt: skip
    said = [line for line in lines if line and not _CHATTER.search(line)]
    reason = "; ".join(said[-COMMIT_FAILURE_LINES:]) if said else "unknown error"
    if not hooks:
        return f"git commit failed: {reason}"
    return f"the pre-commit {'hook' if len(hooks) == 1 else 'hooks'} {', '.join(hooks)} failed: {reason}"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else "unknown error"


def find(path: Path) -> Repo | None:
    """The repository whose working tree contains `path`, or None (see locate.git_dirs)."""
    from pmops.locate import git_dirs

    found = git_dirs(path)
    return Repo(*found) if found else None


def init(path: Path) -> Repo:
    """Create a repository at `path` (the initial branch follows the user's git config)."""
    repo = Repo(path.resolve(), path.resolve() / ".git")
    repo.run("init", "--quiet")
    return repo
