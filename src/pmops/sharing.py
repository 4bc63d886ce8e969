"""Sharing a KB through a git remote: sync, the change log, and the health check (doctor)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pmops import __version__
from pmops.errors import GitError, PmopsError
from pmops.store import TEMP_SUFFIX
from pmops.text import count

if TYPE_CHECKING:
    from pmops.gitrepo import Repo
    from pmops.kb import KnowledgeBase
    from pmops.search.results import Sync


def _repo(kb: KnowledgeBase) -> Repo:
    repo = kb.repo
    if repo is None:
        raise PmopsError(
            f"{kb.root} is not in a git repository", hint="run 'git init' there to share it through a remote"
        )
    return repo


@dataclass
class Change:
    sha: str
    date: str
    author: str
    subject: str
    documents: list[tuple[str, str]] = field(default_factory=list)  # (path, title)

    def to_json(self) -> dict:
        return {"commit": self.sha, "date": self.date, "author": self.author, "subject": self.subject,
                "documents": [{"path": p, "title": t} for p, t in self.documents]}  # fmt: skip


def log(
    kb: KnowledgeBase,
    limit: int = 20,
    *,
    since: dt.date | None = None,
    author: str | None = None,
    type_name: str | None = None,
) -> list[Change]:
    """The KB's recent commits, newest first, with the titles of the documents they touched: the
    last `limit` of those dated `since` or later, by an `author` (a piece of the name or email,
    any case; a person's id or a unique prefix of it names them), touching a document of the type
    `type_name` (exit 2 for an unknown type): then only the documents of that type are named. An
    author no commit has is exit 2 with the nearest authors' names."""
    from pmops.errors import InvalidInput
    from pmops.text import did_you_mean

    if limit < 1:
        raise InvalidInput("--limit must be at least 1")
    doctype = kb.type_option(type_name) if type_name is not None else None
    if author is not None and author.strip().startswith(kb.doctype("person").prefix + "-"):
        author = kb.find(author.strip(), "person").title  # a person's id (or a unique prefix): their name
    who = " ".join(author.split()).casefold() if author is not None else None
    if author is not None and not who:
        raise InvalidInput("--author: give a name or an email, or a piece of one")
    repo = _repo(kb)
    # -z: file names as they are (without it git quotes "insights/caf\303\251.md"), each
    # followed by a NUL; a commit's header ends with a NUL and a newline. Filters pmops applies
    # itself read the whole log (the author is never given to git: user text is no git option).
    # (git's --since reads commit dates and stops at the first older commit: a rebased history
    # would lose newer ones; the author date shown decides.)
    window = [f"-n{limit}"] if who is None and doctype is None and since is None else []
    status, out, _ = repo.run("log", *window, "-z", "--format=%x1e%H%x1f%ad%x1f%an%x1f%ae%x1f%s", "--date=short",
                              "--name-only", "--", kb.pathspec(), check=False)  # fmt: skip
    if status != 0:
        return []  # an empty repository has no log
    changes = []
    authors: dict[str, None] = {}  # every author's name, newest first: the nearest of them to an author no one is
    found_author = False
    for block in filter(None, out.split("\x1e")):
        head, _, names = block.partition("\0")
        sha, date, name, email, subject = head.split("\x1f", 4)
        authors[name] = None
        if who is not None and who not in name.casefold() and who not in email.casefold():
            continue
        found_author = True
        if since is not None and date < since.isoformat():
            continue
        paths = [rel for p in filter(None, names.removeprefix("\n").split("\0")) if (rel := kb.from_repo(p))]
        if doctype is not None:  # only the commit's documents of that type
            paths = [rel for rel in paths if _of_type(kb, rel, doctype.name)]
            if not paths:
                continue
        changes.append(Change(sha[:10], date, name, subject, [(rel, _title(kb, rel)) for rel in paths]))
        if len(changes) == limit:
            break
    if who is not None and not found_author and authors:
        raise InvalidInput(f"--author: no commit by '{author}'",
                           hint=did_you_mean(str(author), list(authors)) or "authors: " + ", ".join(list(authors)[:5]))  # fmt: skip
    return changes


def _title(kb: KnowledgeBase, rel: str) -> str:
    """A file of a commit as the log names it: a document by its title, anything else by its path."""
    if kb.is_document(rel) and (kb.root / rel).is_file():
        try:
            return kb.load(kb.root / rel).title
        except PmopsError:
            pass
    return rel


def _of_type(kb: KnowledgeBase, rel: str, type_name: str) -> bool:
    """Whether a file of a commit is a document of a type: as it is now, or (gone) by its folder."""
    if not kb.is_document(rel):
        return False
    if (kb.root / rel).is_file():
        try:
            return kb.load(kb.root / rel).type == type_name
        except PmopsError:
            pass
    return rel.split("/", 1)[0] == kb.doctype(type_name).folder


@dataclass
class Synced:
    pulled: int
    pushed: int
    index: Sync


def sync(kb: KnowledgeBase) -> Synced:
    """Fetch from the tracked remote, rebase local commits on it, catch the index up, push.

    Local commits are never lost, and uncommitted work never meets a teammate's change: a sync
    whose incoming commits change a file with uncommitted changes (or bring one where an
    untracked file is) stops before anything moves. Other uncommitted changes are stashed for
    the rebase and put back, which cannot conflict."""
    from pmops import store

    repo = _repo(kb)
    with store.write_lock(kb.lock_path):
        repo.check_writable("sync")  # a rebase in progress is said as such, not as "no remote branch"
        status, upstream, _ = repo.run("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False)
        upstream = upstream.strip()
        if status != 0:
            remotes = repo.run("remote")[1].split()
            if not remotes:
                raise PmopsError("this KB has no git remote to sync with",
                                 hint="add one: git remote add origin URL && git push -u origin HEAD")  # fmt: skip
            raise PmopsError("the current branch tracks no remote branch",
                             hint=f"set one: git push -u {remotes[0]} HEAD")  # fmt: skip
        status, out, err = repo.run("fetch", "--quiet", check=False)
        if status != 0:
            remote = repo.run("for-each-ref", "--format=%(upstream:remotename)", _head_ref(repo))[1].strip() or "origin"
            raise GitError(f"could not fetch from {remote}: {_reason(err or out)}; nothing was changed",
                           hint=f"check the network and its address (git remote -v; change it with: git remote set-url {remote} URL)")  # fmt: skip
        _check_incoming(repo, upstream)
        # What HEAD lacks, not what the fetch moved: an earlier fetch (a sync that stopped) counts.
        pulled = int(repo.run("rev-list", "--count", "HEAD..@{u}")[1])
        status, out, err = repo.run("rebase", "--autostash", "--quiet", check=False)
        if status != 0:
            if (repo.git_dir / "rebase-merge").exists() or (repo.git_dir / "rebase-apply").exists():
                conflicted = repo.run("diff", "--name-only", "--diff-filter=U")[1].splitlines()
                if not conflicted:  # the rebase stopped for another reason: say git's
                    raise GitError(f"sync stopped: {_last(err or out)}; your commits are kept",
                                   hint="finish with 'git rebase --continue' (or 'git rebase --abort' to undo); then pmops sync")  # fmt: skip
                raise GitError(
                    f"sync stopped: {count(len(conflicted), 'conflicting file')} ({_listed(conflicted)}); your commits are kept",
                    hint="edit them, 'git add' them and run 'git rebase --continue' (or 'git rebase --abort' to undo); then pmops sync",
                )  # fmt: skip
            raise GitError(f"could not pull from {upstream}: {_reason(err or out)}")
        kb.forget_listings()  # the pull brought, removed or moved files
        ahead = int(repo.run("rev-list", "--count", "@{u}..HEAD")[1] or 0)
        if ahead:
            status, out, err = repo.run("push", "--quiet", check=False)
            if status != 0:
                raise GitError(
                    f"pulled, but could not push: {_last(err or out)}",
                    hint="your commits are safe locally; run pmops sync again",
                )
        index = kb.index.refresh()
    return Synced(pulled, ahead, index)


def _check_incoming(repo: Repo, upstream: str) -> None:
    """Stop before pulling when the fetched commits change a file that has uncommitted changes
    here, or bring a file where an untracked one is. (`git pull --autostash` reported success
    and left the file conflicted, the user's edit in a stash; git refuses the untracked case
    with only "Aborting".)"""
    status, base, _ = repo.run("merge-base", "HEAD", "@{u}", check=False)
    incoming = repo.changed_between(base.strip(), "@{u}", ".") if status == 0 else None
    if not incoming:
        return
    changed, untracked = repo.uncommitted()
    if clash := sorted(changed & incoming):
        raise GitError(
            f"sync stopped before pulling: {upstream} changed {count(len(clash), 'file')} "
            f"with uncommitted changes here ({_listed(clash)}); your changes are untouched",
            hint="commit them (git commit), then pmops sync: a conflict then stops in a rebase you can finish or undo",
        )
    if clash := sorted(untracked & incoming):
        raise GitError(
            f"sync stopped before pulling: {upstream} brings {count(len(clash), 'file')} "
            f"already here, untracked ({_listed(clash)}); nothing was changed",
            hint="move yours out of the way (or commit them), then pmops sync",
        )


def _head_ref(repo: Repo) -> str:
    return repo.run("symbolic-ref", "--quiet", "HEAD", check=False)[1].strip() or "HEAD"


def _listed(paths: list[str]) -> str:
    return ", ".join(paths[:5]) + (" …" if len(paths) > 5 else "")


def _reason(text: str) -> str:
    """git's reason for a failed fetch or pull: its first line that is not boilerplate ("Please
    make sure you have the correct access rights / and the repository exists.")."""
    for line in text.splitlines():
        line = line.strip().removeprefix("fatal: ").removeprefix("error: ")
        if line and line not in _BOILERPLATE:
            return line
    return "unknown error"


_BOILERPLATE = {"Could not read from remote repository.", "Please make sure you have the correct access rights",
                "and the repository exists."}  # fmt: skip


def _last(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "unknown error"


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str | None = None  # what to do when it is not ok: a check that passes has nothing to fix (null)

    def to_json(self) -> dict:
        return {"check": self.name, "ok": self.ok, "detail": self.detail, "fix": None if self.ok else self.fix}


def doctor(kb: KnowledgeBase) -> list[Check]:
    """Everything that can make pmops fail or mislead, each with its fix."""
    from filelock import FileLock, Timeout

    checks = [Check("pmops", True, f"pmops {__version__}, Python {platform.python_version()} ({sys.executable})")]
    repo = kb.repo
    if repo is None:
        checks.append(
            Check("git", False, "the KB is not in a git repository", "git init, then pmops init . to commit it")
        )
    else:
        version = repo.run("--version", check=False)[1].strip()
        checks.append(Check("git", bool(version), version or "git did not answer", None if version else "install git"))
        try:
            ident = repo.check_writable()
            checks.append(Check("repository", True, f"ready to commit as {ident.name} <{ident.email}>"))
        except GitError as exc:
            checks.append(Check("repository", False, exc.message, exc.hint))
        conflicted = repo.run("diff", "--name-only", "--diff-filter=U", check=False)[1].splitlines()
        if conflicted:
            checks.append(Check("conflicts", False, f"unresolved conflicts in {', '.join(conflicted)}",
                                "resolve them, git add them, and finish the merge or rebase"))  # fmt: skip
        if (repo.git_dir / "index.lock").exists():
            checks.append(Check("git lock", False, f"{repo.git_dir / 'index.lock'} exists",
                                "if no git command is running, a crashed one left it: delete it"))  # fmt: skip
    lock = FileLock(str(kb.lock_path), timeout=0)
    try:
        lock.acquire()
        lock.release()
        checks.append(Check("write lock", True, "free"))
        writing = False
    except Timeout:
        checks.append(Check("write lock", False, "another pmops command holds the write lock", "wait for it to finish"))
        writing = True  # its temporary files are in use
    index = kb.index
    healthy = index.healthy()
    if not healthy and not index.dir.exists():  # a new clone or KB: nothing is wrong, nothing was searched yet
        checks.append(Check("index", True, "not built yet: the first search (or pmops index) builds it"))
    else:
        checks.append(Check("index", healthy, f"{index.dir}" + ("" if healthy else " is damaged or out of date"),
                            None if healthy else "pmops index --rebuild (searches also rebuild it by themselves)"))  # fmt: skip
    documents = None
    if healthy:
        sync = index.refresh()
        documents = sync.documents
        stale = sync.added + sync.modified + sync.removed
        checks.append(
            Check("index freshness", True, f"{count(sync.documents, 'document')}; caught up {count(stale, 'change')}")
        )
        if sync.problems:
            listed = "; ".join(f"{p}: {r}" for p, r in sorted(sync.problems.items())[:5])
            listed += " …" if len(sync.problems) > 5 else ""
            checks.append(Check("unreadable files", False, f"{count(len(sync.problems), 'file')} cannot be read: {listed}",
                                "fix them (pmops lint names the line), or move them out of the KB"))  # fmt: skip
    leftovers = [] if writing else _leftover_temp_files(kb.root)
    if leftovers:
        shown = ", ".join(kb.rel(p) for p in leftovers[:3]) + (" …" if len(leftovers) > 3 else "")
        checks.append(Check("leftover files", False, f"{count(len(leftovers), 'temporary file')} of a stopped pmops command: {shown}",
                            "they hold nothing the KB needs (the files they were to replace are intact): delete them"))  # fmt: skip
    stopped = index.leftovers()
    if stopped:
        shown = ", ".join(f"{p.name} ({_size(p)})" for p in stopped[:3]) + (" …" if len(stopped) > 3 else "")
        where = f"{count(len(stopped), 'folder')} of a stopped index rebuild in {index.dir.parent}"
        checks.append(Check("index leftovers", False, f"{where}: {shown}",
                            "pmops index --rebuild removes them; or delete them: they hold nothing the KB needs"))  # fmt: skip
    checks.append(_search_server(kb, documents))
    return checks


def _size(folder: Path) -> str:
    """What the files under `folder` take, for a person: '311 MB'."""
    total = 0
    for parent, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(parent, name)).st_size
            except OSError:
                pass  # removed meanwhile
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if total >= size:
            return f"{total / size:.{0 if total >= 10 * size else 1}f} {unit}"
    return count(total, "byte")


def _leftover_temp_files(root: Path) -> list[Path]:
    """Temporary files a pmops command killed while writing left behind (`store.atomic_write`
    renames them into place otherwise); hidden folders such as .git are not searched."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(folder, name) for name in files if name.endswith(TEMP_SUFFIX)]
    return sorted(found)


def _search_server(kb: KnowledgeBase, documents: int | None) -> Check:
    """Whether searches here are answered by a resident search server, and why not. No server is
    never a failure (a search does the work itself); one that takes questions and answers none
    (a stopped process) costs every search the wait for it."""
    from pmops.search import client

    mode = kb.config.search_server
    log = kb.state_dir / "server.log"
    alive = client.alive(kb.root)
    if alive:
        return Check("search server", True, f"running (search_server: {mode}); its log: {log}")
    if alive is False:
        return Check("search server", False, f"not answering: each search waits {client.ANSWER_WAIT} s for it, then "
                     f"searches by itself (search_server: {mode}); its log: {log}",
                     f"end the process 'python -m pmops.search.server {kb.root}' (a stopped one: kill -CONT it); "
                     "the next search starts another")  # fmt: skip
    if mode == "off":
        return Check("search server", True, "off (search_server: off): each search reads the index itself")
    if documents is None and mode == "auto":  # no index yet: count the files a first search would index
        documents = sum(1 for _ in kb.paths())
    if documents is not None and not client.wanted(mode, documents):
        return Check("search server", True, f"not used below {client.SERVE_FROM:,} documents (search_server: {mode})")
    return Check("search server", True, f"not running; the next search starts it (search_server: {mode})"
                 + (f"; its last log: {log}" if log.exists() else ""))  # fmt: skip
