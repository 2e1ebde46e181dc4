"""The index writer's posting pool: postings gathered per term, not sorted one by one.

Why: the index step (the critical path of a large build, beside the graph) hands whoosh every posting of every
passage, and whoosh's own pool (:class:`whoosh.writing.PostingPool`) sorts them all as 5-tuples (field, term,
document, weight, value): 128 MB at a time sorted in memory, written to a temporary run with one ``pickle.dump``
a posting, read back with one ``pickle.load`` a posting and merged through a heap a posting at a time. At 2,000
generated documents that is 6.6 million postings through each of those steps, a third of the step's time.

Documents are added in increasing number and a document gives each of its terms one posting per field, so a
term's postings arrive already in order. This pool keeps a list per (field, term) and sorts only the terms
(148,000 at 2,000 documents); when its estimated size passes the limit it writes the terms it holds, sorted, to
a run as ``marshal`` batches and starts again, and at the commit it merges runs by term (a heap step a term, not
a posting), joining a term's postings run after run, which is document order. The segment whoosh writes from it
is the same, posting for posting (``tests/test_posting_pool.py``).
"""

from __future__ import annotations

import heapq
import marshal
import uuid
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

Key = tuple[str, bytes]
Posting = tuple[int, float, "bytes | None"]
Item = tuple[str, bytes, int, float, "bytes | None"]

# Estimated bytes a term's entry and a posting take in memory (a dict slot, the key tuple and its bytes; a
# 3-tuple, its float, a list slot), so that ``limitmb`` means what it says to whoosh's writer.
TERM_BYTES = 200
POSTING_BYTES = 100
# Postings per marshal call when a run is written: the call then costs nothing per posting, and a batch read
# back while merging is a few MB at most.
BATCH_POSTINGS = 8192


class TermPostingPool:
    """A drop-in for whoosh's ``PostingPool`` under :class:`whoosh.writing.SegmentWriter` (``add``,
    ``iter_postings``, ``cleanup``): postings kept per term, yielded sorted by (field, term, document)."""

    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128) -> None:
        self.tempstore = tempstore
        self.segment = segment
        self.limit = limitmb * 1024 * 1024
        self._terms: dict[Key, list[Posting]] = {}
        self._size = 0
        self._runs: list[str] = []

    def add(self, item: Item) -> None:
        """One posting of a document being added (documents come in increasing number)."""
        fieldname, text, docnum, weight, value = item
        key = (fieldname, text)
        postings = self._terms.get(key)
        if postings is None:
            postings = self._terms[key] = []
            self._size += TERM_BYTES + len(text)
        postings.append((docnum, weight, value))
        self._size += POSTING_BYTES + (len(value) if value else 0)
        if self._size > self.limit:
            self._save()

    def iter_postings(self) -> Iterator[Item]:
        """Every posting in (field, term, document) order, as whoosh's codec reads them."""
        if not self._runs:
            terms = self._terms
            for key in sorted(terms):
                yield from _flat(key, terms[key])
            return
        self._save()
        runs, self._runs = self._runs, []
        # heapq.merge keeps equal keys in the order of the runs given, and runs were written in document order.
        merged = heapq.merge(*(self._read_run(name) for name in runs), key=itemgetter(0))
        for key, entries in groupby(merged, key=itemgetter(0)):
            for _key, postings in entries:
                yield from _flat(key, postings)

    def cleanup(self) -> None:
        """Remove runs left by a writer that was cancelled."""
        for name in self._runs:
            if self.tempstore.file_exists(name):
                self.tempstore.delete_file(name)
        self._runs = []

    def _save(self) -> None:
        terms, self._terms, self._size = self._terms, {}, 0
        if not terms:
            return
        name = f"{uuid.uuid4().hex}.run"
        with self.tempstore.create_file(name).raw_file() as run:
            batch: list[tuple[Key, list[Posting]]] = []
            held = 0
            for key in sorted(terms):
                postings = terms[key]
                batch.append((key, postings))
                held += len(postings)
                if held >= BATCH_POSTINGS:
                    marshal.dump(batch, run)
                    batch, held = [], 0
            if batch:
                marshal.dump(batch, run)
        self._runs.append(name)

    def _read_run(self, name: str) -> Iterator[tuple[Key, list[Posting]]]:
        with self.tempstore.open_file(name).raw_file() as run:
            while True:
                try:
                    batch = marshal.load(run)
                except EOFError:
                    break
                for key, postings in batch:
                    yield tuple(key), postings  # type: ignore[misc]
        self.tempstore.delete_file(name)


def _flat(key: Key, postings: list[Posting]) -> Iterator[Item]:
    fieldname, text = key
    for docnum, weight, value in postings:
        yield fieldname, text, docnum, weight, value
