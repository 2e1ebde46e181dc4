"""Document metadata: title, status (征求意见稿 …), issuer, document numbers and date.

Why heuristics over the first and last lines: official documents print the title first (after an optional
cover letter, 附件 label or web-page header block such as ``发文机关：``) and the issuer and date last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.lines import Line
from ingest.numerals import CN_NUMERAL_CHARS, parse_cn_int

STATUS_WORDS = ("征求意见稿", "送审稿", "讨论稿", "草案", "试行", "暂行", "修订稿", "代拟稿")
DOC_NUMBER_RE = re.compile(
    r"[\u4e00-\u9fa5]{1,12}[〔\[［﹝【(（]\s*(?:19|20)\d{2}\s*[〕\]］﹞】)）]\s*[0-9０-９]{1,4}\s*号"
)
_HEADER_FIELD = re.compile(
    r"^(?P<key>发文机关|发布机关|发文字号|文号|标题|名称|成文日期|发布日期|生成日期)\s*[:：]\s*(?P<value>.*)$"
)
_DATE_RE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|[{CN_NUMERAL_CHARS}]{{4}})\s*年\s*(?P<m>[0-9{CN_NUMERAL_CHARS}]{{1,3}})\s*月\s*(?P<d>[0-9{CN_NUMERAL_CHARS}]{{1,3}})\s*日"
)
_SKIP_TITLE = re.compile(r"^(?:附件\s*[0-9一二三四五六七八九十]*|[=+\-_*#\s]+|.*[:：]$)$")
_MARKDOWN_TITLE = re.compile(r"^#\s+(?P<title>.+)$")
_STATUS_LINE = re.compile(rf"^[（(]\s*(?P<status>{'|'.join(STATUS_WORDS)})\s*[）)]$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Metadata:
    """What the head and foot of a document say about it."""

    title: str
    title_end: int
    status: str | None
    issuer: str | None
    doc_numbers: tuple[str, ...]
    date: str | None


def parse_date(text: str) -> str | None:
    """ISO date from 2018年3月5日 or 二〇一八年三月五日.

    >>> parse_date("二〇一八年三月五日")
    '2018-03-05'
    >>> parse_date("2019年12月31日印发")
    '2019-12-31'
    """
    match = _DATE_RE.search(text)
    if match is None:
        return None
    try:
        year, month, day = (parse_cn_int(match[key]) for key in ("y", "m", "d"))
    except ValueError:
        return None
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def read_metadata(text: str, lines: list[Line], *, fallback_title: str) -> Metadata:
    """Title, status, issuer, document numbers and date of one document."""
    fields: dict[str, str] = {}
    for line in lines[:40]:
        if match := _HEADER_FIELD.match(line.stripped):
            fields.setdefault(match["key"], match["value"].strip())
    title, title_end, status = "", 0, None
    for index, line in enumerate(lines[:30]):
        stripped = line.stripped
        if not stripped or _SKIP_TITLE.match(stripped) or _HEADER_FIELD.match(stripped) or "<!--" in stripped:
            continue
        if DOC_NUMBER_RE.fullmatch(stripped):
            continue
        markdown = _MARKDOWN_TITLE.match(stripped)
        title = markdown["title"].strip() if markdown else stripped
        title_end = line.end
        for follower in lines[index + 1 : index + 3]:
            if match := _STATUS_LINE.match(follower.stripped):
                status, title_end = match["status"], follower.end
                break
        break
    title = fields.get("标题") or fields.get("名称") or title or fallback_title
    if status is None:
        status = next((word for word in STATUS_WORDS if f"（{word}）" in title or f"({word})" in title), None)
    numbers = tuple(dict.fromkeys(m.group(0).strip() for m in DOC_NUMBER_RE.finditer(text)))
    own_number = fields.get("发文字号") or fields.get("文号")
    if own_number:
        numbers = (own_number, *[n for n in numbers if n != own_number])
    issuer = fields.get("发文机关") or fields.get("发布机关") or _signature_issuer(lines)
    date = parse_date(fields.get("成文日期", "") or fields.get("发布日期", "")) or _signature_date(lines)
    return Metadata(
        title=title, title_end=title_end, status=status, issuer=issuer or None, doc_numbers=numbers, date=date
    )


def _date_lines(lines: list[Line]) -> list[int]:
    """Indexes of short lines that hold only a date (the date under a signature)."""
    return [i for i, line in enumerate(lines) if 0 < len(line.stripped) <= 20 and parse_date(line.stripped)]


def _signature_date(lines: list[Line]) -> str | None:
    """The first standalone date line: the issue date of the notice (or of the document itself)."""
    found = _date_lines(lines)
    return parse_date(lines[found[0]].stripped) if found else None


def _signature_issuer(lines: list[Line]) -> str | None:
    """The non-empty line right above the first standalone date line, when it is short and names a body."""
    for index in _date_lines(lines)[:1]:
        above = [line for line in lines[:index] if line.stripped]
        candidate = above[-1].stripped if above else ""
        if len(candidate) <= 30 and re.search(r"(?:政府|委员会|办公室|办公厅|部|局|委|厅|院)$", candidate):
            return candidate
    return None
