"""Real Chromium against the live app: log in, search, open a 360° page, reveal, stay in scope."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from autocrm.core.models import AuditEntry
from tests.factories import PASSWORD, ZHANG_ID, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    expect(page.locator("h1")).to_have_text("登录")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_contain_text(username)


def test_call_centre_agent_searches_as_they_type_and_sees_the_whole_customer(
        live_server: Any, page: Page, two_dealers: dict[str, int]) -> None:
    make_user("cc_agent", username="agent1")
    log_in(page, live_server.url, "agent1")
    page.fill("input[name=q]", "zw")
    hit = page.locator("#search-results a").first
    expect(hit).to_contain_text("张伟")
    expect(hit).to_contain_text("13800138000")
    hit.click()
    expect(page.locator("h1")).to_contain_text("张伟")
    expect(page.locator("#v-phone")).to_have_text("13800138000")
    expect(page.locator("#v-id_number")).to_have_text(ZHANG_ID[:6] + "********" + ZHANG_ID[-4:])
    expect(page.locator("[data-field=id_number] .reveal")).to_have_count(0)
    page.locator("[data-field=name] details.src summary").click()
    expect(page.locator("[data-field=name] .src-body")).to_contain_text("FIN")
    expect(page.locator("#vehicles")).to_contain_text("LFV2A21K")
    expect(page.locator("#timeline li[data-kind=repair]")).to_have_count(2)


def test_dealer_salesperson_on_a_phone_reveals_a_mobile_with_a_reason(
        live_server: Any, phone_page: Page, two_dealers: dict[str, int]) -> None:
    page = phone_page
    make_user("dealer_sales", "D11001", username="sales1")
    log_in(page, live_server.url, "sales1")
    expect(page.locator("header")).to_contain_text("退出")
    page.fill("input[name=q]", "13800138000")
    page.locator("#search-results a").first.click()
    phone = page.locator("#v-phone")
    expect(phone).to_have_text("138****8000")
    page.locator("[data-field=phone] .reveal").click()
    dialog = page.locator("#reveal-phone")
    expect(dialog).to_be_visible()
    dialog.locator("input[name=reason]").fill("客户来电回访")
    dialog.locator("button[type=submit]").click()
    expect(phone).to_have_text("13800138000")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    entry = AuditEntry.objects.get(action="reveal")
    assert (entry.actor.username, entry.detail["reason"]) == ("sales1", "客户来电回访")


def test_another_dealers_customer_by_url_is_not_found(
        live_server: Any, page: Page, two_dealers: dict[str, int]) -> None:
    make_user("dealer_sales", "D11003", username="sales2")
    log_in(page, live_server.url, "sales2")
    response = page.goto(f"{live_server.url}/customers/{two_dealers['zhang']}/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("张伟")
    page.fill("input[name=q]", "张伟")
    expect(page.locator("#search-results")).to_contain_text("未找到客户")


def test_language_switches_to_english_and_back(live_server: Any, page: Page) -> None:
    make_user("analyst", username="ana")
    log_in(page, live_server.url, "ana")
    page.click("button[value=en]")
    expect(page.locator("header")).to_contain_text("Log out")
    page.click("button[value=zh-hans]")
    expect(page.locator("header")).to_contain_text("退出")
    page.click("text=退出")
    expect(page.locator("h1")).to_have_text("登录")
    assert page.goto(live_server.url + "/").url.startswith(live_server.url + "/accounts/login/")


ROLES = [("crm_manager", None, "客户关系经理"), ("data_steward", None, "数据管理员"),
         ("cc_agent", None, "呼叫中心坐席"), ("fi_specialist", None, "金融保险专员"),
         ("analyst", None, "数据分析师"), ("marketing", None, "市场专员"),
         ("it_admin", None, "IT 管理员"), ("dealer_manager", "D11001", "经销商总经理"),
         ("dealer_sales", "D11001", "销售顾问"), ("dealer_service", "D11001", "服务顾问")]


@pytest.mark.parametrize(("role", "dealer", "title"), ROLES)
def test_every_role_logs_in_to_its_dashboard(live_server: Any, phone_page: Page, role: str,
                                             dealer: str | None, title: str) -> None:
    user = make_user(role, dealer, username=f"u-{role}")
    log_in(phone_page, live_server.url, user.username)
    expect(phone_page.locator(".who")).to_contain_text(title)
    expect(phone_page.locator("h1")).to_have_text("工作台")
    search = phone_page.locator("input[name=q]")
    expect(search).to_have_count(0 if role == "it_admin" else 1)
    audit_link = phone_page.locator("a[href='/audit/']")
    expect(audit_link).to_have_count(1 if role == "it_admin" else 0)
