"""A unit's profile: its tasks (lead or co-operating), deadlines, source articles, co-responsible units and
the obligations it bears. Any name works: the standard name, a printed alias, the id or the successor name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ingest.errors import PolicyKGError
from kg import queries
from kg.store import GraphStore, rows_by


class UnknownUnit(PolicyKGError, LookupError):
    """No unit of the graph has that name; ``candidates`` lists near matches."""

    code = "unknown_unit"
    status = 404

    def __init__(self, name: str, candidates: tuple[str, ...] = ()) -> None:
        self.name = name
        self.candidates = candidates
        hint = f"did you mean {', '.join(candidates)}?" if candidates else "try the name as printed in a task table"
        super().__init__(f"no unit named {name!r} in this build", hint=hint)


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """Everything the graph says one unit is responsible for."""

    unit: dict[str, Any]
    tasks: tuple[dict[str, Any], ...]
    obligations: tuple[dict[str, Any], ...]
    co_units: tuple[dict[str, Any], ...]

    def to_json(self) -> dict[str, Any]:
        """``{"unit", "tasks": [...], "obligations": [...], "co_units": [...]}``."""
        return {
            "unit": self.unit,
            "tasks": list(self.tasks),
            "obligations": list(self.obligations),
            "co_units": list(self.co_units),
        }


def find_unit(store: GraphStore, name: str) -> str:
    """The IRI of the unit called ``name`` (exact name, alias, id or successor name; else a unique substring)."""
    exact = [str(row["unit"]) for row in store.select(queries.find_unit_sparql(name.strip()))]
    if len(exact) >= 1:
        return exact[0]
    like = [str(row["unit"]) for row in store.select(queries.find_unit_like_sparql(name.strip()))]
    if len(like) == 1:
        return like[0]
    names = tuple(
        str(row["name"]) for row in store.select(queries.labels_sparql(like[:5])) if row["name"]
    ) if like else ()
    raise UnknownUnit(name, tuple(dict.fromkeys(names)))


def unit_info(store: GraphStore, iri: str) -> dict[str, Any]:
    """Id, name, aliases, kind, successor and group members of one unit."""
    rows = store.select(
        f"""{queries.PREFIXES}
SELECT ?id ?name ?alias ?kind ?successor ?member ?memberName ?group WHERE {{
  <{iri}> skos:prefLabel ?name .
  OPTIONAL {{ <{iri}> dcterms:identifier ?id }}
  OPTIONAL {{ <{iri}> skos:altLabel ?alias }}
  OPTIONAL {{ <{iri}> pkg:kind ?kind }}
  OPTIONAL {{ <{iri}> pkg:successorName ?successor }}
  OPTIONAL {{ <{iri}> pkg:hasMember ?member . ?member skos:prefLabel ?memberName }}
  BIND(EXISTS {{ <{iri}> a pkg:UnitGroup }} AS ?group)
}}"""
    )
    first = rows[0] if rows else {}
    return {
        "id": first.get("id"),
        "iri": iri,
        "name": first.get("name"),
        "aliases": sorted({str(r["alias"]) for r in rows if r.get("alias")}),
        "kind": first.get("kind"),
        "successor": first.get("successor"),
        "is_group": bool(first.get("group")),
        "members": sorted({str(r["memberName"]) for r in rows if r.get("memberName")}),
    }


def profile(store: GraphStore, name: str) -> Profile:
    """The profile of the unit called ``name`` (raises :class:`UnknownUnit`)."""
    iri = find_unit(store, name)
    task_rows = store.select(queries.unit_tasks_sparql(iri))
    task_iris = sorted({str(row["task"]) for row in task_rows})
    units = rows_by(store.select(queries.task_units_sparql(task_iris)), "task") if task_iris else {}
    articles = rows_by(store.select(queries.task_articles_sparql(task_iris)), "task") if task_iris else {}
    tasks = []
    co_counts: dict[str, list[int]] = {}
    for task, rows in rows_by(task_rows, "task").items():
        row = min(rows, key=lambda r: (r["role"] != "lead", str(r["via"]) != iri))
        others = [u for u in units.get(task, []) if u["unit"] not in (iri, row["via"])]
        for other in others:
            co_counts.setdefault(str(other["name"]), []).append(int(row["number"] or 0))
        tasks.append(
            {
                "doc": row["doc"],
                "number": row["number"],
                "text": row["text"],
                "role": row["role"],
                "via_group": None if row["via"] == iri else row["via"],
                "deadline": row["deadline"],
                "due": row["due"],
                "ongoing": bool(row["ongoing"]),
                "span": {"start": row["start"], "end": row["end"]},
                "articles": [
                    {"number": a["number"], "label": a["label"], "score": a["score"]} for a in articles.get(task, [])
                ],
                "co_units": sorted({str(u["name"]) for u in others}),
            }
        )
    tasks.sort(key=lambda t: (str(t["doc"]), int(t["number"] or 0)))
    obligations = tuple(
        {
            "doc": row["doc"],
            "article": row["number"],
            "label": row["label"],
            "text": row["text"],
            "modality": row["modality"],
            "span": {"start": row["start"], "end": row["end"]},
        }
        for row in store.select(queries.unit_obligations_sparql(iri))
    )
    co_units = tuple(
        {"name": name, "shared_tasks": sorted(set(numbers))}
        for name, numbers in sorted(co_counts.items(), key=lambda pair: (-len(set(pair[1])), pair[0]))
    )
    return Profile(unit=unit_info(store, iri), tasks=tuple(tasks), obligations=obligations, co_units=co_units)
