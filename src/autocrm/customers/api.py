"""Customer API: search and the 360° view."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from autocrm.customers import selectors

router = Router(tags=["customers"])


class CustomerHit(Schema):
    id: int
    unified_id: str
    name: str
    phone: str
    city: str


@router.get("/search", response=list[CustomerHit])
def search(request: HttpRequest, q: str) -> list[Any]:
    """Find customers by id, unified id, phone, VIN, plate or name."""
    return selectors.find_customers(q)


@router.get("/{customer_id}", response=dict[str, Any])
def customer_detail(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    """Return the 360° view of one customer, with the source of every value."""
    return selectors.customer_360(customer_id)
