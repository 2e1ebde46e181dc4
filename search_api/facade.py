"""The one core under the CLI, the API and the exports: a :class:`Build` opened from a data directory.

Why one object: the CLI and the API used to compute the same answers twice (and drifted apart). Now each face
only parses its input, calls one method of :class:`Build` and renders the typed result it returns — the CLI as
text or ``to_json()``, the API as ``to_json()``. Like sqlite-utils' ``Database`` under its CLI, or datasette's
one ``Datasette`` object under its views.

A :class:`Build` reads one build folder (resolved once from the ``current`` link, so a rebuild that moves the
link meanwhile cannot mix two builds) and opens its resources — graph store, thesaurus, search index, network
projection, model — on first use: a one-shot CLI command pays only for what it asks; the server calls
:meth:`Build.preload` when it swaps a build in, so no request pays for opening.

With ``store_url`` (``--store URL``, ``$POLICYKG_STORE``) the graph is read from a shared SPARQL server instead of
the folder's own store: from the named graph of this very build (:mod:`kg.remote_store`), so the answers match
the folder's search index and model; the folder then needs no ``graph.oxigraph/``. A server that cannot be
reached is not remembered as "no graph": the next question asks it again.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from search_api.builds.datadir import (
    MODEL_FILE,
    REGISTER_FILE,
    BuildDir,
    DataDirError,
    current_build_id,
    lease_build,
)
from search_api.builds.lock import BuildLease
from search_api.errors import BadParameter, NotFound, Unavailable

if TYPE_CHECKING:
    from ingest.model import Corpus, Document, Revision, Task, Unit
    from kg.diff import DocumentDiff
    from kg.due import DueTask
    from kg.profile import Profile
    from kg.responsibility import Responsible
    from kg.sparql import SparqlResult
    from kg.sparql_pool import SparqlPool
    from kg.trace import Trace
    from search_api.search.answer import CombinedAnswer
    from search_api.search.engine import SearchResult

log = logging.getLogger("policykg.build")

ASK_LIMIT = 20  # units in an answer (policykg ask --limit)
ASK_EVIDENCE = 5  # evidence items per unit (policykg ask --evidence)
ASK_DUE_TASKS = 50  # tasks in a due question's view, soonest first (the rest are counted: ``tasks_total``)
ASK_TRACE_DOCUMENTS = 10  # matrices in a trace question's view (the rest are counted: ``documents_total``)
ASK_CACHE = 256  # answers a build keeps, most recently asked (a served dashboard asks the same questions again)
GRAPH_NODE_LIMIT = 400  # a neighbourhood larger than this is cut to the nodes nearest the centre


def _open_graph(build_path: Path, build: Build) -> Any:
    if build.store_url:  # the graph is on a shared SPARQL server, in this build's named graph
        from kg.remote_store import open_remote

        return open_remote(build.store_url, build_path.name)
    from kg.store import open_store

    return open_store(build_path)


def _open_thesaurus(build_path: Path, _build: Build) -> Any:
    from kg.store import load_build_thesaurus

    return load_build_thesaurus(build_path)


def _open_duties(build_path: Path, build: Build) -> Any:
    from kg.statutory import DutyTable

    return DutyTable.read(build_path) or DutyTable.load(build.require("graph"))


def _open_topics(build_path: Path, _build: Build) -> Any:
    from kg.topic_table import TopicTable

    return TopicTable.read(build_path)


def _open_index(build_path: Path, _build: Build) -> Any:
    from search_api.search.engine import SearchIndex
    from search_api.search.index import INDEX_DIR

    folder = build_path / INDEX_DIR
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is missing")
    return SearchIndex(folder)


def _open_network(_build_path: Path, build: Build) -> Any:
    from kg.network import StoreNetwork

    graph = build.resource("graph")
    if graph is None:
        raise ValueError("no graph store to project")
    return StoreNetwork(graph)


# Resources a build opens beside the model, each from the build folder (and the resources opened before it). A
# build without that artefact leaves the resource None, and what needs it raises Unavailable (HTTP 503).
Opener = Callable[[Path, "Build"], Any]
RESOURCE_OPENERS: dict[str, Opener] = {
    "graph": _open_graph,
    "thesaurus": _open_thesaurus,
    "index": _open_index,
    "duties": _open_duties,
    "topics": _open_topics,
    "network": _open_network,
}
_WHAT = {
    "duties": "duty clause table",
    "topics": "topic table",
    "graph": "graph store",
    "thesaurus": "thesaurus",
    "index": "search index",
    "network": "graph projection",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Register:
    """What answering a question reads of the model: the unit register and each document's (id, kind, place)."""

    units: tuple[Unit, ...]
    documents: tuple[tuple[str, str, str | None], ...]
    # ids of the documents with a task table, sorted; None from a register written before it was kept
    task_documents: tuple[str, ...] | None = None
    # each document's place → the slug its units' ids start with; None from a register written before it was kept
    jurisdiction_keys: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DueReport:
    """The tasks due by a date (``by`` None: every dated task), judged open/overdue on ``as_of``."""

    by: dt.date | None
    as_of: dt.date
    unit: str | None
    tasks: tuple[DueTask, ...]
    total: int | None = None  # tasks due when ``tasks`` is a page of them (None: all are shown)

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``policykg due --json`` and ``GET /api/due`` (``tasks_total``: how many are due)."""
        return {
            "by": self.by.isoformat() if self.by else None,
            "as_of": self.as_of.isoformat(),
            "unit": self.unit,
            "tasks": [task.to_json() for task in self.tasks],
            "tasks_total": len(self.tasks) if self.total is None else self.total,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class TraceReport:
    """Traceability of the documents with a task table; ``single`` when one document was asked for."""

    documents: tuple[Trace, ...]
    single: bool = False
    total: int | None = None  # documents the view stands for when it shows only some (None: all shown)

    def to_json(self) -> dict[str, Any]:
        """One document's matrix when one was asked for, else ``{"documents": [...], "documents_total": n}``."""
        if self.single:
            return self.documents[0].to_json()
        total = len(self.documents) if self.total is None else self.total
        return {"documents": [trace.to_json() for trace in self.documents], "documents_total": total}


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportResult:
    """An export's bytes with the media type and file suffix of its format."""

    format: str
    content: bytes
    media_type: str
    suffix: str


@dataclass(slots=True)
class Usage:
    """How many requests are inside a build, and whether the server has swapped it out (guarded by the holder)."""

    users: int = 0
    retired: bool = False
    closed: bool = False


class JsonResult(Protocol):
    """What every question of :class:`Build` returns: a typed result that renders itself as JSON data."""

    def to_json(self) -> Any:
        """JSON-ready data (dicts, lists, strings, numbers)."""
        ...


def render_json(result: JsonResult) -> str:
    r"""The one JSON text of a result: ``policykg … --json`` prints it and the API sends it, byte for byte.

    >>> render_json(DueReport(by=None, as_of=dt.date(2019, 6, 30), unit=None, tasks=()))
    '{\n  "by": null,\n  "as_of": "2019-06-30",\n  "unit": null,\n  "tasks": [],\n  "tasks_total": 0\n}\n'
    """
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"


class Build:
    """One finished build, opened from its folder; every question is a method returning a typed result.

    Opening takes a lease on the folder (a shared lock, :mod:`search_api.builds.lock`) that pruning in any
    process respects, so the folder stays on disk until :meth:`close`.
    """

    def __init__(
        self,
        data_dir: Path,
        build_id: str,
        *,
        openers: Mapping[str, Opener] | None = None,
        store_url: str | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.build_id = build_id
        self.store_url = store_url
        self.build: BuildDir
        self.lease: BuildLease | None
        self.build, self.lease = lease_build(data_dir, build_id)
        self.opened_at = time.time()
        self.usage = Usage()
        self._openers = RESOURCE_OPENERS if openers is None else openers
        self._resources: dict[str, Any] = {}
        self._corpus: Corpus | None = None
        self._lock = threading.RLock()
        self._answers: OrderedDict[tuple[str, int, int, dt.date], CombinedAnswer] = OrderedDict()

    def __enter__(self) -> Build:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Drop the open index and store handles and release the folder's lease (idempotent).

        Afterwards the folder may be pruned, and since no handle points into it any more, deleting it frees
        the disk space.
        """
        with self._lock:
            self.usage.closed = True
            for name, resource in list(self._resources.items()):
                closer = getattr(resource, "close", None)
                if callable(closer):
                    try:
                        closer()
                    except Exception as error:  # best effort: the lease is released regardless
                        log.warning("build %s: closing %s failed: %s", self.build_id, name, error)
            self._resources = dict.fromkeys(self._resources)
            if self.lease is not None:
                self.lease.release()
                self.lease = None

    @classmethod
    def open(
        cls, data_dir: Path, *, openers: Mapping[str, Opener] | None = None, store_url: str | None = None
    ) -> Build:
        """The current build of ``data_dir``, or :class:`DataDirError` naming the folder."""
        build_id = current_build_id(data_dir)
        if build_id is None:
            raise DataDirError(f"no build in {data_dir}")
        return cls(data_dir, build_id, openers=openers, store_url=store_url)

    def preload(self, *, wait_for_store: bool = True) -> Build:
        """Open the model and every resource now (the server does this before swapping a build in); a build
        that cannot be read at all releases its lease and raises. A graph server that cannot answer now raises
        too, unless ``wait_for_store`` is False (a server starting up): its resources are then opened on first
        use, and until then graph questions answer 503."""
        from kg.store import StoreUnavailable

        try:
            _ = self.corpus
            for name in self._openers:
                try:
                    self.resource(name)
                except StoreUnavailable as error:
                    if wait_for_store:
                        raise
                    log.warning("build %s: %s not opened yet: %s", self.build_id, name, error)
            index = self._resources.get("index")
            if index is not None:
                index.preload_segmenter()
                index.preload_arrays()
                index.preload_semantic()  # the embedding model, when the build has vectors: no slow first query
            if any(kind != "policy" for _id, kind, _place in self.register.documents):
                from ingest.places import gazetteer

                duties = self._resources.get("duties")
                if duties is not None:
                    duties.index()  # a server indexes the duty clauses once; a one-shot question scans them
                gazetteer()  # the places laws are read against (0.1 s), read once per process
        except BaseException:
            self.close()
            raise
        return self

    # -- what the build holds -------------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        """The build folder."""
        return self.build.path

    @property
    def manifest(self) -> dict[str, Any]:
        """The build's manifest (when built, from which files, counts)."""
        return self.build.manifest

    @property
    def corpus(self) -> Corpus:
        """The model the build was made from (read from ``model.json`` on first use)."""
        if self._corpus is None:
            from ingest.serialize import corpus_from_data

            with self._lock:
                if self._corpus is None:
                    text = self.build.file(MODEL_FILE).read_text(encoding="utf-8")
                    self._corpus = corpus_from_data(json.loads(text))
        return self._corpus

    @functools.cached_property
    def documents(self) -> Mapping[str, Document]:
        """Documents by id."""
        return MappingProxyType({d.id: d for d in self.corpus.documents})

    @functools.cached_property
    def register(self) -> Register:
        """The units and document kinds, from ``register.json`` (small) when the build wrote it, else the model."""
        path = self.path / REGISTER_FILE
        if self._corpus is None and path.is_file():
            from ingest.model import Unit
            from ingest.serialize import from_data

            data = json.loads(path.read_text(encoding="utf-8"))
            units = tuple(from_data(Unit, item) for item in data["units"])
            docs = tuple((d["id"], d["kind"], d.get("jurisdiction")) for d in data["documents"])
            counted = all("tasks" in d for d in data["documents"])
            tasked = tuple(sorted(d["id"] for d in data["documents"] if d.get("tasks"))) if counted else None
            keys = data.get("jurisdiction_keys")
            return Register(units=units, documents=docs, task_documents=tasked, jurisdiction_keys=keys)
        corpus = self.corpus
        return Register(
            units=corpus.units,
            documents=tuple((d.id, d.kind, d.jurisdiction) for d in corpus.documents),
            task_documents=tuple(sorted(d.id for d in corpus.documents if d.tasks)),
        )

    def _task_document_ids(self, among: Sequence[str] = ()) -> list[str]:
        """Ids of the documents with a task table (of those ``among`` when given), sorted: from the register (no
        store query; at 10,000 documents the store's answer took 0.5 s a question), else from the store (an
        older build)."""
        from kg.trace import task_document_ids

        listed = self.register.task_documents
        if listed is None:
            return task_document_ids(self.require("graph"), among)
        return sorted(set(listed).intersection(among)) if among else list(listed)

    @functools.cached_property
    def jurisdictions(self) -> dict[str, str]:
        """Document id → its jurisdiction (documents that name a place), for ``units[].jurisdiction``."""
        return {doc_id: place for doc_id, _kind, place in self.register.documents if place}

    @functools.cached_property
    def units(self) -> Mapping[str, Unit]:
        """Units by id."""
        return MappingProxyType({u.id: u for u in self.corpus.units})

    @property
    def resources(self) -> Mapping[str, Any]:
        """The resources opened so far (name → object; None for one this build could not open)."""
        return MappingProxyType(dict(self._resources))

    def resource(self, name: str) -> Any:
        """A resource of the build (graph, thesaurus, index, network), opened on first use; None if unavailable.

        A graph server that cannot answer now raises :class:`~kg.store.StoreUnavailable` (503) and is asked
        again next time, instead of being remembered as missing."""
        if name in self._resources:
            return self._resources[name]
        with self._lock:
            if name not in self._resources:
                from kg.store import StoreUnavailable

                opener = self._openers.get(name)
                try:
                    self._resources[name] = opener(self.path, self) if opener else None
                except StoreUnavailable:
                    raise
                except Exception as error:  # an artefact this build did not write: callers answer "unavailable"
                    log.warning("build %s: %s not opened: %s", self.build_id, name, error)
                    self._resources[name] = None
        return self._resources[name]

    @property
    def graph_location(self) -> Any:
        """Where a worker process opens this build's graph: the folder, or the server and named graph."""
        if self.store_url:
            from kg.remote_store import RemoteLocation, build_graph_iri

            return RemoteLocation(self.store_url, build_graph_iri(self.path.name))
        return self.path

    def require(self, name: str) -> Any:
        """A resource the question cannot be answered without, or :class:`Unavailable` (HTTP 503)."""
        found = self.resource(name)
        if found is None:
            raise Unavailable(f"this build has no {_WHAT.get(name, name)}", hint="rebuild with `policykg build`")
        return found

    def document(self, key: str) -> Document | None:
        """A document by id, by its exact title or by its source path."""
        found = self.documents.get(key)
        if found is not None:
            return found
        return next((d for d in self.corpus.documents if key in (d.title, d.source)), None)

    @property
    def revisions(self) -> tuple[Revision, ...]:
        """Which document revises which (a final and its draft, by title or ``build --supersedes``)."""
        return self.corpus.revisions

    def named(self, parameter: str, key: str) -> Document:
        """The one document ``key`` names (id, exact title, source path or file name), or an error naming
        ``parameter``: :class:`NotFound` (``unknown_document``, 404) or :class:`BadParameter` when empty or
        ambiguous."""
        from ingest.revisions import documents_named

        if not key.strip():
            raise BadParameter(f"parameter {parameter!r} is empty", hint="give a document id, title or source path")
        found = documents_named(self.corpus.documents, key)
        if not found:
            raise NotFound(
                f"parameter {parameter!r}: no document {key.strip()!r} in this build",
                code="unknown_document",
                hint="give a document id, exact title or source path; GET /api/documents lists them",
            )
        if len(found) > 1:
            raise BadParameter(
                f"parameter {parameter!r}: {key.strip()!r} names {len(found)} documents",
                code="ambiguous_document",
                hint="use the id: " + ", ".join(doc.id for doc in found),
            )
        return found[0]

    def task(self, doc: Document, number: int) -> Task | None:
        """Task ``number`` of a document's task table."""
        return next((t for t in doc.tasks if t.number == number), None)

    # -- questions --------------------------------------------------------------------------------------------
    def ask(
        self, question: str, *, limit: int = ASK_LIMIT, evidence: int = ASK_EVIDENCE, today: dt.date | None = None
    ) -> CombinedAnswer:
        """Answer what the question asks: who is responsible (ranked units with confidence), and for a due, unit
        or trace question also the view ``policykg due/unit/trace`` prints (under ``views``).

        The build is read-only and an answer depends only on the question, the limits and the day (due
        questions), so the last :data:`ASK_CACHE` answers are kept and a question asked again is not worked
        out again (at 2,000 documents 90 ms of CPU a question; answers are immutable, shared by threads)."""
        key = (question, limit, evidence, today or dt.date.today())
        with self._lock:
            kept = self._answers.get(key)
            if kept is not None:
                self._answers.move_to_end(key)
                return kept
        answered = self._ask(question, limit=limit, evidence=evidence, today=today)
        with self._lock:
            self._answers[key] = answered
            while len(self._answers) > ASK_CACHE:
                self._answers.popitem(last=False)
        return answered

    def _ask(self, question: str, *, limit: int, evidence: int, today: dt.date | None) -> CombinedAnswer:
        """:meth:`ask`, worked out."""
        from dataclasses import replace

        from search_api.search.answer import answer
        from search_api.search.intent import Intent, recognise

        thesaurus = self.require("thesaurus")
        recognised = recognise(
            question,
            is_unit=self._unit_name,
            has_topic=bool(thesaurus.find_all(question)),
            today=today,
        )
        combined = answer(
            question,
            store=self.require("graph"),
            thesaurus=thesaurus,
            index=self.resource("index"),
            limit=limit,
            evidence_limit=evidence,
            units=self.register.units,
            topic_table=self.resource("topics"),
        )
        views: dict[str, Any] = {}
        if recognised.intent is Intent.DUE:
            views["due"] = self.due(by=recognised.by, as_of=today, unit=recognised.unit, limit=ASK_DUE_TASKS)
        elif recognised.intent is Intent.UNIT and recognised.unit:
            views["unit_profile"] = self.unit_profile(recognised.unit)
        elif recognised.intent is Intent.TRACE:
            # the documents the answer cites, best first, not every document's matrix (thousands in a large build)
            cited = [item.doc for unit in combined.units for item in unit.evidence if item.kind != "law_article"]
            views["trace"] = self._article_traces(list(dict.fromkeys(cited)), recognised.article)
        clauses = None
        if any(kind != "policy" for _id, kind, _place in self.register.documents):  # laws or regulations built
            from kg.statutory import statutory_answer

            index = self.resource("index")
            translate = index.translator.translate if index is not None else None
            clauses = statutory_answer(
                None,
                question,
                thesaurus=thesaurus,
                translate=translate,
                segmenter=index.plain_segmenter if index is not None else None,  # on the build's lexicon
                table=self.require("duties"),
            )
            if clauses.jurisdiction:
                combined = self._within(combined, places=set(clauses.searched), clauses=bool(clauses.entries))
            elif not combined.units and clauses.entries:  # the laws answer what no policy does
                confidence = "direct" if clauses.entries[0].governing else "related"
                combined = replace(combined, confidence=confidence)
        return replace(combined, recognised=recognised, views=views, clauses=clauses, places=self.jurisdictions)

    @functools.cached_property
    def _place_keys(self) -> Mapping[str, str] | None:
        """Each document's place → the slug its units' ids start with, as the build wrote them in ``register.json``;
        None from a register written before them. A build holding its model in memory (a server) took its
        register from the model, and reads them from the file here, on the first question that names a place, not
        at start-up (the file is 9 MB at 10,000 documents; spelling the slugs again would import pypinyin)."""
        if self.register.jurisdiction_keys is not None or self._corpus is None:
            return self.register.jurisdiction_keys
        path = self.path / REGISTER_FILE
        return json.loads(path.read_text(encoding="utf-8")).get("jurisdiction_keys") if path.is_file() else None

    def _jurisdiction_keys(self, places: set[str]) -> set[str]:
        """The slugs the ids of these places' units start with: from the register (a place no document of the
        build belongs to has no units), else (an older register) spelled with pypinyin."""
        known = self._place_keys
        if known is not None:
            return {known[place] for place in places if place in known}
        from ingest.units import slug

        return {slug(place) for place in places}

    def _within(self, combined: CombinedAnswer, *, places: set[str], clauses: bool) -> CombinedAnswer:
        """Only units whose evidence comes from a document of the asked place or above it answer (never a
        sibling place's bodies); with none left, the clauses of that place's laws are the answer."""
        from dataclasses import replace

        def local(unit: Responsible) -> bool:
            docs = (self.documents.get(item.doc) for item in unit.evidence)
            return any(doc is not None and doc.jurisdiction in places for doc in docs)

        from kg.local_roles import jurisdiction

        keys = self._jurisdiction_keys(places)  # unit ids start with their district's slug (wangyiqu-…)

        def here(unit: Responsible) -> Responsible:
            """A law's role with only the local bodies of the asked place (王益区's bureaus are not 北京市's)."""
            kept = tuple(x for x in unit.local_units if jurisdiction(str(x["id"])) in keys)
            return unit if len(kept) == len(unit.local_units) else replace(unit, local_units=kept)

        units = tuple(unit for unit in combined.units if local(unit))
        statutory = tuple(here(unit) for unit in combined.statutory if local(unit))
        kept_all = len(units) == len(combined.units)
        if kept_all and statutory == combined.statutory:
            return combined
        confidence = combined.confidence if units or kept_all else ("direct" if clauses else "none")
        return replace(
            combined,
            answer=replace(combined.answer, units=units),
            statutory=statutory,
            confidence=confidence,
        )

    def _unit_name(self, name: str) -> str | None:
        """The canonical name of the unit called ``name`` (any alias, id or successor), None if none is."""
        from kg import iris
        from kg.profile import UnknownUnit, find_unit

        try:
            iri = find_unit(self.require("graph"), name)
        except UnknownUnit:
            return None
        unit = self.units.get(iris.local_part(iri).removeprefix("unit/"))
        return unit.name if unit else name

    def search(self, query: str, *, kind: str | None = None, limit: int = 10, offset: int = 0) -> SearchResult:
        """Full-text hits ``offset`` … ``offset + limit``, best first (none: ``suggestions``); an empty query is
        the one usage error (``empty_query``)."""
        if not query.strip():
            raise BadParameter("empty query", code="empty_query", hint="give some words, or a filter such as kind:task")
        from dataclasses import replace

        result = self.require("index").search(query, kind=kind, limit=offset + limit)
        return replace(result, hits=result.hits[offset:]) if offset else result

    def unit_profile(self, name: str) -> Profile:
        """One unit's tasks, obligations, deadlines and co-responsible units (any alias, id or successor)."""
        from kg.profile import UnknownUnit, profile

        try:
            return profile(self.require("graph"), name)
        except UnknownUnit as error:
            raise _unknown_unit(error) from None

    def due(
        self,
        *,
        by: dt.date | None = None,
        as_of: dt.date | None = None,
        unit: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> DueReport:
        """Tasks due on or before ``by`` (every dated task when None), open or overdue on ``as_of`` (today);
        ``offset`` … ``offset + limit`` of them, soonest first, when a limit is given."""
        from kg.due import due_page, due_tasks
        from kg.profile import UnknownUnit

        as_of = as_of or dt.date.today()
        store = self.require("graph")
        try:
            if limit is None and not offset:
                return DueReport(by=by, as_of=as_of, unit=unit, tasks=due_tasks(store, by=by, as_of=as_of, unit=unit))
            tasks, total = due_page(
                store, by=by, as_of=as_of, unit=unit, limit=limit, offset=offset, table=self.resource("topics")
            )
        except UnknownUnit as error:
            raise _unknown_unit(error) from None
        return DueReport(by=by, as_of=as_of, unit=unit, tasks=tasks, total=total)

    def trace(self, doc: str | None = None, *, limit: int | None = None, offset: int = 0) -> TraceReport:
        """The article × task matrix and its gaps, of one document (id or title) or of every one with tasks
        (``offset`` … ``offset + limit`` of them by id when a limit is given: a large build has thousands)."""
        from kg.trace import trace

        if doc is None and (limit is not None or offset):
            listed = self._task_document_ids()
            page = listed[offset : None if limit is None else offset + limit]
            shown = trace(self.require("graph"), docs=page) if page else ()
            return TraceReport(documents=tuple(shown), total=len(listed))
        traces = tuple(trace(self.require("graph"), doc=doc))
        if doc and not traces:
            raise NotFound(
                f"no document with a task table matches {doc!r}", hint="`policykg trace` lists them all"
            )
        return TraceReport(documents=traces, single=bool(doc) and len(traces) == 1)

    def _article_traces(self, cited: Sequence[str], article: int | None) -> TraceReport:
        """The view of a question about ``article`` of no named document: the matrices of the first
        :data:`ASK_TRACE_DOCUMENTS` documents with a task table among those the answer ``cited`` (best first),
        else among those where a task implements the article, then the others; ``total`` counts them all.

        Why bounded: at 10,000 documents every matrix was 1,770 documents and 40 s of store reads."""
        from kg.trace import documents_for_article, trace

        store = self.require("graph")
        found = set(self._task_document_ids(cited)) if cited else set()
        ids = [d for d in cited if d in found]
        if len(cited) == 1 and ids:  # the one document the answer cites: its matrix alone
            return TraceReport(documents=tuple(trace(store, docs=ids)), single=True)
        total = len(ids)
        if not ids:
            ids, total = documents_for_article(store, article, with_tasks=self._task_document_ids())
        if not ids:  # no document has a task table
            return TraceReport(documents=())
        traces = trace(store, docs=ids[:ASK_TRACE_DOCUMENTS])
        return TraceReport(documents=tuple(traces), total=total)

    def diff(self, old: str, new: str) -> DocumentDiff:
        """What changed from document ``old`` to ``new`` (each an id, exact title or source path): sections,
        articles and tasks added, removed, changed, moved or renumbered, and units that appear or vanish."""
        from dataclasses import replace

        from kg.diff import diff_documents

        before, after = self.named("old", old), self.named("new", new)
        revision = next((r.basis for r in self.revisions if (r.old, r.new) == (before.id, after.id)), None)
        if revision is None and any((r.old, r.new) == (after.id, before.id) for r in self.revisions):
            revision = "reversed"
        return replace(diff_documents(before, after, units=self.units), revision=revision)

    def sparql(
        self,
        query: str,
        *,
        timeout_s: float,
        row_limit: int,
        allow_service: bool = False,
        pool: SparqlPool | None = None,
        form: str | None = None,
    ) -> SparqlResult:
        """A read-only query, checked before the engine sees it (updates, size, nesting, SERVICE); in a worker
        process of ``pool`` (killed on timeout: the server) or in this process (a one-shot command). ``form``:
        what :func:`kg.sparql.prepare` already returned for this query (the server checks before negotiating),
        so the checks do not run twice."""
        from kg.sparql import prepare, run_query

        store = self.require("graph")  # unavailable (503) when this build has no store, as every graph question
        if pool is None:
            return run_query(
                store, query, timeout_s=timeout_s, row_limit=row_limit, allow_service=allow_service
            )
        form = form or prepare(query, allow_service=allow_service)
        return pool.run(self.graph_location, query, form, timeout_s=timeout_s, row_limit=row_limit)

    def export(
        self,
        format: str,
        *,
        doc: str | None = None,
        unit: str | None = None,
        topic: str | None = None,
        as_of: dt.date | None = None,
    ) -> ExportResult:
        """The build (or the part the filters select, combined with AND) in one export format."""
        from search_api.exports.registry import EXPORTERS, ExportRequest

        exporter = EXPORTERS.get(format)
        if exporter is None:
            raise NotFound(f"no export format {format!r}", hint="known: " + ", ".join(sorted(EXPORTERS)))
        request = ExportRequest(
            doc=doc,
            unit=unit,
            topic=topic,
            as_of=as_of.isoformat() if as_of else None,
            # a shared server's graph, opened only by a format that queries it; else the folder's own store
            store=functools.partial(self.require, "graph") if self.store_url else None,
        )
        try:
            content = exporter.render(self.build, request)
        except RuntimeError as error:  # a system tool the format needs (Graphviz for png/svg) is not installed
            raise Unavailable(f"format {format!r} is not available here: {error}") from None
        return ExportResult(
            format=format, content=content, media_type=exporter.media_type, suffix=exporter.suffix
        )

    def subgraph(self, node: str, *, radius: int) -> dict[str, Any]:
        """The neighbourhood of one page node (``unit/…``, ``topic/…``, ``doc/D/art/N``, ``doc/D/task/N``)."""
        from kg.profile import UnknownUnit

        network = self.require("network")
        center = self._center(node)
        try:
            found = network.subgraph(radius=radius, **center)
        except UnknownUnit as error:
            raise _unknown_unit(error) from None
        centers = set(found["center"])
        if not centers & {n["id"] for n in found["nodes"]}:
            raise NotFound(f"no node {node!r} in the graph")
        if len(found["nodes"]) > GRAPH_NODE_LIMIT:
            found = _nearest(found, centers, GRAPH_NODE_LIMIT)
        return found

    def _document_id(self, key: str) -> str:
        """The id of the document ``key`` names: from the register when it is an id (a view of one node needs
        no model, which at 10,000 documents takes a minute to read), else by title or source."""
        if any(doc_id == key for doc_id, _kind, _place in self.register.documents):
            return key
        doc = self.document(key)
        if doc is None:
            raise NotFound(f"no document {key!r} in this build")
        return doc.id

    def _center(self, node: str) -> dict[str, str]:
        """The ``subgraph`` keyword for a page node key."""
        from kg import iris

        if node.startswith("http"):
            path = node.split("/policykg/", 1)[-1].removeprefix("id/")
            return self._center(path) if path != node else {"article": node}
        parts = node.strip("/").split("/")
        if parts[0] == "unit" and len(parts) == 2:
            return {"unit": parts[1]}
        if parts[0] == "topic" and len(parts) == 2:
            return {"topic": parts[1]}
        number_text = parts[3].split("-")[0] if len(parts) == 4 else ""
        if parts[0] == "doc" and number_text.isascii() and number_text.isdigit():  # not ² or ٣ (int() fails)
            doc_id = self._document_id(parts[1])
            number = int(number_text)
            if parts[2] == "task":
                return {"task": str(iris.task_iri(doc_id, number))}
            if parts[2] == "art":
                return {"article": str(iris.article_iri(doc_id, number))}
        raise BadParameter(
            f"cannot read node {node!r}",
            hint="unit/<name>, topic/<id>, doc/<doc>/art/<n> or doc/<doc>/task/<n>",
        )


def _unknown_unit(error: Exception) -> NotFound:
    candidates = getattr(error, "candidates", ())
    hint = f"did you mean {', '.join(candidates)}?" if candidates else "`policykg unit` lists them with their aliases"
    return NotFound(
        f"no unit named {getattr(error, 'name', '')!r} in this build", code="unknown_unit", hint=hint
    )


def _nearest(found: dict[str, Any], centers: set[str], limit: int) -> dict[str, Any]:
    """Cut a neighbourhood to the centre and the ``limit`` best-connected nodes (a view, not an analysis)."""
    degree: dict[str, int] = {}
    for edge in found["edges"]:
        for end in (edge["source"], edge["target"]):
            degree[end] = degree.get(end, 0) + 1
    ranked = sorted(found["nodes"], key=lambda n: (n["id"] not in centers, -degree.get(n["id"], 0), n["id"]))
    keep = {n["id"] for n in ranked[:limit]}
    return {
        **found,
        "nodes": [n for n in found["nodes"] if n["id"] in keep],
        "edges": [e for e in found["edges"] if e["source"] in keep and e["target"] in keep],
        "truncated": True,
    }
