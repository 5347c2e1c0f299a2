"""Reads of customers, scoped by the acting user through `customers.scoping`."""

from __future__ import annotations

from collections.abc import Collection

import polars as pl
from django.db.models import QuerySet

from autocrm.accounts.actor import Actor
from autocrm.core import bulk
from autocrm.customers import scoping
from autocrm.customers.models import Customer


def visible(actor: Actor) -> QuerySet[Customer]:
    """Return the customers the actor may reach; a dealer's user only their dealer's."""
    return scoping.reachable_customers(actor)


def get_customer(customer_id: int, actor: Actor) -> Customer:
    """Return one customer the actor may reach, or raise NotFound (never 403: no leak)."""
    return scoping.get_scoped(Customer.objects.all(), customer_id, actor, "customer",
                              customer="id")


# Kept here for the services that read one customer (`services.view_customer`, `reveal`).
check_reachable = scoping.check_reachable


def places(customer_ids: Collection[int]) -> pl.DataFrame:
    """Return (customer_id, city, province) of these customers, for rules that go by region
    (a service's read, unscoped: it decides, it shows nothing)."""
    return bulk.select_frame(
        f"SELECT id, city, province FROM {Customer._meta.db_table} WHERE id IN ({{}})",
        sorted(customer_ids),
        {"customer_id": pl.Int64, "city": pl.Utf8, "province": pl.Utf8})


def kinds(customer_ids: Collection[int]) -> pl.DataFrame:
    """Return (customer_id, kind, name) of these customers: person or company."""
    return bulk.select_frame(
        f"SELECT id, kind, name FROM {Customer._meta.db_table} WHERE id IN ({{}})",
        sorted(customer_ids), {"customer_id": pl.Int64, "kind": pl.Utf8, "name": pl.Utf8})
