"""``GET /healthz``: is the service up, which build does it serve, and that build's manifest."""

from __future__ import annotations

import os

from fastapi import APIRouter

from search_api.service.routes.deps import HolderDep
from search_api.service.schemas import Health

router = APIRouter(tags=["service"])


@router.get("/healthz", response_model=Health, summary="Service health and the served build's manifest")
async def healthz(holder: HolderDep) -> Health:
    """The build in service (when built, from which files, counts); 503 in the error shape when none is built."""
    snapshot = holder.get()
    return Health(
        ok=True,
        build=snapshot.build_id,
        opened_at=snapshot.opened_at,
        reloads=holder.reloads,
        resources=sorted(snapshot.resources),
        manifest=snapshot.manifest,
        store=holder.store_url,
        pid=os.getpid(),
    )
