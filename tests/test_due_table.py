"""The due list read from the build's deadline table: the same pages and counts as from the store.

Why: ``policykg due`` (and a due question's view) orders every dated task by due date, document and number;
the build writes that order into ``topics.sqlite`` (:mod:`kg.due_table`) so a large build does not read every
deadline from the store per question. The table must give exactly the store's pages.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from kg.due import due_page
from kg.store import open_store
from kg.topic_table import TOPIC_TABLE, TopicTable
from search_api.builds.datadir import current_build_id
from search_api.facade import Build


def _build_path(data_dir: Path) -> Path:
    build_id = current_build_id(data_dir)
    assert build_id is not None
    return (data_dir / build_id).resolve()


@pytest.mark.parametrize(
    ("by", "unit", "limit", "offset"),
    [
        (dt.date(2019, 12, 31), None, 5, 0),
        (dt.date(2019, 12, 31), None, 5, 5),
        (dt.date(2018, 12, 31), None, None, 0),
        (None, None, 10, 20),
        (None, "区安监局", 3, 1),
        (dt.date(2020, 12, 31), "区财政局", 50, 0),
        (dt.date(2019, 12, 31), None, 5, 10_000),
    ],
)
def test_a_due_page_from_the_table_is_the_stores(
    seed_data_dir: Path, by: dt.date | None, unit: str | None, limit: int | None, offset: int
) -> None:
    path = _build_path(seed_data_dir)
    store, table = open_store(path), TopicTable.read(path)
    assert table is not None
    today = dt.date(2019, 1, 1)
    from_store = due_page(store, by=by, as_of=today, unit=unit, limit=limit, offset=offset)
    from_table = due_page(store, by=by, as_of=today, unit=unit, limit=limit, offset=offset, table=table)
    assert from_table == from_store
    assert from_store[1] > 0 and (offset > from_store[1] or from_store[0])
    table.close()


def test_the_build_writes_the_deadlines_and_an_older_table_falls_back_to_the_store(
    seed_data_dir: Path, tmp_path: Path
) -> None:
    path = _build_path(seed_data_dir)
    with sqlite3.connect(f"file:{path / TOPIC_TABLE}?mode=ro", uri=True) as db:
        (dated,) = db.execute("SELECT count(*) FROM deadlines").fetchone()
    with Build.open(seed_data_dir) as build:
        every = build.due(as_of=dt.date(2019, 1, 1))
        page = build.due(as_of=dt.date(2019, 1, 1), limit=7, offset=3)
    assert dated == len(every.tasks) > 40 and page.total == dated
    assert page.tasks == every.tasks[3:10]
    old = tmp_path / TOPIC_TABLE  # a table written before the deadlines: the store answers
    with sqlite3.connect(path / TOPIC_TABLE) as source, sqlite3.connect(old) as copy:
        source.backup(copy)
        copy.execute("DROP TABLE deadlines")
        copy.execute("DROP TABLE leads")
    table = TopicTable(old)
    assert table.due_page_tasks(by=None, unit=None, limit=5, offset=0) is None
    store = open_store(path)
    assert due_page(store, limit=5, table=table) == due_page(store, limit=5)
    table.close()
