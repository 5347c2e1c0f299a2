"""API tokens: issue, use, revoke; they end with the password; failed logins lock out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.test import Client

from autocrm.accounts import services
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
                  "dealer": "D11001", "rights": ["leads", "profile"],
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


def _me(client: Client, token: str, address: str = "127.0.0.1") -> Any:
    return client.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address)


def _change_password_in_the_back_office(user: Any) -> None:
    admin = Client()
    admin.force_login(make_user("it_admin", username="it"))
    resp = admin.post(f"/admin/auth/user/{user.pk}/password/",
                      {"password1": "Another-pass-9", "password2": "Another-pass-9"})
    assert resp.status_code == 302


@pytest.mark.parametrize("where", ["service", "back office"])
def test_setting_the_password_ends_the_users_tokens(where: str) -> None:
    user = make_user("analyst", username="ana")
    client = Client()
    _, old = _token(client, "ana")
    assert _me(client, old["token"]).status_code == 200
    if where == "service":
        services.set_user("ana", "Another-pass-9", "analyst")
    else:
        _change_password_in_the_back_office(user)
    resp = _me(client, old["token"])
    assert (resp.status_code, resp.json()["code"]) == (401, "unauthorized")
    assert ApiToken.objects.get(pk=old["token_id"]).revoked_at is None  # refused, not changed
    _, new = _token(client, "ana", "Another-pass-9")
    assert _me(client, new["token"]).json()["username"] == "ana"


def test_a_token_stored_without_its_password_digest_is_refused() -> None:
    make_user("analyst", username="ana")
    client = Client()
    _, body = _token(client, "ana")
    ApiToken.objects.update(auth_digest="")  # as the tokens issued before the digest was kept
    assert _me(client, body["token"]).status_code == 401


def test_a_token_is_refused_where_its_user_is_locked_out() -> None:
    make_user("analyst", username="ana")
    client = Client()
    _, body = _token(client, "ana")
    for _ in range(5):
        _token(client, "ana", "wrong")
    used = ApiToken.objects.get().last_used_at
    resp = _me(client, body["token"])
    assert (resp.status_code, resp.json()["code"]) == (401, "unauthorized")
    assert ApiToken.objects.get().last_used_at == used
    # axes locks the username from that address: elsewhere, and after the lockout, it works
    assert _me(client, body["token"], "10.0.0.2").status_code == 200
    reset()
    assert _me(client, body["token"]).status_code == 200


def test_a_token_of_a_deactivated_user_stays_refused() -> None:
    user = make_user("analyst", username="ana")
    client = Client()
    _, body = _token(client, "ana")
    user.is_active = False
    user.save()
    for _ in range(2):
        resp = _me(client, body["token"])
        assert (resp.status_code, resp.json()["code"]) == (401, "unauthorized")
    assert _token(client, "ana")[0] == 401


def test_one_wrong_password_each_across_many_usernames_locks_the_address() -> None:
    make_user("analyst", username="ana")
    limit = settings.AUTOCRM_LOGIN_FAILURES_PER_ADDRESS
    assert limit > settings.AUTOCRM_LOGIN_FAILURES_PER_USER
    spray = Client(REMOTE_ADDR="10.0.0.1")
    answers = [_token(spray, f"user{i}", "wrong")[0] for i in range(limit)]
    assert answers == [401] * (limit - 1) + [429]
    status, body = _token(spray, "ana")
    assert (status, body["code"]) == (429, "locked_out")
    assert spray.post("/accounts/login/", {"username": "ana", "password": PASSWORD}
                      ).status_code == 429
    assert ApiToken.objects.count() == 0
    status, body = _token(Client(REMOTE_ADDR="10.0.0.2"), "ana")
    assert status == 200 and ApiToken.objects.count() == 1


@pytest.mark.parametrize(("kind", "body"), [
    ("text/plain", json.dumps({"username": "ana", "password": PASSWORD})),
    ("text/plain", "username=ana&password=x"),
    ("application/x-www-form-urlencoded", f"username=ana&password={PASSWORD}"),
    ("multipart/form-data; boundary=B",
     '--B\r\nContent-Disposition: form-data; name="username"\r\n\r\nana\r\n--B--\r\n'),
])
def test_the_token_endpoint_reads_json_only(kind: str, body: str) -> None:
    make_user("analyst", username="ana")
    client = Client()
    for _ in range(6):
        resp = client.post("/api/auth/token", body, content_type=kind)
        assert (resp.status_code, resp.json()["code"]) == (415, "unsupported_media_type")
    assert (ApiToken.objects.count(), AccessAttempt.objects.count()) == (0, 0)
    assert _token(client, "ana")[0] == 200


def test_an_invalid_bearer_token_is_401_not_a_csrf_failure(two_dealers: dict[str, int]) -> None:
    make_user("analyst", username="ana")
    _, body = _token(Client(), "ana")
    client = Client(enforce_csrf_checks=True)
    bad = {"HTTP_AUTHORIZATION": "Bearer not-a-token"}
    for resp in (client.post(f"/api/auth/tokens/{body['token_id']}/revoke", **bad),
                 client.post(f"/api/customers/{two_dealers['zhang']}/reveal",
                             {"field": "phone", "reason": "回访"},
                             content_type="application/json", **bad)):
        assert (resp.status_code, resp.json()) == (401, {
            "code": "unauthorized", "message": "请先登录。"})
    assert ApiToken.objects.get().revoked_at is None
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_a_session_call_without_its_csrf_token_is_403_with_a_code() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("analyst", username="ana"))
    _, body = _token(Client(), "ana")
    resp = client.post(f"/api/auth/tokens/{body['token_id']}/revoke")
    assert (resp.status_code, resp.json()["code"]) == (403, "csrf_failed")
    assert ApiToken.objects.get().revoked_at is None
