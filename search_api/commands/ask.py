"""Answer a responsibility question (谁负责电梯安全 / who is responsible for elevator safety) from the graph."""

from __future__ import annotations

import argparse
import sys

HELP = "who is responsible for a topic: ranked units with evidence"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg ask``."""
    parser.add_argument("question", help="a question in Chinese or English, or just a topic")
    parser.add_argument("--data", help="data directory (default: $POLICYKG_DATA or ./.policykg)")
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.add_argument("--limit", type=int, default=20, help="at most this many units (default 20)")
    parser.add_argument("--evidence", type=int, default=5, help="evidence items per unit (default 5)")


def run(args: argparse.Namespace) -> int:
    """Print the ranked units; exit 1 when the question names no known topic."""
    import json

    from kg.responsibility import ask
    from kg.store import GraphStoreError, load_build_thesaurus, open_store
    from search_api.datadir import open_build
    from search_api.settings import data_dir_from

    build = open_build(data_dir_from(args.data))
    try:
        store = open_store(build.path)
    except GraphStoreError as error:
        print(f"policykg ask: {error}", file=sys.stderr)
        return 2
    answer = ask(store, load_build_thesaurus(build.path), args.question, limit=args.limit,
                 evidence_limit=args.evidence)
    if args.json:
        print(json.dumps(answer.to_data(), ensure_ascii=False, indent=2))
        return 0 if answer.topics else 1
    if not answer.topics:
        print("no known topic in the question (try a term such as 电梯, 危险化学品, fire safety)")
        return 1
    print("topics: " + ", ".join(f"{t['label']} ({t['label_en']})" for t in answer.topics))
    for rank, unit in enumerate(answer.units, start=1):
        successor = f" → now {unit.successor}" if unit.successor else ""
        print(f"{rank:>2}. {unit.name}{successor}  [{unit.role}, score {unit.score:.3f}]")
        for item in unit.evidence[:3]:
            print(f"      {item.kind} {item.number} ({item.doc}): {item.text[:70]}")
    return 0
