"""Persist the graph in a build folder and open it fast.

Chosen by measurement (``bench/kg_store.py``, figures in ``docs/kg.md``): the build writes

- ``graph.nt``: the graph as sorted N-Triples, the canonical artefact (byte-identical for the same input);
- ``graph.ttl``: the same triples as Turtle in sorted order with the project's prefixes, for review;
- ``graph.oxigraph/``: an on-disk Oxigraph store that every command opens read-only in milliseconds, with no
  Turtle or source text parsed; queries run in Oxigraph (10–90× faster than rdflib's Memory store);
- ``thesaurus.json``: the thesaurus in its compact JSON form, so ``ask`` starts without rdflib.

:class:`GraphStore` is the one query interface (``select``/``ask``/``solutions``/``statements``) over any
backend: Oxigraph (what commands use), an rdflib ``Graph`` (tests, benchmarks, callers that already hold one),
or a SPARQL server shared by several machines (:class:`kg.remote_store.RemoteStore`).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ingest.errors import PolicyKGError

if TYPE_CHECKING:
    from rdflib import Graph

    from ingest.model import Corpus
    from ontology.thesaurus import Thesaurus

GRAPH_NT = "graph.nt"
GRAPH_TTL = "graph.ttl"
STORE_DIR = "graph.oxigraph"
THESAURUS_JSON = "thesaurus.json"
VALIDATION_JSON = "validation.json"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {_XSD + name for name in ("integer", "int", "long", "short", "nonNegativeInteger")}
_FLOATS = {_XSD + name for name in ("decimal", "double", "float")}

Value = str | int | float | bool | None
Row = dict[str, Value]


class GraphStoreError(PolicyKGError):
    """The build has no graph store, or it cannot be opened."""

    code = "no_graph"
    status = 503
    default_hint = "run `policykg build` again"


class StoreUnavailable(GraphStoreError):
    """The graph's SPARQL server cannot answer now (unreachable, timed out, or the build's graph is not there
    yet): a 503 naming the server, and a build that met it tries again on the next question instead of
    remembering the store as missing."""

    code = "store_unavailable"
    default_hint = "check that the SPARQL server is running and reachable from this machine"


class GraphStore(Protocol):
    """Read access to the graph: SPARQL in, plain Python values out."""

    backend: str

    def select(self, query: str) -> list[Row]:
        """Rows of a SELECT query; IRIs and literals as ``str``, numbers as ``int``/``float``."""
        ...

    def ask(self, query: str) -> bool:
        """The answer of an ASK query."""
        ...

    def solutions(self, query: str) -> tuple[tuple[str, ...], Iterator[tuple[Any, ...]]]:
        """A SELECT's variable names and its rows of backend terms, read lazily (for SPARQL result formats)."""
        ...

    def statements(self, query: str) -> Iterator[tuple[Any, Any, Any]]:
        """A CONSTRUCT's or DESCRIBE's triples of backend terms, read lazily."""
        ...


def python_value(datatype: str | None, value: str) -> Value:
    """A literal's lexical form as a Python value by its datatype.

    >>> python_value("http://www.w3.org/2001/XMLSchema#integer", "22")
    22
    >>> python_value("http://www.w3.org/2001/XMLSchema#boolean", "true")
    True
    """
    if datatype in _INTEGERS:
        return int(value)
    if datatype in _FLOATS:
        return float(value)
    if datatype == _XSD + "boolean":
        return value in ("true", "1")
    return value


def oxigraph_rows(solutions: Any) -> list[Row]:
    """Rows of plain values from pyoxigraph ``QuerySolutions`` (a local query's, or results parsed from a
    server's answer: both backends give the same values). A solution iterates its values in the order of the
    variables: zipping them is half the cost of looking each up by name (96,000 rows of a due list, 6 → 3 s)."""
    names = [variable.value for variable in solutions.variables]
    return [dict(zip(names, map(plain_value, solution), strict=True)) for solution in solutions]


@cache
def _literal_type() -> type:
    from pyoxigraph import Literal

    return Literal


def plain_value(term: Any) -> Value | None:
    """A pyoxigraph term as a plain value: a literal's Python value by its datatype, an IRI's or blank node's
    string, None for an unbound variable."""
    if term is None:
        return None
    if type(term) is _literal_type():
        return python_value(term.datatype.value, term.value)
    return term.value


@dataclass
class OxigraphStore:
    """A pyoxigraph ``Store`` (on disk, read-only, or in memory)."""

    store: Any
    backend: str = "oxigraph"

    def solutions(self, query: str) -> tuple[tuple[str, ...], Iterator[tuple[Any, ...]]]:
        """A SELECT's variable names and rows of pyoxigraph terms."""
        result = self.store.query(query)
        names = tuple(variable.value for variable in result.variables)
        return names, (tuple(solution[name] for name in names) for solution in result)

    def statements(self, query: str) -> Iterator[tuple[Any, Any, Any]]:
        """A CONSTRUCT's or DESCRIBE's triples of pyoxigraph terms."""
        return ((t.subject, t.predicate, t.object) for t in self.store.query(query))

    def select(self, query: str) -> list[Row]:
        """Rows of a SELECT query."""
        return oxigraph_rows(self.store.query(query))

    def ask(self, query: str) -> bool:
        """The answer of an ASK query."""
        return bool(self.store.query(query))


@dataclass
class RdflibStore:
    """An rdflib ``Graph`` (any rdflib store) behind the same interface."""

    graph: Graph
    backend: str = "rdflib"

    def solutions(self, query: str) -> tuple[tuple[str, ...], Iterator[tuple[Any, ...]]]:
        """A SELECT's variable names and rows of rdflib terms."""
        result = self.graph.query(query)
        return tuple(str(v) for v in result.vars or ()), (tuple(binding) for binding in result)

    def statements(self, query: str) -> Iterator[tuple[Any, Any, Any]]:
        """A CONSTRUCT's or DESCRIBE's triples of rdflib terms."""
        return (tuple(triple) for triple in self.graph.query(query))  # type: ignore[misc]

    def select(self, query: str) -> list[Row]:
        """Rows of a SELECT query."""
        from rdflib import Literal

        result = self.graph.query(query)
        names = [str(variable) for variable in result.vars or ()]
        rows = []
        for binding in result:
            row: Row = {}
            for name, term in zip(names, binding, strict=True):
                if term is None:
                    row[name] = None
                elif isinstance(term, Literal):
                    datatype = str(term.datatype) if term.datatype else None
                    row[name] = python_value(datatype, str(term))
                else:
                    row[name] = str(term)
            rows.append(row)
        return rows

    def ask(self, query: str) -> bool:
        """The answer of an ASK query."""
        return bool(self.graph.query(query).askAnswer)


def sorted_ntriples(graph: Graph) -> str:
    """The graph as N-Triples, one triple a line, lines sorted: the canonical, diffable form."""
    data = graph.serialize(format="nt", encoding="utf-8")
    lines = sorted({line for line in data.decode("utf-8").splitlines() if line.strip()})
    return "\n".join(lines) + "\n"


def turtle_from_ntriples(ntriples: str, prefixes: dict[str, str]) -> str:
    """Turtle in the (sorted) order of ``ntriples``, written by Oxigraph (fast, deterministic)."""
    from pyoxigraph import RdfFormat, parse, serialize

    triples = parse(ntriples.encode("utf-8"), format=RdfFormat.N_TRIPLES)
    output = serialize(triples, format=RdfFormat.TURTLE, prefixes=prefixes)
    return output.decode("utf-8") if isinstance(output, bytes) else str(output)


def sorted_turtle(graph: Graph) -> str:
    """The graph as Turtle with the project's prefixes, subjects and triples in sorted order."""
    from kg.build import PREFIXES

    return turtle_from_ntriples(sorted_ntriples(graph), PREFIXES)


LOAD_LINES = 100_000  # N-Triples lines per bulk-load call: Oxigraph's loader holds a call's quads in memory


def load_oxigraph(path: Path, ntriples: Path, *, lines_per_load: int = LOAD_LINES) -> None:
    """Create an on-disk Oxigraph store at ``path`` from an N-Triples file, ``lines_per_load`` lines at a time.

    Why in slices: one ``bulk_load`` of the whole file holds all its quads in memory (a 200 MB file, the graph
    of 1,000 documents, took 970 MB; 100,000 lines a call, 170 MB, in the same time). A slice is loaded as its
    own file, and Oxigraph gives a blank node a fresh name per call, so a file with blank nodes (the builder
    writes none) is loaded whole.
    """
    from pyoxigraph import RdfFormat, Store

    store = Store(str(path))
    if _has_blank_nodes(ntriples):
        store.bulk_load(path=str(ntriples), format=RdfFormat.N_TRIPLES)
    else:
        with ntriples.open("rb") as lines:
            while chunk := b"".join(itertools.islice(lines, lines_per_load)):
                store.bulk_load(chunk, format=RdfFormat.N_TRIPLES)
    store.flush()
    store.optimize()
    del store


def _has_blank_nodes(ntriples: Path, block: int = 2**24) -> bool:
    """Whether the file may hold a blank node (``_:`` anywhere; a literal holding the text only costs memory)."""
    previous = b""
    with ntriples.open("rb") as data:
        while piece := data.read(block):
            if b"_:" in previous[-1:] + piece:
                return True
            previous = piece
    return False


def memory_oxigraph(ntriples: str | bytes) -> OxigraphStore:
    """An in-memory Oxigraph store from N-Triples (tests, benchmarks)."""
    from pyoxigraph import RdfFormat, Store

    store = Store()
    data = ntriples.encode("utf-8") if isinstance(ntriples, str) else ntriples
    store.bulk_load(data, format=RdfFormat.N_TRIPLES)
    return OxigraphStore(store=store)


def open_store(build_path: Path) -> OxigraphStore:
    """Open the build's Oxigraph store read-only (milliseconds; nothing is parsed)."""
    from pyoxigraph import Store

    path = build_path / STORE_DIR
    if not path.is_dir():
        raise GraphStoreError(f"no graph store in {build_path}")
    return OxigraphStore(store=Store.read_only(str(path)))


def open_rdflib(build_path: Path) -> Graph:
    """The build's graph as an rdflib Memory graph, parsed from ``graph.nt`` (seconds: for SHACL, exports)."""
    from kg.build import new_graph

    path = build_path / GRAPH_NT
    if not path.is_file():
        raise GraphStoreError(f"no {GRAPH_NT} in {build_path}")
    graph = new_graph()
    graph.parse(path, format="nt")
    return graph


def load_build_thesaurus(build_path: Path) -> Thesaurus:
    """The thesaurus the build used (its JSON snapshot; the packaged Turtle when the build has none)."""
    from ontology.thesaurus import load_thesaurus

    path = build_path / THESAURUS_JSON
    return load_thesaurus(path if path.is_file() else None)


def read_validation(build_path: Path) -> dict[str, Any] | None:
    """The SHACL report the build wrote, or None."""
    path = build_path / VALIDATION_JSON
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def write_thesaurus(_corpus: Corpus, out: Path) -> dict[str, Any]:
    """Build step, the first: the snapshot of the thesaurus (``thesaurus.json``) every later step reads, so the
    graph and the index, written at the same time by two processes, index with one and the same thesaurus,
    and queries later read it without rdflib."""
    from ontology.thesaurus import load_thesaurus

    thesaurus = load_thesaurus()
    (out / THESAURUS_JSON).write_text(thesaurus.to_json(), encoding="utf-8")
    return {"file": THESAURUS_JSON, "concepts": len(thesaurus.concepts)}


def write_graph(
    corpus: Corpus, out: Path, *, workers: int | None = None, cache_dir: Path | None = None
) -> dict[str, Any]:
    """Build step: graph from the model, SHACL check, sorted N-Triples + Turtle, Oxigraph store, with the
    build's thesaurus snapshot (:func:`write_thesaurus`; the packaged thesaurus when ``out`` has none).

    The graph is built, validated and serialised one document at a time on ``workers`` processes
    (:mod:`kg.bulk`; default :func:`ingest.parallel.build_workers`), merged into ``graph.nt`` on disk, and the
    Turtle and the Oxigraph store are streamed from that file: no whole-corpus rdflib graph is ever held. The
    manifest entry holds the triple count and the validation summary (``conforms``, ``total``,
    ``by_message``); the full report is ``validation.json``. ``cache_dir``: the validation cache
    (``DATA/cache/shacl``): documents whose triples are unchanged are not
    validated again (``validation_cached_documents`` counts them).
    """
    from ingest.parallel import build_workers
    from kg.build import PREFIXES
    from kg.bulk import write_parts
    from kg.validate import report_of

    thesaurus = load_build_thesaurus(out)
    parts = write_parts(corpus, thesaurus, out / GRAPH_NT, workers=build_workers(workers), cache_dir=cache_dir)
    report = report_of(parts.findings).to_json()
    turtle_file(out / GRAPH_NT, out / GRAPH_TTL, PREFIXES)
    load_oxigraph(out / STORE_DIR, out / GRAPH_NT)
    (out / VALIDATION_JSON).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    summary = {key: report[key] for key in ("conforms", "total", "by_message")}
    return {
        "file": GRAPH_NT,
        "turtle": GRAPH_TTL,
        "store": STORE_DIR,
        "triples": parts.triples,
        "validation": summary,
        "validation_cached_documents": parts.cached_parts,
    }


def turtle_file(ntriples: Path, out: Path, prefixes: dict[str, str]) -> None:
    """Turtle in the order of the (sorted) N-Triples file, streamed by Oxigraph: what
    :func:`turtle_from_ntriples` returns for the same text, without holding either in Python."""
    from pyoxigraph import RdfFormat, parse, serialize

    triples = parse(path=str(ntriples), format=RdfFormat.N_TRIPLES)
    serialize(triples, str(out), format=RdfFormat.TURTLE, prefixes=prefixes)


def rows_by(rows: Iterable[Row], key: str) -> dict[Value, list[Row]]:
    """Group rows by one column, keeping order.

    >>> rows_by([{"a": 1, "b": 2}, {"a": 1, "b": 3}], "a")
    {1: [{'a': 1, 'b': 2}, {'a': 1, 'b': 3}]}
    """
    grouped: dict[Value, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def values_clause(variable: str, iris: Sequence[str]) -> str:
    """A SPARQL ``VALUES`` block binding ``variable`` to IRIs.

    >>> values_clause("t", ["http://x/a"])
    'VALUES ?t { <http://x/a> }'
    """
    return f"VALUES ?{variable} {{ {' '.join(f'<{iri}>' for iri in iris)} }}"
