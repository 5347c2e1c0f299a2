"""Repurchase mining with exact values: which owners each rule finds, no second lead for an
owner with an open one, the command's summary and list, HQ only, unknown rules refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from django.test import Client
from django.utils import timezone
from typer.testing import CliRunner

from autocrm.accounts.actor import SYSTEM, actor_for
from autocrm.cli.app import app
from autocrm.core.errors import Forbidden, InputError
from autocrm.customers.models import Customer
from autocrm.leads import mining
from autocrm.leads.models import Lead, Tally
from autocrm.vehicles.models import Ownership, Vehicle
from tests.factories import make_user, vin

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def owner(cid: int, kind: str, *ages_in_days: int, sold: dt.date | None = None) -> None:
    now = timezone.now()
    Customer.objects.create(id=cid, unified_id=f"U{cid}", key_type="internal", kind=kind,
                            name=f"车主{cid}", created_at=now, updated_at=now)
    for n, days in enumerate(ages_in_days):
        car = Vehicle.objects.create(vin=vin(cid * 10 + n), model="A6L", dealer_code="D11001",
                                     purchase_date=TODAY - dt.timedelta(days=days))
        Ownership.objects.create(vehicle=car, customer_id=cid, start=car.purchase_date,
                                 end=sold, record_id=cid * 10 + n)


@pytest.fixture
def fleet() -> None:
    owner(1, "person", 4 * 365)             # year 5: year4 yes
    owner(2, "person", 2 * 365)             # year 3
    owner(3, "person", 1030)                # 2.82 years: warranty ending
    owner(4, "company", 100, 200, 300)      # a company with three cars: fleet, several cars
    owner(5, "person", 2000, sold=TODAY)    # sold: not a current car
    owner(6, "person", 2100)                # 5.75 years: last year, year4
    now = timezone.now()
    Lead.objects.create(customer_id=6, channel="website", stage_at=now, created_at=now,
                        updated_at=now)


@pytest.mark.parametrize(("rule", "found"), [
    ("year4", [1, 6]), ("last_year", [6]), ("warranty_ending", [3]), ("several_cars", [4]),
    ("fleet", [4])])
def test_each_rule_finds_its_owners(fleet: None, rule: str, found: list[int]) -> None:
    assert mining.matches(mining.get_rule(rule), TODAY)["customer_id"].to_list() == found


def test_mining_opens_pool_leads_but_never_a_second_one(fleet: None) -> None:
    done, listed = mining.mine(SYSTEM, "year4")
    assert (done.matched, done.open_already, done.created) == (2, 1, 1)
    assert listed.select("customer_id", "has_open_lead").rows() == [(1, False), (6, True)]
    lead = Lead.objects.get(customer_id=1)
    assert (lead.dealer_code, lead.channel, lead.stage, lead.contact_name) == (
        "", "repurchase", "new", "车主1")
    assert Tally.objects.filter(dealer_code="").values_list("stage", "n").get() == ("new", 1)
    again, _ = mining.mine(SYSTEM, "year4")
    assert (again.open_already, again.created) == (2, 0)
    assert Lead.objects.filter(customer_id=1).count() == 1


def test_only_hq_mines_and_an_unknown_rule_is_refused(fleet: None) -> None:
    with pytest.raises(Forbidden):
        mining.mine(actor_for(make_user("dealer_manager", "D11001")), "year4")
    with pytest.raises(InputError) as bad:
        mining.mine(SYSTEM, "rich")
    assert bad.value.code == "unknown_rule"
    client = Client()
    client.force_login(make_user("crm_manager", None, "hq"))
    resp = client.post("/api/leads/mine", json.dumps({"rule": "fleet", "dry_run": True}),
                       content_type="application/json")
    assert (resp.status_code, resp.json()) == (200, {
        "rule": "fleet", "matched": 1, "open_already": 0, "created": 0})
    assert not Lead.objects.filter(customer_id=4).exists()


def test_the_command_prints_the_split_and_writes_the_list(fleet: None, tmp_path: Path) -> None:
    out = tmp_path / "year4.xlsx"
    done = CliRunner().invoke(app, ["leads", "mine", "--rule", "year4", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert done.output.strip() == (
        f"规则 rule year4: 找到 matched 2, 已有进行中线索 open already 1, 新建线索 created 1; "
        f"写入 {out}")
    assert pl.read_excel(out)["customer_id"].to_list() == [1, 6]
    bad = CliRunner().invoke(app, ["leads", "mine", "--rule", "rich"])
    assert bad.exit_code == 2
    assert "rich" in bad.output and "year4" in bad.output
