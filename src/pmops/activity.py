"""Who did what, and when: the KB's git history (one `git log`) and the documents' own fields.

A document's author is the person its own field names (an insight's `author`, a decision's
`deciders`), else whoever committed it first; its day is its own date field (when an insight
was heard, a decision taken), else the day it was first committed. A KB outside git has no
history: then only the documents' fields speak.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pmops.text import folded_name

if TYPE_CHECKING:
    from pmops import gitrepo
    from pmops.doctypes import DocType
    from pmops.kb import KnowledgeBase, Record

ACTIONS = {"A": "added", "M": "changed", "D": "removed"}
# The fields that say who made a document, in order: who captured it, who decided it.
AUTHOR_FIELDS = ("author", "deciders")


@dataclass(frozen=True)
class Event:
    """One change of one document: added, changed or removed, by whom, on which day."""

    path: str  # KB-relative: a document, or a metric's values (.csv)
    action: str  # added, changed, removed
    author: str
    email: str
    day: dt.date
    sha: str
    subject: str


@dataclass
class History:
    """The KB's commits as events per document, newest first (empty without git)."""

    events: list[Event] = field(default_factory=list)
    since: dt.date | None = None
    missing: str | None = None  # why there is no history at all: "not a git repository", "no commit yet"
    _first: dict[str, Event] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for event in self.events:  # newest first: the last seen is the first addition
            if event.action == "added":
                self._first[event.path] = event

    def added(self, path: str) -> Event | None:
        """The commit that first added `path` (within the history read)."""
        return self._first.get(path)

    def between(self, since: dt.date, until: dt.date) -> list[Event]:
        return [e for e in self.events if since <= e.day <= until]


KEPT = "history.kept"  # the commits read before, in pmops' private folder (JSON)
KEPT_AT_MOST = 50_000  # commits kept, the newest


def history(kb: KnowledgeBase, since: dt.date | None = None) -> History:
    """The KB's history as events, from one `git log` of its folder (since a day, when given).

    A commit never changes: what `git log` said of one is kept (`history.kept`) and only the commits
    not read before are asked again. That needs the list of the window's commits without their paths
    (`git rev-list`, which reads no tree) and so holds only for a KB at the top of its repository: a
    KB in a folder of it needs git to read every commit's tree to know which touched the folder."""
    repo = kb.repo
    if repo is None:
        return History(since=since, missing="not a git repository")
    when = since.isoformat() if since else None
    shas = repo.revisions(when) if repo.pathspec(kb.root) == "." else None
    commits = repo.log(repo.pathspec(kb.root), when) if shas is None else _kept_log(kb, shas)
    if not commits and repo.run("rev-parse", "--verify", "-q", "HEAD", check=False)[0] != 0:
        return History(since=since, missing="no commit yet")
    prefix = os.path.relpath(kb.root, repo.root).replace(os.sep, "/")
    prefix = "" if prefix == "." else prefix + "/"
    events = []
    for commit in commits:
        day = dt.datetime.fromtimestamp(commit.time, dt.UTC).date()
        for status, path in commit.changes:
            if not path.startswith(prefix) or not path.endswith((".md", ".csv")):  # documents, metrics' values
                continue
            events.append(Event(path[len(prefix) :], ACTIONS.get(status, "changed"), commit.author, commit.email, day,
                                commit.sha, commit.subject))  # fmt: skip
    return History(events, since)


def _kept_log(kb: KnowledgeBase, shas: list[str]) -> list[gitrepo.Commit]:
    """The commits `shas` names, from those kept when read before, the others from git (then kept)."""
    import json

    from pmops import gitrepo

    path = kb.state_dir / KEPT
    kept: dict[str, list[Any]] = {}
    try:
        with open(path, encoding="utf-8") as handle:
            found = json.load(handle)
        if isinstance(found, dict) and found.get("format") == 1 and isinstance(found.get("commits"), dict):
            kept = found["commits"]
    except (OSError, ValueError):
        pass  # none yet, or damaged: read from git
    missing = [sha for sha in shas if sha not in kept]
    assert kb.repo is not None
    for commit in kb.repo.log_of(missing):
        kept[commit.sha] = [commit.author, commit.email, commit.time, commit.subject, [list(c) for c in commit.changes]]
    commits = []
    for sha in shas:
        item = kept.get(sha)
        if isinstance(item, list) and len(item) == 5:
            author, email, time, subject, changes = item
            commits.append(gitrepo.Commit(sha, author, email, int(time), subject, tuple(tuple(c) for c in changes)))
    if missing:
        newest = sorted(kept.items(), key=lambda kv: -int(kv[1][2]))[:KEPT_AT_MOST]
        _save(path, {"format": 1, "commits": dict(newest)})
    return commits


def _save(path: Any, data: dict[str, Any]) -> None:
    """Write the kept commits atomically; any failure is silent (a cache: git is asked again)."""
    import json

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f"{path.name}.{os.getpid()}.pmops-tmp")
        try:
            with open(temp, "w", encoding="utf-8") as handle:
                json.dump(data, handle, separators=(",", ":"))
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)
    except OSError:
        pass


def date_field(doctype: DocType) -> str | None:
    """The field saying when a document of this type happened: its first date field (an insight's
    `date`, a checklist run's `started`)."""
    return next((f.name for f in doctype.fields if f.kind == "date"), None)


def day_of(record: Record, found: History) -> dt.date | None:
    """When the document happened: its own date (a page's `date:` in its front-matter, as a wiki's meeting
    notes have), else the day it was first committed."""
    name = date_field(record.doctype)
    value = record.values.get(name) if name else None
    if name is None and not record.doctype.writable:  # a page: pmops knows no field of it, but its date
        value = record.doc.meta.get("date")
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value.strip()) if isinstance(value, str) else value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value
    event = found.added(record.path)
    return event.day if event else None


def authors_of(record: Record, found: History) -> list[str]:
    """Who made the document: the names its own field gives, else the committer who added it."""
    for name in AUTHOR_FIELDS:
        if record.doctype.field(name) is None:
            continue
        value: Any = record.values.get(name)
        names = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v.strip()]
        if names:
            return [" ".join(n.split()) for n in names]
    event = found.added(record.path)
    return [event.author] if event and event.author else []


def fold(name: str) -> str:
    """A name compared as people write it: case, spaces and accents aside (text.folded_name)."""
    return folded_name(str(name or ""))
