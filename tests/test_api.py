"""The HTTP API against a real server: uvicorn on a free loopback port over a data directory built once from
the seed. Every endpoint, the one error shape, SPARQL protocol and refusals, and CLI-identical JSON.

The ``built_data`` and ``api`` fixtures live in ``conftest.py`` (the browser tests share them).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from search_api.cli.main import main as cli_main
from tests.conftest import Server

ERROR_KEYS = {"ok", "code", "error", "status"}
PKG = "PREFIX pkg: <https://w3id.org/policykg/ontology#>\n"


@pytest.fixture(scope="session")
def doc_id(api: Server) -> str:
    """The seed document's id."""
    (doc,) = api.client.get("/api/documents").json()["documents"]
    return doc["id"]


def cli_json(data_dir: Path, *args: str) -> dict:
    """What ``policykg ARGS --data DIR`` prints, parsed (run in-process)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli_main([*args, "--data", str(data_dir)])
    return json.loads(out.getvalue())


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict:
    """The response is the one error shape with this status (and code)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) >= ERROR_KEYS, body
    assert body["ok"] is False and body["status"] == status and body["error"]
    if code is not None:
        assert body["code"] == code, body
    return body


# ── service ────────────────────────────────────────────────────────────────────────────────────────────────


def test_healthz_reports_the_build_manifest(api: Server) -> None:
    body = api.client.get("/healthz").json()
    assert body["ok"] is True and body["build"].startswith("builds/")
    manifest = body["manifest"]
    assert manifest["counts"]["tasks"] == 57 and manifest["counts"]["documents"] == 1
    assert manifest["built_at"] and manifest["files"][0]["sha256"]
    assert {"graph", "index", "thesaurus", "network"} <= set(body["resources"])


def test_openapi_lists_every_endpoint_and_docs_are_offline(api: Server) -> None:
    paths = set(api.client.get("/openapi.json").json()["paths"])
    for path in (
        "/api/search", "/api/ask", "/api/documents", "/api/documents/{doc}", "/api/documents/{doc}/articles/{n}",
        "/api/documents/{doc}/tasks/{n}", "/api/units", "/api/units/{unit}", "/api/trace", "/api/due",
        "/api/sparql", "/api/export/{format}", "/api/graph", "/healthz",
    ):  # fmt: skip
        assert path in paths, path
    docs = api.client.get("/docs").text
    assert "cdn" not in docs.lower() and "https://" not in docs
    for asset in (
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/vendor/swagger-ui/swagger-ui.css",
    ):
        assert asset in docs
        assert api.client.get(asset).status_code == 200


def test_page_and_assets_are_served_without_any_external_reference(api: Server) -> None:
    page = api.client.get("/")
    assert page.status_code == 200 and "PolicyKG" in page.text
    for asset in ("/static/app.js", "/static/app.css", "/static/vendor/cytoscape/cytoscape.min.js"):
        response = api.client.get(asset)
        assert response.status_code == 200, asset
    loads_remote = re.compile(
        r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|fetch\(\s*["'`]https?:"""
    )
    for text in (page.text, api.client.get("/static/app.js").text, api.client.get("/static/app.css").text):
        assert not loads_remote.search(text), loads_remote.search(text)


def test_unknown_route_and_method_use_the_error_shape(api: Server) -> None:
    assert_error(api.client.get("/api/nothing"), 404, "not_found")
    assert_error(api.client.delete("/api/documents"), 405, "method_not_allowed")


# ── documents, articles, tasks ─────────────────────────────────────────────────────────────────────────────


def test_document_is_read_as_its_structure(api: Server, doc_id: str) -> None:
    doc = api.client.get(f"/api/documents/{doc_id}").json()
    assert doc["title"] == "王益区关于推进安全生产领域改革发展的实施意见"
    assert len(doc["outline"]) == 7 and sum(len(s["articles"]) for s in doc["outline"]) == 33
    assert doc["articles_without_tasks"] == [1, 2, 3, 6, 13, 14, 31, 32, 33]
    article_22 = next(a for s in doc["outline"] for a in s["articles"] if a["number"] == 22)
    assert 37 in article_22["tasks"]
    assert len(doc["task_list"]) == 57


def test_article_links_to_its_tasks(api: Server, doc_id: str) -> None:
    article = api.client.get(f"/api/documents/{doc_id}/articles/22").json()
    assert article["label"] == "（二十二）" and 37 in [t["number"] for t in article["tasks"]]
    assert article["previous"]["number"] == 21 and article["next"]["number"] == 23
    assert article["span"]["end"] > article["span"]["start"]


def test_task_links_to_its_articles_and_units(api: Server, doc_id: str) -> None:
    task = api.client.get(f"/api/documents/{doc_id}/tasks/37").json()
    assert task["deadline"]["due"] == "2018-12-31"
    names = {u["name"] for u in task["units"]}
    assert {"区市场监管局", "区住建局"} <= names
    renamed = next(u for u in task["units"] if u["printed"] == "区安监局")
    assert renamed["successor"] == "区应急管理局" and renamed["role"] == "lead" and renamed["span"]
    assert [a["number"] for a in task["articles"]] == [22]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/documents/no-such-doc", 404),
        ("/api/documents/{doc}/articles/99", 404),
        ("/api/documents/{doc}/tasks/999", 404),
        ("/api/documents/{doc}/tasks/abc", 400),
        ("/api/documents/{doc}/articles/-1", 400),
    ],
)
def test_document_errors(api: Server, doc_id: str, path: str, status: int) -> None:
    assert_error(api.client.get(path.format(doc=doc_id)), status)


# ── units ──────────────────────────────────────────────────────────────────────────────────────────────────


def test_units_list_has_aliases_and_successors(api: Server) -> None:
    units = {u["name"]: u for u in api.client.get("/api/units").json()["units"]}
    assert units["区安监局"]["successor"] == "区应急管理局"
    assert units["区财政局"]["lead_tasks"] >= 8


def test_unit_profile_is_the_cli_json_and_accepts_aliases(api: Server) -> None:
    profile = api.client.get(f"/api/units/{quote('区财政局')}").json()
    assert profile == cli_json(api.data_dir, "unit", "区财政局", "--json")
    assert [t["number"] for t in profile["tasks"]] == [15, 24, 26, 27, 45, 46, 48, 52]
    by_id = api.client.get(f"/api/units/{profile['unit']['id']}").json()
    assert by_id["unit"]["name"] == "区财政局"
    by_successor = api.client.get(f"/api/units/{quote('区应急管理局')}").json()
    assert by_successor["unit"]["name"] == "区安监局"
    assert_error(api.client.get(f"/api/units/{quote('不存在的局')}"), 404, "unknown_unit")


# ── search and ask ─────────────────────────────────────────────────────────────────────────────────────────


def test_ask_is_the_cli_json(api: Server) -> None:
    answer = api.client.get("/api/ask", params={"q": "谁负责电梯安全"}).json()
    assert answer == cli_json(api.data_dir, "ask", "谁负责电梯安全", "--json")
    names = [u["name"] for u in answer["units"]]
    assert "区市场监管局" in names and "区住建局" in names
    evidence = [(e["kind"], e["number"]) for u in answer["units"] for e in u["evidence"]]
    assert ("task", 37) in evidence and ("article", 22) in evidence


def test_search_is_the_cli_json(api: Server) -> None:
    result = api.client.get("/api/search", params={"q": "电梯安全"}).json()
    assert result == cli_json(api.data_dir, "search", "电梯安全", "--json")
    assert (result["hits"][0]["kind"], result["hits"][0]["number"]) == ("task", 37)
    assert "<b>电梯</b>" in result["hits"][0]["snippet"]


def test_search_kind_limit_and_offset(api: Server) -> None:
    tasks = api.client.get("/api/search", params={"q": "安全", "kind": "task", "limit": 5}).json()["hits"]
    assert len(tasks) == 5 and {h["kind"] for h in tasks} == {"task"}
    page_2 = api.client.get(
        "/api/search", params={"q": "安全", "kind": "task", "limit": 2, "offset": 2}
    ).json()
    assert [h["number"] for h in page_2["hits"]] == [h["number"] for h in tasks[2:4]]


@pytest.mark.parametrize(
    "query",
    ["AND OR NOT", '"unbalanced', "😀", "SELECT * WHERE { ?s ?p ?o }", "'; DROP TABLE x; --", "电" * 1500],
)
def test_search_odd_input_answers(api: Server, query: str) -> None:
    for path in ("/api/search", "/api/ask"):
        response = api.client.get(path, params={"q": query})
        assert response.status_code == 200, (path, response.text)


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"q": ""}, 400, "empty_query"),  # issue 11: an empty query has its own code
        ({}, 400, "bad_parameter"),
        ({"q": "x", "kind": "nonsense"}, 400, "bad_parameter"),
        ({"q": "x", "limit": 0}, 400, "bad_parameter"),
        ({"q": "x", "limit": "many"}, 400, "bad_parameter"),
        ({"q": "电" * 3000}, 422, "too_long"),
    ],
)
def test_search_bad_parameters(api: Server, params: dict, status: int, code: str) -> None:
    assert_error(api.client.get("/api/search", params=params), status, code)


def test_ask_bad_parameters(api: Server) -> None:
    assert_error(api.client.get("/api/ask", params={"q": "  "}), 400, "bad_parameter")
    assert_error(api.client.get("/api/ask", params={"q": "谁" * 3000}), 422, "too_long")


# ── trace and due ──────────────────────────────────────────────────────────────────────────────────────────


def test_trace_is_the_cli_json(api: Server, doc_id: str) -> None:
    everything = api.client.get("/api/trace").json()
    assert everything == cli_json(api.data_dir, "trace", "--format", "json")
    one = api.client.get("/api/trace", params={"doc": doc_id}).json()
    assert one == cli_json(api.data_dir, "trace", "--doc", doc_id, "--format", "json")
    assert one["articles_without_tasks"] == [1, 2, 3, 6, 13, 14, 31, 32, 33]
    assert_error(api.client.get("/api/trace", params={"doc": "no-such-doc"}), 404)
    # a page of the documents: counted, past the end empty, a bad limit the caller's error
    page = api.client.get("/api/trace", params={"limit": 1}).json()
    assert page == cli_json(api.data_dir, "trace", "--limit", "1", "--format", "json") == everything
    assert page["documents_total"] == 1
    assert api.client.get("/api/trace", params={"offset": 1}).json() == {"documents": [], "documents_total": 1}
    for bad in ({"limit": 0}, {"limit": "all"}, {"offset": -1}):
        assert_error(api.client.get("/api/trace", params=bad), 400, "bad_parameter")


def test_due_is_the_cli_json(api: Server) -> None:
    params = {"by": "2019-12-31", "as_of": "2019-06-30"}
    due = api.client.get("/api/due", params=params).json()
    assert due == cli_json(api.data_dir, "due", "--by", "2019-12-31", "--as-of", "2019-06-30", "--json")
    assert due["tasks"] and all(t["due"] <= "2019-12-31" for t in due["tasks"])
    assert {t["status"] for t in due["tasks"]} == {"open", "overdue"}
    # a page: the same tasks from the same place, counted; past the end empty; a bad limit the caller's error
    page = api.client.get("/api/due", params={**params, "limit": 4, "offset": 2}).json()
    assert page["tasks"] == due["tasks"][2:6] and page["tasks_total"] == due["tasks_total"] == len(due["tasks"])
    assert page == cli_json(api.data_dir, "due", "--by", "2019-12-31", "--as-of", "2019-06-30", "--limit", "4",
                            "--offset", "2", "--json")
    assert api.client.get("/api/due", params={**params, "offset": 999}).json()["tasks"] == []
    for bad in ({"limit": 0}, {"limit": "all"}, {"offset": -1}):
        assert_error(api.client.get("/api/due", params={**params, **bad}), 400, "bad_parameter")
    mine = api.client.get("/api/due", params={**params, "unit": "区财政局"}).json()
    assert mine["tasks"] and len(mine["tasks"]) < len(due["tasks"])


def test_due_errors(api: Server) -> None:
    assert_error(api.client.get("/api/due", params={"by": "31/12/2019"}), 400, "bad_date")
    assert_error(api.client.get("/api/due", params={"as_of": "soon"}), 400, "bad_date")
    assert_error(api.client.get("/api/due", params={"unit": "不存在的局"}), 404, "unknown_unit")


# ── SPARQL 1.1 protocol ────────────────────────────────────────────────────────────────────────────────────

COUNT_LEAD = PKG + "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t pkg:leadUnit ?u }"


def test_sparql_get_json(api: Server) -> None:
    response = api.client.get("/api/sparql", params={"query": COUNT_LEAD})
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    body = response.json()
    assert body["head"]["vars"] == ["n"] and body["results"]["bindings"][0]["n"]["value"] == "57"


def test_sparql_post_form_and_direct_body(api: Server) -> None:
    form = api.client.post("/api/sparql", data={"query": COUNT_LEAD})
    assert form.json()["results"]["bindings"][0]["n"]["value"] == "57"
    direct = api.client.post(
        "/api/sparql",
        content=COUNT_LEAD.encode(),
        headers={"content-type": "application/sparql-query", "accept": "text/csv"},
    )
    assert direct.headers["content-type"].startswith("text/csv")
    assert direct.text.split("\r\n")[:2] == ["n", "57"]


def test_sparql_tsv_and_ask_and_construct(api: Server) -> None:
    tsv = api.client.get(
        "/api/sparql",
        params={"query": PKG + "SELECT ?t WHERE { ?t pkg:leadUnit ?u } LIMIT 1"},
        headers={"accept": "text/tab-separated-values"},
    )
    assert tsv.headers["content-type"].startswith("text/tab-separated-values")
    header, row = tsv.text.splitlines()
    assert header == "?t" and row.startswith("<https://") and row.endswith(">")
    ask = api.client.get("/api/sparql", params={"query": PKG + "ASK { ?t pkg:leadUnit ?u }"}).json()
    assert ask["boolean"] is True
    construct = api.client.get(
        "/api/sparql",
        params={"query": PKG + "CONSTRUCT { ?t pkg:leadUnit ?u } WHERE { ?t pkg:leadUnit ?u } LIMIT 3"},
    )
    assert construct.headers["content-type"].startswith("application/n-triples")
    assert len(construct.text.strip().splitlines()) == 3


def test_sparql_row_limit(api: Server) -> None:
    response = api.client.get("/api/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(response.json()["results"]["bindings"]) == 1000  # the server's row limit in these tests
    assert response.headers["x-sparql-truncated"] == "true"


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "GET", "params": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"method": "GET", "params": {"query": "DELETE WHERE { ?s ?p ?o }"}},
        {"method": "GET", "params": {"query": "PREFIX x: <urn:x> DROP ALL"}},
        {"method": "POST", "data": {"update": "CLEAR ALL"}},
        {"method": "POST", "data": {"query": "LOAD <http://example.org/x>"}},
        {
            "method": "POST",
            "content": b"DELETE WHERE { ?s ?p ?o }",
            "headers": {"content-type": "application/sparql-update"},
        },
    ],
)
def test_sparql_updates_are_refused(api: Server, request_args: dict) -> None:
    args = dict(request_args)
    response = api.client.request(args.pop("method"), "/api/sparql", **args)
    assert_error(response, 400, "update_refused")
    after = api.client.get("/api/sparql", params={"query": COUNT_LEAD}).json()
    assert after["results"]["bindings"][0]["n"]["value"] == "57"


def test_sparql_errors(api: Server) -> None:
    assert_error(api.client.get("/api/sparql"), 400, "bad_parameter")
    assert_error(api.client.get("/api/sparql", params={"query": "SELEKT nonsense"}), 400)
    assert_error(api.client.get("/api/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}), 400, "syntax")
    assert_error(
        api.client.get("/api/sparql", params={"query": COUNT_LEAD, "format": "pdf"}), 400, "bad_parameter"
    )
    bad_type = api.client.post("/api/sparql", content=b"{}", headers={"content-type": "application/json"})
    assert_error(bad_type, 415, "unsupported_media_type")
    huge = api.client.post(
        "/api/sparql", content=b"#" * 300_000, headers={"content-type": "application/sparql-query"}
    )
    assert_error(huge, 413, "too_large")


# ── export and graph ───────────────────────────────────────────────────────────────────────────────────────


def test_export_serves_every_registered_format(api: Server, doc_id: str) -> None:
    from search_api.exports.registry import EXPORTERS

    listed = {f["name"] for f in api.client.get("/api/export").json()["formats"]}
    assert listed == set(EXPORTERS)
    for name in ("json", "turtle", "csv", "graphml"):
        if name not in EXPORTERS:
            continue
        response = api.client.get(f"/api/export/{name}", params={"doc": doc_id, "download": "true"})
        assert response.status_code == 200, (name, response.text[:200])
        assert response.headers["content-type"].split(";")[0] == EXPORTERS[name].media_type.split(";")[0]
        assert response.headers["content-disposition"].startswith("attachment")
        assert response.content


def test_export_errors(api: Server) -> None:
    assert_error(api.client.get("/api/export/docx"), 404, "not_found")
    assert_error(api.client.get("/api/export/turtle", params={"unit": "不存在的局"}), 404)


def test_graph_neighbourhoods(api: Server, doc_id: str) -> None:
    unit = api.client.get("/api/graph", params={"node": "unit/区市场监管局"}).json()
    ids = {n["id"] for n in unit["nodes"]}
    assert any(i.endswith(f"/doc/{doc_id}/task/37") for i in ids)
    task = api.client.get("/api/graph", params={"node": f"doc/{doc_id}/task/37"}).json()
    labels = {n["label"] for n in task["nodes"]}
    assert {"区市场监管局", "区住建局", "电梯"} <= labels
    assert {e["role"] for e in task["edges"]} >= {"lead"}
    topic = api.client.get("/api/graph", params={"node": "topic/elevator"}).json()
    assert topic["center"] == ["https://w3id.org/policykg/topic/elevator"] and len(topic["nodes"]) > 1
    assert_error(api.client.get("/api/graph", params={"node": "nonsense"}), 400, "bad_parameter")
    assert_error(api.client.get("/api/graph", params={"node": "unit/不存在的局"}), 404, "unknown_unit")
    assert_error(api.client.get("/api/graph", params={"node": "unit/x", "radius": 9}), 400, "bad_parameter")
    # a node typed as an IRI that is none (the neighbourhood is read from the store: never into a query)
    for typed in ("http://\ufff0", "https://w3id.org/policykg/topic/a b>", "topic/a b"):
        assert api.client.get("/api/graph", params={"node": typed}).status_code == 404, typed
