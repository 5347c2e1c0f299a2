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
        hq.goto(live_server.url + "/leads/conversion/?by=channel")
        row = hq.locator("#conversion tbody tr").first
        expect(row.locator("th")).to_have_text("到店")  # walk-in, the quick add's default
        expect(row.locator("td").nth(1)).to_have_text("100.0%")  # contacted
        expect(hq.locator(".chart canvas")).to_have_count(1)
        assert_readable(row.locator("th"), "conversion row")
        hq.screenshot(path=str(SHOTS / "lead-conversion.png"), full_page=True)
    finally:
        context.close()
    assert PHONE["viewport"]["width"] == 390


def test_hq_assigns_the_pool_the_manager_deals_it_and_approves_a_lost_request(
    live_server: Any, phone_page: Page, browser: Browser
) -> None:
    from autocrm.accounts.actor import actor_for
    from autocrm.dealers.models import Dealer
    from autocrm.intake.leads import LeadIn, submit

    Dealer.objects.create(code="D14001", name="太原一店", city="太原市", province="山西省")
    make_user("dealer_manager", "D14001", username="mgr1")
    make_user("dealer_sales", "D14001", username="sales1")
    hq_user = make_user("crm_manager", username="crm1")
    submit(actor_for(hq_user), LeadIn(name="赵女士", phone="13812340001", intended_model="A6L",
                                      source="website", city="太原市"))

    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    hq = context.new_page()
    try:
        log_in(hq, live_server.url, "crm1")
        hq.goto(live_server.url + "/leads/funnel/")
        expect(hq.locator("#assign p")).to_contain_text("总部线索池：1 条线索等待分配经销商")
        hq.locator("#assign button").click()
        note = hq.locator("p.msg").first
        expect(note).to_have_text("已将 1 条线索分配给 1 家经销商；线索池剩余 0 条")
        assert_readable(note, "assignment note")
    finally:
        context.close()

    page = phone_page
    log_in(page, live_server.url, "mgr1")
    page.goto(live_server.url + "/leads/funnel/")
    expect(page.locator("#assign p")).to_have_text("1 条进行中线索尚未分配销售顾问。")
    page.locator("#assign button").click()
    expect(page.locator("p.msg").first).to_have_text("已将 1 条线索分给 1 位销售顾问")
    fits(page)
    page.goto(live_server.url + "/leads/")
    page.locator("li.lead a.lead-main").first.click()
    expect(page.locator("#lead-owner")).to_have_text("sales1")
    expect(page.locator("#lead-dealer")).to_have_text("D14001")
    detail = page.url
    page.context.clear_cookies()

    log_in(page, live_server.url, "sales1")
    page.goto(live_server.url + "/leads/")
    expect(page.locator("#day-new b")).to_have_text("1")
    assert_readable(page.locator("#day-new span"), "my day label")
    page.goto(detail)
    page.select_option("form.lost select[name=reason]", "price")
    page.locator("form.lost button", has_text="申请战败").click()
    expect(page.locator("#lost-request")).to_contain_text("等待经销商经理审批。")
    expect(page.locator("#lead-stage")).to_have_text("新线索")
    fits(page)
    page.screenshot(path=str(SHOTS / "lead-lost-request-phone.png"), full_page=True)
    page.context.clear_cookies()

    log_in(page, live_server.url, "mgr1")
    page.goto(detail)
    approve = page.locator("#lost-request button[value='1']")
    assert_readable(approve, "approve button")
    approve.click()
    expect(page.locator("#lead-stage")).to_have_text("战败")
    expect(page.locator("#lost-request")).to_have_count(0)
    fits(page)
    page.screenshot(path=str(SHOTS / "lead-lost-approved-phone.png"), full_page=True)
