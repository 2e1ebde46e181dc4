"""Exporters by format name: each turns the current build (optionally filtered) into bytes.

Why a registry: the CLI (`policykg export --format F`) and the API (`GET /api/export/{F}`) share one table
of formats, media types and file suffixes; adding a format is adding one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from search_api.datadir import BuildDir


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportRequest:
    """Filters that cut an export to a subgraph; all None means the whole graph."""

    doc: str | None = None
    unit: str | None = None
    topic: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Exporter:
    """One format: how to render it and how to serve it."""

    name: str
    media_type: str
    suffix: str
    render: Callable[[BuildDir, ExportRequest], bytes]


def _model_json(build: BuildDir, request: ExportRequest) -> bytes:
    from search_api.build import MODEL_FILE

    return build.file(MODEL_FILE).read_bytes()


EXPORTERS: dict[str, Exporter] = {
    "json": Exporter(name="json", media_type="application/json", suffix=".json", render=_model_json),
}
