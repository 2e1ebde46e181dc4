"""How the human (non-JSON) CLI output names things: short document titles instead of document ids.

Why: ids such as ``wyqgytjaqsclyggfzdssyj-487b78`` are stable keys for scripts (the ``--json`` output keeps
them), but people read titles; a full title (``王益区关于推进安全生产领域改革发展的实施意见（征求意见稿）``) is
too long to repeat on every line, so lines carry a short form.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.store import GraphStore

SHORT_TITLE_CHARS = 16
_NATIONAL = "中华人民共和国"  # 《中华人民共和国安全生产法》 is cited as 《安全生产法》
_BRACKETED = re.compile(r"[（(][^）)]*[）)]\s*$")


def short_title(title: str, limit: int = SHORT_TITLE_CHARS) -> str:
    """The title without book-title marks, a trailing bracketed note or the national prefix, cut at ``limit``.

    >>> short_title("中华人民共和国安全生产法")
    '安全生产法'
    >>> short_title("王益区关于推进安全生产领域改革发展的实施意见（征求意见稿）")
    '王益区关于推进安全生产领域改革…'
    >>> short_title("《危险化学品安全管理条例》")
    '危险化学品安全管理条例'
    """
    text = " ".join(title.split())
    text = (_BRACKETED.sub("", text) or text).strip("《》 ") or text
    if text.startswith(_NATIONAL) and len(text) > len(_NATIONAL):
        text = text[len(_NATIONAL) :]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def document_titles(store: GraphStore) -> dict[str, str]:
    """Document id → short title, for every document of the build."""
    from kg import queries

    return {str(row["doc"]): short_title(str(row["title"])) for row in store.select(queries.documents_sparql())}


def titled(titles: dict[str, str], doc: object) -> str:
    """The short title of ``doc`` (an id), or the id itself when the build does not know it."""
    return titles.get(str(doc), str(doc))


_NUMERALS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """An article number as laws print it (1–999).

    >>> chinese_numeral(5), chinese_numeral(10), chinese_numeral(22), chinese_numeral(105), chinese_numeral(110)
    ('五', '十', '二十二', '一百零五', '一百一十')
    """
    if number <= 0 or number >= 1000:
        return str(number)
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    text = f"{_NUMERALS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else _NUMERALS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (_NUMERALS[ones] if ones else "")


def law_citation(law: str | None, number: int) -> str:
    """How a law article is cited: 《特种设备安全法》第五条 (第5条 without the law's title).

    >>> law_citation("中华人民共和国特种设备安全法", 5)
    '《特种设备安全法》第五条'
    """
    article = f"第{chinese_numeral(number)}条"
    return f"《{short_title(law, limit=40)}》{article}" if law else article
