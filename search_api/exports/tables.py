"""Tables: the task list as CSV, and the meeting workbook (XLSX).

Why these sheets: a review meeting walks the task list (任务), asks who leads what (责任矩阵, 牵头 / 配合 per
body, groups such as 各镇办 expanded to their members), which articles of the policy no task carries out
(条款×任务, gaps filled red), what the text obliges whom to do (义务), and then goes unit by unit (one sheet per
body). Every sheet has a frozen header, an auto-filter and column widths measured in display cells (a Chinese
character is two), so it opens ready to read in Excel or WPS. The CSV is UTF-8 with a BOM, which is what makes
Excel on Chinese Windows read it as UTF-8 rather than GBK.

Text from documents is data, never a formula (OWASP "CSV injection"): a cell that begins with ``= + - @``, a tab or
a carriage return is written to the CSV with a leading single quote and to the workbook as a string cell with
Excel's quote prefix, so ``=HYPERLINK(…)`` in a task text is shown, not run. JSON and RDF keep the text as is.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from search_api.exports.filters import Cut, cut_build, cut_store
from search_api.exports.rows import (
    COOPERATING,
    LEAD,
    TASK_HEADER,
    as_of,
    marks,
    names,
    task_key,
    task_rows,
    unit_name,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from search_api.builds.datadir import BuildDir
    from search_api.exports.registry import ExportRequest

MAX_WIDTH = 60  # display cells; longer text wraps
MODALITY_ZH = {
    "must": "必须",
    "shall": "应当",
    "should": "应",
    "responsible": "负责",
    "prohibited": "禁止",
    "encouraged": "鼓励",
    "may": "可以",
}
PERIOD_ZH = {"day": "每日", "week": "每周", "month": "每月", "quarter": "每季度", "halfyear": "每半年", "year": "每年"}
HEADER_FILL = "DDEBF7"
LEAD_FILL = "F4B183"
COOPERATING_FILL = "FFE699"
GAP_FILL = "F8CBAD"
LINK_FILL = "C6EFCE"
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheet programs read as the start of a formula


def display_width(text: object) -> int:
    """Width in monospace cells: East Asian wide and full-width characters count two.

    >>> display_width("区住建局"), display_width("Task 1")
    (8, 6)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def is_formula_like(value: object) -> bool:
    """Whether a spreadsheet program would read ``value`` as a formula.

    >>> is_formula_like('=HYPERLINK("http://x","y")'), is_formula_like("-1"), is_formula_like("区住建局"), is_formula_like(-1)
    (True, True, False, False)
    """
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> object:
    """``value`` as a CSV cell: formula-like text gets a leading single quote (OWASP), anything else is kept.

    >>> csv_cell("=1+2"), csv_cell("@SUM(A1)"), csv_cell("电梯"), csv_cell(37)
    ("'=1+2", "'@SUM(A1)", '电梯', 37)
    """
    return "'" + value if is_formula_like(value) else value  # type: ignore[operator]


def render_csv(build: BuildDir, request: ExportRequest) -> bytes:
    """The task table (:data:`~search_api.exports.rows.TASK_HEADER`) as CSV, UTF-8 with BOM, CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TASK_HEADER)
    for row in task_rows(cut_build(build, request)):
        writer.writerow([csv_cell(cell) for cell in row.cells()])
    return buffer.getvalue().encode("utf-8-sig")


def render_xlsx(build: BuildDir, request: ExportRequest) -> bytes:
    """The meeting workbook: 任务, 责任矩阵, 条款×任务, 义务 and one sheet per responsible body."""
    from openpyxl import Workbook

    cut = cut_build(build, request)
    workbook = Workbook()
    tasks = workbook.active
    tasks.title = "任务"
    _table(tasks, TASK_HEADER, (row.cells() for row in task_rows(cut)), wrap=(1, 6))
    _responsibility(workbook.create_sheet("责任矩阵"), cut)
    _traceability(workbook.create_sheet("条款×任务"), build, cut)
    _obligations(workbook.create_sheet("义务"), cut)
    used = set(workbook.sheetnames)
    for body, row in marks(cut).items():
        _unit_sheet(workbook.create_sheet(_sheet_name(unit_name(cut, body), used)), cut, row)
    workbook.properties.title = f"PolicyKG 会议工作簿 · {cut.title}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    """A legal, unique sheet name (31 characters, none of []:*?/\\)."""
    base = _SHEET_UNSAFE.sub("_", name)[:31] or "单位"
    candidate, index = base, 2
    while candidate in used:
        suffix = f"({index})"
        candidate, index = base[: 31 - len(suffix)] + suffix, index + 1
    used.add(candidate)
    return candidate


def _table(
    sheet: Worksheet,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    wrap: Sequence[int] = (),
    freeze: str = "A2",
) -> None:
    """Header, rows, frozen header, auto-filter and widths that fit the (Chinese) text."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    _text_not_formulas(sheet)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center", wrap_text=False)
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = sheet.dimensions
    top = Alignment(vertical="top", wrap_text=True)
    for index, column in enumerate(sheet.iter_cols(min_row=1), start=0):
        widest = max((display_width(c.value) for c in column if c.value is not None), default=4)
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(MAX_WIDTH, widest + 3)
        if index in wrap:
            for cell in column[1:]:
                cell.alignment = top


def _text_not_formulas(sheet: Worksheet) -> None:
    """Store formula-like text as string cells with the quote prefix: Excel and WPS show it and never run it."""
    for row in sheet.iter_rows():
        for cell in row:
            if is_formula_like(cell.value):
                cell.data_type = "s"  # openpyxl typed any text starting with "=" as a formula ("f")
                cell.quotePrefix = True


def _mark_fill(value: str) -> Any:
    from openpyxl.styles import PatternFill

    color = LEAD_FILL if value == LEAD else COOPERATING_FILL
    return PatternFill("solid", fgColor=color)


def _responsibility(sheet: Worksheet, cut: Cut) -> None:
    """Body × task: 牵头 / 配合, with the counts per body."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    keys = [task_key(doc, task) for doc in cut.corpus.documents for task in doc.tasks]
    header = ["单位", "牵头数", "配合数", *(f"任务{number}" for _, number in keys)]
    table = marks(cut)
    rows = []
    for body, row in table.items():
        values = list(row.values())
        rows.append([unit_name(cut, body), values.count(LEAD), values.count(COOPERATING), *(row.get(k, "") for k in keys)])
    _table(sheet, header, rows, freeze="D2")
    center = Alignment(horizontal="center")
    for row in sheet.iter_rows(min_row=2, min_col=4):
        for cell in row:
            cell.alignment = center
            if cell.value:
                cell.fill = _mark_fill(cell.value)
    for index in range(4, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 7


def _traceability(sheet: Worksheet, build: BuildDir, cut: Cut) -> None:
    """Article × task with the link scores (from :func:`kg.trace.trace`); articles no task carries out in red."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from kg.trace import trace

    gap, link = PatternFill("solid", fgColor=GAP_FILL), PatternFill("solid", fgColor=LINK_FILL)
    store = cut_store(build, cut)
    traces = [t for doc in cut.corpus.documents for t in trace(store, doc=doc.id) if doc.tasks]
    numbers = [(t.doc, int(task["number"])) for t in traces for task in t.tasks]
    header = ["文件", "条款", "标题", "任务数", *(f"任务{n}" for _, n in numbers)]
    rows, gaps, titles = [], [], {d.id: d.title for d in cut.corpus.documents}
    for item in traces:
        scores = {(int(x["article"]), int(x["task"])): float(x["score"]) for x in item.links}
        for article in item.articles:
            number = int(article["number"])
            cells = [scores.get((number, n)) if d == item.doc else None for d, n in numbers]
            rows.append([titles[item.doc], article["label"], article["title"], sum(c is not None for c in cells), *cells])
            gaps.append(number in item.articles_without_tasks)
    _table(sheet, header, rows, freeze="E2")
    for row_index, is_gap in enumerate(gaps, start=2):
        for cell in sheet[row_index]:
            if is_gap:
                cell.fill = gap
            elif isinstance(cell.value, float):
                cell.fill, cell.number_format = link, "0.00"
    missing = {(t.doc, n) for t in traces for n in t.tasks_without_articles}
    for column, key in enumerate(numbers, start=5):
        if key in missing:
            sheet.cell(row=1, column=column).fill = gap
        sheet.column_dimensions[get_column_letter(column)].width = 8
    sheet.cell(row=len(rows) + 3, column=1, value="红色：没有任务落实的条款（或没有对应条款的任务）").font = Font(italic=True)


def _frequency(obligation: Any) -> str:
    frequency = obligation.frequency
    if frequency is None:
        return ""
    return frequency.text or PERIOD_ZH.get(frequency.period or "", "")


def _obligations(sheet: Worksheet, cut: Cut) -> None:
    """Every obligation: document, article, bearer, modality, frequency, deadline, quote."""
    header = ("文件", "条款", "义务主体", "情态", "频次", "时限", "原文")
    rows = []
    for doc in cut.corpus.documents:
        for article in doc.articles():
            for obligation in article.obligations:
                bearers = "、".join(
                    unit_name(cut, b.unit_id) if b.unit_id else (b.role or b.text) for b in obligation.bearers
                )
                modality = f"{obligation.trigger}（{MODALITY_ZH.get(obligation.modality, obligation.modality)}）"
                deadline = obligation.deadline.text if obligation.deadline else ""
                rows.append(
                    (doc.title, article.label, bearers, modality, _frequency(obligation), deadline, obligation.text)
                )
    _table(sheet, header, rows, wrap=(6,))


def _unit_sheet(sheet: Worksheet, cut: Cut, row: dict[tuple[str, int], str]) -> None:
    """One body's tasks: role, task, deadline, status, articles, the other responsible units."""
    header = ("序号", "角色", "重点任务", "完成时限", "状态", "来源条款", "共同责任单位", "文件")
    by_key = {task_key(r.doc, r.task): r for r in task_rows(cut)}
    rows = []
    for key, mark in row.items():
        task_row = by_key[key]
        task = task_row.task
        others = names(cut.units, tuple(dict.fromkeys((*task.units, *task.co_units))))
        rows.append(
            (task.number, mark, task.text, task.deadline.text, task_row.status, task_row.articles, others, task_row.doc.title)
        )
    _table(sheet, header, rows, wrap=(2, 6))
    for cells in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in cells:
            cell.fill = _mark_fill(cell.value)
    sheet.cell(row=len(rows) + 3, column=1, value=f"状态按 {as_of(cut)} 计")
