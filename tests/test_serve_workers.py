"""``policykg serve --workers 2``: several processes serve one read-only build and follow a rebuild.

Why: issue 14 item 3 (use every core when serving). uvicorn starts each worker from an import string, so the
settings travel through the environment; a regression there shows as a worker on the wrong data directory
or refusing the Host header, and a hot swap must reach every worker.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from search_api.builds.make import run_build
from search_api.service.workers import AddressInUse, listening_socket, reserve_address, reuse_port_supported
from search_api.settings import Settings, get_settings, settings_environment
from tests.conftest import CORPUS
from tests.load import hammering
from tests.serve_process import serve_process


def test_settings_round_trip_through_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, host="0.0.0.0", port=9001, sparql_timeout_s=2.5, sparql_row_limit=50,
        sparql_workers=3, allow_service=True, allowed_hosts=("kg.example", "kg2.example"),
        store_url="http://kg-store.example:7878",
    )  # fmt: skip
    for name, value in settings_environment(settings).items():
        monkeypatch.setenv(name, value)
    assert get_settings() == settings


def test_two_workers_follow_a_rebuild_and_lose_no_request(tmp_path: Path) -> None:
    """Why: each worker swaps builds on its own; while they do, requests on keep-alive connections spread
    over both workers must all succeed (issue 14: a hot swap still loses no request with several workers)."""
    data_dir = tmp_path / "data"
    first = run_build([CORPUS], data_dir=data_dir, workers=1)
    assert first.path is not None
    with serve_process(data_dir, "--workers", "2") as server:
        assert len({pid for pid, _ in _health_behind(server.port, 32)}) == 2
        with hammering(server.url, connections=8) as load:  # all 8 on one worker: 1 time in 128
            second = run_build([CORPUS], data_dir=data_dir, workers=1)
            assert second.path is not None and second.path.name != first.path.name
            new = f"builds/{second.path.name}"
            deadline = time.monotonic() + 60
            seen: set[tuple[int, str]] = set()
            while True:
                answers = set(_health_behind(server.port, 32))
                seen |= answers
                if len({pid for pid, _ in answers}) == 2 and {build for _, build in answers} == {new}:
                    break
                assert time.monotonic() < deadline, f"the workers did not all switch to {new}: saw {seen}"
                time.sleep(0.2)
        assert not load.failures, load.failures[:5]
        assert sum(load.statuses.values()) > 20, load.statuses


def _health_behind(port: int, connections: int) -> list[tuple[int, str]]:
    """Open ``connections`` keep-alive connections, all before any request (as a client's or a proxy's pool
    does), then ask ``/healthz`` on each: the process that accepted each connection and the build it serves."""
    pool = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(connections)]
    try:
        for connection in pool:
            connection.connect()
        for connection in pool:
            connection.request("GET", "/healthz")
        answers = []
        for connection in pool:
            response = connection.getresponse()
            assert response.status == 200
            body = json.loads(response.read())
            answers.append((body["pid"], body["build"]))
        return answers
    finally:
        for connection in pool:
            connection.close()


def _pids_behind(port: int, connections: int) -> list[int]:
    """The process behind each of ``connections`` simultaneous connections (see :func:`_health_behind`)."""
    return [pid for pid, _ in _health_behind(port, connections)]


def test_simultaneous_connections_reach_both_workers(built_data: Path) -> None:
    """Why: with one listening socket shared by the workers, the first to wake accepted every connection that
    arrived together, and the second core idled (issue 14: 8 connections gave 1.0× the throughput of one).
    Each worker now has its own SO_REUSEPORT socket and the kernel spreads connections by hash, so 32 at once
    (not 8: by hash, all 8 on one worker happens 1 time in 128) fall on both, neither with almost all."""
    if not reuse_port_supported():
        pytest.skip("uvicorn's shared socket elsewhere: no SO_REUSEPORT balancing on this platform")
    with serve_process(built_data, "--workers", "2") as server:
        counts = Counter(_pids_behind(server.port, 32))
        assert len(counts) == 2 and server.process.pid not in counts, counts
        assert min(counts.values()) >= 4, counts  # a fair coin gives fewer 1 time in 400,000


def test_a_worker_that_dies_is_replaced(built_data: Path) -> None:
    """Why: a worker killed (out of memory, a crash in a C extension) must not leave the server on fewer
    cores for good: the supervisor starts another on the same port. Connections the kernel had already queued
    on the dead worker's socket are reset (the kernel tears that socket down a moment after the process has
    gone, as for any SO_REUSEPORT server), so a reset is retried here; nothing else may fail."""
    if not reuse_port_supported():
        pytest.skip("the supervisor runs where SO_REUSEPORT balances connections")
    with serve_process(built_data, "--workers", "2") as server:
        victim = min(_pids_behind(server.port, 32))
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        now: set[int] = set()
        while not (len(now) == 2 and victim not in now):
            assert time.monotonic() < deadline, f"no new worker after killing {victim}: {now}"
            time.sleep(0.2)
            try:
                now = set(_pids_behind(server.port, 32))
            except (ConnectionResetError, BrokenPipeError):  # queued on the dead worker's socket
                now = set()
        assert server.process.poll() is None


def test_port_zero_is_one_port_for_every_worker() -> None:
    """Why: with one socket per worker, ``--port 0`` would give each worker a port of its own; the parent
    reserves one port and every worker binds that one. Another server on the port is refused, not joined."""
    if not reuse_port_supported():
        pytest.skip("no SO_REUSEPORT balancing on this platform")
    reservation = reserve_address("127.0.0.1", 0)
    port = reservation.getsockname()[1]
    listeners = [listening_socket("127.0.0.1", port, 16) for _ in range(2)]
    try:
        assert port != 0 and all(sock.getsockname()[1] == port for sock in listeners)
        with pytest.raises(AddressInUse, match="--port"):
            reserve_address("127.0.0.1", port)  # a second `policykg serve` on a port in use
    finally:
        for sock in [reservation, *listeners]:
            sock.close()
