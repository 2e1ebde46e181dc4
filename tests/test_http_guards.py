"""Guards on every response of a real ``policykg serve`` (a uvicorn subprocess with httptools, as users run it):
over-long URLs answered in the JSON error shape (issue 9, item 9), security headers (item 10), OPTIONS and 405
with ``Allow`` (item 8)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from search_api.service.guards import CONTENT_SECURITY_POLICY, MAX_URL_BYTES
from tests.conftest import ROOT

SECURITY = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.fixture(scope="module")
def served(seed_data_dir: Path) -> Iterator[str]:
    """``policykg serve`` on a free port over the seed build; its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "search_api.cli.main", "serve", "--data", str(seed_data_dir), "--port", str(port),
         "--no-access-log", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"policykg serve did not start: {process.stderr.read().decode() if process.stderr else ''}")
        time.sleep(0.1)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(10)


def raw_get(url: str, target: str) -> tuple[int, dict[str, str], bytes]:
    """Send ``GET target`` as raw bytes (no client-side URL limit); status, headers, body."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize("chars", [4_000, 10_000, 30_000])
def test_over_long_chinese_query_is_a_json_414(served: str, chars: int) -> None:
    status, headers, body = raw_get(served, "/api/search?q=" + quote("电" * chars))
    assert status == 414, body[:200]
    assert headers["content-type"] == "application/json"
    error = httpx.Response(414, content=body).json()
    assert error["ok"] is False and error["code"] == "uri_too_long" and error["status"] == 414
    assert str(MAX_URL_BYTES) in error["error"] and "\n" not in error["error"]
    assert headers["x-content-type-options"] == "nosniff"


def test_a_long_query_under_the_limit_is_answered(served: str) -> None:
    status, _, body = raw_get(served, "/api/search?q=" + quote("电梯" * 1000))
    assert status == 200, body[:200]


def test_unparsable_request_is_a_json_400(served: str) -> None:
    status, headers, body = raw_get(served, "/api/search?q=a b")  # a space inside the request target
    assert status == 400 and headers["content-type"] == "application/json"
    assert httpx.Response(400, content=body).json()["code"] == "bad_request"


@pytest.mark.parametrize(
    "path",
    ["/", "/docs", "/openapi.json", "/static/app.js", "/api/documents", "/api/nothing", "/healthz",
     "/api/due?by=0000", "/api/export/csv"],
)  # fmt: skip
def test_security_headers_on_every_response(served: str, path: str) -> None:
    response = httpx.get(served + path, timeout=30)
    for name, value in SECURITY.items():
        assert response.headers.get(name) == value, (path, name)


def test_html_export_has_its_own_policy_allowing_only_its_scripts(served: str) -> None:
    response = httpx.get(served + "/api/export/html", timeout=60)
    policy = response.headers["content-security-policy"]
    assert response.status_code == 200 and "script-src 'sha256-" in policy and "'unsafe-inline'" not in policy.split(
        "script-src"
    )[1].split(";")[0]
    assert response.headers["x-frame-options"] == "DENY"


def test_page_and_docs_have_no_inline_script(served: str) -> None:
    for path in ("/", "/docs"):
        html = httpx.get(served + path).text
        for tag in html.split("<script")[1:]:
            assert "src=" in tag.split(">")[0], (path, tag[:80])


def test_options_and_405_carry_allow(served: str) -> None:
    options = httpx.options(served + "/api/sparql")
    assert options.status_code == 204
    assert {m.strip() for m in options.headers["allow"].split(",")} >= {"GET", "POST", "OPTIONS"}
    refused = httpx.delete(served + "/api/documents")
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, OPTIONS"
    assert httpx.put(served + "/api/sparql").headers["allow"] == "GET, OPTIONS, POST"
    assert refused.json()["code"] == "method_not_allowed"
    assert httpx.options(served + "/api/nothing").status_code == 404
