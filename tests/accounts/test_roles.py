"""The roles created by migration, and the actor built from a user."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from autocrm.accounts.actor import actor_for
from autocrm.accounts.models import Role
from autocrm.core.errors import InputError
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_migration_creates_every_role_with_explicit_rights() -> None:
    rows = {r.code: (r.department.code, r.contact, r.identity) for r in Role.objects.all()}
    assert rows == {
        "crm_manager": ("hq_crm", "reveal", "reveal"),
        "data_steward": ("hq_data", "reveal", "reveal"),
        "cc_agent": ("hq_callcentre", "full", "masked"),
        "fi_specialist": ("hq_finance", "full", "full"),
        "analyst": ("hq_analytics", "masked", "masked"),
        "marketing": ("hq_marketing", "masked", "hidden"),
        "it_admin": ("it", "hidden", "hidden"),
        "dealer_manager": ("dealer", "reveal", "masked"),
        "dealer_sales": ("dealer", "reveal", "masked"),
        "dealer_service": ("dealer", "reveal", "masked"),
    }


def test_actor_of_a_dealer_salesperson() -> None:
    actor = actor_for(make_user("dealer_sales", "D11001"))
    assert (actor.role, actor.dealer_side, actor.dealer_code) == ("dealer_sales", True, "D11001")
    assert actor.flags == frozenset({"profile", "leads"})
    assert actor.levels == {"contact": "reveal", "identity": "masked"}
    assert not actor.admin_site


def test_actor_of_it_admin_and_of_a_user_without_role() -> None:
    it = actor_for(make_user("it_admin"))
    assert it.flags == frozenset({"user_admin", "audit"}) and it.admin_site
    bare = actor_for(get_user_model().objects.create_user("nobody", password="x"))
    assert (bare.flags, bare.levels, bare.admin_site) == (frozenset(), {}, False)


def test_dealer_role_needs_a_dealer_and_hq_role_refuses_one() -> None:
    with pytest.raises(InputError, match="需要经销商"):
        make_user("dealer_sales")
    with pytest.raises(InputError, match="不属于经销商"):
        make_user("analyst", "D11001")
