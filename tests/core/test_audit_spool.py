"""A read logged while a load holds SQLite's database is spooled, not waited for, and lands in
the log with its own time once the database is free."""

from __future__ import annotations

import sqlite3
import time

import pytest
from django.db import connection

from autocrm.core import audit
from autocrm.core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_access_entry_while_the_database_is_held_is_spooled_then_drained() -> None:
    if connection.vendor != "sqlite":
        audit.record_access("view", "customer", 7, customer_id=7)
        assert AuditEntry.objects.filter(action="view", customer_id=7).count() == 1
        return
    writer = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # as a load does, until it commits
    start = time.perf_counter()
    audit.record_access("view", "customer", 7, customer_id=7, channel="web")
    waited = time.perf_counter() - start
    assert AuditEntry.objects.count() == 0
    assert audit.drain() == 0  # still held: stays spooled
    writer.execute("COMMIT")
    writer.close()
    assert audit.drain() == 1
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id, entry.customer_id, entry.detail) == (
        "view", "7", 7, {"channel": "web"})
    assert waited < 1.0
    assert audit.drain() == 0  # the spool is empty


def test_the_next_access_entry_that_gets_through_brings_the_spooled_ones() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL writes every entry at once")
    writer = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    audit.record_access("reveal", "customer", 8, customer_id=8, field="phone", reason="回访")
    writer.execute("COMMIT")
    writer.close()
    audit.record_access("view", "customer", 9, customer_id=9)
    assert sorted(AuditEntry.objects.values_list("action", "customer_id")) == [
        ("reveal", 8), ("view", 9)]
    first = AuditEntry.objects.get(action="reveal")
    assert first.at < AuditEntry.objects.get(action="view").at  # its own time, not the drain's
