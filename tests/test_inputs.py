"""One date parser for the CLI and the API (issue 9, item 5): ISO dates, years and months, ASCII digits only.

``/api/due?by=0000`` and digits such as ²⁰¹⁹ used to answer 500; now any text is either a date or a 400
``bad_date`` naming the parameter, in the API and (exit status 2, one line) in the CLI.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search_api.app import create_app
from search_api.cli import main as cli_main
from search_api.inputs import BadDate, parse_date
from search_api.settings import Settings

REFUSED = ["0000", "²⁰¹⁹", "①②③④", "٠٠٠٠", "2019-13", "2019-02-30", "2019-1-5", "20190101", "soon", "31/12/2019",
           "2019-06-30T00:00", "-2019", "9999"]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019", dt.date(2019, 12, 31)),
        ("2019-02", dt.date(2019, 2, 28)),
        ("2020-02", dt.date(2020, 2, 29)),
        ("2019-06-30", dt.date(2019, 6, 30)),
        (" 2018-12-31\n", dt.date(2018, 12, 31)),
    ],
)
def test_dates_years_and_months(text: str, expected: dt.date) -> None:
    assert parse_date("by", text) == expected


@pytest.mark.parametrize("text", REFUSED)
def test_refused_text_names_the_parameter(text: str) -> None:
    with pytest.raises(BadDate) as caught:
        parse_date("as_of", text)
    assert caught.value.code == "bad_date" and caught.value.status == 400
    assert "'as_of'" in caught.value.message and "\n" not in caught.value.message


def test_empty_means_the_default() -> None:
    today = dt.date(2001, 2, 3)
    assert parse_date("by", None, today) == today and parse_date("by", "  ", today) == today


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_bad_date(text: str) -> None:
    try:
        day = parse_date("by", text)
    except BadDate as error:
        assert error.code == "bad_date" and "\n" not in error.message
    else:
        assert day is None or day.isoformat()[:4] == text.strip()[:4]


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)))
def test_every_iso_date_round_trips(day: dt.date) -> None:
    assert parse_date("by", day.isoformat()) == day


# ── the API ────────────────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def client(seed_data_dir: Path) -> Iterator[TestClient]:
    """The app in-process over the seed build ("testserver" is the Host the in-process client sends)."""
    settings = Settings(data_dir=seed_data_dir, allowed_hosts=("testserver",))
    with TestClient(create_app(settings), raise_server_exceptions=False) as running:
        yield running


@pytest.mark.parametrize("path", ["/api/due?by=", "/api/due?as_of=", "/api/export/csv?as_of="])
@pytest.mark.parametrize("text", ["0000", "²⁰¹⁹", "①②③④", "٠٠٠٠", "2019-02-30"])
def test_api_refuses_bad_dates_with_bad_date(client: TestClient, path: str, text: str) -> None:
    response = client.get(path + text)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "bad_date" and body["ok"] is False
    assert repr(path.rsplit("?", 1)[1].rstrip("=")) in body["error"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=20))
def test_api_due_any_text_is_a_date_or_bad_date(client: TestClient, text: str) -> None:
    response = client.get("/api/due", params={"by": text, "as_of": "2019-06-30"})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.json()["code"] == "bad_date"
    else:
        day = parse_date("by", text)
        assert response.json()["by"] == (day.isoformat() if day else None)


def test_api_export_accepts_a_year(client: TestClient) -> None:
    assert client.get("/api/export/csv", params={"as_of": "2019"}).status_code == 200


# ── the CLI ────────────────────────────────────────────────────────────────────────────────────────────────


def run_cli(*args: str) -> tuple[int, str, str]:
    """Exit status, standard output and standard error of ``policykg ARGS`` run in-process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli_main(list(args))
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "args", [("due", "--by", "0000"), ("due", "--as-of", "²⁰¹⁹"), ("export", "--format", "csv", "--as-of", "①②③④")]
)
def test_cli_refuses_bad_dates_in_one_line(seed_data_dir: Path, args: tuple[str, ...]) -> None:
    status, out, err = run_cli(*args, "--data", str(seed_data_dir))
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "is not a date" in err and f"'{args[-2]}'" in err


def test_cli_due_accepts_a_month_like_the_api(seed_data_dir: Path, client: TestClient) -> None:
    status, out, _ = run_cli("due", "--by", "2018-12", "--as-of", "2018-06", "--json", "--data", str(seed_data_dir))
    assert status == 0
    assert json.loads(out) == client.get("/api/due", params={"by": "2018-12", "as_of": "2018-06"}).json()


@pytest.mark.parametrize("number", ["²", "٣", "①"])
def test_graph_node_numbers_are_ascii_digits(client: TestClient, number: str) -> None:
    (doc,) = client.get("/api/documents").json()["documents"]
    response = client.get("/api/graph", params={"node": f"doc/{doc['id']}/task/{number}"})
    assert response.status_code == 400 and response.json()["code"] == "bad_parameter", response.text
