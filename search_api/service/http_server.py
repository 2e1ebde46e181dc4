"""uvicorn's HTTP protocols, answering requests they cannot parse in the one JSON error shape.

Why: uvicorn answers a request its parser refuses with a plain-text ``Invalid HTTP request received.`` before
the app sees it. With httptools this happens to every URL over 65,535 bytes (``httptools.parse_url`` keeps
offsets in 16 bits): a 10,000-character Chinese query by GET is 90 KB. These subclasses answer 414
``uri_too_long`` when the URL is what was too long and 400 ``bad_request`` otherwise, as JSON, with the
security headers; URLs the parser accepts but :data:`~search_api.service.guards.MAX_URL_BYTES` does not are refused by
:class:`~search_api.service.guards.UrlLimit` in the app.
"""

from __future__ import annotations

import http
import json

from uvicorn.protocols.http.h11_impl import H11Protocol

from search_api.service.error_handlers import error_body
from search_api.service.guards import MAX_URL_BYTES, SECURITY_HEADERS

H11_MAX_EVENT_BYTES = 1024 * 1024  # h11 buffers a request line and headers up to this, so UrlLimit sees them


def json_error_bytes(status: int, code: str, message: str, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """A complete HTTP/1.1 response carrying the error shape, closing the connection."""
    body = json.dumps(error_body(status=status, code=code, message=message)).encode()
    lines = [f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}".encode()]
    headers = [
        *default_headers,
        *SECURITY_HEADERS,
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    lines.extend(name + b": " + value for name, value in headers)
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class JsonH11Protocol(H11Protocol):
    """uvicorn's h11 protocol; an unparsable request gets 400 in the JSON error shape."""

    def send_400_response(self, msg: str) -> None:
        """JSON instead of plain text."""
        self.transport.write(
            json_error_bytes(400, "bad_request", f"invalid HTTP request: {msg}", self.server_state.default_headers)
        )
        self.transport.close()


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools not installed: serve falls back to h11
    HttpToolsProtocol = None  # type: ignore[assignment,misc]
    JsonHttpToolsProtocol = None
else:

    class JsonHttpToolsProtocol(HttpToolsProtocol):  # type: ignore[no-redef]
        """uvicorn's httptools protocol; an over-long URL gets 414, any other unparsable request 400 (JSON)."""

        def send_400_response(self, msg: str) -> None:
            """JSON instead of plain text, 414 when the URL received so far is over the limit."""
            size = len(getattr(self, "url", b""))
            if size > MAX_URL_BYTES:
                status, code = 414, "uri_too_long"
                message = f"the URL has over {size} bytes; at most {MAX_URL_BYTES} are accepted (send long queries by POST)"
            else:
                status, code, message = 400, "bad_request", f"invalid HTTP request: {msg}"
            self.transport.write(json_error_bytes(status, code, message, self.server_state.default_headers))
            self.transport.close()


def protocol_options() -> dict[str, object]:
    """``uvicorn.run`` keyword arguments that select the JSON-answering protocol (httptools when installed)."""
    if JsonHttpToolsProtocol is not None:
        return {"http": JsonHttpToolsProtocol}
    return {"http": JsonH11Protocol, "h11_max_incomplete_event_size": H11_MAX_EVENT_BYTES}
