"""HTTP load on ``/api/search`` and ``/api/ask``, as ratios to a trivial FastAPI endpoint measured in the same run.

Why ratios: this machine is shared and noisy (see ../shared/PERFORMANCE.md); absolute requests per second move
from run to run, the cost of our endpoints relative to the HTTP floor does not. Each server is a separate
uvicorn process (`policykg serve --workers N` for each N of ``--workers``) with no access log; the load comes from this process over keep-alive HTTP/1.1
connections (a small hand-written client: httpx itself would be the bottleneck), at a bounded concurrency for a
fixed time.

    python -m bench.http_load [--seconds 5] [--concurrency 1 8] [--workers 1 2] [--data DIR]

Writes ``bench/out/http_load.json`` and prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SEARCHES = (
    "电梯安全",
    "危险化学品",
    "双随机一公开",
    "hazardous chemicals",
    "区财政局 kind:task",
    "隐患排查治理",
)
QUESTIONS = (
    "谁负责电梯安全",
    "危险化学品由哪些单位负责",
    "who is responsible for elevator safety",
    "谁负责消防安全",
)


def trivial() -> FastAPI:
    """The floor: one JSON endpoint that does nothing (served by the same uvicorn as the real app)."""
    app = FastAPI()

    @app.get("/ping")
    async def ping() -> dict[str, bool]:
        return {"ok": True}

    return app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(command: list[str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode() if process.stderr else "server exited")
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("server did not start")


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def _load(port: int, paths: list[str], *, concurrency: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**22)
        index = offset
        while index == offset or time.perf_counter() < stop_at:  # at least one request: a slow run still reports
            path = paths[index % len(paths)]
            index += 1
            started = time.perf_counter()
            status = await _request(reader, writer, path)
            latencies.append(time.perf_counter() - started)
            errors += status != 200
        writer.close()

    for path in paths:  # warm up: first queries open caches
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**22)
        await _request(reader, writer, path)
        writer.close()
    began = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "errors": errors,
        "rps": round(len(ordered) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
    }


def _build(data: str | None) -> Path:
    if data:
        return Path(data)
    from search_api.builds.make import run_build

    folder = Path(tempfile.mkdtemp(prefix="policykg-bench-"))
    run_build([ROOT / "corpus"], data_dir=folder)
    return folder


def main(argv: list[str] | None = None) -> int:
    """Run the measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument(
        "--data", help="a built data directory (default: build the seed into a temporary one)"
    )
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="`policykg serve --workers` settings to compare"
    )
    args = parser.parse_args(argv)
    data_dir = _build(args.data)
    python = sys.executable
    endpoints = {
        "trivial /ping": ["/ping"],
        "/api/search": [f"/api/search?q={quote(q)}" for q in SEARCHES],
        "/api/ask": [f"/api/ask?q={quote(q)}" for q in QUESTIONS],
    }
    results: dict[str, dict[str, dict[str, float]]] = {}
    port_floor = _free_port()
    uvicorn_floor = [python, "-m", "uvicorn", "--factory", "bench.http_load:trivial", "--port", str(port_floor),
                     "--no-access-log", "--log-level", "warning"]  # fmt: skip
    ports = {0: port_floor}
    servers = [_start(uvicorn_floor, port_floor)]
    try:
        for workers in args.workers:
            ports[workers] = port_app = _free_port()
            serve_app = [python, "-m", "search_api.cli.main", "serve", "--data", str(data_dir), "--port", str(port_app),
                         "--no-access-log", "--log-level", "warning", "--workers", str(workers)]  # fmt: skip
            servers.append(_start(serve_app, port_app))
        for name, paths in endpoints.items():
            for workers in [0] if name.startswith("trivial") else args.workers:
                label = name if not workers else f"{name} w{workers}"
                results[label] = {
                    str(c): asyncio.run(_load(ports[workers], paths, concurrency=c, seconds=args.seconds))
                    for c in args.concurrency
                }
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
    floor = results["trivial /ping"]
    report = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "seconds": args.seconds,
        "results": results,
        "ratios": {
            name: {
                c: {
                    "rps_vs_floor": round(r["rps"] / floor[c]["rps"], 3),
                    "p50_vs_floor": round(r["p50_ms"] / floor[c]["p50_ms"], 1),
                }
                for c, r in by_c.items()
            }
            for name, by_c in results.items()
        },
        # issue 14's goal: with several workers, 8 connections ≥ 1.5 × the throughput of one
        "most_over_one_connection": {
            name: round(by_c[str(max(args.concurrency))]["rps"] / by_c[str(min(args.concurrency))]["rps"], 2)
            for name, by_c in results.items()
        },
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "http_load.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    lines = [
        f"{'endpoint':<16}{'conns':>6}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'rps/floor':>11}"
    ]
    for name, by_c in results.items():
        for c, r in by_c.items():
            ratio = report["ratios"][name][c]["rps_vs_floor"]
            lines.append(
                f"{name:<16}{c:>6}{r['rps']:>10}{r['p50_ms']:>9}{r['p99_ms']:>9}{r['errors']:>8}{ratio:>11}"
            )
    lines.append("rps at most / one connection: " + json.dumps(report["most_over_one_connection"]))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
