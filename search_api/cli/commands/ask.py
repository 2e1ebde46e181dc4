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
    from search_api.cli.current import open_current, print_json

    with open_current(args) as build:
        if build.resource("index") is None:
            print("policykg ask: this build has no search index; answering from the graph alone", file=sys.stderr)
        result = build.ask(args.question, limit=args.limit, evidence=args.evidence)
        if args.json:
            print_json(result)
            return 0 if result.units else 1
        if not result.units:
            print("nothing in this build answers that (try a term such as 电梯, 危险化学品, fire safety)")
            return 1
        from search_api.cli.display import document_titles, titled

        titles = document_titles(build.require("graph"))
    data = result.to_json()
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
