"""Tasks due by a date, open or overdue relative to today (or --as-of); ongoing (长期) tasks never fall due."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

HELP = "tasks due by a date, open or overdue"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from error


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg due``."""
    parser.add_argument("--by", type=_date, help="due on or before this day (default: every dated task)")
    parser.add_argument("--as-of", type=_date, help="judge open/overdue on this day (default: today)")
    parser.add_argument("--unit", help="only tasks this unit (any alias) leads")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--data", help="data directory (default: $POLICYKG_DATA or ./.policykg)")


def run(args: argparse.Namespace) -> int:
    """Print the tasks."""
    import json

    from kg.due import due_tasks
    from kg.profile import UnknownUnit
    from kg.store import GraphStoreError, open_store
    from search_api.datadir import open_build
    from search_api.settings import data_dir_from

    build = open_build(data_dir_from(args.data))
    as_of = args.as_of or dt.date.today()
    try:
        tasks = due_tasks(open_store(build.path), by=args.by, as_of=as_of, unit=args.unit)
    except (UnknownUnit, GraphStoreError) as error:
        print(f"policykg due: {error}", file=sys.stderr)
        return 2
    if args.json:
        payload = {
            "by": args.by.isoformat() if args.by else None,
            "as_of": as_of.isoformat(),
            "unit": args.unit,
            "tasks": [task.to_json() for task in tasks],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    for task in tasks:
        print(f"{task.due} {task.status:<8} {task.number:>3} {task.deadline:<8} "
              f"{'、'.join(task.units[:3])}  {task.text[:50]}")
    print(f"{len(tasks)} tasks" + (f" due by {args.by}" if args.by else "") + f" (as of {as_of})")
    return 0
