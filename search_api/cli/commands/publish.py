"""Load the current build's graph into a shared SPARQL server (a named graph per build) and make it current there.

API replicas on other machines started with ``--store URL`` then read the graph from that server; each still
serves the search index and model of its own copy of the build folder (docs/deployment.md). ``policykg build
--publish URL`` does the same right after a build.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from kg.publish import Published

HELP = "load the current build's graph into a shared SPARQL server"


def store_url_argument(value: str) -> str:
    """A SPARQL server's base URL (argparse reports anything else as a usage error, exit 2)."""
    from kg.remote_store import store_url

    try:
        return store_url(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def keep_argument(value: str) -> int:
    """How many build graphs to keep on the server: a whole number, at least 1."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of builds, at least 1: {value!r}")
    return int(value)


def add_publish_options(parser: argparse.ArgumentParser) -> None:
    """``--keep``, shared with ``policykg build --publish`` (no import of :mod:`kg.publish`: ``--help`` stays
    quick)."""
    parser.add_argument(
        "--keep",
        type=keep_argument,
        default=None,
        metavar="N",
        help="build graphs kept on the server, the new one included (default: 2, the new one and the previous "
        "one, from which replicas that have not copied the new build folder yet go on answering)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg publish``."""
    parser.add_argument("url", type=store_url_argument, help="the SPARQL server, e.g. http://host:7878")
    parser.add_argument("--data", help="data directory (default: $POLICYKG_DATA or ./.policykg)")
    parser.add_argument("--json", action="store_true", help="print what was published as JSON")
    add_publish_options(parser)


def publish(url: str, build_path: Path, *, keep: int | None) -> Published:
    """Publish one build folder (errors are :class:`kg.publish.PublishError`, exit 2)."""
    from kg.publish import KEEP_GRAPHS, publish_build

    return publish_build(url, build_path, keep=keep or KEEP_GRAPHS)


def describe(published: Published) -> str:
    """One line for people: what is current on the server now, and what was dropped."""
    previous = f"; previous build {published.previous} kept" if published.previous else ""
    dropped = f"; dropped {', '.join(published.dropped)}" if published.dropped else ""
    return (
        f"published: build {published.build} is current on {published.url} "
        f"({published.triples} triples in <{published.graph}>, {published.seconds:.1f} s{previous}{dropped})"
    )


def run(args: argparse.Namespace) -> int:
    """Publish the current build; exit 2 (one line naming the server) when it could not be published."""
    import json

    from search_api.builds.datadir import open_build
    from search_api.settings import data_dir_from

    build = open_build(data_dir_from(args.data))
    published = publish(args.url, build.path, keep=args.keep)
    if args.json:
        print(json.dumps(published.to_json(), ensure_ascii=False, indent=2))
    else:
        print(describe(published))
    return 0
