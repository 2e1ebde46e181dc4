"""``policykg serve --workers N`` on Linux: N uvicorn processes, each accepting on its own socket (SO_REUSEPORT).

Why: uvicorn's own multi-worker mode shares one listening socket between the processes. When several keep-alive
connections arrive together while the workers are idle, the first worker to wake accepts all of them (asyncio
accepts up to ``backlog`` connections per wake-up), so a client's (or a reverse proxy's) eight connections are
all served by one process and the other cores idle: on 2 cores, ``/api/search`` at 8 connections gave 1.0× its
throughput at one. With one socket per worker bound to the same address with ``SO_REUSEPORT``, the kernel
spreads incoming connections across the sockets by hash, as nginx and ``gunicorn --reuse-port`` do.

Only Linux (and Android) balance ``SO_REUSEPORT`` listeners; BSD and macOS hand every connection to one of them,
so :func:`reuse_port_supported` says no there and ``serve`` keeps uvicorn's shared socket.

The parent (:class:`Supervisor`) holds the address bound but not listening, which learns the port when ``--port
0`` is given (every worker then binds that one port) and keeps it ours between worker restarts; it forwards
SIGINT/SIGTERM to the workers, waits for them, and starts a new worker when one dies.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

from ingest.errors import PolicyKGError

APP = "search_api.service.app:create_app"  # the factory each worker imports (settings come from the environment)
STARTUP_FAILURE = 3  # uvicorn's exit status for a server that never started: restarting would fail the same way
RESTART_PAUSE_S = 1.0  # a worker that dies this soon after its start is restarted no faster than this
PARENT_CHECK_S = 1.0  # how often a worker checks that its supervisor is still alive

log = logging.getLogger("uvicorn.error")


class AddressInUse(PolicyKGError):
    """Another program already listens on the address ``serve`` was asked to use."""

    code = "address_in_use"


def reuse_port_supported() -> bool:
    """Whether this platform spreads connections across ``SO_REUSEPORT`` listeners (Linux does; BSD, macOS don't)."""
    return hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith(("linux", "android"))


def _new_socket(host: str, *, reuse_port: bool) -> socket.socket:
    """A TCP socket for ``host`` (IPv6 when the address has a colon, as uvicorn decides) with SO_REUSEADDR."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    return sock


def reserve_address(host: str, port: int) -> socket.socket:
    """Hold ``host:port`` bound (not listening) with SO_REUSEPORT; ``getsockname()`` tells the port chosen for 0.

    Why a first bind without SO_REUSEPORT: with it, a second ``policykg serve`` by the same user on the same port
    would bind too and silently share the traffic of the first; without it, any listener makes the bind fail, as
    it does for uvicorn. A socket that does not listen is given no connections.
    """
    probe = _new_socket(host, reuse_port=False)
    try:
        probe.bind((host, port))
        port = probe.getsockname()[1]
    except OSError as error:
        raise AddressInUse(f"cannot listen on {host}:{port}: {error.strerror}", hint="choose another --port") from error
    finally:
        probe.close()
    reservation = _new_socket(host, reuse_port=True)
    try:
        reservation.bind((host, port))
    except OSError as error:
        reservation.close()
        raise AddressInUse(f"cannot listen on {host}:{port}: {error.strerror}", hint="choose another --port") from error
    return reservation


def listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    """A worker's own listener on the shared address (SO_REUSEADDR + SO_REUSEPORT, uvicorn's backlog)."""
    sock = _new_socket(host, reuse_port=True)
    try:
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


def serve_worker(options: dict[str, Any], parent_pid: int) -> None:
    """One worker process: bind its own socket and run uvicorn on the app factory until told to stop.

    Exits with :data:`STARTUP_FAILURE` when it cannot bind or the app does not start, so that the supervisor
    stops instead of restarting it in a loop.
    """
    import uvicorn

    config = uvicorn.Config(APP, factory=True, **options)
    try:
        sock = listening_socket(config.host, config.port, config.backlog)
    except OSError as error:
        log.error("worker [%d] cannot listen on %s:%d: %s", os.getpid(), config.host, config.port, error)
        sys.exit(STARTUP_FAILURE)
    server = uvicorn.Server(config)
    _stop_when_orphaned(server, parent_pid)
    server.run(sockets=[sock])
    if not server.started:
        sys.exit(STARTUP_FAILURE)


def _stop_when_orphaned(server: Any, parent_pid: int) -> None:
    """Shut the server down if the supervisor disappears (killed with SIGKILL: it could not forward a signal)."""

    def watch() -> None:
        while not server.should_exit:
            if os.getppid() != parent_pid:
                log.warning("worker [%d]: the supervisor [%d] is gone, stopping", os.getpid(), parent_pid)
                server.should_exit = True
                return
            time.sleep(PARENT_CHECK_S)

    threading.Thread(target=watch, name="policykg-orphan-watch", daemon=True).start()


class Supervisor:
    """Start ``workers`` processes of :func:`serve_worker`, restart those that die, stop them all on a signal."""

    def __init__(self, options: dict[str, Any], workers: int, reservation: socket.socket) -> None:
        self.options = options
        self.workers = workers
        self.reservation = reservation  # kept open (bound) until every worker has stopped
        self.context = multiprocessing.get_context("spawn")  # a fresh interpreter: no state forked from the parent
        self.processes: list[BaseProcess] = []
        self.started_at: list[float] = []
        self.signals: list[int] = []

    def run(self) -> int:
        """Serve until SIGINT/SIGTERM (exit 0) or a worker that cannot start (exit :data:`STARTUP_FAILURE`)."""
        import uvicorn

        uvicorn.Config(APP, factory=True, **self.options)  # sets up uvicorn's loggers here, as uvicorn.run does
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        status = 0
        try:
            log.info("Started supervisor process [%d] (one listening socket per worker)", os.getpid())
            for _ in range(self.workers):
                self.processes.append(self._start())
                self.started_at.append(time.monotonic())
            while not self.signals:
                wait([process.sentinel for process in self.processes], timeout=0.5)
                if not self.signals and self._replace_dead():
                    status = STARTUP_FAILURE
                    break
            if len(self.signals) <= 1:  # also reaches a worker started after the signal arrived
                self._forward(signal.SIGTERM)
            self._join_all()
            log.info("Stopping supervisor process [%d]", os.getpid())
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.reservation.close()
        return status

    def _start(self) -> BaseProcess:
        """A new worker process, started."""
        process = self.context.Process(
            target=serve_worker, args=(self.options, os.getpid()), name="policykg-worker"
        )
        process.start()
        return process

    def _replace_dead(self) -> bool:
        """Start a new worker in place of each one that exited; True when one could not start at all."""
        for slot, process in enumerate(self.processes):
            if process.is_alive():
                continue
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                log.error("worker [%d] could not start; stopping", process.pid)
                return True
            log.warning("worker [%d] died (exit status %s); starting another", process.pid, process.exitcode)
            pause = self.started_at[slot] + RESTART_PAUSE_S - time.monotonic()
            if pause > 0:  # dying at once again and again: do not spin
                time.sleep(pause)
            if self.signals:
                return False
            self.processes[slot] = self._start()
            self.started_at[slot] = time.monotonic()
        return False

    def _on_signal(self, sig: int, _frame: FrameType | None) -> None:
        """The first SIGINT/SIGTERM asks each worker to finish its requests; a second one forces them to stop.

        Why SIGTERM first even for SIGINT: Ctrl+C also reaches the workers directly (same process group), and
        uvicorn takes a second SIGINT as "exit now, drop open requests".
        """
        self.signals.append(sig)
        self._forward(signal.SIGTERM if len(self.signals) == 1 else signal.SIGINT)

    def _forward(self, sig: int) -> None:
        """Send ``sig`` to every worker still running."""
        for process in self.processes:
            if process.pid is not None and process.exitcode is None:
                with contextlib.suppress(ProcessLookupError):  # exited in between
                    os.kill(process.pid, sig)

    def _join_all(self) -> None:
        """Wait until every worker has exited."""
        for process in self.processes:
            process.join()
