"""The demo's users: one per HQ role, and one per dealer role at every dealer."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from autocrm.accounts.models import Membership, Role
from autocrm.core import audit
from autocrm.dealers.models import Dealer

DEALER_SUFFIX = {"dealer_manager": "manager", "dealer_sales": "sales",
                 "dealer_service": "service"}


@dataclass(frozen=True)
class DemoUser:
    username: str
    department: str
    role: str
    dealer: str


def username(role: Role, dealer: Dealer | None) -> str:
    """HQ users are named after their role; dealer users `<dealer code>_<job>` (d11001_sales)."""
    if dealer is None:
        return role.code
    return f"{dealer.code.lower()}_{DEALER_SUFFIX.get(role.code, role.code)}"


@transaction.atomic
def create_demo_users(password: str) -> list[DemoUser]:
    """Create or reset every demo user with one password; return who is who."""
    # One hash for all: they share the password by design, and Argon2 takes ~0.1 s a hash.
    hashed = make_password(password)
    users = get_user_model().objects
    out = []
    roles = list(Role.objects.select_related("department").order_by("id"))
    pairs = [(r, None) for r in roles if not r.department.is_dealer] + [
        (r, d) for d in Dealer.objects.order_by("code") for r in roles if r.department.is_dealer]
    for role, dealer in pairs:
        name = username(role, dealer)
        user, _ = users.update_or_create(username=name, defaults={"password": hashed})
        Membership.objects.update_or_create(user=user, defaults={"role": role, "dealer": dealer})
        out.append(DemoUser(name, role.department.name, role.name, dealer.name if dealer else ""))
    audit.record("demo_users", "user", "*", count=len(out))
    return out
