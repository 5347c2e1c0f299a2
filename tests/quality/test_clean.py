"""clean(): surviving rows with typed values, and one issue row per problem."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from autocrm.quality.clean import ISSUE_SCHEMA, clean

TODAY = date(2024, 6, 1)
VALID_RIC = "11010519491231002X"
VALID_VIN = "1M8GDM9AXKP042788"


def frame(rows: dict[str, list]) -> pl.DataFrame:
    """Build a raw canonical frame: every column Utf8, plus _row numbered from 2."""
    height = len(next(iter(rows.values())))
    return pl.DataFrame({"_row": range(2, height + 2), **rows}).with_columns(
        pl.exclude("_row").cast(pl.Utf8)
    )


def test_row_missing_a_required_field_is_dropped_with_its_issues() -> None:
    raw = frame({
        "customer_no": ["C1", "C2", " "],
        "name": ["张伟", "王先生", "李娜"],
        "phone": ["13800138000", "1380013800", "13900139000"],
    })  # fmt: skip
    result = clean(raw, ["customer_no", "name"], TODAY)
    assert result.frame.rows() == [(2, "C1", "张伟", "13800138000", "person", None)]
    assert result.issues.rows() == [
        (3, "name", "王先生", "NAME_TITLE_ONLY", "field"),
        (3, "name", "王先生", "REQUIRED_MISSING", "row"),
        (3, "phone", "1380013800", "PHONE_TOO_SHORT", "field"),
        (4, "customer_no", " ", "REQUIRED_MISSING", "row"),
    ]


def test_required_id_number_reports_the_cause_and_rejects_the_row() -> None:
    raw = frame({"name": ["张伟", "李娜"], "id_number": [VALID_RIC, "110105194912310021"]})
    result = clean(raw, ["name", "id_number"], TODAY)
    assert result.frame.rows() == [(2, "张伟", VALID_RIC, "person", "ric")]
    assert result.issues.rows() == [
        (3, "id_number", "110105194912310021", "ID_CHECKSUM", "field"),
        (3, "id_number", "110105194912310021", "REQUIRED_MISSING", "row"),
    ]


def test_field_problems_and_warnings_keep_the_row() -> None:
    raw = frame({
        "vin": ["1M8GDM9AXKPO42788"],
        "phone": ["+86 138-0013-8000"],
        "gender": ["x"],
    })  # fmt: skip
    result = clean(raw, ["vin"], TODAY)
    assert result.frame.rows() == [(2, VALID_VIN, "13800138000", None, None, None)]
    assert result.issues.select("field", "rule", "severity").rows() == [
        ("vin", "VIN_OIQ_FIXED", "warning"),
        ("phone", "PHONE_NORMALISED", "warning"),
        ("gender", "GENDER_UNKNOWN", "field"),
    ]


def test_values_come_out_typed() -> None:
    raw = frame({
        "event_date": ["2023/5/1 8:30"],
        "birth_date": ["1980年5月1日"],
        "insurance_end": ["2030-12-31"],
        "amount": ["¥12,800.50"],
        "mileage": ["12,345km"],
        "gender": ["女"],
        "plate": ["京a 12345"],
        "address": ["北京市海淀区中关村大街１号"],
    })  # fmt: skip
    result = clean(raw, [], TODAY)
    assert result.frame.schema == pl.Schema({
        "_row": pl.Int64, "event_date": pl.Datetime("us"), "birth_date": pl.Date,
        "insurance_end": pl.Date, "amount": pl.Float64, "mileage": pl.Int64,
        "gender": pl.Utf8, "plate": pl.Utf8, "address": pl.Utf8, "name_kind": pl.Utf8,
        "id_kind": pl.Utf8,
    })  # fmt: skip
    assert result.frame.row(0) == (
        2, datetime(2023, 5, 1, 8, 30), date(1980, 5, 1), date(2030, 12, 31), 12800.5, 12345,
        "F", "京A12345", "北京市海淀区中关村大街1号", None, None,
    )  # fmt: skip
    assert result.issues.height == 0


def test_company_with_uscc_is_not_held_to_person_rules() -> None:
    raw = frame(
        {"name": ["华信", "北京华信科技有限公司"], "id_number": ["91110000600037341L", None]}
    )
    result = clean(raw, ["name"], TODAY)
    assert result.frame.select("name", "name_kind", "id_kind").rows() == [
        ("华信", "company", "uscc"),
        ("北京华信科技有限公司", "company", None),
    ]
    assert result.issues.height == 0


def test_typed_xlsx_columns() -> None:
    raw = pl.DataFrame({
        "_row": [2, 3],
        "phone": [13800138000.0, 1380013800.0],
        "id_number": [4.10101199001e17, None],
        "event_date": [date(2023, 5, 1), date(2099, 1, 1)],
        "loan_terms": [36, 0],
    })  # fmt: skip
    result = clean(raw, [], TODAY)
    assert result.frame.select("phone", "id_number", "event_date", "loan_terms").rows() == [
        ("13800138000", None, datetime(2023, 5, 1), 36),
        (None, None, None, None),
    ]
    assert result.issues.rows() == [
        (2, "id_number", "4.10101199001e+17", "ID_EXCEL_MANGLED", "field"),
        (3, "phone", "1380013800", "PHONE_TOO_SHORT", "field"),
        (3, "event_date", "2099-01-01", "DATE_FUTURE", "field"),
        (3, "loan_terms", "0", "VALUE_OUT_OF_RANGE", "field"),
    ]


def test_missing_required_column_rejects_every_row() -> None:
    result = clean(frame({"name": ["张伟"]}), ["name", "vin"], TODAY)
    assert result.frame.height == 0
    assert result.issues.rows() == [(2, "vin", None, "REQUIRED_MISSING", "row")]


def test_unknown_columns_are_cleaned_as_text() -> None:
    result = clean(frame({"favourite_colour": [" 红色 ", "无"]}), [], TODAY)
    assert result.frame["favourite_colour"].to_list() == ["红色", None]


def test_empty_frame() -> None:
    raw = pl.DataFrame(schema={"_row": pl.Int64, "name": pl.Utf8, "event_date": pl.Utf8})
    result = clean(raw, ["name"], TODAY)
    assert result.frame.height == 0
    assert result.frame.columns == ["_row", "name", "event_date", "name_kind", "id_kind"]
    assert result.issues.schema == pl.Schema(ISSUE_SCHEMA)


def test_issues_are_ordered_by_row() -> None:
    raw = frame({"phone": ["1", "13800138000", "2"], "vin": ["x", None, "y"]})
    result = clean(raw, [], TODAY)
    assert result.issues.select("_row", "field").rows() == [
        (2, "phone"), (2, "vin"), (4, "phone"), (4, "vin"),
    ]  # fmt: skip
