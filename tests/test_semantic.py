"""The semantic leg (issue 11, item 4): embedded at build time, cached by passage text, fused at query time.

The seed is embedded once per session (the only test build that pays for the model); every other test build
runs with ``POLICYKG_EMBED=0`` (conftest)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from search_api.search import semantic
from search_api.search.engine import SearchIndex
from search_api.search.index import INDEX_DIR
from tests.conftest import seed_path

ROAD_QUERY = "山路急转弯容易翻车"  # everyday words; the seed speaks of 农村公路 and 急弯陡坡 (task 40)
SCHOOL_QUERY = "给学生上安全课"  # the seed: 建立完善中小学安全教育和… (task 56)


@pytest.fixture(scope="session")
def embedded_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of the seed with the semantic leg (embed=True whatever the environment says)."""
    from search_api.builds.make import run_build

    data_dir = tmp_path_factory.mktemp("embedded")
    result = run_build([seed_path()], data_dir=data_dir, embed=True)
    assert result.path is not None
    return data_dir


def _build_folder(data_dir: Path) -> Path:
    return (data_dir / "current").resolve()


def _index(data_dir: Path) -> SearchIndex:
    """A fresh index (not the per-process cache), so each test sees its own build."""
    return SearchIndex(_build_folder(data_dir) / INDEX_DIR)


class _Counting:
    """The real model, counting the passages it is asked to embed."""

    def __init__(self, model: Any) -> None:
        self.model, self.name, self.texts = model, model.name, []

    def passages(self, texts: list[str]) -> Any:
        self.texts.extend(texts)
        return self.model.passages(texts)

    def query(self, text: str) -> Any:
        return self.model.query(text)


def test_build_writes_vectors_for_articles_sentences_and_tasks(embedded_data_dir: Path) -> None:
    folder = _build_folder(embedded_data_dir)
    meta = json.loads((folder / semantic.SEMANTIC_DIR / semantic.PASSAGES_FILE).read_text(encoding="utf-8"))
    records = meta["records"]
    assert meta["model"] == semantic.MODEL
    assert any("#task-" in r for r in records) and any("#art-" in r for r in records)
    # an article with several sentences has a row for itself and one for each sentence
    assert max(records.count(r) for r in set(records)) > 2
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["steps"]["embed"]["passages"] == len(records)


def test_cache_reembeds_only_changed_passages(
    embedded_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest.serialize import corpus_from_data
    from search_api.builds.make import run_build

    old = corpus_from_data(json.loads((_build_folder(embedded_data_dir) / "model.json").read_text("utf-8")))
    article = next(a for d in old.documents for a in d.articles() if len(a.sentences) >= 2)
    sentence = article.sentences[0].text
    text = seed_path().read_text(encoding="utf-8")
    assert text.count(sentence) == 1
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / seed_path().name).write_text(text.replace(sentence, sentence[:-1] + "，并定期公布。"), "utf-8")
    data_dir = tmp_path / "data"
    shutil.copytree(embedded_data_dir / semantic.EMBED_CACHE, data_dir / semantic.EMBED_CACHE)
    counting = _Counting(semantic.embedder())
    monkeypatch.setattr(semantic, "_EMBEDDER", counting)

    result = run_build([corpus], data_dir=data_dir, embed=True)

    before = {p.text for p in semantic.passages(old)}
    new = corpus_from_data(json.loads((_build_folder(data_dir) / "model.json").read_text("utf-8")))
    changed = {p.text for p in semantic.passages(new)} - before
    assert 1 <= len(changed) <= 3  # the edited sentence and the article around it
    assert sorted(counting.texts) == sorted(changed)
    assert result.manifest["steps"]["embed"]["embedded"] == len(changed)


def test_paraphrase_reaches_its_passage_through_the_semantic_leg(
    embedded_data_dir: Path, seed_data_dir: Path
) -> None:
    for query, number, words in ((ROAD_QUERY, 40, "急弯陡坡"), (SCHOOL_QUERY, 56, "中小学安全教育")):
        hits = _index(embedded_data_dir).search(query, limit=5).hits
        found = [h for h in hits[:3] if h.kind == "task" and h.number == number]
        assert found and words in found[0].text, (query, [(h.kind, h.number) for h in hits])
        assert "semantic" in found[0].matched
        plain = [h.id for h in _index(seed_data_dir).search(query, limit=10).hits]
        # words alone do not reach it, or (给学生上安全课: its characters 学生, 安全 weigh up) not above the leg
        assert found[0].id not in plain or plain.index(found[0].id) >= hits.index(found[0]), (query, plain)
        assert all("semantic" not in h.matched for h in _index(seed_data_dir).search(query, limit=10).hits)
    assert _index(seed_data_dir).search(ROAD_QUERY, limit=10).hits == ()  # no word of it: nothing without the leg


def test_no_embed_build_searches_as_before(
    seed_data_dir: Path, embedded_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not (_build_folder(seed_data_dir) / semantic.SEMANTIC_DIR).exists()

    def no_model() -> None:
        raise AssertionError("a build without vectors must not load the model")

    monkeypatch.setattr(semantic, "embedder", no_model)
    plain = _index(seed_data_dir)
    lexical = _index(embedded_data_dir)
    lexical._semantic_opened = True  # the embedded build with the leg left out: the ranking of words alone
    for query in ("谁负责电梯安全", "危化品 kind:task", "who is responsible for fire safety", SCHOOL_QUERY):
        got = plain.search(query, limit=10)
        assert got.hits, query
        assert [(h.id, round(h.score, 9), h.matched) for h in got.hits] == [
            (h.id, round(h.score, 9), h.matched) for h in lexical.search(query, limit=10).hits
        ]
        assert not any(n.startswith("semantic") for n in got.notes)


def test_with_the_leg_a_paraphrase_does_not_lean_on_its_characters(embedded_data_dir: Path) -> None:
    """Characters bridge everyday words only without vectors: with the leg, the plan's bigram boost is off."""
    index = _index(embedded_data_dir)
    assert index.plan(ROAD_QUERY).grams_boost > 1.0
    assert index.search(ROAD_QUERY, limit=5).plan.grams_boost == 1.0
    assert index.search(ROAD_QUERY, limit=5, semantic=False).plan.grams_boost == index.plan(ROAD_QUERY).grams_boost


def test_damaged_vectors_fall_back_to_words_and_say_which_file(embedded_data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "build"
    shutil.copytree(_build_folder(embedded_data_dir), copy, ignore=shutil.ignore_patterns(".lock"))
    vectors = copy / semantic.SEMANTIC_DIR / semantic.VECTORS_FILE
    vectors.write_bytes(vectors.read_bytes()[:200])
    result = SearchIndex(copy / INDEX_DIR).search("电梯安全", limit=5)
    assert result.hits and all("semantic" not in h.matched for h in result.hits)
    assert any("semantic leg off" in n and semantic.VECTORS_FILE in n for n in result.notes), result.notes
    with pytest.raises(semantic.SemanticError, match=semantic.VECTORS_FILE):
        semantic.SemanticIndex.open(copy)


def test_a_query_whose_words_stand_in_the_corpus_keeps_the_lexical_head(embedded_data_dir: Path) -> None:
    """Literal first: the hits saying most of the query's own characters (document title included) keep lexical
    order above the leg."""
    from search_api.search.engine import LITERAL_COVERAGE
    from search_api.search.query import character_coverage

    index = _index(embedded_data_dir)
    words_only = _index(embedded_data_dir)
    words_only._semantic_opened = True  # the same build, the leg left out
    for query in ("安全生产责任保险", "安全生产风险抵押金", "中小学安全教育"):
        lexical = words_only.search(query, limit=10)
        runs = lexical.plan.runs if lexical.plan else ()
        head = [
            h.id
            for h in lexical.hits
            if character_coverage(runs, f"{h.doc_title} {h.title} {h.text}") >= LITERAL_COVERAGE
        ]
        assert head and head[0] == lexical.hits[0].id, query
        fused = index.search(query, limit=10)
        assert [h.id for h in fused.hits][: len(head)] == head, query
        assert fused.basis == "literal", query


NOTICE_AIRFIELD = ("odkg/archived_data/test5.zip", "test5/267.txt")
"""国函〔1985〕94号, 民航使用空军三家子机场的批复: its title names the airfield, its items say what is decided
(四、机场扩建后，产权仍属空军)."""


@pytest.fixture(scope="module")
def embedded_notice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of one real notice with the semantic leg."""
    from tests.conftest import odkg_build

    return odkg_build(tmp_path_factory.mktemp("airfield"), [NOTICE_AIRFIELD], embed=True)


def test_an_item_is_embedded_with_its_heading() -> None:
    """A notice's item says in its heading what its text details (四、机场扩建后，产权仍属空军。机场的管理由…): the
    whole item is embedded heading first, its sentences as they are."""
    import zipfile

    from ingest.pipeline import assemble, parse_document
    from tests.conftest import EXTERNAL

    archive, member = NOTICE_AIRFIELD
    with zipfile.ZipFile(EXTERNAL / archive) as zipped:
        text = zipped.read(member).decode("utf-8")
    corpus = assemble([parse_document(text, source="notice.txt")])
    (doc,) = corpus.documents
    (item,) = [a for a in doc.articles() if a.number == 4]
    assert item.title == "机场扩建后，产权仍属空军" and not item.text.startswith(item.title)
    texts = [p.text for p in semantic.passages(corpus) if p.record.endswith("#art-4")]
    assert texts[0] == f"{item.title}。{item.text}".strip()
    assert all(s.text.strip() in texts for s in item.sentences)


def test_words_split_between_a_notices_title_and_its_item_are_literal(embedded_notice: Path) -> None:
    """三家子产权 (who owns the 三家子 airfield): the airfield is named in the notice's title and first item, 产权 in
    its fourth; the query's own words stand in the document, so the lexical ranking leads.  The gate once counted
    a passage's share of the query's bigrams without the title (item 一 2 of 4, item 四 1 of 4, 子产 in neither)
    and put the leg's guess first."""
    result = _index(embedded_notice).search("三家子产权", limit=5)
    assert result.basis == "literal"
    assert any("产权仍属空军" in hit.title + hit.text for hit in result.hits[:3])


def test_an_english_question_is_also_embedded_in_its_chinese_reading(
    embedded_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model matches Chinese with Chinese better than across languages: an English query is embedded as
    typed and as the Chinese words the dictionary and the thesaurus read in it; a Chinese query once."""
    asked: list[str] = []
    model = semantic.embedder()

    class Recording:
        name = model.name

        def passages(self, texts: list[str]) -> Any:
            return model.passages(texts)

        def query(self, text: str) -> Any:
            asked.append(text)
            return model.query(text)

    monkeypatch.setattr(semantic, "_EMBEDDER", Recording())
    index = _index(embedded_data_dir)
    hits = index.search("who is responsible for elevator safety inspections", limit=5).hits
    assert asked[0] == "who is responsible for elevator safety inspections"
    assert len(asked) == 2 and "电梯" in asked[1] and asked[1].isascii() is False
    assert any("semantic" in h.matched for h in hits)
    asked.clear()
    index.search("电梯安全检查", limit=5)
    assert asked == ["电梯安全检查"]


def test_ask_weighs_units_by_passages_that_name_the_topic_not_by_the_leg(
    embedded_data_dir: Path, seed_data_dir: Path
) -> None:
    """``ask`` reads the same evidence with or without vectors: a passage near the topic in meaning names no one."""
    for question in ("谁负责电梯安全", "who is responsible for hazardous chemicals", SCHOOL_QUERY):
        with_leg = _index(embedded_data_dir).candidate_evidence(question, limit=20)
        plain = _index(seed_data_dir).candidate_evidence(question, limit=20)
        assert [(h.id, round(h.score, 9)) for h in with_leg] == [(h.id, round(h.score, 9)) for h in plain]
        assert all("semantic" not in h.matched for h in with_leg)
    assert any("semantic" in h.matched for h in _index(embedded_data_dir).search(SCHOOL_QUERY, limit=5).hits)


def test_a_result_says_how_it_was_ranked(embedded_data_dir: Path, seed_data_dir: Path, capsys: Any) -> None:
    """``basis``: literal when the query's words lead, meaning when they stand nowhere, fused for English, words
    without vectors; the CLI says so above hits ranked by meaning."""
    from search_api.cli.main import main

    index = _index(embedded_data_dir)
    assert index.search("安全生产责任保险").basis == "literal"
    assert index.search(ROAD_QUERY).basis == "meaning"
    assert index.search("who is responsible for elevator safety").basis == "fused"
    assert _index(seed_data_dir).search(ROAD_QUERY).basis == "words"
    assert main(["search", ROAD_QUERY, "--data", str(embedded_data_dir)]) == 0
    assert "ranked by similar meaning" in capsys.readouterr().out
    assert main(["search", ROAD_QUERY, "--json", "--data", str(embedded_data_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["basis"] == "meaning"


# ── whether a build adds the leg by default ────────────────────────────────────────────────────────────────


def _seed_corpus(data_dir: Path) -> Any:
    from ingest.serialize import corpus_from_data

    return corpus_from_data(json.loads((_build_folder(data_dir) / "model.json").read_text("utf-8")))


def test_a_small_corpus_gets_the_leg_by_default_and_a_large_one_says_how_to_add_it(
    embedded_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No flag and no $POLICYKG_EMBED: the seed (234 distinct passages) is embedded; past the limit it is not,
    and the reason is in the manifest; a flag or the variable decides before the size."""
    from search_api.builds import make

    corpus = _seed_corpus(embedded_data_dir)
    distinct = len({p.text for p in semantic.passages(corpus)})
    monkeypatch.delenv(make.EMBED_ENV, raising=False)
    assert make.semantic_leg(None, corpus, tmp_path) == (True, f"auto: {distinct} passages to embed")
    monkeypatch.setattr(make, "AUTO_EMBED_PASSAGES", distinct - 1)
    assert make.semantic_leg(None, corpus, tmp_path) == (False, f"auto: more than {distinct - 1} passages to embed")
    assert make.semantic_leg(True, corpus, tmp_path) == (True, "--embed")
    monkeypatch.setenv(make.EMBED_ENV, "1")
    assert make.semantic_leg(None, corpus, tmp_path) == (True, "$POLICYKG_EMBED=1")
    assert make.semantic_leg(False, corpus, tmp_path) == (False, "--no-embed")
    monkeypatch.setenv(make.EMBED_ENV, "0")
    monkeypatch.setattr(make, "AUTO_EMBED_PASSAGES", 10**6)
    assert make.semantic_leg(None, corpus, tmp_path) == (False, "$POLICYKG_EMBED=0")


def test_what_is_cached_is_not_counted_so_a_rebuild_keeps_the_leg(embedded_data_dir: Path, tmp_path: Path) -> None:
    """The embedded build's cache holds every passage of the seed: nothing to embed, whatever the limit; an empty
    cache counts them all, and counting stops past the limit asked."""
    corpus = _seed_corpus(embedded_data_dir)
    distinct = len({p.text for p in semantic.passages(corpus)})
    assert semantic.passages_to_embed(corpus, embedded_data_dir / semantic.EMBED_CACHE) == 0
    assert semantic.passages_to_embed(corpus, tmp_path / "empty") == distinct
    assert semantic.passages_to_embed(corpus, None, stop_after=10) == 11


def test_the_build_summary_says_the_leg_is_off_and_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from search_api.builds import make
    from search_api.cli.main import main

    monkeypatch.delenv(make.EMBED_ENV, raising=False)
    monkeypatch.setattr(make, "AUTO_EMBED_PASSAGES", 5)
    assert main(["build", str(seed_path()), "--quiet", "--data", str(tmp_path / "data")]) == 0
    out = capsys.readouterr().out
    assert "semantic leg off (auto: more than 5 passages to embed)" in out and "--embed adds it" in out
    manifest = json.loads((_build_folder(tmp_path / "data") / "manifest.json").read_text("utf-8"))
    assert manifest["semantic_leg"] == {"on": False, "why": "auto: more than 5 passages to embed"}
    assert not (_build_folder(tmp_path / "data") / semantic.SEMANTIC_DIR).exists()


def test_by_default_a_machine_that_cannot_run_the_model_builds_words_alone(
    embedded_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked for, a model that cannot load fails the build (and says why); by default the build goes on words
    alone and records why (a CPU without AVX2 is told before loading: the engine would die of it)."""
    from search_api.builds import make
    from search_api.builds.make import run_build

    monkeypatch.delenv(make.EMBED_ENV, raising=False)
    corpus = _seed_corpus(embedded_data_dir)
    monkeypatch.setattr(semantic, "model_unavailable", lambda: "the embedding engine needs a CPU with AVX2")
    assert make.semantic_leg(None, corpus, tmp_path) == (False, "auto: the embedding engine needs a CPU with AVX2")
    monkeypatch.setattr(semantic, "model_unavailable", lambda: None)

    def broken() -> Any:
        raise semantic.SemanticError("the embedding model cannot be loaded: no engine", code="no_model")

    monkeypatch.setattr(semantic, "embedder", broken)
    result = run_build([seed_path()], data_dir=tmp_path / "auto")
    assert result.path is not None
    assert result.manifest["semantic_leg"] == {
        "on": False, "why": "auto: the embedding model cannot be loaded: no engine"
    }  # fmt: skip
    assert "embed" not in result.manifest["steps"]
    with pytest.raises(semantic.SemanticError):
        run_build([seed_path()], data_dir=tmp_path / "asked", embed=True)
