"""Dates and date-times in every format real exports use."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from autocrm.quality import normalize as nz
from tests.quality.helpers import RAW, TODAY, one

# --- dates --------------------------------------------------------------------------------

MAY_1 = datetime(2023, 5, 1)
MAY_1_0830 = datetime(2023, 5, 1, 8, 30)


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [
        ("2023-05-01", MAY_1, None),
        ("2023/5/1", MAY_1, None),
        ("2023-5-1", MAY_1, None),
        ("2023-5-1 08:30", MAY_1_0830, None),
        ("2023/05/01 08:30:00", MAY_1_0830, None),
        ("2023-05-01 08:30:00.123", MAY_1_0830, None),
        ("2023-05-01T08:30:00", MAY_1_0830, None),
        ("20230501", MAY_1, None),
        ("202305010830", MAY_1_0830, None),
        ("2023年5月1日", MAY_1, None),
        ("2023年5月1日 8时30分", MAY_1_0830, None),
        ("2023.05.01", MAY_1, None),
        ("2023.5.1 8:30", MAY_1_0830, None),
        ("２０２３－０５－０１", MAY_1, None),
        ("44927", datetime(2023, 1, 1), None),
        ("44927.5", datetime(2023, 1, 1, 12), None),
        ("2099-01-01", None, "DATE_FUTURE"),
        ("1899-05-01", None, "DATE_BEFORE_1900"),
        ("2023-02-30", None, "DATE_UNPARSEABLE"),
        ("2023-13-01", None, "DATE_UNPARSEABLE"),
        ("abc", None, "DATE_UNPARSEABLE"),
        ("0", None, "DATE_UNPARSEABLE"),
        ("1980", None, "DATE_UNPARSEABLE"),
        ("23/5/1", None, "DATE_UNPARSEABLE"),
        ("5/1/2023", None, "DATE_UNPARSEABLE"),
        ("1899", None, "DATE_UNPARSEABLE"),
        ("2024-06-01 23:59", datetime(2024, 6, 1, 23, 59), None),
        ("无", None, None),
        (None, None, None),
    ],
)
def test_datetime_text(raw: str | None, value: datetime | None, rule: str | None) -> None:
    assert one(nz.normalise_date(RAW, TODAY, with_time=True), raw) == (value, rule)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("2023-05-01", date(2023, 5, 1)),
        ("2023-5-1 08:30", date(2023, 5, 1)),
        ("44927.5", date(2023, 1, 1)),
    ],
)
def test_date_drops_time(raw: str, value: date) -> None:
    assert one(nz.normalise_date(RAW, TODAY), raw) == (value, None)


@pytest.mark.parametrize(
    ("raw", "dtype", "value"),
    [
        (44927, pl.Int64(), date(2023, 1, 1)),
        (44927.0, pl.Float64(), date(2023, 1, 1)),
        (20230501, pl.Int64(), date(2023, 5, 1)),
        (date(2023, 5, 1), pl.Date(), date(2023, 5, 1)),
        (MAY_1_0830, pl.Datetime("ms"), date(2023, 5, 1)),
    ],
)
def test_date_from_typed_xlsx_column(raw: object, dtype: pl.DataType, value: date) -> None:
    assert one(nz.normalise_date(RAW, TODAY, dtype), raw, dtype) == (value, None)


def test_typed_date_in_the_future_is_flagged() -> None:
    result = nz.normalise_date(RAW, TODAY, pl.Date())
    assert one(result, date(2099, 1, 1), pl.Date()) == (None, "DATE_FUTURE")


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [("2030-12-31", date(2030, 12, 31), None), ("9999-12-31", None, "DATE_FUTURE")],
)
def test_date_where_the_future_is_normal(raw: str, value: date | None, rule: str | None) -> None:
    assert one(nz.normalise_date(RAW, TODAY, future_ok=True), raw) == (value, rule)
