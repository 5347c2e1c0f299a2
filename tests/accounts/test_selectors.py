"""A bearer token's user is read in one query and gives the same actor as the ORM."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from autocrm.accounts import selectors, services
from autocrm.accounts.actor import actor_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "dealer"), [("dealer_sales", "D11001"), ("analyst", None)])
def test_token_user_makes_the_same_actor_as_the_orm(role: str, dealer: str | None) -> None:
    user = make_user(role, dealer)
    token, token_id = services.issue_token(user, name="phone")

    with CaptureQueriesContext(connection) as queries:
        row = selectors.token_with_user(services._digest(token))
        assert row is not None
        fast = actor_for(row.user)
    slow = actor_for(get_user_model().objects.get(pk=user.pk))

    assert len(queries) == 1
    assert (row.id, row.name, row.prefix) == (token_id, "phone", token[:8])
    assert isinstance(row.expires_at, dt.datetime) and row.expires_at.tzinfo is not None
    assert row.user.username == user.username and row.user.is_active
    assert (fast.role, fast.flags, fast.levels, fast.dealer_side, fast.dealer_code) == (
        slow.role, slow.flags, slow.levels, slow.dealer_side, slow.dealer_code)
    assert fast.dealer_code == dealer


def test_a_user_without_membership_has_no_rights() -> None:
    user = get_user_model().objects.create_user("nobody", password="Pass-word-1")
    token, _ = services.issue_token(user)

    row = selectors.token_with_user(services._digest(token))

    assert row is not None and actor_for(row.user).flags == frozenset()


def test_an_unknown_or_revoked_token_reads_nothing() -> None:
    user = make_user("analyst")
    token, token_id = services.issue_token(user)
    services.revoke_token(token_id, actor_for(user))

    assert selectors.token_with_user(services._digest(token)) is None
    assert selectors.token_with_user("0" * 64) is None
