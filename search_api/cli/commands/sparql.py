"""Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over the current build's graph.

Updates, queries nested too deep for the engine and SERVICE (unless --allow-service) are refused; the time
limit and row limit come from --timeout/--limit or POLICYKG_SPARQL_TIMEOUT and POLICYKG_SPARQL_ROWS. json is SPARQL 1.1 Query Results JSON (graphs come out as N-Triples)."""

from __future__ import annotations

import argparse
import sys

from search_api.cli.current import add_build_arguments

HELP = "run a read-only SPARQL query"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg sparql``."""
    parser.add_argument("query", help="the query text, or @FILE to read it from a file ('-' for stdin)")
    parser.add_argument("--format", choices=("json", "csv", "table"), default="table", help="output format")
    parser.add_argument("--timeout", type=float, help="seconds before giving up (default 5)")
    parser.add_argument("--limit", type=int, help="at most this many rows (default 10000)")
    add_build_arguments(parser)
    parser.add_argument(
        "--allow-service", action="store_true", help="let the query call other endpoints with SERVICE"
    )


def _query_text(argument: str) -> str:
    if argument == "-":
        return sys.stdin.read()
    if argument.startswith("@"):
        with open(argument[1:], encoding="utf-8") as handle:
            return handle.read()
    return argument


def run(args: argparse.Namespace) -> int:
    """Print the results; exit 2 (one line on stderr) on a refused, too complex or failing query."""
    import csv

    from kg.sparql import serialize, to_rows
    from search_api.cli.current import open_current
    from search_api.errors import BadParameter
    from search_api.settings import get_settings

    settings = get_settings(args.data)
    try:
        query = _query_text(args.query)
    except OSError as error:
        raise BadParameter(f"cannot read the query file: {error}") from None
    with open_current(args) as build:
        result = build.sparql(
            query,
            timeout_s=args.timeout or settings.sparql_timeout_s,
            row_limit=args.limit or settings.sparql_row_limit,
            allow_service=args.allow_service,
        )
    if result.truncated:
        print(f"policykg sparql: results truncated at {args.limit or settings.sparql_row_limit} rows",
              file=sys.stderr)
    if args.format == "json" and result.form in ("construct", "describe"):
        sys.stdout.buffer.write(serialize(result, "ntriples"))
    elif args.format == "json":  # the bytes /api/sparql answers with
        sys.stdout.buffer.write(serialize(result, "json"))
    elif args.format == "csv":
        header, rows = to_rows(result)
        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows(rows)
    else:
        header, rows = to_rows(result)
        print("\t".join(header))
        for row in rows:
            print("\t".join(row))
        print(f"({len(rows)} rows)", file=sys.stderr)
    return 0
