"""SHACL validation of a graph against ``ontology/shapes.ttl`` (pyshacl), as a small JSON-ready report.

Why a report of plain values: the build writes it into the manifest and ``policykg validate`` prints it; both
want the focus node, the path and the Chinese message of each result, not pyshacl's RDF report graph.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
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
    return report_of(graph_findings(graph, shapes=shapes))


def graph_findings(
    graph: Graph, *, shapes: Graph | None = None, focus: Callable[[str], bool] | None = None
) -> list[Finding]:
    """Every SHACL result of ``graph``, unsorted; with ``focus``, only results whose focus node it accepts.

    Why ``focus``: the build validates one document's triples at a time, plus the types of the nodes they point
    at (see :mod:`kg.bulk`); those borrowed nodes are validated where they are defined, not again here.
    """
    from pyshacl import validate

    _conforms, results_graph, _text = validate(
        graph, shacl_graph=shapes if shapes is not None else load_shapes(), inference="none",
        advanced=False, allow_warnings=True,
    )
    findings = []
    for result in results_graph.subjects(SH.resultSeverity, None):
        focus_node = str(results_graph.value(result, SH.focusNode))
        if focus is not None and not focus(focus_node):
            continue
        findings.append(
            Finding(
                focus=focus_node,
                path=_short(results_graph.value(result, SH.resultPath)),
                message=str(results_graph.value(result, SH.resultMessage) or ""),
                severity=_short(results_graph.value(result, SH.resultSeverity)),
                value=str(results_graph.value(result, SH.value) or ""),
            )
        )
    return findings


def report_of(findings: Iterable[Finding]) -> Report:
    """The report of some findings (of one graph, or of the parts of one graph validated one at a time).

    ``conforms`` is "no result": the shapes use the default severity (violation) and ``allow_warnings`` makes
    warnings and infos conform, which this mirrors.
    """
    ordered = sorted(findings, key=lambda f: (f.message, f.focus, f.path, f.value))
    counts = Counter(f.message for f in ordered)
    conforms = all(f.severity in ("Warning", "Info") for f in ordered)
    return Report(
        conforms=conforms, total=len(ordered), by_message=dict(counts), findings=tuple(ordered[:MAX_RESULTS])
    )
