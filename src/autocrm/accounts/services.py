"""Users, memberships and API tokens; each change is atomic and audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from autocrm.accounts import lockout, selectors
from autocrm.accounts.actor import Actor
from autocrm.accounts.models import ApiToken, Membership, Role
from autocrm.core import audit, locks
from autocrm.core.errors import InputError, NotFound
from autocrm.dealers.models import Dealer

TOKEN_BYTES = 32
TOUCH_EVERY = dt.timedelta(minutes=5)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _auth_digest(user: Any) -> str:
    """Digest the user's session auth hash, which changes whenever the password is set."""
    return _digest(user.get_session_auth_hash())


@transaction.atomic
def set_user(username: str, password: str, role_code: str, dealer_code: str | None = None,
             *, actor: Actor | None = None) -> Any:
    """Create or update a user with a password, a role and (for dealer roles) a dealer."""
    role = Role.objects.select_related("department").filter(code=role_code).first()
    if role is None:
        raise InputError(_("unknown role %(role)s") % {"role": role_code})
    dealer = Dealer.objects.filter(code=dealer_code).first() if dealer_code else None
    if role.department.is_dealer and dealer is None:
        raise InputError(_("the dealer role %(role)s needs a dealer") % {"role": role_code})
    if not role.department.is_dealer and dealer_code:
        raise InputError(_("the HQ role %(role)s belongs to no dealer") % {"role": role_code})
    user, created = get_user_model().objects.get_or_create(username=username)
    user.set_password(password)
    user.save()
    Membership.objects.update_or_create(user=user, defaults={"role": role, "dealer": dealer})
    audit.record("user_created" if created else "user_updated", "user", user.pk,
                 actor=actor.user if actor else None, role=role.code, dealer=dealer_code or "")
    return user


@transaction.atomic
def issue_token(user: Any, name: str = "") -> tuple[str, int]:
    """Create a bearer token valid AUTOCRM_TOKEN_DAYS; return it and its id (digest kept)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires = timezone.now() + dt.timedelta(days=settings.AUTOCRM_TOKEN_DAYS)
    row = ApiToken.objects.create(user=user, name=name[:64], prefix=token[:8],
                                  digest=_digest(token), auth_digest=_auth_digest(user),
                                  expires_at=expires)
    audit.record("token_issued", "api_token", row.pk, actor=user, name=row.name)
    return token, row.pk


def user_for_token(token: str, request: HttpRequest | None = None) -> Any:
    """Return the user of a usable token, or None.

    Usable: unrevoked, unexpired, issued since the user's password was last set, its user active
    and (given the request) not locked out by django-axes from the request's address.
    """
    address, since = ((lockout.address_of(request), lockout.window_start(request)) if request
                      else (None, timezone.now()))
    row, failures = selectors.token_for_use(_digest(token), address, since)
    now = timezone.now()
    if row is None or not row.user.is_active or (row.expires_at and row.expires_at <= now):
        return None
    if not constant_time_compare(row.auth_digest, _auth_digest(row.user)):
        return None
    if failures and request is not None and lockout.is_locked(request, row.user.get_username()):
        return None
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        # best effort: a request never waits on a load for this
        locks.without_waiting(
            lambda: ApiToken.objects.filter(pk=row.pk).update(last_used_at=now))
    return row.user


@transaction.atomic
def revoke_token(token_id: int, actor: Actor) -> None:
    """Revoke one of the actor's tokens (a user administrator may revoke anyone's)."""
    rows = ApiToken.objects.select_for_update().filter(pk=token_id, revoked_at__isnull=True)
    if not actor.can("user_admin"):
        rows = rows.filter(user=actor.user)
    row = rows.first()
    if row is None:
        raise NotFound(_("token %(id)s not found") % {"id": token_id})
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked_at"])
    audit.record("token_revoked", "api_token", row.pk, actor=actor.user, owner=row.user_id)
