"""The roles laws name (负责特种设备安全监督管理的部门, 消防救援机构 …) mapped to the local bodies that hold them.

Why a table and not the graph: laws speak of roles, the document of bodies; what joins them is administrative
knowledge (which function carries a role, and which bodies were renamed in the 2018–2019 reform), kept with its
sources in ``ontology/statutory_roles.tsv`` beside ``ontology/succession.tsv``. A unit holds a role when its
standard function (from the gazetteer) is the role's function, or became it through the succession table
(区安监局: 安全生产监督管理局 → 应急管理局 holds 应急管理部门's role).

The same table says which names read off law sentences are not roles: bare heads (国家, and any name of at most
four characters ending in a generic head such as 使用单位 that no role row matches), and fragments or relative
clauses that start with a conjunction or verb (以及…, 协调…, 接到报告的…).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from kg.succession import load_succession

if TYPE_CHECKING:
    from ingest.model import Unit

_GENERIC_HEADS = ("单位", "人员", "部门", "机构", "企业", "个人")
_SHORT = 4


@dataclass(frozen=True, slots=True)
class RoleTable:
    """The rows of ``statutory_roles.tsv``: role phrase → functions, bare names, fragment openings."""

    roles: Mapping[str, tuple[str, ...]]
    bare: frozenset[str]
    fragments: tuple[str, ...]
    national: tuple[str, ...] = ()  # openings of roles no local body holds (国务院…)


def parse_roles(text: str) -> RoleTable:
    """Parse the table (tab-separated, ``#`` comments, a header row).

    >>> t = parse_roles("kind\\tphrase\\tfunction\\tbasis\\nrole\\t甲部门\\t甲局|乙局\\tx\\nbare\\t国家\\t-\\t-\\n")
    >>> t.roles["甲部门"], sorted(t.bare)
    (('甲局', '乙局'), ['国家'])
    """
    roles: dict[str, tuple[str, ...]] = {}
    bare: set[str] = set()
    fragments: list[str] = []
    national: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, phrase, function, *_ = [*line.split("\t"), "", "", ""]
        if kind == "role":
            roles[phrase] = tuple(f for f in function.split("|") if f and f != "-")
        elif kind == "bare":
            bare.add(phrase)
        elif kind == "fragment":
            fragments.append(phrase)
        elif kind == "national":
            national.append(phrase)
    return RoleTable(roles=roles, bare=frozenset(bare), fragments=tuple(fragments), national=tuple(national))


@cache
def load_roles() -> RoleTable:
    """The packaged ``ontology/statutory_roles.tsv``."""
    return parse_roles(files("ontology").joinpath("statutory_roles.tsv").read_text(encoding="utf-8"))


def role_functions(name: str, table: RoleTable | None = None) -> tuple[str, ...]:
    """The functions holding the role ``name`` names (the longest role phrase it contains), else ``()``.

    >>> role_functions("县级以上地方各级人民政府负责特种设备安全监督管理的部门")
    ('市场监督管理局',)
    >>> role_functions("消防救援机构"), role_functions("电梯制造单位")
    (('消防救援大队',), ())
    """
    table = table or load_roles()
    found = [phrase for phrase in table.roles if phrase in name]
    return table.roles[max(found, key=len)] if found else ()


def is_role(name: str, table: RoleTable | None = None) -> bool:
    """Whether a name read off a law names a body or duty holder (not a bare head, fragment or clause).

    >>> is_role("国家"), is_role("使用单位"), is_role("以及为特种设备提供检测服务的机构"), is_role("接到报告的部门")
    (False, False, False, False)
    >>> is_role("消防救援机构"), is_role("电梯制造单位"), is_role("生产经营单位")
    (True, True, True)
    """
    table = table or load_roles()
    text = name.strip()
    if text in table.bare or len(text) < 2:
        return False
    if text.startswith(table.fragments):
        return False
    return not (len(text) <= _SHORT and text.endswith(_GENERIC_HEADS) and not role_functions(text, table))


@cache
def _successors() -> Mapping[str, tuple[str, ...]]:
    """Old function → the functions it became (one reform step; :func:`current_functions` follows the chain)."""
    out: dict[str, list[str]] = {}
    for change in load_succession():
        if change.old != change.new:
            out.setdefault(change.old, []).append(change.new)
    return {old: tuple(new) for old, new in out.items()}


def current_functions(function: str) -> set[str]:
    """The function and every function it became through the reform.

    >>> sorted(current_functions("质量技术监督局")), sorted(current_functions("公安消防大队"))
    (['市场监督管理局', '质量技术监督局'], ['公安消防大队', '消防救援大队'])
    """
    seen = {function}
    todo = [function]
    while todo:
        for new in _successors().get(todo.pop(), ()):
            if new not in seen:
                seen.add(new)
                todo.append(new)
    return seen


def jurisdiction(unit_id: str) -> str:
    """The jurisdiction key of a unit id (its first dash-separated part: ``wangyiqu`` of ``wangyiqu-caizhengju``)."""
    return unit_id.split("-", 1)[0]


def local_units(
    name: str, units: Iterable[Unit], *, jurisdictions: Iterable[str] = (), table: RoleTable | None = None
) -> list[dict[str, Any]]:
    """``[{"id", "name", "successor"}]``: the units (of these jurisdictions, all when none) holding role ``name``.

    A national or provincial role (国务院负责…的部门) is held by no local body.
    """
    table = table or load_roles()
    functions = set(role_functions(name, table))
    if not functions or name.startswith(table.national):
        return []
    wanted = set(jurisdictions)
    out = []
    for unit in units:
        if unit.is_group or not unit.function or (wanted and jurisdiction(unit.id) not in wanted):
            continue
        if current_functions(unit.function) & functions:
            out.append({"id": unit.id, "name": unit.name, "successor": unit.successor})
    return sorted(out, key=lambda u: u["name"])
