"""Text, names, phones, gender, numbers, plates and codes, value by value."""

from __future__ import annotations

import polars as pl
import pytest

from autocrm.quality import normalize as nz
from autocrm.quality.text import as_text, half_width, tidy
from tests.quality.helpers import RAW, one, run_frame

# --- text helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "punctuation", "expected"),
    [
        ("ＡＢＣ１２３", True, "ABC123"),
        ("（Ｔｅｓｔ），", True, "(Test),"),
        ("你好，世界１", False, "你好，世界1"),
        ("a\u3000b", False, "a b"),
        ("plain", True, "plain"),
    ],
)
def test_half_width(raw: str, punctuation: bool, expected: str) -> None:
    out = pl.select(half_width(pl.lit(raw), punctuation)).item()
    assert out == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" 北京 ", "北京"), ("无", None), ("NULL", None), ("-", None), ("\u3000", None), (None, None)],
)
def test_tidy(raw: str | None, expected: str | None) -> None:
    assert pl.DataFrame({"raw": [raw]}, schema={"raw": pl.Utf8}).select(tidy(RAW)).item() == (
        expected
    )


def test_as_text_renders_xlsx_numbers_as_shown() -> None:
    frame = pl.DataFrame({"raw": [13800138000.0, 4.10101199001e17, 1.5, None]})
    assert frame.select(as_text(RAW, pl.Float64())).to_series().to_list() == [
        "13800138000", "4.10101199001e+17", "1.5", None,
    ]  # fmt: skip


# --- phones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [
        ("13800138000", "13800138000", None),
        (" 138 0013 8000 ", "13800138000", None),
        ("+86 138-0013-8000", "13800138000", "PHONE_NORMALISED"),
        ("１３８００１３８０００", "13800138000", "PHONE_NORMALISED"),
        ("0086-13800138000", "13800138000", "PHONE_NORMALISED"),
        ("8613800138000", "13800138000", "PHONE_NORMALISED"),
        ("(138)0013.8000", "13800138000", "PHONE_NORMALISED"),
        ("'13800138000", "13800138000", "PHONE_NORMALISED"),
        ("13800138000/13900139000", "13800138000", "PHONE_MULTIPLE"),
        ("13800138000；139-0013-9000", "13800138000", "PHONE_MULTIPLE"),
        ("1380013800", None, "PHONE_TOO_SHORT"),
        ("62345678", None, "PHONE_TOO_SHORT"),
        ("010-62345678", None, "PHONE_LANDLINE"),
        ("0755-1234567", None, "PHONE_LANDLINE"),
        ("(0755)12345678", None, "PHONE_LANDLINE"),
        ("12800138000", None, "PHONE_INVALID"),
        ("138001380001", None, "PHONE_INVALID"),
        ("abc", None, "PHONE_INVALID"),
        ("1.38001E+10", None, "NUMBER_EXCEL_MANGLED"),
        ("无", None, None),
        (None, None, None),
    ],
)
def test_phone(raw: str | None, value: str | None, rule: str | None) -> None:
    assert one(nz.normalise_phone(RAW), raw) == (value, rule)


def test_phone_from_xlsx_number_is_silent() -> None:
    result = nz.normalise_phone(as_text(RAW, pl.Float64()))
    assert one(result, 13800138000.0, pl.Float64()) == ("13800138000", None)


# --- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "rule", "kind"),
    [
        ("张伟", "张伟", None, "person"),
        ("张 伟", "张伟", None, "person"),
        ("张\u3000三 丰", "张三丰", None, "person"),
        ("欧阳娜娜", "欧阳娜娜", None, "person"),
        ("买买提•艾力", "买买提·艾力", None, "person"),
        ("John  Smith", "John Smith", None, "person"),
        ("Ｊｏｈｎ", "John", None, "person"),
        ("王先生", None, "NAME_TITLE_ONLY", "person"),
        ("李女士", None, "NAME_TITLE_ONLY", "person"),
        ("赵小姐", None, "NAME_TITLE_ONLY", "person"),
        ("欧阳先生", None, "NAME_TITLE_ONLY", "person"),
        ("先生", None, "NAME_TITLE_ONLY", "person"),
        ("王", None, "NAME_TOO_SHORT", "person"),
        ("张伟2", None, "NAME_INVALID", "person"),
        ("13800138000", None, "NAME_INVALID", "person"),
        ("客户", None, "NAME_INVALID", "person"),
        ("北京华信科技有限公司", "北京华信科技有限公司", None, "company"),
        ("华信(集团)有限公司", "华信（集团）有限公司", None, "company"),
        ("中国工商银行", "中国工商银行", None, "company"),
        ("广州4S店", "广州4S店", None, "company"),
        ("ACME Co., Ltd.", "ACME Co., Ltd.", None, "company"),
        (None, None, None, None),
        ("无", None, None, None),
    ],
)
def test_name(raw: str | None, value: str | None, rule: str | None, kind: str | None) -> None:
    assert one(nz.normalise_name(RAW), raw) == (value, rule, kind)


def test_name_with_uscc_is_company_and_skips_person_rules() -> None:
    frame = pl.DataFrame({"raw": ["王", "王"], "kind": ["uscc", "ric"]})
    result = nz.normalise_name(RAW, pl.col("kind"))
    assert run_frame(frame, result) == [("王", None, "company"), (None, "NAME_TOO_SHORT", "person")]


# --- gender, amounts, integers, plates, codes, text ---------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [
        ("男", "M", None), ("女", "F", None), ("M", "M", None), ("f", "F", None),
        ("Male", "M", None), ("female", "F", None), ("1", "M", None), ("2", "F", None),
        ("女性", "F", None), ("0", None, None), ("保密", None, None), ("未知", None, None),
        ("x", None, "GENDER_UNKNOWN"), (None, None, None),
    ],
)  # fmt: skip
def test_gender(raw: str | None, value: str | None, rule: str | None) -> None:
    assert one(nz.normalise_gender(RAW), raw) == (value, rule)


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [
        ("¥12,800.50", 12800.5, None),
        ("￥12,800.50元", 12800.5, None),
        ("RMB 1,000", 1000.0, None),
        ("１２８００", 12800.0, None),
        ("12.8万", 128000.0, None),
        ("-300", -300.0, None),
        (".5", 0.5, None),
        ("abc", None, "AMOUNT_NOT_NUMERIC"),
        ("12800元整", 12800.0, None),
        ("壹万贰仟捌佰元整", None, "AMOUNT_NOT_NUMERIC"),
        ("1.28E+05", None, "NUMBER_EXCEL_MANGLED"),
        ("12.8.1", None, "AMOUNT_NOT_NUMERIC"),
        (None, None, None),
    ],
)
def test_amount(raw: str | None, value: float | None, rule: str | None) -> None:
    assert one(nz.normalise_amount(RAW), raw) == (value, rule)


def test_amount_below_minimum() -> None:
    assert one(nz.normalise_amount(RAW, min_value=0), "-5") == (None, "VALUE_OUT_OF_RANGE")


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [
        ("12,345", 12345, None),
        ("12345km", 12345, None),
        ("36期", 36, None),
        ("12.0", 12, None),
        ("12.5", None, "INTEGER_INVALID"),
        ("abc", None, "INTEGER_INVALID"),
        ("50001", None, "VALUE_OUT_OF_RANGE"),
        ("-1", None, "VALUE_OUT_OF_RANGE"),
        ("50000", 50000, None),
        (None, None, None),
    ],
)
def test_integer(raw: str | None, value: int | None, rule: str | None) -> None:
    assert one(nz.normalise_integer(RAW, 0, 50000), raw) == (value, rule)


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [
        ("京a 12345", "京A12345", None),
        ("粤B·D12345", "粤BD12345", None),
        ("京Ａ１２３４５", "京A12345", None),
        ("沪A.1234学", "沪A1234学", None),
        ("暂无牌照", None, None),
        ("未上牌", None, None),
        ("12345", None, "PLATE_INVALID"),
        ("京12345", None, "PLATE_INVALID"),
    ],
)
def test_plate(raw: str, value: str | None, rule: str | None) -> None:
    assert one(nz.normalise_plate(RAW), raw) == (value, rule)


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [
        (" C001 ", "C001", None),
        ("Ｄ００１", "D001", None),
        ("'00123", "00123", None),
        ("1.23457E+11", None, "NUMBER_EXCEL_MANGLED"),
        ("--", None, None),
    ],
)
def test_code(raw: str, value: str | None, rule: str | None) -> None:
    assert one(nz.normalise_code(RAW), raw) == (value, rule)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("北京市海淀区中关村大街１号 ", "北京市海淀区中关村大街1号"), ("你好，世界", "你好，世界"),
     ("暂无", None)],
)  # fmt: skip
def test_text(raw: str, value: str | None) -> None:
    assert one(nz.normalise_text(RAW), raw) == (value, None)
