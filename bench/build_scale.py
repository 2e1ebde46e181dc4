"""Build throughput and peak memory at the size users bring, as ratios to one jieba pass over the same text.

Why this baseline: the machine is shared and its speed varies by the minute; one ``jieba.lcut`` pass over the
very same text, measured in the same run just before each build, is the cheapest thing any Chinese text
pipeline must do, so "build = 9× jieba" means the same on a quiet or a busy machine (issue 14's goal for the
491 real documents: ≤ 8×, peak RSS ≤ 400 MB; 10,000 documents ≤ 15 min and ≤ 2 GB).

Corpora: ``real`` = the 481 ODKG documents (unzipped to a temporary folder) + ``corpus/`` + the nine laws;
``genN`` = N documents from :mod:`bench.corpus_gen`. Each build is a ``policykg build`` subprocess:
``peak_rss_mb`` is the largest single process (``wait4``: the build or one of its workers; forked workers share
the parent's pages), ``tree_rss_mb`` the largest sum over the process tree (sampled; counts shared pages
once per process, so it overstates) and ``tree_pss_mb`` the largest sum of proportional set sizes (a page shared
by n processes counts 1/n in each: the memory the whole build holds at once). ``--compare DIR`` runs the same builds from another checkout (e.g. the
commit before a change) in the same run, so before/after are comparable.

    python -m bench.build_scale [--gen 1000] [--gen 10000] [--workers 2] [--compare /tmp/old-checkout]

Writes ``bench/out/build_scale.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

from bench.corpus_gen import SHARED, generate
from bench.http_load import OUT, ROOT


def real_corpus(folder: Path) -> list[Path]:
    """The 491 real documents: ODKG unzipped into ``folder``, the seed and the laws read in place."""
    for archive in sorted((SHARED / "external" / "odkg").rglob("*.zip")):
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(folder / f"{archive.parent.name}_{archive.stem}")
    return [folder, ROOT / "corpus", SHARED / "laws"]


def corpus_text(paths: list[Path]) -> tuple[str, int]:
    """All text the build will read (the files it discovers) and its size in bytes."""
    from ingest.pipeline import discover

    texts = [path.read_bytes() for path in discover(paths)]
    return b"\n".join(texts).decode("utf-8", errors="replace"), sum(len(t) for t in texts)


def jieba_seconds(text: str) -> tuple[float, float]:
    """One ``jieba.lcut`` pass over ``text`` (dictionary loaded beforehand, not timed): wall and CPU seconds."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    started, cpu = time.perf_counter(), time.process_time()
    jieba.lcut(text)
    return time.perf_counter() - started, time.process_time() - cpu


def _tree_rss(pid: int, stop: threading.Event, peak: list[int]) -> None:
    """Sample the process tree until ``stop``: ``peak[0]`` the largest RSS sum, ``peak[1]`` the largest PSS sum
    (each shared page divided among the processes sharing it: what the tree really holds)."""
    import psutil

    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    tick = 0
    while not stop.wait(0.2):
        tick += 1
        try:
            processes = (root, *root.children(recursive=True))
            peak[0] = max(peak[0], sum(p.memory_info().rss for p in processes))
            if tick % 5 == 0:  # PSS walks every mapping (smaps): once a second keeps the sampler near 1% of a core
                peak[1] = max(peak[1], sum(getattr(m, "pss", m.rss) for m in map(psutil.Process.memory_full_info, processes)))
        except psutil.Error:
            continue


def build(paths: list[Path], data: Path, *, cwd: Path, workers: int) -> dict[str, Any]:
    """One ``policykg build`` subprocess from checkout ``cwd``: seconds, peak RSS, step seconds."""
    command = [sys.executable, "-m", "search_api.cli.main", "build", *map(str, paths), "--quiet", "--json"]
    command += ["--data", str(data)]
    env = {**os.environ, "POLICYKG_BUILD_WORKERS": str(workers), "PYTHONPATH": str(cwd)}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    stop, peak = threading.Event(), [0, 0]
    sampler = threading.Thread(target=_tree_rss, args=(process.pid, stop, peak), daemon=True)
    sampler.start()
    stdout = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    summary = json.loads(stdout or b"{}")
    steps = {}
    if summary.get("build"):
        manifest = json.loads((Path(summary["build"]) / "manifest.json").read_text(encoding="utf-8"))
        steps = {name: step["seconds"] for name, step in manifest["steps"].items()}
    return {
        "documents": summary.get("counts", {}).get("documents", 0),
        "seconds": round(seconds, 2),
        # CPU of the build and its reaped workers: on a machine shared with other jobs, wall time mostly
        # measures the neighbours; CPU seconds against jieba's CPU seconds do not.
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "tree_rss_mb": round(peak[0] / 2**20, 1),
        "tree_pss_mb": round(peak[1] / 2**20, 1),
        "steps": steps,
        "exit": os.waitstatus_to_exitcode(status),
    }


def measure(name: str, paths: list[Path], tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    """jieba baseline, then the build (and the comparison checkout's build), as ratios."""
    text, size = corpus_text(paths)
    jieba_s, jieba_cpu = jieba_seconds(text)
    del text
    row: dict[str, Any] = {
        "corpus": name,
        "mb": round(size / 2**20, 2),
        "jieba_s": round(jieba_s, 2),
        "jieba_cpu_s": round(jieba_cpu, 2),
    }
    runs = [("new", ROOT)] + ([("old", args.compare)] if args.compare else [])
    for label, cwd in runs:
        result = build(paths, tmp / f"{name}-{label}", cwd=cwd, workers=args.workers)
        result["mb_per_s"] = round(size / 2**20 / result["seconds"], 3)
        result["x_jieba"] = round(result["seconds"] / jieba_s, 1)
        result["cpu_x_jieba"] = round(result["cpu_s"] / jieba_cpu, 1)
        row[label] = result
    if args.compare:
        row["new_vs_old"] = {
            "seconds": round(row["new"]["seconds"] / row["old"]["seconds"], 2),
            "cpu": round(row["new"]["cpu_s"] / row["old"]["cpu_s"], 2),
            "peak_rss": round(row["new"]["peak_rss_mb"] / row["old"]["peak_rss_mb"], 2),
        }
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    """Measure the real corpus and each generated size; print a table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gen", type=int, action="append", default=None, help="generated corpus size")
    parser.add_argument("--no-real", action="store_true", help="skip the 491 real documents")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--compare", type=Path, help="another checkout to build with, for before/after")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="policykg-scale-") as tmp_name:
        tmp = Path(tmp_name)
        if not args.no_real and (SHARED / "external" / "odkg").is_dir():
            rows.append(measure("real491", real_corpus(tmp / "odkg"), tmp, args))
        for count in args.gen or []:
            folder = tmp / f"gen{count}"
            generate(folder, count)
            rows.append(measure(f"gen{count}", [folder], tmp, args))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "build_scale.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"{'corpus':<12}{'MB':>6}{'docs':>6}{'× jieba':>9}{'cpu×':>7}{'MB/s':>8}{'peak MB':>9}{'tree MB':>9}{'PSS MB':>8}")
    for row in rows:
        for label in ("new", "old"):
            if label in row:
                r = row[label]
                print(
                    f"{row['corpus'] + ('' if label == 'new' else '(old)'):<12}{row['mb']:>6}{r['documents']:>6}"
                    f"{r['x_jieba']:>9}{r['cpu_x_jieba']:>7}{r['mb_per_s']:>8}{r['peak_rss_mb']:>9}{r['tree_rss_mb']:>9}{r.get('tree_pss_mb', 0):>8}"
                )
    return 0 if all(row["new"]["exit"] in (0, 1) and row["new"]["documents"] for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
