"""The OpenAPI document matches the responses (issue 9, item 8): a bounded Schemathesis run over every operation,
in-process against the app on the seed build, with 0 failures; plus the documented shapes checked directly.

Schemathesis generates requests from the schema and checks each response: no 5xx, a documented status, a
documented content type, a body valid against the documented schema (the error shape included). ``python -m
bench.api_fuzz`` runs the same checks with many more examples against a real server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from search_api.service.app import create_app
from search_api.settings import Settings

CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)
EXAMPLES = 8  # per operation: the whole run stays well under a minute on a shared 2-core machine


@pytest.fixture(scope="module")
def app(seed_data_dir: Path):
    """The app over the session's seed build."""
    # "testserver" is the Host the in-process client sends; the real server accepts only the names it is given
    settings = Settings(
        data_dir=seed_data_dir, sparql_timeout_s=5.0, sparql_row_limit=1000, allowed_hosts=("testserver",)
    )
    return create_app(settings)


@pytest.fixture(scope="module")
def operations(app) -> dict:
    """Every operation of the app's own OpenAPI document, called in-process, by ``METHOD path``."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[f"{operation.method.upper()} {operation.path}"] = operation
    return found


def test_schemathesis_finds_every_operation(operations: dict) -> None:
    assert {"GET /api/search", "GET /api/due", "GET /api/export/{format}", "POST /api/sparql"} <= set(operations)


@pytest.mark.parametrize(
    "name",
    [
        "GET /healthz", "GET /api/search", "GET /api/ask", "GET /api/documents", "GET /api/documents/{doc}",
        "GET /api/documents/{doc}/articles/{n}", "GET /api/documents/{doc}/tasks/{n}", "GET /api/units",
        "GET /api/units/{unit}", "GET /api/trace", "GET /api/due", "GET /api/diff", "GET /api/export", "GET /api/export/{format}",
        "GET /api/graph", "GET /api/sparql", "POST /api/sparql",
    ],
)  # fmt: skip
def test_every_operation_conforms(operations: dict, name: str) -> None:
    operation = operations[name]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck),
              database=None)  # fmt: skip
    def conforms(case) -> None:
        case.call_and_validate(checks=CHECKS)

    conforms()


# ── the document itself ────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def document(app) -> dict:
    with TestClient(app) as client:
        return client.get("/openapi.json").json()


def test_no_422_validation_schema_and_errors_documented_everywhere(document: dict) -> None:
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert set(document["components"]["schemas"]["ErrorBody"]["required"]) == {"ok", "code", "error", "status"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            for status in ("400", "404", "405", "414", "503"):
                ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorBody"), (path, method, status)
            assert "Allow" in responses["405"]["headers"]


def test_export_is_typed_per_media_type(document: dict) -> None:
    content = document["paths"]["/api/export/{format}"]["get"]["responses"]["200"]["content"]
    for media in ("text/csv", "image/png", "image/svg+xml", "text/turtle",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):  # fmt: skip
        assert media in content


def test_query_length_limit_is_in_the_schema(document: dict) -> None:
    (q,) = (p for p in document["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "q")
    assert q["schema"]["maxLength"] == 2000
