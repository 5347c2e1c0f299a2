"""API authentication: a bearer token, or the page session (with CSRF) for the app's own calls."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from autocrm.accounts import services


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` from `POST /api/auth/token`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.user_for_token(token)
        if user is not None:
            request.user = user
        return user


API_AUTH = [BearerToken(), django_auth]
