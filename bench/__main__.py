"""Run every benchmark once, in order: ``python -m bench`` (``make bench``).

Each bench prints its own figures as ratios against a baseline measured in the same run; see the module
docstrings. The synthetic-corpus store comparison defaults to 100 documents here (``python -m bench.kg_store
--docs 1000`` for the full run, which takes several minutes), the build-scale run to 100 generated documents.
"""

from __future__ import annotations

import sys

from bench import (
    api_fuzz,
    build_churn,
    build_scale,
    evaluate,
    http_load,
    kg_store,
    query_scale,
    remote_store,
    search_speed,
)


def main() -> int:
    """Evaluation, search latency (and at 491 documents), graph store comparison (and local vs a SPARQL server), HTTP load, load during
    rebuilds, API fuzzing."""
    steps = (
        ("evaluate", lambda: evaluate.main([])),
        ("search_speed", lambda: search_speed.main([])),
        # ask and search on the 491 real documents as ratios to the seed (python -m bench.query_scale --gen 1000)
        ("query_scale", lambda: query_scale.main([])),
        ("kg_store", lambda: kg_store.main(["--docs", "100", "--repeat", "3"])),
        ("remote_store", lambda: remote_store.main([])),
        ("http_load", lambda: http_load.main(["--seconds", "3"])),
        ("build_churn", lambda: build_churn.main([])),
        ("api_fuzz", lambda: api_fuzz.main(["--examples", "100"])),
        # 100 generated documents here; the 491 real ones and 1,000/10,000 generated: python -m bench.build_scale
        ("build_scale", lambda: build_scale.main(["--no-real", "--gen", "100"])),
    )
    status = 0
    for name, run in steps:
        print(f"== bench.{name}", flush=True)
        status |= run() or 0
    return status


if __name__ == "__main__":
    sys.exit(main())
