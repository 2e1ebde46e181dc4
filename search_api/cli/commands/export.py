"""Write the model or graph in an exchange format (json, and the formats the exporters registry knows)."""

from __future__ import annotations

import argparse
import sys

from search_api.cli.current import add_build_arguments

HELP = "export the model, graph or tables"


class _RegisteredFormats:
    """The exporters registry's format names, imported only when ``policykg export`` parses or prints help, so
    that every other command does not pay for importing the exporters at start-up."""

    def _names(self) -> list[str]:
        from search_api.exports.registry import EXPORTERS

        return sorted(EXPORTERS)

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self):
        return iter(self._names())


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg export``."""
    parser.add_argument(
        "--format",
        required=True,
        choices=_RegisteredFormats(),
        metavar="FORMAT",
        help="json, turtle, xlsx, png … (see README)",
    )
    add_build_arguments(parser)
    parser.add_argument("--out", help="output file (default: standard output)")
    parser.add_argument("--doc", help="only this document (id or title)")
    parser.add_argument("--unit", help="only what this unit (any alias) is responsible for")
    parser.add_argument("--topic", help="only what concerns this topic")
    parser.add_argument(
        "--as-of", dest="as_of", help="date (YYYY-MM-DD, YYYY-MM or YYYY) that overdue is counted from (default: today)"
    )


def run(args: argparse.Namespace) -> int:
    """Export from the current build."""
    from search_api.cli.current import open_current
    from search_api.inputs import parse_date

    day = parse_date("--as-of", args.as_of)
    with open_current(args) as build:
        payload = build.export(args.format, doc=args.doc, unit=args.unit, topic=args.topic, as_of=day).content
    if args.out:
        with open(args.out, "wb") as handle:
            handle.write(payload)
        print(f"wrote {args.out} ({len(payload)} bytes)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(payload)
    return 0
