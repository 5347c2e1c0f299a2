"""The 360° page's details: no "None", local times, one row per dealer, a phone to call, the
in-page reveal dialog and stacked rows that keep their labels."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def client_for(role: str, lang: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(make_user(role))
    client.cookies["django_language"] = lang
    return client


def test_a_role_that_may_not_see_the_unified_id_sees_no_none(two_dealers: dict[str, int]) -> None:
    page = client_for("marketing").get(f"/customers/{two_dealers['zhang']}/").content.decode()
    assert "None" not in page and "统一客户标识" not in page
    head = re.search(r'<p class="muted">(.*?)</p>', page, re.S)
    assert head is not None and re.sub(r"<[^>]+>", "", head.group(1)).split() == [
        "客户", f"#{two_dealers['zhang']}", "·", "2", "条源记录"]


def test_the_dealer_card_has_one_row_per_dealer_with_its_relations(
        two_dealers: dict[str, int]) -> None:
    page = client_for("data_steward").get(f"/customers/{two_dealers['zhang']}/").content.decode()
    rows = re.findall(r'<tr data-dealer="(\w+)">(.*?)</tr>', page, re.S)
    tags = [(code, re.findall(r'<span class="tag">([^<]+)</span>', body)) for code, body in rows]
    assert tags == [("D11001", ["经销商档案", "在本店维修保养"]), ("D11002", ["在本店维修保养"])]
    assert '<td data-label="日期" class="muted">2025-09-01 – 2025-09-01</td>' in rows[1][1]


def test_the_lineage_popover_shows_local_time(two_dealers: dict[str, int]) -> None:
    from autocrm.sources.models import Load

    fin = Load.objects.get(source="FIN")
    page = client_for("data_steward").get(f"/customers/{two_dealers['zhang']}/").content.decode()
    local = timezone.localtime(fin.started_at).strftime("%Y-%m-%d %H:%M")
    assert f"批次: #{fin.id} {local}<br>" in page
    assert fin.started_at.strftime("%Y-%m-%dT") not in page


def test_the_reveal_dialog_is_a_form_in_the_page(two_dealers: dict[str, int]) -> None:
    zhang = two_dealers["zhang"]
    page = client_for("crm_manager", "en").get(f"/customers/{zhang}/").content.decode()
    assert "hx-prompt" not in page
    dialog = re.search(r'<div popover id="reveal-phone".*?</div>', page, re.S)
    assert dialog is not None
    assert f'hx-post="/customers/{zhang}/reveal/phone/" hx-target="#v-phone"' in dialog.group(0)
    assert '<h3 id="reveal-phone-title">Reveal Mobile</h3>' in dialog.group(0)
    assert '<input name="reason" required minlength="2"' in dialog.group(0)
    assert '<button type="button" class="link reveal" popovertarget="reveal-phone">reveal' in page


def test_a_revealed_phone_is_a_link_to_call_and_closes_the_dialog(
        two_dealers: dict[str, int]) -> None:
    url = f"/customers/{two_dealers['zhang']}/reveal/phone/"
    client = client_for("crm_manager")
    resp = client.post(url, {"reason": "客户来电回访"}, HTTP_HX_REQUEST="true")
    assert resp.content.decode().strip() == (
        '<a class="revealed" href="tel:13800138000">13800138000</a>'
        '<div id="reveal-phone" hx-swap-oob="true"></div>')
    plain = client.post(url, {"reason": "客户来电回访"})
    assert plain.content.decode().strip() == (
        '<a class="revealed" href="tel:13800138000">13800138000</a>')
    other = client.post(f"/customers/{two_dealers['zhang']}/reveal/id_number/",
                        {"reason": "核对身份"})
    assert other.content.decode().strip().startswith('<span class="revealed">110105')


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_a_short_reason_is_refused_in_the_users_language(two_dealers: dict[str, int],
                                                        lang: str) -> None:
    resp = client_for("crm_manager", lang).post(
        f"/customers/{two_dealers['zhang']}/reveal/phone/", {"reason": "x"},
        HTTP_HX_REQUEST="true")
    message = ("Please give a reason for viewing the full value." if lang == "en"
               else "请填写查看原因。")
    assert resp.status_code == 400 and resp.content.decode().strip() == (
        f'<span class="msg error" data-code="reason_required">{message}</span>')


def test_stacked_rows_keep_their_column_labels(two_dealers: dict[str, int]) -> None:
    page = client_for("data_steward").get(f"/customers/{two_dealers['zhang']}/").content.decode()
    repairs = re.search(r'<table class="stack repairs">.*?</table>', page, re.S)
    assert repairs is not None
    cells = re.findall(r"<td([^>]*)>", repairs.group(0))
    assert cells and all('data-label="' in c for c in cells)
    assert re.findall(r'data-label="([^"]+)"', repairs.group(0))[:6] == [
        "日期", "经销商", "类型", "里程", "项目", "金额"]


def test_in_english_feed_labels_and_repair_types_are_english(two_dealers: dict[str, int]) -> None:
    page = client_for("data_steward", "en").get(f"/customers/{two_dealers['zhang']}/").content
    html = page.decode()
    titles = re.findall(r'<li data-kind="(\w+)">.*?<br>(.*?)(?: — |</li>)', html, re.S)
    assert titles == [("repair", "repair 更换刹车片"), ("repair", "maintenance 首保"),
                      ("contract", "Loan and insurance contracts 平安保险")]  # data stays
    repairs = re.search(r'<table class="stack repairs">.*?</table>', html, re.S)
    assert repairs is not None
    assert re.findall(r'<td data-label="Type">([^<]*)</td>', repairs.group(0)) == [
        "repair", "maintenance"]
    assert "Finance &amp; insurance" in html or "Finance & insurance" in html
