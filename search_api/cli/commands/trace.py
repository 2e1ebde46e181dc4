"""The article × task matrix of each policy document, with gaps (articles without tasks, tasks without a
matching article, tasks without units) and link scores."""

from __future__ import annotations

import argparse
import sys

HELP = "article × task traceability matrix and its gaps"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg trace``."""
    parser.add_argument("--doc", help="only this document (id or title)")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")
    parser.add_argument("--data", help="data directory (default: $POLICYKG_DATA or ./.policykg)")


def _table(data: dict) -> None:
    print(f"{data['title']} ({data['doc']})")
    by_article: dict[int, list[str]] = {}
    for link in data["links"]:
        by_article.setdefault(link["article"], []).append(f"{link['task']}({link['score']:.2f})")
    for article in data["articles"]:
        tasks = " ".join(by_article.get(article["number"], [])) or "—"
        print(f"  {article['label']:<8} {article['title'][:18]:<18} {tasks}")
    print(f"articles without tasks: {data['articles_without_tasks']}")
    print(f"tasks without articles: {data['tasks_without_articles']}")
    print(f"tasks without units: {data['tasks_without_units']}")


def run(args: argparse.Namespace) -> int:
    """Print the matrices; exit 2 when ``--doc`` names no document with a task table."""
    import csv
    import json

    from kg.store import GraphStoreError, open_store
    from kg.trace import trace
    from search_api.builds.datadir import open_build
    from search_api.settings import data_dir_from

    build = open_build(data_dir_from(args.data))
    try:
        traces = [t.to_json() for t in trace(open_store(build.path), doc=args.doc)]
    except GraphStoreError as error:
        print(f"policykg trace: {error}", file=sys.stderr)
        return 2
    if args.doc and not traces:
        print(f"policykg trace: no document with a task table matches {args.doc!r}", file=sys.stderr)
        return 2
    if args.format == "json":
        payload = traces[0] if args.doc and len(traces) == 1 else {"documents": traces}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["doc", "article", "task", "score"])
        for data in traces:
            for link in data["links"]:
                writer.writerow([data["doc"], link["article"], link["task"], link["score"]])
            for number in data["articles_without_tasks"]:
                writer.writerow([data["doc"], number, "", ""])
            for number in data["tasks_without_articles"]:
                writer.writerow([data["doc"], "", number, ""])
    else:
        for data in traces:
            _table(data)
    return 0
