"""The whole ingest pipeline on the seed: tasks, units, traceability, obligations, citations; other layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.model import Corpus, Document
from ingest.pipeline import ingest_paths
from ingest.serialize import corpus_from_data, corpus_to_data
from tests.conftest import DATA, TASK_37_LEAD_UNITS, seed_path

ARTICLES_WITHOUT_TASKS = [1, 2, 3, 6, 13, 14, 31, 32, 33]


@pytest.fixture(scope="session")
def seed_corpus() -> Corpus:
    corpus, failures = ingest_paths([seed_path()])
    assert failures == ()
    return corpus


@pytest.fixture(scope="session")
def seed(seed_corpus: Corpus) -> Document:
    (document,) = seed_corpus.documents
    return document


def _names(corpus: Corpus, unit_ids) -> list[str]:
    by_id = {unit.id: unit for unit in corpus.units}
    return [by_id[unit_id].name for unit_id in unit_ids]


def test_seed_document(seed: Document) -> None:
    assert seed.title == "王益区关于推进安全生产领域改革发展的实施意见"
    assert seed.status == "征求意见稿"
    assert seed.kind == "policy"
    assert len(seed.sections) == 7 and len(seed.articles()) == 33
    assert [t.number for t in seed.tasks] == list(range(1, 58))


def test_task_deadlines_are_parsed(seed: Document) -> None:
    by_number = {t.number: t for t in seed.tasks}
    assert by_number[1].deadline.year == 2018 and by_number[1].deadline.due == "2018-12-31"
    assert by_number[15].deadline.ongoing and by_number[15].deadline.due is None
    assert by_number[19].deadline.due == "2019-12-31"
    assert by_number[36].deadline.due == "2020-12-31"
    assert all(t.deadline.due or t.deadline.ongoing for t in seed.tasks)


def test_lead_units_resolve_to_38_bodies(seed_corpus: Corpus, seed: Document) -> None:
    by_id = {unit.id: unit for unit in seed_corpus.units}
    raw = {m.text for t in seed.tasks for m in t.mentions}
    assert len(raw) == 51
    assert all(m.unit_id for t in seed.tasks for m in t.mentions)
    bodies: set[str] = set()
    for task in seed.tasks:
        for unit_id in task.units:
            unit = by_id[unit_id]
            bodies.update(unit.members if unit.is_group else (unit_id,))
    assert len(bodies) == 38
    assert tuple(_names(seed_corpus, {t.number: t for t in seed.tasks}[37].units)) == TASK_37_LEAD_UNITS


@pytest.mark.parametrize(
    "cluster",
    [
        {"区发改委", "区发展改革委", "区发展改革局", "区发改局"},
        {"城市管理局王印分局", "市城市管理局王益分局"},
        {"区机关事关事务局", "区机关事务局"},
        {"王家河园区管委会", "王家河工业园区管委会", "王家河工业园区"},
        {"区市场监管局", "区市场监督局"},
        {"各街办", "各街道办事处"},
    ],
)
def test_alias_clusters(seed_corpus: Corpus, seed: Document, cluster: set[str]) -> None:
    resolved = {m.unit_id for t in seed.tasks for m in t.mentions if m.text in cluster}
    assert len(resolved) == 1
    (unit,) = [u for u in seed_corpus.units if u.id in resolved]
    assert cluster <= {alias.text for alias in unit.aliases}
    assert all(alias.reason for alias in unit.aliases)


def test_groups_and_successors(seed_corpus: Corpus) -> None:
    by_name = {unit.name: unit for unit in seed_corpus.units}
    group = by_name["各镇办"]
    assert group.is_group and {by_name["黄堡镇"].id, by_name["各街道办事处"].id} <= set(group.members)
    assert by_name["区安监局"].successor == "区应急管理局"
    assert by_name["区卫计局"].successor == "区卫生健康局"
    assert seed_corpus.unresolved == ()


def test_every_task_traces_to_an_article_and_nine_articles_have_none(seed: Document) -> None:
    covered = {link.number for task in seed.tasks for link in task.articles}
    assert all(task.articles for task in seed.tasks)
    assert sorted({a.number for a in seed.articles()} - covered) == ARTICLES_WITHOUT_TASKS
    by_number = {t.number: t for t in seed.tasks}
    assert by_number[37].articles[0].number == 22
    assert {link.number for link in by_number[7].articles} == {7, 8}  # one task, two articles
    for task in seed.tasks:
        for link in task.articles:
            assert seed.text[link.span.start : link.span.end] == link.evidence
            assert 0 < link.score <= 1


def _obligation(seed: Document, needle: str):
    matches = [o for a in seed.articles() for o in a.obligations if needle in o.text]
    assert matches, needle
    return matches[0]


def test_seed_obligations(seed: Document) -> None:
    committee = _obligation(seed, "区委每年至少2次")
    assert [b.text for b in committee.bearers] == ["区委"] and committee.bearers[0].unit_id
    assert (committee.frequency.period, committee.frequency.min_count) == ("year", 2)
    government = _obligation(seed, "区政府至少每季度")
    assert [b.text for b in government.bearers] == ["区政府"]
    assert (government.frequency.period, government.frequency.min_count) == ("quarter", 1)
    meeting = _obligation(seed, "每季度至少召开1次全体会议")
    assert (meeting.frequency.period, meeting.frequency.min_count) == ("quarter", 1)
    staff = _obligation(seed, "配备2名以上专职安全监管人员")
    assert len(staff.bearers) == 4 and all(b.unit_id for b in staff.bearers)
    assert [(q.value, q.unit, q.comparator) for q in staff.quantities] == [(2, "名", ">=")]
    review = _obligation(seed, "事故结案后一年内")
    assert review.deadline.relative == "事故结案后一年内"
    for article in seed.articles():
        for obligation in article.obligations:
            assert seed.text[obligation.span.start : obligation.span.end] == obligation.text


def test_citations(seed: Document) -> None:
    numbers = {c.title: c.doc_number for c in seed.citations}
    assert numbers["中共中央、国务院关于推进安全生产领域改革发展的意见"] == "中发〔2016〕32号"
    assert "陕西省安全生产条例" in numbers and "安全生产法" in numbers


def test_citation_resolves_to_a_law_in_the_corpus(laws_dir: Path) -> None:
    corpus, failures = ingest_paths([seed_path(), laws_dir / "中华人民共和国安全生产法.md"])
    assert failures == ()
    seed = next(d for d in corpus.documents if d.kind == "policy")
    law = next(d for d in corpus.documents if d.kind == "law")
    assert {c.target for c in seed.citations if c.title == "安全生产法"} == {law.id}


def test_json_round_trip(seed_corpus: Corpus) -> None:
    data = corpus_to_data(seed_corpus)
    unit = data["units"][0]
    assert isinstance(unit["aliases"][0], str) and {"text", "reason"} <= set(unit["alias_reasons"][0])
    task = data["documents"][0]["tasks"][0]
    assert {"number", "text", "units", "raw_units", "deadline", "articles"} <= set(task)
    assert {"number", "score", "evidence"} <= set(task["articles"][0])
    assert corpus_from_data(data) == seed_corpus


def test_model_json_streamed_a_document_at_a_time_is_the_whole_dump(laws_dir: Path) -> None:
    """The build writes ``model.json`` one document at a time; the characters are those of one ``json.dumps`` of
    the whole export, on a corpus with laws, citations, many units and empty lists."""
    import io
    import json

    from ingest.serialize import write_corpus_json

    corpus, _failures = ingest_paths([seed_path(), laws_dir, DATA])
    assert len(corpus.documents) > 10 and corpus.units and not corpus.duplicates  # one empty list at least
    streamed = io.StringIO()
    write_corpus_json(corpus, streamed)
    assert streamed.getvalue() == json.dumps(corpus_to_data(corpus), ensure_ascii=False, sort_keys=True)
    assert corpus_from_data(json.loads(streamed.getvalue())) == corpus


def test_other_layouts_through_the_pipeline() -> None:
    corpus, failures = ingest_paths([DATA])
    assert failures == ()
    by_source = {Path(d.source).name: d for d in corpus.documents}
    county = by_source["county_policy_markdown.md"]
    assert [(t.number, t.label) for t in county.tasks] == [(1, "1"), (2, "2"), (3, "1")]
    names = {u.id: u.name for u in corpus.units}
    assert [names[u] for u in county.tasks[1].units] == ["县应急管理局", "县市场监管局"]
    assert county.tasks[0].units == county.tasks[1].units[:1]  # 县应急局 = 县应急管理局
    assert county.tasks[2].co_units and county.tasks[2].deadline.end_year == 2020
    district = by_source["district_gb18030_pipe_cells.txt"]
    assert district.status == "征求意见稿" and len(district.tasks) == 2
    assert district.tasks[1].units == district.tasks[0].units[:1]  # 区市场监督管理局 = 区市场监管局
    rules = by_source["city_rules_law_style.txt"]
    assert len(rules.articles()) == 5


def test_a_users_notice_file_is_a_document_but_a_licence_notice_is_not(tmp_path: Path) -> None:
    from ingest.pipeline import discover

    for name in ("notice.txt", "NOTICE", "README.md", "readme.txt", "通知.txt"):
        (tmp_path / name).write_text("关于加强安全生产工作的通知\n", encoding="utf-8")
    assert [p.name for p in discover([tmp_path])] == ["notice.txt", "通知.txt"]


def test_attachments_are_parts_each_with_its_own_sections(tmp_path: Path) -> None:
    from ingest.pipeline import assemble, parse_document
    from kg import iris
    from kg.build import build_graph
    from ontology.namespace import PKG

    source = Path(__file__).parent / "data" / "attachments" / "两个方案的通知.txt"
    document = assemble([parse_document(source.read_text(encoding="utf-8"), source=str(source))]).documents[0]
    # the listing 附件：1.… 2.… names the attachments, the 附件1 / 附件2 lines start them
    assert [(p.number, p.label, p.title) for p in document.parts] == [
        (1, "附件1", "某某县安全生产专项整治方案"), (2, "附件2", "某某县应急演练方案")
    ]
    assert [(s.part, s.label, s.title) for s in document.sections] == [
        (1, "一、", "总体要求"), (1, "二、", "主要任务"), (2, "一、", "演练目的"), (2, "二、", "演练安排")
    ]
    # the last article before an attachment ends where it starts; the notice's preamble ends before 附件1
    assert document.sections[1].articles[-1].text == "县住建局负责建筑施工领域排查。"
    assert "附件1\n" not in document.preamble and document.preamble.endswith("2020年3月1日")
    graph = build_graph(assemble([parse_document(source.read_text(encoding="utf-8"), source=str(source))]))
    sections = set(graph.subjects(PKG.inAttachment, iris.part_iri(document.id, 2)))
    assert sections == {iris.section_iri(document.id, 1, part=2), iris.section_iri(document.id, 2, part=2)}
    assert len(set(graph.subjects(predicate=None, object=PKG.Section))) == 4  # 一、 of each plan stays apart


def test_the_document_api_lists_attachments_and_their_sections(tmp_path: Path) -> None:
    from search_api.builds.make import run_build
    from tests.conftest import serve

    data_dir = tmp_path / "data"
    assert run_build([Path(__file__).parent / "data" / "attachments"], data_dir=data_dir, workers=1).path
    with serve(data_dir) as running:
        doc_id = running.client.get("/api/documents").json()["documents"][0]["id"]
        detail = running.client.get(f"/api/documents/{doc_id}").json()
    assert [(p["label"], p["title"]) for p in detail["parts"]] == [
        ("附件1", "某某县安全生产专项整治方案"), ("附件2", "某某县应急演练方案")
    ]
    assert [s["part"] for s in detail["outline"]] == [1, 1, 2, 2]
