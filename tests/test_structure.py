"""The numbering ladder, titles and metadata on the seed and on documents in other layouts."""

from __future__ import annotations

import re

import pytest

from ingest.lines import split_lines
from ingest.metadata import read_metadata
from ingest.numerals import format_cn_int, parse_cn_int
from ingest.structure import build_sections, split_title, uses_law_numbering
from ingest.tables import parse_task_table
from tests.conftest import DATA

SEED_TITLES = {
    1: "指导思想",
    2: "目标任务",
    3: "严格落实各级党委、政府领导责任",
    22: "强化城市运行安全保障",
    24: "健全完善职业病防治体系",
    31: "高度重视，加强组织领导",
    33: "督促检查，强化跟踪问效",
}


def _seed_sections(seed_text: str):
    lines = split_lines(seed_text)
    table = parse_task_table(seed_text, lines)
    return build_sections(seed_text, lines, law=uses_law_numbering(lines), body_end=table.start)


def test_seed_has_seven_sections_and_33_articles(seed_text: str) -> None:
    sections = _seed_sections(seed_text)
    assert [s.number for s in sections] == list(range(1, 8))
    assert [s.title for s in sections][:2] == ["总体要求", "健全完善安全生产责任体系"]
    articles = [a for s in sections for a in s.articles]
    assert [a.number for a in articles] == list(range(1, 34))
    assert [len(s.articles) for s in sections] == [2, 6, 4, 6, 6, 6, 3]
    for number, title in SEED_TITLES.items():
        assert articles[number - 1].title == title


def test_seed_article_spans_quote_the_text(seed_text: str) -> None:
    for article in (a for s in _seed_sections(seed_text) for a in s.articles):
        printed = seed_text[article.span.start : article.span.end]
        assert printed.startswith(article.label)
        assert article.text and article.text in printed
        assert seed_text[article.span.end - len(article.text) : article.span.end] == article.text
    last = _seed_sections(seed_text)[-1].articles[-1]
    assert last.text.endswith("推动各项改革目标任务全面落实。")
    assert "重点任务分工方案" not in last.text


def test_seed_metadata(seed_text: str) -> None:
    meta = read_metadata(seed_text, split_lines(seed_text), fallback_title="x")
    assert meta.title == "王益区关于推进安全生产领域改革发展的实施意见"
    assert meta.status == "征求意见稿"
    # 中发〔2016〕32号 is the central document the preamble cites, not a number of the seed's own
    assert meta.doc_numbers == ()


def test_markdown_policy_with_cover_letter_and_ascii_brackets() -> None:
    text = (DATA / "county_policy_markdown.md").read_text(encoding="utf-8")
    lines = split_lines(text)
    meta = read_metadata(text, lines, fallback_title="x")
    assert meta.doc_numbers[0] == "某政办发〔2019〕12号"
    assert meta.date == "2019-03-05"
    table = parse_task_table(text, lines)
    sections = build_sections(text, lines, law=False, body_end=table.start)
    assert [(s.number, s.title) for s in sections] == [(1, "总体要求"), (2, "主要任务")]
    articles = [a for s in sections for a in s.articles]
    assert [(a.number, a.label, a.title) for a in articles] == [
        (1, "(一)", "指导思想"),
        (2, "(二)", "工作目标"),
        (3, "(三)", "开展危险化学品专项整治"),
        (4, "(四)", "加强道路交通安全"),
    ]
    assert articles[1].text.startswith("到2020年")  # title alone on its line, body on the next
    assert "（1）重点检查储存环节" in articles[2].text  # items stay inside their article


def test_law_style_rules_with_crlf_and_ideographic_spaces() -> None:
    text = (DATA / "city_rules_law_style.txt").read_text(encoding="utf-8")
    lines = split_lines(text)
    assert uses_law_numbering(lines)
    sections = build_sections(text, lines, law=True, body_end=len(text))
    assert [(s.number, s.title) for s in sections] == [(1, "总　则"), (2, "监督管理")]
    articles = [a for s in sections for a in s.articles]
    assert [a.number for a in articles] == [1, 2, 3, 4, 5]
    assert articles[1].text.startswith("本细则适用于")  # 第二条：
    assert all("\r" not in a.text for a in articles)


def test_laws_chapter_and_article_counts(laws_dir) -> None:
    sources = (laws_dir / "SOURCES.md").read_text(encoding="utf-8")
    expected = {
        m[1]: (int(m[2]), int(m[3]))
        for m in re.finditer(r"\| (\S+?\.md)[^|]*\|.*?\| (\d+) 章[^/]*/ (\d+) 条 \|", sources)
    }
    assert len(expected) == 9
    for name, (chapters, article_count) in expected.items():
        text = (laws_dir / name).read_text(encoding="utf-8")
        lines = split_lines(text)
        assert uses_law_numbering(lines), name
        sections = build_sections(text, lines, law=True, body_end=len(text))
        assert len(sections) == chapters, name
        numbers = [a.number for s in sections for a in s.articles]
        assert numbers == list(range(1, article_count + 1)), name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("指导思想。以…", ("指导思想", 5)),
        ("为了加强安全生产工作，防止和减少生产安全事故，保障人民群众生命安全。", ("", 0)),
    ],
)
def test_split_title(text: str, expected: tuple[str, int]) -> None:
    assert split_title(text) == expected


def test_numerals_round_trip() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    @given(st.integers(min_value=0, max_value=99999))
    def round_trip(value: int) -> None:
        assert parse_cn_int(format_cn_int(value)) == value

    round_trip()


def test_items_inside_articles() -> None:
    text = (DATA / "county_policy_markdown.md").read_text(encoding="utf-8")
    lines = split_lines(text)
    table = parse_task_table(text, lines)
    articles = [a for s in build_sections(text, lines, law=False, body_end=table.start) for a in s.articles]
    items = articles[2].items
    assert [(i.level, i.number, i.label) for i in items] == [
        (3, 1, "1."),
        (3, 2, "2."),
        (4, 1, "（1）"),
        (4, 2, "（2）"),
    ]
    assert items[0].text == "摸清底数。各乡镇要建立企业台账。"
    assert all(text[i.span.start : i.span.end] == i.text for i in items)
