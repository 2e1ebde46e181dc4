"""Deadlines: the tasks due by a date, open or overdue relative to today (or a given day).

Ongoing deadlines (长期, 持续推进) never fall due and are left out; a task whose deadline could not be read
into a date is left out too (it is listed by ``policykg trace``/``unit`` with its deadline as printed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kg import queries
from kg.store import GraphStore


@dataclass(frozen=True, slots=True, kw_only=True)
class DueTask:
    """A task with a readable due date: where it stands, its deadline as printed and every unit on it."""

    doc: str
    number: int
    text: str
    deadline: str | None  # as printed
    due: str  # ISO date
    status: str  # open | overdue
    units: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """``{"doc", "number", "text", "deadline", "due", "status", "units"}``."""
        return {
            "doc": self.doc,
            "number": self.number,
            "text": self.text,
            "deadline": self.deadline,
            "due": self.due,
            "status": self.status,
            "units": list(self.units),
        }


def status(due: str, as_of: dt.date) -> str:
    """``overdue`` when the due day has passed on ``as_of``, else ``open``.

    >>> status("2018-12-31", dt.date(2019, 1, 1))
    'overdue'
    >>> status("2018-12-31", dt.date(2018, 12, 31))
    'open'
    """
    return "overdue" if dt.date.fromisoformat(due) < as_of else "open"


def due_tasks(
    store: GraphStore,
    *,
    by: dt.date | None = None,
    as_of: dt.date | None = None,
    unit: str | None = None,
) -> tuple[DueTask, ...]:
    """Tasks with a due date on or before ``by`` (all dated tasks when None), optionally of one unit (any name),
    soonest first."""
    today = as_of or dt.date.today()
    unit_iri = None
    if unit:
        from kg.profile import find_unit

        unit_iri = find_unit(store, unit)
    out = []
    for row in store.select(queries.due_tasks_sparql(by, unit_iri)):
        due = str(row["due"])
        names = str(row["names"] or "").split(queries.NAME_SEPARATOR)
        out.append(
            DueTask(
                doc=str(row["doc"]),
                number=int(row["number"] or 0),
                text=str(row["text"]),
                deadline=None if row["deadline"] is None else str(row["deadline"]),
                due=due,
                status=status(due, today),
                units=tuple(sorted({name for name in names if name})),
            )
        )
    out.sort(key=lambda t: (t.due, t.doc, t.number))
    return tuple(out)
