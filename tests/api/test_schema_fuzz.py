"""The OpenAPI schema (for signed-in callers only) fuzzed against the live server: never a 5xx."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error

from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _token(live_server: Any, role: str, dealer: str | None) -> str:
    from autocrm.accounts import services

    return services.issue_token(make_user(role, dealer))[0]


@pytest.fixture(params=[("crm_manager", None), ("dealer_sales", "D11001")],
                ids=["hq", "dealer"])
def api_schema(request: pytest.FixtureRequest, live_server: Any, two_dealers: Any) -> Any:
    token = _token(live_server, *request.param)
    auth = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/openapi.json", headers=auth)
    schema.config.update(base_url=live_server.url, headers=auth)
    schema.config.generation.update(max_examples=20)
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_no_server_errors(case: Any) -> None:
    case.call_and_validate(checks=[not_a_server_error])
