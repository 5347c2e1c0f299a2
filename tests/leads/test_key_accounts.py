"""Key accounts with exact values: who is one (companies with a car, owners of several cars),
kept through changes, in the dealer's scope only, masked, exported, and a responsible person."""

from __future__ import annotations

import datetime as dt
import io
import json

import polars as pl
import pytest
from django.test import Client

from autocrm.accounts.actor import actor_for
from autocrm.core.errors import Forbidden, InputError
from autocrm.customers.models import CustomerDealer
from autocrm.leads import key_accounts
from autocrm.leads.models import KeyAccount
from autocrm.vehicles.models import Ownership
from tests.factories import make_user
from tests.leads.test_mining import owner

pytestmark = pytest.mark.django_db


@pytest.fixture
def owners() -> None:
    owner(1, "company", 100)                # a company with one car
    owner(2, "person", 100, 900)            # two cars
    owner(3, "person", 100)                 # one car: not a key account
    owner(4, "person", 100, 200, sold=dt.date(2026, 1, 1))  # both sold
    for cid in (1, 2):
        CustomerDealer.objects.create(customer_id=cid, dealer_code="D11001", relation="bought",
                                      first_at=dt.date(2024, 1, 1), last_at=dt.date(2024, 1, 1))
    key_accounts.refresh()


def test_companies_and_owners_of_several_cars_are_key_accounts(owners: None) -> None:
    assert list(KeyAccount.objects.order_by("customer_id").values_list(
        "customer_id", "kind", "cars")) == [(1, "company", 1), (2, "several_cars", 2)]
    Ownership.objects.filter(customer_id=2).first().delete()  # sold one of the two
    owner(5, "person", 10, 20)
    assert key_accounts.refresh([2, 5]) == {"added": 1, "removed": 1, "changed": 0}
    assert list(KeyAccount.objects.order_by("customer_id").values_list(
        "customer_id", "kind")) == [(1, "company"), (5, "several_cars")]


def test_a_dealer_sees_its_own_key_accounts_masked(owners: None) -> None:
    CustomerDealer.objects.create(customer_id=2, dealer_code="D11002", relation="serviced",
                                  first_at=dt.date(2025, 1, 1), last_at=dt.date(2025, 1, 1))
    mine = actor_for(make_user("dealer_sales", "D11002", "s2"))
    rows = key_accounts.rows_out(mine, list(key_accounts.visible(mine)))
    assert [(r["customer_id"], r["dealers"], r["models"], r["open_leads"]) for r in rows] == [
        (2, ["D11002"], ["A6L"], 0)]
    hq = actor_for(make_user("crm_manager", None, "hq"))
    everything = key_accounts.rows_out(hq, list(key_accounts.visible(hq).order_by(
        "customer_id")))
    assert [r["dealers"] for r in everything] == [["D11001"], ["D11002", "D11001"]]
    with pytest.raises(InputError):
        key_accounts.visible(hq, "vip")


def test_hq_names_a_responsible_person_and_exports_the_list(owners: None) -> None:
    make_user("cc_agent", None, "agent7")
    crm = Client()
    crm.force_login(make_user("crm_manager", None, "hq"))
    named = crm.post("/api/leads/key-accounts/1/responsible",
                     json.dumps({"responsible": "agent7"}), content_type="application/json")
    assert (named.status_code, named.json()["responsible"]) == (200, "agent7")
    bad = crm.post("/api/leads/key-accounts/1/responsible",
                   json.dumps({"responsible": "nobody"}), content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (400, "bad_responsible")
    with pytest.raises(Forbidden):
        key_accounts.set_responsible(actor_for(make_user("dealer_manager", "D11001")), 1,
                                     "agent7")
    listed = crm.get("/api/leads/key-accounts?kind=company").json()
    assert (listed["count"], listed["accounts"][0]["name"]) == (1, "车主1")
    export = crm.get("/leads/key-accounts/export/")
    assert export.status_code == 200
    sheet = pl.read_excel(io.BytesIO(export.content))
    assert sheet.select("客户", "重点客户类型", "当前车辆数", "负责人").rows() == [
        (2, "多车客户", 2, None), (1, "企业客户", 1, "agent7")]
    from autocrm.core.models import AuditEntry
    assert AuditEntry.objects.filter(action="export", object_type="key_account").count() == 1
    page = crm.get("/leads/key-accounts/")
    assert page.status_code == 200 and "车主2" in page.content.decode()
