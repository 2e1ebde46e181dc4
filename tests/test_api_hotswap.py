"""A rebuild into the data directory a server is reading: the server picks up the new build without a restart,
and no request made meanwhile fails."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from search_api.builds.make import run_build
from tests.conftest import CORPUS, serve
from tests.load import hammering


def test_rebuild_while_serving_loses_no_request(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    if run_build([CORPUS], data_dir=data_dir).path is None:
        pytest.fail("the seed did not build")
    with serve(data_dir) as api:
        first = api.client.get("/healthz").json()["build"]
        with hammering(api.url, connections=4) as load:
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
        assert not load.failures, load.failures[:5]
        assert sum(load.statuses.values()) > 50 and set(load.statuses) == {200}
        health = api.client.get("/healthz").json()
        assert health["build"] != first and health["reloads"] >= 1
        assert api.client.get("/api/search", params={"q": "电梯安全"}).json()["hits"][0]["number"] == 37
