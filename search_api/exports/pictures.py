"""Pictures: SVG and PNG of a cut laid out by Graphviz ``dot``, left to right: sections → articles → tasks → units.

Why this shape: it is how a meeting reads the policy — which part of the text, which task carries it out, who
leads it. The nodes come from the same projection as the graph files (:func:`graphs.network`), kept to sections,
articles, tasks, units and unit groups; when a cut holds more than :data:`MAX_ARTICLE_DETAIL` tasks the article
column is folded into the section → task edges so the whole-document picture stays legible. Labels are wrapped
short and set in Noto Sans CJK SC at a size readable on a projector; a unit the cut is about is drawn bold.
Graphviz is run as the ``dot`` binary (Debian's ``graphviz``), so there is no Python binding to build.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

from search_api.errors import Unavailable
from search_api.exports.filters import Cut, cut_build
from search_api.exports.graphs import network

if TYPE_CHECKING:
    import networkx as nx

    from search_api.builds.datadir import BuildDir
    from search_api.exports.registry import ExportRequest

FONT = "Noto Sans CJK SC"
MAX_ARTICLE_DETAIL = 20
WRAP = 14  # characters per label line
PICTURE_KINDS = ("Section", "Article", "Task", "Unit", "UnitGroup")
STYLE = {
    "Section": {"shape": "box", "style": "filled", "fillcolor": "#D9D9D9", "fontsize": "18"},
    "Article": {"shape": "note", "style": "filled", "fillcolor": "#FFF2CC", "fontsize": "15"},
    "Task": {"shape": "box", "style": "rounded,filled", "fillcolor": "#DDEBF7", "fontsize": "15"},
    "Unit": {"shape": "ellipse", "style": "filled", "fillcolor": "#E2EFDA", "fontsize": "17"},
    "UnitGroup": {"shape": "octagon", "style": "filled", "fillcolor": "#C6E0B4", "fontsize": "17"},
}
EDGE_STYLE = {
    "lead": {"color": "#C55A11", "penwidth": "2"},
    "cooperating": {"color": "#2F5597", "style": "dashed", "penwidth": "2"},
    "member": {"color": "#548235", "style": "dotted", "penwidth": "2"},
}
LEGEND = "（橙色实线：牵头　蓝色虚线：配合　绿色点线：单位组成员）"
DPI = 96


class GraphvizMissing(Unavailable):
    """The ``dot`` binary is not installed (Debian: ``apt-get install graphviz fonts-noto-cjk``); 503 in the API."""

    code = "graphviz_missing"


@dataclass(frozen=True, slots=True, kw_only=True)
class Picture:
    """The picture's nodes (IRI → kind, label lines, tooltip) and directed edges (source, target, style key)."""

    nodes: dict[str, tuple[str, tuple[str, ...], str]]
    edges: tuple[tuple[str, str, str], ...]
    focus: frozenset[str]
    title: str


_NO_LINE_START = "，。、；：？！）》」』”’…"


def wrap(text: str, width: int = WRAP, lines: int = 3) -> tuple[str, ...]:
    """Cut ``text`` into at most ``lines`` lines of about ``width`` characters, ending in … when cut short.

    A line never starts with closing punctuation (it stays on the line before, as in Chinese typesetting).

    >>> wrap("明确城市高层建筑大型综合体玻璃幕墙", 6, 2)
    ('明确城市高层', '建筑大型综…')
    >>> wrap("高层建筑、大型综合体", 4)
    ('高层建筑、', '大型综合', '体')
    """
    parts: list[str] = []
    rest = text
    while rest:
        line, rest = rest[:width], rest[width:]
        while rest and rest[0] in _NO_LINE_START:
            line, rest = line + rest[0], rest[1:]
        parts.append(line)
    parts = parts or [""]
    if len(parts) > lines:
        parts = [*parts[: lines - 1], parts[lines - 1][: width - 1] + "…"]
    return tuple(parts)


def picture(graph: nx.DiGraph, cut: Cut) -> Picture:
    """The picture of a cut's projection: layered nodes and the edges that read left to right.

    A unit cut shows only that unit on the right (and the group it acts through); each task names how many
    other units share it. Units linked to no task (bearers of obligations only) are left out.
    """
    from kg import iris

    focus = frozenset({str(iris.unit_iri(cut.unit.id))} if cut.unit else ())
    keep = {n: d for n, d in graph.nodes(data=True) if d["kind"] in PICTURE_KINDS}
    detail = sum(d["kind"] == "Task" for d in keep.values()) <= MAX_ARTICLE_DETAIL
    if not detail:
        keep = {n: d for n, d in keep.items() if d["kind"] != "Article"}
    if focus:
        via = {g for g in keep if keep[g]["kind"] == "UnitGroup" and any(graph.has_edge(g, f) for f in focus)}
        keep = {n: d for n, d in keep.items() if d["kind"] not in ("Unit", "UnitGroup") or n in focus | via}
    edges = _edges(graph, keep, detail=detail)
    linked = {node for edge in edges for node in edge[:2]} | focus
    nodes = {}
    for node, data in keep.items():
        if node not in linked:
            continue
        label = _label(data, detail=detail)
        if focus and data["kind"] == "Task":
            others = sum(1 for t in graph.successors(node) if graph.edges[node, t]["role"]) - 1
            label = (*label, f"另有{others}个责任单位") if others > 0 else label
        nodes[node] = (data["kind"], label, data.get("text") or data["label"])
    return Picture(nodes=nodes, edges=edges, focus=focus, title=f"{cut.title}　{LEGEND}")


def _edges(graph: nx.DiGraph, keep: dict, *, detail: bool) -> tuple[tuple[str, str, str], ...]:
    """Section → article → task → unit edges among kept nodes (section → task when articles are folded)."""
    edges: set[tuple[str, str, str]] = set()
    for source, target, data in graph.edges(data=True):
        rels = set(data["rel"].split())
        if source in keep and target in keep:
            if rels & {"is_part_of", "implementsArticle"}:  # drawn from the text towards the task
                edges.add((target, source, "part"))
            elif data["role"] in ("lead", "cooperating"):
                edges.add((source, target, data["role"]))
            elif "hasMember" in rels:
                edges.add((source, target, "member"))
        elif not detail and "implementsArticle" in rels and source in keep:
            for section in graph.successors(target):
                if section in keep and "is_part_of" in graph.edges[target, section]["rel"].split():
                    edges.add((section, source, "part"))
    return tuple(sorted(edges))


def _label(data: dict[str, str], *, detail: bool) -> tuple[str, ...]:
    kind, label, text = data["kind"], data["label"], data.get("text") or ""
    deadline = (data["deadline"],) if data.get("deadline") else ()
    if kind == "Task":
        return (label, *wrap(text), *deadline) if detail else (label, *deadline)
    if kind == "Article":
        return wrap(label, width=WRAP, lines=2)
    if kind in ("Unit", "UnitGroup") and data.get("successor"):
        return (label, f"（现{data['successor']}）")
    return wrap(label, width=10, lines=2)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attributes(values: dict[str, str]) -> str:
    return ", ".join(f"{key}={_quote(value)}" for key, value in sorted(values.items()))


def dot_source(pic: Picture) -> str:
    """The Graphviz DOT text of a picture (node ids n0, n1 … in IRI order; IRIs kept as tooltips)."""
    ids = {node: f"n{index}" for index, node in enumerate(sorted(pic.nodes))}
    lines = [
        "digraph policykg {",
        f"  graph [{_attributes({'rankdir': 'LR', 'fontname': FONT, 'fontsize': '22', 'label': pic.title, 'labelloc': 't', 'nodesep': '0.25', 'ranksep': '0.9', 'bgcolor': 'white', 'pad': '0.3'})}];",
        f"  node [{_attributes({'fontname': FONT, 'margin': '0.15,0.08'})}];",
        f"  edge [{_attributes({'fontname': FONT, 'fontsize': '13', 'color': '#595959', 'arrowsize': '0.7'})}];",
    ]
    for node in sorted(pic.nodes):
        kind, label, tooltip = pic.nodes[node]
        style = dict(STYLE[kind])
        if node in pic.focus:
            style.update(penwidth="4", color="#C00000", fillcolor="#FFD966")
        style.update(label="\n".join(label), tooltip=tooltip[:300], id=ids[node])
        lines.append(f"  {ids[node]} [{_attributes(style)}];")
    for source, target, key in pic.edges:
        lines.append(f"  {ids[source]} -> {ids[target]} [{_attributes(EDGE_STYLE.get(key, {}))}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def run_dot(source: str, output: str) -> bytes:
    """Lay out and draw with Graphviz ``dot -T<output>``; :class:`GraphvizMissing` when it is not installed."""
    binary = shutil.which("dot")
    if binary is None:
        raise GraphvizMissing("Graphviz `dot` not found", hint="apt-get install graphviz fonts-noto-cjk (make sysdeps)")
    result = subprocess.run(
        [binary, f"-T{output}", f"-Gdpi={DPI}"], input=source.encode("utf-8"), capture_output=True, check=True
    )
    return result.stdout


def positions(pic: Picture) -> dict[str, tuple[float, float, float, float]]:
    """Node centre and size ``(x, y, width, height)`` in points (y growing downwards) as Graphviz lays them
    out, so the standalone page shows the same picture."""
    layout = json.loads(run_dot(dot_source(pic), "json"))
    top = float(layout["bb"].split(",")[3])
    ids = {f"n{index}": node for index, node in enumerate(sorted(pic.nodes))}
    found = {}
    for item in layout.get("objects", []):
        if item.get("name") in ids and "pos" in item:
            x, y = (float(v) for v in item["pos"].split(","))
            size = float(item.get("width", 1)) * 72, float(item.get("height", 0.5)) * 72
            found[ids[item["name"]]] = (x, top - y, *size)
    return found


def cut_picture(build: BuildDir, request: ExportRequest) -> Picture:
    """The picture of the request's cut."""
    cut = cut_build(build, request)
    return picture(network(build, cut), cut)


def render_svg(build: BuildDir, request: ExportRequest) -> bytes:
    """SVG (text kept as text, font-family Noto Sans CJK SC)."""
    return run_dot(dot_source(cut_picture(build, request)), "svg")


def render_png(build: BuildDir, request: ExportRequest) -> bytes:
    """PNG at 96 dpi, drawn by Graphviz's cairo renderer with the CJK font."""
    return run_dot(dot_source(cut_picture(build, request)), "png")
