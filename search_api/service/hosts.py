"""Only requests whose ``Host`` header names this server are answered (400 ``bad_host`` otherwise).

Why: with DNS rebinding, a web page on ``evil.example`` can make its own name resolve to 127.0.0.1 and then read
the API from the browser as same-origin; the one thing it cannot forge is the Host header, which still says
``evil.example``. So the server answers only 127.0.0.1, localhost, ``::1``, the address it was told to bind
(``--host``) and the names the operator lists (``--allowed-host``, repeatable; ``*`` accepts any). Starlette's
``TrustedHostMiddleware`` answers in plain text; this one answers in the API's one error shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from search_api.service.error_handlers import error_body

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def host_name(header: str) -> str:
    """The name in a Host header, without port, brackets or a trailing dot, lower-cased.

    >>> [host_name(h) for h in ("LocalHost:8000", "[::1]:80", "example.org.", "10.0.0.2")]
    ['localhost', '::1', 'example.org', '10.0.0.2']
    """
    header = header.strip().lower()
    if header.startswith("["):
        name = header[1:].split("]", 1)[0]
    else:
        name = header.rsplit(":", 1)[0] if header.count(":") == 1 else header
    return name.rstrip(".")


def allowed_hosts(bind_host: str | None, extra: Iterable[str] = ()) -> frozenset[str]:
    """The names a Host header may carry.

    >>> sorted(allowed_hosts("10.0.0.2", ["Policy.Example.org"]))
    ['10.0.0.2', '127.0.0.1', '::1', 'localhost', 'policy.example.org']
    """
    names = {*LOOPBACK, *(host_name(h) for h in extra if h.strip())}
    if bind_host:
        names.add(host_name(bind_host))
    return frozenset(names)


class TrustedHosts:
    """ASGI middleware: refuse an HTTP request whose Host is not in ``allowed`` (unless ``*`` is)."""

    def __init__(self, app: ASGIApp, *, allowed: frozenset[str]) -> None:
        self.app = app
        self.allowed = allowed
        self.any = "*" in allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 400 ``bad_host`` in the error shape."""
        if scope["type"] not in ("http", "websocket") or self.any:
            await self.app(scope, receive, send)
            return
        header = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        if host_name(header) in self.allowed:
            await self.app(scope, receive, send)
            return
        shown = header[:100] or "(none)"
        body = json.dumps(
            error_body(
                status=400,
                code="bad_host",
                message=f"Host header {shown!r} does not name this server",
                hint="the operator can accept more names with `policykg serve --allowed-host NAME`",
            )
        ).encode()
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
