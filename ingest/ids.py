"""Readable ASCII keys for Chinese text: pinyin initials, plus a short hash that makes them unique.

Why one module: document ids (ingest) and graph IRIs (kg) both turn Chinese into pinyin initials; computing it
in one place keeps the two spellings the same, so an id read in a URL maps back to its document.
"""

from __future__ import annotations

import hashlib
import re

_NOT_ID_CHAR = re.compile(r"[^a-z0-9]")
_WHITESPACE = re.compile(r"\s+")


def initials(text: str, *, limit: int = 24, empty: str = "x") -> str:
    """Pinyin initials of ``text``, lower-case ASCII letters and digits only, at most ``limit`` of them.

    >>> initials("中华人民共和国安全生产法")
    'zhrmghgaqscf'
    """
    from pypinyin import Style, lazy_pinyin

    letters = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return _NOT_ID_CHAR.sub("", letters)[:limit] or empty


def short_hash(text: str, length: int = 6) -> str:
    """The first ``length`` hex digits of the SHA-1 of ``text``.

    >>> short_hash("安全")
    '8e662a'
    """
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def normalised_text(text: str) -> str:
    """Text with all whitespace removed: the same document saved with CRLF, other indentation or a trailing
    newline has the same normalised text (and so the same id)."""
    return _WHITESPACE.sub("", text.replace("\ufeff", "").replace("\u3000", ""))


def document_id(title: str, text: str) -> str:
    """A document's id: a readable slug of its title plus a hash of its whitespace-normalised text.

    Why the text and not the title: two documents with one title (a draft and its final) are two documents,
    and one text reached by two paths is one.

    >>> document_id("中华人民共和国安全生产法", "第一条　为了加强安全生产工作。")
    'zhrmghgaqscf-377793'
    >>> document_id("中华人民共和国安全生产法", "第一条 为了加强安全生产工作。\\r\\n")
    'zhrmghgaqscf-377793'
    """
    return f"{initials(title, empty='doc')}-{short_hash(normalised_text(text))}"
