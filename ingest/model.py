"""The frozen policy model that every later stage reads.

Why frozen, slotted, keyword-only dataclasses with tuples: a built model is shared by the graph builder,
the index and the service; nobody may mutate it behind another's back, and stages return new values
(``dataclasses.replace``) instead.  Every extracted fact carries a :class:`Span` of character offsets into
the verbatim text of its document, so evidence can always be quoted and highlighted exactly.

Identity lives here too (:func:`document_id`, :func:`initials`): document ids (ingest) and graph IRIs (kg)
both turn Chinese into pinyin initials, and one function keeps the two spellings the same.
"""

from __future__ import annotations

import hashlib
import re
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
    # Laws and regulations only (ingest/duties.py): regulator | duty_holder, what the duty is about, its scope
    # (本行政区域内, 按照职责分工 …) and whether the clause governs the object rather than mentioning it.
    duty_kind: str | None = None
    duty_object: str = ""
    scope: str = ""
    governing: bool = False


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
    part: int = 0  # the attachment (附件N) it belongs to; 0: the document's own body


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """An attachment (附件1 …) of a document: its number, the label and title as printed, and its span (from
    its marker line to the next part, or the end of the text)."""

    number: int
    label: str
    title: str
    span: Span


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
    """A cited document: 《安全生产法》 or a document number such as 中发〔2016〕32号, and the article cited in it
    (《安全生产法》第二十一条第二款: article 21, paragraph 2) when one is printed right after the title."""

    text: str
    title: str
    span: Span
    doc_number: str | None = None
    target: str | None = None  # id of the cited document when it is in the corpus
    article: int | None = None  # 第二十一条 (the first one of a list)
    paragraph: int | None = None  # 第二款
    item: int | None = None  # 第三项
    articles: tuple[int, ...] = ()  # every article printed: 第二十一条、第二十二条 → (21, 22); 第五条至第七条 → (5, 6, 7)
    locator: str = ""  # the article reference as printed after the title
    target_articles: tuple[int, ...] = ()  # those of ``articles`` the cited document in the corpus has


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
    # The place whose law this is (枣庄市, 山东省, 王益区; 全国 for a national law) and the places above it,
    # nearest first: a question naming a place is answered from that place's documents, then from these.
    jurisdiction: str | None = None
    jurisdiction_chain: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()  # attachments, each with its own sections (Section.part)

    def articles(self) -> tuple[Article, ...]:
        """All articles in reading order, across sections."""
        return tuple(article for section in self.sections for article in section.articles)

    def numbered_articles(self) -> tuple[tuple[Section, Article, int], ...]:
        """Each article in reading order with its section and its occurrence: 0 for the first article of its
        number, 1 for the next one of the same number, ….  Notices restart （一） in every section, so a number
        alone does not name an article; the graph's IRIs and the index's record ids both count this way."""
        seen: dict[int, int] = {}
        out = []
        for section in self.sections:
            for article in section.articles:
                out.append((section, article, seen.get(article.number, 0)))
                seen[article.number] = seen.get(article.number, 0) + 1
        return tuple(out)


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
class Revision:
    """Document ``new`` revises document ``old`` (``prov:wasRevisionOf``): a final and its draft.

    ``basis`` says how the build knew: ``title`` (one title stem, the old one marked 征求意见稿, 草案, 试行 …) or
    ``supersedes`` (``policykg build --supersedes OLD=NEW``).
    """

    old: str
    new: str
    basis: Literal["title", "supersedes"] = "title"


@dataclass(frozen=True, slots=True, kw_only=True)
class Corpus:
    """Everything one build produced: documents, the unit register and what could not be resolved."""

    documents: tuple[Document, ...] = ()
    units: tuple[Unit, ...] = ()
    unresolved: tuple[str, ...] = ()
    warnings: tuple[Warning, ...] = field(default=())
    duplicates: tuple[Duplicate, ...] = ()
    revisions: tuple[Revision, ...] = ()


# Identity: readable ASCII keys for Chinese text.
_NOT_ID_CHAR = re.compile(r"[^a-z0-9]")
_WHITESPACE = re.compile(r"\s+")


def initials(text: str, *, limit: int = 24, empty: str = "x") -> str:
    """Pinyin initials of ``text``, lower-case ASCII letters and digits only, at most ``limit`` of them.

    >>> initials("中华人民共和国安全生产法")
    'zhrmghgaqscf'
    """
    from pypinyin import Style, lazy_pinyin

    letters = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return _NOT_ID_CHAR.sub("", letters)[:limit] or empty


def short_hash(text: str, length: int = 6) -> str:
    """The first ``length`` hex digits of the SHA-1 of ``text``.

    >>> short_hash("安全")
    '8e662a'
    """
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def normalised_text(text: str) -> str:
    """Text with all whitespace removed: the same document saved with CRLF, other indentation or a trailing
    newline has the same normalised text (and so the same id)."""
    return _WHITESPACE.sub("", text.replace("\ufeff", "").replace("\u3000", ""))


def document_id(title: str, text: str) -> str:
    """A document's id: a readable slug of its title plus a hash of its whitespace-normalised text.

    Why the text and not the title: two documents with one title (a draft and its final) are two documents,
    and one text reached by two paths is one.

    >>> document_id("中华人民共和国安全生产法", "第一条　为了加强安全生产工作。")
    'zhrmghgaqscf-377793'
    >>> document_id("中华人民共和国安全生产法", "第一条 为了加强安全生产工作。\\r\\n")
    'zhrmghgaqscf-377793'
    """
    return f"{initials(title, empty='doc')}-{short_hash(normalised_text(text))}"
