"""Query understanding: filters, phrases, keywords, and thesaurus expansion into weighted search terms.

Why a plan of weighted terms rather than whoosh's query language: users type questions, not syntax.  Anything
that is not one of the few filters (``kind:task``, ``unit:区财政局``, ``doc:…``, ``due:2019``, ``topic:…``) or a
balanced ``"phrase"`` is plain text, so no input is ever a syntax error.  The plan is built in two steps:

1. :func:`parse_query` (pure): filters, phrases, the remaining text, and notes for what was ignored;
2. :func:`plan_query`: keywords by the shared segmenter, concepts by the thesaurus (Chinese labels, or English
   labels for English words), then the concept's synonyms, narrower and broader concepts, each with a lower
   weight than what the user actually typed (exact > synonym > narrower > broader).

Each term belongs to a *facet* (one thing the user asked about), so ranking can prefer passages that answer all
facets over passages that repeat one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ontology.question_words import mask_who_asks
from ontology.thesaurus import Thesaurus, TopicMatch, english_tokens

FILTER_NAMES = ("kind", "unit", "doc", "due", "topic")
FILTER_ALIASES = {"类型": "kind", "单位": "unit", "文件": "doc", "时限": "due", "主题": "topic"}
MAX_QUERY_CHARS = 2_000
"""Longer input is cut here by the CLI (and a note says so); the API refuses it (``check_length``): a question
never needs more, and it bounds the work. The one limit for both faces."""
MAX_KEYWORDS = 40
MAX_CONCEPTS = 12

WEIGHT_EXACT = 1.0
WEIGHT_ENGLISH = 0.9  # the Chinese prefLabel reached through the English prefLabel (SKOS: translations)
WEIGHT_ENGLISH_ALT = 0.8  # any Chinese label reached through an English altLabel (no pairing is known)
WEIGHT_SYNONYM = 0.7
WEIGHT_NARROWER = 0.5
WEIGHT_BROADER = 0.3
WEIGHT_PART = 0.5  # the dictionary words inside a query word that the index never saw whole
WEIGHT_TRANSLATED = 0.85  # the best Chinese word CC-CEDICT gives for an English n-gram
WEIGHT_TRANSLATED_OTHER = 0.6  # the others
LEGS = {
    "exact": "literal", "part": "literal", "phrase": "literal",
    "synonym": "expanded", "narrower": "expanded", "broader": "expanded",
    "english": "translated", "translated": "translated",
}  # fmt: skip
"""Which leg of the search a term's source belongs to: what the user typed, what the thesaurus added, what
an English word became in Chinese."""
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")

# Words that ask rather than say; they never carry the topic.  "Who" words also set the who-intent.
WHO_WORDS_ZH = (
    "谁", "哪个部门", "哪些部门", "哪个单位", "哪些单位", "哪家", "哪个", "哪些", "牵头", "负责", "主管",
    "责任单位", "牵头单位", "配合单位", "承担",
)  # fmt: skip
QUESTION_WORDS_ZH = (
    "什么", "怎么", "怎样", "如何", "是否", "吗", "呢", "么", "哪里", "几", "多少", "请问", "有关", "关于",
    "的", "了", "和", "与", "及", "或", "是", "在", "对", "由", "要", "把", "被", "有", "为", "应", "应当",
    "工作", "问题", "方面", "情况", "规定", "要求", "什么样", "哪", "啥", "部门", "单位",
)  # fmt: skip
WHO_WORDS_EN = ("who", "whom", "whose", "responsible", "responsibility", "lead", "leads", "charge", "which")
TASK_WORDS = ("任务", "task", "tasks")
_FILTER = re.compile(
    r"(?<![\w])(?P<name>[A-Za-z\u4e00-\u9fff]+)[:：]"
    r"(?:\"(?P<dq>[^\"]*)\"|“(?P<cq>[^”]*)”|(?P<bare>[^\s\"“”]+))"
)
_PHRASE = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Filters:
    """Hard constraints; each tuple is a disjunction, the tuples a conjunction."""

    kinds: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    due: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.kinds or self.units or self.docs or self.due or self.topics)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedQuery:
    """The raw query split into free text, quoted phrases and filters."""

    raw: str
    text: str
    phrases: tuple[str, ...] = ()
    filters: Filters = field(default_factory=Filters)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Term:
    """One thing to look for: a word (one token) or a phrase (several), with its weight and facet."""

    tokens: tuple[str, ...]
    weight: float
    facet: str
    source: str  # exact | english | synonym | narrower | broader | part | phrase | translated

    @property
    def leg(self) -> str:
        """``literal``, ``expanded`` or ``translated`` (see :data:`LEGS`)."""
        return LEGS.get(self.source, "expanded")

    @property
    def text(self) -> str:
        """The tokens joined (for display in ``expanded``)."""
        return "".join(self.tokens)


@dataclass(frozen=True, slots=True, kw_only=True)
class QueryPlan:
    """Everything the ranker needs: terms, concepts, units named in the text, intent and filters."""

    parsed: ParsedQuery
    terms: tuple[Term, ...] = ()
    concepts: tuple[str, ...] = ()  # concepts the user named (exact topic match)
    related_concepts: tuple[str, ...] = ()  # their narrower concepts
    units: tuple[str, ...] = ()  # unit ids named in the free text (soft: ranking, not filtering)
    years: tuple[str, ...] = ()
    who: bool = False
    wants_task: bool = False
    facets: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    grams: tuple[str, ...] = ()  # the character bigrams of the query's own Chinese text (question words out)
    runs: tuple[str, ...] = ()  # that text's Chinese runs, whose characters :func:`character_coverage` counts
    grams_boost: float = 1.0  # how much more the bigrams weigh: :func:`grams_boost` (1 with a semantic leg)
    known: bool = True  # every character of the query's Chinese text stands in a word it searches as typed

    @property
    def empty(self) -> bool:
        """Nothing to search for and nothing to filter by."""
        return not self.terms and not self.grams and not self.parsed.filters and not self.units

    def expanded(self) -> list[str]:
        """The Chinese (and other) terms searched, best weight first, each once: the JSON ``expanded`` list."""
        ordered = sorted(self.terms, key=lambda t: -t.weight)
        return list(dict.fromkeys(" ".join(t.tokens) if t.source == "phrase" else t.text for t in ordered))


# ── step 1: syntax ──────────────────────────────────────────────────────────────────────────────────────────


def parse_query(raw: str, *, kinds: Iterable[str] = ()) -> ParsedQuery:
    """Split ``raw`` into free text, balanced quoted phrases and filters; never raises.

    >>> q = parse_query('电梯 kind:task unit:"区财政局" "安全 评估" due:2019', kinds=["task"])
    >>> q.text, q.phrases, q.filters.kinds, q.filters.units, q.filters.due
    ('电梯', ('安全 评估',), ('task',), ('区财政局',), ('2019',))
    >>> parse_query('kind:poem "unbalanced', kinds=["task"]).notes
    ('unknown kind poem (use one of: task); ignored',)
    """
    notes: list[str] = []
    text = raw or ""
    if len(text) > MAX_QUERY_CHARS:
        notes.append(f"query cut to its first {MAX_QUERY_CHARS} characters")
        text = text[:MAX_QUERY_CHARS]
    known_kinds = tuple(kinds)
    found: dict[str, list[str]] = {name: [] for name in FILTER_NAMES}

    def take(match: re.Match[str]) -> str:
        name = FILTER_ALIASES.get(match["name"], match["name"].lower())
        if name not in found:
            return match.group(0)
        value = next(v for v in (match["dq"], match["cq"], match["bare"]) if v is not None).strip()
        if not value:
            notes.append(f"empty {name}: filter ignored")
        elif name == "kind" and known_kinds and value.lower() not in known_kinds:
            notes.append(f"unknown kind {value} (use one of: {', '.join(known_kinds)}); ignored")
        else:
            found[name].append(value.lower() if name == "kind" else value)
        return " "

    text = _FILTER.sub(take, text)
    phrases = tuple(p.strip() for m in _PHRASE.finditer(text) if (p := m.group(1) or m.group(2)).strip())
    text = _PHRASE.sub(" ", text)
    text = re.sub(r"[\"“”]", " ", text)  # unbalanced quotes: plain text
    text = re.sub(r"\s+", " ", text).strip()
    filters = Filters(
        kinds=tuple(dict.fromkeys(found["kind"])),
        units=tuple(dict.fromkeys(found["unit"])),
        docs=tuple(dict.fromkeys(found["doc"])),
        due=tuple(dict.fromkeys(found["due"])),
        topics=tuple(dict.fromkeys(found["topic"])),
    )
    return ParsedQuery(raw=raw or "", text=text, phrases=phrases, filters=filters, notes=tuple(notes))


# ── step 2: meaning ─────────────────────────────────────────────────────────────────────────────────────────

Analyze = Callable[[str], list[str]]
"""Query-mode analysis: text → the index terms it becomes (the index's own analyzer)."""
Parts = Callable[[str], list[str]]
"""A word → the dictionary words inside it (for words the index never saw whole)."""


def plan_query(
    parsed: ParsedQuery,
    *,
    thesaurus: Thesaurus,
    analyze: Analyze,
    parts: Parts,
    known: Callable[[str], bool],
    find_units: Callable[[str], list[tuple[str, int, int]]],
    translate: Callable[[str], list[tuple[str, list[str]]]] | None = None,
) -> QueryPlan:
    """Turn a parsed query into weighted terms.

    ``known(word)`` says whether the index holds the word; ``find_units(text)`` returns ``(unit_id, start,
    end)`` for unit names printed in the text; ``translate(text)`` gives ``(english n-gram, chinese words)``
    (CC-CEDICT, :mod:`search_api.search.english`).  All come from the open index, which keeps this function
    free of I/O and easy to test.
    """
    text = parsed.text
    notes = list(parsed.notes)
    terms: list[Term] = []
    lower = text.lower()
    who = any(w in text for w in WHO_WORDS_ZH) or any(tok in WHO_WORDS_EN for _, _, tok in english_tokens(lower))
    wants_task = any(w in lower for w in TASK_WORDS)

    units_found = find_units(text)
    unit_ids = tuple(dict.fromkeys(uid for uid, _, _ in units_found))
    masked = _mask(text, [(s, e) for _, s, e in units_found])
    masked = mask_who_asks(masked)

    matches = [*thesaurus.find_in_text(masked), *_english_matches(thesaurus, masked)]
    concepts = tuple(dict.fromkeys(m.concept_id for m in matches))[:MAX_CONCEPTS]
    if len(dict.fromkeys(m.concept_id for m in matches)) > MAX_CONCEPTS:
        notes.append(f"only the first {MAX_CONCEPTS} topics of the query were expanded")
    english_spans = [(m.start, m.end) for m in matches if m.surface.isascii()]

    # What the user typed: Chinese keywords (and unit names, which score through the name fields).
    for start, end, token in english_tokens(masked):
        if not _YEAR.fullmatch(token) and not any(s <= start and end <= e for s, e in english_spans):
            masked = masked[:start] + " " * (end - start) + masked[end:]
    keywords = [w for w in dict.fromkeys(analyze(masked)) if _keeps(w)]
    surfaces = {m.surface for m in matches}
    if len(keywords) > MAX_KEYWORDS:
        notes.append(f"only the first {MAX_KEYWORDS} words of the query were searched")
        keywords = keywords[:MAX_KEYWORDS]
    for word in keywords:
        if word.isascii() and not _YEAR.fullmatch(word):
            continue  # English words reach the index only through the thesaurus
        facet = f"w:{word}"
        if known(word):
            terms.append(Term(tokens=(word,), weight=WEIGHT_EXACT, facet=facet, source="exact"))
        elif word not in surfaces:  # a topic's own labels replace the parts of its unseen surface
            for inner in dict.fromkeys(p for p in parts(word) if _keeps(p) and known(p)):
                terms.append(Term(tokens=(inner,), weight=WEIGHT_PART, facet=facet, source="part"))
    for typed, other in year_spellings(text):  # 1986 ↔ 一九八六年: old notices write years in Chinese numerals
        if known(other):
            terms.append(Term(tokens=(other,), weight=WEIGHT_EXACT, facet=f"w:{typed}", source="exact"))
    for name in [text[s:e] for _, s, e in units_found]:
        for word in analyze(name):
            terms.append(Term(tokens=(word,), weight=WEIGHT_EXACT, facet=f"u:{name}", source="exact"))
    for phrase in parsed.phrases:
        tokens = tuple(w for w in analyze(phrase) if _keeps(w, question=False))
        if tokens:
            terms.append(Term(tokens=tokens, weight=WEIGHT_EXACT * 1.5, facet=f"p:{phrase}", source="phrase"))

    # What the user meant: each concept's labels, then its narrower and broader concepts.
    related: list[str] = []
    for match in matches:
        cid = match.concept_id
        if cid not in concepts:
            continue
        english = match.surface.isascii()
        facet = f"c:{cid}"
        _facet_words(terms, match.surface, facet, analyze)
        concept = thesaurus[cid]
        for label in thesaurus.labels(cid, lang="zh"):
            if not english:
                weight = WEIGHT_EXACT if label == match.surface else WEIGHT_SYNONYM
            elif match.label != concept.pref_en:
                weight = WEIGHT_ENGLISH_ALT
            else:
                weight = WEIGHT_ENGLISH if label == concept.pref_zh else WEIGHT_SYNONYM
            terms.extend(_label_terms(label, weight, facet, "english" if english else "synonym", analyze, known))
        for narrower in thesaurus.descendants(cid):
            related.append(narrower)
            for label in thesaurus.labels(narrower, lang="zh"):
                terms.extend(_label_terms(label, WEIGHT_NARROWER, facet, "narrower", analyze, known))
        for broader in thesaurus.broader(cid):
            for label in thesaurus.labels(broader, lang="zh")[:1]:
                terms.extend(_label_terms(label, WEIGHT_BROADER, facet, "broader", analyze, known))
    unknown_en = [
        tok
        for s, e, tok in english_tokens(text)
        if not any(a <= s and e <= b for a, b in english_spans) and tok not in _EN_STOP and not tok.isdigit()
    ]
    if unknown_en and not concepts:
        notes.append("no topic found for: " + " ".join(dict.fromkeys(unknown_en)))
    if translate is not None:
        for ngram, words in translate(text):
            for rank, word in enumerate(words):
                weight = WEIGHT_TRANSLATED if rank == 0 else WEIGHT_TRANSLATED_OTHER
                terms.extend(_label_terms(word, weight, f"t:{ngram}", "translated", analyze, known))
    years = tuple(dict.fromkeys(_YEAR.findall(text)))
    terms = _best_per_word(terms)
    facets = tuple(dict.fromkeys(t.facet for t in terms))
    runs = query_runs(masked)
    boost = grams_boost(runs, terms)
    return QueryPlan(
        parsed=parsed,
        terms=tuple(terms),
        concepts=concepts,
        related_concepts=tuple(dict.fromkeys(r for r in related if r not in concepts)),
        units=unit_ids,
        years=years,
        who=who,
        wants_task=wants_task,
        facets=facets,
        notes=tuple(notes),
        grams=run_grams(runs),
        runs=runs,
        grams_boost=boost,
        known=boost == 1.0,
    )


GRAMS_LEAN = 2.0
"""How much more the query's character bigrams weigh when no word of two or more characters that the index
knows covers any of its characters (a share of them covered: proportionally less)."""


def grams_boost(runs: tuple[str, ...], terms: Iterable[Term]) -> float:
    """1 + :data:`GRAMS_LEAN` × the share of the query's characters that no word it searches as typed covers.

    Why: an everyday paraphrase (远海翻船靠啥新设备把人找回来) leaves the index only a few words, often single
    characters (新, 人) that match anything, while the passage it means shares its rarer character pairs (远海);
    without a semantic leg, characters are the only bridge from the user's words to the document's. Measured on
    the tuning sets (docs/search-evaluation.md): paraphrases up, topic questions unchanged. A query whose words
    the index knows is unchanged (1.0).

    >>> words = [Term(tokens=("设备",), weight=1.0, facet="w:设备", source="exact")]
    >>> round(grams_boost(("远海翻船靠啥新设备",), words), 2), grams_boost(("设备",), words)
    (2.56, 1.0)
    """
    text = "".join(runs)
    if not text:
        return 1.0
    covered = [False] * len(text)
    for term in terms:
        word = "".join(term.tokens)
        if term.leg != "literal" or term.source not in ("exact", "part", "phrase") or len(word) < 2:
            continue
        at = text.find(word)
        while at >= 0:
            covered[at : at + len(word)] = [True] * len(word)
            at = text.find(word, at + 1)
    return 1.0 + GRAMS_LEAN * (1.0 - sum(covered) / len(text))


_ARABIC_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_CHINESE_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}年")
_CHINESE_DIGITS = "〇一二三四五六七八九"


def year_spellings(text: str) -> list[tuple[str, str]]:
    """``(the year as typed, its other spelling)`` for each year of ``text``: an Arabic year and the Chinese
    numerals older documents print (一九八六年, one word to the segmenter), and back.

    >>> year_spellings("1986年征兵年龄"), year_spellings("一九八六年新兵起运时间")
    ([('1986', '一九八六年')], [('一九八六年', '1986')])
    >>> year_spellings("二〇一八年底前 and 2018")
    [('2018', '二〇一八年'), ('二〇一八年', '2018')]
    """
    out = [(year, "".join(_CHINESE_DIGITS[int(d)] for d in year) + "年") for year in _ARABIC_YEAR.findall(text)]
    for written in _CHINESE_YEAR.findall(text):
        out.append((written, "".join(str(_CHINESE_DIGITS.index("〇" if ch == "零" else ch)) for ch in written[:4])))
    return list(dict.fromkeys(out))


def query_runs(text: str) -> tuple[str, ...]:
    """The Chinese runs of ``text`` once question and intent words are cut out: the query's own words, as typed.

    >>> query_runs("哪些部门负责电梯维保")
    ('电梯维保',)
    """
    for word in _STOP_LONGEST_FIRST:
        text = text.replace(word, " ")
    return tuple(_CJK_RUN.findall(text))


def run_grams(runs: tuple[str, ...]) -> tuple[str, ...]:
    """The character bigrams of :func:`query_runs`: the literal leg that finds words no dictionary knows.

    >>> run_grams(query_runs("哪些部门负责电梯维保"))
    ('电梯', '梯维', '维保')
    """
    return tuple(dict.fromkeys(run[i : i + 2] for run in runs for i in range(len(run) - 1)))


def character_coverage(runs: tuple[str, ...], text: str) -> float:
    """The share of the runs' characters that ``text`` holds inside one of the runs' bigrams: how much of what
    the user typed a passage says.  Characters, not bigrams, so that a query of several words (三家子机场产权)
    is not marked down for the bigrams across its word boundaries (子机, 场产) that no text need contain.

    >>> character_coverage(("三家子机场产权",), "民航使用空军三家子机场 … 产权仍属空军")
    1.0
    >>> round(character_coverage(("远海翻船靠啥新设备",), "深远海救助装备研发"), 2)
    0.22
    """
    total = covered = 0
    for run in runs:
        for i in range(len(run)):
            total += 1
            if (i > 0 and run[i - 1 : i + 1] in text) or (i + 1 < len(run) and run[i : i + 2] in text):
                covered += 1
    return covered / total if total else 0.0


_EN_STOP = frozenset(
    (
        "a", "an", "the", "of", "for", "to", "in", "on", "and", "or", "not", "is", "are", "was", "be", "by",
        "with", "who", "whom", "which", "what", "when", "where", "how", "does", "do", "did", "i", "we", "you",
        "it", "its", "this", "that", "these", "those", "responsible", "responsibility", "lead", "charge",
        "task", "tasks", "about", "any", "all", "there", "their", "must", "should", "shall", "can",
    )
)  # fmt: skip
_STOP = frozenset((*QUESTION_WORDS_ZH, *WHO_WORDS_ZH, *TASK_WORDS))
_STOP_LONGEST_FIRST = tuple(sorted((w for w in _STOP if len(w) >= 2), key=len, reverse=True))


def _english_matches(thesaurus: Thesaurus, text: str) -> list[TopicMatch]:
    """English labels, leftmost-longest, plus a label that starts *inside* a match and runs past its end:
    in "work safety responsibility lists" both "work safety responsibility" and "responsibility lists"."""
    matches = thesaurus.find_english(text)
    extra: list[TopicMatch] = []
    for match in matches:
        for start, _, _ in english_tokens(text[match.start + 1 : match.end]):
            offset = match.start + 1 + start
            inner = thesaurus.find_english(text[offset:])
            if inner and inner[0].start == 0 and offset + inner[0].end > match.end:
                first = inner[0]
                extra.append(
                    TopicMatch(first.concept_id, offset, offset + first.end, first.surface, first.label)
                )
                break
    return sorted([*matches, *extra], key=lambda m: (m.start, -m.end))


def _keeps(word: str, *, question: bool = True) -> bool:
    """Whether a query word carries content (not a question or intent word, not a lone digit)."""
    return bool(word.strip()) and not (question and word in _STOP) and (not word.isdigit() or bool(_YEAR.fullmatch(word)))


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the spans blanked out (offsets kept), so unit names are not read as topics too."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _facet_words(terms: list[Term], surface: str, facet: str, analyze: Analyze) -> None:
    """Move the typed words of a concept's surface into the concept's facet (one facet per thing asked)."""
    words = set(analyze(surface))
    for i, term in enumerate(terms):
        if term.source in ("exact", "part") and term.facet.startswith("w:") and term.facet[2:] in words:
            terms[i] = Term(tokens=term.tokens, weight=term.weight, facet=facet, source=term.source)


def _label_terms(
    label: str, weight: float, facet: str, source: str, analyze: Analyze, known: Callable[[str], bool]
) -> list[Term]:
    """A label as a word or a phrase; labels the index cannot match are left out."""
    tokens = tuple(w for w in analyze(label) if w.strip())
    if not tokens or not all(known(t) for t in tokens):
        return []
    return [Term(tokens=tokens, weight=weight, facet=facet, source=source)]


def _best_per_word(terms: list[Term]) -> list[Term]:
    """One term per token sequence: the highest weight wins (a synonym may also be typed exactly)."""
    best: dict[tuple[str, ...], Term] = {}
    for term in terms:
        current = best.get(term.tokens)
        if current is None or term.weight > current.weight:
            best[term.tokens] = term
    return list(best.values())
