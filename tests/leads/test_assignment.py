"""Assignment rules with exact expected values: HQ's pool to dealers (own dealer, city,
province, weighted round robin, paused, returned), a dealer's leads to its salespeople, by
hand with two managers at once, and the lost approval and reactivation."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from autocrm.accounts.actor import actor_for
from autocrm.core import worktime
from autocrm.core.errors import Conflict, Forbidden, InputError
from autocrm.customers.models import Customer, CustomerDealer
from autocrm.dealers.models import Dealer
from autocrm.interactions.models import Interaction
from autocrm.leads import assignment, services
from autocrm.leads.models import AssignCursor, Lead, LeadChange, Stage
from tests.factories import make_user

pytestmark = pytest.mark.django_db

DEALERS = [  # code, city, province, capacity, paused
    ("D14001", "太原市", "山西省", 2, False),
    ("D14002", "太原市", "山西省", 1, False),
    ("D14003", "大同市", "山西省", 1, True),
    ("D14004", "晋中市", "山西省", 1, False),
    ("D13001", "承德市", "河北省", 1, False),
]


@pytest.fixture
def network() -> None:
    for code, city, province, capacity, paused in DEALERS:
        Dealer.objects.create(code=code, name=f"{city}{code}", city=city, province=province,
                              lead_capacity=capacity, leads_paused=paused)


def customer(cid: int, city: str, province: str) -> int:
    now = timezone.now()
    Customer.objects.create(id=cid, unified_id=f"U{cid}", key_type="internal", name=f"客户{cid}",
                            city=city, province=province, created_at=now, updated_at=now)
    return cid


def pool_lead(cid: int, minutes: int = 0, **extra: Any) -> int:
    at = timezone.now() - dt.timedelta(hours=5) + dt.timedelta(minutes=minutes)
    return Lead.objects.create(customer_id=cid, channel="website", sources=["website"],
                               stage_at=at, created_at=at, updated_at=at, **extra).pk


def hq() -> Any:
    return actor_for(make_user("crm_manager", None, "hq"))


def dealers_of(ids: list[int]) -> list[str]:
    got = dict(Lead.objects.filter(pk__in=ids).values_list("id", "dealer_code"))
    return [got[i] for i in ids]


def test_weighted_turns_spread_each_dealer_by_its_capacity() -> None:
    assert assignment.weighted_turns([("a", 2), ("b", 1)]) == ["a", "b", "a"]
    assert assignment.weighted_turns([("a", 5), ("b", 1), ("c", 1)]) == [
        "a", "a", "b", "a", "c", "a", "a"]


def test_the_pool_goes_to_the_own_dealer_then_the_city_then_the_province(network: None) -> None:
    own = customer(1, "承德市", "河北省")
    CustomerDealer.objects.create(customer_id=own, dealer_code="D14004", relation="bought",
                                  first_at=dt.date(2021, 5, 1), last_at=dt.date(2021, 5, 1))
    CustomerDealer.objects.create(customer_id=own, dealer_code="D13001", relation="club",
                                  first_at=dt.date(2025, 5, 1), last_at=dt.date(2025, 5, 1))
    city = [customer(10 + i, "太原市", "山西省") for i in range(4)]
    paused_city = customer(20, "大同市", "山西省")  # its only dealer is paused: the province
    nowhere = customer(30, "", "")
    leads = [pool_lead(c, minutes=i) for i, c in enumerate([own, *city, paused_city, nowhere])]

    done = assignment.to_dealers(hq())

    assert (done.by_rule, done.left, done.dealers) == (
        {"own_dealer": 1, "city": 4, "province": 1}, 1, 3)
    # own dealer: bought there (a club relation is not "own"); Taiyuan: 2:1 by capacity,
    # a, b, a then a again; Datong's dealer is paused, so the province's round starts
    assert dealers_of(leads) == ["D14004", "D14001", "D14002", "D14001", "D14001", "D14001", ""]
    assert dict(AssignCursor.objects.values_list("key", "position")) == {
        "city:太原市": 1, "province:山西省": 1}
    lead = Lead.objects.get(pk=leads[1])
    assert lead.assigned_at is not None and lead.version == 2
    # first contact due two working hours after the assignment, on the dealer's calendar
    assert lead.next_follow_up == worktime.deadline(
        worktime.for_dealer("D14001"), lead.assigned_at, dt.timedelta(hours=2))
    assert lead.next_follow_up - lead.assigned_at >= dt.timedelta(hours=2)
    assert list(LeadChange.objects.filter(lead_id=leads[0]).values_list(
        "field", "old", "new", "reason")) == [("dealer", "", "D14004", "own_dealer")]
    # the dealer reaches the customer through the lead; the timeline says it was assigned
    assert CustomerDealer.objects.filter(customer_id=city[0], relation="lead").values_list(
        "dealer_code", flat=True).get() == "D14001"
    assert Interaction.objects.filter(customer_id=city[0], kind="lead").values_list(
        "title", "dealer_code").get() == ("已分配给经销商", "D14001")


def test_the_round_robin_carries_on_and_skips_a_dealer_that_returned_the_lead(
        network: None) -> None:
    people = [customer(40 + i, "太原市", "山西省") for i in range(3)]
    first = pool_lead(people[0])
    assignment.to_dealers(hq())
    assert dealers_of([first]) == ["D14001"]
    manager = actor_for(make_user("dealer_manager", "D14001", "m1"))

    with pytest.raises(InputError) as bad:
        assignment.return_to_pool(manager, first, "")
    assert bad.value.code == "reason_required"
    assignment.return_to_pool(manager, first, "wrong_region")

    back = Lead.objects.get(pk=first)
    assert (back.dealer_code, back.owner_id, back.returned_from) == ("", None, ["D14001"])
    assert not CustomerDealer.objects.filter(customer_id=people[0], relation="lead").exists()
    later = [pool_lead(c, minutes=10 + i) for i, c in enumerate(people[1:])]
    assignment.to_dealers(hq())
    # the cursor stood at 1 (D14002 next); the returned lead skips D14001 wherever it falls
    assert dealers_of([first, *later]) == ["D14002", "D14001", "D14001"]


def test_only_hq_with_the_right_assigns_the_pool(network: None) -> None:
    for role, dealer in (("dealer_manager", "D14001"), ("cc_agent", None)):
        with pytest.raises(Forbidden):
            assignment.to_dealers(actor_for(make_user(role, dealer)))


def test_a_manager_deals_leads_round_the_active_salespeople_only(network: None) -> None:
    manager = actor_for(make_user("dealer_manager", "D14001", "m1"))
    people = [make_user("dealer_sales", "D14001", n) for n in ("s_a", "s_b", "s_c")]
    people[1].is_active = False
    people[1].save()
    leads = [pool_lead(customer(60 + i, "太原市", "山西省"), minutes=i, dealer_code="D14001")
             for i in range(5)]

    assert assignment.to_salespeople(manager) == {"s_a": 3, "s_c": 2}
    owners = dict(Lead.objects.filter(pk__in=leads).values_list("id", "owner__username"))
    assert [owners[i] for i in leads] == ["s_a", "s_c", "s_a", "s_c", "s_a"]
    assert AssignCursor.objects.get(key="sales:D14001").position == 1
    with pytest.raises(InputError) as bad:
        assignment.to_salesperson(manager, leads[0], "s_b")
    assert bad.value.code == "bad_owner"


def test_two_managers_assigning_one_lead_at_once_one_wins(network: None) -> None:
    make_user("dealer_sales", "D14001", "s_a")
    make_user("dealer_sales", "D14001", "s_c")
    lead = pool_lead(customer(70, "太原市", "山西省"), dealer_code="D14001")
    first = actor_for(make_user("dealer_manager", "D14001", "m1"))
    second = actor_for(make_user("dealer_manager", "D14001", "m2"))
    seen = Lead.objects.get(pk=lead).version

    assignment.to_salesperson(first, lead, "s_a", version=seen)
    with pytest.raises(Conflict):
        assignment.to_salesperson(second, lead, "s_c", version=seen)
    assert Lead.objects.get(pk=lead).owner.username == "s_a"


def test_a_salespersons_lost_waits_for_the_manager_and_hq_can_reactivate(
        network: None) -> None:
    sales = make_user("dealer_sales", "D14001", "s_a")
    lead = pool_lead(customer(80, "太原市", "山西省"), dealer_code="D14001", owner=sales)
    seller = actor_for(sales)

    with pytest.raises(InputError) as bad:
        services.move(seller, lead, "lost", reason="other_brand")
    assert bad.value.code == "brand_required"
    services.move(seller, lead, "lost", reason="other_brand", brand="BMW")
    asked = Lead.objects.get(pk=lead)
    assert (asked.stage, asked.lost_request, asked.lost_brand) == ("new", "other_brand", "BMW")
    with pytest.raises(Forbidden):
        services.decide_lost(seller, lead, True)

    manager = actor_for(make_user("dealer_manager", "D14001", "m1"))
    services.decide_lost(manager, lead, True)
    lost = Lead.objects.get(pk=lead)
    assert (lost.stage, lost.lost_reason, lost.lost_request, lost.lost_brand) == (
        "lost", "other_brand", "", "BMW")

    with pytest.raises(Forbidden):
        services.reactivate(manager, lead)
    services.reactivate(hq(), lead, "客户仍有意向")
    again = Lead.objects.get(pk=lead)
    assert (again.stage, again.dealer_code, again.owner_id, again.closed_at) == (
        Stage.NEW, "", None, None)
    assert list(LeadChange.objects.filter(lead_id=lead).values_list("field", "old", "new")) == [
        ("lost_request", "", "other_brand"), ("stage", "new", "lost"), ("stage", "lost", "new"),
        ("dealer", "D14001", "")]


def test_a_rejected_lost_request_keeps_the_lead_open(network: None) -> None:
    sales = make_user("dealer_sales", "D14001", "s_a")
    lead = pool_lead(customer(90, "太原市", "山西省"), dealer_code="D14001", owner=sales)
    services.move(actor_for(sales), lead, "lost", reason="price")
    manager = actor_for(make_user("dealer_manager", "D14001", "m1"))

    services.decide_lost(manager, lead, False)

    kept = Lead.objects.get(pk=lead)
    assert (kept.stage, kept.lost_request) == ("new", "")
    with pytest.raises(InputError) as bad:
        services.decide_lost(manager, lead, True)
    assert bad.value.code == "no_lost_request"


def test_the_api_assigns_returns_and_decides(network: None) -> None:
    customer(100, "太原市", "山西省")
    lead = pool_lead(100)
    crm = Client()
    crm.force_login(make_user("crm_manager", None, "hq"))
    done = crm.post("/api/leads/assign", "{}", content_type="application/json")
    assert (done.status_code, done.json()) == (200, {
        "assigned": 1, "by_rule": {"own_dealer": 0, "city": 1}, "left": 0, "dealers": 1})
    make_user("dealer_sales", "D14001", "s_a")
    manager = Client()
    manager.force_login(make_user("dealer_manager", "D14001", "m1"))
    dealt = manager.post("/api/leads/assign-salespeople", "{}", content_type="application/json")
    assert (dealt.status_code, dealt.json()) == (200, {"salespeople": {"s_a": 1}})
    bad = manager.post(f"/api/leads/{lead}/return", json.dumps({"reason": "bored"}),
                       content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (400, "reason_required")
    back = manager.post(f"/api/leads/{lead}/return", json.dumps({"reason": "duplicate"}),
                        content_type="application/json")
    assert (back.status_code, back.json()["dealer_code"]) == (200, "")
    gone = manager.get(f"/api/leads/{lead}")
    assert gone.status_code == 404
