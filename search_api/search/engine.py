"""Search the index a build wrote: BM25F from whoosh, then what the graph knows, then snippets.

Ranking, in order (each rule general, none about particular words):

1. whoosh BM25F over title, text, unit-name and context fields, one weighted clause per query term (exact words
   weigh more than synonyms, synonyms more than narrower concepts, those more than broader ones), plus the
   passage's topics (an *exact topic match* weighs most) and the units named in the question (a *lead* unit
   weighs twice a *co-operating* one);
2. coverage: a passage that answers every facet of the question beats one that repeats a single facet;
3. kind: a task row is the most specific answer, and when the question asks *who*, a task outranks its
   article (an article never stays above a task that implements it);
4. one hit per article: the obligations (sentences) of an article fold into it, the snippet showing the best
   sentence, unless obligations were asked for with ``kind:obligation``.

Snippets are HTML-safe text with matched words in ``<b>…</b>``; :attr:`Hit.highlights` gives the same matches
as character offsets into the document's verbatim text.  An open :class:`SearchIndex` is cached per build, so
a search in a warm process costs a few milliseconds.
"""

from __future__ import annotations

import heapq
import html
import itertools
import json
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.errors import PolicyKGError
from ingest.segment import Segmenter, read_dictionary
from ontology.thesaurus import Thesaurus
from search_api.builds.datadir import open_build
from search_api.search.budget import BoundedCache
from search_api.search.dense import dense_top
from search_api.search.english import Translator
from search_api.search.english import content_words as english_content
from search_api.search.index import (
    DICTIONARY_FILE,
    INDEX_DIR,
    KINDS,
    LEXICON_FILE,
    META_FILE,
    article_record_id,
)
from search_api.search.postings import PostingScorer
from search_api.search.query import (
    WHO_WORDS_EN,
    Filters,
    QueryPlan,
    character_coverage,
    parse_query,
    plan_query,
)
from search_api.search.semantic import SemanticError, SemanticIndex
from search_api.search.tokenizer import DomainTokenizer, analyze, domain_analyzer

SEARCH_FIELDS = ("text", "title", "lead_names", "co_names", "context")
PHRASE_FIELDS = ("text", "title")
TOPIC_BOOST = 1.5
RELATED_TOPIC_BOOST = 0.4
LEAD_BOOST = 1.5
CO_BOOST = 0.75
YEAR_BOOST = 0.5
KIND_PRIOR = {"task": 1.2, "article": 1.0, "law": 1.0, "obligation": 0.9, "unit": 1.0}
WHO_PRIOR = {"task": 1.6, "article": 0.85, "law": 0.85, "obligation": 0.9, "unit": 0.8}
TASK_WORD_PRIOR = 1.3
CANDIDATES = 40
COVERAGE_FLOOR = 0.4
"""A passage's score × (floor + (1 − floor) × the share of the query's facets it covers): one that answers every
facet of the question beats one that repeats a single facet."""
KNOWN_COVERAGE_POWER = 3.0
"""For a Chinese query whose every character stands in a word the index knows (:attr:`QueryPlan.known`), the
coverage factor is raised to this power and each facet counts by its inverse document frequency
(:meth:`SearchIndex._facet_weights`): the user's words are the corpus's, so a passage missing the rarest of
them (the place, the name) is about something else — 武冈机场建设规模 asks for the Wugang reply's item on its
scale, not another airport's.  An everyday paraphrase keeps the plain factor (its words need not all stand
anywhere).  Measured on the tuning sets, then held out once (docs/search-evaluation.md, session 12)."""
COVERAGE_FIELDS = ("text", "title", "context")
MIN_FACET_WEIGHT = 0.1
FACET_TIEBREAK = 0.2
SNIPPET_CHARS = 120
LEVEL_PREFIXES = "区县市"
LEG_WEIGHTS = {"literal": 1.0, "translated": 0.8, "expanded": 0.45}
"""Fusion (a weighted sum of each leg's scores, each divided by its best): what the user typed first, what an
English word became next, thesaurus expansions last, so that expansions, however many, can add at most this
share of the best literal match's score (measured on dev-tune; docs/search-evaluation.md)."""
GRAMS_WEIGHT = 0.6
"""Within the literal leg: the query's character bigrams (BM25 over the ``grams`` field), beside its words; within
the translated leg, the same for the bigrams of the dictionary's Chinese words (:func:`_translated_grams`)."""
COORDINATION_WEIGHT = 2.0
"""For a query the index barely knows (:attr:`QueryPlan.grams_boost` > 1): the weight, × (boost − 1), of how
many distinct character pairs of the query a passage holds. BM25 over the pairs lets a passage that repeats one
common pair (设备) outrank one that shares several rare ones (远海, 搜救); a plain count of shared pairs, the
naive baseline's whole score, does not (docs/search-evaluation.md, session 11)."""
SEMANTIC_WEIGHT = 1.5
"""The semantic leg's weight in the fused sum (:mod:`search_api.search.semantic`; tuned on dev-tune and
regs-tune only, docs/search-evaluation.md)."""
SEMANTIC_FUSION = "gate"
"""How the semantic leg joins the words: ``"gate"`` (:data:`LITERAL_COVERAGE`) puts what the user typed first
when it stands in the corpus and the meaning first when it does not; ``"rrf"`` is reciprocal-rank fusion of
the lexical and the semantic rankings (the semantic one weighed :data:`RRF_WEIGHT`); ``"sum"`` makes the leg
one more addend of the weighted sum (:data:`SEMANTIC_WEIGHT`).  Measured on the tuning sets
(docs/search-evaluation.md)."""
LITERAL_COVERAGE = 0.6
"""``"gate"``: a Chinese query is literal when the lexical ranking's first hit says at least this share of the
query's own characters (:func:`~search_api.search.query.character_coverage` of its heading, text and document
title: a notice's item says 产权仍属空军, its title names 三家子机场).  Then the lexical hits that say that share
keep their ranks, in lexical order, and reciprocal-rank fusion ranks the rest; else (everyday words for the
document's terms) the semantic ranking leads and the lexical hits follow.  A query without Chinese bigrams
(English) is fused by RRF."""
RRF_K = 60
RRF_WEIGHT = 0.5
"""Reciprocal-rank fusion: the semantic ranking's weight (lexical 1.0), ``RRF_K`` the usual 60."""
SEMANTIC_DEPTH = 40
"""How many passages the semantic leg finds: the records whose best vector is among the most similar, valued
by how far their cosine stands above the next one's (the leg's own scale, as BM25's is for the others)."""
SUGGESTIONS = 5
SCORE_DEPTH = 96
"""How many of each part's best passages (a facet's, a topic's, a bigram's) are scored first, to set the bar
the other parts must be able to reach (:meth:`SearchIndex._top`)."""
POSTINGS_KEPT = 3_000_000
"""How many decoded postings an open index keeps, over its term, facet and filter caches each (least recently
used forgotten first: :mod:`search_api.search.budget`); on the seed and the laws everything fits."""
DENSE_FROM = 30_000
"""From how many passages a one-shot question (``policykg search``/``ask``) scores the fused top over arrays
(:mod:`search_api.search.dense`): below it numpy's import would cost a cold question more than the arrays save.
A server imports numpy once (:meth:`SearchIndex.preload_arrays`) and takes the array path at any size: on seed +
laws a warm query 1.26 → 0.37 ms (``bench.search_speed``)."""
PASSAGES_KEPT = 100_000
"""How many passages' stored fields an open index keeps."""
PLAN_CACHE = 1024


def _one(_value: object) -> int:
    return 1


class SearchError(PolicyKGError):
    """A search that cannot run: no index in the build (rebuild), or an unusable data directory."""

    code = "no_index"
    status = 503
    default_hint = "run `policykg build` again"


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    """One ranked passage.  ``number`` is the article or task number within its document (None for units)."""

    id: str
    kind: str
    doc: str | None
    doc_title: str | None
    number: int | None
    label: str
    title: str
    score: float
    snippet: str
    units: tuple[str, ...]  # display names, lead units first
    lead_units: tuple[str, ...] = ()  # unit ids
    co_units: tuple[str, ...] = ()
    text: str = ""
    start: int = 0
    end: int = 0
    highlights: tuple[tuple[int, int], ...] = ()  # offsets into the document text (or the unit's text)
    topics: tuple[str, ...] = ()
    article: int | None = None  # the article a task implements or an obligation belongs to
    matched: tuple[str, ...] = ()  # the legs that found it: literal, expanded, translated, semantic
    occurrence: int = 0  # an article's, when its document repeats the number (notices restart （一） per section)


    def to_json(self) -> dict[str, Any]:
        """The JSON contract of ``policykg search --json``: kind, doc, doc_title, number, title, score,
        snippet (HTML, matches in ``<b>``), units."""
        return {
            "kind": self.kind,
            "doc": self.doc,
            "doc_title": self.doc_title,
            "number": self.number,
            "occurrence": self.occurrence,
            "title": self.title,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "units": list(self.units),
            "matched": list(self.matched),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchResult:
    """Hits best first, the terms searched, and notes about what was ignored or not understood."""

    query: str
    expanded: tuple[str, ...]
    hits: tuple[Hit, ...]
    notes: tuple[str, ...] = ()
    plan: QueryPlan | None = field(default=None, repr=False, compare=False)
    suggestions: tuple[str, ...] = ()  # when nothing was found: thesaurus labels and unit names near the query
    basis: str = "words"
    """How the hits were ranked, so that a reader knows how far to trust them: ``words`` (words alone: a build
    without vectors), ``literal`` (the query's own words stand in the corpus and lead), ``meaning`` (they do not:
    ranked by similar meaning first), ``fused`` (words and meaning by reciprocal rank: English)."""

    def to_json(self) -> dict[str, Any]:
        """``{"query", "expanded", "hits", "suggestions", "basis"}`` (notes go to the caller's error channel)."""
        return {
            "query": self.query,
            "expanded": list(self.expanded),
            "hits": [h.to_json() for h in self.hits],
            "suggestions": list(self.suggestions),
            "basis": self.basis,
        }


@dataclass(slots=True)
class _Candidate:
    fields: dict[str, Any]
    score: float
    matched: frozenset[str]  # the passage's words (for coverage, weighed before obligations fold)
    folded: list[dict[str, Any]] = field(default_factory=list)
    legs: set[str] = field(default_factory=set)


class _Part:
    """One addend of a leg: a facet (``best`` term and the sum of the ``rest`` per passage) or a posting list
    (``rest`` None).  Its passages ranked by value (``best`` + :data:`FACET_TIEBREAK` × ``rest``), best first,
    are sorted on the first :meth:`head` (a term's postings inside a facet never need them).  Made from
    dictionaries (the one-shot path) or from arrays (:meth:`of_arrays`, a served or large index), each
    form made from the other only when asked for."""

    __slots__ = ("_arrays", "_best", "_facet", "_order", "_rest", "_values")

    def __init__(self, best: dict[int, float], rest: dict[int, float] | None = None) -> None:
        self._best: dict[int, float] | None = best
        self._rest = rest
        self._facet = rest is not None
        self._order: tuple[int, ...] | None = None
        self._values: tuple[float, ...] = ()
        self._arrays: tuple[Any, Any, Any | None] | None = None

    @classmethod
    def of_arrays(cls, docs: Any, best: Any, rest: Any | None) -> _Part:
        """A part given as arrays (passage numbers, best values, a facet's rest or None)."""
        part = cls({}, None if rest is None else {})
        part._best = part._rest = None
        part._arrays = (docs, best, rest)
        return part

    @property
    def best(self) -> dict[int, float]:
        """Passage → its value (a facet's best term)."""
        if self._best is None:
            docs, best, _rest = self.arrays()
            self._best = dict(zip(docs.tolist(), best.tolist(), strict=True))
        return self._best

    @property
    def rest(self) -> dict[int, float] | None:
        """Passage → the sum of a facet's other terms; None for a posting list."""
        if not self._facet:
            return None
        if self._rest is None:
            docs, _best, rest = self.arrays()
            self._rest = dict(zip(docs.tolist(), rest.tolist(), strict=True))
        return self._rest

    def arrays(self) -> tuple[Any, Any, Any | None]:
        """The part as numpy arrays (passage numbers, best values, the rest or None), made once: the large-index
        path of :mod:`search_api.search.dense`."""
        if self._arrays is None:
            import numpy as np

            best = self.best
            size = len(best)
            docs = np.fromiter(best.keys(), dtype=np.int64, count=size)
            values = np.fromiter(best.values(), dtype=np.float64, count=size)
            rest = self.rest
            extra = None if rest is None else np.fromiter((rest[d] for d in best), dtype=np.float64, count=size)
            self._arrays = (docs, values, extra)
        return self._arrays

    def __len__(self) -> int:
        return len(self._arrays[0]) if self._best is None and self._arrays is not None else len(self.best)

    def _ranked(self) -> tuple[tuple[int, ...], tuple[float, ...]]:
        if self._order is None:
            best, rest = self.best, self.rest
            value = best if rest is None else {d: s + FACET_TIEBREAK * rest[d] for d, s in best.items()}
            ranked = sorted(value.items(), key=lambda item: (-item[1], item[0]))
            self._values = tuple(v for _, v in ranked)
            self._order = tuple(d for d, _ in ranked)
        return self._order, self._values

    def bound(self, boost: float) -> float:
        """The most this part adds to a passage's leg score (a facet's value is not boosted: see
        :func:`_leg_scores`)."""
        _order, values = self._ranked()
        return (values[0] if values else 0.0) * (boost if self.rest is None else 1.0)

    def head(self, depth: int, allowed: frozenset[int] | None) -> list[int]:
        """The ``depth`` best (allowed) passages of this part."""
        order, _values = self._ranked()
        if allowed is None:
            return list(order[:depth])
        docs: list[int] = []
        for docnum in order:
            if docnum in allowed:
                if len(docs) == depth:
                    break
                docs.append(docnum)
        return docs


def _translated_grams(plan: QueryPlan) -> tuple[str, ...]:
    """The character bigrams of the Chinese words the dictionary gave the query's English: the translated leg's
    counterpart of the literal leg's bigrams, so that a translation found inside a longer word the segmenter
    keeps whole (指挥中心 in 应急救援指挥中心) still counts, as it would had the user typed it."""
    words = [term.text for term in plan.terms if term.source == "translated"]
    return tuple(dict.fromkeys(word[i : i + 2] for word in words for i in range(len(word) - 1)))


def _leg_scores(group: list[tuple[_Part, float]], pool: set[int]) -> dict[int, float]:
    """A leg's score for each passage of ``pool`` that one of its parts matches: the parts added in order
    (a facet's best term plus :data:`FACET_TIEBREAK` of the rest, a posting's score times its boost)."""
    total: dict[int, float] = {}
    for part, boost in group:
        best, rest = part.best, part.rest
        docs = [d for d in pool if d in best] if len(pool) < len(best) else [d for d in best if d in pool]
        if rest is None:
            for d in docs:
                total[d] = total.get(d, 0.0) + best[d] * boost
        else:
            for d in docs:
                total[d] = total.get(d, 0.0) + best[d] + FACET_TIEBREAK * rest[d]
    return total


def _leg_best(group: list[tuple[_Part, float]], seeds: set[int], allowed: frozenset[int] | None) -> float:
    """A leg's best score over every (allowed) passage: the best of ``seeds``, then of the passages the parts
    that could still beat it match (parts whose bounds, smallest first, sum to no more than it cannot)."""
    best = max(_leg_scores(group, seeds).values(), default=0.0)
    bounds = sorted(((part.bound(boost), part) for part, boost in group), key=lambda pair: pair[0])
    reach = 0.0
    for position, (bound, _part) in enumerate(bounds):
        if (reach + bound) * (1 + 1e-9) >= best:
            rest = {d for _, part in bounds[position:] for d in part.best if allowed is None or d in allowed}
            return max(best, max(_leg_scores(group, rest - seeds).values(), default=0.0))
        reach += bound
    return best


def _fused(
    legs: list[tuple[str, float, list[tuple[_Part, float]], float]], pool: set[int]
) -> tuple[dict[int, float], list[tuple[str, dict[int, float]]]]:
    """Each passage of ``pool``'s fused score (each leg divided by its best and weighed, added in leg order),
    and each leg's scores."""
    fused: dict[int, float] = {}
    found: list[tuple[str, dict[int, float]]] = []
    for leg, weight, group, best in legs:
        total = _leg_scores(group, pool)
        found.append((leg, total))
        for docnum, score in total.items():
            fused[docnum] = fused.get(docnum, 0.0) + weight * score / best
    return fused, found


def _legs_of(
    parts: list[tuple[str, float, list[tuple[_Part, float]]]], docnums: list[int], allowed: frozenset[int] | None
) -> dict[int, set[str]]:
    """The legs whose parts match each of ``docnums``."""
    found: dict[int, set[str]] = {}
    for leg, _, group in parts:
        for docnum in docnums:
            if (allowed is None or docnum in allowed) and any(docnum in part.best for part, _ in group):
                found.setdefault(docnum, set()).add(leg)
    return found


class SearchIndex:
    """An open index: the whoosh searcher, the analyzer it was built with, the thesaurus and the unit names."""

    def __init__(self, folder: Path) -> None:
        from whoosh.index import EmptyIndexError, open_dir

        from kg.store import load_build_thesaurus

        try:
            self._index = open_dir(str(folder))
        except (EmptyIndexError, OSError) as error:
            raise SearchError(f"no search index in {folder.parent}") from error
        self.folder = folder
        self._searcher = self._index.searcher()
        self._scorer = PostingScorer(self._searcher)
        self._lock = threading.Lock()
        self.analyzer = domain_analyzer(read_dictionary(folder / DICTIONARY_FILE))
        self.segmenter.use_lexicon(folder / LEXICON_FILE)  # a cold question reads its words, not 350,000
        self.thesaurus: Thesaurus = load_build_thesaurus(
            folder.parent
        )  # the build's own (shared with the graph)
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        self.documents: dict[str, dict[str, Any]] = meta["documents"]
        self.units: dict[str, dict[str, Any]] = meta["units"]
        self._unit_forms = _unit_forms(self.units)
        self._reader = self._searcher.reader()
        self._passages = self._reader.doc_count_all()
        self._arrays = False  # the fused top over arrays below DENSE_FROM passages (:meth:`preload_arrays`)
        self._known: dict[str, tuple[str, ...]] = {}
        self._stored_cache: BoundedCache[int, dict[str, Any]] = BoundedCache(PASSAGES_KEPT, _one)
        self._docnums: dict[str, int | None] = {}
        self._posting_cache: BoundedCache[str, _Part] = BoundedCache(POSTINGS_KEPT, len)
        self._plans: dict[tuple[str, str | None], QueryPlan] = {}
        self._facet_cache: BoundedCache[tuple[tuple[tuple[str, ...], float], ...], _Part] = BoundedCache(
            POSTINGS_KEPT, len
        )
        self._filter_cache: BoundedCache[str, frozenset[int]] = BoundedCache(POSTINGS_KEPT, len)
        self._analyzed: dict[str, list[str]] = {}
        self.translator = Translator.load(folder)
        self._semantic: SemanticIndex | None = None
        self._semantic_note: str | None = None
        self._semantic_opened = False
        self._semantic_parts: dict[str, _Part] = {}

    @property
    def segmenter(self) -> Segmenter:
        """The segmenter of the index's analyzer (the build's dictionary), for other readers of the question."""
        return next(part for part in self.analyzer.items if isinstance(part, DomainTokenizer)).segmenter

    @property
    def _on_arrays(self) -> bool:
        """Whether postings, facets and the fused top are worked over numpy arrays: a served index
        (:meth:`preload_arrays`) or one of :data:`DENSE_FROM` passages or more."""
        return self._arrays or self._passages >= DENSE_FROM

    @property
    def plain_segmenter(self) -> Segmenter:
        """The gazetteer's segmenter without the build's words (laws' duty questions are read with its finer
        cuts: 电梯 / 安全, not 电梯安全), on this build's lexicon until something loads its dictionary.

        Why here: a cold ``ask`` on a build with laws otherwise loaded a second whole dictionary (0.1 s)."""
        from ingest.segment import shared_segmenter

        plain = shared_segmenter()
        plain.use_lexicon(self.folder / LEXICON_FILE)  # nothing changes once it has cut a text
        return plain

    def close(self) -> None:
        """Close the whoosh searcher and its files (the server calls this when a swapped-out build is done)."""
        with self._lock:
            self._searcher.close()
            self._index.close()
            self._stored_cache.clear()
            self._posting_cache.clear()
            self._facet_cache.clear()
            self._plans.clear()
            self._filter_cache.clear()
            self._semantic_parts.clear()

    # -- helpers the query planner needs --------------------------------------------------------------------
    def _analyze(self, text: str) -> list[str]:
        words = self._analyzed.get(text)
        if words is None:
            words = [word for word, *_ in analyze(self.analyzer, text)]
            if len(text) <= 32:  # thesaurus labels and short queries repeat; long text does not
                self._analyzed[text] = words
        return words

    def _parts(self, word: str) -> list[str]:
        return [w for w, *_ in analyze(self.analyzer, word, mode="index")[1:]]

    def _fields_with(self, word: str) -> tuple[str, ...]:
        """The searched fields whose vocabulary holds ``word`` (cached: the index never changes)."""
        fields = self._known.get(word)
        if fields is None:
            fields = tuple(f for f in SEARCH_FIELDS if self._reader.doc_frequency(f, word))
            self._known[word] = fields
        return fields

    def _is_known(self, word: str) -> bool:
        return bool(self._fields_with(word))

    def _docnum(self, record_id: str) -> int | None:
        if record_id not in self._docnums:
            self._docnums[record_id] = self._searcher.document_number(id=record_id)
        return self._docnums[record_id]

    def _stored(self, docnum: int) -> dict[str, Any]:
        fields = self._stored_cache.get(docnum)
        if fields is None:
            fields = dict(self._searcher.stored_fields(docnum))
            fields["_vocab"] = frozenset(fields["vocab"].split())
            by_word: dict[str, list[tuple[int, int]]] = {}
            for word, start, end in fields.get("marks") or ():
                by_word.setdefault(word, []).append((start, end))
            fields["_marks"] = by_word  # word → its spans: highlighting looks up the query's words only
            self._stored_cache.put(docnum, fields)
        return fields

    def find_units(self, text: str) -> list[tuple[str, int, int]]:
        """Unit names printed in ``text``, leftmost-longest: ``(unit_id, start, end)``."""
        found: list[tuple[str, int, int]] = []
        i = 0
        while i < len(text):
            hit = next(
                ((f, uid) for f, uid in self._unit_forms.get(text[i], ()) if text.startswith(f, i)), None
            )
            if hit is None:
                i += 1
                continue
            found.append((hit[1], i, i + len(hit[0])))
            i += len(hit[0])
        return found

    def resolve_unit(self, value: str) -> tuple[str, ...]:
        """Unit ids a ``unit:`` filter value names: an exact name or alias (with or without the level prefix),
        else every unit whose name contains it."""
        exact = [uid for form, uid in self._unit_forms.get(value[:1], ()) if form == value]
        if exact:
            return tuple(dict.fromkeys(exact))
        if value in self.units:
            return (value,)
        loose = [
            uid
            for uid, unit in sorted(self.units.items())
            if any(value in name for name in (unit["name"], *unit["aliases"]))
        ]
        return tuple(loose)

    def resolve_doc(self, value: str) -> tuple[str, ...]:
        """Document ids a ``doc:`` filter value names: id, a document number, or part of the title."""
        if value in self.documents:
            return (value,)
        return tuple(
            did
            for did, d in sorted(self.documents.items())
            if value in d["title"] or value in d.get("doc_numbers", ()) or value in Path(d["source"]).name
        )

    # -- search ---------------------------------------------------------------------------------------------
    def plan(self, query: str, *, kind: str | None = None) -> QueryPlan:
        """Parse and expand a query (what ``search`` will look for); a plan is immutable and the index never
        changes, so the plans of recent queries are kept (a page of results, then the next, plans once)."""
        key = (query, kind)
        plan = self._plans.get(key)
        if plan is None:
            if len(self._plans) >= PLAN_CACHE:
                self._plans.clear()
            plan = self._plans[key] = self._plan(query, kind)
        return plan

    def _plan(self, query: str, kind: str | None) -> QueryPlan:
        parsed = parse_query(query, kinds=KINDS)
        if kind:
            filters = parsed.filters
            kinds = tuple(dict.fromkeys((*filters.kinds, kind)))
            parsed = replace(parsed, filters=Filters(**{**_filter_dict(filters), "kinds": kinds}))
        return plan_query(
            parsed,
            thesaurus=self.thesaurus,
            analyze=self._analyze,
            parts=self._parts,
            known=self._is_known,
            find_units=self.find_units,
            translate=self._translate,
        )

    def _translate(self, text: str) -> list[tuple[str, list[str]]]:
        """English n-grams → Chinese words, the words that ask *who* left out (as 谁 and 负责 are in Chinese):
        "responsible" is the question, not its topic."""
        return self.translator.translate(text, skip=WHO_WORDS_EN)

    def search(
        self,
        query: str,
        *,
        kind: str | None = None,
        limit: int = 10,
        who: bool | None = None,
        semantic: bool = True,
        lean: bool = True,
    ) -> SearchResult:
        """Rank passages for ``query``; ``kind`` restricts to one kind; ``who`` forces (or denies) the
        who-intent that the question's wording would set; ``semantic=False`` leaves the semantic leg out
        (words alone, as in a build without vectors); ``lean=False`` weighs the query's bigrams as for a
        query the index knows, however few of its words it knows (:func:`search_api.search.query.grams_boost`).  Never raises on odd
        input: empty or unusable queries return no hits and a note."""
        plan = self.plan(query, kind=kind)
        if who is not None and who != plan.who:
            plan = replace(plan, who=who)
        if not lean:
            plan = replace(plan, grams_boost=1.0)
        notes = list(plan.notes)
        limit = max(1, min(int(limit), 1000))
        if plan.empty:
            if plan.parsed.text.strip():
                notes.append("no word of the query is in the index")
            else:
                notes.append(
                    "nothing to search for: give some words, or a filter such as kind:task or unit:区安监局"
                )
            return SearchResult(
                query=query, expanded=(), hits=(), notes=tuple(notes), plan=plan, suggestions=self.suggest(query)
            )
        filter_query, filter_notes = self._filter_query(plan.parsed.filters)
        notes.extend(filter_notes)
        if filter_query is False:
            return SearchResult(
                query=query, expanded=tuple(plan.expanded()), hits=(), notes=tuple(notes), plan=plan
            )
        reading = chinese_reading(plan) if semantic else ""
        similar = self._similar(plan.parsed.text) if semantic else None  # the model runs outside the lock
        similar_read = self._similar(reading) if reading else None
        if self._semantic_note:
            notes.append(self._semantic_note)
        with self._lock:
            leg = self._semantic_part(plan.parsed.text, similar) if semantic else None
            if leg is not None and len(leg):
                plan = replace(plan, grams_boost=1.0)  # the leg bridges everyday words; characters need not
            count = max(CANDIDATES, limit * 3)
            basis = "words"
            if leg is None or not len(leg) or SEMANTIC_FUSION == "sum":
                hits = self._rank(plan, self._candidates(plan, filter_query, count, leg), limit)
                basis = "fused" if leg is not None and len(leg) else "words"
            else:
                read = self._semantic_part(reading, similar_read) if reading else None
                extra = [read] if read is not None and len(read) else []
                hits, basis = self._fuse(plan, filter_query, count, [leg, *extra], limit)
        suggestions: tuple[str, ...] = ()
        if not hits and (plan.terms or plan.grams):
            notes.append("no passage matches; try fewer words or another wording")
            suggestions = self.suggest(query)
        return SearchResult(
            query=query,
            expanded=tuple(plan.expanded()),
            hits=tuple(hits),
            notes=tuple(notes),
            plan=plan,
            suggestions=suggestions,
            basis=basis,
        )

    def suggest(self, query: str, *, limit: int = SUGGESTIONS) -> tuple[str, ...]:
        """Thesaurus labels and unit names nearest ``query``: most shared character bigrams (Chinese) or words
        (English), then shorter; what to try when nothing was found."""
        text = query.lower()
        wanted = {text[i : i + 2] for i in range(len(text) - 1) if not text[i : i + 2].isascii()}
        words = set(english_content(text))
        names = [*self.thesaurus.domain_words(), *(n for u in self.units.values() for n in (u["name"], *u["aliases"]))]
        names += [label for c in self.thesaurus for label in self.thesaurus.labels(c.id, lang="en")]
        scored: dict[str, int] = {}
        for name in names:
            low = name.lower()
            if low.isascii():
                score = len(words & set(english_content(low)))
            else:
                score = sum(1 for i in range(len(low) - 1) if low[i : i + 2] in wanted)
                score += sum(1 for ch in set(low) if ch in text and not ch.isascii()) / 10
            if score > 0:
                scored[name] = max(scored.get(name, 0), score)
        return tuple(sorted(scored, key=lambda n: (-scored[n], len(n), n))[:limit])

    def candidate_evidence(self, question: str, *, limit: int = 10) -> list[Hit]:
        """Passages that may say who is responsible for what ``question`` asks about, best first.

        For ``ask``: the who-intent is always on, so tasks rank above the articles they implement; each
        hit carries ``lead_units`` and ``co_units`` (unit ids) for the graph to weigh.  Words alone: the
        answer weighs a unit by how strongly passages name the asked topic, and a passage merely near it in
        meaning names no one (with the leg, ask's unit-F1 on the dev set fell from 1.000 to 0.782), nor does
        one that merely shares the question's characters (leaning on them lowered the hard questions' direct
        precision from 0.706 to 0.600).
        """
        return list(self.search(question, limit=limit, who=True, semantic=False, lean=False).hits)

    def _filter_query(self, filters: Filters) -> tuple[Any, list[str]]:
        """A whoosh filter for the hard constraints; ``False`` when a constraint can match nothing."""
        from whoosh import query as wq

        notes: list[str] = []
        clauses: list[Any] = []
        if filters.kinds:
            clauses.append(wq.Or([wq.Term("kind", k) for k in filters.kinds]))
        if filters.units:
            ids = [uid for value in filters.units for uid in self.resolve_unit(value)]
            if not ids:
                notes.append("no unit is called " + "、".join(filters.units))
                return False, notes
            clauses.append(wq.Or([wq.Term(f, uid) for uid in dict.fromkeys(ids) for f in ("lead", "co")]))
        if filters.docs:
            ids = [did for value in filters.docs for did in self.resolve_doc(value)]
            if not ids:
                notes.append("no document matches " + "、".join(filters.docs))
                return False, notes
            clauses.append(wq.Or([wq.Term("doc", did) for did in dict.fromkeys(ids)]))
        if filters.due:
            years = [
                "ongoing" if v in ("长期", "ongoing", "持续") else v.removesuffix("年") for v in filters.due
            ]
            clauses.append(wq.Or([wq.Term("due", y) for y in years]))
        if filters.topics:
            concepts = [c for v in filters.topics if (c := self.thesaurus.lookup(v)) is not None]
            if not concepts:
                notes.append("no topic is called " + "、".join(filters.topics))
                return False, notes
            ids = {cid for c in concepts for cid in (c.id, *self.thesaurus.descendants(c.id))}
            clauses.append(wq.Or([wq.Term("topics", cid) for cid in sorted(ids)]))
        if not clauses:
            return None, notes
        return (clauses[0] if len(clauses) == 1 else wq.And(clauses)), notes

    def _postings(self, query: Any) -> _Part:
        """The passages ``query`` (a term or phrase, boost 1) matches, with their BM25F scores, best first.

        Cached per query: the index of a build never changes, and a question's terms (thesaurus labels
        above all) recur, so after warm-up a search is dictionary arithmetic, not posting decoding.
        """
        key = str(query)
        cached = self._posting_cache.get(key)
        if cached is not None:
            return cached
        if self._on_arrays:
            scored = self._scorer.score_arrays(query)  # arrays, no step per posting
            if scored is not None:
                return self._posting_cache.put(key, _Part.of_arrays(scored[0], scored[1], None))
        scores = self._scorer.scores(query)  # a term's postings a block at a time: the common case
        if scores is None:
            matcher = query.matcher(self._searcher, self._searcher.context())
            scores = {}
            while matcher.is_active():
                scores[matcher.id()] = float(matcher.score())
                matcher.next()
        return self._posting_cache.put(key, _Part(scores))

    def _pair_presence(self, gram: str) -> _Part:
        """1 for every passage holding the character pair ``gram``: summed over a query's pairs, how many
        distinct pairs a passage shares with it (coordination), whatever their frequency. Cached as postings."""
        key = f"presence:{gram}"
        cached = self._posting_cache.get(key)
        if cached is None:
            from whoosh import query as wq

            postings = self._postings(wq.Term("grams", gram))
            if self._on_arrays:  # in the form the postings are in: no dictionary made from arrays and back
                import numpy as np

                docs = postings.arrays()[0]
                presence = _Part.of_arrays(docs, np.ones(len(docs)), None)
            else:
                presence = _Part(dict.fromkeys(postings.best, 1.0))
            cached = self._posting_cache.put(key, presence)
        return cached

    def _term_queries(self, tokens: tuple[str, ...]) -> list[Any]:
        """One whoosh query per field that can match ``tokens`` (a word, or a phrase in the phrase fields)."""
        from whoosh import query as wq

        if len(tokens) == 1:
            return [wq.Term(f, tokens[0]) for f in self._fields_with(tokens[0])]
        return [wq.Phrase(f, list(tokens)) for f in PHRASE_FIELDS]

    def _facet(self, terms: list[Any]) -> _Part:
        """One facet's scores: per passage the best term (``best``) and the sum of the others' (``rest``).

        Cached by the facet's terms and weights: a concept's expansion recurs in every question that names it.
        """
        key = tuple((term.tokens, term.weight) for term in terms)
        cached = self._facet_cache.get(key)
        if cached is not None:
            return cached
        if self._on_arrays:
            return self._facet_cache.put(key, self._facet_of_arrays(terms))
        best: dict[int, float] = {}
        rest: dict[int, float] = {}
        for term in terms:
            term_score: dict[int, float] = {}
            for q in self._term_queries(term.tokens):
                for docnum, score in self._postings(q).best.items():
                    term_score[docnum] = term_score.get(docnum, 0.0) + score * term.weight
            for docnum, score in term_score.items():
                old = best.get(docnum, 0.0)
                best[docnum] = max(old, score)
                rest[docnum] = rest.get(docnum, 0.0) + min(old, score)
        cached = self._facet_cache.put(key, _Part(best, rest))
        return cached

    def _facet_of_arrays(self, terms: list[Any]) -> _Part:
        """:meth:`_facet` over arrays (a served or large index): the same operations on the same doubles in the
        same order, per passage, as the dictionary loop (a term's fields added in turn from 0.0; then the best
        so far and the rest), without a Python step per posting: at 10,000 documents a facet's terms bring
        hundreds of thousands of postings, and that loop was a third of a new question's time."""
        import numpy as np

        size = self._passages
        best, rest, seen = np.zeros(size), np.zeros(size), np.zeros(size, dtype=bool)
        for term in terms:
            postings = [self._postings(q).arrays() for q in self._term_queries(term.tokens)]
            postings = [(docs, values) for docs, values, _rest in postings if len(docs)]
            if not postings:
                continue
            if len(postings) == 1:
                docs, score = postings[0][0], postings[0][1] * term.weight
            else:  # one passage at most once per field: summed from 0.0 in the fields' order, as the loop does
                docs, where = np.unique(np.concatenate([d for d, _ in postings]), return_inverse=True)
                score = np.bincount(where, weights=np.concatenate([v * term.weight for _, v in postings]))
            old = best[docs]
            best[docs] = np.maximum(old, score)
            rest[docs] += np.minimum(old, score)
            seen[docs] = True
        found = np.flatnonzero(seen)
        return _Part.of_arrays(found, best[found], rest[found])

    def _addends(self, plan: QueryPlan) -> list[tuple[str, float, list[tuple[_Part, float]]]]:
        """The fused score as a sum: ``(leg, weight, [(part, boost), …])`` in the order the legs add up."""
        from whoosh import query as wq

        by_facet: dict[tuple[str, str], list[Any]] = {}
        for term in plan.terms:
            by_facet.setdefault((term.leg, term.facet), []).append(term)
        legs: dict[str, list[tuple[_Part, float]]] = {}
        for (leg, _), terms in by_facet.items():
            legs.setdefault(leg, []).append((self._facet(terms), 1.0))
        extras = [("expanded", wq.Term("topics", c), TOPIC_BOOST) for c in plan.concepts]
        extras += [("expanded", wq.Term("topics", c), RELATED_TOPIC_BOOST) for c in plan.related_concepts]
        for uid in plan.units:
            extras += [("literal", wq.Term("lead", uid), LEAD_BOOST), ("literal", wq.Term("co", uid), CO_BOOST)]
        extras += [("literal", wq.Term("due", y), YEAR_BOOST) for y in plan.years]
        for leg, query, boost in extras:
            legs.setdefault(leg, []).append((self._postings(query), boost))
        out = [(leg, LEG_WEIGHTS.get(leg, 0.5), parts) for leg, parts in legs.items()]
        grams = [(self._postings(wq.Term("grams", gram)), 1.0) for gram in plan.grams]
        out.append(("literal", LEG_WEIGHTS["literal"] * GRAMS_WEIGHT * plan.grams_boost, grams))
        if plan.grams_boost > 1.0:  # a query the index barely knows: how many of its pairs a passage shares
            shared = [(self._pair_presence(gram), 1.0) for gram in plan.grams]
            out.append(("literal", LEG_WEIGHTS["literal"] * COORDINATION_WEIGHT * (plan.grams_boost - 1.0), shared))
        translated = [(self._postings(wq.Term("grams", gram)), 1.0) for gram in _translated_grams(plan)]
        if translated:
            out.append(("translated", LEG_WEIGHTS["translated"] * GRAMS_WEIGHT, translated))
        return out

    def _top(
        self, plan: QueryPlan, allowed: frozenset[int] | None, count: int, semantic: _Part | None = None
    ) -> tuple[list[tuple[int, float]], dict[int, set[str]]]:
        """The ``count`` best passages by fused score (best first, ties by docnum) and the legs that found them.

        Each leg (literal, expanded, translated: :data:`search_api.search.query.LEGS`) is BM25F over its own terms:
        within a facet, the best term plus :data:`FACET_TIEBREAK` of the others (one facet, however many
        synonyms it has, counts about once); facets add up.  The literal leg adds the query's character bigrams
        (:data:`GRAMS_WEIGHT`), the units and years it names; the expanded leg the topics.  Each leg is divided
        by its best passage's score and weighed by :data:`LEG_WEIGHTS`, so expansions can never outvote what
        the user typed.

        Not every passage is scored (max-score pruning): the heads of each part's ranking (:data:`SCORE_DEPTH`)
        give a first top; a passage that only parts whose most-they-add sums stay below its ``count``-th score
        match cannot enter it, so only the passages of the other parts are scored, and the top is the one
        scoring every passage gives (each leg's best, its divisor, is found the same way).  A common bigram
        such as 安全 then costs nothing once rarer words set the bar.  From :data:`DENSE_FROM` passages on,
        :mod:`search_api.search.dense` scores every matched passage over arrays instead."""
        parts = self._addends(plan)
        if semantic is not None and len(semantic):
            parts.append(("semantic", SEMANTIC_WEIGHT, [(semantic, 1.0)]))
        if allowed is not None and not plan.terms and not plan.units and not plan.grams:
            ranked = [(docnum, 0.0) for docnum in sorted(allowed)[:count]]
            return ranked, _legs_of(parts, [d for d, _ in ranked], allowed)
        if self._on_arrays:
            return dense_top(parts, allowed, count, self._passages, FACET_TIEBREAK)
        seeds = {d for _, _, group in parts for part, _ in group for d in part.head(SCORE_DEPTH, allowed)}
        legs = []
        for leg, weight, group in parts:
            best = _leg_best(group, seeds, allowed)
            if best > 0:
                legs.append((leg, weight, group, best))
        fused, _found = _fused(legs, seeds)
        floor = heapq.nsmallest(count, fused.values(), key=lambda score: -score)[-1] if len(fused) >= count else 0.0
        # a passage that only parts whose bounds sum below the floor match cannot reach the top
        bounds = sorted(
            ((weight * part.bound(boost) / best, part) for _leg, weight, group, best in legs for part, boost in group),
            key=lambda pair: pair[0],
        )
        reach = 0.0
        essential: list[_Part] = []
        for position, (bound, _part) in enumerate(bounds):
            if (reach + bound) * (1 + 1e-9) >= floor:
                essential = [part for _, part in bounds[position:]]
                break
            reach += bound
        pool = seeds | {d for part in essential for d in part.best if allowed is None or d in allowed}
        fused, found = _fused(legs, pool)
        ranked = heapq.nsmallest(count, fused.items(), key=lambda item: (-item[1], item[0]))
        return ranked, {d: {leg for leg, total in found if d in total} for d, _ in ranked}

    def _fuse(
        self, plan: QueryPlan, filter_query: Any, count: int, semantic: list[_Part], limit: int
    ) -> tuple[list[Hit], str]:
        """The lexical ranking and the semantic leg joined by :data:`SEMANTIC_FUSION` (``"gate"`` or ``"rrf"``),
        and the basis of the ranking (:attr:`SearchResult.basis`).
        ``semantic``: the query's own similarity, then (English) that of its Chinese reading
        (:func:`chinese_reading`).  Rankings are fused as candidates; hits are made for the top only."""
        lexical = self._ranked(plan, self._candidates(plan, filter_query, count, None))[:count]
        allowed = self._allowed(filter_query)
        rankings = [self._semantic_candidates(plan, part, allowed) for part in semantic]
        found = {c.fields["id"] for ranking in rankings for c in ranking}
        for cand in lexical:
            if cand.fields["id"] in found:
                cand.legs.add("semantic")
        if SEMANTIC_FUSION != "gate" or not plan.grams:
            basis, ordered = "fused", _reciprocal_rank(lexical, *rankings)
        elif lexical and (said := [self._says(plan, c) for c in lexical])[0] >= LITERAL_COVERAGE:
            head = [c for c, share in zip(lexical, said, strict=True) if share >= LITERAL_COVERAGE]
            taken = {c.fields["id"] for c in head}
            rest = [c for c in lexical if c.fields["id"] not in taken]
            basis = "literal"
            ordered = head + _reciprocal_rank(rest, [c for c in rankings[0] if c.fields["id"] not in taken])
        else:  # the user's words are not the corpus's: meaning first
            by_id = {c.fields["id"]: c for c in lexical}
            basis = "meaning"
            ordered = [by_id.get(c.fields["id"], c) for c in rankings[0]]
            ordered += [c for c in lexical if c.fields["id"] not in found]
        shown = ordered[:limit]
        if SEMANTIC_FUSION == "gate" and plan.grams:
            for rank, cand in enumerate(shown, 1):
                cand.score = (1 + RRF_WEIGHT) / (RRF_K + rank)
        return self._hits(plan, shown), basis

    def _says(self, plan: QueryPlan, cand: _Candidate) -> float:
        """How much of the query's own text a passage says, its document's title included (the gate's test)."""
        fields = cand.fields
        title = self.documents.get(fields.get("doc") or "", {}).get("title") or ""
        return character_coverage(plan.runs, f"{title} {fields.get('title', '')} {fields.get('text', '')}")

    def _semantic_candidates(
        self, plan: QueryPlan, semantic: _Part, allowed: frozenset[int] | None
    ) -> list[_Candidate]:
        """The semantic leg's own ranking (most similar first; obligations folded into articles)."""
        docs = sorted(semantic.best.items(), key=lambda item: (-item[1], item[0]))
        candidates = []
        for docnum, value in docs:
            if allowed is not None and docnum not in allowed:
                continue
            fields = self._stored(docnum)
            candidates.append(_Candidate(fields=fields, score=value, matched=fields["_vocab"], legs={"semantic"}))
        if "obligation" not in plan.parsed.filters.kinds:
            candidates = self._fold_obligations(candidates)
        candidates.sort(key=lambda c: (-c.score, _order(c.fields)))
        return candidates

    def semantic_index(self) -> SemanticIndex | None:
        """The build's vectors, opened on first use; None without them (``--no-embed``, an older build) or when
        they cannot be read (then :attr:`_semantic_note` names the file and search runs without the leg)."""
        if not self._semantic_opened:
            self._semantic_opened = True
            try:
                self._semantic = SemanticIndex.open(self.folder.parent)
            except SemanticError as error:
                self._semantic_note = f"semantic leg off: {error}"
        return self._semantic

    def preload_segmenter(self) -> None:
        """Load the segmenter's whole dictionary now (a server, before it swaps this build in): about 0.2 s, after
        which no question reads the lexicon file."""
        self.segmenter.load()
        self.plain_segmenter.load()

    def preload_arrays(self) -> None:
        """Score every query's fused top over numpy arrays from now on (a server: the import is paid once, and
        the array path ranks as the dictionary path does, ``tests/test_search.py``)."""
        import numpy  # noqa: F401

        self._arrays = True

    def preload_semantic(self) -> None:
        """Open the build's vectors and load the model now (a server, before it swaps this build in)."""
        index = self.semantic_index()
        if index is not None:
            try:
                index.query_vector("安全")
            except SemanticError as error:
                self._semantic_note = f"semantic leg off: {error}"

    def _similar(self, text: str) -> list[tuple[str, float]] | None:
        """The records most similar to ``text`` (:data:`SEMANTIC_DEPTH` + 1, best first), None without the leg
        or when its part is cached."""
        text = text.strip()
        index = self.semantic_index() if text else None
        if index is None or text in self._semantic_parts:
            return None
        try:
            return index.nearest(text, SEMANTIC_DEPTH + 1)
        except SemanticError as error:
            self._semantic_note = f"semantic leg off: {error}"
            return None

    def _semantic_part(self, text: str, ranked: list[tuple[str, float]] | None) -> _Part | None:
        """The semantic leg: the :data:`SEMANTIC_DEPTH` most similar records (``ranked``), each valued by its
        cosine minus the next record's (cached per text: a query's vector and ranking never change)."""
        text = text.strip()
        part = self._semantic_parts.get(text)
        if part is None and ranked is not None:
            floor = ranked[-1][1] if len(ranked) > SEMANTIC_DEPTH else 0.0
            best: dict[int, float] = {}
            for record, sim in ranked[:SEMANTIC_DEPTH]:
                docnum = self._docnum(record)
                if docnum is not None and sim > floor:
                    best[docnum] = sim - floor
            if len(self._semantic_parts) >= PLAN_CACHE:
                self._semantic_parts.clear()
            part = self._semantic_parts[text] = _Part(best)
        return part

    def _allowed(self, filter_query: Any) -> frozenset[int] | None:
        if filter_query is None:
            return None
        key = str(filter_query)
        cached = self._filter_cache.get(key)
        if cached is None:
            cached = self._filter_cache.put(key, frozenset(self._searcher.docs_for_query(filter_query)))
        return cached

    def _candidates(
        self, plan: QueryPlan, filter_query: Any, count: int, semantic: _Part | None = None
    ) -> list[_Candidate]:
        top, legs = self._top(plan, self._allowed(filter_query), count, semantic)
        out = []
        for docnum, score in top:
            fields = self._stored(docnum)
            out.append(
                _Candidate(fields=fields, score=score, matched=fields["_vocab"], legs=set(legs.get(docnum, ())))
            )
        return out

    # -- ranking --------------------------------------------------------------------------------------------
    def _rank(self, plan: QueryPlan, candidates: list[_Candidate], limit: int) -> list[Hit]:
        return self._hits(plan, self._ranked(plan, candidates)[:limit])

    def _ranked(self, plan: QueryPlan, candidates: list[_Candidate]) -> list[_Candidate]:
        """Candidates reweighed (facets covered, kind priors, topics), obligations folded, best first."""
        facet_terms: dict[str, tuple[set[str], list[frozenset[str]]]] = {}  # facet → its words, its phrases
        for term in plan.terms:
            words_, phrases = facet_terms.setdefault(term.facet, (set(), []))
            if len(set(term.tokens)) == 1:
                words_.add(term.tokens[0])
            else:
                phrases.append(frozenset(term.tokens))
        topic_set = set(plan.concepts)
        steep = plan.known and bool(plan.grams)
        weights = self._facet_weights(plan, facet_terms) if steep else dict.fromkeys(facet_terms, 1.0)
        total = sum(weights.values())
        power = KNOWN_COVERAGE_POWER if steep else 1.0
        for cand in candidates:
            words = cand.matched
            if facet_terms:
                covered = sum(
                    weights[facet]
                    for facet, (singles, phrases) in facet_terms.items()
                    if not words.isdisjoint(singles) or any(t <= words for t in phrases)
                )
                cand.score *= (COVERAGE_FLOOR + (1.0 - COVERAGE_FLOOR) * covered / total) ** power
            cand.score *= _kind_prior(plan, cand.fields["kind"])
            if topic_set & set(_split(cand.fields.get("topics"))):
                cand.score *= 1.15
        kinds = plan.parsed.filters.kinds
        if "obligation" not in kinds:
            candidates = self._fold_obligations(candidates)
        if plan.who:
            _tasks_over_articles(candidates)
        candidates.sort(key=lambda c: (-c.score, _order(c.fields)))
        if len(plan.grams) > 1:  # literal first: passages holding the whole query (its text as typed) lead
            whole = [c for c in candidates if _says_verbatim(c.fields, plan.runs)]
            if 0 < len(whole) < len(candidates):
                held = {id(c) for c in whole}
                candidates = whole + [c for c in candidates if id(c) not in held]
        return candidates

    def _facet_weights(
        self, plan: QueryPlan, facet_terms: dict[str, tuple[set[str], list[frozenset[str]]]]
    ) -> dict[str, float]:
        """Each facet's inverse document frequency (BM25's, Robertson–Spärck Jones: a word most passages hold
        weighs :data:`MIN_FACET_WEIGHT`): that of the rarest word the user typed for it (its literal terms; else
        any of its words), over the fields a passage's vocabulary is made of.  A place or a name (武冈) is said by
        few passages and decides which document is meant; a common word (建设, or 机场 among airport replies)
        decides little.  The plain ``log(1 + N / df)`` was as good on the evaluation sets but too flat in a
        small build (four airport replies: ``tests/test_notice_context.py``)."""
        count = max(self._passages, 1)
        typed: dict[str, set[str]] = {}
        for term in plan.terms:
            if term.leg == "literal":
                typed.setdefault(term.facet, set()).update(term.tokens)
        weights: dict[str, float] = {}
        for facet, (singles, phrases) in facet_terms.items():
            words = typed.get(facet) or singles | {tok for phrase in phrases for tok in phrase}
            rarest = min(
                (max(self._reader.doc_frequency(name, w) for name in COVERAGE_FIELDS) for w in words), default=count
            )
            weights[facet] = max(math.log((count - rarest + 0.5) / (rarest + 0.5)), MIN_FACET_WEIGHT)
        return weights

    def _hits(self, plan: QueryPlan, candidates: list[_Candidate]) -> list[Hit]:
        """Hits (snippets, units, highlights) of candidates already ranked: made only for what is shown."""
        words = {w for t in plan.terms if len(t.tokens) == 1 or t.source == "phrase" for w in t.tokens}
        return [self._hit(c, words, plan.grams) for c in candidates]

    def _fold_obligations(self, candidates: list[_Candidate]) -> list[_Candidate]:
        """One hit per article: an obligation folds into its article (fetched if it did not match itself)."""
        articles: dict[str, _Candidate] = {}
        out: list[_Candidate] = []
        for cand in candidates:
            if cand.fields["kind"] in ("article", "law"):
                articles[cand.fields["id"]] = cand
        for cand in candidates:
            if cand.fields["kind"] != "obligation":
                out.append(cand)
                continue
            key = article_record_id(cand.fields["doc"], cand.fields["article"], cand.fields.get("occurrence") or 0)
            parent = articles.get(key)
            if parent is None:
                docnum = self._docnum(key)
                if docnum is None:
                    out.append(cand)
                    continue
                stored = self._stored(docnum)
                parent = _Candidate(fields=stored, score=0.0, matched=stored["_vocab"])
                articles[key] = parent
                out.append(parent)
            parent.score = max(parent.score, cand.score)
            parent.legs |= cand.legs
            parent.folded.append(cand.fields)
        return out

    def _hit(self, cand: _Candidate, words: set[str], grams: tuple[str, ...] = ()) -> Hit:
        f = cand.fields
        doc = f.get("doc") or None
        meta = self.documents.get(doc or "", {})
        lead, co = _split(f.get("lead")), _split(f.get("co"))
        if f["kind"] == "unit":
            lead = lead[:1]
        text = f.get("text", "")
        focus = [(o["start"] - f["start"], o["end"] - f["start"]) for o in cand.folded]
        marks = f["_marks"]
        spans = _merge_spans([se for w in words if w in marks for se in marks[w]]) or _gram_spans(text, grams)
        snippet, _ = snippet_html(text, spans, focus=focus)
        offset = f.get("start", 0) if doc else 0
        return Hit(
            id=f["id"],
            kind=f["kind"],
            doc=doc,
            doc_title=meta.get("title"),
            number=f.get("number"),
            label=f.get("label", ""),
            title=f.get("title", ""),
            score=cand.score,
            snippet=snippet,
            units=tuple(self.units.get(uid, {}).get("name", uid) for uid in (*lead, *co)),
            lead_units=lead,
            co_units=co,
            text=text,
            start=f.get("start", 0),
            end=f.get("end", 0),
            highlights=tuple((s + offset, e + offset) for s, e in spans),
            topics=_split(f.get("topics")),
            article=f.get("article"),
            occurrence=(f.get("occurrence") or 0) if f["kind"] in ("article", "law") else 0,
            matched=tuple(leg for leg in ("literal", "expanded", "translated", "semantic") if leg in cand.legs),
        )


def _reciprocal_rank(lexical: list[_Candidate], *semantic: list[_Candidate]) -> list[_Candidate]:
    """Reciprocal-rank fusion, Σ w / (:data:`RRF_K` + rank): lexical w 1, each semantic ranking
    :data:`RRF_WEIGHT`; a candidate's score becomes its sum, and a passage several rankings hold keeps the
    lexical candidate (its snippet marks the words)."""
    scores: dict[str, float] = {}
    first: dict[str, _Candidate] = {}
    for weight, ranking in ((1.0, lexical), *((RRF_WEIGHT, r) for r in semantic)):
        for rank, cand in enumerate(ranking, 1):
            key = cand.fields["id"]
            scores[key] = scores.get(key, 0.0) + weight / (RRF_K + rank)
            first.setdefault(key, cand)
    ordered = sorted(scores, key=lambda key: -scores[key])
    for key in ordered:
        first[key].score = scores[key]
    return [first[key] for key in ordered]


def chinese_reading(plan: QueryPlan) -> str:
    """A query without Chinese of its own (English) as the corpus's Chinese: per facet, the word the dictionary
    or the thesaurus weighs most, in the query's order; "" for a Chinese query.  The semantic leg embeds it
    beside the English, since the model matches Chinese with Chinese far better than across languages
    (docs/search-evaluation.md).

    >>> from search_api.search.query import ParsedQuery, Term
    >>> def term(word, weight, facet, source):
    ...     return Term(tokens=(word,), weight=weight, facet=facet, source=source)
    >>> terms = (term("电梯", 0.9, "c:lift", "english"), term("升降机", 0.7, "c:lift", "english"),
    ...          term("困", 0.85, "t:trap", "translated"), term("维修", 0.5, "c:lift", "narrower"))
    >>> chinese_reading(QueryPlan(parsed=ParsedQuery(raw="lift trap", text="lift trap"), terms=terms))
    '电梯困'
    """
    if plan.grams:
        return ""
    best: dict[str, Any] = {}
    for term in plan.terms:
        if term.leg == "expanded" or term.text.isascii():
            continue
        if term.facet not in best or term.weight > best[term.facet].weight:
            best[term.facet] = term
    return "".join(term.text for term in best.values())


def _says_verbatim(fields: dict[str, Any], runs: tuple[str, ...]) -> bool:
    """Whether a passage's heading or text holds each Chinese run of the query as typed (question words cut)."""
    body = f"{fields.get('title', '')} {fields.get('text', '')}"
    return bool(runs) and all(run in body for run in runs)


def _highlight_spans(marks: Iterable[tuple[str, int, int]], words: set[str]) -> list[tuple[int, int]]:
    """Offsets of the query's words among a passage's stored words (overlapping matches merged).

    >>> _highlight_spans([("电梯安全", 0, 4), ("电梯", 0, 2), ("监管", 4, 6)], {"电梯", "监管"})
    [(0, 2), (4, 6)]
    """
    return _merge_spans([(s, e) for w, s, e in marks if w in words])


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted and overlapping ones merged."""
    raw = sorted(spans, key=lambda se: (se[0], -se[1]))
    merged: list[tuple[int, int]] = []
    for start, end in raw:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _gram_spans(text: str, grams: Iterable[str]) -> list[tuple[int, int]]:
    """Offsets of the query's character bigrams in ``text`` (merged): the highlights of a passage that only
    the literal bigram leg found.

    >>> _gram_spans("电梯维保单位", ["电梯", "梯维", "单位"])
    [(0, 3), (4, 6)]
    """
    marks = []
    for gram in grams:
        start = text.find(gram)
        while start >= 0:
            marks.append((gram, start, start + len(gram)))
            start = text.find(gram, start + 1)
    return _highlight_spans(marks, set(grams))


def snippet_html(
    text: str,
    spans: list[tuple[int, int]],
    *,
    focus: Iterable[tuple[int, int]] = (),
    width: int = SNIPPET_CHARS,
) -> tuple[str, tuple[int, int]]:
    """An HTML-safe window of ``text`` around the densest matches, matches in ``<b>``; and the window.

    >>> snippet_html("加强电梯安全监管。", [(2, 4)])
    ('加强<b>电梯</b>安全监管。', (0, 9))
    >>> snippet_html("甲" * 10 + "电梯" + "乙" * 10, [(10, 12)], width=6)
    ('…甲甲<b>电梯</b>乙乙…', (8, 14))
    """
    if len(text) <= width:
        start, end = 0, len(text)
    else:
        anchors = [s for s, _ in spans] or [s for s, _ in focus] or [0]
        best = _densest(anchors, spans, width)
        start = max(0, min(best - width // 3, len(text) - width))
        end = start + width
    out: list[str] = ["…"] if start > 0 else []
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[cursor:s]))
        out.append(f"<b>{html.escape(text[s:e])}</b>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return "".join(out), (start, end)


def _densest(anchors: list[int], spans: list[tuple[int, int]], width: int) -> int:
    """The first anchor whose window (``width // 3`` before it, ``width`` after) holds the most spans.

    Spans are merged and sorted, so their starts and ends both rise and a window's spans are a run: two
    pointers, not a count per anchor.

    >>> _densest([0, 10, 12], [(0, 2), (10, 12), (12, 14)], 6)
    10
    """
    if not spans:
        return anchors[0]
    if anchors != [s for s, _ in spans] or any(a[1] > b[0] for a, b in itertools.pairwise(spans)):  # not merged
        return max(anchors, key=lambda a: sum(1 for s, e in spans if a - width // 3 <= s and e <= a + width))
    best, best_count = anchors[0], -1
    lo = hi = 0
    for anchor in anchors:
        while lo < len(spans) and spans[lo][0] < anchor - width // 3:
            lo += 1
        hi = max(hi, lo)
        while hi < len(spans) and spans[hi][1] <= anchor + width:
            hi += 1
        if hi - lo > best_count:
            best, best_count = anchor, hi - lo
    return best


@lru_cache(maxsize=8192)
def _split(value: Any) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split(",") if v)


def _order(fields: dict[str, Any]) -> tuple[Any, ...]:
    """A stable tie-break: kind, document, number."""
    kind = fields.get("kind", "")
    return (KINDS.index(kind) if kind in KINDS else 99, fields.get("doc", ""), fields.get("number") or 0)


def _kind_prior(plan: QueryPlan, kind: str) -> float:
    """How much a passage of ``kind`` weighs for this question: tasks first when it asks who (or names tasks)."""
    prior = (WHO_PRIOR if plan.who else KIND_PRIOR).get(kind, 1.0)
    return prior * TASK_WORD_PRIOR if plan.wants_task and kind == "task" else prior


def _tasks_over_articles(candidates: list[_Candidate]) -> None:
    """When asking who: an article stays below the best task that implements it."""
    best_task: dict[tuple[str, Any], float] = {}
    for c in candidates:
        if c.fields["kind"] == "task" and c.fields.get("article") is not None:
            key = (c.fields["doc"], c.fields["article"])
            best_task[key] = max(best_task.get(key, 0.0), c.score)
    for c in candidates:
        if c.fields["kind"] in ("article", "law") and not c.fields.get("occurrence"):  # tasks name the first
            task_score = best_task.get((c.fields["doc"], c.fields["number"]))
            if task_score is not None and c.score >= task_score:
                c.score = task_score * 0.95


def _unit_forms(units: dict[str, dict[str, Any]]) -> dict[str, tuple[tuple[str, str], ...]]:
    """First character → (printed form, unit id), longest first; forms without a level prefix (财政局 for
    区财政局) are added when no other unit claims them."""
    forms: dict[str, str] = {}
    derived: dict[str, set[str]] = {}
    for uid, unit in sorted(units.items()):
        for name in (unit["name"], *unit["aliases"]):
            forms.setdefault(name, uid)
            if len(name) >= 4 and name[0] in LEVEL_PREFIXES:
                derived.setdefault(name[1:], set()).add(uid)
    for form, ids in derived.items():
        if len(ids) == 1 and form not in forms:
            forms[form] = next(iter(ids))
    first: dict[str, list[tuple[str, str]]] = {}
    for form, uid in forms.items():
        first.setdefault(form[0], []).append((form, uid))
    return {ch: tuple(sorted(items, key=lambda x: (-len(x[0]), x[0]))) for ch, items in first.items()}


def _filter_dict(filters: Filters) -> dict[str, tuple[str, ...]]:
    return {
        "kinds": filters.kinds,
        "units": filters.units,
        "docs": filters.docs,
        "due": filters.due,
        "topics": filters.topics,
    }


# ── entry points ───────────────────────────────────────────────────────────────────────────────────────────


@lru_cache(maxsize=4)
def _open(folder: Path) -> SearchIndex:
    return SearchIndex(folder)


def open_index(data_dir: Path) -> SearchIndex:
    """The index of the current build in ``data_dir``, opened once per build and process."""
    build = open_build(Path(data_dir))
    folder = build.path / INDEX_DIR
    if not folder.is_dir():
        raise SearchError(f"the build in {data_dir} has no search index")
    return _open(folder)


def search(query: str, *, data_dir: Path, kind: str | None = None, limit: int = 10) -> SearchResult:
    """Search the current build in ``data_dir`` (see :meth:`SearchIndex.search`)."""
    return open_index(data_dir).search(query, kind=kind, limit=limit)


def candidate_evidence(question: str, *, data_dir: Path, limit: int = 10) -> list[Hit]:
    """Candidate evidence for ``ask`` (see :meth:`SearchIndex.candidate_evidence`)."""
    return open_index(data_dir).candidate_evidence(question, limit=limit)
