"""Duty lists (issue 13): 职责规定 / 部门职责 / 责任清单 headings give the bearer of the duties listed under them.

The three documents in tests/data/duty_lists are written for these tests, one layout each, for an invented
district (青石区) and township (松岭乡): ``第六条 区公安分局工作职责：`` with （一）（二） items;
``（二）乡长安全生产职责`` with 1、2、 items; ``二、区住建局：负责…；负责…。`` with the duties run on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.duty_lists import find_duty_headings, is_duty_list
from ingest.lines import split_lines
from ingest.model import Document
from ingest.pipeline import ingest_paths
from tests.conftest import DATA, LAWS, REGULATIONS, seed_path
from tests.test_inputs import run_cli

DUTY_LISTS = DATA / "duty_lists"
RULES = DUTY_LISTS / "青石区安全生产工作职责规定.txt"  # 第X条 <body>工作职责： （一）…
TOWNSHIP = DUTY_LISTS / "松岭乡安全生产工作职责规定（试行）.txt"  # （一）<post>安全生产职责 1、…
CHECKLIST = DUTY_LISTS / "青石区有关部门安全生产监管责任清单.txt"  # 一、<body>：负责…；负责…。


def _document(path: Path) -> tuple[Document, dict[str, str]]:
    corpus, failures = ingest_paths([path])
    assert not failures
    (document,) = corpus.documents
    return document, {unit.id: unit.name for unit in corpus.units}


def _by_article(document: Document) -> dict[str, list[tuple[str, tuple[str | None, ...], tuple[str | None, ...]]]]:
    """Article label → (obligation text, bearer unit ids, bearer roles)."""
    return {
        article.label: [
            (ob.text, tuple(b.unit_id for b in ob.bearers), tuple(b.role for b in ob.bearers))
            for ob in article.obligations
        ]
        for article in document.articles()
    }


def test_article_duties_are_borne_by_the_body_its_heading_names() -> None:
    document, units = _document(RULES)
    assert document.kind == "policy"  # a district's 职责规定 is numbered like a law, but its bodies answer
    articles = _by_article(document)
    heads = {"第四条": "区应急管理局", "第五条": "区住房和城乡建设局", "第六条": "区公安分局", "第七条": "区市场监督管理局"}
    for label, body in heads.items():
        assert articles[label], label
        for text, unit_ids, _roles in articles[label]:
            assert [units[u] for u in unit_ids if u] == [body], (label, text)
    # an item with no modal word is still a duty of its heading
    assert any(text.startswith("组织或者参与生产安全事故的调查处理") for text, _, _ in articles["第四条"])
    # the bearer's span is the heading's name, in the document's text
    bearer = document.articles()[5].obligations[0].bearers[0]
    assert document.text[bearer.span.start : bearer.span.end] == "区公安分局"
    # the articles that are not duty lists keep what the sentence reader found
    assert all(not unit_ids for _, unit_ids, _ in articles["第一条"])


def test_posts_bear_their_duties_as_roles() -> None:
    document, _units = _document(TOWNSHIP)
    duties = {
        article.title: [(ob.text, [(b.unit_id, b.role) for b in ob.bearers]) for ob in article.obligations]
        for article in document.articles()
    }
    for title, post in (
        ("乡党委书记安全生产职责", "乡党委书记"),
        ("乡长安全生产职责", "乡长"),
        ("分管安全生产副乡长安全生产职责", "分管安全生产副乡长"),
        ("其他副乡长安全生产职责", "其他副乡长"),
    ):
        assert duties[title], title
        assert all(bearers == [(None, post)] for _, bearers in duties[title]), title
    texts = [text for text, _ in duties["乡党委书记安全生产职责"]]
    assert texts[0] == "对全乡安全生产工作负总责"  # the item names no subject: the heading does
    assert "协助乡长抓好全乡安全生产综合监督管理工作，对安全生产工作负综合监管领导责任" in [
        text for text, _ in duties["分管安全生产副乡长安全生产职责"]
    ]
    # 二、乡领导班子成员安全生产职责 only groups the headings below it; 一、总体要求 names nobody
    assert all(not bearers for _, bearers in duties["工作原则"])


def test_run_on_duties_after_a_colon_are_one_duty_a_sentence() -> None:
    document, units = _document(CHECKLIST)
    articles = _by_article(document)
    assert [text for text, _, _ in articles["二、"]] == [
        "负责房屋建筑和市政工程施工安全监督管理",
        "负责城镇燃气安全监督管理",
        "指导住宅小区物业企业开展消防安全检查",
    ]
    for article in document.articles():
        assert article.obligations
        for ob in article.obligations:
            assert [units[b.unit_id] for b in ob.bearers if b.unit_id] == [article.title]


def test_headings_are_read_from_the_layout_not_the_words() -> None:
    text = (
        "三、部门职责\n（一）区财政局\n1. 将安全生产经费列入预算；\n2. 监督经费使用。\n"
        "（二）区消防救援大队工作职责：依法开展消防监督检查；指导社区消防宣传。\n"
        "（三）加强组织领导。各部门要落实责任。\n"
    )
    found = find_duty_headings(text, split_lines(text), title="某某区实施意见", body_end=len(text))
    assert [(h.text, [text[s.start : s.end] for s in h.items]) for h in found] == [
        ("区财政局", ["将安全生产经费列入预算", "监督经费使用"]),
        ("区消防救援大队", ["依法开展消防监督检查", "指导社区消防宣传"]),
    ]
    plain = "（一）区财政局\n1. 将安全生产经费列入预算。\n"  # a bare name heads duties only in a duty list
    assert find_duty_headings(plain, split_lines(plain), title="某某区实施意见", body_end=len(plain)) == ()
    task = "（一）严格落实党委政府领导责任\n1. 党委和政府要定期研究安全生产。\n（二）加强组织领导：各部门要落实责任。\n"
    assert find_duty_headings(task, split_lines(task), title="某某区安全生产职责规定", body_end=len(task)) == ()
    assert is_duty_list("某某县安全生产职责清单") and not is_duty_list("某某县安全生产工作要点")


@pytest.mark.parametrize(
    "path", [seed_path(), *sorted(LAWS.glob("*.md")), *sorted(REGULATIONS.glob("*.md"))], ids=lambda p: p.stem
)
def test_documents_that_are_not_duty_lists_have_no_duty_headings(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert find_duty_headings(text, split_lines(text), title=path.stem, body_end=len(text)) == ()


# -- the faces: ask, unit, export -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def duty_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from search_api.builds.make import run_build

    data_dir = tmp_path_factory.mktemp("duty-lists") / "data"
    result = run_build([DUTY_LISTS], data_dir=data_dir)
    assert result.path is not None and not result.failures
    return data_dir


def _ask(data: Path, question: str) -> dict:
    status, out, _ = run_cli("ask", question, "--json", "--data", str(data))
    assert status == 0, out
    return json.loads(out)


def test_ask_names_the_heading_body_with_the_duty_as_evidence(duty_data: Path) -> None:
    answer = _ask(duty_data, "谁负责燃气安全")
    assert answer["confidence"] == "direct"
    assert [unit["name"] for unit in answer["units"]] == ["区住房和城乡建设局"]  # 区住建局 in the 清单
    evidence = answer["units"][0]["evidence"]
    assert {item["kind"] for item in evidence} == {"obligation"}
    assert {item["text"] for item in evidence} >= {"负责城镇燃气安全监督管理", "负责城镇燃气行业的安全监督管理"}

    roads = _ask(duty_data, "谁负责道路交通安全")
    assert {unit["name"] for unit in roads["units"]} == {"区交通运输局", "区公安分局"}
    # a post (a role, not a unit) answers too, with its duty
    forest = _ask(duty_data, "谁负责森林防火")
    posts = [unit for unit in forest["units"] if unit["name"] == "分管安全生产副乡长"]
    assert posts and posts[0]["evidence"][0]["text"] == "组织开展烟花爆竹、森林防火等季节性安全专项整治"


def test_unit_lists_the_duties_of_its_headings(duty_data: Path) -> None:
    status, out, _ = run_cli("unit", "区住建局", "--json", "--data", str(duty_data))
    assert status == 0
    profile = json.loads(out)
    texts = {item["text"] for item in profile["obligations"]}
    assert {
        "负责城镇燃气安全监督管理",
        "指导住宅小区物业企业开展消防安全检查",
        "负责城镇燃气行业的安全监督管理",
        "指导物业服务企业做好住宅小区共用设施设备的日常安全管理",
    } <= texts
    status, out, _ = run_cli("unit", "区公安分局", "--data", str(duty_data))
    assert status == 0 and "负责民用爆炸物品和烟花爆竹运输、燃放环节的公共安全管理" in out


def test_exports_cut_by_unit_keep_its_duties(duty_data: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "公安分局.xlsx"
    status, _, err = run_cli(
        "export", "--format", "xlsx", "--unit", "区公安分局", "--out", str(target), "--data", str(duty_data)
    )
    assert status == 0, err
    sheet = load_workbook(target)["义务"]
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]
    assert {row[2] for row in rows} == {"区公安分局"}  # 义务主体
    assert "负责本区道路交通安全管理" in {row[6] for row in rows} and len(rows) == 5
