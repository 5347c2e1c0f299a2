"""The start page: what is in the store, and where to go."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from autocrm.customers.models import Customer, HeldChange
from autocrm.sources.models import InterfaceNotice, Load
from autocrm.vehicles.models import Vehicle


def home(request: HttpRequest) -> HttpResponse:
    """Show the store's figures and the entry points (search, admin, API docs)."""
    loads = Load.objects.aggregate(
        done=Count("id", filter=Q(status="done")), failed=Count("id", filter=Q(status="failed"))
    )
    context = {
        "customers": Customer.objects.count(),
        "vehicles": Vehicle.objects.count(),
        "loads": loads,
        "held": HeldChange.objects.filter(status="pending").count(),
        "notices": InterfaceNotice.objects.filter(acknowledged_at__isnull=True).count(),
        "recent": Load.objects.order_by("-id")[:10],
    }
    return render(request, "core/home.html", context)
