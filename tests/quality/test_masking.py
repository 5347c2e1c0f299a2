"""Rejected values are personal data too: masked by the viewer's level in every surface, and
every look at them audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from django.test import Client

from autocrm.accounts.actor import actor_for
from autocrm.core.models import AuditEntry
from autocrm.pipeline import batch
from autocrm.quality import feedback
from autocrm.quality.models import Issue
from tests.factories import DMS_CUSTOMER_HEADER, dms_customer_row, make_user, write_csv

pytestmark = pytest.mark.django_db
BAD_ID = "11010519850312123"  # 17 characters: not an ID number


@pytest.fixture
def issues(tmp_path: Path) -> None:
    rows = [dms_customer_row("D11001", "C001", "刘洋", BAD_ID, "1391234567")]
    batch.run([("DMS", write_csv(tmp_path / "DMS" / "D11001" / "c.csv", DMS_CUSTOMER_HEADER,
                                 rows))], today=dt.date(2026, 11, 1))
    assert set(Issue.objects.values_list("field", "value")) >= {
        ("phone", "1391234567"), ("id_number", BAD_ID)}


def _values(path: Path) -> dict[str, str]:
    rows = list(openpyxl.load_workbook(path)["问题明细"].iter_rows(values_only=True))[1:]
    return {r[3]: r[4] for r in rows}


def test_the_dealer_report_masks_values_by_the_exporters_level(issues: None,
                                                               tmp_path: Path) -> None:
    manager = actor_for(make_user("dealer_manager", "D11001"))  # contact reveal, identity masked
    feedback.write_report("D11001", tmp_path / "m.xlsx", actor=manager)
    masked = _values(tmp_path / "m.xlsx")
    assert (masked["phone"], masked["id_number"]) == ("139****4567", "110105*******2123")
    feedback.write_report("D11001", tmp_path / "cli.xlsx")  # the operator's command line
    whole = _values(tmp_path / "cli.xlsx")
    assert (whole["phone"], whole["id_number"]) == ("1391234567", BAD_ID)


def test_the_back_office_issue_list_masks_values_and_is_audited(issues: None) -> None:
    client = Client()
    client.force_login(make_user("data_steward"))  # contact and identity: reveal
    page = client.get("/admin/quality/issue/").content.decode()
    assert "139****4567" in page and "1391234567" not in page
    assert BAD_ID not in page
    assert AuditEntry.objects.filter(action="view", object_type="issue_list").count() == 1
    issue = Issue.objects.get(field="phone")
    detail = client.get(f"/admin/quality/issue/{issue.id}/change/").content.decode()
    assert "139****4567" in detail and "1391234567" not in detail
    assert AuditEntry.objects.filter(action="view", object_type="issue",
                                     object_id=str(issue.id)).count() == 1
