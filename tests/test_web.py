"""The web page in Debian's headless Chromium (driven by Playwright's Python package; no browser download).

Type 谁负责电梯安全, see 区市场监管局 in the answer, open task 37, open the graph view, switch to the traceability
view, switch to English. Screenshots go to tests/screenshots/ (gitignored) for a person to look at. A missing
Chromium fails the test: `make test` installs it (Makefile target `sysdeps`).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Server

SHOTS = Path(__file__).resolve().parent / "screenshots"


def test_question_task_graph_and_traceability(browser, api: Server) -> None:
    SHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((api.url, "data:", "blob:"))
            else problems.append(f"external request: {request.url}")
        ),
    )

    page.goto(api.url + "/")
    page.wait_for_selector("h1")
    paint = page.evaluate(
        "performance.getEntriesByName('first-contentful-paint').map(e => e.startTime)[0] || null"
    )
    print(f"first contentful paint: {paint} ms")  # reported, not asserted (no wall-clock assertions)
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '电梯安全')")

    # keyboard: "/" jumps to the search box
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("谁负责电梯安全")
    page.keyboard.press("Enter")
    answer = page.locator(".unit-card", has_text="区市场监管局").first
    answer.wait_for()
    assert page.locator(".unit-card mark", has_text="电梯").count() > 0
    page.screenshot(path=str(SHOTS / "01-answer.png"), full_page=False)

    # open task 37 from the answer's evidence
    answer.locator("a", has_text="任务 37").first.click()
    page.wait_for_selector("h1:has-text('任务 37')")
    assert page.locator(".unit-chip", has_text="区市场监管局").count() == 1
    page.screenshot(path=str(SHOTS / "02-task-37.png"), full_page=False)

    # the graph view of task 37
    page.locator("a", has_text="在图谱中查看").first.click()
    page.wait_for_selector("#cy canvas")
    page.wait_for_function(
        "document.querySelectorAll('#cy canvas').length > 0 && window.cytoscape !== undefined"
    )
    assert page.locator(".graph-side a", has_text="区市场监管局").count() >= 1
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "03-graph-task-37.png"), full_page=False)

    # the traceability view, gaps highlighted
    page.locator(".views a", has_text="追溯矩阵").click()
    page.wait_for_selector("table.matrix")
    assert page.locator("table.matrix th.row.gap").count() == 9
    assert page.locator("table.matrix td.hit").count() >= 57
    page.screenshot(path=str(SHOTS / "04-trace.png"), full_page=False)

    # English interface
    page.locator("#lang").click()
    page.wait_for_selector("h1:has-text('Traceability matrix')")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.screenshot(path=str(SHOTS / "05-trace-en.png"), full_page=False)
    page.locator("#lang").click()  # back to Chinese for the next visitor (the choice is remembered)

    assert not problems, problems


def test_views_render_without_errors(browser, api: Server) -> None:
    """Every view opens from its hash route, shows its heading, and raises no page error."""
    SHOTS.mkdir(exist_ok=True)
    doc = api.client.get("/api/documents").json()["documents"][0]["id"]
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    views = {
        "06-document": (f"#/doc/{doc}", ".art-row.gap"),
        "07-article-22": (f"#/doc/{doc}/art/22", ".task-chip"),
        "08-unit": ("#/unit/区财政局", "table.data tbody tr"),
        "09-due": ("#/due?by=2019-12-31", "table.data tbody tr"),
        "10-units": ("#/units", "table.data tbody tr"),
        "11-search": ("#/search?q=双随机一公开", ".hits li"),
        "12-graph-unit": ("#/graph/unit/区市场监管局", "#cy canvas"),
        "13-graph-topic": ("#/graph/topic/elevator", "#cy canvas"),
    }
    for name, (route, selector) in views.items():
        page.goto(f"{api.url}/{route}")
        page.wait_for_selector(selector)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)
    page.goto(f"{api.url}/#/search?q=双随机一公开")
    page.wait_for_selector(".hits li .matched")
    legs = page.locator(".hits li .matched").first  # which legs found a hit, in the page's language
    assert "原词" in legs.inner_text() and "literal" in (legs.get_attribute("title") or "")
    page.goto(f"{api.url}/#/doc/no-such-doc")
    page.wait_for_selector(".error")
    assert not errors, errors
