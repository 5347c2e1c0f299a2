"""Bad input gets a clear error naming file, row and field, and loses nothing else."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from autocrm.core.errors import InputError
from autocrm.customers.models import Customer
from autocrm.pipeline import batch
from autocrm.quality.models import Issue
from autocrm.sources.models import Load
from tests.factories import DMS_CUSTOMER_HEADER, dms_customer_row, ric, write_csv

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 1)


def _dms(root: Path, name: str, rows: list[list[object]], dealer: str = "D11001") -> Path:
    return write_csv(root / "DMS" / dealer / name, DMS_CUSTOMER_HEADER, rows)


def test_an_over_long_cell_is_a_field_issue_and_the_other_files_load(tmp_path: Path) -> None:
    huge = dms_customer_row("D11001", "C001", "刘洋", None, "13912340000",
                            address="北京市" + "长" * 200_000)  # 600 KB: over csv's 128 KiB
    bad = _dms(tmp_path, "huge.csv", [huge])
    good = _dms(tmp_path, "good.csv", [dms_customer_row("D11002", "C9", "陈静", None,
                                                        "13600136000")], dealer="D11002")
    report = batch.run([("DMS", bad), ("DMS", good)], today=TODAY)
    assert [(f.status, f.rows_loaded) for f in report.files] == [("loaded", 1), ("loaded", 1)]
    issue = Issue.objects.get(rule="CELL_TOO_LONG")
    assert (issue.file_name, issue.row_no, issue.field, issue.severity) == (
        "huge.csv", 2, "address", "field")
    assert len(issue.value) == 200
    assert sorted(Customer.objects.values_list("name", "address")) == [
        ("刘洋", ""), ("陈静", "朝阳区建国路88号")]


def test_a_nul_byte_is_removed_with_a_warning(tmp_path: Path) -> None:
    path = _dms(tmp_path, "nul.csv", [dms_customer_row("D11001", "C001", "刘洋", None,
                                                       "13912340000", address="海淀\x00区1号")])
    batch.run([("DMS", path)], today=TODAY)
    assert Customer.objects.get().address == "海淀区1号"
    issue = Issue.objects.get(rule="NUL_REMOVED")
    assert (issue.row_no, issue.field, issue.value, issue.severity) == (
        2, "address", "海淀区1号", "warning")


def test_a_failed_file_keeps_its_dealer(tmp_path: Path) -> None:
    broken = tmp_path / "DMS" / "D11003" / "customers.xlsx"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"")
    report = batch.run([("DMS", broken)], today=TODAY)
    assert report.files[0].status == "failed"
    assert report.files[0].error == "customers.xlsx: 文件为空"
    load = Load.objects.get()
    assert (load.status, load.dealer_code, load.file_name) == ("failed", "D11003",
                                                               "customers.xlsx")


def test_an_unknown_source_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = _dms(tmp_path, "c.csv", [dms_customer_row("D11001", "C1", "刘洋", None, None)])
    with pytest.raises(InputError, match="未知的来源系统 'XYZ'"):
        batch.run([("DMS", path), ("XYZ", path)], today=TODAY)
    assert not Load.objects.exists()


def test_a_bad_row_sent_again_in_new_bytes_reconfirms_its_issue(tmp_path: Path) -> None:
    rows = [dms_customer_row("D11001", "C001", "刘洋", ric(), "1391234")]
    first = _dms(tmp_path, "a.csv", rows)
    again = _dms(tmp_path, "b.csv", rows)
    again.write_bytes(again.read_bytes() + b"\r\n")  # other bytes, the same rows
    batch.run([("DMS", first)], today=TODAY)
    before = sorted(Issue.objects.values_list("record_key", "field", "rule"))
    report = batch.run([("DMS", again)], today=TODAY)
    assert report.files[0].status == "loaded"
    assert sorted(Issue.objects.values_list("record_key", "field", "rule")) == before
    assert Issue.objects.filter(resolved_by__isnull=True).count() == len(before)
