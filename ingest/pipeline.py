"""The ingest pipeline: files ─► :class:`~ingest.model.Corpus`, one small stage after another.

Why two passes: structure, tables and sentences are per document, but unit names are resolved per
jurisdiction across all of its documents (a typo is recognised against the other names printed nearby)
and citations resolve to other documents of the corpus, so both wait until every document is parsed.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.attachments import clip_to_parts, find_parts
from ingest.citations import citation_key, find_citations
from ingest.deadlines import parse_deadline
from ingest.duties import document_jurisdiction, with_duties
from ingest.duty_lists import DutyHeading, find_duty_headings, is_duty_list, is_post, with_duty_lists
from ingest.errors import IngestError
from ingest.lines import split_lines
from ingest.linking import link_task
from ingest.metadata import NoticeMetadata, read_metadata
from ingest.model import (
    Corpus,
    Document,
    Duplicate,
    Notice,
    Section,
    Span,
    Task,
    UnitMention,
    Warning,
    document_id,
    normalised_text,
)
from ingest.obligations import extract_article_obligations
from ingest.parallel import ordered_map, state
from ingest.read import read_document, reader_notes
from ingest.revisions import find_revisions, is_draft
from ingest.sentences import split_sentences
from ingest.structure import build_sections, uses_law_numbering
from ingest.tables import RawTask, parse_task_table
from ingest.units import (
    UnitRegister,
    build_register,
    find_unit_names,
    jurisdiction_from_title,
    split_unit_cell,
)

# A document longer than this (in non-blank characters) is expected to number its parts: without any, its
# structure was probably missed.  A short notice, 批复 or 函 without numbered articles is normal.
UNSTRUCTURED_LENGTH = 3000
LAW_TITLE = re.compile(r"(?:法|条例|规定|细则|办法)$")
_YEAR = re.compile(r"(20\d{2})\s*年")


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedDocument:
    """A document after the per-document pass, with its task rows still raw."""

    document: Document
    raw_tasks: tuple[RawTask, ...]
    jurisdiction: str | None
    duty_headings: tuple[DutyHeading, ...] = ()  # 区公安分局工作职责： and the duties under it (ingest/duty_lists.py)


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """A file that could not be ingested, and why."""

    source: str
    code: str
    reason: str


def _default_year(text: str, date: str | None) -> int | None:
    if date:
        return int(date[:4])
    years = _YEAR.findall(text)
    return int(max(set(years), key=years.count)) if years else None


def _with_sentences(sections: tuple[Section, ...], text: str) -> tuple[Section, ...]:
    out = []
    for section in sections:
        articles = []
        for article in section.articles:
            offset = article.span.end - len(article.text)
            articles.append(replace(article, sentences=split_sentences(article.text, offset=offset)))
        out.append(replace(section, articles=tuple(articles)))
    return tuple(out)


def parse_document(text: str, *, source: str, kind: str | None = None) -> ParsedDocument:
    """Per-document pass: metadata, structure, sentences, citations and the raw task table."""
    lines = split_lines(text)
    metadata = read_metadata(text, lines, fallback_title=Path(source).stem)
    law = uses_law_numbering(lines)
    table = None if law else parse_task_table(text, lines)
    body_end = table.start if table else len(text)
    parts = find_parts(lines, body_start=metadata.title_end)
    sections = build_sections(text, lines, law=law, body_end=body_end)
    if parts:
        sections = clip_to_parts(sections, parts, text)
    sections = _with_sentences(sections, text)
    warnings = [
        Warning(code="table", message=message, source=source) for message in (table.warnings if table else ())
    ]
    if not sections and len(normalised_text(text)) > UNSTRUCTURED_LENGTH:
        warnings.append(
            Warning(code="no_structure", message="no numbered sections or articles found", source=source)
        )
    preamble_start = metadata.title_end
    first = min(sections[0].span.start if sections else body_end, parts[0].span.start if parts else body_end)
    title = metadata.title
    # A district's 安全生产工作职责规定 is numbered like a law but is a local duty list: its bodies answer questions.
    legal_title = LAW_TITLE.search(re.sub(r"[（(].*?[）)]", "", title)) and not is_duty_list(title)
    doc_kind = kind or ("law" if law and legal_title else "policy")
    jurisdiction = jurisdiction_from_title(title)
    document = Document(
        id=document_id(title, text),
        source=source,
        title=title,
        text=text,
        kind=doc_kind,  # type: ignore[arg-type]
        status=metadata.status,
        issuer=metadata.issuer,
        doc_numbers=metadata.doc_numbers,
        date=metadata.date,
        preamble=text[preamble_start:first].strip(),
        sections=sections,
        citations=find_citations(text, end=body_end),
        warnings=tuple(warnings),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        notice=_notice(metadata.notice),
        parts=parts,
    )
    headings = find_duty_headings(text, lines, title=title, body_end=body_end, jurisdiction=jurisdiction)
    return ParsedDocument(
        document=document, raw_tasks=table.rows if table else (), jurisdiction=jurisdiction, duty_headings=headings
    )


def _notice(found: NoticeMetadata | None) -> Notice | None:
    if found is None:
        return None
    return Notice(
        title=found.title,
        span=Span(start=found.start, end=found.end),
        doc_numbers=found.doc_numbers,
        issuer=found.issuer,
        date=found.date,
    )


def _cell_surfaces(parsed: ParsedDocument) -> list[str]:
    names: list[str] = []
    for row in parsed.raw_tasks:
        for cell in (row.lead, row.co):
            if cell is not None:
                names.extend(name for name, _, _ in split_unit_cell(cell.text))
    document = parsed.document
    for article in document.articles():
        names.extend(name for name, _, _ in find_unit_names(article.text, jurisdiction=parsed.jurisdiction))
    names.extend(heading.text for heading in parsed.duty_headings if not is_post(heading.text))
    return names


def _mentions(cell_text: str, cell_start: int, register: UnitRegister) -> tuple[UnitMention, ...]:
    return tuple(
        UnitMention(
            text=name,
            span=Span(start=cell_start + start, end=cell_start + end),
            unit_id=register.resolve(name),
        )
        for name, start, end in split_unit_cell(cell_text)
    )


def _tasks(parsed: ParsedDocument, register: UnitRegister) -> tuple[Task, ...]:
    document = parsed.document
    default_year = _default_year(document.text, document.date)
    numbers = [row.number for row in parsed.raw_tasks]
    renumber = len(set(numbers)) != len(numbers)  # numbering restarts per group
    articles = document.articles()
    tasks = []
    for index, row in enumerate(parsed.raw_tasks, start=1):
        lead = _mentions(row.lead.text, row.lead.span.start, register) if row.lead else ()
        co = _mentions(row.co.text, row.co.span.start, register) if row.co else ()
        deadline_text = row.deadline.text if row.deadline else ""
        tasks.append(
            Task(
                number=index if renumber else row.number,
                label=row.label,
                text=row.text.text,
                span=row.span,
                raw_units=row.lead.text if row.lead else "",
                units=tuple(dict.fromkeys(m.unit_id for m in lead if m.unit_id)),
                raw_co_units=row.co.text if row.co else "",
                co_units=tuple(dict.fromkeys(m.unit_id for m in co if m.unit_id)),
                mentions=lead + co,
                deadline=parse_deadline(
                    deadline_text, span=row.deadline.span if row.deadline else None, default_year=default_year
                ),
                group=row.group,
                articles=link_task(row.text.text, articles),
            )
        )
    return tuple(tasks)


def _with_obligations(
    document: Document, register: UnitRegister | None, headings: Sequence[DutyHeading] = ()
) -> Document:
    resolve: Callable[[str], str | None] = register.resolve if register else (lambda _name: None)
    sections = []
    for section in document.sections:
        articles = []
        for article in section.articles:
            prefix = f"{document.id}-s{section.number}-a{article.number}"
            obligations = extract_article_obligations(
                article.sentences, id_prefix=prefix, resolve_unit=resolve
            )
            obligations = with_duty_lists(
                article, obligations, headings, id_prefix=prefix, resolve_unit=resolve, text=document.text
            )
            articles.append(replace(article, obligations=obligations))
        sections.append(replace(section, articles=tuple(articles)))
    return replace(document, sections=tuple(sections))


def _with_jurisdiction(document: Document) -> Document:
    own, chain = document_jurisdiction(document)
    return replace(document, jurisdiction=own, jurisdiction_chain=chain)


def _resolve_citations(documents: Sequence[Document]) -> tuple[Document, ...]:
    """Point each citation at the cited document of the corpus, and at the cited articles that document has."""
    # a draft and its final share a title stem: a citation of that title means the final
    by_key = {citation_key(d.title): d.id for d in sorted(documents, key=is_draft, reverse=True)}
    by_number = {number: document.id for document in documents for number in document.doc_numbers[:1]}
    numbers = {document.id: {article.number for article in document.articles()} for document in documents}
    out = []
    for document in documents:
        citations = []
        for c in document.citations:
            if by_key.get(citation_key(c.title)) == document.id:
                citations.append(c)  # a document quoting its own title
                continue
            target = by_key.get(citation_key(c.title)) or by_number.get(c.doc_number or "")
            found = tuple(n for n in c.articles if n in numbers.get(target or "", ()))
            citations.append(replace(c, target=target, target_articles=found))
        out.append(replace(document, citations=tuple(citations)))
    return tuple(out)


def assemble(parsed: Sequence[ParsedDocument], *, workers: int = 1) -> Corpus:
    """Second pass: resolve units per jurisdiction, build tasks and obligations, link citations and drafts.

    The registers are built here (they need every document of a jurisdiction); tasks and obligations are then
    per document, on ``workers`` processes (:mod:`ingest.parallel`), in the same order as serially.
    """
    by_jurisdiction: dict[str | None, list[ParsedDocument]] = defaultdict(list)
    for item in parsed:
        by_jurisdiction[item.jurisdiction].append(item)
    units = {}
    unresolved: list[str] = []
    order: list[tuple[ParsedDocument, UnitRegister | None]] = []
    for jurisdiction, items in sorted(by_jurisdiction.items(), key=lambda pair: pair[0] or ""):
        surfaces = [name for item in items if item.document.kind == "policy" for name in _cell_surfaces(item)]
        register = build_register(surfaces, jurisdiction=jurisdiction) if surfaces else None
        if register is not None:
            units.update({unit.id: unit for unit in register.units})
            unresolved.extend(register.unresolved)
        order.extend((item, register) for item in items)
    documents = list(ordered_map(_assembled, range(len(order)), workers=workers, shared={"order": order}))
    documents = sorted(_resolve_citations(documents), key=lambda d: (d.kind != "policy", d.source))
    warnings = tuple(w for d in documents for w in d.warnings)
    return Corpus(
        documents=tuple(documents),
        units=tuple(sorted(units.values(), key=lambda unit: unit.id)),
        unresolved=tuple(dict.fromkeys(unresolved)),
        warnings=warnings,
        revisions=find_revisions(documents),
    )


def _assembled(index: int) -> Document:
    """Worker of :func:`assemble`: one document with its tasks and obligations."""
    item, register = state()["order"][index]
    document = item.document
    if register is not None:
        document = replace(document, tasks=_tasks(item, register))
    return _with_jurisdiction(with_duties(_with_obligations(document, register, item.duty_headings)))


IGNORED_SUFFIXES = frozenset(
    {".json", ".yml", ".yaml", ".toml", ".ttl", ".py", ".lock", ".zip", ".owl", ".xml"}
)
# A folder's notes. NOTICE only as licences spell it: a user's notice.txt (通知) is a document.
META_FILE = re.compile(r"^(?:(?i:README|SOURCES|LICENSE|LICENCE|CHANGELOG)|NOTICE)(?:\.\w+)?$")


def discover(paths: Iterable[Path]) -> list[Path]:
    """Every document file under the given paths, sorted.

    Inside folders, hidden files, data/config files and a folder's own notes (README, SOURCES, LICENSE)
    are passed over; a file named explicitly is always taken, so an unknown format is reported, not ignored.
    """
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for candidate in path.rglob("*"):
            hidden = any(part.startswith(".") for part in candidate.relative_to(path).parts)
            if (
                candidate.is_file()
                and not hidden
                and candidate.suffix.lower() not in IGNORED_SUFFIXES
                and not META_FILE.match(candidate.name)
            ):
                found.append(candidate)
    return sorted(dict.fromkeys(found), key=str)


@dataclass(frozen=True, slots=True)
class _Read:
    """What a worker of :func:`ingest_paths` found in one file."""

    key: str | None  # hash of the normalised text (None: the file failed)
    item: ParsedDocument | None
    failure: Failure | None
    notes: tuple[str, ...]


def _read_one(path: Path) -> _Read:
    """Worker: read and parse one file, or take what it gave from the parse cache (same bytes, same path, same
    parser); its duplicate check happens in order, in the parent."""
    folder = state().get("cache_dir")
    limit = state().get("max_bytes")
    try:
        cacheable = folder is not None and (limit is None or path.stat().st_size <= limit)
    except OSError:
        cacheable = False
    if not cacheable:
        return _parse_one(path)
    from ingest.parse_cache import ParseCache, entry_key

    store = ParseCache(Path(folder))
    try:
        key = entry_key(path, path.read_bytes())
    except OSError:
        return _parse_one(path)
    cached = store.get(key)
    if isinstance(cached, _Read):
        return cached
    read = _parse_one(path)
    store.put(key, read)
    return read


def _parse_one(path: Path) -> _Read:
    key = item = failure = None
    with reader_notes() as notes:
        try:
            text = read_document(path, max_bytes=state().get("max_bytes"))
            key = hashlib.sha256(normalised_text(text).encode("utf-8")).hexdigest()
            item = parse_document(text, source=str(path))
        except IngestError as error:
            failure = Failure(source=str(path), code=error.code, reason=error.describe())
    return _Read(key=key, item=item, failure=failure, notes=tuple(notes))


def ingest_paths(
    paths: Iterable[Path],
    *,
    progress: Callable[[int, int, Path], None] | None = None,
    skip: Callable[[Path], bool] = lambda _path: False,
    max_bytes: int | None = None,
    workers: int = 1,
    cache_dir: Path | None = None,
) -> tuple[Corpus, tuple[Failure, ...]]:
    """Read and parse every document under ``paths``; unreadable ones become :class:`Failure`s.

    ``max_bytes``: files larger than this fail with code ``too_large`` without being read. What a reader's
    library noticed (pypdf's own warnings) becomes a ``reader`` warning of that file, in the build's warnings.
    A file whose text (whitespace aside) was already read under another path is not parsed again: it is
    listed in ``Corpus.duplicates``, so one document never shows twice with one id. ``workers``: processes
    that read and parse (:mod:`ingest.parallel`); the corpus is the same for any number.  ``cache_dir``: the
    parse cache (:mod:`ingest.parse_cache`): a file whose bytes, path and parser are unchanged is not parsed
    again, and the corpus is the same as without it.
    """
    files = [path for path in discover(paths) if not skip(path)]
    parsed: list[ParsedDocument] = []
    failures: list[Failure] = []
    orphan_notes: list[Warning] = []
    duplicates: list[Duplicate] = []
    seen: dict[str, str] = {}  # hash of the normalised text → the first path that had it
    shared = {"max_bytes": max_bytes, "cache_dir": None if cache_dir is None else str(cache_dir)}
    results = ordered_map(_read_one, files, workers=workers, shared=shared, chunksize=1)
    for index, (path, read) in enumerate(zip(files, results, strict=True), start=1):
        if progress:
            progress(index, len(files), path)
        if read.key is not None and read.key in seen:  # its notes go with it, as it was never parsed
            duplicates.append(Duplicate(path=str(path), same_as=seen[read.key]))
            continue
        if read.key is not None:
            seen[read.key] = str(path)
        if read.failure is not None:
            failures.append(read.failure)
        item = read.item
        found = tuple(Warning(code="reader", message=note, source=str(path)) for note in read.notes)
        if item is None:
            orphan_notes.extend(found)
        else:
            if found:
                document = replace(item.document, warnings=found + item.document.warnings)
                item = replace(item, document=document)
            parsed.append(item)
    corpus = replace(assemble(parsed, workers=workers), duplicates=tuple(duplicates))
    if orphan_notes:
        corpus = replace(corpus, warnings=corpus.warnings + tuple(orphan_notes))
    return corpus, tuple(failures)
