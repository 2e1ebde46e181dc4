"""Show the SHACL report of the current build (ontology/shapes.ttl); non-zero exit when it does not conform.

By default the report the build wrote is shown; --recheck runs the shapes again over the stored graph."""

from __future__ import annotations

import argparse
import sys

HELP = "SHACL report of the current build"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg validate``."""
    parser.add_argument("--recheck", action="store_true", help="run the shapes again over the stored graph")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--data", help="data directory (default: $POLICYKG_DATA or ./.policykg)")


def run(args: argparse.Namespace) -> int:
    """Print the report; exit 1 when the graph does not conform."""
    import json

    from kg.store import GraphStoreError, open_rdflib, read_validation
    from search_api.builds.datadir import open_build
    from search_api.settings import data_dir_from

    build = open_build(data_dir_from(args.data))
    report = None if args.recheck else read_validation(build.path)
    if report is None:
        from kg.validate import validate_graph

        try:
            report = validate_graph(open_rdflib(build.path)).to_json()
        except GraphStoreError as error:
            print(f"policykg validate: {error}", file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(("conforms" if report["conforms"] else "does not conform") + f": {report['total']} results")
        for message, count in report["by_message"].items():
            print(f"  {count:>5}  {message}")
        for finding in report["findings"][:20]:
            print(f"  {finding['severity']}: {finding['focus']} {finding['path']}: {finding['message']}")
    return 0 if report["conforms"] else 1
