"""Resident ID numbers, USCC and VINs, value by value."""

from __future__ import annotations

import random
from datetime import date

import polars as pl
import pytest
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from autocrm.quality import normalize as nz
from autocrm.quality.identifiers import region_years
from tests.quality.helpers import (
    CHINESE_VIN,
    RAW,
    TODAY,
    VALID_RIC,
    VALID_VIN,
    make_ric,
    one,
    run,
    run_frame,
)  # fmt: skip

# --- resident ID numbers and USCC ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "rule", "kind"),
    [
        (VALID_RIC, VALID_RIC, None, "ric"),
        ("11010519491231002x", VALID_RIC, None, "ric"),
        (" 110105 19491231 002X ", VALID_RIC, None, "ric"),
        ("１１０１０５１９４９１２３１００２Ｘ", VALID_RIC, None, "ric"),
        ("'11010519491231002X", VALID_RIC, None, "ric"),
        ("110105194912310021", None, "ID_CHECKSUM", None),
        ("4.10101E+17", None, "ID_EXCEL_MANGLED", None),
        ("4.10101199001e+17", None, "ID_EXCEL_MANGLED", None),
        ("110105194912310000", None, "ID_EXCEL_MANGLED", None),
        ("12345", None, "ID_FORMAT", None),
        ("1101051949123100211", None, "ID_FORMAT", None),
        ("110105491231002", VALID_RIC, "ID_15_CONVERTED", "ric"),
        (make_ric("11010519491331002"), None, "ID_BIRTHDATE", None),
        (make_ric("11010520990101002"), None, "ID_BIRTHDATE", None),
        (make_ric("11010518991231002"), None, "ID_BIRTHDATE", None),
        (make_ric("99010519491231002"), None, "ID_REGION", None),
        (make_ric("11011519900101001"), None, "ID_REGION", None),  # 大兴区 code from 2001
        (make_ric("11011520010101001"), make_ric("11011520010101001"), None, "ric"),
        ("91110000600037341L", "91110000600037341L", None, "uscc"),
        ("91110000600037341M", None, "USCC_INVALID", None),
        (None, None, None, None),
    ],
)
def test_id_number(raw: str | None, value: str | None, rule: str | None, kind: str | None) -> None:
    assert one(nz.normalise_id_number(RAW, TODAY), raw) == (value, rule, kind)


def test_id_number_of_another_document_is_kept_unchecked() -> None:
    frame = pl.DataFrame({"raw": ["e12345678", VALID_RIC], "type": ["护照", "居民身份证"]})
    result = nz.normalise_id_number(RAW, TODAY, pl.col("type"))
    assert run_frame(frame, result) == [("E12345678", None, "other"), (VALID_RIC, None, "ric")]


def test_ric_verdict_matches_stdnum() -> None:
    rng = random.Random(7)
    codes = list(region_years()[0])
    numbers = []
    for _ in range(3000):
        region = rng.choice(codes) if rng.random() < 0.9 else rng.randrange(100000, 999999)
        born = date.fromordinal(rng.randrange(date(1900, 1, 1).toordinal(), TODAY.toordinal()))
        first17 = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
        numbers.append(make_ric(first17) if rng.random() < 0.8 else first17 + rng.choice("0X"))
    kinds = [row[2] for row in run(nz.normalise_id_number(RAW, TODAY), numbers)]
    assert [k == "ric" for k in kinds] == [_stdnum_valid(n) for n in numbers]


def test_mistyped_ric_is_never_taken_for_an_all_digit_uscc() -> None:
    typo = "110105194912310005"  # RIC check digit wrong, but a valid USCC check char
    assert stdnum_uscc.is_valid(typo)
    assert one(nz.normalise_id_number(RAW, TODAY), typo) == (None, "ID_CHECKSUM", None)


def test_all_digit_uscc_is_accepted() -> None:
    code = "913100001322008072"
    assert stdnum_uscc.is_valid(code)
    assert one(nz.normalise_id_number(RAW, TODAY), code) == (code, None, "uscc")


def _stdnum_valid(number: str) -> bool:
    try:
        return stdnum_ric.is_valid(number)
    except KeyError:  # stdnum trips over a province-only match; it is not a valid number
        return False


# --- VIN ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [
        (VALID_VIN, VALID_VIN, None),
        ("1m8gdm9axkp042788", VALID_VIN, None),
        ("1M8 GDM9AXKP-042788", VALID_VIN, None),
        ("１Ｍ８ＧＤＭ９ＡＸＫＰ０４２７８８", VALID_VIN, None),
        ("11111111111111111", "11111111111111111", None),
        ("1M8GDM9AXKPO42788", VALID_VIN, "VIN_OIQ_FIXED"),
        (CHINESE_VIN, CHINESE_VIN, None),
        (CHINESE_VIN[:10] + CHINESE_VIN[10:].replace("0", "O"), CHINESE_VIN, "VIN_OIQ_FIXED"),
        (CHINESE_VIN[:10] + CHINESE_VIN[10:].replace("1", "I"), CHINESE_VIN, "VIN_OIQ_FIXED"),
        (CHINESE_VIN[:10] + CHINESE_VIN[10:].replace("0", "Q"), CHINESE_VIN, "VIN_OIQ_FIXED"),
        ("1M8GDM9AXKP042789", None, "VIN_CHECK_DIGIT"),
        ("1M8GDM9AXKPO42789", None, "VIN_CHECK_DIGIT"),
        ("1M8GDM9AXKP04278", None, "VIN_LENGTH"),
        ("1M8GDM9AXKP0427888", None, "VIN_LENGTH"),
        ("1M8GDM9AXKP0427!8", None, "VIN_FORMAT"),
        (None, None, None),
    ],
)
def test_vin(raw: str | None, value: str | None, rule: str | None) -> None:
    assert one(nz.normalise_vin(RAW), raw) == (value, rule)
