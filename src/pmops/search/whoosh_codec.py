"""Whoosh's own codec (W3), writing postings with less Python per posting; reading is W3's.

A rebuild writes millions of postings (at 10,000 documents, about 3 million: the body's words
and the pairs of adjacent words), and Whoosh's writer spends more per posting than the
analysis does: it looks up the document's field length in the new segment's length column
for every posting (with a file-existence check each time for a field without lengths), and
type-checks every posting. Here the lengths are read once per field, and the checks, which
only guard Whoosh's own calls, are left out. And a block of postings is pickled with
protocol 4 instead of 2, which writes each posting's positions (bytes) in 2 bytes more than
their length instead of a call to `_codecs.encode` (about 25): the index is a fifth smaller.
W3's reader reads both (pickle tells its protocols apart); the rest of the files are W3's.

The codec is pickled into each segment it writes, so it lives in a module of its own that
imports Whoosh (only the commands that index load it).
"""

from __future__ import annotations

import pickle
import zlib
from typing import Any

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3PostingsWriter,
    _lenfield,
    length_to_byte,
)
from whoosh.util.numeric import byte_to_length


class Codec(W3Codec):
    def field_writer(self, storage: Any, segment: Any) -> W3FieldWriter:
        return _FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> W3PostingsWriter:
        return _PostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                               compression=self._compression, inlinelimit=self._inlinelimit)  # fmt: skip


class _Lengths:
    """A segment's field lengths, each field's column read once (W3PerDocReader reads the
    column for every posting, and stats a missing one's file every time)."""

    def __init__(self, lengths: Any) -> None:
        self.lengths = lengths
        self.columns: dict[str, list[int | None] | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        column = self.columns.get(fieldname, False)
        if column is False:
            reader = self.lengths._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            column = None if reader is None else [byte_to_length(b) if b else None for b in reader]
            self.columns[fieldname] = column
        if column is None:
            return default
        return column[docnum]  # as W3PerDocReader: None for a length of 0


class _FieldWriter(W3FieldWriter):
    def add_postings(self, schema: Any, lengths: Any, items: Any) -> None:
        super().add_postings(schema, _Lengths(lengths) if lengths else lengths, items)

    def add(self, docnum: int, weight: float, vbytes: bytes, length: int | None) -> None:
        self._postwriter.add_posting(docnum, weight, vbytes, length)


class _PostingsWriter(W3PostingsWriter):
    def add_posting(self, id_: Any, weight: float, vbytes: bytes, length: int | None = None) -> None:
        """W3PostingsWriter.add_posting without its type checks."""
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:  # once per posting: no call to max()
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def _write_block(self, last: bool = False) -> None:
        """W3PostingsWriter._write_block, the postings pickled with protocol 4 (the block's
        header, which the reader unpickles from the file, as before)."""
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = (self._mini_ids(), self._mini_weights(), self._mini_values())
        databytes = pickle.dumps(data, 4)
        comp = self._compression
        if comp:
            databytes = zlib.compress(databytes, comp)
        ids = self._ids
        info = (
            len(ids),
            ids[-1],
            self._maxweight,
            comp,
            length_to_byte(self._minlength),
            length_to_byte(self._maxlength),
        )
        infobytes = pickle.dumps(info, 2)
        length = len(infobytes) + len(databytes)
        self._postfile.write_int(-length if last else length)  # the last block's is negative
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()
