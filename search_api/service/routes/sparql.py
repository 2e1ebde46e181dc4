"""``GET|POST /api/sparql``: the SPARQL 1.1 Protocol, read-only, guarded, with a time and a row limit.

Why the protocol parsing lives here and the running in ``kg``: which of ``query=`` (URL or form body) or an
``application/sparql-query`` body carries the query, and which format ``format=`` or ``Accept`` asks for
(:mod:`search_api.service.negotiation`), are HTTP matters; refusing updates, deep nesting and SERVICE, and limiting time
and rows are the graph's (the CLI shares them). An update — ``update=`` in a form, an
``application/sparql-update`` body, or INSERT/DELETE/LOAD… in a query — is refused with 400 in the one error
shape; another body type is 415; a format that cannot be produced is 406.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from kg.sparql import prepare, serialize
from search_api.errors import ApiError, BadParameter
from search_api.facade import Build
from search_api.service.negotiation import GRAPH_MEDIA, TABLE_MEDIA, negotiate
from search_api.service.routes.deps import SettingsDep, SnapshotDep
from search_api.settings import Settings

router = APIRouter(prefix="/api", tags=["sparql"])


class UpdateRefused(ApiError):
    """A SPARQL update sent to the read-only endpoint."""

    status = 400
    code = "update_refused"


class UnsupportedMediaType(ApiError):
    """A POST body of a type the SPARQL protocol does not define for queries (415)."""

    status = 415
    code = "unsupported_media_type"


async def _query_from(request: Request, query: str | None) -> tuple[str, list[str]]:
    """The query text and the ``format`` values (URL, and for a form POST also the form's)."""
    formats = request.query_params.getlist("format")
    if request.method == "GET":
        if query is None:
            raise BadParameter("parameter 'query' is missing", hint="GET /api/sparql?query=SELECT …")
        return query, formats
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
        formats = [*formats, *form.get("format", [])]
    else:
        raise UnsupportedMediaType(
            f"unsupported content type {content_type[:100]!r}",
            hint="send application/sparql-query or an application/x-www-form-urlencoded form with query=",
        )
    if query is not None:
        raise BadParameter("the query is given twice (URL and body)")
    return text, formats


_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {media.split(";")[0]: {} for media in (*TABLE_MEDIA.values(), *GRAPH_MEDIA.values())}}
}
QueryParam = Annotated[str | None, Query(description="the SPARQL query (GET; or POST as a form field)")]
FormatParam = Annotated[
    str | None,
    Query(
        description="json | xml | csv | tsv (SELECT/ASK); ntriples | turtle | jsonld | rdfxml "
        "(CONSTRUCT/DESCRIBE); or a MIME type. Overrides Accept."
    ),
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
    request: Request, snapshot: Build, settings: Settings, query: str | None, format: str | None
) -> Response:
    """Check the query, pick the format for its form, run it in a worker process, serialise the result."""
    from starlette.concurrency import run_in_threadpool

    text, formats = await _query_from(request, query)
    if not text.strip():
        raise BadParameter("the query is empty")
    form = prepare(text, allow_service=settings.allow_service)  # refusals before negotiation: 400 with their code
    wanted = negotiate(form, request.headers.get("accept"), formats)
    result = await run_in_threadpool(
        snapshot.sparql,
        text,
        timeout_s=settings.sparql_timeout_s,
        row_limit=settings.sparql_row_limit,
        allow_service=settings.allow_service,
        pool=request.app.state.sparql_pool,
        form=form,
    )
    media_type = (GRAPH_MEDIA if form in ("construct", "describe") else TABLE_MEDIA)[wanted]
    headers = {"X-SPARQL-Truncated": "true"} if result.truncated else {}
    return Response(content=serialize(result, wanted), media_type=media_type, headers=headers)
