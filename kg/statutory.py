"""Answers read from laws and regulations: the body a clause makes responsible for the asked duty, by place.

Why match the duty's object and not the article: an article often names two bodies for two duties (公安机关
for one licence, 交通运输主管部门 for another); only the clause's own object (``pkg:dutyObject``, the clause
without its bearer and scope words) says which duty each body has.  A clause that *governs* its object
(负责…监督管理, X由Y负责, 是…主管机关) outranks one that mentions it, and a clause whose object does not cover
the question's topic answers nothing: then the answer abstains.

Why the place first: two cities' regulations name their regulators differently, so a question naming a place is
answered from that place's documents, then from the places above it (city → province → 全国), never from a
sibling; a place the corpus does not know is answered from national law only.

Entry points for ``ask``: :func:`detect_place`, :func:`jurisdiction_chain` and :func:`statutory_answer`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kg.queries import PREFIXES
from kg.store import GraphStore, Row

NATIONAL = "全国"
# Question words and duty verbs: they say a duty is asked about, not which one.
_QUESTION_NOISE = re.compile(
    r"谁|哪个|哪些|哪一?级|什么|如何|是否|怎么|部门|单位|机关|机构|由|负责|主管|监督管理|监管|管理|工作|的|是|对|"
    r"在|应当|本市|本省|全国|呢|吗|？|\?|，|。|、|以及|和|与|及|全面|统一|领导|实施|履行|"
    r"建立|制定|核发|维护|保证|考核|评价|设立|承担|组织|综合"
)
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:特别行政区|自治区|自治州|省|市|区|县)")
_REGULATOR_ASKED = re.compile(r"哪个部门|哪些部门|监督管理|监管|主管|机关")
MIN_COVERAGE = 0.6


@dataclass(frozen=True, slots=True, kw_only=True)
class StatutoryEntry:
    """One body a clause makes responsible, with the clause cited (document, article, span) and its place."""

    kind: str  # regulator | duty_holder
    body: str
    doc: str
    title: str
    article: int
    text: str
    start: int
    end: int
    jurisdiction: str
    object: str
    scope: str
    governing: bool
    score: float

    def to_json(self) -> dict[str, Any]:
        """The JSON of one ``statutory[]`` entry of ``ask --json``."""
        return {
            "kind": self.kind,
            "name": self.body,
            "doc": self.doc,
            "title": self.title,
            "number": self.article,
            "text": self.text,
            "span": {"start": self.start, "end": self.end},
            "jurisdiction": self.jurisdiction,
            "object": self.object,
            "scope": self.scope,
            "governing": self.governing,
            "score": round(self.score, 3),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class StatutoryAnswer:
    """The asked place (if any), the places searched in order, and the entries; empty entries = abstain."""

    question: str
    jurisdiction: str | None
    searched: tuple[str, ...]
    entries: tuple[StatutoryEntry, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """``{"jurisdiction", "searched", "statutory": [...], "abstained"}``."""
        return {
            "jurisdiction": self.jurisdiction,
            "searched": list(self.searched),
            "statutory": [entry.to_json() for entry in self.entries],
            "abstained": not self.entries,
        }


def duties_sparql() -> str:
    """Every typed duty clause of a law or regulation, with bearer, article, document and jurisdiction."""
    return f"""{PREFIXES}
SELECT ?obligation ?kind ?object ?scope ?governing ?bearerText ?text ?start ?end ?number ?doc ?title
       ?jurisdiction WHERE {{
  ?obligation pkg:dutyKind ?kind ; pkg:governing ?governing ; pkg:text ?text ; pkg:bearerText ?bearerText ;
              pkg:inArticle ?article ; prov:wasDerivedFrom ?span .
  ?span pkg:start ?start ; pkg:end ?end .
  ?article pkg:number ?number ; pkg:inDocument ?d .
  ?d dcterms:identifier ?doc ; dcterms:title ?title ; pkg:jurisdiction ?jurisdiction .
  OPTIONAL {{ ?obligation pkg:dutyObject ?object }}
  OPTIONAL {{ ?obligation pkg:scope ?scope }}
}}"""


def places_sparql() -> str:
    """Every document jurisdiction with the places above it."""
    return f"""{PREFIXES}
SELECT ?jurisdiction ?above WHERE {{
  ?d pkg:jurisdiction ?jurisdiction .
  OPTIONAL {{ ?d pkg:withinJurisdiction ?above }}
}}"""


def known_places(store: GraphStore) -> dict[str, tuple[str, ...]]:
    """Place → the places above it, as the corpus' documents state them."""
    above: dict[str, list[str]] = {}
    for row in store.select(places_sparql()):
        items = above.setdefault(str(row["jurisdiction"]), [])
        if row["above"] and str(row["above"]) not in items:
            items.append(str(row["above"]))
    return {place: tuple(items) for place, items in above.items()}


def _bare(place: str) -> str:
    return re.sub(r"(?:特别行政区|自治区|自治州|省|市|区|县)$", "", place)


def detect_place(question: str, known: dict[str, tuple[str, ...]] | None = None) -> str | None:
    """The place a question names: a known jurisdiction (with or without 市/省), else any 省/市/区/县 name.

    >>> detect_place("在枣庄，谁对电梯使用安全负责？", {"枣庄市": ("山东省", "全国")})
    '枣庄市'
    >>> detect_place("济南市的特种设备由谁监管？", {})
    '济南市'
    >>> detect_place("谁负责特种设备安全？", {}) is None
    True
    """
    for place in sorted(known or {}, key=len, reverse=True):
        if place != NATIONAL and (place in question or (len(_bare(place)) >= 2 and _bare(place) in question)):
            return place
    match = _PLACE.search(question)
    return match.group() if match else None


def jurisdiction_chain(place: str | None, known: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The places to answer from, in order: the place itself, the places above it, 全国.

    >>> jurisdiction_chain("枣庄市", {"枣庄市": ("山东省", "全国"), "山东省": ("全国",)})
    ('枣庄市', '山东省', '全国')
    >>> jurisdiction_chain("济南市", {"枣庄市": ("山东省", "全国")})
    ('济南市', '全国')
    """
    if place is None:
        return ()
    chain = [place, *known.get(place, ())]
    return tuple(dict.fromkeys([*chain, NATIONAL]))


def _terms(question: str, place: str | None) -> str:
    text = question
    if place:
        text = text.replace(place, "").replace(_bare(place), "")
    return _QUESTION_NOISE.sub(" ", text)


def _bigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for piece in text.split():
        grams |= {piece[i : i + 2] for i in range(len(piece) - 1)} if len(piece) > 1 else {piece}
    return grams


# Bigrams every safety clause shares: they count a fifth of a topic bigram, so 网络安全 is not matched by 安全.
_GENERIC = frozenset({"安全", "全生", "生产", "产工", "工作", "管理", "监督", "督管", "作安", "全工"})


def coverage(question_terms: str, duty_text: str) -> float:
    """Weighted share of the question's topic bigrams found in the duty's object (generic bigrams count 0.2).

    >>> coverage(" 电梯使用安全 ", "电梯使用安全")
    1.0
    >>> round(coverage(" 网络安全 ", "特种设备安全"), 3)
    0.091
    """
    grams = _bigrams(question_terms)
    if not grams:
        return 0.0
    specific = any(gram not in _GENERIC for gram in grams)  # a generic-only topic (安全生产) counts in full
    weight = {gram: 0.2 if specific and gram in _GENERIC else 1.0 for gram in grams}
    return sum(w for gram, w in weight.items() if gram in duty_text) / sum(weight.values())


def _score(row: Row, terms: str, regulator_asked: bool) -> float:
    obj = str(row["object"] or "")
    cover = coverage(terms, obj)
    if cover < MIN_COVERAGE:
        return 0.0
    score = cover + (0.5 if str(row["governing"]).lower() == "true" else 0.0)
    if regulator_asked == (str(row["kind"]) == "regulator"):
        score += 0.2
    if str(row["bearerText"]) in str(row["text"]):
        score += 0.1  # the clause names its bearer itself, not inherited from an earlier sentence
    return score - 0.002 * len(obj)  # a short object that the question covers is the duty itself


def statutory_answer(store: GraphStore, question: str, *, limit: int = 5) -> StatutoryAnswer:
    """The bodies laws and regulations make responsible for the asked duty, from the asked place upwards.

    With a place: the first place of :func:`jurisdiction_chain` that has a matching clause answers (never a
    sibling place). Without one: every jurisdiction may answer, national law first on equal scores.
    No clause whose object covers the question's topic → no entries (abstain).
    """
    known = known_places(store)
    place = detect_place(question, known)
    chain = jurisdiction_chain(place, known)
    terms = _terms(question, place)
    regulator_asked = bool(_REGULATOR_ASKED.search(question))
    scored: list[tuple[float, Row]] = []
    for row in store.select(duties_sparql()):
        if chain and str(row["jurisdiction"]) not in chain:
            continue
        score = _score(row, terms, regulator_asked)
        if score > 0:
            scored.append((score, row))
    if chain:
        for level in chain:
            at_level = [(s, r) for s, r in scored if str(r["jurisdiction"]) == level]
            if at_level:
                scored = at_level
                break
    national_first = {NATIONAL: 0}
    scored.sort(
        key=lambda pair: (
            -round(pair[0], 6),
            national_first.get(str(pair[1]["jurisdiction"]), 1),
            str(pair[1]["doc"]),
            int(pair[1]["number"]),
            int(pair[1]["start"]),
        )
    )
    entries: list[StatutoryEntry] = []
    seen: set[tuple[str, str]] = set()
    for score, row in scored:
        key = (str(row["bearerText"]), str(row["jurisdiction"]))
        if key in seen:
            continue
        seen.add(key)
        entries.append(
            StatutoryEntry(
                kind=str(row["kind"]),
                body=str(row["bearerText"]),
                doc=str(row["doc"]),
                title=str(row["title"]),
                article=int(row["number"]),
                text=str(row["text"]),
                start=int(row["start"]),
                end=int(row["end"]),
                jurisdiction=str(row["jurisdiction"]),
                object=str(row["object"] or ""),
                scope=str(row["scope"] or ""),
                governing=str(row["governing"]).lower() == "true",
                score=score,
            )
        )
        if len(entries) >= limit:
            break
    return StatutoryAnswer(question=question, jurisdiction=place, searched=chain, entries=tuple(entries))
