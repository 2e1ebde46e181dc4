"""Issue 14: the build's topic table answers the topic look-ups of ``ask`` exactly as the graph store does."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from kg import iris, queries
from kg.responsibility import _add
from kg.roles import AnswerRole
from kg.store import open_store
from kg.topic_table import TOPIC_TABLE, TopicTable, tasked_sentences
from search_api.builds.datadir import current_build_id
from search_api.facade import RESOURCE_OPENERS, Build

QUESTIONS = Path(__file__).resolve().parents[1] / "bench" / "questions"


def _ask_questions() -> list[str]:
    rows = [json.loads(line) for name in ("dev.jsonl", "hard.jsonl") for line in (QUESTIONS / name).open()]
    return [row["query"] for row in rows if row.get("type") == "ask"]


def _build_path(data_dir: Path) -> Path:
    build_id = current_build_id(data_dir)  # the ``current`` link's target, relative to the data directory
    assert build_id is not None
    return (data_dir / build_id).resolve()


def _multiset(rows: list[dict]) -> Counter:
    return Counter(tuple(sorted((key, str(value)) for key, value in row.items())) for row in rows)


def test_build_writes_topic_table(seed_laws_data_dir: Path) -> None:
    manifest = json.loads((_build_path(seed_laws_data_dir) / "manifest.json").read_text(encoding="utf-8"))
    step = manifest["steps"]["topics"]
    assert (_build_path(seed_laws_data_dir) / TOPIC_TABLE).is_file()
    assert step["tasks"] > 50 and step["obligations"] > 100 and step["sentences"] > 0


@pytest.mark.parametrize("topic", ["elevator", "hazardous-chemicals", "fire-safety", "emergency-response"])
def test_rows_equal_the_stores(seed_laws_data_dir: Path, topic: str) -> None:
    """For a topic and its whole neighbourhood, the table holds the very rows (values and types) of the store."""
    path = _build_path(seed_laws_data_dir)
    store, table = open_store(path), TopicTable.read(path)
    assert table is not None
    with Build.open(seed_laws_data_dir) as build:
        thesaurus = build.require("thesaurus")
        topics = [iris.TOPIC_BASE + c for c in (topic, *thesaurus.descendants(topic), *thesaurus.broader(topic))]
    expected = {
        "tasks": store.select(queries.tasks_for_topics_sparql(topics)),
        "obligations": store.select(queries.obligations_for_topics_sparql(topics)),
        "sentences": tasked_sentences(store, topics),
    }
    assert expected["tasks"] and expected["obligations"]
    for kind, rows in expected.items():
        found = table.rows(kind, topics)
        assert _multiset(found) == _multiset(rows), kind
        assert {type(v) for row in found for v in row.values()} <= {str, int, float, bool, type(None)}
    table.close()


def test_ask_answers_identical_with_and_without_table(seed_laws_data_dir: Path) -> None:
    """Every ask question of the bench sets: the same JSON whether the topic rows come from the table or the store."""
    without_table = {name: opener for name, opener in RESOURCE_OPENERS.items() if name != "topics"}
    with Build.open(seed_laws_data_dir) as fast, Build.open(seed_laws_data_dir, openers=without_table) as slow:
        assert fast.resource("topics") is not None and slow.resource("topics") is None
        questions = [*_ask_questions(), "谁负责电梯安全", "who is responsible for elevator safety"]
        for question in questions:
            assert fast.ask(question).to_json() == slow.ask(question).to_json(), question


def test_build_without_table_answers_from_store(seed_data_dir: Path, tmp_path: Path) -> None:
    """An older build (no topics.sqlite) still answers, from the store, the same as with the table."""
    copy = tmp_path / "data"
    shutil.copytree(seed_data_dir, copy, symlinks=True, ignore=shutil.ignore_patterns(".lock", "*.lease"))
    (_build_path(copy) / TOPIC_TABLE).unlink()
    assert TopicTable.read(_build_path(copy)) is None
    with Build.open(copy) as old, Build.open(seed_data_dir) as new:
        assert old.resource("topics") is None
        answer = old.ask("谁负责电梯安全").to_json()
        assert answer["units"] and answer == new.ask("谁负责电梯安全").to_json()


def test_table_rejects_unknown_kind_and_reads_nothing_for_no_topic(seed_data_dir: Path) -> None:
    table = TopicTable.read(_build_path(seed_data_dir))
    assert table is not None
    with pytest.raises(ValueError, match="unknown row kind 'units'"):
        table.rows("units", ["x"])
    assert table.rows("tasks", []) == []
    table.close()


def test_claims_and_a_holders_rows_are_the_rows_read_another_way(
    seed_laws_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A question scores units and bearers from the claims indexes (no text) and reads whole rows for the ones
    it shows: the claims are the rows' columns, a holder's rows are its rows among all, in the file's order,
    and the indexes are there in a new build."""
    import sqlite3

    from kg.topic_table import CLAIM_COLUMNS

    path = _build_path(seed_laws_data_dir)
    table = TopicTable.read(path)
    assert table is not None
    with Build.open(seed_laws_data_dir) as build:
        thesaurus = build.require("thesaurus")
        topics = [iris.TOPIC_BASE + c for c in ("elevator", "special-equipment", *thesaurus.descendants("special-equipment"))]
    import kg.topic_table

    for kind, holder in (("tasks", "unit"), ("obligations", "bearer")):
        every = table.rows(kind, topics)
        assert len(every) > 5, kind
        # the claims are the rows' columns (flags as stored: 0/1, which the scoring reads as truth values)
        assert Counter(table.claims(kind, topics)) == Counter(
            tuple(int(row[c]) if isinstance(row[c], bool) else row[c] for c in CLAIM_COLUMNS[kind]) for row in every
        )
        holders = sorted({str(row[holder]) for row in every})[:3]
        assert table.rows(kind, topics, holders=holders) == [row for row in every if row[holder] in holders]
        assert table.rows(kind, topics, holders=[]) == []
        with monkeypatch.context() as patch:
            patch.setattr(kg.topic_table, "_BATCH", 1)  # one statement per holder: still the file's order
            assert table.rows(kind, topics, holders=holders) == [row for row in every if row[holder] in holders]
        with sqlite3.connect(path / TOPIC_TABLE) as db:
            columns = ", ".join(f"[{c}]" for c in CLAIM_COLUMNS[kind])
            plan = db.execute(f"EXPLAIN QUERY PLAN SELECT {columns} FROM {kind} WHERE topic = 'x'").fetchall()
            assert f"COVERING INDEX {kind}_claims" in " ".join(str(step) for step in plan), kind
    with pytest.raises(ValueError, match="not read by holder"):
        table.rows("sentences", topics, holders=["x"])
    table.close()


def test_equal_evidence_keeps_the_same_item_in_any_row_order() -> None:
    """Two rows of one task reached through two topics of equal weight: the kept path does not depend on order."""
    row = {"doc": "d", "number": 29, "text": "t", "start": 0, "end": 1}
    first: dict = {}
    second: dict = {}
    for bucket, order in ((first, ("b-topic", "a-topic")), (second, ("a-topic", "b-topic"))):
        for topic in order:
            _add(bucket, "unit", "task", row, (topic, "task", "unit"), 1.0, AnswerRole.LEAD)
    assert first == second
    weight, path, kind, _role, _row = first["unit"][("task", "d", 29)]
    assert (weight, path[0], kind) == (1.0, "a-topic", "task")
    _add(first, "unit", "task", row, ("z-topic", "task", "unit"), 2.0, AnswerRole.LEAD)
    assert first["unit"][("task", "d", 29)][1][0] == "z-topic"  # a heavier row wins whatever its path
