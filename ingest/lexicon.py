"""A segmenter's whole dictionary on disk, read per text: a cold process cuts a question without loading it.

Why: building rjieba's ``Jieba()`` parses its 350,000-word dictionary, about 0.17 s of CPU, which a cold
``policykg ask`` paid to cut a question of twenty characters. jieba's segmentation of a text depends only on
the dictionary words that occur *inside* that text (the DAG of candidate words, their frequencies, and the
HMM's check that an unknown run of characters is no word) and on the dictionary's total frequency (each word
of a route scores ``log(freq) - log(total)``). So a text is cut exactly as the full dictionary cuts it by an
empty ``Jieba`` that holds only the text's substrings that are dictionary words, with their frequencies, plus
one filler entry that no text can contain, sized so the totals agree. ``tests/test_lexicon.py`` checks this
token for token against the full dictionary on the seed and the laws, in both modes.

The file (``lexicon.sqlite``, written beside the index's word list by the build) holds every word of the
build's segmenters: jieba's default dictionary (``jieba/dict.txt``, the same data rjieba embeds) once, and per
segmenter (the index's word list; the gazetteer's alone, which laws' duty questions are cut with) its domain
words at the frequencies rjieba gave them when they were added, and its total.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

FORMAT = 2  # 2: several word lists over one default dictionary
FILLER = "\ue000\ue001"  # two private-use characters: no text the segmenter reads contains them
_BATCH = 900  # host parameters per SELECT, below every SQLite build's limit


def words_digest(words: Iterable[str]) -> str:
    """What a lexicon was written for: the sorted domain words (a segmenter with other words may not use it)."""
    return hashlib.sha256("\n".join(sorted(words)).encode("utf-8")).hexdigest()


def default_dictionary() -> Path | None:
    """jieba's ``dict.txt`` (the dictionary rjieba embeds), or None when jieba is not installed."""
    from importlib.util import find_spec

    spec = find_spec("jieba")
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / "dict.txt"
    return path if path.is_file() else None


def _default_frequencies(path: Path) -> dict[str, int]:
    frequencies: dict[str, int] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                frequencies[parts[0]] = int(parts[1])
    return frequencies


WordList = tuple[tuple[str, ...], dict[str, int]]  # a segmenter's domain words and rjieba's frequencies for them


def write_lexicon(
    path: Path, words: tuple[str, ...], domain_frequencies: dict[str, int], *more: WordList
) -> int:
    """Write ``path`` for a segmenter over ``words``: the default dictionary overlaid with
    ``domain_frequencies`` (what rjieba's ``add_word`` returned for each domain word), and for each of ``more``
    segmenters (another word list, e.g. the gazetteer's alone) the same default dictionary under its own
    overlay: one file serves every segmenter a question uses. Returns the first segmenter's word count, or 0
    (and writes nothing) when jieba's dictionary is not installed: queries then load the full one."""
    source = default_dictionary()
    if source is None:
        return 0
    defaults = _default_frequencies(source)
    default_total = sum(defaults.values())
    default_longest = max(map(len, defaults))
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    with sqlite3.connect(temporary) as connection:
        # a file written once and renamed into place: no journal, no syncs (a crash leaves only the .tmp)
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("CREATE TABLE words (word TEXT PRIMARY KEY, freq INTEGER NOT NULL) WITHOUT ROWID")
        connection.execute(
            "CREATE TABLE domain (list TEXT NOT NULL, word TEXT NOT NULL, freq INTEGER NOT NULL,"
            " PRIMARY KEY (list, word)) WITHOUT ROWID"
        )
        connection.execute(
            "CREATE TABLE lists (list TEXT PRIMARY KEY, total INTEGER NOT NULL, longest INTEGER NOT NULL)"
        )
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        connection.executemany("INSERT INTO words VALUES (?, ?)", sorted(defaults.items()))
        for list_words, frequencies in ((words, domain_frequencies), *more):
            digest = words_digest(list_words)
            # the total the full dictionary would have: defaults, with overlaid words at their new frequency
            total = default_total + sum(freq - defaults.get(word, 0) for word, freq in frequencies.items())
            longest = max([default_longest, *map(len, frequencies)])
            connection.execute("INSERT OR REPLACE INTO lists VALUES (?, ?, ?)", (digest, total, longest))
            connection.executemany(
                "INSERT OR REPLACE INTO domain VALUES (?, ?, ?)",
                [(digest, word, freq) for word, freq in sorted(frequencies.items())],
            )
        connection.execute("INSERT INTO meta VALUES ('format', ?)", (str(FORMAT),))
    connection.close()
    temporary.replace(path)
    return len(defaults.keys() | domain_frequencies.keys())


class LexiconBackend:
    """rjieba over only the dictionary words a text contains, read from a lexicon file as texts arrive.

    Words are added once and kept (a later text's words join them): every word present carries its true
    frequency, and the filler keeps the total that of the full dictionary, so each text is cut as the full
    dictionary cuts it.
    """

    def __init__(
        self, connection: sqlite3.Connection, digest: str, total: int, longest: int, jieba_class: type
    ) -> None:
        self._connection = connection
        self._digest = digest
        self._total = total
        self._longest = longest
        self._jieba: Any = jieba_class.empty()
        self._seen: set[str] = set()
        self._held = 0
        self._lock = threading.Lock()  # one SQLite connection and one growing Jieba, shared by threads

    @classmethod
    def open(cls, path: Path, words: tuple[str, ...], jieba_class: type) -> LexiconBackend | None:
        """The backend for a segmenter over ``words``, or None when ``path`` is missing, unreadable or was
        written for other words or another format (the caller then loads the full dictionary)."""
        if not path.is_file():
            return None
        try:
            connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        except sqlite3.Error:
            return None
        try:
            meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
            digest = words_digest(words)
            found = (
                connection.execute("SELECT total, longest FROM lists WHERE list = ?", (digest,)).fetchone()
                if meta.get("format") == str(FORMAT)
                else None
            )
        except sqlite3.Error:
            connection.close()
            return None
        if found is None:  # another format, or written for other words
            connection.close()
            return None
        return cls(connection, digest, int(found[0]), int(found[1]), jieba_class)

    def _substrings(self, text: str) -> Iterator[str]:
        n = len(text)
        for start in range(n):
            for end in range(start + 1, min(n, start + self._longest) + 1):
                piece = text[start:end]
                if piece not in self._seen:
                    self._seen.add(piece)
                    yield piece

    def _hold(self, text: str) -> None:
        """Add the dictionary words inside ``text`` not added yet, then resize the filler."""
        pieces = list(self._substrings(text))
        if not pieces:
            return
        for at in range(0, len(pieces), _BATCH):
            batch = pieces[at : at + _BATCH]
            marks = ",".join("?" * len(batch))
            found = dict(self._connection.execute(f"SELECT word, freq FROM words WHERE word IN ({marks})", batch))
            found.update(
                self._connection.execute(
                    f"SELECT word, freq FROM domain WHERE list = ? AND word IN ({marks})", (self._digest, *batch)
                )
            )
            for word, frequency in found.items():
                self._jieba.add_word(word, frequency, None)
                self._held += frequency
        self._jieba.add_word(FILLER, max(self._total - self._held, 1), None)

    def tokenize(self, text: str, mode: str = "default", hmm: bool = True) -> list[tuple[str, int, int]]:
        with self._lock:
            self._hold(text)
            result: list[tuple[str, int, int]] = self._jieba.tokenize(text, mode, hmm)
        return result

    def has_word(self, word: str) -> bool:
        with self._lock:
            self._hold(word)
            return bool(word != FILLER and self._jieba.has_word(word))

    def close(self) -> None:
        self._connection.close()
