"""One offline HTML file: the interactive graph and the tables, to mail to meeting participants.

Why Cytoscape.js with Graphviz positions: the page must work from a mail attachment with no network, so the
vendored ``cytoscape.min.js`` (``search_api/web/vendor/``, MIT) is inlined; the layout is the one the picture
exports use (``dot``), so the page and the slide show the same drawing, and the browser only pans, zooms and
shows a node's full text on click. The tables (tasks, responsible bodies) are plain HTML with a filter box,
so they still print and copy when scripts are blocked.
"""

from __future__ import annotations

import html
import json
from importlib.resources import files
from typing import TYPE_CHECKING

from search_api.exports.filters import cut_build
from search_api.exports.graphs import network
from search_api.exports.pictures import STYLE, Picture, picture, positions
from search_api.exports.rows import LEAD, TASK_HEADER, as_of, marks, task_rows, unit_name

if TYPE_CHECKING:
    from search_api.builds.datadir import BuildDir
    from search_api.exports.filters import Cut
    from search_api.exports.registry import ExportRequest

CYTOSCAPE = "web/vendor/cytoscape/cytoscape.min.js"
SHAPES = {"Section": "rectangle", "Article": "rectangle", "Task": "round-rectangle", "Unit": "ellipse", "UnitGroup": "octagon"}
EDGE_COLORS = {"lead": "#C55A11", "cooperating": "#2F5597", "member": "#548235", "part": "#7F7F7F"}

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 0; color: #222; }}
header {{ padding: 12px 20px; background: #1F3864; color: white; }}
header h1 {{ font-size: 20px; margin: 0 0 4px; }}
main {{ padding: 12px 20px; }}
#graph {{ width: 100%; height: 70vh; border: 1px solid #bbb; background: white; }}
#details {{ min-height: 3em; padding: 8px; background: #F2F2F2; margin: 8px 0 16px; white-space: pre-wrap; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 24px; font-size: 14px; }}
th, td {{ border: 1px solid #ccc; padding: 4px 6px; vertical-align: top; text-align: left; }}
th {{ background: #DDEBF7; position: sticky; top: 0; }}
td.status-已逾期 {{ color: #C00000; font-weight: bold; }}
input[type=search] {{ width: 20em; padding: 4px; margin: 4px 0 8px; }}
@media print {{ #graph, #details, input {{ display: none; }} }}
</style>
</head>
<body>
<header><h1>{title}</h1><div>{subtitle}</div></header>
<main>
<h2>关系图</h2>
<p>拖动平移，滚轮缩放，点击节点查看全文。{legend}</p>
<div id="graph"></div>
<div id="details">（点击图中节点）</div>
<h2>重点任务（{task_count}项）</h2>
<input type="search" id="task-filter" placeholder="筛选任务、单位、时限…">
<table id="tasks"><thead><tr>{task_head}</tr></thead><tbody>
{task_rows}
</tbody></table>
<h2>责任单位（{body_count}个）</h2>
<table id="units"><thead><tr><th>单位</th><th>牵头任务</th><th>配合任务</th></tr></thead><tbody>
{unit_rows}
</tbody></table>
</main>
<script type="application/json" id="graph-data">{data}</script>
<script>{cytoscape}</script>
<script>
(function () {{
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var cy = cytoscape({{
    container: document.getElementById("graph"),
    elements: data.elements,
    layout: {{ name: "preset", fit: true, padding: 20 }},
    style: [
      {{ selector: "node", style: {{
          "shape": "data(shape)", "background-color": "data(color)", "label": "data(label)",
          "width": "data(w)", "height": "data(h)", "text-wrap": "wrap", "text-valign": "center",
          "font-size": "data(fs)", "font-family": "Noto Sans CJK SC, Microsoft YaHei, sans-serif",
          "border-width": "data(border)", "border-color": "#C00000" }} }},
      {{ selector: "edge", style: {{
          "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 1.5,
          "line-color": "data(color)", "target-arrow-color": "data(color)", "line-style": "data(line)" }} }},
      {{ selector: ":selected", style: {{ "overlay-color": "#FFC000", "overlay-opacity": 0.3 }} }}
    ]
  }});
  cy.on("tap", "node", function (event) {{
    var node = event.target.data();
    document.getElementById("details").textContent = node.kind + "　" + node.text;
  }});
  window.cy = cy;
  document.body.setAttribute("data-graph-ready", String(cy.nodes().length));
  var filter = document.getElementById("task-filter");
  filter.addEventListener("input", function () {{
    var needle = filter.value.trim();
    document.querySelectorAll("#tasks tbody tr").forEach(function (row) {{
      row.style.display = !needle || row.textContent.indexOf(needle) >= 0 ? "" : "none";
    }});
  }});
}})();
</script>
</body>
</html>
"""

KIND_ZH = {"Section": "部分", "Article": "条款", "Task": "任务", "Unit": "单位", "UnitGroup": "单位组"}


def elements(pic: Picture) -> list[dict]:
    """Cytoscape elements (nodes with Graphviz positions and sizes, then edges) of a picture."""
    ids = {node: f"n{index}" for index, node in enumerate(sorted(pic.nodes))}
    placed = positions(pic)
    items: list[dict] = []
    for node in sorted(pic.nodes):
        kind, label, text = pic.nodes[node]
        x, y, w, h = placed.get(node, (0.0, 0.0, 80.0, 40.0))
        items.append(
            {
                "group": "nodes",
                "data": {
                    "id": ids[node],
                    "iri": node,
                    "kind": KIND_ZH.get(kind, kind),
                    "label": "\n".join(label),
                    "text": text,
                    "shape": SHAPES[kind],
                    "color": "#FFD966" if node in pic.focus else STYLE[kind]["fillcolor"],
                    "border": 3 if node in pic.focus else 0,
                    "fs": int(STYLE[kind]["fontsize"]),
                    "w": round(w, 1),
                    "h": round(h, 1),
                },
                "position": {"x": round(x, 1), "y": round(y, 1)},
            }
        )
    for index, (source, target, key) in enumerate(pic.edges):
        items.append(
            {
                "group": "edges",
                "data": {
                    "id": f"e{index}",
                    "source": ids[source],
                    "target": ids[target],
                    "role": key,
                    "color": EDGE_COLORS.get(key, "#7F7F7F"),
                    "line": "dashed" if key == "cooperating" else "dotted" if key == "member" else "solid",
                },
            }
        )
    return items


def script_json(value: object) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>`` can close it early).

    >>> script_json({"a": "</script>"})
    '{"a": "<\\\\/script>"}'
    """
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def _cell(value: object, css: str = "") -> str:
    attribute = f' class="{css}"' if css else ""
    return f"<td{attribute}>{html.escape(str(value))}</td>"


def page(cut: Cut, pic: Picture) -> str:
    """The page's HTML."""
    script = files("search_api").joinpath(CYTOSCAPE).read_text(encoding="utf-8")
    rows = task_rows(cut)
    task_html = "\n".join(
        "<tr>" + "".join(_cell(v, f"status-{v}" if i == 5 else "") for i, v in enumerate(r.cells())) + "</tr>"
        for r in rows
    )
    table = marks(cut)
    unit_html = "\n".join(
        "<tr>"
        + _cell(unit_name(cut, body))
        + _cell("、".join(str(n) for (_d, n), m in row.items() if m == LEAD))
        + _cell("、".join(str(n) for (_d, n), m in row.items() if m != LEAD))
        + "</tr>"
        for body, row in table.items()
    )
    title = f"PolicyKG · {cut.title}"
    documents = "；".join(doc.title for doc in cut.corpus.documents)
    return PAGE.format(
        title=html.escape(title),
        subtitle=html.escape(f"{documents}　状态按 {as_of(cut)} 计"),
        legend=html.escape("橙色：牵头　蓝色虚线：配合　绿色点线：单位组成员；黄色：所选单位"),
        task_count=len(rows),
        task_head="".join(f"<th>{html.escape(h)}</th>" for h in TASK_HEADER),
        task_rows=task_html,
        body_count=len(table),
        unit_rows=unit_html,
        data=script_json({"elements": elements(pic)}),
        cytoscape=script.replace("</script", "<\\/script"),
    )


def render_html(build: BuildDir, request: ExportRequest) -> bytes:
    """The standalone page (UTF-8)."""
    cut = cut_build(build, request)
    return page(cut, picture(network(build, cut), cut)).encode("utf-8")
