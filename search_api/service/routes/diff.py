"""``GET /api/diff?old=&new=``: what changed from one document to another, the JSON of ``policykg diff --json``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from search_api.inputs import NOT_BLANK
from search_api.service.routes.deps import SnapshotDep, json_result
from search_api.service.schemas import DiffAnswer

router = APIRouter(prefix="/api", tags=["analysis"])

DocQuery = Annotated[
    str, Query(max_length=500, pattern=NOT_BLANK, description="document id, exact title or source path")
]


@router.get("/diff", response_model=DiffAnswer, summary="What changed from one document (a draft) to another")
def diff(snapshot: SnapshotDep, old: DocQuery, new: DocQuery) -> Response:
    """Sections, articles and tasks added, removed, changed (character diffs), moved or renumbered; tasks whose
    units or deadline changed; units that appear or vanish. An unknown ``old`` or ``new`` is a 404."""
    return json_result(snapshot.diff(old, new))
