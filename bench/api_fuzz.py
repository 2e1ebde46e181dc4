"""Schemathesis against a real ``policykg serve``: requests generated from the OpenAPI document, every response
checked (no 5xx, documented status, content type, headers and body schema).

Why in bench/ as well as in the suite: the suite runs a few examples per operation in-process (under a minute);
this runs many more over real HTTP (uvicorn with httptools, the protocol that answers unparsable requests), which
takes minutes. The figure to read is the failure count, which must be 0.

    python -m bench.api_fuzz [--examples 100] [--data DIR]

Writes ``bench/out/api_fuzz.json`` and prints one line per operation.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from bench.http_load import OUT, _build, _free_port, _start


def main(argv: list[str] | None = None) -> int:
    """Serve the build, fuzz every operation, report; exit status 1 when any check failed."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    parser = argparse.ArgumentParser(prog="python -m bench.api_fuzz", description=__doc__)
    parser.add_argument("--examples", type=int, default=100, help="generated requests per operation")
    parser.add_argument("--data", help="a built data directory (default: build the seed into a temporary one)")
    args = parser.parse_args(argv)
    checks = (
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    )
    data_dir = _build(args.data)
    port = _free_port()
    server = _start(
        [sys.executable, "-m", "search_api.cli.main", "serve", "--data", str(data_dir), "--port", str(port),
         "--no-access-log", "--log-level", "warning"],
        port,
    )  # fmt: skip
    report: dict[str, dict[str, object]] = {}
    try:
        schema = schemathesis.openapi.from_url(f"http://127.0.0.1:{port}/openapi.json")
        for result in schema.get_all_operations():
            operation = result.ok()
            name = f"{operation.method.upper()} {operation.path}"
            calls = 0

            @given(case=operation.as_strategy())
            @settings(max_examples=args.examples, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))  # fmt: skip
            def run(case: object) -> None:
                nonlocal calls
                calls += 1
                case.call_and_validate(checks=checks, timeout=60)  # type: ignore[attr-defined]

            started = time.perf_counter()
            try:
                run()
                failure = None
            except (Exception, BaseExceptionGroup) as error:  # a failed check (Schemathesis raises a group)
                failure = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
            seconds = time.perf_counter() - started
            report[name] = {"requests": calls, "seconds": round(seconds, 1), "failure": failure}
            print(f"{name:<45} {calls:>5} requests {seconds:6.1f} s  {failure or 'ok'}", flush=True)
    finally:
        server.terminate()
        server.wait(10)
    failures = sum(1 for item in report.values() if item["failure"])
    total = sum(int(item["requests"]) for item in report.values())  # type: ignore[call-overload]
    print(f"{len(report)} operations, {total} requests, {failures} failing operations")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "api_fuzz.json").write_text(
        json.dumps({"examples": args.examples, "operations": report, "failing": failures}, indent=2) + "\n",
        encoding="utf-8",
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
