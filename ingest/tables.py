"""Task-allocation tables (重点任务分工方案): find them and read their rows, whatever the layout.

Layouts handled, all as seen in real documents: one cell per line (possibly tab-indented, possibly ending
in `` |``), rows separated by blank lines or not; Markdown pipe tables (also what the .docx and HTML readers
emit); one row per line with tabs or wide spaces between cells. Group rows (一 / (一) / 一、…) inside the
table set the group of the rows below them; numbering that restarts per group is kept as printed.

Why not pandas: the cells must keep their character spans in the verbatim text, which a DataFrame loses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.lines import Line
from ingest.model import Span

NUMBER_HEADERS = ("序号", "编号")
TASK_HEADERS = (
    "主要任务",
    "重点任务",
    "工作任务",
    "工作内容",
    "任务内容",
    "具体任务",
    "改革任务",
    "工作措施",
    "主要内容",
    "任务",
)
LEAD_HEADERS = ("牵头单位", "牵头部门", "主办单位", "牵头")
CO_HEADERS = ("配合单位", "配合部门", "协办单位", "参与单位", "协助单位")
RESPONSIBLE_HEADERS = ("责任单位", "责任部门", "负责单位", "实施单位")
DEADLINE_HEADERS = ("完成时限", "完成时间", "时间节点", "完成期限", "时限", "时间安排", "进度安排")
TABLE_TITLE_WORDS = ("分工方案", "任务分工", "分工表", "任务清单", "责任清单", "任务台账", "责任分工")
_ROW_NUMBER = re.compile(r"^[0-9０-９]{1,3}[.、．]?$")
_GROUP = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]?|[（(][一二三四五六七八九十]{1,3}[）)])\s*(?P<title>.*)$"
)
_CELL_SPLIT = re.compile(r"\t+|\s{2,}|\u3000{2,}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """One table cell's text and span (trimmed of whitespace and trailing pipes)."""

    text: str
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class RawTask:
    """One data row of a task table, cells kept as printed."""

    number: int
    label: str
    group: str
    text: Cell
    lead: Cell | None
    co: Cell | None
    deadline: Cell | None
    span: Span
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskTable:
    """A located table: where it starts (its title or header) and its rows."""

    title: str
    start: int
    rows: tuple[RawTask, ...]
    columns: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def _cell(text: str, start: int) -> Cell:
    stripped = text.strip(" \t\u3000|\u00a0")
    offset = text.find(stripped) if stripped else 0
    return Cell(text=stripped, span=Span(start=start + offset, end=start + offset + len(stripped)))


def _column_role(name: str, *, has_lead: bool) -> str | None:
    compact = re.sub(r"\s+", "", name)
    if compact in NUMBER_HEADERS:
        return "number"
    if any(word in compact for word in LEAD_HEADERS):
        return "lead"
    if any(word in compact for word in CO_HEADERS):
        return "co"
    if any(word in compact for word in RESPONSIBLE_HEADERS):
        return "co" if has_lead else "lead"
    if any(word in compact for word in DEADLINE_HEADERS):
        return "deadline"
    if any(word in compact for word in TASK_HEADERS):
        return "task"
    return None


def _roles(names: list[str]) -> list[str | None]:
    has_lead = any(any(word in re.sub(r"\s+", "", n) for word in LEAD_HEADERS) for n in names)
    return [_column_role(name, has_lead=has_lead) for name in names]


def _split_row_line(line: Line) -> list[Cell]:
    """Cells of a one-line row: pipes first, else tabs or runs of wide space."""
    text = line.text
    if text.count("|") >= 2:
        cells: list[Cell] = []
        position = 0
        parts = text.split("|")
        for index, part in enumerate(parts):
            if 0 < index < len(parts) - 1 or (part.strip() and index in (0, len(parts) - 1)):
                cells.append(_cell(part, line.start + position))
            position += len(part) + 1
        return cells
    cells = []
    position = 0
    for part in _CELL_SPLIT.split(text):
        where = text.find(part, position)
        if part.strip():
            cells.append(_cell(part, line.start + where))
        position = where + len(part)
    return cells


def _is_separator(line: Line) -> bool:
    return bool(re.fullmatch(r"[\s|:\-—－]+", line.text)) and any(dash in line.text for dash in "-—－")


def find_header(lines: list[Line]) -> tuple[int, list[Cell], bool] | None:
    """Locate the header: the line index after it, the header cells, and whether rows are one per line."""
    for index, line in enumerate(lines):
        stripped = line.stripped.rstrip("|").strip()
        if not any(stripped.startswith(h) or f"|{h}" in line.text.replace(" ", "") for h in NUMBER_HEADERS):
            continue
        inline = _split_row_line(line)
        if len(inline) >= 3 and "task" in _roles([c.text for c in inline]):
            return index + 1, inline, True
        cells: list[Cell] = []
        cursor = index
        while cursor < len(lines) and len(cells) < 8:
            text = lines[cursor].stripped.strip("|").strip()
            if text:
                if _column_role(text, has_lead=True) is None and cells:
                    break
                cells.append(_cell(lines[cursor].text, lines[cursor].start))
            cursor += 1
        roles = _roles([c.text for c in cells])
        if len(cells) >= 3 and "task" in roles and ("lead" in roles or "co" in roles):
            return cursor, cells, False
    return None


def _table_title(lines: list[Line], header_index: int) -> tuple[str, int]:
    for line in reversed(lines[max(0, header_index - 4) : header_index]):
        if any(word in line.stripped for word in TABLE_TITLE_WORDS) or line.stripped.startswith("附件"):
            return line.stripped, line.content_start
    return "", lines[header_index].content_start


def _group_rows(cells: list[Cell], *, width: int) -> list[tuple[str, list[Cell]]]:
    """Split a stream of cells into rows: a row starts at a cell holding only a row number.

    A group label (一 / 一、… / （一）…) standing where a new row could start sets the group of the rows
    that follow; a bare numeral takes the next cell as its title.
    """
    rows: list[tuple[str, list[Cell]]] = []
    group = ""
    current: list[Cell] | None = None
    awaiting_group_title = False
    for cell in cells:
        if _ROW_NUMBER.match(cell.text):
            current = [cell]
            rows.append((group, current))
            awaiting_group_title = False
            continue
        row_complete = current is None or len(current) >= width
        if row_complete and _GROUP.match(cell.text) and len(cell.text) <= 40:
            group, current = cell.text, None
            awaiting_group_title = not _GROUP.match(cell.text)["title"]
        elif awaiting_group_title:
            group, awaiting_group_title = f"{group} {cell.text}", False
        elif current is not None:
            current.append(cell)
    return rows


def parse_task_table(text: str, lines: list[Line], *, start_line: int = 0) -> TaskTable | None:
    """Find the first task table at or after ``start_line`` and read its rows.

    Rows with missing cells are kept (task text at least) and reported in ``missing``; a table whose header
    is found but which has no rows yields an empty table with a warning, never an exception.
    """
    found = find_header(lines[start_line:])
    if found is None:
        return None
    after_header, header, one_line_rows = found
    after_header += start_line
    header_index = next(
        i for i, line in enumerate(lines) if line.start <= header[0].span.start < line.end + 1
    )
    title, start = _table_title(lines, header_index)
    roles = _roles([c.text for c in header])
    warnings: list[str] = []
    stream: list[Cell] = []
    for line in lines[after_header:]:
        if not line.stripped or _is_separator(line):
            continue
        if one_line_rows:
            stream.extend(_split_row_line(line))
        else:
            stream.append(_cell(line.text, line.start))
    rows: list[RawTask] = []
    data_roles = roles[1:] if roles and roles[0] == "number" else roles
    for group, cells in _group_rows(stream, width=len(roles)):
        number_cell, values = cells[0], cells[1:]
        by_role: dict[str, Cell] = {}
        for role, cell in zip(data_roles, values, strict=False):
            if role and role not in by_role:
                by_role[role] = cell
        if len(values) > len(data_roles) and "task" in by_role:
            warnings.append(f"row {number_cell.text}: {len(values) - len(data_roles)} extra cell(s) ignored")
        missing = tuple(
            role for role in ("task", "lead", "deadline") if role in data_roles and role not in by_role
        )
        if "task" not in by_role:
            warnings.append(f"row {number_cell.text}: no task text (truncated table?)")
            continue
        if missing:
            warnings.append(f"row {number_cell.text}: missing {', '.join(missing)} (truncated table?)")
        last = values[-1] if values else number_cell
        rows.append(
            RawTask(
                number=int(
                    number_cell.text.rstrip(".、．").translate({0xFF10 + i: 48 + i for i in range(10)})
                ),
                label=number_cell.text,
                group=group,
                text=by_role["task"],
                lead=by_role.get("lead"),
                co=by_role.get("co"),
                deadline=by_role.get("deadline"),
                span=Span(start=number_cell.span.start, end=last.span.end),
                missing=missing,
            )
        )
    if not rows:
        warnings.append("task table header found but no rows could be read")
    return TaskTable(
        title=title,
        start=start,
        rows=tuple(rows),
        columns=tuple(c.text for c in header),
        warnings=tuple(warnings),
    )
