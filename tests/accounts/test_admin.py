"""The back office opens by role right, and masks personal data there too."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import ZHANG_ID, make_user

pytestmark = pytest.mark.django_db


def client_for(role: str, dealer: str | None = None) -> Client:
    client = Client()
    client.force_login(make_user(role, dealer))
    return client


@pytest.mark.parametrize(("role", "dealer", "url", "status"), [
    ("data_steward", None, "/admin/customers/heldchange/", 200),
    ("data_steward", None, "/admin/identity/mergeproposal/", 200),
    ("data_steward", None, "/admin/sources/sourcerecord/", 200),
    ("data_steward", None, "/admin/auth/user/", 403),
    ("data_steward", None, "/admin/core/auditentry/", 403),
    ("it_admin", None, "/admin/auth/user/", 200),
    ("it_admin", None, "/admin/accounts/role/", 200),
    ("it_admin", None, "/admin/core/auditentry/", 200),
    ("it_admin", None, "/admin/customers/customer/", 403),
    ("analyst", None, "/admin/", 302),
    ("dealer_manager", "D11001", "/admin/", 302),
    ("dealer_manager", "D11001", "/admin/sources/load/", 302),
])
def test_back_office_opens_by_right(role: str, dealer: str | None, url: str,
                                    status: int) -> None:
    resp = client_for(role, dealer).get(url)
    assert resp.status_code == status
    if status == 302:
        assert resp["Location"].startswith("/admin/login/")


def test_steward_sees_customers_masked_in_the_back_office(two_dealers: dict[str, int]) -> None:
    ids = two_dealers
    client = client_for("data_steward")
    listing = client.get("/admin/customers/customer/").content.decode()
    assert "138****8000" in listing and "13800138000" not in listing
    page = client.get(f"/admin/customers/customer/{ids['zhang']}/change/").content.decode()
    assert ZHANG_ID not in page and ZHANG_ID[:6] + "********" + ZHANG_ID[-4:] in page
    assert f'href="/customers/{ids["zhang"]}/"' in page
    from autocrm.sources.models import SourceRecord

    fin = SourceRecord.objects.get(customer_id=ids["zhang"], source="FIN")
    records = client.get(f"/admin/sources/sourcerecord/{fin.id}/change/").content.decode()
    assert "13800138000" not in records and "138****8000" in records


def test_audit_entries_cannot_be_changed_in_the_back_office() -> None:
    from autocrm.core.models import AuditEntry

    client = client_for("it_admin")
    entry = AuditEntry.objects.get()
    resp = client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert resp.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_role_admin_lists_every_right_declared_once() -> None:
    from django.contrib import admin

    from autocrm.accounts.models import Role
    from autocrm.accounts.rights import FLAGS, PII_KINDS

    role_admin = admin.site._registry[Role]
    assert role_admin.list_display == ("code", "name", "department", *PII_KINDS, *FLAGS)
    assert role_admin.list_editable == (*PII_KINDS, *FLAGS)
    fields = {f.name: f.get_internal_type() for f in Role._meta.get_fields()}
    assert {fields[f] for f in FLAGS} == {"BooleanField"}
