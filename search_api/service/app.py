"""The web service: ``create_app(settings)`` builds the FastAPI app over one data directory.

Why a factory and a lifespan: nothing happens at import time; the lifespan opens the current build (model, graph,
index) once, and the :class:`~search_api.service.state.BuildHolder` swaps in a new build when a rebuild moves the
``current`` link. Every page asset is shipped in ``search_api/web`` (no CDN), including Swagger UI for ``/docs``;
every response carries the security headers of :mod:`search_api.service.guards`.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search_api.service.error_handlers import MAX_BODY_BYTES, error_body, install_error_handlers
from search_api.service.guards import Options, SecurityHeaders, UrlLimit
from search_api.service.hosts import TrustedHosts, allowed_hosts
from search_api.service.openapi import install_openapi
from search_api.service.routes import ROUTER_MODULES
from search_api.service.state import BuildHolder
from search_api.settings import Settings, get_settings

log = logging.getLogger("policykg.api")

WEB_DIR = Path(__file__).resolve().parent.parent / "web"


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413 in the error shape, before a route reads them.

    A plain ASGI middleware (not ``BaseHTTPMiddleware``) so that it costs nothing on GET requests.
    """

    def __init__(self, app: ASGIApp, *, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then count the bytes actually received."""
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        import json

        body = json.dumps(
            error_body(status=413, code="too_large", message=f"request body over {self.limit} bytes")
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    """Raised inside :class:`BodyLimit` when a streamed body passes the limit."""


def _version() -> str:
    """The installed package's version: written once, in pyproject.toml."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("policykg")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service over ``settings.data_dir`` (default: :func:`~search_api.settings.get_settings`)."""
    from kg.sparql_pool import SparqlPool

    settings = settings or get_settings()
    holder = BuildHolder(settings.data_dir, store_url=settings.store_url)
    sparql_pool = SparqlPool(settings.sparql_workers)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if holder.open() is None:
            log.warning(
                "no build in %s yet: answering 503 until `policykg build` publishes one", settings.data_dir
            )
        sparql_pool.warm()
        try:
            yield
        finally:
            sparql_pool.close()
            holder.close()  # release the build's lease: a later prune may remove it

    app = FastAPI(
        title="PolicyKG",
        summary="Chinese work-safety policy documents as a knowledge graph: search, ask, trace, SPARQL.",
        version=_version(),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.holder = holder
    app.state.sparql_pool = sparql_pool
    install_error_handlers(app)
    for name in ROUTER_MODULES:
        app.include_router(importlib.import_module(f"search_api.service.routes.{name}").router)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/docs", include_in_schema=False)
    async def docs() -> FileResponse:
        # a static page whose start-up script is a file (web/docs.js): FastAPI's own has an inline script,
        # which the Content-Security-Policy refuses
        return FileResponse(WEB_DIR / "docs.html", headers={"Cache-Control": "no-cache"})

    install_openapi(app)
    # the last added runs first: security headers on everything, then the URL limit, OPTIONS, the body limit
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    app.add_middleware(Options, router=app.router)
    app.add_middleware(UrlLimit)
    app.add_middleware(TrustedHosts, allowed=allowed_hosts(settings.host, settings.allowed_hosts))
    app.add_middleware(SecurityHeaders)
    return app
