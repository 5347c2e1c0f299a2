"""The dashboard per role: cards, chart and latest loads, each scoped by the actor's reach."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client

from autocrm.core import days
from autocrm.pipeline import batch
from autocrm.sources.models import Load
from tests.factories import (
    DMS_CUSTOMER_HEADER,
    DMS_VEHICLE_HEADER,
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
ZONE = ZoneInfo(settings.TIME_ZONE)
ZHANG = ric()
CARD = re.compile(r'data-card="(\w+)".*?<b>(?:<a [^>]*>)?(\d+)', re.S)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def cards(body: bytes) -> dict[str, int]:
    return {name: int(n) for name, n in CARD.findall(body.decode())}


@pytest.fixture
def world(tmp_path: Path) -> None:
    """HQ: 5 customers, 4 vehicles, 5 loads, 2 rows rejected, 1 notice, 1 held change."""
    fin = write_csv(tmp_path / "fin.csv", FIN_HEADER, [
        fin_row("F001", "张伟", ZHANG, "13800138000", vin(1)),
        fin_row("F002", "李娜", ric(seq="456"), "13700137000", vin(2)),
    ])
    d1 = tmp_path / "DMS" / "D11001"
    cust1 = write_csv(d1 / "customers.csv", DMS_CUSTOMER_HEADER, [
        dms_customer_row("D11001", "C001", "王芳", None, "13500135000"),
        dms_customer_row("D11001", "C002", "刘洋", None, "1391234"),
        dms_customer_row("D11001", "C003", "", None, "13600136000"),
    ])
    veh1 = write_csv(d1 / "vehicles.csv", DMS_VEHICLE_HEADER, [
        ["D11001", "C001", vin(3), "京A12345", "A6L", "豪华型", "2024-03-01", "2024-03-05", ""],
    ])
    header2 = ["手机号码" if h == "手机" else h for h in DMS_CUSTOMER_HEADER]
    cust2 = write_csv(tmp_path / "DMS" / "D11002" / "customers.csv", header2, [
        dms_customer_row("D11002", "C001", "赵强", None, "13300133000"),
        dms_customer_row("D11002", "C002", "", None, "13300133001"),
    ])
    batch.run([("FIN", fin), ("DMS", cust1), ("DMS", veh1), ("DMS", cust2)], today=TODAY)
    later = write_csv(tmp_path / "fin2.csv", FIN_HEADER,
                      [fin_row("F003", "张卫", ZHANG, "13800138000", vin(4), "2025-06-01")])
    assert batch.run([("FIN", later)], today=TODAY).held == 1


@pytest.mark.parametrize(("role", "dealer", "expected"), [
    ("crm_manager", None, {"customers": 5, "vehicles": 4, "loads_today": 5,
                           "rejected_today": 2, "notices": 1}),
    ("data_steward", None, {"customers": 5, "vehicles": 4, "loads_today": 5,
                            "rejected_today": 2, "held": 1, "notices": 1}),
    ("cc_agent", None, {"customers": 5, "vehicles": 4}),
    ("dealer_manager", "D11001", {"customers": 2, "vehicles": 1, "loads_today": 2,
                                  "rejected_today": 1}),
    ("dealer_manager", "D11002", {"customers": 1, "vehicles": 0, "loads_today": 1,
                                  "rejected_today": 1}),
    ("dealer_sales", "D11001", {"customers": 2, "vehicles": 1}),
])
def test_dashboard_cards_follow_the_role(world: None, role: str, dealer: str | None,
                                         expected: dict[str, int]) -> None:
    resp = client_for(make_user(role, dealer)).get("/")
    assert resp.status_code == 200
    assert cards(resp.content) == expected
    assert (b'data-chart="daily-chart"' in resp.content) == ("loads_today" in expected)
    assert b'id="welcome"' not in resp.content


def test_dashboard_latest_loads_are_the_dealers_own(world: None) -> None:
    mine = list(Load.objects.filter(dealer_code="D11001").order_by("-id")
                .values_list("id", flat=True))
    resp = client_for(make_user("dealer_manager", "D11001")).get("/")
    shown = [int(i) for i in re.findall(rb'<tr data-load="(\d+)"', resp.content)]
    assert shown == mine and len(mine) == 2
    hq = client_for(make_user("crm_manager")).get("/")
    assert [int(i) for i in re.findall(rb'<tr data-load="(\d+)"', hq.content)] == list(
        Load.objects.order_by("-id").values_list("id", flat=True))


def _load(dealer: str, at: dt.datetime, loaded: int, rejected: int) -> Load:
    return Load.objects.create(
        batch="b", source="DMS", feed="customer", file_name="c.csv", sha256="x",
        dealer_code=dealer, status=Load.Status.DONE, started_at=at, finished_at=at,
        rows_read=loaded + rejected, rows_loaded=loaded, rows_rejected=rejected)


def test_today_and_the_chart_count_days_in_the_store_time_zone() -> None:
    today = days.today()
    midnight = dt.datetime.combine(today, dt.time.min, tzinfo=ZONE)
    _load("D11001", midnight + dt.timedelta(minutes=10), 7, 2)  # yesterday in UTC
    _load("D11001", midnight - dt.timedelta(minutes=10), 5, 1)  # yesterday here
    _load("D11001", midnight - dt.timedelta(days=3, hours=-12), 30, 3)
    _load("D11002", midnight + dt.timedelta(hours=1), 100, 9)
    _load("D11001", midnight - dt.timedelta(days=14), 1000, 99)  # before the 14 days
    resp = client_for(make_user("dealer_manager", "D11001")).get("/")
    assert cards(resp.content) == {"customers": 0, "vehicles": 0, "loads_today": 1,
                                   "rejected_today": 2}
    option = resp.context["board"].chart
    assert option["xAxis"]["data"][-1] == today.strftime("%m-%d")
    assert len(option["xAxis"]["data"]) == 14
    loaded, rejected = (s["data"] for s in option["series"])
    assert loaded == [0] * 10 + [30, 0, 5, 7]
    assert rejected == [0] * 10 + [3, 0, 1, 2]
    island = re.search(rb'<script id="daily-chart" type="application/json">(.*?)</script>',
                       resp.content, re.S)
    assert island is not None and json.loads(island.group(1)) == option
    hq = client_for(make_user("crm_manager")).get("/")
    assert cards(hq.content)["loads_today"] == 2
    assert [s["data"][-1] for s in hq.context["board"].chart["series"]] == [107, 11]


def test_a_role_without_dashboard_rights_gets_a_welcome() -> None:
    resp = client_for(make_user("it_admin")).get("/")
    assert resp.status_code == 200
    assert cards(resp.content) == {}
    assert b'id="welcome"' in resp.content
    assert "IT administrator" in resp.content.decode()  # the role named in the page's language
    assert b"data-chart" not in resp.content


def test_dashboard_sends_strangers_to_login() -> None:
    resp = Client().get("/")
    assert (resp.status_code, resp["Location"]) == (302, "/accounts/login/?next=/")
