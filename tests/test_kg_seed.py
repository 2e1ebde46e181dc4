"""The knowledge graph on the real seed and laws: built once per session into a temporary data directory.

Expected values come from the model the pipeline produced (task 37's units, the rows a unit leads, the deadline
years) or from the acceptance list of issue 3; nothing here feeds answers to the code. Every graph test runs
twice: over the build folder's own store, and over the build published to a real ``oxigraph serve`` (issue 14:
the remote store passes the kg suite).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from ingest.model import Corpus
from ingest.serialize import corpus_from_data
from kg import iris, queries
from kg.build import build_graph
from kg.due import due_page, due_tasks
from kg.network import neighbourhood, project, shortest_path, store_neighbourhood, subgraph
from kg.profile import UnknownUnit, profile
from kg.responsibility import ask
from kg.store import (
    GRAPH_NT,
    GRAPH_TTL,
    GraphStore,
    load_build_thesaurus,
    open_store,
    sorted_ntriples,
    sorted_turtle,
)
from kg.trace import trace
from ontology.thesaurus import load_thesaurus
from search_api.cli.main import main
from tests.conftest import published_store

ELEVATOR_QUESTIONS = (
    "谁负责电梯安全",
    "电梯安全由哪些单位负责",
    "who is responsible for elevator safety",
)


@pytest.fixture(scope="session")
def data_dir(seed_laws_data_dir: Path) -> Path:
    """The session's full build of the seed and the laws (shared with the other test modules)."""
    return seed_laws_data_dir


@pytest.fixture(scope="session")
def corpus(data_dir: Path) -> Corpus:
    """The model that build holds (read back from its model.json, as every command does)."""
    return corpus_from_data(json.loads((data_dir / "current" / "model.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def build_path(data_dir: Path) -> Path:
    return (data_dir / "current").resolve()


@pytest.fixture(scope="module")
def store(build_path: Path, graph_backend: str, request: pytest.FixtureRequest) -> GraphStore:
    """The build's graph: its folder's Oxigraph store, or the build published to a real SPARQL server."""
    if graph_backend == "remote":
        return published_store(request.getfixturevalue("oxigraph_server"), build_path)
    return open_store(build_path)


@pytest.fixture(scope="module")
def store_args(build_path: Path, graph_backend: str, request: pytest.FixtureRequest) -> tuple[str, ...]:
    """The command-line options that read the graph from the same backend as ``store``."""
    if graph_backend == "remote":
        server = request.getfixturevalue("oxigraph_server")
        published_store(server, build_path)
        return ("--store", server.url)
    return ()


@pytest.fixture(scope="session")
def policy(corpus: Corpus):
    (document,) = [d for d in corpus.documents if d.tasks]
    return document


def _cli(data_dir: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main([*argv, "--data", str(data_dir)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("question", ELEVATOR_QUESTIONS)
def test_elevator_question_ranks_the_units_of_the_task_naming_elevators(store, build_path, policy, question):
    answer = ask(store, load_build_thesaurus(build_path), question).to_json()
    assert [t["id"] for t in answer["topics"]] == ["elevator"]
    (task,) = [t for t in policy.tasks if "电梯" in t.text]
    task_units = set(task.units) | set(task.co_units)
    top = answer["units"][: len(task_units)]
    assert {u["id"] for u in top} == task_units
    by_name = {u["name"]: u for u in top}
    assert {"区市场监管局", "区住建局"} <= set(by_name)
    evidence = by_name["区市场监管局"]["evidence"]
    assert {"kind": "task", "number": task.number} in [
        {"kind": e["kind"], "number": e["number"]} for e in evidence
    ]
    linked = {link.number for link in task.articles}
    assert 22 in linked
    assert any(e["kind"] == "article" and e["number"] == 22 for e in evidence)
    first = evidence[0]
    assert policy.text[first["span"]["start"] : first["span"]["end"]] == first["text"]
    assert first["path"][0].endswith("/topic/elevator")
    assert first["path"][-1].endswith("/unit/" + by_name["区市场监管局"]["id"])


def test_a_units_label_and_an_articles_tasks_are_read_once_per_open_store(build_path: Path) -> None:
    """A build never changes: the second question on the same topic reads no label and no article's tasks again,
    and answers the same."""
    store = open_store(build_path)
    thesaurus = load_build_thesaurus(build_path)
    queried: list[str] = []
    select = store.select

    def counting(query: str):
        queried.append(query)
        return select(query)

    store.select = counting  # type: ignore[method-assign]
    first = ask(store, thesaurus, "谁负责电梯安全").to_json()
    labels_read = sum("skos:prefLabel ?name" in q for q in queried)
    links_read = sum("SELECT ?article ?task ?doc" in q for q in queried)
    queried.clear()
    again = ask(store, thesaurus, "电梯安全由哪些单位负责").to_json()
    assert labels_read == 1 and not any("skos:prefLabel ?name" in q for q in queried)
    assert links_read == 1 and not any("SELECT ?article ?task ?doc" in q for q in queried)
    assert again["units"] == first["units"]
    assert ask(open_store(build_path), thesaurus, "谁负责电梯安全").to_json() == first  # a fresh store reads its own


def test_every_renamed_unit_has_a_dated_change_event(store, corpus):
    rows = store.select(
        queries.PREFIXES
        + """SELECT ?name ?date WHERE { ?u pkg:successor ?s ; skos:prefLabel ?name ; org:changedBy ?e .
                                       ?e a org:ChangeEvent ; dcterms:date ?date }"""
    )
    dated = {str(row["name"]): str(row["date"]) for row in rows}
    renamed = {u.name for u in corpus.units if u.successor and u.successor != u.name}
    assert renamed and renamed <= set(dated)  # the reform row that explains each rename is found
    assert dated["区安监局"].startswith("2019") and dated["区国税局"].startswith("2018")


def test_renamed_units_show_their_successor(store, build_path, corpus):
    answer = ask(store, load_build_thesaurus(build_path), "谁负责电梯安全").to_json()
    successors = {u.id: u.successor for u in corpus.units}
    for unit in answer["units"]:
        if unit["id"] in successors:
            assert unit["successor"] == successors[unit["id"]]
    assert any(u["successor"] == "区应急管理局" for u in answer["units"])


def test_law_articles_are_reached_through_broader_topics(store, build_path, corpus):
    answer = ask(store, load_build_thesaurus(build_path), "谁负责电梯安全", limit=100).to_json()
    (law,) = [d for d in corpus.documents if d.title == "中华人民共和国特种设备安全法"]
    regulators = [u for u in answer["units"] if u["role"] == "statutory regulator"]
    cited = {(e["doc"], e["number"]) for u in regulators for e in u["evidence"] if e["kind"] == "law_article"}
    assert (law.id, 5) in cited


def test_english_question_uses_english_labels(store, build_path, policy):
    answer = ask(store, load_build_thesaurus(build_path), "which unit leads hazardous chemicals governance")
    assert [t["id"] for t in answer.to_json()["topics"]] == ["hazardous-chemicals"]
    best = answer.units[0]
    assert best.role == "lead unit"
    assert any(e.kind == "task" and "危险化学品" in e.text for e in best.evidence)


def test_unit_profile_by_any_alias(store, policy, corpus):
    unit = next(u for u in corpus.units if u.name == "区财政局")
    expected = sorted(t.number for t in policy.tasks if unit.id in t.units or unit.id in t.co_units)
    assert expected == [15, 24, 26, 27, 45, 46, 48, 52]
    for name in {unit.name, unit.id, *(a.text for a in unit.aliases)}:
        data = profile(store, name).to_json()
        assert data["unit"]["name"] == "区财政局"
        assert [t["number"] for t in data["tasks"]] == expected
        assert all({"doc", "number", "role", "deadline"} <= set(t) for t in data["tasks"])
    # a successor's name finds the unit it succeeds (a name bound in the store's index, not a scan of labels)
    assert profile(store, "区应急管理局").to_json()["unit"]["name"] == "区安监局"
    with pytest.raises(UnknownUnit):
        profile(store, "不存在的单位")


def test_trace_lists_the_articles_without_tasks(store, policy):
    (result,) = trace(store, doc=policy.id)
    assert result.articles_without_tasks == (1, 2, 3, 6, 13, 14, 31, 32, 33)
    linked = {link.number for task in policy.tasks for link in task.articles}
    assert set(result.articles_without_tasks) == {a.number for a in policy.articles()} - linked
    assert result.tasks_without_units == tuple(t.number for t in policy.tasks if not t.units)


def test_due_by_end_of_2019_lists_the_2018_and_2019_tasks(store, policy):
    tasks = due_tasks(store, by=dt.date(2019, 12, 31), as_of=dt.date(2019, 6, 1))
    expected = {t.number for t in policy.tasks if t.deadline.due and t.deadline.due <= "2019-12-31"}
    assert {t.number for t in tasks} == expected
    assert {t.due[:4] for t in tasks} == {"2018", "2019"}
    assert all(not t.deadline.ongoing for t in policy.tasks if t.number in expected)
    assert {t.status for t in tasks if t.due.startswith("2018")} == {"overdue"}
    assert {t.status for t in tasks if t.due.startswith("2019")} == {"open"}


@pytest.mark.parametrize("unit", [None, "区安监局"])
def test_a_page_of_due_tasks_is_that_slice_of_the_whole_list(store, unit):
    every = due_tasks(store, by=dt.date(2019, 12, 31), as_of=dt.date(2019, 6, 1), unit=unit)
    assert len(every) > 12
    for offset, limit in ((0, 5), (5, 7), (len(every) - 3, 10), (len(every), 5)):
        page, total = due_page(store, by=dt.date(2019, 12, 31), as_of=dt.date(2019, 6, 1), unit=unit,
                               limit=limit, offset=offset)
        assert total == len(every) and page == every[offset : offset + limit]
    whole, total = due_page(store, as_of=dt.date(2019, 6, 1), limit=10_000)
    assert whole == due_tasks(store, as_of=dt.date(2019, 6, 1)) and total == len(whole)


def test_cli_sparql_count_update_refusal_and_validate(data_dir, store_args, capsys):
    query = (
        "PREFIX pkg: <https://w3id.org/policykg/ontology#> "
        "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a pkg:Task ; pkg:leadUnit ?u }"
    )
    status, out, _ = _cli(data_dir, capsys, "sparql", query, "--format", "json", *store_args)
    assert status == 0
    assert json.loads(out)["results"]["bindings"][0]["n"]["value"] == "57"
    status, _, err = _cli(data_dir, capsys, "sparql", "DELETE WHERE { ?s ?p ?o }", *store_args)
    assert status != 0 and "not allowed" in err
    status, out, _ = _cli(data_dir, capsys, "validate", "--json")
    assert status == 0 and json.loads(out)["conforms"] is True


def test_cli_ask_unit_trace_due_json_shapes(data_dir, store_args, capsys):
    status, out, _ = _cli(data_dir, capsys, "ask", "谁负责电梯安全", "--json", *store_args)
    data = json.loads(out)
    assert status == 0 and {"question", "topics", "units"} <= set(data)
    assert set(data["units"][0]) == {"id", "name", "role", "score", "successor", "confidence", "evidence", "jurisdiction"}
    assert data["units"][0]["jurisdiction"] == "王益区"
    assert data["intent"] == "responsible" and data["confidence"] == "direct"
    assert set(data["units"][0]["evidence"][0]) == {"kind", "doc", "number", "text", "span", "path"}
    status, out, _ = _cli(data_dir, capsys, "unit", "区财政局", "--json", *store_args)
    assert status == 0 and {"unit", "tasks", "obligations"} <= set(json.loads(out))
    status, out, _ = _cli(data_dir, capsys, "trace", "--format", "json", *store_args)
    assert status == 0 and json.loads(out)["documents"][0]["articles_without_tasks"]
    status, out, _ = _cli(
        data_dir, capsys, "due", "--by", "2019-12-31", "--as-of", "2019-01-01", "--json", *store_args
    )
    assert status == 0 and {"doc", "number", "deadline", "status"} <= set(json.loads(out)["tasks"][0])


def test_graph_is_deterministic_and_round_trips_through_turtle(corpus, build_path):
    thesaurus = load_thesaurus()
    first = build_graph(corpus, thesaurus=thesaurus)
    second = build_graph(corpus, thesaurus=thesaurus)
    assert (
        sorted_ntriples(first)
        == sorted_ntriples(second)
        == (build_path / GRAPH_NT).read_text(encoding="utf-8")
    )
    turtle = sorted_turtle(first)
    assert turtle == (build_path / GRAPH_TTL).read_text(encoding="utf-8")
    assert isomorphic(first, Graph().parse(data=turtle, format="turtle"))


def test_citations_resolve_to_laws_in_the_corpus(store, corpus):
    rows = store.select(
        "PREFIX eli: <http://data.europa.eu/eli/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT DISTINCT ?title WHERE { ?d eli:cites ?law . ?law dcterms:title ?title }"
    )
    expected = {
        d.title
        for d in corpus.documents
        if any(c.target == d.id for x in corpus.documents for c in x.citations)
    }
    assert {r["title"] for r in rows} == expected
    assert "中华人民共和国安全生产法" in expected


def test_succession_change_events(store):
    rows = store.select(
        "PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?old ?new WHERE { ?e a org:ChangeEvent ; org:originalOrganization ?o ; org:resultingOrganization ?r . "
        "?o skos:prefLabel ?old . ?r skos:prefLabel ?new }"
    )
    pairs = {(r["old"], r["new"]) for r in rows}
    assert ("区安监局", "区应急管理局") in pairs
    assert ("安全生产监督管理局", "应急管理局") in pairs


def test_topics_link_tasks_articles_and_obligations(store):
    counts = store.select(
        "PREFIX pkg: <https://w3id.org/policykg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT ?type (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?type ; dcterms:subject ?t . "
        "FILTER(?type IN (pkg:Task, pkg:Article, pkg:Obligation)) } GROUP BY ?type"
    )
    assert {str(r["type"]).rsplit("#", 1)[-1] for r in counts if int(r["n"] or 0) > 0} == {
        "Task",
        "Article",
        "Obligation",
    }


def test_subgraph_of_a_unit_and_paths(store):
    graph = project(store)
    data = subgraph(store, unit="区财政局", graph=graph)
    kinds = {n["kind"] for n in data["nodes"]}
    assert {"Unit", "Task"} <= kinds
    assert {e["role"] for e in data["edges"]} <= {"lead", "cooperating", "bearer", None}
    unit_iri = data["center"][0]
    task = next(n["id"] for n in data["nodes"] if n["kind"] == "Task")
    assert shortest_path(graph, unit_iri, task)[-1] == task


def test_a_neighbourhood_read_from_the_store_equals_the_whole_projections(store):
    """The server reads each neighbourhood around its centers (a 10,000-document projection took minutes and
    gigabytes); it must show exactly what the whole projection shows, hubs and all, at radius 1 and 2."""
    graph = project(store)
    by_kind: dict[str, list[str]] = {}
    for node, data in sorted(graph.nodes(data=True)):
        by_kind.setdefault(data["kind"], []).append(node)
    assert {"Unit", "Concept", "Article", "Task", "Obligation", "Document", "StatutoryRole"} <= set(by_kind)
    centers = [node for nodes in by_kind.values() for node in nodes[:: max(1, len(nodes) // 6)]]
    assert len(centers) > 40
    for center in centers:
        for radius in (1, 2):
            expected = neighbourhood(graph, [center], radius=radius)
            assert store_neighbourhood(store, [center], radius=radius) == expected, (center, radius)
    pair = [by_kind["Unit"][0], by_kind["Concept"][0]]
    assert store_neighbourhood(store, pair, radius=1) == neighbourhood(graph, pair, radius=1)
    assert store_neighbourhood(store, ["https://example.org/not-a-node"]) == {"nodes": [], "edges": []}
    for typed in ("http://\ufff0", "https://w3id.org/policykg/topic/a b", "http://x/>", "not an iri"):
        assert store_neighbourhood(store, [typed, pair[0]]) == neighbourhood(graph, [pair[0]], radius=1), typed


def test_neighbourhoods_do_not_walk_through_the_document(store, policy):
    graph = project(store)
    task = str(iris.task_iri(policy.id, 37))
    near = subgraph(store, task=task, radius=1, graph=graph)
    wider = subgraph(store, task=task, radius=2, graph=graph)
    assert {n["kind"] for n in near["nodes"]} >= {"Task", "Unit", "Article", "Concept"}
    own = str(iris.document_iri(policy.id)) + "/art/"
    articles = {n["id"] for n in wider["nodes"] if n["kind"] == "Article" and n["id"].startswith(own)}
    assert str(iris.article_iri(policy.id, 22)) in articles
    assert len(articles) < len(policy.articles())  # a hub (section, document) is shown, not walked through
