"""Reads of customers, scoped by the acting user through `customers.scoping`."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from autocrm.accounts.actor import Actor
from autocrm.core.lookups import prefix
from autocrm.customers import scoping
from autocrm.customers.models import Customer
from autocrm.sources.models import IdentityKey
from autocrm.vehicles.models import Ownership

VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
PHONE = re.compile(r"^1[3-9]\d{9}$")
INITIALS = re.compile(r"^[a-z]{1,6}$")
ID_NUMBER = re.compile(r"^[0-9A-Z]{15,18}$")


def visible(actor: Actor) -> QuerySet[Customer]:
    """Return the customers the actor may reach; a dealer's user only their dealer's."""
    return scoping.reachable_customers(actor)


def get_customer(customer_id: int, actor: Actor) -> Customer:
    """Return one customer the actor may reach, or raise NotFound (never 403: no leak)."""
    return scoping.get_scoped(Customer.objects.all(), customer_id, actor, "customer",
                              customer="id")


# Kept here for the services that read one customer (`services.view_customer`, `reveal`).
check_reachable = scoping.check_reachable


def _exact(key: str) -> Q | None:
    """Return the condition for a key that names few customers exactly, or None."""
    if key.isascii() and key.isdigit() and len(key) < 11:  # not "³", which int() refuses
        return Q(id=int(key))
    if PHONE.match(key):
        keyed = IdentityKey.objects.filter(kind="phone", value=key).values("customer_id")
        return Q(phone=key) | Q(id__in=keyed)
    if VIN.match(key):
        return Q(id__in=Ownership.objects.filter(vehicle__vin=key).values("customer_id"))
    if ID_NUMBER.match(key):
        return Q(unified_id=key) | Q(id_number=key)
    return None


def find_customers(key: str, actor: Actor, limit: int = 20) -> list[Customer]:
    """Find reachable customers by id, unified id, ID, phone, VIN, plate, name or initials.

    Names and initials are matched by prefix and read in index order, so a one-letter key
    costs the same as a full name.
    """
    key = key.strip()
    if not key:
        return []
    key = key.upper() if key.isascii() and not INITIALS.match(key) else key
    rows = visible(actor)
    exact = _exact(key)
    if exact is not None:
        return list(rows.filter(exact).order_by("name", "id")[:limit])
    if INITIALS.match(key.lower()):
        initials = rows.filter(prefix("name_pinyin", key.lower()))
        return list(initials.order_by("name_pinyin", "id")[:limit])
    plates = Ownership.objects.filter(vehicle__plate=key).values("customer_id")
    found = list(rows.filter(id__in=plates).order_by("name", "id")[:limit])
    named = rows.filter(prefix("name", key)).exclude(id__in=[c.id for c in found])
    return found + list(named.order_by("name", "id")[: limit - len(found)])
