"""Issue 11: literal first, every query answered, English through CC-CEDICT, ``hits[].matched``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from search_api.search.engine import SearchIndex, open_index
from search_api.search.english import Translator, content_words


@pytest.fixture(scope="module")
def index(seed_data_dir: Path) -> SearchIndex:
    return open_index(seed_data_dir)


@pytest.mark.parametrize("query", ["特种设备", "危险化学品"])
def test_the_typed_words_outrank_expansion_only_passages(index: SearchIndex, query: str) -> None:
    hits = index.search(query, limit=20).hits
    verbatim = [i for i, h in enumerate(hits) if query in h.text]
    expansion_only = [i for i, h in enumerate(hits) if h.matched == ("expanded",)]
    assert verbatim and expansion_only  # the broad term has narrower concepts that match other passages
    assert max(verbatim) < min(expansion_only)
    assert all("literal" in hits[i].matched for i in verbatim)


def test_expansions_are_weighed_by_relation(index: SearchIndex) -> None:
    weights = {t.source: t.weight for t in index.plan("特种设备").terms}
    assert weights["exact"] >= weights["narrower"] > weights["broader"]


def test_a_word_the_segmenter_does_not_know_is_found_by_its_characters(index: SearchIndex, seed_text: str) -> None:
    text = seed_text
    pairs = (text[i : i + 2] for i in range(len(text) - 1))
    unknown = next(
        p for p in pairs if all("\u4e00" <= c <= "\u9fff" for c in p) and not index.plan(p).terms
    )  # a real two-character string of the seed that no dictionary word covers
    result = index.search(unknown)
    assert result.hits, unknown
    assert unknown in result.hits[0].text and result.hits[0].matched == ("literal",)
    assert any(unknown in (result.hits[0].text[s - result.hits[0].start : e - result.hits[0].start])
               for s, e in result.hits[0].highlights)  # fmt: skip


def test_a_query_that_finds_nothing_has_suggestions(index: SearchIndex) -> None:
    result = index.search("梯维保")  # characters of 电梯 and 维护保养, in an order no passage has
    assert result.hits == ()
    assert result.suggestions and any("保养" in s for s in result.suggestions)


def test_an_english_word_reaches_its_chinese_passage_through_the_dictionary(index: SearchIndex) -> None:
    plan = index.plan("propaganda")
    assert not plan.concepts  # not an English label of the thesaurus
    assert [t.text for t in plan.terms if t.source == "translated"][:1] == ["宣传"]
    first = index.search("propaganda").hits[0]
    assert "宣传" in first.text and first.matched == ("translated",)
    assert "<b>宣传</b>" in first.snippet


def test_the_dictionary_map_is_part_of_the_build(seed_data_dir: Path) -> None:
    data = json.loads((seed_data_dir / "current" / "index" / "english.json").read_text(encoding="utf-8"))
    assert "CC-CEDICT" in data["source"] and "CC BY-SA 4.0" in data["source"]
    assert "宣传" in data["map"]["propaganda"]


def test_translation_prefers_the_longest_ngram() -> None:
    translator = Translator({"fire": ["火灾"], "fire protection": ["消防"], "protection": ["保护"]})
    assert translator.translate("the fire protection rules") == [("fire protection", ["消防"])]
    assert content_words("Hazards (chemical) of the bodies") == ["hazard", "body"]


def test_empty_query_is_a_usage_error_and_search_json_names_the_legs(seed_data_dir: Path) -> None:
    from search_api.service.app import create_app
    from search_api.settings import Settings

    app = create_app(Settings(data_dir=seed_data_dir, allowed_hosts=("testserver",)))
    with TestClient(app) as client:
        empty = client.get("/api/search", params={"q": "  "})
        assert empty.status_code == 400 and empty.json()["code"] == "empty_query"
        nothing = client.get("/api/search", params={"q": "梯维保"})
        assert nothing.status_code == 200 and nothing.json()["hits"] == [] and nothing.json()["suggestions"]
        hits = client.get("/api/search", params={"q": "propaganda"}).json()["hits"]
        assert hits[0]["matched"] == ["translated"]
