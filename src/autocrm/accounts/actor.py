"""Who is acting: the user with their role's rights and dealer, decided once per request."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from autocrm.accounts.models import Membership
from autocrm.accounts.rights import FLAGS, PII_FIELDS, PII_KINDS, Level
from autocrm.core.errors import Forbidden

ADMIN_RIGHTS = ("steward", "dataops", "user_admin", "audit")


@dataclass(frozen=True)
class Actor:
    """A user's rights: yes/no flags, a level per kind of personal data, and their dealer."""

    user: Any
    role: str = ""
    role_name: str = ""
    flags: frozenset[str] = frozenset()
    levels: dict[str, str] = field(default_factory=dict)
    dealer_side: bool = False
    dealer_code: str | None = None

    @property
    def admin_site(self) -> bool:
        """Return whether the back office (HQ only) is open to the actor."""
        return not self.dealer_side and any(r in self.flags for r in ADMIN_RIGHTS)

    @property
    def authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    def can(self, right: str) -> bool:
        """Return whether the role has a yes/no right."""
        return right in self.flags

    def level(self, kind: str) -> Level:
        """Return the level for a kind of personal data."""
        return Level(self.levels.get(kind, Level.HIDDEN))

    def field_level(self, name: str) -> Level | None:
        """Return the level for a customer field, or None if it is not personal data."""
        kind = PII_FIELDS.get(name)
        return self.level(kind) if kind else None

    def require(self, right: str) -> None:
        """Raise Forbidden unless the role has the right."""
        if not self.can(right):
            raise Forbidden(_("Your role lacks the right: %(right)s.") % {"right": right})


ANONYMOUS = Actor(user=None)
# The operator at the server's own command line (the `autocrm` CLI): every right, no dealer.
SYSTEM = Actor(user=None, role="system", role_name="system", flags=frozenset(FLAGS),
               levels={k: Level.FULL for k in PII_KINDS})


def actor_for(user: Any) -> Actor:
    """Build the actor of a user: a superuser has every right; no membership means none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Actor(user=user)
    if user.is_superuser:
        return replace(SYSTEM, user=user, role="superuser", role_name="superuser")
    m = _membership(user)
    if m is None:
        return Actor(user=user)
    role = m.role
    return Actor(
        user=user, role=role.code, role_name=role.display_name,
        flags=frozenset(f for f in FLAGS if getattr(role, f)),
        levels={k: getattr(role, k) for k in PII_KINDS},
        dealer_side=role.department.is_dealer,
        dealer_code=m.dealer.code if m.dealer else None,
    )


def _membership(user: Any) -> Membership | None:
    """Return the user's membership with role and dealer, from the cache if read with the user."""
    if get_user_model().membership.related.is_cached(user):  # API tokens read it with the user
        return getattr(user, "membership", None)
    return Membership.objects.select_related("role__department", "dealer").filter(
        user=user).first()


def actor_of(request: Any) -> Actor:
    """Return the request's actor, built once and kept on the request."""
    actor = getattr(request, "_autocrm_actor", None)
    if actor is None or actor.user is not request.user:
        actor = actor_for(request.user)
        request._autocrm_actor = actor
    return actor
