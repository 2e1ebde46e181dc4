"""Attachments (附件1, 附件2 …): the parts of a document after its body, each with its own heading structure.

Why: a notice that carries two plans prints each after a ``附件1`` / ``附件2`` line, and each restarts its
numbering at 一、; without parts, section 一、 of the second plan would be taken for the first plan's, and the
graph would merge them.  A marker is a short line ``附件``, ``附件2``, ``附件二：`` (the part's title on the same
line or the next); a line listing attachments (``附件：1.某某方案``) names them, it does not start one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ingest.lines import Line
from ingest.model import Article, Part, Section, Span
from ingest.numerals import parse_cn_int

_MARKER = re.compile(r"^附\s*件\s*(?P<number>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})?\s*[:：]?\s*(?P<rest>.*)$")
_LISTING = re.compile(r"^[0-9０-９]{1,2}\s*[.．、]")  # 附件：1.某某方案 lists attachments
MAX_TITLE = 60


def find_parts(lines: Sequence[Line], *, body_start: int = 0) -> tuple[Part, ...]:
    """The attachments of a document, in order (none for most documents).

    >>> from ingest.lines import split_lines
    >>> text = "通知\\n正文。\\n附件：1.甲方案\\n附件1\\n甲方案\\n一、要求\\n附件2：乙方案\\n一、目的\\n"
    >>> [(p.number, p.label, p.title) for p in find_parts(split_lines(text))]
    [(1, '附件1', '甲方案'), (2, '附件2', '乙方案')]
    """
    parts: list[Part] = []
    for index, line in enumerate(lines):
        stripped = line.text.strip()
        if line.start < body_start or len(stripped) > MAX_TITLE + 8:
            continue
        match = _MARKER.match(stripped)
        if not match:
            continue
        rest = match["rest"].strip()
        if _LISTING.match(rest):
            continue
        title = rest or _next_title(lines, index)
        if not title:
            continue
        number = _number(match["number"], len(parts) + 1)
        label = stripped[: match.start("rest")].rstrip("：: ") if rest else stripped
        parts.append(Part(number=number, label=label, title=title, span=Span(start=line.start, end=line.start)))
    if not parts:
        return ()
    ends = [part.span.start for part in parts[1:]] + [lines[-1].end]
    return tuple(
        Part(number=part.number, label=part.label, title=part.title, span=Span(start=part.span.start, end=end))
        for part, end in zip(parts, ends, strict=True)
    )


def _next_title(lines: Sequence[Line], index: int) -> str:
    for line in lines[index + 1 : index + 3]:
        text = line.text.strip()
        if text:
            return text if len(text) <= MAX_TITLE and not re.match(r"^[一二三四五六七八九十]+、", text) else ""
    return ""


def _number(printed: str | None, fallback: int) -> int:
    if not printed:
        return fallback
    digits = printed.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return int(digits) if digits.isdigit() else parse_cn_int(printed)


def part_of(start: int, parts: Sequence[Part]) -> int:
    """The number of the part a position lies in (0: the document's own body)."""
    found = 0
    for part in parts:
        if part.span.start <= start:
            found = part.number
    return found


def clip_to_parts(sections: Sequence[Section], parts: Sequence[Part], text: str) -> tuple[Section, ...]:
    """Each section marked with its part, and the last article before an attachment ended where it starts (so
    its text does not run on into the 附件N line and the attachment's title)."""
    starts = sorted(part.span.start for part in parts)
    out: list[Section] = []
    for section in sections:
        limit = next((start for start in starts if start > section.span.start), None)
        articles = tuple(_clip(article, limit, text) for article in section.articles) if limit else section.articles
        span = section.span
        if limit is not None and span.end > limit:
            span = Span(start=span.start, end=limit)
        out.append(replace(section, part=part_of(section.span.start, parts), span=span, articles=articles))
    return tuple(out)


def _clip(article: Article, limit: int, text: str) -> Article:
    if article.span.end <= limit or article.span.start >= limit:
        return article
    cut = article.span.end - limit
    if text[article.span.end - len(article.text) : article.span.end] != article.text or cut >= len(article.text):
        return article  # the text is not the span's tail: leave it as the structure read it
    return replace(article, text=article.text[:-cut].rstrip(), span=Span(start=article.span.start, end=limit))
