"""``GET /api/trace`` (article × task matrix with gaps) and ``GET /api/due`` (tasks due by a date)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from search_api.inputs import DATE_FORMS, DATE_PATTERN, parse_date, parse_unit_name
from search_api.service.routes.deps import SnapshotDep, json_result
from search_api.service.schemas import DueAnswer, TraceAnswer

router = APIRouter(prefix="/api", tags=["analysis"])


@router.get("/trace", response_model=TraceAnswer, summary="Traceability: article × task matrix with gaps")
def trace(
    snapshot: SnapshotDep,
    doc: str | None = Query(None, max_length=500, description="document id"),
    limit: Annotated[
        int | None, Query(ge=1, le=1000, description="without doc: at most this many documents, by id")
    ] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="without doc: skip this many documents")] = 0,
) -> Response:
    """The JSON of ``policykg trace --format json``: the matrix, articles without tasks and the other gaps
    (without ``doc``: ``{"documents": [...], "documents_total": n}``, a page of them with ``limit``)."""
    return json_result(snapshot.trace(doc, limit=limit, offset=offset))


@router.get("/due", response_model=DueAnswer, summary="Tasks due by a date")
def due(
    snapshot: SnapshotDep,
    by: Annotated[
        str | None,
        Query(
            max_length=20,
            json_schema_extra={"pattern": DATE_PATTERN},
            description=f"{DATE_FORMS} (default: every dated task)",
        ),
    ] = None,
    unit: Annotated[
        str | None, Query(max_length=200, description="only this unit's tasks (any alias)")
    ] = None,
    as_of: Annotated[
        str | None,
        Query(
            max_length=20,
            json_schema_extra={"pattern": DATE_PATTERN},
            description=f"status open/overdue relative to this date, {DATE_FORMS} (default today)",
        ),
    ] = None,
    limit: Annotated[int | None, Query(ge=1, le=10_000, description="at most this many tasks, soonest first")] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="skip this many tasks first")] = 0,
) -> Response:
    """The JSON of ``policykg due --json``: tasks due by the date with their status (``tasks_total``: how many;
    a page of them with ``limit``)."""
    report = snapshot.due(
        by=parse_date("by", by, None),
        unit=parse_unit_name(unit),
        as_of=parse_date("as_of", as_of, dt.date.today()),
        limit=limit,
        offset=offset,
    )
    return json_result(report)
