"""The model ─► an rdflib graph in the PolicyKG vocabulary (``ontology/policy.ttl``).

Why one small function per model type: each adds the triples of one node and returns nothing; the graph is the
only state. Every extracted fact gets ``prov:wasDerivedFrom`` a :data:`~ontology.namespace.PKG` ``TextSpan``
of the verbatim text, so evidence can be quoted exactly. No blank nodes: every IRI comes from :mod:`kg.iris`,
so the same corpus gives the same graph, byte for byte in sorted Turtle.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

from ingest.model import (
    Article,
    Bearer,
    Citation,
    Corpus,
    Deadline,
    Document,
    Frequency,
    Obligation,
    Part,
    Section,
    Span,
    Task,
    Unit,
)
from kg import iris
from kg.changes import add_changes
from ontology.namespace import ELI, PKG, TOPIC_BASE

if TYPE_CHECKING:
    from ontology.thesaurus import Thesaurus

PREFIXES = {
    "pkg": str(PKG),
    "id": iris.ID_BASE,
    "topic": TOPIC_BASE,
    "org": str(ORG),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "eli": str(ELI),
}
_REGULATOR = re.compile(r"(部门|政府|机关|机构|国务院|委员会|局|厅|办公室|监察|监管|主管)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def role_kind(text: str) -> str:
    """``regulator`` for a body named by its public duty, ``duty_holder`` for other bearers.

    >>> role_kind("负责特种设备安全监督管理的部门")
    'regulator'
    >>> role_kind("特种设备使用单位")
    'duty_holder'
    """
    return "regulator" if _REGULATOR.search(text.strip()) else "duty_holder"


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound (so Turtle stays readable)."""
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def _decimal(value: float) -> Literal:
    return Literal(Decimal(f"{value:.3f}"), datatype=XSD.decimal)


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _span(graph: Graph, doc: Document, span: Span, subject: URIRef) -> None:
    node = iris.span_iri(doc.id, span.start, span.end)
    graph.add((node, RDF.type, PKG.TextSpan))
    graph.add((node, PKG.start, _int(span.start)))
    graph.add((node, PKG.end, _int(span.end)))
    graph.add((node, PKG.inDocument, iris.document_iri(doc.id)))
    graph.add((subject, PROV.wasDerivedFrom, node))


def _topics(graph: Graph, subject: URIRef, text: str, thesaurus: Thesaurus | None) -> set[str]:
    if thesaurus is None:
        return set()
    found = {match.concept_id for match in thesaurus.find_in_text(text)}
    for concept_id in found:
        graph.add((subject, DCTERMS.subject, iris.topic_iri(concept_id)))
    return found


def _deadline(graph: Graph, owner: URIRef, deadline: Deadline) -> None:
    node = iris.deadline_iri(owner)
    graph.add((owner, PKG.deadline, node))
    graph.add((node, RDF.type, PKG.Deadline))
    graph.add((node, PKG.text, Literal(deadline.text)))
    if deadline.due:
        graph.add((node, PKG.dueDate, Literal(deadline.due, datatype=XSD.date)))
    graph.add((node, PKG.ongoing, Literal(deadline.ongoing)))
    if deadline.relative:
        graph.add((node, PKG.relativeTo, Literal(deadline.relative)))


def _frequency(graph: Graph, owner: URIRef, frequency: Frequency) -> None:
    node = iris.frequency_iri(owner)
    graph.add((owner, PKG.frequency, node))
    graph.add((node, RDF.type, PKG.Frequency))
    graph.add((node, PKG.text, Literal(frequency.text)))
    if frequency.period:
        graph.add((node, PKG.period, Literal(frequency.period)))
    if frequency.min_count is not None:
        graph.add((node, PKG.minCount, _int(frequency.min_count)))


def _bearer(graph: Graph, bearer: Bearer, units: set[str]) -> URIRef:
    if bearer.unit_id and bearer.unit_id in units:
        return iris.unit_iri(bearer.unit_id)
    text = bearer.role or bearer.text
    node = iris.role_iri(text)
    graph.add((node, RDF.type, PKG.StatutoryRole))
    graph.add((node, RDFS.label, Literal(text, lang="zh")))
    graph.add((node, PKG.kind, Literal(role_kind(text))))
    return node


def _obligation(
    graph: Graph,
    doc: Document,
    article: URIRef,
    node: URIRef,
    obligation: Obligation,
    *,
    units: set[str],
    thesaurus: Thesaurus | None,
) -> None:
    # An obligation names who must act; a requirement without a stated bearer stays a pkg:Requirement.
    graph.add((node, RDF.type, PKG.Requirement))
    if obligation.bearers:
        graph.add((node, RDF.type, PKG.Obligation))
    graph.add((article, PKG.hasObligation, node))
    graph.add((node, PKG.inArticle, article))
    graph.add((node, PKG.inDocument, iris.document_iri(doc.id)))
    graph.add((node, PKG.text, Literal(obligation.text)))
    graph.add((node, PKG.trigger, Literal(obligation.trigger)))
    graph.add((node, PKG.modality, Literal(obligation.modality)))
    graph.add((node, PKG.strength, _decimal(obligation.strength)))
    if obligation.action:
        graph.add((node, PKG.action, Literal(obligation.action)))
    _span(graph, doc, obligation.span, node)
    for bearer in obligation.bearers:
        graph.add((node, PKG.bearer, _bearer(graph, bearer, units)))
        graph.add((node, PKG.bearerText, Literal(bearer.text)))
    if obligation.frequency is not None:
        _frequency(graph, node, obligation.frequency)
    if obligation.deadline is not None:
        _deadline(graph, node, obligation.deadline)
    if obligation.duty_kind:
        graph.add((node, PKG.dutyKind, Literal(obligation.duty_kind)))
        graph.add((node, PKG.governing, Literal(obligation.governing)))
        if obligation.duty_object:
            graph.add((node, PKG.dutyObject, Literal(obligation.duty_object)))
        if obligation.scope:
            graph.add((node, PKG.scope, Literal(obligation.scope)))
    _topics(graph, node, obligation.text, thesaurus)


def _article(
    graph: Graph,
    doc: Document,
    section: URIRef,
    node: URIRef,
    article: Article,
    *,
    units: set[str],
    thesaurus: Thesaurus | None,
) -> None:
    graph.add((node, RDF.type, PKG.Article))
    graph.add((node, ELI.is_part_of, section))
    graph.add((section, ELI.has_part, node))
    graph.add((node, PKG.inDocument, iris.document_iri(doc.id)))
    graph.add((node, PKG.number, _int(article.number)))
    graph.add((node, PKG.label, Literal(article.label)))
    if article.title:
        graph.add((node, DCTERMS.title, Literal(article.title)))
    graph.add((node, PKG.text, Literal(article.text)))
    _span(graph, doc, article.span, node)
    topics: set[str] = set()
    for index, sentence in enumerate(article.sentences, start=1):
        sentence_node = iris.sentence_iri(node, index)
        graph.add((sentence_node, RDF.type, PKG.Sentence))
        graph.add((sentence_node, PKG.inArticle, node))
        graph.add((sentence_node, PKG.number, _int(index)))
        graph.add((sentence_node, PKG.text, Literal(sentence.text)))
        _span(graph, doc, sentence.span, sentence_node)
        topics |= _topics(graph, sentence_node, sentence.text, thesaurus)
    if not article.sentences:
        topics |= _topics(graph, node, article.text, thesaurus)
    for concept_id in topics:
        graph.add((node, DCTERMS.subject, iris.topic_iri(concept_id)))
    for index, obligation in enumerate(article.obligations, start=1):
        _obligation(
            graph, doc, node, iris.obligation_iri(node, index), obligation, units=units, thesaurus=thesaurus
        )


def _part(graph: Graph, doc: Document, part: Part) -> None:
    """An attachment: its label and title as printed, part of the document; its sections point to it."""
    node = iris.part_iri(doc.id, part.number)
    graph.add((node, RDF.type, PKG.Attachment))
    graph.add((node, ELI.is_part_of, iris.document_iri(doc.id)))
    graph.add((iris.document_iri(doc.id), ELI.has_part, node))
    graph.add((node, PKG.number, _int(part.number)))
    graph.add((node, PKG.label, Literal(part.label)))
    graph.add((node, DCTERMS.title, Literal(part.title)))
    _span(graph, doc, part.span, node)


def _section(graph: Graph, doc: Document, section: Section) -> URIRef:
    node = iris.section_iri(doc.id, section.number, part=section.part)
    if section.part:
        graph.add((node, PKG.inAttachment, iris.part_iri(doc.id, section.part)))
    graph.add((node, RDF.type, PKG.Section))
    graph.add((node, ELI.is_part_of, iris.document_iri(doc.id)))
    graph.add((iris.document_iri(doc.id), ELI.has_part, node))
    graph.add((node, PKG.inDocument, iris.document_iri(doc.id)))
    graph.add((node, PKG.number, _int(section.number)))
    graph.add((node, PKG.label, Literal(section.label)))
    if section.title:
        graph.add((node, DCTERMS.title, Literal(section.title)))
    _span(graph, doc, section.span, node)
    return node


def _text_span(doc: Document, task: Task) -> Span:
    """The span of the task's own text (its cell) inside the row, so evidence quotes exactly that text."""
    start = doc.text.find(task.text, task.span.start, task.span.end) if task.text else -1
    return Span(start=start, end=start + len(task.text)) if start >= 0 else task.span


def _task(
    graph: Graph,
    doc: Document,
    task: Task,
    articles: dict[int, URIRef],
    *,
    units: set[str],
    thesaurus: Thesaurus | None,
) -> None:
    node = iris.task_iri(doc.id, task.number)
    graph.add((node, RDF.type, PKG.Task))
    graph.add((node, PKG.inDocument, iris.document_iri(doc.id)))
    graph.add((node, PKG.number, _int(task.number)))
    if task.label:
        graph.add((node, PKG.label, Literal(task.label)))
    if task.group:
        graph.add((node, PKG.group, Literal(task.group)))
    graph.add((node, PKG.text, Literal(task.text)))
    graph.add((node, PKG.rawLeadUnits, Literal(task.raw_units)))
    if task.raw_co_units:
        graph.add((node, PKG.rawCooperatingUnits, Literal(task.raw_co_units)))
    _span(graph, doc, _text_span(doc, task), node)
    for unit_id in task.units:
        if unit_id in units:
            graph.add((node, PKG.leadUnit, iris.unit_iri(unit_id)))
    for unit_id in task.co_units:
        if unit_id in units and unit_id not in task.units:
            graph.add((node, PKG.cooperatingUnit, iris.unit_iri(unit_id)))
    _deadline(graph, node, task.deadline)
    if task.deadline.span is not None:
        _span(graph, doc, task.deadline.span, iris.deadline_iri(node))
    for link in task.articles:
        article = articles.get(link.number)
        if article is None:
            continue
        link_node = iris.article_link_iri(node, link.number)
        graph.add((node, PKG.implementsArticle, article))
        graph.add((node, PKG.articleLink, link_node))
        graph.add((link_node, RDF.type, PKG.ArticleLink))
        graph.add((link_node, PKG.article, article))
        graph.add((link_node, PKG.score, _decimal(link.score)))
        graph.add((link_node, PKG.text, Literal(link.evidence)))
        _span(graph, doc, link.span, link_node)
    _topics(graph, node, task.text, thesaurus)


def _citing_article(articles: list[tuple[Span, URIRef]], span: Span) -> URIRef | None:
    """The article whose span holds a citation (None for a citation in the preamble or a table)."""
    return next((node for article, node in articles if article.start <= span.start < article.end), None)


def _citation(
    graph: Graph, doc: Document, index: int, citation: Citation, articles: list[tuple[Span, URIRef]]
) -> None:
    node = iris.citation_iri(doc.id, index)
    doc_node = iris.document_iri(doc.id)
    graph.add((doc_node, PKG.citation, node))
    graph.add((node, RDF.type, PKG.Citation))
    graph.add((node, PKG.text, Literal(citation.text)))
    graph.add((node, PKG.citedTitle, Literal(citation.title)))
    if citation.doc_number:
        graph.add((node, ELI.number, Literal(citation.doc_number)))
    for number in citation.articles:
        graph.add((node, PKG.citedArticleNumber, _int(number)))
    if citation.paragraph is not None:
        graph.add((node, PKG.citedParagraph, _int(citation.paragraph)))
    if citation.item is not None:
        graph.add((node, PKG.citedItem, _int(citation.item)))
    _span(graph, doc, citation.span, node)
    if citation.target:
        target = iris.document_iri(citation.target)
        graph.add((node, PKG.citesDocument, target))
        graph.add((doc_node, ELI.cites, target))
        citing = _citing_article(articles, citation.span)
        for number in citation.target_articles:  # the cited article itself, cited by the article quoting it
            article = iris.article_iri(citation.target, number)
            graph.add((node, PKG.citesArticle, article))
            if citing is not None:
                graph.add((citing, ELI.cites, article))


def add_document(
    graph: Graph,
    doc: Document,
    *,
    units: set[str],
    thesaurus: Thesaurus | None = None,
    revises: Iterable[str] = (),
) -> None:
    """Add one document with its sections, articles, sentences, obligations, tasks and citations; ``revises``:
    ids of the documents it is a revision of (its drafts: ``prov:wasRevisionOf``)."""
    node = iris.document_iri(doc.id)
    graph.add((node, RDF.type, PKG.Document))
    graph.add((node, RDF.type, PKG.Law if doc.kind == "law" else PKG.PolicyDocument))
    graph.add((node, DCTERMS.identifier, Literal(doc.id)))
    graph.add((node, DCTERMS.title, Literal(doc.title, lang="zh")))
    graph.add((node, DCTERMS.source, Literal(Path(doc.source).name)))
    if doc.sha256:
        graph.add((node, PKG.sha256, Literal(doc.sha256)))
    if doc.status:
        graph.add((node, PKG.status, Literal(doc.status)))
    if doc.issuer:
        graph.add((node, PKG.issuerName, Literal(doc.issuer)))
    if doc.date:
        datatype = XSD.date if _DATE.match(doc.date) else None
        graph.add((node, DCTERMS.issued, Literal(doc.date, datatype=datatype)))
    for number in doc.doc_numbers:
        graph.add((node, ELI.number, Literal(number)))
    if doc.jurisdiction:
        graph.add((node, PKG.jurisdiction, Literal(doc.jurisdiction)))
    for place in doc.jurisdiction_chain:
        graph.add((node, PKG.withinJurisdiction, Literal(place)))
    for old in revises:
        graph.add((node, PROV.wasRevisionOf, iris.document_iri(old)))
    articles: dict[int, URIRef] = {}
    spans: list[tuple[Span, URIRef]] = []
    for part in doc.parts:
        _part(graph, doc, part)
    section_nodes = {id(section): _section(graph, doc, section) for section in doc.sections}
    for section, article, occurrence in doc.numbered_articles():
        article_node = iris.article_iri(doc.id, article.number, occurrence=occurrence)
        articles.setdefault(article.number, article_node)
        _article(graph, doc, section_nodes[id(section)], article_node, article, units=units, thesaurus=thesaurus)
        spans.append((article.span, article_node))
    for task in doc.tasks:
        _task(graph, doc, task, articles, units=units, thesaurus=thesaurus)
    for index, citation in enumerate(doc.citations, start=1):
        _citation(graph, doc, index, citation, spans)


def add_unit(graph: Graph, unit: Unit, known: set[str]) -> None:
    """Add one unit (or unit group) with its aliases, kind, level, members and current successor name."""
    node = iris.unit_iri(unit.id)
    graph.add((node, RDF.type, PKG.Unit))
    graph.add((node, RDF.type, ORG.Organization))
    if unit.is_group:
        graph.add((node, RDF.type, PKG.UnitGroup))
    graph.add((node, DCTERMS.identifier, Literal(unit.id)))
    graph.add((node, SKOS.prefLabel, Literal(unit.name, lang="zh")))
    for alias in unit.aliases:
        if alias.text != unit.name:
            graph.add((node, SKOS.altLabel, Literal(alias.text, lang="zh")))
    graph.add((node, PKG.kind, Literal(unit.kind)))
    if unit.level:
        graph.add((node, PKG.level, Literal(unit.level)))
    for member in unit.members:
        if member in known:
            graph.add((node, PKG.hasMember, iris.unit_iri(member)))
    if unit.successor:
        graph.add((node, PKG.successorName, Literal(unit.successor, lang="zh")))


def add_thesaurus(graph: Graph, thesaurus: Thesaurus, used: Iterable[str] | None = None) -> None:
    """Add the SKOS concepts (labels and broader links) so topics can be walked in SPARQL."""
    wanted = None if used is None else set(used)
    for concept in thesaurus.concepts:
        if wanted is not None and concept.id not in wanted:
            continue
        node = iris.topic_iri(concept.id)
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, SKOS.prefLabel, Literal(concept.pref_zh, lang="zh")))
        graph.add((node, SKOS.prefLabel, Literal(concept.pref_en, lang="en")))
        for label in concept.alt_zh:
            graph.add((node, SKOS.altLabel, Literal(label, lang="zh")))
        for label in concept.alt_en:
            graph.add((node, SKOS.altLabel, Literal(label, lang="en")))
        for broader in concept.broader:
            graph.add((node, SKOS.broader, iris.topic_iri(broader)))
        for narrower in concept.narrower:
            graph.add((node, SKOS.narrower, iris.topic_iri(narrower)))


def revised(corpus: Corpus, doc_id: str) -> tuple[str, ...]:
    """Ids of the documents ``doc_id`` is a revision of (:attr:`ingest.model.Corpus.revisions`)."""
    return tuple(r.old for r in corpus.revisions if r.new == doc_id)


def build_graph(corpus: Corpus, *, thesaurus: Thesaurus | None = None, changes: bool = True) -> Graph:
    """The whole corpus as one graph: documents, units, topics and (optionally) the succession events."""
    graph = new_graph()
    known = {unit.id for unit in corpus.units}
    for unit in corpus.units:
        add_unit(graph, unit, known)
    for doc in corpus.documents:
        add_document(graph, doc, units=known, thesaurus=thesaurus, revises=revised(corpus, doc.id))
    if thesaurus is not None:
        add_thesaurus(graph, thesaurus)
    if changes:
        add_changes(graph, corpus.units)
    return graph
