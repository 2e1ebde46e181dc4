"""Table rows every human-readable export shares: tasks, responsible bodies, marks, deadline status.

Why one module: the CSV, the workbook, the standalone page and the meeting report must print the same task
row, the same 牵头 / 配合 marks and the same deadline status; each exporter only lays these rows out.
Unit groups (各镇办) are expanded to their member bodies wherever bodies are counted or listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ingest.model import Deadline, Document, Task, Unit
from kg.due import status
from search_api.exports.filters import Cut

LEAD = "牵头"
COOPERATING = "配合"
OVERDUE = "已逾期"
PENDING = "未到期"
ONGOING = "长期"
UNKNOWN = "时限待定"
TASK_HEADER = ("序号", "重点任务", "牵头单位", "配合单位", "完成时限", "状态", "来源条款", "文件")


def today() -> str:
    """Today's date, ISO (the default ``as of`` date)."""
    return dt.date.today().isoformat()


def deadline_status(deadline: Deadline, as_of: str) -> str:
    """已逾期 when the due date is before ``as_of``; 长期 for open-ended deadlines.

    >>> deadline_status(Deadline(text="2018年", due="2018-12-31"), "2019-01-01")
    '已逾期'
    >>> deadline_status(Deadline(text="2018年", due="2018-12-31"), "2018-12-31")
    '未到期'
    >>> deadline_status(Deadline(text="长期", ongoing=True), "2030-01-01")
    '长期'
    """
    if deadline.ongoing:
        return ONGOING
    if not deadline.due:
        return UNKNOWN
    return OVERDUE if status(deadline.due, dt.date.fromisoformat(as_of)) == "overdue" else PENDING


def names(units: dict[str, Unit], unit_ids: tuple[str, ...]) -> str:
    """Unit names joined by 、 as in the source table.

    >>> names({"a": Unit(id="a", name="区住建局", kind="")}, ("a", "x"))
    '区住建局、x'
    """
    return "、".join(units[u].name if u in units else u for u in unit_ids)


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskRow:
    """One task as a table row (the columns of :data:`TASK_HEADER`)."""

    doc: Document
    task: Task
    lead: str
    cooperating: str
    status: str
    articles: str

    def cells(self) -> tuple[str | int, ...]:
        """The row's values in :data:`TASK_HEADER` order."""
        return (
            self.task.number,
            self.task.text,
            self.lead,
            self.cooperating,
            self.task.deadline.text,
            self.status,
            self.articles,
            self.doc.title,
        )


def as_of(cut: Cut) -> str:
    """The date the deadline status is counted from."""
    return cut.as_of or today()


def task_rows(cut: Cut) -> list[TaskRow]:
    """Every task of the cut, in document and table order."""
    date = as_of(cut)
    return [
        TaskRow(
            doc=doc,
            task=task,
            lead=names(cut.units, task.units),
            cooperating=names(cut.units, task.co_units),
            status=deadline_status(task.deadline, date),
            articles="、".join(link.label for link in task.articles),
        )
        for doc in cut.corpus.documents
        for task in doc.tasks
    ]


def bodies(units: dict[str, Unit], unit_ids: tuple[str, ...]) -> tuple[str, ...]:
    """The bodies behind unit ids: a group stands for its members.

    >>> g = Unit(id="g", name="各镇办", kind="", is_group=True, members=("a", "b"))
    >>> bodies({"g": g}, ("a", "g", "c"))
    ('a', 'b', 'c')
    """
    found: dict[str, None] = {}
    for unit_id in unit_ids:
        unit = units.get(unit_id)
        for body in unit.members if unit is not None and unit.is_group else (unit_id,):
            found.setdefault(body, None)
    return tuple(found)


def task_key(doc: Document, task: Task) -> tuple[str, int]:
    """A task's key across documents."""
    return (doc.id, task.number)


def marks(cut: Cut) -> dict[str, dict[tuple[str, int], str]]:
    """Body id → task key → 牵头 or 配合, bodies in order of first appearance (lead beats co-operating)."""
    table: dict[str, dict[tuple[str, int], str]] = {}
    for doc in cut.corpus.documents:
        for task in doc.tasks:
            key = task_key(doc, task)
            for body in bodies(cut.units, task.units):
                table.setdefault(body, {})[key] = LEAD
            for body in bodies(cut.units, task.co_units):
                table.setdefault(body, {}).setdefault(key, COOPERATING)
    return table


def lead_bodies(cut: Cut) -> tuple[str, ...]:
    """The bodies that lead at least one task of the cut."""
    return tuple(body for body, row in marks(cut).items() if LEAD in row.values())


def unit_name(cut: Cut, unit_id: str) -> str:
    """A unit's standard name (its id when unknown)."""
    unit = cut.units.get(unit_id)
    return unit.name if unit else unit_id
