"""``GET /api/export/{format}``: whatever the exporters registry holds, filtered by doc/unit/topic."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from search_api.exports.registry import EXPORTERS
from search_api.inputs import DATE_FORMS, DATE_PATTERN, parse_date
from search_api.service.guards import self_contained_csp
from search_api.service.routes.deps import SnapshotDep

router = APIRouter(prefix="/api/export", tags=["export"])


@router.get("", summary="The export formats")
async def formats() -> dict:
    """Every format of the registry with its media type and file suffix."""
    return {
        "formats": [
            {"name": e.name, "media_type": e.media_type, "suffix": e.suffix, "url": f"/api/export/{e.name}"}
            for _, e in sorted(EXPORTERS.items())
        ]
    }


@router.get("/{format}", summary="Export the build (or a filtered part) in one format")
def export(
    snapshot: SnapshotDep,
    format: Annotated[
        str,
        Path(
            max_length=40,
            json_schema_extra={"enum": sorted(EXPORTERS)},  # documented; an unknown name still answers 404
            description="a format name from GET /api/export",
        ),
    ],
    doc: Annotated[str | None, Query(max_length=500)] = None,
    unit: Annotated[str | None, Query(max_length=200)] = None,
    topic: Annotated[str | None, Query(max_length=200)] = None,
    as_of: Annotated[
        str | None,
        Query(
            max_length=20,
            json_schema_extra={"pattern": DATE_PATTERN},
            description=f"report deadlines as of this date, {DATE_FORMS}",
        ),
    ] = None,
    download: Annotated[bool, Query(description="ask the browser to save the file")] = False,
) -> Response:
    """The bytes the exporter renders, with its media type."""
    result = snapshot.export(format, doc=doc, unit=unit, topic=topic, as_of=parse_date("as_of", as_of, None))
    headers = {}
    if result.media_type.startswith("text/html"):  # inline scripts by design: allowed by hash, nothing else
        headers["Content-Security-Policy"] = self_contained_csp(result.content)
    if download:
        headers["Content-Disposition"] = f'attachment; filename="policykg{result.suffix}"'
    return Response(content=result.content, media_type=result.media_type, headers=headers)
