"""Task tables in every layout we meet: the seed's one-cell-per-line, pipe cells, Markdown, one row per line."""

from __future__ import annotations

from ingest.deadlines import parse_deadline
from ingest.lines import split_lines
from ingest.read import read_document
from ingest.tables import parse_task_table
from tests.conftest import DATA


def _table(text: str):
    return parse_task_table(text, split_lines(text))


def test_seed_table_has_57_rows_with_spans(seed_text: str) -> None:
    table = _table(seed_text)
    assert table.title.endswith("重点任务分工方案")
    assert table.columns == ("序号", "主要任务", "牵头单位", "完成时限")
    assert [row.number for row in table.rows] == list(range(1, 58))
    assert table.warnings == ()
    row37 = table.rows[36]
    assert "电梯" in row37.text.text
    assert row37.lead.text.startswith("区编办、区发展改革局、区住建局")
    assert row37.deadline.text == "2018年"
    for row in table.rows:
        for cell in (row.text, row.lead, row.deadline):
            assert seed_text[cell.span.start : cell.span.end] == cell.text
    deadlines = [row.deadline.text for row in table.rows]
    assert deadlines.count("长期") == 8 and deadlines.count("2019年") == 3 and deadlines.count("2020年") == 3


def test_markdown_table_with_groups_and_restarting_numbers() -> None:
    table = _table((DATA / "county_policy_markdown.md").read_text(encoding="utf-8"))
    assert [(r.label, r.group) for r in table.rows] == [
        ("1", "一 危险化学品整治"),
        ("2", "一 危险化学品整治"),
        ("1", "二 道路交通"),
    ]
    assert [r.lead.text for r in table.rows] == ["县应急管理局", "县应急局、县市场监管局", "县交通运输局"]
    assert [r.co.text for r in table.rows] == ["各乡镇人民政府", "县公安局", "县公安局、各乡镇人民政府"]
    assert [r.deadline.text for r in table.rows] == ["2019年6月底前", "持续推进", "2018—2020 年"]


def test_gb18030_table_with_cells_ending_in_pipes() -> None:
    text = read_document(DATA / "district_gb18030_pipe_cells.txt")
    table = _table(text)
    assert [(r.number, r.lead.text, r.deadline.text) for r in table.rows] == [
        (1, "区市场监管局、区住建局", "2019年"),
        (2, "区市场监督管理局", "长期"),
    ]


def test_one_row_per_line_with_tabs_and_a_truncated_last_row() -> None:
    text = "重点任务分工\n序号\t工作内容\t牵头单位\t配合单位\t完成时限\n1\t建立隐患排查治理台账\t县应急管理局\t各镇\t2018年底前\n2\t开展燃气安全专项整治\t县住建局"
    table = _table(text)
    assert [r.number for r in table.rows] == [1, 2]
    assert table.rows[0].co.text == "各镇"
    assert table.rows[1].deadline is None and "deadline" in table.rows[1].missing
    assert any("row 2" in w and "truncated" in w for w in table.warnings)


def test_header_without_rows_is_a_warning_not_an_error() -> None:
    table = _table("任务分工方案\n序号\n主要任务\n牵头单位\n完成时限\n")
    assert table.rows == () and table.warnings


def test_deadline_forms() -> None:
    assert parse_deadline("2018年底前").due == "2018-12-31"
    assert parse_deadline("6月底前", default_year=2019).due == "2019-06-30"
    assert parse_deadline("持续推进").ongoing and parse_deadline("长期").due is None
    ranged = parse_deadline("2018—2020 年")
    assert (ranged.year, ranged.end_year) == (2018, 2020)
    assert parse_deadline("二〇一九年三月").due == "2019-03-31"
