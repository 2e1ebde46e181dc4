"""The fused top of a large index, scored a leg at a time over arrays instead of passage by passage.

Why: on a build of 10,000 documents (386,000 passages) a query's common words match a hundred thousand
passages, and adding their scores in Python dictionaries, passage by passage, cost 0.4 s a warm query even
with the bound that skips parts which cannot reach the top (:meth:`SearchIndex._top`). Here each part's
postings are arrays, a leg's scores one vector over every passage, and the top a partition: the same
operations on the same IEEE doubles in the same order as the dictionary path, so the very same scores and
ranking (``tests/test_search.py`` checks this on the seed with the threshold forced to zero).

numpy costs about 0.2 s to import, more than a cold question on a small build takes in all, so the engine
uses this path only from :data:`search_api.search.engine.DENSE_FROM` passages on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class ArrayPart(Protocol):
    """A part of a leg as arrays: passage numbers, their best-term values, and a facet's rest (else None)."""

    def arrays(self) -> tuple[Any, Any, Any | None]: ...


Leg = tuple[str, float, Sequence[tuple[ArrayPart, float]]]


def dense_top(
    legs: Sequence[Leg], allowed: frozenset[int] | None, count: int, passages: int, tiebreak: float
) -> tuple[list[tuple[int, float]], dict[int, set[str]]]:
    """The ``count`` best passages by fused score (best first, ties by passage number) and the legs that found
    them: each leg's score the sum of its parts (a facet adds its best term, then ``tiebreak`` × the rest),
    divided by the leg's best allowed passage and weighed; legs with no positive best are left out."""
    import numpy as np

    permitted = None
    if allowed is not None:
        permitted = np.zeros(passages, dtype=bool)
        permitted[np.fromiter(allowed, dtype=np.int64, count=len(allowed))] = True
    fused = np.zeros(passages)
    found = np.zeros(passages, dtype=bool)
    kept: list[tuple[str, Any]] = []
    for leg, weight, group in legs:
        total = np.zeros(passages)
        matched = np.zeros(passages, dtype=bool)
        for part, boost in group:
            docs, best, rest = part.arrays()
            if rest is None:
                total[docs] += best * boost
            else:
                total[docs] += best
                total[docs] += tiebreak * rest
            matched[docs] = True
        counted = matched if permitted is None else matched & permitted
        if not counted.any():
            continue
        top = float(total[counted].max())
        if top <= 0:
            continue
        fused += (weight * total) / top
        found |= matched
        kept.append((leg, matched))
    candidates = np.flatnonzero(found if permitted is None else found & permitted)
    scores = fused[candidates]
    if len(candidates) > count:
        cut = np.partition(scores, len(scores) - count)[len(scores) - count]
        chosen = scores >= cut
        candidates, scores = candidates[chosen], scores[chosen]
    ranked = sorted(zip(candidates.tolist(), scores.tolist(), strict=True), key=lambda item: (-item[1], item[0]))
    ranked = ranked[:count]
    return ranked, {d: {leg for leg, matched in kept if matched[d]} for d, _ in ranked}
