"""Issue 9, item 3: a timed-out query is stopped, not abandoned. Queries run in worker processes that are killed
on timeout; after three timeouts the server's threads and CPU are back to their baseline within seconds and a
simple query is answered as fast as before. A query that crashes a worker costs only that worker."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import httpx
import psutil

from kg.sparql import SparqlError, prepare
from kg.sparql_pool import SparqlPool
from search_api.builds.datadir import open_build
from tests.serve_process import serve_process

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 16,000³ rows: hours
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _cpu_seconds(process: psutil.Process) -> float:
    """CPU time of the server and its worker processes."""
    total = sum(process.cpu_times()[:2])
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += sum(child.cpu_times()[:2])
    return total


def _cpu_use(process: psutil.Process, seconds: float = 1.0) -> float:
    """Cores the server tree used over the next ``seconds``."""
    before = _cpu_seconds(process)
    time.sleep(seconds)
    return (_cpu_seconds(process) - before) / seconds


def test_timeouts_leave_no_cpu_threads_or_workers_behind(seed_data_dir: Path) -> None:
    env = {"POLICYKG_SPARQL_TIMEOUT": "0.5", "POLICYKG_SPARQL_WORKERS": "2"}
    with (
        serve_process(seed_data_dir, env=env) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        process = psutil.Process(server.process.pid)
        expected = client.get("/api/sparql", params={"query": COUNT}).json()  # workers and threads up
        baseline_threads = process.num_threads()
        started = time.perf_counter()
        client.get("/api/sparql", params={"query": COUNT})
        baseline_latency = time.perf_counter() - started
        for _ in range(3):
            response = client.get("/api/sparql", params={"query": HEAVY})
            assert response.status_code == 503 and response.json()["code"] == "timeout", response.text
        deadline = time.monotonic() + 5
        while True:
            threads, cpu = process.num_threads(), _cpu_use(process, 1.0)
            if (threads <= baseline_threads and cpu < 0.25) or time.monotonic() > deadline:
                break
        assert threads <= baseline_threads, (threads, baseline_threads)
        assert cpu < 0.25, f"the server tree still uses {cpu:.2f} cores after the timeouts"
        workers = [c for c in process.children(recursive=True) if "spawn_main" in " ".join(c.cmdline())]
        assert len(workers) <= 2  # the pool's size (beside multiprocessing's resource tracker): killed ones reaped
        started = time.perf_counter()
        answer = client.get("/api/sparql", params={"query": COUNT})
        latency = time.perf_counter() - started
        assert answer.json() == expected
        assert latency < max(1.0, 5 * baseline_latency), (latency, baseline_latency)


def test_pool_kills_on_timeout_and_survives_a_crash(seed_data_dir: Path) -> None:
    build = open_build(seed_data_dir).path
    pool = SparqlPool(1)
    try:
        first = pool.run(build, COUNT, prepare(COUNT), timeout_s=30, row_limit=10)
        worker = pool._idle[0].process
        try:
            pool.run(build, HEAVY, prepare(HEAVY), timeout_s=0.3, row_limit=10)
        except SparqlError as error:
            assert error.code == "timeout"
        else:
            raise AssertionError("the heavy query was not stopped")
        assert not worker.is_alive() and pool.killed == 1
        crash = "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000  # unguarded: straight to the engine
        try:
            pool.run(build, crash, "select", timeout_s=30, row_limit=10)
        except SparqlError as error:
            assert error.code == "query_failed" and "crashed" in str(error)
        else:
            raise AssertionError("the crashing query returned")
        again = pool.run(build, COUNT, "select", timeout_s=30, row_limit=10)
        assert again.rows == first.rows and pool.killed == 2
        try:
            pool.run(build, "SELECT * WHERE {\n ?s ?p }", "select", timeout_s=30, row_limit=10)
        except SparqlError as error:
            assert error.code == "syntax" and str(error).startswith("syntax error at line 2, column")
        else:
            raise AssertionError("the syntax error was not reported")
    finally:
        pool.close()
