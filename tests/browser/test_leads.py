"""A salesperson on a 390 px phone adds a lead and logs a follow-up; HQ then sees the funnel
move. What a person sees is asserted: readable, inside the screen, in Chinese."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE
from tests.browser.test_pages import log_in
from tests.browser.visibility import assert_readable
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"


def test_a_salesperson_adds_a_lead_and_follows_it_up_and_hq_sees_the_funnel_move(
    live_server: Any, phone_page: Page, browser: Browser
) -> None:
    page = phone_page
    make_user("dealer_sales", "D11001", username="sales1")
    make_user("crm_manager", username="crm1")
    log_in(page, live_server.url, "sales1")
    page.goto(live_server.url + "/leads/new/")
    expect(page.locator("h1")).to_have_text("新建线索")
    page.fill("input[name=phone]", "139 1234 5678")
    expect(page.locator("#phone-check .check")).to_have_attribute("data-state", "new")
    page.fill("input[name=name]", "王先生")
    page.select_option("select[name=intended_model]", "Q5L")
    page.select_option("select[name=timeframe]", "7d")
    page.select_option("select[name=test_drive]", "done")
    fits(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "lead-new-phone.png"), full_page=True)
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_contain_text("王先生")
    expect(page.locator("#lead-stage")).to_have_text("新线索")
    tel = page.locator("a[href='tel:13912345678']")
    expect(tel).to_have_count(1)
    page.fill("input[name=outcome]", "约周六到店试驾")
    page.locator("form.follow-up button[value=call]").click()
    expect(page.locator("#lead-stage")).to_have_text("已联系")
    expect(page.locator("#follow-ups li").first).to_contain_text("约周六到店试驾")
    assert_readable(page.locator("#follow-ups li").first, "logged follow-up")
    fits(page)
    page.screenshot(path=str(SHOTS / "lead-detail-phone.png"), full_page=True)
    page.goto(live_server.url + "/leads/")
    row = page.locator("li.lead").first
    expect(row).to_contain_text("王先生")
    assert_readable(row.locator("b"), "lead name")
    assert_readable(page.locator("a.call"), "call button")
    fits(page)

    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    hq = context.new_page()
    try:
        log_in(hq, live_server.url, "crm1")
        hq.goto(live_server.url + "/leads/funnel/")
        expect(hq.locator("#fig-open b")).to_have_text("1")
        expect(hq.locator("#fig-hot b")).to_have_text("1")  # grade H
        expect(hq.locator("#stages tr[data-stage=contacted] td").nth(1)).to_have_text("1")
        expect(hq.locator(".chart canvas")).to_have_count(1)
        assert_readable(hq.locator("#fig-open span"), "figure label")
        hq.screenshot(path=str(SHOTS / "lead-funnel.png"), full_page=True)
    finally:
        context.close()
    assert PHONE["viewport"]["width"] == 390
