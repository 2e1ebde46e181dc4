"""Issue 14 item 4: the graph on a shared SPARQL server, for API replicas on several machines.

Against real ``oxigraph serve`` / ``serve-read-only`` processes (started here, stopped after): publishing a build
to a named graph and switching the pointer atomically (a reader sees the old build or the new, never a mix or
nothing; graphs older than the previous build are dropped), a failed publish that leaves the server's current
build and the local build as they were, a stopped server answered as a 503 naming it (never a 500) and recovered
from, a read-only server for readers, and a replica (a copy of the build folder without its own store) whose
API answers exactly as the build folder's store does. The kg suite itself runs over this backend too
(``graph_backend`` in ``conftest.py``).
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from kg.publish import PublishError, count_triples, publish_build
from kg.remote_store import (
    CURRENT,
    META_GRAPH,
    STORE_NS,
    NotPublished,
    RemoteStore,
    SparqlServer,
    build_graph_iri,
    open_remote,
)
from kg.store import GRAPH_NT, STORE_DIR, StoreUnavailable, open_store
from search_api.builds.datadir import BUILDS, current_build_id
from search_api.builds.datadir import CURRENT as CURRENT_LINK
from search_api.cli.main import main
from search_api.service.app import create_app
from search_api.settings import Settings
from tests.oxigraph_server import OxigraphServer, oxigraph
from tests.serve_process import free_port, serve_process

QUESTION = "谁负责电梯安全"
ATOMIC = f"""SELECT ?g (COUNT(*) AS ?n) WHERE {{
  GRAPH <{META_GRAPH}> {{ <{CURRENT}> <{STORE_NS}build> ?g }}
  GRAPH ?g {{ ?s ?p ?o }}
}} GROUP BY ?g"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A server of this test's own (the tests here publish, drop and stop)."""
    with oxigraph(tmp_path / "oxigraph") as running:
        yield running


@pytest.fixture(scope="module")
def seed_build(seed_data_dir: Path) -> Path:
    """The session's seed build folder."""
    return (seed_data_dir / CURRENT_LINK).resolve()


def fake_build(root: Path, name: str, ntriples: str) -> Path:
    """A folder with just the graph a publish reads (named like a build: its name is the build id)."""
    folder = root / name
    folder.mkdir(parents=True)
    (folder / GRAPH_NT).write_text(ntriples, encoding="utf-8")
    return folder


def replica_of(data_dir: Path, target: Path) -> Path:
    """What an API replica holds: a copy of the current build folder, without its Oxigraph store."""
    build = (data_dir / CURRENT_LINK).resolve()
    shutil.copytree(build, target / BUILDS / build.name, ignore=shutil.ignore_patterns(STORE_DIR))
    (target / CURRENT_LINK).symlink_to(Path(BUILDS) / build.name)
    return target


def ask_json(client: TestClient) -> dict:
    response = client.get("/api/ask", params={"q": QUESTION})
    assert response.status_code == 200, response.text
    return response.json()


# ── publishing: a named graph per build, one atomic switch ────────────────────────────────────────────────────


def test_a_reader_sees_the_old_build_or_the_new_one_never_a_mix_and_old_graphs_go(
    server: OxigraphServer, seed_build: Path, tmp_path: Path
) -> None:
    lines = (seed_build / GRAPH_NT).read_text(encoding="utf-8").splitlines(keepends=True)
    a = fake_build(tmp_path, "20260101T000000-1-000001", "".join(lines))
    b = fake_build(tmp_path, "20260101T000000-1-000002", "".join(lines[: len(lines) // 2]))
    c = fake_build(tmp_path, "20260101T000000-1-000003", "".join(lines[:100]))
    first = publish_build(server.url, a)
    assert (first.previous, first.triples, first.dropped) == (None, len(lines), ())
    expected = {build_graph_iri(a.name): len(lines), build_graph_iri(b.name): len(lines) // 2}
    sparql = SparqlServer(server.url)
    seen: list[tuple[str, int]] = []
    done = threading.Event()

    def read() -> None:  # bounded: stops when the publish is done, or after 60 s
        deadline = time.monotonic() + 60
        while not done.is_set() and time.monotonic() < deadline:
            seen.extend((str(r["g"]), int(r["n"])) for r in sparql.select(ATOMIC))
            current = sparql.current()
            count = sparql.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{current}> {{ ?s ?p ?o }} }}")
            seen.append((str(current), int(count[0]["n"])))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    second = publish_build(server.url, b)
    time.sleep(0.2)
    done.set()
    for reader in readers:
        reader.join(70)
    assert second.previous == a.name and second.dropped == ()
    assert set(seen) == set(expected.items()), set(seen) ^ set(expected.items())  # both, and nothing else
    assert seen[-1] == (build_graph_iri(b.name), len(lines) // 2)
    third = publish_build(server.url, c)
    assert third.previous == b.name and third.dropped == (a.name,)
    graphs = set(sparql.graphs())
    assert {build_graph_iri(b.name), build_graph_iri(c.name)} <= graphs
    assert build_graph_iri(a.name) not in graphs
    assert sparql.select(f"SELECT * WHERE {{ GRAPH <{META_GRAPH}> {{ <{build_graph_iri(a.name)}> ?p ?o }} }}") == []
    sparql.close()


def test_publishing_a_build_the_server_holds_again_is_a_rollback_without_an_upload(
    server: OxigraphServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = fake_build(tmp_path, "20260101T000000-1-000001", "<urn:a> <urn:b> <urn:c> .\n")
    b = fake_build(tmp_path, "20260101T000000-1-000002", "<urn:a> <urn:b> <urn:d> .\n")
    publish_build(server.url, a)
    publish_build(server.url, b)

    def no_upload(*_args: object, **_options: object) -> None:
        raise AssertionError("a build the server holds whole is not uploaded again")

    monkeypatch.setattr(SparqlServer, "put_graph", no_upload)
    back = publish_build(server.url, a)
    assert (back.previous, back.dropped) == (b.name, ())
    sparql = SparqlServer(server.url)
    assert sparql.current() == build_graph_iri(a.name)
    record = sparql.select(f"SELECT ?p ?o WHERE {{ GRAPH <{META_GRAPH}> {{ <{build_graph_iri(a.name)}> ?p ?o }} }}")
    assert sorted(str(r["p"]).rsplit("#", 1)[1] for r in record) == ["buildId", "publishedAt", "triples"]


def test_a_short_upload_is_dropped_and_the_pointer_stays(
    server: OxigraphServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    triples = "".join(f"<urn:x:{i}> <urn:x:p> \"{i}\" .\n" for i in range(10))
    a = publish_build(server.url, fake_build(tmp_path, "20260101T000000-1-000001", triples))
    put_graph = SparqlServer.put_graph

    def short(self: SparqlServer, graph: str, ntriples: Path | bytes, **options: object) -> None:
        assert isinstance(ntriples, Path)
        put_graph(self, graph, b"".join(ntriples.read_bytes().splitlines(keepends=True)[:3]))

    monkeypatch.setattr(SparqlServer, "put_graph", short)
    b = fake_build(tmp_path, "20260101T000000-1-000002", triples)
    with pytest.raises(PublishError, match="holds 3 of the 10 triples"):
        publish_build(server.url, b)
    sparql = SparqlServer(server.url)
    assert sparql.current() == a.graph
    assert build_graph_iri(b.name) not in sparql.graphs()


def test_build_publish_to_a_stopped_or_wrong_server_fails_clearly_and_keeps_the_local_build(
    server: OxigraphServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import CORPUS

    data_dir = tmp_path / "data"
    assert main(["build", str(CORPUS), "--data", str(data_dir), "--quiet", "--publish", server.url]) == 0
    published = Path(current_build_id(data_dir) or "").name
    assert f"published: build {published} is current on {server.url}" in capsys.readouterr().out
    nobody = f"http://127.0.0.1:{free_port()}"
    status = main(["build", str(CORPUS), "--data", str(data_dir), "--quiet", "--json", "--publish", nobody])
    out, err = capsys.readouterr()
    assert status == 2 and f"{nobody} cannot be reached" in err and "current build is unchanged" in err
    assert json.loads(out)["publish"]["url"] == nobody and "error" in json.loads(out)["publish"]
    rebuilt = Path(current_build_id(data_dir) or "").name  # built and switched to locally all the same
    assert rebuilt != published and (data_dir / CURRENT_LINK / GRAPH_NT).is_file()
    assert main(["publish", server.url + "/not-sparql", "--data", str(data_dir)]) == 2
    assert "answered HTTP 404" in capsys.readouterr().err
    assert SparqlServer(server.url).current() == build_graph_iri(published)  # still the first build
    server.stop()  # a server that was there and went away
    assert main(["publish", server.url, "--data", str(data_dir)]) == 2
    assert f"{server.url} cannot be reached" in capsys.readouterr().err


# ── reading: a replica's store, errors, a read-only server ────────────────────────────────────────────────────


def test_a_store_is_bound_to_its_own_build_and_says_when_that_build_is_gone(
    server: OxigraphServer, seed_build: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(NotPublished, match="it holds no build yet"):
        open_remote(server.url, seed_build.name)
    publish_build(server.url, seed_build)
    store = open_remote(server.url, seed_build.name)
    local = open_store(seed_build)
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert store.select(query) == local.select(query) == [{"n": count_triples(seed_build / GRAPH_NT)}]
    # a user's FROM cannot reach past the build's graph: the protocol's dataset wins
    assert store.select(f"SELECT (COUNT(*) AS ?n) FROM <{META_GRAPH}> WHERE {{ ?s ?p ?o }}") == local.select(query)
    newer = publish_build(server.url, fake_build(tmp_path, "20260101T000000-1-000002", "<urn:a> <urn:b> <urn:c> .\n"))
    with caplog.at_level("WARNING", logger="policykg.store"):
        behind = open_remote(server.url, seed_build.name)  # published, no longer current: served, with a warning
    assert f"whose current build is {newer.build}" in caplog.text
    publish_build(server.url, fake_build(tmp_path, "20260101T000000-1-000003", "<urn:a> <urn:b> <urn:d> .\n"))
    behind._checked_until = 0.0  # the store checks every few seconds; do not wait for it
    with pytest.raises(NotPublished) as gone:
        behind.select(query)
    assert gone.value.status == 503 and server.url in gone.value.message
    assert "its current build is 20260101T000000-1-000003" in gone.value.message


def test_a_stopped_server_is_a_503_naming_it_and_the_api_recovers_when_it_is_back(
    seed_data_dir: Path, tmp_path: Path
) -> None:
    location = tmp_path / "oxigraph"
    with oxigraph(location) as first:
        publish_build(first.url, (seed_data_dir / CURRENT_LINK).resolve())
        with TestClient(create_app(Settings(data_dir=seed_data_dir)), base_url="http://127.0.0.1") as client:
            expected = ask_json(client)
    url = f"http://127.0.0.1:{free_port()}"  # the same database, on a port where no server runs yet
    settings = Settings(data_dir=seed_data_dir, store_url=url, sparql_workers=1)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        for path, params in (("/api/ask", {"q": QUESTION}), ("/api/sparql", {"query": "ASK { ?s ?p ?o }"})):
            response = client.get(path, params=params)
            assert response.status_code == 503, response.text
            body = response.json()
            assert body["code"] == "store_unavailable" and url in body["error"], body
        assert client.get("/api/search", params={"q": "电梯"}).status_code == 200  # the index is local
        with oxigraph(location, port=int(url.rsplit(":", 1)[1])):
            assert ask_json(client) == expected
            sparql = client.get("/api/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/json"})
            assert sparql.status_code == 200 and sparql.json()["boolean"] is True


def test_a_read_only_server_answers_readers_and_refuses_a_publish(seed_build: Path, tmp_path: Path) -> None:
    location = tmp_path / "oxigraph"
    with oxigraph(location) as writable:
        publish_build(writable.url, seed_build)
    with oxigraph(location, read_only=True) as read_only:
        store = open_remote(read_only.url, seed_build.name)
        assert store.ask("ASK { ?s a <https://w3id.org/policykg/ontology#Task> }")
        assert store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == [
            {"n": count_triples(seed_build / GRAPH_NT)}
        ]
        with pytest.raises(PublishError, match="current build is unchanged"):
            publish_build(read_only.url, fake_build(tmp_path, "20260101T000000-1-000009", "<urn:a> <urn:b> <urn:c> .\n"))
        assert SparqlServer(read_only.url).current() == build_graph_iri(seed_build.name)


def test_a_syntax_error_is_a_syntax_error_and_results_stream(server: OxigraphServer, seed_build: Path) -> None:
    publish_build(server.url, seed_build)
    store = open_remote(server.url, seed_build.name)
    with pytest.raises(SyntaxError, match="error at 1:"):
        store.select("SELECT * WHERE { ?s ?p }")
    names, rows = store.solutions("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o")
    assert names == ("s", "o") and next(rows)[0].value.startswith("http")
    del rows  # abandoned after one row: the response is closed, the pool is not exhausted
    for _ in range(40):
        assert store.ask("ASK { ?s ?p ?o }")
    triples = list(store.statements("CONSTRUCT WHERE { ?s a ?t } LIMIT 3"))
    assert len(triples) == 3 and all(t[1].value.endswith("#type") for t in triples)


# ── a replica: the build folder without its store, the graph from the server ─────────────────────────────────


def test_a_replica_answers_as_the_build_folder_does(seed_data_dir: Path, tmp_path: Path) -> None:
    replica = replica_of(seed_data_dir, tmp_path / "replica")
    assert not (replica / CURRENT_LINK / STORE_DIR).exists()
    with oxigraph(tmp_path / "oxigraph") as sparql_server:
        publish_build(sparql_server.url, (seed_data_dir / CURRENT_LINK).resolve())
        local_app = create_app(Settings(data_dir=seed_data_dir, sparql_workers=1))
        remote_app = create_app(Settings(data_dir=replica, store_url=sparql_server.url, sparql_workers=1))
        with (
            TestClient(local_app, base_url="http://127.0.0.1") as local,
            TestClient(remote_app, base_url="http://127.0.0.1") as remote,
        ):
            assert ask_json(remote) == ask_json(local)
            for path, params in (
                ("/api/units/区财政局", {}),
                ("/api/due", {"by": "2019-12-31", "as_of": "2019-06-01"}),
                ("/api/trace", {}),
                ("/api/graph", {"node": "unit/区财政局"}),
                ("/api/export/csv", {"unit": "区住建局"}),
            ):
                answers = [client.get(path, params=params) for client in (local, remote)]
                assert [a.status_code for a in answers] == [200, 200], (path, answers[1].text)
                assert answers[0].content == answers[1].content, path
            query = {"query": "SELECT ?t WHERE { ?t a <https://w3id.org/policykg/ontology#Task> } ORDER BY ?t"}
            headers = {"Accept": "application/sparql-results+json"}
            answers = [client.get("/api/sparql", params=query, headers=headers) for client in (local, remote)]
            assert answers[0].status_code == answers[1].status_code == 200
            assert answers[0].json() == answers[1].json()
            assert len(answers[1].json()["results"]["bindings"]) == 57


def test_a_replica_swaps_to_a_new_folder_only_once_its_graph_is_published(seed_data_dir: Path, tmp_path: Path) -> None:
    from search_api.builds.datadir import publish

    replica = replica_of(seed_data_dir, tmp_path / "replica")
    old = (replica / CURRENT_LINK).resolve()
    new = old.with_name("20260101T000000-999999-000002")
    with oxigraph(tmp_path / "oxigraph") as sparql_server:
        publish_build(sparql_server.url, old)
        settings = Settings(data_dir=replica, store_url=sparql_server.url, sparql_workers=1)
        with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
            health = client.get("/healthz").json()
            assert (health["build"], health["store"]) == (f"{BUILDS}/{old.name}", sparql_server.url)
            shutil.copytree(old, new)  # the next build folder arrives before its graph is published
            publish(replica, new)

            def served() -> str:
                assert ask_json(client)["units"]  # answered all along, from one build or the other
                return client.get("/healthz").json()["build"]

            for _ in range(5):
                assert served() == f"{BUILDS}/{old.name}"
                time.sleep(0.3)
            publish_build(sparql_server.url, new)
            deadline = time.monotonic() + 30
            while served() != f"{BUILDS}/{new.name}":
                assert time.monotonic() < deadline, "the replica did not swap to the published build"
                time.sleep(0.2)


def test_serve_with_store_and_two_workers(seed_data_dir: Path, tmp_path: Path) -> None:
    replica = replica_of(seed_data_dir, tmp_path / "replica")
    with oxigraph(tmp_path / "oxigraph") as sparql_server:
        publish_build(sparql_server.url, (seed_data_dir / CURRENT_LINK).resolve())
        with (
            serve_process(replica, "--workers", "2", "--store", sparql_server.url) as api,
            httpx.Client(base_url=api.url, timeout=30) as client,
        ):
            for _ in range(4):  # new connections: requests reach both workers, each reading the shared graph
                response = client.get("/api/ask", params={"q": QUESTION}, headers={"Connection": "close"})
                assert response.status_code == 200, response.text
                assert {"区住建局", "区市场监管局"} <= {u["name"] for u in response.json()["units"]}


def test_remote_store_speaks_the_graph_store_interface(server: OxigraphServer) -> None:
    store = RemoteStore(SparqlServer(server.url), graph=None, check_published=False)
    assert store.backend == "remote" and store.select("SELECT ?g WHERE { GRAPH ?g { } }") == []
    with pytest.raises(StoreUnavailable):
        RemoteStore(SparqlServer(f"http://127.0.0.1:{free_port()}"), graph=None).ask("ASK {}")
