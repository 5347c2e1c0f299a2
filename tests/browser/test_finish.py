"""Real Chromium: the in-page reveal dialog, a phone to call, labelled rows and back-office
lists on a phone, error pages in both languages; screenshots at desktop and phone size."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from autocrm.core.models import AuditEntry
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("AUTOCRM_SHOTS", "/tmp/autocrm-shots"))


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_contain_text(username)


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def reveal_phone(page: Page, base: str, customer_id: int, name: str) -> None:
    page.goto(f"{base}/customers/{customer_id}/")
    phone = page.locator("#v-phone")
    expect(phone).to_have_text("138****8000")
    dialog = page.locator("#reveal-phone")
    expect(dialog).to_be_hidden()
    page.locator("[data-field=phone] .reveal").click()
    expect(dialog).to_be_visible()
    expect(dialog.locator("h3")).to_have_text("查看完整的手机")
    dialog.locator("input[name=reason]").fill("客户来电回访")
    shot(page, f"{name}-dialog")
    dialog.locator("button[type=submit]").click()
    expect(phone.locator("a[href='tel:13800138000']")).to_have_text("13800138000")
    expect(page.locator("#reveal-phone")).to_be_hidden()
    shot(page, f"{name}-revealed")


def test_a_salesperson_reveals_a_mobile_in_the_page_dialog_and_can_call_it(
        live_server: Any, browser: Any, two_dealers: dict[str, int]) -> None:
    make_user("dealer_sales", "D11001", username="sales1")
    for name, size in (("desktop", {"width": 1366, "height": 900}),
                       ("phone", {"width": 390, "height": 844})):
        context = browser.new_context(locale="zh-CN", viewport=size,
                                      is_mobile=name == "phone", has_touch=name == "phone")
        page = context.new_page()
        page.on("dialog", lambda d: pytest.fail(f"a native dialog opened: {d.message}"))
        try:
            log_in(page, live_server.url, "sales1")
            reveal_phone(page, live_server.url, two_dealers["zhang"], name)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= size["width"], f"{name}: the page scrolls sideways ({width}px)"
        finally:
            context.close()
    reasons = list(AuditEntry.objects.filter(action="reveal").values_list("detail", flat=True))
    assert [r["reason"] for r in reasons] == ["客户来电回访", "客户来电回访"]


def test_on_a_phone_rows_keep_labels_and_back_office_lists_keep_words_whole(
        live_server: Any, phone_page: Page, two_dealers: dict[str, int]) -> None:
    page = phone_page
    make_user("data_steward", username="steward1")
    log_in(page, live_server.url, "steward1")
    page.goto(f"{live_server.url}/customers/{two_dealers['zhang']}/")
    first = page.locator("table.repairs tbody tr").first.locator("td").first
    label = first.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"日期: "'
    dealers = page.locator("#dealers tr[data-dealer]")
    expect(dealers).to_have_count(2)
    shot(page, "phone-360")
    page.goto(f"{live_server.url}/admin/sources/load/")
    expect(page.locator(".wide-hint")).to_be_visible()
    cell = page.locator("#result_list td.field-file_name").first
    height = cell.evaluate("td => td.getBoundingClientRect().height")
    line = cell.evaluate("td => parseFloat(getComputedStyle(td).lineHeight) || 20")
    assert height < 2 * line + 12, f"a file name wraps ({height}px for a {line}px line)"
    shot(page, "phone-admin-loads")


@pytest.mark.parametrize(("lang", "title"), [("zh-hans", "页面不存在"), ("en", "Page not found")])
def test_error_pages_are_styled_in_both_languages(live_server: Any, page: Page, lang: str,
                                                  title: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": lang,
                               "url": live_server.url}])
    response = page.goto(f"{live_server.url}/customers/abc/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text(f"404 {title}")
    background = page.locator("header.top").evaluate("h => getComputedStyle(h).backgroundColor")
    assert background == "rgb(31, 58, 95)"  # the app's header: the page is styled
    shot(page, f"error-404-{lang}")
