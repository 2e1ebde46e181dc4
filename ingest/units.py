"""Group the unit names printed in one document into bodies: one canonical :class:`~ingest.model.Unit` per body.

Why a register per document: the same body is printed under several names in one document (区发改委, 区发展改革局,
区发改局), and the same function names a *different* body in the next district's document.  So names are read
one by one (:mod:`ingest.unit_names`: gazetteer + structural rules), grouped by what they mean, and each group
becomes a unit whose name is the form the document prints most often, whose id is derived from the
jurisdiction and the standard function (``wangyiqu-caizhengju``), and whose aliases record every form seen
with the reason it was judged to mean that body.  Names nothing can read stay as units of kind 未知 and are
listed in ``unresolved``.

>>> register = build_register(["区发改委", "区财政局", "区发展改革局", "区发展改革局", "各镇办", "黄堡镇"],
...                           jurisdiction="王益区")
>>> [unit.name for unit in register.units]
['区发展改革局', '区财政局', '各镇办', '黄堡镇', '各街道办事处']
>>> register.resolve("区发改委"), register.resolve("发展和改革局")
('wangyiqu-fazhanhegaigeju', 'wangyiqu-fazhanhegaigeju')
>>> register.expand("wangyiqu-gezhenban")
('wangyiqu-huangbaozhen', 'wangyiqu-gejiedaobanshichu')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from ingest.model import AliasRecord, Unit
from ingest.unit_names import (
    LEVEL_CHARS,
    Gazetteer,
    Jurisdiction,
    NameReading,
    find_unit_names,
    jurisdiction_from_title,
    load_gazetteer,
    one_substituted,
    parse_jurisdiction,
    read_unit_name,
    split_unit_cell,
)

__all__ = [
    "UnitRegister",
    "build_register",
    "find_unit_names",
    "jurisdiction_from_title",
    "read_unit_name",
    "slug",
    "split_unit_cell",
]

UNKNOWN_KIND = "未知"
_UNKNOWN = "未知"
_MIN_FUZZY_LENGTH = 5  # shorter names one character apart are usually different bodies (区民政局 / 区财政局)

Key = tuple[str, str, str]


def slug(text: str) -> str:
    """ASCII slug of a Chinese name: toneless pinyin, lower case, letters and digits only.

    >>> slug("王益区"), slug("市交警一大队"), slug("12350热线")
    ('wangyiqu', 'shijiaojingyidadui', '12350rexian')
    """
    from pypinyin import (  # imported here: its dictionaries take ~0.3 s, and a query never slugs
        Style,
        lazy_pinyin,
    )

    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    return re.sub(r"[^a-z0-9]+", "", "".join(syllables).lower().replace("ü", "v")) or "x"


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitRegister:
    """The bodies of one document, every printed name that resolves to them, and what could not be resolved."""

    units: tuple[Unit, ...]
    by_surface: Mapping[str, str]
    unresolved: tuple[str, ...] = ()
    jurisdiction: str | None = None
    default_level: str | None = None
    keys: Mapping[Key, str] = field(default_factory=dict, repr=False, compare=False)

    def unit(self, unit_id: str) -> Unit | None:
        """The unit with this id, or None."""
        return next((unit for unit in self.units if unit.id == unit_id), None)

    def resolve(self, surface: str) -> str | None:
        """The id of the unit a name means: any alias seen, or any other form of the same body.

        Other forms are read with the same gazetteer and rules, so 发展和改革局 (no level prefix) and
        王益区发改委 (full jurisdiction prefix) find the body printed as 区发改委.  One-character slips of a name of
        five or more characters seen in the document also resolve.
        """
        name = surface.strip()
        if name in self.by_surface:
            return self.by_surface[name]
        reading = read_unit_name(name, jurisdiction=self.jurisdiction, default_level=self.default_level)
        if reading is not None:
            return self.keys.get(reading.key)
        if len(name) >= _MIN_FUZZY_LENGTH:
            for seen in sorted(self.by_surface):
                if _one_edit(name, seen):
                    return self.by_surface[seen]
        return None

    def expand(self, unit_id: str) -> tuple[str, ...]:
        """The bodies a unit stands for: a group's members (recursively), otherwise the unit itself."""
        result: list[str] = []
        pending, seen = [unit_id], set()
        while pending:
            current = pending.pop(0)
            if current in seen:
                continue
            seen.add(current)
            unit = self.unit(current)
            if unit is not None and unit.is_group:
                pending[:0] = list(unit.members)
            elif current not in result:
                result.append(current)
        return tuple(result)


def _one_edit(a: str, b: str) -> bool:
    """One character substituted, inserted or deleted (and both names long enough for that to be a slip).

    >>> _one_edit("区安全监管局", "区安全监督局"), _one_edit("区民政局", "区财政局")
    (True, False)
    """
    if a == b or min(len(a), len(b)) < _MIN_FUZZY_LENGTH or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return one_substituted(a, b)
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _default_level(readings: Sequence[NameReading | None], jur: Jurisdiction | None) -> str | None:
    if jur is not None and jur.level:
        return jur.level
    levels = Counter(r.key[0] for r in readings if r is not None and r.key[0] and r.key[0] in LEVEL_CHARS)
    return levels.most_common(1)[0][0] if levels else None


def _unit_id(reading: NameReading, jur: Jurisdiction | None) -> str:
    category, function, place = reading.key
    parts = [slug(jur.name)] if jur is not None else []
    if category in LEVEL_CHARS or category == "":
        if category and (jur is None or category != jur.level):
            parts.append(slug(category))
        parts.append(slug(function))
        if reading.branch and place:
            parts.append("fenju" if jur is not None and place == jur.stem else slug(place) + "fenju")
        elif place:
            parts.append(slug(place))
    else:
        parts.append(slug(function))
    return "-".join(parts)


def _successor_name(reading: NameReading, gazetteer: Gazetteer) -> str | None:
    if reading.successor is None:
        return None
    level = reading.key[0] if reading.key[0] in LEVEL_CHARS else ""
    row = gazetteer.function(reading.successor)
    party = "委" if level and row is not None and row.organ == "党委" else ""
    return f"{level}{party}{reading.successor}"


def _read_all(
    names: Sequence[str], jur: Jurisdiction | None, gazetteer: Gazetteer
) -> tuple[dict[str, NameReading | None], str | None]:
    distinct = list(dict.fromkeys(names))
    first = {
        n: read_unit_name(n, jurisdiction=jur.name if jur else None, gazetteer=gazetteer) for n in distinct
    }
    level = _default_level(list(first.values()), jur)
    if jur is not None or level is None:
        return first, level
    return {
        n: read_unit_name(n, default_level=level, gazetteer=gazetteer) for n in distinct
    }, level  # second pass: the document's usual level for names printed without a prefix


def _unknown(surface: str) -> NameReading:
    return NameReading(
        surface=surface,
        key=(_UNKNOWN, surface, ""),
        function=surface,
        kind=UNKNOWN_KIND,
        level=None,
        reasons=("unresolved: matches no gazetteer function and no structural rule",),
        quality=0,
    )


def _fuzzy(readings: dict[str, NameReading | None], counts: Counter[str]) -> dict[str, NameReading]:
    """Give every unread name a reading: a one-character slip of another name in the document, or 未知."""
    order = {name: i for i, name in enumerate(readings)}
    result: dict[str, NameReading] = {n: r for n, r in readings.items() if r is not None}
    unread = [n for n, r in readings.items() if r is None]
    for name in sorted(unread, key=lambda n: (-counts[n], order[n])):
        partners = [other for other in readings if other != name and _one_edit(name, other)]
        partners.sort(key=lambda o: (readings[o] is None, -counts[o], order[o]))
        target = next((p for p in partners if p in result), None)
        if target is not None and (readings[target] is not None or counts[target] >= counts[name]):
            base = result[target]
            reason = f"typo: one character inserted or substituted against {target} seen in the same document"
            if base.kind == UNKNOWN_KIND:
                reason = f"unresolved; {reason}"
            result[name] = replace(base, surface=name, reasons=(reason,), quality=2)
        else:
            result[name] = _unknown(name)
    return result


def _canonical(cluster: Sequence[str], readings: Mapping[str, NameReading], counts: Counter[str]) -> str:
    order = {name: i for i, name in enumerate(cluster)}
    return max(cluster, key=lambda n: (counts[n], -readings[n].quality, len(n), -order[n]))


def _members(
    reading: NameReading, clusters: Mapping[Key, list[str]], gazetteer: Gazetteer
) -> tuple[list[Key], list[NameReading]]:
    """Member keys of a group, and readings for members the document never prints (created as bodies)."""
    keys: list[Key] = []
    implied: list[NameReading] = []
    for spec in reading.members:
        if spec.startswith("@"):
            keys.extend(key for key in clusters if key[0] == spec[1:])
            continue
        implied_reading = read_unit_name(spec, gazetteer=gazetteer)
        if implied_reading is None:
            continue
        keys.append(implied_reading.key)
        if implied_reading.key not in clusters:
            implied.append(implied_reading)
    return keys, implied


def build_register(
    surfaces: Sequence[str], *, jurisdiction: str | None, gazetteer: Gazetteer | None = None
) -> UnitRegister:
    """Group the unit names of one document (in document order, with repeats) into a :class:`UnitRegister`.

    Frequency matters: a body's name is the form printed most often (ties: the form read most directly, then the
    longer, then the first seen).  ``jurisdiction`` (王益区) comes from the document title; without it names
    printed without a level prefix take the level most names in the document carry.
    """
    gazetteer = gazetteer or load_gazetteer()
    jur = parse_jurisdiction(jurisdiction) if jurisdiction else None
    names = [name.strip() for name in surfaces if name.strip()]
    counts = Counter(names)
    raw, default_level = _read_all(names, jur, gazetteer)
    readings = _fuzzy(raw, counts)
    clusters: dict[Key, list[str]] = {}
    for name in raw:  # first-seen order
        clusters.setdefault(readings[name].key, []).append(name)
    canonical = {key: _canonical(cluster, readings, counts) for key, cluster in clusters.items()}
    group_members: dict[Key, list[Key]] = {}
    implied: dict[Key, NameReading] = {}
    for key in list(clusters):
        reading = readings[canonical[key]]
        if reading.members:
            member_keys, extra = _members(reading, clusters, gazetteer)
            group_members[key] = member_keys
            implied.update((r.key, r) for r in extra)
    ids: dict[Key, str] = {}
    for key in [*clusters, *implied]:
        reading = readings[canonical[key]] if key in clusters else implied[key]
        unit_id, n = _unit_id(reading, jur), 2
        while unit_id in ids.values():
            unit_id, n = f"{_unit_id(reading, jur)}-{n}", n + 1
        ids[key] = unit_id
    units: list[Unit] = []
    for key in [*clusters, *implied]:
        if key in clusters:
            cluster = clusters[key]
            name, reading = canonical[key], readings[canonical[key]]
            aliases = tuple(_alias(n, readings[n], counts[n], canonical=n == name) for n in cluster)
        else:
            reading = implied[key]
            name, aliases = reading.function, ()
        units.append(
            Unit(
                id=ids[key],
                name=name,
                kind=reading.kind,
                aliases=aliases,
                members=tuple(ids[k] for k in group_members.get(key, ()) if k in ids),
                is_group=reading.is_group,
                level=reading.level,
                successor=_successor_name(reading, gazetteer),
                function=reading.function or None,
            )
        )
    unresolved = tuple(n for n in raw if readings[n].kind == UNKNOWN_KIND)
    return UnitRegister(
        units=tuple(units),
        by_surface={name: ids[readings[name].key] for name in raw},
        unresolved=unresolved,
        jurisdiction=jurisdiction,
        default_level=default_level,
        keys=ids,
    )


def _alias(surface: str, reading: NameReading, count: int, *, canonical: bool) -> AliasRecord:
    reasons = "; ".join(reading.reasons)
    if canonical:
        reasons = f"canonical: the form printed most often ({count}×); {reasons}"
    else:
        reasons = f"{reasons} (printed {count}×)"
    return AliasRecord(text=surface, reason=reasons)
