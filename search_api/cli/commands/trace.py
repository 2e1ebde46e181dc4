"""The article × task matrix of each policy document, with gaps (articles without tasks, tasks without a
matching article, tasks without units) and link scores."""

from __future__ import annotations

import argparse
import sys

from search_api.cli.current import add_build_arguments, count_option

HELP = "article × task traceability matrix and its gaps"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg trace``."""
    parser.add_argument("--doc", help="only this document (id or title)")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")
    parser.add_argument("--limit", type=count_option, help="without --doc: at most this many documents, by id")
    parser.add_argument("--offset", type=count_option, default=0, help="without --doc: skip this many documents first")
    add_build_arguments(parser)


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

    from search_api.cli.current import open_current, print_json

    with open_current(args) as build:
        report = build.trace(args.doc, limit=args.limit, offset=args.offset)
    traces = [t.to_json() for t in report.documents]
    if args.format == "json":
        print_json(report)
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
        if report.total is not None and report.total > len(traces):
            print(f"({len(traces)} of {report.total} documents with a task table, from {args.offset})")
    return 0
