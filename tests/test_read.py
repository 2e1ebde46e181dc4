"""Reading bytes: encodings detected from content, formats by suffix, bad input named with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import BinaryContent, EmptyDocument, UnknownFormat
from ingest.read import decode_text, read_document
from tests.conftest import DATA


def test_gb18030_is_detected_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    text = read_document(DATA / "district_gb18030_pipe_cells.txt")
    assert text.startswith("某某区关于加强特种设备安全工作的意见\r\n（征求意见稿）")
    renamed = tmp_path / "utf8-named.txt"
    renamed.write_bytes((DATA / "district_gb18030_pipe_cells.txt").read_bytes())
    assert read_document(renamed) == text


def test_utf8_bom_and_crlf_are_kept_verbatim() -> None:
    assert decode_text("\ufeff第一条\r\n".encode()) == "第一条\r\n"


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("某某县关于加强燃气安全的实施意见")
    document.add_paragraph("一、总体要求")
    document.add_paragraph("（一）工作目标。县住建局要每月至少开展1次燃气安全检查。")
    document.add_paragraph("重点任务分工方案")
    table = document.add_table(rows=2, cols=4)
    for cell, value in zip(table.rows[0].cells, ["序号", "主要任务", "牵头单位", "完成时限"], strict=True):
        cell.text = value
    for cell, value in zip(table.rows[1].cells, ["1", "开展燃气安全检查", "县住建局", "2019年"], strict=True):
        cell.text = value
    path = tmp_path / "policy.docx"
    document.save(path)
    text = read_document(path)
    assert "（一）工作目标。" in text
    assert "| 1 | 开展燃气安全检查 | 县住建局 | 2019年 |" in text


@pytest.mark.parametrize(
    ("name", "payload", "error"),
    [
        ("empty.txt", b"", EmptyDocument),
        ("blank.txt", "\u3000\r\n  \n".encode(), EmptyDocument),
        ("image.txt", bytes(range(256)) * 8, BinaryContent),
        ("table.xls", b"\xd0\xcf\x11\xe0 not supported", UnknownFormat),
        ("broken.docx", b"PK\x03\x04 truncated zip", Exception),
    ],
)
def test_bad_inputs_name_the_file_and_the_reason(
    tmp_path: Path, name: str, payload: bytes, error: type[Exception]
) -> None:
    path = tmp_path / name
    path.write_bytes(payload)
    with pytest.raises(error) as raised:
        read_document(path)
    assert name in str(raised.value)
