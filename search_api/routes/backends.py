"""The one place where API routes call into ``kg`` and the search index.

Why one adapter module: the routes speak HTTP and the CLI's JSON; the answers are computed by ``kg`` (responsibility,
profile, trace, due, SPARQL, neighbourhoods) and ``search_api.search``. While those packages are being written
this module answers from the build's model with the plainest reading of it (marked ``provisional`` below), so the
page and the tests can run; each provisional function is replaced by a call to the real one as it lands.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ingest.model import Document, Task, Unit
from search_api.state import Snapshot


def resolve_unit(snapshot: Snapshot, text: str) -> Unit | None:
    """A unit by any name the reader might type (provisional: exact names, then a unique substring match)."""
    key = text.strip()
    if not key:
        return None
    found = snapshot.unit(key)
    if found is not None:
        return found
    matches = sorted({uid for name, uid in snapshot.unit_names.items() if key in name})
    return snapshot.units[matches[0]] if len(matches) == 1 else None


def _deadline(task: Task) -> dict[str, Any]:
    d = task.deadline
    return {"text": d.text, "due": d.due, "ongoing": d.ongoing}


def _role(task: Task, unit_id: str) -> str | None:
    if unit_id in task.units:
        return "lead"
    if unit_id in task.co_units:
        return "cooperating"
    return None


def unit_profile(snapshot: Snapshot, unit: Unit) -> dict[str, Any]:
    """The JSON of ``policykg unit --json`` (provisional: read from the model)."""
    tasks: list[dict[str, Any]] = []
    co_responsible: dict[str, int] = {}
    for doc in snapshot.corpus.documents:
        for task in doc.tasks:
            role = _role(task, unit.id)
            if role is None:
                continue
            tasks.append(
                {
                    "doc": doc.id,
                    "number": task.number,
                    "role": role,
                    "deadline": _deadline(task),
                    "text": task.text,
                    "articles": [link.number for link in task.articles],
                }
            )
            for other in (*task.units, *task.co_units):
                if other != unit.id:
                    co_responsible[other] = co_responsible.get(other, 0) + 1
    obligations = [
        {"doc": doc.id, "article": article.number, "id": o.id, "text": o.text, "span": _span(o.span)}
        for doc in snapshot.corpus.documents
        for article in doc.articles()
        for o in article.obligations
        if any(b.unit_id == unit.id for b in o.bearers)
    ]
    return {
        "unit": {
            "id": unit.id,
            "name": unit.name,
            "kind": unit.kind,
            "aliases": [a.text for a in unit.aliases],
            "successor": unit.successor,
        },
        "tasks": sorted(tasks, key=lambda t: (t["deadline"]["due"] or "9999", t["doc"], t["number"])),
        "obligations": obligations,
        "co_units": [
            {"id": uid, "name": snapshot.units[uid].name if uid in snapshot.units else uid, "shared_tasks": n}
            for uid, n in sorted(co_responsible.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def _span(span: Any) -> dict[str, int]:
    return {"start": span.start, "end": span.end}


def trace(snapshot: Snapshot, doc: Document | None) -> dict[str, Any]:
    """The JSON of ``policykg trace --format json`` (provisional: from the model's task ⇄ article links)."""
    documents = [doc] if doc is not None else [d for d in snapshot.corpus.documents if d.tasks]
    out = []
    for d in documents:
        linked = {link.number for t in d.tasks for link in t.articles}
        out.append(
            {
                "doc": d.id,
                "title": d.title,
                "articles": [{"number": a.number, "label": a.label, "title": a.title} for a in d.articles()],
                "tasks": [{"number": t.number, "label": t.label or str(t.number)} for t in d.tasks],
                "matrix": [
                    {"task": t.number, "article": link.number, "score": link.score}
                    for t in d.tasks
                    for link in t.articles
                ],
                "articles_without_tasks": [a.number for a in d.articles() if a.number not in linked],
                "tasks_without_articles": [t.number for t in d.tasks if not t.articles],
                "tasks_without_units": [t.number for t in d.tasks if not t.units],
            }
        )
    if doc is not None:
        return out[0]
    return {"documents": out}


def due(snapshot: Snapshot, *, by: dt.date, unit: Unit | None, as_of: dt.date) -> dict[str, Any]:
    """The JSON of ``policykg due --json`` (provisional: tasks whose deadline falls on or before ``by``)."""
    rows = []
    for doc in snapshot.corpus.documents:
        for task in doc.tasks:
            if task.deadline.due is None or task.deadline.due > by.isoformat():
                continue
            if unit is not None and _role(task, unit.id) is None:
                continue
            rows.append(
                {
                    "doc": doc.id,
                    "number": task.number,
                    "text": task.text,
                    "deadline": _deadline(task),
                    "status": "overdue" if task.deadline.due < as_of.isoformat() else "open",
                    "units": [snapshot.units[u].name if u in snapshot.units else u for u in task.units],
                }
            )
    rows.sort(key=lambda r: (r["deadline"]["due"], r["doc"], r["number"]))
    return {
        "by": by.isoformat(),
        "as_of": as_of.isoformat(),
        "unit": unit.name if unit else None,
        "tasks": rows,
    }


_QUESTION_WORDS = re.compile(
    r"谁负责|由哪些单位负责|哪些单位|哪个单位|谁|负责|牵头|哪些|什么|吗|？|\?|的|工作"
)


def _terms(text: str) -> list[str]:
    return [t for t in re.split(r"[\s，,。、]+", _QUESTION_WORDS.sub(" ", text)) if t]


def search(snapshot: Snapshot, *, q: str, kind: str | None, limit: int, offset: int) -> dict[str, Any]:
    """The JSON of ``policykg search --json`` (provisional: substring match over tasks and articles)."""
    terms = _terms(q)
    hits: list[dict[str, Any]] = []
    for doc in snapshot.corpus.documents:
        items: list[tuple[str, int, str, str, tuple[str, ...]]] = []
        if kind in (None, "task"):
            items += [("task", t.number, t.label or str(t.number), t.text, t.units) for t in doc.tasks]
        if kind in (None, "article"):
            items += [("article", a.number, a.title, a.text, ()) for a in doc.articles()]
        for item_kind, number, title, text, unit_ids in items:
            score = sum(text.count(t) for t in terms)
            if score:
                snippet = text
                for t in terms:
                    snippet = snippet.replace(t, f"<b>{t}</b>")
                hits.append(
                    {
                        "kind": item_kind,
                        "doc": doc.id,
                        "doc_title": doc.title,
                        "number": number,
                        "title": title,
                        "score": float(score) + (0.5 if item_kind == "task" else 0.0),
                        "snippet": snippet,
                        "units": [snapshot.units[u].name if u in snapshot.units else u for u in unit_ids],
                    }
                )
    hits.sort(key=lambda h: (-h["score"], h["kind"] != "task", h["number"]))
    return {"query": q, "expanded": terms, "hits": hits[offset : offset + limit], "provisional": True}


def ask(snapshot: Snapshot, *, q: str) -> dict[str, Any]:
    """The JSON of ``policykg ask --json`` (provisional: the units of the tasks the search finds)."""
    found = search(snapshot, q=q, kind="task", limit=5, offset=0)["hits"]
    units: dict[str, dict[str, Any]] = {}
    for hit in found:
        doc = snapshot.documents[hit["doc"]]
        task = snapshot.task(doc, hit["number"])
        if task is None:
            continue
        for unit_id in (*task.units, *task.co_units):
            unit = snapshot.units.get(unit_id)
            entry = units.setdefault(
                unit_id,
                {
                    "id": unit_id,
                    "name": unit.name if unit else unit_id,
                    "role": _role(task, unit_id),
                    "score": 0.0,
                    "successor": unit.successor if unit else None,
                    "evidence": [],
                },
            )
            entry["score"] += hit["score"]
            entry["evidence"].append(
                {
                    "kind": "task",
                    "doc": doc.id,
                    "number": task.number,
                    "text": task.text,
                    "span": _span(task.span),
                    "path": ["topic", f"task {task.number}", entry["name"]],
                }
            )
    ranked = sorted(units.values(), key=lambda u: (-u["score"], u["name"]))
    return {"question": q, "topics": _terms(q), "units": ranked, "provisional": True}


_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX|BASE)\s+[^\n]*\s+)*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I
)


def sparql(
    snapshot: Snapshot, query: str, *, result_format: str | None, timeout_s: float, row_limit: int
) -> tuple[bytes, str]:
    """Run a read-only query; (payload, media type). Provisional: pyoxigraph directly, no row/time limit yet."""
    from search_api.errors import ApiError, BadParameter, Unavailable

    store = snapshot.resource("graph")
    if store is None:
        raise Unavailable("this build has no graph store", hint="rebuild with `policykg build`")
    if _UPDATE.search(query):
        raise ApiError("this endpoint is read-only: SPARQL updates are refused", code="update_refused")
    from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat

    try:
        result = store.raw(query)
    except SyntaxError as error:
        raise BadParameter(f"SPARQL syntax error: {error}", code="sparql_syntax") from None
    if isinstance(result, QuerySolutions | QueryBoolean):
        formats = {
            "json": QueryResultsFormat.JSON,
            "csv": QueryResultsFormat.CSV,
            "tsv": QueryResultsFormat.TSV,
            "xml": QueryResultsFormat.XML,
        }
        chosen = formats.get(result_format or "json")
        if chosen is None:
            raise BadParameter(f"a SELECT/ASK result cannot be given as {result_format}")
        if isinstance(result, QueryBoolean) and chosen in (QueryResultsFormat.CSV, QueryResultsFormat.TSV):
            chosen = QueryResultsFormat.JSON
        return result.serialize(format=chosen), chosen.media_type
    formats_rdf = {"turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES}
    chosen_rdf = formats_rdf.get(result_format or "turtle")
    if chosen_rdf is None:
        raise BadParameter(f"a CONSTRUCT/DESCRIBE result cannot be given as {result_format}")
    return result.serialize(format=chosen_rdf), chosen_rdf.media_type


def _unit_node(snapshot: Snapshot, unit_id: str) -> dict[str, Any]:
    unit = snapshot.units.get(unit_id)
    return {"id": f"unit/{unit_id}", "label": unit.name if unit else unit_id, "kind": "unit"}


def _task_node(doc: Document, task: Task) -> dict[str, Any]:
    return {
        "id": f"doc/{doc.id}/task/{task.number}",
        "label": f"任务{task.label or task.number}",
        "kind": "task",
        "text": task.text,
    }


def _article_node(doc: Document, number: int) -> dict[str, Any]:
    article = next((a for a in doc.articles() if a.number == number), None)
    label = f"{article.label}{article.title}" if article else str(number)
    return {
        "id": f"doc/{doc.id}/art/{number}",
        "label": label,
        "kind": "article",
        "text": article.text if article else "",
    }


def subgraph(snapshot: Snapshot, node: str) -> dict[str, Any] | None:
    """The neighbourhood of a unit, article or task (provisional: from the model; topics need the graph)."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []

    def add_task(doc: Document, task: Task, *, with_units: bool) -> str:
        task_node = _task_node(doc, task)
        nodes[task_node["id"]] = task_node
        for link in task.articles:
            art = _article_node(doc, link.number)
            nodes[art["id"]] = art
            edges.append({"source": task_node["id"], "target": art["id"], "label": "implements"})
        if with_units:
            for unit_id in (*task.units, *task.co_units):
                unit_node = _unit_node(snapshot, unit_id)
                nodes[unit_node["id"]] = unit_node
                role = _role(task, unit_id) or "lead"
                edges.append({"source": unit_node["id"], "target": task_node["id"], "label": role})
        return task_node["id"]

    parts = node.strip("/").split("/")
    if parts[0] == "unit" and len(parts) == 2:
        unit = snapshot.unit(parts[1]) or resolve_unit(snapshot, parts[1])
        if unit is None:
            return None
        center = _unit_node(snapshot, unit.id)
        nodes[center["id"]] = center
        for doc in snapshot.corpus.documents:
            for task in doc.tasks:
                role = _role(task, unit.id)
                if role:
                    task_id = add_task(doc, task, with_units=False)
                    edges.append({"source": center["id"], "target": task_id, "label": role})
        return {"center": center["id"], "nodes": list(nodes.values()), "edges": edges}
    if parts[0] == "doc" and len(parts) == 4 and parts[3].isdigit():
        doc = snapshot.documents.get(parts[1])
        if doc is None:
            return None
        number = int(parts[3])
        if parts[2] == "task":
            task = snapshot.task(doc, number)
            if task is None:
                return None
            center_id = add_task(doc, task, with_units=True)
            return {"center": center_id, "nodes": list(nodes.values()), "edges": edges}
        if parts[2] == "art":
            art = _article_node(doc, number)
            if not art["text"]:
                return None
            nodes[art["id"]] = art
            for task in doc.tasks:
                if any(link.number == number for link in task.articles):
                    add_task(doc, task, with_units=True)
            return {"center": art["id"], "nodes": list(nodes.values()), "edges": edges}
    return None
