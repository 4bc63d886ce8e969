"""The read side of a KB: which files it has, where they are, and reading one of them."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

from pmops import documents, gitrepo, store
from pmops.documents import Document
from pmops.errors import DocumentError

SKIP_DIRS = {"templates", "node_modules", "_site", "venv"}


def left_out(rel: str, leaving_out: dict[str, str]) -> bool:
    """Whether a KB-relative path is below one of the folders and its name starts as that folder says."""
    folder, _, name = rel.rpartition("/")
    return any(
        (folder == top or folder.startswith(top + "/")) and name.startswith(start) for top, start in leaving_out.items()
    )


class Tree:
    """A KB's folder as pmops sees it: its markdown files, their paths, and their bytes.

    Knows nothing of document types; `records.Catalog` adds them.
    """

    # The listings `listed` got from git, by question; None: not kept (a long-lived process: the
    # search server, site serve). See keep_listings.
    _listings: dict[tuple[str, tuple[tuple[str, str], ...]], list[str]] | None = None

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def keep_listings(self, keep: bool = True) -> None:
        """Keep each listing git gave until this KB writes: for one short command, which asks the
        same questions several times (a report asked git 41 times, 4 of each; lint 10). Files
        another process adds meanwhile are seen by the next command, as they would be anyway
        by a command that began a moment earlier. `keep=False`: a process that lives on (site serve)."""
        self._listings = {} if keep else None

    def forget_listings(self) -> None:
        if self._listings is not None:
            self._listings = {}

    @cached_property
    def repo(self) -> gitrepo.Repo | None:
        return gitrepo.find(self.root)

    def _walk(self, under: Path | None = None) -> Iterator[os.DirEntry]:
        """Every markdown file of the KB (or below `under`), in a stable order.

        Hidden files and folders (.git, .pmops), templates/ and folder links are skipped;
        whatever else is named *.md is yielded, for `read` to refuse with a reason when it is
        not a file of the KB (a link that leaves it, a FIFO).
        """
        stack = [str(under or self.root)]
        while stack:
            try:
                entries = sorted(os.scandir(stack.pop()), key=lambda e: e.name)
            except OSError:
                continue
            folders = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIP_DIRS:
                        folders.append(entry.path)
                elif entry.name.endswith(".md"):
                    yield entry
            stack.extend(reversed(folders))

    def paths(self, under: Path | None = None) -> Iterator[Path]:
        """The KB's documents (below `under`). In a git repository: what git tracks or would
        track — git-ignored files are not part of a shared KB — else every markdown file.
        Files `read` refuses (links out of the KB, FIFOs, names that are not UTF-8) are
        included, so that whoever reads them can say which and why."""
        repo = self.repo
        if repo is None:
            yield from (Path(entry.path) for entry in self._walk(under))
            return
        for rel in self.listed(under):
            path = self.root / rel
            if os.path.exists(path):  # (a deleted, still tracked file is not)
                yield path

    def listed(self, under: Path | None = None, leaving_out: dict[str, str] | None = None) -> list[str]:
        """The KB-relative paths of its documents (below `under`) as `paths` finds them, without
        a look at each file: a file git still tracks after it was deleted is among them. For a
        caller that picks a few of thousands by name (an opportunity's evidence, by id).

        `leaving_out` maps KB folders to the start of the names of the files below them that are
        not wanted ("": the whole folder), which git leaves out itself: a caller that wants the few
        files of a large KB that are not where their names say (records: moved documents)."""
        leaving_out = leaving_out or {}
        key = (str(under or ""), tuple(sorted(leaving_out.items())))
        if self._listings is not None and key in self._listings:
            return list(self._listings[key])
        repo = self.repo
        if repo is None:
            cut = len(str(self.root)) + 1
            found = [entry.path[cut:].replace(os.sep, "/") for entry in self._walk(under)]
        elif self._listings is not None and (under or leaving_out):
            # Kept listings: one of the whole KB from git, every other question answered from it
            # (a folder's files, the files no type accounts for) — as git answers them, in order.
            below = os.path.relpath(under, self.root).replace(os.sep, "/") if under else "."
            found = [rel for rel in self.listed() if below == "." or rel == below or rel.startswith(below + "/")]
        else:
            patterns = [
                self.to_repo(glob.escape(folder) + ("/**" if not start else f"/**/{glob.escape(start)}*"))
                for folder, start in leaving_out.items()
            ]
            listed = (self.from_repo(repo_rel) for repo_rel in repo.list_files(self.pathspec(under), *patterns))
            found = [rel for rel in listed if rel is not None and self.is_document(rel)]
        found = [rel for rel in found if not left_out(rel, leaving_out)] if leaving_out else found
        if self._listings is not None:
            self._listings[key] = list(found)
        return found

    def is_document(self, rel: str) -> bool:
        """Whether a KB-relative path is one pmops reads (the same rules as the folder walk)."""
        # (no part starting with "." is no "/." in "/" + rel: a string search, 10,000 files listed at each build)
        return (
            rel.endswith(".md")
            and not rel.startswith(".")
            and "/." not in rel
            and SKIP_DIRS.isdisjoint(rel.split("/")[:-1])
        )

    def pathspec(self, under: Path | None = None) -> str:
        """The KB (or a folder in it) as a git pathspec, relative to the repository's top."""
        repo = self.repo
        assert repo is not None
        return repo.pathspec(under or self.root)

    def from_repo(self, repo_rel: str) -> str | None:
        """A repository-relative path as KB-relative, or None when it is outside the KB."""
        prefix = self._repo_prefix
        return repo_rel[len(prefix) :] if repo_rel.startswith(prefix) else None

    def to_repo(self, rel: str) -> str:
        """A KB-relative path as repository-relative (what git takes and prints)."""
        return self._repo_prefix + rel

    @cached_property
    def _repo_prefix(self) -> str:
        assert self.repo is not None
        rel = os.path.relpath(self.root, self.repo.root).replace(os.sep, "/")
        return "" if rel == "." else rel + "/"

    def scan(self) -> dict[str, tuple[int, int]]:
        """Every markdown file's KB-relative path with its (mtime_ns, size): one stat each, no reads."""
        cut = len(str(self.root)) + 1
        found = {}
        for entry in self._walk():
            try:
                st = entry.stat()
            except OSError:
                continue
            found[entry.path[cut:].replace(os.sep, "/")] = (st.st_mtime_ns, st.st_size)
        return found

    def inside(self, path: Path) -> bool:
        """Whether a path, its links resolved, is in the KB."""
        try:
            path.resolve().relative_to(self.root)
        except ValueError:
            return False
        return True

    def exists(self, rel: str) -> bool:
        """Whether a KB-relative path (may contain '..') names a file inside the KB."""
        path = (self.root / rel).resolve()
        return self.inside(path) and path.exists()

    def rel(self, path: Path) -> str:
        text, root = str(path), str(self.root)
        if text.startswith(root + os.sep):
            return text[len(root) + 1 :].replace(os.sep, "/")
        return Path(os.path.relpath(path, self.root)).as_posix()

    def read(self, path: Path) -> Document:
        """Read one file (raises DocumentError when it cannot be kept intact, or is refused:
        see store.read_file, the one way pmops reads a KB's files)."""
        rel = self.rel(path)
        try:
            data = self.read_bytes(path)
        except OSError as exc:
            raise DocumentError(rel, f"cannot read: {exc.strerror or exc}") from None
        return documents.parse(rel, data)

    def read_bytes(self, path: Path) -> bytes:
        """One file's bytes, read as every file of the KB is (store.read_file): DocumentError
        when refused (a link out of the KB, a FIFO, too large…), OSError when unreadable."""
        return store.read_file(self.root, self.rel(path))
