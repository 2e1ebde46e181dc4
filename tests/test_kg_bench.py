"""Smoke test: the knowledge-graph benchmark runs end to end at a tiny scale (no timings are asserted)."""

from __future__ import annotations

from bench import kg_store


def test_bench_runs_at_tiny_scale() -> None:
    report = kg_store.run(documents=3, repeat=1, with_cold_ask=False, laws=False)
    assert report["synthetic"]["documents"] == 3
    assert set(report["seed"]["query_s"]) == {"rdflib_memory", "oxigraph"}
    assert report["seed"]["triples"] > report["synthetic"]["triples"] > 0
