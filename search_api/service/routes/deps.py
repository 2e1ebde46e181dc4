"""Dependencies every route shares: the snapshot of the build to answer from, and the settings.

Why a dependency and not a global: ``create_app(settings)`` puts one :class:`BuildHolder` on ``app.state``;
tests run several apps side by side, each over its own data directory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from search_api.facade import Build, JsonResult, render_json
from search_api.service.state import BuildHolder
from search_api.settings import Settings


async def get_holder(request: Request) -> BuildHolder:
    """The app's build holder."""
    return request.app.state.holder


async def get_snapshot(request: Request) -> AsyncIterator[Build]:
    """The snapshot this request is answered from (the same one from start to end).

    Async so that it runs on the event loop (no thread hop): it costs one readlink once a build is open. A
    dependency with ``yield`` so that the snapshot is counted as in use until the request is done: a rebuild
    swapping it out meanwhile closes it (and lets its folder be pruned) only after this request ends.
    """
    holder: BuildHolder = request.app.state.holder
    with holder.lease() as snapshot:
        yield snapshot


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings


SnapshotDep = Annotated[Build, Depends(get_snapshot)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
HolderDep = Annotated[BuildHolder, Depends(get_holder)]


def json_result(result: JsonResult) -> Response:
    """The response of a question: exactly the text ``policykg … --json`` prints (:func:`render_json`)."""
    return Response(content=render_json(result).encode("utf-8"), media_type="application/json")
