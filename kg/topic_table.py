"""The graph's topic evidence (tasks and obligations by topic), written once per build into an indexed table.

Why: who is responsible for a topic is read from every task and obligation tagged with the topic or a concept
near it. In the graph store that read costs a dozen index look-ups per row (text, span, article, document,
bearer's type), about 0.15 ms a row: at 491 documents a question read 350 rows and spent 60 ms there, and the
cost grows with the corpus. The build writes the very same rows (:func:`kg.queries.tasks_for_topics_sparql`,
:func:`kg.queries.obligations_for_topics_sparql` and :func:`tasked_sentences` over every topic, in the store's
order) into SQLite (stdlib; a file, opened
read-only and immutable, nothing loaded up front), indexed by topic, so a question reads its rows with one
B-tree look-up per topic. The answers are those of the store: ``tests/test_topic_table.py`` compares them.

A build without the file (an older build) answers from the store as before.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from kg import queries
from kg.due_table import due_page_tasks, has_due_rows, write_due_rows
from kg.store import GraphStore, Row, Value, plain_value

TOPIC_TABLE = "topics.sqlite"
KINDS = ("tasks", "obligations", "sentences")
# what scoring a holder needs of a row (no text), in the order kg.responsibility reads them, and who holds it
CLAIM_COLUMNS = {
    "tasks": ("topic", "unit", "role", "doc", "number"),
    "obligations": ("topic", "bearer", "law", "unit", "kind", "strength", "doc", "number"),
}
HOLDER = {"tasks": "unit", "obligations": "bearer"}
_BATCH = 900  # host parameters per statement, below every SQLite build's limit
# the EXISTS flags of each query: stored as 0/1, read back as booleans (a task's ?unit is the unit's IRI)
_BOOLEANS = {"tasks": frozenset(), "obligations": frozenset({"law", "unit"}), "sentences": frozenset({"law"})}


def tasked_sentences(store: GraphStore, topics: Sequence[str] | None) -> list[Row]:
    """The sentences naming one of ``topics`` (any for None) in the articles tasks implement, with their article,
    document, text and span, in two queries (which sentences, then their details) so the cost follows the task
    table, not the corpus."""
    pairs = store.select(queries.tasked_sentences_sparql(topics))
    if not pairs:
        return []
    wanted = sorted({str(pair["sentence"]) for pair in pairs})
    details = {str(row["sentence"]): row for row in store.select(queries.sentence_details_sparql(wanted))}
    return [{**details[str(pair["sentence"])], "topic": pair["topic"]} for pair in pairs if str(pair["sentence"]) in details]


def _query(kind: str, topics: Sequence[str] | None) -> str:
    if kind == "tasks":
        return queries.tasks_for_topics_sparql(topics)
    return queries.obligations_for_topics_sparql(topics)


def _every_row(store: GraphStore, kind: str) -> tuple[Sequence[str], Iterable[Sequence[Value]]]:
    """Column names and rows of ``kind`` for every topic, as the table stores them."""
    if kind == "sentences":
        names, _rows = store.solutions(queries.sentence_details_sparql([]))
        names = (*names, "topic")
        return names, ([_stored(row[name]) for name in names] for row in tasked_sentences(store, None))
    names, solutions = store.solutions(_query(kind, None))
    return names, ([_stored(plain_value(term)) for term in solution] for solution in solutions)


def _stored(value: Value) -> Value:
    return int(value) if isinstance(value, bool) else value


def write_topic_table(_corpus: Any, build_path: Path) -> dict[str, Any]:
    """Build step: every topic's task and obligation rows, from the build's graph, as ``topics.sqlite``."""
    from kg.store import open_store

    store = open_store(build_path)
    path = build_path / TOPIC_TABLE
    path.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    with closing(sqlite3.connect(path)) as db, db:
        for kind in KINDS:
            names, rows = _every_row(store, kind)
            db.execute(f"CREATE TABLE {kind} ({', '.join(f'[{name}]' for name in names)})")
            cursor = db.executemany(f"INSERT INTO {kind} VALUES ({', '.join('?' for _ in names)})", rows)
            db.execute(f"CREATE INDEX {kind}_topic ON {kind} (topic)")
            counts[kind] = cursor.rowcount
        # a row's claim (topic, holder, role, passage) read from an index alone: a question's broad topics
        # bring a hundred thousand rows at 10,000 documents, and scoring needs none of their text
        for kind, columns in CLAIM_COLUMNS.items():
            db.execute(f"CREATE INDEX {kind}_claims ON {kind} ({', '.join(f'[{c}]' for c in columns)})")
        counts["deadlines"] = write_due_rows(store, db)  # the due list's order and count (kg.due_table)
    return {"file": TOPIC_TABLE, **counts}


class TopicTable:
    """The rows of one build's ``topics.sqlite``, read by topic."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._lock = threading.Lock()  # one connection shared by the server's threads
        self._due: bool | None = None  # whether the file holds the deadlines (checked on first use)

    @classmethod
    def read(cls, build_path: Path) -> TopicTable | None:
        """The build's table, or None when the build has none (it predates the table)."""
        path = build_path / TOPIC_TABLE
        return cls(path) if path.is_file() else None

    def rows(self, kind: str, topics: Sequence[str], *, holders: Sequence[str] | None = None) -> list[Row]:
        """The rows the store would give for ``kind`` (``tasks`` or ``obligations``) and these topic IRIs;
        ``holders``: only the rows these units or bearers hold (:data:`HOLDER`; the ones an answer shows)."""
        if kind not in KINDS:
            raise ValueError(f"unknown row kind {kind!r}; use one of {KINDS}")
        if holders is not None and kind not in HOLDER:
            raise ValueError(f"{kind} rows are not read by holder")
        if not topics or (holders is not None and not holders):
            return []
        marks = ", ".join("?" for _ in topics)
        query = f"SELECT rowid, * FROM {kind} WHERE topic IN ({marks})"
        batches = [[]] if holders is None else [list(holders[i : i + _BATCH]) for i in range(0, len(holders), _BATCH)]
        found: list[tuple[Any, ...]] = []
        names: list[str] = []
        with self._lock:
            for batch in batches:
                where = f" AND [{HOLDER[kind]}] IN ({', '.join('?' for _ in batch)})" if batch else ""
                cursor = self._db.execute(query + where + " ORDER BY rowid", [*topics, *batch])
                names = [column[0] for column in cursor.description][1:]
                found += cursor.fetchall()
        if len(batches) > 1:
            found.sort(key=lambda row: row[0])  # the file's order, as one query ordered by rowid gives it
        rows: list[Row] = [dict(zip(names, row[1:], strict=True)) for row in found]
        for flag in _BOOLEANS[kind]:
            for row in rows:
                row[flag] = bool(row[flag])
        return rows

    def claims(self, kind: str, topics: Sequence[str]) -> list[tuple[Any, ...]]:
        """:data:`CLAIM_COLUMNS` of every ``kind`` row of these topics, read from its claims index alone (no
        text): what a holder's score needs. Any order."""
        if kind not in CLAIM_COLUMNS:
            raise ValueError(f"no claims of {kind!r}; use one of {tuple(CLAIM_COLUMNS)}")
        if not topics:
            return []
        marks = ", ".join("?" for _ in topics)
        columns = ", ".join(f"[{c}]" for c in CLAIM_COLUMNS[kind])
        with self._lock:
            return self._db.execute(f"SELECT {columns} FROM {kind} WHERE topic IN ({marks})", list(topics)).fetchall()

    def due_page_tasks(
        self, *, by: dt.date | None, unit: str | None, limit: int | None, offset: int
    ) -> tuple[list[str], int] | None:
        """A due list's page of task IRIs and how many are due (:func:`kg.due_table.due_page_tasks`), or None
        when this table predates the deadlines."""
        with self._lock:
            if self._due is None:
                self._due = has_due_rows(self._db)
            if not self._due:
                return None
            return due_page_tasks(self._db, by=by, unit=unit, limit=limit, offset=offset)

    def close(self) -> None:
        """Release the file."""
        self._db.close()


def topic_rows(store: GraphStore, table: TopicTable | None, kind: str, topics: Sequence[str]) -> list[Row]:
    """Rows of ``kind`` for ``topics``: from the table when the build has one, else from the store."""
    if table is not None:
        return table.rows(kind, topics)
    if kind == "sentences":
        return tasked_sentences(store, topics)
    return store.select(_query(kind, topics))
