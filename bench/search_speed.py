"""Search latency in-process, as ratios against baselines measured in the same run.

Run: ``python -m bench.search_speed`` (builds corpus/ and corpus/ plus ``../shared/corpus/laws`` into temporary
data directories) or with ``--data DIR [--laws-data DIR]`` (existing builds).

Why ratios: the machine is shared and noisy, so absolute milliseconds drift from run to run; what is stable is
how ``policykg search`` compares with (a) a bare whoosh BM25F query for the same words on the same index
(the floor of any whoosh-based design) and (b) segmenting the query alone.  Times are the process's CPU time
(``time.process_time``), not wall time: on a shared machine wall time mostly measures the other processes.
Absolute medians are printed too.  *Warm* repeats a query (its plan, postings and facets are cached);
*new query* times each question of ``bench/questions`` once, after the warm-up, on an index warmed by the
other questions (the plan is made afresh, postings and facets shared with earlier questions stay cached).
Nothing here is asserted; tests never time anything.
"""

from __future__ import annotations

import argparse
import json
import os
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


LAWS = ROOT.parent / "shared" / "corpus" / "laws"
CLOCK = time.process_time


def _median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = CLOCK()
        run()
        times.append((CLOCK() - started) * 1000)
    return statistics.median(times)


def _questions() -> list[str]:
    folder = ROOT / "bench" / "questions"
    lines = [line for path in sorted(folder.glob("*.jsonl")) for line in path.read_text(encoding="utf-8").splitlines()]
    return list(dict.fromkeys(json.loads(line)["query"] for line in lines if line.strip()))


def measure(data_dir: Path, *, repeat: int = 50) -> dict[str, float]:
    """Median milliseconds per query for search (cold and warm) and the baselines, over :data:`QUERIES`."""
    from whoosh import query as wq

    from search_api.search.engine import SearchIndex, open_index
    from search_api.search.index import INDEX_DIR
    from search_api.search.tokenizer import analyze

    started = CLOCK()
    index = open_index(data_dir)
    index.search("电梯")
    first = (CLOCK() - started) * 1000
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
    fresh = [_median_ms(lambda q=q: index.search(q, limit=10), 1) for q in _questions()]
    rows["new query, p50 over bench/questions (ms)"] = statistics.median(fresh)
    rows["new query, p90 (ms)"] = statistics.quantiles(fresh, n=10)[-1]
    rows["ratio new query p50 / bare whoosh p50"] = statistics.median(fresh) / statistics.median(baseline)
    # As `policykg serve` holds the index: the segmenter's whole dictionary and numpy loaded before any request
    # (Build.preload), so the fused top is scored over arrays whatever the index's size.
    served = SearchIndex((data_dir / "current" / INDEX_DIR).resolve())
    served.preload_segmenter()
    served.preload_arrays()
    for q in QUERIES:
        served.search(q, limit=10)
    served_warm = [_median_ms(lambda q=q: served.search(q, limit=10), repeat) for q in QUERIES]
    rows["served: search, warm (ms)"] = statistics.median(served_warm)
    rows["served: ratio search / bare whoosh"] = statistics.median(
        s / b for s, b in zip(served_warm, baseline, strict=True)
    )
    served_fresh = [_median_ms(lambda q=q: served.search(q, limit=10), 1) for q in _questions()]
    rows["served: new query, p50 (ms)"] = statistics.median(served_fresh)
    served.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the figures, for corpus/ and for corpus/ plus the shared laws."""
    parser = argparse.ArgumentParser(prog="python -m bench.search_speed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="an existing build of corpus/ (default: build it afresh)")
    parser.add_argument("--laws-data", type=Path, help="an existing build of corpus/ plus the laws (default: build)")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # as `policykg serve` runs the embedding model: one core a worker
    with tempfile.TemporaryDirectory(prefix="policykg-speed-") as tmp:
        from search_api.builds.make import run_build

        builds = {"seed": (args.data, [ROOT / "corpus"]), "seed+laws": (args.laws_data, [ROOT / "corpus", LAWS])}
        figures: dict[str, dict[str, float]] = {}
        for name, (data_dir, sources) in builds.items():
            if data_dir is None:
                if not all(source.is_dir() for source in sources):
                    continue
                data_dir = Path(tmp) / name
                run_build(sources, data_dir=data_dir)
            figures[name] = measure(data_dir, repeat=args.repeat)
    names = list(figures)
    sys.stdout.write(f"{'CPU time per query':45} " + " ".join(f"{n:>10}" for n in names) + "\n")
    for row in next(iter(figures.values()), {}):
        sys.stdout.write(f"{row:45} " + " ".join(f"{figures[n][row]:10.3f}" for n in names) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
