"""pmops's segment writer (pmops.search.whoosh_writer) writes exactly the index Whoosh's does:
the same terms, postings, weights, positions, field lengths and stored fields, in one process
and in several."""

from __future__ import annotations

import datetime as dt
import random
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Whoosh 2.7 predates Python 3.12's escape warnings
    from whoosh import index

from pmops.search import whoosh_writer
from pmops.search.whoosh_backend import WhooshBackend
from pmops.search.whoosh_codec import Codec

WORDS = [
    "approval",
    "workflow",
    "receipts",
    "stall",
    "enterprise",
    "the",
    "of",
    "a",
    "customers",
    "said",
    "renewal",
    "pricing",
]


def documents(count: int) -> list[dict]:
    pick = random.Random(7)
    docs = []
    for n in range(count):
        body = " ".join(pick.choice(WORDS) for _ in range(pick.randint(0, 60)))
        doc = {"path": f"insights/i{n}.md", "id": f"ins-{n}", "type": "insight", "title": f"Note {n} {pick.choice(WORDS)}",
               "body": body, "tags": "approvals,pricing" if n % 3 else "onboarding", "sha": f"{n:08x}"}  # fmt: skip
        if n % 4:
            doc["date"] = dt.datetime(2026, 1 + n % 12, 1 + n % 28)
            doc["quote"] = body[:40]
        docs.append(doc)
    return docs


def contents(folder: Path) -> dict:
    with index.open_dir(str(folder)).searcher() as searcher:
        reader = searcher.reader()
        postings = {}
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            postings[fieldname, text] = [(m.id(), m.weight(), m.value()) for m in _each(matcher)]
        stored = sorted(tuple(sorted(d.items())) for d in reader.all_stored_fields())
        lengths = sorted(
            (reader.stored_fields(n)["path"], name, reader.doc_field_length(n, name))
            for n in reader.all_doc_ids()
            for name in ("title", "body", "tags", "quote")
        )
        return {"postings": postings, "stored": stored, "lengths": lengths, "count": reader.doc_count()}


def _each(matcher):
    while matcher.is_active():
        yield matcher
        matcher.next()


def build(folder: Path, docs: list[dict], *, ours: bool, procs: int) -> Path:
    folder.mkdir()
    schema = WhooshBackend(folder, {"quote": "text", "date": "date", "tags": "keyword"}).schema()
    ix = index.create_in(str(folder), schema)
    options = {"codec": Codec(), "compound": False}
    if procs > 1:
        options.update(procs=procs, multisegment=True, batchsize=10)
    writer = whoosh_writer.writer(ix, **options) if ours else ix.writer(**options)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return folder


@pytest.mark.parametrize("procs", [1, 2])
def test_the_writer_writes_what_whooshs_writes(tmp_path: Path, procs: int) -> None:
    docs = documents(120)
    theirs = contents(build(tmp_path / "theirs", docs, ours=False, procs=procs))
    ours = contents(build(tmp_path / "ours", docs, ours=True, procs=procs))
    assert ours["count"] == theirs["count"] == len(docs)
    if procs == 1:  # with workers, which documents a worker gets (hence the numbers) is a race
        assert ours == theirs
    else:
        assert ours["stored"] == theirs["stored"]
        assert ours["lengths"] == theirs["lengths"]
        assert ours["postings"].keys() == theirs["postings"].keys()


def test_a_pool_over_its_limit_spills_and_merges_back(tmp_path: Path) -> None:
    """Sorting runs spilled to disk read back in order: the same index as without a limit."""
    docs = documents(300)
    whole = contents(build(tmp_path / "whole", docs, ours=True, procs=1))
    folder = tmp_path / "spilled"
    folder.mkdir()
    ix = index.create_in(str(folder), WhooshBackend(folder, {"quote": "text", "date": "date"}).schema())
    writer = whoosh_writer.Writer(ix, codec=Codec(), compound=False)
    writer.pool.limit = 20_000  # bytes: spills every few documents
    for doc in docs:
        writer.add_document(**doc)
    assert writer.pool.runs, "the pool never spilled"
    writer.commit()
    assert contents(folder) == whole
