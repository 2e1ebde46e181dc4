"""Issue 15: duties read from real laws and regulations, document jurisdictions, and the statutory answer.

Why real text: the duty reader and the clause matcher must hold on the printed wording of the nine laws and six
regulations in ../shared (read in place), not on sentences written to suit them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.model import Corpus
from ingest.pipeline import assemble, parse_document
from kg.build import build_graph
from kg.statutory import detect_place, jurisdiction_chain, statutory_answer, topic_words
from tests.conftest import CORPUS, LAWS, REGULATIONS, ntriples_store, published_store

FILES = (
    LAWS / "中华人民共和国特种设备安全法.md",
    LAWS / "危险化学品安全管理条例.md",
    REGULATIONS / "枣庄市电梯安全条例.md",
    REGULATIONS / "北京市烟花爆竹安全管理规定.md",
)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    """Four laws and regulations, parsed and assembled as a build does."""
    return assemble([parse_document(Path(p).read_text(encoding="utf-8"), source=str(p)) for p in FILES])


@pytest.fixture(scope="module")
def store(corpus: Corpus, graph_backend: str, request: pytest.FixtureRequest):
    """The corpus as an in-memory graph behind the store interface, or as a graph on a real SPARQL server."""
    from kg.store import RdflibStore, sorted_ntriples

    graph = build_graph(corpus)
    if graph_backend == "remote":
        return ntriples_store(request.getfixturevalue("oxigraph_server"), sorted_ntriples(graph))
    return RdflibStore(graph)


def _doc(corpus: Corpus, title: str):
    return next(d for d in corpus.documents if d.title == title)


def test_jurisdiction_of_a_city_regulation_reads_its_approving_province(corpus: Corpus) -> None:
    zaozhuang = _doc(corpus, "枣庄市电梯安全条例")
    assert (zaozhuang.jurisdiction, zaozhuang.jurisdiction_chain) == ("枣庄市", ("山东省", "全国"))
    assert _doc(corpus, "中华人民共和国特种设备安全法").jurisdiction == "全国"


def test_duty_clauses_are_typed_with_object_and_scope(corpus: Corpus) -> None:
    article = next(a for a in _doc(corpus, "枣庄市电梯安全条例").articles() if a.number == 6)
    first = article.obligations[0]
    assert first.bearers[0].text == "市、区（市）特种设备安全监督管理部门"
    assert (first.duty_kind, first.scope, first.governing) == ("regulator", "本行政区域内", True)
    assert "电梯安全" in first.duty_object
    holder = next(a for a in _doc(corpus, "枣庄市电梯安全条例").articles() if a.number == 22).obligations[0]
    assert holder.duty_kind == "duty_holder" and holder.bearers[0].text == "电梯使用单位"


def test_competent_authority_sentence_becomes_a_duty(corpus: Corpus) -> None:
    article = next(a for a in _doc(corpus, "北京市烟花爆竹安全管理规定").articles() if a.number == 3)
    found = [o for o in article.obligations if o.trigger.startswith("是…")]
    assert [(o.bearers[0].text, o.duty_object) for o in found] == [("公安机关", "烟花爆竹安全管理工作")]


def test_the_clause_of_the_asked_duty_answers_not_the_other_body_of_the_article(store) -> None:
    answer = statutory_answer(store, "剧毒化学品购买许可证由谁核发？")
    top = answer.entries[0]
    assert (top.body, top.article, top.kind) == ("公安机关", 6, "regulator")
    assert "剧毒化学品购买许可证" in top.text
    roads = statutory_answer(store, "危险化学品道路运输许可由哪个部门负责？").entries[0]
    assert roads.body == "交通运输主管部门"


def test_a_named_place_is_answered_from_its_own_regulation(store) -> None:
    answer = statutory_answer(store, "枣庄市电梯安全由哪个部门监督管理？")
    assert answer.jurisdiction == "枣庄市" and answer.searched == ("枣庄市", "山东省", "全国")
    top = answer.entries[0]
    assert (top.body, top.title, top.article, top.jurisdiction) == (
        "市、区（市）特种设备安全监督管理部门", "枣庄市电梯安全条例", 6, "枣庄市"
    )


def test_an_unknown_place_is_answered_from_national_law_never_a_sibling(store) -> None:
    answer = statutory_answer(store, "济南市的特种设备安全由哪个部门监督管理？")
    assert answer.searched == ("济南市", "山东省", "全国")  # the gazetteer knows 济南市 lies in 山东省
    assert {e.jurisdiction for e in answer.entries} == {"全国"}
    assert answer.entries[0].article == 5


def test_no_clause_assigns_the_duty_abstains(store) -> None:
    answer = statutory_answer(store, "谁负责网络安全的监督管理？")
    assert answer.entries == () and answer.to_json()["abstained"] is True


def test_a_place_named_without_its_suffix_is_found_through_the_gazetteer(store) -> None:
    answer = statutory_answer(store, "在枣庄，电梯安全由哪个部门监督管理？")
    assert answer.jurisdiction == "枣庄市" and answer.entries[0].jurisdiction == "枣庄市"
    assert statutory_answer(store, "全国的特种设备安全由哪个部门监督管理？").searched == ("全国",)


def test_a_broader_concept_of_the_thesaurus_matches_the_duty(store) -> None:
    from ontology.thesaurus import load_thesaurus

    thesaurus = load_thesaurus()
    top = statutory_answer(store, "起重机械安全由哪个部门监督管理？", thesaurus=thesaurus).entries[0]
    assert (top.title, top.article) == ("中华人民共和国特种设备安全法", 5)
    english = statutory_answer(store, "Which department supervises special equipment safety?", thesaurus=thesaurus)
    assert english.entries and (english.entries[0].title, english.entries[0].article) == (top.title, 5)


def test_without_a_place_each_jurisdiction_answers_in_its_own_group(store) -> None:
    answer = statutory_answer(store, "谁负责电梯安全的监督管理？")
    groups = answer.to_json()["groups"]
    places = [group["jurisdiction"] for group in groups]
    assert places[0] == "全国" and "枣庄市" in places and len(places) == len(set(places))
    assert [e.jurisdiction for e in answer.entries] == [
        place for place in places for _ in next(g for g in groups if g["jurisdiction"] == place)["statutory"]
    ]


def test_place_detection_and_chain() -> None:
    known = {"枣庄市": ("山东省", "全国"), "山东省": ("全国",)}
    assert detect_place("在枣庄，谁对电梯使用安全负责？", known) == "枣庄市"
    assert jurisdiction_chain("山东省", known) == ("山东省", "全国")
    assert jurisdiction_chain(None, known) == ()


@pytest.fixture(scope="module")
def seed_and_regulation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed with a city's elevator regulation and the national special-equipment law, built as a user would."""
    from search_api.builds.make import run_build

    data_dir = tmp_path_factory.mktemp("seed-regulation") / "data"
    sources = [CORPUS, *REGULATIONS.glob("*电梯*.md"), *LAWS.glob("*特种设备*.md")]
    assert len(sources) == 3, sources
    assert run_build(sources, data_dir=data_dir).path is not None
    return data_dir


def test_ask_answers_a_named_city_from_its_regulation_and_not_with_another_districts_units(
    seed_and_regulation: Path, graph_backend: str, request: pytest.FixtureRequest
) -> None:
    from search_api.facade import Build

    store_url = None
    if graph_backend == "remote":
        server = request.getfixturevalue("oxigraph_server")
        published_store(server, (seed_and_regulation / "current").resolve())
        store_url = server.url
    with Build.open(seed_and_regulation, store_url=store_url) as build:
        named = build.ask("枣庄市谁负责电梯安全监督管理").to_json()
        plain = build.ask("谁负责电梯安全").to_json()
    assert named["jurisdiction"] == "枣庄市"
    first = named["statutory_clauses"][0]
    assert (first["kind"], first["number"], first["jurisdiction"]) == ("regulator", 6, "枣庄市")
    assert "特种设备安全监督管理部门" in first["name"] and "枣庄市" in first["title"]
    assert named["units"] == []  # 王益区's bureaus are not 枣庄市's
    assert not [x for role in named["statutory"] for x in role["local_units"]]  # nor the local holders of its roles
    assert plain["jurisdiction"] is None and len(plain["units"]) == 8  # no place named: the seed answers as before


def test_the_seed_district_lies_in_its_city_and_province() -> None:
    from ingest.duties import document_jurisdiction

    seed = next(CORPUS.glob("*.txt"))
    document = parse_document(seed.read_text(encoding="utf-8"), source=str(seed)).document
    assert document_jurisdiction(document) == ("王益区", ("铜川市", "陕西省", "全国"))


def test_a_bare_class_of_organisations_is_a_duty_holder_and_an_internal_approval_grants_no_permit() -> None:
    text = (
        "# 某某安全条例\n\n第一条 为了加强安全管理，制定本条例。\n\n"
        "第二条 机关、团体、企业、事业等单位应当落实消防安全责任制。\n\n"
        "第三条 动火作业应当经本单位主要负责人批准。\n"
    )
    document = assemble([parse_document(text, source="条例.md", kind="law")]).documents[0]
    second, third = (a for a in document.articles() if a.number > 1)
    assert {ob.duty_kind for ob in second.obligations} == {"duty_holder"}
    assert not [ob for ob in third.obligations if ob.trigger.startswith("取得")]


def test_a_bodys_own_staff_is_not_another_bearer() -> None:
    text = (
        "# 某某安全条例\n\n## 第一章 总则\n\n第一条 为了加强安全管理，制定本条例。\n\n"
        "第二条 本条例适用于本行政区域内的安全管理工作。\n\n第三条 消防救援机构及其工作人员应当依法履行职责。\n"
    )
    document = assemble([parse_document(text, source="条例.md", kind="law")]).documents[0]
    article = next(a for a in document.articles() if a.number == 3)
    assert [b.text for ob in article.obligations for b in ob.bearers] == ["消防救援机构"]


@pytest.mark.parametrize(
    ("sentence", "bearer"),
    [
        # a short name defined after the subject: 以下简称 does not hide it
        ("第三条 市和区安全生产监督管理部门（以下简称安全生产监管部门）对本行政区域内的安全生产工作实施综合监督管理。",
         "市和区安全生产监督管理部门"),
        # a bearer standing alone before the clause
        ("第三条 负责公共消防设施维护管理的单位，应当保持公共消防设施的完好有效。", "负责公共消防设施维护管理的单位"),
        # the subject of the condition
        ("第三条 生产经营单位承办大型群众性活动的，应当制定活动方案和突发事件应急预案。", "生产经营单位"),
        # an assignment with no modal word
        ("第三条 特别重大事故由国务院组织事故调查组进行调查。", "国务院"),
        ("第三条 国务院领导全国的危险物品安全工作。", "国务院"),
        # a body and its staff: the staff are not another body
        ("第三条 消防救援机构及其工作人员应当依法履行职责。", "消防救援机构"),
        # a role defined as the unit's responsible person, with no modal word
        ("第三条 单位的主要负责人是本单位的消防安全责任人。", "单位的主要负责人"),
        ("第三条 生产经营单位的主要负责人是本单位安全生产第一责任人，对安全生产工作全面负责。", "生产经营单位的主要负责人"),
        # the body that grants a permit the clause requires
        ("第三条 在本市行政区域内运输危险物品，应当取得公安机关的运输许可。", "公安机关"),
    ],
)
def test_duty_bearers_in_the_forms_laws_print_them(sentence: str, bearer: str) -> None:
    text = (
        "# 某某安全条例\n\n## 第一章 总则\n\n第一条 为了加强安全管理，制定本条例。\n\n"
        f"第二条 本条例适用于本行政区域内的安全管理工作。\n\n{sentence}\n"
    )
    parsed = parse_document(text, source="条例.md", kind="law")
    document = assemble([parsed]).documents[0]
    article = next(a for a in document.articles() if a.number > 2)
    bearers = [b.text for ob in article.obligations for b in ob.bearers]
    assert bearer in bearers, [(ob.text, [b.text for b in ob.bearers]) for ob in article.obligations]


def test_the_duty_table_a_build_writes_answers_as_the_store_does(tmp_path: Path) -> None:
    """A question reads ``duties.json`` instead of scanning every clause; the answers are the store's."""
    from kg.statutory import DutyTable
    from kg.store import open_store
    from search_api.builds.make import run_build

    result = run_build([REGULATIONS / "枣庄市电梯安全条例.md", LAWS / "中华人民共和国消防法.md"], data_dir=tmp_path)
    assert result.path is not None
    table, store = DutyTable.read(result.path), open_store(result.path)
    assert table is not None and table.rows
    assert not table.pairs  # read for one question: its texts are scanned, not indexed
    indexed = DutyTable.read(result.path)
    assert indexed is not None and indexed.index().pairs
    for question in ("在枣庄，电梯安全由哪个部门监督管理？", "谁负责本行政区域内的消防工作？", "谁负责网吧的安全？"):
        from_file = statutory_answer(None, question, table=table)
        assert from_file == statutory_answer(store, question) == statutory_answer(None, question, table=indexed)
        words = topic_words(question)
        assert table.candidates(words) == indexed.candidates(words), question
    assert statutory_answer(None, "在枣庄，电梯安全由哪个部门监督管理？", table=table).entries[0].article == 6
