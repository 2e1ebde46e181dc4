"""Every dated deadline of a build, ordered and counted in SQLite: the first read of ``policykg due`` without
the store.

Why: a due list is chosen from each dated task's due date, document and number (:func:`kg.due.due_page`); in
the store that read returns every matching deadline (32,000 tasks due by 2019 at 10,000 documents: 0.6 s a
question), where an indexed table gives the page's tasks and the count directly. The rows are those of
:func:`kg.queries.due_dates_sparql` for tasks (``tests/test_due_table.py`` compares the pages); a build without
the table (an older one) reads the store as before.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import TYPE_CHECKING

from kg import iris, queries

if TYPE_CHECKING:
    from kg.store import GraphStore

TASK_LEADS = f"""{queries.PREFIXES}
SELECT ?task ?unit WHERE {{ ?task a pkg:Task ; pkg:leadUnit ?unit }}"""


def write_due_rows(store: GraphStore, db: sqlite3.Connection) -> int:
    """Write ``deadlines`` (due date, document, number, task: one row a dated, not ongoing deadline of a task)
    and ``leads`` (task, lead unit) into ``db``; returns the deadline rows."""
    rows = [
        (str(row["due"]), *key, str(row["task"]))
        for row in store.select(queries.due_dates_sparql())
        if (key := iris.task_key(str(row["task"]))) is not None
    ]
    db.execute("CREATE TABLE deadlines (due TEXT NOT NULL, doc TEXT NOT NULL, number INTEGER NOT NULL, task TEXT NOT NULL)")
    db.executemany("INSERT INTO deadlines VALUES (?, ?, ?, ?)", rows)
    db.execute("CREATE INDEX deadlines_order ON deadlines (due, doc, number, task)")
    db.execute("CREATE TABLE leads (task TEXT NOT NULL, unit TEXT NOT NULL)")
    db.executemany("INSERT INTO leads VALUES (?, ?)", [(str(r["task"]), str(r["unit"])) for r in store.select(TASK_LEADS)])
    db.execute("CREATE INDEX leads_unit ON leads (unit, task)")
    return len(rows)


def has_due_rows(db: sqlite3.Connection) -> bool:
    """Whether ``db`` holds the tables :func:`write_due_rows` writes (a build before them does not)."""
    found = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('deadlines', 'leads')")
    return int(found.fetchone()[0]) == 2


def due_page_tasks(
    db: sqlite3.Connection, *, by: dt.date | None, unit: str | None, limit: int | None, offset: int
) -> tuple[list[str], int]:
    """The task IRIs of the page (soonest first, then document, number and IRI, as :func:`kg.due.due_page`
    orders them) and how many tasks are due, for ``by`` and a lead ``unit`` IRI when given."""
    where, parameters = [], []
    if by is not None:
        where.append("d.due <= ?")
        parameters.append(by.isoformat())
    join = ""
    if unit is not None:
        join = "JOIN leads l ON l.task = d.task AND l.unit = ?"
        parameters.insert(0, unit)
    clause = f"FROM deadlines d {join} {'WHERE ' + ' AND '.join(where) if where else ''}"
    total = int(db.execute(f"SELECT count(*) {clause}", parameters).fetchone()[0])
    page = db.execute(
        f"SELECT d.task {clause} ORDER BY d.due, d.doc, d.number, d.task LIMIT ? OFFSET ?",
        [*parameters, -1 if limit is None else limit, offset],
    ).fetchall()
    return [task for (task,) in page], total
