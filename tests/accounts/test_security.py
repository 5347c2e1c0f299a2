"""Security headers on every page, CSRF on every form."""

from __future__ import annotations

import pytest
from django.test import Client

from autocrm.core.models import AuditEntry
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_pages_carry_security_headers() -> None:
    resp = Client().get("/accounts/login/")
    csp = resp["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert (resp["X-Frame-Options"], resp["X-Content-Type-Options"], resp["Referrer-Policy"]) == (
        "DENY", "nosniff", "same-origin")


def test_a_form_post_without_csrf_token_is_refused(two_dealers: dict[str, int]) -> None:
    ids = two_dealers
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("dealer_sales", "D11001"))
    resp = client.post(f"/customers/{ids['zhang']}/reveal/phone/", {"reason": "回访"})
    assert resp.status_code == 403
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_the_api_session_route_needs_csrf_too(two_dealers: dict[str, int]) -> None:
    ids = two_dealers
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("dealer_sales", "D11001"))
    resp = client.post(f"/api/customers/{ids['zhang']}/reveal",
                       {"field": "phone", "reason": "回访"}, content_type="application/json")
    assert resp.status_code in (401, 403)
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_passwords_are_hashed_with_argon2() -> None:
    user = make_user("analyst")
    assert user.password.startswith("argon2$argon2id$")


@pytest.mark.parametrize(("method", "url", "body", "kind"), [
    ("get", "/api/customers/search?q=%00", None, None),
    ("post", "/api/auth/token", '{"username": "a\\u0000", "password": "x"}', "application/json"),
    ("post", "/accounts/login/", "username=a%00&password=x", "application/x-www-form-urlencoded"),
    ("get", "/customers/search/?q=%E5%BC%A0%00", None, None),
])
def test_a_nul_character_is_a_clear_400_not_a_server_error(
        method: str, url: str, body: str | None, kind: str | None) -> None:
    make_user("analyst", username="a")
    client = Client()
    resp = (client.get(url) if method == "get" else
            client.post(url, body, content_type=kind or "application/json"))
    assert resp.status_code == 400
    if url.startswith("/api/"):
        assert resp.json()["code"] == "bad_input"
    assert "NUL" in resp.content.decode()


@pytest.mark.parametrize(("url", "status"), [
    ("/api/customers/99999999999999999999", 422),
    ("/api/customers/0", 422),
    ("/customers/99999999999999999999/", 404),
    ("/ops/loads/99999999999999999999/", 404),
])
def test_an_id_too_large_for_the_database_is_refused_cleanly(url: str, status: int) -> None:
    client = Client()
    client.force_login(make_user("data_steward"))
    resp = client.get(url)
    assert resp.status_code == status
    if status == 422:
        assert resp.json()["code"] == "invalid"
