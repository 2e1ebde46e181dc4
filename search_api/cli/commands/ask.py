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
    """Print the ranked units; exit 1 when nothing in the build answers the question."""
    import json

    from kg.store import GraphStoreError, load_build_thesaurus, open_store
    from search_api.builds.datadir import open_build
    from search_api.search.answer import answer
    from search_api.search.engine import SearchError, open_index
    from search_api.settings import data_dir_from

    data_dir = data_dir_from(args.data)
    build = open_build(data_dir)
    try:
        store = open_store(build.path)
    except GraphStoreError as error:
        print(f"policykg ask: {error}", file=sys.stderr)
        return 2
    try:
        index = open_index(data_dir)
    except SearchError as error:
        print(f"policykg ask: {error}; answering from the graph alone", file=sys.stderr)
        index = None
    data = answer(
        args.question,
        store=store,
        thesaurus=load_build_thesaurus(build.path),
        index=index,
        limit=args.limit,
        evidence_limit=args.evidence,
    ).to_json()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0 if data["units"] else 1
    if not data["units"]:
        print("nothing in this build answers that (try a term such as 电梯, 危险化学品, fire safety)")
        return 1
    from search_api.cli.display import document_titles, titled

    titles = document_titles(store)
    if data["topics"]:
        print("topics: " + ", ".join(f"{t['label']} ({t['label_en']})" for t in data["topics"]))
    for rank, unit in enumerate(data["units"], start=1):
        successor = f" → now {unit['successor']}" if unit["successor"] else ""
        print(f"{rank:>2}. {unit['name']}{successor}  [{unit['role']}, score {unit['score']:.3f}]")
        for item in unit["evidence"][:3]:
            print(f"      {item['kind']} {item['number']} ({titled(titles, item['doc'])}): {item['text'][:70]}")
    if data["statutory"]:
        print("named in laws:")
        for unit in data["statutory"][:5]:
            cited = ", ".join(f"{titled(titles, e['doc'])} 第{e['number']}条" for e in unit["evidence"][:3])
            print(f"    {unit['name']}  [{unit['role']}]  {cited}")
    return 0
