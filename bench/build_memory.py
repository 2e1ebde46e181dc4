"""Build throughput and peak memory on a large generated corpus, against the one-document seed build in the same run.

Why: issue 9 item 11 (a 50 MB text file took 350 s and 5.7 GB). The corpus is many documents recombined from
``corpus/`` and ``../shared/corpus/laws/*.md`` (each copy gets its own title, so its own id), so the figure is what
a big real collection costs, not one pathological file. Each build is a ``policykg build`` subprocess; its peak
RSS comes from ``wait4``. Ratios against the seed build remove the interpreter and import floor from the
comparison.

    python -m bench.build_memory [--mb 50]

Writes ``bench/out/build_memory.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.http_load import OUT, ROOT

LAWS = ROOT.parent / "shared" / "corpus" / "laws"


def sources() -> list[str]:
    """The texts to recombine: the seed and the laws (when the shared corpus is there)."""
    files = sorted((ROOT / "corpus").glob("*.txt")) + sorted(LAWS.glob("*.md"))
    return [f.read_text(encoding="utf-8") for f in files if f.name != "SOURCES.md"]


def generate(folder: Path, megabytes: float) -> int:
    """Write documents into ``folder`` until they add up to ``megabytes``; returns how many."""
    texts = sources()
    folder.mkdir(parents=True, exist_ok=True)
    written = count = 0
    while written < megabytes * 2**20:
        text = texts[count % len(texts)]
        first, _, rest = text.partition("\n")
        copy = f"{first.strip()}（第{count + 1}批）\n{rest}"  # its own title, so its own document id
        data = copy.encode("utf-8")
        (folder / f"doc{count:05d}{'.txt' if count % len(texts) == 0 else '.md'}").write_bytes(data)
        written += len(data)
        count += 1
    return count


def measure(corpus: Path, data: Path) -> dict[str, float]:
    """Run one build; wall time and peak RSS of the build process."""
    command = [sys.executable, "-m", "search_api.cli.main", "build", str(corpus), "--quiet", "--json", "--data", str(data)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    stdout = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    summary = json.loads(stdout)
    size = sum(f.stat().st_size for f in corpus.rglob("*") if f.is_file())
    return {
        "mb": round(size / 2**20, 2),
        "documents": summary["counts"].get("documents", 0),
        "seconds": round(seconds, 2),
        "mb_per_s": round(size / 2**20 / seconds, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "exit": os.waitstatus_to_exitcode(status),
    }


def main(argv: list[str] | None = None) -> int:
    """Generate, build the seed and the big corpus, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the generated corpus")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="policykg-mem-") as tmp:
        folder = Path(tmp)
        generate(folder / "big", args.mb)
        seed = measure(ROOT / "corpus", folder / "seed-data")
        big = measure(folder / "big", folder / "big-data")
    report = {
        "seed": seed,
        "big": big,
        "ratios": {
            "peak_rss_vs_seed": round(big["peak_rss_mb"] / seed["peak_rss_mb"], 2),
            "rss_mb_per_corpus_mb": round((big["peak_rss_mb"] - seed["peak_rss_mb"]) / big["mb"], 1),
            "mb_per_s_vs_seed": round(big["mb_per_s"] / seed["mb_per_s"], 2),
        },
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "build_memory.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    lines = [f"{'corpus':<8}{'MB':>8}{'docs':>7}{'s':>9}{'MB/s':>8}{'peak RSS MB':>13}"]
    for name, row in (("seed", seed), ("big", big)):
        lines.append(
            f"{name:<8}{row['mb']:>8}{row['documents']:>7}{row['seconds']:>9}{row['mb_per_s']:>8}{row['peak_rss_mb']:>13}"
        )
    lines.append(json.dumps(report["ratios"]))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0 if big["exit"] in (0, 1) and big["documents"] > 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
