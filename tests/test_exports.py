"""Every export format from the seed, whole and cut by 区住建局 and by 电梯, re-opened with its own reader.

The standalone HTML is opened in headless Chromium (Debian's /usr/bin/chromium, never a downloaded browser)
and must draw the graph offline; screenshots go to tests/screenshots/ (gitignored) for a look by eye.

The seed is built once per session into a temporary data directory; each (format, filter) is rendered once
and cached. Pictures need Debian's graphviz and fonts-noto-cjk (``make sysdeps``): without them these tests
fail, they never skip; so does the browser test without Chromium.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import openpyxl
import pytest
from PIL import Image
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from search_api.builds.datadir import BuildDir, open_build
from search_api.exports import rdf
from search_api.exports.filters import UnknownFilter, cut_build
from search_api.exports.graphs import network
from search_api.exports.pictures import GraphvizMissing, cut_picture, dot_source, run_dot
from search_api.exports.registry import EXPORTERS, ExportRequest
from search_api.exports.tables import GAP_FILL, LEAD_FILL
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, TASK_37_LEAD_UNITS

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
AS_OF = "2019-06-30"
FILTERS = {
    "all": ExportRequest(as_of=AS_OF),
    "unit": ExportRequest(unit="区住建局", as_of=AS_OF),
    "topic": ExportRequest(topic="电梯", as_of=AS_OF),
}
FORMATS = (
    "json",
    "turtle",
    "ttl",
    "nt",
    "jsonld",
    "rdfxml",
    "graphml",
    "gexf",
    "csv",
    "xlsx",
    "svg",
    "png",
    "html",
    "report",
)
RDF_PARSER = {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
ZJ_TASKS = [3, 8, 12, 30, 31, 32, 34, 36, 37, 38]
GAP_ARTICLES = [
    "（一）",
    "（二）",
    "（三）",
    "（六）",
    "（十三）",
    "（十四）",
    "（三十一）",
    "（三十二）",
    "（三十三）",
]


@pytest.fixture(scope="session")
def build(seed_data_dir: Path) -> BuildDir:
    """The session's build of the seed corpus (shared with the other test modules)."""
    built = open_build(seed_data_dir)
    assert built.manifest["counts"]["tasks"] == 57
    return built


@pytest.fixture(scope="session")
def rendered(build: BuildDir):
    cache: dict[tuple[str, str], bytes] = {}

    def render(fmt: str, which: str) -> bytes:
        if (fmt, which) not in cache:
            cache[fmt, which] = EXPORTERS[fmt].render(build, FILTERS[which])
        return cache[fmt, which]

    return render


@pytest.fixture(scope="session")
def graphs(build: BuildDir) -> dict[str, Graph]:
    return {which: rdf.export_graph(build, request) for which, request in FILTERS.items()}


@pytest.fixture(scope="session")
def full_graph(graphs: dict[str, Graph]) -> Graph:
    return graphs["all"]


def test_registry_names_are_the_contract() -> None:
    assert set(FORMATS) <= set(EXPORTERS)
    for name, exporter in EXPORTERS.items():
        assert exporter.name == name and exporter.suffix.startswith(".") and "/" in exporter.media_type


def _reopen(fmt: str, data: bytes) -> object:
    """The format's own reader; raises when the bytes are not a valid file of that format."""
    if fmt == "json":
        return json.loads(data)
    if fmt in RDF_PARSER:
        return Graph().parse(data=data, format=RDF_PARSER[fmt])
    if fmt == "graphml":
        return nx.read_graphml(io.BytesIO(data))
    if fmt == "gexf":
        return nx.read_gexf(io.BytesIO(data))
    if fmt == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    if fmt == "xlsx":
        return openpyxl.load_workbook(io.BytesIO(data))
    if fmt == "svg":
        return ET.fromstring(data)
    if fmt == "png":
        image = Image.open(io.BytesIO(data))
        image.load()
        return image
    text = data.decode("utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    return text


@pytest.mark.parametrize("which", sorted(FILTERS))
@pytest.mark.parametrize(
    "fmt", [f for f in FORMATS if f not in RDF_PARSER]
)  # RDF: test_rdf_reparses_isomorphic
def test_every_format_reopens(rendered, fmt: str, which: str) -> None:
    data = rendered(fmt, which)
    assert data
    assert _reopen(fmt, data) is not None


# RDF ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", sorted(FILTERS))
@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "rdfxml"])
def test_rdf_reparses_isomorphic(rendered, graphs, fmt: str, which: str) -> None:
    expected = graphs[which]
    parsed = Graph().parse(data=rendered(fmt, which), format=RDF_PARSER[fmt])
    assert len(parsed) == len(expected)
    assert isomorphic(parsed, expected)


def test_rdf_full_is_the_build_graph(build, rendered, full_graph) -> None:
    assert len(full_graph) == build.manifest["steps"]["graph"]["triples"]
    assert rendered("ttl", "unit") == rendered("turtle", "unit")  # an alias, the same bytes


@pytest.mark.parametrize("which", ["unit", "topic"])
def test_rdf_cut_is_a_subgraph_with_the_right_tasks(graphs, full_graph, which: str) -> None:
    cut = graphs[which]
    assert all(triple in full_graph for triple in cut)
    pkg = "https://w3id.org/policykg/ontology#"
    tasks = {
        int(n)
        for t in cut.subjects(URIRef(pkg + "number"), None)
        for n in cut.objects(t, URIRef(pkg + "number"))
        if "/task/" in str(t)
    }
    assert sorted(tasks) == (ZJ_TASKS if which == "unit" else [37])


def test_jsonld_has_a_compact_context(rendered) -> None:
    document = json.loads(rendered("jsonld", "topic"))
    assert document["@context"]["pkg"] == "https://w3id.org/policykg/ontology#"
    types = {
        t
        for node in document["@graph"]
        for t in ([node["@type"]] if isinstance(node.get("@type"), str) else node.get("@type", []))
    }
    assert "pkg:Task" in types


# Graph files ---------------------------------------------------------------------------------------------


def _lead_bodies(graph: nx.DiGraph) -> set[str]:
    bodies: set[str] = set()
    for _source, target, data in graph.edges(data=True):
        if data["role"] == "lead":
            kind = graph.nodes[target]["kind"]
            if kind == "UnitGroup":
                bodies |= {
                    m for m in graph.successors(target) if "hasMember" in graph.edges[target, m]["rel"]
                }
            else:
                bodies.add(target)
    return bodies


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
@pytest.mark.parametrize("which", sorted(FILTERS))
def test_graph_files_read_back_same_nodes_edges_and_string_attributes(build, rendered, fmt, which) -> None:
    expected = network(build, cut_build(build, FILTERS[which]))
    read = _reopen(fmt, rendered(fmt, which))
    assert set(read.nodes) == set(expected.nodes)
    assert {(s, t) for s, t in read.edges()} == set(expected.edges())
    for _node, data in read.nodes(data=True):
        for key in ("label", "kind", "role"):
            assert isinstance(data[key], str), (key, data)
    for _s, _t, data in read.edges(data=True):
        assert isinstance(data["rel"], str) and isinstance(data["role"], str)


def test_graphml_counts_and_labels(rendered) -> None:
    graph = nx.read_graphml(io.BytesIO(rendered("graphml", "all")))
    kinds = [data["kind"] for _, data in graph.nodes(data=True)]
    assert kinds.count("Task") == 57
    bodies = _lead_bodies(graph)
    assert len(bodies) == 38
    labels = {graph.nodes[b]["label"] for b in bodies}
    assert {"区住建局", "黄堡镇", "各街道办事处", "区安监局"} <= labels
    (zj,) = [n for n, d in graph.nodes(data=True) if d["label"] == "区住建局"]
    assert graph.nodes[zj]["role"] == "lead" and graph.nodes[zj]["kind_zh"] == "单位"


def test_gexf_unit_cut(rendered) -> None:
    graph = nx.read_gexf(io.BytesIO(rendered("gexf", "unit")))
    tasks = sorted(d["label"] for _, d in graph.nodes(data=True) if d["kind"] == "Task")
    assert tasks == sorted(f"任务{n}" for n in ZJ_TASKS)
    task37 = next(d for _, d in graph.nodes(data=True) if d["label"] == "任务37")
    assert "电梯" in task37["text"] and task37["deadline"] == "2018年"


# Tables --------------------------------------------------------------------------------------------------


def test_csv_has_bom_header_and_all_tasks(rendered) -> None:
    data = rendered("csv", "all")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = _reopen("csv", data)
    assert rows[0] == ["序号", "重点任务", "牵头单位", "配合单位", "完成时限", "状态", "来源条款", "文件"]
    assert [int(r[0]) for r in rows[1:]] == list(range(1, 58))
    row37 = rows[37]
    assert tuple(row37[2].split("、")) == TASK_37_LEAD_UNITS
    assert row37[4] == "2018年" and row37[5] == "已逾期" and row37[6] == "（二十二）"


@pytest.mark.parametrize(("which", "numbers"), [("unit", ZJ_TASKS), ("topic", [37])])
def test_csv_filtered(rendered, which, numbers) -> None:
    rows = _reopen("csv", rendered("csv", which))
    assert [int(r[0]) for r in rows[1:]] == numbers


def test_xlsx_workbook(rendered) -> None:
    book = _reopen("xlsx", rendered("xlsx", "all"))
    assert book.sheetnames[:4] == ["任务", "责任矩阵", "条款×任务", "义务"]
    tasks = book["任务"]
    assert tasks.max_row == 58 and tasks.freeze_panes == "A2" and tasks.auto_filter.ref == "A1:H58"
    assert [c.value for c in tasks[1]][:7] == [
        "序号",
        "重点任务",
        "牵头单位",
        "配合单位",
        "完成时限",
        "状态",
        "来源条款",
    ]
    assert tasks["A38"].value == 37 and "电梯" in tasks["B38"].value
    assert 30 <= tasks.column_dimensions["B"].width <= 63  # long Chinese text: wide but wrapped
    assert tasks.column_dimensions["C"].width >= 20

    matrix = book["责任矩阵"]
    bodies = [row[0].value for row in matrix.iter_rows(min_row=2)]
    assert len(bodies) == 38 and matrix.freeze_panes == "D2"
    zj = next(row for row in matrix.iter_rows(min_row=2) if row[0].value == "区住建局")
    header = [c.value for c in matrix[1]]
    assert [header[c.column - 1] for c in zj[3:] if c.value == "牵头"] == [f"任务{n}" for n in ZJ_TASKS]
    assert zj[1].value == 10 and next(c for c in zj[3:] if c.value).fill.fgColor.rgb.endswith(LEAD_FILL)

    trace = book["条款×任务"]
    red = [
        row[1].value
        for row in trace.iter_rows(min_row=2, max_row=34)
        if row[0].fill.fgColor.rgb.endswith(GAP_FILL)
    ]
    assert red == GAP_ARTICLES
    article22 = next(row for row in trace.iter_rows(min_row=2, max_row=34) if row[1].value == "（二十二）")
    assert article22[3].value >= 1

    obligations = book["义务"]
    assert [c.value for c in obligations[1]] == ["文件", "条款", "义务主体", "情态", "频次", "时限", "原文"]
    assert obligations.max_row == 1 + 369
    assert "区住建局" in book.sheetnames and book["区住建局"].max_row >= 11


def test_xlsx_unit_cut_sheets(rendered) -> None:
    book = _reopen("xlsx", rendered("xlsx", "unit"))
    assert book["任务"].max_row == 11
    sheet = book["区住建局"]
    assert [sheet.cell(row=r, column=1).value for r in range(2, 12)] == ZJ_TASKS
    assert {sheet.cell(row=r, column=2).value for r in range(2, 12)} == {"牵头"}


# Pictures ------------------------------------------------------------------------------------------------


SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("which", "labels"),
    [("unit", {"区住建局", "任务37", "任务3"}), ("topic", {"任务37", "区住建局", "黄堡镇"})],
)
def test_svg_has_the_chinese_labels(rendered, which, labels) -> None:
    root = _reopen("svg", rendered("svg", which))
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert labels <= texts
    fonts = {t.get("font-family") for t in root.iter(f"{SVG}text")}
    assert fonts == {"Noto Sans CJK SC"}


def test_png_unit_subgraph_is_large_and_not_blank(rendered) -> None:
    data = rendered("png", "unit")
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "export-unit-区住建局.png").write_bytes(
        data
    )  # looked at by hand: labels readable, no tofu
    image = Image.open(io.BytesIO(data)).convert("L")
    width, height = image.size
    assert width >= 1000 and height >= 1000
    histogram = image.histogram()
    dark = sum(histogram[:128])
    assert dark > 0.01 * width * height  # text and edges drawn, not an empty canvas


def test_png_full_and_topic_sizes(rendered) -> None:
    full = Image.open(io.BytesIO(rendered("png", "all")))
    topic = Image.open(io.BytesIO(rendered("png", "topic")))
    assert full.size[1] > topic.size[1] and topic.size[0] >= 800


def test_picture_of_unit_shows_only_that_unit(build) -> None:
    picture = cut_picture(build, FILTERS["unit"])
    units = [label[0] for kind, label, _ in picture.nodes.values() if kind in ("Unit", "UnitGroup")]
    assert units == ["区住建局"]
    assert sum(kind == "Task" for kind, _, _ in picture.nodes.values()) == 10


def test_missing_graphviz_is_an_error(monkeypatch, build) -> None:
    monkeypatch.setattr("shutil.which", lambda _name: None)
    with pytest.raises(GraphvizMissing):
        run_dot(dot_source(cut_picture(build, FILTERS["topic"])), "svg")


# Report and filters --------------------------------------------------------------------------------------


def test_report_sections(rendered) -> None:
    text = _reopen("report", rendered("report", "all"))
    assert f"二、已逾期任务（截至 {AS_OF}）" in text
    assert '<td class="short">重点任务</td><td class="num">57</td>' in text
    assert '<td>牵头单位（单位组按成员计）</td><td class="num">38</td>' in text
    for label in GAP_ARTICLES:
        assert f'<td class="short">{label}</td>' in text
    assert '<td class="short">区安监局</td><td class="short">区应急管理局</td>' in text
    assert "<h3>区住建局（10项，" in text


def test_report_as_of_changes_overdue(build) -> None:
    early = EXPORTERS["report"].render(build, ExportRequest(topic="电梯", as_of="2018-06-30")).decode()
    late = EXPORTERS["report"].render(build, ExportRequest(topic="电梯", as_of="2019-01-01")).decode()
    assert '<td class="short">任务：未到期</td>' in early and "任务：已逾期" not in early
    assert '<td class="short">任务：已逾期</td>' in late


@pytest.mark.parametrize(
    "request_",
    [ExportRequest(unit="不存在的局"), ExportRequest(topic="量子计算机"), ExportRequest(doc="没有这个文件")],
)
def test_unknown_filter_is_a_404(build, request_) -> None:
    with pytest.raises(UnknownFilter) as error:
        cut_build(build, request_)
    assert error.value.status == 404 and error.value.code == "unknown_filter"


def test_doc_filter_and_combination(build) -> None:
    by_title = cut_build(build, ExportRequest(doc="王益区关于推进安全生产领域改革发展的实施意见"))
    assert sum(len(d.tasks) for d in by_title.corpus.documents) == 57
    both = cut_build(build, ExportRequest(unit="区住建局", topic="电梯"))
    assert [t.number for d in both.corpus.documents for t in d.tasks] == [37]
    assert both.title == "区住建局 · 电梯"


def test_cli_writes_the_workbook(build, tmp_path) -> None:
    from search_api.cli.main import main

    out = tmp_path / "住建局.png"
    data = build.path.parent.parent
    assert (
        main(["export", "--format", "png", "--unit", "区住建局", "--data", str(data), "--out", str(out)]) == 0
    )
    assert Image.open(out).size[0] >= 1000


# Standalone page in a browser ------------------------------------------------------------------------


def test_standalone_html_shows_the_graph_offline(build, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    page_bytes = EXPORTERS["html"].render(build, FILTERS["unit"])
    text = page_bytes.decode("utf-8")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=\"?https?:", text)  # nothing fetched
    assert text.count("<tr>") >= 10 + 1  # the task table (10 tasks) and the unit table
    path = tmp_path / "区住建局.html"
    path.write_bytes(page_bytes)
    expected = cut_picture(build, FILTERS["unit"])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-graph-ready]", timeout=10_000)
            assert errors == []
            assert [url for url in requests if not url.startswith("file:")] == []
            assert int(page.get_attribute("body", "data-graph-ready")) == len(expected.nodes)
            assert page.evaluate("cy.edges().length") == len(expected.edges)
            labels = page.evaluate("cy.nodes().map(n => n.data('label'))")
            assert "区住建局" in labels
            box = page.evaluate(
                "(() => { const b = cy.elements().renderedBoundingBox(); return [b.w, b.h]; })()"
            )
            assert box[0] > 300 and box[1] > 300  # fitted into the view, not a dot in a corner
            page.evaluate("cy.nodes().filter(n => n.data('label').startsWith('任务37'))[0].emit('tap')")
            assert "电梯" in page.text_content("#details")
            page.fill("#task-filter", "电梯")
            visible = page.evaluate(
                "[...document.querySelectorAll('#tasks tbody tr')].filter(r => r.style.display !== 'none').length"
            )
            assert visible == 1
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "export-html-区住建局.png"))
        finally:
            browser.close()
