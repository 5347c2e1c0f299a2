"""The dealer's error report, and corrected files clearing fixed rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from autocrm.pipeline import batch
from autocrm.quality import feedback
from autocrm.quality.models import Issue
from tests.factories import DMS_CUSTOMER_HEADER, dms_customer_row, write_csv

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 1)


def _dms(tmp: Path, name: str, rows: list[list[object]]) -> Path:
    return write_csv(tmp / "DMS" / "D11001" / name, DMS_CUSTOMER_HEADER, rows)


def test_report_lists_problems_and_a_corrected_file_clears_them(tmp_path: Path) -> None:
    first = _dms(tmp_path, "customers.csv", [
        dms_customer_row("D11001", "C001", "刘洋", None, "1391234"),
        dms_customer_row("D11001", "C002", "陈静", None, "13600136000"),
    ])
    batch.run([("DMS", first)], today=TODAY)
    out = tmp_path / "report.xlsx"
    assert feedback.write_report("D11001", out) == 1
    sheet = openpyxl.load_workbook(out)["问题明细"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("文件", "行号", "记录键", "字段", "原始值", "规则代码")
    assert rows[1][:6] == ("customers.csv", 2, "D11001|C001", "phone", "1391234",
                           "PHONE_TOO_SHORT")
    assert rows[1][9] == "待更正"
    assert "11" in rows[1][6]
    fixed = _dms(tmp_path, "customers_fixed.csv", [
        dms_customer_row("D11001", "C001", "刘洋", None, "13912340000"),
    ])
    batch.run([("DMS", fixed)], today=TODAY)
    assert Issue.objects.get(rule="PHONE_TOO_SHORT").resolved_by is not None
    assert feedback.write_report("D11001", out) == 0
    scores = list(openpyxl.load_workbook(out)["质量得分"].iter_rows(values_only=True))
    assert [r[1:] for r in scores[1:]] == [("customers.csv", 2, 1, 0, 0.5),
                                           ("customers_fixed.csv", 1, 0, 0, 1.0)]


def test_other_dealers_issues_are_not_in_the_report(tmp_path: Path) -> None:
    other = write_csv(tmp_path / "DMS" / "D11002" / "customers.csv", DMS_CUSTOMER_HEADER,
                      [dms_customer_row("D11002", "C001", "王强", None, "1360013")])
    batch.run([("DMS", other)], today=TODAY)
    assert feedback.write_report("D11001", tmp_path / "r.xlsx") == 0
    assert feedback.write_report("D11002", tmp_path / "r2.xlsx") == 1
