"""User SPARQL over the graph: read-only, with a time limit and a row limit.

Why a keyword check before the engine: an update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY,
WITH … ) is refused with a message that says so, instead of a parser error; the store is also opened read-only,
so nothing could be written anyway. The time limit runs the query in a worker thread (Oxigraph releases the
interpreter while it evaluates) and gives up waiting after ``timeout_s``; the row limit stops reading results.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from kg import queries
from kg.store import GraphStore

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


class SparqlError(Exception):
    """A query that was refused or failed; ``code`` is stable (``update_refused``, ``syntax``, ``timeout``)."""

    def __init__(self, message: str, *, code: str, hint: str = "") -> None:
        self.code = code
        self.hint = hint
        super().__init__(f"{message} ({hint})" if hint else message)


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
    raw = store.raw(query)
    if form == "ask":
        return SparqlResult(form=form, boolean=bool(raw if store.backend == "oxigraph" else raw.askAnswer))
    if form == "select":
        if store.backend == "oxigraph":
            variables = tuple(v.value for v in raw.variables)
            rows = []
            for solution in raw:
                if len(rows) == row_limit:
                    return SparqlResult(form=form, variables=variables, rows=tuple(rows), truncated=True)
                rows.append(tuple(solution[name] for name in variables))
        else:
            variables = tuple(str(v) for v in raw.vars or ())
            rows = []
            for binding in raw:
                if len(rows) == row_limit:
                    return SparqlResult(form=form, variables=variables, rows=tuple(rows), truncated=True)
                rows.append(tuple(binding))
        return SparqlResult(form=form, variables=variables, rows=tuple(rows))
    triples = []
    for triple in raw:
        if len(triples) == row_limit:
            return SparqlResult(form=form, triples=tuple(triples), truncated=True)
        triples.append(
            (triple.subject, triple.predicate, triple.object)
            if store.backend == "oxigraph"
            else tuple(triple)
        )
    return SparqlResult(form=form, triples=tuple(triples))


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


def run_query(
    store: GraphStore,
    query: str,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    row_limit: int = DEFAULT_ROW_LIMIT,
) -> SparqlResult:
    """Run a read-only query; :class:`SparqlError` on updates, syntax errors and when ``timeout_s`` passes."""
    form = query_form(query)
    query = with_default_prefixes(query)
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = _evaluate(store, query, form, row_limit)
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
        error = outcome["error"]
        raise SparqlError(
            str(error), code="syntax" if isinstance(error, SyntaxError) else "query_failed"
        ) from error
    return outcome["result"]


# -- serialisation (SPARQL 1.1 results JSON / CSV, a plain table; N-Triples for graphs) ----------------------
def _term_json(term: Any) -> dict[str, str] | None:
    if term is None:
        return None
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
