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

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.places import find_english_place, find_place, gazetteer
from kg.queries import PREFIXES
from kg.store import GraphStore, Row
from ontology.question_words import mask_who_asks

if TYPE_CHECKING:
    from ingest.segment import Segmenter
    from ontology.thesaurus import Thesaurus

NATIONAL = "全国"
# Question words and duty verbs: they say a duty is asked about, not which one.
_QUESTION_NOISE = re.compile(
    r"谁|哪个|哪些|哪一?级|什么|如何|是否|怎么|部门|单位|机关|机构|由|负责|牵头|主管|监督管理|监管|管理|工作|的|是|对|"
    r"在|应当|本市|本省|全国|呢|吗|？|\?|，|。|、|以及|和|与|及|全面|统一|领导|实施|履行|"
    r"建立|制定|核发|维护|保证|考核|评价|设立|承担|组织|综合"
)
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:特别行政区|自治区|自治州|省|市|区|县)")
# What the fallback pattern catches that is no place: 本行政区(域), a question word run into a name, two things
# joined (景区和工业园区), an area that is no jurisdiction (园区, 景区, 社区, 小区, 开发区 …).
_NOT_PLACE = re.compile(
    r"行政区|本|谁|哪|由|负责|的|是|在|和|与|及|、|"
    r"(?:园|景|社|小|城|辖|片|厂|矿|库|校|街|营|开发|保护|风景|管理|示范|试验|功能|服务)区$"
)
_NATIONAL_EN = re.compile(r"\b(?:nationwide|nationally|national level|across the country|whole country)\b", re.I)
_REGULATOR_ASKED = re.compile(r"哪个部门|哪些部门|监督管理|监管|主管|机关")
MIN_COVERAGE = 0.6
_CJK = re.compile(r"[\u4e00-\u9fff]")
_REGULATOR_ASKED_EN = re.compile(r"\b(?:department|agency|authority|regulat\w*|supervis\w*)\b", re.IGNORECASE)


def _asks_regulator_en(question: str) -> bool:
    return not _CJK.search(question) and bool(_REGULATOR_ASKED_EN.search(question))


def _is_governing(row: Row) -> bool:
    return str(row["governing"]).lower() == "true"


def _first_level(
    scored: list[tuple[float, Row]], chain: tuple[str, ...], *, regulator: bool
) -> list[tuple[float, Row]]:
    """The matches of the nearest place in ``chain`` that answers: for a regulator question the nearest place
    whose clause governs the duty (a city regulation mentioning 特种设备 in passing does not make the city the
    regulator's source), else — and for a duty holder's obligation — the nearest place with any match."""
    tests = (_is_governing, lambda row: True) if regulator else (lambda row: True,)
    for wanted in tests:
        for level in chain:
            at_level = [(s, r) for s, r in scored if str(r["jurisdiction"]) == level and wanted(r)]
            if at_level:
                return [(s, r) for s, r in scored if str(r["jurisdiction"]) == level]
    return []


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
    obligation: str = ""  # the duty clause's IRI

    def to_json(self) -> dict[str, Any]:
        """The JSON of one ``statutory_clauses[]`` entry of ``ask --json``."""
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

    def as_responsible(self) -> dict[str, Any]:
        """The entry in the shape of an answer unit (``ask --json`` ``statutory[]``): name, kind, jurisdiction,
        and the clause as its evidence, with the path article → duty clause."""
        from kg import iris

        return {
            "id": None,
            "name": self.body,
            "role": "statutory",
            "kind": self.kind,
            "jurisdiction": self.jurisdiction,
            "score": round(self.score, 3),
            "successor": None,
            "confidence": "direct" if self.governing else "related",
            "evidence": [
                {
                    "kind": "law_article",
                    "doc": self.doc,
                    "number": self.article,
                    "text": self.text,
                    "span": {"start": self.start, "end": self.end},
                    "path": [iris.article_iri(self.doc, self.article, as_text=True), *([self.obligation] if self.obligation else [])],
                    "law": self.title,
                }
            ],
            "local_units": [],
            "clause": {"object": self.object, "scope": self.scope, "governing": self.governing},
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class StatutoryAnswer:
    """The asked place (if any), the places searched in order, and the entries; empty entries = abstain."""

    question: str
    jurisdiction: str | None
    searched: tuple[str, ...]
    entries: tuple[StatutoryEntry, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """``{"jurisdiction", "searched", "statutory": [...], "groups": [...], "abstained"}``."""
        return {
            "jurisdiction": self.jurisdiction,
            "searched": list(self.searched),
            "statutory": [entry.to_json() for entry in self.entries],
            "groups": self.groups(),
            "abstained": not self.entries,
        }

    def groups(self) -> list[dict[str, Any]]:
        """The entries by jurisdiction, in answer order: ``[{"jurisdiction", "statutory": [...]}]``."""
        out: dict[str, list[dict[str, Any]]] = {}
        for entry in self.entries:
            out.setdefault(entry.jurisdiction, []).append(entry.to_json())
        return [{"jurisdiction": place, "statutory": items} for place, items in out.items()]


def duties_sparql() -> str:
    """Every typed duty clause of a law or regulation, with bearer, article, document and jurisdiction."""
    return f"""{PREFIXES}
SELECT ?obligation ?kind ?object ?scope ?governing ?bearerText ?text ?start ?end ?number ?doc ?title
       ?jurisdiction ?articleText WHERE {{
  ?obligation pkg:dutyKind ?kind ; pkg:governing ?governing ; pkg:text ?text ; pkg:bearerText ?bearerText ;
              pkg:inArticle ?article ; prov:wasDerivedFrom ?span .
  ?span pkg:start ?start ; pkg:end ?end .
  ?article pkg:number ?number ; pkg:inDocument ?d ; pkg:text ?articleText .
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
    """Place → the places above it, as the corpus' documents state them, nearest first (see :func:`nearest_first`)."""
    above: dict[str, list[str]] = {}
    for row in store.select(places_sparql()):
        items = above.setdefault(str(row["jurisdiction"]), [])
        if row["above"] and str(row["above"]) not in items:
            items.append(str(row["above"]))
    return {place: nearest_first(items) for place, items in above.items()}


def nearest_first(places: list[str]) -> tuple[str, ...]:
    """The places above one place, nearest first: a place with more places above it lies lower (a city before
    its province), 全国 last. Why sort: the graph holds them as a set (RDF keeps no order), and each engine
    returns a set in an order of its own (rdflib, Oxigraph in process and an Oxigraph server all differ).

    >>> nearest_first(["全国", "陕西省", "铜川市"])
    ('铜川市', '陕西省', '全国')
    """
    return tuple(sorted(places, key=lambda place: (place == NATIONAL, -len(gazetteer().above(place)), place)))


def _bare(place: str) -> str:
    return re.sub(r"(?:特别行政区|自治区|自治州|省|市|区|县)$", "", place)


def detect_place(question: str, known: dict[str, tuple[str, ...]] | None = None) -> str | None:
    """The place a question names: a known jurisdiction (with or without 市/省), else any 省/市/区/县 name.

    >>> detect_place("在枣庄，谁对电梯使用安全负责？", {"枣庄市": ("山东省", "全国")})
    '枣庄市'
    >>> detect_place("济南市的特种设备由谁监管？", {})
    '济南市'
    >>> detect_place("谁负责特种设备安全？", {}) is None, detect_place("谁负责本行政区域内的消防工作？", {}) is None
    (True, True)
    >>> detect_place("In Zaozhuang, who maintains elevators?", {})
    '枣庄市'
    >>> detect_place("景区和工业园区里要设安全机构吗", {}), detect_place("化工园区的安全谁管", {})
    (None, None)
    """
    for place in sorted(known or {}, key=len, reverse=True):
        if place != NATIONAL and (place in question or (len(_bare(place)) >= 2 and _bare(place) in question)):
            return place
    named = find_place(question) if _CJK.search(question) else find_english_place(question)
    if named:
        return named
    match = _PLACE.search(question)
    return match.group() if match and not _NOT_PLACE.search(match.group()) else None


def jurisdiction_chain(place: str | None, known: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The places to answer from, in order: the place itself, the places above it, 全国.

    >>> jurisdiction_chain("枣庄市", {"枣庄市": ("山东省", "全国"), "山东省": ("全国",)})
    ('枣庄市', '山东省', '全国')
    >>> jurisdiction_chain("济南市", {"枣庄市": ("山东省", "全国")})
    ('济南市', '山东省', '全国')
    """
    if place is None:
        return ()
    chain = [place, *(known.get(place) or gazetteer().above(place))]
    return tuple(dict.fromkeys([*chain, NATIONAL]))


def _terms(question: str, place: str | None) -> str:
    text = mask_who_asks(question)
    if place:
        text = text.replace(place, "").replace(_bare(place), "")
    return _QUESTION_NOISE.sub(" ", text)


# Words every safety clause shares: they weigh a fifth of a topic word, so 网络安全 is not matched by 安全.
_GENERIC_WORDS = frozenset({"安全", "生产", "安全生产", "工作", "管理", "监督", "安全管理", "单位"})
GENERIC_WEIGHT = 0.2
BROADER_CREDIT = 0.8  # a word matched only through a broader concept's label (起重机械 → 特种设备)


@dataclass(frozen=True, slots=True)
class TopicWord:
    """One word of the question's topic, its weight, and the labels of broader concepts that stand for it."""

    word: str
    weight: float
    broader: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()  # other Chinese words for the same English word (a dictionary's senses)


def topic_words(
    terms: str, thesaurus: Thesaurus | None = None, segmenter: Segmenter | None = None
) -> tuple[TopicWord, ...]:
    """The question's topic as words (the shared segmenter), generic words weighed down, broader labels attached.

    >>> [(w.word, w.weight) for w in topic_words(" 特种设备 使用安全 ")]
    [('特种设备', 1.0), ('使用', 1.0), ('安全', 0.2)]
    """
    if segmenter is None:  # callers that hold the search index pass its segmenter: one dictionary loaded, not two
        from ingest.segment import shared_segmenter

        segmenter = shared_segmenter()
    words: list[str] = []
    for piece in terms.split():
        for token in segmenter.tokens(piece):
            word = token.word.strip()
            if len(word) >= 2 and word not in words:
                words.append(word)
        if len(piece) == 1 and piece not in words and "\u4e00" <= piece <= "\u9fff":
            words.append(piece)
    specific = any(word not in _GENERIC_WORDS for word in words)  # a generic-only topic (安全生产) counts in full
    out: list[TopicWord] = []
    for word in words:
        weight = GENERIC_WEIGHT if specific and word in _GENERIC_WORDS else 1.0
        out.append(TopicWord(word, weight, _broader_labels(word, thesaurus)))
    return tuple(out)


def question_topic(question: str, segmenter: Segmenter | None = None) -> tuple[str, ...]:
    """The specific words of a Chinese question's topic (place, question words, duty verbs and generic words
    left out); () for a question in another language.

    >>> question_topic("谁负责网络安全的监督管理？"), question_topic("Who supervises elevators?")
    (('网络安全',), ())
    """
    if not _CJK.search(question):
        return ()
    words = topic_words(_terms(question, detect_place(question)), segmenter=segmenter)
    return tuple(
        word.word for word in words if word.weight >= 1.0 and word.word not in _GENERIC_WORDS and _CJK.match(word.word)
    )


Translate = Callable[..., list[tuple[str, list[str]]]]


def english_topic_words(
    question: str, thesaurus: Thesaurus | None = None, translate: Translate | None = None
) -> tuple[TopicWord, ...]:
    """An English question's topic as Chinese words: the concepts the thesaurus finds by their English labels,
    then, for the other English words, the dictionary's Chinese words (``translate``: English n-gram → Chinese
    words, best first; the search index's CC-CEDICT map).  An n-gram whose best Chinese word is a question word
    or duty verb (lead → 领导, draw up → 制定) says what is asked, not about what; a place's name is the place.

    >>> [w.word for w in english_topic_words("Who must draw up safety rules?", None,
    ...     lambda text, skip=(): [("draw up", ["制定"]), ("safety", ["安全"]), ("rule", ["规章", "规程"])])]
    ['安全', '规章']
    """
    matches = thesaurus.find_english(question) if thesaurus is not None else []
    words = [TopicWord(thesaurus[m.concept_id].pref_zh, 1.0, _broader_labels(thesaurus[m.concept_id].pref_zh, thesaurus))
             for m in matches] if thesaurus is not None else []  # fmt: skip
    if translate is None:
        return tuple(words)
    skip = {word.lower() for m in matches for word in re.findall(r"[A-Za-z]+", m.surface)}
    place = find_english_place(question)
    if place:
        skip.update(w.lower() for w in re.findall(r"[A-Za-z]+", question) if find_english_place(w) == place)
    known = {word.word for word in words}
    for _gram, chinese in translate(question, skip=skip):
        if not chinese or _QUESTION_NOISE.fullmatch(chinese[0]) or chinese[0] in known:
            continue
        alternatives = tuple(zh for zh in chinese[1:] if not _QUESTION_NOISE.fullmatch(zh))
        weight = GENERIC_WEIGHT if chinese[0] in _GENERIC_WORDS else 1.0
        words.append(TopicWord(chinese[0], weight, (), alternatives))
        known.add(chinese[0])
    if any(word.weight >= 1.0 for word in words):
        return tuple(words)
    return tuple(replace(word, weight=1.0) for word in words)  # a generic-only topic counts in full


def english_verbs(question: str, translate: Translate | None) -> str:
    """The Chinese duty verbs an English question's words translate to (leads → 领导, supervises → 监督), as
    text for :func:`asked_verb`."""
    if translate is None:
        return ""
    return " ".join(zh for _gram, chinese in translate(question) for zh in chinese[:2])


def _broader_labels(word: str, thesaurus: Thesaurus | None) -> tuple[str, ...]:
    if thesaurus is None:
        return ()
    concept = thesaurus.lookup(word)
    if concept is None:
        return ()
    return tuple(label for above in thesaurus.ancestors(concept.id) for label in thesaurus.labels(above, lang="zh"))


def coverage(question_terms: str | tuple[TopicWord, ...], duty_text: str) -> float:
    """Weighted share of the question's topic words found in the duty's object.

    A word counts in full when the object holds it, ``BROADER_CREDIT`` when it holds a broader concept's label
    instead; generic words weigh ``GENERIC_WEIGHT``.

    >>> coverage(" 电梯使用安全 ", "电梯使用安全")
    1.0
    >>> round(coverage(" 网络安全 ", "特种设备安全"), 3)
    0.0
    """
    words = topic_words(question_terms) if isinstance(question_terms, str) else question_terms
    total = found = 0.0
    for word in words:  # a loop, not a generator per word: a question scores hundreds of clauses
        total += word.weight
        if word.word in duty_text or (word.alternatives and any(alt in duty_text for alt in word.alternatives)):
            found += word.weight
        elif word.broader and any(label in duty_text for label in word.broader):
            found += word.weight * BROADER_CREDIT
        # else 0: a compound (网络安全, 煤矿安全) is not matched by its parts: 网络 in 网络等媒体 is another topic
    return found / total if total else 0.0


# The duty verb a question asks about, most specific first; a clause that uses it is the duty itself.
_DUTY_VERBS = (
    ("全面负责", "第一责任人", "责任人"),
    ("综合监督管理",),
    ("监督管理", "监管", "监督"),
    ("主管",),
    ("核发", "审批", "许可"),
    ("维护",),
    ("统一领导", "领导"),
)
_BY_WHOM = re.compile(r"由谁(?:来|负责)?(?P<verb>[\u4e00-\u9fff]{2})")
_DEPARTMENT_ASKED = re.compile(r"哪个部门|哪些部门|什么部门|哪个机关|哪一?级?部门")
_DEPARTMENT_ASKED_EN = re.compile(r"\b(?:which|what) (?:department|agency|authority|body)", re.IGNORECASE)
_DEPARTMENT = re.compile(r"(?:部门|机关|机构|局|委员会)$")
_SUB_DUTY = re.compile(r"[，；,;]|并负责|并对")
_OWN_UNIT = re.compile(r"^其|本单位")
VERB_BONUS = 0.3
GOVERNING_BONUS = 0.5
KIND_BONUS = 0.2
DEPARTMENT_BONUS = 0.2
OWN_BEARER_BONUS = 0.1
LENGTH_PENALTY = 0.002


def asked_verb(question: str) -> tuple[str, ...]:
    """The duty verb the question names (with its synonyms), empty when it names none.

    >>> asked_verb("北京市安全生产工作由哪个部门综合监督管理？")
    ('综合监督管理',)
    >>> asked_verb("谁负责电梯安全？"), asked_verb("电梯的维护保养由谁进行？")
    ((), ('进行', '维护'))
    """
    by_whom = _BY_WHOM.search(question)  # 电梯的维护保养由谁进行: the clause that says 由X进行 is the duty
    named = next((forms for forms in _DUTY_VERBS if any(form in question for form in forms)), ())
    if by_whom and by_whom["verb"] not in named:
        return (by_whom["verb"], *named)
    return named


def _owner(bearer: str) -> str:
    """The organisation a role belongs to (生产经营单位 of 生产经营单位的主要负责人), which 本单位/其 refer to."""
    return bearer.split("的", 1)[0] if "的" in bearer else ""


def _best_part(obj: str, words: tuple[TopicWord, ...], whole: float) -> str:
    """The sub-duty of a clause's object that the question covers best (an object often lists several): the
    shortest one it covers as well as the whole object (``whole``, its coverage; a part never says more), else the
    whole object."""
    parts = [part for part in _SUB_DUTY.split(obj) if part.strip()] or [obj]
    covered = [part for part in parts if coverage(words, part) == whole]
    return min(covered, key=len) if covered else obj


@dataclass(frozen=True, slots=True)
class _Asked:
    words: tuple[TopicWord, ...]
    regulator: bool
    department: bool
    verbs: tuple[str, ...]
    # text → how the question's words cover it, for this question: provinces' regulations repeat the national
    # clauses (生产经营单位的主要负责人对本单位安全生产工作全面负责), and each text is read once
    parts: dict[str, str] = field(default_factory=dict, compare=False)
    covers: dict[str, float] = field(default_factory=dict, compare=False)

    def best_part(self, text: str) -> str:
        """:func:`_best_part` of ``text`` for these words, worked out once per text."""
        found = self.parts.get(text)
        if found is None:
            found = self.parts[text] = _best_part(text, self.words, self.coverage(text))
        return found

    def coverage(self, text: str) -> float:
        """:func:`coverage` of ``text`` by these words, worked out once per text."""
        found = self.covers.get(text)
        if found is None:
            found = self.covers[text] = coverage(self.words, text)
        return found


CONTEXT_FLOOR = 0.3
CONTEXT_CREDIT = 0.9


def _sentence_before(row: Row) -> str:
    """The clause with what precedes it in its sentence (its condition or topic), from the article's text."""
    text, clause = str(row["articleText"] or ""), str(row["text"])
    start = text.find(clause)
    if start < 0:
        return clause
    head = text[:start]
    cut = max(head.rfind(stop) for stop in "。；\n")
    return text[cut + 1 : start + len(clause)]


def _score(row: Row, asked: _Asked) -> float:
    obj = str(row["object"] or "")
    bearer = str(row["bearerText"])
    if _OWN_UNIT.search(obj) and _owner(bearer):
        obj = f"{_owner(bearer)} {obj}"
    # A part of the object says no more of the question than the whole object does, so the clause's coverage is
    # the object's: worked out first, it settles most clauses before the object is split into its parts.
    cover = asked.coverage(obj)
    if cover < min(CONTEXT_FLOOR, MIN_COVERAGE):
        return 0.0
    if cover >= CONTEXT_FLOOR:  # the condition before the clause (举办大型群众性活动，承办人应当…) says whose duty
        cover = max(cover, CONTEXT_CREDIT * asked.coverage(_sentence_before(row)))
    if cover < MIN_COVERAGE:
        return 0.0
    part = asked.best_part(obj)
    text = str(row["text"])
    score = cover + (GOVERNING_BONUS if _is_governing(row) else 0.0)
    if asked.regulator == (str(row["kind"]) == "regulator"):
        score += KIND_BONUS
    if asked.verbs and any(verb in text for verb in asked.verbs):
        score += VERB_BONUS
    if asked.department and _DEPARTMENT.search(bearer):
        score += DEPARTMENT_BONUS
    if bearer in text:
        score += OWN_BEARER_BONUS  # the clause names its bearer itself, not inherited from an earlier sentence
    return score - LENGTH_PENALTY * len(part)  # a short duty that the question covers is the duty itself


@dataclass(frozen=True, slots=True)
class DutyTable:
    """Every duty clause of the build, read from the graph once, with the text each is matched on (its owner,
    object and the sentence before it) and, once :meth:`index` has run, a character-pair index over those texts.

    Why: reading every clause (and its article's text) from the store on each question was a corpus-wide scan
    per question (0.4 s on the laws and regulations); a long-lived reader (the server's build) keeps one table
    and indexes it, and a question scores only the clauses that hold one of its topic words. A one-shot
    question does not index (building the pairs cost a cold ``ask`` 30 ms); it scans the texts instead, with
    the same result.
    """

    rows: tuple[Row, ...]
    texts: tuple[str, ...]
    places: dict[str, tuple[str, ...]]
    pairs: dict[str, tuple[int, ...]] = field(default_factory=dict)  # filled by :meth:`index`

    @classmethod
    def load(cls, store: GraphStore) -> DutyTable:
        """The table of the store's duty clauses and the places the documents lie in."""
        return cls.of_rows(store.select(duties_sparql()), known_places(store))

    @classmethod
    def read(cls, build_path: Path) -> DutyTable | None:
        """The table the build wrote (:func:`write_duty_table`), None when it wrote none (an older build)."""
        path = build_path / DUTIES_JSON
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        places = {place: tuple(above) for place, above in data["places"].items()}
        if "texts" in data and len(data["texts"]) == len(data["rows"]):
            return cls(tuple(data["rows"]), tuple(data["texts"]), places)
        return cls.of_rows(data["rows"], places)  # a build before the texts were written

    @classmethod
    def of_rows(cls, found: Iterable[Row], places: dict[str, tuple[str, ...]]) -> DutyTable:
        """The table of these clause rows (:func:`duties_sparql`'s)."""
        rows = tuple(found)
        texts = tuple(
            f"{_owner(str(row['bearerText']))} {row['object'] or ''} {_sentence_before(row)}" for row in rows
        )
        return cls(rows, texts, places)

    def index(self) -> DutyTable:
        """Index the texts by character pair (once; a server's build, before its first question)."""
        if not self.pairs and self.texts:
            pairs: dict[str, list[int]] = {}
            for number, text in enumerate(self.texts):
                for pair in {text[i : i + 2] for i in range(len(text) - 1)}:
                    pairs.setdefault(pair, []).append(number)
            self.pairs.update((k, tuple(v)) for k, v in pairs.items())
        return self

    def candidates(self, words: tuple[TopicWord, ...]) -> list[Row]:
        """The clauses that hold one of the question's strongest topic words (or a label standing for it): no
        other clause can reach the coverage an answer needs."""
        strongest = max((word.weight for word in words), default=0.0)
        keys = {
            key
            for word in words
            if word.weight >= strongest
            for key in (word.word, *word.alternatives, *word.broader)
            if key
        }
        if any(len(key) < 2 for key in keys):
            return list(self.rows)  # a one-character word: no pair to look up
        if self.pairs:
            numbers = sorted({n for key in keys for n in self.pairs.get(key[:2], ()) if key in self.texts[n]})
        else:
            numbers = [n for n, text in enumerate(self.texts) if any(key in text for key in keys)]
        return [self.rows[n] for n in numbers]


DUTIES_JSON = "duties.json"


def write_duty_table(_corpus: Any, build_path: Path) -> dict[str, Any]:
    """Build step: the duty clauses and places of the build's graph as ``duties.json``, so a command that
    answers one question reads a file instead of scanning every clause of the store."""
    from kg.store import open_store

    table = DutyTable.load(open_store(build_path))
    data = {
        "rows": list(table.rows),
        "texts": list(table.texts),  # what each clause is matched on: a cold question need not recompute it
        "places": {place: list(above) for place, above in table.places.items()},
    }
    (build_path / DUTIES_JSON).write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return {"file": DUTIES_JSON, "clauses": len(table.rows)}


def statutory_answer(
    store: GraphStore | None,
    question: str,
    *,
    limit: int = 5,
    thesaurus: Thesaurus | None = None,
    translate: Translate | None = None,
    segmenter: Segmenter | None = None,
    table: DutyTable | None = None,
) -> StatutoryAnswer:
    """The bodies laws and regulations make responsible for the asked duty, from the asked place upwards.

    With a place: the first place of :func:`jurisdiction_chain` that has a governing clause for the duty
    answers (else the first with any matching clause; never a sibling place); 全国 named means national law.
    Without one: every jurisdiction may answer, national law first on equal scores.
    No clause whose object covers the question's topic → no entries (abstain).
    An English question is read through the thesaurus and the dictionary (:func:`english_topic_words`).
    ``table`` (kept by long-lived callers) saves reading every clause from ``store`` again.
    """
    if table is None:
        if store is None:
            raise ValueError("statutory_answer needs a store or a duty table")
        table = DutyTable.load(store)
    known = table.places
    national = NATIONAL in question or bool(_NATIONAL_EN.search(question))
    place = NATIONAL if national else detect_place(question, known)
    chain = (NATIONAL,) if place == NATIONAL else jurisdiction_chain(place, known)
    terms = _terms(question, place)
    english = not _CJK.search(terms)
    asked = _Asked(
        words=english_topic_words(question, thesaurus, translate)
        if english
        else topic_words(terms, thesaurus, segmenter),
        regulator=bool(_REGULATOR_ASKED.search(question)) or _asks_regulator_en(question),
        department=bool(_DEPARTMENT_ASKED.search(question) or _DEPARTMENT_ASKED_EN.search(question)),
        verbs=asked_verb(question if not english else english_verbs(question, translate)),
    )
    scored: list[tuple[float, Row]] = []
    for row in table.candidates(asked.words):
        if chain and str(row["jurisdiction"]) not in chain:
            continue
        score = _score(row, asked)
        if score > 0:
            scored.append((score, row))
    if chain:
        scored = _first_level(scored, chain, regulator=asked.regulator)
    scored.sort(key=lambda pair: (-round(pair[0], 6), *_place_order(pair[1])))
    if not chain:
        scored = _grouped(scored)
    entries: list[StatutoryEntry] = []
    seen: set[tuple[str, str]] = set()
    per_place: dict[str, int] = {}
    for score, row in scored:
        key = (str(row["bearerText"]), str(row["jurisdiction"]))
        place_of = key[1]
        if key in seen or per_place.get(place_of, 0) >= limit:
            continue
        seen.add(key)
        per_place[place_of] = per_place.get(place_of, 0) + 1
        entries.append(_entry(score, row))
        if chain and len(entries) >= limit:
            break
    return StatutoryAnswer(question=question, jurisdiction=place, searched=chain, entries=tuple(entries))


def _place_order(row: Row) -> tuple[int, str, int, int]:
    return (0 if str(row["jurisdiction"]) == NATIONAL else 1, str(row["doc"]), int(row["number"]), int(row["start"]))


def _grouped(scored: list[tuple[float, Row]]) -> list[tuple[float, Row]]:
    """Without an asked place, every jurisdiction answers in its own group: places whose laws govern the duty
    first (national law first among them), then the others, each group best first."""
    groups: dict[str, list[tuple[float, Row]]] = {}
    for pair in scored:
        groups.setdefault(str(pair[1]["jurisdiction"]), []).append(pair)

    def rank(place: str) -> tuple[int, int, float]:
        pairs = groups[place]
        governs = any(_is_governing(row) for _, row in pairs)
        return (0 if governs else 1, 0 if place == NATIONAL else 1, -pairs[0][0])

    return [pair for place in sorted(groups, key=rank) for pair in groups[place]]


def _entry(score: float, row: Row) -> StatutoryEntry:
    return StatutoryEntry(
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
        governing=_is_governing(row),
        score=score,
        obligation=str(row["obligation"]),
    )
