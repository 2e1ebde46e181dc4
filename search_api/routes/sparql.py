"""``GET|POST /api/sparql``: the SPARQL 1.1 Protocol, read-only, with a time and a row limit.

Why the protocol parsing lives here and the running in ``kg``: which of ``query=`` (URL or form body) or an
``application/sparql-query`` body carries the query, and which of SPARQL JSON, CSV or TSV the ``Accept`` header
asks for, are HTTP matters; refusing updates and limiting time and rows are the graph's (the CLI shares them).
An update — ``update=`` in a form, an ``application/sparql-update`` body, or INSERT/DELETE/LOAD… in a query — is
refused with 400 in the one error shape.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from search_api.errors import ApiError, BadParameter
from search_api.routes import backends
from search_api.routes.deps import SettingsDep, SnapshotDep
from search_api.settings import Settings
from search_api.state import Snapshot

router = APIRouter(prefix="/api", tags=["sparql"])

# Result media types by short name; the first is the default.
SELECT_TYPES = {
    "json": "application/sparql-results+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "xml": "application/sparql-results+xml",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "json": "application/sparql-results+json",  # CONSTRUCT as JSON: the triples as s/p/o bindings
}
_ACCEPT_ALIASES = {
    "application/json": "json",
    "application/sparql-results+json": "json",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/sparql-results+xml": "xml",
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
}


class UpdateRefused(ApiError):
    """A SPARQL update sent to the read-only endpoint."""

    status = 400
    code = "update_refused"


def negotiate(accept: str | None, explicit: str | None) -> str | None:
    """The result format named by ``format=`` or the best ``Accept`` entry we serve; None means "default".

    >>> negotiate("text/csv;q=0.9, application/sparql-results+json", None)
    'json'
    >>> negotiate("text/tab-separated-values", None)
    'tsv'
    >>> negotiate("*/*", "csv")
    'csv'
    """
    if explicit:
        return explicit.lower()
    if not accept:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media.lower() in _ACCEPT_ALIASES and quality > 0:
            ranked.append((-quality, index, _ACCEPT_ALIASES[media.lower()]))
    return min(ranked)[2] if ranked else None


async def _query_from(request: Request, query: str | None) -> str:
    if request.method == "GET":
        if query is None:
            raise BadParameter("parameter 'query' is missing", hint="GET /api/sparql?query=SELECT …")
        return query
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if content_type == "application/sparql-update":
        raise UpdateRefused("this endpoint is read-only: SPARQL updates are refused")
    if content_type == "application/sparql-query":
        text = body.decode("utf-8", errors="replace")
    elif content_type in ("application/x-www-form-urlencoded", ""):
        form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        if "update" in form:
            raise UpdateRefused("this endpoint is read-only: SPARQL updates are refused")
        values = form.get("query", [])
        if len(values) != 1:
            raise BadParameter("the form must carry exactly one 'query'")
        text = values[0]
    else:
        raise ApiError(
            f"unsupported content type {content_type!r}",
            code="unsupported_media_type",
            hint="send application/sparql-query or an application/x-www-form-urlencoded form with query=",
        )
    if query is not None:
        raise BadParameter("the query is given twice (URL and body)")
    return text


_RESPONSES = {
    200: {
        "content": {
            "application/sparql-results+json": {},
            "text/csv": {},
            "text/tab-separated-values": {},
            "application/n-triples": {},
        }
    }
}
QueryParam = Annotated[str | None, Query(description="the SPARQL query (GET; or POST as a form field)")]
FormatParam = Annotated[
    str | None, Query(description="json | csv | tsv (SELECT/ASK); ntriples | turtle (CONSTRUCT/DESCRIBE)")
]


@router.get(
    "/sparql", summary="SPARQL 1.1 query (GET, read-only)", response_class=Response, responses=_RESPONSES
)
async def sparql_get(
    request: Request,
    snapshot: SnapshotDep,
    settings: SettingsDep,
    query: QueryParam = None,
    format: FormatParam = None,
) -> Response:
    """``?query=``; results as SPARQL JSON (default), CSV or TSV by ``Accept`` (or ``format=``)."""
    return await sparql(request, snapshot, settings, query, format)


@router.post(
    "/sparql", summary="SPARQL 1.1 query (POST, read-only)", response_class=Response, responses=_RESPONSES
)
async def sparql_post(
    request: Request,
    snapshot: SnapshotDep,
    settings: SettingsDep,
    query: QueryParam = None,
    format: FormatParam = None,
) -> Response:
    """A form body with ``query=`` or an ``application/sparql-query`` body; updates are refused with 400."""
    return await sparql(request, snapshot, settings, query, format)


async def sparql(
    request: Request, snapshot: Snapshot, settings: Settings, query: str | None, format: str | None
) -> Response:
    """SELECT/ASK results as SPARQL JSON (default), CSV or TSV; CONSTRUCT/DESCRIBE as Turtle or N-Triples."""
    text = await _query_from(request, query)
    if not text.strip():
        raise BadParameter("the query is empty")
    wanted = negotiate(request.headers.get("accept"), format)
    if wanted is not None and wanted not in SELECT_TYPES and wanted not in GRAPH_TYPES:
        raise BadParameter(
            f"unknown result format {wanted!r}", hint="json, csv, tsv, xml, turtle or ntriples"
        )
    from starlette.concurrency import run_in_threadpool

    payload, media_type, truncated = await run_in_threadpool(
        backends.sparql,
        snapshot,
        text,
        result_format=wanted,
        timeout_s=settings.sparql_timeout_s,
        row_limit=settings.sparql_row_limit,
    )
    headers = {"X-SPARQL-Truncated": "true"} if truncated else {}
    return Response(content=payload, media_type=media_type, headers=headers)
