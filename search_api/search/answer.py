"""``ask``: the index finds the passages a question is about, the graph turns them into responsible units.

Why both: the graph alone (:func:`kg.responsibility.ask`) ranks every unit that touches the asked topic and
its narrower and broader concepts — right for "everything about 电梯", too wide for "who": its unit sets
scored F1 0.26 on the dev set. The full-text index alone finds the task that answers the question but knows
no topics. Combined, a unit's score is its best support in the index (a task it leads, scaled by that task's
score relative to the best hit; half for a co-operating unit) plus a smaller share of its graph score; the
answer keeps the units within :data:`ANSWER_CUT` of the best. Statutory roles named in laws rarely reach the
cut, so they are returned beside the answer (``statutory``) with their law articles as evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from kg import iris
from kg.responsibility import Answer, Evidence, Responsible
from kg.responsibility import ask as graph_ask
from kg.roles import ROLE_WEIGHT, AnswerRole

if TYPE_CHECKING:
    from kg.store import GraphStore
    from ontology.thesaurus import Thesaurus
    from search_api.search.engine import Hit, SearchIndex

ANSWER_CUT = 0.85  # keep units scoring at least this share of the best (tuned on bench/questions, see README)
GRAPH_WEIGHT = 0.3  # the graph's share next to the index's support
SEARCH_DEPTH = 10  # candidate passages read from the index


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

    @property
    def units(self) -> tuple[Responsible, ...]:
        """The responsible units, best first."""
        return self.answer.units

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``policykg ask --json``: ``{"question", "topics", "units", "statutory", "searched"}``."""
        return {
            **self.answer.to_json(),
            "statutory": [unit.to_json() for unit in self.statutory],
            "searched": [passage.to_json() for passage in self.searched],
        }


def _task_evidence(hit: Hit, unit_id: str, role: AnswerRole, weight: float, asked: Sequence[str]) -> Evidence:
    # The path starts at the topic the question asked about when the passage has it, else at its own first topic.
    topics = [t for t in asked if t in hit.topics] or list(hit.topics[:1])
    topic = (iris.TOPIC_BASE + topics[0],) if topics else ()
    task = iris.task_iri(hit.doc or "", hit.number or 0, as_text=True)
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


def _merge_evidence(first: list[Evidence], second: tuple[Evidence, ...], limit: int) -> tuple[Evidence, ...]:
    seen: set[tuple[str, str, int]] = set()
    merged = []
    for item in sorted(first, key=lambda e: -e.weight) + list(second):
        key = (item.kind, item.doc, item.number)
        if key not in seen:
            seen.add(key)
            merged.append(item)
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


def answer(
    question: str,
    *,
    store: GraphStore,
    thesaurus: Thesaurus,
    index: SearchIndex | None,
    limit: int = 20,
    evidence_limit: int = 5,
) -> CombinedAnswer:
    """The answer of ``policykg ask``: units best first, statutory roles beside them, the passages read."""
    graph = graph_ask(store, thesaurus, question, limit=200, evidence_limit=evidence_limit)
    hits = index.candidate_evidence(question, limit=SEARCH_DEPTH) if index is not None else []
    support = index_support(hits, asked=[str(topic["id"]) for topic in graph.topics])
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
    units = []
    for unit_id in chosen[:limit]:
        base = by_id.get(unit_id) or _unit(store, unit_id)
        weight, role, items = support.get(unit_id, (0.0, base.role, []))
        units.append(
            replace(
                base,
                role=role if weight else base.role,
                score=scores[unit_id],
                evidence=_merge_evidence(items, base.evidence, evidence_limit),
            )
        )
    units.sort(key=lambda u: (-round(u.score, 6), u.name))
    statutory = [u for u in graph.units if u.role.is_statutory and u.id not in chosen]
    return CombinedAnswer(
        answer=Answer(question=question, topics=graph.topics, units=tuple(units)),
        statutory=tuple(statutory[:limit]),
        searched=tuple(
            SearchedPassage(kind=h.kind, doc=h.doc, number=h.number, score=h.score) for h in hits
        ),
    )
