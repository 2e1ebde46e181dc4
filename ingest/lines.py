"""Split verbatim text into lines with their offsets, without changing a character.

Why a module of its own: every parser stage (structure, tables, metadata) walks lines and must report spans
into the original text; CRLF, lone CR, and paragraphs run together on one line with ideographic-space
indentation (``。　　（二）…``) are handled once, here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A run of two or more ideographic spaces after sentence-final punctuation starts a new paragraph
# in documents whose paragraphs were run together on one line.
_RUN_TOGETHER = re.compile(r"(?<=[。；：！？”）])[\u3000]{2,}")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """One line (or run-together paragraph) and where it lies in the text."""

    text: str
    start: int

    @property
    def end(self) -> int:
        """Offset just past the line's last character."""
        return self.start + len(self.text)

    @property
    def stripped(self) -> str:
        """The text without surrounding whitespace (ASCII, U+3000, tabs, NBSP)."""
        return self.text.strip(" \t\u3000\u00a0\ufeff")

    @property
    def content_start(self) -> int:
        """Offset of the first non-blank character."""
        return self.start + len(self.text) - len(self.text.lstrip(" \t\u3000\u00a0\ufeff"))


def split_lines(text: str) -> list[Line]:
    """Lines of ``text`` with offsets; paragraphs run together with U+3000 runs become separate lines.

    >>> [(line.text, line.start) for line in split_lines("甲。\\r\\n乙\\n丙。\\u3000\\u3000丁")]
    [('甲。', 0), ('乙', 4), ('丙。', 6), ('\\u3000\\u3000丁', 8)]
    """
    lines: list[Line] = []
    position = 0
    for match in [*_LINE_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        raw = text[position:end]
        cut = position
        for run in _RUN_TOGETHER.finditer(raw):
            lines.append(Line(text=text[cut : position + run.start()], start=cut))
            cut = position + run.start()
        lines.append(Line(text=text[cut:end], start=cut))
        if match is None:
            break
        position = match.end()
    return lines
