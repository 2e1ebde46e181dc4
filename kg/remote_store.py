"""The graph on a SPARQL server shared by several machines: :class:`RemoteStore`, a GraphStore over HTTP.

Why an existing server and not a home-made one: when one machine is not enough, API replicas on several
machines share one graph held by a SPARQL server (Oxigraph's ``oxigraph serve``, or any server that speaks the
SPARQL 1.1 Protocol and Graph Store Protocol at Oxigraph's paths ``/query``, ``/update`` and ``/store``).

Each build lives in its own named graph, ``urn:policykg:build:<build id>`` (:mod:`kg.publish` loads it and
records it in the metadata graph ``urn:policykg:meta``). A store is bound to one build's graph and sends it as
the protocol's ``default-graph-uri`` with every query, so every query of the project runs unchanged, sees that
build's triples only (no metadata, no other build; a user's ``FROM`` cannot reach past it, as the protocol's
dataset overrides the query's), and the answer matches the search index and model of the same build folder.

Results come back as SPARQL JSON (SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE) and are parsed by pyoxigraph
into the same values and terms :class:`~kg.store.OxigraphStore` gives, so callers, and the ``/sparql``
serialisers, cannot tell the backends apart. A query the server refuses as malformed raises ``SyntaxError`` as
the local engine does; anything else that goes wrong on the way is :class:`~kg.store.StoreUnavailable` (503,
naming the URL), never a bare network exception. Every few seconds a store also checks that its build is still
published on the server (a replica whose folder fell behind, after the publisher dropped that build's graph,
must say so instead of answering from an empty graph).
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kg.store import GraphStoreError, Row, StoreUnavailable, oxigraph_rows

if TYPE_CHECKING:
    import httpx

META_GRAPH = "urn:policykg:meta"  # which builds are on the server, and which one is current
CURRENT = "urn:policykg:current"  # the subject of the pointer triple
BUILD_GRAPH_PREFIX = "urn:policykg:build:"
STORE_NS = "urn:policykg:store#"  # the few terms of the metadata graph
SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
DEFAULT_TIMEOUT_S = 30.0  # one query (the /sparql endpoint's own limit is shorter: its worker is killed)
CONNECT_TIMEOUT_S = 5.0
CHECK_EVERY_S = 5.0  # how often a store checks that its build is still published


class NotPublished(StoreUnavailable):
    """The SPARQL server holds no (complete) graph of this build: not published yet, or dropped since."""

    code = "build_not_published"
    default_hint = (
        "publish it there (`policykg publish URL`), or copy the server's current build folder to this machine"
    )


def store_url(text: str) -> str:
    """The base URL of a SPARQL server, checked: ``http(s)://host[:port][/path]``, no trailing slash.

    >>> store_url("http://127.0.0.1:7878/")
    'http://127.0.0.1:7878'
    >>> store_url("127.0.0.1:7878")
    Traceback (most recent call last):
    ...
    ValueError: not an http(s) URL: '127.0.0.1:7878' (give the SPARQL server as http://host:port)
    """
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"not an http(s) URL: {text!r} (give the SPARQL server as http://host:port)")
    return text.strip().rstrip("/")


def build_graph_iri(build_id: str) -> str:
    """The named graph that holds one build (``build_id``: the folder's name, or ``builds/<name>``).

    >>> build_graph_iri("builds/20260101T000000-12-000034")
    'urn:policykg:build:20260101T000000-12-000034'
    """
    return BUILD_GRAPH_PREFIX + Path(build_id).name


def build_id_of(graph: str) -> str:
    """The build id a build graph's IRI names (the IRI itself for any other graph).

    >>> build_id_of("urn:policykg:build:20260101T000000-12-000034")
    '20260101T000000-12-000034'
    """
    return graph.removeprefix(BUILD_GRAPH_PREFIX)


class SparqlServer:
    """One SPARQL server: a pooled HTTP client (opened on first use) and the protocol's requests.

    Endpoints follow Oxigraph's layout under the base URL: ``/query`` (SPARQL 1.1 Protocol), ``/update`` and
    ``/store`` (Graph Store Protocol). The client is thread-safe and keeps connections open between queries.
    """

    def __init__(self, url: str, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.url = store_url(url)
        self.timeout_s = timeout_s
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    @property
    def client(self) -> httpx.Client:
        """The HTTP client (created on first use, so that opening a build costs no import of httpx)."""
        if self._client is None:
            import httpx

            with self._lock:
                if self._client is None:
                    self._client = httpx.Client(
                        timeout=httpx.Timeout(self.timeout_s, connect=CONNECT_TIMEOUT_S),
                        limits=httpx.Limits(max_connections=32, max_keepalive_connections=8),
                        headers={"User-Agent": "policykg"},
                    )
        return self._client

    def close(self) -> None:
        """Close the pooled connections (idempotent)."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def send(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        content: Any = None,
        headers: dict[str, str] | None = None,
        stream: bool = False,
        timeout_s: float | None = None,
        ok: tuple[int, ...] = (200,),
    ) -> httpx.Response:
        """One request; a status outside ``ok`` (400 aside: a ``SyntaxError``) or a network failure is
        :class:`StoreUnavailable` naming the URL. A streamed response must be closed by the caller."""
        import httpx

        client = self.client
        request = client.build_request(
            method,
            self.url + path,
            params=params,
            content=content,
            headers=headers,
            timeout=httpx.Timeout(timeout_s or self.timeout_s, connect=CONNECT_TIMEOUT_S),
        )
        try:
            response = client.send(request, stream=stream)
        except httpx.TimeoutException:
            raise StoreUnavailable(
                f"the SPARQL server at {self.url} did not answer within {timeout_s or self.timeout_s:g} s"
            ) from None
        except httpx.HTTPError as error:
            raise StoreUnavailable(
                f"the SPARQL server at {self.url} cannot be reached ({type(error).__name__}: {error})"
            ) from None
        if response.status_code in ok:
            return response
        try:
            text = response.read().decode("utf-8", "replace").strip()
        except httpx.HTTPError:
            text = ""
        finally:
            response.close()
        if response.status_code == 400 and path == "/query":  # the engine's parse error, as the local one raises
            raise SyntaxError(text.splitlines()[0] if text else "the query was refused as malformed")
        detail = " ".join(text.split())[:200]
        raise StoreUnavailable(
            f"the SPARQL server at {self.url} answered HTTP {response.status_code} to {method} {path}"
            + (f": {detail}" if detail else ""),
            hint="check that the URL names a SPARQL server with /query, /update and /store (oxigraph serve)",
        )

    def query(self, query: str, accept: str, *, graph: str | None = None, stream: bool = False) -> httpx.Response:
        """POST a query (``application/sparql-query``); ``graph`` becomes the dataset's default graph."""
        params = [("default-graph-uri", graph)] if graph else []
        return self.send(
            "POST",
            "/query",
            params=params,
            content=query.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept},
            stream=stream,
        )

    def select(self, query: str, *, graph: str | None = None) -> list[Row]:
        """Rows of a SELECT, as :meth:`kg.store.OxigraphStore.select` gives them."""
        from pyoxigraph import QueryResultsFormat, parse_query_results

        body = self.query(query, SPARQL_JSON, graph=graph).content
        return oxigraph_rows(parse_query_results(body, format=QueryResultsFormat.JSON))

    def ask(self, query: str, *, graph: str | None = None) -> bool:
        """The answer of an ASK."""
        body = self.query(query, SPARQL_JSON, graph=graph).content
        try:
            return bool(json.loads(body)["boolean"])
        except (ValueError, KeyError, TypeError):
            raise StoreUnavailable(f"the SPARQL server at {self.url} sent no ASK answer: {body[:100]!r}") from None

    def update(self, update: str) -> None:
        """Run a SPARQL UPDATE (one request: one transaction on Oxigraph)."""
        self.send(
            "POST",
            "/update",
            content=update.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            ok=(200, 204),
        )

    def put_graph(self, graph: str, ntriples: Path | bytes, *, timeout_s: float | None = None) -> None:
        """Replace the named graph ``graph`` with N-Triples (a file is streamed): a Graph Store Protocol PUT."""
        with contextlib.ExitStack() as stack:
            body = stack.enter_context(ntriples.open("rb")) if isinstance(ntriples, Path) else ntriples
            self.send(
                "PUT",
                "/store",
                params=[("graph", graph)],
                content=body,
                headers={"Content-Type": N_TRIPLES},
                timeout_s=timeout_s,
                ok=(200, 201, 204),
            )

    def graphs(self) -> list[str]:
        """The named graphs the server holds."""
        return [str(row["g"]) for row in self.select("SELECT ?g WHERE { GRAPH ?g { } }")]

    def current(self) -> str | None:
        """The build graph the server's pointer names as current (None before the first publish)."""
        rows = self.select(
            f"SELECT ?g WHERE {{ GRAPH <{META_GRAPH}> {{ <{CURRENT}> <{STORE_NS}build> ?g }} }}"
        )
        return str(rows[0]["g"]) if rows else None

    def is_published(self, graph: str) -> bool:
        """Is ``graph`` a build the publisher finished loading (recorded in the metadata graph)?"""
        return self.ask(f"ASK {{ GRAPH <{META_GRAPH}> {{ <{graph}> <{STORE_NS}triples> ?n }} }}")


class _Body(io.RawIOBase):
    """A streamed HTTP body as a binary file, for pyoxigraph's parsers to read lazily."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


@dataclass(frozen=True, slots=True)
class RemoteLocation:
    """Where a build's graph is: a server and a named graph (plain data: it crosses to worker processes)."""

    url: str
    graph: str

    def open(self) -> RemoteStore:
        """A store bound to this graph."""
        return RemoteStore(SparqlServer(self.url), graph=self.graph)


class RemoteStore:
    """The GraphStore over a SPARQL server, bound to one build's named graph.

    ``check_published``: before a query (at most every :data:`CHECK_EVERY_S`), make sure the server still
    records the graph as a finished build, else :class:`NotPublished`; off for ad-hoc graphs (tests).
    """

    backend = "remote"

    def __init__(self, server: SparqlServer, *, graph: str | None, check_published: bool = True) -> None:
        self.server = server
        self.graph = graph
        self.check_published = check_published and graph is not None
        self._checked_until = 0.0

    def __repr__(self) -> str:
        return f"RemoteStore({self.server.url!r}, graph={self.graph!r})"

    @property
    def location(self) -> RemoteLocation:
        """This store's server and graph, to open it again in another process."""
        if self.graph is None:
            raise GraphStoreError("a store without a build graph has no location")
        return RemoteLocation(self.server.url, self.graph)

    def check(self) -> None:
        """Raise :class:`NotPublished` (naming the server's current build) unless the graph is a published
        build; :class:`StoreUnavailable` when the server cannot be asked."""
        if not self.check_published:
            return
        if time.monotonic() < self._checked_until:
            return
        graph = self.graph or ""
        if not self.server.is_published(graph):
            current = self.server.current()
            now = f"; its current build is {build_id_of(current)}" if current else "; it holds no build yet"
            raise NotPublished(f"build {build_id_of(graph)} is not on the SPARQL server at {self.server.url}{now}")
        self._checked_until = time.monotonic() + CHECK_EVERY_S

    def close(self) -> None:
        """Close the server's pooled connections."""
        self.server.close()

    def select(self, query: str) -> list[Row]:
        """Rows of a SELECT query; IRIs and literals as ``str``, numbers as ``int``/``float``."""
        self.check()
        return self.server.select(query, graph=self.graph)

    def ask(self, query: str) -> bool:
        """The answer of an ASK query."""
        self.check()
        return self.server.ask(query, graph=self.graph)

    def solutions(self, query: str) -> tuple[tuple[str, ...], Iterator[tuple[Any, ...]]]:
        """A SELECT's variable names and its rows of pyoxigraph terms, parsed as the answer streams in."""
        from pyoxigraph import QueryResultsFormat, parse_query_results

        self.check()
        response = self.server.query(query, SPARQL_JSON, graph=self.graph, stream=True)
        try:
            solutions = parse_query_results(_Body(response.iter_bytes()), format=QueryResultsFormat.JSON)
            names = tuple(variable.value for variable in solutions.variables)
        except BaseException as error:
            response.close()
            raise self._broken(error) from None
        return names, self._read(response, (tuple(s[name] for name in names) for s in solutions))

    def statements(self, query: str) -> Iterator[tuple[Any, Any, Any]]:
        """A CONSTRUCT's or DESCRIBE's triples of pyoxigraph terms, parsed as the answer streams in."""
        from pyoxigraph import RdfFormat, parse

        self.check()
        response = self.server.query(query, N_TRIPLES, graph=self.graph, stream=True)
        quads = parse(_Body(response.iter_bytes()), format=RdfFormat.N_TRIPLES)
        return self._read(response, ((q.subject, q.predicate, q.object) for q in quads))

    def _read(self, response: httpx.Response, items: Iterator[Any]) -> Iterator[Any]:
        """Yield ``items`` read from ``response``, closing it when done, abandoned or garbage-collected."""

        def read() -> Iterator[Any]:
            try:
                yield from items
            except Exception as error:  # the stream broke off, or was not what it said it was
                raise self._broken(error) from None
            finally:
                response.close()

        reader = read()
        weakref.finalize(reader, response.close)  # a reader never started is not closed by its ``finally``
        return reader

    def _broken(self, error: BaseException) -> BaseException:
        import httpx

        if isinstance(error, httpx.HTTPError | OSError | SyntaxError | ValueError):
            return StoreUnavailable(
                f"the answer of the SPARQL server at {self.server.url} broke off or could not be read "
                f"({type(error).__name__}: {error})"
            )
        return error


def open_remote(url: str, build_id: str) -> RemoteStore:
    """The store of build ``build_id`` on the server at ``url``, checked now: :class:`NotPublished` when the
    server does not hold it, :class:`StoreUnavailable` when it cannot be asked. A build that is published but
    is no longer the server's current one is served (its graph matches this folder's index and model) with a
    warning: this machine's copy of the build folder is behind the publisher's."""
    import logging

    store = RemoteStore(SparqlServer(url), graph=build_graph_iri(build_id))
    try:
        store.check()
        current = store.server.current()
    except BaseException:
        store.close()
        raise
    if current != store.graph:
        logging.getLogger("policykg.store").warning(
            "serving build %s from %s, whose current build is %s: copy that build's folder to this machine",
            build_id_of(store.graph or ""),
            store.server.url,
            build_id_of(current) if current else "none",
        )
    return store
