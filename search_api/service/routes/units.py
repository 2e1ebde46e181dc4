"""Units: the register (``GET /api/units``) and one unit's profile (``GET /api/units/{id}``, any alias accepted)."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from search_api.service.routes.deps import SnapshotDep, json_result
from search_api.service.schemas import UnitList, UnitProfile, UnitSummary

router = APIRouter(prefix="/api/units", tags=["units"])


@router.get("", response_model=UnitList, summary="The unit register")
async def units(snapshot: SnapshotDep) -> UnitList:
    """Every unit with its aliases, successor and how many tasks it leads or co-operates on."""
    lead: Counter[str] = Counter()
    cooperating: Counter[str] = Counter()
    for doc in snapshot.corpus.documents:
        for task in doc.tasks:
            lead.update(set(task.units))
            cooperating.update(set(task.co_units) - set(task.units))
    return UnitList(
        units=[
            UnitSummary(
                id=u.id,
                name=u.name,
                kind=u.kind,
                level=u.level,
                aliases=[a.text for a in u.aliases],
                successor=u.successor,
                is_group=u.is_group,
                members=list(u.members),
                lead_tasks=lead[u.id],
                cooperating_tasks=cooperating[u.id],
            )
            for u in sorted(snapshot.corpus.units, key=lambda u: (-lead[u.id], u.name))
        ]
    )


@router.get(
    "/{unit}", response_model=UnitProfile, summary="A unit's profile (the JSON of `policykg unit --json`)"
)
def unit(
    snapshot: SnapshotDep,
    unit: Annotated[str, Path(description="unit id, name or any alias", max_length=200)],
) -> Response:
    """Its tasks (lead or co-operating) with deadlines, obligations, and co-responsible units."""
    return json_result(snapshot.unit_profile(unit))
