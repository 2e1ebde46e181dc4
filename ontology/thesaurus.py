"""The bilingual work-safety thesaurus (SKOS): load it, walk it, find its labels in text.

The concepts live in ``thesaurus.ttl`` next to this module (labels are data, never code). This module turns
them into frozen :class:`Concept` values held by a :class:`Thesaurus`, which

- finds Chinese labels in text, leftmost-longest and non-overlapping (:meth:`Thesaurus.find_in_text`);
- finds English labels in questions, case-insensitive, on word boundaries and tolerant of plurals
  (:meth:`Thesaurus.find_english`);
- walks ``skos:broader`` / ``skos:narrower`` (both directions are always present after loading);
- round-trips through a compact JSON form, so commands can start without rdflib's Turtle parser.

Users: the graph builder (links topics to articles, tasks and obligations), the search index (query expansion,
jieba user dictionary via :meth:`Thesaurus.domain_words`) and ``ask``.

>>> th = Thesaurus([
...     Concept(id="special-equipment", pref_zh="特种设备", pref_en="special equipment"),
...     Concept(id="elevator", pref_zh="电梯", pref_en="elevator", alt_en=("lift",),
...             broader=("special-equipment",)),
... ])
>>> th.narrower("special-equipment")
('elevator',)
>>> [(m.concept_id, m.surface) for m in th.find_in_text("加强电梯等特种设备安全监管")]
[('elevator', '电梯'), ('special-equipment', '特种设备')]
>>> [m.concept_id for m in th.find_english("Who inspects lifts?")]
['elevator']
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.errors import PolicyKGError

if TYPE_CHECKING:  # rdflib is imported lazily: the JSON path must not pay for it
    from rdflib import Graph

__all__ = [
    "SCHEME_IRI",
    "THESAURUS_PATH",
    "TOPIC_NS",
    "Concept",
    "Thesaurus",
    "ThesaurusError",
    "TopicMatch",
    "UnknownConcept",
    "english_tokens",
    "load_thesaurus",
    "singular_forms",
]

TOPIC_NS = "https://w3id.org/policykg/topic/"
SCHEME_IRI = "https://w3id.org/policykg/thesaurus"
THESAURUS_PATH = Path(__file__).with_name("thesaurus.ttl")
JSON_FORMAT = "policykg-thesaurus"
JSON_VERSION = 1
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_WORD = re.compile(r"[A-Za-z0-9]+")
_PLAIN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")


class ThesaurusError(PolicyKGError):
    """A thesaurus that cannot be loaded or used; ``code`` is stable, ``hint`` says what to do."""

    code = "thesaurus_invalid"


class UnknownConcept(ThesaurusError, KeyError):
    """A concept id that the thesaurus does not hold."""

    code = "unknown_concept"


@dataclass(frozen=True, slots=True, kw_only=True)
class Concept:
    """One SKOS concept. ``id`` is the ASCII slug after :data:`TOPIC_NS`; labels are verbatim."""

    id: str
    pref_zh: str
    pref_en: str
    alt_zh: tuple[str, ...] = ()
    alt_en: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    narrower: tuple[str, ...] = ()
    definition: str = ""
    iri: str = ""

    def __post_init__(self) -> None:
        if not self.iri:
            object.__setattr__(self, "iri", TOPIC_NS + self.id)

    @property
    def zh_labels(self) -> tuple[str, ...]:
        """The preferred Chinese label, then the alternative ones."""
        return (self.pref_zh, *self.alt_zh)

    @property
    def en_labels(self) -> tuple[str, ...]:
        """The preferred English label, then the alternative ones."""
        return (self.pref_en, *self.alt_en)


@dataclass(frozen=True, slots=True)
class TopicMatch:
    """A thesaurus label found in a text: ``text[start:end] == surface``; ``label`` is the thesaurus form."""

    concept_id: str
    start: int
    end: int
    surface: str
    label: str


def singular_forms(word: str) -> frozenset[str]:
    """The lower-cased word and the singulars it may stand for (a crude, symmetric plural folding).

    >>> sorted(singular_forms("Facilities"))
    ['facilitie', 'facilities', 'facility']
    >>> sorted(singular_forms("gas")), sorted(singular_forms("class"))
    (['gas'], ['class'])
    """
    w = word.lower()
    forms = {w}
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        forms.add(w[:-1])
        if w.endswith("ies"):
            forms.add(w[:-3] + "y")
        elif w.endswith("es"):
            forms.add(w[:-2])
    return frozenset(forms)


def english_tokens(text: str) -> list[tuple[int, int, str]]:
    """ASCII letter/digit runs of ``text`` as ``(start, end, lower-cased token)``; offsets index ``text``.

    >>> english_tokens("Non-coal mines, 电梯 lifts")
    [(0, 3, 'non'), (4, 8, 'coal'), (9, 14, 'mines'), (19, 24, 'lifts')]
    """
    return [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]


def _fold_en(label: str) -> str:
    """Key for exact English lookups: lower-cased tokens joined by one space.

    >>> _fold_en("  Non-coal   Mines ")
    'non coal mines'
    """
    return " ".join(tok for _, _, tok in english_tokens(label))


@dataclass(frozen=True, slots=True)
class _EnLabel:
    forms: tuple[frozenset[str], ...]
    label: str
    concept_id: str


class Thesaurus:
    """An immutable set of :class:`Concept` values with label indexes; build once, share freely.

    ``broader`` and ``narrower`` are made symmetric on construction: a relation declared in one direction
    is visible from both ends. Construction raises :class:`ThesaurusError` on unknown references,
    cycles, missing preferred labels and a Chinese or English label claimed by two concepts.
    """

    __slots__ = ("_by_id", "_concepts", "_en_first", "_en_lookup", "_zh_first", "_zh_lookup", "scheme_iri")

    def __init__(self, concepts: Iterable[Concept], *, scheme_iri: str = SCHEME_IRI) -> None:
        self.scheme_iri = scheme_iri
        self._concepts = _symmetric(tuple(concepts))
        self._by_id = {c.id: c for c in self._concepts}
        _check_acyclic(self._by_id)
        self._zh_lookup, self._en_lookup = _label_lookups(self._concepts)
        self._zh_first = _zh_index(self._zh_lookup)
        self._en_first: dict[str, tuple[_EnLabel, ...]] | None = None  # built on the first English match

    # -- collection -------------------------------------------------------------------------------------
    @property
    def concepts(self) -> tuple[Concept, ...]:
        """All concepts, sorted by id."""
        return self._concepts

    def __len__(self) -> int:
        return len(self._concepts)

    def __iter__(self) -> Iterator[Concept]:
        return iter(self._concepts)

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self._by_id

    def __getitem__(self, concept_id: str) -> Concept:
        concept = self._by_id.get(concept_id)
        if concept is None:
            raise UnknownConcept(f"no concept {concept_id!r}", hint="ids are the slugs after " + TOPIC_NS)
        return concept

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Thesaurus):
            return NotImplemented
        return self.scheme_iri == other.scheme_iri and self._concepts == other._concepts

    __hash__ = None  # type: ignore[assignment]  # mutable-looking container semantics: not hashable

    def __repr__(self) -> str:
        return f"<Thesaurus {self.scheme_iri} with {len(self)} concepts>"

    def get(self, concept_id: str) -> Concept | None:
        """The concept with this id, or ``None``."""
        return self._by_id.get(concept_id)

    def lookup(self, label: str) -> Concept | None:
        """The concept that has exactly this label (Chinese verbatim; English case- and spacing-insensitive)."""
        concept_id = self._zh_lookup.get(label.strip()) or self._en_lookup.get(_fold_en(label))
        return self._by_id[concept_id] if concept_id else None

    def top_concepts(self) -> tuple[str, ...]:
        """Ids of the concepts without a broader concept, sorted."""
        return tuple(c.id for c in self._concepts if not c.broader)

    # -- hierarchy --------------------------------------------------------------------------------------
    def broader(self, concept_id: str) -> tuple[str, ...]:
        """Ids of the direct broader concepts, sorted."""
        return self[concept_id].broader

    def narrower(self, concept_id: str) -> tuple[str, ...]:
        """Ids of the direct narrower concepts, sorted."""
        return self[concept_id].narrower

    def ancestors(self, concept_id: str) -> tuple[str, ...]:
        """Ids of all transitively broader concepts (not the concept itself), sorted."""
        return self._closure(concept_id, lambda c: c.broader)

    def descendants(self, concept_id: str) -> tuple[str, ...]:
        """Ids of all transitively narrower concepts (not the concept itself), sorted."""
        return self._closure(concept_id, lambda c: c.narrower)

    def _closure(self, concept_id: str, step: Callable[[Concept], tuple[str, ...]]) -> tuple[str, ...]:
        seen: set[str] = set()
        todo = list(step(self[concept_id]))
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(step(self._by_id[current]))
        return tuple(sorted(seen))

    # -- labels -----------------------------------------------------------------------------------------
    def labels(
        self, concept_id: str, *, lang: str | None = None, descendants: bool = False
    ) -> tuple[str, ...]:
        """Labels of a concept (preferred first), optionally of its descendants too; ``lang`` is zh or en.

        With ``descendants=True`` this is the query expansion of a topic: 特种设备 also finds 电梯.
        """
        ids = (concept_id, *self.descendants(concept_id)) if descendants else (concept_id,)
        out: list[str] = []
        for cid in ids:
            concept = self[cid]
            if lang in (None, "zh"):
                out.extend(concept.zh_labels)
            if lang in (None, "en"):
                out.extend(concept.en_labels)
        return tuple(dict.fromkeys(out))

    def domain_words(self, *, plain_only: bool = False) -> tuple[str, ...]:
        """Every Chinese label, sorted and unique: the jieba user dictionary of the domain.

        jieba never joins across punctuation, so a label such as 安全第一、预防为主、综合治理 cannot become one
        token; ``plain_only=True`` keeps only labels made of CJK characters, letters and digits.
        """
        words = sorted(self._zh_lookup)
        return tuple(w for w in words if _PLAIN.fullmatch(w)) if plain_only else tuple(words)

    # -- matching ---------------------------------------------------------------------------------------
    def find_in_text(self, text: str) -> list[TopicMatch]:
        """Chinese labels in ``text``: scanning left to right, the longest label starting at each position wins
        and matches never overlap. Deterministic; offsets index the verbatim text."""
        matches: list[TopicMatch] = []
        i, n = 0, len(text)
        while i < n:
            hit = next((lab for lab in self._zh_first.get(text[i], ()) if text.startswith(lab, i)), None)
            if hit is None:
                i += 1
                continue
            matches.append(TopicMatch(self._zh_lookup[hit], i, i + len(hit), hit, hit))
            i += len(hit)
        return matches

    def _english_index(self) -> dict[str, tuple[_EnLabel, ...]]:
        if self._en_first is None:
            self._en_first = _en_index(self._concepts)
        return self._en_first

    def find_english(self, text: str) -> list[TopicMatch]:
        """English labels in ``text``: case-insensitive, whole words, plurals folded (``lifts`` finds ``lift``),
        leftmost-longest (in words) and non-overlapping."""
        tokens = english_tokens(text)
        if not tokens:
            return []
        forms = [singular_forms(tok) for _, _, tok in tokens]
        matches: list[TopicMatch] = []
        i = 0
        while i < len(tokens):
            hit = self._en_match_at(forms, i)
            if hit is None:
                i += 1
                continue
            start, end = tokens[i][0], tokens[i + len(hit.forms) - 1][1]
            matches.append(TopicMatch(hit.concept_id, start, end, text[start:end], hit.label))
            i += len(hit.forms)
        return matches

    def find_all(self, text: str) -> list[TopicMatch]:
        """Chinese and English matches together, ordered by position (for mixed-language questions)."""
        return sorted(
            [*self.find_in_text(text), *self.find_english(text)],
            key=lambda m: (m.start, -m.end, m.concept_id),
        )

    def _en_match_at(self, forms: list[frozenset[str]], i: int) -> _EnLabel | None:
        candidates: set[_EnLabel] = set()
        for form in forms[i]:
            candidates.update(self._english_index().get(form, ()))
        ordered = sorted(candidates, key=lambda e: (-len(e.forms), -len(e.label), e.label, e.concept_id))
        for entry in ordered:
            size = len(entry.forms)
            if i + size <= len(forms) and all(entry.forms[k] & forms[i + k] for k in range(size)):
                return entry
        return None

    # -- serialisation ----------------------------------------------------------------------------------
    def to_json(self) -> str:
        """A compact, deterministic JSON form (narrower is derived again on loading)."""
        rows = []
        for c in self._concepts:
            row: dict[str, object] = {"id": c.id, "zh": c.pref_zh, "en": c.pref_en}
            optional = {"alt_zh": list(c.alt_zh), "alt_en": list(c.alt_en), "broader": list(c.broader)}
            row.update({k: v for k, v in optional.items() if v})
            if c.definition:
                row["definition"] = c.definition
            if c.iri != TOPIC_NS + c.id:
                row["iri"] = c.iri
            rows.append(row)
        doc = {"format": JSON_FORMAT, "version": JSON_VERSION, "scheme": self.scheme_iri, "concepts": rows}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, data: str | bytes) -> Thesaurus:
        """Inverse of :meth:`to_json`."""
        doc = json.loads(data)
        if (
            not isinstance(doc, dict)
            or doc.get("format") != JSON_FORMAT
            or doc.get("version") != JSON_VERSION
        ):
            raise ThesaurusError(
                "not a PolicyKG thesaurus JSON document",
                hint=f"expected format {JSON_FORMAT!r} version {JSON_VERSION}; rebuild it with to_json()",
            )
        concepts = [
            Concept(
                id=row["id"],
                pref_zh=row["zh"],
                pref_en=row["en"],
                alt_zh=tuple(row.get("alt_zh", ())),
                alt_en=tuple(row.get("alt_en", ())),
                broader=tuple(row.get("broader", ())),
                definition=row.get("definition", ""),
                iri=row.get("iri", ""),
            )
            for row in doc["concepts"]
        ]
        return cls(concepts, scheme_iri=doc["scheme"])

    @classmethod
    def from_graph(cls, graph: Graph) -> Thesaurus:
        """Read the ``skos:Concept`` resources of an rdflib graph (IRIs must lie under :data:`TOPIC_NS`)."""
        from rdflib import RDF, Literal, URIRef

        def prop(name: str) -> URIRef:
            return URIRef(_SKOS + name)

        def slug(node: object) -> str:
            iri = str(node)
            if not (isinstance(node, URIRef) and iri.startswith(TOPIC_NS) and len(iri) > len(TOPIC_NS)):
                raise ThesaurusError(
                    f"concept IRI {iri} is outside {TOPIC_NS}", hint="use topic:<english-slug>"
                )
            return iri[len(TOPIC_NS) :]

        def literals(subject: URIRef, name: str, lang: str) -> list[str]:
            return sorted(
                str(o)
                for o in graph.objects(subject, prop(name))
                if isinstance(o, Literal) and o.language == lang
            )

        concepts = []
        for subject in sorted(set(graph.subjects(RDF.type, prop("Concept")))):
            cid = slug(subject)
            pref = {lang: literals(subject, "prefLabel", lang) for lang in ("zh", "en")}
            if any(len(v) != 1 for v in pref.values()):
                raise ThesaurusError(
                    f"concept {cid} needs exactly one prefLabel @zh and one @en, has {pref}",
                    hint="edit thesaurus.ttl",
                )
            concepts.append(
                Concept(
                    id=cid,
                    pref_zh=pref["zh"][0],
                    pref_en=pref["en"][0],
                    alt_zh=tuple(literals(subject, "altLabel", "zh")),
                    alt_en=tuple(literals(subject, "altLabel", "en")),
                    broader=tuple(sorted(slug(o) for o in graph.objects(subject, prop("broader")))),
                    narrower=tuple(sorted(slug(o) for o in graph.objects(subject, prop("narrower")))),
                    definition=" ".join(literals(subject, "definition", "en")),
                )
            )
        schemes = sorted(str(s) for s in graph.subjects(RDF.type, prop("ConceptScheme")))
        return cls(concepts, scheme_iri=schemes[0] if schemes else SCHEME_IRI)


def _symmetric(concepts: tuple[Concept, ...]) -> tuple[Concept, ...]:
    """Concepts sorted by id with broader/narrower closed under inversion; raises on unknown ids."""
    by_id: dict[str, Concept] = {}
    for c in concepts:
        if c.id in by_id:
            raise ThesaurusError(f"concept id {c.id!r} occurs twice", hint="ids must be unique")
        if not c.pref_zh.strip() or not c.pref_en.strip():
            raise ThesaurusError(f"concept {c.id} lacks a zh or en prefLabel", hint="both are required")
        by_id[c.id] = c
    up: dict[str, set[str]] = {cid: set(c.broader) for cid, c in by_id.items()}
    for cid, c in by_id.items():
        for child in c.narrower:
            up.setdefault(child, set()).add(cid)
    down: dict[str, set[str]] = {cid: set() for cid in by_id}
    for cid, parents in up.items():
        for parent in parents:
            if cid not in by_id or parent not in by_id:
                missing = cid if cid not in by_id else parent
                raise ThesaurusError(
                    f"unknown concept {missing!r} in broader/narrower", hint="define it or fix"
                )
            down[parent].add(cid)
    return tuple(
        replace(c, broader=tuple(sorted(up[c.id])), narrower=tuple(sorted(down[c.id])))
        for c in sorted(by_id.values(), key=lambda c: c.id)
    )


def _check_acyclic(by_id: dict[str, Concept]) -> None:
    """Raise :class:`ThesaurusError` if following ``broader`` ever returns to where it started."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in sorted(by_id):
        if state.get(root):
            continue
        state[root] = 1
        stack = [(root, iter(by_id[root].broader))]
        while stack:
            node, parents = stack[-1]
            parent = next(parents, None)
            if parent is None:
                state[node] = 2
                stack.pop()
            elif state.get(parent) == 1:
                raise ThesaurusError(
                    f"broader cycle through {parent!r} and {node!r}", hint="fix skos:broader"
                )
            elif not state.get(parent):
                state[parent] = 1
                stack.append((parent, iter(by_id[parent].broader)))


def _label_lookups(concepts: tuple[Concept, ...]) -> tuple[dict[str, str], dict[str, str]]:
    """Exact zh label → id and folded en label → id; a label claimed by two concepts is an error."""
    zh: dict[str, str] = {}
    en: dict[str, str] = {}
    for c in concepts:
        for table, labels, key in ((zh, c.zh_labels, str.strip), (en, c.en_labels, _fold_en)):
            for label in labels:
                folded = key(label)
                if not folded:
                    raise ThesaurusError(f"concept {c.id} has an empty label", hint="remove it")
                owner = table.setdefault(folded, c.id)
                if owner != c.id:
                    raise ThesaurusError(
                        f"label {label!r} belongs to both {owner} and {c.id}", hint="give it to one concept"
                    )
    return zh, en


def _zh_index(zh_lookup: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """First character → labels starting with it, longest first (ties by label, for determinism)."""
    first: dict[str, list[str]] = {}
    for label in zh_lookup:
        first.setdefault(label[0], []).append(label)
    return {ch: tuple(sorted(labels, key=lambda s: (-len(s), s))) for ch, labels in first.items()}


def _en_index(concepts: tuple[Concept, ...]) -> dict[str, tuple[_EnLabel, ...]]:
    """Each singular form of a label's first word → the English labels starting with it."""
    first: dict[str, set[_EnLabel]] = {}
    for c in concepts:
        for label in c.en_labels:
            words = [tok for _, _, tok in english_tokens(label)]
            entry = _EnLabel(tuple(singular_forms(w) for w in words), label, c.id)
            for form in entry.forms[0]:
                first.setdefault(form, set()).add(entry)
    return {
        form: tuple(sorted(entries, key=lambda e: (e.label, e.concept_id))) for form, entries in first.items()
    }


# -- loading ------------------------------------------------------------------------------------------------
def _read_turtle(path: Path) -> Thesaurus:
    from rdflib import Graph

    return Thesaurus.from_graph(Graph().parse(path, format="turtle"))


def _read_json(path: Path) -> Thesaurus:
    return Thesaurus.from_json(path.read_bytes())


_READERS: dict[str, Callable[[Path], Thesaurus]] = {".ttl": _read_turtle, ".json": _read_json}


def load_thesaurus(path: str | Path | None = None) -> Thesaurus:
    """Load a thesaurus from Turtle (``.ttl``) or its JSON form (``.json``); default: the packaged Turtle.

    Commands that must start fast should load the JSON a build wrote (see :meth:`Thesaurus.to_json`). A file is
    read once per process while it is unchanged (the graph and the index of one build share one instance).
    """
    source = Path(path) if path is not None else THESAURUS_PATH
    if _READERS.get(source.suffix.lower()) is None:
        raise ThesaurusError(f"cannot read a thesaurus from {source.name}", hint="use a .ttl or .json file")
    if not source.is_file():
        raise ThesaurusError(f"no thesaurus at {source}", hint="check the path")
    return _load_cached(str(source.resolve()), source.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _load_cached(path: str, _mtime_ns: int) -> Thesaurus:
    source = Path(path)
    return _READERS[source.suffix.lower()](source)
