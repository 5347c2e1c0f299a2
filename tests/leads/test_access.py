"""Every lead page and API operation for a stranger, a role without leads, another dealer's
salesperson and the lead's own salesperson: the guard test lists each of them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from autocrm.leads.models import FollowUp, Lead
from tests.factories import make_user

pytestmark = pytest.mark.django_db

NEW = {"name": "王先生", "phone": "13912345678", "intended_model": "A6L", "source": "walk_in"}
ENDPOINTS: dict[str, tuple[str, str, Any]] = {
    "api list": ("get", "/api/leads", None),
    "api create": ("post", "/api/leads", {**NEW, "phone": "13912340000"}),
    "api detail": ("get", "/api/leads/{lead}", None),
    "api stage": ("post", "/api/leads/{lead}/stage", {"stage": "visit"}),
    "api follow-up": ("post", "/api/leads/{lead}/follow-ups", {"channel": "call"}),
    "api answers": ("post", "/api/leads/{lead}/answers", {"answers": {"budget": "range"}}),
    "page list": ("get", "/leads/", None),
    "page new": ("get", "/leads/new/", None),
    "page check": ("get", "/leads/check/?phone=13912345678", None),
    "page funnel": ("get", "/leads/funnel/", None),
    "page detail": ("get", "/leads/{lead}/", None),
    "page follow-up": ("post", "/leads/{lead}/follow-up/", {"channel": "wechat"}),
    "page move": ("post", "/leads/{lead}/move/", {"stage": "quote"}),
    "api assign": ("post", "/api/leads/assign", {}),
    "api deal": ("post", "/api/leads/assign-salespeople", {}),
    "api owner": ("post", "/api/leads/{lead}/owner", {"owner": "s1"}),
    "api return": ("post", "/api/leads/{lead}/return", {"reason": "duplicate"}),
    "api lost-decision": ("post", "/api/leads/{lead}/lost-decision", {"approve": True}),
    "api reactivate": ("post", "/api/leads/{lead}/reactivate", {"note": ""}),
    "page assign": ("post", "/leads/assign/", {}),
    "page owner": ("post", "/leads/{lead}/owner/", {"owner": "s1"}),
    "page return": ("post", "/leads/{lead}/return/", {"reason": "duplicate"}),
    "page lost-decision": ("post", "/leads/{lead}/lost-decision/", {"approve": "1"}),
    "page reactivate": ("post", "/leads/{lead}/reactivate/", {"note": ""}),
    "api conversion": ("get", "/api/leads/conversion?by=dealer", None),
    "page conversion": ("get", "/leads/conversion/?by=model", None),
    "api mine": ("post", "/api/leads/mine", {"rule": "year4", "dry_run": True}),
    "page mine": ("post", "/leads/mine/", {"rule": "year4"}),
    "api key accounts": ("get", "/api/leads/key-accounts", None),
    "api responsible": ("post", "/api/leads/key-accounts/1/responsible", {"responsible": "hq"}),
    "page key accounts": ("get", "/leads/key-accounts/", None),
    "page key export": ("get", "/leads/key-accounts/export/", None),
    "page responsible": ("post", "/leads/key-accounts/1/responsible/", {"responsible": "hq"}),
}
# who: (role, dealer, username); expected status per endpoint, in ENDPOINTS order. The lead is
# s1's, at D11001; m1 is D11001's manager, hq an HQ CRM manager (neither lead is lost, and
# nobody has asked to lose it: deciding or reactivating it is a 400 that changes nothing;
# there is no key account 1: naming its responsible person is a 404 for HQ).
MATRIX = {
    "anonymous": ((None, None, None), (
        401, 401, 401, 401, 401, 401, 302, 302, 302, 302, 302, 302, 302,
        401, 401, 401, 401, 401, 401, 302, 302, 302, 302, 302, 401, 302, 401, 302,
        401, 401, 302, 302, 302)),
    "lacking right": (("analyst", None, "ana"), (
        403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403,
        403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403,
        403, 403, 403, 403, 403)),
    "other dealer": (("dealer_sales", "D11002", "s9"), (
        200, 201, 404, 404, 404, 404, 200, 200, 200, 200, 404, 404, 404,
        403, 403, 403, 404, 403, 403, 403, 403, 404, 403, 403, 200, 200, 403, 403,
        200, 403, 200, 200, 403)),
    "allowed": (("dealer_sales", "D11001", "s1"), (
        200, 201, 200, 200, 201, 200, 200, 200, 200, 200, 200, 302, 302,
        403, 403, 403, 200, 403, 403, 403, 403, 302, 403, 403, 200, 200, 403, 403,
        200, 403, 200, 200, 403)),
    "manager": (("dealer_manager", "D11001", "m1"), (
        200, 201, 200, 200, 201, 200, 200, 200, 200, 200, 200, 302, 302,
        403, 200, 200, 200, 400, 403, 302, 302, 302, 400, 403, 200, 200, 403, 403,
        200, 403, 200, 200, 403)),
    "hq": (("crm_manager", None, "hq"), (
        200, 201, 200, 200, 201, 200, 200, 200, 200, 200, 200, 302, 302,
        200, 400, 200, 400, 400, 400, 302, 302, 400, 400, 400, 200, 200, 200, 302,
        200, 404, 200, 200, 404)),
}

def call(client: Client, endpoint: str, lead: int) -> Any:
    method, url, body = ENDPOINTS[endpoint]
    url = url.format(lead=lead)
    if method == "get":
        return client.get(url)
    if url.startswith("/api/"):
        return client.post(url, json.dumps(body), content_type="application/json")
    return client.post(url, body)


@pytest.mark.parametrize("who", list(MATRIX))
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_permission_matrix(who: str, endpoint: str) -> None:
    owner = Client()
    owner.force_login(make_user("dealer_sales", "D11001", "s1"))
    lead = owner.post("/api/leads", json.dumps(NEW), content_type="application/json").json()["id"]
    (role, dealer, name), statuses = MATRIX[who]
    expected = statuses[list(ENDPOINTS).index(endpoint)]
    client = owner if name == "s1" else Client()
    if role and name != "s1":
        client.force_login(make_user(role, dealer, name))
    before = (Lead.objects.count(), FollowUp.objects.count(),
              Lead.objects.get(id=lead).version)
    resp = call(client, endpoint, lead)
    assert resp.status_code == expected, resp.content[:300]
    if expected >= 400:
        assert (Lead.objects.count(), FollowUp.objects.count(),
                Lead.objects.get(id=lead).version) == before, "a denied call changes nothing"
    if endpoint == "api list" and expected == 200:
        assert resp.json()["count"] == (1 if name in ("s1", "m1", "hq") else 0)
    if endpoint == "api conversion" and expected == 200:  # counts only leads in reach
        assert sum(r["leads"] for r in resp.json()["rows"]) == (
            1 if name in ("s1", "m1", "hq") else 0)
