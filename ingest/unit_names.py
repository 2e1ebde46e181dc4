"""Read one printed unit name (区发改委, 公安王益分局, 黄堡镇政府) into the function it names, by gazetteer and rules.

Why a gazetteer plus general rules: a district's policy prints the same body under many names (abbreviations,
omitted level prefixes, typos, 分局 and 管委会 variants).  The *functions* of local bodies are a closed national
list (发展和改革局, 应急管理局 …) kept as data in ``ingest/data/gazetteer.tsv``; the *proper names* (towns, parks,
the district itself) differ in every document, so they are read from the structure of the name (…镇, …街道办事处,
…园区管委会, 公安<地名>分局) and from the jurisdiction, which the pipeline derives from the document title.  No rule
here names a place.

This module reads single names and finds names in text; :mod:`ingest.units` groups the readings of one document
into bodies.  Glossary: 牵头单位 lead unit, 镇 town, 街道办事处 sub-district office, 园区 industrial park,
管委会 administrative committee, 分局 branch bureau, 垂管 vertically managed body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files

from ingest.errors import IngestError

LEVEL_CHARS = "区县市省旗州"
"""Level prefixes printed before a function name: 区财政局, 县财政局, 市财政局, 省财政厅 …"""

_JURISDICTION_SUFFIXES = (
    "自治县",
    "自治旗",
    "自治州",
    "自治区",
    "新区",
    "特区",
    "林区",
    "区",
    "县",
    "市",
    "旗",
    "州",
    "盟",
    "省",
)
_PARENT_LEVEL = {"区": "市", "县": "市", "旗": "市", "市": "省", "州": "省", "盟": "省"}
_TITLE_STOPS = ("关于", "人民政府", "政府", "委员会", "党委", "办公室", "印发", "转发", "安全生产委员会")
_HAN = "\u4e00-\u9fff"


class GazetteerError(IngestError):
    """A gazetteer data file is malformed (wrong column count, an alias given to two functions)."""

    code = "bad_gazetteer"


@dataclass(frozen=True, slots=True, kw_only=True)
class Function:
    """One row of the gazetteer: a standard function name, its printed variants and what kind of body it is."""

    name: str
    aliases: tuple[str, ...]
    kind: str
    organ: str | None = None  # 党委: printed <level>委<name>; 政府: may be printed <level>政府<name>
    successor: str | None = None
    free: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Collective:
    """A collective name (各镇办, 各街道办事处) and what it stands for."""

    name: str
    aliases: tuple[str, ...]
    members: tuple[str, ...]
    kind: str
    note: str = ""

    @property
    def is_group(self) -> bool:
        """True when the name is a set of bodies rather than one collective body."""
        return self.kind == "group"


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Gazetteer:
    """Both gazetteer files, indexed by every printed form (hashed by identity, so finders can be cached)."""

    functions: tuple[Function, ...]
    collectives: tuple[Collective, ...]
    by_alias: Mapping[str, Function]
    collective_by_alias: Mapping[str, Collective]

    def function(self, name: str) -> Function | None:
        """The row whose standard name or alias is ``name``."""
        return self.by_alias.get(name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Jurisdiction:
    """The area a document governs: 王益区 → stem 王益, level 区, parent level 市."""

    name: str
    stem: str
    level: str
    parent_level: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class NameReading:
    """What one printed unit name means.

    ``key`` identifies the body within one document: (category, function, place) where category is a level
    (区, 市 …) for gazetteer functions, or 镇 / 街道 / 园区 / 集体 for structural names; place is the district a
    分局 is named after, or the number of a numbered 大队.  ``quality`` ranks how directly the name was read:
    0 as printed, 1 derived by a rule, 2 a typo repaired.
    """

    surface: str
    key: tuple[str, str, str]
    function: str
    kind: str
    level: str | None
    reasons: tuple[str, ...]
    quality: int = 0
    branch: bool = False
    organ: str | None = None
    successor: str | None = None
    members: tuple[str, ...] = ()
    is_group: bool = False


# ── data files ──────────────────────────────────────────────────────────────────────────────────────────────


def _rows(text: str, *, source: str, columns: int) -> Iterator[list[str]]:
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) != columns:
            raise GazetteerError(f"line {number}: {len(cells)} columns, expected {columns}", path=source)
        if not header_seen:
            header_seen = True
            continue
        yield [("" if cell == "-" else cell) for cell in cells]


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part for part in cell.split("|") if part)


def parse_gazetteer(functions_tsv: str, collectives_tsv: str = "") -> Gazetteer:
    """Build a :class:`Gazetteer` from the text of the two TSV files (pure; see ``ingest/data/``).

    >>> g = parse_gazetteer("function\\taliases\\tkind\\torgan\\tsuccessor\\tfree\\tnote\\n"
    ...                     "财政局\\t-\\t政府部门\\t-\\t-\\t-\\t-\\n")
    >>> g.function("财政局").kind
    '政府部门'
    """
    functions: list[Function] = []
    by_alias: dict[str, Function] = {}
    for name, aliases, kind, organ, successor, free, note in _rows(
        functions_tsv, source="gazetteer.tsv", columns=7
    ):
        row = Function(
            name=name,
            aliases=_split(aliases),
            kind=kind,
            organ=organ or None,
            successor=successor or None,
            free=free == "y",
            note=note,
        )
        functions.append(row)
        for form in (name, *row.aliases):
            other = by_alias.get(form)
            if other is not None and other.name != name:
                raise GazetteerError(
                    f"{form} is an alias of both {other.name} and {name}", path="gazetteer.tsv"
                )
            by_alias[form] = row
    collectives: list[Collective] = []
    collective_by_alias: dict[str, Collective] = {}
    for name, aliases, members, kind, note in _rows(
        collectives_tsv, source="gazetteer_collectives.tsv", columns=5
    ):
        row = Collective(name=name, aliases=_split(aliases), members=_split(members), kind=kind, note=note)
        collectives.append(row)
        for form in (name, *row.aliases):
            collective_by_alias[form] = row
    return Gazetteer(
        functions=tuple(functions),
        collectives=tuple(collectives),
        by_alias=by_alias,
        collective_by_alias=collective_by_alias,
    )


@cache
def load_gazetteer() -> Gazetteer:
    """The gazetteer shipped in ``ingest/data/`` (read once, on first use)."""
    data = files("ingest") / "data"
    return parse_gazetteer(
        (data / "gazetteer.tsv").read_text(encoding="utf-8"),
        (data / "gazetteer_collectives.tsv").read_text(encoding="utf-8"),
    )


# ── jurisdiction ────────────────────────────────────────────────────────────────────────────────────────────


def parse_jurisdiction(name: str) -> Jurisdiction:
    """Split a jurisdiction name into its stem and level.

    >>> parse_jurisdiction("王益区")
    Jurisdiction(name='王益区', stem='王益', level='区', parent_level='市')
    >>> parse_jurisdiction("某某自治县").level
    '县'
    """
    for suffix in _JURISDICTION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            level = "省" if suffix == "自治区" else suffix[-1]
            return Jurisdiction(
                name=name, stem=name[: -len(suffix)], level=level, parent_level=_PARENT_LEVEL.get(level)
            )
    return Jurisdiction(name=name, stem=name, level="", parent_level=None)


_LEVEL_SUFFIX_CHARS = "".join(sorted({suffix[-1] for suffix in _JURISDICTION_SUFFIXES}))
_ADMIN_UNIT = re.compile(rf"[{_HAN}]{{1,7}}?(?:{'|'.join(_JURISDICTION_SUFFIXES)})")


def jurisdiction_from_title(title: str) -> str | None:
    """The lowest administrative area a document title starts with, or None.

    >>> jurisdiction_from_title("王益区关于推进安全生产领域改革发展的实施意见")
    '王益区'
    >>> jurisdiction_from_title("铜川市王益区人民政府关于印发某某方案的通知")
    '王益区'
    >>> jurisdiction_from_title("中共某某县委办公室关于加强安全生产工作的通知")
    '某某县'
    >>> jurisdiction_from_title("陕西省安全生产条例")
    '陕西省'
    >>> jurisdiction_from_title("中华人民共和国安全生产法") is None
    True
    """
    head = title.strip()
    if head.startswith(("关于", "国家", "中华", "全国")):
        return None
    cut = min((i for i in (head.find(stop) for stop in _TITLE_STOPS) if i > 0), default=len(head))
    head = re.sub(rf"^中共|(?<=[{_LEVEL_SUFFIX_CHARS}])委|\s+", "", head[:cut])
    found: str | None = None
    position = 0
    while position < len(head):
        match = _ADMIN_UNIT.match(head, position)
        if match is None:
            break
        found = match.group()
        position = match.end()
    return found


# ── reading one name ────────────────────────────────────────────────────────────────────────────────────────


def one_substituted(a: str, b: str) -> bool:
    """Same length, exactly one character different (a typing slip such as 王印 for 王益).

    >>> one_substituted("王印分局", "王益分局"), one_substituted("区民政局", "区财政局局")
    (True, False)
    """
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def destutter(text: str) -> tuple[tuple[str, str], ...]:
    """Versions of ``text`` with one adjacent repeated run removed, and the run (a common typing slip).

    >>> destutter("区机关事关事务局")
    (('区机关事务局', '关事'),)
    """
    found: list[tuple[str, str]] = []
    for size in (1, 2, 3):
        for i in range(len(text) - 2 * size + 1):
            run = text[i : i + size]
            if run == text[i + size : i + 2 * size]:
                fixed = text[: i + size] + text[i + 2 * size :]
                if (fixed, run) not in found:
                    found.append((fixed, run))
    return tuple(found)


_ORDINAL = re.compile(r"^(?P<head>.+?)(?P<n>[一二三四五六七八九十0-9]+)(?P<tail>大队|中队|支队)$")
_POLICE_BRANCH = re.compile(rf"^(?:公安(?P<a>[{_HAN}]{{1,5}}?)|(?P<b>[{_HAN}]{{1,5}}?)公安)分局$")
_BRANCH = re.compile(rf"^(?P<func>[{_HAN}]+?局)(?P<place>[{_HAN}]{{1,5}}?)分局$")
_TOWN = re.compile(rf"^(?P<name>[{_HAN}]{{2,5}}?(?:镇|乡))(?P<gov>人民政府|政府)?$")
_STREET = re.compile(rf"^(?P<name>[{_HAN}]{{2,6}}?)(?P<form>街道办事处|街道办|街办|街道)$")
_PARK_TYPES = {
    "经济技术开发区": "开发区",
    "高新技术产业开发区": "开发区",
    "高新技术开发区": "开发区",
    "经济开发区": "开发区",
    "高新区": "开发区",
    "开发区": "开发区",
    "工业园区": "园区",
    "产业园区": "园区",
    "工业集中区": "园区",
    "园区": "园区",
    "基地": "基地",
    "风景区": "景区",
    "景区": "景区",
    "示范区": "示范区",
}
_PARK = re.compile(
    rf"^(?P<name>[{_HAN}]{{2,12}}?)(?P<type>{'|'.join(sorted(_PARK_TYPES, key=len, reverse=True))})"
    r"(?P<office>管委会|管理委员会|管理处|管理局)?$"
)
_NOT_PLACE_STARTS = ("各", "全", "本", "该", "重点", "特色", "小城", "建制", "相关", "有关", "所在", "辖区")


def _prefixes(
    surface: str, jur: Jurisdiction | None
) -> Iterator[tuple[str | None, str, tuple[str, ...], int]]:
    """(level, rest, reasons, quality) for every way of reading a level prefix off ``surface``."""
    if jur is not None and len(surface) > len(jur.name):
        head, rest = surface[: len(jur.name)], surface[len(jur.name) :]
        if head == jur.name:
            yield jur.level, rest, (f"full jurisdiction name {jur.name} as level prefix",), 0
        elif head[-1] == jur.level and one_substituted(head, jur.name):
            yield jur.level, rest, (f"typo: one character off jurisdiction name {jur.name} ({head})",), 2
    if len(surface) > 1 and surface[0] in LEVEL_CHARS:
        yield surface[0], surface[1:], (), 0
    yield None, surface, (), 0


def _as_function(
    rest: str, level: str | None, gazetteer: Gazetteer
) -> tuple[Function, tuple[str, ...], int, bool, str] | None:
    """(row, reasons, quality, branch, place) when ``rest`` is a gazetteer function, possibly by a rule."""
    row = gazetteer.function(rest)
    if row is not None:
        return row, (_gazetteer_reason(rest, row),), 0, False, ""
    for marker, organs in (("委", ("党委",)), ("人民政府", ("政府", None)), ("政府", ("政府", None))):
        if rest.startswith(marker) and len(rest) > len(marker):
            row = gazetteer.function(rest[len(marker) :])
            if row is not None and (row.organ in organs or (marker != "委" and row.kind == "政府部门")):
                inner = _gazetteer_reason(rest[len(marker) :], row)
                return row, (f"organ marker {marker} before the function", inner), 0, False, ""
    if rest.endswith("分局") and len(rest) > 2:
        row = gazetteer.function(rest[:-2] + "局")
        if row is not None:
            return row, (f"分局 form of {rest[:-2]}局: {row.name} (gazetteer)",), 1, True, ""
    match = _ORDINAL.match(rest)
    if match is not None:
        row = gazetteer.function(match["head"] + match["tail"])
        if row is not None:
            reason = f"numbered {match['tail']} ({match['n']}) of {row.name} (gazetteer)"
            return row, (reason,), 0, False, match["n"]
    return None


def _gazetteer_reason(form: str, row: Function) -> str:
    if form == row.name:
        return f"standard name {row.name} (gazetteer)"
    return f"abbreviation of {row.name} (gazetteer)"


def _place_reasons(place: str, jur: Jurisdiction | None) -> tuple[str, tuple[str, ...], int]:
    """Normalise the place a 分局 is named after; a one-character slip of the jurisdiction's stem is a typo."""
    if jur is None or place in (jur.stem, jur.name):
        return place, (), 0
    if one_substituted(place, jur.stem):
        return jur.stem, (f"typo: one character off jurisdiction name {jur.stem} ({place})",), 2
    return place, (), 0


def _read_branch(
    rest: str, level: str | None, jur: Jurisdiction | None, gazetteer: Gazetteer
) -> NameReading | None:
    """公安<地名>分局, <地名>公安分局, <上级局><地名>分局: a branch of a higher-level bureau named after a district."""
    police = _POLICE_BRANCH.match(rest)
    if police is not None:
        function, place = gazetteer.function("公安局"), police["a"] or police["b"]
    else:
        match = _BRANCH.match(rest)
        if match is None:
            return None
        function, place = gazetteer.function(match["func"]), match["place"]
    if function is None or place in LEVEL_CHARS:
        return None
    place, reasons, quality = _place_reasons(place, jur)
    reasons = (*reasons, f"分局 of the higher-level {function.name} named after {place}")
    if level is None and jur is not None and jur.parent_level is not None and place == jur.stem:
        level = jur.parent_level
        reasons = (*reasons, f"level {level} implied: 分局 named after the district")
    return NameReading(
        surface=rest,
        key=(level or "", function.name, place),
        function=function.name,
        kind="垂管/派出",
        level=level,
        reasons=reasons,
        quality=quality,
        branch=True,
        organ=function.organ,
        successor=function.successor,
    )


def _read_structure(surface: str, level: str | None) -> NameReading | None:
    """Towns, sub-district offices and parks, read from the shape of the name alone."""
    town = _TOWN.match(surface)
    if town is not None and not town["name"].startswith(_NOT_PLACE_STARTS):
        name = town["name"]
        reasons = ("town government: 政府 suffix",) if town["gov"] else ("town (…镇/…乡)",)
        return NameReading(
            surface=surface, key=("镇", name, ""), function=name, kind="镇街", level="镇",
            reasons=reasons, quality=1 if town["gov"] else 0,
        )  # fmt: skip
    street = _STREET.match(surface)
    if street is not None and not street["name"].startswith(_NOT_PLACE_STARTS):
        name = street["name"] + "街道办事处"
        form = street["form"]
        reasons = (
            ("sub-district office (…街道办事处)",) if form == "街道办事处" else (f"{form} for 街道办事处",)
        )
        return NameReading(
            surface=surface, key=("街道", name, ""), function=name, kind="镇街", level="街道",
            reasons=reasons, quality=0 if form == "街道办事处" else 1,
        )  # fmt: skip
    park = _PARK.match(surface)
    if (
        park is not None
        and not park["name"].startswith(_NOT_PLACE_STARTS)
        and park["name"][-1] not in "的和及"
    ):
        kind_word = _PARK_TYPES[park["type"]]
        name = park["name"] + kind_word
        reasons: tuple[str, ...] = ()
        if park["type"] != kind_word:
            reasons += (f"园区 name variant: {park['type']} read as {kind_word}",)
        if park["office"] is None:
            reasons += ("园区 name variant: 管委会 omitted",)
        elif park["office"] != "管委会":
            reasons += (f"园区 name variant: {park['office']} for 管委会",)
        return NameReading(
            surface=surface, key=("园区", name, ""), function=name, kind="园区", level=level,
            reasons=reasons or ("园区 administrative committee (…管委会)",), quality=1 if reasons else 0,
        )  # fmt: skip
    return None


def _read_collective(surface: str, gazetteer: Gazetteer) -> NameReading | None:
    row = gazetteer.collective_by_alias.get(surface)
    if row is None:
        return None
    if surface == row.name:
        reason = f"collective name {row.name} (gazetteer)"
    else:
        reason = f"variant of collective name {row.name} (gazetteer)"
    return NameReading(
        surface=surface,
        key=("集体", row.name, ""),
        function=row.name,
        kind="镇街" if row.is_group else row.kind,
        level="镇" if row.is_group else "街道",
        reasons=(reason,),
        quality=0 if surface == row.name else 1,
        members=row.members,
        is_group=row.is_group,
    )


def _read_plain(
    surface: str, jur: Jurisdiction | None, default_level: str | None, gazetteer: Gazetteer
) -> NameReading | None:
    collective = _read_collective(surface, gazetteer)
    if collective is not None:
        return collective
    team = re.fullmatch(rf"团([{LEVEL_CHARS}])委", surface)
    if team is not None:
        row = gazetteer.function("共青团委员会")
        if row is not None:
            level = team[1]
            return NameReading(
                surface=surface, key=(level, row.name, ""), function=row.name, kind=row.kind, level=level,
                reasons=("团<level>委: the Communist Youth League committee",),
            )  # fmt: skip
    body = surface.removeprefix("中共") if len(surface) > 3 else surface
    for level, rest, prefix_reasons, prefix_quality in _prefixes(body, jur):
        found = _as_function(rest, level, gazetteer)
        if found is not None:
            row, reasons, quality, branch, place = found
            if level is None:
                reasons = (*reasons, "level prefix omitted")
            actual = level or default_level
            kind = "垂管/派出" if branch and row.kind == "政府部门" else row.kind
            return NameReading(
                surface=surface,
                key=(actual or "", row.name, place),
                function=row.name,
                kind=kind,
                level=actual,
                reasons=(*prefix_reasons, *reasons),
                quality=max(prefix_quality, quality),
                branch=branch,
                organ=row.organ,
                successor=row.successor,
            )
        branch_reading = _read_branch(rest, level, jur, gazetteer)
        if branch_reading is not None:
            return replace(
                branch_reading,
                surface=surface,
                reasons=(*prefix_reasons, *branch_reading.reasons),
                quality=max(prefix_quality, branch_reading.quality),
            )
        if level is None or (jur is not None and level == jur.level and prefix_reasons):
            structure = _read_structure(rest, jur.level if jur else default_level)
            if structure is not None:
                return replace(
                    structure,
                    surface=surface,
                    reasons=(*prefix_reasons, *structure.reasons),
                    quality=max(prefix_quality, structure.quality),
                )
    return None


def read_unit_name(
    surface: str,
    *,
    jurisdiction: str | None = None,
    default_level: str | None = None,
    gazetteer: Gazetteer | None = None,
) -> NameReading | None:
    """Read one printed unit name, or None when no gazetteer function and no structural rule matches.

    ``default_level`` is the level assumed when the prefix is omitted (the jurisdiction's own level when a
    jurisdiction is given).

    >>> r = read_unit_name("区发改委", jurisdiction="王益区")
    >>> r.key, r.kind
    (('区', '发展和改革局', ''), '政府部门')
    >>> read_unit_name("城市管理局王印分局", jurisdiction="王益区").key
    ('市', '城市管理局', '王益')
    >>> read_unit_name("区机关事关事务局", jurisdiction="王益区").reasons[0]
    'typo: repeated characters 关事 (区机关事关事务局 → 区机关事务局)'
    >>> read_unit_name("某某公司") is None
    True
    """
    gazetteer = gazetteer or load_gazetteer()
    surface = surface.strip()
    jur = parse_jurisdiction(jurisdiction) if jurisdiction else None
    default_level = default_level or (jur.level if jur else None)
    if not surface:
        return None
    reading = _read_plain(surface, jur, default_level, gazetteer)
    if reading is not None:
        return reading
    for fixed, run in destutter(surface):
        reading = _read_plain(fixed, jur, default_level, gazetteer)
        if reading is not None:
            typo = f"typo: repeated characters {run} ({surface} → {fixed})"
            return replace(reading, surface=surface, reasons=(typo, *reading.reasons), quality=2)
    return None


# ── cells and free text ─────────────────────────────────────────────────────────────────────────────────────

_CELL_NAME = re.compile(r"[^、，,;；/|\s\u3000]+")


def split_unit_cell(cell: str) -> list[tuple[str, int, int]]:
    """Unit names in a 牵头单位 / 责任单位 cell with their offsets inside the cell.

    Separators are 、，,;；/| and any white space; a trailing 等 ("etc.") is dropped.

    >>> split_unit_cell("\\t区编办、区安监局，各镇办 |")
    [('区编办', 1, 4), ('区安监局', 5, 9), ('各镇办', 10, 13)]
    >>> split_unit_cell("区卫计局、区人社局、")
    [('区卫计局', 0, 4), ('区人社局', 5, 9)]
    >>> split_unit_cell("区公安分局等")
    [('区公安分局', 0, 5)]
    """
    names: list[tuple[str, int, int]] = []
    for match in _CELL_NAME.finditer(cell):
        start, end = match.span()
        if cell[end - 1] == "等" and end - start > 2:
            end -= 1
        names.append((cell[start:end], start, end))
    return names


_BOUNDARY_BEFORE = r"(?:(?<=[、，。；：,;:\s“（(])|^)"
_BOUNDARY_AFTER = r"(?=[、，。；：,;:\s”）)和及等要]|$)"
_NO_LEVEL_BEFORE = "城都超社小园景辖街片本我全各该"


def _alias_pattern(form: str) -> str:
    if form == "委":  # 区委, but not 区委托
        return "委(?![托派屈婉任员])"
    ordinal = re.fullmatch(r"(.+)(大队|中队|支队)", form)
    if ordinal is not None:
        return f"{re.escape(ordinal[1])}(?:[一二三四五六七八九十0-9]+)?{ordinal[2]}"
    return re.escape(form)


@cache
def _finders(jurisdiction: str | None, gazetteer: Gazetteer) -> tuple[re.Pattern[str], ...]:
    forms: set[str] = set()
    for row in gazetteer.functions:
        for form in (row.name, *row.aliases):
            forms.add(form)
            if row.organ == "党委" and form != "委":
                forms.add("委" + form)
            if row.organ == "政府" or row.kind == "政府部门":
                forms.add("政府" + form)
            if form.endswith("局") and len(form) > 2:
                forms.add(form[:-1] + "分局")
    functions = "|".join(_alias_pattern(form) for form in sorted(forms, key=lambda f: (-len(f), f)))
    levels = f"(?<![{_NO_LEVEL_BEFORE}])[{LEVEL_CHARS}]"
    jur = parse_jurisdiction(jurisdiction) if jurisdiction else None
    prefix = f"(?:{re.escape(jur.name)}|{levels})" if jur else levels
    alternatives = [f"(?:中共)?{prefix}(?:{functions})"]
    free = sorted((f for row in gazetteer.functions if row.free for f in (row.name, *row.aliases)), key=len)
    if free:
        alternatives.append("|".join(re.escape(form) for form in reversed(free)))
    collectives = sorted(gazetteer.collective_by_alias, key=lambda f: (-len(f), f))
    alternatives.append("|".join(re.escape(form) for form in collectives))
    if jur is not None:
        stem = re.escape(jur.stem)
        bureaus = "|".join(
            re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)) if f.endswith("局")
        )
        alternatives.append(f"公安{stem}分局|{stem}公安分局|(?:[省市])?(?:{bureaus}){stem}分局")
    town = (
        rf"[{_HAN}]{{2,4}}?(?:镇|乡)(?:人民政府|政府){_BOUNDARY_AFTER}"  # bare …镇 is too often a verb + 镇
    )
    street = rf"[{_HAN}]{{2,6}}?(?:街道办事处|街道办){_BOUNDARY_AFTER}"
    park_types = "|".join(sorted(_PARK_TYPES, key=len, reverse=True))
    park = rf"[{_HAN}]{{2,12}}?(?:{park_types})(?:管委会|管理委员会)"
    alternatives.append(f"{_BOUNDARY_BEFORE}(?:{park}|{street}|{town})")
    return tuple(re.compile(alt) for alt in alternatives)


def find_unit_names(
    text: str,
    *,
    jurisdiction: str | None = None,
    known: Iterable[str] = (),
    gazetteer: Gazetteer | None = None,
) -> list[tuple[str, int, int]]:
    """Unit names in free text as (surface, start, end), longest match first, without overlaps.

    Finds level-prefixed gazetteer functions (区政府, 区委, 区安监局, 区安全生产委员会), collective names (各街道办),
    functions that may stand alone (公安消防), 分局 named after the jurisdiction, town / sub-district / park names
    standing between punctuation (a town only with its 政府 suffix: 强化镇、街办 is a verb before 镇), and any ``known`` name (for example the names of the document's task table).

    >>> find_unit_names("区委、区政府要强化区安监局的行政执法职能。", jurisdiction="王益区")
    [('区委', 0, 2), ('区政府', 3, 6), ('区安监局', 9, 13)]
    >>> find_unit_names("依托公安消防、大型企业")
    [('公安消防', 2, 6)]
    """
    gazetteer = gazetteer or load_gazetteer()
    spans = [m.span() for pattern in _finders(jurisdiction, gazetteer) for m in pattern.finditer(text)]
    for name in sorted(set(known), key=len, reverse=True):
        if name:
            spans.extend(m.span() for m in re.finditer(re.escape(name), text))
    found: list[tuple[str, int, int]] = []
    last_end = 0
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if start >= last_end and end > start:
            found.append((text[start:end], start, end))
            last_end = end
    return found
