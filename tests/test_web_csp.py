"""The page, its graph view and /docs satisfy the Content-Security-Policy (issue 9, item 10), in Chromium.

A violation shows both as a console error and as a ``securitypolicyviolation`` event; the test listens for both
while the views that load the most code (Cytoscape, Swagger UI) run.
"""

from __future__ import annotations

from tests.conftest import Server

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(url)
    assert response is not None and "default-src 'self'" in response.headers["content-security-policy"]
    return page, problems


def test_page_and_graph_view_have_no_csp_violation(browser, api: Server) -> None:
    page, problems = _open(browser, api.url + "/")
    page.wait_for_selector("h1")
    unit = api.client.get("/api/units").json()["units"][0]["id"]
    page.goto(api.url + f"/#/graph/unit/{unit}")
    page.wait_for_selector("#cy canvas")
    page.wait_for_function("window.cytoscape !== undefined")
    page.goto(api.url + "/#/due")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__violations") == []
    assert [p for p in problems if "Content Security Policy" in p or "page error" in p] == []
    page.close()


def test_swagger_docs_run_under_the_policy(browser, api: Server) -> None:
    page, problems = _open(browser, api.url + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)  # Swagger UI rendered the operations
    assert page.locator(".opblock-summary-path", has_text="/api/search").count() >= 1
    assert page.evaluate("window.__violations") == []
    assert [p for p in problems if "Content Security Policy" in p or "page error" in p] == []
    page.close()
