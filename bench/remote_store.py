"""The graph on a shared SPARQL server vs the build folder's own store: what a replica pays per question.

Run: ``python -m bench.remote_store`` (builds corpus/ into a temporary data directory, starts ``oxigraph serve``
from the test extras on a free loopback port, publishes the build to it, stops it at the end) or with
``--data DIR`` (an existing build).

Why ratios and wall time: the remote store's cost is the round trips and the server's work in another process,
which process CPU time would not see; local and remote are measured interleaved, question by question, in the
same run, so the machine's noise hits both alike. Figures: median wall milliseconds per ``ask`` (the whole
answer: index, graph queries, ranking) and per ``unit_profile``, with each remote/local ratio and the number of
graph queries one question sends (each is one HTTP round trip on the remote store); and the publish (upload,
count, switch) against the build folder's own Oxigraph load of the same N-Triples. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = (
    "谁负责电梯安全",
    "who is responsible for elevator safety",
    "危险化学品由哪个部门监管",
    "区财政局负责哪些任务",
    "2019年底前要完成哪些任务",
)
UNITS = ("区财政局", "区住建局", "区应急管理局")


class Counting:
    """A GraphStore wrapper that counts the queries sent through it."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.backend = store.backend
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.store, name)
        if name not in ("select", "ask", "solutions", "statements"):
            return method

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return method(*args, **kwargs)

        return counted


def _ms(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def measure(data_dir: Path, url: str, *, repeat: int) -> dict[str, float]:
    """Interleaved medians for local and remote, and their ratios."""
    from kg.store import GRAPH_NT, load_oxigraph
    from search_api.facade import Build

    local = Build.open(data_dir).preload()
    remote = Build.open(data_dir, store_url=url).preload()
    rows: dict[str, float] = {}
    try:
        for name, run in (
            ("ask", lambda build, q: build.ask(q)),
            ("unit_profile", lambda build, q: build.unit_profile(q)),
        ):
            inputs = QUESTIONS if name == "ask" else UNITS
            timings: dict[str, list[float]] = {"local": [], "remote": []}
            for item in inputs:
                for _ in range(repeat):
                    timings["local"].append(_ms(lambda item=item, run=run: run(local, item)))
                    timings["remote"].append(_ms(lambda item=item, run=run: run(remote, item)))
            counter = Counting(remote.require("graph"))
            remote._resources["graph"] = counter  # count the queries of one pass over the inputs
            for item in inputs:
                run(remote, item)
            remote._resources["graph"] = counter.store
            rows[f"{name}, local Oxigraph (ms)"] = statistics.median(timings["local"])
            rows[f"{name}, remote oxigraph serve (ms)"] = statistics.median(timings["remote"])
            rows[f"{name}, ratio remote / local"] = rows[f"{name}, remote oxigraph serve (ms)"] / rows[
                f"{name}, local Oxigraph (ms)"
            ]
            rows[f"{name}, graph queries per call"] = counter.calls / len(inputs)
    finally:
        local.close()
        remote.close()
    with tempfile.TemporaryDirectory(prefix="policykg-load-") as tmp:
        started = time.perf_counter()
        load_oxigraph(Path(tmp) / "store", local.path / GRAPH_NT)
        rows["local Oxigraph load of graph.nt (s)"] = time.perf_counter() - started
    return rows


def main(argv: list[str] | None = None) -> int:
    """Build (or open) the seed, serve it from ``oxigraph serve``, print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.remote_store", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="an existing build (default: build corpus/ afresh)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each question per backend")
    args = parser.parse_args(argv)
    from kg.publish import publish_build
    from search_api.builds.make import run_build
    from tests.oxigraph_server import oxigraph  # the one launcher of a real server, shared with the tests

    with tempfile.TemporaryDirectory(prefix="policykg-remote-") as tmp:
        data_dir = args.data
        if data_dir is None:
            data_dir = Path(tmp) / "data"
            run_build([ROOT / "corpus"], data_dir=data_dir)
        with oxigraph(Path(tmp) / "oxigraph") as server:
            published = publish_build(server.url, (data_dir / "current").resolve())
            rows = {"publish: upload + count + switch (s)": published.seconds}
            rows.update(measure(data_dir, server.url, repeat=args.repeat))
            rows["ratio publish / local Oxigraph load"] = published.seconds / rows["local Oxigraph load of graph.nt (s)"]
            rows["triples"] = published.triples
    for name, value in rows.items():
        sys.stdout.write(f"{name:45} {value:10.3f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
