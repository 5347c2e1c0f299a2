"""Every page and API operation has its permission tests; a new one must be added here too."""

from __future__ import annotations

from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

from autocrm.api import api

# name -> the test module holding its anonymous / other dealer / lacking right / allowed cases
PAGES = {
    "home": "tests/analytics/test_views.py",
    "audit-log": "tests/accounts/test_audit_views.py",
    "audit-export": "tests/accounts/test_audit_views.py",
    "customer-search": "tests/customers/test_access.py",
    "customer-detail": "tests/customers/test_access.py",
    "customer-reveal": "tests/customers/test_access.py",
    "ops-loads": "tests/quality/test_views.py",
    "ops-load": "tests/quality/test_views.py",
    "ops-notices": "tests/quality/test_views.py",
    "ops-feedback": "tests/quality/test_views.py",
    "ops-feedback-download": "tests/quality/test_views.py",
    "lead-list": "tests/leads/test_access.py",
    "lead-new": "tests/leads/test_access.py",
    "lead-check": "tests/leads/test_access.py",
    "lead-funnel": "tests/leads/test_access.py",
    "lead-detail": "tests/leads/test_access.py",
    "lead-follow-up": "tests/leads/test_access.py",
    "lead-move": "tests/leads/test_access.py",
    "lead-owner": "tests/leads/test_access.py",
    "lead-return": "tests/leads/test_access.py",
    "lead-lost-decision": "tests/leads/test_access.py",
    "lead-reactivate": "tests/leads/test_access.py",
    "lead-assign": "tests/leads/test_access.py",
    "lead-conversion": "tests/leads/test_access.py",
    "lead-mine": "tests/leads/test_access.py",
    "lead-key-accounts": "tests/leads/test_access.py",
    "lead-key-accounts-export": "tests/leads/test_access.py",
    "lead-key-account-responsible": "tests/leads/test_access.py",
    # open to everyone by design
    "login": "tests/accounts/test_tokens.py",
    "logout": "tests/browser/test_pages.py",
    "set_language": "tests/browser/test_pages.py",
}
API = {
    "/api/auth/token": "tests/accounts/test_tokens.py",
    "/api/auth/tokens/{token_id}/revoke": "tests/accounts/test_tokens.py",
    "/api/auth/me": "tests/accounts/test_tokens.py",
    "/api/customers/search": "tests/customers/test_access.py",
    "/api/customers/{customer_id}": "tests/customers/test_access.py",
    "/api/customers/{customer_id}/reveal": "tests/customers/test_access.py",
    "/api/leads": "tests/leads/test_access.py",
    "/api/leads/{lead_id}": "tests/leads/test_access.py",
    "/api/leads/{lead_id}/stage": "tests/leads/test_access.py",
    "/api/leads/{lead_id}/follow-ups": "tests/leads/test_access.py",
    "/api/leads/{lead_id}/answers": "tests/leads/test_access.py",
    "/api/leads/assign": "tests/leads/test_access.py",
    "/api/leads/conversion": "tests/leads/test_access.py",
    "/api/leads/mine": "tests/leads/test_access.py",
    "/api/leads/key-accounts": "tests/leads/test_access.py",
    "/api/leads/key-accounts/{customer_id}/responsible": "tests/leads/test_access.py",
    "/api/leads/assign-salespeople": "tests/leads/test_access.py",
    "/api/leads/{lead_id}/owner": "tests/leads/test_access.py",
    "/api/leads/{lead_id}/return": "tests/leads/test_access.py",
    "/api/leads/{lead_id}/lost-decision": "tests/leads/test_access.py",
    "/api/leads/{lead_id}/reactivate": "tests/leads/test_access.py",
}


def _names(patterns: list[URLPattern | URLResolver]) -> set[str]:
    out: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace is None:  # the admin and the API have their own namespaces
                out |= _names(p.url_patterns)
        elif p.name:
            out.add(p.name)
    return out


def test_every_page_is_in_the_permission_tests() -> None:
    assert _names(get_resolver().url_patterns) == set(PAGES)
    root = Path(__file__).resolve().parents[1]
    assert all((root / module).is_file() for module in [*PAGES.values(), *API.values()])


def test_every_api_operation_is_in_the_permission_tests() -> None:
    assert set(api.get_openapi_schema()["paths"]) == set(API)
