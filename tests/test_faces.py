"""One core, two faces: every command's JSON from the CLI is byte for byte the API's answer to the same question.

Both faces call one method of :class:`search_api.facade.Build` and render its result with one function, so the
CLI and the API cannot drift apart; this test holds that for every command that has a route.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from search_api.cli.main import main
from search_api.service.app import create_app
from search_api.settings import Settings
from tests.conftest import ROOT

SPARQL = "SELECT ?t ?n WHERE { ?t a pkg:Task ; pkg:number ?n } ORDER BY ?n LIMIT 5"
SEED_TITLE = "王益区关于推进安全生产领域改革发展的实施意见（征求意见稿）"  # as printed; the seed has no final here

# (CLI arguments, API path): the same question asked of both faces
SAME_QUESTIONS = [
    (["ask", "谁负责电梯安全", "--json"], "/api/ask?q=" + quote("谁负责电梯安全")),
    (["ask", "who is responsible for elevator safety", "--json"], "/api/ask?q=who+is+responsible+for+elevator+safety"),
    (["search", "危险化学品", "--json"], "/api/search?q=" + quote("危险化学品")),
    (["search", "电梯", "--kind", "task", "--limit", "3", "--json"], "/api/search?q=%E7%94%B5%E6%A2%AF&kind=task&limit=3"),
    (["unit", "区财政局", "--json"], "/api/units/" + quote("区财政局")),
    (["trace", "--format", "json"], "/api/trace"),
    (["due", "--by", "2019-12-31", "--as-of", "2019-06-30", "--json"], "/api/due?by=2019-12-31&as_of=2019-06-30"),
    (["due", "--by", "2019", "--unit", " 区住建局 ", "--as-of", "2019-06-30", "--json"],
     "/api/due?by=2019&unit=%20" + quote("区住建局") + "%20&as_of=2019-06-30"),
    (["sparql", SPARQL, "--format", "json"], "/api/sparql?query=" + quote(SPARQL)),
    (["diff", SEED_TITLE, SEED_TITLE, "--json"], f"/api/diff?old={quote(SEED_TITLE)}&new={quote(SEED_TITLE)}"),
    (["export", "--format", "json"], "/api/export/json"),
    (["export", "--format", "csv", "--unit", "区住建局"], "/api/export/csv?unit=" + quote("区住建局")),
]


@pytest.fixture(scope="module")
def client(seed_data_dir: Path) -> Iterator[TestClient]:
    """The API in-process over the seed build (a loopback Host, as the service accepts)."""
    with TestClient(create_app(Settings(data_dir=seed_data_dir)), base_url="http://127.0.0.1") as running:
        yield running


@pytest.mark.parametrize(("argv", "path"), SAME_QUESTIONS, ids=[" ".join(a[:2]) for a, _ in SAME_QUESTIONS])
def test_cli_json_is_byte_for_byte_the_api_answer(
    argv: list[str], path: str, seed_data_dir: Path, client: TestClient, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    status = main([*argv, "--data", str(seed_data_dir)])
    printed = capsysbinary.readouterr().out
    response = client.get(path)
    assert status == 0 and response.status_code == 200, response.text
    assert len(printed) > 20
    assert printed == response.content


def test_errors_have_one_family_and_one_exit_code(seed_data_dir: Path, client: TestClient, capsys) -> None:
    """An unknown unit: the CLI prints one line and exits 2; the API answers 404 with the same code."""
    assert main(["unit", "区不存在局", "--json", "--data", str(seed_data_dir)]) == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith("policykg unit: no unit named '区不存在局'") and "\n" not in line
    body = client.get("/api/units/" + quote("区不存在局")).json()
    assert body["code"] == "unknown_unit" and body["status"] == 404


def test_a_bug_exits_3_with_one_line_and_the_traceback_only_with_debug(seed_data_dir: Path, capsys, monkeypatch):
    from search_api import facade

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(facade.Build, "trace", broken)
    assert main(["trace", "--data", str(seed_data_dir)]) == 3
    err = capsys.readouterr().err
    assert "internal error (ZeroDivisionError: a bug)" in err and "Traceback" not in err
    with pytest.raises(ZeroDivisionError):
        main(["--debug", "trace", "--data", str(seed_data_dir)])


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _calls_print(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
        for node in ast.walk(tree)
    )


LIBRARY = [p for package in ("ingest", "kg", "ontology", "search_api") for p in (ROOT / package).rglob("*.py")]


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(ROOT)))
def test_rooms_keep_to_their_imports(path: Path) -> None:
    """Data flows one way (ingest → kg → search_api); only service/ speaks HTTP; only cli/ prints."""
    relative = path.relative_to(ROOT).as_posix()
    imports = _imports(path)
    top = {name.split(".")[0] for name in imports}
    package = relative.split("/")[0]
    allowed = {
        "ingest": {"ingest"},
        "ontology": {"ontology", "ingest"},  # ingest.errors: the one error family's base
        "kg": {"kg", "ingest", "ontology"},
        "search_api": {"search_api", "kg", "ingest", "ontology"},
    }[package]
    assert top & {"ingest", "kg", "ontology", "search_api"} <= allowed, f"{relative} imports {sorted(top)}"
    if not relative.startswith("search_api/service/"):
        web = {name for name in imports if name.split(".")[0] in ("fastapi", "starlette", "uvicorn")}
        if relative != "search_api/cli/commands/serve.py":  # the command that starts the server
            assert not web, f"{relative} imports {sorted(web)}"
    if not relative.startswith("search_api/cli/"):
        assert not _calls_print(path), f"{relative} prints; only the CLI prints"
