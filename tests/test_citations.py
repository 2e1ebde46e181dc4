"""Citations to the article (issue 13): 《中华人民共和国安全生产法》第二十一条 links to that article of the law.

tests/data/citations holds a notice written for this test; it is built with the law as published in
../shared/corpus/laws (read in place). The notice cites 第二十一条, 第二十五条第一款第（五）项 and the list
第九十四条、第九十五条 of the law, and 《中华人民共和国消防法》第十六条, which is not in the build.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ingest.citations import find_citations
from kg import iris
from search_api.facade import Build
from tests.conftest import DATA, serve

NOTICE = DATA / "citations" / "青石区关于督促生产经营单位主要负责人履行安全生产职责的通知.txt"
LAW_FILE = "中华人民共和国安全生产法.md"


def test_the_article_after_a_title_is_read_with_paragraph_and_item() -> None:
    text = (
        "依据《中华人民共和国安全生产法》第二十五条第一款第（五）项和"
        "《国务院关于进一步加强安全生产工作的决定》（国发〔2004〕2号）第十条，"
        "按照《某某条例》第五条至第七条、第九条，参照《消防法》的规定。"
    )
    law, decision, rules, fire = find_citations(text)
    assert (law.article, law.paragraph, law.item, law.articles) == (25, 1, 5, (25,))
    assert law.locator == "第二十五条第一款第（五）项"
    assert (decision.doc_number, decision.article, decision.locator) == ("国发〔2004〕2号", 10, "第十条")
    assert rules.articles == (5, 6, 7, 9) and rules.article == 5
    assert (fire.article, fire.articles, fire.locator) == (None, (), "")


@pytest.fixture(scope="module")
def cited(tmp_path_factory: pytest.TempPathFactory, laws_dir: Path) -> Path:
    from search_api.builds.make import run_build

    data_dir = tmp_path_factory.mktemp("citations") / "data"
    result = run_build([NOTICE.parent, laws_dir / LAW_FILE], data_dir=data_dir)
    assert result.path is not None and not result.failures
    return data_dir


@pytest.fixture(scope="module")
def build(cited: Path) -> Iterator[Build]:
    opened = Build.open(cited)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def ids(build: Build) -> dict[str, str]:
    return {("law" if doc.kind == "law" else "notice"): doc.id for doc in build.corpus.documents}


ELI = "http://data.europa.eu/eli/ontology#"
PKG = "https://w3id.org/policykg/ontology#"


def _ask(build: Build, query: str) -> bool:
    return bool(build.require("graph").ask(query))


def test_the_citing_article_cites_the_law_article(build: Build, ids: dict[str, str]) -> None:
    law, notice = ids["law"], ids["notice"]
    article_21 = iris.article_iri(law, 21)
    citing = iris.article_iri(notice, 1)  # （一）落实全员责任。依据《…》第二十一条，…
    assert _ask(build, f"ASK {{ <{citing}> <{ELI}cites> <{article_21}> . <{article_21}> a <{PKG}Article> }}")
    for number, by in ((25, 2), (94, 3), (95, 3)):
        assert _ask(build, f"ASK {{ <{iris.article_iri(notice, by)}> <{ELI}cites> <{iris.article_iri(law, number)}> }}")
    # the document-level link stays; the citation node names the article, its paragraph and item
    assert _ask(build, f"ASK {{ <{iris.document_iri(notice)}> <{ELI}cites> <{iris.document_iri(law)}> }}")
    assert _ask(
        build,
        f"ASK {{ ?c <{PKG}citesArticle> <{iris.article_iri(law, 25)}> ; <{PKG}citedParagraph> 1 ; <{PKG}citedItem> 5 }}",
    )
    # 《消防法》第十六条: that law is not in the build, so nothing points at an article of it
    assert not _ask(build, f"ASK {{ <{iris.article_iri(notice, 4)}> <{ELI}cites> ?x }}")
    assert _ask(build, f'ASK {{ ?c <{PKG}citedTitle> "中华人民共和国消防法" ; <{PKG}citedArticleNumber> 16 }}')


def test_the_build_with_article_citations_conforms(build: Build) -> None:
    report = json.loads((build.path / "validation.json").read_text(encoding="utf-8"))
    assert report["conforms"], report


@pytest.fixture(scope="module")
def client(cited: Path) -> Iterator[TestClient]:
    from search_api.service.app import create_app
    from search_api.settings import Settings

    with TestClient(create_app(Settings(data_dir=cited)), base_url="http://127.0.0.1") as running:
        yield running


def test_the_api_gives_the_printed_articles_as_links(client: TestClient, ids: dict[str, str]) -> None:
    article = client.get(f"/api/documents/{ids['notice']}/articles/3").json()
    (citation,) = article["citations"]
    assert citation["articles"] == [94, 95] and citation["locator"] == "第九十四条、第九十五条"
    links = [(link["text"], link["article"]) for link in citation["links"]]
    assert links == [("《中华人民共和国安全生产法》", None), ("第九十四条", 94), ("第九十五条", 95)]
    offset = article["span"]["end"] - len(article["text"])
    for link in citation["links"]:
        assert article["text"][link["start"] - offset : link["end"] - offset] == link["text"]
    document = client.get(f"/api/documents/{ids['notice']}").json()
    fire = next(c for c in document["citations"] if c["title"] == "中华人民共和国消防法")
    assert fire["target"] is None and fire["links"] == [] and fire["articles"] == [16]


def test_the_page_links_the_cited_article(browser, cited: Path, ids: dict[str, str]) -> None:
    with serve(cited) as server:
        page = browser.new_page()
        page.goto(f"{server.url}/#/doc/{ids['notice']}/art/1")
        link = page.locator("p.fulltext a.cite", has_text="第二十一条")
        link.wait_for()
        link.click()
        page.wait_for_url(f"**/#/doc/{ids['law']}/art/21")
        page.wait_for_selector("h1:has-text('第二十一条')")
        assert "生产经营单位的主要负责人" in page.locator("p.fulltext").inner_text()
        page.goto(f"{server.url}/#/doc/{ids['notice']}")
        page.wait_for_selector("a.cite:has-text('第九十五条')")
        page.close()
