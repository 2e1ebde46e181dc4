"""The unit succession table (``ontology/succession.tsv``): which body type replaced which, and which renamed
unit of the corpus each row explains.

Why apart from :mod:`kg.changes` (its RDF): answering a question needs only the table; keeping rdflib out of
that path saves a cold ``policykg ask`` the 65 ms rdflib takes to import.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.model import Unit

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


