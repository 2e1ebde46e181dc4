"""What changed from one document to another (a draft and its final): sections, articles, tasks and units.

Why align by content and not by number alone: a final deletes or inserts an article and every following one is
renumbered; a task row moves up the table and the rows between shift. So items are paired by their text —
identical texts first, then the most similar pairs at least :data:`MATCH` alike — and two items left over under
one number are taken as one item rewritten when still :data:`SAME_NUMBER` alike. A pair is then *changed* (its
text, title, units or deadline differ), *moved* (out of the old order: not on the longest run of pairs that kept
their order), *renumbered* (in order, under another number) or unchanged; an item without a partner is *added*
or *removed*. Changed text is a character diff (:func:`char_diff`): Chinese has no spaces to diff words by.
Similarity is :class:`difflib.SequenceMatcher`'s ratio over characters (no junk heuristic: common characters
such as 安 and 全 are the text, not noise).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Literal

from ingest.model import Document, Task, Unit

MATCH = 0.5  # two items at least this alike are one item revised (unrelated articles of the seed: at most 0.26)
SAME_NUMBER = 0.3  # two leftover items under one number at least this alike are one item rewritten
CLEANUP = 2  # an unchanged run this short between two changes is folded into them (a readable diff)

OpName = Literal["equal", "insert", "delete", "replace"]


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One step of a character diff: ``equal`` text, or ``old`` deleted, ``new`` inserted, or one replaced."""

    op: OpName
    old: str = ""
    new: str = ""

    def to_json(self) -> dict[str, str]:
        """``{"op": "equal", "text"}``, ``{"op": "delete", "old"}``, ``{"op": "insert", "new"}`` or
        ``{"op": "replace", "old", "new"}``."""
        if self.op == "equal":
            return {"op": "equal", "text": self.old}
        if self.op == "delete":
            return {"op": "delete", "old": self.old}
        if self.op == "insert":
            return {"op": "insert", "new": self.new}
        return {"op": "replace", "old": self.old, "new": self.new}


def _op(old: str, new: str) -> DiffOp:
    if old == new:
        return DiffOp("equal", old, new)
    if not old:
        return DiffOp("insert", "", new)
    if not new:
        return DiffOp("delete", old, "")
    return DiffOp("replace", old, new)


def char_diff(old: str, new: str) -> tuple[DiffOp, ...]:
    """The character diff of two texts; unchanged runs of at most :data:`CLEANUP` characters between two changes
    are folded into one replacement, so a rewritten clause reads as one change, not a comb of single characters.

    >>> [op.to_json() for op in char_diff("2018年底前", "2019年6月底前")]
    [{'op': 'equal', 'text': '201'}, {'op': 'replace', 'old': '8年', 'new': '9年6月'}, {'op': 'equal', 'text': '底前'}]
    >>> char_diff("同一段", "同一段")
    (DiffOp(op='equal', old='同一段', new='同一段'),)
    """
    steps: list[tuple[str, str]] = []  # (old, new) runs: equal when the two are the same text
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        steps.append((old[i1:i2], new[j1:j2]) if tag != "equal" else (old[i1:i2], old[i1:i2]))
    merged: list[tuple[str, str, bool]] = []  # (old, new, changed)
    for index, (a, b) in enumerate(steps):
        changed = a != b or (
            0 < index < len(steps) - 1
            and len(a) <= CLEANUP
            and steps[index - 1][0] != steps[index - 1][1]
            and steps[index + 1][0] != steps[index + 1][1]
        )
        if merged and changed and merged[-1][2]:
            last_old, last_new, _ = merged[-1]
            merged[-1] = (last_old + a, last_new + b, True)
        else:
            merged.append((a, b, changed))
    return tuple(_op(a, b) for a, b, _changed in merged)


def similarity(old: str, new: str) -> float:
    """How alike two texts are, 0 … 1 (:class:`difflib.SequenceMatcher` ratio over characters).

    >>> similarity("制定安全生产责任清单", "制定各级安全生产责任清单")
    0.909...
    """
    return SequenceMatcher(None, old, new, autojunk=False).ratio()


@dataclass(frozen=True, slots=True)
class Pair:
    """Item ``old`` of the old list is item ``new`` of the new list (indexes), this alike."""

    old: int
    new: int
    similarity: float
    moved: bool = False


def _kept_in_order(pairs: Sequence[Pair]) -> set[int]:
    """Indexes (into ``pairs``, ordered by old position) of the longest run whose new positions still ascend."""
    tails: list[int] = []  # tails[k]: index of the pair ending the best run of length k + 1
    before: list[int | None] = [None] * len(pairs)
    for index, pair in enumerate(pairs):
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if pairs[tails[middle]].new < pair.new:
                low = middle + 1
            else:
                high = middle
        before[index] = tails[low - 1] if low else None
        if low == len(tails):
            tails.append(index)
        else:
            tails[low] = index
    kept: set[int] = set()
    at = tails[-1] if tails else None
    while at is not None:
        kept.add(at)
        at = before[at]
    return kept


def align(
    old: Sequence[str], new: Sequence[str], *, old_numbers: Sequence[int], new_numbers: Sequence[int]
) -> tuple[tuple[Pair, ...], tuple[int, ...], tuple[int, ...]]:
    """Pair the old texts with the new ones: (pairs in old order, unpaired old indexes, unpaired new indexes).

    >>> pairs, removed, added = align(["甲乙丙", "丁戊己", "庚辛壬"], ["甲乙丙", "庚辛壬癸"],
    ...                               old_numbers=[1, 2, 3], new_numbers=[1, 2])
    >>> [(p.old, p.new) for p in pairs], removed, added
    ([(0, 0), (2, 1)], (1,), ())
    """
    free_old = set(range(len(old)))
    free_new = set(range(len(new)))
    found: list[Pair] = []

    def take(i: int, j: int, ratio: float) -> None:
        free_old.discard(i)
        free_new.discard(j)
        found.append(Pair(i, j, ratio))

    by_text: dict[str, list[int]] = {}
    for j, text in enumerate(new):
        by_text.setdefault(text, []).append(j)
    for i, text in enumerate(old):  # identical texts, in order (a repeated text pairs with its n-th repeat)
        if by_text.get(text):
            take(i, by_text[text].pop(0), 1.0)
    scored: list[tuple[float, int, int]] = []
    matcher = SequenceMatcher(None, autojunk=False)
    for j in sorted(free_new):
        matcher.set_seq2(new[j])
        for i in sorted(free_old):
            matcher.set_seq1(old[i])
            if matcher.real_quick_ratio() >= SAME_NUMBER and matcher.quick_ratio() >= SAME_NUMBER:
                ratio = matcher.ratio()
                if ratio >= SAME_NUMBER:
                    scored.append((ratio, i, j))
    # the most alike first; of two equally alike, the pair under one number
    scored.sort(key=lambda s: (-s[0], old_numbers[s[1]] != new_numbers[s[2]], s[1], s[2]))
    for ratio, i, j in scored:
        if ratio >= MATCH and i in free_old and j in free_new:
            take(i, j, ratio)
    for ratio, i, j in scored:  # leftovers at one number: one item rewritten
        if i in free_old and j in free_new and old_numbers[i] == new_numbers[j]:
            take(i, j, ratio)
    ordered = sorted(found, key=lambda p: p.old)
    kept = _kept_in_order(ordered)
    pairs = tuple(Pair(p.old, p.new, p.similarity, moved=index not in kept) for index, p in enumerate(ordered))
    return pairs, tuple(sorted(free_old)), tuple(sorted(free_new))


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """A section, article or task as a diff shows it."""

    number: int
    label: str
    title: str = ""
    text: str = ""
    section: int | None = None  # articles: the number of their section
    units: tuple[str, ...] = ()  # tasks: lead unit names
    co_units: tuple[str, ...] = ()  # tasks: co-operating unit names
    deadline: str | None = None  # tasks: the completion time as printed

    def ref(self) -> dict[str, Any]:
        """Which item: number and label (an article also its title and section)."""
        data: dict[str, Any] = {"number": self.number, "label": self.label}
        if self.title:
            data["title"] = self.title
        if self.section is not None:
            data["section"] = self.section
        return data

    def to_json(self) -> dict[str, Any]:
        """The whole item (an added or removed one)."""
        data = self.ref()
        if self.text:
            data["text"] = self.text
        if self.deadline is not None:
            data["units"] = list(self.units)
            if self.co_units:
                data["co_units"] = list(self.co_units)
            data["deadline"] = self.deadline
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitsChange:
    """The units of a task before and after, and which came and went."""

    old: tuple[str, ...]
    new: tuple[str, ...]

    def to_json(self) -> dict[str, list[str]]:
        """``{"old", "new", "added", "removed"}``, names in printed order."""
        return {
            "old": list(self.old),
            "new": list(self.new),
            "added": [name for name in self.new if name not in self.old],
            "removed": [name for name in self.old if name not in self.new],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One item in both documents: where it was and is, how alike, and what differs (empty: only moved or
    renumbered)."""

    old: Item
    new: Item
    similarity: float
    moved: bool = False
    title: tuple[DiffOp, ...] = ()
    text: tuple[DiffOp, ...] = ()
    units: UnitsChange | None = None
    co_units: UnitsChange | None = None
    deadline: tuple[str, str] | None = None

    @property
    def changed(self) -> bool:
        """Does its content differ (not only its place)?"""
        return bool(self.title or self.text or self.units or self.co_units or self.deadline)

    def to_json(self) -> dict[str, Any]:
        """``{"old", "new", "similarity", "moved"}`` and, when its content differs, ``changes``: ``title`` and
        ``text`` as character diffs, ``units``/``co_units`` and ``deadline`` as ``{"old", "new"}``."""
        data: dict[str, Any] = {
            "old": self.old.ref(),
            "new": self.new.ref(),
            "similarity": round(self.similarity, 3),
            "moved": self.moved,
        }
        changes: dict[str, Any] = {}
        if self.title:
            changes["title"] = [op.to_json() for op in self.title]
        if self.text:
            changes["text"] = [op.to_json() for op in self.text]
        if self.units:
            changes["units"] = self.units.to_json()
        if self.co_units:
            changes["co_units"] = self.co_units.to_json()
        if self.deadline:
            changes["deadline"] = {"old": self.deadline[0], "new": self.deadline[1]}
        if changes:
            data["changes"] = changes
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class Changes:
    """One kind of item (sections, articles or tasks) from the old document to the new."""

    added: tuple[Item, ...] = ()
    removed: tuple[Item, ...] = ()
    changed: tuple[Change, ...] = ()
    moved: tuple[Change, ...] = ()  # same content, out of the old order
    renumbered: tuple[Change, ...] = ()  # same content, in order, another number or label
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        """How many of each."""
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "moved": len(self.moved),
            "renumbered": len(self.renumbered),
            "unchanged": self.unchanged,
        }

    def to_json(self) -> dict[str, Any]:
        """``{"added", "removed", "changed", "moved", "renumbered", "unchanged"}``."""
        return {
            "added": [item.to_json() for item in self.added],
            "removed": [item.to_json() for item in self.removed],
            "changed": [change.to_json() for change in self.changed],
            "moved": [change.to_json() for change in self.moved],
            "renumbered": [change.to_json() for change in self.renumbered],
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class DocRef:
    """One side of a diff."""

    id: str
    title: str
    status: str | None = None
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        """``{"id", "title", "status", "source"}``."""
        return {"id": self.id, "title": self.title, "status": self.status, "source": self.source}


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitRef:
    """A unit a document names (as lead, co-operating unit or bearer)."""

    id: str
    name: str

    def to_json(self) -> dict[str, str]:
        """``{"id", "name"}``."""
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentDiff:
    """``policykg diff OLD NEW`` and ``GET /api/diff``: what changed from ``old`` to ``new``.

    ``revision``: how the build links the two (``title``, ``supersedes``; ``reversed`` when the build has
    ``old`` as the revision of ``new``; None when it does not link them).
    """

    old: DocRef
    new: DocRef
    revision: str | None = None
    metadata: tuple[tuple[str, Any, Any], ...] = ()  # (field, old, new) of the title block that differ
    preamble: tuple[DiffOp, ...] = ()
    sections: Changes = field(default_factory=Changes)
    articles: Changes = field(default_factory=Changes)
    tasks: Changes = field(default_factory=Changes)
    units_appeared: tuple[UnitRef, ...] = ()
    units_vanished: tuple[UnitRef, ...] = ()

    @property
    def identical(self) -> bool:
        """No difference at all (the same document, or a copy)."""
        kinds = (self.sections, self.articles, self.tasks)
        return not (
            self.metadata
            or self.preamble
            or self.units_appeared
            or self.units_vanished
            or any(k.added or k.removed or k.changed or k.moved or k.renumbered for k in kinds)
        )

    def summary(self) -> dict[str, Any]:
        """The counts of every kind of change."""
        return {
            "identical": self.identical,
            "sections": self.sections.counts(),
            "articles": self.articles.counts(),
            "tasks": self.tasks.counts(),
            "units": {"appeared": len(self.units_appeared), "vanished": len(self.units_vanished)},
        }

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``policykg diff --json`` and ``GET /api/diff``."""
        return {
            "old": self.old.to_json(),
            "new": self.new.to_json(),
            "revision": self.revision,
            "summary": self.summary(),
            "metadata": {name: {"old": old, "new": new} for name, old, new in self.metadata},
            "preamble": [op.to_json() for op in self.preamble],
            "sections": self.sections.to_json(),
            "articles": self.articles.to_json(),
            "tasks": self.tasks.to_json(),
            "units": {
                "appeared": [unit.to_json() for unit in self.units_appeared],
                "vanished": [unit.to_json() for unit in self.units_vanished],
            },
        }


def _changes(
    old: Sequence[tuple[Item, str]],
    new: Sequence[tuple[Item, str]],
    compare: Callable[[Item, Item, Pair], Change],
) -> Changes:
    """Align items by their keys (the text they are recognised by) and sort the pairs into kinds of change."""
    pairs, removed, added = align(
        [key for _item, key in old],
        [key for _item, key in new],
        old_numbers=[item.number for item, _key in old],
        new_numbers=[item.number for item, _key in new],
    )
    return _sorted(pairs, removed, added, [item for item, _key in old], [item for item, _key in new], compare)


def _sorted(
    pairs: Sequence[Pair],
    removed: Sequence[int],
    added: Sequence[int],
    old: Sequence[Item],
    new: Sequence[Item],
    compare: Callable[[Item, Item, Pair], Change],
) -> Changes:
    changed: list[Change] = []
    moved: list[Change] = []
    renumbered: list[Change] = []
    unchanged = 0
    for pair in sorted(pairs, key=lambda p: p.new):
        change = compare(old[pair.old], new[pair.new], pair)
        if change.changed:
            changed.append(change)
        elif change.moved:
            moved.append(change)
        elif (change.old.number, change.old.label) != (change.new.number, change.new.label):
            renumbered.append(change)
        else:
            unchanged += 1
    return Changes(
        added=tuple(new[j] for j in added),
        removed=tuple(old[i] for i in removed),
        changed=tuple(changed),
        moved=tuple(moved),
        renumbered=tuple(renumbered),
        unchanged=unchanged,
    )


def _text_change(old: Item, new: Item, pair: Pair) -> Change:
    """A section or an article: its title and text."""
    return Change(
        old=old,
        new=new,
        similarity=pair.similarity,
        moved=pair.moved,
        title=char_diff(old.title, new.title) if old.title != new.title else (),
        text=char_diff(old.text, new.text) if old.text != new.text else (),
    )


def _task_change(old: Item, new: Item, pair: Pair) -> Change:
    """A task: its wording, lead and co-operating units (as sets of units) and its deadline as printed."""
    return Change(
        old=old,
        new=new,
        similarity=pair.similarity,
        moved=pair.moved,
        text=char_diff(old.text, new.text) if old.text != new.text else (),
        units=UnitsChange(old=old.units, new=new.units) if set(old.units) != set(new.units) else None,
        co_units=(
            UnitsChange(old=old.co_units, new=new.co_units) if set(old.co_units) != set(new.co_units) else None
        ),
        deadline=(old.deadline or "", new.deadline or "") if old.deadline != new.deadline else None,
    )


def _section_items(doc: Document) -> list[tuple[Item, str]]:
    """Sections, each recognised by its title and the text of its articles (titles alone are short and alike:
    总体要求 and 工作要求 are half the same)."""
    return [
        (
            Item(number=s.number, label=s.label, title=s.title),
            "\n".join([s.title, *(f"{a.title}。{a.text}" for a in s.articles)]),
        )
        for s in doc.sections
    ]


def _article_items(doc: Document) -> list[tuple[Item, str]]:
    """Articles, each recognised by its title and text."""
    return [
        (Item(number=a.number, label=a.label, title=a.title, text=a.text, section=s.number), f"{a.title}。{a.text}")
        for s in doc.sections
        for a in s.articles
    ]


def _task_items(doc: Document, name: Callable[[str], str]) -> list[tuple[Item, str]]:
    """Tasks, each recognised by its wording."""
    return [(_task_item(t, name), t.text) for t in doc.tasks]


def _task_item(task: Task, name: Callable[[str], str]) -> Item:
    return Item(
        number=task.number,
        label=task.label or str(task.number),
        text=task.text,
        units=tuple(name(u) for u in task.units),
        co_units=tuple(name(u) for u in task.co_units if u not in task.units),
        deadline=task.deadline.text,
    )


def named_units(doc: Document) -> set[str]:
    """Ids of the units a document names: its tasks' lead and co-operating units and its obligations' bearers."""
    found = {unit for task in doc.tasks for unit in (*task.units, *task.co_units)}
    found |= {
        bearer.unit_id
        for article in doc.articles()
        for obligation in article.obligations
        for bearer in obligation.bearers
        if bearer.unit_id
    }
    return found


_METADATA = ("title", "status", "issuer", "date", "doc_numbers")


def diff_documents(old: Document, new: Document, *, units: Mapping[str, Unit] | None = None) -> DocumentDiff:
    """What changed from ``old`` to ``new``; ``units`` (id → unit) names the units (else their ids)."""
    register = units or {}

    def name(unit_id: str) -> str:
        unit = register.get(unit_id)
        return unit.name if unit else unit_id

    metadata = tuple(
        (field_name, _plain(getattr(old, field_name)), _plain(getattr(new, field_name)))
        for field_name in _METADATA
        if getattr(old, field_name) != getattr(new, field_name)
    )
    old_units, new_units = named_units(old), named_units(new)

    def refs(ids: set[str]) -> tuple[UnitRef, ...]:
        return tuple(sorted((UnitRef(id=i, name=name(i)) for i in ids), key=lambda u: (u.name, u.id)))

    return DocumentDiff(
        old=DocRef(id=old.id, title=old.title, status=old.status, source=old.source),
        new=DocRef(id=new.id, title=new.title, status=new.status, source=new.source),
        metadata=metadata,
        preamble=char_diff(old.preamble, new.preamble) if old.preamble != new.preamble else (),
        sections=_changes(_section_items(old), _section_items(new), _text_change),
        articles=_changes(_article_items(old), _article_items(new), _text_change),
        tasks=_changes(_task_items(old, name), _task_items(new, name), _task_change),
        units_appeared=refs(new_units - old_units),
        units_vanished=refs(old_units - new_units),
    )


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
