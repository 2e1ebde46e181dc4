"""``GET /api/graph``: the neighbourhood of a unit, topic, article or task, for the interactive graph view."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from search_api.service.routes.deps import SnapshotDep
from search_api.service.schemas import GraphAnswer

router = APIRouter(prefix="/api", tags=["graph"])
# The node keys _center reads, for the OpenAPI document (the route's own check stays the one that answers).
NODE_PATTERN = r"^(https?://.+|/*(unit|topic)/[^/]+/*|/*doc/[^/]+/(art|task)/[0-9]+(-[^/]*)?/*)$"


@router.get(
    "/graph", response_model=GraphAnswer, summary="Neighbourhood of one node (unit, topic, article, task)"
)
def graph(
    snapshot: SnapshotDep,
    node: Annotated[
        str,
        Query(
            max_length=500,
            json_schema_extra={"pattern": NODE_PATTERN},
            description="unit/<id or alias>, topic/<id>, doc/<doc>/art/<n> or doc/<doc>/task/<n>",
        ),
    ],
    radius: Annotated[int, Query(ge=1, le=3, description="steps from the node")] = 1,
) -> dict:
    """Nodes (IRI, label, kind) and edges (source, target, rel, role) within ``radius`` steps of the node."""
    return snapshot.subgraph(node, radius=radius)
