"""Cited documents: 《安全生产法》, 《中共中央、国务院关于…的意见》（中发〔2016〕32号）.

Why keep both the title and the document number: a title resolves to a document in the corpus by name,
a document number identifies it even when the title is abbreviated.
"""

from __future__ import annotations

import re

from ingest.metadata import DOC_NUMBER_RE
from ingest.model import Citation, Span

_TITLE_RE = re.compile(r"《(?P<title>[^《》\n]{2,80})》")
_FOLLOWING_NUMBER = re.compile(r"\s*[（(](?P<number>[^（）()]{4,30}号)[）)]")
_LAW_PREFIX = re.compile(r"^中华人民共和国")


def citation_key(title: str) -> str:
    """A folding used to match a cited title to a document title (drops 中华人民共和国, spaces, brackets).

    >>> citation_key("中华人民共和国安全生产法") == citation_key("安全生产法")
    True
    >>> citation_key("中共中央、国务院关于…的意见") == citation_key("中共中央国务院关于…的意见")
    True
    """
    key = _LAW_PREFIX.sub("", re.sub(r"[\s《》〈〉()（）、，,·]", "", title))
    return re.sub(r"(?:征求意见稿|试行|草案|暂行)$", "", key)


def find_citations(text: str, *, start: int = 0, end: int | None = None) -> tuple[Citation, ...]:
    """Every 《…》 title in ``text[start:end]``, with a document number printed right after it if any."""
    stop = len(text) if end is None else end
    citations: list[Citation] = []
    for match in _TITLE_RE.finditer(text, start, stop):
        number = None
        follow = _FOLLOWING_NUMBER.match(text, match.end(), min(stop, match.end() + 40))
        if follow and DOC_NUMBER_RE.search(follow["number"]):
            number = follow["number"].strip()
        citations.append(
            Citation(
                text=match.group(0),
                title=match["title"],
                span=Span(start=match.start(), end=match.end()),
                doc_number=number,
            )
        )
    return tuple(citations)
