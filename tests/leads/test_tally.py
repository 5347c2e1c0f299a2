"""The funnel's tallies stay equal to counting the leads, through every kind of change, and
the funnel figures read from them are exact for HQ, a dealer manager and a salesperson."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from autocrm.accounts.actor import actor_for
from autocrm.leads import assignment, figures, services, tally
from autocrm.leads.models import DueTally, Lead, Tally
from tests.factories import make_user
from tests.leads.test_assignment import customer, network, pool_lead  # noqa: F401

pytestmark = pytest.mark.django_db


def _rows() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    return (sorted(Tally.objects.values_list("dealer_code", "stage", "reached", "hot", "n")),
            sorted(DueTally.objects.values_list("dealer_code", "day", "n")))


def test_every_change_keeps_the_tallies_equal_to_a_recount(network: None) -> None:  # noqa: F811
    hq = actor_for(make_user("crm_manager", None, "hq"))
    sales = make_user("dealer_sales", "D14001", "s_a")
    manager = actor_for(make_user("dealer_manager", "D14001", "m1"))
    leads = [pool_lead(customer(200 + i, "太原市", "山西省"), minutes=i) for i in range(4)]
    tally.refresh()
    assignment.to_dealers(hq)
    make_user("dealer_sales", "D14002", "s_b")
    assignment.to_salespeople(actor_for(make_user("dealer_manager", "D14002", "m2")))
    Lead.objects.filter(dealer_code="D14001").update(owner=sales)
    seller = actor_for(sales)
    services.follow_up(seller, leads[0], channel="call")
    services.move(seller, leads[0], "quote")
    services.answer(seller, leads[2], {"timeframe": "7d"})
    services.move(manager, leads[2], "lost", reason="price")
    assignment.return_to_pool(manager, leads[3], "duplicate")
    kept = _rows()

    tally.refresh()

    assert _rows() == kept
    assert sorted(Tally.objects.values_list("dealer_code", "stage", "reached", "hot", "n")) == [
        ("", "new", "new", False, 1), ("D14001", "lost", "new", False, 1),
        ("D14001", "quote", "quote", True, 1), ("D14002", "new", "new", False, 1)]


def test_the_funnel_figures_for_hq_a_manager_and_a_salesperson(network: None) -> None:  # noqa: F811
    sales = make_user("dealer_sales", "D14001", "s_a")
    now = timezone.now()
    due = [now - dt.timedelta(days=3), now - dt.timedelta(minutes=5), now + dt.timedelta(days=1)]
    for i, (dealer, grade, when) in enumerate([("D14001", "H", due[0]), ("D14001", "C", due[1]),
                                               ("D14002", "C", due[2]), ("", "C", due[0])]):
        pool_lead(customer(300 + i, "太原市", "山西省"), dealer_code=dealer, grade=grade,
                  next_follow_up=when, owner=sales if dealer == "D14001" else None)
    tally.refresh()
    hq = figures.funnel(actor_for(make_user("crm_manager", None, "hq")), now)
    manager = figures.funnel(actor_for(make_user("dealer_manager", "D14001", "m1")), now)
    seller = figures.funnel(actor_for(sales), now)

    assert (hq["open"], hq["hot"], hq["overdue"], hq["escalated"]) == (4, 1, 3, 2)
    assert hq["dealers"] == [
        {"dealer_code": "D14001", "n": 2, "overdue": 2, "escalated": 1},
        {"dealer_code": "", "n": 1, "overdue": 1, "escalated": 1},
        {"dealer_code": "D14002", "n": 1, "overdue": 0, "escalated": 0}]
    for mine in (manager, seller):
        assert (mine["open"], mine["hot"], mine["overdue"], mine["escalated"],
                mine["by_stage"]) == (2, 1, 2, 1, {"new": 2})
