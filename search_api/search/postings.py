"""A term's whole posting list with its BM25F scores, read a block at a time.

Why: the engine scores every passage a query term matches (:meth:`SearchIndex._postings`). Through whoosh's
matcher that is three Python calls a posting (``id``, ``score`` → field length → ``bm25``, ``next``), about
20 µs each: for a question never asked before on a build of 491 documents, 60 ms of its 110. Here a block's
ids and weights are taken whole from the whoosh 3 codec's leaf matcher and the field lengths from the length
column, read whole once per field, and the score is whoosh's own formula (:func:`whoosh.scoring.bm25`, the same operations in the same
order, so the very same floats), about 1 µs a posting.

It reads the codec's block attributes (``_ids``, ``_weights``) and the length column's bytes, which whoosh-reloaded 2.7.5 (pinned) has; any
other matcher, weighting, field or query returns None and the caller takes whoosh's matcher.
``tests/test_search.py`` checks the scores equal the matcher's for every term of several fields.
"""

from __future__ import annotations

from typing import Any


class FieldLengths:
    """Every passage's length of each field as whoosh stores it (one byte, decoded by ``byte_to_length``), read
    whole from a segment's length column once per field instead of one file read per posting."""

    def __init__(self, perdoc: Any, doc_count: int) -> None:
        from whoosh.codec.whoosh3 import byte_to_length

        self._perdoc = perdoc
        self._doc_count = doc_count
        self._bytes: dict[str, bytes | None] = {}
        self.decoded = [byte_to_length(b) for b in range(256)]

    def bytes_of(self, field: str) -> bytes | None:
        """The length bytes of ``field`` (0 past the column's end, as whoosh reads it); None when this codec's
        column cannot be read whole."""
        if field not in self._bytes:
            from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader, _lenfield

            perdoc = self._perdoc
            column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN) if type(perdoc) is W3PerDocReader else None
            if column is None or getattr(column, "_fixedlen", None) != 1:
                self._bytes[field] = None
            else:
                data = bytes(column._dbfile.get(column._basepos, column._count))
                self._bytes[field] = data + bytes(max(0, self._doc_count - len(data)))
        return self._bytes[field]

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        """What ``W3PerDocReader.doc_field_length`` answers (the decoded length, None for a zero byte)."""
        lengths = self.bytes_of(fieldname)
        if lengths is None:
            return self._perdoc.doc_field_length(docnum, fieldname, default)
        length_byte = lengths[docnum]
        return self.decoded[length_byte] if length_byte else None

    def close(self) -> None:
        """Close the per-document reader."""
        self._perdoc.close()


class PostingScorer:
    """BM25F scores of whole posting lists for one open whoosh searcher (it keeps each field's lengths)."""

    def __init__(self, searcher: Any) -> None:
        self._searcher = searcher
        reader = searcher.reader()
        perdoc = getattr(reader, "_perdoc", None)
        self._lengths = FieldLengths(perdoc, reader.doc_count_all()) if perdoc is not None else None
        self._length_arrays: dict[str, Any] = {}
        self._decoded: Any = None

    def scores(self, query: Any) -> dict[int, float] | None:
        """``{docnum: BM25F score}`` of a single-term query with boost 1 on a scored field, or None when this
        reader cannot say (another query, weighting, codec or a passage without a length): use the matcher."""
        found = self._term_matcher(query)
        if found is None or isinstance(found, dict):
            return found
        matcher, lengths, (idf, avgfl, big_b, k1) = found
        decoded = self._lengths.decoded if self._lengths is not None else []
        scores: dict[int, float] = {}
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            for docnum, tf in zip(matcher._ids, matcher._weights, strict=True):
                length_byte = lengths[docnum]
                if not length_byte:
                    return None  # whoosh would score with no length: leave such a passage to the matcher
                fl = decoded[length_byte]
                # whoosh.scoring.bm25, the same operations in the same order
                scores[docnum] = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - big_b) + big_b * fl / avgfl)))
            matcher._next_block()
        return scores

    def score_arrays(self, query: Any) -> tuple[Any, Any] | None:
        """:meth:`scores` as two numpy arrays (passage numbers ascending, scores): the same formula on the same
        doubles, element by element, without a Python step per posting (a served or large index; at 10,000
        documents a common term has a hundred thousand postings)."""
        import numpy as np

        found = self._term_matcher(query)
        if found is None:
            return None
        if isinstance(found, dict):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        matcher, lengths, (idf, avgfl, big_b, k1) = found
        ids: list[Any] = []
        weights: list[Any] = []
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            raw = matcher._data[0]  # a block's ids: as they are, or as gaps (whoosh's delta_decode)
            ids.append(np.asarray(raw, dtype=np.int64) if matcher._byteids else np.cumsum(raw, dtype=np.int64))
            matcher._read_weights()
            weights.append(np.asarray(matcher._weights, dtype=np.float64))
            matcher._next_block()
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        docs, tf = np.concatenate(ids), np.concatenate(weights)
        length_bytes = self._length_array(query.fieldname, lengths)[docs]
        if not length_bytes.all():
            return None  # a passage without a length: the matcher scores it
        fl = self._decoded_array()[length_bytes]
        return docs, idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - big_b) + big_b * fl / avgfl)))

    def _length_array(self, field: str, lengths: bytes) -> Any:
        import numpy as np

        if field not in self._length_arrays:
            self._length_arrays[field] = np.frombuffer(lengths, dtype=np.uint8)
        return self._length_arrays[field]

    def _decoded_array(self) -> Any:
        import numpy as np

        if self._decoded is None:
            self._decoded = np.asarray(self._lengths.decoded if self._lengths is not None else [], dtype=np.float64)
        return self._decoded

    def _term_matcher(self, query: Any) -> tuple[Any, bytes, tuple[float, float, float, float]] | dict | None:
        """The leaf matcher of a single-term query with boost 1 on a scored field, the field's length bytes and
        the BM25F constants (idf, average length, B, K1); ``{}`` for a term the field lacks; None when this
        reader cannot say."""
        from whoosh.codec.whoosh3 import W3LeafMatcher
        from whoosh.query import Term
        from whoosh.scoring import BM25F

        searcher = self._searcher
        weighting = searcher.weighting
        if type(query) is not Term or query.boost != 1.0 or type(weighting) is not BM25F:
            return None
        field, text = query.fieldname, query.text
        schema, reader = searcher.schema, searcher.reader()
        if field not in schema or not schema[field].scorable or not reader.is_atomic():
            return None
        lengths = self._lengths.bytes_of(field) if self._lengths is not None else None
        if lengths is None:
            return None
        if (field, text) not in reader:
            return {}
        matcher = reader.postings(field, text)
        if type(matcher) is not W3LeafMatcher:
            return None
        idf = searcher.idf(field, text)
        avgfl = searcher.avg_field_length(field) or 1
        big_b = weighting._field_B.get(field, weighting.B)
        return matcher, lengths, (idf, avgfl, big_b, weighting.K1)
