"""The parse cache: what reading and parsing one file gave, kept by the file's bytes, its path and the parser.

Why: a corpus of hundreds of documents is rebuilt after one file changes; reading (PDF, Word, HTML) and
segmenting every other file again costs most of the build.  An entry's key hashes the file's bytes, its path (the
parsed document records where it came from) and the parser's own code and data (:func:`parser_version`), so a
changed file, a moved file or a new release of the parser misses the cache and is parsed again; everything else
is read back as it was written.  Entries are written atomically (a temporary file, then a rename), so an
interrupted build leaves no half entry; an entry that cannot be read back is parsed again and rewritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

_PACKAGE = Path(__file__).resolve().parent


@cache
def parser_version() -> str:
    """A hash of every source and data file of the ``ingest`` package: a new parser never reads an old entry."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".tsv", ".txt", ".json"} and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(_PACKAGE)).encode("utf-8"))
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def entry_key(path: Path, content: bytes) -> str:
    """The cache key of ``path`` with these bytes under this parser."""
    digest = hashlib.sha256()
    digest.update(parser_version().encode("ascii"))
    digest.update(b"\0" + str(path).encode("utf-8", "surrogateescape") + b"\0")
    digest.update(content)
    return digest.hexdigest()


class ParseCache:
    """A folder of pickled per-file results, one file per key (two-character fan-out)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Any | None:
        """The entry stored under ``key``, None when there is none or it cannot be read back."""
        try:
            with self._file(key).open("rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key``; a full disk or a read-only folder leaves the build uncached, not failed."""
        write_cache_entry(self._file(key), lambda handle: pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL))


def write_cache_entry(target: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a cache entry atomically (a temporary file beside it, then renamed), so a reader never sees half an
    entry; a full disk or a read-only folder leaves the entry unwritten instead of failing the build."""
    temporary: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".tmp") as handle:
            temporary = handle.name
            write(handle)
        os.replace(temporary, target)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
