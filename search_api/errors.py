"""Errors a user can cause, with a stable ``code``, an HTTP ``status`` and a hint; free of any web framework.

Why a module of its own: exporters, routes and the CLI raise the same errors; the CLI prints them as one line
and the API (``search_api.service.error_handlers``) turns them into the one JSON error shape, and the CLI must not pay for
importing FastAPI to catch them.
"""

from __future__ import annotations

from ingest.errors import PolicyKGError

__all__ = ["ApiError", "BadParameter", "NotFound", "PolicyKGError", "TooLarge", "TooLong", "Unavailable"]


class ApiError(PolicyKGError):
    """An error in what a face (CLI option, API parameter) was given: the input-parsing branch of the family."""

    status = 400
    code = "bad_request"


class BadParameter(ApiError):
    """A query parameter or body that cannot be used (400)."""

    status = 400
    code = "bad_parameter"


class NotFound(ApiError):
    """An id (document, article, task, unit, format) that the current build does not hold (404)."""

    status = 404
    code = "not_found"


class TooLarge(ApiError):
    """A request body over :data:`MAX_BODY_BYTES` (413)."""

    status = 413
    code = "too_large"


class TooLong(ApiError):
    """A parameter longer than the service accepts (422)."""

    status = 422
    code = "too_long"


class Unavailable(ApiError):
    """The service has nothing to serve yet (no build), or a feature's backend is missing (503)."""

    status = 503
    code = "unavailable"
