"""Whoosh's segment writer with less Python per posting; everything it writes is Whoosh's own.

A rebuild adds about 1.5 million postings at 10,000 documents, and Whoosh's writer hands each
one to its sorting pool in a call of its own that type-checks it and re-estimates its size
field by field. Here a field's postings go to the pool in one call (`Pool.add_field`), with
the size worked out per posting from the two lengths that vary. Fields with spelling words or
term vectors (pmops uses neither) go through Whoosh's own `add_document`.

With several processes (Whoosh's MpWriter, as a rebuild uses) each worker process is given
this writer instead of Whoosh's: the worker's task sets it in `whoosh.multiproc` once it has
started, in the worker process only, which exits when its segment is written.
"""

from __future__ import annotations

from typing import Any

from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import PostingPool, SegmentWriter

# Whoosh's estimate of a posting's size in memory (PostingPool.add): the tuple, the field name,
# the term (two bytes a character), the document number, the weight and the encoded value.
_FIXED = 28 + 4 * 5 + 21 + 26 + 18 + 16 + 21


class Pool(PostingPool):
    def add_field(self, fieldname: str, docnum: int, items: Any, boost: float) -> int:
        """Add the postings (term, frequency, weight, value) of one field of one document;
        return the field's length (the sum of the frequencies)."""
        current, size, length = self.current, self.currentsize, 0
        fixed = _FIXED + len(fieldname)
        for tbytes, freq, weight, vbytes in items:
            current.append((fieldname, tbytes, docnum, weight * boost, vbytes))
            size += fixed + 2 * len(tbytes) + len(vbytes or b"")
            length += freq
        self.fieldnames.add(fieldname)
        self.currentsize = size
        if size > self.limit:
            self.save()
        return length


class Writer(SegmentWriter):
    def __init__(self, ix: Any, *, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = Pool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def add_document(self, **fields: Any) -> None:
        schema = self.schema
        if any(schema[name].separate_spelling() or schema[name].vector for name in fields if name in schema):
            super().add_document(**fields)
            return
        self._check_state()
        perdocwriter, docnum, add_field = self.perdocwriter, self.docnum, self.pool.add_field
        docboost = self._doc_boost(fields)
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdocwriter.start_doc(docnum)
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                counted = add_field(name, docnum, field.index(value), self._field_boost(fields, name, docboost))
                if field.scorable:
                    length = counted
            stored = fields.get(f"_stored_{name}", value)
            perdocwriter.add_field(name, field, stored if field.stored else None, length)
            column = field.column_type
            if column and stored is not None:
                perdocwriter.add_column_value(name, column, field.to_column_value(stored))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1


class _Task(SubWriterTask):
    # Ctrl-C reaches every process of the terminal's group. The command says it once ("error:
    # interrupted") and removes the rebuild's folder; a worker stops without a word. It starts with
    # SIGINT blocked (ParallelWriter) and takes it here, where it can: one that came while Python was
    # forking it (`Exception ignored in: _after_fork`) left it running, to fail on the folder removed.
    def run(self) -> None:
        import signal

        import whoosh.multiproc

        whoosh.multiproc.SegmentWriter = Writer  # this worker process's writer (see above)
        interrupted = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal interrupted
            interrupted = True
            raise KeyboardInterrupt

        signal.signal(signal.SIGINT, stop)
        try:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
            super().run()
        except BaseException:
            if not interrupted:
                raise


class ParallelWriter(MpWriter):
    def _new_task(self) -> SubWriterTask:
        import signal

        task = _Task(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, self.multisegment)
        self.tasks.append(task)
        before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # the worker takes it in run()
        try:
            task.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)
        return task

    def cancel(self) -> None:
        """Stopped (Ctrl-C, an error): the workers end with it, and the jobs not yet sent to them are
        dropped. Whoosh's cancel does neither: a worker gone, the process waited at its exit, for
        ever, for the queue's thread to send them."""
        for queue in (self.jobqueue, self.resultqueue):
            queue.cancel_join_thread()
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
        super().cancel()


def writer(ix: Any, *, procs: int = 1, **options: Any) -> SegmentWriter:
    """What `ix.writer(procs=…, **options)` gives, with the writer above."""
    if procs > 1:
        return ParallelWriter(ix, procs=procs, **options)
    return Writer(ix, **options)
