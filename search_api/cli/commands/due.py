"""Tasks due by a date, open or overdue relative to today (or --as-of); ongoing (长期) tasks never fall due."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

HELP = "tasks due by a date, open or overdue"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg due``."""
    parser.add_argument(
        "--by", help="due on or before this day: YYYY-MM-DD, YYYY-MM or YYYY (default: every dated task)"
    )
    parser.add_argument("--as-of", help="judge open/overdue on this day, same forms as --by (default: today)")
    parser.add_argument("--unit", help="only tasks this unit (any alias) leads")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--data", help="data directory (default: $POLICYKG_DATA or ./.policykg)")


def run(args: argparse.Namespace) -> int:
    """Print the tasks."""
    import json

    from kg.due import due_tasks
    from kg.profile import UnknownUnit
    from kg.store import GraphStoreError, open_store
    from search_api.builds.datadir import open_build
    from search_api.inputs import parse_date
    from search_api.settings import data_dir_from

    by = parse_date("--by", args.by)
    as_of = parse_date("--as-of", args.as_of, dt.date.today())
    build = open_build(data_dir_from(args.data))
    try:
        store = open_store(build.path)
        tasks = due_tasks(store, by=by, as_of=as_of, unit=args.unit)
    except (UnknownUnit, GraphStoreError) as error:
        print(f"policykg due: {error}", file=sys.stderr)
        return 2
    if args.json:
        payload = {
            "by": by.isoformat() if by else None,
            "as_of": as_of.isoformat(),
            "unit": args.unit,
            "tasks": [task.to_json() for task in tasks],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    from search_api.cli.display import document_titles, titled

    titles = document_titles(store)
    several = len({task.doc for task in tasks}) > 1  # name the document only when it is not always the same
    for task in tasks:
        source = f"{titled(titles, task.doc)} " if several else ""
        print(f"{task.due} {task.status:<8} {source}{task.number:>3} {task.deadline or '':<8} "
              f"{'、'.join(task.units)}  {task.text[:50]}")
    print(f"{len(tasks)} tasks" + (f" due by {by}" if by else "") + f" (as of {as_of})")
    return 0
