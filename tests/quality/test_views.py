"""Data-operations pages: loads, a load's issues, notices and the dealers' error reports."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.test import Client
from django.utils.html import escape

from autocrm.accounts.models import Department, Role
from autocrm.core.models import AuditEntry
from autocrm.pipeline import batch
from autocrm.quality.rules import RULES
from autocrm.sources.models import InterfaceNotice, Load
from tests.factories import (
    DMS_CUSTOMER_HEADER,
    FIN_HEADER,
    dms_customer_row,
    fin_row,
    make_user,
    ric,
    vin,
    write_csv,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 1)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def rows(body: bytes, attr: str) -> list[str]:
    return [v.decode() for v in re.findall(rf'<tr data-{attr}="([^"]+)"'.encode(), body)]


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Load]:
    """A FIN load, a failed FIN load, and one customer load per dealer (D11002's renamed)."""
    fin = write_csv(tmp_path / "fin.csv", FIN_HEADER,
                    [fin_row("F001", "张伟", ric(), "13800138000", vin(1))])
    bad = write_csv(tmp_path / "bad.csv", [h for h in FIN_HEADER if h != "证件号码"], [])
    d1 = write_csv(tmp_path / "DMS" / "D11001" / "customers.csv", DMS_CUSTOMER_HEADER, [
        dms_customer_row("D11001", "C001", "王芳", None, "13500135000"),
        dms_customer_row("D11001", "C002", "刘洋", None, "1391234"),
        dms_customer_row("D11001", "C003", "", None, "13600136000"),
        dms_customer_row("D11001", "C004", "", None, "13600136001"),
    ])
    header2 = ["手机号码" if h == "手机" else h for h in DMS_CUSTOMER_HEADER]
    d2 = write_csv(tmp_path / "DMS" / "D11002" / "customers.csv", header2, [
        dms_customer_row("D11002", "C001", "赵强", None, "1330013"),
    ])
    batch.run([("FIN", fin), ("FIN", bad), ("DMS", d1), ("DMS", d2)], today=TODAY)
    return {
        "fin": Load.objects.get(file_name="fin.csv"),
        "bad": Load.objects.get(file_name="bad.csv"),
        "d1": Load.objects.get(dealer_code="D11001"),
        "d2": Load.objects.get(dealer_code="D11002"),
    }


def ids(*loads: Load) -> list[str]:
    return [str(ld.id) for ld in loads]


def test_hq_lists_every_load_newest_first_and_filters(world: dict[str, Load]) -> None:
    client = client_for(make_user("crm_manager"))
    every = client.get("/ops/loads/")
    assert rows(every.content, "load") == ids(*sorted(world.values(), key=lambda ld: -ld.id))
    assert len(rows(every.content, "load")) == 4
    assert rows(client.get("/ops/loads/?source=DMS").content, "load") == ids(
        world["d2"], world["d1"])
    assert rows(client.get("/ops/loads/?status=failed").content, "load") == ids(world["bad"])
    assert rows(client.get("/ops/loads/?source=FIN&status=done").content, "load") == ids(
        world["fin"])
    assert rows(client.get("/ops/loads/?source=NOPE").content, "load") == rows(
        every.content, "load")


def test_load_row_shows_its_counts(world: dict[str, Load]) -> None:
    body = client_for(make_user("crm_manager")).get("/ops/loads/").content.decode()
    row = re.search(rf'<tr data-load="{world["d1"].id}">(.*?)</tr>', body, re.S)
    assert row is not None
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                    row.group(1), re.S)]
    assert cells[2:] == ["Dealer data centre / Customer records", "customers.csv", "D11001",
                         "done", "4", "2", "2", "3"]


def test_loads_are_paginated(world: dict[str, Load]) -> None:
    first = world["fin"]
    for i in range(51):
        Load.objects.create(batch="b", source="INV", feed="invoice", file_name=f"i{i}.csv",
                            sha256="x", status=Load.Status.DONE, started_at=first.started_at)
    client = client_for(make_user("crm_manager"))
    page1 = rows(client.get("/ops/loads/").content, "load")
    page2 = rows(client.get("/ops/loads/?page=2").content, "load")
    every = [str(i) for i in Load.objects.order_by("-id").values_list("id", flat=True)]
    assert (page1, page2) == (every[:50], every[50:])
    assert len(page2) == 5


def test_dealer_sees_only_its_own_loads(world: dict[str, Load]) -> None:
    client = client_for(make_user("dealer_manager", "D11001"))
    assert rows(client.get("/ops/loads/").content, "load") == ids(world["d1"])
    assert rows(client.get("/ops/loads/?source=FIN").content, "load") == []


def test_load_detail_counts_issues_per_rule_with_the_fix(world: dict[str, Load]) -> None:
    resp = client_for(make_user("dealer_manager", "D11001")).get(f"/ops/loads/{world['d1'].id}/")
    assert resp.status_code == 200
    assert [(r["code"], r["count"], r["severity"]) for r in resp.context["rules"]] == [
        ("REQUIRED_MISSING", 2, "row"), ("PHONE_TOO_SHORT", 1, "field")]
    body = resp.content.decode()
    for code in ("REQUIRED_MISSING", "PHONE_TOO_SHORT"):
        row = re.search(rf'<tr data-rule="{code}">(.*?)</tr>', body, re.S)
        assert row is not None
        rule = RULES[code]
        cells = f"<td>{escape(rule.message_en)}</td>\n  <td>{escape(rule.fix_en)}</td>"
        assert cells in row.group(1)
    assert re.search(r'id="rows-rejected">2<', body)
    chinese = client_for(make_user("dealer_manager", "D11001"))
    chinese.cookies["django_language"] = "zh-hans"
    body = chinese.get(f"/ops/loads/{world['d1'].id}/").content.decode()
    row = re.search(r'<tr data-rule="PHONE_TOO_SHORT">(.*?)</tr>', body, re.S)
    assert row is not None and (
        "<td>手机号码不足11位，已清除，请补全后重新上传</td>\n"
        "  <td>向客户核实并填写完整的11位手机号码</td>") in row.group(1)
    assert 'href="/ops/feedback/D11001.xlsx"' in body


def test_failed_load_shows_its_error(world: dict[str, Load]) -> None:
    resp = client_for(make_user("crm_manager")).get(f"/ops/loads/{world['bad'].id}/")
    assert resp.context["rules"] == []
    assert world["bad"].error and world["bad"].error in resp.content.decode()


@pytest.mark.parametrize("load", ["d2", "fin", "bad"])
def test_another_dealers_load_is_not_found(world: dict[str, Load], load: str) -> None:
    resp = client_for(make_user("dealer_manager", "D11001")).get(f"/ops/loads/{world[load].id}/")
    assert resp.status_code == 404
    assert b'data-code="not_found"' in resp.content
    assert client_for(make_user("crm_manager")).get(
        f"/ops/loads/{world[load].id}/").status_code == 200


def test_notices_show_the_column_changes_scoped_by_dealer(world: dict[str, Load]) -> None:
    notice = InterfaceNotice.objects.get()
    assert notice.load_id == world["d2"].id
    hq = client_for(make_user("data_steward")).get("/ops/notices/")
    assert rows(hq.content, "notice") == [str(notice.id)]
    assert "手机号码 → 手机" in hq.content.decode()
    own = client_for(make_user("dealer_manager", "D11002")).get("/ops/notices/")
    assert rows(own.content, "notice") == [str(notice.id)]
    other = client_for(make_user("dealer_manager", "D11001")).get("/ops/notices/")
    assert rows(other.content, "notice") == []


def _dealers(resp: Any) -> list[tuple[str, int, int, int]]:
    return [(d["code"], d["loads"], d["open"], d["total"]) for d in resp.context["dealers"]]


def test_feedback_lists_dealers_with_open_issues(world: dict[str, Load]) -> None:
    hq = client_for(make_user("crm_manager")).get("/ops/feedback/")
    assert _dealers(hq) == [("D11001", 1, 3, 3), ("D11002", 1, 1, 1)]
    assert rows(hq.content, "dealer") == ["D11001", "D11002"]
    assert 'href="/ops/feedback/D11002.xlsx"' in hq.content.decode()
    own = client_for(make_user("dealer_manager", "D11002")).get("/ops/feedback/")
    assert _dealers(own) == [("D11002", 1, 1, 1)]
    assert "D11001" not in own.content.decode()


def test_feedback_lists_a_dealer_without_loads_to_itself() -> None:
    resp = client_for(make_user("dealer_manager", "D11003")).get("/ops/feedback/")
    assert _dealers(resp) == [("D11003", 0, 0, 0)]


def test_dealer_downloads_its_report_and_it_is_audited(world: dict[str, Load]) -> None:
    user = make_user("dealer_manager", "D11001")
    resp = client_for(user).get("/ops/feedback/D11001.xlsx")
    assert resp.status_code == 200
    assert resp["Content-Disposition"] == 'attachment; filename="feedback-D11001.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(resp.content))["问题明细"]
    found = [(r[1], r[3], r[5]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(found) == [(3, "phone", "PHONE_TOO_SHORT"), (4, "name", "REQUIRED_MISSING"),
                             (5, "name", "REQUIRED_MISSING")]
    entry = AuditEntry.objects.get(action="export")
    assert (entry.object_type, entry.object_id, entry.actor, entry.detail) == (
        "dealer_feedback", "D11001", user, {"rows": 3})


@pytest.mark.parametrize("code", ["D11002", "D99999"])
def test_another_dealers_report_is_not_found(world: dict[str, Load], code: str) -> None:
    client = client_for(make_user("dealer_manager", "D11001"))
    before = AuditEntry.objects.count()
    resp = client.get(f"/ops/feedback/{code}.xlsx")
    assert resp.status_code == 404
    assert AuditEntry.objects.count() == before


def test_hq_downloads_any_known_dealer_but_not_an_unknown_one(world: dict[str, Load]) -> None:
    client = client_for(make_user("crm_manager"))
    assert client.get("/ops/feedback/D11002.xlsx").status_code == 200
    assert client.get("/ops/feedback/D99999.xlsx").status_code == 404


def test_report_download_needs_the_export_right_too(world: dict[str, Load]) -> None:
    role = Role.objects.create(code="ops_only", name="运维", name_en="Ops only",
                               department=Department.objects.get(code="hq_data"), dataops=True)
    user = make_user(role.code)
    before = AuditEntry.objects.count()
    client = client_for(user)
    assert client.get("/ops/feedback/").status_code == 200
    assert "/ops/feedback/D11001.xlsx" not in client.get("/ops/feedback/").content.decode()
    denied = client.get("/ops/feedback/D11001.xlsx")
    assert denied.status_code == 403
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("url", ["/ops/loads/", "/ops/loads/1/", "/ops/notices/",
                                 "/ops/feedback/", "/ops/feedback/D11001.xlsx"])
def test_ops_pages_need_a_login_and_the_dataops_right(world: dict[str, Load], url: str) -> None:
    before = AuditEntry.objects.count()
    anonymous = Client().get(url)
    assert (anonymous.status_code, anonymous["Location"]) == (
        302, f"/accounts/login/?next={url}")
    for role, dealer in (("cc_agent", None), ("dealer_sales", "D11001")):
        denied = client_for(make_user(role, dealer)).get(url)
        assert denied.status_code == 403
        assert b'data-code="forbidden"' in denied.content
    assert AuditEntry.objects.count() == before + 2  # the two users' creation only
