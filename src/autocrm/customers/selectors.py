"""Reads of customers: find by any key (the 360° view is in view360.py)."""

from __future__ import annotations

import re

from django.db.models import Q

from autocrm.core.errors import NotFound
from autocrm.customers.models import Customer
from autocrm.customers.view360 import customer_360
from autocrm.sources.models import IdentityKey
from autocrm.vehicles.models import Ownership

VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
PHONE = re.compile(r"^1[3-9]\d{9}$")


def find_customers(key: str, limit: int = 20) -> list[Customer]:
    """Find customers by internal id, unified id, phone, VIN, plate or name."""
    key = key.strip().upper() if key.strip().isascii() else key.strip()
    if key.isdigit() and len(key) < 11:
        return list(Customer.objects.filter(id=int(key)))
    if PHONE.match(key):
        ids = IdentityKey.objects.filter(kind="phone", value=key).values("customer_id")
        return list(Customer.objects.filter(Q(phone=key) | Q(id__in=ids))[:limit])
    if VIN.match(key):
        owners = Ownership.objects.filter(vehicle__vin=key).values("customer_id")
        return list(Customer.objects.filter(id__in=owners)[:limit])
    exact = Customer.objects.filter(Q(unified_id=key) | Q(id_number=key))
    if exact.exists():
        return list(exact[:limit])
    plates = Ownership.objects.filter(vehicle__plate=key).values("customer_id")
    found = list(Customer.objects.filter(Q(id__in=plates) | Q(name=key))[:limit])
    return found or list(Customer.objects.filter(name__startswith=key)[:limit])


def get_customer(customer_id: int) -> Customer:
    """Return one customer or raise NotFound."""
    try:
        return Customer.objects.get(id=customer_id)
    except Customer.DoesNotExist:
        raise NotFound(f"客户 {customer_id} 不存在 (customer not found)") from None


__all__ = ["customer_360", "find_customers", "get_customer"]
