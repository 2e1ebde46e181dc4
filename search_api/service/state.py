"""The build the service is serving: opened once, swapped for a new one when the ``current`` link moves.

Why a snapshot behind a holder: a rebuild in another process publishes a new build folder and swaps the
``current`` link atomically. Each request asks the holder for the snapshot (one ``readlink`` to notice a new
build), and keeps using that immutable snapshot to the end, so a request never sees half of one build and half
of another. The new build is opened in a background thread while requests go on being answered from the old
one; only the very first open blocks. A build that fails to open (half-pruned, corrupt) is logged and the old
snapshot stays in service; the holder retries after a short pause.

Why reference counts and a lease: a request may still be exporting from the old snapshot when the new one is
swapped in, and a rebuild in another process prunes old folders. Each snapshot holds a lease on its folder (a
shared flock, :mod:`search_api.builds.lock`) that pruning in any process respects; requests enter and leave a
snapshot through :meth:`BuildHolder.lease`, and a swapped-out snapshot is closed (index and store handles
dropped, lease released) when its last request leaves, after which its folder can be pruned and its disk space
is really freed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ingest.model import Corpus, Document, Task, Unit
from ingest.serialize import corpus_from_data
from search_api.builds.datadir import CURRENT, BuildDir, DataDirError, current_build_id, lease_build, prune
from search_api.builds.lock import BuildLease
from search_api.builds.make import MODEL_FILE

log = logging.getLogger("policykg.state")

RETRY_AFTER_S = 1.0
OPEN_ATTEMPTS = 3  # the build named by ``current`` can be pruned between readlink and lease: read it again


@dataclass(slots=True)
class Usage:
    """How many requests are inside a snapshot, and whether it has been swapped out (guarded by the holder)."""

    users: int = 0
    retired: bool = False
    closed: bool = False


def _open_graph(build_path: Path, _opened: Mapping[str, Any]) -> Any:
    from kg.store import open_store

    return open_store(build_path)


def _open_thesaurus(build_path: Path, _opened: Mapping[str, Any]) -> Any:
    from kg.store import load_build_thesaurus

    return load_build_thesaurus(build_path)


def _open_index(build_path: Path, _opened: Mapping[str, Any]) -> Any:
    from search_api.search.engine import SearchIndex
    from search_api.search.index import INDEX_DIR

    return SearchIndex(build_path / INDEX_DIR)


def _open_network(_build_path: Path, opened: Mapping[str, Any]) -> Any:
    from kg.network import project

    if opened.get("graph") is None:
        raise ValueError("no graph store to project")
    return project(opened["graph"])


# Resources a snapshot opens beside the model, in this order, each from the build folder and the resources opened
# before it. A build without that artefact leaves the resource None, and the routes that need it answer 503.
Opener = Callable[[Path, Mapping[str, Any]], Any]
RESOURCE_OPENERS: dict[str, Opener] = {
    "graph": _open_graph,
    "thesaurus": _open_thesaurus,
    "index": _open_index,
    "network": _open_network,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """One opened build: its manifest, the model, lookups, and the resources other packages open from it."""

    build_id: str
    build: BuildDir
    corpus: Corpus
    documents: Mapping[str, Document]
    units: Mapping[str, Unit]
    resources: Mapping[str, Any] = field(default_factory=dict)
    opened_at: float = 0.0
    lease: BuildLease | None = None
    usage: Usage = field(default_factory=Usage)

    @property
    def manifest(self) -> dict[str, Any]:
        """The build's manifest (when built, from which files, counts)."""
        return self.build.manifest

    def resource(self, name: str) -> Any:
        """A resource opened with the build (graph, index), or None when unavailable."""
        return self.resources.get(name)

    def document(self, key: str) -> Document | None:
        """A document by id, or by its exact title."""
        found = self.documents.get(key)
        if found is not None:
            return found
        return next((d for d in self.corpus.documents if key in (d.title, d.source)), None)

    def task(self, doc: Document, number: int) -> Task | None:
        """Task ``number`` of a document's task table."""
        return next((t for t in doc.tasks if t.number == number), None)

    def close(self) -> None:
        """Drop the open index and store handles and release the folder's lease (idempotent).

        Only once no request uses the snapshot: afterwards its folder may be pruned, and since no handle
        points into it any more, deleting it frees the disk space.
        """
        self.usage.closed = True
        for name, resource in list(self.resources.items()):
            closer = getattr(resource, "close", None)
            if callable(closer):
                try:
                    closer()
                except Exception as error:  # closing is best effort: the lease is released regardless
                    log.warning("build %s: closing %s failed: %s", self.build_id, name, error)
        if isinstance(self.resources, dict):
            self.resources.clear()
        if self.lease is not None:
            self.lease.release()


def open_snapshot(data_dir: Path, build_id: str, *, openers: Mapping[str, Opener] | None = None) -> Snapshot:
    """Open the build ``build_id`` (the target of ``current``), reading its folder directly.

    Why not through the link: the link may move while we read; resolving once and reading the folder keeps one
    snapshot consistent (the previous build folder is kept by the publisher while servers may still read it).
    """
    build, lease = lease_build(data_dir, build_id)
    try:
        corpus = corpus_from_data(json.loads(build.file(MODEL_FILE).read_text(encoding="utf-8")))
        resources: dict[str, Any] = {}
        for name, opener in (RESOURCE_OPENERS if openers is None else openers).items():
            try:
                resources[name] = opener(build.path, resources)
            except Exception as error:  # an artefact this build did not write: the routes needing it answer 503
                log.warning("build %s: %s not opened: %s", build_id, name, error)
    except BaseException:
        lease.release()
        raise
    return Snapshot(
        build_id=build_id,
        build=build,
        corpus=corpus,
        documents=MappingProxyType({d.id: d for d in corpus.documents}),
        units=MappingProxyType({u.id: u for u in corpus.units}),
        resources=resources,  # a plain dict so that close() can drop the handles
        opened_at=time.time(),
        lease=lease,
    )


class BuildHolder:
    """Hands out the current snapshot; notices a new build with one readlink and opens it in the background.

    Requests use :meth:`lease` (counted); :meth:`get` is for reading a snapshot's in-memory fields only.
    """

    def __init__(self, data_dir: Path, *, openers: Mapping[str, Opener] | None = None) -> None:
        self.data_dir = data_dir
        self._openers = openers
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._loading = False
        self._failed: tuple[str, float] | None = None
        self.reloads = 0
        self.closed_snapshots = 0

    def _open_current(self) -> Snapshot | None:
        """Open whatever ``current`` names, reading the link again if that build vanished meanwhile."""
        for attempt in range(OPEN_ATTEMPTS):
            build_id = current_build_id(self.data_dir)
            if build_id is None:
                return None
            try:
                return open_snapshot(self.data_dir, build_id, openers=self._openers)
            except DataDirError:
                if attempt == OPEN_ATTEMPTS - 1 or current_build_id(self.data_dir) == build_id:
                    raise
        return None

    def open(self) -> Snapshot | None:
        """Open the current build now (at start-up); None when there is none yet."""
        with self._lock:
            snapshot = self._open_current()
            if snapshot is not None:
                old, self._snapshot = self._snapshot, snapshot
                if old is not None:
                    self._retire(old)
        return snapshot

    def get(self) -> Snapshot:
        """The snapshot in service (raises :class:`DataDirError` when nothing is built); not counted."""
        build_id = current_build_id(self.data_dir)
        snapshot = self._snapshot
        if snapshot is None:
            with self._lock:
                if self._snapshot is None:
                    self._snapshot = self._open_current()
                if self._snapshot is None:
                    raise DataDirError(f"no build in {self.data_dir}")
                return self._snapshot
        if build_id is not None and build_id != snapshot.build_id:
            self._reload_soon(build_id)
        return snapshot

    @contextmanager
    def lease(self) -> Iterator[Snapshot]:
        """The snapshot to answer one request from, kept open (files and folder) until the block ends."""
        self.get()
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None:  # closed meanwhile (shutdown)
                raise DataDirError(f"no build in {self.data_dir}")
            snapshot.usage.users += 1
        try:
            yield snapshot
        finally:
            with self._lock:
                snapshot.usage.users -= 1
                dispose = snapshot.usage.retired and snapshot.usage.users == 0 and not snapshot.usage.closed
                if dispose:
                    snapshot.usage.closed = True
            if dispose:
                self._dispose(snapshot)

    def _retire(self, snapshot: Snapshot) -> None:
        """Mark a swapped-out snapshot; close it now if no request is inside (call with the lock held)."""
        snapshot.usage.retired = True
        if snapshot.usage.users == 0 and not snapshot.usage.closed:
            snapshot.usage.closed = True
            threading.Thread(target=self._dispose, args=(snapshot,), name="policykg-close", daemon=True).start()

    def _dispose(self, snapshot: Snapshot) -> None:
        """Close a snapshot nobody uses, then prune in the background so its folder's space is freed."""
        snapshot.close()
        self.closed_snapshots += 1
        log.info("closed build %s (last request done)", snapshot.build_id)
        threading.Thread(target=self._prune, name="policykg-prune", daemon=True).start()

    def _prune(self) -> None:
        try:
            prune(self.data_dir)
        except OSError as error:  # pruning is housekeeping: never let it disturb serving
            log.warning("pruning %s failed: %s", self.data_dir, error)

    def close(self) -> None:
        """Retire the snapshot in service (at shutdown): closed once its last request ends."""
        with self._lock:
            old, self._snapshot = self._snapshot, None
            if old is not None:
                self._retire(old)

    def _reload_soon(self, build_id: str) -> None:
        if (
            self._failed
            and self._failed[0] == build_id
            and time.monotonic() - self._failed[1] < RETRY_AFTER_S
        ):
            return
        with self._lock:
            if self._loading:
                return
            self._loading = True
        threading.Thread(target=self._reload, args=(build_id,), name="policykg-reload", daemon=True).start()

    def _reload(self, build_id: str) -> None:
        try:
            snapshot = open_snapshot(self.data_dir, build_id, openers=self._openers)
        except Exception:  # keep serving the old build whatever went wrong with the new one
            log.exception("build %s could not be opened; still serving %s", build_id, self.build_id)
            self._failed = (build_id, time.monotonic())
        else:
            with self._lock:
                old, self._snapshot = self._snapshot, snapshot
                if old is not None:
                    self._retire(old)
            self._failed = None
            self.reloads += 1
            log.info("now serving build %s", build_id)
        finally:
            with self._lock:
                self._loading = False

    @property
    def build_id(self) -> str | None:
        """Id of the snapshot in service."""
        return self._snapshot.build_id if self._snapshot else None

    @property
    def link(self) -> Path:
        """The ``current`` link this holder watches."""
        return self.data_dir / CURRENT
