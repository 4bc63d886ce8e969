"""Baseline: an SQLite FTS5 index of the same files (Python's own sqlite3, Porter stemming).

    python bench/fts5.py rebuild KB_ROOT DB_PATH
    python bench/fts5.py search DB_PATH QUERY

What a full-text index of titles and bodies costs at the least: the same walk and the same
front-matter parse as bench/bare_whoosh.py (libyaml), then one row per file (its path,
not indexed; its title and body, indexed) in one transaction. Issue 15 holds pmops'
first index to 6× this.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from collections.abc import Iterator

import yaml

FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def documents(root: str) -> Iterator[tuple[str, str, str]]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.endswith(".md"):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            match = FRONT.match(text)
            meta = yaml.load(match.group(1), Loader=yaml.CSafeLoader) if match else {}
            body = text[match.end() :] if match else text
            title = meta.get("title", "") if isinstance(meta, dict) else ""
            yield os.path.relpath(path, root), str(title or ""), body


def rebuild(root: str, target: str) -> None:
    for suffix in ("", "-journal", "-wal"):
        if os.path.exists(target + suffix):
            os.remove(target + suffix)
    db = sqlite3.connect(target)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, title, body, tokenize='porter')")
    with db:
        db.executemany("INSERT INTO docs (path, title, body) VALUES (?, ?, ?)", documents(root))
    db.close()


def search(target: str, query: str) -> None:
    db = sqlite3.connect(target)
    for (path,) in db.execute("SELECT path FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 20", (query,)):
        print(path)


if __name__ == "__main__":
    {"rebuild": rebuild, "search": search}[sys.argv[1]](*sys.argv[2:])
