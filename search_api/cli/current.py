"""What every question command shares: open the current build once, print a result's JSON.

Why here: each command used to open the store, the index and the thesaurus itself (one of them through the
``current`` link, another by the resolved build path — a race a rebuild could win). Now a command opens one
:class:`~search_api.facade.Build` (resolved and leased once) and asks it; the API does the same.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from search_api.facade import Build, JsonResult


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """``--data`` and ``--store``: where the build is, and the shared SPARQL server its graph is read from."""
    parser.add_argument("--data", help="data directory (default: $POLICYKG_DATA or ./.policykg)")
    parser.add_argument(
        "--store",
        metavar="URL",
        help="read the graph from this SPARQL server (http://host:7878, where `policykg publish` put the build) "
        "instead of the build folder's own store (default: $POLICYKG_STORE)",
    )


def open_current(args: argparse.Namespace) -> Build:
    """The current build of ``--data`` (else ``$POLICYKG_DATA``, else ``./.policykg``), leased until closed;
    its graph from ``--store`` (else ``$POLICYKG_STORE``) when given."""
    from search_api.facade import Build
    from search_api.settings import data_dir_from, store_url_from

    return Build.open(
        data_dir_from(getattr(args, "data", None)), store_url=store_url_from(getattr(args, "store", None))
    )


def print_json(result: JsonResult) -> None:
    """Print the result's JSON: the same text the API answers with (:func:`~search_api.facade.render_json`)."""
    from search_api.facade import render_json

    sys.stdout.write(render_json(result))


def count_option(text: str) -> int:
    """A count option (``--limit``, ``--offset``): a whole number, 0 or more."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number (0 or more), got {text!r}")
    return int(text)
