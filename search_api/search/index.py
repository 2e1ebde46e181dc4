"""The full-text index a build writes: articles, obligations, tasks, units and law articles, one whoosh document
each, analysed by the domain analyzer of :mod:`search_api.search.tokenizer`.

Why this granularity: an answer is an article, a sentence or a task row, never a whole document, and whoosh
highlighting and BM25 both behave on short texts.  Why the extra files: the query side must cut text with
exactly the words the index was cut with (``userdict.txt``), expand queries with the thesaurus without parsing
Turtle (``thesaurus.json``) and name units and documents without loading the model (``meta.json``).  All of it
lives in ``<build>/index/`` and is published atomically with the rest of the build.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ingest.model import Article, Corpus, Deadline, Document, Obligation, Task, Unit
from ingest.segment import gazetteer_words, read_dictionary, write_dictionary
from ontology.thesaurus import Thesaurus

INDEX_DIR = "index"
DICTIONARY_FILE = "userdict.txt"
META_FILE = "meta.json"
LEXICON_FILE = "lexicon.sqlite"
KINDS = ("article", "task", "obligation", "unit", "law")
"""Kinds of indexed passage; ``law`` is an article of a document whose kind is ``law``."""
FIELD_BOOSTS = {"title": 2.0, "text": 1.0, "lead_names": 1.2, "co_names": 0.6, "context": 0.3, "grams": 1.0}
"""BM25F field weights: a title word says more than a body word; a lead unit more than a co-operating one."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """One indexed passage, as plain values (the whoosh document is :meth:`fields`)."""

    id: str
    kind: str
    doc: str
    number: int | None
    label: str
    title: str
    text: str
    start: int  # doc.text[start:end] == text (for units: offsets into text)
    end: int
    context: str = ""
    lead: tuple[str, ...] = ()
    co: tuple[str, ...] = ()
    lead_names: str = ""
    co_names: str = ""
    due: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    article: int | None = None
    occurrence: int = 0  # of ``article`` in its document (:meth:`ingest.model.Document.numbered_articles`)

    def fields(self, analyzer: Any) -> dict[str, Any]:
        """The whoosh document (keyword fields joined with commas, empty ones left out), with the words
        ``analyzer`` finds stored beside the text for ranking and highlighting."""
        from search_api.search.tokenizer import analyze

        marks = [(w, s, e) for w, _, s, e in analyze(analyzer, self.text, mode="index")]
        others = " ".join((self.title, self.lead_names, self.co_names, self.context))
        vocab = {w for w, *_ in marks} | {w for w, *_ in analyze(analyzer, others, mode="index")}
        doc: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "doc": self.doc,
            "number": self.number,
            "label": self.label,
            "title": self.title,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "article": self.article,
            "occurrence": self.occurrence,
            "vocab": " ".join(sorted(vocab)),
            "marks": marks,
        }
        doc["grams"] = f"{self.title} {self.text}"
        for name in ("context", "lead_names", "co_names"):
            if getattr(self, name):
                doc[name] = getattr(self, name)
        for name in ("lead", "co", "due", "topics"):
            values = getattr(self, name)
            if values:
                doc[name] = ",".join(values)
        return doc


def schema(words: Iterable[str]) -> Any:
    """The whoosh schema; every Chinese text field uses the same domain analyzer."""
    from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

    from search_api.search.tokenizer import domain_analyzer

    analyzer = domain_analyzer(words)

    def text(name: str, **options: Any) -> Any:
        return TEXT(**{"analyzer": analyzer, **options}, field_boost=FIELD_BOOSTS[name])

    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        doc=ID(stored=True),
        number=STORED(),
        label=STORED(),
        article=STORED(),
        occurrence=STORED(),
        start=STORED(),
        end=STORED(),
        vocab=STORED(),  # every index word of the passage: which facets of a question it answers
        marks=STORED(),  # (word, start, end) of the text field: highlighting without re-analysis
        title=text("title", stored=True, phrase=True),  # positions for phrases; highlights come from marks
        text=text("text", stored=True, phrase=True),
        context=text("context", phrase=False),
        lead_names=text("lead_names", phrase=False),
        co_names=text("co_names", phrase=False),
        lead=KEYWORD(stored=True, commas=True),
        co=KEYWORD(stored=True, commas=True),
        due=KEYWORD(stored=True, commas=True),
        topics=KEYWORD(stored=True, commas=True),
        grams=text("grams", phrase=False, analyzer=bigram_analyzer()),
    )


def bigram_analyzer() -> Any:
    """Character bigrams of the Chinese runs of a text: the literal leg for words no dictionary knows.

    >>> [t.text for t in bigram_analyzer()("电梯安全，检查 ok")]
    ['电梯', '梯安', '安全', '检查']
    """
    from whoosh.analysis import NgramFilter, RegexTokenizer

    return RegexTokenizer(r"[\u4e00-\u9fff]+") | NgramFilter(2, 2)


# ── records ────────────────────────────────────────────────────────────────────────────────────────────────


def _located(doc: Document, text: str, start: int) -> tuple[int, int]:
    """Where ``text`` lies in the document, searching from ``start`` (a span may begin with a label or a
    row number the text leaves out), so that ``doc.text[start:end] == text`` for highlighting."""
    found = doc.text.find(text, start) if text else -1
    begin = found if found >= 0 else start
    return begin, begin + len(text)


def _years(deadline: Deadline | None) -> tuple[str, ...]:
    """The years a deadline falls due in: 2018, 2018–2020 → all three, 长期 → ``ongoing``."""
    if deadline is None:
        return ()
    if deadline.ongoing:
        return ("ongoing",)
    if deadline.year is None:
        return ()
    last = deadline.end_year or deadline.year
    return tuple(str(y) for y in range(deadline.year, max(last, deadline.year) + 1))


def _first_clause(text: str, limit: int = 30) -> str:
    """A short title for a passage without one: its first clause, cut at ``limit`` characters.

    >>> _first_clause("深入推进危险化学品安全综合治理，厘清职责。")
    '深入推进危险化学品安全综合治理'
    """
    for i, ch in enumerate(text):
        if ch in "，。；：！？,;":
            text = text[:i]
            break
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Names:
    """Unit id → every printed name, for the name fields of passages."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self._names = {u.id: (u.name, *(a.text for a in u.aliases)) for u in units}

    def text(self, unit_ids: Iterable[str], extra: Iterable[str] = ()) -> str:
        parts = [n for uid in unit_ids for n in self._names.get(uid, ())]
        return " ".join(dict.fromkeys([*parts, *extra]))


def _topics(thesaurus: Thesaurus, *texts: str) -> tuple[str, ...]:
    return tuple(sorted({m.concept_id for t in texts for m in thesaurus.find_in_text(t)}))


def _obligation_units(obligations: Iterable[Obligation]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ids = [b.unit_id for o in obligations for b in o.bearers if b.unit_id]
    roles = [b.role or b.text for o in obligations for b in o.bearers if not b.unit_id]
    return tuple(dict.fromkeys(ids)), tuple(dict.fromkeys(roles))


def article_record_id(doc_id: str, number: int, occurrence: int = 0) -> str:
    """The index id of an article: ``doc#art-3`` for the first article numbered 3, ``doc#art-3~1`` for the next
    (:meth:`ingest.model.Document.numbered_articles`; ids must be unique, or one article stands for another).

    >>> article_record_id("d", 3), article_record_id("d", 3, 1)
    ('d#art-3', 'd#art-3~1')
    """
    return f"{doc_id}#art-{number}" + (f"~{occurrence}" if occurrence else "")


def document_records(doc: Document, *, names: _Names, thesaurus: Thesaurus) -> Iterator[Record]:
    """Every passage of one document: articles (or law articles), their obligations, its tasks; each passage's
    context begins with the document's title."""
    for record in _passages(doc, names=names, thesaurus=thesaurus):
        yield replace(record, context=f"{doc.title} {record.context}")


def _passages(doc: Document, *, names: _Names, thesaurus: Thesaurus) -> Iterator[Record]:
    tasks_of: dict[int, list[Task]] = {}
    for task in doc.tasks:
        for link in task.articles:
            tasks_of.setdefault(link.number, []).append(task)
    article_kind = "law" if doc.kind == "law" else "article"
    for section, art, occurrence in doc.numbered_articles():
        # a task names its article by number: the first of that number, as in the graph (kg.build)
        tasks = [] if occurrence else tasks_of.get(art.number, [])
        record = _article_record(doc, section.title, art, article_kind, tasks, names, thesaurus, occurrence)
        yield record
        for ob in art.obligations:
            lead, roles = _obligation_units([ob])
            yield Record(
                id=ob.id if not occurrence else f"{ob.id}~{occurrence}",
                kind="obligation",
                doc=doc.id,
                number=art.number,
                label=art.label,
                title=art.title,
                text=ob.text,
                start=ob.span.start,
                end=ob.span.end,
                context=f"{section.title} {art.title}",
                lead=lead,
                lead_names=names.text(lead, roles),
                due=_years(ob.deadline),
                topics=_topics(thesaurus, ob.text),
                article=art.number,
                occurrence=occurrence,
            )
    for task in doc.tasks:
        start, end = _located(doc, task.text, task.span.start)
        yield Record(
            id=f"{doc.id}#task-{task.number}",
            kind="task",
            doc=doc.id,
            number=task.number,
            label=task.label or str(task.number),
            title=_first_clause(task.text),
            text=task.text,
            start=start,
            end=end,
            context=" ".join([task.group, *(_article_title(doc, link.number) for link in task.articles)]),
            lead=task.units,
            co=task.co_units,
            lead_names=names.text(task.units, [task.raw_units]),
            co_names=names.text(task.co_units, [task.raw_co_units] if task.raw_co_units else []),
            due=_years(task.deadline),
            topics=_topics(thesaurus, task.text),
            article=task.articles[0].number if task.articles else None,
        )


def _article_title(doc: Document, number: int) -> str:
    return next((a.title for a in doc.articles() if a.number == number), "")


def _article_record(
    doc: Document,
    section_title: str,
    art: Article,
    kind: str,
    tasks: list[Task],
    names: _Names,
    thesaurus: Thesaurus,
    occurrence: int = 0,
) -> Record:
    """An article; its units are the bearers of its obligations, then the units of the tasks implementing it."""
    lead, roles = _obligation_units(art.obligations)
    task_lead = tuple(u for t in tasks for u in t.units)
    task_co = tuple(u for t in tasks for u in t.co_units)
    lead = tuple(dict.fromkeys([*lead, *task_lead]))
    co = tuple(u for u in dict.fromkeys(task_co) if u not in lead)
    start, end = _located(doc, art.text, art.span.start)
    return Record(
        id=article_record_id(doc.id, art.number, occurrence),
        kind=kind,
        doc=doc.id,
        number=art.number,
        label=art.label,
        title=art.title,
        text=art.text,
        start=start,
        end=end,
        context=section_title,
        lead=lead,
        co=co,
        lead_names=names.text(lead, roles),
        co_names=names.text(co),
        due=tuple(sorted({y for ob in art.obligations for y in _years(ob.deadline)})),
        topics=_topics(thesaurus, art.title, art.text),
        article=art.number,
        occurrence=occurrence,
    )


def unit_record(unit: Unit, *, names: _Names) -> Record:
    """A unit as a passage: its names, kind and successor, so 区财政局 or 财政 finds the body itself."""
    aliases = [a.text for a in unit.aliases if a.text != unit.name]
    text = "；".join(x for x in (unit.name, "、".join(aliases), unit.kind, unit.successor or "") if x)
    return Record(
        id=f"unit:{unit.id}",
        kind="unit",
        doc="",
        number=None,
        label="",
        title=unit.name,
        text=text,
        start=0,
        end=0,
        lead=(unit.id, *unit.members),
        lead_names=names.text([unit.id]),
    )


def records(corpus: Corpus, thesaurus: Thesaurus) -> Iterator[Record]:
    """Every passage of the corpus, in a stable order, one at a time: the index step writes each as it comes
    instead of holding all of them (at 10,000 documents, ~170,000 passages with their text and marks)."""
    names = _Names(corpus.units)
    for doc in corpus.documents:
        yield from document_records(doc, names=names, thesaurus=thesaurus)
    for unit in corpus.units:
        yield unit_record(unit, names=names)


# ── build step and opening ─────────────────────────────────────────────────────────────────────────────────


def domain_words(corpus: Corpus, thesaurus: Thesaurus) -> tuple[str, ...]:
    """The segmenter's dictionary: gazetteer unit names, thesaurus labels, the corpus's printed unit names."""
    unit_names = [n for u in corpus.units for n in (u.name, *(a.text for a in u.aliases))]
    return tuple(sorted({*gazetteer_words(), *thesaurus.domain_words(), *unit_names}))


def meta(corpus: Corpus) -> dict[str, Any]:
    """What the query side needs to resolve ``doc:`` and ``unit:`` filters and to name units in hits."""
    return {
        "documents": {
            d.id: {"title": d.title, "kind": d.kind, "doc_numbers": list(d.doc_numbers), "source": d.source}
            for d in corpus.documents
        },
        "units": {
            u.id: {
                "name": u.name,
                "aliases": [a.text for a in u.aliases],
                "kind": u.kind,
                "is_group": u.is_group,
                "members": list(u.members),
                "successor": u.successor,
            }
            for u in corpus.units
        },
    }


def write_index(corpus: Corpus, build_folder: Path) -> dict[str, Any]:
    """Build step: write ``<build>/index/`` (whoosh segment, dictionary, meta) with the build's thesaurus snapshot
    (``<build>/thesaurus.json``, the first step's), which queries later read; it runs in a process of its own
    beside the graph step (:mod:`search_api.builds.beside`) and needs nothing the graph step writes."""
    from whoosh.index import create_in

    from ingest.lexicon import write_lexicon
    from ingest.segment import rjieba_frequencies, shared_segmenter
    from kg.store import load_build_thesaurus

    thesaurus = load_build_thesaurus(build_folder)
    folder = build_folder / INDEX_DIR
    folder.mkdir(parents=True, exist_ok=True)
    words = domain_words(corpus, thesaurus)
    write_dictionary(folder / DICTIONARY_FILE, words)
    words = read_dictionary(folder / DICTIONARY_FILE)  # exactly what the query side will read
    (folder / META_FILE).write_text(
        json.dumps(meta(corpus), ensure_ascii=False, sort_keys=True), encoding="utf-8"
    )
    index_schema = schema(words)
    index = create_in(str(folder), index_schema)
    writer = _writer(index)
    analyzer = index_schema["text"].analyzer
    counts: dict[str, int] = {}
    for record in records(corpus, thesaurus):
        writer.add_document(**record.fields(analyzer))
        counts[record.kind] = counts.get(record.kind, 0) + 1
    writer.commit()
    english = _write_english(index, folder, [d.title for d in corpus.documents])
    segmenter, plain = shared_segmenter(words), shared_segmenter()
    lexicon = write_lexicon(
        folder / LEXICON_FILE,
        segmenter.words,
        rjieba_frequencies(segmenter.words),
        (plain.words, rjieba_frequencies(plain.words)),  # the gazetteer's own segmenter (duty questions)
    )
    return {
        "folder": INDEX_DIR,
        "documents": sum(counts.values()),
        "kinds": counts,
        "dictionary_words": len(words),
        "english_keys": english,
        "lexicon_words": lexicon,
    }


def _writer(index: Any, *, limitmb: int = 128) -> Any:
    """whoosh's segment writer, except that its commit reads each field's passage lengths once
    (:class:`search_api.search.postings.FieldLengths`) where whoosh re-reads the length column for every posting
    it writes (700,000 reads for 491 documents, a third of the commit), and its posting pool gathers postings
    per term instead of sorting them one by one (:mod:`search_api.search.posting_pool`); the segment written is
    the same."""
    from whoosh.writing import SegmentWriter

    from search_api.search.posting_pool import TermPostingPool
    from search_api.search.postings import FieldLengths

    class Writer(SegmentWriter):  # type: ignore[misc]
        def per_document_reader(self) -> FieldLengths:
            return FieldLengths(super().per_document_reader(), self.doc_count())

    writer = Writer(index, limitmb=limitmb)
    writer.pool = TermPostingPool(writer._tempstorage, writer.newsegment, limitmb=limitmb)
    return writer


def _write_english(index: Any, folder: Path, titles: list[str]) -> int:
    """The English → Chinese maps of :mod:`search_api.search.english` for this index's words (and the pinyin of
    the words of the documents' titles, which every passage's context holds); the exact map's size."""
    from search_api.search.english import build_maps, title_names, write_map

    def lexicon(name: str) -> set[str]:
        return {w.decode("utf-8") if isinstance(w, bytes) else w for w in reader.lexicon(name)}

    with index.reader() as reader:
        maps = build_maps(lexicon("text"), lambda w: reader.doc_frequency("text", w))
        names = title_names(titles, lexicon("context"), lambda w: reader.doc_frequency("context", w))
    write_map(folder, replace(maps, names=names))
    return len(maps.exact)
