"""Tokens for API clients, and who the caller is."""


from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from autocrm.accounts import services
from autocrm.accounts.actor import actor_of
from autocrm.core.converters import DbId
from autocrm.core.errors import AppError

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str
    password: str
    name: str = ""


class TokenOut(Schema):
    token: str
    token_id: int
    token_type: str = "bearer"


class Me(Schema):
    username: str
    role: str
    role_name: str
    dealer: str | None
    rights: list[str]
    levels: dict[str, str]


class BadCredentials(AppError):
    code, status = "bad_credentials", 401


@router.post("/token", auth=None, response=TokenOut)
def token(request: HttpRequest, body: Credentials) -> dict[str, Any]:
    """Exchange a username and password, as a JSON body, for a bearer token.

    Five failures lock the username from that address, twenty any username from it: django-axes
    then answers 429 itself (`accounts/lockout.py`). Another kind of body is refused with 415
    before any password is tried (`autocrm/api.py`).
    """
    user = authenticate(request, username=body.username, password=body.password)
    if user is None:
        raise BadCredentials(_("Wrong username or password."))
    key, token_id = services.issue_token(user, body.name)
    return {"token": key, "token_id": token_id}


@router.post("/tokens/{token_id}/revoke", response={204: None})
def revoke(request: HttpRequest, token_id: DbId) -> Status[None]:
    """Revoke a token: your own, or anyone's for a user administrator."""
    services.revoke_token(token_id, actor_of(request))
    return Status(204, None)


@router.get("/me", response=Me)
def me(request: HttpRequest) -> dict[str, Any]:
    """Return the caller's role, dealer and rights."""
    a = actor_of(request)
    return {"username": request.user.get_username(), "role": a.role, "role_name": a.role_name,
            "dealer": a.dealer_code, "rights": sorted(a.flags), "levels": a.levels}
