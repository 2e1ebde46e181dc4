"""Incremental builds: a rebuild after one file of a large corpus changes, against the first (cold) build.

Why a ratio and a count: the machine is shared, so seconds vary; the share of the cold build's time a rebuild
takes, and how many files it parsed again (it must be one), are what the parse cache promises; how many
documents kept their SHACL findings (all but one) is what the validation cache promises.  The corpus is
generated (:mod:`bench.corpus_gen`, real sections recombined) in a temporary folder.

Run: ``python -m bench.build_incremental [--docs 500]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Cold build, unchanged rebuild, rebuild after one file changes; print times as ratios and parse counts."""
    import ingest.pipeline as pipeline
    from bench.corpus_gen import generate
    from search_api.builds.make import run_build

    parser = argparse.ArgumentParser(prog="python -m bench.build_incremental")
    parser.add_argument("--docs", type=int, default=500, help="generated documents (default 500)")
    args = parser.parse_args(argv)
    parsed: list[Path] = []
    original = pipeline._parse_one

    def counting(path: Path) -> object:
        parsed.append(path)
        return original(path)

    pipeline._parse_one = counting  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            corpus, data = Path(tmp) / "corpus", Path(tmp) / "data"
            corpus.mkdir()
            generate(corpus, args.docs, seed=11)
            runs: list[tuple[str, float, int, dict[str, float], int]] = []
            for name in ("cold", "unchanged", "one changed"):
                if name == "one changed":
                    target = sorted(corpus.iterdir())[args.docs // 2]
                    target.write_text(target.read_text(encoding="utf-8") + "\n（修订。）\n", encoding="utf-8")
                parsed.clear()
                started = time.perf_counter()
                result = run_build([corpus], data_dir=data, workers=1)
                steps = {step: info["seconds"] for step, info in result.manifest["steps"].items()}
                reused = result.manifest["steps"]["graph"]["validation_cached_documents"]
                runs.append((name, time.perf_counter() - started, len(parsed), steps, reused))
    finally:
        pipeline._parse_one = original  # type: ignore[assignment]
    cold, cold_graph = runs[0][1], runs[0][3]["graph"]
    for name, seconds, count, steps, reused in runs:
        print(
            f"build_incremental docs={args.docs:5d}  {name:12}  time {seconds / cold:5.2f}× cold  parsed {count}"
            f"  graph step {steps['graph'] / cold_graph:5.2f}× cold  SHACL reused for {reused} documents"
        )
    return 0 if runs[2][2] == 1 and runs[1][2] == 0 and runs[2][4] == args.docs - 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
