"""Duty lists: 安全生产工作职责规定, 部门职责, 责任清单 — headings that name who bears the duties listed under them.

Why a pass of its own: a duty list is the plainest answer to "who is responsible", but its items name no subject
(``（二）负责城镇燃气行业的安全监督管理``): the bearer is the heading above them.  Three layouts are common, and
one reading covers them all:

- a numbered line naming a body or role and its duties, items below: ``第八条 区公安分局工作职责：`` then
  ``（一）…（二）…``, or ``（二）乡长安全生产职责`` then ``1、…2、…``;
- a numbered line naming a body, a colon and the duties run on after it: ``一、区住建局：负责…；负责…。``
  (each duty sentence is one duty);
- inside a duty-list document (its title says 职责规定, 责任清单 …) or under a heading that says 职责, a numbered
  line that is only a body's name (``（一）区应急管理局``) heads the duties below it.

A bare name (no 职责) heads duties only on a numbered line; an unnumbered line must say 职责.

A heading is ``<bearer>(的)(安全生产|监督管理|工作|主要 …)(职责|责任)(清单)(是|如下|主要包括)`` ended by a colon or
by its line; the bearer must read as a body (a unit name of the gazetteer, a head noun such as 局 or 委员会, a role
of ``data/roles.tsv``) or as a post (乡长, 分管安全生产副乡长, 党委书记, 主要负责人).  A heading's duties run to the
next line numbered at its own level or above (the numbering ladder 第X章 ▸ 第X条 ▸ 一、 ▸ （一） ▸ 1、 ▸ （1）) or
to the next heading; a heading whose duties hold another heading (二、乡领导班子成员安全生产职责 above
（一）乡长安全生产职责) only groups them.  The items are the lines numbered at the first level found below the
heading (their sub-items stay with them); without numbered lines, the duty sentences after the heading.

Nothing here names a document's wording: the words are the closed vocabulary of such headings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from ingest.bearers import parse_bearers, role_of, starts_with_marker
from ingest.frequency import find_deadline, parse_frequency, parse_quantities
from ingest.lines import Line
from ingest.modality import modality_table
from ingest.model import Article, Bearer, Obligation, Span
from ingest.sentences import split_sentences
from ingest.unit_names import read_unit_name

_CN = "一二三四五六七八九十百零〇两"
# The numbering ladder, highest level first: a heading's duties end at a line numbered at its level or above.
_LADDER = (
    re.compile(rf"^#*\s*第[{_CN}0-9]{{1,5}}[章节编]"),
    re.compile(rf"^第[{_CN}0-9]{{1,5}}条[\s\u3000:：]*"),
    re.compile(rf"^[{_CN}]{{1,4}}\s*[、．.]\s*"),
    re.compile(rf"^[（(]\s*[{_CN}]{{1,5}}\s*[）)]\s*"),
    re.compile(r"^[0-9０-９]{1,2}\s*[.、．](?![0-9])\s*"),
    re.compile(r"^[（(]\s*[0-9０-９]{1,2}\s*[）)]\s*"),
)
_CHAPTER = 0
# Titles of documents that are duty lists, and words that make a heading above a body's name a duty heading.
DUTY_LIST_TITLE = re.compile(r"职责规定|部门职责|责任清单|职责清单|工作职责|职责分工|权责清单|安全生产职责|监管职责")
_DUTY_CONTEXT = re.compile(r"职责|责任清单|职责分工")
_DUTY_TAIL = re.compile(
    r"(?:的)?(?:安全生产|安全|消防安全|综合监督管理|监督管理|监管|行业|工作|主要|具体|岗位|基本)*"
    r"(?:职责|责任)(?:清单)?(?:[是为]|如下|主要(?:包括|有)|包括|主要是)?$"
)
# Posts held by a person rather than bodies: their duties are a role's (Bearer.role), never a unit's.
_POST = re.compile(r"(?:书记|[乡镇区县市州省旗]长|主任|局长|站长|所长|队长|校长|院长|负责人|领导|班子成员)$")
_DUTY_VERB = re.compile(r"^(?:负责|承担|牵头|主管|履行|统筹|指导|组织|监督|依法)")
_BEARER_CHARS = re.compile(r"^[^，。；：:！？,;“”《》]{2,30}$")
_TRAILING = "，,；;。．.：: \t\u3000\r\n"


@dataclass(frozen=True, slots=True, kw_only=True)
class DutyHeading:
    """A heading that names a bearer, with the duties listed under it (document offsets)."""

    text: str  # the bearer as printed (区公安分局, 乡长)
    span: Span
    items: tuple[Span, ...]  # each duty: its text without label and end marks


def is_duty_list(title: str) -> bool:
    """Whether a title names a duty list (职责规定, 部门职责, 责任清单, 职责清单, 工作职责 …).

    >>> is_duty_list("某某区安全生产工作职责规定"), is_duty_list("某某区有关部门安全生产监管责任清单")
    (True, True)
    >>> is_duty_list("某某区关于推进安全生产领域改革发展的实施意见")
    False
    """
    return bool(DUTY_LIST_TITLE.search(title))


def is_post(text: str) -> bool:
    """Whether a bearer is a post held by a person (乡长, 分管安全生产副乡长, 党委书记, 主要负责人).

    >>> is_post("分管安全生产副乡长"), is_post("区住建局")
    (True, False)
    """
    return bool(_POST.search(text))


def reads_as_bearer(text: str, *, jurisdiction: str | None = None) -> bool:
    """Whether a heading's name reads as a body or a post: a unit name, a role, a head noun, a post.

    A post is a noun phrase: no verb, adverb or preposition in it (严格落实党委政府领导 is a task, not a post).

    >>> reads_as_bearer("区公安分局", jurisdiction="某某区"), reads_as_bearer("乡长"), reads_as_bearer("工作原则")
    (True, True, False)
    >>> reads_as_bearer("分管安全生产副乡长"), reads_as_bearer("严格落实党委政府领导")
    (True, False)
    """
    text = text.strip()
    if not _BEARER_CHARS.match(text):
        return False
    if read_unit_name(text, jurisdiction=jurisdiction) is not None:
        return True
    if is_post(text):
        return not any(starts_with_marker(text, at) for at in range(len(text)))
    return bool(parse_bearers(text))


def _rank(stripped: str) -> tuple[int | None, int]:
    """The ladder level of a numbered line and the length of its label (with the blanks after it)."""
    for level, pattern in enumerate(_LADDER):
        if match := pattern.match(stripped):
            return level, match.end()
    return None, 0


@dataclass(frozen=True, slots=True)
class _Line:
    line: Line
    rank: int | None
    content: int  # offset where the text after the label starts


@dataclass(frozen=True, slots=True)
class _Candidate:
    index: int  # in the list of lines
    name: str
    name_start: int
    body_start: int  # where its duties start (after the colon, or the next line)


def _heading(entry: _Line, index: int, text: str, *, context: bool, jurisdiction: str | None) -> _Candidate | None:
    """The line read as a duty heading (its bearer's name and where its duties start), or None."""
    line_end = entry.line.start + len(entry.line.text.rstrip(" \t\u3000\u00a0\r"))
    content = text[entry.content : line_end]
    colon = min((i for i in (content.find("："), content.find(":")) if i >= 0), default=-1)
    head = (content[:colon] if colon >= 0 else content.rstrip("。．.")).strip()
    after = content[colon + 1 :].lstrip(" \t\u3000") if colon >= 0 else ""
    body_start = line_end - len(after) if colon >= 0 else line_end
    if tail := _DUTY_TAIL.search(head):
        name = head[: tail.start()]
    elif entry.rank is not None and (context or (colon >= 0 and _DUTY_VERB.match(after))):
        name = head  # 一、区住建局：负责…  /  （一）区应急管理局 in a duty list
    else:
        return None
    name = name.strip()
    if not name or not reads_as_bearer(name, jurisdiction=jurisdiction):
        return None
    return _Candidate(index=index, name=name, name_start=entry.content + content.find(name), body_start=body_start)


def _items(text: str, below: Sequence[_Line], body_start: int, limit: int) -> tuple[Span, ...]:
    """The duties in the lines ``below`` a heading (up to ``limit``) and in the text after its colon."""
    numbered = [entry for entry in below if entry.rank is not None]
    spans: list[Span] = []
    if numbered:
        level = numbered[0].rank
        heads = [entry for entry in numbered if entry.rank == level]
        spans.extend(_sentences(text, body_start, heads[0].line.start))
        for n, entry in enumerate(heads):
            item_end = heads[n + 1].line.start if n + 1 < len(heads) else limit
            spans.extend(_trimmed(text, entry.content, item_end))
    else:
        spans.extend(_sentences(text, body_start, limit))
    return tuple(spans)


def _trimmed(text: str, start: int, end: int) -> list[Span]:
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return [Span(start=start, end=end)] if end > start else []


def _sentences(text: str, start: int, end: int) -> list[Span]:
    """Duty sentences of a run of text; a sentence that ends in a colon introduces the duties, it is not one."""
    spans = []
    for sentence in split_sentences(text[start:end], offset=start):
        if sentence.text.rstrip().endswith(("：", ":")):
            continue
        _level, label = _rank(sentence.text)
        spans.extend(_trimmed(text, sentence.span.start + label, sentence.span.end))
    return spans


def find_duty_headings(
    text: str, lines: Sequence[Line], *, title: str, body_end: int, jurisdiction: str | None = None
) -> tuple[DutyHeading, ...]:
    """Every duty heading of a document and the duties under it, in reading order (see the module text).

    >>> from ingest.lines import split_lines
    >>> text = "二、部门职责\\n（一）区住建局工作职责：\\n1、负责燃气安全监管；\\n2、指导物业管理。\\n（二）乡长：负责全乡安全。"
    >>> found = find_duty_headings(text, split_lines(text), title="某某区实施意见", body_end=len(text))
    >>> [(h.text, [text[s.start:s.end] for s in h.items]) for h in found]
    [('区住建局', ['负责燃气安全监管', '指导物业管理']), ('乡长', ['负责全乡安全'])]
    """
    entries = []
    for line in lines:
        if line.start >= body_end or not line.stripped:
            continue
        rank, label = _rank(line.stripped)
        entries.append(_Line(line=line, rank=rank, content=line.content_start + label))
    whole = is_duty_list(title)
    candidates: list[_Candidate] = []
    ancestors: list[tuple[int, str]] = []  # (rank, text) of the numbered lines enclosing the current one
    for index, entry in enumerate(entries):
        rank = entry.rank
        if rank is not None:
            while ancestors and ancestors[-1][0] >= rank:
                ancestors.pop()
        context = whole or any(_DUTY_CONTEXT.search(words) for _, words in ancestors)
        if rank != _CHAPTER:
            found = _heading(entry, index, text, context=context, jurisdiction=jurisdiction)
            if found is not None:
                candidates.append(found)
        if rank is not None:
            ancestors.append((rank, entry.line.stripped))
    headings = []
    starts = {candidate.index for candidate in candidates}
    for candidate in candidates:
        end = _region_end(entries, candidate.index, starts)
        line = entries[candidate.index].line
        below = entries[candidate.index + 1 : end]
        limit = entries[end].line.start if end < len(entries) else max([line.end, *(e.line.end for e in below)])
        items = _items(text, below, candidate.body_start, min(limit, body_end))
        if items:
            span = Span(start=candidate.name_start, end=candidate.name_start + len(candidate.name))
            headings.append(DutyHeading(text=candidate.name, span=span, items=items))
    return tuple(headings)


def _region_end(entries: Sequence[_Line], index: int, starts: set[int]) -> int:
    """Index of the first line after a heading's duties: the next heading, or a line numbered at its level or
    above; an unnumbered heading's duties are the numbered lines right below it (at their level or deeper)."""
    own = entries[index].rank
    first = entries[index + 1].rank if index + 1 < len(entries) else None
    end = index + 1
    while end < len(entries) and end not in starts:
        rank = entries[end].rank
        if own is not None and rank is not None and rank <= own:
            break
        if own is None and (first is None or rank is None or rank < first):
            break
        end += 1
    return end


@cache
def _duty_strength() -> float:
    return next((t.strength for t in modality_table() if t.word == "负责"), 0.8)


def heading_bearers(heading: DutyHeading, resolve_unit: Callable[[str], str | None]) -> tuple[Bearer, ...]:
    """The bearers a heading names: the unit it resolves to, the bodies or roles of a list, else a post (role).

    >>> [(b.text, b.role) for b in heading_bearers(DutyHeading(text="乡长", span=Span(start=3, end=5), items=()),
    ...                                           lambda _name: None)]
    [('乡长', '乡长')]
    """
    name, span = heading.text, heading.span
    if unit_id := resolve_unit(name):
        return (Bearer(text=name, span=span, unit_id=unit_id),)
    if not is_post(name):
        found = parse_bearers(name, offset=span.start, resolve_unit=resolve_unit)
        if found:
            return found
    return (Bearer(text=name, span=span, role=role_of(name) or name),)


def with_duty_lists(
    article: Article,
    obligations: tuple[Obligation, ...],
    headings: Sequence[DutyHeading],
    *,
    id_prefix: str,
    resolve_unit: Callable[[str], str | None],
    text: str,
) -> tuple[Obligation, ...]:
    """The article's obligations with every duty under a heading borne by the heading's bearer.

    An obligation the sentence reader found inside a duty takes the heading's bearers; a duty in which it found
    none (no modal word: ``组织或者参与事故调查处理``) becomes one obligation of its own, a ``responsible`` duty
    stated by its heading.  Every duty of a list is at least as strong as 负责, whatever verb it opens with: the
    heading makes it a duty.  Obligations are renumbered in reading order.
    """
    start, end = article.span.start, article.span.end
    duties = [(item, heading) for heading in headings for item in heading.items if start <= item.start < end]
    if not duties:
        return obligations
    out = list(obligations)
    for item, heading in duties:
        bearers = heading_bearers(heading, resolve_unit)
        inside = [n for n, ob in enumerate(out) if item.start <= ob.span.start < item.end]
        for n in inside:
            out[n] = replace(out[n], bearers=bearers, strength=max(out[n].strength, _duty_strength()))
        if not inside:
            duty = text[item.start : item.end]
            out.append(
                Obligation(
                    id="",
                    text=duty,
                    span=item,
                    trigger="职责",
                    modality="responsible",
                    strength=_duty_strength(),
                    action=duty,
                    bearers=bearers,
                    frequency=parse_frequency(duty),
                    quantities=parse_quantities(duty),
                    deadline=find_deadline(duty, offset=item.start),
                )
            )
    out.sort(key=lambda ob: (ob.span.start, ob.span.end))
    return tuple(replace(ob, id=f"{id_prefix}-o{n}") for n, ob in enumerate(out, start=1))
