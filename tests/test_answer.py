"""`policykg ask`: the index finds the passage, the graph names the units — on the seed plus the laws."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.store import load_build_thesaurus, open_store
from search_api.builds.datadir import open_build
from search_api.search.answer import answer
from search_api.search.engine import open_index
from tests.conftest import TASK_37_LEAD_UNITS, published_store


@pytest.fixture(scope="module")
def ask(seed_laws_data_dir: Path, graph_backend: str, request: pytest.FixtureRequest):
    build = open_build(seed_laws_data_dir)
    remote = graph_backend == "remote"
    store, thesaurus, index = (
        published_store(request.getfixturevalue("oxigraph_server"), build.path) if remote else open_store(build.path),
        load_build_thesaurus(build.path),
        open_index(seed_laws_data_dir),
    )
    return lambda question: answer(question, store=store, thesaurus=thesaurus, index=index).to_json()


@pytest.mark.parametrize(
    "question",
    [
        "谁负责电梯安全", "电梯安全由哪些单位负责", "who is responsible for elevator safety",
        "电梯坏了归谁来管",
    ],
)  # fmt: skip
def test_elevator_safety_is_answered_by_the_units_of_task_37(ask, question: str) -> None:
    data = ask(question)
    assert data["confidence"] == "direct"  # 来管 is how it is asked, not a topic no passage names
    assert [t["id"] for t in data["topics"]] == ["elevator"]
    names = [u["name"] for u in data["units"]]
    assert set(names) == set(TASK_37_LEAD_UNITS)
    for unit in data["units"]:
        cited = {(e["kind"], e["number"]) for e in unit["evidence"]}
        assert ("task", 37) in cited and ("article", 22) in cited
        assert (unit["evidence"][0]["kind"], unit["evidence"][0]["number"]) in {("task", 37), ("article", 22)}
        assert unit["role"] == "lead unit"
        for item in unit["evidence"]:
            assert item["path"][-1].endswith("/unit/" + unit["id"])
    renamed = next(u for u in data["units"] if u["name"] == "区安监局")
    assert renamed["successor"] == "区应急管理局"


def test_an_everyday_who_verb_does_not_pick_the_evidence(ask) -> None:
    """坐电梯出事谁管: 管 is how it is asked; a task saying 管 twice (task 12) came first before it was masked.
    (出事 is a topic word no concept names, so the answer may be only related: no passage speaks of accidents.)"""
    data = ask("坐电梯出事谁管")
    assert {u["name"] for u in data["units"]} == set(TASK_37_LEAD_UNITS)
    for unit in data["units"]:
        assert (unit["evidence"][0]["kind"], unit["evidence"][0]["number"]) in {("task", 37), ("article", 22)}
        assert ("task", 12) not in {(e["kind"], e["number"]) for e in unit["evidence"]}


def test_a_topic_less_everyday_question_is_answered_as_related_by_a_task_holding_two_of_its_words(ask) -> None:
    """No concept is named; task 57 says 新闻 and 广播电视 (two of the question's words): its units, as related.
    One shared word is chance: nothing."""
    data = ask("新闻和广播电视上播的那些东西谁张罗")
    assert data["topics"] == [] and data["confidence"] == "related"
    assert {u["name"] for u in data["units"]} == {"区委宣传部", "区文广局"}
    assert all(u["evidence"][0]["number"] == 57 for u in data["units"])
    assert ask("广播电视上播的那些东西谁张罗")["confidence"] == "none"


@pytest.mark.parametrize(
    ("question", "topic_task"),
    [("娃在学校里上不上安全知识课，这个到底归谁管", 56), ("家门口的燃气管道和玻璃幕墙会不会出问题，到底谁来管", 37)],
)
def test_everyday_context_around_a_named_topic_keeps_the_answer_direct(ask, question: str, topic_task: int) -> None:
    """娃, 家门口 … are the setting of a topic the question names (安全知识, 燃气管道, 玻璃幕墙), and 这个, 到底,
    会不会 are no topic at all: the task that names the topic answers directly."""
    data = ask(question)
    assert data["confidence"] == "direct"
    assert all(u["evidence"][0]["number"] == topic_task for u in data["units"] if u["confidence"] == "direct")


def test_a_word_qualifying_a_named_generic_concept_still_makes_the_topic_unnamed(ask) -> None:
    """游泳场所: only 场所 is a label; 游泳 narrows it, and no passage speaks of swimming."""
    data = ask("游泳场所安全由哪个部门监管？")
    assert data["confidence"] != "direct"


def test_a_duty_word_beside_a_named_topic_is_not_a_topic_of_its_own(ask) -> None:
    """监管 finds the supervision concept, which task 15 (执法队伍建设) carries; the topic is 烟花爆竹 (task 53)."""
    data = ask("谁负责烟花爆竹安全监管")
    assert [t["id"] for t in data["topics"]] == ["fireworks"]
    direct = {u["name"] for u in data["units"] if u["confidence"] == "direct"}
    assert direct and direct <= {"区安监局", "区金融办"}  # task 53's lead units, not task 15's (区人社局, 区编办 …)
    for unit in data["units"]:  # the passage naming 烟花爆竹 is each unit's first reason, not task 15's 监管
        if unit["confidence"] == "direct":
            assert "烟花爆竹" in unit["evidence"][0]["text"]


def test_a_label_negated_by_fei_does_not_name_the_topic(ask) -> None:
    """Task 53 says 非煤矿山 (mines other than coal mines): it does not answer a question about 煤矿."""
    data = ask("煤矿安全由谁负责")
    assert [t["id"] for t in data["topics"]] == ["coal-mines"]
    assert data["confidence"] != "direct"


def test_an_area_that_is_no_jurisdiction_does_not_filter_the_answer_by_place(seed_laws_data_dir: Path) -> None:
    """工业园区和景区 ends in 区 like a district, but names no jurisdiction: the park committees of task 16 answer
    (read as a place, it had left no unit of the build's own district: ``policykg ask`` keeps the asked place's)."""
    from search_api.facade import Build

    data = Build.open(seed_laws_data_dir).ask("工业园区和景区的安全监管机构由谁来设立").to_json()
    assert {u["name"] for u in data["units"]} >= {"王家河园区管委会", "耀州窑文化基地管委会"}


def test_laws_name_the_statutory_regulator(ask) -> None:
    data = ask("谁负责电梯安全")
    regulators = {u["name"]: u for u in data["statutory"]}
    assert (
        "负责特种设备安全监督管理的部门" in regulators or "国务院负责特种设备安全监督管理的部门" in regulators
    )
    cited = {(e["kind"], e["number"]) for u in data["statutory"] for e in u["evidence"]}
    assert ("law_article", 5) in cited  # 特种设备安全法 第五条
    names = [u["name"] for u in data["statutory"]]
    assert not {"单位", "人员", "部门", "机构", "经营"} & set(names)  # no bare heads or split-off modifiers
    assert not [name for name in names if name.startswith(("未", "不"))]  # no clauses read as subjects


def test_hazardous_chemicals_lead(ask) -> None:
    data = ask("which unit leads hazardous chemicals governance")
    assert data["units"][0]["name"] == "区安监局"
    assert ("task", 14) in {(e["kind"], e["number"]) for e in data["units"][0]["evidence"]}


def test_question_without_a_known_topic_still_searches(ask) -> None:
    data = ask("谁负责取消安全生产风险抵押金制度")
    assert {u["name"] for u in data["units"]} == {"区财政局", "区安监局"}


def test_nonsense_question_answers_nothing(ask) -> None:
    data = ask("🙂🙂🙂")
    assert data["units"] == [] and data["topics"] == []


@pytest.mark.parametrize("question", ["谁负责网络安全的监督管理？", "核设施安全由谁监督管理？"])
def test_a_duty_verb_alone_does_not_make_an_unnamed_topic_a_direct_answer(ask, question: str) -> None:
    """监督管理 finds the concept 监管执法 that every supervision task carries; the asked topic is in no passage."""
    data = ask(question)
    assert data["confidence"] != "direct"
    assert all(u["confidence"] != "direct" for u in data["units"])


def test_a_supervision_question_on_a_named_topic_stays_direct(ask) -> None:
    data = ask("谁负责危险化学品的监督管理？")
    assert data["confidence"] == "direct" and data["units"][0]["name"] == "区安监局"
