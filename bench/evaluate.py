"""Evaluate search (MRR@10, Recall@5, Chinese and English apart) and ``ask`` (unit-set F1) on the dev set.

Run: ``python -m bench.evaluate`` (builds corpus/ into a temporary data directory) or
``python -m bench.evaluate --data DIR`` (uses an existing build).  ``--verbose`` lists every question with
the rank of its first expected hit; ``--json`` prints the figures as JSON.  It ends with metadata accuracy
(title, 文号, issuer, date) from :mod:`bench.metadata_eval`, then answers from laws and regulations (body, body +
article, place, abstention; tuning and held-out apart) from :mod:`bench.statutory_eval`.

The questions live in ``bench/questions/*.jsonl``, one JSON object a line::

    {"id", "lang": "zh"|"en", "type": "search"|"ask", "section", "query",
     "expected": [{"kind": "task"|"article"|…, "number": N}, …], "units": ["区安监局", …]  (ask only)}

An expected hit is matched by kind and number (documents are not named: the dev set is about the seed).
MRR@10 is the mean of 1/rank of the first expected hit in the top 10 (0 when none); Recall@5 the mean share
of expected hits found in the top 5.  For ``ask`` questions the expected units are printed names, resolved
to unit ids through the index; F1 compares them with the unit ids ``search_api.answer.answer`` (``policykg ask``) returns.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = Path(__file__).resolve().parent / "questions"


@dataclass(frozen=True, slots=True)
class Scored:
    """One question's outcome."""

    id: str
    lang: str
    rank: int | None
    recall5: float
    top: tuple[str, ...]
    f1: float | None = None
    returned_units: tuple[str, ...] = ()


def load_questions(folder: Path = QUESTIONS) -> list[dict[str, Any]]:
    """Every question of every ``*.jsonl`` file in ``folder``, in file order."""
    out: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line))
    return out


def _key(kind: str, number: int | None) -> str:
    return f"{kind}:{number}"


def score_search(question: dict[str, Any], hits: list[Any]) -> tuple[int | None, float, tuple[str, ...]]:
    """Rank (1-based, within 10) of the first expected hit, Recall@5, and the top-5 keys."""
    expected = {_key(e["kind"], e["number"]) for e in question["expected"]}
    keys = [_key(h.kind, h.number) for h in hits]
    rank = next((i + 1 for i, k in enumerate(keys[:10]) if k in expected), None)
    recall = len(expected & set(keys[:5])) / len(expected) if expected else 1.0
    return rank, recall, tuple(keys[:5])


def f1(expected: set[str], returned: set[str]) -> float:
    """F1 of two sets (1.0 when both are empty).

    >>> round(f1({"a", "b"}, {"a", "c"}), 3)
    0.5
    """
    if not expected and not returned:
        return 1.0
    hit = len(expected & returned)
    if not hit:
        return 0.0
    precision, recall = hit / len(returned), hit / len(expected)
    return 2 * precision * recall / (precision + recall)


def _ask_function(data_dir: Path) -> Callable[[str], list[str]]:
    """``question → unit ids`` as ``policykg ask`` answers them."""
    from kg.store import load_build_thesaurus, open_store
    from search_api.answer import answer
    from search_api.datadir import open_build
    from search_api.search import open_index

    build_path = open_build(data_dir).path
    store = open_store(build_path)
    thesaurus = load_build_thesaurus(build_path)
    index = open_index(data_dir)

    def run(question: str) -> list[str]:
        return [
            unit["id"] for unit in answer(question, store=store, thesaurus=thesaurus, index=index).to_json()["units"]
        ]

    return run


def evaluate(data_dir: Path) -> tuple[dict[str, Any], list[Scored]]:
    """All figures for the build in ``data_dir``."""
    from search_api.search import open_index

    index = open_index(data_dir)
    ask = _ask_function(data_dir)
    scored: list[Scored] = []
    evidence_f1: list[float] = []
    for q in load_questions():
        hits = list(index.search(q["query"], limit=10).hits)
        rank, recall, top = score_search(q, hits)
        f1_value: float | None = None
        returned: tuple[str, ...] = ()
        if q["type"] == "ask":
            expected = {uid for name in q["units"] for uid in index.resolve_unit(name)}
            evidence = index.candidate_evidence(q["query"], limit=5)
            first_task = next((h for h in evidence if h.kind == "task"), None)
            evidence_f1.append(f1(expected, set(first_task.lead_units) if first_task else set()))
            returned = tuple(ask(q["query"]))
            f1_value = f1(expected, set(returned))
        scored.append(Scored(q["id"], q["lang"], rank, recall, top, f1_value, returned))
    figures: dict[str, Any] = {"questions": len(scored)}
    for lang in ("zh", "en"):
        part = [s for s in scored if s.lang == lang]
        figures[lang] = {
            "questions": len(part),
            "mrr@10": round(sum(1 / s.rank for s in part if s.rank) / max(len(part), 1), 3),
            "recall@5": round(sum(s.recall5 for s in part) / max(len(part), 1), 3),
        }
    asked = [s.f1 for s in scored if s.f1 is not None]
    figures["ask"] = {
        "questions": sum(1 for q in load_questions() if q["type"] == "ask"),
        "unit_f1": round(sum(asked) / len(asked), 3) if asked else None,
        "unit_f1_top_task_evidence": round(sum(evidence_f1) / len(evidence_f1), 3) if evidence_f1 else None,
    }
    return figures, scored


def _build_seed(folder: Path) -> Path:
    from search_api.build import run_build

    data_dir = folder / "data"
    result = run_build([ROOT / "corpus"], data_dir=data_dir)
    if result.path is None:
        raise SystemExit("bench.evaluate: the corpus did not build")
    return data_dir


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: print the figures (and, with --verbose, every question)."""
    parser = argparse.ArgumentParser(prog="python -m bench.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data", type=Path, help="an existing data directory (default: build corpus/ afresh)"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="policykg-eval-") as tmp:
        data_dir = args.data or _build_seed(Path(tmp))
        figures, scored = evaluate(data_dir)
    from bench.metadata_eval import all_figures, write_summary

    figures["metadata"] = all_figures()
    from bench import statutory_eval

    with tempfile.TemporaryDirectory(prefix="policykg-eval-laws-") as tmp:
        figures["statutory"] = statutory_eval.evaluate(statutory_eval.build(Path(tmp)))
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    out = sys.stdout
    if args.verbose:
        for s in scored:
            mark = f"rank {s.rank}" if s.rank else "MISS  "
            extra = f"  F1 {s.f1:.2f}" if s.f1 is not None else ""
            out.write(f"{s.id:6} {mark:8} R@5 {s.recall5:.2f}{extra}  top: {' '.join(s.top)}\n")
    for lang, name in (("zh", "Chinese"), ("en", "English")):
        f = figures[lang]
        out.write(
            f"search {name:8} n={f['questions']:2}  MRR@10 {f['mrr@10']:.3f}  Recall@5 {f['recall@5']:.3f}\n"
        )
    ask = figures["ask"]
    out.write(f"ask unit-F1 (policykg ask)  n={ask['questions']}  {ask['unit_f1']:.3f}\n")
    if ask["unit_f1_top_task_evidence"] is not None:
        out.write(
            f"ask unit-F1 (lead units of the top task in candidate_evidence)  {ask['unit_f1_top_task_evidence']:.3f}\n"
        )
    write_summary(figures["metadata"], out)
    statutory_eval.write_summary(figures["statutory"], out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
