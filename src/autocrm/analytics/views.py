"""The start page: a dashboard per role."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from autocrm.accounts.access import requires
from autocrm.accounts.actor import actor_of
from autocrm.analytics import dashboard


@requires(page=True)
def home(request: HttpRequest) -> HttpResponse:
    """Show the figures, chart and latest loads the actor's role may see."""
    return render(request, "analytics/home.html", {"board": dashboard.build(actor_of(request))})
