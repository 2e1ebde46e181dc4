"""Obligations: sentence splitting, triggers, bearers, frequencies, quantities and deadlines.

The seed cases are read from the real seed document in ``corpus/`` and two laws from the shared corpus (read
in place, never copied); the unit resolver is a small dict stand-in, since the real one is built elsewhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.frequency import find_deadline, parse_frequency, parse_quantities
from ingest.model import Obligation, Sentence, Span
from ingest.obligations import extract_article_obligations, extract_obligations, split_sentences
from ingest.sentences import split_clauses
from tests.conftest import LAWS

ROOT = Path(__file__).resolve().parents[1]
SEED = next((ROOT / "corpus").glob("王益区*.txt"), None)
UNITS = {
    "区委": "wangyi/quwei",
    "区政府": "wangyi/quzhengfu",
    "区安全生产委员会": "wangyi/anweihui",
    "区安监局": "wangyi/anjianju",
    "黄堡镇": "wangyi/huangbao",
    "耀州窑文化基地管委会": "wangyi/yaozhouyao",
    "王家河工业园区管委会": "wangyi/wangjiahe",
}
_ARTICLE = re.compile(r"^（[一二三四五六七八九十]+）", re.MULTILINE)

needs_seed = pytest.mark.usefixtures("seed_text")  # the seed is part of the repo: never skipped
needs_laws = pytest.mark.usefixtures("laws_dir")  # fails (never skips) when ../shared/corpus/laws is missing


def _seed_text() -> str:
    if SEED is None:
        pytest.fail("seed document not in corpus/")
    return SEED.read_text(encoding="utf-8")


def _policy_obligations(text: str) -> tuple[Obligation, ...]:
    """Split the seed's body (before the task table) into articles at （N） and extract each one."""
    body_end = text.find("重点任务分工方案")
    body = text[: body_end if body_end > 0 else len(text)]
    starts = [m.start() for m in _ARTICLE.finditer(body)]
    found: list[Obligation] = []
    for number, (start, end) in enumerate(zip(starts, [*starts[1:], len(body)], strict=True), start=1):
        sentences = split_sentences(body[start:end], offset=start)
        found.extend(
            extract_article_obligations(sentences, id_prefix=f"seed-a{number}", resolve_unit=UNITS.get)
        )
    return tuple(found)


@pytest.fixture(scope="module")
def seed() -> tuple[str, tuple[Obligation, ...]]:
    text = _seed_text()
    return text, _policy_obligations(text)


def _one(obligations: tuple[Obligation, ...], fragment: str) -> Obligation:
    matches = [ob for ob in obligations if fragment in ob.text]
    assert len(matches) == 1, (fragment, [ob.text for ob in matches])
    return matches[0]


def _check_span(text: str, ob: Obligation, fragment: str) -> None:
    assert text[ob.span.start : ob.span.end] == ob.text
    at = text.index(fragment)
    assert ob.span.start <= at and at + len(fragment) <= ob.span.end
    for bearer in ob.bearers:
        assert text[bearer.span.start : bearer.span.end] == bearer.text


# --- the seed's five required cases -------------------------------------------------------------------------


@needs_seed
def test_seed_party_committee_twice_a_year(seed):
    text, obligations = seed
    fragment = "区委每年至少2次听取安全生产工作汇报"
    ob = _one(obligations, fragment)
    _check_span(text, ob, fragment)
    assert [(b.text, b.unit_id) for b in ob.bearers] == [("区委", "wangyi/quwei")]
    assert ob.frequency is not None
    assert (ob.frequency.period, ob.frequency.min_count, ob.frequency.max_count) == ("year", 2, None)
    assert ob.action.startswith("听取安全生产工作汇报")


@needs_seed
def test_seed_government_each_quarter(seed):
    text, obligations = seed
    fragment = "区政府至少每季度研究部署1次安全生产工作"
    ob = _one(obligations, fragment)
    _check_span(text, ob, fragment)
    assert [b.text for b in ob.bearers] == ["区政府"]
    assert ob.frequency is not None
    assert (ob.frequency.period, ob.frequency.min_count) == ("quarter", 1)


@needs_seed
def test_seed_committee_plenary_each_quarter(seed):
    text, obligations = seed
    fragment = "每季度至少召开1次全体会议"
    ob = _one(obligations, fragment)
    _check_span(text, ob, fragment)
    # 充分发挥区安全生产委员会作用，每季度…: the committee named in 发挥…作用 acts in the following clauses.
    assert [b.unit_id for b in ob.bearers] == ["wangyi/anweihui"]
    assert ob.frequency is not None
    assert (ob.frequency.period, ob.frequency.min_count) == ("quarter", 1)


@needs_seed
def test_seed_four_bearers_and_a_quantity(seed):
    text, obligations = seed
    fragment = "黄堡镇、各街道办、耀州窑文化基地管委会、王家河工业园区管委会要配备2名以上专职安全监管人员"
    ob = _one(obligations, fragment)
    _check_span(text, ob, fragment)
    assert [b.text for b in ob.bearers] == [
        "黄堡镇",
        "各街道办",
        "耀州窑文化基地管委会",
        "王家河工业园区管委会",
    ]
    assert (ob.trigger, ob.modality, ob.strength) == ("要", "shall", 0.8)
    (quantity,) = ob.quantities
    assert (quantity.value, quantity.unit, quantity.comparator, quantity.what) == (
        2,
        "名",
        ">=",
        "专职安全监管人员",
    )


@needs_seed
def test_seed_relative_deadline(seed):
    text, obligations = seed
    fragment = "事故结案后一年内，负责事故调查的有关部门要组织开展评估"
    ob = _one(obligations, fragment)
    _check_span(text, ob, fragment)
    assert [b.role for b in ob.bearers] == ["负责事故调查的有关部门"]
    assert ob.deadline is not None and ob.deadline.relative == "事故结案后一年内"
    assert ob.deadline.span is not None
    assert text[ob.deadline.span.start : ob.deadline.span.end] == "事故结案后一年内"
    assert ob.action.startswith("组织开展评估")


@needs_seed
def test_seed_counts_and_spans(seed):
    text, obligations = seed
    with_action = [ob for ob in obligations if ob.action]
    assert len(with_action) >= 100
    assert len({ob.id for ob in obligations}) == len(obligations)
    for ob in obligations:
        assert text[ob.span.start : ob.span.end] == ob.text
        assert ob.action and ob.action in ob.text
        assert 0.0 < ob.strength <= 1.0
    assert sum(1 for ob in obligations if ob.bearers) >= 100


@needs_seed
def test_seed_is_deterministic(seed):
    text, obligations = seed
    assert _policy_obligations(text) == obligations


# --- laws --------------------------------------------------------------------------------------------------


def _law_article(name: str, label: str) -> tuple[str, tuple[Sentence, ...]]:
    path = LAWS / name
    if not path.exists():
        pytest.fail(f"{name} not in the shared corpus at {LAWS}")
    text = path.read_text(encoding="utf-8")
    start = text.index(f"\n{label} ") + len(label) + 2
    end = text.find("\n", start)
    return text, split_sentences(text[start:end], offset=start)


@needs_laws
def test_law_special_equipment_article_5():
    text, sentences = _law_article("中华人民共和国特种设备安全法.md", "第五条")
    obligations = extract_article_obligations(sentences, id_prefix="tzsb-a5")
    assert [ob.id for ob in obligations] == ["tzsb-a5-o1", "tzsb-a5-o2"]
    first, second = obligations
    assert first.bearers[0].role == "国务院负责特种设备安全监督管理的部门"
    assert second.bearers[0].role == "县级以上地方各级人民政府负责特种设备安全监督管理的部门"
    assert {first.modality, second.modality} == {"responsible"}
    assert second.action == "对本行政区域内特种设备安全实施监督管理"
    for ob in obligations:
        assert text[ob.span.start : ob.span.end] == ob.text


@needs_laws
def test_law_work_safety_article_5_responsibility():
    text, sentences = _law_article("中华人民共和国安全生产法.md", "第五条")
    first, second = extract_article_obligations(sentences, id_prefix="aqsc-a5")
    assert [b.text for b in first.bearers] == ["生产经营单位的主要负责人"]
    assert (first.modality, first.action) == ("responsible", "对本单位的安全生产工作全面负责")
    assert [(b.text, b.role) for b in second.bearers] == [
        ("其他负责人", None)
    ]  # a person, not a generic role
    assert text[second.span.start : second.span.end] == second.text


@needs_laws
def test_law_fire_article_12_prohibitions():
    _, sentences = _law_article("中华人民共和国消防法.md", "第十二条")
    obligations = extract_article_obligations(sentences, id_prefix="xf-a12")
    assert [(tuple(b.text for b in ob.bearers), ob.modality) for ob in obligations] == [
        (("建设单位", "施工单位"), "prohibited"),
        (("有关部门",), "prohibited"),
    ]


# --- modality table ----------------------------------------------------------------------------------------

MODALITY_CASES = [
    ("企业必须建立安全生产责任制。", "必须", "must", 1.0),
    ("生产经营单位严禁违章指挥。", "严禁", "prohibited", 1.0),
    ("生产经营单位不得使用国家明令淘汰的设备。", "不得", "prohibited", 0.9),
    ("生产经营单位应当具备安全生产条件。", "应当", "shall", 0.8),
    ("有关部门应依法申请强制执行。", "应", "shall", 0.8),
    ("各级政府要加强应急管理。", "要", "shall", 0.8),
    ("区安监局负责指导协调安全生产工作。", "负责", "responsible", 0.8),
    ("国家鼓励生产经营单位投保安全生产责任保险。", "鼓励", "encouraged", 0.3),
    ("有关部门可以先行试点。", "可以", "may", 0.2),
    ("国家对特种设备实行目录管理。", "实行", "shall", 0.6),
]


@pytest.mark.parametrize(("text", "trigger", "modality", "strength"), MODALITY_CASES)
def test_modality_table(text, trigger, modality, strength):
    ob, *_ = extract_obligations(Sentence(text=text, span=Span(start=0, end=len(text))), id_prefix="m")
    assert (ob.trigger, ob.modality, ob.strength) == (trigger, modality, strength)


@pytest.mark.parametrize(
    "text",
    ["加强应急救援队伍建设的要求十分重要。", "按照“管行业必须管安全”原则", "各级党委和政府按照分级负责原则"],
)
def test_words_that_only_contain_a_trigger_do_not_oblige(text):
    obligations = extract_obligations(Sentence(text=text, span=Span(start=0, end=len(text))), id_prefix="m")
    assert all(ob.trigger not in ("要", "必须", "负责", "应") for ob in obligations)


def test_encouraged_bearer_is_the_object():
    text = "鼓励中小微企业订单式、协作式购买安全生产管理和技术服务。"
    (ob,) = extract_obligations(Sentence(text=text, span=Span(start=0, end=len(text))), id_prefix="e")
    assert [(b.text, b.role) for b in ob.bearers] == [("中小微企业", "中小微企业")]
    assert ob.action.startswith("订单式")


def test_subject_inheritance_within_an_article():
    text = "明确工作目标。企业要建立制度。定期开展风险评估，严格落实管控措施。"
    obligations = extract_article_obligations(split_sentences(text), id_prefix="a")
    assert [ob.id for ob in obligations] == ["a-o1", "a-o2", "a-o3", "a-o4"]
    assert obligations[0].bearers == ()  # no subject yet: the bearer is unknown
    assert [tuple(b.text for b in ob.bearers) for ob in obligations[1:]] == [("企业",)] * 3
    assert obligations[2].frequency is not None and obligations[2].frequency.regular


def test_previous_bearers_are_inherited_by_a_single_sentence():
    (topic,) = extract_obligations(
        Sentence(text="企业要建立制度。", span=Span(start=0, end=8)), id_prefix="p"
    )
    text = "开展风险评估。"
    (ob,) = extract_obligations(
        Sentence(text=text, span=Span(start=8, end=15)), id_prefix="p", previous_bearers=topic.bearers
    )
    assert ob.bearers == topic.bearers


def test_coordinated_subjects_split():
    text = "区委、区政府要强化区安监局的行政执法职能。"
    (ob,) = extract_obligations(
        Sentence(text=text, span=Span(start=0, end=len(text))), id_prefix="c", resolve_unit=UNITS.get
    )
    assert [b.unit_id for b in ob.bearers] == ["wangyi/quwei", "wangyi/quzhengfu"]


# --- sentences ---------------------------------------------------------------------------------------------


def test_split_sentences_spans_and_quotes():
    text = "第一句。  按照“管行业必须管安全；管业务必须管安全”的原则！第三句？\n末段没有句号"
    sentences = split_sentences(text, offset=10)
    assert [s.text for s in sentences] == [
        "第一句。",
        "按照“管行业必须管安全；管业务必须管安全”的原则！",
        "第三句？",
        "末段没有句号",
    ]
    for s in sentences:
        assert text[s.span.start - 10 : s.span.end - 10] == s.text


def test_split_sentences_keeps_closing_quote_and_semicolons():
    assert [s.text for s in split_sentences("他说：“要做好。”然后；再做")] == [
        "他说：“要做好。”",
        "然后；",
        "再做",
    ]


def test_split_clauses():
    assert [c.text for c in split_clauses("甲，乙：丙；（含3起，以上）丁")] == [
        "甲，",
        "乙：",
        "丙；",
        "（含3起，以上）丁",
    ]


# --- frequency, quantity, deadline -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period", "low", "high", "regular"),
    [
        ("每年至少2次听取汇报", "year", 2, None, False),
        ("每半年至少开展一次", "halfyear", 1, None, False),
        ("每月不少于两次", "month", 2, None, False),
        ("每周检查一次", "week", 1, 1, False),
        ("至少每季度研究部署1次", "quarter", 1, None, False),
        ("每年开展演练", "year", None, None, False),
        ("不少于3次", None, 3, None, False),
        ("定期评估执法效果", None, None, None, True),
    ],
)
def test_parse_frequency(text, period, low, high, regular):
    frequency = parse_frequency(text)
    assert frequency is not None
    assert (frequency.period, frequency.min_count, frequency.max_count, frequency.regular) == (
        period,
        low,
        high,
        regular,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("配备2名以上专职安全监管人员", (2, "名", ">=", "专职安全监管人员")),
        ("配备不少于两名安全员", (2, "名", ">=", "安全员")),
        ("从业人员超过100人的", (100, "人", ">", "")),
        ("30人以下", (30, "人", "<=", "")),
    ],
)
def test_parse_quantities(text, expected):
    (quantity, *_) = parse_quantities(text)
    assert (quantity.value, quantity.unit, quantity.comparator, quantity.what) == expected


def test_find_deadline_forms():
    assert find_deadline("2018年底前完成").due == "2018-12-31"
    assert find_deadline("应当在验收后三十日内移交").relative == "验收后三十日内"
    assert find_deadline("自收到申请之日起20个工作日内").relative == "自收到申请之日起20个工作日内"


# --- properties --------------------------------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    [
        *"企业要应当必须不得鼓励负责区委政府部门单位每年季度至少次名以上的和及、，。；“”《》（）0123两一二三定期由对在",
        " ",
        "\n",
        "a",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60), st.integers(min_value=0, max_value=1000))
def test_extract_obligations_never_raises_and_spans_stay_inside(text, offset):
    sentence = Sentence(text=text, span=Span(start=offset, end=offset + len(text)))
    for ob in extract_obligations(sentence, id_prefix="h", resolve_unit=UNITS.get):
        assert offset <= ob.span.start <= ob.span.end <= offset + len(text)
        assert text[ob.span.start - offset : ob.span.end - offset] == ob.text
        for bearer in ob.bearers:
            assert offset <= bearer.span.start <= bearer.span.end <= offset + len(text)
            assert text[bearer.span.start - offset : bearer.span.end - offset] == bearer.text
        if ob.deadline and ob.deadline.span:
            assert ob.span.start <= ob.deadline.span.start <= ob.deadline.span.end <= ob.span.end


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80), st.integers(min_value=0, max_value=1000))
def test_split_sentences_round_trip(text, offset):
    for sentence in split_sentences(text, offset=offset):
        assert text[sentence.span.start - offset : sentence.span.end - offset] == sentence.text
        assert sentence.text == sentence.text.strip()
