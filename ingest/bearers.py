"""Who carries an obligation: find the subject of a clause and read it as one or more bearers.

Why rules over a parser: a policy clause's subject is a noun phrase of body names (区委、区政府) or generic
roles (生产经营单位, 负责事故调查的有关部门) that ends where an adverb, preposition or trigger word begins
(区委|每年至少…, 国务院负责…的部门|对…实施监督管理).  A phrase counts as a bearer when the unit resolver
knows it, when it has a role from ``data/roles.tsv``, or when it ends in a head noun (局, 管委会, 负责人).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from ingest.errors import IngestError
from ingest.modality import (
    ADVERBS,
    PREPOSITIONS,
    Trigger,
    blocked,
    directive_triggers,
    marker_words,
    modality_table,
    read_table,
)
from ingest.model import Bearer, Span

Resolver = Callable[[str], "str | None"]
QUALIFIERS = ("各级", "各", "本级", "本", "其他", "其它", "所有", "全体", "有关", "相关")
# Words that start with a one-character preposition but are not one (以上 in 县级以上, 自然 in 自然资源).
NOT_MARKERS = (
    "以上",
    "以下",
    "以内",
    "以及",
    "以外",
    "以前",
    "以后",
    "自然",
    "自治",
    "对外",
    "对口",
    "在建",
    "在岗",
    "在职",
    "为主",
    "由于",
    "于是",
    "同级",
    "向上",
    "将来",
    "从业",
    "从事",
    "按期",
    "并购",
    "均衡",
    "还原",
    "都市",
)
# Verbs of policy prose that are not directives but cannot open a noun phrase either (实现企业对标排查).
VERB_STARTS = (
    "实现",
    "充实",
    "增加",
    "发展",
    "促进",
    "动员",
    "提供",
    "形成",
    "解决",
    "参加",
    "参与",
    "确定",
    "进行",
    "做到",
    "吸引",
    "扩大",
    "减少",
    "增强",
    "优化",
    "简化",
    "回应",
    "营造",
    "围绕",
    "用好",
    "发生",
    "使用",
    "协助",  # 协助上级人民政府有关部门依法履行…: a verb, not the name of a body
)
_SINGLE_START = ("对", "在", "把", "将", "向", "为", "按", "从", "由", "于")
_MAX_BEARER = 40
_BAD_CHARS = re.compile(r"[，。；：,;:！？!?“”‘’《》\s]|由")
_AND = re.compile(r"以及|和|及|与|或者|或")


@dataclass(frozen=True, slots=True)
class Role:
    """One row of the role table."""

    text: str
    label_en: str
    match: Literal["exact", "suffix", "head"]


@cache
def role_table() -> tuple[Role, ...]:
    """The role table, longest texts first.

    >>> next(r.label_en for r in role_table() if r.text == "生产经营单位")
    'production and business units'
    """
    roles = []
    for number, row in enumerate(read_table("roles.tsv"), start=2):
        cells = [cell.strip() for cell in [*row, "", "", ""][:3]]
        if cells[2] not in ("exact", "suffix", "head") or not cells[0]:
            raise IngestError(
                f"row {number}: bad match {cells[2]!r}",
                path="ingest/data/roles.tsv",
                hint="exact, suffix or head",
            )
        roles.append(Role(cells[0], cells[1], cells[2]))  # type: ignore[arg-type]
    return tuple(sorted(roles, key=lambda r: (-len(r.text), r.text)))


def _strip_qualifiers(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for word in QUALIFIERS:
            if text.startswith(word) and len(text) > len(word):
                text, changed = text[len(word) :], True
    return text


def role_of(text: str) -> str | None:
    """The role of a bearer phrase: an exact role, a descriptive 的-phrase itself, or the longest suffix role.

    >>> role_of("各级党委和政府")
    '各级党委和政府'
    >>> role_of("负责事故调查的有关部门")
    '负责事故调查的有关部门'
    >>> role_of("规模以上高危行业领域企业")
    '企业'
    >>> role_of("区委") is None
    True
    """
    bare = _strip_qualifiers(text)
    for role in role_table():
        if role.match == "exact" and role.text in (text, bare):
            return role.text
    suffix = next((r.text for r in role_table() if r.match == "suffix" and text.endswith(r.text)), None)
    if "的" in text and (suffix is None or "的" not in suffix) and _has_head(text.rsplit("的", 1)[1]):
        return text
    return suffix


def _has_head(text: str) -> bool:
    heads, names = _role_forms()
    return text.endswith(heads) or text in names


@cache
def _role_forms() -> tuple[tuple[str, ...], frozenset[str]]:
    """The role texts a phrase may end with (all but exact-match roles), and every role text."""
    table = role_table()
    return tuple(r.text for r in table if r.match != "exact"), frozenset(r.text for r in table)


@cache
def _triggers_by_word() -> dict[str, Trigger]:
    return {t.word: t for t in modality_table()}


def starts_with_marker(text: str, pos: int) -> bool:
    """True when an adverb, preposition or trigger word starts at ``pos`` (so a subject may end there).

    >>> starts_with_marker("区委每年", 2), starts_with_marker("县级以上", 2), starts_with_marker("应急管理", 0)
    (True, False, False)
    """
    if pos >= len(text):
        return False
    first = text[pos]  # only the words that start with this character can match: called for every position
    if any(text.startswith(word, pos) for word in _by_first_character(NOT_MARKERS).get(first, ())):
        return False
    for word in _by_first_character(marker_words()).get(first, ()):
        if text.startswith(word, pos):
            trigger = _triggers_by_word().get(word)
            if trigger is None or not blocked(text, pos, trigger):
                return True
    return False


@cache
def _by_first_character(words: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """``words`` grouped by their first character, each group in the order given."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word)
    return {first: tuple(group) for first, group in groups.items()}


_VERB_PAIR = re.compile(r"^[\u4e00-\u9fff]{2}、(?P<second>[\u4e00-\u9fff]{2}.*)", re.S)


def _opens_predicate(text: str) -> bool:
    if text.startswith(NOT_MARKERS):
        return False
    if (pair := _VERB_PAIR.match(text)) and _opens_predicate(pair["second"]):
        return True  # 协调、配合…的生产经营单位做好…: two verbs in a row open a predicate, not a subject
    return text.startswith(_predicate_openers())


@cache
def _predicate_openers() -> tuple[str, ...]:
    """What a predicate (not a subject) opens with: directive triggers, adverbs, prepositions of two characters
    or more, single-character starts, verb starts, 每."""
    words = (
        *(t.word for t in directive_triggers()),
        *ADVERBS,
        *(w for w in PREPOSITIONS if len(w) > 1),
        *_SINGLE_START,
        *VERB_STARTS,
        "每",
    )
    return tuple(dict.fromkeys(words))


# A bare head noun names nobody in particular (…的单位 split off its clause); a phrase opening with a
# negation is a clause (未及时告知…并向…部门), not a subject.
_GENERIC_HEADS = frozenset({"单位", "人员", "部门", "机构", "个人", "组织"})
_NEGATION_OPENERS = ("未", "不", "没有", "拒不", "拒绝", "擅自")


def _plausible(text: str) -> bool:
    """A bearer phrase has no clause punctuation, does not open with a verb or a negation, is more than a bare
    head noun, and has no verb after its last 的."""
    if not text or len(text) > _MAX_BEARER or _BAD_CHARS.search(text) or _opens_predicate(text):
        return False
    if text in _GENERIC_HEADS or text.startswith(_NEGATION_OPENERS):
        return False
    last_de = text.rfind("的")
    return not any(starts_with_marker(text, j) for j in range(max(1, last_de + 1), len(text)))


def _one(text: str, start: int, resolve_unit: Resolver) -> Bearer | None:
    unit_id = resolve_unit(text)
    if unit_id:
        return Bearer(text=text, span=Span(start=start, end=start + len(text)), unit_id=unit_id)
    role = role_of(text)
    if role or _has_head(text):
        return Bearer(text=text, span=Span(start=start, end=start + len(text)), role=role)
    return None


def _pieces(text: str, start: int, pattern: re.Pattern[str]) -> list[tuple[str, int]]:
    out, at = [], 0
    for m in [*pattern.finditer(text), None]:
        end = m.start() if m else len(text)
        piece = text[at:end]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        if piece:
            out.append((piece, start + at + lead))
        at = m.end() if m else len(text)
    return out


def parse_bearers(
    text: str, *, offset: int = 0, resolve_unit: Resolver = lambda _: None
) -> tuple[Bearer, ...]:
    """Read a subject phrase as bearers, splitting lists on 、 (and on 和/及 when every part is a bearer).

    Returns ``()`` when the phrase is not a bearer.  Spans are shifted by ``offset``.

    >>> [b.text for b in parse_bearers("黄堡镇、各街道办、王家河工业园区管委会")]
    ['黄堡镇', '各街道办', '王家河工业园区管委会']
    >>> [(b.text, b.role) for b in parse_bearers("各级党委和政府")]
    [('各级党委和政府', '各级党委和政府')]
    >>> [b.span for b in parse_bearers("区委和区政府", offset=5)]
    [Span(start=5, end=7), Span(start=8, end=11)]
    >>> parse_bearers("各项工作")
    ()
    >>> [b.text for b in parse_bearers("特种设备生产、经营、使用单位")]
    ['特种设备生产、经营、使用单位']
    """
    text = text.rstrip()
    if text.endswith("等"):
        text = text[:-1]
    if not _plausible(text):
        return ()
    whole = _one(text, offset, resolve_unit)
    if whole and (whole.unit_id or (whole.role and role_of(text) == _strip_qualifiers(text))):
        return (whole,)
    if whole and whole.role and any(r.text == whole.role and r.match == "exact" for r in role_table()):
        return (whole,)
    bearers: list[Bearer] = []
    pieces = _pieces(text, offset, re.compile("、"))
    for index, (piece, start) in enumerate(pieces):
        parts = _pieces(piece, start, _AND)
        found = [_one(part, at, resolve_unit) for part, at in parts]
        if len(parts) > 1 and all(found):
            bearers.extend(b for b in found if b)
            continue
        bearer = _one(piece, start, resolve_unit)
        if bearer:
            bearers.append(bearer)
        elif index == len(pieces) - 1:
            return ()
        elif whole is not None:
            return (whole,)  # 生产、经营、使用单位: modifiers sharing one head noun name one bearer
        elif _strip_qualifiers(piece) not in QUALIFIERS and piece not in QUALIFIERS:
            bearers.append(Bearer(text=piece, span=Span(start=start, end=start + len(piece))))
    return tuple(bearers)


# A short name defined right after a subject: transparent for finding where the predicate starts.
DEFINED_AS = re.compile(r"[（(]以下(?:简称|统称|称)[^（）()]{1,40}[）)]")


def find_subject(
    text: str, *, limit: int, offset: int = 0, resolve_unit: Resolver = lambda _: None, bare: bool = False
) -> tuple[tuple[Bearer, ...], int]:
    """The subject at the start of a clause: the longest bearer phrase ending before ``limit`` at a marker.

    Returns the bearers and where the predicate starts (0 when there is no subject).  With ``bare`` the
    whole clause may be the subject (a list of bodies ended by a comma).

    >>> b, end = find_subject("区委每年至少2次听取安全生产工作汇报", limit=4)
    >>> [x.text for x in b], end
    (['区委'], 2)
    >>> b, end = find_subject("国务院负责特种设备安全监督管理的部门对全国特种设备安全实施监督管理", limit=34)
    >>> b[0].text, end
    ('国务院负责特种设备安全监督管理的部门', 18)
    >>> b, end = find_subject("市安全生产监督管理部门（以下简称安全生产监管部门）对本市安全生产实施综合监督管理", limit=40)
    >>> b[0].text, end
    ('市安全生产监督管理部门', 25)
    """
    if _opens_predicate(text):
        return (), 0
    stop = min(limit, len(text))
    for i in range(stop, 0, -1):
        if i == len(text) and not bare:
            continue
        after = i
        if defined := DEFINED_AS.match(text, i):  # 安全生产监督管理部门（以下简称安全生产监管部门）对…
            after = defined.end()
        if after < len(text) and not starts_with_marker(text, after):
            continue
        bearers = parse_bearers(text[:i], offset=offset, resolve_unit=resolve_unit)
        if bearers:
            return bearers, after
    return (), 0


def find_object(
    text: str, *, offset: int = 0, resolve_unit: Resolver = lambda _: None
) -> tuple[tuple[Bearer, ...], int]:
    """The bearer right after 鼓励/支持 (鼓励中小微企业购买… → 中小微企业) and where it ends.

    The shortest bearer phrase wins, stretched by up to four characters when that still reads as a bearer
    (安全生产委员会 → 安全生产委员会成员单位), so that a verb phrase is not swallowed (企业用好…企业).

    >>> b, end = find_object("中小微企业订单式、协作式购买安全生产管理和技术服务")
    >>> [x.text for x in b], end
    (['中小微企业'], 5)
    >>> [x.text for x in find_object("企业用好安全生产专用设备企业所得税优惠政策")[0]]
    ['企业']
    """

    def at(i: int) -> tuple[Bearer, ...]:
        if i < len(text) and text[i] in "、和及与或等的":
            return ()
        return parse_bearers(text[:i], offset=offset, resolve_unit=resolve_unit)

    for i in range(1, min(len(text), 25) + 1):
        if bearers := at(i):
            for j in range(min(len(text), i + 4), i, -1):
                if longer := at(j):
                    return longer, j
            return bearers, i
    return (), 0
