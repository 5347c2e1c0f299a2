"""The audit log is append-only in the database itself."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from autocrm.core import audit
from autocrm.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_entries_cannot_be_updated_even_with_sql() -> None:
    entry = audit.record("view", "customer", 1, customer_id=1)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(PermissionError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "view"


def test_entries_cannot_be_deleted() -> None:
    entry = audit.record("view", "customer", 1, customer_id=1)
    with pytest.raises(PermissionError):
        entry.delete()
    if connection.vendor == "postgresql":
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
