"""The ``policykg`` command: one sub-command per module in :mod:`search_api.cli.commands`.

Why a registry of small modules: each command declares its options and runs on its own; heavy libraries
(rdflib, whoosh, fastapi) are imported inside ``run`` so that a quick command does not pay for the others.
Errors that users can cause are printed as one line naming the file or parameter, with exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Exceptions raised from these packages are the project's own errors (bad input, missing build, unknown
# unit …): each carries a message naming the file or parameter, printed as one line with exit status 2.
PROJECT_PACKAGES = frozenset({"ingest", "kg", "ontology", "search_api"})
COMMAND_MODULES = ("build", "export", "ask", "search", "unit", "trace", "due", "sparql", "validate", "serve")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policykg", description="Chinese policy documents as a knowledge graph."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"search_api.cli.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"search_api.cli.commands.{name}":
                raise
            continue  # not built yet
        sub = commands.add_parser(name, help=module.HELP, description=module.__doc__)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:
        return 0
    except Exception as error:
        if type(error).__module__.partition(".")[0] not in PROJECT_PACKAGES:
            raise  # a bug, not something the user did: keep the traceback
        message = getattr(error, "message", None) or str(error)
        hint = getattr(error, "hint", None)
        suffix = f" ({hint})" if hint and hint not in message else ""
        print(f"policykg {args.command}: {message}{suffix}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
