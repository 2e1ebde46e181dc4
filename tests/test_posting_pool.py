"""The index writer's posting pool (postings gathered per term) writes the segment whoosh's own pool writes.

Real text: the seed and the nine laws, every record the build indexes, written once through whoosh's
``PostingPool`` and once through :class:`~search_api.search.posting_pool.TermPostingPool`, both held in memory and
forced to spill to several runs; every term's postings, every stored field and every length must be equal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from whoosh.index import create_in, open_dir
from whoosh.writing import SegmentWriter

from ingest.pipeline import ingest_paths
from ontology.thesaurus import load_thesaurus
from search_api.search import index as index_module
from search_api.search.posting_pool import TermPostingPool

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def indexed(laws_dir: Path) -> tuple[list[Any], Any]:
    """The records of the seed and the laws, and the schema they are written with."""
    corpus, failures = ingest_paths([CORPUS, laws_dir])
    assert not failures
    thesaurus = load_thesaurus()
    records = list(index_module.records(corpus, thesaurus))
    return records, index_module.schema(index_module.domain_words(corpus, thesaurus))


def _write(folder: Path, records: list[Any], schema: Any, make_writer: Any) -> Path:
    folder.mkdir()
    index = create_in(str(folder), schema)
    writer = make_writer(index)
    analyzer = schema["text"].analyzer
    for record in records:
        writer.add_document(**record.fields(analyzer))
    writer.commit()
    return folder


def _contents(folder: Path) -> tuple[list[Any], list[Any], list[Any]]:
    index = open_dir(str(folder))
    with index.reader() as reader:
        postings = [
            (field, term, tuple(reader.postings(field, term).all_items()))
            for field in sorted(index.schema.names())
            if index.schema[field].indexed
            for term in reader.lexicon(field)
        ]
        count = reader.doc_count_all()
        stored = [reader.stored_fields(n) for n in range(count)]
        lengths = [
            [reader.doc_field_length(n, f) for f in index.schema.scorable_names()] for n in range(count)
        ]
    return postings, stored, lengths


def _spilling(limitmb: int) -> Any:
    """The build's writer with a pool this small: it writes several runs and merges them."""
    saves: list[int] = []

    def make(index: Any) -> Any:
        writer = index_module._writer(index, limitmb=limitmb)
        original = writer.pool._save

        def counted() -> None:
            saves.append(len(writer.pool._terms))
            original()

        writer.pool._save = counted
        return writer

    make.saves = saves  # type: ignore[attr-defined]
    return make


def test_term_pool_writes_the_segment_whooshs_pool_writes(
    indexed: tuple[list[Any], Any], tmp_path: Path
) -> None:
    records, schema = indexed
    reference = _contents(_write(tmp_path / "whoosh", records, schema, SegmentWriter))
    in_memory = _write(tmp_path / "memory", records, schema, index_module._writer)
    spilling = _spilling(limitmb=2)
    spilled = _write(tmp_path / "spilled", records, schema, spilling)
    assert len(reference[0]) > 20_000  # terms of seed + laws (23,553): the comparison covers real postings
    assert len(spilling.saves) >= 3  # the small pool wrote runs and merged them
    for written in (in_memory, spilled):
        postings, stored, lengths = _contents(written)
        assert postings == reference[0]
        assert stored == reference[1]
        assert lengths == reference[2]
    assert not [p for p in spilled.iterdir() if p.suffix == ".run"]  # runs are removed once merged


def test_a_posting_pool_yields_each_terms_postings_in_document_order(tmp_path: Path) -> None:
    from whoosh.filedb.filestore import FileStorage

    storage = FileStorage(str(tmp_path)).create()
    pool = TermPostingPool(storage, segment=None, limitmb=0)  # every posting spills: one run each
    added = [
        ("text", b"b", 0, 1.0, None),
        ("text", b"a", 0, 2.0, b"x"),
        ("path", b"z", 1, 1.0, None),
        ("text", b"a", 1, 1.0, None),
        ("text", b"b", 2, 3.0, None),
        ("text", b"a", 3, 1.0, b"yy"),
    ]
    for item in added:
        pool.add(item)
    assert list(pool.iter_postings()) == sorted(added)
    assert list(tmp_path.iterdir()) == []
