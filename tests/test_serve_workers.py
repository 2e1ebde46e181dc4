"""``policykg serve --workers 2``: several processes serve one read-only build and follow a rebuild.

Why: issue 14 item 3 (use every core when serving). uvicorn starts each worker from an import string, so the
settings travel through the environment; a regression there shows as a worker on the wrong data directory
or refusing the Host header, and a hot swap must reach every worker.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from search_api.builds.make import run_build
from search_api.settings import Settings, get_settings, settings_environment
from tests.conftest import CORPUS
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


def test_two_workers_serve_and_follow_a_rebuild(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = run_build([CORPUS], data_dir=data_dir, workers=1)
    assert first.path is not None
    with serve_process(data_dir, "--workers", "2") as server, httpx.Client(base_url=server.url, timeout=30) as client:
        for _ in range(6):  # new connections: requests reach both workers
            assert client.get("/api/search", params={"q": "电梯安全"}, headers={"Connection": "close"}).status_code == 200
        second = run_build([CORPUS], data_dir=data_dir, workers=1)
        assert second.path is not None and second.path.name != first.path.name
        new = f"builds/{second.path.name}"
        deadline = time.monotonic() + 60
        seen: set[str] = set()
        while time.monotonic() < deadline:
            health = client.get("/healthz", headers={"Connection": "close"})
            assert health.status_code == 200
            seen.add(health.json()["build"])
            if health.json()["build"] == new and all(
                client.get("/healthz", headers={"Connection": "close"}).json()["build"] == new
                for _ in range(6)
            ):
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"the workers did not all switch to {new}: saw {seen}")
