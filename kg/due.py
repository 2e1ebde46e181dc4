"""Deadlines: the tasks due by a date, open or overdue relative to today (or a given day).

Ongoing deadlines (长期, 持续推进) never fall due and are left out; a task whose deadline could not be read
into a date is left out too (it is listed by ``policykg trace``/``unit`` with its deadline as printed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg import iris, queries
from kg.store import GraphStore, Row

if TYPE_CHECKING:
    from kg.topic_table import TopicTable


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
    doc_title: str = ""  # the document's title: a large build's list mixes documents

    def to_json(self) -> dict[str, Any]:
        """``{"doc", "doc_title", "number", "text", "deadline", "due", "status", "units"}``."""
        return {
            "doc": self.doc,
            "doc_title": self.doc_title,
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
    soonest first (then by document and number)."""
    today = as_of or dt.date.today()
    return _due_tasks(store, store.select(queries.due_tasks_sparql(by, _unit_iri(store, unit))), today)


def due_page(
    store: GraphStore,
    *,
    by: dt.date | None = None,
    as_of: dt.date | None = None,
    unit: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    table: TopicTable | None = None,
) -> tuple[tuple[DueTask, ...], int]:
    """Tasks ``offset`` … ``offset + limit`` (to the end when None) of :func:`due_tasks`, in its order, and how
    many there are.

    Why two reads: the order needs only each task's due date (its document and number are in its IRI), and
    the text, deadline and units are read for the page alone; at 10,000 documents, 32,000 tasks due by 2019,
    a page of 50 costs 1.6 s instead of 9. ``table`` (the build's, :mod:`kg.due_table`) orders and counts
    them without the store (0.6 s → a few ms for those 32,000)."""
    today = as_of or dt.date.today()
    unit_iri = _unit_iri(store, unit)
    from_table = table.due_page_tasks(by=by, unit=unit_iri, limit=limit, offset=offset) if table else None
    if from_table is not None:
        page, total = from_table
        if not page:
            return (), total
        return _due_tasks(store, store.select(queries.due_tasks_sparql(by, unit_iri, page)), today), total
    dated = [(str(row["due"]), *key, str(row["task"])) for row in store.select(queries.due_dates_sparql(by, unit_iri))
             if (key := iris.task_key(str(row["task"]))) is not None]
    dated.sort()
    page = [task for _due, _doc, _number, task in dated[offset : None if limit is None else offset + limit]]
    if not page:
        return (), len(dated)
    return _due_tasks(store, store.select(queries.due_tasks_sparql(by, unit_iri, page)), today), len(dated)


def _due_tasks(store: GraphStore, rows: list[Row], today: dt.date) -> tuple[DueTask, ...]:
    """The rows as tasks, soonest first, each with its document's title.

    Why the titles in a query of their own: joined into the tasks' query (even as an OPTIONAL) they led the
    store to a plan that ran for minutes on a page of 50 tasks at 10,000 documents."""
    ids = sorted({str(row["doc"]) for row in rows})
    titles = {str(row["doc"]): str(row["title"]) for row in store.select(queries.document_titles_sparql(ids))} if ids else {}
    tasks = (_due_task(row, today, titles.get(str(row["doc"]), "")) for row in rows)
    return tuple(sorted(tasks, key=lambda t: (t.due, t.doc, t.number)))


def _unit_iri(store: GraphStore, unit: str | None) -> str | None:
    if not unit:
        return None
    from kg.profile import find_unit

    return find_unit(store, unit)


def _due_task(row: Row, today: dt.date, title: str) -> DueTask:
    due = str(row["due"])
    names = str(row["names"] or "").split(queries.NAME_SEPARATOR)
    return DueTask(
        doc=str(row["doc"]),
        doc_title=title,
        number=int(row["number"] or 0),
        text=str(row["text"]),
        deadline=None if row["deadline"] is None else str(row["deadline"]),
        due=due,
        status=status(due, today),
        units=tuple(sorted({name for name in names if name})),
    )
