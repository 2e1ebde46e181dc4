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

import logging
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from search_api.builds.datadir import CURRENT, DataDirError, current_build_id, prune
from search_api.facade import Build, Opener

log = logging.getLogger("policykg.state")

RETRY_AFTER_S = 1.0
OPEN_ATTEMPTS = 3  # the build named by ``current`` can be pruned between readlink and lease: read it again


def open_snapshot(
    data_dir: Path,
    build_id: str,
    *,
    openers: Mapping[str, Opener] | None = None,
    store_url: str | None = None,
    wait_for_store: bool = True,
) -> Build:
    """Open the build ``build_id`` (the target of ``current``) with everything a request may need, leased.

    Why not through the link: the link may move while we read; resolving once and reading the folder keeps one
    build consistent (its lease keeps the folder on disk while requests may still read it). ``store_url``: the
    shared SPARQL server the graph is read from; ``wait_for_store`` False opens the build even while that
    server cannot answer (graph questions answer 503 until it does).
    """
    return Build(data_dir, build_id, openers=openers, store_url=store_url).preload(wait_for_store=wait_for_store)


class BuildHolder:
    """Hands out the current snapshot; notices a new build with one readlink and opens it in the background.

    Requests use :meth:`lease` (counted); :meth:`get` is for reading a snapshot's in-memory fields only.
    """

    def __init__(
        self, data_dir: Path, *, openers: Mapping[str, Opener] | None = None, store_url: str | None = None
    ) -> None:
        self.data_dir = data_dir
        self._openers = openers
        self.store_url = store_url
        self._snapshot: Build | None = None
        self._lock = threading.Lock()
        self._loading = False
        self._failed: tuple[str, float] | None = None
        self.reloads = 0
        self.closed_snapshots = 0

    def _open_current(self) -> Build | None:
        """Open whatever ``current`` names, reading the link again if that build vanished meanwhile."""
        for attempt in range(OPEN_ATTEMPTS):
            build_id = current_build_id(self.data_dir)
            if build_id is None:
                return None
            try:  # the first build: serve it even if its graph server is not up yet (503s until it is)
                return open_snapshot(
                    self.data_dir, build_id, openers=self._openers, store_url=self.store_url, wait_for_store=False
                )
            except DataDirError:
                if attempt == OPEN_ATTEMPTS - 1 or current_build_id(self.data_dir) == build_id:
                    raise
        return None

    def open(self) -> Build | None:
        """Open the current build now (at start-up); None when there is none yet."""
        with self._lock:
            snapshot = self._open_current()
            if snapshot is not None:
                old, self._snapshot = self._snapshot, snapshot
                if old is not None:
                    self._retire(old)
        return snapshot

    def get(self) -> Build:
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
    def lease(self) -> Iterator[Build]:
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

    def _retire(self, snapshot: Build) -> None:
        """Mark a swapped-out snapshot; close it now if no request is inside (call with the lock held)."""
        snapshot.usage.retired = True
        if snapshot.usage.users == 0 and not snapshot.usage.closed:
            snapshot.usage.closed = True
            threading.Thread(target=self._dispose, args=(snapshot,), name="policykg-close", daemon=True).start()

    def _dispose(self, snapshot: Build) -> None:
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
        from kg.store import StoreUnavailable

        try:  # a new build whose graph the server does not hold (yet) waits: the old one goes on answering
            snapshot = open_snapshot(self.data_dir, build_id, openers=self._openers, store_url=self.store_url)
        except StoreUnavailable as error:  # expected while a replica's folder is ahead of the publisher: no trace
            log.warning("build %s waits for its graph (%s); still serving %s", build_id, error, self.build_id)
            self._failed = (build_id, time.monotonic())
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
