"""The doc/unit/topic cut: which part of a build an export shows.

Why one cut for every format: the spreadsheet, the picture, the RDF and the report of ``--unit 区住建局`` must
show the same tasks. The cut is decided on the graph, with :mod:`kg.queries` (a unit by any alias, its tasks
directly or through a unit group, the obligations it bears; a topic through the thesaurus and the
``dcterms:subject`` links the graph build made), and then applied to the model, so every exporter renders a
plain, smaller :class:`~ingest.model.Corpus`. Several filters combine with AND.

What a filter keeps:

- ``doc``: the whole document (matched by id, by title, or by a unique part of the title);
- ``unit``: the tasks the unit leads or co-operates in, the obligations it bears, and the articles of both;
- ``topic``: the tasks and obligations that name the topic or a narrower one (电梯 for 特种设备), the articles
  whose sentences name it, and the articles those tasks implement.

The units of the kept tasks and obligations stay in the register (with the members of kept unit groups).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from ingest.model import Article, Corpus, Document, Obligation, Task, Unit
from ingest.serialize import corpus_from_data
from kg import iris, queries
from search_api.errors import NotFound

if TYPE_CHECKING:
    from kg.store import GraphStore
    from ontology.thesaurus import Thesaurus
    from search_api.builds.datadir import BuildDir
    from search_api.exports.registry import ExportRequest

Key = tuple[str, int]  # (document id, task number) or (document id, article position)


class UnknownFilter(NotFound):
    """A ``--doc``, ``--unit`` or ``--topic`` value that names nothing in the build (404)."""

    code = "unknown_filter"


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """What one filter keeps, as graph IRIs; ``None`` means everything."""

    tasks: frozenset[str] | None = None
    obligations: frozenset[str] | None = None
    articles: frozenset[str] | None = None
    docs: frozenset[str] | None = None

    def __and__(self, other: Part) -> Part:
        def both(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
            return b if a is None else a if b is None else a & b

        return Part(
            tasks=both(self.tasks, other.tasks),
            obligations=both(self.obligations, other.obligations),
            articles=both(self.articles, other.articles),
            docs=both(self.docs, other.docs),
        )


@dataclass(frozen=True, kw_only=True)
class Cut:
    """The corpus an export renders, and how it was cut (for titles and file names)."""

    corpus: Corpus
    full: Corpus
    doc: str | None = None
    unit: Unit | None = None
    topics: tuple[str, ...] = ()
    topic_labels: tuple[str, ...] = ()
    as_of: str | None = None
    parts: tuple[str, ...] = field(default=())
    store: Callable[[], GraphStore] | None = None  # the graph to query (a shared server's), else the folder's

    @property
    def filtered(self) -> bool:
        """True when any filter was given."""
        return bool(self.parts)

    @property
    def title(self) -> str:
        """A short caption: ``区住建局 · 电梯`` or ``全部``."""
        return " · ".join(self.parts) or "全部"

    @cached_property
    def units(self) -> dict[str, Unit]:
        """Every unit of the build by id (groups too), so members of a group can be named."""
        return {unit.id: unit for unit in self.full.units}


def article_nodes(doc: Document) -> list[tuple[Article, str]]:
    """Each article of ``doc`` with its graph IRI, numbered as :func:`kg.build.add_document` numbers them."""
    return [
        (article, str(iris.article_iri(doc.id, article.number, occurrence=occurrence)))
        for _section, article, occurrence in doc.numbered_articles()
    ]


def obligation_nodes(article_iri: str, article: Article) -> list[tuple[Obligation, str]]:
    """Each obligation of an article with its graph IRI."""
    return [
        (obligation, str(iris.obligation_iri(URIRef(article_iri), index)))
        for index, obligation in enumerate(article.obligations, start=1)
    ]


def task_node(doc: Document, task: Task) -> str:
    """The graph IRI of a task."""
    return str(iris.task_iri(doc.id, task.number))


def linked_articles(doc: Document, task: Task) -> list[tuple[Article, str]]:
    """The articles a task implements (first article of each number, as the graph links them)."""
    first: dict[int, tuple[Article, str]] = {}
    for article, node in article_nodes(doc):
        first.setdefault(article.number, (article, node))
    return [first[link.number] for link in task.articles if link.number in first]


def find_document(corpus: Corpus, text: str) -> Document:
    """The document whose id or title is ``text``, or whose title alone contains it."""
    for doc in corpus.documents:
        if text in (doc.id, doc.title):
            return doc
    partial = [doc for doc in corpus.documents if text in doc.title]
    if len(partial) == 1:
        return partial[0]
    known = "; ".join(f"{d.id} ({d.title})" for d in corpus.documents)
    raise UnknownFilter(f"no document {text!r}", hint=f"documents: {known}")


def find_unit(store: GraphStore, corpus: Corpus, name: str) -> Unit:
    """The unit called ``name`` as :func:`kg.profile.find_unit` finds it (any alias, the successor name …)."""
    from kg.profile import UnknownUnit
    from kg.profile import find_unit as find_unit_iri

    by_iri = {str(iris.unit_iri(unit.id)): unit for unit in corpus.units}
    try:
        return by_iri[find_unit_iri(store, name)]
    except UnknownUnit as error:  # translated to the service's 404 shape
        hint = "did you mean " + "、".join(error.candidates) if error.candidates else "see GET /api/units"
        raise UnknownFilter(f"no unit named {name!r}", hint=hint) from error


def find_topics(thesaurus: Thesaurus, text: str) -> tuple[str, ...]:
    """Concept ids named in ``text`` (Chinese or English), or :class:`UnknownFilter`."""
    concept = thesaurus.lookup(text.strip())
    found = (concept.id,) if concept else tuple(dict.fromkeys(m.concept_id for m in thesaurus.find_all(text)))
    if not found:
        raise UnknownFilter(f"no topic {text!r} in the thesaurus", hint="try a word such as 电梯, 消防, 危险化学品")
    return found


def doc_part(doc: Document) -> Part:
    """Everything of one document."""
    return Part(docs=frozenset({doc.id}))


def unit_part(store: GraphStore, corpus: Corpus, unit: Unit) -> Part:
    """The unit's tasks (direct or through a group), the obligations it bears, and their articles."""
    node = str(iris.unit_iri(unit.id))
    tasks = {str(iris.task_iri(row["doc"], int(row["number"]))) for row in store.select(queries.unit_tasks_sparql(node))}
    obligations = {str(row["obligation"]) for row in store.select(queries.unit_obligations_sparql(node))}
    return Part(
        tasks=frozenset(tasks),
        obligations=frozenset(obligations),
        articles=frozenset(_articles_of(corpus, tasks, obligations)),
    )


def topic_part(store: GraphStore, corpus: Corpus, thesaurus: Thesaurus, concept_ids: Iterable[str]) -> Part:
    """Tasks, obligations and article sentences that name the topics or narrower ones."""
    wanted = sorted(
        {str(iris.topic_iri(c)) for cid in concept_ids for c in (cid, *thesaurus.descendants(cid))}
    )
    tasks = {str(row["task"]) for row in store.select(queries.tasks_for_topics_sparql(wanted))}
    obligations = {str(row["obligation"]) for row in store.select(queries.obligations_for_topics_sparql(wanted))}
    named = {str(row["article"]) for row in store.select(queries.sentences_for_topics_sparql(wanted))}
    return Part(
        tasks=frozenset(tasks),
        obligations=frozenset(obligations),
        articles=frozenset(named | _articles_of(corpus, tasks, obligations)),
    )


def _articles_of(corpus: Corpus, tasks: set[str], obligations: set[str]) -> set[str]:
    found: set[str] = set()
    for doc in corpus.documents:
        for task in doc.tasks:
            if task_node(doc, task) in tasks:
                found.update(node for _, node in linked_articles(doc, task))
        for article, node in article_nodes(doc):
            if any(o in obligations for _, o in obligation_nodes(node, article)):
                found.add(node)
    return found


def apply_part(corpus: Corpus, part: Part) -> Corpus:
    """The corpus with only the kept documents, tasks, articles and obligations, and the units they name."""
    documents = []
    for doc in corpus.documents:
        if part.docs is not None and doc.id not in part.docs:
            continue
        kept = _cut_document(doc, part)
        if kept.tasks or kept.sections or part.docs is not None:
            documents.append(kept)
    return replace(corpus, documents=tuple(documents), units=_used_units(corpus, documents))


def _keep(node: str, chosen: frozenset[str] | None) -> bool:
    return chosen is None or node in chosen


def _cut_document(doc: Document, part: Part) -> Document:
    nodes = dict(article_nodes_by_id(doc))
    sections = []
    for section in doc.sections:
        articles = []
        for article in section.articles:
            node = nodes[id(article)]
            if not _keep(node, part.articles):
                continue
            obligations = tuple(
                o for o, o_node in obligation_nodes(node, article) if _keep(o_node, part.obligations)
            )
            articles.append(replace(article, obligations=obligations))
        if articles or part.articles is None:
            sections.append(replace(section, articles=tuple(articles)))
    tasks = tuple(task for task in doc.tasks if _keep(task_node(doc, task), part.tasks))
    return replace(doc, sections=tuple(sections), tasks=tasks)


def article_nodes_by_id(doc: Document) -> list[tuple[int, str]]:
    """``(id(article), IRI)`` pairs, to find the IRI of an article object while rebuilding a document."""
    return [(id(article), node) for article, node in article_nodes(doc)]


def _used_units(corpus: Corpus, documents: Iterable[Document]) -> tuple[Unit, ...]:
    by_id = {unit.id: unit for unit in corpus.units}
    used: set[str] = set()
    for doc in documents:
        for task in doc.tasks:
            used.update(task.units)
            used.update(task.co_units)
        for article in doc.articles():
            used.update(b.unit_id for o in article.obligations for b in o.bearers if b.unit_id)
    for unit_id in list(used):
        unit = by_id.get(unit_id)
        if unit is not None and unit.is_group:
            used.update(unit.members)
    return tuple(unit for unit in corpus.units if unit.id in used)


def cut_graph(build: BuildDir, cut: Cut) -> Graph:
    """The RDF graph of a cut: its documents and units written by :mod:`kg.build`'s own functions.

    Unit links keep the full register as ``known`` units, so every triple is one the full graph holds; the
    thesaurus concepts the cut names are added with their labels, and the succession events of its renamed units.
    """
    from kg.build import add_document, add_thesaurus, add_unit, new_graph
    from kg.store import load_build_thesaurus

    thesaurus = load_build_thesaurus(build.path)
    known = {unit.id for unit in cut.full.units}
    graph = new_graph()
    for unit in cut.corpus.units:
        add_unit(graph, unit, known)
    for doc in cut.corpus.documents:
        add_document(graph, doc, units=known, thesaurus=thesaurus)
    named = {str(o) for o in graph.objects(None, DCTERMS.subject)}
    add_thesaurus(graph, thesaurus, used=[c.id for c in thesaurus.concepts if str(iris.topic_iri(c.id)) in named])
    _add_reachable_changes(graph, cut.corpus.units)
    return graph


def _add_reachable_changes(graph: Graph, units: Iterable[Unit]) -> None:
    """The succession events of the cut's units (and the table rows they derive from), not the whole table."""
    from kg.build import new_graph
    from kg.changes import add_changes

    units = tuple(units)
    changes = new_graph()
    add_changes(changes, units)
    todo = [iris.unit_iri(unit.id) for unit in units]
    seen: set[URIRef] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in changes.triples((node, None, None)):
            graph.add(triple)
            if isinstance(triple[2], URIRef):
                todo.append(triple[2])


def cut_store(build: BuildDir, cut: Cut) -> GraphStore:
    """A query store over the cut: the build's own store when nothing is filtered, else an in-memory one."""
    from kg.store import memory_oxigraph, sorted_ntriples

    if not cut.filtered:
        return build_store(build, cut.store)
    return memory_oxigraph(sorted_ntriples(cut_graph(build, cut)))


def build_store(build: BuildDir, store: Callable[[], GraphStore] | None) -> GraphStore:
    """The build's graph: from ``store`` when given (a shared SPARQL server), else the folder's own store."""
    from kg.store import open_store

    return store() if store is not None else open_store(build.path)


def load_corpus(build: BuildDir) -> Corpus:
    """The build's model (``model.json``)."""
    from search_api.builds.datadir import MODEL_FILE

    return corpus_from_data(json.loads(build.file(MODEL_FILE).read_text(encoding="utf-8")))


def cut_build(build: BuildDir, request: ExportRequest) -> Cut:
    """Read the build and cut it by the request's filters (the whole build when there are none)."""
    corpus = load_corpus(build)
    if not (request.doc or request.unit or request.topic):
        return Cut(corpus=corpus, full=corpus, as_of=request.as_of, store=request.store)
    from kg.store import load_build_thesaurus

    part = Part()
    parts: list[str] = []
    doc = unit = None
    topics: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    if request.doc:
        doc = find_document(corpus, request.doc)
        part &= doc_part(doc)
        parts.append(doc.title)
    if request.unit or request.topic:
        store = build_store(build, request.store)
        if request.unit:
            unit = find_unit(store, corpus, request.unit)
            part &= unit_part(store, corpus, unit)
            parts.append(unit.name)
        if request.topic:
            thesaurus = load_build_thesaurus(build.path)
            topics = find_topics(thesaurus, request.topic)
            labels = tuple(thesaurus[c].pref_zh for c in topics)
            part &= topic_part(store, corpus, thesaurus, topics)
            parts.append("、".join(labels))
    return Cut(
        corpus=apply_part(corpus, part),
        full=corpus,
        doc=doc.id if doc else None,
        unit=unit,
        topics=topics,
        topic_labels=labels,
        as_of=request.as_of,
        parts=tuple(parts),
        store=request.store,
    )
