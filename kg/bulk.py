"""The graph build step in parts: one small graph per document, never one graph of the whole corpus.

Why: an rdflib Memory graph of 250,000 triples costs ~300 MB and pyshacl walks it slowly; the build only needs
sorted N-Triples (the canonical artefact) and an Oxigraph store bulk-loaded from them. So each document's
triples are built, SHACL-checked and serialised on their own, on every core (:mod:`ingest.parallel`), and the
sorted lines are merged on disk. The result is the same ``graph.nt`` byte for byte, and the same validation
report, as :func:`kg.build.build_graph` + :func:`kg.validate.validate_graph` (tests compare them).

Why validating parts gives the same report: every subject belongs to exactly one part (a document's nodes are
minted from its id; units, topics and succession events form the *global* part), and the shapes only look one
hop from a focus node: its own triples and the ``rdf:type`` of the nodes they point at (``sh:class``). A part is
validated together with the types of the outside nodes it points at, and only results about its own subjects
are kept. A new shape that walks further (``sh:node``, property paths) would need those nodes' triples too.

Why a validation cache: SHACL is two thirds of this step (pyshacl, pure Python), and a rebuild after one file
changed validated every part again. What pyshacl sees of a part is fully given by the part's N-Triples, the
outside types added to them and the shapes, so its findings are kept under a hash of exactly those (and of the
validator's version) in ``DATA/cache/shacl`` (``search_api.builds.make.VALIDATION_CACHE``): a part whose triples did not change
is not validated again, and a changed unit register, thesaurus or shape changes the key by itself.
"""

from __future__ import annotations

import hashlib
import heapq
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import RDF, Graph, URIRef

from ingest.parallel import ordered_map, state
from ingest.parse_cache import ParseCache
from kg import iris
from kg.build import add_document, add_thesaurus, add_unit, new_graph, revised
from kg.changes import add_changes
from kg.validate import Finding, graph_findings, load_shapes
from ontology.namespace import PKG

if TYPE_CHECKING:
    from ingest.model import Corpus
    from ontology.thesaurus import Thesaurus

RUN_BYTES = 64 * 2**20  # N-Triples held in memory before a sorted run is written to disk


@dataclass(frozen=True, slots=True)
class Part:
    """One part of the graph: its N-Triples lines (sorted, unique), its SHACL findings, and whether those came
    from the validation cache."""

    lines: bytes
    findings: tuple[Finding, ...]
    cached: bool = False


def global_graph(corpus: Corpus, thesaurus: Thesaurus | None) -> Graph:
    """Units, the thesaurus and the succession events: everything of :func:`build_graph` that no document owns."""
    graph = new_graph()
    known = {unit.id for unit in corpus.units}
    for unit in corpus.units:
        add_unit(graph, unit, known)
    if thesaurus is not None:
        add_thesaurus(graph, thesaurus)
    add_changes(graph, corpus.units)
    return graph


def _ntriples(graph: Graph) -> bytes:
    """The graph's N-Triples lines, sorted and unique (UTF-8 byte order is code-point order, as in str sort)."""
    data = graph.serialize(format="nt", encoding="utf-8")
    lines = sorted({line for line in data.split(b"\n") if line.strip()})
    return b"".join(line + b"\n" for line in lines)


def _outside_types(graph: Graph, types: dict[URIRef, tuple[URIRef, ...]]) -> list[tuple[URIRef, URIRef, URIRef]]:
    """The ``rdf:type`` triples of the outside nodes ``graph`` points at, as typed in the whole graph."""
    own = set(graph.subjects())
    return [
        (obj, RDF.type, kind)
        for obj in sorted({o for o in graph.objects() if isinstance(o, URIRef) and o not in own})
        for kind in types.get(obj, ())
    ]


def _validate(graph: Graph, outside: list[tuple[URIRef, URIRef, URIRef]], shapes: Graph) -> tuple[Finding, ...]:
    """Findings about the part's own subjects, with the outside nodes it points at typed as in the whole graph
    (``outside``, from :func:`_outside_types`).

    Adds those ``rdf:type`` triples to ``graph`` (serialise it first).
    """
    names = {str(subject) for subject in graph.subjects()}
    for triple in outside:
        graph.add(triple)
    return tuple(graph_findings(graph, shapes=shapes, focus=names.__contains__))


def validation_key(lines: bytes, outside: list[tuple[URIRef, URIRef, URIRef]], shapes_digest: str) -> str:
    """The cache key of a part's findings: everything pyshacl is given (the part's N-Triples, the outside types,
    the shapes) and the validator's version."""
    from pyshacl import __version__ as pyshacl_version

    digest = hashlib.sha256(f"{pyshacl_version}\0{shapes_digest}\0".encode())
    digest.update(lines)
    for subject, _, kind in outside:
        digest.update(f"{subject} {kind}\n".encode())
    return digest.hexdigest()


def shapes_digest(shapes: Graph) -> str:
    """A hash of the shapes that does not depend on their blank nodes' names (property shapes are blank nodes,
    renamed on every parse), plus this package's reading of pyshacl's results (:mod:`kg.validate`)."""
    from rdflib.compare import to_isomorphic

    import kg.validate

    source = Path(kg.validate.__file__).read_bytes()
    return hashlib.sha256(str(to_isomorphic(shapes).graph_digest()).encode() + source).hexdigest()


def _document_part(index: int) -> Part:
    """Worker: one document's triples and findings (inputs come from the forked :func:`state`); the findings
    come from the validation cache when the part's triples are those of an earlier build."""
    shared = state()
    doc = shared["corpus"].documents[index]
    graph = new_graph()
    add_document(
        graph, doc, units=shared["known"], thesaurus=shared["thesaurus"], revises=revised(shared["corpus"], doc.id)
    )
    lines = _ntriples(graph)
    outside = _outside_types(graph, shared["types"])
    cache: ParseCache | None = shared["cache"]
    if cache is None:
        return Part(lines=lines, findings=_validate(graph, outside, shared["shapes"]))
    key = validation_key(lines, outside, shared["shapes_digest"])
    kept = cache.get(key)
    if isinstance(kept, tuple):
        return Part(lines=lines, findings=kept, cached=True)
    findings = _validate(graph, outside, shared["shapes"])
    cache.put(key, findings)
    return Part(lines=lines, findings=findings)


def _types(corpus: Corpus, glob: Graph) -> dict[URIRef, tuple[URIRef, ...]]:
    """The ``rdf:type``s of the nodes parts may point at from outside: global nodes, documents, cited articles."""
    types: dict[URIRef, list[URIRef]] = {}
    for subject, _, kind in glob.triples((None, RDF.type, None)):
        if isinstance(subject, URIRef) and isinstance(kind, URIRef):
            types.setdefault(subject, []).append(kind)
    for doc in corpus.documents:
        kinds = [PKG.Document, PKG.Law if doc.kind == "law" else PKG.PolicyDocument]
        types.setdefault(iris.document_iri(doc.id), []).extend(kinds)
        for citation in doc.citations:  # pkg:citesArticle points into the cited document's part
            for number in citation.target_articles if citation.target else ():
                types.setdefault(iris.article_iri(citation.target, number), []).append(PKG.Article)
    return {node: tuple(kinds) for node, kinds in types.items()}


class SortedRuns:
    """An external sort of N-Triples lines: sorted runs in memory, spilled to disk past :data:`RUN_BYTES`."""

    def __init__(self, folder: Path, limit: int = RUN_BYTES) -> None:
        self._folder = folder
        self._limit = limit
        self._buffer: list[bytes] = []
        self._size = 0
        self._runs: list[Path] = []

    def add(self, lines: bytes) -> None:
        """Add sorted lines (each ending in a newline)."""
        self._buffer.append(lines)
        self._size += len(lines)
        if self._size > self._limit:
            self._spill()

    def _spill(self) -> None:
        """Write the buffer as one sorted run. Parts are taken off the buffer as their lines are split, and the
        run is written line by line: over a 64 MB buffer the spill allocates 96 MB (the lines, split once), where
        joining, splitting, deduplicating and joining again allocated 171 MB."""
        path = self._folder / f"run{len(self._runs):05d}.nt"
        lines: set[bytes] = set()
        while self._buffer:
            lines.update(self._buffer.pop().splitlines(keepends=True))
        with path.open("wb") as run:
            run.writelines(sorted(lines))
        self._runs.append(path)
        self._size = 0

    def write(self, out: Path) -> int:
        """Write every line once, in sorted order, to ``out``; returns how many lines (triples)."""
        if self._buffer:
            self._spill()
        files = [path.open("rb") for path in self._runs]
        count = 0
        previous = None
        try:
            with out.open("wb") as sink:
                for line in heapq.merge(*files):
                    if line != previous:
                        sink.write(line)
                        count += 1
                        previous = line
        finally:
            for handle in files:
                handle.close()
        return count


@dataclass(frozen=True, slots=True)
class GraphParts:
    """What :func:`write_parts` wrote: the triple count, every SHACL finding, and how many document parts took
    their findings from the validation cache instead of pyshacl."""

    triples: int
    findings: list[Finding]
    cached_parts: int = 0


def write_parts(
    corpus: Corpus, thesaurus: Thesaurus | None, out: Path, *, workers: int = 1, cache_dir: Path | None = None
) -> GraphParts:
    """Write the whole graph's sorted N-Triples to ``out`` part by part, with the SHACL findings of every part;
    ``cache_dir``: keep and reuse each part's findings there (see the module's docstring; None: validate all)."""
    shapes = load_shapes()
    glob = global_graph(corpus, thesaurus)
    types = _types(corpus, glob)
    findings: list[Finding] = list(graph_findings(glob, shapes=shapes))
    shared = {
        "corpus": corpus,
        "known": {unit.id for unit in corpus.units},
        "thesaurus": thesaurus,
        "types": types,
        "shapes": shapes,
        "cache": None if cache_dir is None else ParseCache(cache_dir),
        "shapes_digest": "" if cache_dir is None else shapes_digest(shapes),
    }
    cached = 0
    with tempfile.TemporaryDirectory(prefix="policykg-nt-", dir=out.parent) as tmp:
        runs = SortedRuns(Path(tmp))
        runs.add(_ntriples(glob))
        del glob
        parts: Iterator[Part] = ordered_map(
            _document_part, range(len(corpus.documents)), workers=workers, shared=shared
        )
        for part in parts:
            runs.add(part.lines)
            findings.extend(part.findings)
            cached += part.cached
        count = runs.write(out)
    return GraphParts(triples=count, findings=findings, cached_parts=cached)
