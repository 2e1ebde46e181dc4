"""One build: corpus files ─► a new data-directory build, published atomically.

Why a list of named steps: each stage (model JSON, RDF graph, full-text index) writes its own artefact into
the build folder; a step is one function, and the build fails as a whole (nothing published) if any raises.
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.model import Corpus, Duplicate, Revision, Warning
from ingest.pipeline import Failure, ingest_paths
from ingest.serialize import to_data, write_corpus_json
from search_api.builds.beside import Beside, start_beside
from search_api.builds.datadir import MODEL_FILE, REGISTER_FILE, discard, new_build_path, publish
from search_api.search.semantic import EMBED_CACHE, SemanticError

BuildStep = Callable[[Corpus, Path], dict[str, Any] | None]
MANIFEST_FILE = "manifest.json"
MAX_FILE_MB = 20.0  # per-file limit: larger files fail as ``too_large`` (a 50 MB text took minutes and GBs)
# name → "module:function"; imported only when a build runs, so other commands stay fast to start.
STEPS: tuple[tuple[str, str], ...] = (
    ("thesaurus", "kg.store:write_thesaurus"),
    ("model", "search_api.builds.make:write_model"),
    ("index", "search_api.search.index:write_index"),
    ("graph", "kg.store:write_graph"),
    ("duties", "kg.statutory:write_duty_table"),
    ("topics", "kg.topic_table:write_topic_table"),
)
# Steps started in a forked process and awaited after the others (:mod:`search_api.builds.beside`): the index is
# written on the core the graph step's pool leaves to it, not after the graph; the topic table (it reads the
# graph's store) is written while the duties are and the index finishes.
BESIDE_STEPS = frozenset({"index", "topics"})


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildResult:
    """What a build did: counts for the summary, failures, and the published folder (None if nothing)."""

    counts: dict[str, int]
    unresolved: tuple[str, ...]
    failures: tuple[Failure, ...]
    warnings: tuple[str, ...]
    path: Path | None
    manifest: dict[str, Any]
    warning_kinds: tuple[WarningKind, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    revisions: tuple[Revision, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class WarningKind:
    """Warnings of one kind: how many, the first message and the files they came from (for a short summary)."""

    code: str
    count: int
    message: str
    sources: tuple[str, ...]


def summarise_warnings(warnings: tuple[Warning, ...]) -> tuple[WarningKind, ...]:
    """Warnings grouped by kind, most frequent first: a corpus of 500 files prints a line a kind, not 500."""
    groups: dict[str, list[Warning]] = {}
    for warning in warnings:
        groups.setdefault(warning.code, []).append(warning)
    kinds = [
        WarningKind(
            code=code,
            count=len(items),
            message=items[0].message,
            sources=tuple(dict.fromkeys(w.source for w in items)),
        )
        for code, items in groups.items()
    ]
    return tuple(sorted(kinds, key=lambda kind: (-kind.count, kind.code)))


def write_model(corpus: Corpus, out: Path) -> dict[str, Any]:
    """Write the model as JSON (the same document ``policykg export --format json`` prints), and beside it the
    register ``ask`` needs (:data:`REGISTER_FILE`)."""
    with (out / MODEL_FILE).open("w", encoding="utf-8") as model:
        write_corpus_json(corpus, model)
    (out / REGISTER_FILE).write_text(
        json.dumps(register_data(corpus), ensure_ascii=False, sort_keys=True), encoding="utf-8"
    )
    return {"file": MODEL_FILE}


def register_data(corpus: Corpus) -> dict[str, Any]:
    """The units and each document's id, kind and jurisdiction: what answering a question reads of the model.

    Why apart from ``model.json``: the model holds every article and sentence and grows with the corpus;
    loading it made a cold ``policykg ask`` pay for the whole corpus."""
    from ingest.units import slug

    places = sorted({doc.jurisdiction for doc in corpus.documents if doc.jurisdiction})
    return {
        "units": [to_data(unit) for unit in corpus.units],
        "documents": [
            {"id": doc.id, "kind": doc.kind, "jurisdiction": doc.jurisdiction, "tasks": len(doc.tasks)}
            for doc in corpus.documents
        ],
        # place → the slug its units' ids start with (wangyiqu-…): a question naming a place need not import
        # pypinyin (0.3 s) to tell that place's bodies from another's
        "jurisdiction_keys": {place: slug(place) for place in places},
    }


def corpus_counts(corpus: Corpus) -> dict[str, int]:
    """The summary figures of a build."""
    articles = [a for d in corpus.documents for a in d.articles()]
    return {
        "documents": len(corpus.documents),
        "sections": sum(len(d.sections) for d in corpus.documents),
        "articles": len(articles),
        "tasks": sum(len(d.tasks) for d in corpus.documents),
        "units": sum(1 for u in corpus.units if not u.is_group),
        "unit_groups": sum(1 for u in corpus.units if u.is_group),
        "obligations": sum(len(a.obligations) for a in articles),
        "citations": sum(len(d.citations) for d in corpus.documents),
        "unresolved_units": len(corpus.unresolved),
        "warnings": len(corpus.warnings),
    }


def _step(reference: str) -> BuildStep:
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


PARSE_CACHE = Path("cache") / "parse"  # inside the data directory, beside builds/
VALIDATION_CACHE = Path("cache") / "shacl"  # each document part's SHACL findings (kg.bulk)
EMBED_ENV = "POLICYKG_EMBED"
EMBED_STEP = ("embed", "search_api.search.semantic:write_embeddings")
"""Run after the others when the build adds the semantic leg (:func:`semantic_leg`)."""
AUTO_EMBED_PASSAGES = 1000
"""By default a build adds the semantic leg when at most this many distinct passages need embedding (the others
are in ``DATA/cache/embed``): about a minute and a half on two cores. The seed (234 passages) gets it in its
first build; a corpus of thousands of passages is built words alone (and says how to add the leg) unless asked,
since embedding is 7-30× the rest of the build; once its vectors are cached, its rebuilds keep the leg."""


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep the objects alive now (the parsed corpus, the imports) out of the cyclic collector's scans until the
    block ends.

    Why: the build's steps allocate millions of short-lived objects (triples, postings), and every full
    collection would walk the corpus again; frozen, the 491-document index step takes ~10% less CPU. Forked
    workers also stop copying the corpus's pages when the collector would have touched them. Unfrozen at the
    end, so a server that builds in its own process collects the corpus like anything else afterwards.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def semantic_leg(embed: bool | None, corpus: Corpus, data_dir: Path) -> tuple[bool, str]:
    """Whether a build adds the semantic leg, and why: as asked (``embed`` True or False: ``--embed``,
    ``--no-embed``), else as ``$POLICYKG_EMBED`` says (``1`` or ``0``), else automatically: when at most
    :data:`AUTO_EMBED_PASSAGES` distinct passages are not in the embedding cache.

    Why automatic: with the leg every evaluation set scores at or above words alone, everyday paraphrases and
    English far above (docs/search-evaluation.md); what it costs is build time, which only a large corpus feels.
    """
    if embed is not None:
        return embed, "--embed" if embed else "--no-embed"
    setting = os.environ.get(EMBED_ENV, "").strip().lower()
    if setting in ("0", "1"):
        return setting == "1", f"${EMBED_ENV}={setting}"
    from search_api.search.semantic import model_unavailable, passages_to_embed

    unavailable = model_unavailable()
    if unavailable:
        return False, f"auto: {unavailable}"
    missing = passages_to_embed(corpus, data_dir / EMBED_CACHE, stop_after=AUTO_EMBED_PASSAGES)
    if missing <= AUTO_EMBED_PASSAGES:
        return True, f"auto: {missing} passages to embed"
    return False, f"auto: more than {AUTO_EMBED_PASSAGES} passages to embed"


def run_build(
    paths: list[Path],
    *,
    data_dir: Path,
    progress: Callable[[str], None] = lambda _message: None,
    max_file_mb: float | None = MAX_FILE_MB,
    workers: int | None = None,
    supersedes: Sequence[tuple[str, str]] = (),
    cache: bool = True,
    embed: bool | None = None,
) -> BuildResult:
    """Ingest ``paths`` and publish a new build in ``data_dir``; the previous build stays if this one fails.

    ``max_file_mb``: files over this size are reported as ``too_large`` failures and not read (None: no limit).
    ``workers``: processes for the per-document work (default: :func:`ingest.parallel.build_workers`, the
    cores); the published artefacts are the same for any number.
    ``supersedes``: (old, new) document pairs (id, exact title or source path) where new is a revision of old,
    beside those the titles show (:mod:`ingest.revisions`); a side that is not a document of the build raises
    :class:`ingest.revisions.RevisionError` and nothing is published.
    ``cache``: keep and reuse the parse of every file in ``data_dir/cache/parse`` (:mod:`ingest.parse_cache`)
    and the SHACL findings of every document's triples in ``data_dir/cache/shacl`` (:mod:`kg.bulk`): a rebuild
    parses only the files that changed, validates only the documents whose triples changed, and publishes what
    a build without the cache would.
    ``embed``: add the semantic leg's vectors (:mod:`search_api.search.semantic`), each passage's kept in
    ``data_dir/cache/embed`` (kept even with ``cache=False``: a vector depends only on its text and the model).
    Default (None): :func:`semantic_leg` decides (``$POLICYKG_EMBED``, else the size of what is to embed).
    """
    from ingest.parallel import build_workers
    from ingest.revisions import with_revisions

    started = time.time()
    workers = build_workers(workers)

    def on_file(index: int, total: int, path: Path) -> None:
        progress(f"[{index}/{total}] {path}")

    corpus, failures = ingest_paths(
        paths,
        progress=on_file,
        skip=lambda p: data_dir.resolve() in p.resolve().parents,
        max_bytes=None if max_file_mb is None else int(max_file_mb * 2**20),
        workers=workers,
        cache_dir=data_dir / PARSE_CACHE if cache else None,
    )
    if supersedes:
        corpus = with_revisions(corpus, supersedes)
    counts = corpus_counts(corpus)
    warnings = tuple(f"{w.source}: {w.message}" for w in corpus.warnings)
    kinds = summarise_warnings(corpus.warnings)
    if not corpus.documents:
        return BuildResult(
            counts=counts,
            unresolved=(),
            failures=failures,
            warnings=warnings,
            path=None,
            manifest={},
            warning_kinds=kinds,
            duplicates=corpus.duplicates,
            revisions=corpus.revisions,
        )
    embed, why_embed = semantic_leg(embed, corpus, data_dir)
    build_path = new_build_path(data_dir)
    steps: dict[str, Any] = {}
    pending: list[Beside] = []
    try:
        with frozen_heap():  # the corpus lives to the end of the build: the collector need not scan it
            for name, reference in (*STEPS, EMBED_STEP) if embed else STEPS:
                progress(f"step {name}")
                step_started = time.perf_counter()
                step = _step(reference)
                if name in BESIDE_STEPS:
                    pending.append(start_beside(name, step, corpus, build_path, workers=workers))
                    continue
                if name == "graph":
                    shacl_cache = data_dir / VALIDATION_CACHE if cache else None
                    info = step(corpus, build_path, workers=workers, cache_dir=shacl_cache)
                elif name == "embed":
                    try:
                        info = step(corpus, build_path, cache_dir=data_dir / EMBED_CACHE, progress=progress)
                    except SemanticError as error:
                        if not why_embed.startswith("auto"):
                            raise  # asked for: the build fails and says why
                        embed, why_embed = False, f"auto: {error.message}"  # by default: words alone, and why
                        continue
                else:
                    info = step(corpus, build_path)
                steps[name] = {**(info or {}), "seconds": round(time.perf_counter() - step_started, 3)}
            for beside in pending:
                steps[beside.name] = beside.result()
        manifest = {
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
            "seconds": round(time.time() - started, 3),
            "files": [
                {"path": d.source, "sha256": d.sha256, "id": d.id, "title": d.title} for d in corpus.documents
            ],
            "failures": [{"path": f.source, "code": f.code, "reason": f.reason} for f in failures],
            "duplicates": [{"path": d.path, "same_as": d.same_as} for d in corpus.duplicates],
            "revisions": [{"old": r.old, "new": r.new, "basis": r.basis} for r in corpus.revisions],
            "counts": counts,
            "unresolved_units": list(corpus.unresolved),
            "steps": steps,
            "semantic_leg": {"on": embed, "why": why_embed},
            "content_hash": hashlib.sha256(
                "".join(sorted(d.sha256 for d in corpus.documents)).encode()
            ).hexdigest(),
        }
        (build_path / MANIFEST_FILE).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    except BaseException:
        for beside in pending:
            beside.cancel()
        discard(build_path)
        raise
    publish(data_dir, build_path)
    return BuildResult(
        counts=counts,
        unresolved=corpus.unresolved,
        failures=failures,
        warnings=warnings,
        path=build_path,
        manifest=manifest,
        warning_kinds=kinds,
        duplicates=corpus.duplicates,
        revisions=corpus.revisions,
    )
