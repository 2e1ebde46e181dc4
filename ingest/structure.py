"""The numbering ladder: sections (一、 / 第X章) ▸ articles (（一） / 第X条) ▸ items (1. / （1）).

Why line-based rules and not a grammar library: official documents mark structure at the start of a
paragraph with a small, closed set of numbering styles; the hard part is tolerance (ASCII or full-width
brackets, a space or 、 or ． after the numeral, U+3000 indentation, a title ended by 。 or alone on its line),
which plain regular expressions over :mod:`ingest.lines` express directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.lines import Line
from ingest.model import Article, Item, Section, Span
from ingest.numerals import parse_cn_int

_CN = "一二三四五六七八九十百零〇两"
SECTION_RE = re.compile(rf"^(?P<label>(?P<num>[{_CN}]{{1,4}})\s*[、．.])\s*(?P<rest>.*)$")
CHAPTER_RE = re.compile(rf"^#*\s*(?P<label>第(?P<num>[{_CN}0-9]{{1,5}})章)[\s\u3000]*(?P<rest>.*)$")
NODE_RE = re.compile(rf"^#*\s*第[{_CN}0-9]{{1,5}}节")
ARTICLE_RE = re.compile(rf"^(?P<label>[（(]\s*(?P<num>[{_CN}]{{1,5}})\s*[）)])\s*(?P<rest>.*)$")
ITEM_RES = (
    (3, re.compile(r"^(?P<label>(?P<num>[0-9０-９]{1,2})\s*[.、．](?![0-9]))\s*(?P<rest>\S.*)$")),
    (4, re.compile(r"^(?P<label>[（(]\s*(?P<num>[0-9０-９]{1,2})\s*[）)])\s*(?P<rest>\S.*)$")),
)
LAW_ARTICLE_RE = re.compile(rf"^(?P<label>第(?P<num>[{_CN}0-9]{{1,5}})条)(?:[\s\u3000:：]+|$)(?P<rest>.*)$")
TITLE_MAX = 30
PARAGRAPH_MIN = 60  # a numbered line longer than this, with a full stop early, is a paragraph
SHORT_TITLE_MAX = 16  # 高度重视，加强组织领导。 is a title with a comma
_TITLE_END = "。．.：:"


@dataclass(frozen=True, slots=True, kw_only=True)
class Heading:
    """A recognised numbered line."""

    level: int  # 1 section/chapter, 2 article
    number: int
    label: str
    rest: str
    line: Line
    rest_start: int


def _numbered(pattern: re.Pattern[str], line: Line, level: int) -> Heading | None:
    match = pattern.match(line.stripped)
    if match is None:
        return None
    try:
        number = parse_cn_int(match["num"])
    except ValueError:
        return None
    rest_start = line.content_start + match.start("rest")
    return Heading(
        level=level, number=number, label=match["label"], rest=match["rest"], line=line, rest_start=rest_start
    )


def uses_law_numbering(lines: list[Line]) -> bool:
    """True when the document numbers its articles 第X条 (laws, 细则, 规定) rather than （一）.

    Laws also hold many （一） items inside their articles, so the test is whether 第一条, 第二条, 第三条 open
    paragraphs in that order, not which style is more frequent.

    >>> from ingest.lines import split_lines
    >>> uses_law_numbering(split_lines("第一条 总则。\\n（一）甲\\n（二）乙\\n第二条 范围。\\n第三条 施行。"))
    True
    """
    numbers: list[int] = []
    for line in lines:
        match = LAW_ARTICLE_RE.match(line.stripped)
        if match:
            try:
                numbers.append(parse_cn_int(match["num"]))
            except ValueError:
                continue
        if len(numbers) == 3:
            break
    return numbers == [1, 2, 3]


def find_headings(lines: list[Line], *, law: bool) -> list[Heading]:
    """Every section and article heading, in order, with increasing numbers enforced per level.

    A numbered line whose number does not follow its predecessor (a list item such as 一、 inside an
    article, or a quoted （一）) is kept as text: real headings count up by one, or restart at one.
    """
    headings: list[Heading] = []
    last = {1: 0, 2: 0}
    for line in lines:
        stripped = line.stripped
        if not stripped:
            continue
        if law:
            heading = _numbered(CHAPTER_RE, line, 1) or _numbered(LAW_ARTICLE_RE, line, 2)
        else:
            heading = _numbered(SECTION_RE, line, 1) or _numbered(ARTICLE_RE, line, 2)
        if heading is None:
            continue
        expected = last[heading.level] + 1
        if heading.number not in (expected, 1) and not (heading.level == 2 and law):
            continue
        restarts_inside_section = heading.level == 2 and not law and heading.number == 1 and last[2] > 0
        if restarts_inside_section and headings and headings[-1].level == 2:
            continue  # （一） again inside a section is a sub-list, not a new article
        last[heading.level] = heading.number
        headings.append(heading)
    return headings if law else _policy_levels(headings)


def _is_paragraph(heading: Heading) -> bool:
    """A numbered line that carries a whole paragraph (``一、健全体制。国家…``) rather than a short title."""
    return len(heading.rest) > PARAGRAPH_MIN and "。" in heading.rest[: TITLE_MAX + 1]


def _policy_levels(headings: list[Heading]) -> list[Heading]:
    """Settle what 一、 means in a policy document.

    Where the document has （一） articles, a 一、 paragraph is a list item inside an article, not a section.
    Where it has none (notices numbered 一、二、… only), the 一、 paragraphs are its articles.
    """
    if any(h.level == 2 for h in headings):
        return [h for h in headings if h.level == 2 or not _is_paragraph(h)]
    return [replace(h, level=2) for h in headings]


def find_items(text: str, lines: list[Line], *, start: int, end: int) -> tuple[Item, ...]:
    """The numbered items (``1.`` ▸ ``（1）``) whose lines begin inside ``[start, end)``; each runs to the next item.

    >>> from ingest.lines import split_lines
    >>> text = "甲。\\n1. 摸清底数。\\n（1）重点检查。\\n2、集中整治。"
    >>> [(i.level, i.number, i.text) for i in find_items(text, split_lines(text), start=0, end=len(text))]
    [(3, 1, '摸清底数。'), (4, 1, '重点检查。'), (3, 2, '集中整治。')]
    """
    found: list[tuple[int, int, str, int, int]] = []
    for line in lines:
        if not (start <= line.content_start < end):
            continue
        for level, pattern in ITEM_RES:
            match = pattern.match(line.stripped)
            if match:
                number = int(match["num"].translate({0xFF10 + i: 48 + i for i in range(10)}))
                found.append(
                    (level, number, match["label"], line.content_start + match.start("rest"), line.start)
                )
                break
    items = []
    for index, (level, number, label, rest_start, _line_start) in enumerate(found):
        stop = _trim_end(text, rest_start, found[index + 1][4] if index + 1 < len(found) else end)
        items.append(
            Item(
                level=level,
                number=number,
                label=label,
                text=text[rest_start:stop],
                span=Span(start=rest_start, end=stop),
            )
        )
    return tuple(items)


def split_title(rest: str) -> tuple[str, int]:
    """Split an article's first line into its title and the offset where the body starts.

    ``（一）指导思想。以…`` has the title 指导思想; a short line without a full stop is all title.

    >>> split_title("指导思想。以习近平新时代…")
    ('指导思想', 5)
    >>> split_title("高度重视，加强组织领导。各级…")
    ('高度重视，加强组织领导', 12)
    >>> split_title("总体要求")
    ('总体要求', 4)
    >>> split_title("为了加强安全生产工作，防止和减少生产安全事故，制定本法。")
    ('', 0)
    """
    for index, ch in enumerate(rest[: TITLE_MAX + 1]):
        if ch in _TITLE_END:
            candidate = rest[:index].strip()
            commas = candidate.count("，") + candidate.count(",")
            if candidate and (commas == 0 or (commas == 1 and len(candidate) <= SHORT_TITLE_MAX)):
                return candidate, index + 1
            return "", 0
    if len(rest) <= TITLE_MAX and "，" not in rest and not rest.endswith(("。", "；")):
        return rest.strip(), len(rest)
    return "", 0


def build_sections(text: str, lines: list[Line], *, law: bool, body_end: int) -> tuple[Section, ...]:
    """Assemble sections and their articles from the headings found before ``body_end``."""
    body_lines = [line for line in lines if line.start < body_end]
    headings = find_headings(body_lines, law=law)
    sections: list[Section] = []
    current: dict[str, object] | None = None
    articles: list[Article] = []

    def close_section(end: int) -> None:
        nonlocal current, articles
        if current is not None:
            start = int(str(current["start"]))
            sections.append(
                Section(
                    number=int(str(current["number"])),
                    label=str(current["label"]),
                    title=str(current["title"]),
                    span=Span(start=start, end=end),
                    articles=tuple(articles),
                )
            )
        current, articles = None, []

    for index, heading in enumerate(headings):
        following = headings[index + 1].line.start if index + 1 < len(headings) else body_end
        end = _trim_end(text, heading.line.content_start, following)
        if heading.level == 1:
            close_section(_trim_end(text, 0, heading.line.start) if sections or current else 0)
            title, _ = split_title(heading.rest) if not law else (heading.rest.strip(), 0)
            current = {
                "number": heading.number,
                "label": heading.label,
                "title": title or heading.rest.strip(),
                "start": heading.line.content_start,
            }
            continue
        if current is None:
            current = {"number": 0, "label": "", "title": "", "start": heading.line.content_start}
        if law:
            title, body_offset = "", 0
        else:
            title, body_offset = split_title(heading.rest)
        body_start = heading.rest_start + body_offset
        while body_start < end and text[body_start] in " \t\u3000\r\n":
            body_start += 1
        articles.append(
            Article(
                number=heading.number,
                label=heading.label,
                title=title,
                text=text[body_start:end],
                span=Span(start=heading.line.content_start, end=end),
                items=find_items(text, lines, start=body_start, end=end),
            )
        )
    if current is not None:
        last_end = articles[-1].span.end if articles else _trim_end(text, 0, body_end)
        close_section(max(last_end, int(str(current["start"]))))
    return tuple(sections)


def _trim_end(text: str, start: int, end: int) -> int:
    """Move ``end`` back over trailing whitespace so spans end on the last printed character."""
    while end > start and text[end - 1] in " \t\u3000\r\n\u00a0":
        end -= 1
    return end
