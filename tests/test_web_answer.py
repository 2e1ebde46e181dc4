"""The answer page (issue 12) in headless Chromium, over the seed plus the laws: grouped cards, ranks and
confidence words instead of scores, Chinese labels on the Chinese page, laws cited by title with local bodies.

Screenshots go to /tmp/policykg-answer-*.png for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TASK_37_LEAD_UNITS, Server, serve

SHOT_DIR = Path("/tmp")


@pytest.fixture(scope="module")
def laws_api(seed_laws_data_dir: Path) -> Iterator[Server]:
    with serve(seed_laws_data_dir) as running:
        yield running


def _chinese_page(browser, server: Server) -> tuple[object, list[str]]:
    """A new page on the Chinese interface, and the list its script errors are collected into."""
    page = browser.new_page(viewport={"width": 1366, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.url}/")
    page.evaluate("localStorage.setItem('policykg.lang', 'zh')")
    return page, errors


def test_elevator_answer_is_one_card_for_task_37(browser, laws_api: Server) -> None:
    page, errors = _chinese_page(browser, laws_api)
    page.goto(f"{laws_api.url}/#/search?q=谁负责电梯安全")
    card = page.locator(".group-card", has_text="区市场监管局").first
    card.wait_for()
    # the eight lead units of task 37 share the one card that quotes task 37 once
    lines = card.locator(".unit-line")
    assert lines.count() == len(TASK_37_LEAD_UNITS)
    for name in TASK_37_LEAD_UNITS:
        assert card.locator(".unit-line", has_text=name).count() == 1
    assert card.locator(".evidence a", has_text="任务 37").count() == 1
    assert card.locator(".pill.direct", has_text="直接").count() == len(TASK_37_LEAD_UNITS)
    assert "得分" not in page.inner_text("#answer ~ div")
    # the path is drawn with the page's words: 条22 → 任务37, no English topic slug
    path = card.locator(".path").inner_text()
    assert "任务37" in path and not any(c.isascii() and c.isalpha() for c in path)
    # 区市场监管局 is also the special-equipment regulator the law names
    regulator = card.locator(".unit-line", has_text="区市场监管局")
    assert "负责特种设备安全监督管理的部门" in regulator.inner_text()
    assert page.locator(".statutory .where", has_text="《特种设备安全法》第").count() > 0
    page.screenshot(path=str(SHOT_DIR / "policykg-answer-elevator.png"), full_page=True)

    page.goto(f"{laws_api.url}/#/search?q=谁负责消防安全")
    page.locator(".related-heading").wait_for()
    assert page.locator(".pill.direct").count() == 0
    fire = page.locator(".statutory > li", has=page.locator("strong", has_text="消防救援机构")).first
    assert "公安消防" in fire.locator(".local-units").inner_text()
    page.screenshot(path=str(SHOT_DIR / "policykg-answer-fire.png"), full_page=True)
    assert not errors, errors


def test_laws_answer_lists_regulators_first_each_with_its_clause_and_place(browser, laws_api: Server) -> None:
    data = laws_api.client.get("/api/ask", params={"q": "谁对特种设备的使用安全负责"}).json()
    kinds = {entry["kind"] for entry in data["statutory"]}
    assert "duty_holder" in kinds and all(entry["jurisdiction"] for entry in data["statutory"])
    page, errors = _chinese_page(browser, laws_api)
    page.goto(f"{laws_api.url}/#/search?q=谁对特种设备的使用安全负责")
    page.locator(".statutory li").first.wait_for()
    assigned = page.locator(".statutory > li.has-clause").evaluate_all("items => items.map((li) => li.className)")
    ranks = [0 if "statutory-regulator" in c else 1 if "statutory-duty_holder" in c else 2 for c in assigned]
    assert ranks == sorted(ranks) and 1 in ranks  # regulators first, then the duty holders the clauses name
    first = page.locator(".statutory > li").first
    assert "has-clause" in (first.get_attribute("class") or "")  # bodies a clause assigns lead the list
    holder = page.locator(".statutory > li.statutory-duty_holder", has_text="使用单位").first
    assert "责任主体" in holder.inner_text() and "全国" in holder.locator(".jurisdiction").inner_text()
    assert "《特种设备安全法》第" in holder.locator(".where").first.inner_text()
    page.screenshot(path=str(SHOT_DIR / "policykg-answer-duty-holder.png"), full_page=True)
    assert not errors, errors
