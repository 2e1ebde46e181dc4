"""Graph files: GraphML and GEXF of the graph (or a cut) for Gephi, yEd and Cytoscape.

Why :func:`kg.network.project` and a flat copy of it: the projection (documents, sections, articles, tasks,
obligations, units, roles, topics, change events) is the kg helper's one idea of "the graph as a network";
this module only makes it safe for desktop tools — a simple directed graph (parallel relations between the
same two nodes are joined as ``rel = "inDocument is_part_of"``, since Gephi merges parallel edges anyway),
every attribute a string (no ``None``: yEd and Gephi refuse empty typed values), and the task text,
deadline and unit successor added from the model so a node can be read without the RDF.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from search_api.exports.filters import Cut, article_nodes, cut_build, cut_store, task_node

if TYPE_CHECKING:
    import networkx as nx

    from search_api.builds.datadir import BuildDir
    from search_api.exports.registry import ExportRequest

KIND_ZH = {
    "Document": "文件",
    "Section": "部分",
    "Article": "条款",
    "Task": "任务",
    "Obligation": "义务",
    "Unit": "单位",
    "UnitGroup": "单位组",
    "StatutoryRole": "法定角色",
    "Concept": "主题",
    "ChangeEvent": "机构变更",
    "Organization": "机构",
    "GenericBody": "机构类型",
}
REL_ZH = {
    "leadUnit": "牵头",
    "cooperatingUnit": "配合",
    "implementsArticle": "落实",
    "is_part_of": "属于",
    "inDocument": "出自",
    "inArticle": "出自",
    "bearer": "义务主体",
    "subject": "涉及",
    "broader": "上位",
    "cites": "引用",
    "hasMember": "成员",
    "successor": "继任",
    "originalOrganization": "原机构",
    "resultingOrganization": "新机构",
}
NODE_ATTRIBUTES = ("label", "kind", "kind_zh", "role", "doc", "text", "deadline", "successor")
EDGE_ATTRIBUTES = ("rel", "role", "label")


def network(build: BuildDir, cut: Cut) -> nx.DiGraph:
    """The projection of the cut as a simple directed graph with string attributes only."""
    import networkx as nx

    from kg.network import project

    multi = project(cut_store(build, cut))
    graph = nx.DiGraph()
    for node, data in sorted(multi.nodes(data=True)):
        kind = str(data.get("kind") or "")
        graph.add_node(
            node,
            label=str(data.get("label") or ""),
            kind=kind,
            kind_zh=KIND_ZH.get(kind, kind),
            role="",
            doc=str(data.get("doc") or ""),
            text="",
            deadline="",
            successor="",
        )
    for source, target, data in sorted(multi.edges(data=True), key=lambda e: (e[0], e[1], e[2]["rel"])):
        rel, role = str(data["rel"]), str(data.get("role") or "")
        if graph.has_edge(source, target):
            edge = graph.edges[source, target]
            edge["rel"] = " ".join(sorted({*edge["rel"].split(), rel}))
            edge["role"] = edge["role"] or role
            edge["label"] = "、".join(dict.fromkeys([*edge["label"].split("、"), REL_ZH.get(rel, rel)]))
        else:
            graph.add_edge(source, target, rel=rel, role=role, label=REL_ZH.get(rel, rel))
    _describe(graph, cut)
    return graph


def _describe(graph: nx.DiGraph, cut: Cut) -> None:
    """Task text and deadline, article text, unit successor and role, from the model."""
    from kg import iris

    for doc in cut.corpus.documents:
        for task in doc.tasks:
            node = task_node(doc, task)
            if node in graph:
                graph.nodes[node].update(text=task.text, deadline=task.deadline.text)
        for article, node in article_nodes(doc):
            if node in graph:
                graph.nodes[node].update(label=f"{article.label}{article.title}", text=article.text)
        for section in doc.sections:
            node = str(iris.section_iri(doc.id, section.number, part=section.part))
            if node in graph:
                graph.nodes[node].update(label=f"{section.label}{section.title}")
    for unit in cut.full.units:
        node = str(iris.unit_iri(unit.id))
        if node in graph:
            graph.nodes[node].update(label=unit.name, successor=unit.successor or "")
    for node in graph:
        roles = {graph.edges[s, node]["role"] for s in graph.predecessors(node)} - {""}
        graph.nodes[node]["role"] = " ".join(sorted(roles))


def render_graphml(build: BuildDir, request: ExportRequest) -> bytes:
    """GraphML (UTF-8), node and edge attributes declared as strings."""
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(network(build, cut_build(build, request)), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def render_gexf(build: BuildDir, request: ExportRequest) -> bytes:
    """GEXF 1.2 (UTF-8) with ``label`` as the node label and the other attributes as string columns."""
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_gexf(network(build, cut_build(build, request)), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()
