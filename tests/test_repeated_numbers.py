"""Notices restart （一） in every section: each article keeps an identity of its own, in the graph, in the index
and in the semantic leg (a real MIIT notice from ../shared/corpus/external, three sections numbered from （一）)."""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from search_api.search import semantic
from search_api.search.engine import SearchIndex
from search_api.search.index import INDEX_DIR, article_record_id
from tests.conftest import EXTERNAL, Server, serve

NOTICE = ("odkg/archived_data/test1.zip", "test1/14.txt")
"""工信厅企业函〔2022〕58号: 一、主题和目标 （一）（二）, 二、行动内容 （一）（二）, 三、工作要求 （一）（二）（三）."""


@pytest.fixture(scope="module")
def notice_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from search_api.builds.make import run_build

    folder = tmp_path_factory.mktemp("notice")
    archive, member = NOTICE
    with zipfile.ZipFile(EXTERNAL / archive) as zipped:
        (folder / "notice.txt").write_bytes(zipped.read(member))
    data_dir = folder / "data"
    result = run_build([folder / "notice.txt"], data_dir=data_dir)
    assert result.path is not None
    return data_dir


@pytest.fixture(scope="module")
def notice_build(notice_data: Path) -> Path:
    return (notice_data / "current").resolve()


@pytest.fixture(scope="module")
def notice_api(notice_data: Path) -> Iterator[Server]:
    with serve(notice_data) as server:
        yield server


def _records(build: Path) -> list[dict]:
    index = SearchIndex(build / INDEX_DIR)
    return [fields for _, fields in index._reader.iter_docs()]


def test_every_indexed_passage_has_its_own_id(notice_build: Path) -> None:
    records = _records(notice_build)
    repeated = [rid for rid, n in Counter(r["id"] for r in records).items() if n > 1]
    assert repeated == []
    articles = [r for r in records if r["kind"] == "article"]
    assert Counter(r["number"] for r in articles)[1] == 3  # （一） in each of the three sections
    assert sorted(r["occurrence"] for r in articles if r["number"] == 1) == [0, 1, 2]


def test_a_search_finds_the_article_of_its_section_and_folds_its_own_obligations(notice_build: Path) -> None:
    index = SearchIndex(notice_build / INDEX_DIR)
    hits = index.search("加强组织领导 服务活动", limit=5).hits
    top = hits[0]
    assert (top.kind, top.number, top.title) == ("article", 1, "加强组织领导")
    assert top.id.endswith("#art-1~2") and "因地制宜开展形式多样" in top.text
    assert len({h.id for h in hits}) == len(hits)
    records = _records(notice_build)
    articles = {r["id"]: r for r in records if r["kind"] == "article"}
    for ob in (r for r in records if r["kind"] == "obligation"):  # each obligation folds into its own article
        parent = articles[article_record_id(ob["doc"], ob["article"], ob["occurrence"])]
        assert ob["text"] in parent["text"]


def test_the_graph_and_the_index_count_the_same_articles(notice_build: Path) -> None:
    from kg.store import open_store
    from ontology.namespace import PKG

    store = open_store(notice_build)
    (row,) = store.select(f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a a <{PKG.Article}> }}")
    articles = [r for r in _records(notice_build) if r["kind"] == "article"]
    assert row["n"] == len(articles) == 7


def test_semantic_passages_name_each_article_once() -> None:  # the build's embedding step reads these
    from ingest.pipeline import assemble, parse_document

    archive, member = NOTICE
    with zipfile.ZipFile(EXTERNAL / archive) as zipped:
        text = zipped.read(member).decode("utf-8")
    corpus = assemble([parse_document(text, source="notice.txt")])
    (doc,) = corpus.documents
    records = {p.record for p in semantic.passages(corpus)}
    assert {r for r in records if "#art-1" in r} == {f"{doc.id}#art-1", f"{doc.id}#art-1~1", f"{doc.id}#art-1~2"}


def test_the_api_serves_each_article_of_a_repeated_number(notice_api: Server) -> None:
    (doc,) = notice_api.client.get("/api/documents").json()["documents"]
    outline = notice_api.client.get(f"/api/documents/{doc['id']}").json()["outline"]
    ones = [(s["title"], a["occurrence"]) for s in outline for a in s["articles"] if a["number"] == 1]
    assert ones == [("主题和目标", 0), ("行动内容", 1), ("工作要求", 2)]
    third = notice_api.client.get(f"/api/documents/{doc['id']}/articles/1", params={"occurrence": 2}).json()
    assert (third["title"], third["occurrence"], third["section_title"]) == ("加强组织领导", 2, "工作要求")
    assert (third["previous"]["number"], third["previous"]["occurrence"]) == (2, 1)  # 二、's （二）, just before
    first = notice_api.client.get(f"/api/documents/{doc['id']}/articles/1").json()
    assert (first["title"], first["occurrence"]) == ("行动主题", 0)
    missing = notice_api.client.get(f"/api/documents/{doc['id']}/articles/1", params={"occurrence": 3})
    assert missing.status_code == 404 and "occurrence 3" in missing.json()["error"]
    hit = notice_api.client.get("/api/search", params={"q": "加强组织领导 服务活动"}).json()["hits"][0]
    assert (hit["number"], hit["occurrence"], hit["title"]) == (1, 2, "加强组织领导")


def test_the_page_opens_the_article_a_hit_names(browser: object, notice_api: Server) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{notice_api.url}/#/search?q=加强组织领导 服务活动")
    page.wait_for_selector(".hits li a.title")
    page.locator(".hits li a.title").first.click()
    page.wait_for_selector("h1:has-text('加强组织领导')")
    assert "工作要求" in page.locator(".crumbs").inner_text()
    page.locator(".pager a[rel=prev]").click()  # the article before it: （二） of the section before
    page.wait_for_selector(".crumbs:has-text('行动内容')")
    assert page.locator("h1").inner_text().startswith("（二）")
    assert not errors, errors
