"""ASGI middlewares that guard every response: security headers, a URL length limit and OPTIONS answers.

Why plain ASGI middlewares (not ``BaseHTTPMiddleware``): they cost a dictionary look-up per request, run
before routing (an over-long URL is refused before any parameter is parsed) and also cover the static files,
the page and error responses produced by the framework itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable

from starlette.routing import BaseRoute, Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search_api.service.error_handlers import error_body

MAX_URL_BYTES = 32 * 1024  # path + query string; a 2,000-character Chinese q= is 18 KB percent-encoded
# What the page, /docs and the API need and nothing more: scripts and styles from this server only (no inline
# script), pictures from this server or data: URLs (the page's empty favicon, Swagger UI's icons), no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


async def send_json_error(
    send: Send, *, status: int, code: str, message: str, headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    """Answer with the one error shape from inside an ASGI middleware."""
    body = json.dumps(error_body(status=status, code=code, message=message), ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Add :data:`SECURITY_HEADERS` to every HTTP response; a header the response already set is kept (an HTML
    export carries its own Content-Security-Policy naming its inline scripts by hash)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass through, adding the headers to ``http.response.start``."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in SECURITY_HEADERS if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class UrlLimit:
    """Refuse a request whose path and query string pass ``limit`` bytes: 414 ``uri_too_long``, one JSON line."""

    def __init__(self, app: ASGIApp, *, limit: int = MAX_URL_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Measure the URL as sent (percent-encoded), before routing."""
        if scope["type"] == "http":
            size = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
            if size > self.limit:
                await send_json_error(
                    send,
                    status=414,
                    code="uri_too_long",
                    message=f"the URL has {size} bytes; at most {self.limit} are accepted (send long queries by POST)",
                )
                return
        await self.app(scope, receive, send)


class Options:
    """``OPTIONS`` on a known path answers 204 with ``Allow`` listing its methods (unknown paths stay 404)."""

    def __init__(self, app: ASGIApp, *, router: Router) -> None:
        self.app = app
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer OPTIONS from the routing table; everything else passes through."""
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return
        methods = allowed_methods(self.router.routes, scope)
        if not methods:
            await self.app(scope, receive, send)
            return
        allow = ", ".join(sorted(methods | {"OPTIONS"})).encode()
        await send({"type": "http.response.start", "status": 204, "headers": [(b"allow", allow)]})
        await send({"type": "http.response.body", "body": b""})


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> set[str]:
    """The methods the routes matching ``scope``'s path accept (static mounts: GET and HEAD).

    A router included with ``include_router`` is walked into (newer FastAPI keeps it as one entry whose
    ``original_router`` holds the routes), so each route reports its own methods.
    """
    methods: set[str] = set()
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            methods |= allowed_methods(included.routes, scope)
            continue
        match, _ = route.matches(scope)
        if match is Match.NONE:
            continue
        route_methods = getattr(route, "methods", None)
        methods |= set(route_methods) if route_methods else {"GET", "HEAD"}
    return methods


_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)


def self_contained_csp(page: bytes) -> str:
    """The Content-Security-Policy for an exported single-file page (``/api/export/html``, ``report``).

    Such a page carries its scripts and styles inline by design (it opens offline from a file); its scripts are
    allowed by their SHA-256 hashes, nothing else runs, and it still loads nothing from elsewhere.
    """
    hashes = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(match["body"]).digest()).decode() + "'"
            for match in _INLINE_SCRIPT.finditer(page)
            if b"application/json" not in match["attrs"].lower()
        }
    )
    scripts = " ".join(hashes) or "'none'"
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src data:; "
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
