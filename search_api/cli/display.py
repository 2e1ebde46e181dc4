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
