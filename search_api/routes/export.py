"""``GET /api/export/{format}``: whatever the exporters registry holds, filtered by doc/unit/topic."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from search_api.errors import NotFound
from search_api.exporters import EXPORTERS, ExportRequest
from search_api.routes.deps import SnapshotDep

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
    format: Annotated[str, Path(max_length=40, description="a format name from GET /api/export")],
    doc: Annotated[str | None, Query(max_length=500)] = None,
    unit: Annotated[str | None, Query(max_length=200)] = None,
    topic: Annotated[str | None, Query(max_length=200)] = None,
    download: Annotated[bool, Query(description="ask the browser to save the file")] = False,
) -> Response:
    """The bytes the exporter renders, with its media type."""
    exporter = EXPORTERS.get(format)
    if exporter is None:
        raise NotFound(f"no export format {format!r}", hint="known: " + ", ".join(sorted(EXPORTERS)))
    payload = exporter.render(snapshot.build, ExportRequest(doc=doc, unit=unit, topic=topic))
    headers = {}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="policykg{exporter.suffix}"'
    return Response(content=payload, media_type=exporter.media_type, headers=headers)
