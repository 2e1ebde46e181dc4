"""Publish a finished build to a shared SPARQL server: a named graph of its own, then one atomic switch.

Why this order (``policykg build --publish URL``, ``policykg publish URL``):

1. ``graph.nt`` is PUT into the build's own graph ``urn:policykg:build:<id>`` (Graph Store Protocol). No reader
   looks at that graph yet, so a slow or broken upload disturbs nobody.
2. The server's count of that graph must equal the file's triples; a short upload is dropped and the pointer is
   left alone.
3. One SPARQL UPDATE (one transaction) records the build in the metadata graph ``urn:policykg:meta`` and moves
   the pointer ``<urn:policykg:current> <urn:policykg:store#build> <graph>``: whoever reads the pointer sees
   the old build or the new one, never a mix and never nothing.
   Publishing a build the server already holds (a rollback to the previous build) is this switch alone.
4. Build graphs beyond the ``keep`` most recent are dropped (default 2: the new one and the previous one, which
   replicas still answer from until their copy of the build folder is updated), and so are graphs of uploads
   that never finished. One machine publishes: two publishers at once could drop each other's upload.

Any failure before step 3 leaves the server's current build as it was, and the local build is never touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from kg.remote_store import (
    BUILD_GRAPH_PREFIX,
    CURRENT,
    META_GRAPH,
    STORE_NS,
    SparqlServer,
    build_graph_iri,
    build_id_of,
)
from kg.store import GRAPH_NT, GraphStoreError

log = logging.getLogger("policykg.publish")

KEEP_GRAPHS = 2  # the current build and the previous one
UPLOAD_TIMEOUT_S = 3600.0  # the upload of a large graph (the server parses and indexes as it receives)
_XSD = "http://www.w3.org/2001/XMLSchema#"


class PublishError(GraphStoreError):
    """A build could not be published; the server's current build is unchanged."""

    code = "publish_failed"
    default_hint = "the local build is intact; fix the cause and run `policykg publish URL`"


@dataclass(frozen=True, slots=True, kw_only=True)
class Published:
    """What one publish did."""

    url: str
    build: str
    graph: str
    triples: int
    previous: str | None  # the build that was current before (None: the first publish, or the same build again)
    dropped: tuple[str, ...]  # build ids whose graphs were dropped
    seconds: float

    def to_json(self) -> dict[str, object]:
        """The ``publish`` entry of ``policykg build --json`` and ``policykg publish --json``."""
        return {
            "url": self.url,
            "build": self.build,
            "graph": self.graph,
            "triples": self.triples,
            "previous": self.previous,
            "dropped": list(self.dropped),
            "seconds": round(self.seconds, 3),
        }


def count_triples(ntriples: Path) -> int:
    """Triples in an N-Triples file (one a line; blank lines and comments do not count)."""
    count = 0
    with ntriples.open("rb") as lines:
        for line in lines:
            stripped = line.strip()
            if stripped and not stripped.startswith(b"#"):
                count += 1
    return count


def switch_update(graph: str, build: str, triples: int, published_at: str) -> str:
    """The one UPDATE that records ``graph`` as a finished build (replacing an earlier record of it) and makes it
    current.

    >>> "DELETE { GRAPH <urn:policykg:meta>" in switch_update("urn:policykg:build:b", "b", 3, "2026-01-01T00:00:00Z")
    True
    """
    return f"""DELETE {{ GRAPH <{META_GRAPH}> {{ <{CURRENT}> <{STORE_NS}build> ?old . <{graph}> ?p ?o }} }}
INSERT {{ GRAPH <{META_GRAPH}> {{
  <{CURRENT}> <{STORE_NS}build> <{graph}> .
  <{graph}> <{STORE_NS}buildId> {_string(build)} ;
    <{STORE_NS}triples> "{triples}"^^<{_XSD}integer> ;
    <{STORE_NS}publishedAt> "{published_at}"^^<{_XSD}dateTime> .
}} }}
WHERE {{
  OPTIONAL {{ GRAPH <{META_GRAPH}> {{ <{CURRENT}> <{STORE_NS}build> ?old }} }}
  OPTIONAL {{ GRAPH <{META_GRAPH}> {{ <{graph}> ?p ?o }} }}
}}"""


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def publish_build(
    url: str,
    build_path: Path,
    *,
    keep: int = KEEP_GRAPHS,
    upload_timeout_s: float = UPLOAD_TIMEOUT_S,
    server: SparqlServer | None = None,
) -> Published:
    """Load the build folder's ``graph.nt`` into its named graph on the server at ``url`` and make it current
    (steps in the module docstring); :class:`PublishError` naming the server when anything fails before the
    switch."""
    started = time.monotonic()
    build = build_path.name
    ntriples = build_path / GRAPH_NT
    if not ntriples.is_file():
        raise PublishError(f"build {build} has no {GRAPH_NT} to publish", hint="run `policykg build` again")
    graph = build_graph_iri(build)
    own = server is None
    server = server or SparqlServer(url)
    try:
        expected = count_triples(ntriples)
        previous = _before_switch(server, graph, ntriples, expected, upload_timeout_s)
        published_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        try:
            server.update(switch_update(graph, build, expected, published_at))
        except GraphStoreError as error:
            raise PublishError(
                f"build {build} was loaded into {server.url}, but switching the server to it failed: {error.message}"
            ) from None
        try:
            dropped = prune_graphs(server, keep=keep, protect=graph)
        except GraphStoreError as error:  # published all the same: old graphs go at the next publish
            log.warning("build %s is current on %s, but old graphs were not dropped: %s", build, server.url, error)
            dropped = ()
    finally:
        if own:
            server.close()
    return Published(
        url=server.url,
        build=build,
        graph=graph,
        triples=expected,
        previous=build_id_of(previous) if previous and previous != graph else None,
        dropped=dropped,
        seconds=time.monotonic() - started,
    )


def _before_switch(server: SparqlServer, graph: str, ntriples: Path, expected: int, timeout_s: float) -> str | None:
    """Upload and count; the current build's graph (None: none yet). A build the server already holds whole is
    not uploaded again (publishing it again is a cheap switch back: a rollback), and never rewritten under its
    readers. Any failure is a :class:`PublishError`."""
    build = build_id_of(graph)
    try:
        previous = server.current()
        recorded = server.select(f"SELECT ?n WHERE {{ GRAPH <{META_GRAPH}> {{ <{graph}> <{STORE_NS}triples> ?n }} }}")
        if recorded and recorded[0]["n"] == expected:  # published before (a build never changes): switch only
            return previous
        server.put_graph(graph, ntriples, timeout_s=timeout_s)
        (row,) = server.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    except GraphStoreError as error:
        raise PublishError(
            f"publishing build {build} to {server.url} failed: {error.message}; "
            "the server's current build is unchanged"
        ) from None
    if row["n"] != expected:
        with contextlib.suppress(GraphStoreError):  # best effort: an unfinished graph is pruned next time anyway
            _drop(server, [graph])
        raise PublishError(
            f"the SPARQL server at {server.url} holds {row['n']} of the {expected} triples of build {build} "
            "after the upload; the partial graph was dropped and the current build is unchanged"
        )
    return previous


def prune_graphs(server: SparqlServer, *, keep: int = KEEP_GRAPHS, protect: str | None = None) -> tuple[str, ...]:
    """Drop build graphs beyond the ``keep`` most recently published (never the current one, nor
    ``protect``), and build graphs that were never recorded as published (an upload that failed); the build
    ids dropped."""
    published = server.select(
        f"SELECT ?g WHERE {{ GRAPH <{META_GRAPH}> {{ ?g <{STORE_NS}publishedAt> ?at }} }} ORDER BY DESC(?at) ?g"
    )
    recorded = [str(row["g"]) for row in published]
    spared = set(recorded[: max(1, keep)]) | {server.current(), protect}
    unfinished = [g for g in server.graphs() if g.startswith(BUILD_GRAPH_PREFIX) and g not in recorded]
    doomed = [g for g in [*recorded, *unfinished] if g not in spared]
    if doomed:
        _drop(server, doomed)
    return tuple(build_id_of(g) for g in doomed)


def _drop(server: SparqlServer, graphs: list[str]) -> None:
    """Drop graphs and their records in one UPDATE."""
    steps = [f"DROP SILENT GRAPH <{g}>" for g in graphs]
    steps += [f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{g}> ?p ?o }} }}" for g in graphs]
    server.update(" ;\n".join(steps))

