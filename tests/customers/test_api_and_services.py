"""The 360° API and the steward's decisions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from autocrm.accounts.actor import SYSTEM
from autocrm.core.models import AuditEntry
from autocrm.customers import search, services
from autocrm.customers.models import Customer, HeldChange
from autocrm.identity import services as identity_services
from autocrm.pipeline import batch
from autocrm.sources.models import SourceRecord
from autocrm.vehicles.models import Ownership
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
ZHANG, LI = ric(), ric(seq="456")


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    fin = write_csv(tmp_path / "fin.csv", FIN_HEADER, [
        fin_row("F001", "张伟", ZHANG, "13800138000", vin(1)),
        fin_row("F002", "李娜", LI, "13700137000", vin(2)),
    ])
    batch.run([("FIN", fin)], today=TODAY)
    return tmp_path


def test_api_returns_the_360_view_with_lineage(loaded: Path) -> None:
    c = Customer.objects.get(id_number=ZHANG)
    client = Client()
    client.force_login(make_user("fi_specialist"))
    body = client.get(f"/api/customers/{c.id}").json()
    assert body["unified_id"] == ZHANG
    name = body["profile"]["name"]
    assert (name["value"], name["source"], name["file"], name["row"], name["rule"]) == (
        "张伟", "FIN", "fin.csv", 2, "sole")
    assert body["profile"]["birth_date"]["rule"] == "derived"
    assert body["vehicles"][0]["vin"] == vin(1)
    assert body["timeline"][0]["kind"] == "contract"


def test_times_in_the_360_view_read_the_same_on_both_databases(loaded: Path) -> None:
    from autocrm.customers.view360 import customer_360
    from autocrm.sources.models import Load

    at = dt.datetime(2026, 11, 1, 9, 30, 5, 123400, tzinfo=dt.UTC)  # µs ending in zeros
    Load.objects.update(started_at=at)
    view = customer_360(Customer.objects.get(id_number=ZHANG).id)

    assert view["profile"]["name"]["loaded_at"] == "2026-11-01T09:30:05.123400+00:00"
    assert [(t["kind"], t["at"]) for t in view["timeline"]] == [
        ("contract", "2024-02-29T16:00:00+00:00")]  # 2024-03-01 00:00 in Shanghai


def test_api_unknown_customer_is_404_with_code() -> None:
    client = Client()
    client.force_login(make_user("fi_specialist"))
    resp = client.get("/api/customers/999999")
    assert resp.status_code == 404
    assert resp.json()["code"] == "not_found"


def test_find_by_phone_vin_and_name(loaded: Path) -> None:
    c = Customer.objects.get(id_number=LI)
    for key in ("13700137000", vin(2), "李娜", LI):
        assert [h["id"] for h in search.find(key, SYSTEM).hits] == [c.id], key


def test_approving_a_held_change_refreshes_the_search_terms(loaded: Path) -> None:
    later = write_csv(loaded / "fin2.csv", FIN_HEADER,
                      [fin_row("F003", "张卫", ZHANG, "13800138000", vin(3), "2025-06-01")])
    batch.run([("FIN", later)], today=TODAY)
    assert search.find("张卫", SYSTEM).hits == []  # held: still 张伟
    services.approve_held_change(HeldChange.objects.get().id, SYSTEM)
    assert [h["name"] for h in search.find("张卫", SYSTEM).hits] == ["张卫"]
    assert search.find("张伟", SYSTEM).hits == []


def test_approving_a_held_change_applies_it(loaded: Path) -> None:
    later = write_csv(loaded / "fin2.csv", FIN_HEADER,
                      [fin_row("F003", "张卫", ZHANG, "13800138000", vin(3), "2025-06-01")])
    batch.run([("FIN", later)], today=TODAY)
    change = HeldChange.objects.get()
    c = services.approve_held_change(change.id, SYSTEM)
    assert c.name == "张卫"
    assert c.lineage["name"]["record"] == SourceRecord.objects.get(record_key="F003").id
    assert AuditEntry.objects.filter(action="approve_held_change").count() == 1
    with pytest.raises(Exception, match="已处理"):
        services.reject_held_change(change.id, SYSTEM)


def test_merge_then_unmerge_recomputes_golden(loaded: Path) -> None:
    dms = write_csv(loaded / "DMS" / "D11001" / "customers.csv", DMS_CUSTOMER_HEADER,
                    [dms_customer_row("D11001", "C9", "王芳", None, "13500135000")])
    batch.run([("DMS", dms)], today=TODAY)
    zhang = Customer.objects.get(id_number=ZHANG)
    wang = Customer.objects.get(name="王芳")
    identity_services.merge_customers(zhang.id, wang.id, SYSTEM)
    assert not Customer.objects.filter(id=wang.id).exists()
    merged = Customer.objects.get(id=zhang.id)
    assert sorted(merged.phones) == ["13500135000", "13800138000"]
    wang_record = SourceRecord.objects.get(record_key="D11001|C9")
    split = identity_services.unmerge(zhang.id, [wang_record.id], SYSTEM)
    assert (split.name, split.phone) == ("王芳", "13500135000")
    assert Customer.objects.get(id=zhang.id).phones == ["13800138000"]
    assert Ownership.objects.get(vehicle__vin=vin(1)).customer_id == zhang.id
