"""Per-document work on several cores: an ordered map over a forked process pool.

Why fork and a module-level state: the per-document stages of a build (parsing, obligations, triples, SHACL)
need large read-only inputs (the register, the thesaurus, the shapes, the documents themselves). Forked
workers inherit them copy-on-write, so only an item's index or path and its small result cross a pipe; nothing
is pickled twice and the corpus is not held once per worker. Results come back in input order, so a build on
two workers writes exactly what the serial build writes (tests compare the artefacts).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

WORKERS_ENV = "POLICYKG_BUILD_WORKERS"
_STATE: dict[str, Any] = {}


def build_workers(requested: int | None = None) -> int:
    """How many processes a build uses: ``requested``, else ``$POLICYKG_BUILD_WORKERS``, else the cores (max 8)."""
    if requested is None:
        value = os.environ.get(WORKERS_ENV, "").strip()
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        requested = int(value) if value.isdigit() else min(cores, 8)
    return max(1, requested)


def can_fork(workers: int) -> bool:
    """Whether work may go to forked processes: more than one worker wanted, ``fork`` available, and no other
    thread alive (forking a process that runs other threads, a server or a test hammering one, can copy a lock
    another thread holds into the child, which then waits forever). Callers that get False run in process."""
    return workers > 1 and "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def state() -> dict[str, Any]:
    """The read-only inputs the current :func:`ordered_map` handed to its workers (inherited by fork)."""
    return _STATE


def ordered_map(
    function: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int,
    shared: dict[str, Any] | None = None,
    chunksize: int = 4,
) -> Iterator[R]:
    """``map(function, items)`` on ``workers`` forked processes, results in input order.

    ``shared`` is set as :func:`state` before the fork, so ``function`` reads large inputs from there instead of
    receiving them pickled. With one worker, no ``fork`` on this platform, or other threads running, it runs in
    this process: same results, no pool. ``function`` must be a module-level function (it is pickled by name).
    """
    _STATE.clear()
    _STATE.update(shared or {})
    try:
        if not can_fork(workers):
            yield from map(function, items)
            return
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            yield from pool.imap(function, items, chunksize=chunksize)
    finally:
        _STATE.clear()
