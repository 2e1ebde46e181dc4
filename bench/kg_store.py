"""Knowledge-graph benchmark: build and query times, rdflib Memory vs Oxigraph, on the seed and on a synthetic
corpus; and a cold ``policykg ask`` against the bare start of the process.

Run: ``.venv/bin/python -m bench.kg_store [--docs 1000] [--repeat 5]`` (the seed and laws are ingested once;
the synthetic corpus is made in memory from the seed's articles and task rows, with unit names shuffled per
document, never written into the repository). Figures are medians and ratios against a baseline measured in
the same run (this machine is shared and noisy): compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
LAWS = ROOT.parent / "shared" / "corpus" / "laws"
QUESTION = "谁负责电梯安全"


def _median(fn: Callable[[], object], repeat: int, *, budget_s: float = 20.0) -> float:
    """Median of up to ``repeat`` runs; stops repeating once ``budget_s`` is spent (one run always happens)."""
    times: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
        if sum(times) > budget_s:
            break
    return statistics.median(times)


def synthetic_corpus(
    seed_corpus: Any, documents: int, *, articles: int = 6, tasks: int = 8, rng_seed: int = 7
) -> Any:
    """``documents`` policies made of the seed's articles and task rows, unit ids shuffled per document."""
    from ingest.model import Corpus

    (policy,) = [d for d in seed_corpus.documents if d.tasks]
    rng = random.Random(rng_seed)
    all_articles = policy.articles()
    unit_ids = [u.id for u in seed_corpus.units]
    out = []
    for index in range(documents):
        mapping = dict(zip(unit_ids, rng.sample(unit_ids, len(unit_ids)), strict=True))
        chosen = sorted(rng.sample(range(len(all_articles)), min(articles, len(all_articles))))
        picked = tuple(replace(all_articles[i], number=n) for n, i in enumerate(chosen, start=1))
        section = replace(policy.sections[0], number=1, articles=picked)
        rows = rng.sample(list(policy.tasks), min(tasks, len(policy.tasks)))
        new_tasks = tuple(
            replace(
                row,
                number=n,
                units=tuple(mapping[u] for u in row.units),
                co_units=tuple(mapping[u] for u in row.co_units),
                articles=tuple(
                    replace(link, number=1 + (link.number % len(picked))) for link in row.articles
                ),
            )
            for n, row in enumerate(rows, start=1)
        )
        out.append(
            replace(policy, id=f"synthetic-{index:04d}", sections=(section,), tasks=new_tasks, citations=())
        )
    return Corpus(documents=tuple(out), units=seed_corpus.units)


def _queries(store: Any, thesaurus: Any) -> dict[str, Callable[[], object]]:
    from kg.profile import profile
    from kg.responsibility import ask
    from kg.trace import trace

    count = (
        "PREFIX pkg: <https://w3id.org/policykg/ontology#> "
        "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a pkg:Task ; pkg:leadUnit ?u }"
    )
    return {
        "ask": lambda: ask(store, thesaurus, QUESTION),
        "unit": lambda: profile(store, "区财政局"),
        "trace": lambda: trace(store),
        "count": lambda: store.select(count),
    }


RDFLIB_QUERY_MAX_TRIPLES = 400_000  # above this, rdflib Memory queries take minutes each: not timed


def compare_stores(corpus: Any, *, repeat: int, label: str) -> dict[str, Any]:
    """Build the graph once, then load and query it in rdflib Memory and in Oxigraph (memory and on disk)."""
    from kg.build import build_graph
    from kg.store import RdflibStore, load_oxigraph, memory_oxigraph, sorted_ntriples
    from ontology.thesaurus import load_thesaurus

    thesaurus = load_thesaurus()
    started = time.perf_counter()
    graph = build_graph(corpus, thesaurus=thesaurus)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    ntriples = sorted_ntriples(graph)
    nt_s = time.perf_counter() - started
    result: dict[str, Any] = {
        "corpus": label,
        "documents": len(corpus.documents),
        "triples": len(graph),
        "build_rdflib_s": round(build_s, 3),
        "write_ntriples_s": round(nt_s, 3),
    }
    folder = Path(tempfile.mkdtemp(prefix="kgbench-"))
    try:
        (folder / "graph.nt").write_text(ntriples, encoding="utf-8")
        from rdflib import Graph

        started = time.perf_counter()
        memory = Graph()
        memory.parse(folder / "graph.nt", format="nt")
        result["load_rdflib_memory_s"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        oxigraph_memory = memory_oxigraph(ntriples)
        result["load_oxigraph_memory_s"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        load_oxigraph(folder / "store", folder / "graph.nt")
        result["load_oxigraph_disk_s"] = round(time.perf_counter() - started, 3)
        from pyoxigraph import Store

        result["open_oxigraph_disk_s"] = round(
            _median(lambda: Store.read_only(str(folder / "store")), repeat), 4
        )
        stores = {"rdflib_memory": RdflibStore(graph=memory), "oxigraph": oxigraph_memory}
        if len(graph) > RDFLIB_QUERY_MAX_TRIPLES:
            del stores["rdflib_memory"]
            result["note"] = f"rdflib Memory queries not timed above {RDFLIB_QUERY_MAX_TRIPLES:,} triples"
        timings: dict[str, dict[str, float]] = {}
        for name, store in stores.items():
            timings[name] = {}
            for query, fn in _queries(store, thesaurus).items():
                timings[name][query] = round(_median(fn, repeat), 4)
                print(f"{label} {name} {query}: {timings[name][query]} s", file=sys.stderr, flush=True)
        result["query_s"] = timings
        if "rdflib_memory" in timings:
            result["query_ratio_rdflib_over_oxigraph"] = {
                q: round(timings["rdflib_memory"][q] / max(timings["oxigraph"][q], 1e-6), 1)
                for q in timings["oxigraph"]
            }
        result["load_ratio_rdflib_over_oxigraph_memory"] = round(
            result["load_rdflib_memory_s"] / max(result["load_oxigraph_memory_s"], 1e-6), 1
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def cold_ask(data_dir: Path, *, repeat: int) -> dict[str, Any]:
    """Median wall time of a cold ``policykg ask`` vs the bare start (interpreter + CLI imports + segmenter with
    the build's dictionary)."""
    python = sys.executable
    # Bytecode caching on, as for an installed package (some shells set PYTHONDONTWRITEBYTECODE, which makes
    # every start recompile every module and says nothing about the program); one warm-up run writes the cache.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {
        "POLICYKG_DATA": str(data_dir)
    }
    # The bare start: interpreter, the CLI's imports, and the segmenter initialised with the build's own
    # domain dictionary (the one every query is cut with), cutting one phrase.
    dictionary = data_dir / "current" / "index" / "userdict.txt"
    baseline = [
        python,
        "-c",
        "import sys, search_api.cli.main, ingest.segment as s; from pathlib import Path; "
        "s.shared_segmenter(s.read_dictionary(Path(sys.argv[1]))).cut('电梯安全')",
        str(dictionary),
    ]
    interpreter = [python, "-c", "pass"]
    help_ = [python, "-m", "search_api.cli.main", "--help"]
    ask = [python, "-m", "search_api.cli.main", "ask", QUESTION, "--json"]

    def timed(argv: list[str]) -> float:
        subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, check=True)  # warm-up
        return _median(
            lambda: subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, check=True), repeat
        )

    bare, start, shown, answer = timed(interpreter), timed(baseline), timed(help_), timed(ask)
    return {
        "interpreter_s": round(bare, 3),
        "bare_start_s": round(start, 3),
        "help_s": round(shown, 3),
        "cold_ask_s": round(answer, 3),
        "ratio_ask_over_bare_start": round(answer / start, 2),
        "ratio_ask_over_help": round(answer / shown, 2),  # issue 14's goal: ≤ 3
    }


def run(
    *, documents: int = 1000, repeat: int = 5, with_cold_ask: bool = True, laws: bool = True
) -> dict[str, Any]:
    """Every measurement, as one JSON-ready dict (callable from ``bench/__main__.py``)."""
    from ingest.pipeline import ingest_paths

    corpus, _failures = ingest_paths([CORPUS, LAWS] if laws else [CORPUS])
    label = "seed + laws" if laws else "seed"
    report: dict[str, Any] = {"seed": compare_stores(corpus, repeat=repeat, label=label)}
    report["synthetic_small"] = compare_stores(
        synthetic_corpus(corpus, max(1, documents // 10)),
        repeat=max(1, repeat // 2),
        label=f"synthetic {max(1, documents // 10)}",
    )
    report["synthetic"] = compare_stores(
        synthetic_corpus(corpus, documents), repeat=max(1, repeat // 2), label=f"synthetic {documents}"
    )
    if with_cold_ask:
        # A full build (model, graph, index): ``ask`` and the bare-start baseline read the index's dictionary,
        # which a graph-only build folder lacks (the baseline then exited 1 and ``make bench`` stopped here).
        from search_api.builds.make import run_build

        data_dir = Path(tempfile.mkdtemp(prefix="kgbench-data-"))
        try:
            result = run_build([CORPUS, LAWS] if laws else [CORPUS], data_dir=data_dir)
            report["seed"]["graph_build_step_s"] = result.manifest["steps"]["graph"]["seconds"]
            report["cold_ask"] = cold_ask(data_dir, repeat=repeat)
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line: print the report as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=1000, help="synthetic documents (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per timing (median)")
    parser.add_argument("--no-cold-ask", action="store_true", help="skip the subprocess timings")
    args = parser.parse_args(argv)
    report = run(documents=args.docs, repeat=args.repeat, with_cold_ask=not args.no_cold_ask)
    sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
