"""Baseline: the same rebuild and query as pmops, written as a bare Whoosh script.

    python bench/bare_whoosh.py rebuild KB_ROOT INDEX_DIR
    python bench/bare_whoosh.py search INDEX_DIR QUERY
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import warnings

warnings.simplefilter("ignore")

import yaml  # noqa: E402
from whoosh import fields, index, qparser  # noqa: E402
from whoosh.analysis import Filter, StemmingAnalyzer  # noqa: E402

FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


class Pairs(Filter):
    """Adjacent words as one term, for phrases (pmops' `pairs` field: the same work)."""

    def __call__(self, tokens):
        previous = None
        for token in tokens:
            text = token.text
            if previous is not None:
                token.text = f"{previous} {text}"
                yield token
            previous = text


def schema() -> fields.Schema:
    stem = StemmingAnalyzer()
    keyword = fields.KEYWORD(commas=True, lowercase=True)
    return fields.Schema(
        path=fields.ID(stored=True, unique=True), id=fields.ID(stored=True), type=fields.ID(stored=True),
        title=fields.TEXT(stored=True, analyzer=stem, field_boost=3.0, spelling=True),
        body=fields.TEXT(analyzer=stem, spelling=True), pairs=fields.TEXT(analyzer=StemmingAnalyzer() | Pairs(), phrase=False),
        date=fields.DATETIME(stored=True),
        tags=fields.KEYWORD(commas=True, lowercase=True, scorable=True), source=keyword, segment=keyword,
        area=keyword, customer=fields.TEXT(analyzer=stem), quote=fields.TEXT(analyzer=stem),
        author=fields.TEXT(analyzer=stem),
    )  # fmt: skip


def rebuild(root: str, target: str) -> None:
    os.makedirs(target, exist_ok=True)
    ix = index.create_in(target, schema())
    writer = ix.writer(procs=2, multisegment=True, limitmb=128)
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.endswith(".md"):
                continue
            path = os.path.join(folder, name)
            text = open(path, encoding="utf-8").read()
            match = FRONT.match(text)
            meta = yaml.load(match.group(1), Loader=yaml.CSafeLoader) if match else {}
            body = text[match.end() :] if match else text
            doc = {"path": os.path.relpath(path, root), "id": str(meta.get("id", "")), "title": str(meta.get("title", "")),
                   "body": body, "pairs": body, "type": str(meta.get("id", "page")).split("-")[0]}  # fmt: skip
            if isinstance(meta.get("date"), dt.date):
                doc["date"] = dt.datetime.combine(meta["date"], dt.time())
            if meta.get("tags"):
                doc["tags"] = ",".join(meta["tags"])
            for key in ("source", "segment", "area", "customer", "quote", "author"):
                if meta.get(key):
                    doc[key] = str(meta[key])
            writer.add_document(**doc)
    writer.commit()


def search(target: str, query: str) -> None:
    ix = index.open_dir(target)
    parser = qparser.MultifieldParser(["title", "body"], ix.schema, group=qparser.AndGroup)
    with ix.searcher() as searcher:
        for hit in searcher.search(parser.parse(query), limit=20):
            print(hit["path"])


if __name__ == "__main__":
    {"rebuild": rebuild, "search": search}[sys.argv[1]](*sys.argv[2:])
