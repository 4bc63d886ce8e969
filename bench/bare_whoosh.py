"""Baseline: the same rebuild and query as pmops, written as a bare Whoosh script.

The same fields and terms as pmops' index (schema version 7): no spelling fields but a word
list beside the index, phrases read from the body's positions, with Whoosh's own analysis,
writer and codec.

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
from whoosh.analysis import STOP_WORDS, StemmingAnalyzer  # noqa: E402

FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


WORD = re.compile(r"\w+(?:\.?\w+)*")


def schema() -> fields.Schema:
    stem = StemmingAnalyzer()
    keyword = fields.KEYWORD(commas=True, lowercase=True)
    return fields.Schema(
        path=fields.ID(stored=True, unique=True), id=fields.ID(stored=True), type=fields.ID(stored=True),
        title=fields.TEXT(stored=True, analyzer=stem, field_boost=3.0),
        body=fields.TEXT(analyzer=stem),
        date=fields.DATETIME(stored=True),
        tags=fields.KEYWORD(commas=True, lowercase=True, scorable=True), source=keyword, segment=keyword,
        area=keyword, customer=fields.TEXT(analyzer=stem), quote=fields.TEXT(analyzer=stem),
        author=fields.TEXT(analyzer=stem),
    )  # fmt: skip


def read(path: str) -> tuple[dict, str]:
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    match = FRONT.match(text)
    meta = yaml.load(match.group(1), Loader=yaml.CSafeLoader) if match else {}
    return meta, text[match.end() :] if match else text


def rebuild(root: str, target: str) -> None:
    os.makedirs(target, exist_ok=True)
    paths = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        paths += [os.path.join(folder, name) for name in files if name.endswith(".md")]
    ix = index.create_in(target, schema())
    writer = ix.writer(procs=2, multisegment=True, limitmb=128)
    words = set()
    for path in paths:
        meta, body = read(path)
        doc = {"path": os.path.relpath(path, root), "id": str(meta.get("id", "")), "title": str(meta.get("title", "")),
               "body": body, "type": str(meta.get("id", "page")).split("-")[0]}  # fmt: skip
        if isinstance(meta.get("date"), dt.date):
            doc["date"] = dt.datetime.combine(meta["date"], dt.time())
        if meta.get("tags"):
            doc["tags"] = ",".join(meta["tags"])
        for key in ("source", "segment", "area", "customer", "quote", "author"):
            if meta.get(key):
                doc[key] = str(meta[key])
        writer.add_document(**doc)
        words.update(WORD.findall(f"{doc['title']}\n{body}".lower()))
    writer.commit()
    with open(os.path.join(target, "words"), "w", encoding="utf-8") as handle:
        handle.write("".join(f"{w}\n" for w in sorted(words - STOP_WORDS) if len(w) > 1))


def search(target: str, query: str) -> None:
    ix = index.open_dir(target)
    parser = qparser.MultifieldParser(["title", "body"], ix.schema, group=qparser.AndGroup)
    with ix.searcher() as searcher:
        for hit in searcher.search(parser.parse(query), limit=20):
            print(hit["path"])


if __name__ == "__main__":
    {"rebuild": rebuild, "search": search}[sys.argv[1]](*sys.argv[2:])
