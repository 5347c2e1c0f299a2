"""Customer pages: search as you type, the 360° page, revealing one personal value."""

from __future__ import annotations

from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from autocrm.accounts.access import requires
from autocrm.accounts.actor import actor_of
from autocrm.customers import labels, selectors, services
from autocrm.customers.presenters import hit, present_360


@requires("profile", page=True)
def search(request: HttpRequest) -> HttpResponse:
    """List the customers matching `q`; a fragment for the search box, a page otherwise."""
    actor, q = actor_of(request), request.GET.get("q", "")
    hits = [hit(c, actor) for c in selectors.find_customers(q, actor)]
    page = "customers/_results.html" if request.headers.get("HX-Request") else (
        "customers/search.html")
    return render(request, page, {"q": q, "hits": hits})


@requires("profile", page=True)
def detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Show everything the actor may see of one customer, with the source of every value."""
    view = services.view_customer(customer_id, actor_of(request), channel="web")
    return render(request, "customers/detail.html", {"c": present_360(view), "labels": labels})


@require_POST
@requires("profile", page=True)
def reveal(request: HttpRequest, customer_id: int, field: str) -> HttpResponse:
    """Show one value in full; the reason comes from the prompt (htmx) or the form."""
    # htmx percent-encodes a prompt answer that is not ASCII.
    reason = unquote(request.headers.get("HX-Prompt", "")) or request.POST.get("reason", "")
    value = services.reveal(customer_id, field, reason, actor_of(request))
    if isinstance(value, list):
        value = ", ".join(value)
    return render(request, "customers/_revealed.html", {"value": value})
