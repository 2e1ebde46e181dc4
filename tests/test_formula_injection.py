"""Spreadsheet formula injection (issue 9, item 6): a task text starting with ``=HYPERLINK(…)`` is shown in the CSV
and the workbook as text, never run as a formula; JSON and Turtle keep the text unchanged."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from search_api.builds.datadir import BuildDir, open_build
from search_api.builds.make import run_build
from search_api.exports.registry import EXPORTERS, ExportRequest
from tests.conftest import DATA

PAYLOAD = '=HYPERLINK("http://x","y")'
ORIGINAL = "开展危险化学品企业隐患排查"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> BuildDir:
    """A build of a county policy whose first task text begins with a formula."""
    folder = tmp_path_factory.mktemp("formula")
    text = (DATA / "county_policy_markdown.md").read_text(encoding="utf-8")
    assert f"| {ORIGINAL}" in text
    (folder / "policy.md").write_text(text.replace(f"| {ORIGINAL}", f"| {PAYLOAD}{ORIGINAL}", 1), encoding="utf-8")
    result = run_build([folder], data_dir=folder / "data")
    assert result.path is not None, result.failures
    return open_build(folder / "data")


def render(build: BuildDir, name: str) -> bytes:
    return EXPORTERS[name].render(build, ExportRequest(as_of="2019-01-01"))


def test_json_keeps_the_text_as_is(build: BuildDir) -> None:
    model = json.loads(render(build, "json"))
    texts = [task["text"] for doc in model["documents"] for task in doc["tasks"]]
    assert any(text.startswith(PAYLOAD) for text in texts), texts


def test_turtle_keeps_the_text_as_is(build: BuildDir) -> None:
    assert PAYLOAD.replace('"', '\\"') in render(build, "turtle").decode()


def test_csv_cell_starts_with_a_quote(build: BuildDir) -> None:
    rows = list(csv.reader(io.StringIO(render(build, "csv").decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row if PAYLOAD in cell]
    assert cells and all(cell.startswith("'" + PAYLOAD) for cell in cells), cells
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_xlsx_cell_is_a_string_not_a_formula(build: BuildDir) -> None:
    workbook = load_workbook(io.BytesIO(render(build, "xlsx")))
    cells = [
        cell for sheet in workbook for row in sheet.iter_rows() for cell in row
        if isinstance(cell.value, str) and PAYLOAD in cell.value
    ]  # fmt: skip
    assert len(cells) >= 2  # the task list and the task's unit sheets
    for cell in cells:
        assert cell.data_type == "s" and cell.value.startswith(PAYLOAD), (cell.coordinate, cell.data_type)
        assert cell.quotePrefix
    formulas = [c.coordinate for sheet in workbook for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
