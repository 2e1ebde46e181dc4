"""Traceability: which article(s) each task of a table implements, with a score and evidence sentence.

Why character bigrams: task cells paraphrase or copy the article's sentences (often clause by clause), so
the share of a task clause's character bigrams found in an article is a robust, segmenter-free signal that
needs no training data. A task is split into clauses so a task merging two articles links to both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.model import Article, ArticleLink, Sentence

LINK_THRESHOLD = 0.5  # share of a clause's bigrams that must occur in the article
MIN_CLAUSE_BIGRAMS = 6  # clauses shorter than this are too generic to vote on their own
_NOISE = re.compile(r"[\s\u3000，。、；：:,;.!！？?“”\"'‘’（）()《》〔〕\[\]【】—\-·…]")
_CLAUSE_END = re.compile(r"(?<=[。；;！？])")


def bigrams(text: str) -> set[str]:
    """Character bigrams of ``text`` with punctuation and spaces removed.

    >>> sorted(bigrams("安全，生产"))
    ['全生', '安全', '生产']
    """
    folded = _NOISE.sub("", text)
    return {folded[i : i + 2] for i in range(len(folded) - 1)}


def containment(part: set[str], whole: set[str]) -> float:
    """Share of ``part`` found in ``whole`` (0 when ``part`` is empty).

    >>> containment({"安全", "生产"}, {"安全"})
    0.5
    """
    return len(part & whole) / len(part) if part else 0.0


def task_clauses(text: str) -> list[str]:
    """Split a task into sentence-sized clauses; short trailing fragments join their predecessor.

    >>> task_clauses("建立台账。实行痕迹化管理。")
    ['建立台账。实行痕迹化管理。']
    """
    clauses: list[str] = []
    for piece in _CLAUSE_END.split(text):
        if not piece.strip():
            continue
        too_short = len(bigrams(piece)) < MIN_CLAUSE_BIGRAMS * 2
        if clauses and (too_short or len(bigrams(clauses[-1])) < MIN_CLAUSE_BIGRAMS * 2):
            clauses[-1] += piece
        else:
            clauses.append(piece)
    return clauses


def _best_sentence(clause: set[str], sentences: Sequence[Sentence]) -> tuple[float, Sentence | None]:
    best: tuple[float, Sentence | None] = (0.0, None)
    for sentence in sentences:
        score = containment(clause, bigrams(sentence.text))
        if score > best[0]:
            best = (score, sentence)
    return best


def link_task(text: str, articles: Sequence[Article]) -> tuple[ArticleLink, ...]:
    """The articles a task implements, best first; empty when no article reaches the threshold.

    Each clause votes for the article containing most of its bigrams; an article linked by several clauses
    keeps its best score. The evidence is the article sentence that best contains the clause.
    """
    article_grams = [bigrams(article.title + article.text) for article in articles]
    links: dict[int, ArticleLink] = {}
    for clause in task_clauses(text):
        grams = bigrams(clause)
        if len(grams) < MIN_CLAUSE_BIGRAMS:
            continue
        scored = sorted(
            ((containment(grams, ag), index) for index, ag in enumerate(article_grams)), reverse=True
        )
        if not scored or scored[0][0] < LINK_THRESHOLD:
            continue
        score, index = scored[0]
        article = articles[index]
        _, sentence = _best_sentence(grams, article.sentences)
        evidence = sentence.text if sentence else article.text[:120]
        span = sentence.span if sentence else article.span
        previous = links.get(index)
        if previous is None or previous.score < score:
            links[index] = ArticleLink(
                number=article.number,
                label=article.label,
                score=round(score, 3),
                evidence=evidence,
                span=span,
            )
    return tuple(sorted(links.values(), key=lambda link: (-link.score, link.number)))
