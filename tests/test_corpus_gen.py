"""The bench's corpus generator: deterministic, distinct, realistic documents that the pipeline parses.

Why: bench/build_scale.py reports build MB/s and peak RSS on generated corpora of 1,000 and 10,000 documents;
those figures only mean something if the documents are real-shaped (sections, articles, task tables with units
of their own jurisdiction) and not copies that dedupe away.
"""

from __future__ import annotations

from pathlib import Path

from bench.corpus_gen import SEED_PLACE, collect, generate, real_texts
from ingest.pipeline import ingest_paths


def test_generated_corpus_is_deterministic_distinct_and_renamed(tmp_path: Path) -> None:
    sources = collect(real_texts())
    assert sources.sections and sources.articles and len(sources.rows) > 40
    size = generate(tmp_path / "a", 40, seed=7, sources=sources)
    generate(tmp_path / "b", 40, seed=7, sources=sources)
    first = sorted((tmp_path / "a").iterdir())
    texts = [path.read_text(encoding="utf-8") for path in first]
    assert len(texts) == 40 and size == sum(len(t.encode("utf-8")) for t in texts)
    assert texts == [(tmp_path / "b" / path.name).read_text(encoding="utf-8") for path in first]
    assert len(set(texts)) == 40
    assert not any(SEED_PLACE in text for text in texts)
    assert any("\t牵头单位" in text for text in texts) and any("第一条" in text for text in texts)


def test_generated_documents_parse_into_sections_tasks_and_units(tmp_path: Path) -> None:
    generate(tmp_path, 12, seed=1)
    corpus, failures = ingest_paths([tmp_path])
    assert not failures and len(corpus.documents) == 12
    assert sum(len(d.sections) for d in corpus.documents) >= 12
    with_tasks = [d for d in corpus.documents if d.tasks]
    assert with_tasks and all(any(t.units for t in d.tasks) for d in with_tasks)
    assert not any(SEED_PLACE in unit.name for unit in corpus.units)
