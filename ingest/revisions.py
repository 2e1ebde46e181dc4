"""Drafts and their finals: which document of a corpus revises which (``prov:wasRevisionOf`` in the graph).

Why by title stem: a draft circulated for comment and the final it became carry one title, the draft marked
(王益区关于…的实施意见（征求意见稿）, …（草案）, …（试行）). :func:`ingest.citations.citation_key` already folds a
title to that stem for citations, so the same folding pairs them: within one stem, the one unmarked document
revises each marked one. Anything the titles do not show (two finals, a renamed final) is said explicitly with
``policykg build --supersedes OLD=NEW``, checked against the documents of the build.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import PurePath

from ingest.citations import citation_key
from ingest.errors import PolicyKGError
from ingest.metadata import STATUS_WORDS
from ingest.model import Corpus, Document, Revision


class RevisionError(PolicyKGError):
    """``--supersedes`` names no document of the build, or one ambiguously, or one document twice."""

    code = "unknown_document"
    status = 404
    default_hint = "name a document by its id, exact title or source path"


def is_draft(doc: Document) -> bool:
    """Is the document marked as not final (征求意见稿, 送审稿, 草案, 试行 …)?"""
    return doc.status in STATUS_WORDS


def find_revisions(documents: Iterable[Document]) -> tuple[Revision, ...]:
    """Final ▸ draft pairs by title stem: within a stem, the one unmarked document revises every marked one.

    A stem with two unmarked documents is left alone: which one is the final cannot be told from titles.
    """
    stems: dict[tuple[str, str], list[Document]] = defaultdict(list)
    for doc in documents:
        stems[(doc.kind, citation_key(doc.title))].append(doc)
    found: list[Revision] = []
    for group in stems.values():
        finals = [doc for doc in group if not is_draft(doc)]
        if len(finals) != 1:
            continue
        found.extend(Revision(old=doc.id, new=finals[0].id, basis="title") for doc in group if is_draft(doc))
    return tuple(sorted(found, key=lambda r: (r.new, r.old)))


def printed_title(doc: Document) -> str:
    """The title as printed, status included: 王益区关于…的实施意见（征求意见稿）."""
    return f"{doc.title}（{doc.status}）" if doc.status else doc.title


def documents_named(documents: Sequence[Document], key: str) -> list[Document]:
    """The documents ``key`` names: by id, else by title as printed (a final's bare title, a draft's with its
    status), else by bare title, else by source path, else by file name."""
    key = key.strip()
    printed = key.replace("(", "（").replace(")", "）")
    for matches in (
        lambda d: d.id == key,
        lambda d: printed_title(d) == printed,
        lambda d: d.title == key,
        lambda d: d.source == key or PurePath(d.source).as_posix() == PurePath(key).as_posix(),
        lambda d: PurePath(d.source).name == key,
    ):
        found = [doc for doc in documents if matches(doc)]
        if found:
            return found
    return []


def parse_supersedes(text: str) -> tuple[str, str]:
    """``OLD=NEW`` as the pair (old, new); a :class:`RevisionError` (code ``bad_parameter``) otherwise.

    >>> parse_supersedes("draft-1=final-2")
    ('draft-1', 'final-2')
    """
    old, sign, new = text.partition("=")
    if not sign or not old.strip() or not new.strip():
        raise RevisionError(
            f"--supersedes {text!r} is not OLD=NEW", code="bad_parameter", status=400,
            hint="two documents (id, exact title or source path) joined by =",
        )
    return old.strip(), new.strip()


def _one(documents: Sequence[Document], key: str, side: str) -> Document:
    found = documents_named(documents, key)
    if not found:
        raise RevisionError(f"--supersedes {side} {key!r} is not a document of this build")
    if len(found) > 1:
        raise RevisionError(
            f"--supersedes {side} {key!r} names {len(found)} documents",
            code="ambiguous_document",
            status=400,
            hint="use the id: " + ", ".join(doc.id for doc in found),
        )
    return found[0]


def with_revisions(corpus: Corpus, supersedes: Iterable[tuple[str, str]] = ()) -> Corpus:
    """The corpus with its revisions: the pairs ``supersedes`` names (old, new) and those the titles show.

    A pair named explicitly replaces what the titles said about the same two documents (in either direction).
    """
    explicit: list[Revision] = []
    for old_key, new_key in supersedes:
        old = _one(corpus.documents, old_key, "OLD")
        new = _one(corpus.documents, new_key, "NEW")
        if old.id == new.id:
            raise RevisionError(
                f"--supersedes {old_key}={new_key}: a document cannot supersede itself",
                code="bad_parameter",
                status=400,
            )
        explicit.append(Revision(old=old.id, new=new.id, basis="supersedes"))
    named = {frozenset((r.old, r.new)) for r in explicit}
    auto = [r for r in find_revisions(corpus.documents) if frozenset((r.old, r.new)) not in named]
    revisions = sorted(dict.fromkeys([*explicit, *auto]), key=lambda r: (r.new, r.old))
    return replace(corpus, revisions=tuple(revisions))
