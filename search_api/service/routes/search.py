"""``GET /api/search`` and ``GET /api/ask``: the same JSON as ``policykg search --json`` and ``policykg ask --json``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from search_api.errors import BadParameter
from search_api.inputs import NOT_BLANK
from search_api.service.error_handlers import MAX_QUERY_CHARS, check_length
from search_api.service.routes.deps import SnapshotDep, json_result
from search_api.service.schemas import AskAnswer, SearchAnswer

router = APIRouter(prefix="/api", tags=["search"])

Kind = Literal["article", "task", "obligation", "unit", "law"]


@router.get("/search", response_model=SearchAnswer, summary="Full-text search (keywords, Chinese or English)")
def search(
    snapshot: SnapshotDep,
    q: Annotated[
        str,
        Query(
            max_length=MAX_QUERY_CHARS,
            description="keywords; filters such as kind:task unit:区财政局 doc:… due:2019 are understood",
        ),
    ],
    kind: Annotated[Kind | None, Query(description="only hits of this kind")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> Response:
    """Hits best first with highlighted snippets; free text that is not query syntax is searched as text."""
    check_length("q", q, MAX_QUERY_CHARS)
    if not q.strip():
        raise BadParameter("parameter 'q' is empty", code="empty_query", hint="type a keyword or a question")
    return json_result(snapshot.search(q, kind=kind, limit=limit, offset=offset))


@router.get("/ask", response_model=AskAnswer, summary="Who is responsible? Units ranked, with evidence")
def ask(
    snapshot: SnapshotDep,
    q: Annotated[
        str,
        Query(
            max_length=MAX_QUERY_CHARS,
            pattern=NOT_BLANK,
            description="a question: 谁负责电梯安全 / who is responsible for …",
        ),
    ],
) -> Response:
    """The responsible units, best first, each with role, successor and quoted evidence."""
    check_length("q", q, MAX_QUERY_CHARS)
    if not q.strip():
        raise BadParameter("parameter 'q' is empty", hint="ask a question such as 谁负责电梯安全")
    return json_result(snapshot.ask(q))
