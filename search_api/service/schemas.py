"""Pydantic response models of the JSON API (what ``/docs`` shows and what every route returns).

Why two kinds of model: the document, article, task and unit views are shaped here, for the web page (closed
models, every field declared). The search, ask, unit-profile, trace and due answers are the CLI's ``--json``
documents, owned by the packages that compute them; their models declare the documented fields and allow extra
ones (``extra="allow"``), so a field added on the CLI side reaches API clients unchanged.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    """A CLI-owned document: documented fields checked, extra fields passed through as they are."""

    model_config = ConfigDict(extra="allow")


class SpanOut(BaseModel):
    """Half-open character offsets into the document's verbatim text."""

    start: int
    end: int


class DeadlineOut(BaseModel):
    """A completion time as printed, and its reading (``due`` is an ISO date when one can be derived)."""

    text: str
    due: str | None = None
    year: int | None = None
    month: int | None = None
    end_year: int | None = None
    ongoing: bool = False
    relative: str | None = None
    span: SpanOut | None = None


class UnitRef(BaseModel):
    """A unit named by a task or obligation, as printed and as resolved."""

    id: str | None
    name: str
    printed: str
    role: str
    kind: str | None = None
    successor: str | None = None
    span: SpanOut | None = None


class TaskBrief(BaseModel):
    """A task in a list (beside an article, in a document)."""

    doc: str
    number: int
    label: str
    text: str
    deadline: DeadlineOut
    units: list[str] = Field(description="names of the lead units")
    score: float | None = Field(
        None, description="how well the task matches the article, when listed beside one"
    )


class ArticleBrief(BaseModel):
    """An article in a document's outline."""

    number: int
    label: str
    title: str
    text: str
    span: SpanOut
    tasks: list[int] = Field(description="numbers of the tasks that implement this article")
    occurrence: int = Field(
        default=0, description="0 for the first article of its number, 1 for the next (numbering restarts per section)"
    )


class SectionOut(BaseModel):
    """A top-level part of a document with its articles."""

    number: int
    label: str
    title: str
    span: SpanOut
    articles: list[ArticleBrief]
    part: int = 0  # the attachment (附件N) it belongs to; 0: the document's own body


class PartOut(BaseModel):
    """An attachment (附件1 …) of a document, with its own sections."""

    number: int
    label: str
    title: str
    span: SpanOut


class CitationLink(BaseModel):
    """A printed piece of a citation that links into the corpus: the title to the cited document, each 第X条 of
    the locator to the cited article (``article``) when that document has it."""

    start: int
    end: int
    text: str
    doc: str
    article: int | None = None


class CitationOut(BaseModel):
    """A cited document, resolved to a document of the corpus when possible, and the article cited in it."""

    text: str
    title: str
    doc_number: str | None = None
    target: str | None = None
    span: SpanOut
    article: int | None = None
    paragraph: int | None = None
    item: int | None = None
    articles: list[int] = []
    locator: str = ""
    target_articles: list[int] = []
    links: list[CitationLink] = []


class DocumentSummary(BaseModel):
    """One document in the list."""

    id: str
    title: str
    kind: str
    status: str | None = None
    issuer: str | None = None
    date: str | None = None
    doc_numbers: list[str] = []
    source: str
    sections: int
    articles: int
    tasks: int
    revision_of: list[str] = Field(default=[], description="ids of the documents this one revises (its drafts)")
    revised_by: list[str] = Field(default=[], description="ids of the documents that revise this one")


class DocumentList(BaseModel):
    """``GET /api/documents``."""

    documents: list[DocumentSummary]


class DocumentDetail(DocumentSummary):
    """``GET /api/documents/{doc}``: the document read as its structure, tasks beside each article."""

    preamble: str
    outline: list[SectionOut]
    parts: list[PartOut] = []
    task_list: list[TaskBrief]
    citations: list[CitationOut]
    articles_without_tasks: list[int]


class SentenceOut(BaseModel):
    """One sentence of an article."""

    text: str
    span: SpanOut


class ObligationOut(BaseModel):
    """An obliging clause with its bearers."""

    id: str
    text: str
    span: SpanOut
    modality: str
    trigger: str
    action: str
    bearers: list[UnitRef]
    deadline: DeadlineOut | None = None
    frequency: str | None = None


class Neighbour(BaseModel):
    """The previous or next item in reading order."""

    number: int
    label: str
    occurrence: int = 0  # an article's, when its document repeats the number (see ArticleBrief)


class ArticleDetail(BaseModel):
    """``GET /api/documents/{doc}/articles/{n}`` with the tasks that implement it."""

    doc: str
    doc_title: str
    number: int
    occurrence: int = 0
    label: str
    title: str
    text: str
    span: SpanOut
    section: Neighbour
    section_title: str
    sentences: list[SentenceOut]
    obligations: list[ObligationOut]
    tasks: list[TaskBrief]
    citations: list[CitationOut] = []
    previous: Neighbour | None = None
    next: Neighbour | None = None


class ArticleLinkOut(BaseModel):
    """An article a task implements, with the best-matching sentence."""

    number: int
    label: str
    title: str
    score: float
    evidence: str
    span: SpanOut


class TaskDetail(BaseModel):
    """``GET /api/documents/{doc}/tasks/{n}`` with its articles and units."""

    doc: str
    doc_title: str
    number: int
    label: str
    group: str
    text: str
    span: SpanOut
    deadline: DeadlineOut
    raw_units: str
    raw_co_units: str
    units: list[UnitRef]
    articles: list[ArticleLinkOut]
    previous: Neighbour | None = None
    next: Neighbour | None = None


class UnitSummary(BaseModel):
    """One unit of the register."""

    id: str
    name: str
    kind: str
    level: str | None = None
    aliases: list[str]
    successor: str | None = None
    is_group: bool = False
    members: list[str] = []
    lead_tasks: int = 0
    cooperating_tasks: int = 0


class UnitList(BaseModel):
    """``GET /api/units``."""

    units: list[UnitSummary]


class SearchHit(Open):
    """One hit of ``policykg search --json``."""

    kind: str
    doc: str | None = None
    number: int | None = None
    occurrence: int = 0
    title: str | None = None
    score: float | None = None
    snippet: str | None = None


class SearchAnswer(Open):
    """``GET /api/search``: the JSON of ``policykg search --json``."""

    query: str
    hits: list[SearchHit]
    basis: str = Field(
        default="words",
        description="how the hits were ranked: words (no semantic leg), literal (the query's words lead), "
        "meaning (they stand nowhere: by similar meaning), fused (words and meaning by reciprocal rank)",
    )


class AskAnswer(Open):
    """``GET /api/ask``: the JSON of ``policykg ask --json``."""

    question: str
    topics: list[Any]
    units: list[dict[str, Any]]


class UnitProfile(Open):
    """``GET /api/units/{id}``: the JSON of ``policykg unit --json``."""

    unit: Any
    tasks: list[dict[str, Any]]
    obligations: list[dict[str, Any]] = []


class TraceAnswer(Open):
    """``GET /api/trace``: the JSON of ``policykg trace --format json``."""


class DueAnswer(Open):
    """``GET /api/due``: the JSON of ``policykg due --json``."""

    tasks: list[dict[str, Any]]


class DiffAnswer(Open):
    """``GET /api/diff``: the JSON of ``policykg diff --json``."""

    old: dict[str, Any]
    new: dict[str, Any]
    revision: str | None = None
    summary: dict[str, Any]
    sections: dict[str, Any]
    articles: dict[str, Any]
    tasks: dict[str, Any]
    units: dict[str, Any]


class GraphNode(Open):
    """A node of a neighbourhood: IRI, label, kind (Unit, Concept, Article, Task, Document …)."""

    id: str
    label: str | None = None
    kind: str | None = None


class GraphEdge(Open):
    """An edge of a neighbourhood: relation (leadUnit, implementsArticle, subject …) and role when a unit's."""

    source: str
    target: str
    rel: str | None = None
    role: str | None = None


class GraphAnswer(Open):
    """``GET /api/graph``: the neighbourhood of one node (``kg.network.subgraph``), for the interactive view."""

    center: list[str]
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class Health(BaseModel):
    """``GET /healthz``: which build is served and its manifest."""

    ok: bool
    build: str
    opened_at: float
    reloads: int
    resources: list[str]
    manifest: dict[str, Any]
    store: str | None = None  # the SPARQL server the graph is read from (``--store``); null: the folder's own
    pid: int  # the server process that answered: with ``serve --workers N``, which of the N (a load balancing check)


class ErrorOut(BaseModel):
    """The one error shape."""

    ok: bool = False
    code: str
    error: str
    status: int
    hint: str | None = None
