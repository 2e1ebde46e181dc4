"""Requests of every kind on several keep-alive connections while a test changes the server under them (a
rebuild, a hot swap): the shared load of the hot-swap tests, one process or several workers."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx

PATHS = (
    "/api/search?q=电梯安全",
    "/api/ask?q=谁负责电梯安全",
    "/api/units/区财政局",
    "/api/trace",
    "/api/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
    "/api/graph?node=unit/区市场监管局",
    "/healthz",
)


@dataclass
class Load:
    """What the load saw: the count of each status answered, and every failure (error or non-200) described."""

    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


@contextlib.contextmanager
def hammering(url: str, *, connections: int) -> Iterator[Load]:
    """Requests of :data:`PATHS` in turn on ``connections`` keep-alive connections until the block ends."""
    load = Load()
    stop = threading.Event()

    def hammer(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            index = offset
            while not stop.is_set():
                path = PATHS[index % len(PATHS)]
                index += 1
                try:
                    response = client.get(path)
                except httpx.HTTPError as error:
                    load.failures.append(f"{path}: {error!r}")
                    continue
                load.statuses[response.status_code] += 1
                if response.status_code != 200:
                    load.failures.append(f"{path}: {response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    try:
        yield load
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
