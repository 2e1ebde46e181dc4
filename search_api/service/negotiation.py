"""Which SPARQL result format a request gets: ``format=`` (short name or MIME type) first, else ``Accept``.

Why by query form: SELECT and ASK give a result table (SPARQL JSON, XML, CSV, TSV), CONSTRUCT and DESCRIBE a graph
(N-Triples, Turtle, JSON-LD, RDF/XML); the same ``application/json`` or ``xml`` means SPARQL JSON/XML for a table
and JSON-LD/RDF-XML for a graph, as clients such as SPARQLWrapper expect. A format this endpoint knows but cannot
produce for the query's form, or an ``Accept`` with nothing we can produce, is 406; a ``format=`` name nobody
knows is a bad parameter (400). Framework-free: the route turns :class:`NotAcceptable` into the error shape.
"""

from __future__ import annotations

from collections.abc import Iterable

from search_api.errors import ApiError, BadParameter

TABLE_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_MEDIA = {
    "ntriples": "application/n-triples",
    "turtle": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
# Names and media types a client may use, by what they mean for a table and for a graph.
_TABLE_NAMES = {
    "json": "json",
    "srj": "json",
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/javascript": "json",
    "application/javascript": "json",
    "xml": "xml",
    "srx": "xml",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "csv": "csv",
    "text/csv": "csv",
    "tsv": "tsv",
    "text/tab-separated-values": "tsv",
}
_GRAPH_NAMES = {
    "ntriples": "ntriples",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "turtle": "turtle",
    "ttl": "turtle",
    "text/turtle": "turtle",
    "application/turtle": "turtle",
    "application/x-turtle": "turtle",
    "n3": "turtle",  # Turtle is valid N3
    "text/n3": "turtle",
    "application/n3": "turtle",
    "text/rdf+n3": "turtle",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "json": "jsonld",
    "application/ld+json": "jsonld",
    "application/x-json+ld": "jsonld",
    "application/json": "jsonld",
    "rdfxml": "rdfxml",
    "rdf+xml": "rdfxml",
    "rdf": "rdfxml",
    "xml": "rdfxml",
    "application/rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}
_WILDCARDS = {  # (table, graph) default for each wildcard
    "*/*": ("json", "ntriples"),
    "application/*": ("json", "ntriples"),
    "text/*": ("csv", "turtle"),
}


class NotAcceptable(ApiError):
    """A result format the endpoint cannot produce for this query (406)."""

    status = 406
    code = "not_acceptable"


def _accept_entries(accept: str) -> list[str]:
    """Media ranges of an Accept header, best first (quality, then order); q=0 dropped.

    >>> _accept_entries("text/csv;q=0.5, application/json, image/png;q=0")
    ['application/json', 'text/csv']
    """
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, index, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def negotiate(form: str, accept: str | None, explicit: Iterable[str] = ()) -> str:
    """The short name of the format to answer a ``form`` query with.

    >>> negotiate("select", "text/csv;q=0.9, application/sparql-results+json")
    'json'
    >>> negotiate("select", None, ["tsv", "text/tab-separated-values"])
    'tsv'
    >>> negotiate("construct", "application/rdf+xml")
    'rdfxml'
    >>> negotiate("describe", "text/html,*/*;q=0.8")
    'ntriples'
    """
    graph = form in ("construct", "describe")
    names, other = (_GRAPH_NAMES, _TABLE_NAMES) if graph else (_TABLE_NAMES, _GRAPH_NAMES)
    what = "a graph (CONSTRUCT/DESCRIBE)" if graph else f"a {form.upper()} result"
    offered = ", ".join(GRAPH_MEDIA if graph else TABLE_MEDIA)
    asked = [value.strip().lower() for value in explicit if value and value.strip()]
    if asked:
        for value in asked:
            if value in names:
                return names[value]
        if any(value in other for value in asked):
            raise NotAcceptable(f"{what} cannot be given as {asked[-1]!r}", hint=f"ask for {offered}")
        raise BadParameter(
            f"unknown result format {asked[-1]!r}",
            hint="json, xml, csv, tsv (SELECT/ASK); ntriples, turtle, jsonld, rdfxml (CONSTRUCT/DESCRIBE)",
        )
    if not accept or not accept.strip():
        return "ntriples" if graph else "json"
    entries = _accept_entries(accept)
    for media in entries:
        if media in names:
            return names[media]
        if media in _WILDCARDS:
            return _WILDCARDS[media][1 if graph else 0]
    raise NotAcceptable(f"{what} cannot be given as {accept[:100]!r}", hint=f"accept one of {offered}")
