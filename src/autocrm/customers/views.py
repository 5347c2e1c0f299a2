"""Customer pages: search as you type, the 360° page, revealing one personal value."""

from __future__ import annotations

from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from autocrm.accounts.access import requires
from autocrm.accounts.actor import actor_of
from autocrm.customers import labels, services
from autocrm.customers import search as search_service
from autocrm.customers.presenters import present_360


@requires("profile", page=True)
def search(request: HttpRequest) -> HttpResponse:
    """List the customers matching `q`; a fragment for the search box, a page otherwise."""
    q = request.GET.get("q", "")[:100]
    result = search_service.find(q, actor_of(request))
    page = "customers/_results.html" if request.headers.get("HX-Request") else (
        "customers/search.html")
    return render(request, page, {"q": q, "hits": result.hits, "more": result.more,
                                  "limit": search_service.LIMIT})


@requires("profile", page=True)
def detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Show everything the actor may see of one customer, with the source of every value."""
    view = services.view_customer(customer_id, actor_of(request), channel="web")
    return render(request, "customers/detail.html", {"c": present_360(view), "labels": labels})


@require_POST
@requires("profile", page=True)
def reveal(request: HttpRequest, customer_id: int, field: str) -> HttpResponse:
    """Show one value in full; the reason comes from the page's reveal dialog (the form's
    `reason`) or from an htmx prompt (the HX-Prompt header)."""
    # htmx percent-encodes a prompt answer that is not ASCII.
    reason = unquote(request.headers.get("HX-Prompt", "")) or request.POST.get("reason", "")
    value = services.reveal(customer_id, field, reason, actor_of(request))
    if isinstance(value, list):
        value = ", ".join(value)
    return render(request, "customers/_revealed.html", {"value": value, "field": field,
                                                       "htmx": request.headers.get("HX-Request")})
