"""The work-safety thesaurus: SKOS well-formedness, hierarchy, label matching, JSON form, corpus coverage."""

from __future__ import annotations

import ast
import itertools
import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import RDF, SKOS, Graph, Literal, URIRef

from ontology.thesaurus import (
    SCHEME_IRI,
    THESAURUS_PATH,
    TOPIC_NS,
    Concept,
    Thesaurus,
    ThesaurusError,
    UnknownConcept,
    english_tokens,
    load_thesaurus,
    singular_forms,
)

# Concepts so broad that matching them alone says little about an article's topic.
GENERIC = frozenset(
    {
        "work-safety",
        "enterprises",
        "accidents",
        "government-responsibility",
        "safety-responsibility",
        "comprehensive-supervision",
        "law-enforcement",
        "legal-framework",
        "legal-liability",
        "definitions",
        "entry-into-force",
    }
)
SEED_ARTICLE = re.compile(r"^（[一二三四五六七八九十]+）")
LAW_ARTICLE = re.compile(r"^第[一二三四五六七八九十百零]+条[ \u3000]")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(THESAURUS_PATH, format="turtle")


@pytest.fixture(scope="module")
def th() -> Thesaurus:
    return load_thesaurus()


# -- corpus splitting (done here, independently of ingest/) ----------------------------------------------
def seed_articles(text: str) -> list[str]:
    """Each （一）…（三十三） paragraph with the paragraphs that follow it up to the next heading."""
    articles: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if SEED_ARTICLE.match(line):
            current = [line]
            articles.append(current)
        elif re.match(r"^[一二三四五六七八九十]+、", line) or "重点任务分工方案" in line:
            current = None
        elif current is not None:
            current.append(line)
    return ["\n".join(a) for a in articles]


def seed_tasks(text: str) -> list[str]:
    """The task-table rows: after 重点任务分工方案, the line after each line that is only a number."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "重点任务分工方案" in line)
    rows = lines[start + 1 :]
    return [rows[i + 1].strip() for i, line in enumerate(rows[:-1]) if line.strip().isdigit()]


def law_articles(path: Path) -> list[str]:
    """Each 第X条 of a law file with its following paragraphs (headings end an article)."""
    body = path.read_text(encoding="utf-8").split("<!-- INFO END -->", 1)[1]
    articles: list[list[str]] = []
    current: list[str] | None = None
    for line in body.splitlines():
        if LAW_ARTICLE.match(line):
            current = [line]
            articles.append(current)
        elif line.startswith("#"):
            current = None
        elif current is not None:
            current.append(line)
    return ["\n".join(a).strip() for a in articles]


@pytest.fixture(scope="module")
def laws(laws_dir: Path) -> dict[str, list[str]]:
    return {p.name: law_articles(p) for p in sorted(laws_dir.glob("*.md")) if p.name != "SOURCES.md"}


# -- the Turtle itself ------------------------------------------------------------------------------------
def test_turtle_is_one_skos_scheme_with_bilingual_concepts(graph: Graph) -> None:
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert schemes == {URIRef(SCHEME_IRI)}
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) >= 150
    for c in concepts:
        assert str(c).startswith(TOPIC_NS)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(c)[len(TOPIC_NS) :]), c
        prefs = Counter(o.language for o in graph.objects(c, SKOS.prefLabel) if isinstance(o, Literal))
        assert prefs == Counter({"zh": 1, "en": 1}), c
        assert set(graph.objects(c, SKOS.inScheme)) == {URIRef(SCHEME_IRI)}, c
        for label in graph.objects(c, SKOS.altLabel):
            assert isinstance(label, Literal) and label.language in ("zh", "en"), (c, label)
            assert str(label) == str(label).strip() and str(label), (c, label)


def test_turtle_writes_broader_and_narrower_both_ways(graph: Graph) -> None:
    broader = set(graph.subject_objects(SKOS.broader))
    narrower = {(o, s) for s, o in graph.subject_objects(SKOS.narrower)}
    assert broader == narrower
    assert broader


def test_top_concepts_are_exactly_the_roots(graph: Graph) -> None:
    roots = {c for c in graph.subjects(RDF.type, SKOS.Concept) if (c, SKOS.broader, None) not in graph}
    assert set(graph.objects(URIRef(SCHEME_IRI), SKOS.hasTopConcept)) == roots
    assert set(graph.subjects(SKOS.topConceptOf, URIRef(SCHEME_IRI))) == roots


# -- the loaded thesaurus ---------------------------------------------------------------------------------
def test_loaded_concepts_match_the_turtle(th: Thesaurus, graph: Graph) -> None:
    assert len(th) == len(set(graph.subjects(RDF.type, SKOS.Concept)))
    assert [c.id for c in th.concepts] == sorted(c.id for c in th.concepts)
    elevator = th["elevator"]
    assert elevator.iri == TOPIC_NS + "elevator"
    assert (elevator.pref_zh, elevator.pref_en) == ("电梯", "elevator")
    assert "lift" in elevator.alt_en


def test_hierarchy_is_symmetric_and_acyclic(th: Thesaurus) -> None:
    for c in th:
        for parent in c.broader:
            assert c.id in th.narrower(parent)
        for child in c.narrower:
            assert c.id in th.broader(child)
        assert c.id not in th.ancestors(c.id)
        assert c.id not in th.descendants(c.id)
    assert set(th.top_concepts()) == {c.id for c in th if not c.broader}


@pytest.mark.parametrize(
    ("child", "ancestor"),
    [
        ("电梯", "特种设备"),
        ("起重机械", "特种设备"),
        ("游乐设施", "特种设备"),
        ("锅炉", "特种设备"),
        ("压力容器", "特种设备"),
        ("压力管道", "特种设备"),
        ("客运索道", "特种设备"),
        ("场(厂)内专用机动车辆", "特种设备"),
        ("非煤矿山", "矿山"),
        ("脚手架", "建筑施工"),
        ("施工用电", "建筑施工"),
        ("施工机械", "建筑施工"),
        ("火灾", "消防"),
        ("农村公路", "道路交通"),
        ("危险物品运输", "道路交通"),
        ("客运车辆", "道路交通"),
        ("农村公路", "交通运输"),
        ("职业病", "职业健康"),
        ("职业健康体检", "职业病"),
        ("应急预案", "应急救援"),
        ("应急演练", "应急救援"),
        ("救援队伍", "应急救援"),
        ("重大隐患", "隐患排查治理"),
        ("挂牌督办", "隐患排查治理"),
        ("风险分级管控", "风险管控"),
        ("重大危险源", "风险管控"),
        ("风险评估", "风险管控"),
        ("行政执法", "监管执法"),
        ("执法监督", "监管执法"),
        ("移动执法终端", "监管执法"),
        ("委托执法", "监管执法"),
        ("双随机一公开", "监管执法"),
        ("党政同责", "安全生产责任"),
        ("一岗双责", "安全生产责任"),
        ("责任清单", "安全生产责任"),
        ("主体责任", "安全生产责任"),
        ("属地监管", "安全生产责任"),
        ("行业监管", "安全生产责任"),
        ("一票否决", "考核"),
        ("安全生产费用", "安全投入"),
        ("专项资金", "安全投入"),
        ("安全生产责任保险", "安全投入"),
        ("工伤保险", "保险"),
        ("一张网", "安全生产信息化"),
        ("信息平台", "安全生产信息化"),
        ("注册安全工程师", "社会化服务"),
        ("技术服务机构", "社会化服务"),
        ("政府购买服务", "社会化服务"),
        ("智能装备", "科技兴安"),
        ("机械化换人", "科技兴安"),
        ("安全生产月", "宣传教育培训"),
        ("12350", "宣传教育培训"),
        ("黑名单", "诚信体系"),
        ("失信惩戒", "诚信体系"),
        ("玻璃幕墙", "城市运行安全"),
        ("大型群众性活动", "城市运行安全"),
        ("人员密集场所", "城市运行安全"),
        ("三同时", "安全准入"),
        ("行政许可", "安全准入"),
        ("安全生产委员会", "监管体制"),
        ("网格化监管", "监管体制"),
        ("实名制监管", "监管体制"),
        ("安全生产监管机构", "监管体制"),
        ("职业禁入", "法规制度"),
        ("责任追究", "法规制度"),
    ],
)
def test_required_hierarchy(th: Thesaurus, child: str, ancestor: str) -> None:
    c, a = th.lookup(child), th.lookup(ancestor)
    assert c is not None and a is not None, (child, ancestor)
    assert a.id in th.ancestors(c.id)
    assert c.id in th.descendants(a.id)


@pytest.mark.parametrize(
    "label",
    [
        "危险化学品",
        "危化品",
        "烟花爆竹",
        "民用爆炸物品",
        "燃气",
        "城镇燃气",
        "消防安全",
        "职业病防治",
        "职业病危害",
        "应急管理",
        "事故调查处理",
        "考核评价",
        "安全生产标准化",
        "自然灾害",
        "金属冶炼",
        "粉尘",
        "粉尘涉爆",
        "有限空间",
        "高层建筑",
        "大型综合体",
        "危旧房屋",
        "渣土堆场",
        "隧道桥梁",
        "管线管廊",
        "供水",
        "排水",
        "电力设施",
        "举报",
        "安全教育",
        "自动化减人",
        "大型游乐设施",
    ],
)
def test_required_labels_resolve(th: Thesaurus, label: str) -> None:
    assert th.lookup(label) is not None, label


def test_abbreviation_resolves_to_the_full_term(th: Thesaurus) -> None:
    hazchem = th.lookup("危化品")
    assert hazchem is not None and hazchem.pref_zh == "危险化学品"
    matches = th.find_in_text("加强危化品运输企业管理")
    assert (matches[0].concept_id, matches[0].surface) == (hazchem.id, "危化品")
    assert th.lookup("LIFT") == th.lookup("电梯") == th["elevator"]


def test_labels_belong_to_one_concept_each(th: Thesaurus) -> None:
    """Exact duplicates are refused by the loader; this also catches English labels equal up to plurals."""
    entries = []
    for c in th:
        for label in c.en_labels:
            entries.append((tuple(singular_forms(t) for _, _, t in english_tokens(label)), label, c.id))
    by_length: dict[int, list[tuple]] = {}
    for entry in entries:
        by_length.setdefault(len(entry[0]), []).append(entry)
    clashes = [
        (a[1], a[2], b[1], b[2])
        for group in by_length.values()
        for i, a in enumerate(group)
        for b in group[i + 1 :]
        if a[2] != b[2] and all(x & y for x, y in zip(a[0], b[0], strict=True))
    ]
    assert clashes == []


# -- matching -----------------------------------------------------------------------------------------------
def test_find_in_text_is_longest_first_and_offsets_are_verbatim(th: Thesaurus) -> None:
    text = "强制推行安全生产责任保险制度，加强危险化学品和场（厂）内专用机动车辆安全监管。"
    matches = th.find_in_text(text)
    for m in matches:
        assert text[m.start : m.end] == m.surface == m.label
    assert all(a.end <= b.start for a, b in itertools.pairwise(matches))
    ids = [m.concept_id for m in matches]
    assert "liability-insurance" in ids and "safety-responsibility" not in ids
    assert "hazardous-chemicals" in ids
    assert "in-plant-vehicles" in ids
    assert th.find_in_text(text) == matches  # deterministic


def test_find_in_text_on_empty_and_unrelated_text(th: Thesaurus) -> None:
    assert th.find_in_text("") == []
    assert th.find_in_text("今天天气很好。") == []


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who is responsible for elevator safety?", "elevator"),
        ("who is responsible for elevator safety", "elevator"),
        ("Which department inspects ELEVATORS?", "elevator"),
        ("lifts in residential buildings", "elevator"),
        ("rules on hazardous chemicals storage", "chemicals-storage"),
        ("hazardous chemicals in schools", "hazardous-chemicals"),
        ("hazmat", "hazardous-chemicals"),
        ("occupational disease prevention", "occupational-disease"),
        ("fireworks retail", "fireworks"),
        ("special equipment", "special-equipment"),
        ("emergency rescue teams", "rescue-teams"),
        ("emergency rescue", "emergency-response"),
        ("hidden hazard investigation", "hazard-investigation"),
        ("hidden hazards", "hazard-investigation"),
        ("non-coal mines", "non-coal-mines"),
        ("non coal mine", "non-coal-mines"),
        ("construction safety", "construction-safety"),
        ("gas safety", "gas-safety"),
        ("rural roads", "rural-roads"),
        ("work safety liability insurance", "liability-insurance"),
        ("the blacklist system", "blacklist"),
        ("tower cranes", "lifting-machinery"),
        ("work injury insurance", "work-injury-insurance"),
        ("confined spaces", "confined-spaces"),
        ("major hazard installations", "major-hazard-installations"),
        ("double random inspections", "double-random"),
        ("registered safety engineers", "registered-safety-engineers"),
    ],
)
def test_english_questions_find_their_topic(th: Thesaurus, question: str, expected: str) -> None:
    matches = th.find_english(question)
    assert expected in [m.concept_id for m in matches], matches
    for m in matches:
        assert question[m.start : m.end] == m.surface


def test_english_matching_respects_word_boundaries(th: Thesaurus) -> None:
    assert th.find_english("shoplifting") == []
    assert th.find_english("gasoline") == []
    assert [m.concept_id for m in th.find_english("Gases")] == ["gas-safety"]


def test_find_all_merges_languages_by_position(th: Thesaurus) -> None:
    matches = th.find_all("电梯 and fireworks")
    assert [m.concept_id for m in matches] == ["elevator", "fireworks"]


def test_labels_and_query_expansion(th: Thesaurus) -> None:
    labels = th.labels("elevator")
    assert labels[0] == "电梯" and labels.index("elevator") == len(th["elevator"].zh_labels)
    assert set(th.labels("elevator", lang="en")) >= {"elevator", "lift"}
    expanded = th.labels("special-equipment", lang="zh", descendants=True)
    assert expanded[0] == "特种设备"
    assert {"电梯", "锅炉", "客运索道"} <= set(expanded)


def test_domain_words_are_every_chinese_label(th: Thesaurus) -> None:
    words = th.domain_words()
    assert list(words) == sorted(set(words))
    assert set(words) == {label for c in th for label in c.zh_labels}
    assert {"危化品", "电梯", "隐患排查治理"} <= set(words)
    plain = th.domain_words(plain_only=True)
    assert set(plain) < set(words) and "危化品" in plain
    assert "安全第一、预防为主、综合治理" in words and "安全第一、预防为主、综合治理" not in plain


# -- JSON form ------------------------------------------------------------------------------------------------
def test_json_round_trip(th: Thesaurus, tmp_path: Path) -> None:
    text = th.to_json()
    again = Thesaurus.from_json(text)
    assert again == th
    assert again.to_json() == text
    path = tmp_path / "thesaurus.json"
    path.write_text(text, encoding="utf-8")
    assert load_thesaurus(path) == th
    assert len(text) < THESAURUS_PATH.stat().st_size


def test_json_form_needs_no_rdflib(th: Thesaurus, tmp_path: Path) -> None:
    """Commands load the JSON form to start fast (timed in bench/, never here): it must not import rdflib."""
    import subprocess
    import sys

    code = (
        "import sys; from ontology.thesaurus import Thesaurus; from pathlib import Path; "
        "t = Thesaurus.from_json(Path(sys.argv[1]).read_bytes()); "
        "assert 'rdflib' not in sys.modules, 'rdflib imported'; print(len(t))"
    )
    path = tmp_path / "thesaurus.json"
    path.write_text(th.to_json(), encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=False, cwd=root
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 200


# -- errors -------------------------------------------------------------------------------------------------
def _c(cid: str, zh: str, en: str, **kw) -> Concept:
    return Concept(id=cid, pref_zh=zh, pref_en=en, **kw)


def test_narrower_only_declarations_are_mirrored() -> None:
    small = Thesaurus([_c("a", "甲", "alpha", narrower=("b",)), _c("b", "乙", "beta")])
    assert small.broader("b") == ("a",)
    assert small.descendants("a") == ("b",)


@pytest.mark.parametrize(
    ("concepts", "message"),
    [
        ([_c("a", "甲", "alpha", broader=("b",)), _c("b", "乙", "beta", broader=("a",))], "cycle"),
        ([_c("a", "甲", "alpha", broader=("zzz",))], "unknown concept"),
        ([_c("a", "甲", "alpha"), _c("b", "甲", "beta")], "belongs to both"),
        ([_c("a", "甲", "Alpha"), _c("b", "乙", "alpha ")], "belongs to both"),
        ([_c("a", "甲", "alpha"), _c("a", "乙", "beta")], "twice"),
        ([_c("a", "", "alpha")], "prefLabel"),
    ],
)
def test_bad_thesauri_are_refused(concepts: list[Concept], message: str) -> None:
    with pytest.raises(ThesaurusError, match=message):
        Thesaurus(concepts)


def test_unknown_ids_and_inputs(th: Thesaurus, tmp_path: Path) -> None:
    assert th.get("no-such-topic") is None
    with pytest.raises(UnknownConcept) as info:
        th.broader("no-such-topic")
    assert info.value.code == "unknown_concept"
    with pytest.raises(ThesaurusError, match="not a PolicyKG thesaurus"):
        Thesaurus.from_json('{"format": "other"}')
    with pytest.raises(ThesaurusError, match="cannot read"):
        load_thesaurus(tmp_path / "thesaurus.csv")
    with pytest.raises(ThesaurusError, match="no thesaurus"):
        load_thesaurus(tmp_path / "missing.ttl")


def test_labels_are_data_not_code() -> None:
    """No Chinese string in the loader's code outside docstrings: the wording lives in thesaurus.ttl."""
    tree = ast.parse(Path(THESAURUS_PATH.with_suffix(".py")).read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    literals = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]
    assert [s for s in literals if CJK.search(s)] == []


# -- coverage of the corpus ---------------------------------------------------------------------------------
def _topics(th: Thesaurus, text: str) -> set[str]:
    return {m.concept_id for m in th.find_in_text(text)}


def test_every_seed_article_has_a_specific_topic(th: Thesaurus, seed_text: str) -> None:
    articles = seed_articles(seed_text)
    assert len(articles) == 33
    missing = [a[:40] for a in articles if not _topics(th, a) - GENERIC]
    assert missing == []


def test_every_seed_task_has_a_specific_topic(th: Thesaurus, seed_text: str) -> None:
    tasks = seed_tasks(seed_text)
    assert len(tasks) == 57
    missing = [t[:40] for t in tasks if not _topics(th, t) - GENERIC]
    assert missing == []


def test_every_law_article_has_a_topic_and_most_a_specific_one(
    th: Thesaurus, laws: dict[str, list[str]]
) -> None:
    total = sum(len(v) for v in laws.values())
    assert len(laws) == 9 and total > 700
    untopical = [(name, a[:30]) for name, arts in laws.items() for a in arts if not _topics(th, a)]
    assert untopical == []
    specific = sum(1 for arts in laws.values() for a in arts if _topics(th, a) - GENERIC)
    assert specific / total >= 0.95, specific / total


def test_no_concept_is_a_catch_all(th: Thesaurus, laws: dict[str, list[str]]) -> None:
    articles = [a for arts in laws.values() for a in arts]
    counts = Counter(cid for a in articles for cid in _topics(th, a))
    assert max(counts.values()) < len(articles) / 2, counts.most_common(3)
