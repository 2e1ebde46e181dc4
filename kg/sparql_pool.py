"""SPARQL in worker processes that are killed on timeout, so a stopped query really stops.

Why processes and not threads: Oxigraph cannot be interrupted; a thread that gives up waiting leaves the query
running (the issue measured 11 timed-out queries still using 1.65 of 2 cores, 29 threads and 3.4 GB a minute
later). A worker process can be killed: its CPU, threads and memory go with it, and a fresh worker is started for
the next query. A query that crashes the engine (a stack overflow the guard did not foresee) kills only its worker, and
is reported as ``query_failed``.

Each worker opens the read-only Oxigraph store of the build folder the request's snapshot points to (so a hot
swap is honoured per request), or that build's graph on a shared SPARQL server (a
:class:`~kg.remote_store.RemoteLocation`: the worker is then killed on timeout all the same, which closes its
connection), and keeps the last two opened. Workers are started with ``spawn`` (the server has
threads; forking it is unsafe) when first needed, and leave when the server process goes away.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.sparql import SparqlError, SparqlResult, evaluate, portable

log = logging.getLogger("policykg.sparql")

DEFAULT_WORKERS = 2
READY = "ready"
START_LIMIT_S = 60.0  # a new worker's start-up (spawn, imports) is not the query's time, but it is bounded
_OPEN_STORES = 2  # builds a worker keeps open (the served one and the one before a hot swap)


def _watch_parent(parent: int) -> None:
    """Leave when the server process is gone, even in the middle of a query."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _open(location: Any) -> Any:
    """The store at a location: a build folder's path (as text), or a :class:`~kg.remote_store.RemoteLocation`."""
    from kg.store import open_store

    return open_store(Path(location)) if isinstance(location, str) else location.open()


def _serve(conn: Connection, parent: int) -> None:
    """A worker's loop: receive (location, query, form, row limit), answer ("ok", result) or ("error", …)."""
    from kg.store import GraphStoreError

    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    stores: OrderedDict[Any, Any] = OrderedDict()
    conn.send(READY)  # imports done: from now on, the time a query takes is the query's
    while True:
        try:
            location, query, form, row_limit = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            store = stores.get(location)
            if store is None:
                store = stores[location] = _open(location)
                while len(stores) > _OPEN_STORES:
                    _, old = stores.popitem(last=False)
                    getattr(old, "close", lambda: None)()
            stores.move_to_end(location)
            answer: tuple[str, Any] = ("ok", portable(evaluate(store, query, form, row_limit)))
        except SparqlError as error:
            answer = ("error", (error.code, error.message, error.hint))
        except GraphStoreError as error:  # the graph's server cannot answer: the service's trouble (503)
            answer = ("store", (error.code, error.message, error.hint, error.status))
        except Exception as error:  # a store that cannot be opened, a result that cannot be read
            answer = ("error", ("query_failed", f"the query failed: {type(error).__name__}: {error}", ""))
        try:
            conn.send(answer)
        except (OSError, ValueError):
            return


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context: Any) -> None:
        parent_end, child_end = context.Pipe()
        self.conn: Connection = parent_end
        self.process = context.Process(
            target=_serve, args=(child_end, os.getpid()), name="policykg-sparql-worker", daemon=True
        )
        self.process.start()
        child_end.close()
        self.ready = False

    def wait_ready(self) -> bool:
        """Wait for the worker's start-up to finish (at most :data:`START_LIMIT_S`); False if it never did."""
        if not self.ready:
            try:
                self.ready = self.conn.poll(START_LIMIT_S) and self.conn.recv() == READY
            except (EOFError, OSError):
                return False
        return self.ready

    def kill(self) -> None:
        """Stop the process now (SIGKILL: the engine does not listen to anything gentler) and reap it."""
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class SparqlPool:
    """At most ``size`` worker processes; a request waits for a free one up to its time limit."""

    def __init__(self, size: int = DEFAULT_WORKERS, *, start_method: str = "spawn") -> None:
        self.size = max(1, size)
        self._context = multiprocessing.get_context(start_method)
        self._slots = threading.BoundedSemaphore(self.size)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._returned = threading.Condition(self._lock)  # a worker came back or finished starting
        self._starting = 0  # replacements being started in the background
        self._closed = False
        self.killed = 0  # workers killed on timeout or found dead (for tests and logs)

    def _take(self) -> _Worker:
        with self._lock:
            deadline = time.monotonic() + START_LIMIT_S
            while not self._idle and self._starting and time.monotonic() < deadline:
                self._returned.wait(deadline - time.monotonic())  # a replacement is on its way: use it
            while self._idle:
                worker = self._idle.pop()
                if worker.process.is_alive():
                    return worker
                worker.kill()
        return _Worker(self._context)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed or len(self._idle) >= self.size:  # never more workers than the pool's size
                worker.kill()
            else:
                self._idle.append(worker)
            self._returned.notify()

    def warm(self) -> None:
        """Start the workers ahead of the first query (a spawn costs a fraction of a second)."""
        started = []
        for _ in range(self.size):
            if not self._slots.acquire(blocking=False):
                break
            started.append(self._take())
        for worker in started:
            self._give_back(worker)
            self._slots.release()

    def run(
        self, location: Any, query: str, form: str, *, timeout_s: float, row_limit: int
    ) -> SparqlResult:
        """The result of a prepared query over the build at ``location`` (its folder, or a
        :class:`~kg.remote_store.RemoteLocation`); :class:`SparqlError` with code ``timeout`` (the worker is
        killed), ``busy`` (no worker freed in time), ``query_failed`` (the worker died) or the engine's
        (``syntax`` …); :class:`~kg.store.GraphStoreError` (503) when the graph's server cannot answer."""
        if not self._slots.acquire(timeout=timeout_s):
            raise SparqlError(
                f"all {self.size} SPARQL workers stayed busy for {timeout_s:g} s",
                code="busy",
                hint="try again",
            )
        try:
            worker = self._take()
            try:
                if not worker.wait_ready():
                    raise EOFError("the worker did not start")
                worker.conn.send((str(location) if isinstance(location, Path) else location, query, form, row_limit))
                finished = worker.conn.poll(timeout_s)
                status, payload = worker.conn.recv() if finished else ("timeout", None)
            except (EOFError, OSError):
                status, payload = "dead", None
            if status in ("timeout", "dead"):
                worker.kill()
                self.killed += 1
                self._replace_soon()
            else:
                self._give_back(worker)
        finally:
            self._slots.release()
        if status == "timeout":
            raise SparqlError(
                f"the query ran longer than {timeout_s:g} s and was stopped",
                code="timeout",
                hint="narrow it or add a LIMIT",
            )
        if status == "dead":
            log.warning("a SPARQL worker died on a query; replaced")
            raise SparqlError("the query crashed the SPARQL engine and was stopped", code="query_failed")
        if status == "error":
            code, message, hint = payload
            raise SparqlError(message, code=code, hint=hint)
        if status == "store":
            from kg.store import GraphStoreError

            code, message, hint, http_status = payload
            raise GraphStoreError(message, code=code, hint=hint, status=http_status)
        return payload

    def _replace_soon(self) -> None:
        """Start a worker in place of a killed one, in the background, so the next query finds it ready."""

        def start() -> None:
            try:
                worker = _Worker(self._context)
                worker.wait_ready()
            finally:
                with self._lock:
                    self._starting -= 1
            self._give_back(worker)

        with self._lock:
            if self._closed or len(self._idle) + self._starting >= self.size:
                return
            self._starting += 1
        threading.Thread(target=start, name="policykg-sparql-respawn", daemon=True).start()

    def close(self) -> None:
        """Kill every idle worker (busy ones are killed when their request ends)."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()
