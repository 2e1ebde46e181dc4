"""Real builds against a data directory: ``kill -9`` mid-build, and rebuilds under a server holding a snapshot.

Reproduces issue 9 item 4: after two killed builds one good build left nothing to roll back to, and exports of a
swapped-out build failed with 500 ``FileNotFoundError …/graph.nt`` once three quick builds pruned its folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from search_api.builds.datadir import BUILDS, current_build_id
from search_api.builds.make import run_build
from search_api.exports.registry import EXPORTERS, ExportRequest
from search_api.service.state import BuildHolder
from tests.conftest import CORPUS, ROOT, serve

EXPORTS = ("/api/export/nt", "/api/export/turtle", "/api/export/json")  # the files read from the build folder


def kill_build_midway(data: Path) -> str:
    """Start ``policykg build`` and ``kill -9`` it once its build folder exists but has no manifest yet."""
    before = set(os.listdir(data / BUILDS)) if (data / BUILDS).is_dir() else set()
    process = subprocess.Popen(
        [sys.executable, "-m", "search_api.cli.main", "build", str(CORPUS), "--quiet", "--data", str(data)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            new = set(os.listdir(data / BUILDS)) - before if (data / BUILDS).is_dir() else set()
            if new and not (data / BUILDS / next(iter(new)) / "manifest.json").exists():
                process.send_signal(signal.SIGKILL)
                process.wait(10)
                return next(iter(new))
            assert process.poll() is None, "the build finished before it could be killed"
            time.sleep(0.01)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    raise AssertionError("the build never created its folder")


def test_two_killed_builds_then_a_good_one_keep_the_previous_build_and_remove_the_partials(tmp_path: Path) -> None:
    data = tmp_path / "data"
    previous = run_build([CORPUS], data_dir=data).path
    assert previous is not None
    killed = [kill_build_midway(data), kill_build_midway(data)]
    assert all((data / BUILDS / name).is_dir() for name in killed)  # what kill -9 leaves behind
    good = run_build([CORPUS], data_dir=data).path
    assert good is not None and current_build_id(data) == f"{BUILDS}/{good.name}"
    remaining = sorted(os.listdir(data / BUILDS))
    assert remaining == sorted([previous.name, good.name]), remaining
    assert (previous / "graph.nt").is_file(), "the previous build is there to roll back to"


def deleted_files_open_under(folder: Path) -> list[str]:
    """Files this process still has open that were deleted from under ``folder`` (disk space not freed)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder)) and target.endswith("(deleted)"):
            found.append(target)
    return found


def test_rebuilds_never_break_requests_on_the_old_snapshot(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_build([CORPUS], data_dir=data).path is not None
    with serve(data) as api:
        holder: BuildHolder = api.server.config.app.state.holder
        statuses: Counter[int] = Counter()
        failures: list[str] = []
        stop = threading.Event()

        def hammer(offset: int) -> None:
            with httpx.Client(base_url=api.url, timeout=60) as client:
                index = offset
                while not stop.is_set():
                    path = EXPORTS[index % len(EXPORTS)]
                    index += 1
                    response = client.get(path)
                    statuses[response.status_code] += 1
                    if response.status_code != 200:
                        failures.append(f"{path}: {response.status_code} {response.text[:200]}")

        with holder.lease() as old:  # a long request on the first build, across three rebuilds
            expected = EXPORTERS["nt"].render(old.build, ExportRequest())
            workers = [threading.Thread(target=hammer, args=(i,)) for i in range(2)]
            for worker in workers:
                worker.start()
            try:
                newest = None
                for _ in range(3):
                    newest = run_build([CORPUS], data_dir=data).path
                deadline = time.monotonic() + 30
                while holder.build_id != f"{BUILDS}/{newest.name}":
                    assert time.monotonic() < deadline, "the server did not pick up the new build"
                    time.sleep(0.05)
            finally:
                stop.set()
                for worker in workers:
                    worker.join(60)
            assert EXPORTERS["nt"].render(old.build, ExportRequest()) == expected
            assert old.build.path.is_dir() and old.resource("index") is not None
        assert not failures, failures[:5]
        assert sum(statuses.values()) >= 4 and set(statuses) == {200}
        # The last request on the old snapshot is done: it is closed, its folder pruned, its space freed.
        deadline = time.monotonic() + 20
        def pruning() -> bool:  # a pruned build is renamed to .trash-… first, then deleted: wait for both
            return any(name.startswith(".trash") for name in os.listdir(data / BUILDS))

        while old.build.path.exists() or pruning() or deleted_files_open_under(data):
            assert time.monotonic() < deadline, (old.build.path, deleted_files_open_under(data))
            time.sleep(0.1)
        assert old.usage.closed and old.resource("index") is None
        assert len(os.listdir(data / BUILDS)) == 3
        assert api.client.get("/api/export/nt").status_code == 200
