"""Traceability: the article × task matrix of each policy document, with its gaps and scores.

Gaps: articles no task implements (``articles_without_tasks``, as article numbers), tasks that match no article
(``tasks_without_articles``) and tasks that name no resolvable lead unit (``tasks_without_units``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kg import queries
from kg.store import GraphStore, Row, rows_by


@dataclass(frozen=True, slots=True, kw_only=True)
class Trace:
    """The matrix and the gaps of one document."""

    doc: str
    title: str
    articles: tuple[dict[str, Any], ...]
    tasks: tuple[dict[str, Any], ...]
    links: tuple[dict[str, Any], ...]
    articles_without_tasks: tuple[int, ...]
    tasks_without_articles: tuple[int, ...]
    tasks_without_units: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form; ``matrix`` maps each article number to ``{task number: score}``."""
        matrix: dict[str, dict[str, float]] = {str(a["number"]): {} for a in self.articles}
        for link in self.links:
            matrix.setdefault(str(link["article"]), {})[str(link["task"])] = link["score"]
        return {
            "doc": self.doc,
            "title": self.title,
            "articles": list(self.articles),
            "tasks": list(self.tasks),
            "links": list(self.links),
            "matrix": matrix,
            "articles_without_tasks": list(self.articles_without_tasks),
            "tasks_without_articles": list(self.tasks_without_articles),
            "tasks_without_units": list(self.tasks_without_units),
        }


def documents_with_tasks(store: GraphStore, ids: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(id, title) of every document that has a task table, or of those among ``ids`` (in the store's order).

    Why ``ids``: a question about one or two documents must not read every document's title; at thousands of
    documents that read was most of a traceability answer's cost."""
    with_tasks = task_document_ids(store, ids)
    if not with_tasks:
        return []
    titles = {str(r["doc"]): str(r["title"]) for r in store.select(queries.document_titles_sparql(with_tasks))}
    return [(doc, titles[doc]) for doc in with_tasks if doc in titles]


def task_document_ids(store: GraphStore, ids: Sequence[str] = ()) -> list[str]:
    """Ids of every document that has a task table, or of those among ``ids``, sorted: no titles (a caller that
    shows a page of them reads the page's titles only)."""
    return sorted({str(r["doc"]) for r in store.select(queries.documents_with_tasks_sparql(ids))})


def documents_for_article(
    store: GraphStore, article: int | None, *, with_tasks: Sequence[str] | None = None
) -> tuple[list[str], int]:
    """Ids of the documents with a task table, those in which a task implements article ``article`` first, then
    the others, each group by id; and how many there are.

    Why this order: a question about article N of no named document ("which tasks implement article 22") is
    answered by the documents where that article has tasks; the others show it as a gap. Why only ids: at
    thousands of documents the caller shows a few, and reading every matrix took 40 s at 10,000 documents.
    ``with_tasks``: the documents with a task table, sorted, when the caller knows them (the build's register)."""
    with_tasks = task_document_ids(store) if with_tasks is None else list(with_tasks)
    implementing = {str(r["doc"]) for r in store.select(queries.linked_articles_sparql()) if r["number"] == article}
    first = [d for d in with_tasks if d in implementing]
    return first + [d for d in with_tasks if d not in implementing], len(with_tasks)


def trace_document(doc: str, title: str, *, article_rows: list[Row], task_rows: list[Row]) -> Trace:
    """The matrix of one document from its article and task rows (:func:`trace` reads them for all the
    documents it shows in two queries)."""
    articles = tuple(
        {"number": r["number"], "label": r["label"], "title": r["title"] or ""} for r in article_rows
    )
    tasks = []
    links = []
    for _task, rows in rows_by(task_rows, "task").items():
        first = rows[0]
        tasks.append({"number": first["number"], "text": first["text"], "has_units": bool(first["units"])})
        links.extend(
            {"article": r["anumber"], "task": first["number"], "score": r["score"]} for r in rows if r["article"]
        )
    tasks.sort(key=lambda t: int(t["number"] or 0))
    links.sort(key=lambda link: (int(link["article"] or 0), int(link["task"] or 0)))
    linked_articles = {link["article"] for link in links}
    linked_tasks = {link["task"] for link in links}
    return Trace(
        doc=doc,
        title=title,
        articles=articles,
        tasks=tuple(tasks),
        links=tuple(links),
        articles_without_tasks=tuple(int(a["number"]) for a in articles if a["number"] not in linked_articles),
        tasks_without_articles=tuple(int(t["number"]) for t in tasks if t["number"] not in linked_tasks),
        tasks_without_units=tuple(int(t["number"]) for t in tasks if not t["has_units"]),
    )


def trace(store: GraphStore, *, doc: str | None = None, docs: Sequence[str] = ()) -> tuple[Trace, ...]:
    """Matrices of every document with a task table, of the one whose id or title is ``doc``, or of the
    documents whose ids are ``docs`` (in that order).

    Why articles and tasks are read for the chosen documents only: most documents of a large build have no task
    table, and reading every article of the corpus made a one-document answer cost as much as the corpus."""
    if doc is not None:
        documents = documents_with_tasks(store, [doc])  # an id, read directly
        if not documents:
            every = documents_with_tasks(store)
            documents = [(d, t) for d, t in every if doc == t] or [(d, t) for d, t in every if doc in t]
    elif docs:
        found = dict(documents_with_tasks(store, docs))
        documents = [(d, found[d]) for d in dict.fromkeys(docs) if d in found]
    else:
        documents = documents_with_tasks(store)
    if not documents:
        return ()
    ids = [d for d, _title in documents]
    articles = rows_by(store.select(queries.doc_articles_sparql(ids)), "doc")
    tasks = rows_by(store.select(queries.doc_tasks_sparql(ids)), "doc")
    return tuple(
        trace_document(d, t, article_rows=articles.get(d, []), task_rows=tasks.get(d, []))
        for d, t in documents
    )
