"""One Chinese segmenter with the domain dictionary, shared by indexing and querying.

Why one private segmenter: full-text search only works when the index and the query cut text the same way,
and a work-safety text is full of words that a general dictionary splits (区财政局, 机械化换人, 危化品,
安全生产责任险).  So every caller asks this module for a :class:`Segmenter` built from one word list, and no
code ever touches jieba's *global* tokenizer (``jieba.load_userdict`` there would change every other user's
segmentation behind their back).

Engines: ``rjieba`` (the jieba-rs binding) gives token-for-token the same output as jieba 0.42.1, with and
without a user dictionary (``tests/test_segment.py`` checks this on the seed), starts in milliseconds instead
of 0.6 s and runs ~20× faster; ``jieba`` stays available as the reference.  Both are imported lazily, on the
first cut, so importing this module costs nothing.

Where the words come from: :func:`gazetteer_words` turns the unit gazetteer into printed unit names
(区财政局, 区委组织部, 各镇办 …); callers add the thesaurus labels and the unit names of a corpus (this package
may not import :mod:`ontology`, so those arrive as arguments).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, Protocol

from ingest.unit_names import LEVEL_CHARS, load_gazetteer

Engine = Literal["rjieba", "jieba"]
Mode = Literal["precise", "search"]
DEFAULT_ENGINE: Engine = "rjieba"

# jieba only ever joins characters of this class into one word (its ``re_han_default``); a dictionary word
# with other characters (、 “ spaces) could never be produced, so such words are left out.
_WORD = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")
_CJK = re.compile(r"[\u4E00-\u9FD5]")
GAZETTEER_LEVELS = "区县市省"
"""Level prefixes combined with gazetteer functions (旗/州 exist but are rare enough to skip)."""


class _Backend(Protocol):
    def tokenize(self, text: str, mode: str = ..., hmm: bool = ...) -> list[tuple[str, int, int]]: ...

    def has_word(self, word: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text: ``text[start:end] == word``."""

    word: str
    start: int
    end: int


def usable_word(word: str) -> bool:
    """Whether ``word`` can be a dictionary word: at least two characters, one Chinese, jieba-joinable.

    >>> usable_word("区财政局"), usable_word("双随机、一公开"), usable_word("委"), usable_word("lift")
    (True, False, False, False)
    """
    return len(word) >= 2 and bool(_WORD.fullmatch(word)) and bool(_CJK.search(word))


@cache
def _rjieba_class() -> type:
    """rjieba's ``Jieba`` class, loaded without running ``rjieba/__init__.py``.

    Why: that ``__init__`` builds a module-level default ``Jieba()`` (the whole 350,000-word dictionary) that
    this module never uses, which was about 40% of a cold ``policykg ask``. The extension is registered as
    ``rjieba.rjieba``, so a later ``import rjieba`` anywhere reuses it (a PyO3 module initialises once).
    """
    import importlib.machinery
    import importlib.util
    import sys

    loaded = sys.modules.get("rjieba.rjieba")
    if loaded is None:
        spec = importlib.util.find_spec("rjieba")
        folder = Path(spec.origin).parent if spec and spec.origin else None
        binary = next(folder.glob("rjieba*.so"), None) if folder else None
        if binary is None:  # an unusual install: the ordinary import
            import rjieba

            return rjieba.Jieba
        loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", str(binary))
        extension = importlib.util.spec_from_file_location("rjieba.rjieba", binary, loader=loader)
        if extension is None:
            raise ImportError(f"cannot load {binary}")
        loaded = importlib.util.module_from_spec(extension)
        loader.exec_module(loaded)
        sys.modules["rjieba.rjieba"] = loaded
    return loaded.Jieba


def _rjieba_backend(words: tuple[str, ...]) -> _Backend:
    backend = _rjieba_class()()
    for word in words:
        backend.add_word(word, None, None)
    return backend


def rjieba_frequencies(words: tuple[str, ...]) -> dict[str, int]:
    """The frequency rjieba gives each of ``words`` when they are added in this order to its default dictionary
    (``add_word`` without a count suggests one from the words already there), as :func:`_rjieba_backend` adds
    them: what a lexicon file must record to cut text as that backend does."""
    backend = _rjieba_class()()
    return {word: backend.add_word(word, None, None) for word in words}


class _JiebaBackend:
    """jieba's private ``Tokenizer`` (never the global one), adapted to rjieba's ``tokenize`` signature."""

    def __init__(self, words: tuple[str, ...]) -> None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._tokenizer = jieba.Tokenizer()
        for word in words:
            self._tokenizer.add_word(word)

    def tokenize(self, text: str, mode: str = "default", hmm: bool = True) -> list[tuple[str, int, int]]:
        return list(self._tokenizer.tokenize(text, mode=mode, HMM=hmm))

    def has_word(self, word: str) -> bool:
        self._tokenizer.check_initialized()
        return bool(self._tokenizer.FREQ.get(word))  # jieba keeps prefixes with count 0: not words


_BACKENDS: dict[str, Callable[[tuple[str, ...]], _Backend]] = {
    "rjieba": _rjieba_backend,
    "jieba": _JiebaBackend,
}


class Segmenter:
    """A jieba-compatible segmenter over its own dictionary; the engine loads on the first cut.

    >>> seg = Segmenter(["机械化换人"])
    >>> [t.word for t in seg.tokens("开展机械化换人")]
    ['开展', '机械化换人']
    >>> [(t.word, t.start) for t in seg.tokens("机械化换人", mode="search")]
    [('机械', 0), ('换人', 3), ('机械化', 0), ('机械化换人', 0)]
    """

    __slots__ = ("_backend", "_on_lexicon", "_parts", "engine", "hmm", "words")

    def __init__(self, words: Iterable[str] = (), *, engine: Engine = DEFAULT_ENGINE, hmm: bool = True) -> None:
        if engine not in _BACKENDS:
            raise ValueError(f"unknown segmentation engine {engine!r}; use one of {sorted(_BACKENDS)}")
        self.words: tuple[str, ...] = tuple(sorted({w.strip() for w in words if usable_word(w.strip())}))
        self.engine: Engine = engine
        self.hmm = hmm
        self._backend: _Backend | None = None
        self._on_lexicon = False
        self._parts: dict[str, tuple[Token, ...]] = {}

    def __repr__(self) -> str:
        return f"<Segmenter {self.engine} with {len(self.words)} domain words>"

    def _engine(self) -> _Backend:
        if self._backend is None:
            self._backend = _BACKENDS[self.engine](self.words)
        return self._backend

    @property
    def source(self) -> str:
        """Where words come from: ``"lexicon"`` (a file, per text), ``"dictionary"`` (loaded whole) or ``"unloaded"``."""
        if self._backend is None:
            return "unloaded"
        return "lexicon" if self._on_lexicon else "dictionary"

    def use_lexicon(self, path: Path) -> bool:
        """Cut texts by looking their words up in the lexicon file at ``path`` (:mod:`ingest.lexicon`) instead of
        loading the whole dictionary: the same words, for a process that cuts a few short texts (a cold
        question). Only before the first cut, with rjieba, and a lexicon written for this word list; otherwise
        nothing changes and this returns False."""
        if self._backend is not None or self.engine != "rjieba":
            return False
        from ingest.lexicon import LexiconBackend

        backend = LexiconBackend.open(path, self.words, _rjieba_class())
        if backend is None:
            return False
        self._backend = backend
        self._on_lexicon = True
        return True

    def load(self) -> None:
        """Load the whole dictionary now (a server, before its first question), replacing a lexicon."""
        if self._backend is None or self._on_lexicon:
            self._backend = _BACKENDS[self.engine](self.words)
            self._on_lexicon = False

    def tokens(self, text: str, *, mode: Mode = "precise") -> list[Token]:
        """Every word with its offsets, whitespace and punctuation included (callers filter).

        ``precise`` cuts the text into non-overlapping words; ``search`` adds, before each long word, the
        dictionary words inside it (jieba's search mode), which overlap it.
        """
        raw = self._engine().tokenize(text, "search" if mode == "search" else "default", self.hmm)
        return [Token(word, start, end) for word, start, end in raw]

    def parts(self, word: str) -> tuple[Token, ...]:
        """The dictionary words strictly inside ``word`` (offsets relative to it), by start then length.

        Unlike jieba's search mode (2- and 3-grams only) this finds inner words of any length, so the
        index can hold 特种设备 inside 特种设备使用.

        >>> [p.word for p in Segmenter(["特种设备使用"]).parts("特种设备使用")]
        ['特种', '特种设备', '设备', '使用']
        """
        cached = self._parts.get(word)
        if cached is None:
            engine = self._engine()
            n = len(word)
            cached = tuple(
                Token(word[i:j], i, j)
                for i in range(n - 1)
                for j in range(i + 2, n + 1)
                if j - i < n and engine.has_word(word[i:j])
            )
            self._parts[word] = cached
        return cached

    def cut(self, text: str) -> list[str]:
        """The words of ``text`` in precise mode (whitespace and punctuation included)."""
        return [t.word for t in self.tokens(text)]


@cache
def gazetteer_words() -> tuple[str, ...]:
    """Printed unit names that the gazetteer implies: each function and alias alone, after a level prefix
    (区财政局), after ``<level>委`` for Party organs (区委组织部), and the collective names (各镇办).

    >>> words = gazetteer_words()
    >>> "区财政局" in words and "区委组织部" in words and "各镇办" in words
    True
    """
    gazetteer = load_gazetteer()
    words: set[str] = set()
    for function in gazetteer.functions:
        for form in (function.name, *function.aliases):
            words.add(form)
            for level in GAZETTEER_LEVELS:
                words.add(level + form)
                if function.organ == "党委":
                    words.add(f"{level}委{form}")
    for collective in gazetteer.collectives:
        words.update((collective.name, *collective.aliases))
    if not set(GAZETTEER_LEVELS) <= set(LEVEL_CHARS):
        raise ValueError("GAZETTEER_LEVELS must be level prefixes known to ingest.unit_names")
    return tuple(sorted(w for w in words if usable_word(w)))


@cache
def _cached(words: tuple[str, ...], engine: Engine) -> Segmenter:
    return Segmenter(words, engine=engine)


def shared_segmenter(extra_words: Iterable[str] = (), *, engine: Engine = DEFAULT_ENGINE) -> Segmenter:
    """The process-wide segmenter for the gazetteer plus ``extra_words`` (one instance per word list).

    Callers that must agree (the index writer and the query parser) pass the same words, usually read back
    with :func:`read_dictionary` from the build that wrote them.
    """
    words = tuple(sorted({*gazetteer_words(), *(w.strip() for w in extra_words)}))
    return _cached(words, engine)


def write_dictionary(path: Path, words: Iterable[str]) -> None:
    """Write a user dictionary, one word a line, sorted (jieba's ``load_userdict`` format without counts)."""
    unique = sorted({w.strip() for w in words if usable_word(w.strip())})
    path.write_text("".join(f"{w}\n" for w in unique), encoding="utf-8")


def read_dictionary(path: Path) -> tuple[str, ...]:
    """The words of a dictionary written by :func:`write_dictionary` (first column of each line)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(line.split()[0] for line in lines if line.strip())
