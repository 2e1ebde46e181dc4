"""User SPARQL over the graph: read-only, guarded, with a time limit and a row limit.

Why a keyword check before the engine: an update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY,
WITH … ) is refused with a message that says so, instead of a parser error; the store is also opened read-only,
so nothing could be written anyway. :mod:`kg.sparql_guard` refuses queries nested deep enough to crash the
engine, and SERVICE. In this module the time limit runs the query in a worker thread and gives up waiting after
``timeout_s`` — enough for the one-shot CLI, whose process ends anyway; the server runs queries in worker
processes that are killed on timeout (:mod:`kg.sparql_pool`). The row limit stops reading results.

Results cross process boundaries as :func:`portable` results (terms as SPARQL JSON dicts), which every
serialiser here also accepts: SPARQL JSON, XML, CSV, TSV for SELECT/ASK; N-Triples, Turtle, JSON-LD and RDF/XML
for CONSTRUCT/DESCRIBE.
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass
from typing import Any

from ingest.errors import PolicyKGError
from kg import queries
from kg.sparql_guard import DEFAULT_LIMITS, QueryLimits, QueryRefused, check_query, syntax_message
from kg.store import GraphStore, GraphStoreError

DEFAULT_TIMEOUT_S = 5.0
DEFAULT_ROW_LIMIT = 10_000
_UPDATE = re.compile(
    r"(?<![\w:?$])(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)(?![\w:-])|(?<![\w:?$])WITH\s+<",
    re.IGNORECASE,
)
_STRINGS_IRIS_COMMENTS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*'
)
_FORM = re.compile(r"(?<![\w:?$])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:-])", re.IGNORECASE)


class SparqlError(PolicyKGError):
    """A query that was refused or failed; ``code`` is stable (``update_refused``, ``syntax``, ``timeout``,
    ``query_too_complex``, ``service_refused``, ``query_failed``, ``busy``). A refusal is the client's (400);
    running out of time or workers is the service's limit (503)."""

    def __init__(self, message: str, *, code: str, hint: str = "") -> None:
        super().__init__(message, code=code, hint=hint, status=503 if code in ("timeout", "busy") else 400)


@dataclass(frozen=True, slots=True, kw_only=True)
class SparqlResult:
    """A query's result: ``form`` is select/ask/construct/describe."""

    form: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()  # backend terms, for select
    boolean: bool | None = None
    triples: tuple[tuple[Any, Any, Any], ...] = ()  # backend terms, for construct/describe
    truncated: bool = False


def query_form(query: str) -> str:
    """``select``, ``ask``, ``construct`` or ``describe``; raises :class:`SparqlError` for updates.

    >>> query_form("PREFIX x: <http://x/insert> SELECT * WHERE { ?s ?p 'DELETE' }")
    'select'
    >>> query_form("DELETE WHERE { ?s ?p ?o }")
    Traceback (most recent call last):
    ...
    kg.sparql.SparqlError: updates are not allowed: DELETE (the graph is read-only; use SELECT, ASK, CONSTRUCT or DESCRIBE)
    """
    bare = _STRINGS_IRIS_COMMENTS.sub(" ", query)
    update = _UPDATE.search(bare)
    if update:
        raise SparqlError(
            f"updates are not allowed: {update.group(0).split()[0].upper()}",
            code="update_refused",
            hint="the graph is read-only; use SELECT, ASK, CONSTRUCT or DESCRIBE",
        )
    form = _FORM.search(bare)
    if form is None:
        raise SparqlError("not a query", code="syntax", hint="start with SELECT, ASK, CONSTRUCT or DESCRIBE")
    return form.group(1).lower()


def _evaluate(store: GraphStore, query: str, form: str, row_limit: int) -> SparqlResult:
    """Read at most ``row_limit`` rows or triples through the store's interface (any backend)."""
    if form == "ask":
        return SparqlResult(form=form, boolean=store.ask(query))
    if form == "select":
        variables, solutions = store.solutions(query)
        rows = tuple(itertools.islice(solutions, row_limit + 1))
        return SparqlResult(
            form=form, variables=variables, rows=rows[:row_limit], truncated=len(rows) > row_limit
        )
    triples = tuple(itertools.islice(store.statements(query), row_limit + 1))
    return SparqlResult(form=form, triples=triples[:row_limit], truncated=len(triples) > row_limit)


_DECLARED = re.compile(r"PREFIX\s+([A-Za-z][\w-]*)?\s*:", re.IGNORECASE)


def with_default_prefixes(query: str) -> str:
    """Declare the project's usual prefixes (pkg:, skos:, org:, prov:, dcterms:, eli:, rdfs:) that the query
    uses without declaring, as public SPARQL endpoints do; a prefix the query declares itself is left alone.

    >>> with_default_prefixes("SELECT * WHERE { ?t a pkg:Task }").splitlines()[0]
    'PREFIX pkg: <https://w3id.org/policykg/ontology#>'
    >>> with_default_prefixes("PREFIX pkg: <urn:x#> ASK { ?t a pkg:Task }")
    'PREFIX pkg: <urn:x#> ASK { ?t a pkg:Task }'
    """
    declared = {name or "" for name in _DECLARED.findall(query)}
    lines = [
        line
        for line in queries.PREFIXES.splitlines()
        if (name := line.split()[1][:-1]) not in declared
        and re.search(rf"(?<![\w<]){re.escape(name)}:", query)
    ]
    return "\n".join([*lines, query]) if lines else query


def prepare(query: str, *, limits: QueryLimits = DEFAULT_LIMITS, allow_service: bool = False) -> str:
    """Check a query before the engine sees it (updates, size, nesting, SERVICE); its form.

    Raises :class:`SparqlError` with the refusal's code.
    """
    try:
        check_query(query, limits=limits, allow_service=allow_service)
    except QueryRefused as refused:
        raise SparqlError(str(refused), code=refused.code, hint=refused.hint) from None
    return query_form(query)


def evaluate(store: GraphStore, query: str, form: str, row_limit: int) -> SparqlResult:
    """Run a prepared query in this thread; engine errors become :class:`SparqlError` with one-line messages."""
    full = with_default_prefixes(query)
    try:
        return _evaluate(store, full, form, row_limit)
    except SyntaxError as error:
        added = full.count("\n") - query.count("\n")
        raise SparqlError(syntax_message(str(error), line_offset=added), code="syntax") from None
    except (SparqlError, GraphStoreError):  # a graph server that cannot answer is the service's 503
        raise
    except Exception as error:
        message = " ".join(str(error).split())[:300] or type(error).__name__
        raise SparqlError(f"the query failed: {message}", code="query_failed") from None


def run_query(
    store: GraphStore,
    query: str,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    row_limit: int = DEFAULT_ROW_LIMIT,
    limits: QueryLimits = DEFAULT_LIMITS,
    allow_service: bool = False,
) -> SparqlResult:
    """Run a read-only query in-process (the CLI); :class:`SparqlError` on refusals, errors and when
    ``timeout_s`` passes (the thread is abandoned, not stopped: long-lived callers use :mod:`kg.sparql_pool`)."""
    form = prepare(query, limits=limits, allow_service=allow_service)
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = evaluate(store, query, form, row_limit)
        except Exception as error:  # handed to the caller's thread below
            outcome["error"] = error

    worker = threading.Thread(target=work, name="policykg-sparql", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise SparqlError(
            f"the query ran longer than {timeout_s:g} s", code="timeout", hint="narrow it or add a LIMIT"
        )
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


# -- serialisation (SPARQL 1.1 results JSON / CSV, a plain table; N-Triples for graphs) ----------------------
def _term_json(term: Any) -> dict[str, str] | None:
    if term is None or isinstance(term, dict):
        return term
    kind = type(term).__name__
    value = getattr(term, "value", None)
    value = str(term) if value is None or not isinstance(value, str) else value
    if kind in ("NamedNode", "URIRef"):
        return {"type": "uri", "value": value}
    if kind in ("BlankNode", "BNode"):
        return {"type": "bnode", "value": value}
    out = {"type": "literal", "value": value}
    language = getattr(term, "language", None)
    datatype = getattr(term, "datatype", None)
    datatype_value = getattr(datatype, "value", datatype)
    if language:
        out["xml:lang"] = str(language)
    elif datatype_value and str(datatype_value) != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = str(datatype_value)
    return out


def _term_text(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, dict):
        return term["value"]
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


def json_term_nt(data: dict[str, str] | None) -> str:
    """A SPARQL JSON term in N-Triples syntax (also SPARQL TSV's): ``<iri>``, ``_:b``, ``"text"@zh``, ``"1"^^<…>``.

    >>> json_term_nt({"type": "literal", "value": "任务", "xml:lang": "zh"})
    '"任务"@zh'
    >>> json_term_nt({"type": "uri", "value": "http://x/a"})
    '<http://x/a>'
    """
    if data is None:
        return ""
    if data["type"] == "uri":
        return f"<{data['value']}>"
    if data["type"] == "bnode":
        return f"_:{data['value']}"
    escaped = (
        data["value"]
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    if "xml:lang" in data:
        return f'"{escaped}"@{data["xml:lang"]}'
    if "datatype" in data:
        return f'"{escaped}"^^<{data["datatype"]}>'
    return f'"{escaped}"'


def _term_nt(term: Any) -> str:
    return json_term_nt(_term_json(term) or {"type": "literal", "value": ""})


def to_json(result: SparqlResult) -> dict[str, Any]:
    """SPARQL 1.1 Query Results JSON (SELECT, ASK); graphs as ``{"triples": [[s, p, o] …]}`` of JSON terms."""
    if result.form == "ask":
        return {"head": {}, "boolean": result.boolean}
    if result.form == "select":
        bindings = [
            {
                name: _term_json(term)
                for name, term in zip(result.variables, row, strict=True)
                if term is not None
            }
            for row in result.rows
        ]
        return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return {"triples": [[_term_json(t) for t in triple] for triple in result.triples]}


def to_rows(result: SparqlResult) -> tuple[list[str], list[list[str]]]:
    """Header and rows of plain strings (for CSV and tables)."""
    if result.form == "ask":
        return ["boolean"], [["true" if result.boolean else "false"]]
    if result.form == "select":
        return list(result.variables), [[_term_text(t) for t in row] for row in result.rows]
    return ["subject", "predicate", "object"], [[_term_text(t) for t in triple] for triple in result.triples]


def to_ntriples(result: SparqlResult) -> str:
    """The triples of a CONSTRUCT/DESCRIBE result as N-Triples."""
    return "".join(" ".join(_term_nt(t) for t in triple) + " .\n" for triple in result.triples)


def portable(result: SparqlResult) -> SparqlResult:
    """The same result with every term as a SPARQL JSON dict: plain data that pickles across processes and
    that every serialiser here accepts."""
    return SparqlResult(
        form=result.form,
        variables=result.variables,
        rows=tuple(tuple(_term_json(t) for t in row) for row in result.rows),
        boolean=result.boolean,
        triples=tuple(
            (_term_json(s), _term_json(p), _term_json(o))  # type: ignore[misc]
            for s, p, o in result.triples
        ),
        truncated=result.truncated,
    )


RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def to_xml(result: SparqlResult) -> bytes:
    """SPARQL Query Results XML (SELECT, ASK), written with ElementTree so every value is escaped; characters
    XML 1.0 cannot carry (control characters) become U+FFFD.

    >>> to_xml(SparqlResult(form="ask", boolean=True)).decode().splitlines()[1]
    '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head /><boolean>true</boolean></sparql>'
    """
    import xml.etree.ElementTree as ET

    def clean(text: str) -> str:
        return _XML_INVALID.sub("\ufffd", text)

    root = ET.Element("sparql", {"xmlns": RESULTS_NS})
    head = ET.SubElement(root, "head")
    if result.form == "ask":
        ET.SubElement(root, "boolean").text = "true" if result.boolean else "false"
    else:
        for name in result.variables:
            ET.SubElement(head, "variable", {"name": name})
        results = ET.SubElement(root, "results")
        for row in result.rows:
            element = ET.SubElement(results, "result")
            for name, term in zip(result.variables, row, strict=True):
                data = _term_json(term)
                if data is None:
                    continue
                binding = ET.SubElement(element, "binding", {"name": name})
                attributes = {}
                if "xml:lang" in data:
                    attributes["xml:lang"] = data["xml:lang"]
                elif "datatype" in data:
                    attributes["datatype"] = data["datatype"]
                ET.SubElement(binding, data["type"], attributes).text = clean(data["value"])
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


GRAPH_FORMATS = ("ntriples", "turtle", "jsonld", "rdfxml")


def _prefixes() -> dict[str, str]:
    return {
        line.split()[1][:-1]: line.split()[2].strip("<>") for line in queries.PREFIXES.splitlines() if line
    }


def to_graph(result: SparqlResult, fmt: str) -> bytes:
    """A CONSTRUCT/DESCRIBE result as ``ntriples``, ``turtle``, ``jsonld`` or ``rdfxml`` (Oxigraph's writers,
    from the N-Triples, with the project's prefixes where the format has them).

    >>> to_graph(SparqlResult(form="construct", triples=(({"type": "uri", "value": "urn:a"},) * 3,)), "turtle")[-26:]
    b'<urn:a> <urn:a> <urn:a> .\\n'
    """
    ntriples = to_ntriples(result).encode("utf-8")
    if fmt == "ntriples":
        return ntriples
    from pyoxigraph import RdfFormat, parse, serialize

    target = {"turtle": RdfFormat.TURTLE, "jsonld": RdfFormat.JSON_LD, "rdfxml": RdfFormat.RDF_XML}[fmt]
    triples = parse(ntriples, format=RdfFormat.N_TRIPLES)
    prefixes = _prefixes() if fmt != "jsonld" else None
    output = (
        serialize(triples, format=target, prefixes=prefixes)
        if prefixes
        else serialize(triples, format=target)
    )
    return output if isinstance(output, bytes) else str(output).encode("utf-8")




def serialize(result: SparqlResult, fmt: str) -> bytes:
    r"""A result in one of the SPARQL 1.1 result formats (``json``, ``xml``, ``csv``, ``tsv`` for SELECT/ASK) or a
    graph format (``ntriples``, ``turtle``, ``jsonld``, ``rdfxml`` for CONSTRUCT/DESCRIBE): the bytes the CLI
    prints and the API sends.

    >>> serialize(SparqlResult(form="ask", boolean=False), "tsv")
    b'?boolean\nfalse\n'
    """
    if result.form in ("construct", "describe"):
        return to_graph(result, fmt)
    if fmt == "json":
        import json

        return json.dumps(to_json(result), ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        return to_xml(result)
    if fmt == "csv":
        header, rows = to_rows(result)
        return _csv(header, rows).encode("utf-8")
    if fmt == "tsv":
        return _tsv(to_json(result)).encode("utf-8")
    raise SparqlError(f"a {result.form.upper()} result cannot be given as {fmt}", code="not_acceptable")


def _csv(header: list[str], rows: list[list[str]]) -> str:
    r"""SPARQL 1.1 CSV: plain values, RFC 4180 quoting, CRLF line ends.

    >>> _csv(["n", "s"], [["1", "a,b"]])
    'n,s\r\n1,"a,b"\r\n'
    """
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()



def _tsv(results: dict[str, Any]) -> str:
    r"""SPARQL 1.1 TSV from SPARQL JSON results (ASK gives one ``?boolean`` column).

    >>> _tsv({"head": {"vars": ["s", "n"]}, "results": {"bindings": [
    ...     {"s": {"type": "uri", "value": "http://x/a"}, "n": {"type": "literal", "value": "任务", "xml:lang": "zh"}}]}})
    '?s\t?n\n<http://x/a>\t"任务"@zh\n'
    """
    if "boolean" in results:
        return f"?boolean\n{str(results['boolean']).lower()}\n"
    names = results["head"]["vars"]
    lines = ["\t".join(f"?{name}" for name in names)]
    lines += [
        "\t".join(json_term_nt(row.get(name)) for name in names) for row in results["results"]["bindings"]
    ]
    return "\n".join(lines) + "\n"
