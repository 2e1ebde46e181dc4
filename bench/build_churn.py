"""Load during rebuilds: 20 clients on ``/api/ask``, ``/api/search`` and ``/api/export/*`` while the data directory
gets three good builds and two builds killed with ``kill -9`` midway.

Why: a rebuild must never cost a request (issue 9 item 4: pruning deleted a served build, exports failed with 500)
and a killed build must leave nothing half-written behind. Reports lost requests (any non-200 or broken
connection; must be 0), the partial folders left (must be 0) and whether the server ends on the current build.
The load is one ``policykg serve`` process; builds are ``policykg build`` subprocesses, as a user runs them.

    python -m bench.build_churn [--clients 20] [--builds 3] [--kills 2]

Writes ``bench/out/build_churn.json``; exit 1 when a request was lost or the current build is not served.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from bench.http_load import OUT, QUESTIONS, ROOT, SEARCHES, _build, _free_port, _request, _start

EXPORTS = ("/api/export/nt", "/api/export/turtle", "/api/export/json", "/api/export/csv")


def _paths() -> list[str]:
    searches = [f"/api/search?q={quote(q)}" for q in SEARCHES]
    questions = [f"/api/ask?q={quote(q)}" for q in QUESTIONS]
    return [p for group in zip(searches, questions, EXPORTS * 2, strict=False) for p in group]


async def _clients(port: int, paths: list[str], clients: int, stop: threading.Event, tally: Counter[str]) -> None:
    """Each client keeps one connection and reconnects after a failure (counted as lost)."""

    async def client(offset: int) -> None:
        index = offset
        reader = writer = None
        while not stop.is_set():
            path = paths[index % len(paths)]
            index += 1
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**24)
                status = await asyncio.wait_for(_request(reader, writer, path), 120)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
                tally["lost"] += 1
                tally[f"error {type(error).__name__}"] += 1
                writer = None
                continue
            tally["requests"] += 1
            if status != 200:
                tally["lost"] += 1
                tally[f"status {status}"] += 1
        if writer is not None:
            writer.close()

    await asyncio.gather(*(client(i) for i in range(clients)))


def _build_command(data: Path) -> list[str]:
    return [sys.executable, "-m", "search_api.cli.main", "build", str(ROOT / "corpus"), "--quiet", "--data", str(data)]


def _good_build(data: Path) -> float:
    started = time.perf_counter()
    subprocess.run(_build_command(data), cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def _killed_build(data: Path) -> str:
    """Start a build and ``kill -9`` it once its folder exists without a manifest."""
    builds = data / "builds"
    before = set(os.listdir(builds))
    process = subprocess.Popen(_build_command(data), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while process.poll() is None:
            new = set(os.listdir(builds)) - before
            if new and not (builds / next(iter(new)) / "manifest.json").exists():
                process.send_signal(signal.SIGKILL)
                return next(iter(new))
            time.sleep(0.01)
        return "finished before the kill"
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def main(argv: list[str] | None = None) -> int:
    """Serve, load, rebuild and kill builds, then report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--builds", type=int, default=3)
    parser.add_argument("--kills", type=int, default=2)
    args = parser.parse_args(argv)
    data = _build(None)
    port = _free_port()
    serve = [sys.executable, "-m", "search_api.cli.main", "serve", "--data", str(data), "--port", str(port),
             "--no-access-log", "--log-level", "warning"]  # fmt: skip
    server = _start(serve, port)
    tally: Counter[str] = Counter()
    stop = threading.Event()
    loader = threading.Thread(target=lambda: asyncio.run(_clients(port, _paths(), args.clients, stop, tally)))
    events: list[str] = []
    began = time.perf_counter()
    try:
        loader.start()
        time.sleep(1)
        for round_ in range(max(args.builds, args.kills)):
            if round_ < args.kills:
                events.append(f"killed {_killed_build(data)}")
            if round_ < args.builds:
                events.append(f"built in {_good_build(data):.1f} s")
        current = os.readlink(data / "current")
        deadline = time.monotonic() + 30
        served = None
        while time.monotonic() < deadline and served != current:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as response:
                served = json.load(response)["build"]
            time.sleep(0.2)
        time.sleep(1)  # requests on the newest build, too
    finally:
        stop.set()
        loader.join(180)
        server.terminate()
        server.wait(10)
    seconds = time.perf_counter() - began
    folders = sorted(os.listdir(data / "builds"))
    partial = [name for name in folders if not (data / "builds" / name / "manifest.json").exists()]
    report = {
        "clients": args.clients,
        "seconds": round(seconds, 1),
        "requests": tally["requests"],
        "lost": tally["lost"],
        "errors": {k: v for k, v in tally.items() if k not in ("requests", "lost")},
        "events": events,
        "current": current,
        "served_current": served == current,
        "build_folders": folders,
        "partial_folders_left": partial,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "build_churn.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    sys.stdout.write(
        f"{report['requests']} requests from {args.clients} clients in {report['seconds']} s during "
        f"{args.builds} builds and {args.kills} killed builds: {report['lost']} lost {report['errors'] or ''}\n"
        f"{'; '.join(events)}\n"
        f"serving the current build: {report['served_current']}; build folders: {len(folders)}, "
        f"partial left: {len(partial)}\n"
    )
    return 0 if report["lost"] == 0 and report["served_current"] and not partial else 1


if __name__ == "__main__":
    raise SystemExit(main())
