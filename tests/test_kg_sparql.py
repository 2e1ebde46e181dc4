"""Read-only SPARQL: updates are refused by keyword, whatever the case or layout; queries keep working, over an
in-memory Oxigraph store and over a graph on a real SPARQL server alike."""

from __future__ import annotations

import pytest

from kg.sparql import SparqlError, query_form, run_query, to_json, to_rows
from kg.store import GraphStore, memory_oxigraph
from tests.conftest import ntriples_store

NT = (
    "<http://x/t1> <https://w3id.org/policykg/ontology#number> "
    '"1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    '<http://x/t1> <http://www.w3.org/2000/01/rdf-schema#label> "任务"@zh .\n'
)


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "delete where { ?s ?p ?o }",
        "PREFIX x: <http://x/> \n DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <http://x>",
        "CREATE GRAPH <http://x>",
        "WITH <http://x> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "COPY DEFAULT TO <http://x>",
    ],
)
def test_updates_are_refused(update: str) -> None:
    with pytest.raises(SparqlError) as caught:
        query_form(update)
    assert caught.value.code == "update_refused"


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT ?s WHERE { ?s ?p 'INSERT' }", "select"),
        ("PREFIX d: <http://x/delete#> ASK { ?s d:drop ?o }", "ask"),
        ("# DELETE this comment\nCONSTRUCT WHERE { ?s ?p ?o }", "construct"),
        ("DESCRIBE <http://x/t1>", "describe"),
    ],
)
def test_keywords_inside_strings_iris_and_comments_are_not_updates(query: str, form: str) -> None:
    assert query_form(query) == form


@pytest.fixture
def store(graph_backend: str, request: pytest.FixtureRequest) -> GraphStore:
    """The two triples, in memory or on the session's SPARQL server."""
    if graph_backend == "remote":
        return ntriples_store(request.getfixturevalue("oxigraph_server"), NT)
    return memory_oxigraph(NT)


def test_results_json_rows_and_row_limit(store: GraphStore) -> None:
    result = run_query(store, "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o", row_limit=1)
    assert result.truncated
    data = to_json(run_query(store, "SELECT ?n WHERE { ?s <https://w3id.org/policykg/ontology#number> ?n }"))
    assert data["head"]["vars"] == ["n"]
    assert data["results"]["bindings"][0]["n"]["datatype"].endswith("#integer")
    label = to_json(
        run_query(store, "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    )
    assert label["results"]["bindings"][0]["l"] == {"type": "literal", "value": "任务", "xml:lang": "zh"}
    assert to_json(run_query(store, "ASK { <http://x/t1> ?p ?o }")) == {"head": {}, "boolean": True}
    header, rows = to_rows(run_query(store, "CONSTRUCT WHERE { ?s ?p ?o }"))
    assert header == ["subject", "predicate", "object"] and len(rows) == 2


def test_syntax_errors_are_reported_not_raised_raw(store: GraphStore) -> None:
    with pytest.raises(SparqlError) as caught:
        run_query(store, "SELECT * WHERE { ?s ?p }")
    assert caught.value.code == "syntax"
