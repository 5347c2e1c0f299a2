"""Search in a real browser as agents use it: each query class, results a person can read on a
desktop and a phone, the arrow keys, Enter for a results page, both languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_pages import log_in
from tests.browser.visibility import assert_readable
from tests.factories import load_search_people, make_user, vin

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def people(tmp_path: Path) -> dict[str, int]:
    return load_search_people(tmp_path)


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def answered(page: Page, query: str) -> None:
    """Type a query and wait for the answer to that query (not the one before)."""
    page.fill("input[name=q]", query)
    expect(page.locator("#search-results .found")).to_have_attribute("data-q", query)


def hits(page: Page) -> list[tuple[str, str]]:
    rows = page.locator("#search-results a.hit")
    return [(rows.nth(i).locator(".hit-name").inner_text(),
             rows.nth(i).locator(".hit-why .tag").inner_text()) for i in range(rows.count())]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_query_class_finds_its_customer_and_the_result_can_be_read(
    live_server: Any, page: Page, phone_page: Page, people: dict[str, int], size: str
) -> None:
    page = page if size == "desktop" else phone_page
    make_user("cc_agent", username="agent1")
    log_in(page, live_server.url, "agent1")
    cases = [
        ("3427", [("张伟", "手机尾号 3427")]),
        ("135760", [("张伟", "手机号开头 135760"), ("张玮", "手机号开头 135760")]),
        (vin(1)[-6:], [("张伟", "车架号后6位")]),
        ("G2719K", [("张伟", "车牌号 G2719K")]),
        ("zhangwei", [("张伟", "拼音"), ("张玮", "拼音")]),
        ("张 伟", [("张伟", "姓名")]),
        (f"#{people['李娜']}", [("李娜", f"客户号 {people['李娜']}")]),
    ]
    for query, expected in cases:
        answered(page, query)
        expect(page.locator("#search-results a.hit")).to_have_count(len(expected))
        assert hits(page) == expected, query
        for part in (".hit-name", ".hit-phone", ".hit-city", ".hit-why .tag"):
            assert_readable(page.locator(f"#search-results a.hit {part}"), f"{query} {part}")
    answered(page, "G2719K")
    expect(page.locator("#search-results .hit-car")).to_have_text("晋G2719K")
    assert_readable(page.locator("#search-results .hit-car"), "matched plate")
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None and width <= viewport["width"], f"scrolls sideways ({width}px)"
    shot(page, f"search-{size}")
    answered(page, "138")
    expect(page.locator("#search-results .none")).to_have_text("未找到客户。")
    assert_readable(page.locator("#search-results .none"), "no customer found")


def test_the_arrow_keys_walk_the_results_and_enter_opens_one(
    live_server: Any, page: Page, people: dict[str, int]
) -> None:
    make_user("cc_agent", username="agent1")
    log_in(page, live_server.url, "agent1")
    answered(page, "zhangwei")
    expect(page.locator("#search-results a.hit")).to_have_count(2)
    page.keyboard.press("ArrowDown")
    expect(page.locator("#search-results a.hit").nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    second = page.locator("#search-results a.hit").nth(1)
    expect(second).to_be_focused()
    expect(second).to_have_attribute("aria-selected", "true")
    assert_readable(second.locator(".hit-name"), "selected hit")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(page.locator("input[name=q]")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("张伟")


def test_enter_gives_a_results_page_with_one_customer_per_row(
    live_server: Any, page: Page, people: dict[str, int]
) -> None:
    make_user("cc_agent", username="agent1")
    log_in(page, live_server.url, "agent1")
    page.fill("input[name=q]", "135760")
    page.locator("input[name=q]").press("Enter")
    page.wait_for_url("**/customers/search/?q=135760")
    rows = page.locator(".results-page a.hit")
    expect(rows).to_have_count(2)
    first, second = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
    assert first and second and second["y"] >= first["y"] + first["height"] - 1
    assert_readable(page.locator(".results-page .hit-name"), "results page names")
    shot(page, "search-results-page")


def test_in_english_the_reasons_are_english(
    live_server: Any, page: Page, people: dict[str, int]
) -> None:
    make_user("cc_agent", username="agent1")
    log_in(page, live_server.url, "agent1")
    page.locator("button[name=language][value=en]").click()
    answered(page, "3427")
    expect(page.locator("#search-results .hit-why .tag")).to_have_text("Phone ends 3427")
    answered(page, "138")
    expect(page.locator("#search-results .none")).to_have_text("No customer found.")
