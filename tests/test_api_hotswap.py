"""A rebuild into the data directory a server is reading: the server picks up the new build without a restart,
and no request made meanwhile fails."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from search_api.builds.make import run_build
from tests.conftest import CORPUS, serve

PATHS = (
    "/api/search?q=电梯安全",
    "/api/ask?q=谁负责电梯安全",
    "/api/units/区财政局",
    "/api/trace",
    "/api/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
    "/api/graph?node=unit/区市场监管局",
    "/healthz",
)


def test_rebuild_while_serving_loses_no_request(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    if run_build([CORPUS], data_dir=data_dir).path is None:
        pytest.fail("the seed did not build")
    with serve(data_dir) as api:
        first = api.client.get("/healthz").json()["build"]
        statuses: Counter[int] = Counter()
        failures: list[str] = []
        stop = threading.Event()

        def hammer(offset: int) -> None:
            with httpx.Client(base_url=api.url, timeout=30) as client:
                index = offset
                while not stop.is_set():
                    path = PATHS[index % len(PATHS)]
                    index += 1
                    try:
                        response = client.get(path)
                    except httpx.HTTPError as error:
                        failures.append(f"{path}: {error!r}")
                        continue
                    statuses[response.status_code] += 1
                    if response.status_code != 200:
                        failures.append(f"{path}: {response.status_code} {response.text[:200]}")

        workers = [threading.Thread(target=hammer, args=(i,)) for i in range(4)]
        for worker in workers:
            worker.start()
        try:
            builds = []
            for _ in range(
                3
            ):  # more rebuilds than the publisher keeps: old folders are pruned under the server
                result = run_build([CORPUS], data_dir=data_dir)
                assert result.path is not None
                builds.append(f"builds/{result.path.name}")
                time.sleep(0.3)
            deadline = time.monotonic() + 20
            while api.client.get("/healthz").json()["build"] != builds[-1]:
                assert time.monotonic() < deadline, "the server did not pick up the new build"
                time.sleep(0.1)
        finally:
            stop.set()
            for worker in workers:
                worker.join(30)
        assert not failures, failures[:5]
        assert sum(statuses.values()) > 50 and set(statuses) == {200}
        health = api.client.get("/healthz").json()
        assert health["build"] != first and health["reloads"] >= 1
        assert api.client.get("/api/search", params={"q": "电梯安全"}).json()["hits"][0]["number"] == 37
