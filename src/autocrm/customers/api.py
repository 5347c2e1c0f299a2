"""Customer API: search, the 360° view and revealing personal data, all scoped by the caller."""


from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from autocrm.accounts.access import requires
from autocrm.accounts.actor import actor_of
from autocrm.core.converters import DbId
from autocrm.customers import selectors, services
from autocrm.customers.presenters import hit

router = Router(tags=["customers"])


class CustomerHit(Schema):
    id: int
    name: str
    phone: str
    city: str
    kind: str


class RevealIn(Schema):
    field: str
    reason: str


class RevealOut(Schema):
    field: str
    value: Any


@router.get("/search", response=list[CustomerHit])
@requires("profile")
def search(request: HttpRequest, q: str) -> list[dict[str, Any]]:
    """Find customers by name, pinyin initials, phone, ID number, VIN or plate."""
    actor = actor_of(request)
    return [hit(c, actor) for c in selectors.find_customers(q, actor)]


@router.get("/{customer_id}", response=dict[str, Any])
@requires("profile")
def customer_detail(request: HttpRequest, customer_id: DbId) -> dict[str, Any]:
    """Return the 360° view of one customer, with the source of every value, masked by role."""
    return services.view_customer(customer_id, actor_of(request), channel="api")


@router.post("/{customer_id}/reveal", response=RevealOut)
@requires("profile")
def reveal(request: HttpRequest, customer_id: DbId, body: RevealIn) -> dict[str, Any]:
    """Show one personal-data value in full; the reason is written to the audit log."""
    value = services.reveal(customer_id, body.field, body.reason, actor_of(request))
    return {"field": body.field, "value": value}
