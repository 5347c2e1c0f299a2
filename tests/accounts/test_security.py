"""Security headers on every page, CSRF on every form, no caching of personal answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
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


def _bearer(user: Any) -> dict[str, str]:
    from autocrm.accounts import services

    return {"HTTP_AUTHORIZATION": f"Bearer {services.issue_token(user)[0]}"}


def test_personal_pages_and_every_api_answer_are_not_stored_in_caches() -> None:
    user = make_user("analyst")
    signed_in = Client()
    signed_in.force_login(user)
    answers = [signed_in.get("/"), signed_in.get("/api/auth/me"),
               Client().get("/api/auth/me", **_bearer(user)), Client().get("/api/auth/me")]
    assert [r.status_code for r in answers] == [200, 200, 200, 401]
    for resp in answers:
        assert "no-store" in resp["Cache-Control"] and "private" in resp["Cache-Control"]
    static = signed_in.get("/static/css/app.css")
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")


@pytest.mark.parametrize("url", ["/api/openapi.json", "/api/docs"])
def test_the_api_docs_are_for_signed_in_callers_only(url: str) -> None:
    user = make_user("analyst")
    for refused in (Client().get(url), Client().get(url, HTTP_AUTHORIZATION="Bearer not-a-token")):
        if url.endswith(".json"):
            assert (refused.status_code, refused.json()["code"]) == (401, "unauthorized")
        else:
            assert (refused.status_code, refused["Location"]) == (
                302, f"/accounts/login/?next={url}")
    signed_in = Client()
    signed_in.force_login(user)
    assert signed_in.get(url).status_code == 200
    assert Client().get(url, **_bearer(user)).status_code == 200


@pytest.mark.parametrize("query", ["until=9999-12-31", "since=0001-01-01", "until=3000-01-01",
                                   "since=1899-12-31"])
@pytest.mark.parametrize("url", ["/audit/", "/audit/export.xlsx"])
def test_audit_dates_beyond_the_bounds_are_a_400_naming_the_field(url: str, query: str) -> None:
    client = Client()
    client.force_login(make_user("it_admin"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    before = AuditEntry.objects.count()
    resp = client.get(f"{url}?{query}")
    field = query.partition("=")[0]
    error = ("Ensure this value is less than or equal to 2999-12-31." if field == "until" else
             "Ensure this value is greater than or equal to 1900-01-01.")
    assert resp.status_code == 400
    assert error in resp.content.decode()
    if url == "/audit/":
        assert resp.context["form"].errors.keys() == {field}
    else:
        assert b'data-code="bad_input"' in resp.content
        assert f"invalid filter {field}".encode() in resp.content
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("url", ["/audit/", "/audit/export.xlsx"])
def test_audit_dates_at_the_bounds_are_accepted(url: str) -> None:
    client = Client()
    client.force_login(make_user("it_admin"))
    resp = client.get(f"{url}?since=1900-01-01&until=2999-12-31")
    assert resp.status_code == 200
