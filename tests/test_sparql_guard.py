"""Issue 9, item 1: no query can take the process down. Nested queries that crash the bare engine (SIGSEGV, in a
subprocess) are refused by the guard with ``query_too_complex``; the largest forms the guard accepts run on the
bare engine without crashing; and a fuzz of nested forms against a real server never kills it."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import queries
from kg.sparql import SparqlError, prepare
from kg.sparql_guard import DEFAULT_LIMITS, QueryRefused, check_query, syntax_message
from tests.serve_process import serve_process

NESTED: dict[str, Callable[[int], str]] = {
    "braces": lambda n: "SELECT * WHERE " + "{" * n + "?s ?p ?o" + "}" * n,
    "optional": lambda n: "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * n + "}" * n + "}",
    "optional_seq": lambda n: "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o } " * n + "}",
    "parens": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * n + "1" + ")" * n + ") }",
    "plus": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "+".join(["1"] * n) + ") }",
    "union": lambda n: "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * n) + " }",
    "path_seq": lambda n: "SELECT * WHERE { ?s " + "/".join(["<urn:p>"] * n) + " ?o }",
    "path_plus": lambda n: "SELECT * WHERE { ?s " + "(" * n + "<urn:p>" + ")+" * n + " ?o }",
    "blank_nodes": lambda n: "SELECT * WHERE { ?s ?p " + "[ <urn:p> " * n + "1" + "]" * n + " }",
}
# Forms and sizes measured to kill pyoxigraph 0.5 with SIGSEGV (the report).
CRASHERS = [("braces", 3000), ("optional", 3000), ("union", 10000), ("parens", 10000), ("plus", 10000)]

_BARE_ENGINE = """
import sys
from pyoxigraph import Store
query = sys.stdin.read()
try:
    result = Store().query(query)
    if not isinstance(result, bool):
        list(result)
except SyntaxError:
    pass
print("survived")
"""


def bare_engine(query: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``query`` on pyoxigraph with no guard, in a subprocess (a crash must not take pytest with it)."""
    return subprocess.run(
        [sys.executable, "-c", _BARE_ENGINE], input=query, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize(("form", "size"), CRASHERS)
def test_nested_query_crashes_the_bare_engine_and_is_refused(form: str, size: int) -> None:
    query = NESTED[form](size)
    crashed = bare_engine(query)
    assert crashed.returncode == -signal.SIGSEGV, (crashed.returncode, crashed.stdout, crashed.stderr[-300:])
    with pytest.raises(SparqlError) as refused:
        prepare(query)
    assert refused.value.code == "query_too_complex"
    assert "\n" not in str(refused.value)


def _largest_accepted(form: str) -> int:
    size = 1
    while True:
        try:
            check_query(NESTED[form](size * 2))
        except QueryRefused:
            break
        size *= 2
    low, high = size, size * 2
    while high - low > 1:
        middle = (low + high) // 2
        try:
            check_query(NESTED[form](middle))
            low = middle
        except QueryRefused:
            high = middle
    return low


def test_the_largest_accepted_forms_run_on_the_bare_engine() -> None:
    """The limits are tight enough: every form at the largest size the guard lets through survives the engine,
    in well under the service's time limit, and one step more is refused."""
    script = "\n".join(NESTED[form](_largest_accepted(form)) for form in NESTED)
    for form in NESTED:
        size = _largest_accepted(form)
        assert size >= 60, (form, size)  # generous for real queries
        with pytest.raises(QueryRefused):
            check_query(NESTED[form](size + 1))
    for query in script.split("\n"):
        ran = bare_engine(query, timeout=30)
        assert ran.returncode == 0 and "survived" in ran.stdout, (query[:80], ran.returncode)


def test_the_projects_own_queries_pass_the_guard() -> None:
    built = [
        queries.tasks_for_topics_sparql(["urn:a", "urn:b"]),
        queries.obligations_for_topics_sparql(["urn:a"]),
        queries.unit_tasks_sparql("urn:u"),
        queries.doc_tasks_sparql(),
        queries.due_tasks_sparql(),
    ]
    for query in built:
        check_query(query)
    # Brackets, operators and keywords inside strings, IRIs and comments do not count.
    check_query("SELECT * WHERE { ?s ?p '" + "{(" * 500 + "' } # " + "UNION OPTIONAL SERVICE " * 200)


def test_service_is_refused_unless_allowed() -> None:
    query = "SELECT * { SERVICE <http://127.0.0.1:8299/x?a=1> { ?s ?p ?o } }"
    with pytest.raises(QueryRefused) as refused:
        check_query(query)
    assert refused.value.code == "service_refused"
    check_query(query, allow_service=True)
    check_query("SELECT ?service WHERE { ?service <urn:service> 'SERVICE' }")


def test_query_length_limit() -> None:
    with pytest.raises(QueryRefused, match="characters"):
        check_query("SELECT * WHERE { ?s ?p ?o } #" + "x" * DEFAULT_LIMITS.max_chars)


def test_syntax_errors_are_one_line_with_position() -> None:
    engine = (
        "error at 3:41: expected one of \"$\", \"(\", IF, TZ, ['0' ..= '9' | '\\u{00B7}'], "
        "['A' ..= 'Z'\n| '\\u{00F8}'..='\\u{02FF}'\n| '\\u{200C}'], ['_'], [_]"
    )
    message = syntax_message(engine, line_offset=1)
    assert message == 'syntax error at line 2, column 41: expected one of "$", "(", IF, TZ'


# A tiny grammar of nested group patterns, from harmless to engine-killing depths.
_WRAPPERS = {
    "group": lambda inner: "{ " + inner + " }",
    "optional": lambda inner: "?s ?p ?o OPTIONAL { " + inner + " }",
    "union": lambda inner: "{ " + inner + " } UNION { ?s ?p ?o }",
    "minus": lambda inner: "?s ?p ?o MINUS { " + inner + " }",
    "filter": lambda inner: inner + " . FILTER((1 + 1) > 0)",
    "path": lambda inner: inner + " . ?s (<urn:p>/<urn:q>)+ ?o",
}
nested_queries = st.lists(
    st.tuples(st.sampled_from(sorted(_WRAPPERS)), st.integers(min_value=1, max_value=4000)),
    min_size=1,
    max_size=3,
)


def _build(layers: list[tuple[str, int]]) -> str:
    inner = "?s ?p ?o"
    for name, count in layers:
        for _ in range(count):
            inner = _WRAPPERS[name](inner)
    return "SELECT * WHERE { " + inner + " } LIMIT 1"


@pytest.fixture(scope="module")
def guarded_server(seed_data_dir: Path):
    with serve_process(seed_data_dir, env={"POLICYKG_SPARQL_TIMEOUT": "2"}) as server:
        yield server


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layers=nested_queries)
def test_fuzz_nested_forms_never_take_the_server_down(guarded_server, layers: list[tuple[str, int]]) -> None:
    query = _build(layers)
    for response in (
        httpx.post(
            f"{guarded_server.url}/api/sparql",
            content=query.encode(),
            headers={"content-type": "application/sparql-query"},
            timeout=30,
        ),
        httpx.post(f"{guarded_server.url}/api/sparql", data={"query": query}, timeout=30),
    ):
        assert response.status_code in (200, 400, 413, 503), response.text[:300]
        if response.status_code != 200:
            assert response.json()["code"] in ("query_too_complex", "timeout", "too_large"), response.text[
                :300
            ]
    assert guarded_server.process.poll() is None, "the server died"
    assert httpx.get(f"{guarded_server.url}/healthz", timeout=10).status_code == 200


def test_every_crashing_form_is_refused_by_the_server(guarded_server) -> None:
    for form, size in CRASHERS:
        query = NESTED[form](size)
        response = httpx.post(
            f"{guarded_server.url}/api/sparql",
            content=query.encode(),
            headers={"content-type": "application/sparql-query"},
            timeout=30,
        )
        assert response.status_code == 400 and response.json()["code"] == "query_too_complex", response.text
    assert guarded_server.process.poll() is None
