"""Run one build step in a forked process while the build goes on with the next: the index beside the graph.

Why: the graph step already spreads its documents over every core, but the whoosh index is written by one
process, and ran after the graph: on two cores one core idled through the whole index step (20 s of a 56 s build
at 491 documents; 34 minutes at 10,000). The two steps need nothing of each other (both read the corpus and the
thesaurus snapshot written before them), so the index is written by a forked child while the graph step runs.
The child inherits the corpus copy-on-write, writes into the same build folder, and sends back only its small
manifest entry; the artefacts are those of the sequential build (tests compare them). The topic table, which
reads the graph's store, is started the same way once the graph is written.

Where a fork is unsafe (other threads alive: a server that builds in process), impossible (no ``fork``) or not
wanted (one worker), :func:`start_beside` runs the step at once in this process and the result is the same.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ingest.errors import PolicyKGError
from ingest.model import Corpus
from ingest.parallel import can_fork

StepFunction = Callable[[Corpus, Path], dict[str, Any] | None]


class StepFailed(PolicyKGError):
    """A step run beside another failed or its process died; the build fails as a whole, nothing published."""


class Beside:
    """A step started by :func:`start_beside`: :meth:`result` waits for it and returns its manifest entry."""

    def __init__(
        self,
        name: str,
        *,
        info: dict[str, Any] | None = None,
        process: Any = None,
        receiver: Connection | None = None,
    ) -> None:
        self.name = name
        self._info = info
        self._process = process
        self._receiver = receiver

    def result(self) -> dict[str, Any]:
        """The step's manifest entry (with ``seconds``); raises :class:`StepFailed` if it failed in its process."""
        if self._info is not None:
            return self._info
        assert self._process is not None and self._receiver is not None
        try:
            outcome, payload = self._receiver.recv()
        except EOFError:
            self._process.join()
            raise StepFailed(
                f"build step {self.name}: its process ended without a result (exit code {self._process.exitcode})"
            ) from None
        finally:
            self._receiver.close()
        self._process.join()
        if outcome != "ok":
            raise StepFailed(f"build step {self.name} failed: {payload}")
        self._info = payload
        return payload

    def cancel(self) -> None:
        """Stop the step's process (the build failed elsewhere); a step that ran in this process is left as is."""
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join()


def _timed(step: StepFunction, corpus: Corpus, build_path: Path) -> dict[str, Any]:
    started = time.perf_counter()
    info = step(corpus, build_path) or {}
    return {**info, "seconds": round(time.perf_counter() - started, 3)}


def _child(name: str, step: StepFunction, corpus: Corpus, build_path: Path, sender: Connection) -> None:
    """In the forked process: run the step, send ``("ok", info)`` or ``("error", the last lines of the trace)``."""
    try:
        info = {**_timed(step, corpus, build_path), "process": "beside"}
        sender.send(("ok", info))
    except BaseException as error:  # every failure must reach the parent, which fails the build
        lines = traceback.format_exception(error)
        sender.send(("error", f"{type(error).__name__}: {error}\n{''.join(lines[-3:])}".strip()))
    finally:
        sender.close()


def start_beside(name: str, step: StepFunction, corpus: Corpus, build_path: Path, *, workers: int) -> Beside:
    """Start ``step`` in a forked process (or, when that is unsafe or ``workers`` is 1, run it here now)."""
    if not can_fork(workers):
        return Beside(name, info=_timed(step, corpus, build_path))
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(name, step, corpus, build_path, sender), name=f"build-{name}")
    process.start()
    sender.close()
    return Beside(name, process=process, receiver=receiver)
