"""Human (non-JSON) CLI output (issue 9, item 9): ``due`` lists every unit of a task, and lines name documents by
short title, not by id (``wyqgytjaqsclyggfzdssyj-487b78``); the ``--json`` output keeps the ids for scripts."""

from __future__ import annotations

import json
from pathlib import Path

from search_api.cli.display import short_title
from tests.test_inputs import run_cli


def test_due_shows_every_unit_of_each_task(seed_data_dir: Path) -> None:
    args = ("due", "--by", "2018-12-31", "--as-of", "2018-06-30", "--data", str(seed_data_dir))
    status, out, _ = run_cli(*args)
    assert status == 0
    _, raw, _ = run_cli(*args, "--json")
    tasks = json.loads(raw)["tasks"]
    lines = out.splitlines()[:-1]
    assert len(lines) == len(tasks)
    assert any(len(task["units"]) > 3 for task in tasks)  # the case the old output cut to three
    for line, task in zip(lines, tasks, strict=True):
        assert "、".join(task["units"]) in line, line


def test_ask_names_documents_by_short_title(seed_data_dir: Path) -> None:
    status, out, _ = run_cli("ask", "谁负责电梯安全", "--data", str(seed_data_dir))
    assert status == 0
    _, raw, _ = run_cli("ask", "谁负责电梯安全", "--json", "--data", str(seed_data_dir))
    doc_id = json.loads(raw)["units"][0]["evidence"][0]["doc"]
    assert doc_id not in out
    assert "task 37 (王益区关于推进安全生产领域改革…)" in out


def test_short_titles() -> None:
    assert short_title("中华人民共和国特种设备安全法") == "特种设备安全法"
    assert short_title("生产安全事故报告和调查处理条例") == "生产安全事故报告和调查处理条例"
    assert short_title("《北京市安全生产条例》（2022年修订）") == "北京市安全生产条例"
    assert len(short_title("一" * 40)) == 16
