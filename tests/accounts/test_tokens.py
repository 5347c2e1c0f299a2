"""API tokens: issue, use, revoke; repeated failures lock the user out."""

from __future__ import annotations

import pytest
from axes.utils import reset
from django.test import Client

from autocrm.accounts.models import ApiToken
from autocrm.core.models import AuditEntry
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_lockouts() -> None:
    reset()


def _token(client: Client, username: str, password: str = PASSWORD) -> tuple[int, dict]:
    resp = client.post("/api/auth/token", {"username": username, "password": password},
                       content_type="application/json")
    return resp.status_code, resp.json()


def test_token_is_issued_used_and_revoked() -> None:
    make_user("dealer_sales", "D11001", username="sales1")
    client = Client()
    status, body = _token(client, "sales1")
    assert status == 200 and body["token_type"] == "bearer" and len(body["token"]) == 43
    auth = {"HTTP_AUTHORIZATION": f"Bearer {body['token']}"}
    me = client.get("/api/auth/me", **auth).json()
    assert me == {"username": "sales1", "role": "dealer_sales", "role_name": "销售顾问",
                  "dealer": "D11001", "rights": ["profile"],
                  "levels": {"contact": "reveal", "identity": "masked"}}
    row = ApiToken.objects.get()
    assert row.digest != body["token"] and row.prefix == body["token"][:8]
    assert client.post(f"/api/auth/tokens/{body['token_id']}/revoke", **auth).status_code == 204
    after = client.get("/api/auth/me", **auth)
    assert (after.status_code, after.json()["code"]) == (401, "unauthorized")
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["user_created", "token_issued", "token_revoked"]


def test_another_users_token_cannot_be_revoked() -> None:
    make_user("dealer_sales", "D11001", username="a")
    make_user("dealer_sales", "D11001", username="b")
    client = Client()
    _, a = _token(client, "a")
    _, b = _token(client, "b")
    resp = client.post(f"/api/auth/tokens/{a['token_id']}/revoke",
                       HTTP_AUTHORIZATION=f"Bearer {b['token']}")
    assert (resp.status_code, resp.json()["code"]) == (404, "not_found")
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 2


def test_wrong_password_then_lockout_after_five_failures() -> None:
    make_user("analyst", username="ana")
    client = Client()
    assert _token(client, "ana", "wrong")[0] == 401
    assert _token(client, "ana", "wrong")[1]["code"] == "bad_credentials"
    for _ in range(3):
        _token(client, "ana", "wrong")
    status, body = _token(client, "ana")
    assert (status, body["code"]) == (429, "locked_out")
    assert ApiToken.objects.count() == 0


def test_page_login_locks_out_too() -> None:
    make_user("analyst", username="ana")
    client = Client()
    for _ in range(5):
        resp = client.post("/accounts/login/", {"username": "ana", "password": "nope"})
    resp = client.post("/accounts/login/", {"username": "ana", "password": PASSWORD})
    assert resp.status_code == 429
    assert "15" in resp.content.decode()


def test_a_user_administrator_may_revoke_anyones_token() -> None:
    make_user("dealer_sales", "D11001", username="a")
    make_user("it_admin", username="it")
    client = Client()
    _, a = _token(client, "a")
    _, it = _token(client, "it")
    resp = client.post(f"/api/auth/tokens/{a['token_id']}/revoke",
                       HTTP_AUTHORIZATION=f"Bearer {it['token']}")
    assert resp.status_code == 204
    assert list(ApiToken.objects.filter(revoked_at__isnull=False).values_list(
        "user__username", flat=True)) == ["a"]


def test_an_expired_token_is_refused() -> None:
    import datetime as dt

    from django.utils import timezone

    make_user("analyst", username="ana")
    client = Client()
    _, body = _token(client, "ana")
    row = ApiToken.objects.get()
    assert round((row.expires_at - row.created_at).total_seconds() / 86400) == 90
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    resp = client.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert (resp.status_code, resp.json()["code"]) == (401, "unauthorized")
