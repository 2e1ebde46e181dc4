"""The OpenAPI document, made to match what the service really answers.

Why a post-processing step: FastAPI documents a 422 ``HTTPValidationError`` that this service never sends (a
request that fails validation gets 400 ``bad_parameter``, an over-long parameter 422 ``too_long``, both in the
one error shape) and documents nothing for 400/404/405/413/414/503; a route returning ``Response`` is
documented as JSON whatever it sends. Here every operation gets every error status it can produce with
:class:`ErrorBody` as the schema (405 with its ``Allow`` header), and ``/api/export/{format}`` gets one content
type per exporter, so clients and Schemathesis can check responses against the document.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from search_api.exports.registry import EXPORTERS

ERROR_REF = "#/components/schemas/ErrorBody"
# status → when it is sent; every operation can meet these.
COMMON_ERRORS = {
    400: "A parameter or body that cannot be used (`bad_parameter`, `bad_date` …)",
    404: "An id, format or path the current build does not hold",
    405: "A method the path does not accept; `Allow` lists those it does",
    414: "A URL over the length limit (`uri_too_long`): send long queries by POST",
    422: "A parameter longer than its `maxLength` (`too_long`)",
    503: "No build to serve yet, or a backend (Graphviz …) this format needs is missing",
}
BODY_ERRORS = {
    413: "A request body over the size limit (`too_large`)",
    415: "A request body of a media type the endpoint does not read",
}
NEGOTIATED_ERRORS = {406: "None of the media types in `Accept` can be produced"}


class ErrorBody(BaseModel):
    """The one error shape: ``{"ok": false, "code", "error", "status"}``, plus ``hint`` when known."""

    model_config = ConfigDict(extra="allow")

    ok: Literal[False]
    code: str = Field(description="stable machine-readable code, e.g. bad_parameter, bad_date, not_found")
    error: str = Field(description="one line naming the parameter and the reason")
    status: int = Field(description="the HTTP status, repeated")
    hint: str | None = Field(None, description="what to do instead, when known")


def _error_response(description: str, status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
    }
    if status == 405:
        response["headers"] = {"Allow": {"description": "the methods this path accepts", "schema": {"type": "string"}}}
    return response


def export_content() -> dict[str, Any]:
    """One entry per exporter media type (parameters such as ``charset`` left out); a JSON one (JSON-LD's
    ``application/ld+json`` too) is an object, since clients parse it as JSON, the others bytes."""
    content: dict[str, Any] = {}
    for exporter in EXPORTERS.values():
        media = exporter.media_type.split(";")[0].strip()
        if media == "application/json" or media.endswith("+json"):
            content[media] = {"schema": {"type": "object"}}
        else:
            content[media] = {"schema": {"type": "string", "format": "binary"}}
    return content


def shape(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (FastAPI's document) with the error responses and export media types of this service."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    components["ErrorBody"] = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete", "head"}:
                continue
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            errors = dict(COMMON_ERRORS)
            if method == "post" or "requestBody" in operation:
                errors |= BODY_ERRORS
            ok = responses.get("200", {})
            if path == "/api/export/{format}":
                ok["content"] = export_content()
                ok["description"] = "The export in the format's media type (see GET /api/export)"
            if len(ok.get("content", {})) > 1:
                errors |= NEGOTIATED_ERRORS
            for status, description in sorted(errors.items()):
                responses.setdefault(str(status), _error_response(description, status))
    return schema


def install_openapi(app: FastAPI) -> None:
    """Replace ``app.openapi`` with one that shapes FastAPI's document once and caches it."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = shape(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
