"""SPARQL builders (pure: arguments in, query text out) and the thin runners that execute them.

Why builders: every question the commands ask is one readable query that can be tested alone and reused by
the web service and by ``policykg sparql`` users; the runners only execute and reshape rows.

>>> "VALUES ?topic { <https://w3id.org/policykg/topic/elevator> }" in tasks_for_topics_sparql(
...     ["https://w3id.org/policykg/topic/elevator"])
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kg.store import GraphStore, Row, values_clause

PREFIXES = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

_UNIT_ROLE = """
  { ?task pkg:leadUnit ?unit . BIND("lead" AS ?role) }
  UNION
  { ?task pkg:cooperatingUnit ?unit . BIND("cooperating" AS ?role) }"""


def literal(text: str) -> str:
    """A SPARQL string literal with quotes and backslashes escaped.

    >>> literal('a"b')
    '"a\\\\"b"'
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _topic_values(topics: Sequence[str] | None) -> str:
    """``VALUES ?topic { … }`` for these topic IRIs; empty (every topic) for None."""
    return "" if topics is None else values_clause("topic", topics)


def tasks_for_topics_sparql(topics: Sequence[str] | None) -> str:
    """Tasks whose text mentions one of ``topics`` (any topic for None), with their lead and co-operating units."""
    return f"""{PREFIXES}
SELECT ?topic ?task ?doc ?number ?text ?start ?end ?unit ?role WHERE {{
  {_topic_values(topics)}
  ?task a pkg:Task ; dcterms:subject ?topic ; pkg:inDocument ?d ; pkg:number ?number ; pkg:text ?text ;
        prov:wasDerivedFrom ?span .
  ?span pkg:start ?start ; pkg:end ?end .
  ?d dcterms:identifier ?doc .{_UNIT_ROLE}
}}"""


def sentences_for_topics_sparql(topics: Sequence[str]) -> str:
    """Article sentences that mention one of ``topics``, with their article and document kind."""
    return f"""{PREFIXES}
SELECT ?topic ?article ?doc ?law ?number ?label ?text ?start ?end WHERE {{
  {values_clause("topic", topics)}
  ?sentence a pkg:Sentence ; dcterms:subject ?topic ; pkg:inArticle ?article ; pkg:text ?text ;
            prov:wasDerivedFrom ?span .
  ?span pkg:start ?start ; pkg:end ?end .
  ?article pkg:inDocument ?d ; pkg:number ?number ; pkg:label ?label .
  ?d dcterms:identifier ?doc .
  BIND(EXISTS {{ ?d a pkg:Law }} AS ?law)
}}"""


def tasked_sentences_sparql(topics: Sequence[str] | None) -> str:
    """Sentences that mention one of ``topics`` (any topic for None) in articles some task implements:
    ``?sentence ?topic``.

    Why the articles come first (a sub-select): the answer's article → task path reads only these, and most
    sentences naming a topic in a large corpus lie in documents without a task table; starting from the few
    implemented articles keeps the cost of a question independent of the corpus' size (Oxigraph joins in the
    order it is given here, and starting from the topic made it read every tagged sentence)."""
    return f"""{PREFIXES}
SELECT ?sentence ?topic WHERE {{
  {{ SELECT DISTINCT ?article WHERE {{ ?task pkg:articleLink ?link . ?link pkg:article ?article }} }}
  ?sentence pkg:inArticle ?article ; dcterms:subject ?topic .
  {_topic_values(topics)}
}}"""


def sentence_details_sparql(sentences: Sequence[str]) -> str:
    """The article, document, text and span of each of ``sentences``."""
    return f"""{PREFIXES}
SELECT ?sentence ?article ?doc ?law ?number ?label ?text ?start ?end WHERE {{
  {values_clause("sentence", sentences)}
  ?sentence pkg:inArticle ?article ; pkg:text ?text ; prov:wasDerivedFrom ?span .
  ?span pkg:start ?start ; pkg:end ?end .
  ?article pkg:inDocument ?d ; pkg:number ?number ; pkg:label ?label .
  ?d dcterms:identifier ?doc .
  BIND(EXISTS {{ ?d a pkg:Law }} AS ?law)
}}"""


def tasks_for_articles_sparql(articles: Sequence[str]) -> str:
    """Tasks that implement any of ``articles``, with units and the link score."""
    return f"""{PREFIXES}
SELECT ?article ?task ?doc ?number ?text ?start ?end ?score ?unit ?role WHERE {{
  {values_clause("article", articles)}
  ?task pkg:articleLink ?link ; pkg:inDocument ?d ; pkg:number ?number ; pkg:text ?text ;
        prov:wasDerivedFrom ?span .
  ?link pkg:article ?article ; pkg:score ?score .
  ?span pkg:start ?start ; pkg:end ?end .
  ?d dcterms:identifier ?doc .{_UNIT_ROLE}
}}"""


def obligations_for_topics_sparql(topics: Sequence[str] | None) -> str:
    """Obligations that mention one of ``topics`` (any topic for None), with bearer (unit or statutory role)
    and article."""
    return f"""{PREFIXES}
SELECT ?topic ?obligation ?article ?doc ?law ?number ?text ?start ?end ?strength ?bearer ?unit ?kind WHERE {{
  {_topic_values(topics)}
  ?obligation a pkg:Obligation ; dcterms:subject ?topic ; pkg:inArticle ?article ; pkg:text ?text ;
              pkg:strength ?strength ; pkg:bearer ?bearer ; prov:wasDerivedFrom ?span .
  ?span pkg:start ?start ; pkg:end ?end .
  ?article pkg:inDocument ?d ; pkg:number ?number .
  ?d dcterms:identifier ?doc .
  BIND(EXISTS {{ ?d a pkg:Law }} AS ?law)
  BIND(EXISTS {{ ?bearer a pkg:Unit }} AS ?unit)
  OPTIONAL {{ ?bearer pkg:kind ?kind }}
}}"""


def labels_sparql(nodes: Sequence[str]) -> str:
    """Display name, identifier, successor name and group flag of units and statutory roles."""
    return f"""{PREFIXES}
SELECT ?node ?name ?id ?successor ?group WHERE {{
  {values_clause("node", nodes)}
  {{ ?node skos:prefLabel ?name }} UNION {{ ?node rdfs:label ?name }}
  OPTIONAL {{ ?node dcterms:identifier ?id }}
  OPTIONAL {{ ?node pkg:successorName ?successor }}
  BIND(EXISTS {{ ?node a pkg:UnitGroup }} AS ?group)
}}"""


LABEL_LANGUAGES = ("zh", "en")  # the language tags the graph builder gives names and labels (kg.build, kg.changes)


def find_unit_sparql(name: str) -> str:
    """Units whose standard name, alias, identifier or successor name equals ``name``.

    The name is bound as a literal (plain and in each language the builder tags labels with), so the store finds
    it through its object index; a ``FILTER(STR(?label) = …)`` read every label of every unit (1.1 s a look-up
    at 10,000 documents, two per unit question)."""
    quoted = literal(name)
    labels = " ".join([quoted, *(f"{quoted}@{lang}" for lang in LABEL_LANGUAGES)])
    return f"""{PREFIXES}
SELECT DISTINCT ?unit WHERE {{
  VALUES ?label {{ {labels} }}
  {{ ?unit skos:prefLabel ?label }} UNION {{ ?unit skos:altLabel ?label }} UNION {{ ?unit dcterms:identifier ?label }}
  UNION {{ ?unit pkg:successorName ?label }}
  ?unit a pkg:Unit .
}} ORDER BY ?unit"""


def find_unit_like_sparql(name: str) -> str:
    """Units one of whose names contains ``name`` (the fallback when no name matches exactly)."""
    return f"""{PREFIXES}
SELECT DISTINCT ?unit WHERE {{
  ?unit a pkg:Unit .
  {{ ?unit skos:prefLabel ?label }} UNION {{ ?unit skos:altLabel ?label }}
  FILTER(CONTAINS(STR(?label), {literal(name)}))
}} ORDER BY ?unit"""


def unit_tasks_sparql(unit: str) -> str:
    """Every task a unit leads or co-operates in (directly or as a member of a unit group)."""
    return f"""{PREFIXES}
SELECT ?task ?doc ?number ?text ?role ?via ?deadline ?due ?ongoing ?start ?end WHERE {{
  {{ BIND(<{unit}> AS ?unit) BIND(<{unit}> AS ?via) }}
  UNION {{ ?via pkg:hasMember <{unit}> . BIND(?via AS ?unit) }}
  {_UNIT_ROLE.strip()}
  ?task pkg:inDocument ?d ; pkg:number ?number ; pkg:text ?text ; prov:wasDerivedFrom ?span ;
        pkg:deadline ?dl .
  ?span pkg:start ?start ; pkg:end ?end .
  ?d dcterms:identifier ?doc .
  ?dl pkg:text ?deadline ; pkg:ongoing ?ongoing .
  OPTIONAL {{ ?dl pkg:dueDate ?due }}
}} ORDER BY ?doc ?number"""


def task_units_sparql(tasks: Sequence[str]) -> str:
    """All units of the given tasks (to list co-responsible units)."""
    return f"""{PREFIXES}
SELECT ?task ?unit ?role ?name WHERE {{
  {values_clause("task", tasks)}{_UNIT_ROLE}
  ?unit skos:prefLabel ?name .
}}"""


def task_articles_sparql(tasks: Sequence[str]) -> str:
    """The articles each task implements, with score."""
    return f"""{PREFIXES}
SELECT ?task ?article ?number ?label ?score WHERE {{
  {values_clause("task", tasks)}
  ?task pkg:articleLink ?link .
  ?link pkg:article ?article ; pkg:score ?score .
  ?article pkg:number ?number ; pkg:label ?label .
}} ORDER BY ?task ?number"""


def unit_obligations_sparql(unit: str) -> str:
    """Obligations a unit bears, with article and document."""
    return f"""{PREFIXES}
SELECT ?obligation ?doc ?article ?number ?label ?text ?modality ?start ?end WHERE {{
  ?obligation pkg:bearer <{unit}> ; pkg:text ?text ; pkg:modality ?modality ; pkg:inArticle ?article ;
              prov:wasDerivedFrom ?span .
  ?span pkg:start ?start ; pkg:end ?end .
  ?article pkg:inDocument ?d ; pkg:number ?number ; pkg:label ?label .
  ?d dcterms:identifier ?doc .
}} ORDER BY ?doc ?number ?obligation"""


def _doc_values(ids: Sequence[str]) -> str:
    """``VALUES ?doc { … }`` restricting a query to documents with these identifiers; empty for every document."""
    return "VALUES ?doc { " + " ".join(literal(i) for i in ids) + " }" if ids else ""


def documents_sparql(ids: Sequence[str] = ()) -> str:
    """Every document (or those with the given identifiers): id, title, kind."""
    only = _doc_values(ids)
    return f"""{PREFIXES}
SELECT ?doc ?title ?law WHERE {{
  {only}
  ?d a pkg:Document ; dcterms:identifier ?doc ; dcterms:title ?title .
  BIND(EXISTS {{ ?d a pkg:Law }} AS ?law)
}} ORDER BY ?doc"""


def document_titles_sparql(ids: Sequence[str]) -> str:
    """The titles of the documents with these identifiers (in no order): nothing else, so the store joins the
    identifiers straight to their titles (documents_sparql's kind test and order made 1,770 titles cost 2 s)."""
    return f"""{PREFIXES}
SELECT ?doc ?title WHERE {{
  {_doc_values(ids)}
  ?d dcterms:identifier ?doc ; dcterms:title ?title .
}}"""


def documents_with_tasks_sparql(ids: Sequence[str] = ()) -> str:
    """Identifiers of the documents (all, or those with the given identifiers) that have at least one task."""
    return f"""{PREFIXES}
SELECT DISTINCT ?doc WHERE {{
  {_doc_values(ids)}
  ?d dcterms:identifier ?doc .
  ?t pkg:inDocument ?d ; a pkg:Task .
}}"""


def linked_articles_sparql() -> str:
    """Every article some task implements: its document's id and its number (one row per task's link).

    Read from the links, not the articles: a build has far fewer links than articles (225 of ~200,000 at 10,000
    generated documents), and a number such as 1 holds an article of nearly every document."""
    return f"""{PREFIXES}
SELECT ?doc ?number WHERE {{
  ?link pkg:article ?article .
  ?article pkg:number ?number ; pkg:inDocument ?d .
  ?d dcterms:identifier ?doc .
}}"""


def doc_articles_sparql(ids: Sequence[str] = ()) -> str:
    """Articles of the documents with these identifiers (of every document when none are given), in order."""
    return f"""{PREFIXES}
SELECT ?doc ?article ?number ?label ?title WHERE {{
  {_doc_values(ids)}
  ?d dcterms:identifier ?doc .
  ?article pkg:inDocument ?d ; a pkg:Article ; pkg:number ?number ; pkg:label ?label .
  OPTIONAL {{ ?article dcterms:title ?title }}
}} ORDER BY ?doc ?number ?article"""


def doc_tasks_sparql(ids: Sequence[str] = ()) -> str:
    """Tasks of the documents with these identifiers (of every document when none are given), whether they have
    a lead unit (``units``), and their article links."""
    return f"""{PREFIXES}
SELECT ?doc ?task ?number ?text ?units ?article ?anumber ?score WHERE {{
  {_doc_values(ids)}
  ?d dcterms:identifier ?doc .
  ?task pkg:inDocument ?d ; a pkg:Task ; pkg:number ?number ; pkg:text ?text .
  BIND(EXISTS {{ ?task pkg:leadUnit ?u }} AS ?units)
  OPTIONAL {{ ?task pkg:articleLink ?link . ?link pkg:article ?article ; pkg:score ?score .
             ?article pkg:number ?anumber }}
}} ORDER BY ?doc ?number ?anumber"""


NAME_SEPARATOR = "\u0001"  # between the lead units' names of a due task (no name holds it)


def _due_by(by: dt.date | None) -> str:
    return f'FILTER(?due <= "{by.isoformat()}"^^<http://www.w3.org/2001/XMLSchema#date>)' if by else ""


def due_dates_sparql(by: dt.date | None = None, unit: str | None = None) -> str:
    """The owner (a task, or another node with a deadline) and due date of every dated deadline that is not
    ongoing, due on or before ``by`` and led by ``unit`` (an IRI) when given: the three look-ups a page of
    :func:`due_tasks_sparql` needs to be chosen (at 10,000 documents 1.2 s for 32,000 tasks, against 5.6 s for
    their text, document and units)."""
    led = f"?task pkg:leadUnit <{unit}> ." if unit else ""
    return f"""{PREFIXES}
SELECT ?task ?due WHERE {{
  ?dl pkg:dueDate ?due ; pkg:ongoing false .
  {_due_by(by)}
  ?task pkg:deadline ?dl .
  {led}
}}"""


def due_tasks_sparql(by: dt.date | None = None, unit: str | None = None, tasks: Sequence[str] = ()) -> str:
    """Tasks with a due date (not ongoing), with their deadline as printed and lead units' names (one row a task,
    the names joined by :data:`NAME_SEPARATOR`): only those due on or
    before ``by``, led by ``unit`` (an IRI) and among ``tasks`` (IRIs) when given. The date and unit are matched
    in the store, so the rows read are the answer's, not every task of the corpus with each of its units (at
    10,000 documents 128,000 rows and 38 s for 32,000 tasks due; 32,000 rows and 9 s now)."""
    led = f"?task pkg:leadUnit <{unit}> ." if unit else ""
    among = values_clause("task", tasks) if tasks else ""
    return f"""{PREFIXES}
SELECT ?task ?doc ?number ?text ?deadline ?due (GROUP_CONCAT(?name; separator="{NAME_SEPARATOR}") AS ?names)
WHERE {{
  {among}
  {"?task pkg:deadline ?dl ." if tasks else ""}
  ?dl pkg:dueDate ?due ; pkg:ongoing false .
  {_due_by(by)}
  ?task pkg:deadline ?dl ; a pkg:Task ; pkg:inDocument ?d ; pkg:number ?number ; pkg:text ?text .
  {led}
  ?d dcterms:identifier ?doc .
  ?dl pkg:text ?deadline .
  OPTIONAL {{ ?task pkg:leadUnit ?unit . ?unit skos:prefLabel ?name }}
}} GROUP BY ?task ?doc ?number ?text ?deadline ?due"""


def run(store: GraphStore, query: str) -> list[Row]:
    """Execute a SELECT built here."""
    return store.select(query)
