"""A real SPARQL server for the remote-store tests: ``oxigraph serve`` (the ``oxigraph`` package's command) in a
subprocess on a free loopback port, started and stopped by the test that needs it."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.serve_process import free_port


@dataclass
class OxigraphServer:
    """A running Oxigraph server, its base URL and its database folder."""

    url: str
    location: Path
    process: subprocess.Popen[bytes]
    published: dict[Path, str] = field(default_factory=dict)  # build folder → its graph, published once

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def oxigraph_command() -> str:
    """The ``oxigraph`` executable installed beside this Python (the test extras' ``oxigraph`` package)."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the oxigraph command is missing: pip install -e '.[test]' (package oxigraph)")
    return found


@contextlib.contextmanager
def oxigraph(location: Path, *, read_only: bool = False, port: int | None = None) -> Iterator[OxigraphServer]:
    """``oxigraph serve`` (or ``serve-read-only``) over ``location`` on ``port`` (default: a free one); stopped
    when the block ends."""
    mode = "serve-read-only" if read_only else "serve"
    attempts = 1 if port else 3  # a free port may be taken between the check and the bind: try another
    for attempt in range(1, attempts + 1):
        chosen = port or free_port()
        process = subprocess.Popen(
            [oxigraph_command(), mode, "--location", str(location), "--bind", f"127.0.0.1:{chosen}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        server = OxigraphServer(url=f"http://127.0.0.1:{chosen}", location=location, process=process)
        if _wait_until_up(server):
            break
        server.stop()
        if attempt == attempts:
            error = process.stderr.read().decode(errors="replace")[-1000:] if process.stderr else ""
            raise RuntimeError(f"oxigraph {mode} did not start: {error}")
    try:
        yield server
    finally:
        server.stop()


def _wait_until_up(server: OxigraphServer, *, limit_s: float = 30.0) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(server.url + "/", timeout=1).status_code == 200:
                return True
        time.sleep(0.05)
    return False
