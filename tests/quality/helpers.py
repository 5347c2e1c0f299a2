"""Helpers to evaluate one builder over a few values."""

from __future__ import annotations

from datetime import date

import polars as pl
from stdnum.cn import ric as stdnum_ric

from autocrm.quality.text import Normalised, with_steps

TODAY = date(2024, 6, 1)
VALID_RIC = "11010519491231002X"
VALID_VIN = "1M8GDM9AXKP042788"
_VIN_VALUES = dict(zip("0123456789ABCDEFGHJKLMNPRSTUVWXYZ", [*range(10), *range(1, 9),
                       *range(1, 6), 7, 9, *range(2, 10)], strict=True))  # fmt: skip


def run_frame(frame: pl.DataFrame, result: Normalised) -> list[tuple]:
    """Evaluate a builder over a frame; rows of (value, rule[, kind])."""
    exprs = [result.value.alias("value"), result.rule.alias("rule")]
    if result.kind is not None:
        exprs.append(result.kind.alias("kind"))
    return with_steps(frame.lazy(), [result]).select(exprs).collect().rows()


def run(result: Normalised, values: list, dtype: pl.DataType = pl.Utf8) -> list[tuple]:
    """Evaluate a builder made on pl.col("raw") over values."""
    return run_frame(pl.DataFrame({"raw": values}, schema={"raw": dtype}), result)


def one(result: Normalised, value: object, dtype: pl.DataType = pl.Utf8) -> tuple:
    """Evaluate a builder on a single value."""
    return run(result, [value], dtype)[0]


def make_ric(first17: str) -> str:
    """Append the correct check digit (computed by stdnum) to 17 digits."""
    return first17 + stdnum_ric.calc_check_digit(first17 + "0")


def make_vin(vin: str) -> str:
    """Put the correct ISO 3779 check digit at position 9 of a 17-character VIN."""
    weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
    rest = sum(_VIN_VALUES[c] * w for c, w in zip(vin, weights, strict=True)) % 11
    return vin[:8] + ("X" if rest == 10 else str(rest)) + vin[9:]


RAW = pl.col("raw")
CHINESE_VIN = make_vin("LSVAB2180E2100017")
