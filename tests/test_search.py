"""Search over the seed: ranking cases from the issue, filters, highlighting offsets, odd input, the CLI.

The seed is built once per session into a temporary data directory (the index is a build step).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search_api.search.engine import Hit, SearchIndex, open_index, snippet_html
from search_api.search.tokenizer import analyze, domain_analyzer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def seed_data(seed_data_dir: Path) -> Path:
    """The session's build of the seed corpus (shared with the other test modules)."""
    return seed_data_dir


@pytest.fixture(scope="session")
def index(seed_data: Path) -> SearchIndex:
    return open_index(seed_data)


@pytest.fixture(scope="session")
def doc_text(seed_data: Path) -> dict[str, str]:
    model = json.loads((seed_data / "current" / "model.json").read_text(encoding="utf-8"))
    return {d["id"]: d["text"] for d in model["documents"]}


def keys(hits: tuple[Hit, ...] | list[Hit], n: int = 10) -> list[tuple[str, int | None]]:
    return [(h.kind, h.number) for h in hits[:n]]


# ── the ranking cases of the issue ─────────────────────────────────────────────────────────────────────────


def test_elevator_safety_finds_task_37_first(index: SearchIndex) -> None:
    assert keys(index.search("电梯安全").hits, 1) == [("task", 37)]


def test_english_hazardous_chemicals(index: SearchIndex) -> None:
    top3 = keys(index.search("hazardous chemicals").hits, 3)
    assert ("task", 14) in top3 and ("article", 10) in top3


def test_english_elevator_question(index: SearchIndex) -> None:
    assert keys(index.search("who is responsible for elevator safety").hits, 1) == [("task", 37)]


def test_special_equipment_finds_elevator_task_below_exact_matches(index: SearchIndex) -> None:
    """电梯 ⊂ 特种设备: the narrower concept finds task 37, but a passage naming 特种设备 itself ranks higher."""
    result = index.search("特种设备")
    found = keys(result.hits)
    assert ("task", 37) in found
    assert "特种设备" in result.hits[0].text
    assert found.index(("task", 37)) > 0
    assert "电梯" in result.expanded


def test_elevator_finds_special_equipment_passages(index: SearchIndex) -> None:
    """And the reverse: the broader concept, ranked below the exact match."""
    hits = index.search("电梯").hits
    assert keys(hits, 1) == [("task", 37)]
    assert any("特种设备" in h.text and "电梯" not in h.text for h in hits)


def test_who_question_puts_the_task_above_its_article(index: SearchIndex) -> None:
    hits = index.candidate_evidence("谁负责危险化学品安全监管", limit=5)
    order = keys(hits)
    assert order.index(("task", 14)) < order.index(("article", 10))
    assert hits[0].lead_units and hits[0].kind == "task"


def test_obligations_fold_into_their_article(index: SearchIndex) -> None:
    default = index.search("矿山安全监管监察体制改革").hits
    assert all(h.kind != "obligation" for h in default)
    sentences = index.search("矿山安全监管监察体制改革", kind="obligation").hits
    assert sentences and all(h.kind == "obligation" for h in sentences)
    assert sentences[0].number == 10  # the obligation's article


# ── filters ────────────────────────────────────────────────────────────────────────────────────────────────


def test_unit_filter_by_any_alias(index: SearchIndex) -> None:
    (finance,) = index.resolve_unit("区财政局")
    hits = index.search("unit:区财政局", limit=50).hits
    assert hits and all(finance in (*h.lead_units, *h.co_units) for h in hits)
    assert ("task", 27) in keys(hits, 50)
    assert all("区财政局" in h.units for h in hits if h.kind == "task")
    with_words = index.search("执法经费 unit:区财政局").hits
    assert keys(with_words, 1) == [("task", 27)]


def test_unit_filter_without_level_prefix(index: SearchIndex) -> None:
    assert index.resolve_unit("财政局") == index.resolve_unit("区财政局")


def test_unknown_unit_says_so(index: SearchIndex) -> None:
    result = index.search("电梯 unit:区不存在局")
    assert not result.hits and any("区不存在局" in n for n in result.notes)


def test_kind_and_due_filters(index: SearchIndex) -> None:
    hits = index.search("应急救援 kind:task due:2019").hits
    assert hits and all(h.kind == "task" for h in hits)
    assert {19, 20} <= {h.number for h in hits}
    assert all(h.number not in (18,) for h in hits)  # task 18 falls due in 2018


def test_doc_filter(index: SearchIndex) -> None:
    assert index.search("电梯 doc:王益区").hits
    result = index.search("电梯 doc:没有这个文件")
    assert not result.hits and result.notes


def test_kind_argument_and_unit_hits(index: SearchIndex) -> None:
    hits = index.search("财政局", kind="unit").hits
    assert keys(hits, 1) == [("unit", None)] and hits[0].title == "区财政局"


# ── analysis, phrases and highlighting ─────────────────────────────────────────────────────────────────────


def test_positions_count_words_not_characters() -> None:
    tokens = analyze(domain_analyzer(["机械化换人"]), "开展机械化换人，推动工作。")
    assert [(w, pos) for w, pos, _, _ in tokens] == [("开展", 0), ("机械化换人", 1), ("推动", 2), ("工作", 3)]
    assert [(s, e) for _, _, s, e in tokens] == [(0, 2), (2, 7), (8, 10), (10, 12)]


def test_phrase_query_respects_word_order(index: SearchIndex) -> None:
    forward = index.search('"电梯 游乐设施"').hits
    assert keys(forward, 1) == [("task", 37)] or ("task", 37) in keys(forward)
    assert not index.search('"游乐设施 电梯"').hits


def test_highlight_offsets_point_at_matched_words(index: SearchIndex, doc_text: dict[str, str]) -> None:
    result = index.search("电梯安全")
    words = set(result.expanded)
    grams = set(result.plan.grams)  # the literal bigram leg highlights the query's own characters
    for hit in result.hits:
        assert hit.highlights, hit
        for start, end in hit.highlights:
            assert hit.start <= start < end <= hit.end
            marked = doc_text[hit.doc][start:end]
            assert marked in words or all(marked[i : i + 2] in grams for i in range(len(marked) - 1)), marked
        assert "<b>电梯</b>" in result.hits[0].snippet


def test_snippet_is_html_safe() -> None:
    snippet, _ = snippet_html("a<b>&电梯", [(5, 7)])
    assert snippet == "a&lt;b&gt;&amp;<b>电梯</b>"


# ── odd input never breaks ─────────────────────────────────────────────────────────────────────────────────

ODD = [
    "",
    "   ",
    "电梯" * 5000,
    "x" * 10_000,
    '"unbalanced 电梯',
    "“电梯安全",
    "AND OR NOT",
    "电梯 AND NOT 安全 OR",
    "😀🔥🚒",
    "SELECT * FROM tasks WHERE 1=1; DROP TABLE tasks;--",
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10",
    "kind: unit: due: doc:",
    "kind:poem 电梯",
    "due:abc 电梯",
    "((( *? \\ ] [",
    "\x00\x01\t\n",
]


@pytest.mark.parametrize("query", ODD, ids=range(len(ODD)))
def test_odd_input_returns_results_or_a_message(index: SearchIndex, query: str) -> None:
    result = index.search(query)
    json.dumps(result.to_json(), ensure_ascii=False)
    assert result.hits or result.notes


def test_limit_is_honoured(index: SearchIndex) -> None:
    assert len(index.search("安全生产", limit=3).hits) == 3


# ── the command ────────────────────────────────────────────────────────────────────────────────────────────


def test_cli_json_contract(seed_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from search_api.cli.main import main

    assert main(["search", "电梯安全", "--json", "--limit", "3", "--data", str(seed_data)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"query", "expanded", "hits", "suggestions", "basis"}
    assert data["query"] == "电梯安全" and data["expanded"] and data["basis"] == "words"  # no vectors
    assert len(data["hits"]) <= 3
    first = data["hits"][0]
    assert set(first) == {
        "kind", "doc", "doc_title", "number", "occurrence", "title", "score", "snippet", "units", "matched"
    }  # fmt: skip
    assert first["occurrence"] == 0  # the seed numbers its articles once
    assert first["matched"][0] == "literal"
    assert (first["kind"], first["number"]) == ("task", 37)
    scores = [h["score"] for h in data["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_cli_text_and_messages(seed_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from search_api.cli.main import main

    assert main(["search", "--kind", "task", "--data", str(seed_data), "hazardous", "chemicals"]) == 0
    out = capsys.readouterr().out
    assert "[task 14]" in out and "【危险化学品" in out
    assert main(["search", "", "--data", str(seed_data)]) == 2
    err = capsys.readouterr().err
    assert "empty query" in err and err.count("\n") == 1


def test_cli_without_a_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from search_api.cli.main import main

    assert main(["search", "电梯", "--data", str(tmp_path)]) == 2
    assert "policykg build" in capsys.readouterr().err


def test_the_index_is_a_build_step(seed_data: Path) -> None:
    manifest = json.loads((seed_data / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["steps"]["index"]["documents"] > 0
    assert (seed_data / "current" / "index" / "userdict.txt").is_file()


TOP_QUERIES = ["谁负责危险化学品安全监管", "安全生产责任保险", "who is responsible for elevator safety", "kind:task 安全", "安全"]


@pytest.mark.parametrize("query", TOP_QUERIES)
def test_threshold_top_equals_scoring_every_passage(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """Scoring only the heads of each part (the threshold algorithm) gives the very top that scoring every
    passage gives: same passages, same order, same scores, same legs."""
    import search_api.search.engine as engine

    plan = index.plan(query)
    allowed = index._allowed(index._filter_query(plan.parsed.filters)[0])
    monkeypatch.setattr(engine, "SCORE_DEPTH", 2)  # shallow heads: the bound fails and the heads deepen
    shallow = index._top(plan, allowed, 40)
    monkeypatch.setattr(engine, "SCORE_DEPTH", 10**6)  # every passage scored
    assert shallow == index._top(plan, allowed, 40)


def test_block_scores_equal_whooshs_matcher(index: SearchIndex) -> None:
    """The block-at-a-time BM25F of :mod:`search_api.search.postings` gives whoosh's very floats, for the most
    frequent and a spread of other terms of every scored field; a phrase is left to whoosh's matcher."""
    from whoosh import query as wq

    from search_api.search.postings import PostingScorer

    searcher = index._searcher
    reader = searcher.reader()
    scorer = PostingScorer(searcher)
    checked = 0
    for field in [name for name in searcher.schema.names() if searcher.schema[name].scorable]:
        terms = sorted((t for f, t in reader.all_terms() if f == field), key=lambda t: -reader.doc_frequency(field, t))
        for raw in terms[:150] + terms[150::25]:
            query = wq.Term(field, raw.decode("utf-8"))
            matcher = query.matcher(searcher, searcher.context())
            expected = {}
            while matcher.is_active():
                expected[matcher.id()] = float(matcher.score())
                matcher.next()
            assert scorer.scores(query) == expected, (field, raw)
            arrays = scorer.score_arrays(query)  # the served path: the same floats, as arrays
            assert arrays is not None and dict(zip(*(a.tolist() for a in arrays), strict=True)) == expected
            assert list(arrays[0]) == sorted(expected), (field, raw)
            checked += 1
    assert checked > 500
    assert scorer.scores(wq.Term("text", "不在索引里的词语")) == {}
    assert [len(a) for a in scorer.score_arrays(wq.Term("text", "不在索引里的词语")) or ()] == [0, 0]
    assert scorer.scores(wq.Phrase("text", ["安全", "生产"])) is None
    assert scorer.score_arrays(wq.Phrase("text", ["安全", "生产"])) is None
    assert scorer.scores(wq.Term("text", "安全", boost=2.0)) is None


def test_field_lengths_read_whole_equal_whooshs_per_passage_reads(index: SearchIndex) -> None:
    """The commit and the block scorer read a field's lengths whole: the same values whoosh reads one by one."""
    from search_api.search.postings import FieldLengths

    reader = index._searcher.reader()
    lengths = FieldLengths(reader._perdoc, reader.doc_count_all())
    fields = [name for name in index._searcher.schema.names() if index._searcher.schema[name].scorable]
    assert lengths.bytes_of("text") is not None and lengths.bytes_of("grams") is not None
    for field in fields:  # a field no passage has (no column) falls back to whoosh's own read
        for docnum in range(reader.doc_count_all()):
            assert lengths.doc_field_length(docnum, field) == reader._perdoc.doc_field_length(docnum, field), field


def test_caches_within_a_small_budget_give_the_same_results(
    seed_data: Path, index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An open index forgets decoded postings and passages past its budget (a server at 10,000 documents grew
    past 6 GB); what it forgets it reads again, so every result is the one an unbounded index gives."""
    import search_api.search.engine as engine
    from bench.search_speed import QUERIES

    monkeypatch.setattr(engine, "POSTINGS_KEPT", 400)
    monkeypatch.setattr(engine, "PASSAGES_KEPT", 15)
    small = SearchIndex(seed_data / "current" / "index")
    queries = [*QUERIES, "who is responsible for elevator safety", "区财政局 2018"]
    for _round in range(2):
        for query in queries:
            assert small.search(query, limit=10).to_json() == index.search(query, limit=10).to_json(), query
    assert 0 < small._posting_cache.weight <= 400 and len(small._stored_cache) <= 15
    assert small._facet_cache.weight <= 400
    small.close()


def test_a_served_build_scores_over_arrays_at_any_size(
    seed_data: Path, index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server pays numpy's import once (Build.preload → preload_arrays) and takes the array path even on the
    seed, far below DENSE_FROM; a one-shot question keeps the dictionary path; both rank alike."""
    import search_api.search.engine as engine
    from search_api.facade import Build

    calls: list[int] = []
    array_top = engine.dense_top
    monkeypatch.setattr(engine, "dense_top", lambda *args: calls.append(1) or array_top(*args))
    for query in TOP_QUERIES:
        index.search(query, limit=10)
    assert calls == []
    build = Build.open(seed_data).preload()
    try:
        served = build.resource("index")
        for query in TOP_QUERIES:
            assert served.search(query, limit=10).to_json() == index.search(query, limit=10).to_json()
        assert len(calls) == len(TOP_QUERIES)
    finally:
        build.close()


@pytest.mark.parametrize(
    "query", [*TOP_QUERIES, "重大隐患 unit:区财政局", "消防 due:2018", "elevator inspection", "给学生上安全课"]
)
def test_the_array_path_of_a_large_index_ranks_as_the_dictionary_path(
    seed_data: Path, index: SearchIndex, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """From DENSE_FROM passages on the fused top is scored over numpy arrays (0.4 s → 14 ms a warm query at
    10,000 documents), its facets merged over arrays too; forced on the seed, it gives the very top, scores and
    legs the dictionary path gives."""
    import search_api.search.engine as engine

    plan = index.plan(query)
    allowed = index._allowed(index._filter_query(plan.parsed.filters)[0])
    expected = index._top(plan, allowed, 40)
    monkeypatch.setattr(engine, "DENSE_FROM", 0)
    dense = SearchIndex(seed_data / "current" / "index")
    assert dense._top(plan, allowed, 40) == expected
    assert dense.search(query, limit=10).to_json() == index.search(query, limit=10).to_json()
    dense.close()
