"""Exporters by format name: each turns the current build (optionally filtered) into bytes.

Why a registry: the CLI (`policykg export --format F`) and the API (`GET /api/export/{F}`) share one table
of formats, media types and file suffixes; adding a format is adding one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from search_api.builds.datadir import BuildDir
from search_api.exports import lazy


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportRequest:
    """Filters that cut an export to a subgraph; all None means the whole graph."""

    doc: str | None = None
    unit: str | None = None
    topic: str | None = None
    as_of: str | None = None  # ISO date the report and the status column count overdue from (None: today)
    store: Callable[[], Any] | None = None  # the graph to query (a shared server's); None: the folder's store


@dataclass(frozen=True, slots=True, kw_only=True)
class Exporter:
    """One format: how to render it and how to serve it."""

    name: str
    media_type: str
    suffix: str
    render: Callable[[BuildDir, ExportRequest], bytes]


def _model_json(build: BuildDir, request: ExportRequest) -> bytes:
    from search_api.builds.datadir import MODEL_FILE

    return build.file(MODEL_FILE).read_bytes()


EXPORTERS: dict[str, Exporter] = {
    "json": Exporter(name="json", media_type="application/json", suffix=".json", render=_model_json),
    # RDF (search_api/exports/rdf.py): each re-parses with rdflib to a graph isomorphic to the one exported.
    "turtle": Exporter(name="turtle", media_type="text/turtle", suffix=".ttl", render=lazy("rdf:render_turtle")),
    "ttl": Exporter(name="ttl", media_type="text/turtle", suffix=".ttl", render=lazy("rdf:render_turtle")),
    "nt": Exporter(name="nt", media_type="application/n-triples", suffix=".nt", render=lazy("rdf:render_ntriples")),
    "jsonld": Exporter(
        name="jsonld", media_type="application/ld+json", suffix=".jsonld", render=lazy("rdf:render_jsonld")
    ),
    "rdfxml": Exporter(
        name="rdfxml", media_type="application/rdf+xml", suffix=".rdf", render=lazy("rdf:render_rdfxml")
    ),
    # Graph files for Gephi, yEd, Cytoscape (search_api/exports/graphs.py).
    "graphml": Exporter(
        name="graphml", media_type="application/graphml+xml", suffix=".graphml", render=lazy("graphs:render_graphml")
    ),
    "gexf": Exporter(name="gexf", media_type="application/gexf+xml", suffix=".gexf", render=lazy("graphs:render_gexf")),
    # Tables (search_api/exports/tables.py).
    "csv": Exporter(name="csv", media_type="text/csv; charset=utf-8", suffix=".csv", render=lazy("tables:render_csv")),
    "xlsx": Exporter(
        name="xlsx",
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        suffix=".xlsx",
        render=lazy("tables:render_xlsx"),
    ),
    # Pictures laid out by Graphviz (search_api/exports/pictures.py).
    "svg": Exporter(name="svg", media_type="image/svg+xml", suffix=".svg", render=lazy("pictures:render_svg")),
    "png": Exporter(name="png", media_type="image/png", suffix=".png", render=lazy("pictures:render_png")),
    # One offline page and the meeting report (search_api/exports/standalone.py, report.py).
    "html": Exporter(
        name="html", media_type="text/html; charset=utf-8", suffix=".html", render=lazy("standalone:render_html")
    ),
    "report": Exporter(
        name="report", media_type="text/html; charset=utf-8", suffix=".html", render=lazy("report:render_report")
    ),
}
