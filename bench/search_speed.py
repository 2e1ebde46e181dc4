"""Search latency in-process, as ratios against baselines measured in the same run.

Run: ``python -m bench.search_speed`` (builds corpus/ into a temporary data directory) or with ``--data DIR``.

Why ratios: the machine is shared and noisy, so absolute milliseconds drift from run to run; what is stable is
how ``policykg search`` compares with (a) a bare whoosh BM25F query for the same words on the same index
(the floor of any whoosh-based design) and (b) segmenting the query alone.  Absolute medians are printed too,
for the "well under 10 ms" target.  Nothing here is asserted; tests never time anything.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = (
    "电梯安全",
    "hazardous chemicals",
    "特种设备",
    "谁负责危险化学品安全监管",
    "occupational disease prevention",
    "unit:区财政局 执法经费",
    "双随机一公开",
    "who is responsible for elevator safety",
    "kind:task due:2019 应急救援",
    "安全生产责任保险",
)


def _median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(data_dir: Path, *, repeat: int = 50) -> dict[str, float]:
    """Median milliseconds per query for search (cold and warm) and the baselines, over :data:`QUERIES`."""
    from whoosh import query as wq

    from search_api.search.engine import open_index
    from search_api.search.tokenizer import analyze

    started = time.perf_counter()
    index = open_index(data_dir)
    index.search("电梯")
    first = (time.perf_counter() - started) * 1000
    searcher = index._searcher  # the baseline runs on the very same open index

    def bare(q: str) -> Callable[[], object]:
        words = [w for w in index._analyze(index.plan(q).parsed.text) if w.strip()]
        query = wq.Or([wq.Term("text", w) for w in words]) if words else wq.NullQuery

        def run() -> object:
            return [hit.fields() for hit in searcher.search(query, limit=10)]

        return run

    rows = {"open + first search (ms)": first}
    cold = [_median_ms(lambda q=q: index.search(q, limit=10), 1) for q in QUERIES]
    search = [_median_ms(lambda q=q: index.search(q, limit=10), repeat) for q in QUERIES]
    baseline = [_median_ms(bare(q), repeat) for q in QUERIES]
    segment = [_median_ms(lambda q=q: analyze(index.analyzer, q), repeat) for q in QUERIES]
    rows["search, first time per query (ms)"] = statistics.median(cold)
    rows["search, warm (ms)"] = statistics.median(search)
    rows["search, warm, slowest query (ms)"] = max(search)
    rows["bare whoosh OR-query + stored fields (ms)"] = statistics.median(baseline)
    rows["query segmentation alone (ms)"] = statistics.median(segment)
    rows["ratio search / bare whoosh"] = statistics.median(s / b for s, b in zip(search, baseline, strict=True))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.search_speed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="an existing data directory (default: build corpus/ afresh)")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="policykg-speed-") as tmp:
        data_dir = args.data
        if data_dir is None:
            from search_api.builds.make import run_build

            data_dir = Path(tmp) / "data"
            run_build([ROOT / "corpus"], data_dir=data_dir)
        rows = measure(data_dir, repeat=args.repeat)
    for name, value in rows.items():
        sys.stdout.write(f"{name:45} {value:8.3f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
