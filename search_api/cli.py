"""The ``policykg`` command: one sub-command per module in :mod:`search_api.commands`.

Why a registry of small modules: each command declares its options and runs on its own; heavy libraries
(rdflib, whoosh, fastapi) are imported inside ``run`` so that a quick command does not pay for the others.
Errors that users can cause are printed as one line naming the file or parameter, with exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMAND_MODULES = ("build", "export", "ask", "search", "unit", "trace", "due", "sparql", "validate", "serve")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policykg", description="Chinese policy documents as a knowledge graph."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"search_api.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"search_api.commands.{name}":
                raise
            continue  # not built yet
        sub = commands.add_parser(name, help=module.HELP, description=module.__doc__)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    from ingest.errors import IngestError
    from search_api.datadir import DataDirError

    args = _parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except (DataDirError, IngestError) as error:
        print(f"policykg {args.command}: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
