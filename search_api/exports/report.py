"""The meeting report: one HTML page, printable to PDF from any browser (A4, tables that break cleanly).

Why these sections, in this order: a review meeting first wants the size of the thing (counts), then what is
late (overdue as of a date — ``ExportRequest.as_of``, today by default), then who does what by when (tasks by
unit, sorted by deadline, and a deadline summary), then the gaps in the plan (articles no task carries out,
unit names that could not be resolved) and the names that changed in the institutional reform (renamed units
and their successors). Every figure comes from the same cut, rows and kg functions as the other exports.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from search_api.exports.filters import Cut, cut_build, cut_store
from search_api.exports.rows import LEAD, OVERDUE, TaskRow, as_of, marks, task_key, task_rows, unit_name

if TYPE_CHECKING:
    from ingest.model import Document
    from search_api.builds.datadir import BuildDir
    from search_api.exports.registry import ExportRequest

STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 24px; color: #222;
       font-size: 14px; line-height: 1.5; }
h1 { font-size: 22px; margin-bottom: 0; } h2 { font-size: 18px; border-bottom: 2px solid #1F3864; margin-top: 28px; }
h3 { font-size: 15px; margin: 16px 0 4px; }
.meta { color: #555; margin-bottom: 16px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid #bbb; padding: 3px 6px; vertical-align: top; text-align: left; }
th { background: #DDEBF7; }
td.num { text-align: right; white-space: nowrap; } td.short { white-space: nowrap; }
.overdue { color: #C00000; font-weight: bold; }
.counts td:first-child { width: 14em; }
.empty { color: #777; font-style: italic; }
del { color: #C00000; } ins { color: #006100; background: #E2EFDA; text-decoration: underline; }
@page { size: A4; margin: 15mm; }
@media print { body { margin: 0; } h2 { break-after: avoid; } tr { break-inside: avoid; }
               thead { display: table-header-group; } }
"""


def _table(header: Sequence[str], rows: Iterable[Sequence[object]], *, css: str = "") -> str:
    rows = list(rows)
    if not rows:
        return '<p class="empty">无</p>'
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "\n".join(
        "<tr>" + "".join(_td(value) for value in row) + "</tr>" for row in rows
    )
    attribute = f' class="{css}"' if css else ""
    return f"<table{attribute}><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def _td(value: object) -> str:
    if isinstance(value, int):
        return f'<td class="num">{value}</td>'
    text = html.escape(str(value))
    if value == OVERDUE:
        return f'<td class="overdue short">{text}</td>'
    return f'<td class="short">{text}</td>' if len(text) <= 10 else f"<td>{text}</td>"


def _due_order(row: TaskRow) -> tuple[int, str, int]:
    deadline = row.task.deadline
    return (1 if deadline.ongoing or not deadline.due else 0, deadline.due or "", row.task.number)


def counts_section(build: BuildDir, cut: Cut, rows: list[TaskRow]) -> str:
    """Counts of the cut (:func:`search_api.builds.make.corpus_counts`) and of the tasks by status."""
    from search_api.builds.make import corpus_counts

    counts = corpus_counts(cut.corpus)
    status = Counter(row.status for row in rows)
    table = marks(cut)
    items = [
        ("文件", counts["documents"]),
        ("条款", counts["articles"]),
        ("重点任务", counts["tasks"]),
        ("牵头单位（单位组按成员计）", sum(1 for row in table.values() if LEAD in row.values())),
        ("责任单位（牵头或配合）", len(table)),
        ("义务语句", counts["obligations"]),
        *((f"任务：{name}", number) for name, number in sorted(status.items())),
    ]
    return _table(("项目", "数量"), items, css="counts")


def overdue_section(rows: list[TaskRow]) -> str:
    """Tasks whose deadline passed before the report date, earliest first."""
    late = sorted((r for r in rows if r.status == OVERDUE), key=_due_order)
    return _table(
        ("序号", "重点任务", "牵头单位", "完成时限", "到期日"),
        ((r.task.number, r.task.text, r.lead, r.task.deadline.text, r.task.deadline.due or "") for r in late),
    )


def deadline_section(rows: list[TaskRow]) -> str:
    """Tasks per printed deadline, with how many of them are overdue."""
    groups: dict[str, list[TaskRow]] = {}
    for row in sorted(rows, key=_due_order):
        groups.setdefault(row.task.deadline.text, []).append(row)
    return _table(
        ("完成时限", "任务数", "已逾期", "任务序号"),
        (
            (text, len(items), sum(r.status == OVERDUE for r in items), "、".join(str(r.task.number) for r in items))
            for text, items in groups.items()
        ),
    )


def unit_section(cut: Cut, rows: list[TaskRow]) -> str:
    """For each responsible body: its tasks, sorted by deadline, with its role and status."""
    by_key = {task_key(r.doc, r.task): r for r in rows}
    parts = []
    for body, row in marks(cut).items():
        items = sorted(((by_key[key], mark) for key, mark in row.items()), key=lambda item: _due_order(item[0]))
        late = sum(r.status == OVERDUE for r, _ in items)
        parts.append(f"<h3>{html.escape(unit_name(cut, body))}（{len(items)}项，已逾期{late}项）</h3>")
        parts.append(
            _table(
                ("序号", "角色", "重点任务", "完成时限", "状态"),
                ((r.task.number, mark, r.task.text, r.task.deadline.text, r.status) for r, mark in items),
            )
        )
    return "\n".join(parts) or '<p class="empty">无</p>'


def gaps_section(build: BuildDir, cut: Cut) -> str:
    """Articles of documents with a task table that no task carries out (:func:`kg.trace.trace`)."""
    from kg.trace import trace

    store = cut_store(build, cut)
    rows = []
    for doc in cut.corpus.documents:
        if not doc.tasks:
            continue
        titles = {a.number: (a.label, a.title) for a in doc.articles()}
        for item in trace(store, doc=doc.id):
            for number in item.articles_without_tasks:
                label, title = titles.get(number, (str(number), ""))
                rows.append((doc.title, label, title))
    return _table(("文件", "条款", "标题"), rows)


def unresolved_section(cut: Cut) -> str:
    """Unit names no register entry matched (build-wide, and as printed in the cut's tasks)."""
    names = dict.fromkeys(cut.full.unresolved)
    for doc in cut.corpus.documents:
        for task in doc.tasks:
            for mention in task.mentions:
                if mention.unit_id is None:
                    names.setdefault(mention.text)
    return _table(("未能识别的单位名称",), ((name,) for name in names))


def renamed_section(cut: Cut) -> str:
    """Units renamed in the institutional reform, with their successor, date and basis (:mod:`kg.changes`)."""
    from kg.succession import load_succession, unit_changes

    rows = [
        (unit.name, unit.successor or "", row.date if row else "", row.basis if row else "")
        for unit, row in unit_changes(cut.corpus.units, load_succession())
    ]
    return _table(("原单位名称", "现单位名称", "时间", "依据"), rows)


def _diff_html(ops: Sequence[dict[str, str]], context: int = 24) -> str:
    """A character diff as HTML: deleted text struck through, inserted text underlined, long unchanged runs cut."""
    parts = []
    for index, op in enumerate(ops):
        if op["op"] == "equal":
            text = op["text"]
            head = 0 if index == 0 else context
            tail = 0 if index == len(ops) - 1 else context
            if len(text) > head + tail + 1:
                text = text[:head] + "…" + (text[-tail:] if tail else "")
            parts.append(html.escape(text))
            continue
        if op.get("old"):
            parts.append(f"<del>{html.escape(op['old'])}</del>")
        if op.get("new"):
            parts.append(f"<ins>{html.escape(op['new'])}</ins>")
    return "".join(parts)


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table whose cells are HTML already (escaped where they hold text)."""
    if not rows:
        return '<p class="empty">无</p>'
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "\n".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def _item_name(item: dict[str, Any], kind: str) -> str:
    label = str(item["label"])
    return html.escape(f"任务{label}" if kind == "tasks" else f"{label}{item.get('title', '')}")


_WHAT = {"added": "新增", "removed": "删除", "changed": "修改", "moved": "移动", "renumbered": "重新编号"}


def _change_rows(data: dict[str, Any], kind: str) -> list[list[str]]:
    """One row per added, removed, changed or moved item (renumbered ones in one row)."""
    changes = data[kind]
    rows: list[list[str]] = []
    for item in changes["added"]:
        rows.append([_WHAT["added"], "", _item_name(item, kind), html.escape(str(item.get("text", "")))])
    for item in changes["removed"]:
        rows.append([_WHAT["removed"], _item_name(item, kind), "", html.escape(str(item.get("text", "")))])
    for change in changes["changed"]:
        found = change.get("changes", {})
        what = []
        for name, label in (("title", "标题"), ("text", "文字")):
            if name in found:
                what.append(f"{label}：{_diff_html(found[name])}")
        for name, label in (("units", "牵头单位"), ("co_units", "配合单位")):
            if name in found:
                units = found[name]
                gone = "".join(f"<del>{html.escape(u)}</del> " for u in units["removed"])
                came = "".join(f"<ins>{html.escape(u)}</ins> " for u in units["added"])
                what.append(f"{label}：{gone}{came}".rstrip())
        if "deadline" in found:
            deadline = found["deadline"]
            what.append(
                f"完成时限：<del>{html.escape(deadline['old'])}</del> → <ins>{html.escape(deadline['new'])}</ins>"
            )
        if change["moved"]:
            what.append("位置移动")
        rows.append(
            [_WHAT["changed"], _item_name(change["old"], kind), _item_name(change["new"], kind), "<br>".join(what)]
        )
    for change in changes["moved"]:
        rows.append([_WHAT["moved"], _item_name(change["old"], kind), _item_name(change["new"], kind), "位置移动"])
    if changes["renumbered"]:
        pairs = "、".join(
            f"{html.escape(str(c['old']['label']))}→{html.escape(str(c['new']['label']))}"
            for c in changes["renumbered"]
        )
        rows.append([_WHAT["renumbered"], "", "", f"内容未变，序号顺延：{pairs}"])
    return rows


def revision_pairs(cut: Cut) -> list[tuple[Document, Document]]:
    """(draft, final) pairs of the build with either one in the cut, both in the build."""
    documents = {doc.id: doc for doc in cut.full.documents}
    shown = {doc.id for doc in cut.corpus.documents}
    return [
        (documents[r.old], documents[r.new])
        for r in cut.full.revisions
        if r.old in documents and r.new in documents and {r.old, r.new} & shown
    ]


def changes_section(cut: Cut) -> str:
    """What changed from each draft to its final (:func:`kg.diff.diff_documents`): counts, then the articles
    and tasks added, removed, changed (deleted text struck through, inserted underlined), moved or renumbered,
    and the units that appear or vanish."""
    from kg.diff import diff_documents

    parts = []
    for old, new in revision_pairs(cut):
        data = diff_documents(old, new, units=cut.units).to_json()
        parts.append(
            f"<h3>《{html.escape(new.title)}》与{html.escape(old.status or '原稿')}相比</h3>"
        )
        summary = data["summary"]
        parts.append(
            _table(
                ("", "新增", "删除", "修改", "移动", "重新编号", "未变"),
                (
                    (label, *(summary[kind][key] for key in (*_WHAT, "unchanged")))
                    for kind, label in (("sections", "章节"), ("articles", "条款"), ("tasks", "重点任务"))
                ),
                css="counts",
            )
        )
        for kind, label in (("sections", "章节"), ("articles", "条款"), ("tasks", "重点任务")):
            rows = _change_rows(data, kind)
            if rows:
                parts.append(f"<h3>{label}</h3>")
                parts.append(_html_table(("变化", "原", "现", "内容"), rows))
        units = data["units"]
        appeared = "、".join(u["name"] for u in units["appeared"]) or "无"
        vanished = "、".join(u["name"] for u in units["vanished"]) or "无"
        parts.append(
            f"<p>新出现的单位：{html.escape(appeared)}<br>不再出现的单位：{html.escape(vanished)}</p>"
        )
    return "\n".join(parts)


def report(build: BuildDir, cut: Cut) -> str:
    """The report's HTML."""
    rows = task_rows(cut)
    date = as_of(cut)
    documents = "；".join(doc.title for doc in cut.corpus.documents) or "（无）"
    sections = (
        ("一、概况", counts_section(build, cut, rows)),
        (f"二、已逾期任务（截至 {date}）", overdue_section(rows)),
        ("三、按完成时限汇总", deadline_section(rows)),
        ("四、各单位任务（按完成时限排序）", unit_section(cut, rows)),
        ("五、没有任务落实的条款", gaps_section(build, cut)),
        ("六、未能识别的单位名称", unresolved_section(cut)),
        ("七、已更名单位及其现名称", renamed_section(cut)),
    )
    pairs = revision_pairs(cut)
    if pairs:  # a draft and its final both built: what changed since the draft
        drafts = "、".join(dict.fromkeys(old.status or "原稿" for old, _new in pairs))
        sections += ((f"八、修改情况（与{drafts}相比）", changes_section(cut)),)
    body = "\n".join(f"<h2>{html.escape(title)}</h2>\n{content}" for title, content in sections)
    title = f"安全生产重点任务会议报告 · {cut.title}"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        f'<div class="meta">{html.escape(documents)}<br>状态按 {html.escape(date)} 计；由 PolicyKG 生成</div>\n'
        f"{body}\n</body>\n</html>\n"
    )


def render_report(build: BuildDir, request: ExportRequest) -> bytes:
    """The meeting report (UTF-8 HTML)."""
    return report(build, cut_build(build, request)).encode("utf-8")
