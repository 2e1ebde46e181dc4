"""Tasks due by a date, open or overdue relative to today (or --as-of); ongoing (长期) tasks never fall due."""

from __future__ import annotations

import argparse
import datetime as dt

from search_api.cli.current import add_build_arguments, count_option

HELP = "tasks due by a date, open or overdue"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg due``."""
    parser.add_argument(
        "--by", help="due on or before this day: YYYY-MM-DD, YYYY-MM or YYYY (default: every dated task)"
    )
    parser.add_argument("--as-of", help="judge open/overdue on this day, same forms as --by (default: today)")
    parser.add_argument("--unit", help="only tasks this unit (any alias) leads")
    parser.add_argument("--limit", type=count_option, help="at most this many tasks, soonest first")
    parser.add_argument("--offset", type=count_option, default=0, help="skip this many tasks first")
    parser.add_argument("--json", action="store_true", help="print JSON")
    add_build_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Print the tasks."""
    from search_api.cli.current import open_current, print_json
    from search_api.inputs import parse_date, parse_unit_name

    by = parse_date("--by", args.by)
    as_of = parse_date("--as-of", args.as_of, dt.date.today())
    with open_current(args) as build:
        report = build.due(by=by, as_of=as_of, unit=parse_unit_name(args.unit), limit=args.limit, offset=args.offset)
        if args.json:
            print_json(report)
            return 0
    from search_api.cli.display import short_title

    tasks = report.tasks
    several = len({task.doc for task in tasks}) > 1  # name the document only when it is not always the same
    for task in tasks:
        source = f"{short_title(task.doc_title or task.doc)} " if several else ""
        print(f"{task.due} {task.status:<8} {source}{task.number:>3} {task.deadline or '':<8} "
              f"{'、'.join(task.units)}  {task.text[:50]}")
    shown = f"{len(tasks)} of {report.total} tasks (from {args.offset})" if report.total is not None else f"{len(tasks)} tasks"
    print(shown + (f" due by {by}" if by else "") + f" (as of {as_of})")
    return 0
