"""The frozen policy model that every later stage reads.

Why frozen, slotted, keyword-only dataclasses with tuples: a built model is shared by the graph builder,
the index and the service; nobody may mutate it behind another's back, and stages return new values
(``dataclasses.replace``) instead.  Every extracted fact carries a :class:`Span` of character offsets into
the verbatim text of its document, so evidence can always be quoted and highlighted exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Modality = Literal["must", "shall", "should", "responsible", "prohibited", "encouraged", "may"]
UnitRole = Literal["lead", "cooperating"]
DocumentKind = Literal["policy", "law"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """Half-open character offsets ``[start, end)`` into a document's verbatim text."""

    start: int
    end: int

    def shift(self, offset: int) -> Span:
        """Return the span moved by ``offset`` characters.

        >>> Span(start=2, end=5).shift(10)
        Span(start=12, end=15)
        """
        return Span(start=self.start + offset, end=self.end + offset)


@dataclass(frozen=True, slots=True, kw_only=True)
class Deadline:
    """A completion time as printed (``2018年``, ``6月底前``, ``长期``) plus its parsed reading.

    ``due`` is the last day (ISO ``YYYY-MM-DD``) by which the task must be done, when one can be derived;
    ``ongoing`` marks open-ended deadlines (长期, 持续推进) that never fall due.
    """

    text: str
    span: Span | None = None
    year: int | None = None
    month: int | None = None
    end_year: int | None = None
    ongoing: bool = False
    due: str | None = None
    relative: str | None = None  # e.g. "事故结案后一年内": a deadline relative to an event


@dataclass(frozen=True, slots=True, kw_only=True)
class Frequency:
    """How often an action recurs: 每季度至少1次 → period quarter, min_count 1."""

    text: str
    period: Literal["day", "week", "month", "quarter", "halfyear", "year"] | None = None
    min_count: int | None = None
    max_count: int | None = None
    regular: bool = False  # 定期: periodic, period unstated


@dataclass(frozen=True, slots=True, kw_only=True)
class Quantity:
    """A required amount: 配备2名以上专职安全监管人员 → value 2, unit 名, comparator >=."""

    text: str
    value: int
    unit: str
    comparator: Literal[">=", "<=", "=", ">", "<"] = "="
    what: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Bearer:
    """Who carries an obligation: a resolved unit id or a role (企业, 各级党委和政府)."""

    text: str
    span: Span
    unit_id: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Obligation:
    """A sentence (or clause) that obliges, forbids or encourages someone to act."""

    id: str
    text: str
    span: Span
    trigger: str
    modality: Modality
    strength: float
    action: str
    bearers: tuple[Bearer, ...] = ()
    frequency: Frequency | None = None
    quantities: tuple[Quantity, ...] = ()
    deadline: Deadline | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Sentence:
    """One sentence of an article, ended by 。！？； or the end of a paragraph."""

    text: str
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """A numbered item inside an article: level 3 is ``1.``/``1、``, level 4 is ``（1）``/``(1)``."""

    level: int
    number: int
    label: str
    text: str
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """A numbered article: （一）… in a policy, 第X条 in a law."""

    number: int
    label: str
    title: str
    text: str
    span: Span
    sentences: tuple[Sentence, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    items: tuple[Item, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A top-level part: 一、总体要求 in a policy, 第一章 总则 in a law."""

    number: int
    label: str
    title: str
    span: Span
    articles: tuple[Article, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleLink:
    """Evidence that a task implements an article: the best-matching sentence and a score in [0, 1]."""

    number: int
    label: str
    score: float
    evidence: str
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitMention:
    """One unit name as printed in a cell or sentence, with the unit it resolved to (if any)."""

    text: str
    span: Span
    unit_id: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Task:
    """One row of a task-allocation table (重点任务分工方案)."""

    number: int
    text: str
    span: Span
    raw_units: str
    units: tuple[str, ...]
    deadline: Deadline
    label: str = ""  # the number as printed (numbering may restart per group; ``number`` never does)
    group: str = ""
    raw_co_units: str = ""
    co_units: tuple[str, ...] = ()
    mentions: tuple[UnitMention, ...] = ()
    articles: tuple[ArticleLink, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Citation:
    """A cited document: 《安全生产法》 or a document number such as 中发〔2016〕32号."""

    text: str
    title: str
    span: Span
    doc_number: str | None = None
    target: str | None = None  # id of the cited document when it is in the corpus


@dataclass(frozen=True, slots=True, kw_only=True)
class Warning:
    """Something ingest noticed but could work around; shown in the build summary."""

    code: str
    message: str
    source: str = ""
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice:
    """The notice (印发/转发…的通知, or a 函 carrying a 征求意见稿) that wraps a document's policy, as printed.

    Why apart from the document: the notice has its own title, number, issuer and date, while the document's
    ``title`` is the policy it carries (what users look for and cite).  ``title`` is None when the notice
    prints none (a number line, an addressee and 现将《…》印发给你们).
    """

    title: str | None
    span: Span
    doc_numbers: tuple[str, ...] = ()
    issuer: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """One source document, its verbatim text and everything extracted from it."""

    id: str
    source: str
    title: str
    text: str
    kind: DocumentKind = "policy"
    status: str | None = None
    issuer: str | None = None
    doc_numbers: tuple[str, ...] = ()
    date: str | None = None
    preamble: str = ""
    sections: tuple[Section, ...] = ()
    tasks: tuple[Task, ...] = ()
    citations: tuple[Citation, ...] = ()
    warnings: tuple[Warning, ...] = ()
    sha256: str = ""
    notice: Notice | None = None

    def articles(self) -> tuple[Article, ...]:
        """All articles in reading order, across sections."""
        return tuple(article for section in self.sections for article in section.articles)


@dataclass(frozen=True, slots=True, kw_only=True)
class AliasRecord:
    """A surface form seen for a unit, and why it was judged to mean that unit."""

    text: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Unit:
    """One real body (or a named group of bodies) with every name it was printed under."""

    id: str
    name: str
    kind: str
    aliases: tuple[AliasRecord, ...] = ()
    members: tuple[str, ...] = ()  # unit ids, for groups (各镇办)
    is_group: bool = False
    level: str | None = None  # 区 / 市 / 省 / 镇 …
    successor: str | None = None  # current name after the institutional reform, when renamed
    function: str | None = (
        None  # the standard function it performs (安全生产监督管理局 for 区安监局), from the gazetteer
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Duplicate:
    """A file whose text (whitespace aside) is another file's: it is not a second document."""

    path: str
    same_as: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Corpus:
    """Everything one build produced: documents, the unit register and what could not be resolved."""

    documents: tuple[Document, ...] = ()
    units: tuple[Unit, ...] = ()
    unresolved: tuple[str, ...] = ()
    warnings: tuple[Warning, ...] = field(default=())
    duplicates: tuple[Duplicate, ...] = ()
