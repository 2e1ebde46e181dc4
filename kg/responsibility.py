"""Who is responsible for a topic: ranked units (and statutory roles) with the evidence path through the graph.

Why these signals and no others: the ranking must hold for the next district's document, so it uses only the
graph's general structure, never wording of the seed —

- *how* the topic is met: named itself (1.0), through a narrower concept (0.8, 消防 ⊃ 消防设施) or through
  its broader concept (0.5, 电梯 → 特种设备), never through a top concept of the thesaurus (too broad);
- *where*: a task that names the topic (1.0 for a lead unit, 0.5 for a co-operating one), an article that names
  it and the tasks implementing that article (0.5 × the link score × the role), an obligation whose sentence
  names it (0.6 × its strength), an article of a law (0.4 for a statutory regulator, 0.15 for other bearers);
- *how much*: a unit's score sums its distinct evidence items, best first, each worth half the one before
  (:data:`DECAY`): more support ranks higher, but twenty weak law articles never outweigh one task.

Every evidence item quotes its sentence with its span and gives the path topic → article/task/obligation → unit.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg import iris, queries
from kg.roles import ROLE_WEIGHT, AnswerRole
from kg.store import GraphStore, Row
from kg.topic_table import TopicTable, topic_rows

if TYPE_CHECKING:
    from ontology.thesaurus import Thesaurus

TOPIC_WEIGHT = {"exact": 1.0, "narrower": 0.8, "broader": 0.5}
ARTICLE_FACTOR = 0.5
DECAY = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """One reason a unit is responsible: the quoted sentence, where it is, and the graph path to it."""

    kind: str  # task | article | obligation | law_article
    doc: str
    number: int
    text: str
    start: int
    end: int
    path: tuple[str, ...]
    weight: float = 0.0
    role: AnswerRole = AnswerRole.NONE
    law: str | None = None  # the law's title, for a law article

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of ``policykg ask`` (``"law"``: the law's title, law articles only)."""
        data: dict[str, Any] = {
            "kind": self.kind,
            "doc": self.doc,
            "number": self.number,
            "text": self.text,
            "span": {"start": self.start, "end": self.end},
            "path": list(self.path),
        }
        if self.kind == "law_article":
            data["law"] = self.law
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class Responsible:
    """A unit (or statutory role) with its strongest role, score and evidence, best evidence first."""

    iri: str
    id: str
    name: str
    role: AnswerRole
    score: float
    successor: str | None
    evidence: tuple[Evidence, ...] = ()
    is_group: bool = False
    confidence: str | None = None  # direct | related (units of an answer); None for statutory roles
    local_units: tuple[dict[str, Any], ...] = ()  # statutory roles: the local bodies holding the role

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of ``policykg ask`` (statutory roles add ``"local_units"``)."""
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "role": self.role.value,
            "score": round(self.score, 3),
            "successor": self.successor,
            "confidence": self.confidence,
            "evidence": [item.to_json() for item in self.evidence],
        }
        if self.role.is_statutory:
            data["local_units"] = [dict(unit) for unit in self.local_units]
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """The answer to a responsibility question."""

    question: str
    topics: tuple[dict[str, str], ...]
    units: tuple[Responsible, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """``{"question", "topics": [...], "units": [...]}``."""
        return {
            "question": self.question,
            "topics": [dict(topic) for topic in self.topics],
            "units": [unit.to_json() for unit in self.units],
        }


def expand_topics(thesaurus: Thesaurus, concept_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Concept IRI → (how it relates to the asked topic, the asked concept id); exact beats narrower beats broader.

    Broader concepts are taken one step up and never when they are top concepts of the scheme.
    """
    asked = list(dict.fromkeys(concept_ids))
    tops = set(thesaurus.top_concepts())
    expanded: dict[str, tuple[str, str]] = {}
    for relation, step in (
        ("exact", lambda cid: (cid,)),
        ("narrower", thesaurus.descendants),
        ("broader", lambda cid: tuple(b for b in thesaurus.broader(cid) if b not in tops)),
    ):
        for concept_id in asked:
            for related in step(concept_id):
                expanded.setdefault(iris.TOPIC_BASE + related, (relation, concept_id))
    return expanded


_Key = tuple[str, str, int]  # (evidence kind, document, number): one passage
_Claim = tuple[float, tuple[str, ...], str, AnswerRole, Row]  # weight, path, kind, role, the row quoted
Bucket = dict[str, dict[_Key, _Claim]]


def _add(bucket: Bucket, node: str, kind: str, row: Row, path: tuple[str, ...], weight: float, role: AnswerRole) -> None:
    """Keep a unit's best evidence per passage; of equal weights the smallest path, so the answer does not
    depend on the order a store (local, remote, or the topic table) returns rows in. Kept as plain tuples:
    at 10,000 documents a topic brings a hundred thousand rows, and only the shown units' best few become
    :class:`Evidence`."""
    items = bucket.setdefault(node, {})
    key = (kind, str(row["doc"]), int(row["number"] or 0))
    kept = items.get(key)
    if kept is None or (kept[0], path) < (weight, kept[1]):
        items[key] = (weight, path, kind, role, row)


def _task_claim(topic_weight: float, role_name: Any) -> tuple[AnswerRole, str, float]:
    """A task row's role, evidence kind and weight."""
    role = AnswerRole.of_task_role(str(role_name))
    return role, "task", topic_weight * ROLE_WEIGHT[role]


def _obligation_claim(
    topic_weight: float, law: Any, unit: Any, duty_kind: Any, strength: Any
) -> tuple[AnswerRole, str, float]:
    """An obligation row's role, evidence kind (a law's article or a policy's obligation) and weight."""
    if law:
        role = AnswerRole.STATUTORY_REGULATOR if unit or duty_kind == "regulator" else AnswerRole.STATUTORY_DUTY_HOLDER
        kind = "law_article"
    else:
        role, kind = AnswerRole.BEARER, "obligation"
    return role, kind, topic_weight * ROLE_WEIGHT[role] * (float(strength or 0.5) if kind == "obligation" else 1)


def _task_evidence(rows: Sequence[Row], topics: dict[str, tuple[str, str]], bucket: Bucket) -> None:
    for row in rows:
        role, kind, weight = _task_claim(TOPIC_WEIGHT[topics[str(row["topic"])][0]], row["role"])
        path = (str(row["topic"]), str(row["task"]), str(row["unit"]))
        _add(bucket, str(row["unit"]), kind, row, path, weight, role)


Weights = dict[str, dict[_Key, float]]  # holder → its best weight per passage


def _claim_weights(kind: str, claims: Iterable[Sequence[Any]], topics: dict[str, tuple[str, str]]) -> Weights:
    """Holder → its best weight per passage, from the claims index's tuples (:data:`kg.topic_table.CLAIM_COLUMNS`):
    the weights :func:`_task_evidence` or :func:`_obligation_evidence` keeps, without the rows' text or paths
    (which only the holders shown need)."""
    weights: Weights = {}
    topic_weight = {topic: TOPIC_WEIGHT[relation] for topic, (relation, _concept) in topics.items()}
    for claim in claims:
        if kind == "tasks":
            topic, holder, role_name, doc, number = claim
            _role, evidence_kind, weight = _task_claim(topic_weight[str(topic)], role_name)
        else:
            topic, holder, law, unit, duty_kind, strength, doc, number = claim
            _role, evidence_kind, weight = _obligation_claim(topic_weight[str(topic)], law, unit, duty_kind, strength)
        per_holder = weights.setdefault(str(holder), {})
        key = (evidence_kind, str(doc), int(number or 0))
        if per_holder.get(key, -1.0) < weight:
            per_holder[key] = weight
    return weights


def _evidence(kind: str, row: Row, path: tuple[str, ...], weight: float, role: AnswerRole) -> Evidence:
    return Evidence(
        kind=kind,
        doc=str(row["doc"]),
        number=int(row["number"] or 0),
        text=str(row["text"]),
        start=int(row["start"] or 0),
        end=int(row["end"] or 0),
        path=path,
        weight=weight,
        role=role,
    )


def _article_evidence(
    store: GraphStore, sentences: Sequence[Row], topics: dict[str, tuple[str, str]], bucket: Bucket
) -> None:
    best: dict[str, tuple[float, Row]] = {}
    # the article's first sentence naming its best topic stands for it, whatever order the store returned
    for row in sorted(sentences, key=lambda r: (int(r["start"] or 0), str(r["topic"]))):
        if row["law"]:
            continue
        weight = TOPIC_WEIGHT[topics[str(row["topic"])][0]]
        article = str(row["article"])
        if article not in best or best[article][0] < weight:
            best[article] = (weight, row)
    if not best:
        return
    for row in _tasks_for_articles(store, sorted(best)):
        topic_weight, sentence = best[str(row["article"])]
        role = AnswerRole.of_task_role(str(row["role"]))
        score = float(row["score"] or 0.0)
        weight = ARTICLE_FACTOR * topic_weight * score * ROLE_WEIGHT[role]
        path = (str(sentence["topic"]), str(row["article"]), str(row["task"]), str(row["unit"]))
        _add(bucket, str(row["unit"]), "article", sentence, path, weight, role)


def _obligation_evidence(rows: Sequence[Row], topics: dict[str, tuple[str, str]], bucket: Bucket) -> None:
    for row in rows:
        topic_weight = TOPIC_WEIGHT[topics[str(row["topic"])][0]]
        path = (str(row["topic"]), str(row["article"]), str(row["obligation"]), str(row["bearer"]))
        role, kind, weight = _obligation_claim(topic_weight, row["law"], row["unit"], row["kind"], row["strength"])
        _add(bucket, str(row["bearer"]), kind, row, path, weight, role)


_KNOWN_LABELS: dict[int, dict[str, Row]] = {}
"""Per open store (by identity, forgotten with it), the label rows already read: a build never changes, and the
questions a server answers name the same units again and again (at 491 documents the label query was a tenth of
a new question's time)."""


_KNOWN_LINKS: dict[int, dict[str, list[Row]]] = {}
"""The same for each article's implementing tasks (task, units, link score)."""


def _known(memo: dict[int, dict[str, Any]], store: GraphStore) -> dict[str, Any]:
    """``memo``'s entry for ``store``, created empty and dropped when the store is."""
    key = id(store)
    known = memo.get(key)
    if known is None:
        known = memo[key] = {}
        weakref.finalize(store, memo.pop, key, None)
    return known


def _tasks_for_articles(store: GraphStore, articles: Sequence[str]) -> list[Row]:
    """The rows of :func:`kg.queries.tasks_for_articles_sparql`, each article's read once per open store."""
    known: dict[str, list[Row]] = _known(_KNOWN_LINKS, store)
    missing = [article for article in articles if article not in known]
    if missing:
        read: dict[str, list[Row]] = {article: [] for article in missing}
        for row in store.select(queries.tasks_for_articles_sparql(missing)):
            read[str(row["article"])].append(row)
        known.update(read)
    return [row for article in articles for row in known[article]]


def _labels(store: GraphStore, nodes: Sequence[str]) -> dict[str, Row]:
    known: dict[str, Row] = _known(_KNOWN_LABELS, store)
    missing = [node for node in nodes if node not in known]
    if missing:
        read: dict[str, Row] = {}
        for row in store.select(queries.labels_sparql(missing)):
            read.setdefault(str(row["node"]), row)
        known.update(read)
    return {node: known[node] for node in nodes if node in known}


def combined_score(weights: Sequence[float]) -> float:
    """Sum of the weights, best first, each discounted by :data:`DECAY` per rank.

    >>> combined_score([0.5, 1.0])
    1.25
    """
    return sum(weight * DECAY**rank for rank, weight in enumerate(sorted(weights, reverse=True)))


def _contenders(scores: dict[str, float], limit: int) -> list[str]:
    """The nodes that can be among the ``limit`` best: every node scoring at least the ``limit``-th best score
    (rounded as the ranking rounds it, so ties at the cut stay in and their names decide). Why: at 10,000
    documents a topic reaches thousands of units, and reading every one's label for a top twenty cost half a
    second."""
    if len(scores) <= limit:
        return list(scores)
    if limit <= 0:
        return []
    cut = sorted((round(score, 6) for score in scores.values()), reverse=True)[limit - 1]
    return [node for node, score in scores.items() if round(score, 6) >= cut]


def responsible_for_topics(
    store: GraphStore,
    topics: dict[str, tuple[str, str]],
    *,
    limit: int = 20,
    evidence_limit: int = 5,
    table: TopicTable | None = None,
) -> tuple[Responsible, ...]:
    """Ranked units for already expanded topics (see :func:`expand_topics`); ``table``, the build's topic table,
    answers the topic look-ups without reading the store's rows one by one."""
    if not topics:
        return ()
    iris_ = sorted(topics)
    bucket: Bucket = {}
    weights: list[Weights] = []
    if table is not None:  # scored from the claims indexes; rows read whole for the holders shown only
        weights = [_claim_weights(kind, table.claims(kind, iris_), topics) for kind in ("tasks", "obligations")]
    else:
        _task_evidence(topic_rows(store, table, "tasks", iris_), topics, bucket)
        _obligation_evidence(topic_rows(store, table, "obligations", iris_), topics, bucket)
    _article_evidence(store, topic_rows(store, table, "sentences", iris_), topics, bucket)
    nodes = set(bucket).union(*weights)
    if not nodes:
        return ()
    scores = {
        node: combined_score(
            [*(w for kept in weights for w in kept.get(node, {}).values()), *(c[0] for c in bucket.get(node, {}).values())]
        )
        for node in nodes
    }
    shown = _contenders(scores, limit)
    if table is not None:
        for kind, kept, read in (("tasks", weights[0], _task_evidence), ("obligations", weights[1], _obligation_evidence)):
            read(table.rows(kind, iris_, holders=[node for node in sorted(shown) if node in kept]), topics, bucket)
    labels = _labels(store, sorted(shown))
    ranked = []
    for node in shown:
        best = sorted(bucket[node].items(), key=lambda item: (-item[1][0], *item[0]))[: max(evidence_limit, 1)]
        evidence = [_evidence(kind, row, path, weight, role) for _key, (weight, path, kind, role, row) in best]
        label = labels.get(node, {})
        ranked.append(
            Responsible(
                iri=node,
                id=str(label.get("id") or iris.local_part(node)),
                name=str(label.get("name") or iris.local_part(node)),
                role=evidence[0].role,
                score=scores[node],
                successor=str(label["successor"]) if label.get("successor") else None,
                evidence=tuple(evidence[:evidence_limit]),
                is_group=bool(label.get("group")),
            )
        )
    ranked.sort(key=lambda r: (-round(r.score, 6), r.name, r.iri))
    return tuple(ranked[:limit])


def topics_in(thesaurus: Thesaurus, question: str) -> tuple[str, ...]:
    """Concept ids named in a question, Chinese or English (English through the thesaurus' English labels); a
    concept found only through a duty word (监督管理 in 谁负责特种设备安全监督管理) is left out when the question names
    another: it says what is done about the topic, and every supervision task would answer directly.

    >>> from ontology.thesaurus import load_thesaurus
    >>> topics_in(load_thesaurus(), "谁负责特种设备安全监督管理"), topics_in(load_thesaurus(), "谁负责网络安全的监督管理")
    (('special-equipment',), ('law-enforcement',))
    """
    from ontology.question_words import names_only_a_duty

    matches = thesaurus.find_all(question)
    said = [match for match in matches if not names_only_a_duty(match.surface)]
    return tuple(dict.fromkeys(match.concept_id for match in (said or matches)))


def ask(
    store: GraphStore,
    thesaurus: Thesaurus,
    question: str,
    *,
    limit: int = 20,
    evidence_limit: int = 5,
    table: TopicTable | None = None,
) -> Answer:
    """Answer a responsibility question: its topics, then the ranked responsible units with evidence."""
    concept_ids = topics_in(thesaurus, question)
    topics = tuple(
        {"id": cid, "iri": iris.TOPIC_BASE + cid, "label": thesaurus[cid].pref_zh, "label_en": thesaurus[cid].pref_en}
        for cid in concept_ids
    )
    units = responsible_for_topics(
        store, expand_topics(thesaurus, concept_ids), limit=limit, evidence_limit=evidence_limit, table=table
    )
    return Answer(question=question, topics=topics, units=units)
