"""Unit succession as W3C ORG ChangeEvents, from ``ontology/succession.tsv`` (read by :mod:`kg.succession`).

Why two layers: the table relates body *types* without a level prefix (安全生产监督管理局 → 应急管理局), one
``org:ChangeEvent`` per row between two ``pkg:GenericBody`` nodes; a unit of the corpus that was renamed
(区安监局, whose register entry names its successor 区应急管理局) gets its own ChangeEvent from the unit to the
successor body, ``prov:wasDerivedFrom`` the table's event, plus the shortcut ``pkg:successor``.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import RDF, RDFS, XSD, Graph, Literal
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

from ingest.model import Unit
from kg import iris
from kg.succession import Change, load_succession, unit_changes
from ontology.namespace import PKG


def _date_literal(date: str) -> Literal:
    if len(date) == 7:
        return Literal(date, datatype=XSD.gYearMonth)
    if len(date) == 4:
        return Literal(date, datatype=XSD.gYear)
    return Literal(date)


def add_generic_changes(graph: Graph, changes: Iterable[Change]) -> None:
    """One ChangeEvent per table row, between body types."""
    for change in changes:
        event = iris.change_iri(change.old, change.new)
        old, new = iris.body_iri(change.old), iris.body_iri(change.new)
        for body, name in ((old, change.old), (new, change.new)):
            graph.add((body, RDF.type, PKG.GenericBody))
            graph.add((body, RDF.type, ORG.Organization))
            graph.add((body, SKOS.prefLabel, Literal(name, lang="zh")))
        graph.add((event, RDF.type, ORG.ChangeEvent))
        graph.add((event, ORG.originalOrganization, old))
        graph.add((event, ORG.resultingOrganization, new))
        graph.add((old, ORG.changedBy, event))
        graph.add((new, ORG.resultedFrom, event))
        graph.add((event, PKG.changeKind, Literal(change.event)))
        graph.add((event, PKG.applies, Literal(change.applies)))
        if change.date:
            graph.add((event, DCTERMS.date, _date_literal(change.date)))
        if change.basis:
            graph.add((event, DCTERMS.source, Literal(change.basis, lang="zh")))
        if change.note:
            graph.add((event, RDFS.comment, Literal(change.note, lang="zh")))


def add_changes(graph: Graph, units: Iterable[Unit], changes: tuple[Change, ...] | None = None) -> None:
    """The table's ChangeEvents plus one ChangeEvent per renamed unit of the corpus."""
    table = load_succession() if changes is None else changes
    add_generic_changes(graph, table)
    units = tuple(units)
    by_name = {unit.name: unit for unit in units}
    for unit, row in unit_changes(units, table):
        successor_name = unit.successor or ""
        successor_unit = by_name.get(successor_name)
        successor = (
            iris.unit_iri(successor_unit.id) if successor_unit else iris.named_body_iri(successor_name)
        )
        if successor_unit is None:
            graph.add((successor, RDF.type, ORG.Organization))
            graph.add((successor, SKOS.prefLabel, Literal(successor_name, lang="zh")))
        original = iris.unit_iri(unit.id)
        event = iris.unit_change_iri(unit.id)
        graph.add((original, PKG.successor, successor))
        graph.add((event, RDF.type, ORG.ChangeEvent))
        graph.add((event, ORG.originalOrganization, original))
        graph.add((event, ORG.resultingOrganization, successor))
        graph.add((original, ORG.changedBy, event))
        graph.add((successor, ORG.resultedFrom, event))
        if row is not None:
            graph.add((event, PROV.wasDerivedFrom, iris.change_iri(row.old, row.new)))
            graph.add((event, PKG.changeKind, Literal(row.event)))
            if row.date:
                graph.add((event, DCTERMS.date, _date_literal(row.date)))
            graph.add((original, PKG.bodyType, iris.body_iri(row.old)))
