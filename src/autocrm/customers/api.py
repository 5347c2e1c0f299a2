"""Customer API: search, the 360° view and revealing personal data, all scoped by the caller."""


from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from autocrm.accounts.access import requires
from autocrm.accounts.actor import actor_of
from autocrm.core.converters import DbId
from autocrm.customers import search as search_service
from autocrm.customers import services

router = Router(tags=["customers"])


class CustomerHit(Schema):
    id: int
    name: str
    phone: str
    city: str
    kind: str
    why: str
    car: str


class SearchOut(Schema):
    hits: list[CustomerHit]
    more: bool


class RevealIn(Schema):
    field: str
    reason: str


class RevealOut(Schema):
    field: str
    value: Any


@router.get("/search", response=SearchOut)
@requires("profile")
def search(request: HttpRequest, q: str = Query(..., max_length=100)) -> dict[str, Any]:
    """Find customers as agents type: phone, its start or last four; VIN or its last six to
    eight; plate with or without its province; ID number or its start; name, full pinyin or
    initials; `#123` for customer number 123. At most 20 hits, best first, each saying why it
    matched; `more` says there were more (refine the query)."""
    result = search_service.find(q, actor_of(request))
    return {"hits": result.hits, "more": result.more}


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
