"""SHACL validation of a graph against ``ontology/shapes.ttl`` (pyshacl), as a small JSON-ready report.

Why a report of plain values: the build writes it into the manifest and ``policykg validate`` prints it; both
want the focus node, the path and the Chinese message of each result, not pyshacl's RDF report graph.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from rdflib import Graph
from rdflib.namespace import SH

MAX_RESULTS = 200  # results kept in a report (the counts always cover all of them)


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One SHACL result: which node broke which rule, in the shapes' own (Chinese) words."""

    focus: str
    path: str
    message: str
    severity: str
    value: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """Whether the graph conforms, with counts per message and the first :data:`MAX_RESULTS` findings."""

    conforms: bool
    total: int
    by_message: dict[str, int] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (the manifest's ``validation`` entry and ``policykg validate --json``)."""
        return {
            "conforms": self.conforms,
            "total": self.total,
            "by_message": dict(sorted(self.by_message.items())),
            "findings": [
                {"focus": f.focus, "path": f.path, "message": f.message, "severity": f.severity, "value": f.value}
                for f in self.findings
            ],
        }


def load_shapes() -> Graph:
    """The packaged shapes graph."""
    text = files("ontology").joinpath("shapes.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


def _short(term: object) -> str:
    text = str(term) if term is not None else ""
    return text.rsplit("#", 1)[-1] if "#" in text else text


def validate_graph(graph: Graph, *, shapes: Graph | None = None) -> Report:
    """Run the shapes over ``graph`` (no inference: the builder states every type it relies on)."""
    from pyshacl import validate

    conforms, results_graph, _text = validate(
        graph, shacl_graph=shapes if shapes is not None else load_shapes(), inference="none",
        advanced=False, allow_warnings=True,
    )
    findings = []
    for result in results_graph.subjects(SH.resultSeverity, None):
        findings.append(
            Finding(
                focus=str(results_graph.value(result, SH.focusNode)),
                path=_short(results_graph.value(result, SH.resultPath)),
                message=str(results_graph.value(result, SH.resultMessage) or ""),
                severity=_short(results_graph.value(result, SH.resultSeverity)),
                value=str(results_graph.value(result, SH.value) or ""),
            )
        )
    findings.sort(key=lambda f: (f.message, f.focus, f.path, f.value))
    counts = Counter(f.message for f in findings)
    return Report(
        conforms=bool(conforms), total=len(findings), by_message=dict(counts), findings=tuple(findings[:MAX_RESULTS])
    )
