"""The audit log page with its filters, and its export."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.conf import settings
from django.test import Client

from autocrm.core import audit
from autocrm.core.models import AuditEntry
from tests.factories import make_user

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo(settings.TIME_ZONE)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def _record(at: dt.datetime, *args: Any, **kwargs: Any) -> AuditEntry:
    with mock.patch("django.utils.timezone.now", return_value=at):
        return audit.record(*args, **kwargs)


@pytest.fixture
def entries() -> dict[str, Any]:
    """Three entries across a local midnight, by two users, plus the users' own creation."""
    alice, bob = make_user("crm_manager", username="alice"), make_user("cc_agent", username="bob")
    view = _record(_at(dt.date(2026, 10, 30), 10), "view", "customer", 7, actor=alice,
                   customer_id=7, channel="web")
    reveal = _record(_at(dt.date(2026, 10, 31), 23, 30), "reveal", "customer", 7, actor=alice,
                     customer_id=7, field="phone", reason="回访")
    late = _record(_at(dt.date(2026, 11, 1), 0, 30), "view", "customer", 8, actor=bob,
                   customer_id=8, channel="api")
    return {"auditor": make_user("it_admin"), "alice": alice, "view": view, "reveal": reveal,
            "late": late}


def _ids(body: bytes) -> list[int]:
    return [int(i) for i in re.findall(rb'<tr data-entry="(\d+)"', body)]


@pytest.mark.parametrize(("query", "expected"), [
    ("user=alice", ["reveal", "view"]),
    ("customer=7&action=view", ["view"]),
    ("action=view", ["late", "view"]),
    ("since=2026-10-31&until=2026-10-31", ["reveal"]),
    ("since=2026-11-01&until=2026-11-01", ["late"]),
    ("since=2026-10-30&until=2026-10-31&user=alice", ["reveal", "view"]),
    ("customer=8&user=alice", []),
])
def test_audit_log_filters(entries: dict[str, Any], query: str, expected: list[str]) -> None:
    resp = client_for(entries["auditor"]).get(f"/audit/?{query}")
    assert resp.status_code == 200
    assert _ids(resp.content) == [entries[k].id for k in expected]


def test_audit_log_ignores_an_invalid_filter_and_shows_newest_first(
        entries: dict[str, Any]) -> None:
    resp = client_for(entries["auditor"]).get("/audit/?customer=abc&action=nonsense")
    assert _ids(resp.content) == list(AuditEntry.objects.order_by("-at", "-id")
                                      .values_list("id", flat=True))
    assert resp.context["form"].errors.keys() == {"customer", "action"}


def test_audit_log_pages_by_fifty(entries: dict[str, Any]) -> None:
    for i in range(52):
        audit.record("search", "customer", i, actor=entries["alice"])
    client = client_for(entries["auditor"])
    first = _ids(client.get("/audit/?action=search").content)
    second = _ids(client.get("/audit/?action=search&page=2").content)
    newest = list(AuditEntry.objects.filter(action="search").order_by("-at", "-id")
                  .values_list("id", flat=True))
    assert (first, second) == (newest[:50], newest[50:])
    assert len(second) == 2


def test_audit_export_writes_the_filtered_rows_and_logs_itself(entries: dict[str, Any]) -> None:
    resp = client_for(entries["auditor"]).get("/audit/export.xlsx?user=alice&page=3")
    assert resp.status_code == 200
    assert resp["Content-Disposition"].startswith('attachment; filename="audit-log-')
    book = openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows == [
        ("时间 Time", "用户 User", "操作 Action", "对象类型 Object type", "对象 Object",
         "客户 Customer", "详情 Detail"),
        ("2026-10-31 23:30:00", "alice", "reveal", "customer", "7", 7,
         '{"field": "phone", "reason": "回访"}'),
        ("2026-10-30 10:00:00", "alice", "view", "customer", "7", 7, '{"channel": "web"}'),
    ]
    logged = AuditEntry.objects.order_by("-id").first()
    assert logged is not None
    assert (logged.action, logged.object_type, logged.object_id, logged.actor) == (
        "export", "audit_log", "*", entries["auditor"])
    assert logged.detail == {"rows": 2, "filters": {"user": "alice"}}


def test_audit_export_of_dates_logs_the_filters_as_text(entries: dict[str, Any]) -> None:
    resp = client_for(entries["auditor"]).get("/audit/export.xlsx?since=2026-11-01")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    exported = [r[2] for r in book.active.iter_rows(min_row=2, values_only=True)]
    after = AuditEntry.objects.filter(at__gte=_at(dt.date(2026, 11, 1), 0)).exclude(
        action="export")
    assert exported == list(after.order_by("-at", "-id").values_list("action", flat=True))
    assert AuditEntry.objects.get(action="export").detail == {
        "rows": len(exported), "filters": {"since": "2026-11-01"}}


@pytest.mark.parametrize("url", ["/audit/", "/audit/export.xlsx"])
def test_audit_pages_need_a_login_and_the_audit_right(entries: dict[str, Any], url: str) -> None:
    before = AuditEntry.objects.count()
    anonymous = Client().get(url)
    assert (anonymous.status_code, anonymous["Location"]) == (
        302, f"/accounts/login/?next={url}")
    denied = client_for(entries["alice"]).get(url)
    assert denied.status_code == 403
    assert b'data-code="forbidden"' in denied.content
    assert AuditEntry.objects.count() == before
