"""What changed from one document to another — a draft and its final: sections, articles and tasks added,
removed, changed (changed text as a character diff: [-deleted-]{+inserted+}), moved or renumbered; tasks whose
lead units, deadline or wording changed; units that appear or vanish."""

from __future__ import annotations

import argparse
from typing import Any

from search_api.cli.current import add_build_arguments

HELP = "what changed from one document (a draft) to another (its final)"
CONTEXT = 12  # unchanged characters shown either side of a change in text output


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg diff``."""
    parser.add_argument("old", help="the earlier document: id, exact title or source path")
    parser.add_argument("new", help="the later document: id, exact title or source path")
    parser.add_argument("--json", action="store_true", help="print the diff as JSON (the API's answer)")
    add_build_arguments(parser)


def inline(ops: list[dict[str, str]], context: int = CONTEXT) -> str:
    """A character diff on one line, ``[-deleted-]{+inserted+}``, long unchanged runs cut to ``context``.

    >>> inline([{"op": "equal", "text": "到2020年"}, {"op": "replace", "old": "底", "new": "6月底前"}])
    '到2020年[-底-]{+6月底前+}'
    >>> inline([{"op": "equal", "text": "一二三四五六七八九十"}, {"op": "insert", "new": "甲"}], context=3)
    '…八九十{+甲+}'
    """
    parts: list[str] = []
    for index, op in enumerate(ops):
        if op["op"] != "equal":
            parts.append((f"[-{op['old']}-]" if op.get("old") else "") + (f"{{+{op['new']}+}}" if op.get("new") else ""))
            continue
        text = op["text"]
        first, last = index == 0, index == len(ops) - 1
        keep_head = 0 if first else context
        keep_tail = 0 if last else context
        if len(text) > keep_head + keep_tail + 1:
            text = text[:keep_head] + "…" + (text[-keep_tail:] if keep_tail else "")
        parts.append(text)
    return "".join(parts)


def _ref(item: dict[str, Any], kind: str) -> str:
    label = item["label"] if kind != "tasks" else f"任务{item['label']}"
    return f"{label}{item.get('title', '')}"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{number} {name}" for name, number in counts.items())


def _print_kind(data: dict[str, Any], kind: str) -> None:
    changes = data[kind]
    print(f"{kind}: {_counts(data['summary'][kind])}")
    for item in changes["added"]:
        print(f"  + {_ref(item, kind)}")
    for item in changes["removed"]:
        print(f"  - {_ref(item, kind)}")
    for change in changes["changed"]:
        moved = " (moved)" if change["moved"] else ""
        where = _ref(change["old"], kind)
        if change["new"]["label"] != change["old"]["label"]:
            where += f" → {change['new']['label']}"
        print(f"  ~ {where}{moved}  similarity {change['similarity']:.2f}")
        found = change.get("changes", {})
        for name in ("title", "text"):
            if name in found:
                print(f"      {name}: {inline(found[name])}")
        for name in ("units", "co_units"):
            if name in found:
                gone = "、".join(found[name]["removed"])
                came = "、".join(found[name]["added"])
                print(f"      {name}: " + " ".join(p for p in (gone and f"−{gone}", came and f"+{came}") if p))
        if "deadline" in found:
            print(f"      deadline: {found['deadline']['old']} → {found['deadline']['new']}")
    for change in changes["moved"]:
        print(f"  ↕ {_ref(change['old'], kind)} → {change['new']['label']} (moved)")
    if changes["renumbered"]:
        pairs = [f"{c['old']['label']}→{c['new']['label']}" for c in changes["renumbered"]]
        print("  renumbered: " + " ".join(pairs))


def run(args: argparse.Namespace) -> int:
    """Print the diff; exit 2 when ``old`` or ``new`` names no document of the build."""
    from search_api.cli.current import open_current, print_json

    with open_current(args) as build:
        result = build.diff(args.old, args.new)
    if args.json:
        print_json(result)
        return 0
    data = result.to_json()
    old, new = data["old"], data["new"]
    print(f"old: {old['title']}{'（' + old['status'] + '）' if old['status'] else ''} ({old['id']})")
    print(f"new: {new['title']}{'（' + new['status'] + '）' if new['status'] else ''} ({new['id']})")
    linked = {"title": "by title", "supersedes": "by build --supersedes", "reversed": "the other way round"}
    print(f"revision: {linked.get(data['revision'] or '', 'not linked in this build')}")
    if data["summary"]["identical"]:
        print("no differences")
        return 0
    for name, change in data["metadata"].items():
        print(f"{name}: {change['old'] or '—'} → {change['new'] or '—'}")
    if data["preamble"]:
        print(f"preamble: {inline(data['preamble'])}")
    for kind in ("sections", "articles", "tasks"):
        _print_kind(data, kind)
    units = data["units"]
    print(
        "units: "
        + " ".join(
            [*(f"+{u['name']}" for u in units["appeared"]), *(f"−{u['name']}" for u in units["vanished"])]
        )
        if units["appeared"] or units["vanished"]
        else "units: no unit appears or vanishes"
    )
    return 0
