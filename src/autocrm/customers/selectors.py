"""Reads of customers, scoped by the acting user: the one place that decides who sees whom."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from autocrm.accounts.actor import Actor
from autocrm.core.errors import NotFound
from autocrm.customers.models import Customer, CustomerDealer
from autocrm.sources.models import IdentityKey
from autocrm.vehicles.models import Ownership

VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
PHONE = re.compile(r"^1[3-9]\d{9}$")
INITIALS = re.compile(r"^[a-z]{1,6}$")
ID_NUMBER = re.compile(r"^[0-9A-Z]{15,18}$")


def visible(actor: Actor) -> QuerySet[Customer]:
    """Return the customers the actor may reach; a dealer's user only their dealer's."""
    actor.require("profile")
    rows = Customer.objects.all()
    if actor.dealer_side:
        related = CustomerDealer.objects.filter(dealer_code=actor.dealer_code or "")
        rows = rows.filter(id__in=related.values("customer_id"))
    return rows


def get_customer(customer_id: int, actor: Actor) -> Customer:
    """Return one customer the actor may reach, or raise NotFound (never 403: no leak)."""
    found = visible(actor).filter(id=customer_id).first()
    if found is None:
        raise NotFound(f"客户 {customer_id} 不存在 (customer not found)")
    return found


def _matching(key: str) -> Q:
    """Return the condition for a search key, chosen by what the key looks like."""
    if key.isdigit() and len(key) < 11:
        return Q(id=int(key))
    if PHONE.match(key):
        keyed = IdentityKey.objects.filter(kind="phone", value=key).values("customer_id")
        return Q(phone=key) | Q(id__in=keyed)
    if VIN.match(key):
        return Q(id__in=Ownership.objects.filter(vehicle__vin=key).values("customer_id"))
    if ID_NUMBER.match(key):
        return Q(unified_id=key) | Q(id_number=key)
    if INITIALS.match(key.lower()):
        return Q(name_pinyin__startswith=key.lower())
    plates = Ownership.objects.filter(vehicle__plate=key).values("customer_id")
    return Q(id__in=plates) | Q(name__startswith=key)


def find_customers(key: str, actor: Actor, limit: int = 20) -> list[Customer]:
    """Find reachable customers by id, unified id, ID, phone, VIN, plate, name or initials."""
    key = key.strip()
    if not key:
        return []
    key = key.upper() if key.isascii() and not INITIALS.match(key) else key
    return list(visible(actor).filter(_matching(key)).order_by("name", "id")[:limit])
