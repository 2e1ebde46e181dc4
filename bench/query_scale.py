"""``ask`` and ``search`` cost on a large build as ratios to the seed's, measured in the same run (issue 14: ≤ 2×).

Why ratios of CPU time: the machine is shared, so wall time mostly measures the neighbours; what issue 14 asks is
whether a question costs more because the corpus is larger. Every build answers the same questions in the same
process: the ``ask`` questions of ``bench/questions`` (plus four everyday ones) and the search queries of
:mod:`bench.search_speed`. *New* times each question once after :meth:`Build.preload` (nothing of it cached);
*warm* asks them all again. Answers are not checked here (the tests and ``bench.evaluate`` do that).

    python -m bench.query_scale                          # seed vs the 491 real documents (built here)
    python -m bench.query_scale --seed DIR --large real491=DIR --large gen1000=DIR
    python -m bench.query_scale --gen 1000               # also build 1,000 generated documents

Writes ``bench/out/query_scale.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.http_load import OUT, ROOT
from bench.search_speed import QUERIES

CLOCK = time.process_time
EXTRA_ASK = ("谁负责电梯安全", "谁负责危险化学品安全", "消防安全由谁负责", "who is responsible for elevator safety")


def ask_questions() -> list[str]:
    """The ``ask`` questions of ``bench/questions`` and :data:`EXTRA_ASK`, once each."""
    rows = [
        json.loads(line)
        for path in sorted((ROOT / "bench" / "questions").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return list(dict.fromkeys([*(row["query"] for row in rows if row.get("type") == "ask"), *EXTRA_ASK]))


def _per_question_ms(run: Callable[[str], object], questions: list[str]) -> list[float]:
    times = []
    for question in questions:
        started = CLOCK()
        run(question)
        times.append((CLOCK() - started) * 1000)
    return times


def measure(data_dir: Path) -> tuple[dict[str, float], list[tuple[float, str]]]:
    """CPU milliseconds per question on one build: ask and search, new and warm (mean and p90); and the three
    slowest new questions (ms, question), which say where a large build's cost goes."""
    from search_api.facade import Build

    with Build.open(data_dir) as build:
        build.preload()
        documents = len(build.register.documents)
        asked = ask_questions()
        searched = list(QUERIES)
        figures: dict[str, float] = {"documents": documents}
        slowest: list[tuple[float, str]] = []
        for name, run, questions in (
            ("ask", build.ask, asked),
            ("search", lambda q: build.search(q, limit=10), searched),
        ):
            new = _per_question_ms(run, questions)
            warm = _per_question_ms(run, questions)
            figures[f"{name} new, mean (ms)"] = statistics.fmean(new)
            figures[f"{name} new, p90 (ms)"] = statistics.quantiles(new, n=10)[-1]
            figures[f"{name} warm, mean (ms)"] = statistics.fmean(warm)
            slowest += [(round(ms, 1), f"{name}: {question}") for ms, question in zip(new, questions, strict=True)]
    return figures, sorted(slowest, reverse=True)[:3]


def _build(sources: list[Path], data_dir: Path) -> Path:
    from search_api.builds.make import run_build

    result = run_build(sources, data_dir=data_dir)
    if result.path is None:
        raise SystemExit(f"the build of {', '.join(map(str, sources))} failed: {result.failures[:3]}")
    return data_dir


def main(argv: list[str] | None = None) -> int:
    """Measure the seed and each large build; print the ratios; write the JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.query_scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=Path, help="an existing build of corpus/ (default: build it here)")
    parser.add_argument(
        "--large", action="append", default=[], metavar="NAME=DIR", help="an existing larger build (repeatable)"
    )
    parser.add_argument("--gen", type=int, action="append", default=[], help="also build N generated documents")
    parser.add_argument("--no-real", action="store_true", help="do not build the 491 real documents")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="policykg-query-scale-") as tmp_name:
        tmp = Path(tmp_name)
        builds: dict[str, Path] = {"seed": args.seed or _build([ROOT / "corpus"], tmp / "seed")}
        for item in args.large:
            name, _, folder = item.partition("=")
            if not folder:
                parser.error(f"--large {item!r}: give NAME=DIR")
            builds[name] = Path(folder)
        if not args.large and not args.no_real:
            from bench.build_scale import real_corpus

            builds["real491"] = _build(real_corpus(tmp / "odkg"), tmp / "real491")
        for count in args.gen:
            from bench.corpus_gen import generate

            generate(tmp / f"gen{count}-src", count)
            builds[f"gen{count}"] = _build([tmp / f"gen{count}-src"], tmp / f"gen{count}")
        measured = {name: measure(folder) for name, folder in builds.items()}
    figures = {name: found for name, (found, _slowest) in measured.items()}
    report: dict[str, Any] = {"figures": figures, "ratios_to_seed": {}, "slowest_new": {}}
    for name, (_found, slowest) in measured.items():
        report["slowest_new"][name] = [{"ms": ms, "question": question} for ms, question in slowest]
    seed = figures["seed"]
    for name, row in figures.items():
        if name != "seed":
            report["ratios_to_seed"][name] = {
                key: round(value / seed[key], 2) for key, value in row.items() if key != "documents" and seed[key]
            }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "query_scale.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    names = list(figures)
    sys.stdout.write(f"{'CPU per question':28}" + "".join(f"{n:>12}" for n in names) + "  (ratio to seed; goal ≤ 2×)\n")
    for key in seed:
        cells = "".join(f"{figures[n][key]:12.1f}" for n in names)
        ratios = "  ".join(f"{n} {report['ratios_to_seed'][n].get(key, 0):.2f}×" for n in names if n != "seed")
        sys.stdout.write(f"{key:28}{cells}  {ratios if key != 'documents' else ''}\n")
    for name in names:
        slow = "; ".join(f"{item['question']} {item['ms']:.0f} ms" for item in report["slowest_new"][name])
        sys.stdout.write(f"slowest new on {name}: {slow}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
