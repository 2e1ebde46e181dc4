"""Metadata as printed (title, 文号, issuer, date, the notice that wraps a policy) on documents in real layouts.

The documents in tests/data/metadata are written for these tests in the layouts real notices use (web pages
with chrome, two-line titles, letterheads, cover-only notices, 征求意见稿 letters, replies without a title);
``expected.json`` says what a reader sees printed in each.
"""

from __future__ import annotations

import json

import pytest

from ingest.lines import split_lines
from ingest.metadata import is_chrome, looks_like_title, parse_date, read_metadata
from ingest.pipeline import assemble, parse_document
from ingest.read import read_document
from ingest.serialize import corpus_from_data, corpus_to_data
from tests.conftest import DATA

METADATA = DATA / "metadata"
EXPECTED: dict[str, dict[str, str | None]] = json.loads(
    (METADATA / "expected.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_as_printed(name: str) -> None:
    path = METADATA / name
    document = parse_document(read_document(path), source=str(path)).document
    want = EXPECTED[name]
    got = {
        "title": document.title,
        "doc_number": document.doc_numbers[0] if document.doc_numbers else "",
        "issuer": document.issuer or "",
        "date": document.date or "",
        "notice": None if document.notice is None else (document.notice.title or ""),
    }
    assert got == want


def test_notice_span_quotes_the_notice_and_round_trips_through_json() -> None:
    path = METADATA / "letterhead_notice.md"
    text = read_document(path)
    document = parse_document(text, source=str(path)).document
    assert document.notice is not None
    printed = text[document.notice.span.start : document.notice.span.end]
    assert printed.startswith("某某县人民政府办公室\n关于印发")
    assert "现将《某某县危险化学品安全专项整治实施方案》印发给你们" in printed
    assert "为深入贯彻落实" not in printed  # the carried policy is not part of the notice
    assert document.notice.doc_numbers == ("某政办发〔2021〕7号",)
    assert (document.notice.issuer, document.notice.date) == ("某某县人民政府办公室", "2021-04-08")
    corpus = assemble([parse_document(text, source=str(path))])
    data = corpus_to_data(corpus)
    assert data["documents"][0]["notice"]["title"].endswith("实施方案》的通知")
    assert corpus_from_data(data).documents[0].notice == document.notice


def test_cited_numbers_are_not_the_documents_own() -> None:
    path = METADATA / "reply_without_title.txt"
    document = parse_document(read_document(path), source=str(path)).document
    assert document.doc_numbers == ()  # 某化〔2021〕12号 is the request it answers
    assert (
        any(c.doc_number == "某化〔2021〕12号" for c in document.citations)
        or "某化〔2021〕12号" in document.text
    )


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("二〇一八年一月五日", "2018-01-05"),
        ("二OO九年三月十二日", "2009-03-12"),
        ("二零一九年十二月二十八日", "2019-12-28"),
        ("2020年06月03日", "2020-06-03"),
        ("2022-06-24", "2022-06-24"),
        ("第十三条", None),
    ],
)
def test_dates_in_arabic_and_chinese_numerals(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    "line",
    [
        "您当前所在位置:首页>政策文件>正文",
        "朗读 无障碍浏览",
        "【字号 大 中 小】【打印】【关闭】",
        "打印 关闭",
        '<div class="x">',
        "版权所有：某某县人民政府",
        "政策文件",
    ],
)
def test_site_chrome_is_recognised(line: str) -> None:
    assert is_chrome(line)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("国务院、中央军委关于军民合用", False),
        ("某某县人民政府办公室", False),
        ("现将《某某办法》印发给你们，请认真贯彻执行。", False),
        ("你公司《关于申请许可证延续的请示》收悉。", False),
        ("一、总体要求", False),
        ("某某市安全生产工作职责规定（试行）", True),
        ("某某区关于推进安全生产领域改革发展的实施意见", True),
    ],
)
def test_what_reads_as_a_title(text: str, title: bool) -> None:
    assert looks_like_title(text) is title


def test_a_title_header_key_is_not_part_of_the_title() -> None:
    text = "标　　题：某某市应急管理局关于做好防汛工作的通知\n发文字号：某应急〔2020〕9号\n\n正文。\n"
    meta = read_metadata(text, split_lines(text), fallback_title="x")
    assert meta.title == "某某市应急管理局关于做好防汛工作的通知"
    assert meta.doc_numbers == ("某应急〔2020〕9号",)
