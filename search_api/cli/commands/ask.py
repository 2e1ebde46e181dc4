"""Answer a responsibility question (谁负责电梯安全 / who is responsible for elevator safety) from the graph."""

from __future__ import annotations

import argparse
import sys

from search_api.cli.current import add_build_arguments

HELP = "who is responsible for a topic: ranked units with evidence"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg ask``."""
    parser.add_argument("question", help="a question in Chinese or English, or just a topic")
    add_build_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.add_argument("--limit", type=int, default=20, help="at most this many units (default 20)")
    parser.add_argument("--evidence", type=int, default=5, help="evidence items per unit (default 5)")


def run(args: argparse.Namespace) -> int:
    """Print the view that fits the question; exit 1 when nothing in the build answers it."""
    from search_api.cli.current import open_current, print_json

    with open_current(args) as build:
        if build.resource("index") is None:
            print("policykg ask: no search index; answering from the graph alone", file=sys.stderr)
        result = build.ask(args.question, limit=args.limit, evidence=args.evidence)
        if args.json:
            print_json(result)
            return 0 if result.units or result.views or (result.clauses and result.clauses.entries) else 1
        from search_api.cli.display import document_titles, titled

        titles = document_titles(build.require("graph"))
    data = result.to_json()
    if _print_view(data, titles):
        return 0
    if data.get("statutory_clauses"):
        place = f" ({data['jurisdiction']} and above)" if data.get("jurisdiction") else ""
        print(f"governing clauses of laws and regulations{place}:")
        for clause in data["statutory_clauses"]:
            print(f"    {clause['name']}  [{clause['kind']}, {clause['jurisdiction']}]  "
                  f"《{clause['title']}》第{clause['number']}条: {clause['text'][:60]}")
        if not data["units"]:
            return 0
    if not data["units"]:
        print("nothing in this build answers that (try a term such as 电梯, 危险化学品, fire safety)")
        for passage in data["nearest"]:
            print(f"  nearest: {passage['kind']} {passage['number']} ({titled(titles, passage['doc'])}): "
                  f"{passage['text'][:70]}")
        return 1
    if data["topics"]:
        print("topics: " + ", ".join(f"{t['label']} ({t['label_en']})" for t in data["topics"]))
    direct = [u for u in data["units"] if u["confidence"] == "direct"]
    related = [u for u in data["units"] if u["confidence"] != "direct"]
    _print_units(direct, titles, start=1)
    if related:
        print("the document assigns this topic to no unit directly; related through nearby topics:"
              if not direct else "related through nearby topics:")
        _print_units(related, titles, start=len(direct) + 1)
    if data["statutory"]:
        from search_api.cli.display import law_citation

        print("named in laws:")
        for unit in data["statutory"][:5]:
            cited = ", ".join(law_citation(e.get("law"), e["number"]) for e in unit["evidence"][:2])
            local = "、".join(u["name"] for u in unit["local_units"])
            print(f"    {unit['name']}" + (f" → locally {local}" if local else "") + f"  [{unit['role']}]  {cited}")
    return 0


def _view(data: dict) -> bool:
    return any(name in data for name in ("due", "unit_profile", "trace"))


def _print_units(units: list[dict], titles: dict[str, str], *, start: int) -> None:
    from search_api.cli.display import titled

    for rank, unit in enumerate(units, start=start):
        successor = f" → now {unit['successor']}" if unit["successor"] else ""
        print(f"{rank:>2}. {unit['name']}{successor}  [{unit['role']}, {unit['confidence']}]")
        for item in unit["evidence"][:3]:
            print(f"      {item['kind']} {item['number']} ({titled(titles, item['doc'])}): {item['text'][:70]}")


def _print_view(data: dict, titles: dict[str, str]) -> bool:
    """Print the due list, unit profile or trace a question of that intent asked for (False: none was)."""
    from search_api.cli.display import titled

    if "due" in data:
        due = data["due"]
        for task in due["tasks"]:
            print(f"{task['due']} {task['status']:<8} {task['number']:>3} {'、'.join(task['units'])}  {task['text'][:50]}")
        total = due.get("tasks_total", len(due["tasks"]))
        shown = f"{len(due['tasks'])} of {total} tasks" if total > len(due["tasks"]) else f"{total} tasks"
        print(f"{shown} due by {due['by']} (as of {due['as_of']})" + (f" for {due['unit']}" if due["unit"] else "")
              + ("; `policykg due` lists them all" if total > len(due["tasks"]) else ""))
        return True
    if "unit_profile" in data:
        profile = data["unit_profile"]
        print(f"{profile['unit']['name']}: {len(profile['tasks'])} tasks, {len(profile['obligations'])} obligations")
        for task in profile["tasks"]:
            print(f"  {task['number']:>3} [{task['role']}] {task['deadline'] or '':<8} {task['text'][:60]}")
        return True
    if "trace" in data:
        article = (data.get("asked") or {}).get("article")
        traces = data["trace"].get("documents", [data["trace"]])
        for trace in traces:
            links = [link for link in trace["links"] if article is None or link["article"] == article]
            tasks = {t["number"]: t["text"] for t in trace["tasks"]}
            print(f"{titled(titles, trace['doc'])} article {article}: {len(links)} tasks")
            for link in links:
                print(f"  task {link['task']} ({link['score']:.2f}): {tasks.get(link['task'], '')[:60]}")
        total = data["trace"].get("documents_total", len(traces))
        if total > len(traces):
            print(f"({len(traces)} of {total} documents with a task table; `policykg trace DOC` shows one)")
        return True
    return False
