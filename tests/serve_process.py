"""``policykg serve`` in a subprocess on a free loopback port: for tests that must survive what they send
(a crash would take an in-process server, and pytest, down with it) or that measure the server's process."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class ServerProcess:
    """A running ``policykg serve`` and its base URL."""

    url: str
    port: int
    process: subprocess.Popen[bytes]


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_process(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[ServerProcess]:
    """Start the server, wait until ``/healthz`` answers, stop it (and fail if it died) at the end."""
    port = free_port()
    command = [sys.executable, "-m", "search_api.cli.main", "serve", "--data", str(data_dir), "--port", str(port)]
    command += ["--no-access-log", "--log-level", "warning", *args]
    if "--workers" not in args:  # tests that measure "the server's process" mean the one serving process
        command += ["--workers", "1"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start in 60 s")
            time.sleep(0.1)
        yield ServerProcess(url=url, port=port, process=process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
