"""Documents, articles and tasks, each with its links: the article's tasks, the task's articles and units.

Why shaped here: these are views of the model for the page (a document read as its structure, tasks beside each
article); the facts all come from the build's model, nothing is recomputed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Path, Query

from ingest.citations import printed_articles
from ingest.model import Article, Citation, Deadline, Document, Revision, Section, Span, Task
from search_api.errors import NotFound
from search_api.facade import Build
from search_api.service.routes.deps import SnapshotDep
from search_api.service.schemas import (
    ArticleBrief,
    ArticleDetail,
    ArticleLinkOut,
    CitationLink,
    CitationOut,
    DeadlineOut,
    DocumentDetail,
    DocumentList,
    DocumentSummary,
    Neighbour,
    ObligationOut,
    PartOut,
    SectionOut,
    SentenceOut,
    TaskBrief,
    TaskDetail,
    UnitRef,
)

router = APIRouter(prefix="/api/documents", tags=["documents"])

DocPath = Annotated[str, Path(description="document id (or exact title)", max_length=500)]
NumberPath = Annotated[int, Path(ge=0, le=1_000_000)]


def span_out(span: Span) -> dict[str, int]:
    """A span as JSON."""
    return {"start": span.start, "end": span.end}


def citation_out(doc: Document, citation: Citation) -> CitationOut:
    """A citation as JSON, with the printed pieces that link into the corpus (title → document, 第X条 → article)."""
    links = []
    if citation.target and citation.target != doc.id:
        span = citation.span
        links.append(CitationLink(start=span.start, end=span.end, text=citation.text, doc=citation.target))
        links.extend(
            CitationLink(start=start, end=end, text=doc.text[start:end], doc=citation.target, article=number)
            for start, end, number in printed_articles(doc.text, citation)
            if number in citation.target_articles
        )
    return CitationOut(
        text=citation.text,
        title=citation.title,
        doc_number=citation.doc_number,
        target=citation.target,
        span=span_out(citation.span),
        article=citation.article,
        paragraph=citation.paragraph,
        item=citation.item,
        articles=list(citation.articles),
        locator=citation.locator,
        target_articles=list(citation.target_articles),
        links=links,
    )


def deadline_out(deadline: Deadline) -> DeadlineOut:
    """A deadline as JSON."""
    return DeadlineOut(
        text=deadline.text,
        due=deadline.due,
        year=deadline.year,
        month=deadline.month,
        end_year=deadline.end_year,
        ongoing=deadline.ongoing,
        relative=deadline.relative,
        span=span_out(deadline.span) if deadline.span else None,
    )


def unit_ref(
    snapshot: Build, unit_id: str | None, *, printed: str, role: str, span: Span | None
) -> UnitRef:
    """A unit as named in one place, with its canonical name and successor."""
    unit = snapshot.units.get(unit_id) if unit_id else None
    return UnitRef(
        id=unit_id,
        name=unit.name if unit else printed,
        printed=printed,
        role=role,
        kind=unit.kind if unit else None,
        successor=unit.successor if unit else None,
        span=span_out(span) if span else None,
    )


def task_units(snapshot: Build, task: Task) -> list[UnitRef]:
    """The task's units in printed order, lead units first, each with its role."""
    refs: list[UnitRef] = []
    seen: set[str] = set()
    for mention in task.mentions:
        role = (
            "cooperating"
            if mention.unit_id in task.co_units and mention.unit_id not in task.units
            else "lead"
        )
        refs.append(unit_ref(snapshot, mention.unit_id, printed=mention.text, role=role, span=mention.span))
        seen.add(mention.unit_id or mention.text)
    for role, ids in (("lead", task.units), ("cooperating", task.co_units)):
        for unit_id in ids:
            if unit_id not in seen:
                refs.append(unit_ref(snapshot, unit_id, printed=unit_id, role=role, span=None))
                seen.add(unit_id)
    return sorted(refs, key=lambda r: r.role != "lead")


def task_brief(snapshot: Build, doc: Document, task: Task, *, score: float | None = None) -> TaskBrief:
    """A task in a list."""
    names = [snapshot.units[u].name if u in snapshot.units else u for u in task.units]
    return TaskBrief(
        doc=doc.id,
        number=task.number,
        label=task.label or str(task.number),
        text=task.text,
        deadline=deadline_out(task.deadline),
        units=names,
        score=score,
    )


def tasks_by_article(doc: Document) -> dict[int, list[tuple[Task, float]]]:
    """Article number → the tasks that implement it, best match first."""
    found: dict[int, list[tuple[Task, float]]] = defaultdict(list)
    for task in doc.tasks:
        for link in task.articles:
            found[link.number].append((task, link.score))
    return {n: sorted(pairs, key=lambda p: (-p[1], p[0].number)) for n, pairs in found.items()}


def summary(doc: Document, revisions: Sequence[Revision] = ()) -> DocumentSummary:
    """A document in the list, with the documents it revises and those that revise it."""
    return DocumentSummary(
        id=doc.id,
        title=doc.title,
        kind=doc.kind,
        status=doc.status,
        issuer=doc.issuer,
        date=doc.date,
        doc_numbers=list(doc.doc_numbers),
        source=doc.source,
        sections=len(doc.sections),
        articles=len(doc.articles()),
        tasks=len(doc.tasks),
        revision_of=[r.old for r in revisions if r.new == doc.id],
        revised_by=[r.new for r in revisions if r.old == doc.id],
    )


def find_document(snapshot: Build, key: str) -> Document:
    """The document or :class:`NotFound`."""
    doc = snapshot.document(key)
    if doc is None:
        raise NotFound(f"no document {key!r} in this build", hint="GET /api/documents lists them")
    return doc


def _find_article(
    doc: Document, number: int, occurrence: int = 0
) -> tuple[Section, Article, tuple[Neighbour | None, Neighbour | None]]:
    """The article (the ``occurrence``-th of that number), its section, and the articles before and after it in
    reading order (numbers may repeat across sections), found in one pass over the document."""
    ordered = doc.numbered_articles()
    for index, (section, article, seen) in enumerate(ordered):
        if article.number == number and seen == occurrence:
            steps = [Neighbour(number=a.number, label=a.label, occurrence=k) for _, a, k in ordered]
            return section, article, _neighbours(steps, index)
    again = f" (occurrence {occurrence})" if occurrence else ""
    raise NotFound(f"document {doc.id} has no article {number}{again}")


def _neighbours(steps: Sequence[Neighbour], index: int) -> tuple[Neighbour | None, Neighbour | None]:
    """The items before and after ``steps[index]`` (None at either end)."""
    before = steps[index - 1] if index > 0 else None
    after = steps[index + 1] if index + 1 < len(steps) else None
    return before, after


@router.get("", response_model=DocumentList, summary="The documents of the build")
async def documents(snapshot: SnapshotDep) -> DocumentList:
    """Every document with its counts."""
    return DocumentList(documents=[summary(d, snapshot.revisions) for d in snapshot.corpus.documents])


@router.get("/{doc}", response_model=DocumentDetail, summary="A document read as its structure")
async def document(snapshot: SnapshotDep, doc: DocPath) -> DocumentDetail:
    """Sections ▸ articles with the numbers of the tasks beside each article, the task list and citations."""
    found = find_document(snapshot, doc)
    by_article = tasks_by_article(found)  # a task names its article by number: the first of that number
    occurrences = {id(a): occurrence for _, a, occurrence in found.numbered_articles()}
    outline = [
        SectionOut(
            number=s.number,
            label=s.label,
            title=s.title,
            span=span_out(s.span),
            part=s.part,
            articles=[
                ArticleBrief(
                    number=a.number,
                    label=a.label,
                    title=a.title,
                    text=a.text,
                    span=span_out(a.span),
                    tasks=[] if occurrences[id(a)] else [t.number for t, _ in by_article.get(a.number, [])],
                    occurrence=occurrences[id(a)],
                )
                for a in s.articles
            ],
        )
        for s in found.sections
    ]
    return DocumentDetail(
        **summary(found, snapshot.revisions).model_dump(),
        preamble=found.preamble,
        outline=outline,
        parts=[
            PartOut(number=p.number, label=p.label, title=p.title, span=span_out(p.span)) for p in found.parts
        ],
        task_list=[task_brief(snapshot, found, t) for t in found.tasks],
        citations=[citation_out(found, c) for c in found.citations],
        articles_without_tasks=[a.number for a in found.articles() if a.number not in by_article],
    )


@router.get(
    "/{doc}/articles/{n}", response_model=ArticleDetail, summary="An article and the tasks implementing it"
)
async def article(
    snapshot: SnapshotDep,
    doc: DocPath,
    n: NumberPath,
    occurrence: Annotated[
        int, Query(ge=0, le=1_000, description="which article of that number: 0 the first, 1 the next …")
    ] = 0,
) -> ArticleDetail:
    """The article's text, sentences, obligations (with bearers) and the tasks linked to it."""
    found = find_document(snapshot, doc)
    section, art, (previous, following) = _find_article(found, n, occurrence)
    obligations = [
        ObligationOut(
            id=o.id,
            text=o.text,
            span=span_out(o.span),
            modality=o.modality,
            trigger=o.trigger,
            action=o.action,
            bearers=[
                unit_ref(snapshot, b.unit_id, printed=b.text, role=b.role or "bearer", span=b.span)
                for b in o.bearers
            ],
            deadline=deadline_out(o.deadline) if o.deadline else None,
            frequency=o.frequency.text if o.frequency else None,
        )
        for o in art.obligations
    ]
    return ArticleDetail(
        doc=found.id,
        doc_title=found.title,
        number=art.number,
        occurrence=occurrence,
        label=art.label,
        title=art.title,
        text=art.text,
        span=span_out(art.span),
        section=Neighbour(number=section.number, label=section.label),
        section_title=section.title,
        sentences=[SentenceOut(text=s.text, span=span_out(s.span)) for s in art.sentences],
        obligations=obligations,
        citations=[citation_out(found, c) for c in found.citations if art.span.start <= c.span.start < art.span.end],
        tasks=[
            task_brief(snapshot, found, t, score=score)
            for t, score in ([] if occurrence else tasks_by_article(found).get(n, []))
        ],
        previous=previous,
        next=following,
    )


@router.get("/{doc}/tasks/{n}", response_model=TaskDetail, summary="A task with its articles and units")
async def task(snapshot: SnapshotDep, doc: DocPath, n: NumberPath) -> TaskDetail:
    """The task row: text, deadline, units (lead and co-operating, with successors) and the articles it implements."""
    found = find_document(snapshot, doc)
    row = snapshot.task(found, n)
    if row is None:
        raise NotFound(f"document {found.id} has no task {n}")
    titles = {a.number: a.title for a in found.articles()}
    steps = [Neighbour(number=t.number, label=t.label or str(t.number)) for t in found.tasks]
    previous, following = _neighbours(steps, next(i for i, t in enumerate(found.tasks) if t.number == n))
    return TaskDetail(
        doc=found.id,
        doc_title=found.title,
        number=row.number,
        label=row.label or str(row.number),
        group=row.group,
        text=row.text,
        span=span_out(row.span),
        deadline=deadline_out(row.deadline),
        raw_units=row.raw_units,
        raw_co_units=row.raw_co_units,
        units=task_units(snapshot, row),
        articles=[
            ArticleLinkOut(
                number=link.number,
                label=link.label,
                title=titles.get(link.number, ""),
                score=link.score,
                evidence=link.evidence,
                span=span_out(link.span),
            )
            for link in row.articles
        ],
        previous=previous,
        next=following,
    )
