"""`pmops init`: a new knowledge base with its settings, vocabulary, folders and first commit."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pmops import config, gitrepo, locate, store, taxonomy, templates
from pmops.doctypes import BUILTIN
from pmops.errors import Conflict, InvalidInput, PmopsError


@dataclass
class Initialised:
    root: Path
    created: list[str]
    kept: list[str] = field(default_factory=list)
    commit: str | None = None
    new_repo: bool = False


def _files(name: str) -> dict[str, bytes]:
    """The files a new KB starts with, rendered from templates/kb/."""

    def render(template: str, **context: object) -> bytes:
        return templates.render(f"kb/{template}", None, **context).encode()

    files = {
        config.FILENAME: render("pmops.yaml.j2", name=name),
        taxonomy.FILENAME: render("taxonomy.yaml"),
        ".gitignore": render("gitignore"),
        ".pre-commit-config.yaml": render("pre-commit-config.yaml"),
        ".pre-commit-pmops.sh": render("pre-commit-pmops.sh"),  # the hook: finds pmops off PATH too
        "README.md": render("README.md.j2", name=name, doctypes=BUILTIN),
    }
    files.update({f"{t.folder}/.gitkeep": b"" for t in BUILTIN})
    return files


def init(path: Path, name: str | None = None, *, commit: bool = True) -> Initialised:
    """Create a KB at `path` (new or existing folder, new or existing git repository).

    Refuses a folder that already holds a KB. Files of ours that already exist
    (a team's own README or .gitignore) are kept as they are.
    """
    path = path.expanduser()
    if path.exists() and not path.is_dir():
        raise InvalidInput(f"{path} exists and is not a folder")
    if (path / config.FILENAME).exists():
        raise Conflict(f"{path} is already a knowledge base ({config.FILENAME} exists); nothing changed")
    name = (name or path.resolve().name).strip()
    if not name or "\0" in name:
        raise InvalidInput("--name must not be empty")
    files = _files(name)
    made_dir = not path.exists()
    path.mkdir(parents=True, exist_ok=True)
    root = path.resolve()
    repo = gitrepo.find(root) if commit else None
    new_repo = commit and repo is None
    try:
        if new_repo:
            repo = gitrepo.init(root)
        if repo:
            repo.check_writable()
    except PmopsError:
        if new_repo:
            shutil.rmtree(root / ".git", ignore_errors=True)
        if made_dir:
            shutil.rmtree(root, ignore_errors=True)
        raise
    result = Initialised(root, [], new_repo=new_repo)
    written: list[Path] = []
    with store.write_lock(locate.state_dir(root, repo.dirs if repo else None) / "write.lock"):
        for rel, data in files.items():
            target = root / rel
            if target.exists():
                result.kept.append(rel)
                continue
            store.atomic_write(target, data)
            written.append(target)
            result.created.append(rel)
        if repo:
            result.commit = repo.commit(written, f'pmops: initialise knowledge base "{name}"')
    return result
