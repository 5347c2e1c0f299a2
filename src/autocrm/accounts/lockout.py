"""Failed logins, as django-axes counts them: the limits, the answer to a locked-out login, and
whether a username is locked out from where a request comes.

Axes counts failures per username and address and per address (AXES_LOCKOUT_PARAMETERS) and
compares the larger count, the address's, with one limit. `failure_limit` makes that limit the
per-user one once the username has reached it from the address, the per-address one otherwise:
a username is locked after 5 failures from an address, an address for every username after 20
(password spraying: one guess each across many usernames).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address, get_cool_off, get_credentials
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

LOCKED = gettext_lazy("Too many failed logins; the account is locked for 15 minutes.")


def locked_out(request: HttpRequest, original_response: Any = None,
               credentials: Any = None) -> HttpResponse:
    """Answer 429 (called by django-axes)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": LOCKED}, status=429)
    return render(request, "locked_out.html", status=429)


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    """Return the limit axes compares the address's failures with (AXES_FAILURE_LIMIT)."""
    per_user = settings.AUTOCRM_LOGIN_FAILURES_PER_USER
    # axes' own attempts, one query set per AXES_LOCKOUT_PARAMETERS entry: username and address
    # first; failures older than AXES_COOLOFF_TIME are already left out
    this_user = AxesProxyHandler.get_implementation().get_user_attempts(request, credentials)[0]
    failures = this_user.aggregate(n=Sum("failures_since_start"))["n"] or 0
    return per_user if failures >= per_user else settings.AUTOCRM_LOGIN_FAILURES_PER_ADDRESS


def address_of(request: HttpRequest) -> str | None:
    """Return the client address the way axes reads it."""
    return get_client_ip_address(request)


def window_start(request: HttpRequest) -> dt.datetime:
    """Return the instant before which axes no longer counts a failure."""
    cool_off = get_cool_off(request)
    return timezone.now() - cool_off if cool_off else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def is_locked(request: HttpRequest, username: str) -> bool:
    """Tell whether axes would refuse a login of `username` from this request's address."""
    return bool(AxesProxyHandler.is_locked(request, get_credentials(username)))
