"""The one place where API routes call into ``kg`` and the search index, and map their errors to HTTP.

Why one adapter module: the routes speak HTTP; the answers are computed by ``kg`` (responsibility, profile,
trace, due, SPARQL, neighbourhoods) and ``search_api.search`` over the resources the snapshot opened once. Each
function returns exactly the JSON the matching CLI command prints with ``--json`` (same functions, same defaults),
so the API and the CLI cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kg.sparql import json_term_nt
from search_api.errors import ApiError, BadParameter, NotFound, Unavailable
from search_api.state import Snapshot

ASK_LIMIT = 20  # the CLI's defaults (policykg ask --limit/--evidence)
ASK_EVIDENCE = 5
GRAPH_NODE_LIMIT = 400  # a neighbourhood larger than this is cut to the nodes nearest the centre


def _resource(snapshot: Snapshot, name: str, what: str) -> Any:
    found = snapshot.resource(name)
    if found is None:
        raise Unavailable(f"this build has no {what}", hint="rebuild with `policykg build`")
    return found


def _unknown_unit(error: Exception) -> NotFound:
    candidates = getattr(error, "candidates", ())
    hint = (
        f"did you mean {', '.join(candidates)}?"
        if candidates
        else "GET /api/units lists them with their aliases"
    )
    return NotFound(
        f"no unit named {getattr(error, 'name', '')!r} in this build", code="unknown_unit", hint=hint
    )


def search(snapshot: Snapshot, *, q: str, kind: str | None, limit: int, offset: int) -> dict[str, Any]:
    """The JSON of ``policykg search --json`` (hits ``offset`` … ``offset + limit``)."""
    index = _resource(snapshot, "index", "search index")
    result = index.search(q, kind=kind, limit=offset + limit).to_json()
    result["hits"] = result["hits"][offset:]
    return result


def ask(snapshot: Snapshot, *, q: str) -> dict[str, Any]:
    """The JSON of ``policykg ask --json``: :meth:`search_api.facade.Build.ask` over the snapshot's resources."""
    from search_api.facade import Build

    build = Build.over(snapshot.build.path, resources=snapshot.resources, corpus=snapshot.corpus)
    return build.ask(q, limit=ASK_LIMIT, evidence=ASK_EVIDENCE).to_json()


def unit_profile(snapshot: Snapshot, name: str) -> dict[str, Any]:
    """The JSON of ``policykg unit NAME --json`` (any alias, id or successor name)."""
    from kg.profile import UnknownUnit, profile

    try:
        return profile(_resource(snapshot, "graph", "graph store"), name).to_json()
    except UnknownUnit as error:
        raise _unknown_unit(error) from None


def trace(snapshot: Snapshot, doc: str | None) -> dict[str, Any]:
    """The JSON of ``policykg trace [--doc D] --format json``."""
    from kg.trace import trace as kg_trace

    traces = [t.to_json() for t in kg_trace(_resource(snapshot, "graph", "graph store"), doc=doc)]
    if doc and not traces:
        raise NotFound(f"no document with a task table matches {doc!r}", hint="GET /api/documents lists them")
    return traces[0] if doc and len(traces) == 1 else {"documents": traces}


def due(snapshot: Snapshot, *, by: dt.date | None, unit: str | None, as_of: dt.date) -> dict[str, Any]:
    """The JSON of ``policykg due [--by D] [--as-of D] [--unit U] --json``."""
    from kg.due import due_tasks
    from kg.profile import UnknownUnit

    try:
        tasks = due_tasks(_resource(snapshot, "graph", "graph store"), by=by, as_of=as_of, unit=unit)
    except UnknownUnit as error:
        raise _unknown_unit(error) from None
    return {"by": by.isoformat() if by else None, "as_of": as_of.isoformat(), "unit": unit, "tasks": [t.to_json() for t in tasks]}


class SparqlRefused(ApiError):
    """A query the read-only endpoint will not run (update, too complex, SERVICE, syntax error, failure)."""

    status = 400


class SparqlTimeout(ApiError):
    """A query that ran past the time limit, or found every worker busy (the service's limit, 503)."""

    status = 503
    code = "timeout"


def _refusal(error: Exception) -> ApiError:
    code = getattr(error, "code", "query_failed")
    message = getattr(error, "message", str(error))
    hint = getattr(error, "hint", "") or None
    if code in ("timeout", "busy"):
        return SparqlTimeout(message, code=code, hint=hint)
    return SparqlRefused(message, code=code, hint=hint)


def sparql_form(query: str, *, allow_service: bool) -> str:
    """The query's form after the checks that need no engine (updates, size, nesting, SERVICE); 400 if refused."""
    from kg.sparql import SparqlError, prepare

    try:
        return prepare(query, allow_service=allow_service)
    except SparqlError as error:
        raise _refusal(error) from None


def sparql(
    snapshot: Snapshot,
    pool: Any,
    query: str,
    form: str,
    *,
    result_format: str,
    timeout_s: float,
    row_limit: int,
) -> tuple[bytes, str, bool]:
    """Run a checked query in a worker process of ``pool`` (a :class:`kg.sparql_pool.SparqlPool`) over the
    snapshot's build; (payload, media type, truncated) in the negotiated format."""
    from kg.sparql import SparqlError, to_graph, to_json, to_rows, to_xml
    from search_api.negotiation import GRAPH_MEDIA, TABLE_MEDIA

    _resource(snapshot, "graph", "graph store")  # 503 when this build has no store, as every graph route
    try:
        result = pool.run(snapshot.build.path, query, form, timeout_s=timeout_s, row_limit=row_limit)
    except SparqlError as error:
        raise _refusal(error) from None
    if form in ("construct", "describe"):
        return to_graph(result, result_format), GRAPH_MEDIA[result_format], result.truncated
    media = TABLE_MEDIA[result_format]
    if result_format == "json":
        import json

        body = json.dumps(to_json(result), ensure_ascii=False).encode("utf-8")
    elif result_format == "xml":
        body = to_xml(result)
    elif result_format == "csv":
        header, rows = to_rows(result)
        body = _csv(header, rows).encode("utf-8")
    else:
        body = _tsv(to_json(result)).encode("utf-8")
    return body, media, result.truncated


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


def _center(snapshot: Snapshot, node: str) -> dict[str, str]:
    """The ``subgraph`` keyword for a page node key (``unit/…``, ``topic/…``, ``doc/D/art/N``, ``doc/D/task/N``)."""
    from kg import iris

    if node.startswith("http"):
        path = node.split("/policykg/", 1)[-1].removeprefix("id/")
        return _center(snapshot, path) if path != node else {"article": node}
    parts = node.strip("/").split("/")
    if parts[0] == "unit" and len(parts) == 2:
        return {"unit": parts[1]}
    if parts[0] == "topic" and len(parts) == 2:
        return {"topic": parts[1]}
    number_text = parts[3].split("-")[0] if len(parts) == 4 else ""
    if parts[0] == "doc" and number_text.isascii() and number_text.isdigit():  # not ² or ٣ (int() fails or lies)
        doc = snapshot.document(parts[1])
        if doc is None:
            raise NotFound(f"no document {parts[1]!r} in this build")
        number = int(number_text)
        if parts[2] == "task":
            return {"task": str(iris.task_iri(doc.id, number))}
        if parts[2] == "art":
            return {"article": str(iris.article_iri(doc.id, number))}
    raise BadParameter(
        f"cannot read node {node!r}", hint="unit/<name>, topic/<id>, doc/<doc>/art/<n> or doc/<doc>/task/<n>"
    )


def subgraph(snapshot: Snapshot, node: str, *, radius: int) -> dict[str, Any]:
    """The neighbourhood of one node from ``kg.network.subgraph`` over the projection the snapshot holds."""
    from kg.network import subgraph as kg_subgraph
    from kg.profile import UnknownUnit

    store = _resource(snapshot, "graph", "graph store")
    network = _resource(snapshot, "network", "graph projection")
    center = _center(snapshot, node)
    try:
        found = kg_subgraph(store, radius=radius, graph=network, **center)
    except UnknownUnit as error:
        raise _unknown_unit(error) from None
    centers = set(found["center"])
    if not centers & {n["id"] for n in found["nodes"]}:
        raise NotFound(f"no node {node!r} in the graph")
    if len(found["nodes"]) > GRAPH_NODE_LIMIT:
        found = _nearest(found, centers, GRAPH_NODE_LIMIT)
    return found


def _nearest(found: dict[str, Any], centers: set[str], limit: int) -> dict[str, Any]:
    """Cut a neighbourhood to the centre and the ``limit`` best-connected nodes (a view, not an analysis)."""
    degree: dict[str, int] = {}
    for edge in found["edges"]:
        for end in (edge["source"], edge["target"]):
            degree[end] = degree.get(end, 0) + 1
    ranked = sorted(found["nodes"], key=lambda n: (n["id"] not in centers, -degree.get(n["id"], 0), n["id"]))
    keep = {n["id"] for n in ranked[:limit]}
    return {
        **found,
        "nodes": [n for n in found["nodes"] if n["id"] in keep],
        "edges": [e for e in found["edges"] if e["source"] in keep and e["target"] in keep],
        "truncated": True,
    }
