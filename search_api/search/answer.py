"""``ask``: the index finds the passages a question is about, the graph turns them into responsible units.

Why both: the graph alone (:func:`kg.responsibility.ask`) ranks every unit that touches the asked topic and
its narrower and broader concepts — right for "everything about 电梯", too wide for "who": its unit sets
scored F1 0.26 on the dev set. The full-text index alone finds the task that answers the question but knows
no topics. Combined, a unit's score is its best support in the index (a task it leads, scaled by that task's
score relative to the best hit; half for a co-operating unit) plus a smaller share of its graph score; the
answer keeps the units within :data:`ANSWER_CUT` of the best. Statutory roles named in laws rarely reach the
cut, so they are returned beside the answer (``statutory``) with their law articles as evidence.

Confidence, because people act on the answer: a unit is ``direct`` when a task it leads or co-operates on, or an
obligation it bears, matches the asked topic itself (tagged with the concept, or naming one of its labels; for a
question without a known topic, the task covers most of the question's words), ``related`` when it is reached
only through broader, narrower or related concepts or through an article. A unit with neither is dropped; with
no unit left the answer's confidence is ``none`` and the nearest passages are returned for the reader to judge.
Statutory roles carry the local bodies that hold them today (:mod:`kg.local_roles`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ingest.duty_kinds import duty_kind
from kg import iris
from kg.local_roles import is_role, jurisdiction, local_units
from kg.responsibility import Answer, Evidence, Responsible
from kg.responsibility import ask as graph_ask
from kg.roles import ROLE_WEIGHT, AnswerRole

if TYPE_CHECKING:
    from ingest.model import Unit
    from ingest.segment import Segmenter
    from kg.statutory import StatutoryAnswer
    from kg.store import GraphStore
    from kg.topic_table import TopicTable
    from ontology.thesaurus import Thesaurus
    from search_api.search.engine import Hit, SearchIndex
    from search_api.search.engine.intent import Recognised

ANSWER_CUT = 0.85  # keep units scoring at least this share of the best (tuned on bench/questions, see README)
GRAPH_WEIGHT = 0.3  # the graph's share next to the index's support
SEARCH_DEPTH = 10  # candidate passages read from the index
WORD_COVER = 0.6  # a topic-less question is answered directly by a task holding this share of its word pairs
CONTEXT_RATIO = 2
"""A question's topic words that no concept names are the context of those it names (孩子 in 孩子在学校…安全课,
小区 in 小区燃气管道、玻璃幕墙) when they are fewer than this many per named word; then a passage need not say
them to answer directly.  Many unnamed words (网络安全 beside a duty word, 游泳 beside 场所) stay the topic.
Chosen on the tuning half of the everyday who-questions (1.5 to 3 scored alike), the hard part unchanged."""
SHARED_TOPIC_WORDS = 2
"""A topic-less question (no concept of the thesaurus named) is answered as *related* by a task that holds this
many of its topic words: everyday words (电视、手机新闻里那些安全公益广告) rarely cover 60 % of a task's word pairs,
yet a task saying 新闻 and 广播电视 is what they ask about; one shared word is chance."""
NEAREST = 5  # passages returned when nothing answers

DIRECT, RELATED, NONE = "direct", "related", "none"


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchedPassage:
    """A passage the index offered as a candidate (shown so a reader can see what was read)."""

    kind: str
    doc: str | None
    number: int | None
    score: float

    def to_json(self) -> dict[str, Any]:
        """``{"kind", "doc", "number", "score"}``."""
        return {"kind": self.kind, "doc": self.doc, "number": self.number, "score": round(self.score, 3)}


@dataclass(frozen=True, slots=True, kw_only=True)
class CombinedAnswer:
    """The graph's answer with the units the index supports, and the statutory roles listed beside it."""

    answer: Answer
    statutory: tuple[Responsible, ...] = ()
    searched: tuple[SearchedPassage, ...] = ()
    confidence: str = NONE
    nearest: tuple[dict[str, Any], ...] = ()  # the passages read, when nothing answers
    recognised: Recognised | None = None
    views: dict[str, Any] = field(default_factory=dict)  # "due" / "unit_profile" / "trace": typed, with to_json
    clauses: StatutoryAnswer | None = None  # the governing clauses of laws and regulations, by the asked place
    places: dict[str, str] = field(default_factory=dict)  # document id → its jurisdiction, for units[].jurisdiction

    @property
    def units(self) -> tuple[Responsible, ...]:
        """The responsible units, best first."""
        return self.answer.units

    @property
    def intent(self) -> str:
        """What the question asks (``responsible`` when no intent was recognised)."""
        return self.recognised.intent.value if self.recognised else "responsible"

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``policykg ask --json``: ``{"question", "intent", "confidence", "topics", "units",
        "statutory", "searched", "nearest"}`` and, by intent, ``"due"``, ``"unit_profile"`` or ``"trace"``
        (the JSON of ``policykg due/unit/trace --json``).  Every unit and statutory entry has ``"jurisdiction"``;
        statutory entries have ``"kind"`` (regulator | duty_holder).  With laws or regulations in the build:
        ``"jurisdiction"`` (the asked place), ``"statutory_clauses"`` and ``"statutory_groups"``, and the
        clauses that assign the asked duty lead ``"statutory"``."""
        data = {
            **self.answer.to_json(),
            "intent": self.intent,
            "asked": self.recognised.to_json() if self.recognised else None,
            "confidence": self.confidence,
            "statutory": [unit.to_json() for unit in self.statutory],
            "searched": [passage.to_json() for passage in self.searched],
            "nearest": [dict(item) for item in self.nearest],
        }
        for name, view in self.views.items():
            data[name] = view.to_json()
        for unit in data["units"]:
            unit["jurisdiction"] = self._jurisdiction(unit)
        for unit in data["statutory"]:
            unit["kind"] = duty_kind(unit["name"])
            unit["jurisdiction"] = self._jurisdiction(unit)
        if self.clauses is not None:
            read = self.clauses.to_json()
            data["jurisdiction"] = read["jurisdiction"]  # the asked place, if the question names one
            data["statutory_clauses"] = read["statutory"]  # kind regulator|duty_holder, clause, jurisdiction
            data["statutory_groups"] = read["groups"]  # the clauses by jurisdiction, in answer order
            data["statutory"] = _with_clauses(data["statutory"], self.clauses)
        return data

    def _jurisdiction(self, unit: dict[str, Any]) -> str | None:
        """The jurisdiction of the document the unit's first evidence comes from (None when it names no place)."""
        for item in unit.get("evidence", ()):
            if item.get("doc") in self.places:
                return self.places[item["doc"]]
        return None


def _with_clauses(roles: list[dict[str, Any]], clauses: StatutoryAnswer) -> list[dict[str, Any]]:
    """The statutory roles the answer found, each with the clause that assigns it the asked duty where one does
    (that clause first among its evidence), then the other bodies such clauses name (in the shape of a role:
    name, kind, jurisdiction, evidence). Bodies a clause assigns come first, in the clauses' ranking, so the
    page lists them in the order ``policykg ask`` prints the clauses."""
    by_name = {role["name"]: role for role in roles}
    assigned: list[str] = []
    for entry in clauses.entries:
        found = by_name.get(entry.body)
        shaped = entry.as_responsible()
        if found is None:
            by_name[entry.body] = shaped
        elif "clause" not in found:
            found["kind"], found["clause"] = entry.kind, shaped["clause"]
            found["jurisdiction"] = found.get("jurisdiction") or entry.jurisdiction
            cited = shaped["evidence"][0]
            rest = [e for e in found.get("evidence", []) if (e["doc"], e["number"]) != (cited["doc"], cited["number"])]
            found["evidence"] = [cited, *rest]
        if entry.body not in assigned:
            assigned.append(entry.body)
    return [*(by_name[name] for name in assigned), *(role for role in roles if role["name"] not in assigned)]


def _task_evidence(hit: Hit, unit_id: str, role: AnswerRole, weight: float, asked: Sequence[str]) -> Evidence:
    # A path in the graph: the article the task implements → the task → the unit, when the task implements one;
    # else the topic the task is tagged with (the asked one when it has it) → the task → the unit.
    task = iris.task_iri(hit.doc or "", hit.number or 0, as_text=True)
    if hit.article is not None and hit.doc:
        topic: tuple[str, ...] = (iris.article_iri(hit.doc, hit.article, as_text=True),)
    else:
        topics = [t for t in asked if t in hit.topics] or list(hit.topics[:1])
        topic = (iris.TOPIC_BASE + topics[0],) if topics else ()
    return Evidence(
        kind="task",
        doc=hit.doc or "",
        number=hit.number or 0,
        text=hit.text,
        start=hit.start,
        end=hit.end,
        path=(*topic, task, iris.unit_iri(unit_id, as_text=True)),
        weight=weight,
        role=role,
    )


_PAIRS_DROP = re.compile(
    r"谁|哪些|哪个|哪|由|负责|牵头|单位|部门|机构|什么|是|的|了|吗|呢|安全|工作|[^\u4e00-\u9fff]"
)


def word_pairs(text: str) -> set[str]:
    """The Chinese character pairs of a question's content (question words and 安全/工作 left out).

    >>> sorted(word_pairs("谁负责核电站安全"))
    ['核电', '电站']
    """
    pairs: set[str] = set()
    for run in _PAIRS_DROP.split(text):
        pairs.update(run[i : i + 2] for i in range(len(run) - 1))
    return pairs


def covers_question(question: str, text: str) -> bool:
    """Whether a passage holds most of a question's word pairs (how a topic-less question is answered directly).

    >>> covers_question("谁负责取消安全生产风险抵押金制度", "取消安全生产风险抵押金制度。"), covers_question("谁负责核电站安全", "安全")
    (True, False)
    """
    pairs = word_pairs(question)
    return bool(pairs) and sum(pair in text for pair in pairs) / len(pairs) >= WORD_COVER


def names_topic(text: str, labels: Iterable[str]) -> bool:
    """Whether a passage names the asked concept by one of its labels, not negated by 非 (非煤矿山 are the mines
    that are not coal mines: it does not name 煤矿).

    >>> names_topic("在非煤矿山、危险化学品等高危行业", ["煤矿"]), names_topic("煤矿和非煤矿山", ["煤矿"])
    (False, True)
    """
    return any(label and _names(text, label) for label in labels)


def _names(text: str, label: str) -> bool:
    at = text.find(label)
    while at >= 0:
        if at == 0 or text[at - 1] != "非":
            return True
        at = text.find(label, at + 1)
    return False


def index_support(
    hits: list[Hit], *, asked: Sequence[str] = ()
) -> dict[str, tuple[float, AnswerRole, list[Evidence]]]:
    """Unit id → (best support, role, evidence) from the task hits, each scaled by its score relative to the best."""
    support: dict[str, tuple[float, AnswerRole, list[Evidence]]] = {}
    best = hits[0].score if hits else 0.0
    for hit in hits:
        if hit.kind != "task" or best <= 0:
            continue
        relative = hit.score / best
        for role, unit_ids in ((AnswerRole.LEAD, hit.lead_units), (AnswerRole.COOPERATING, hit.co_units)):
            for unit_id in unit_ids:
                weight = relative * ROLE_WEIGHT[role]
                previous, previous_role, items = support.get(unit_id, (0.0, role, []))
                items.append(_task_evidence(hit, unit_id, role, weight, asked))
                strongest = (weight, role) if weight > previous else (previous, previous_role)
                support[unit_id] = (*strongest, items)
    return support


def _merge_evidence(
    first: list[Evidence], second: tuple[Evidence, ...], limit: int, labels: Sequence[str] = ()
) -> tuple[Evidence, ...]:
    """The search's evidence (strongest first), then the graph's, each passage once; of them, those that name the
    asked topic (``labels``) first: a task that only shares the question's other words (监管 in 谁负责烟花爆竹安全
    监管: task 15 on enforcement teams) is not the first reason a unit answers a question about 烟花爆竹."""
    seen: set[tuple[str, str, int]] = set()
    merged = []
    for item in sorted(first, key=lambda e: -e.weight) + list(second):
        key = (item.kind, item.doc, item.number)
        if key not in seen:
            seen.add(key)
            merged.append(item)
    if labels:
        merged.sort(key=lambda item: not names_topic(item.text, labels))  # stable: the order above otherwise
    return tuple(merged[:limit])


def _unit(store: GraphStore, unit_id: str) -> Responsible:
    from kg.profile import unit_info

    info = unit_info(store, iris.unit_iri(unit_id, as_text=True))
    return Responsible(
        iri=iris.unit_iri(unit_id, as_text=True),
        id=unit_id,
        name=str(info.get("name") or unit_id),
        role=AnswerRole.NONE,
        score=0.0,
        successor=str(info["successor"]) if info.get("successor") else None,
        is_group=bool(info.get("is_group")),
    )


def _law_titles(store: GraphStore, docs: Iterable[str]) -> dict[str, str]:
    """The titles of the laws the statutory evidence cites (only those: not every document per question)."""
    from kg import queries

    wanted = sorted(set(docs))
    if not wanted:
        return {}
    return {str(row["doc"]): str(row["title"]) for row in store.select(queries.documents_sparql(wanted))}


def _with_law(unit: Responsible, titles: dict[str, str]) -> tuple[Evidence, ...]:
    return tuple(
        replace(item, law=titles.get(item.doc)) if item.kind == "law_article" else item for item in unit.evidence
    )


def _graph_direct(unit: Responsible, exact: set[str], labels: Sequence[str], unnamed: Sequence[str] = ()) -> bool:
    """A task the unit leads or co-operates on, or an obligation it bears, is about the asked topic itself."""
    return any(
        item.kind in ("task", "obligation")
        and ((bool(item.path) and item.path[0] in exact) or names_topic(item.text, labels))
        and not _off_topic(item.text, unnamed)
        for item in unit.evidence
    )


def unnamed_topic(question: str, labels: Sequence[str], segmenter: Segmenter | None = None) -> tuple[str, ...]:
    """The question's own topic words that no concept found in it names (游泳 of 游泳场所, when only 场所 is a
    label); none when they are only the context of the topics it names (:data:`CONTEXT_RATIO`), unless one of
    them qualifies a named word (游泳 in 游泳场所: then the question asks about a narrower thing than the concept).

    Why: 监督管理 in 谁负责网络安全的监督管理 finds the concept 监管执法, which every supervision task carries;
    without this check those tasks would answer a question about a topic (网络安全) that no passage names.
    Pronouns, adverbs and plain verbs (这个, 到底, 有没有) are no topic (:func:`ontology.question_words.is_topic_word`).

    >>> unnamed_topic("谁负责网络安全的监督管理？", ["监管执法", "监督管理"]), unnamed_topic("谁负责电梯安全？", ["电梯"])
    (('网络安全',), ())
    >>> unnamed_topic("游泳场所安全由哪个部门监管？", ["生产经营场所", "场所", "行业监管"])
    ('游泳',)
    >>> unnamed_topic("孩子在学校到底有没有上安全课？", ["安全教育", "学校"])
    ()
    """
    from kg.statutory import question_topic
    from ontology.question_words import is_topic_word

    words = [word for word in question_topic(question, segmenter) if is_topic_word(word)]
    named = [word for word in words if any(word in lb or lb in word for lb in labels)]
    unnamed = tuple(word for word in words if word not in named)
    modifiers = [word for word in unnamed if any(word + name in question for name in named)]
    if named and not modifiers and len(unnamed) < CONTEXT_RATIO * len(named):
        return ()
    return unnamed


def _without_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with the spans (unit names) blanked out."""
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return text


def _off_topic(text: str, unnamed: Sequence[str]) -> bool:
    return bool(unnamed) and not any(word in text for word in unnamed)


def _hit_confidence(
    hit: Hit, question: str, asked: set[str], expanded: set[str], labels: Sequence[str], unnamed: Sequence[str] = ()
) -> str:
    """How a task hit supports its units: it names the asked topic (direct), a concept near it (related), or not;
    a hit that misses the words of a topic no concept named is related at best."""
    if asked & set(hit.topics) or names_topic(hit.text, labels):
        return RELATED if _off_topic(hit.text, unnamed) else DIRECT
    if not asked and covers_question(question, hit.text):
        return DIRECT
    if not asked and sum(word in hit.text for word in unnamed if len(word) >= 2) >= SHARED_TOPIC_WORDS:
        return RELATED
    return RELATED if expanded & set(hit.topics) else NONE


def _nearest(hits: Sequence[Hit]) -> tuple[dict[str, Any], ...]:
    return tuple(
        {
            "kind": hit.kind,
            "doc": hit.doc,
            "doc_title": hit.doc_title,
            "number": hit.number,
            "title": hit.title,
            "text": hit.text[:300],
            "score": round(hit.score, 3),
        }
        for hit in hits[:NEAREST]
        if hit.kind != "unit"
    )


def answer(
    question: str,
    *,
    store: GraphStore,
    thesaurus: Thesaurus,
    index: SearchIndex | None,
    limit: int = 20,
    evidence_limit: int = 5,
    units: Sequence[Unit] = (),
    topic_table: TopicTable | None = None,
) -> CombinedAnswer:
    """The answer of ``policykg ask``: units best first, statutory roles beside them, the passages read.

    ``units`` (the model's register) lets statutory roles name their local bodies; without it they name none.
    ``topic_table`` (the build's, when it has one) reads the graph's topic rows from an indexed file.
    """
    from kg.responsibility import expand_topics

    graph = graph_ask(store, thesaurus, question, limit=200, evidence_limit=evidence_limit, table=topic_table)
    asked_ids = [str(topic["id"]) for topic in graph.topics]
    hits = index.candidate_evidence(question, limit=SEARCH_DEPTH) if index is not None else []
    support = index_support(hits, asked=asked_ids)
    by_id = {unit.id: unit for unit in graph.units}
    top_graph = graph.units[0].score if graph.units else 0.0
    scores = {unit_id: weight for unit_id, (weight, _role, _items) in support.items()}
    for unit in graph.units:
        if unit.role.is_statutory and unit.id not in support:
            continue
        scores[unit.id] = scores.get(unit.id, 0.0) + GRAPH_WEIGHT * (
            unit.score / top_graph if top_graph else 0.0
        )
    cutoff = ANSWER_CUT * max(scores.values(), default=0.0)
    chosen = sorted(
        (uid for uid, score in scores.items() if score >= cutoff and score > 0), key=lambda u: -scores[u]
    )
    # how sure: per unit, the best of its task hits and its graph evidence
    labels = [
        label
        for cid in asked_ids
        for label in (thesaurus[cid].pref_zh, *thesaurus[cid].alt_zh)
        if len(label) >= 2
    ]
    expanded = expand_topics(thesaurus, asked_ids)
    exact = {iri for iri, (relation, _cid) in expanded.items() if relation == "exact"}
    expanded_ids = {iri.removeprefix(iris.TOPIC_BASE) for iri in expanded}
    asked_units = index.find_units(question) if index is not None else []
    segmenter = index.segmenter if index is not None else None
    unnamed = unnamed_topic(_without_spans(question, [(a, b) for _unit, a, b in asked_units]), labels, segmenter)
    sure: dict[str, str] = {}
    for hit in hits:
        if hit.kind != "task":
            continue
        level = _hit_confidence(hit, question, set(asked_ids), expanded_ids, labels, unnamed)
        for unit_id in (*hit.lead_units, *hit.co_units):
            if level == DIRECT or (level == RELATED and sure.get(unit_id) != DIRECT):
                sure[unit_id] = level
    for unit in graph.units:
        if unit.role.is_statutory or sure.get(unit.id) == DIRECT:
            continue
        sure[unit.id] = DIRECT if _graph_direct(unit, exact, labels, unnamed) else RELATED
    out = []
    for unit_id in chosen:
        if sure.get(unit_id, NONE) == NONE:
            continue
        base = by_id.get(unit_id) or _unit(store, unit_id)
        weight, role, items = support.get(unit_id, (0.0, base.role, []))
        out.append(
            replace(
                base,
                role=role if weight else base.role,
                score=scores[unit_id],
                evidence=_merge_evidence(items, base.evidence, evidence_limit, labels),
                confidence=sure[unit_id],
            )
        )
    out.sort(key=lambda u: (u.confidence != DIRECT, -round(u.score, 6), u.name))
    out = out[:limit]
    confidence = DIRECT if any(u.confidence == DIRECT for u in out) else RELATED if out else NONE
    titles = _law_titles(
        store,
        (e.doc for u in graph.units if u.role.is_statutory for e in u.evidence if e.kind == "law_article"),
    )
    places = {jurisdiction(u.id) for u in out}
    statutory = [
        replace(
            u,
            evidence=_with_law(u, titles),
            local_units=tuple(local_units(u.name, units, jurisdictions=places)),
        )
        for u in graph.units
        if u.role.is_statutory and u.id not in chosen and is_role(u.name)
    ]
    return CombinedAnswer(
        answer=Answer(question=question, topics=graph.topics, units=tuple(out)),
        statutory=tuple(statutory[:limit]),
        searched=tuple(
            SearchedPassage(kind=h.kind, doc=h.doc, number=h.number, score=h.score) for h in hits
        ),
        confidence=confidence,
        nearest=_nearest(hits) if confidence == NONE else (),
    )
