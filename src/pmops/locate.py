"""Finding a knowledge base: its root folder, from the --kb option, $PMOPS_KB or the folders above.

Kept apart from pmops.config, which loads YAML: the command line finds the KB (and starts
`git status` there) before anything heavy is imported.
"""

from __future__ import annotations

import os
from pathlib import Path

from pmops.errors import KBNotFound

FILENAME = "pmops.yaml"
ENV_KB = "PMOPS_KB"


def find_root(explicit: str | os.PathLike | None = None, cwd: Path | None = None) -> Path:
    """The KB root, in this order:

    1. `explicit` (the --kb option), checked alone;
    2. the PMOPS_KB environment variable, checked alone;
    3. the current folder or the nearest parent holding pmops.yaml.
    """
    for given, origin in ((explicit, "--kb"), (os.environ.get(ENV_KB) or None, ENV_KB)):
        if given is not None:
            root = Path(given).expanduser().resolve()
            if not (root / FILENAME).is_file():
                raise KBNotFound(
                    f"no knowledge base at {given} (from {origin}): {FILENAME} not found",
                    hint="run 'pmops init DIR' to create one",
                )
            return root
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / FILENAME).is_file():
            return folder
    raise KBNotFound(
        f"no knowledge base found in {start} or a parent folder",
        hint="run 'pmops init DIR', or pass --kb PATH / set PMOPS_KB",
    )


def git_dirs(path: Path) -> tuple[Path, Path] | None:
    """The top of the git working tree holding `path` and its git folder, or None.

    Found by walking up to a `.git` folder (or a `.git` file pointing to one, as in
    worktrees and submodules) without starting git: read-only commands use this too.
    """
    for folder in (path, *path.parents):
        marker = folder / ".git"
        if marker.is_dir():
            return folder, marker.resolve()
        if marker.is_file():
            text = marker.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                return folder, (folder / text[len("gitdir:") :].strip()).resolve()
    return None


def state_dir(root: Path, git: tuple[Path, Path] | None) -> Path:
    """Where pmops keeps its lock and index: `.git/pmops/`, else a git-ignored `.pmops/`.
    `git` is the KB's working tree top and git folder (git_dirs), if it has one."""
    return git[1] / "pmops" if git else root / ".pmops"


def index_dir(root: Path, git: tuple[Path, Path] | None) -> Path:
    """One index per KB, even when several KBs share a repository."""
    if git is None or git[0] == root:
        return state_dir(root, git) / "index"
    from pmops.ids import slugify

    key = os.path.relpath(root, git[0])
    return state_dir(root, git) / ("index-" + slugify(key.replace(os.sep, "-"), 60))
