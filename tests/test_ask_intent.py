"""`policykg ask` answers what is asked (issue 12): intent, confidence, statutory roles mapped to local bodies.

On the seed plus the laws in ../shared (read in place), through :meth:`search_api.facade.Build.ask` — the one
core the CLI and ``/api/ask`` call.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from search_api.facade import Build
from tests.conftest import ROOT, TASK_37_LEAD_UNITS


@pytest.fixture(scope="module")
def build(seed_laws_data_dir: Path) -> Build:
    return Build.open(seed_laws_data_dir)


@pytest.fixture(scope="module")
def seed_build(seed_data_dir: Path) -> Build:
    return Build.open(seed_data_dir)


@pytest.mark.parametrize("question", ["谁负责消防安全", "which unit leads fire safety"])
def test_fire_safety_is_related_only_and_the_law_names_the_fire_brigade(build: Build, question: str) -> None:
    data = build.ask(question).to_json()
    assert data["intent"] == "responsible"
    # the seed has no fire-safety task: no unit may be answered as directly responsible
    assert data["confidence"] == "related"
    assert data["units"] and all(u["confidence"] == "related" for u in data["units"])
    fire = next(u for u in data["statutory"] if u["name"] == "消防救援机构")
    assert [local["name"] for local in fire["local_units"]] == ["公安消防"]
    assert fire["local_units"][0]["successor"] == "区消防救援大队"
    assert all(e["law"] == "中华人民共和国消防法" for e in fire["evidence"] if e["doc"].startswith("zhrmghgxff"))


def test_elevator_keeps_its_eight_lead_units_and_names_the_special_equipment_regulator(build: Build) -> None:
    data = build.ask("谁负责电梯安全").to_json()
    assert data["confidence"] == "direct"
    assert {u["name"] for u in data["units"]} == set(TASK_37_LEAD_UNITS)
    assert all(u["confidence"] == "direct" for u in data["units"])
    regulators = [u for u in data["statutory"] if "负责特种设备安全监督管理的部门" in u["name"]]
    local = {x["name"] for role in regulators for x in role["local_units"]}
    assert local == {"区市场监管局"}
    # a national role is held by no local body
    assert all(not u["local_units"] for u in data["statutory"] if u["name"].startswith("国务院"))
    names = {u["name"] for u in data["statutory"]}
    assert not {"国家", "使用单位"} & names
    assert not [n for n in names if n.startswith(("以及", "协调", "接到", "从事"))]
    law = next(e for role in regulators for e in role["evidence"])
    assert law["law"] == "中华人民共和国特种设备安全法"
    # every evidence path ends at the unit and, for a task, starts at the article the task implements
    for unit in data["units"]:
        for item in unit["evidence"]:
            assert item["path"][-1].endswith("/unit/" + unit["id"])
            if item["kind"] == "task":
                assert f"/task/{item['number']}" in item["path"][-2]


@pytest.mark.parametrize(
    "question", ["谁负责核电站安全", "who is responsible for nuclear power plant safety", "谁负责网络游戏防沉迷"]
)
def test_questions_outside_the_corpus_answer_none_with_the_nearest_passages(seed_build: Build, question: str) -> None:
    data = seed_build.ask(question).to_json()
    assert data["confidence"] == "none"
    assert data["units"] == []
    assert all(p["text"] and p["kind"] != "unit" for p in data["nearest"])
    if question.startswith("谁"):  # the index reads Chinese words it has; the reader gets the closest passages
        assert data["nearest"]


@pytest.mark.parametrize(
    ("question", "by"),
    [
        ("2019年底前要完成哪些任务", "2019-12-31"),
        ("Which tasks must be finished by the end of 2019?", "2019-12-31"),
        ("2020年上半年要完成哪些任务", "2020-06-30"),
    ],
)
def test_date_questions_answer_the_due_list(seed_build: Build, question: str, by: str) -> None:
    data = seed_build.ask(question, today=dt.date(2019, 1, 1)).to_json()
    assert data["intent"] == "due"
    expected = seed_build.due(by=dt.date.fromisoformat(by), as_of=dt.date(2019, 1, 1)).to_json()
    assert data["due"] == expected
    assert data["due"]["tasks"]


@pytest.mark.parametrize(("question", "unit"), [("区财政局负责什么", "区财政局"), ("区发改委的职责有哪些", "区发展改革局"),
                                                 ("What is 区安监局 responsible for?", "区安监局")])
def test_unit_questions_answer_the_unit_profile(seed_build: Build, question: str, unit: str) -> None:
    data = seed_build.ask(question).to_json()
    assert data["intent"] == "unit"
    assert data["unit_profile"] == seed_build.unit_profile(unit).to_json()


@pytest.mark.parametrize("question", ["第二十二条由哪些任务落实", "（二十二）由哪些任务落实", "which tasks implement article 22"])
def test_article_questions_answer_the_trace(seed_build: Build, question: str) -> None:
    data = seed_build.ask(question).to_json()
    assert data["intent"] == "trace" and data["asked"]["article"] == 22
    traces = data["trace"].get("documents", [data["trace"]])
    assert data["trace"] == seed_build.trace(traces[0]["doc"] if "documents" not in data["trace"] else None).to_json()
    links = [link["task"] for trace in traces for link in trace["links"] if link["article"] == 22]
    assert 37 in links


def test_cli_ask_json_carries_the_view_and_exits_1_on_none(seed_data_dir: Path) -> None:
    def run(question: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "search_api.cli.main", "ask", question, "--json", "--data", str(seed_data_dir)],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )

    unit = run("区财政局负责什么")
    assert unit.returncode == 0 and json.loads(unit.stdout)["unit_profile"]["unit"]["name"] == "区财政局"
    none = run("谁负责太空垃圾清理")
    assert none.returncode == 1 and json.loads(none.stdout)["confidence"] == "none"


@pytest.fixture(scope="module")
def two_districts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed and a neighbouring district's version of it without article (二十二): two documents with a task
    table, the second's id sorting first (北林区 → blq… before 王益区 → wyq…)."""
    from search_api.builds.make import run_build
    from tests.conftest import CORPUS

    folder = tmp_path_factory.mktemp("districts")
    seed = next(CORPUS.glob("*.txt"))
    text = seed.read_text(encoding="utf-8")
    (folder / seed.name).write_text(text, encoding="utf-8")
    other = "\n".join(line for line in text.splitlines() if not line.startswith("（二十二）"))
    (folder / "北林区.txt").write_text(other.replace("王益区", "北林区"), encoding="utf-8")
    data_dir = folder / "data"
    result = run_build([folder], data_dir=data_dir)
    assert result.path is not None and not result.failures
    return data_dir


def test_a_due_question_shows_the_soonest_tasks_and_counts_the_rest(
    seed_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import search_api.facade as facade

    monkeypatch.setattr(facade, "ASK_DUE_TASKS", 5)
    with Build.open(seed_data_dir) as seed_build:  # a build of its own: the shared one keeps its answers
        data = seed_build.ask("2019年底前要完成哪些任务", today=dt.date(2019, 1, 1)).to_json()
        every = seed_build.due(by=dt.date(2019, 12, 31), as_of=dt.date(2019, 1, 1)).to_json()
    assert data["due"]["tasks"] == every["tasks"][:5] and data["due"]["tasks_total"] == len(every["tasks"]) > 5


def test_a_trace_question_of_no_document_shows_where_the_article_is_implemented_first(
    two_districts: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import search_api.facade as facade
    from search_api.cli.main import main

    build = Build.open(two_districts)
    every = build.trace().to_json()["documents"]
    assert len(every) == 2 and every[0]["title"].startswith("北林区")  # by id: the neighbour first
    monkeypatch.setattr(facade, "ASK_TRACE_DOCUMENTS", 1)
    data = build.ask("第二十二条由哪些任务落实").to_json()
    shown = data["trace"]["documents"]
    # the one matrix shown is the document where a task implements article 22, the other is counted
    assert [d["title"][:3] for d in shown] == ["王益区"] and data["trace"]["documents_total"] == 2
    assert 37 in [link["task"] for link in shown[0]["links"] if link["article"] == 22]
    assert main(["ask", "which tasks implement article 22", "--data", str(two_districts)]) == 0
    out = capsys.readouterr().out
    assert "article 22: " in out and "(1 of 2 documents with a task table" in out


def test_trace_pages_through_the_documents_by_id(two_districts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from search_api.cli.main import main

    build = Build.open(two_districts)
    every = build.trace().to_json()["documents"]
    second = build.trace(limit=1, offset=1).to_json()
    assert second == {"documents": every[1:], "documents_total": 2}
    assert main(["trace", "--limit", "1", "--data", str(two_districts)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(every[0]["title"]) and every[1]["title"] not in out
    assert "(1 of 2 documents with a task table, from 0)" in out


def test_due_names_each_tasks_document_when_the_list_mixes_documents(
    two_districts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from search_api.cli.main import main

    build = Build.open(two_districts)
    titles = {d["doc"]: d["title"] for d in build.trace().to_json()["documents"]}
    tasks = build.due(by=dt.date(2019, 12, 31)).to_json()["tasks"]
    assert {task["doc"] for task in tasks} == set(titles)
    assert all(task["doc_title"] == titles[task["doc"]] for task in tasks)
    assert main(["due", "--by", "2019", "--limit", "200", "--data", str(two_districts)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert {line.split()[2][:3] for line in lines[:-1]} == {"王益区", "北林区"}


def test_a_question_asked_again_is_answered_from_the_builds_kept_answers(seed_data_dir: Path) -> None:
    """The same question, limits and day: the answer kept; another limit or day is worked out anew, and the
    kept answers are bounded (the oldest goes first)."""
    import search_api.facade as facade

    with Build.open(seed_data_dir) as fresh:
        first = fresh.ask("谁负责电梯安全")
        assert fresh.ask("谁负责电梯安全") is first
        assert first.to_json()["units"][0]["evidence"][0]["number"] == 37
        fewer = fresh.ask("谁负责电梯安全", limit=2)
        assert fewer is not first and len(fewer.to_json()["units"]) == 2
        day = dt.date(2019, 1, 1)
        due = fresh.ask("2019年底前要完成哪些任务", today=day)
        assert fresh.ask("2019年底前要完成哪些任务", today=dt.date(2019, 6, 1)) is not due
        assert fresh.ask("2019年底前要完成哪些任务", today=day) is due
        for number in range(facade.ASK_CACHE):
            fresh.ask(f"谁负责电梯安全{number}")
        assert len(fresh._answers) == facade.ASK_CACHE
        assert fresh.ask("谁负责电梯安全") is not first  # pushed out by newer questions


def test_the_documents_with_a_task_table_come_from_the_register_as_the_store_has_them(
    two_districts: Path, seed_laws_data_dir: Path
) -> None:
    """A trace question lists the documents with a task table from the build's register (no store query);
    they are the store's, and a register written before it kept them falls back to the store."""
    from dataclasses import replace

    from kg.trace import task_document_ids

    for data_dir, expected in ((two_districts, 2), (seed_laws_data_dir, 1)):
        with Build.open(data_dir) as build:
            listed = build.register.task_documents
            assert listed is not None and len(listed) == expected
            assert list(listed) == task_document_ids(build.require("graph"))
            with_register = build.ask("which tasks implement article 22").to_json()["trace"]
            build.__dict__["register"] = replace(build.register, task_documents=None)  # an older register
            build._answers.clear()
            assert build.ask("which tasks implement article 22").to_json()["trace"] == with_register
