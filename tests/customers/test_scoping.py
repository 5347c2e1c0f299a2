"""The one scoping layer: who reaches which rows, by ORM, one row or raw SQL (P1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from autocrm.accounts.actor import SYSTEM, Actor, actor_for
from autocrm.core.errors import Forbidden, NotFound
from autocrm.core.models import AuditEntry
from autocrm.customers import scoping, selectors
from autocrm.customers.models import Customer, CustomerDealer
from autocrm.sources.models import Load, SourceRecord
from autocrm.vehicles.models import Vehicle
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# who: (role, dealer); None is the anonymous visitor.
WHO: dict[str, tuple[str, str | None] | None] = {
    "anonymous": None,
    "other dealer": ("dealer_manager", "D11003"),
    "lacking right": ("it_admin", None),
    "allowed": ("dealer_manager", "D11001"),
    "second dealer": ("dealer_manager", "D11002"),  # 张伟 was serviced there too
    "hq": ("crm_manager", None),
}
DENIED = {"anonymous", "lacking right"}
# What each actor reaches: customers by name; records as (customer, dealer code), where the
# repair records carry a dealer code but no customer; loads by dealer code ("" is FIN's).
CUSTOMERS = {"other dealer": [], "allowed": ["zhang"], "second dealer": ["zhang", "li"],
             "hq": ["zhang", "li"]}
RECORDS = {
    "other dealer": [],
    "allowed": [("zhang", None), ("zhang", "D11001"), (None, "D11001")],
    "second dealer": [("zhang", None), ("li", None), ("zhang", "D11001"), ("li", "D11002"),
                      (None, "D11002")],
    "hq": [("zhang", None), ("li", None), ("zhang", "D11001"), ("li", "D11002"),
           (None, "D11001"), (None, "D11002")],
}
LOADS = {"other dealer": [], "allowed": ["D11001", "D11001"], "second dealer": ["D11002"],
         "hq": ["", "D11001", "D11002", "D11001"]}


@pytest.fixture
def ids(two_dealers: dict[str, int]) -> dict[str, int]:
    return two_dealers


def actor(who: str) -> Actor:
    spec = WHO[who]
    return actor_for(AnonymousUser() if spec is None else make_user(*spec))


def state() -> tuple[Any, ...]:
    """Return what a read must never change: the audit log and the reach relation."""
    return (AuditEntry.objects.count(), Customer.objects.count(),
            sorted(CustomerDealer.objects.values_list("customer_id", "dealer_code", "relation")),
            SourceRecord.objects.count())


def denied_without_change(call: Callable[[], Any], error: type[Exception]) -> None:
    before = state()
    with pytest.raises(error):
        call()
    assert state() == before, "a denied read must change nothing"


def record_ids(ids: dict[str, int], who: str) -> list[int]:
    name: dict[int | None, str] = {v: k for k, v in ids.items()}
    return sorted(r.id for r in SourceRecord.objects.all()
                  if (name.get(r.customer_id), r.dealer_code) in RECORDS[who])


def load_ids(who: str) -> list[int]:
    return sorted(ld.id for ld in Load.objects.order_by("id") if ld.dealer_code in LOADS[who])


def sql_ids(table: str, where: tuple[str, list[Any]]) -> list[int]:
    sql, params = where
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t.id FROM {table} t WHERE {sql} ORDER BY t.id", params)
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize("who", list(WHO))
def test_scope_matrix(ids: dict[str, int], who: str) -> None:
    a = actor(who)
    if who in DENIED:
        denied_without_change(lambda: scoping.scope(Customer.objects.all(), a, customer="id"),
                              Forbidden)
        denied_without_change(lambda: scoping.scope(Load.objects.all(), a, customer=None,
                                                    dealer="dealer_code", right="dataops"),
                              Forbidden)
        return
    before = state()
    customers = scoping.scope(Customer.objects.all(), a, customer="id")
    assert sorted(customers.values_list("id", flat=True)) == sorted(
        ids[k] for k in CUSTOMERS[who])
    records = scoping.scope(SourceRecord.objects.all(), a, dealer="dealer_code")
    assert sorted(records.values_list("id", flat=True)) == record_ids(ids, who)
    loads = scoping.scope(Load.objects.all(), a, customer=None, dealer="dealer_code",
                          right="dataops")
    assert sorted(loads.values_list("id", flat=True)) == load_ids(who)
    owners = scoping.scope(Vehicle.objects.all(), a, customer="ownerships__customer_id")
    assert sorted(v.ownerships.get().customer_id for v in owners) == sorted(
        ids[k] for k in CUSTOMERS[who])
    assert sorted(scoping.reachable_customers(a).values_list("id", flat=True)) == sorted(
        customers.values_list("id", flat=True))
    assert state() == before


@pytest.mark.parametrize("who", list(WHO))
@pytest.mark.parametrize("customer", ["zhang", "li"])
def test_get_scoped_matrix(ids: dict[str, int], who: str, customer: str) -> None:
    a, pk = actor(who), ids[customer]
    reads: list[Callable[[], Any]] = [
        lambda: scoping.get_scoped(Customer.objects.all(), pk, a, customer="id"),
        lambda: selectors.get_customer(pk, a),
        lambda: scoping.check_reachable(pk, a),
    ]
    for read in reads:
        if who in DENIED:
            denied_without_change(read, Forbidden)
        elif customer not in CUSTOMERS[who]:
            denied_without_change(read, NotFound)  # 404, never 403: existence does not leak
        else:
            before = state()
            found = read()
            assert found is None or found.id == pk
            assert state() == before


@pytest.mark.parametrize("who", ["other dealer", "allowed", "hq"])
def test_get_scoped_of_a_missing_row_is_not_found(ids: dict[str, int], who: str) -> None:
    a, missing = actor(who), max(ids.values()) + 1000
    denied_without_change(lambda: scoping.get_scoped(Customer.objects.all(), missing, a,
                                                     customer="id"), NotFound)


@pytest.mark.parametrize("who", list(WHO))
def test_reach_sql_matrix_in_a_real_query(ids: dict[str, int], who: str) -> None:
    a = actor(who)
    if who in DENIED:
        denied_without_change(lambda: scoping.reach_sql(a, "t.id"), Forbidden)
        denied_without_change(lambda: scoping.reach_sql(a, None, dealer="t.dealer_code",
                                                        right="dataops"), Forbidden)
        return
    before = state()
    assert sql_ids("customers_customer", scoping.reach_sql(a, "t.id")) == sorted(
        ids[k] for k in CUSTOMERS[who])
    assert sql_ids("sources_sourcerecord", scoping.reach_sql(
        a, "t.customer_id", dealer="t.dealer_code")) == record_ids(ids, who)
    assert sql_ids("sources_load", scoping.reach_sql(
        a, None, dealer="t.dealer_code", right="dataops")) == load_ids(who)
    assert state() == before


def test_reach_sql_counts_a_kpi_only_over_the_actors_rows(ids: dict[str, int]) -> None:
    sql, params = scoping.reach_sql(actor("allowed"), "customer_id")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM vehicles_ownership WHERE " + sql, params)
        assert cursor.fetchone() == (1,)
    assert scoping.reach_sql(SYSTEM, "customer_id") == ("1=1", [])


def test_a_dealer_user_without_a_dealer_reaches_nothing(ids: dict[str, int]) -> None:
    a = actor("allowed")
    lost = Actor(user=a.user, flags=a.flags, levels=a.levels, dealer_side=True, dealer_code=None)
    assert list(scoping.scope(Customer.objects.all(), lost, customer="id")) == []
    assert list(scoping.scope(Load.objects.all(), lost, customer=None, dealer="dealer_code",
                              right="dataops")) == []
    assert sql_ids("sources_sourcerecord", scoping.reach_sql(
        lost, "t.customer_id", dealer="t.dealer_code")) == []
    with pytest.raises(NotFound):
        scoping.check_reachable(ids["zhang"], lost)
