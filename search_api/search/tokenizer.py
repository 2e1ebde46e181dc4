"""The whoosh analyzer over the shared segmenter: the same words at index time and at query time.

Why not jieba's bundled ``ChineseAnalyzer``: it stores character offsets where token positions belong (so
phrase queries match the wrong things) and runs an English stemmer over Chinese.  This tokenizer

- cuts the text with :class:`ingest.segment.Segmenter` (precise mode) and numbers the kept words 0, 1, 2 …,
  so a phrase query ``"电梯 安全"`` means two adjacent words;
- stores the character offsets of every word, so highlighting never re-analyses a stored field;
- at index time only (whoosh passes ``mode="index"``), also emits the dictionary words *inside* a long word at
  that word's position (jieba's search mode): a text that says 电梯安全 is found by the query 电梯, while the
  positions of the words themselves stay untouched.  Query text is cut in precise mode only.

The tokenizer holds only its word list, so whoosh can pickle it into the index's schema and the query side
rebuilds the very same segmenter from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.analysis import Analyzer, LowercaseFilter, Token, Tokenizer

from ingest.segment import Segmenter, shared_segmenter
from ingest.segment import Token as Word

_CONTENT = re.compile(r"[\w\u4E00-\u9FFF]", re.UNICODE)
RECENT_TEXTS = 16  # texts whose words a tokenizer keeps (a passage's fields are cut one after the other)


def is_content(word: str) -> bool:
    """Whether a segment is a word worth indexing (not whitespace or punctuation alone).

    >>> is_content("电梯"), is_content("，"), is_content(" "), is_content("2018")
    (True, False, False, True)
    """
    return bool(_CONTENT.search(word))


def words_with_parts(segmenter: Segmenter, text: str) -> list[tuple[Word, tuple[Word, ...]]]:
    """The content words of ``text`` in order, each with the shorter dictionary words inside it.

    >>> seg = Segmenter(["机械化换人"])
    >>> [(w.word, [p.word for p in parts]) for w, parts in words_with_parts(seg, "开展机械化换人。")]
    [('开展', []), ('机械化换人', ['机械', '机械化', '换人'])]
    """
    out: list[tuple[Word, tuple[Word, ...]]] = []
    for word in segmenter.tokens(text):
        if not is_content(word.word):
            continue
        inner = segmenter.parts(word.word) if len(word.word) > 2 else ()
        out.append((word, tuple(Word(p.word, word.start + p.start, word.start + p.end) for p in inner)))
    return out


class DomainTokenizer(Tokenizer):  # type: ignore[misc]
    """A whoosh tokenizer over the shared segmenter built from ``words`` (see the module docstring)."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        self.words = tuple(sorted(set(words)))
        self._segmenter: Segmenter | None = None
        self._recent: dict[str, list[tuple[Word, tuple[Word, ...]]]] = {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DomainTokenizer) and other.words == self.words

    def __hash__(self) -> int:
        return hash(self.words)

    def __getstate__(self) -> dict[str, Any]:
        return {"words": self.words}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.words = tuple(state["words"])
        self._segmenter = None
        self._recent = {}

    def _words(self, text: str) -> list[tuple[Word, tuple[Word, ...]]]:
        """:func:`words_with_parts` of ``text``, kept for the last few texts: the build reads a passage's words
        for its stored marks and whoosh then indexes the same text, so each passage was cut twice."""
        found = self._recent.get(text)
        if found is None:
            found = words_with_parts(self.segmenter, text)
            if len(self._recent) >= RECENT_TEXTS:
                self._recent.clear()
            self._recent[text] = found
        return found

    @property
    def segmenter(self) -> Segmenter:
        """The process-wide segmenter for this word list (looked up once per tokenizer)."""
        if self._segmenter is None:
            self._segmenter = shared_segmenter(self.words)
        return self._segmenter

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            yield _fill(token, value, start_pos, start_char, start_char + len(value), keeporiginal)
            return
        with_parts = mode == "index"
        for pos, (word, parts) in enumerate(self._words(value), start=start_pos):
            yield _fill(token, word.word, pos, start_char + word.start, start_char + word.end, keeporiginal)
            if with_parts:
                for part in parts:
                    yield _fill(
                        token, part.word, pos, start_char + part.start, start_char + part.end, keeporiginal
                    )


def _fill(token: Token, text: str, pos: int, start: int, end: int, keeporiginal: bool) -> Token:
    token.text = text
    token.boost = 1.0
    token.stopped = False
    if keeporiginal:
        token.original = text
    if token.positions:
        token.pos = pos
    if token.chars:
        token.startchar = start
        token.endchar = end
    return token


def domain_analyzer(words: Iterable[str] = ()) -> Analyzer:
    """The analyzer of every Chinese text field: domain tokenizer, then lower-casing (for Latin words)."""
    return DomainTokenizer(words) | LowercaseFilter()


def analyze(analyzer: Analyzer, text: str, *, mode: str = "query") -> list[tuple[str, int, int, int]]:
    """``(word, position, start, end)`` of each token, as the index (``mode="index"``) or a query sees it.

    >>> analyze(domain_analyzer(["机械化换人"]), "机械化换人", mode="index")
    [('机械化换人', 0, 0, 5), ('机械', 0, 0, 2), ('机械化', 0, 0, 3), ('换人', 0, 3, 5)]
    """
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in analyzer(text, positions=True, chars=True, mode=mode, removestops=False)
    ]
