"""Find obligations in sentences: who (bearers) must, shall, may or must not do what, how often and by when.

Why clause by clause: a Chinese policy sentence chains clauses that share one subject and one modal word
(企业要严格履行…，建立健全…，做到…); laws put 应当/不得 after the subject (生产经营单位应当…).  Each clause is
read as [subject][adverbs][trigger][action]; a clause with a trigger opens an obligation, plain clauses continue
it, and clauses that set a condition or a time (事故结案后一年内，…; 对…的，…) are attached to the obligation
that follows.  A clause without its own subject inherits the nearest one: first within the sentence, then the
subject that opened an earlier sentence of the same article.

The tables live in ``data/modality.tsv`` (triggers) and ``data/roles.tsv`` (generic bearers); stored text is
never changed, every span is an offset into the document's verbatim text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from ingest.bearers import QUALIFIERS, Resolver, find_object, find_subject, role_table
from ingest.frequency import find_deadline, parse_frequency, parse_quantities
from ingest.modality import (
    ADVERBS,
    FREQUENCY_START,
    PREPOSITIONS,
    Trigger,
    directive_triggers,
    modal_triggers,
    quoted_mask,
    trigger_at,
    word_at,
)
from ingest.model import Bearer, Obligation, Sentence, Span
from ingest.sentences import split_clauses, split_sentences

__all__ = [
    "extract_article_obligations",
    "extract_obligations",
    "find_deadline",
    "parse_frequency",
    "parse_quantities",
    "split_sentences",
]

_LABEL = re.compile(
    r"\s*(?:第[零〇一二三四五六七八九十百千0-9]+条|[（(][一二三四五六七八九十百0-9]+[）)]|"
    r"[一二三四五六七八九十百]+、|[0-9]+[.、．])\s*"
)
_HEADING = re.compile(r"\s*(?:[（(][一二三四五六七八九十百0-9]+[）)]|[一二三四五六七八九十百]+、)[^，,；;]{1,40}$")
_TRAILING = "，,：:。！？；!?; \t\u3000"
_CONDITION_END = ("的", "时", "后", "前", "内", "期间", "之际", "之前", "以来")
_SCOPE_END = ("原则", "要求", "规定", "精神", "部署", "标准", "事项", "为指导")  # 按照…原则，…: a frame
_CONDITION_START = ("为了", "凡", "如果", "如", "若", "对于", "因")
_AGENT_FRAME = re.compile(r"发挥(?P<np>[^，。；]+)(?:的)?[^，。；的]{0,6}?作用")
_ACTION_LEAD = re.compile(rf"(?:{FREQUENCY_START.pattern})+")


@cache
def _modifier() -> re.Pattern[str]:
    """…的<role>: a trigger word inside a subject (负责事故调查的有关部门要…) is not the clause's trigger."""
    heads = "|".join(re.escape(r.text) for r in role_table() if r.match != "exact")
    quals = "|".join(QUALIFIERS)
    return re.compile(rf"[^，。；、“”]*?的(?:{quals})*(?:{heads})")


@dataclass(frozen=True, slots=True)
class _Clause:
    """One analysed clause; ``start``/``end`` are document offsets of its core (label and end marks cut)."""

    start: int
    end: int
    core: str
    subject: tuple[Bearer, ...] = ()
    predicate: int = 0  # index in core where the predicate starts
    trigger: Trigger | None = None  # a modal word (any position)
    directive: Trigger | None = None  # a directive verb opening the predicate
    trigger_pos: int = 0
    agent: tuple[Bearer, ...] = ()  # 发挥X作用: X acts in the following clauses
    bare: bool = False  # the clause is only a list of bearers
    condition: bool = False


def _modal(core: str, mask: tuple[bool, ...]) -> tuple[Trigger | None, int]:
    for pos in range(len(core)):
        if mask[pos]:
            continue
        trigger = trigger_at(core, pos, modal_triggers())
        if trigger is None:
            continue
        after = core[pos + len(trigger.word) :]
        m = _modifier().match(after) if trigger.modality == "responsible" else None
        if m and after[m.end() :].strip(_TRAILING):
            continue  # 负责事故调查的有关部门要…: the word sits in the subject
        if pos > 0 and core[pos - 1] == "、" and not any(core[: pos - 1].endswith(t.word) for t in modal_triggers()):
            continue  # 积极参与、支持、监督…: one verb of a list, not a modal word
        return trigger, pos
    return None, 0


def _directive_head(core: str, start: int) -> tuple[Trigger | None, int]:
    """A directive verb opening the predicate, after adverbs and frequency words (依法依规严肃追究…)."""
    pos = start
    for _ in range(8):
        if trigger := trigger_at(core, pos, directive_triggers()):
            return trigger, pos
        if word := word_at(core, pos, ADVERBS):
            pos += len(word)
        elif m := FREQUENCY_START.match(core, pos):
            pos = m.end()
        else:
            break
    return None, pos


def _directive_after_preposition(core: str, pos: int, mask: tuple[bool, ...]) -> tuple[Trigger | None, int]:
    """对/在/为…+ verb: the last directive verb of the clause (对被追究刑事责任的生产经营者依法实施…)."""
    if not word_at(core, pos, PREPOSITIONS):
        return None, 0
    found: tuple[Trigger | None, int] = (None, 0)
    for later in range(pos + 1, len(core)):
        trigger = None if mask[later] else trigger_at(core, later, directive_triggers())
        if trigger and not core.startswith("的", later + len(trigger.word)):  # 按照…规范的要求: a noun
            found = (trigger, later)
    return found


def _passive_agent(core: str, limit: int, mask: tuple[bool, ...]) -> int:
    """Where the agent of 由 starts (目录由国务院…部门制定 → the 部门 acts), or 0."""
    at = core.find("由", 1, limit)
    return at + 1 if at > 0 and not mask[at] else 0


def _analyse(clause: Sentence, *, first: bool, resolve_unit: Resolver) -> _Clause:
    text, start = clause.text, clause.span.start
    if first and (m := _LABEL.match(text)):
        text, start = text[m.end() :], start + m.end()
    core = text.rstrip(_TRAILING)
    if not core:
        return _Clause(start=start, end=start, core="")
    end = start + len(core)
    mask = quoted_mask(core)
    trigger, pos = _modal(core, mask)
    subject, predicate = find_subject(
        core, limit=pos if trigger else len(core), offset=start, resolve_unit=resolve_unit, bare=trigger is None
    )
    agent: tuple[Bearer, ...] = ()
    if m := _AGENT_FRAME.search(core):
        agent, _ = find_subject(m["np"], limit=len(m["np"]), offset=start + m.start("np"), resolve_unit=resolve_unit, bare=True)
    if not subject and (by := _passive_agent(core, pos if trigger else len(core), mask)):
        subject, predicate = find_subject(
            core[by:], limit=(pos if trigger else len(core)) - by, offset=start + by, resolve_unit=resolve_unit
        )
        predicate = by + predicate if subject else 0
    after = pos + len(trigger.word) if trigger else 0
    if trigger and not subject and core.startswith("由", after):  # 必须由电梯制造单位…进行
        agent, _ = find_subject(core[after + 1 :], limit=len(core), offset=start + after + 1,
                                resolve_unit=resolve_unit)
        subject = agent
    directive, head = _directive_head(core, predicate)
    if trigger and not (directive and head < pos):  # 坚持管安全生产必须管职业健康: 坚持 governs
        return _Clause(start=start, end=end, core=core, subject=subject, predicate=predicate, trigger=trigger,
                       trigger_pos=pos, agent=agent)
    if trigger is None and subject and predicate == len(core):
        return _Clause(start=start, end=end, core=core, subject=subject, predicate=predicate, bare=True)
    if directive is None:
        if core.endswith(_CONDITION_END) or core.startswith(_CONDITION_START) or (
            word_at(core, head, PREPOSITIONS) and core.endswith(_SCOPE_END)
        ):
            return _Clause(start=start, end=end, core=core, subject=subject, predicate=predicate, condition=True)
        directive, head = _directive_after_preposition(core, head, mask)
    return _Clause(start=start, end=end, core=core, subject=subject, predicate=predicate, directive=directive,
                   trigger_pos=head, agent=agent)


@dataclass(slots=True)
class _Draft:
    """An obligation being assembled from its clauses (document offsets)."""

    start: int
    end: int
    trigger: Trigger
    modality: str
    strength: float
    bearers: tuple[Bearer, ...]
    action_start: int
    predicate_start: int


def _trim_action(text: str) -> str:
    text = text.strip(_TRAILING)
    lead = _ACTION_LEAD.match(text)
    rest = text[lead.end() :] if lead else text
    return rest.strip(_TRAILING) or text


def _finish(draft: _Draft, sentence: Sentence, ident: str) -> Obligation | None:
    base = sentence.span.start
    text = sentence.text[draft.start - base : draft.end - base]
    action = _trim_action(sentence.text[draft.action_start - base : draft.end - base])
    if not action:
        action = _trim_action(sentence.text[draft.predicate_start - base : draft.end - base])
    if not action:
        return None
    return Obligation(
        id=ident,
        text=text,
        span=Span(start=draft.start, end=draft.end),
        trigger=draft.trigger.word,
        modality=draft.modality,  # type: ignore[arg-type]
        strength=draft.strength,
        action=action,
        bearers=draft.bearers,
        frequency=parse_frequency(text),
        quantities=parse_quantities(text),
        deadline=find_deadline(text, offset=draft.start),
    )


def _open(clause: _Clause, bearers: tuple[Bearer, ...], governing: Trigger | None, start: int,
          resolve_unit: Resolver) -> _Draft:
    trigger = clause.trigger or clause.directive
    if trigger is None:  # the callers only open drafts for clauses with a trigger
        raise ValueError("clause has no trigger")
    modality, strength = trigger.modality, trigger.strength
    if clause.trigger is None and governing is not None and not clause.subject:
        modality, strength = governing.modality, governing.strength  # 企业要A，建立B: 要 governs B too
    predicate_start = clause.start + clause.predicate
    if clause.trigger and clause.trigger_pos + len(trigger.word) < len(clause.core):
        action_start = clause.start + clause.trigger_pos + len(trigger.word)
    else:  # a directive, or a trigger that closes its clause (…对本单位的安全生产工作全面负责)
        action_start = predicate_start
    if trigger.modality == "encouraged":
        after = clause.core[clause.trigger_pos + len(trigger.word) :]
        lead = re.match(r"(?:[和、及与并]|鼓励|支持|提倡|倡导|引导)*", after)
        skip = lead.end() if lead else 0
        obj, obj_end = find_object(after[skip:], offset=action_start + skip, resolve_unit=resolve_unit)
        if obj:
            bearers, action_start = obj, action_start + skip + obj_end
    return _Draft(start=start, end=clause.end, trigger=trigger, modality=modality, strength=strength,
                  bearers=bearers, action_start=action_start, predicate_start=predicate_start)


def _extract(
    sentence: Sentence, *, id_prefix: str, first_number: int, resolve_unit: Resolver, topic: tuple[Bearer, ...]
) -> tuple[tuple[Obligation, ...], tuple[Bearer, ...]]:
    """Obligations of one sentence and the subject later sentences inherit."""
    if _HEADING.match(sentence.text):
        return (), topic
    drafts: list[_Draft] = []
    local, new_topic, topic_set = topic, topic, False
    pending: tuple[Bearer, ...] = ()
    pending_end = 0
    prefix_start: int | None = None
    governing: Trigger | None = None
    draft: _Draft | None = None
    pieces = split_clauses(sentence.text, offset=sentence.span.start)
    for index, piece in enumerate(pieces):
        clause = _analyse(piece, first=index == 0, resolve_unit=resolve_unit)
        if not clause.core:
            continue
        if index < len(pieces) - 1 and clause.core.endswith(("的", "时")) and not clause.bare:
            clause = replace(clause, trigger=None, directive=None, condition=True)  # 需要…验证的，应当…
        if clause.bare:
            pending, pending_end = (*pending, *clause.subject), clause.end
            continue
        if pending and not (clause.subject or (clause.trigger and clause.trigger_pos == 0)):
            if draft is not None:  # 充实监管执法人员，…: a verb phrase read as a list of bodies; keep it as text
                draft.end = pending_end
            pending = ()
        subject = (*pending, *clause.subject) if clause.subject or pending else ()
        if pending:
            draft = None
        pending = ()
        if subject:
            local = subject
            if not topic_set and (index == 0 or clause.trigger or clause.directive):
                new_topic, topic_set = subject, True
        if clause.trigger or clause.directive:
            start = clause.start if prefix_start is None else prefix_start
            draft = _open(clause, subject or local, governing, start, resolve_unit)
            drafts.append(draft)
            prefix_start = None
            topic_set = True
            if clause.trigger:
                governing = clause.trigger
        elif subject or clause.condition or draft is None:
            draft = None
            if clause.condition or not subject:
                prefix_start = clause.start if prefix_start is None else prefix_start
        else:
            draft.end = clause.end
        if clause.agent:
            local = clause.agent
    found = (_finish(d, sentence, f"{id_prefix}-o{first_number + n}") for n, d in enumerate(drafts))
    obligations = tuple(ob for ob in found if ob is not None)
    renumbered = tuple(replace(ob, id=f"{id_prefix}-o{first_number + n}") for n, ob in enumerate(obligations))
    return renumbered, new_topic


def extract_obligations(
    sentence: Sentence,
    *,
    id_prefix: str,
    resolve_unit: Resolver = lambda _: None,
    previous_bearers: tuple[Bearer, ...] = (),
) -> tuple[Obligation, ...]:
    """The obligations in one sentence, numbered ``{id_prefix}-o1``, ``-o2`` …

    ``resolve_unit`` maps a printed name to a unit id (or None); unresolved subjects are matched to roles.
    Clauses without a subject inherit one from earlier in the sentence, else ``previous_bearers``.

    >>> s = Sentence(text="区委每年至少2次听取安全生产工作汇报。", span=Span(start=100, end=119))
    >>> ob, = extract_obligations(s, id_prefix="d-a3", resolve_unit={"区委": "u-quwei"}.get)
    >>> ob.id, ob.bearers[0].unit_id, ob.modality, ob.action, ob.frequency.min_count, ob.span
    ('d-a3-o1', 'u-quwei', 'shall', '听取安全生产工作汇报', 2, Span(start=100, end=118))
    >>> s = Sentence(text="生产经营单位不得使用国家明令淘汰的设备。", span=Span(start=0, end=20))
    >>> [(o.bearers[0].role, o.modality, o.strength) for o in extract_obligations(s, id_prefix="x")]
    [('生产经营单位', 'prohibited', 0.9)]
    """
    obligations, _ = _extract(
        sentence, id_prefix=id_prefix, first_number=1, resolve_unit=resolve_unit, topic=previous_bearers
    )
    return obligations


def extract_article_obligations(
    sentences: Sequence[Sentence], *, id_prefix: str, resolve_unit: Resolver = lambda _: None
) -> tuple[Obligation, ...]:
    """The obligations of an article's sentences, numbered across the article; subjects carry over sentences.

    A sentence without a subject inherits the subject that opened the nearest earlier sentence; the first
    sentences of an article without any subject keep an empty bearer list (the bearer is unknown).

    >>> text = "企业要建立制度。定期开展风险评估。"
    >>> obs = extract_article_obligations(split_sentences(text), id_prefix="a")
    >>> [(o.id, o.bearers[0].text, o.frequency.regular if o.frequency else None) for o in obs]
    [('a-o1', '企业', None), ('a-o2', '企业', True)]
    """
    found: list[Obligation] = []
    topic: tuple[Bearer, ...] = ()
    for sentence in sentences:
        obligations, topic = _extract(
            sentence, id_prefix=id_prefix, first_number=len(found) + 1, resolve_unit=resolve_unit, topic=topic
        )
        found.extend(obligations)
    return tuple(found)
