"""Deadlines: the tasks due by a date, open or overdue relative to today (or a given day).

Ongoing deadlines (长期, 持续推进) never fall due and are left out; a task whose deadline could not be read
into a date is left out too (it is listed by ``policykg trace``/``unit`` with its deadline as printed).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kg import queries
from kg.store import GraphStore, rows_by


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
) -> list[dict[str, Any]]:
    """Tasks with a due date on or before ``by`` (all dated tasks when None), optionally of one unit (any name).

    Each: ``doc``, ``number``, ``text``, ``deadline`` (as printed), ``due`` (ISO), ``status``, ``units``.
    """
    today = as_of or dt.date.today()
    unit_iri = None
    if unit:
        from kg.profile import find_unit

        unit_iri = find_unit(store, unit)
    out = []
    for _task, rows in rows_by(store.select(queries.due_tasks_sparql()), "task").items():
        first = rows[0]
        if first["ongoing"] or not first["due"]:
            continue
        due = str(first["due"])
        if by is not None and dt.date.fromisoformat(due) > by:
            continue
        if unit_iri is not None and unit_iri not in {row["unit"] for row in rows}:
            continue
        out.append(
            {
                "doc": first["doc"],
                "number": first["number"],
                "text": first["text"],
                "deadline": first["deadline"],
                "due": due,
                "status": status(due, today),
                "units": sorted({str(row["name"]) for row in rows if row["name"]}),
            }
        )
    out.sort(key=lambda t: (t["due"], str(t["doc"]), int(t["number"] or 0)))
    return out
