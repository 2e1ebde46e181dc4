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

EXIT_BUG = 3  # an unexpected exception: a bug, not something the user did
COMMAND_MODULES = (
    "build", "export", "ask", "search", "unit", "trace", "due", "diff", "sparql", "validate", "serve", "publish"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policykg", description="Chinese policy documents as a knowledge graph."
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an unexpected error (a bug)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"search_api.cli.commands.{name}")
        sub = commands.add_parser(name, help=module.HELP, description=module.__doc__)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = _parser().parse_args(argv)
    from ingest.errors import PolicyKGError

    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:
        return 0
    except PolicyKGError as error:  # something the user or the data caused: one line, its exit code
        print(f"policykg {args.command}: {error.describe()}", file=sys.stderr)
        return error.exit_code
    except Exception as error:  # a bug: say so in one line; the traceback with --debug
        if args.debug:
            raise
        print(
            f"policykg {args.command}: internal error ({type(error).__name__}: {error}); "
            "run again with --debug for the traceback and report it",
            file=sys.stderr,
        )
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
