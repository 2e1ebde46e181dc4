"""RDF exports: Turtle, N-Triples, JSON-LD (compact ``@context``) and RDF/XML of the graph or a cut of it.

Why the graph of a cut is built again from the cut model with :mod:`kg.build`'s own functions: the RDF of
``--unit 区住建局`` then holds exactly the triples the full graph holds for those tasks, articles and units (a
sub-graph, no new facts), plus the thesaurus concepts it names. The whole graph is the build's own files
(``graph.ttl`` and ``graph.nt`` are already sorted), so a full export costs a file read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, XSD

from search_api.exports.filters import cut_build, cut_graph

if TYPE_CHECKING:
    from search_api.builds.datadir import BuildDir
    from search_api.exports.registry import ExportRequest


def export_graph(build: BuildDir, request: ExportRequest) -> Graph:
    """The graph an RDF export writes: the build's graph, or the graph of the request's cut."""
    cut = cut_build(build, request)
    if not cut.filtered:
        from kg.store import open_rdflib

        return open_rdflib(build.path)
    return cut_graph(build, cut)


def context() -> dict[str, str]:
    """The compact JSON-LD ``@context``: the project's prefixes plus rdf, rdfs, xsd and owl."""
    from kg.build import PREFIXES

    return {**PREFIXES, "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD), "owl": str(OWL)}


def render_turtle(build: BuildDir, request: ExportRequest) -> bytes:
    """Sorted Turtle with the project's prefixes."""
    from kg.store import GRAPH_TTL, sorted_turtle

    if not _filtered(request):
        return build.file(GRAPH_TTL).read_bytes()
    return sorted_turtle(export_graph(build, request)).encode("utf-8")


def render_ntriples(build: BuildDir, request: ExportRequest) -> bytes:
    """Sorted N-Triples, one triple a line."""
    from kg.store import GRAPH_NT, sorted_ntriples

    if not _filtered(request):
        return build.file(GRAPH_NT).read_bytes()
    return sorted_ntriples(export_graph(build, request)).encode("utf-8")


def render_jsonld(build: BuildDir, request: ExportRequest) -> bytes:
    """JSON-LD compacted with :func:`context` (``"pkg:Task"`` rather than full IRIs)."""
    graph = export_graph(build, request)
    return graph.serialize(format="json-ld", context=context(), auto_compact=True, indent=1).encode("utf-8")


def render_rdfxml(build: BuildDir, request: ExportRequest) -> bytes:
    """RDF/XML (for tools that read nothing else, such as older Protégé set-ups)."""
    return export_graph(build, request).serialize(format="xml", encoding="utf-8")


def _filtered(request: ExportRequest) -> bool:
    return bool(request.doc or request.unit or request.topic)
