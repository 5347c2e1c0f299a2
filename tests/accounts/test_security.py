"""Security headers on every page, CSRF on every form."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from autocrm.core.models import AuditEntry
from tests.factories import load_two_dealers, make_user

pytestmark = pytest.mark.django_db


def test_pages_carry_security_headers() -> None:
    resp = Client().get("/accounts/login/")
    csp = resp["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert (resp["X-Frame-Options"], resp["X-Content-Type-Options"], resp["Referrer-Policy"]) == (
        "DENY", "nosniff", "same-origin")


def test_a_form_post_without_csrf_token_is_refused(tmp_path: Path) -> None:
    ids = load_two_dealers(tmp_path)
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("dealer_sales", "D11001"))
    resp = client.post(f"/customers/{ids['zhang']}/reveal/phone/", {"reason": "回访"})
    assert resp.status_code == 403
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_the_api_session_route_needs_csrf_too(tmp_path: Path) -> None:
    ids = load_two_dealers(tmp_path)
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("dealer_sales", "D11001"))
    resp = client.post(f"/api/customers/{ids['zhang']}/reveal",
                       {"field": "phone", "reason": "回访"}, content_type="application/json")
    assert resp.status_code in (401, 403)
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_passwords_are_hashed_with_argon2() -> None:
    user = make_user("analyst")
    assert user.password.startswith("argon2$argon2id$")
