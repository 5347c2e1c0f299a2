"""What a dealer's user (or a masked role) receives about a customer it may reach: the
customer's own data and what happened at its dealer, nothing attributable to another dealer
or another owner, free text masked like the field it contains."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from autocrm.accounts.actor import SYSTEM, actor_for
from autocrm.customers import services
from autocrm.customers.models import Customer
from autocrm.pipeline import batch
from tests.factories import (
    DMS_CUSTOMER_HEADER,
    DMS_REPAIR_HEADER,
    FIN_HEADER,
    INV_HEADER,
    dms_customer_row,
    fin_row,
    make_user,
    ric,
    vin,
    write_csv,
)

pytestmark = pytest.mark.django_db
ZHANG, LI = ric(), ric(seq="456")
CALL_HEADER = ["通话编号", "来电时间", "主叫号码", "客户姓名", "类型", "内容摘要", "坐席"]
OTHER = "其他经销商"


@pytest.fixture
def zhang(tmp_path: Path) -> int:
    """张伟, a DMS customer of D11001, bought his car (vin 3) from D11002; 李娜 owned it
    and had repaired at D11002 before; two calls to the call centre, one a complaint."""
    files = [
        ("FIN", write_csv(tmp_path / "FIN" / "fin.csv", FIN_HEADER, [
            fin_row("F1", "李娜", LI, "13700137000", vin(3), signed="2020-01-10"),
            fin_row("F2", "张伟", ZHANG, "13800138000", vin(3), signed="2024-03-01"),
        ])),
        ("INV", write_csv(tmp_path / "INV" / "inv.csv", INV_HEADER, [
            ["INV1", "2024-03-01", "张伟", ZHANG, "13800138000", vin(3), "A6L", 300000,
             "D11002"],
        ])),
        ("DMS", write_csv(tmp_path / "DMS" / "D11001" / "customers.csv", DMS_CUSTOMER_HEADER,
                          [dms_customer_row("D11001", "C1", "张伟", ZHANG, "13800138000")])),
        ("DMS", write_csv(tmp_path / "DMS" / "D11002" / "repairs.csv", DMS_REPAIR_HEADER, [
            ["D11002", "R1", vin(3), "2021-05-10", 9000, "保养", "首保", "机油", 600, "钱师傅",
             "孙顾问"],
        ])),
        ("CC", write_csv(tmp_path / "CC" / "calls.csv", CALL_HEADER, [
            ["K1", "2025-06-01 10:00", "13800138000", "张伟", "投诉",
             "客户投诉D11002经销店维修后车辆仍有异响", "坐席甲"],
            ["K2", "2025-07-01 10:00", "13800138000", "张伟", "咨询",
             "客户住海淀区中关村大街1号，回电13800138000预约试驾", "坐席乙"],
        ])),
    ]
    batch.run(files, today=dt.date(2026, 11, 1))
    return Customer.objects.get(id_number=ZHANG).id


def view(customer_id: int, role: str, dealer: str | None = None) -> dict[str, Any]:
    return services.view_customer(customer_id, actor_for(make_user(role, dealer)))


def test_another_dealer_that_sold_the_car_is_not_named(zhang: int) -> None:
    assert view(zhang, "crm_manager")["vehicles"][0]["dealer_code"] == "D11002"
    assert view(zhang, "dealer_sales", "D11001")["vehicles"][0]["dealer_code"] == OTHER


def test_another_owner_and_their_repairs_stay_out_of_a_dealers_view(zhang: int) -> None:
    li = Customer.objects.get(id_number=LI).id
    hq = view(zhang, "crm_manager")["vehicles"][0]
    assert [o["customer_id"] for o in hq["owners"]] == [li, zhang]
    assert [r["order_no"] for r in hq["repairs"]] == ["R1"]
    dealer = view(zhang, "dealer_service", "D11001")["vehicles"][0]
    assert [o["customer_id"] for o in dealer["owners"]] == [None, zhang]
    assert dealer["repairs"] == []  # R1 was li's, before zhang owned the car


def test_record_ids_of_another_dealer_leave_the_lineage(zhang: int) -> None:
    hq = view(zhang, "crm_manager")
    dealer = view(zhang, "dealer_sales", "D11001")
    assert all(e.get("record") for e in hq["vehicles"][0]["lineage"].values())
    own = {c["record"] for values in dealer["candidates"].values() for c in values
           if c["record"] is not None}
    for entry in dealer["vehicles"][0]["lineage"].values():
        assert entry["record"] is None or entry["record"] in own
    for entry in dealer["profile"].values():
        assert entry.get("record") is None or entry["record"] in own


def test_a_complaint_call_needs_the_right_and_stays_with_the_dealer_it_names(zhang: int) -> None:
    def calls(v: dict[str, Any]) -> list[str]:
        return [i["detail"]["call_id"] for i in v["timeline"] if i["kind"] == "call"]

    assert calls(view(zhang, "cc_agent")) == ["K2", "K1"]
    assert calls(view(zhang, "marketing")) == ["K2"]  # no complaints right
    assert calls(view(zhang, "dealer_manager", "D11001")) == ["K2"]  # HQ's complaint call


def test_addresses_and_mobiles_in_call_notes_are_masked_like_the_fields(zhang: int) -> None:
    def note(v: dict[str, Any]) -> str:
        return next(i["summary"] for i in v["timeline"] if i["kind"] == "call"
                    and i["detail"]["call_id"] == "K2")

    full = "客户住海淀区中关村大街1号，回电13800138000预约试驾"
    assert note(view(zhang, "cc_agent")) == full  # contact level full
    assert note(services.view_customer(zhang, SYSTEM)) == full
    masked = note(view(zhang, "dealer_sales", "D11001"))
    assert masked == "客户住海淀区****，回电138****8000预约试驾"  # district kept, street hidden
