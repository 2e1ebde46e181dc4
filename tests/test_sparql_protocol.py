"""Issue 9, items 2 and 7: the SPARQL 1.1 Protocol as a real client uses it, and what the server refuses.

SPARQLWrapper against ``policykg serve`` (a subprocess on the seed build): every query form × method (GET, POST
form, POST direct) × the client's formats parses to the same answer. Formats that cannot be produced are 406,
an unsupported body 415; SERVICE is refused (the engine never calls out) unless ``--allow-service``; a Host
header that does not name the server is 400 ``bad_host``.
"""

from __future__ import annotations

import csv
import http.server
import io
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV as CSV_FORMAT
from SPARQLWrapper import (
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from tests.serve_process import ServerProcess, free_port, serve_process

PKG = "PREFIX pkg: <https://w3id.org/policykg/ontology#>\n"
SELECT = PKG + "SELECT ?t ?u WHERE { ?t pkg:leadUnit ?u } ORDER BY ?t ?u LIMIT 5"
ASK = PKG + "ASK { ?t pkg:leadUnit ?u }"
CONSTRUCT = PKG + "CONSTRUCT { ?t pkg:leadUnit ?u } WHERE { ?t pkg:leadUnit ?u } ORDER BY ?t ?u LIMIT 5"
DESCRIBE = PKG + "DESCRIBE ?t WHERE { ?t pkg:leadUnit ?u } ORDER BY ?t LIMIT 1"
METHODS = {"GET": (GET, URLENCODED), "POST form": (POST, URLENCODED), "POST direct": (POST, POSTDIRECTLY)}


@pytest.fixture(scope="module")
def server(seed_data_dir: Path) -> Iterator[ServerProcess]:
    with serve_process(seed_data_dir) as running:
        yield running


def _wrapper(server: ServerProcess, query: str, method: str, fmt: str) -> object:
    client = SPARQLWrapper(f"{server.url}/api/sparql")
    client.setQuery(query)
    http_method, request_method = METHODS[method]
    client.setMethod(http_method)
    client.setRequestMethod(request_method)
    client.setReturnFormat(fmt)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # SPARQLWrapper warns when the content type is not the one asked for
        return client.queryAndConvert()


def _expected_rows(server: ServerProcess) -> list[tuple[str, str]]:
    data = httpx.get(f"{server.url}/api/sparql", params={"query": SELECT}).json()
    return [(b["t"]["value"], b["u"]["value"]) for b in data["results"]["bindings"]]


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("fmt", [JSON, XML, CSV_FORMAT, TSV])
def test_select_with_sparqlwrapper(server: ServerProcess, method: str, fmt: str) -> None:
    expected = _expected_rows(server)
    assert len(expected) == 5
    result = _wrapper(server, SELECT, method, fmt)
    if fmt == JSON:
        rows = [(b["t"]["value"], b["u"]["value"]) for b in result["results"]["bindings"]]  # type: ignore[index]
    elif fmt == XML:
        rows = []
        for element in result.getElementsByTagName("result"):  # type: ignore[attr-defined]
            values = {
                b.getAttribute("name"): b.getElementsByTagName("uri")[0].firstChild.data
                for b in element.getElementsByTagName("binding")
            }
            rows.append((values["t"], values["u"]))
    elif fmt == CSV_FORMAT:
        header, *body = csv.reader(io.StringIO(result.decode("utf-8")))  # type: ignore[attr-defined]
        assert header == ["t", "u"]
        rows = [tuple(row) for row in body]
    else:
        header, *body = result.decode("utf-8").splitlines()  # type: ignore[attr-defined]
        assert header == "?t\t?u"
        rows = [tuple(cell.strip("<>") for cell in line.split("\t")) for line in body]
    assert rows == expected


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("fmt", [JSON, XML, CSV_FORMAT, TSV])
def test_ask_with_sparqlwrapper(server: ServerProcess, method: str, fmt: str) -> None:
    result = _wrapper(server, ASK, method, fmt)
    if fmt == JSON:
        assert result["boolean"] is True  # type: ignore[index]
    elif fmt == XML:
        assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[attr-defined]
    elif fmt == CSV_FORMAT:
        assert list(csv.reader(io.StringIO(result.decode()))) == [["boolean"], ["true"]]  # type: ignore[attr-defined]
    else:
        assert result.decode().splitlines() == ["?boolean", "true"]  # type: ignore[attr-defined]


def _as_graph(result: object, fmt: str) -> Graph:
    if isinstance(result, Graph):
        return result
    assert isinstance(result, bytes), type(result)
    return Graph().parse(data=result.decode("utf-8"), format="turtle" if fmt in (TURTLE, N3) else fmt)


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_graphs_with_sparqlwrapper(server: ServerProcess, query: str, method: str, fmt: str) -> None:
    ntriples = httpx.get(f"{server.url}/api/sparql", params={"query": query, "format": "ntriples"})
    assert ntriples.headers["content-type"].startswith("application/n-triples")
    expected = Graph().parse(data=ntriples.text, format="nt")
    assert len(expected) >= 5
    assert isomorphic(_as_graph(_wrapper(server, query, method, fmt), fmt), expected)


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        ("application/n-triples", None, "application/n-triples"),
        ("text/plain", None, "application/n-triples"),
        (None, "jsonld", "application/ld+json"),
        (None, "application/rdf+xml", "application/rdf+xml"),
        ("application/json", None, "application/ld+json"),
    ],
)
def test_graph_formats_by_accept_or_format(server: ServerProcess, accept, fmt, media) -> None:
    params = {"query": CONSTRUCT} | ({"format": fmt} if fmt else {})
    response = httpx.get(
        f"{server.url}/api/sparql", params=params, headers={"accept": accept} if accept else {}
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith(media), response.text


def test_format_by_mime_type_or_short_name(server: ServerProcess) -> None:
    for fmt in ("tsv", "text/tab-separated-values"):
        response = httpx.get(f"{server.url}/api/sparql", params={"query": SELECT, "format": fmt})
        assert response.headers["content-type"].startswith("text/tab-separated-values")
        assert response.text.splitlines()[0] == "?t\t?u"
    xml = httpx.get(
        f"{server.url}/api/sparql",
        params={"query": SELECT},
        headers={"accept": "application/sparql-results+xml"},
    )
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/sparql-results+xml")


@pytest.mark.parametrize(
    ("query", "accept", "fmt"),
    [
        (SELECT, "text/turtle", None),
        (SELECT, "image/png", None),
        (SELECT, None, "rdfxml"),
        (CONSTRUCT, "text/csv", None),
        (CONSTRUCT, None, "tsv"),
        (ASK, "application/ld+json", None),
    ],
)
def test_what_cannot_be_produced_is_406(server: ServerProcess, query, accept, fmt) -> None:
    params = {"query": query} | ({"format": fmt} if fmt else {})
    response = httpx.get(
        f"{server.url}/api/sparql", params=params, headers={"accept": accept} if accept else {}
    )
    assert response.status_code == 406, response.text
    assert response.json()["code"] == "not_acceptable" and response.json()["ok"] is False


def test_unsupported_body_is_415(server: ServerProcess) -> None:
    response = httpx.post(
        f"{server.url}/api/sparql", content=SELECT.encode(), headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_syntax_error_is_one_line_with_position(server: ServerProcess) -> None:
    response = httpx.get(
        f"{server.url}/api/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p ?o FILTER(?o = ) }"}
    )
    body = response.json()
    assert response.status_code == 400 and body["code"] == "syntax"
    assert body["error"].startswith("syntax error at line 2, column ") and "\n" not in body["error"]


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Records every request made to it (the SERVICE target) and answers an empty SPARQL result."""

    seen: ClassVar[list[str]] = []

    def _answer(self) -> None:
        type(self).seen.append(f"{self.command} {self.path}")
        body = b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}'
        self.send_response(200)
        self.send_header("content-type", "application/sparql-results+json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def service_target() -> Iterator[str]:
    _Recorder.seen = []
    listener = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Recorder)
    thread = threading.Thread(target=listener.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.server_address[1]}/x?a=1"
    finally:
        listener.shutdown()
        listener.server_close()


def test_service_is_refused_and_never_called(server: ServerProcess, service_target: str) -> None:
    query = f"SELECT * {{ SERVICE <{service_target}> {{ ?s ?p ?o }} }}"
    for response in (
        httpx.get(f"{server.url}/api/sparql", params={"query": query}),
        httpx.post(f"{server.url}/api/sparql", data={"query": query}),
    ):
        assert response.status_code == 400 and response.json()["code"] == "service_refused", response.text
    assert _Recorder.seen == []


def test_hosts_other_than_the_servers_are_refused(server: ServerProcess) -> None:
    path = f"{server.url}/api/sparql"
    for host in ("evil.example", "evil.example:80", "127.0.0.1.evil.example"):
        response = httpx.get(path, params={"query": ASK}, headers={"host": host})
        assert response.status_code == 400, host
        assert response.json() | {"error": ""} == {
            "ok": False,
            "code": "bad_host",
            "error": "",
            "status": 400,
            "hint": response.json()["hint"],
        }
    for host in (f"localhost:{server.port}", f"127.0.0.1:{server.port}", "LOCALHOST"):
        assert httpx.get(path, params={"query": ASK}, headers={"host": host}).status_code == 200, host


def test_allow_service_and_allowed_host(seed_data_dir: Path, service_target: str) -> None:
    with serve_process(
        seed_data_dir, "--allow-service", "--allowed-host", "policy.example.org"
    ) as open_server:
        query = f"SELECT * {{ SERVICE <{service_target}> {{ ?s ?p ?o }} }}"
        response = httpx.get(f"{open_server.url}/api/sparql", params={"query": query}, timeout=30)
        assert response.status_code == 200, response.text
        assert _Recorder.seen, "the engine did not call the SERVICE endpoint"
        named = httpx.get(f"{open_server.url}/healthz", headers={"host": "policy.example.org"})
        assert named.status_code == 200
        other = httpx.get(f"{open_server.url}/healthz", headers={"host": "other.example.org"})
        assert other.status_code == 400 and other.json()["code"] == "bad_host"
