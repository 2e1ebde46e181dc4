"""Shared fixtures: the seed document and the laws, read from where the project keeps or finds them."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import httpx
    import uvicorn

    from kg.remote_store import RemoteStore
    from tests.oxigraph_server import OxigraphServer

# Builds in tests skip the semantic leg's embedding (minutes of CPU per corpus) unless a test asks for it
# (tests/test_semantic.py passes embed=True); CLI builds in subprocesses inherit this too.
os.environ.setdefault("POLICYKG_EMBED", "0")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"
LAWS = SHARED / "corpus" / "laws"
REGULATIONS = SHARED / "corpus" / "regulations"
EXTERNAL = SHARED / "corpus" / "external"
# The lead units of the seed's task 37 (the task that names 电梯), canonical names in table order: read off
# the seed by hand; several tests check the pipeline, the answer and the exports against it.
TASK_37_LEAD_UNITS = (
    "区编办",
    "区发展改革局",
    "区住建局",
    "市城市管理局王益分局",
    "区安监局",
    "区市场监管局",
    "黄堡镇",
    "各街道办事处",
)
# Debian's Chromium (installed by `make sysdeps`), driven by Playwright without any browser download; the
# flags keep it off the network this machine does not have.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def seed_path() -> Path:
    """The user's document, the one .txt in corpus/."""
    (path,) = sorted(CORPUS.glob("*.txt"))
    return path


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed's verbatim text."""
    return seed_path().read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def laws_dir() -> Path:
    """The public laws in ../shared (read in place, never copied); their absence is an error, not a skip."""
    if not LAWS.is_dir():
        pytest.fail(
            f"laws not found at {LAWS}: the project expects ../shared/corpus/laws beside the checkout"
        )
    return LAWS


def odkg_build(folder: Path, members: list[tuple[str, str]], *, embed: bool = False) -> Path:
    """A data directory with a full build of some real notices: ``(zip under EXTERNAL, member)`` each, copied out
    of the zip into ``folder`` (read in place, never into the repository); the build must have no failure."""
    import zipfile

    from search_api.builds.make import run_build

    paths = []
    for archive, member in members:
        with zipfile.ZipFile(EXTERNAL / archive) as zipped:
            path = folder / member.replace("/", "-")
            path.write_bytes(zipped.read(member))
            paths.append(path)
    result = run_build(paths, data_dir=folder / "data", embed=embed)
    if result.path is None or result.failures:
        pytest.fail(f"the notices {members} did not build: {result.failures}")
    return folder / "data"


@pytest.fixture(scope="session")
def seed_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with a full build (model, graph, index) of corpus/, made once per test session."""
    from search_api.builds.make import run_build

    data_dir = tmp_path_factory.mktemp("seed") / "data"
    result = run_build([CORPUS], data_dir=data_dir)
    if result.path is None:
        pytest.fail(f"the seed did not build: {result.failures}")
    return data_dir


@pytest.fixture(scope="session")
def seed_laws_data_dir(tmp_path_factory: pytest.TempPathFactory, laws_dir: Path) -> Path:
    """A full build of corpus/ plus the laws in ../shared, made once per test session."""
    from search_api.builds.make import run_build

    data_dir = tmp_path_factory.mktemp("seed-laws") / "data"
    result = run_build([CORPUS, laws_dir], data_dir=data_dir)
    if result.path is None or result.failures:
        pytest.fail(f"the seed and laws did not build: {result.failures}")
    return data_dir


# -- a real server and a real browser, shared by the API and browser tests ------------------------------------
@dataclass
class Server:
    """A running uvicorn server and a client bound to it."""

    url: str
    data_dir: Path
    client: httpx.Client
    server: uvicorn.Server


@contextlib.contextmanager
def serve(data_dir: Path) -> Iterator[Server]:
    """Run the app on a free loopback port in a thread (the socket is bound first: no port race)."""
    import httpx
    import uvicorn

    from search_api.service.app import create_app
    from search_api.settings import Settings

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(Settings(data_dir=data_dir, sparql_timeout_s=5.0, sparql_row_limit=1000))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=url, timeout=30) as client:
        try:
            yield Server(url=url, data_dir=data_dir, client=client, server=server)
        finally:
            server.should_exit = True
            thread.join(10)
            sock.close()


@pytest.fixture(scope="session")
def built_data(seed_data_dir: Path) -> Path:
    """The session's build of the seed corpus (shared with the other test modules)."""
    return seed_data_dir


@pytest.fixture(scope="session")
def api(built_data: Path) -> Iterator[Server]:
    """The server over the seed build, shared by the whole session."""
    with serve(built_data) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium from Debian, launched headless."""
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.fail("Chromium is missing: run `make sysdeps` (apt-get install chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the playwright package is missing: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# -- a real SPARQL server: the kg tests run against the build folder's store and against `oxigraph serve` -----
GRAPH_BACKENDS = ("local", "remote")


@pytest.fixture(scope="module", params=GRAPH_BACKENDS)
def graph_backend(request: pytest.FixtureRequest) -> str:
    """Where the graph tests read the graph: the build folder's own store, or a shared SPARQL server (per module,
    so that a module's other fixtures are made once for both)."""
    return request.param


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """One real `oxigraph serve` process for the session (the remote backend), stopped at the end."""
    from tests.oxigraph_server import oxigraph

    with oxigraph(tmp_path_factory.mktemp("oxigraph") / "db") as server:
        yield server


def published_store(server: OxigraphServer, build_path: Path) -> RemoteStore:
    """The remote store of a build folder, published to ``server`` the first time it is asked for (as
    `policykg publish` does; keeping every build, since the session's builds share the server)."""
    from kg.publish import publish_build
    from kg.remote_store import open_remote

    if build_path not in server.published:
        server.published[build_path] = publish_build(server.url, build_path, keep=1000).graph
    return open_remote(server.url, build_path.name)


def ntriples_store(server: OxigraphServer, ntriples: str) -> RemoteStore:
    """A remote store over an ad-hoc graph of ``ntriples`` on ``server`` (not a published build)."""
    import hashlib

    from kg.remote_store import RemoteStore, SparqlServer

    graph = "urn:policykg:test:" + hashlib.sha1(ntriples.encode("utf-8")).hexdigest()[:16]
    sparql = SparqlServer(server.url)
    sparql.put_graph(graph, ntriples.encode("utf-8"))
    return RemoteStore(sparql, graph=graph, check_published=False)
