"""Which words make a clause an obligation, and how strongly: the table in ``data/modality.tsv``.

Why a data table: the trigger words (必须, 应当, 要, 不得, 鼓励, 负责 …), their strengths and the longer words
that merely contain them (要求, 应急, 负责人) are domain knowledge that reviewers should edit without reading
code.  Two kinds of rows: modal words that oblige wherever they stand (``any``), and the directive verbs that open
the imperative clauses of a policy (``initial``: 建立健全…, 加强…), which oblige only at the head of a predicate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import get_args

from ingest.errors import IngestError
from ingest.model import Modality

# Closed classes of Chinese function words, used to find where a subject ends and a predicate begins.
ADVERBS = (
    "依法依规", "依照规定", "按规定", "进一步", "认真", "积极", "切实", "大力", "着力", "全面", "深入", "依法",
    "依规", "及时", "主动", "自觉", "逐步", "充分", "不断", "持续", "统筹", "科学", "有效", "坚决", "严肃",
    "严厉", "高度", "共同", "同时", "扎实", "稳步", "努力", "尽快", "适时", "专门", "始终", "定期", "优先",
    "率先", "先行", "另外", "此外", "其中", "同样", "分别", "应当", "还", "也", "都", "均", "并", "再",
)
PREPOSITIONS = (
    "按照", "依照", "依据", "根据", "通过", "围绕", "结合", "针对", "对于", "关于", "除了", "对", "在", "按",
    "把", "将", "向", "为", "从", "由", "以", "于", "同",
)
FREQUENCY_START = re.compile(
    r"(?:每(?:半年|年度|年|季度|季|个月|月|周|星期|日|天)|定期|至少|不少于|[0-9０-９一二两三四五六七八九十]+次)"
)
_SEPARATOR_NOT_IN = re.compile(r"\s*[,，]\s*")


@dataclass(frozen=True, slots=True)
class Trigger:
    """One row of the modality table."""

    word: str
    modality: Modality
    strength: float
    initial: bool
    not_in: tuple[str, ...] = ()


def read_table(name: str) -> list[list[str]]:
    """Rows of a tab-separated table in ``ingest/data``: comments (#) and the header row dropped."""
    lines = files("ingest").joinpath(f"data/{name}").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    return rows[1:]  # the first non-comment line names the columns


@cache
def modality_table() -> tuple[Trigger, ...]:
    """The trigger table, longest words first (so 应当 wins over 应 at the same position).

    >>> next(t for t in modality_table() if t.word == "必须").strength
    1.0
    """
    modalities = set(get_args(Modality))
    triggers = []
    for number, row in enumerate(read_table("modality.tsv"), start=2):
        cells = [*row, "", "", "", "", ""][:5]
        word, modality, strength, position, not_in = (cell.strip() for cell in cells)
        if modality not in modalities or position not in ("any", "initial"):
            raise IngestError(
                f"row {number}: bad modality {modality!r} or position {position!r}",
                path="ingest/data/modality.tsv",
                hint=f"modality is one of {sorted(modalities)}; position is any or initial",
            )
        words = tuple(w for w in _SEPARATOR_NOT_IN.split(not_in) if w)
        triggers.append(Trigger(word, modality, float(strength), position == "initial", words))  # type: ignore[arg-type]
    return tuple(sorted(triggers, key=lambda t: (-len(t.word), t.word)))


@cache
def modal_triggers() -> tuple[Trigger, ...]:
    """Rows that oblige anywhere in a clause."""
    return tuple(t for t in modality_table() if not t.initial)


@cache
def directive_triggers() -> tuple[Trigger, ...]:
    """Rows that oblige only when they open a predicate."""
    return tuple(t for t in modality_table() if t.initial)


def blocked(text: str, pos: int, trigger: Trigger) -> bool:
    """True when the trigger at ``pos`` is part of a longer word that does not oblige.

    >>> t = Trigger("要", "shall", 0.8, False, ("要求", "重要"))
    >>> blocked("落实要求", 2, t), blocked("十分重要", 3, t), blocked("企业要", 2, t)
    (True, True, False)
    """
    for word in trigger.not_in:
        at = word.find(trigger.word)
        while at >= 0:
            if pos - at >= 0 and text.startswith(word, pos - at):
                return True
            at = word.find(trigger.word, at + 1)
    return False


def trigger_at(text: str, pos: int, triggers: tuple[Trigger, ...]) -> Trigger | None:
    """The longest unblocked trigger starting at ``pos``, if any."""
    for trigger in triggers:
        if text.startswith(trigger.word, pos) and not blocked(text, pos, trigger):
            return trigger
    return None


def word_at(text: str, pos: int, words: tuple[str, ...]) -> str | None:
    """The first of ``words`` (put longer ones first) that ``text`` has at ``pos``.

    >>> word_at("依法依规追究", 0, ADVERBS)
    '依法依规'
    """
    return next((word for word in words if text.startswith(word, pos)), None)


@cache
def marker_words() -> tuple[str, ...]:
    """Words that can follow a subject: adverbs, prepositions and every trigger, longest first."""
    words = {*ADVERBS, *PREPOSITIONS, *(t.word for t in modality_table()), "每", "同为", "作为", "是"}
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


def quoted_mask(text: str) -> tuple[bool, ...]:
    """For each character, whether it lies inside “…”, ‘…’, 「…」 or 《…》 (quoted words do not oblige).

    >>> quoted_mask("按“必须”办")
    (False, False, True, True, False, False)
    """
    pairs = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》"}
    mask, stack = [], []
    for ch in text:
        if stack and ch == stack[-1]:
            stack.pop()
            mask.append(False)
            continue
        mask.append(bool(stack))
        if ch in pairs:
            stack.append(pairs[ch])
    return tuple(mask)
