"""One JSON error shape on every path: ``{"ok": false, "code", "error", "status"}`` (plus a ``hint`` when known).

Why one shape: the web page, scripts and the tests read errors the same way whatever went wrong — a bad
parameter (400), an unknown id (404), a refused SPARQL update (400), an oversize input (413/414/422), a missing
build (503). User input never produces a 500; an unexpected fault still answers in this shape, with code
``internal`` and no traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from search_api.errors import PolicyKGError, TooLong
from search_api.inputs import NOT_BLANK
from search_api.search.query import MAX_QUERY_CHARS

log = logging.getLogger("policykg.api")

MAX_BODY_BYTES = 256 * 1024  # POST bodies (SPARQL queries) larger than this are refused (413)


def error_body(*, status: int, code: str, message: str, hint: str | None = None) -> dict[str, Any]:
    """The one error document.

    >>> error_body(status=404, code="not_found", message="no task 99")
    {'ok': False, 'code': 'not_found', 'error': 'no task 99', 'status': 404}
    """
    body: dict[str, Any] = {"ok": False, "code": code, "error": message, "status": status}
    if hint:
        body["hint"] = hint
    return body


def error_response(
    *, status: int, code: str, message: str, hint: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    """A JSON response carrying :func:`error_body` (``headers``: e.g. ``Allow`` on a 405)."""
    return JSONResponse(
        error_body(status=status, code=code, message=message, hint=hint), status_code=status, headers=headers
    )


def check_length(name: str, value: str | None, limit: int = MAX_QUERY_CHARS) -> None:
    """Refuse a parameter longer than ``limit`` characters with :class:`TooLong`."""
    if value is not None and len(value) > limit:
        raise TooLong(f"parameter {name!r} has {len(value)} characters; at most {limit} are accepted")


_HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
}


def _describe_validation(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("query", "path", "body"))
        if item.get("type") == "string_pattern_mismatch" and (item.get("ctx") or {}).get("pattern") == NOT_BLANK:
            parts.append(f"parameter {where!r} is empty")
            continue
        parts.append(f"{f'parameter {where!r}' if where else 'request'}: {item.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception the app can raise to the one error shape."""

    @app.exception_handler(PolicyKGError)
    async def _project_error(_request: Request, error: PolicyKGError) -> JSONResponse:
        # every error of the family carries its own status and code: one handler for all of them
        return error_response(
            status=error.status, code=error.code, message=error.message, hint=error.hint or None
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        if any(item.get("type") == "string_too_long" for item in error.errors()):
            # the schema's maxLength, refused as check_length always did: 422 too_long
            return error_response(status=TooLong.status, code=TooLong.code, message=_describe_validation(error))
        return error_response(status=400, code="bad_parameter", message=_describe_validation(error))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, "http_error")
        message = str(error.detail) if error.detail else code.replace("_", " ")
        headers = dict(error.headers or {})
        if error.status_code == 405:  # every method of the path, not only the first route's (GET vs POST)
            from search_api.service.guards import allowed_methods

            methods = allowed_methods(request.app.router.routes, request.scope) | {"OPTIONS"}
            headers["Allow"] = ", ".join(sorted(methods))
        return error_response(status=error.status_code, code=code, message=message, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(
            status=500,
            code="internal",
            message=f"internal error ({type(error).__name__}); see the server log",
        )
