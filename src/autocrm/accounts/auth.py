"""API authentication: a bearer token, or the page session (with CSRF) for the app's own calls;
the same for the API docs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext, gettext_lazy
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from autocrm.accounts import services
from autocrm.core.errors import Forbidden

UNAUTHORIZED = gettext_lazy("Please sign in first.")


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` from `POST /api/auth/token`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.user_for_token(token, request)
        if user is not None:
            request.user = user
        return user


class CsrfFailed(Forbidden):
    code = "csrf_failed"


class PageSession(SessionAuth):
    """The signed-in page session; its CSRF token is checked only when there is a session.

    Without one the call is simply not authenticated (401), whatever else it carries.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        try:
            return super().__call__(request)
        except HttpError as exc:  # ninja's answer to a failed CSRF check
            raise CsrfFailed(gettext("The CSRF check failed; reload the page.")) from exc


BEARER = BearerToken()
API_AUTH = [BEARER, PageSession()]


def signed_in_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the API docs and schema to a signed-in session or a valid bearer token only."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated and not BEARER(request):
            if request.path.endswith(".json"):
                return JsonResponse({"code": "unauthorized", "message": UNAUTHORIZED},
                                    status=401)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return checked
