"""A cache with a size budget: what an open index keeps between questions, bounded however many are asked.

Why: an open index keeps decoded postings, facet scores and stored passages so that a recurring term costs
dictionary look-ups, not decoding. On the seed all of it fits in a few megabytes; at 10,000 documents one common
term holds a hundred thousand postings, and a server answering ever new questions grew past 6 GB. Each cache
now weighs what it holds (postings, passages) and forgets the least recently used entries past its budget.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """A least-recently-used map whose entries' total weight (``weigh(value)``, at least 1 each) stays within
    ``budget``; an entry heavier than the whole budget is returned to its caller but not kept.

    >>> cache = BoundedCache(5, len)
    >>> cache.put("a", "xx"), cache.put("b", "yyy"), cache.get("a")
    ('xx', 'yyy', 'xx')
    >>> cache.put("c", "z"), sorted(cache.keys()), cache.weight
    ('z', ['a', 'c'], 3)
    """

    def __init__(self, budget: int, weigh: Callable[[V], int]) -> None:
        self.budget = budget
        self._weigh = weigh
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self.weight = 0
        self._lock = threading.Lock()  # searches run on a server's worker threads

    def __len__(self) -> int:
        return len(self._entries)

    def keys(self) -> list[K]:
        """The keys held, least recently used first."""
        with self._lock:
            return list(self._entries)

    def get(self, key: K) -> V | None:
        """The value kept under ``key`` (now the most recently used), or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: K, value: V) -> V:
        """Keep ``value`` under ``key`` (forgetting the least recently used past the budget); returns it."""
        weight = max(1, self._weigh(value))
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.weight -= old[1]
            if weight > self.budget:
                return value
            self._entries[key] = (value, weight)
            self.weight += weight
            while self.weight > self.budget:
                _key, (_value, dropped) = self._entries.popitem(last=False)
                self.weight -= dropped
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.weight = 0
