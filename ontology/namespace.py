"""The PolicyKG vocabulary (``ontology/policy.ttl``) as a closed rdflib namespace: a typo raises.

>>> str(PKG.Task)
'https://w3id.org/policykg/ontology#Task'
>>> PKG.Taks  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
AttributeError: term 'Taks' not in namespace 'https://w3id.org/policykg/ontology#'
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

ID_BASE = "https://w3id.org/policykg/id/"
TOPIC_BASE = "https://w3id.org/policykg/topic/"
ONTOLOGY_IRI = "https://w3id.org/policykg/ontology"
ELI = Namespace("http://data.europa.eu/eli/ontology#")


class PKG(DefinedNamespace):
    """Classes and properties of ``policy.ttl`` (kept in step by tests/test_kg_ontology.py)."""

    _NS = Namespace("https://w3id.org/policykg/ontology#")
    _fail = True

    # classes
    Article: URIRef
    Attachment: URIRef
    ArticleLink: URIRef
    Citation: URIRef
    Deadline: URIRef
    Document: URIRef
    Frequency: URIRef
    GenericBody: URIRef
    Law: URIRef
    Obligation: URIRef
    PolicyDocument: URIRef
    Requirement: URIRef
    Section: URIRef
    Sentence: URIRef
    StatutoryRole: URIRef
    Task: URIRef
    TextSpan: URIRef
    Unit: URIRef
    UnitGroup: URIRef
    # properties
    action: URIRef
    applies: URIRef
    article: URIRef
    articleLink: URIRef
    bearer: URIRef
    bearerText: URIRef
    bodyType: URIRef
    changeKind: URIRef
    citation: URIRef
    citedArticleNumber: URIRef
    citedItem: URIRef
    citedParagraph: URIRef
    citedTitle: URIRef
    citesArticle: URIRef
    citesDocument: URIRef
    cooperatingUnit: URIRef
    deadline: URIRef
    dueDate: URIRef
    dutyKind: URIRef
    dutyObject: URIRef
    end: URIRef
    frequency: URIRef
    governing: URIRef
    group: URIRef
    hasMember: URIRef
    hasObligation: URIRef
    implementsArticle: URIRef
    inArticle: URIRef
    inAttachment: URIRef
    inDocument: URIRef
    issuerName: URIRef
    jurisdiction: URIRef
    kind: URIRef
    label: URIRef
    leadUnit: URIRef
    level: URIRef
    minCount: URIRef
    modality: URIRef
    number: URIRef
    ongoing: URIRef
    period: URIRef
    rawCooperatingUnits: URIRef
    rawLeadUnits: URIRef
    relativeTo: URIRef
    score: URIRef
    scope: URIRef
    sha256: URIRef
    start: URIRef
    status: URIRef
    strength: URIRef
    successor: URIRef
    successorName: URIRef
    text: URIRef
    trigger: URIRef
    withinJurisdiction: URIRef
