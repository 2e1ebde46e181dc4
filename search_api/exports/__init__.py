"""Export formats for review meetings: RDF, graph files, tables, pictures, a standalone page and a report.

Why one module per family, loaded lazily: ``policykg export`` lists every format at start-up, but only the
chosen one should pay for rdflib, networkx, openpyxl or Graphviz. :func:`lazy` defers the import until a
format is rendered. Every family renders a :class:`~search_api.exports.filters.Cut` of the build, so the
filters mean the same thing in every format.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from search_api.builds.datadir import BuildDir
    from search_api.exports.registry import ExportRequest

Render = Callable[["BuildDir", "ExportRequest"], bytes]


def lazy(reference: str) -> Render:
    """A render function that imports ``search_api.exports.<module>:<function>`` on first call.

    >>> lazy("rdf:render_turtle").__name__
    'render_turtle'
    """
    module, _, name = reference.partition(":")

    def render(build: BuildDir, request: ExportRequest) -> bytes:
        function: Render = getattr(importlib.import_module(f"search_api.exports.{module}"), name)
        return function(build, request)

    render.__name__ = name
    render.__doc__ = f"Render with search_api.exports.{module}.{name} (imported on first use)."
    return render
