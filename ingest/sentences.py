"""Split verbatim text into sentences and clauses that keep their document offsets.

Why not a library splitter: Chinese policy text ends sentences with 。！？； and paragraph breaks, quotes
(“管行业必须管安全、管业务必须管安全”) may hold clause punctuation that must not split, and every piece must
keep exact offsets into the unnormalised text so that evidence can be quoted back.  The grammar fits on a
screen; the splitters never change a character, they only choose boundaries and trim surrounding blanks.
"""

from __future__ import annotations

from ingest.model import Sentence, Span

SENTENCE_ENDS = frozenset("。！？；!?;")
CLAUSE_ENDS = SENTENCE_ENDS | frozenset("，,：:")
# Opening → closing marks whose contents are never split.
QUOTE_PAIRS: dict[str, str] = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "（": "）", "(": ")"}
_CLOSERS = frozenset(QUOTE_PAIRS.values())
_BLANKS = " \t\r\n\u3000\xa0\ufeff"


def _pieces(text: str, ends: frozenset[str], offset: int) -> tuple[Sentence, ...]:
    """Cut ``text`` after every end mark outside quotes and at every line break; trim blanks."""
    bounds: list[tuple[int, int]] = []
    start, stack, i, n = 0, [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            bounds.append((start, i))
            start, stack = i + 1, []
        elif stack and ch == stack[-1]:
            stack.pop()
            if not stack and i > 0 and text[i - 1] in ends:  # “要做好。”: the quote closes the sentence
                j = i + 1
                while j < n and (text[j] in ends or text[j] in _CLOSERS):
                    j += 1
                bounds.append((start, j))
                start, i = j, j
                continue
        elif ch in QUOTE_PAIRS:
            stack.append(QUOTE_PAIRS[ch])
        elif ch in ends and not stack:
            j = i + 1
            while j < n and (text[j] in ends or text[j] in _CLOSERS):
                j += 1
            bounds.append((start, j))
            start, i = j, j
            continue
        i += 1
    bounds.append((start, n))
    result: list[Sentence] = []
    for s, e in bounds:
        while s < e and text[s] in _BLANKS:
            s += 1
        while e > s and text[e - 1] in _BLANKS:
            e -= 1
        if e > s:
            result.append(Sentence(text=text[s:e], span=Span(start=offset + s, end=offset + e)))
    return tuple(result)


def split_sentences(text: str, *, offset: int = 0) -> tuple[Sentence, ...]:
    """Split ``text`` into sentences ended by 。！？； or a line break; spans are shifted by ``offset``.

    End marks inside “…”, 《…》 or （…） do not split, except right before the closing mark (“…。”), where
    the sentence ends after the quote; closing quotes stay with their sentence, and surrounding blanks are
    trimmed from each sentence (never from inside it).

    >>> [s.text for s in split_sentences("企业要履责。区委要“管行业必须管安全；管业务”。\\n第二段")]
    ['企业要履责。', '区委要“管行业必须管安全；管业务”。', '第二段']
    >>> split_sentences("  甲。乙", offset=100)[1].span
    Span(start=104, end=105)
    """
    return _pieces(text, SENTENCE_ENDS, offset)


def split_clauses(text: str, *, offset: int = 0) -> tuple[Sentence, ...]:
    """Split a sentence into clauses at ，：and the sentence end marks, outside quotes and brackets.

    >>> [c.text for c in split_clauses("事故结案后一年内，有关部门要组织开展评估，及时向社会公开。")]
    ['事故结案后一年内，', '有关部门要组织开展评估，', '及时向社会公开。']
    >>> split_clauses("甲，乙", offset=10)[1].span
    Span(start=12, end=13)
    """
    return _pieces(text, CLAUSE_ENDS, offset)
