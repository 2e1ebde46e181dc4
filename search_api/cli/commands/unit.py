"""Everything one unit is responsible for: tasks (lead or co-operating), deadlines, articles, obligations."""

from __future__ import annotations

import argparse

from search_api.cli.current import add_build_arguments

HELP = "a unit's tasks, deadlines, obligations and co-responsible units"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg unit``."""
    parser.add_argument("name", help="the unit's name, any alias, its id or its successor's name")
    add_build_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the profile as JSON")


def run(args: argparse.Namespace) -> int:
    """Print the profile; exit 2 when no unit has that name."""
    from search_api.cli.current import open_current, print_json

    with open_current(args) as build:
        result = build.unit_profile(args.name)
    if args.json:
        print_json(result)
        return 0
    unit = result.unit
    successor = f" → now {unit['successor']}" if unit["successor"] else ""
    print(f"{unit['name']}{successor}  (id {unit['id']}; aliases: {', '.join(unit['aliases']) or '-'})")
    print(f"tasks ({len(result.tasks)}):")
    for task in result.tasks:
        articles = ",".join(str(a["number"]) for a in task["articles"]) or "-"
        print(f"  {task['number']:>3} [{task['role']}] {task['deadline']:<8} art {articles:<6} {task['text'][:60]}")
    print(f"obligations ({len(result.obligations)}):")
    for item in result.obligations:
        print(f"  art {item['article']} [{item['modality']}] {item['text'][:70]}")
    if result.co_units:
        print("co-responsible: " + ", ".join(f"{c['name']} ({len(c['shared_tasks'])})" for c in result.co_units))
    return 0
