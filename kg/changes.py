"""Unit succession as W3C ORG ChangeEvents, from ``ontology/succession.tsv``.

Why two layers: the table relates body *types* without a level prefix (安全生产监督管理局 → 应急管理局), one
``org:ChangeEvent`` per row between two ``pkg:GenericBody`` nodes; a unit of the corpus that was renamed
(区安监局, whose register entry names its successor 区应急管理局) gets its own ChangeEvent from the unit to the
successor body, ``prov:wasDerivedFrom`` the table's event, plus the shortcut ``pkg:successor``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from rdflib import RDF, RDFS, XSD, Graph, Literal
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

from ingest.model import Unit
from kg import iris
from ontology.namespace import PKG

_LEVEL_PREFIX = "区县市省旗州委"


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One row of the succession table."""

    old: str
    new: str
    date: str
    event: str
    applies: str
    basis: str
    note: str


def parse_succession(text: str) -> tuple[Change, ...]:
    """Rows of a succession table (tab-separated, ``#`` comments, a header row).

    >>> rows = parse_succession("# c\\nold\\tnew\\tdate\\tevent\\tapplies\\tbasis\\tnote\\n甲局\\t乙局\\t2019-03\\tmerge\\tall\\tb\\tn\\n")
    >>> (rows[0].old, rows[0].new, rows[0].event)
    ('甲局', '乙局', 'merge')
    """
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = [*line.split("\t"), *[""] * 7][:7]
        if cells[0] == "old":
            continue
        rows.append(
            Change(
                old=cells[0],
                new=cells[1],
                date=cells[2],
                event=cells[3],
                applies=cells[4],
                basis=cells[5],
                note=cells[6],
            )
        )
    return tuple(rows)


@cache
def load_succession() -> tuple[Change, ...]:
    """The packaged ``ontology/succession.tsv`` (an empty table if it is not there)."""
    resource = files("ontology").joinpath("succession.tsv")
    return parse_succession(resource.read_text(encoding="utf-8")) if resource.is_file() else ()


def strip_level(name: str) -> str:
    """A body name without its level prefix: 区应急管理局 → 应急管理局.

    >>> strip_level("区委政法委员会")
    '政法委员会'
    """
    index = 0
    while index < len(name) - 2 and name[index] in _LEVEL_PREFIX:
        index += 1
    return name[index:]


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


def _row_for(unit: Unit, changes: tuple[Change, ...]) -> Change | None:
    new = strip_level(unit.successor or "")
    candidates = [change for change in changes if change.new == new]
    names = [unit.name, *(alias.text for alias in unit.aliases), *([unit.function] if unit.function else [])]
    for change in candidates:
        if any(change.old in name for name in names):
            return change
    return candidates[0] if len(candidates) == 1 else None


def unit_changes(units: Iterable[Unit], changes: tuple[Change, ...]) -> Iterator[tuple[Unit, Change | None]]:
    """Every renamed unit with the table row that explains it (None when no row fits)."""
    for unit in units:
        if unit.successor and unit.successor != unit.name:
            yield unit, _row_for(unit, changes)


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
