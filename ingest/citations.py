"""Cited documents: 《安全生产法》, 《中共中央、国务院关于…的意见》（中发〔2016〕32号）, 《安全生产法》第二十一条第二款.

Why keep both the title and the document number: a title resolves to a document in the corpus by name,
a document number identifies it even when the title is abbreviated.  The article printed right after the title
(第X条, with 第X款 and 第X项; lists 第X条、第Y条 and ranges 第X条至第Y条) is kept too, so a citation can point at
the article itself when the cited document is in the corpus.
"""

from __future__ import annotations

import re

from ingest.metadata import DOC_NUMBER_RE
from ingest.model import Citation, Span
from ingest.numerals import CN_NUMERAL_CHARS, parse_cn_int

_TITLE_RE = re.compile(r"《(?P<title>[^《》\n]{2,80})》")
_FOLLOWING_NUMBER = re.compile(r"\s*[（(](?P<number>[^（）()]{4,30}号)[）)]")
_LAW_PREFIX = re.compile(r"^中华人民共和国")
_NUM = rf"[{CN_NUMERAL_CHARS}0-9０-９]{{1,7}}"
_ARTICLE = re.compile(
    rf"\s*第(?P<article>{_NUM})条(?:\s*第(?P<paragraph>{_NUM})款)?(?:\s*第[（(]?(?P<item>{_NUM})[）)]?项)?"
)
_MORE = re.compile(rf"\s*(?P<joint>、|和|及|与|或者|或|至|到)\s*第(?P<article>{_NUM})条(?:\s*第{_NUM}款)?(?:\s*第[（(]?{_NUM}[）)]?项)?")
_ONE_ARTICLE = re.compile(rf"第(?P<article>{_NUM})条(?:\s*第{_NUM}款)?(?:\s*第[（(]?{_NUM}[）)]?项)?")
_MAX_RANGE = 30  # 第五条至第七条 is a range; a longer "range" is more likely a misread


def _number(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return parse_cn_int(text)
    except ValueError:
        return None


def cited_articles(text: str, start: int, stop: int) -> tuple[str, int | None, int | None, int | None, tuple[int, ...]]:
    """The article reference printed at ``text[start:]``: (as printed, article, paragraph, item, every article).

    >>> cited_articles("第二十一条第二款规定", 0, 10)[:4]
    ('第二十一条第二款', 21, 2, None)
    >>> cited_articles("第九十四条、第九十五条和第九十七条的规定", 0, 30)[4]
    (94, 95, 97)
    >>> cited_articles("第五条至第七条", 0, 7)[4], cited_articles("规定", 0, 2)
    ((5, 6, 7), ('', None, None, None, ()))
    """
    match = _ARTICLE.match(text, start, stop)
    article = _number(match["article"]) if match else None
    if match is None or article is None:
        return "", None, None, None, ()
    numbers = [article]
    end = match.end()
    while (more := _MORE.match(text, end, stop)) and (number := _number(more["article"])) is not None:
        if more["joint"] in ("至", "到") and 0 < number - numbers[-1] <= _MAX_RANGE:
            numbers.extend(range(numbers[-1] + 1, number + 1))
        else:
            numbers.append(number)
        end = more.end()
    printed = text[match.start() : end].strip()
    return printed, article, _number(match["paragraph"]), _number(match["item"]), tuple(dict.fromkeys(numbers))


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
        after = match.end()
        follow = _FOLLOWING_NUMBER.match(text, match.end(), min(stop, match.end() + 40))
        if follow and DOC_NUMBER_RE.search(follow["number"]):
            number = follow["number"].strip()
            after = follow.end()
        locator, article, paragraph, item, articles = cited_articles(text, after, min(stop, after + 120))
        citations.append(
            Citation(
                text=match.group(0),
                title=match["title"],
                span=Span(start=match.start(), end=match.end()),
                doc_number=number,
                article=article,
                paragraph=paragraph,
                item=item,
                articles=articles,
                locator=locator,
            )
        )
    return tuple(citations)


def printed_articles(text: str, citation: Citation) -> tuple[tuple[int, int, int], ...]:
    """Where each article of a citation's locator is printed: ``(start, end, number)`` document offsets, so a page
    can link 第二十一条 in the text to the article (each article of a list separately).

    >>> text = "依据《安全生产法》第九十四条、第九十五条处罚"
    >>> (citation,) = find_citations(text)
    >>> [(text[a:b], n) for a, b, n in printed_articles(text, citation)]
    [('第九十四条', 94), ('第九十五条', 95)]
    """
    if not citation.locator:
        return ()
    at = text.find(citation.locator, citation.span.end, citation.span.end + 60 + len(citation.locator))
    if at < 0:
        return ()
    found = []
    for match in _ONE_ARTICLE.finditer(text, at, at + len(citation.locator)):
        number = _number(match["article"])
        if number is not None:
            found.append((match.start(), match.end(), number))
    return tuple(found)
