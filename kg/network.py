"""The graph as a networkx ``MultiDiGraph`` of its main nodes, for path questions and neighbourhood views.

Why a projection: text spans, sentences, deadlines and link nodes are provenance detail; paths and pictures
want documents, sections, articles, tasks, obligations, units, roles, topics and change events, joined by
named edges (``leadUnit``, ``implementsArticle``, ``subject`` …). Nodes carry ``label`` and ``kind``; edges
carry ``rel`` and, for responsibility edges, ``role`` (lead / cooperating / bearer).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kg import queries
from kg.store import GraphStore

if TYPE_CHECKING:
    import networkx as nx

KINDS = (
    "Document",
    "Section",
    "Article",
    "Task",
    "Obligation",
    "Unit",
    "UnitGroup",
    "StatutoryRole",
    "Concept",
    "ChangeEvent",
    "Organization",
    "GenericBody",
)
RELATIONS = (
    "is_part_of",
    "inDocument",
    "inArticle",
    "leadUnit",
    "cooperatingUnit",
    "implementsArticle",
    "bearer",
    "subject",
    "broader",
    "cites",
    "hasMember",
    "successor",
    "originalOrganization",
    "resultingOrganization",
)
ROLES = {"leadUnit": "lead", "cooperatingUnit": "cooperating", "bearer": "bearer"}
_KIND_PRIORITY = {
    kind: index for index, kind in enumerate(("UnitGroup", "Unit", "StatutoryRole", "GenericBody"))
}


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]


def nodes_sparql() -> str:
    """Main nodes with their kind (class local name) and a display label."""
    return f"""{queries.PREFIXES}
SELECT ?node ?type ?label ?number ?doc WHERE {{
  ?node a ?type .
  FILTER(?type IN (pkg:Document, pkg:Section, pkg:Article, pkg:Task, pkg:Obligation, pkg:Unit, pkg:UnitGroup,
                   pkg:StatutoryRole, skos:Concept, org:ChangeEvent, org:Organization, pkg:GenericBody))
  OPTIONAL {{ ?node skos:prefLabel ?label FILTER(LANG(?label) = "zh") }}
  OPTIONAL {{ ?node rdfs:label ?label }}
  OPTIONAL {{ ?node dcterms:title ?label }}
  OPTIONAL {{ ?node pkg:label ?label }}
  OPTIONAL {{ ?node pkg:number ?number }}
  OPTIONAL {{ ?node pkg:inDocument ?d . ?d dcterms:identifier ?doc }}
}}"""


def edges_sparql() -> str:
    """Edges between main nodes, by the relations of :data:`RELATIONS`."""
    return f"""{queries.PREFIXES}
SELECT ?s ?p ?o WHERE {{
  ?s ?p ?o .
  FILTER(?p IN (eli:is_part_of, pkg:inDocument, pkg:inArticle, pkg:leadUnit, pkg:cooperatingUnit,
                pkg:implementsArticle, pkg:bearer, dcterms:subject, skos:broader, eli:cites, pkg:hasMember,
                pkg:successor, org:originalOrganization, org:resultingOrganization))
}}"""


def project(store: GraphStore) -> nx.MultiDiGraph:
    """The projection of the whole graph (IRI-to-IRI, main nodes only)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for row in store.select(nodes_sparql()):
        node = str(row["node"])
        kind = _local(str(row["type"]))
        current = graph.nodes[node]["kind"] if node in graph else None
        if current is None or _KIND_PRIORITY.get(kind, 9) < _KIND_PRIORITY.get(current, 9):
            label = row["label"]
            if kind == "Task":
                label = f"任务{row['number']}"
            elif kind == "Obligation":
                label = f"义务 {_local(node)}"
            graph.add_node(node, kind=kind, label=str(label or _local(node)), doc=row["doc"])
    for row in store.select(edges_sparql()):
        source, target, rel = str(row["s"]), str(row["o"]), _local(str(row["p"]))
        if source in graph and target in graph and source != target:
            graph.add_edge(source, target, key=rel, rel=rel, role=ROLES.get(rel))
    return graph


HUB_KINDS = frozenset({"Document", "Section", "ConceptScheme"})  # shown, but not walked through


def _reach(graph: nx.MultiDiGraph, center: str, radius: int) -> set[str]:
    """Nodes within ``radius`` steps of ``center`` (edges followed both ways), not walking on through hubs.

    Why: every article hangs off its section and document, so at radius 2 a walk through them would return the
    whole document; a hub is kept as a node (its label gives context) but its other neighbours are not added.
    """
    seen = {center}
    frontier = [center]
    for _step in range(radius):
        following: list[str] = []
        for node in frontier:
            if node != center and graph.nodes[node].get("kind") in HUB_KINDS:
                continue
            for neighbour in (*graph.successors(node), *graph.predecessors(node)):
                if neighbour not in seen:
                    seen.add(neighbour)
                    following.append(neighbour)
        frontier = following
    return seen


def neighbourhood(graph: nx.MultiDiGraph, centers: Iterable[str], *, radius: int = 1) -> dict[str, Any]:
    """Nodes within ``radius`` steps of any center (see :func:`_reach`), as JSON-ready nodes and edges."""
    keep: set[str] = set()
    for center in centers:
        if center in graph:
            keep |= _reach(graph, center, radius)
    sub = graph.subgraph(keep)
    return {
        "nodes": [
            {"id": node, "label": data.get("label"), "kind": data.get("kind"), "doc": data.get("doc")}
            for node, data in sorted(sub.nodes(data=True))
        ],
        "edges": [
            {"source": s, "target": t, "rel": data.get("rel"), "role": data.get("role")}
            for s, t, data in sorted(sub.edges(data=True), key=lambda e: (e[0], e[1], e[2].get("rel") or ""))
        ],
    }


def subgraph(
    store: GraphStore,
    *,
    unit: str | None = None,
    topic: str | None = None,
    article: str | None = None,
    task: str | None = None,
    radius: int = 1,
    graph: nx.MultiDiGraph | None = None,
) -> dict[str, Any]:
    """The neighbourhood of a unit (any name), a topic (concept id or IRI), an article or a task (IRI).

    Returns ``{"center": [iri …], "nodes": [{"id", "label", "kind", "doc"}], "edges": [{"source", "target",
    "rel", "role"}]}``; pass ``graph`` (from :func:`project`) to reuse one projection across calls.
    """
    from kg import iris
    from kg.profile import find_unit

    centers: list[str] = []
    if unit:
        centers.append(find_unit(store, unit))
    if topic:
        centers.append(topic if topic.startswith("http") else str(iris.topic_iri(topic)))
    centers.extend(value for value in (article, task) if value)
    projected = graph if graph is not None else project(store)
    return {"center": centers, **neighbourhood(projected, centers, radius=radius)}


def shortest_path(graph: nx.MultiDiGraph, source: str, target: str) -> list[str]:
    """IRIs on a shortest path between two nodes (edges followed both ways); empty when unconnected."""
    import networkx as nx

    try:
        return list(nx.shortest_path(graph.to_undirected(as_view=True), source, target))
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []
