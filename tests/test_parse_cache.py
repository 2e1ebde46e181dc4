"""Incremental builds (issue 13): the parse of an unchanged file is read back from the cache, a changed file is
parsed again, and what is built is what a build without the cache gives.

Why generated documents: a corpus of many real-layout documents (bench/corpus_gen.py recombines the seed's and
the external documents' real sections) shows that only the changed file is parsed; the 500-document run is
``python -m bench.build_scale``-sized and lives in bench, this test uses 60 plus the seed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import ingest.pipeline as pipeline
from bench.corpus_gen import generate
from ingest.parse_cache import ParseCache, entry_key
from ingest.pipeline import ingest_paths
from ingest.serialize import corpus_to_data
from tests.conftest import CORPUS

GENERATED = 60


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("incremental") / "corpus"
    folder.mkdir()
    generate(folder, GENERATED, seed=7)
    for seed in CORPUS.glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    return folder


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    parsed: list[Path] = []
    original = pipeline._parse_one

    def parse_one(path: Path) -> object:
        parsed.append(path)
        return original(path)

    monkeypatch.setattr(pipeline, "_parse_one", parse_one)
    return parsed


def _model(corpus_dir: Path, cache: Path | None) -> str:
    corpus, failures = ingest_paths([corpus_dir], cache_dir=cache)
    assert not failures
    return json.dumps(corpus_to_data(corpus), ensure_ascii=False, sort_keys=True)


def test_a_rebuild_parses_only_the_changed_file_and_equals_a_full_parse(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    parsed = _counting(monkeypatch)
    first = _model(corpus_dir, cache)
    files = sorted(p for p in corpus_dir.iterdir() if p.is_file())
    assert len(parsed) == len(files) == GENERATED + 1
    # nothing changed: nothing is parsed, the corpus is the same
    parsed.clear()
    assert _model(corpus_dir, cache) == first and parsed == []
    # one file changes: only it is parsed again, and the corpus equals a parse of everything without the cache
    changed = files[len(files) // 2]
    changed.write_text(changed.read_text(encoding="utf-8").replace("。", "。\n", 1) + "\n（本文件有修订。）\n", "utf-8")
    parsed.clear()
    incremental = _model(corpus_dir, cache)
    assert parsed == [changed]
    parsed.clear()
    assert incremental == _model(corpus_dir, None) and len(parsed) == len(files)
    assert incremental != first


def test_an_unreadable_entry_is_parsed_again_and_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed = next(CORPUS.glob("*.txt"))
    cache = tmp_path / "cache"
    parsed = _counting(monkeypatch)
    first = _model(seed, cache)
    key = entry_key(seed, seed.read_bytes())
    entry = ParseCache(cache)._file(key)
    entry.write_bytes(b"not a pickle")
    parsed.clear()
    assert _model(seed, cache) == first and parsed == [seed]
    assert ParseCache(cache).get(key) is not None


def test_build_uses_the_cache_in_the_data_directory_and_publishes_the_same_model(tmp_path: Path) -> None:
    from search_api.builds.make import PARSE_CACHE, run_build

    seed = next(CORPUS.glob("*.txt"))
    cached = run_build([seed], data_dir=tmp_path / "cached", workers=1)
    again = run_build([seed], data_dir=tmp_path / "cached", workers=1)
    plain = run_build([seed], data_dir=tmp_path / "plain", workers=1, cache=False)
    assert any((tmp_path / "cached" / PARSE_CACHE).rglob("*.pickle"))
    assert not (tmp_path / "plain" / PARSE_CACHE).exists()
    models = [(result.path / "model.json").read_text(encoding="utf-8") for result in (cached, again, plain)]
    assert models[0] == models[1] == models[2]
