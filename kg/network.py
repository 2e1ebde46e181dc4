"""The graph as a networkx ``MultiDiGraph`` of its main nodes, for path questions and neighbourhood views.

Why a projection: text spans, sentences, deadlines and link nodes are provenance detail; paths and pictures
want documents, sections, articles, tasks, obligations, units, roles, topics and change events, joined by
named edges (``leadUnit``, ``implementsArticle``, ``subject`` …). Nodes carry ``label`` and ``kind``; edges
carry ``rel`` and, for responsibility edges, ``role`` (lead / cooperating / bearer).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from kg import queries
from kg.store import GraphStore, Row, values_clause

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


def nodes_sparql(nodes: Sequence[str] | None = None) -> str:
    """Main nodes with their kind (class local name) and a display label (only ``nodes``, when given)."""
    return f"""{queries.PREFIXES}
SELECT ?node ?type ?label ?number ?doc WHERE {{
  {values_clause("node", nodes) if nodes is not None else ""}
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


_RELATION_FILTER = """FILTER(?p IN (eli:is_part_of, pkg:inDocument, pkg:inArticle, pkg:leadUnit, pkg:cooperatingUnit,
                pkg:implementsArticle, pkg:bearer, dcterms:subject, skos:broader, eli:cites, pkg:hasMember,
                pkg:successor, org:originalOrganization, org:resultingOrganization))"""


def edges_sparql(sources: Sequence[str] | None = None) -> str:
    """Edges between main nodes, by the relations of :data:`RELATIONS` (only from ``sources``, when given)."""
    return f"""{queries.PREFIXES}
SELECT ?s ?p ?o WHERE {{
  {values_clause("s", sources) if sources is not None else ""}
  ?s ?p ?o .
  {_RELATION_FILTER}
}}"""


def edges_touching_sparql(nodes: Sequence[str]) -> str:
    """Edges of :data:`RELATIONS` that start or end at one of ``nodes``."""
    return f"""{queries.PREFIXES}
SELECT ?s ?p ?o WHERE {{
  {values_clause("n", nodes)}
  {{ ?n ?p ?o . BIND(?n AS ?s) }} UNION {{ ?s ?p ?n . BIND(?n AS ?o) }}
  {_RELATION_FILTER}
}}"""


def _add_nodes(graph: nx.MultiDiGraph, rows: Iterable[Row]) -> None:
    for row in rows:
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


def _add_edges(graph: nx.MultiDiGraph, rows: Iterable[Row]) -> None:
    for row in rows:
        source, target, rel = str(row["s"]), str(row["o"]), _local(str(row["p"]))
        if source in graph and target in graph and source != target:
            graph.add_edge(source, target, key=rel, rel=rel, role=ROLES.get(rel))


def project(store: GraphStore) -> nx.MultiDiGraph:
    """The projection of the whole graph (IRI-to-IRI, main nodes only)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    _add_nodes(graph, store.select(nodes_sparql()))
    _add_edges(graph, store.select(edges_sparql()))
    return graph


_BATCH = 500  # IRIs per VALUES block


def _batched(nodes: Sequence[str]) -> Iterator[list[str]]:
    for at in range(0, len(nodes), _BATCH):
        yield list(nodes[at : at + _BATCH])


def _is_iri(text: str) -> bool:
    """Whether ``text`` may stand between ``<`` and ``>`` in a query (RFC 3987, as the store parses it)."""
    from pyoxigraph import NamedNode

    try:
        NamedNode(text)
    except ValueError:
        return False
    return True


def store_neighbourhood(store: GraphStore, centers: Iterable[str], *, radius: int = 1) -> dict[str, Any]:
    """:func:`neighbourhood` of the whole projection, read from the store around ``centers`` only.

    Why: the projection of a 10,000-document graph took minutes and gigabytes to build, for views of a few
    hundred nodes. This walks out from the centers, a step at a time (edges of :data:`RELATIONS` either way,
    main nodes only, not on through hubs, as :func:`_reach`), reads the nodes reached and the edges among them,
    and answers from that small projection: its cost follows the neighbourhood, not the graph.
    """
    import networkx as nx

    graph = nx.MultiDiGraph()

    def learn(nodes: Iterable[str]) -> None:
        unknown = sorted({n for n in nodes if n not in graph and n not in not_main})
        for batch in _batched(unknown):
            _add_nodes(graph, store.select(nodes_sparql(batch)))
        not_main.update(n for n in unknown if n not in graph)

    not_main: set[str] = set()
    roots = list(dict.fromkeys(centers))
    learn(root for root in roots if _is_iri(root))  # a center a user typed may be no IRI: then it is no node
    keep: set[str] = set()
    for center in (c for c in roots if c in graph):
        seen, frontier = {center}, [center]
        for _step in range(radius):
            walked = sorted(n for n in frontier if n == center or graph.nodes[n].get("kind") not in HUB_KINDS)
            ends: list[tuple[str, str]] = []
            for batch in _batched(walked):
                ends += [(str(row["s"]), str(row["o"])) for row in store.select(edges_touching_sparql(batch))]
            learn(n for pair in ends for n in pair)
            following = []
            for source, target in ends:
                if source == target or source not in graph or target not in graph:
                    continue
                for node in (source, target):
                    if node not in seen:
                        seen.add(node)
                        following.append(node)
            frontier = following
        keep |= seen
    for batch in _batched(sorted(keep)):
        _add_edges(graph, store.select(edges_sparql(batch)))
    return neighbourhood(graph.subgraph(keep), roots, radius=radius)


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
    "rel", "role"}]}``; read from the store around the centers (:func:`store_neighbourhood`), or from
    ``graph`` (a projection from :func:`project`) when given.
    """
    from kg import iris
    from kg.profile import find_unit

    centers: list[str] = []
    if unit:
        centers.append(find_unit(store, unit))
    if topic:
        centers.append(topic if topic.startswith("http") else str(iris.topic_iri(topic)))
    centers.extend(value for value in (article, task) if value)
    if graph is None:
        return {"center": centers, **store_neighbourhood(store, centers, radius=radius)}
    return {"center": centers, **neighbourhood(graph, centers, radius=radius)}


def shortest_path(graph: nx.MultiDiGraph, source: str, target: str) -> list[str]:
    """IRIs on a shortest path between two nodes (edges followed both ways); empty when unconnected."""
    import networkx as nx

    try:
        return list(nx.shortest_path(graph.to_undirected(as_view=True), source, target))
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []


class StoreNetwork:
    """The graph's projection as a server holds it: nothing up front, each neighbourhood read from the store
    when asked (:func:`store_neighbourhood`), so opening a 10,000-document build costs no projection."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def subgraph(self, *, radius: int = 1, **center: str | None) -> dict[str, Any]:
        """:func:`subgraph` of this store."""
        return subgraph(self.store, radius=radius, **center)
