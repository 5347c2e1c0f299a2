"""Polars expression builders, one per kind of value; each yields the value and a rule code.

Every builder takes the raw column as a Utf8 expression (see ``text.as_text`` for typed input)
and returns ``Normalised(value, rule[, kind], steps)``: value is null when unusable, rule is null
when the value needed no report. Run ``with_steps(frame, [result])`` first, then select value,
rule and kind. ID numbers, VINs and dates live in ``identifiers`` and ``dates`` and are
re-exported here so this module is the one place to look.
"""

from __future__ import annotations

import polars as pl

from autocrm.quality.dates import normalise_date, parse_datetime
from autocrm.quality.identifiers import normalise_id_number, normalise_vin
from autocrm.quality.text import (
    EXCEL_SCIENTIFIC,
    Normalised,
    Scratch,
    half_width,
    no_rule,
    patch,
    strip_excel_quote,
    tidy,
    tidy_series,
    with_steps,
)

__all__ = [
    "Normalised", "half_width", "normalise_amount", "normalise_code", "normalise_date",
    "normalise_gender", "normalise_id_number", "normalise_integer", "normalise_name",
    "normalise_phone", "normalise_plate", "normalise_text", "normalise_vin", "parse_datetime",
    "with_steps",
]  # fmt: skip

COMPANY_WORDS = [
    "公司", "集团", "有限", "厂", "中心", "银行", "医院", "学校", "大学", "学院", "研究所",
    "研究院", "事务所", "合作社", "店", "局", "委员会", "协会", "政府", "部队", "商行",
    "经营部", "工作室", "门市", "车行", "LTD", "LIMITED", "CO.,", "INC.", "GMBH",
]  # fmt: skip
TITLES = ["先生", "女士", "小姐"]
PLACEHOLDER_NAMES = ["客户", "顾客", "车主", "本人", "测试", "匿名", "无名", "test", "TEST", "Test"]
_MOBILE = r"^1[3-9]\d{9}$"
_LANDLINE = r"^0[1-9]\d{8,10}$"  # area code 0xx/0xxx + 7-8 digit number
_PHONE_SEPARATORS = r"[\s\-\.\(\)\[\]\+—–_]"
_MORE_PHONES = r"[/,;、|].*$"
_GENDERS = {
    "男": "M", "男性": "M", "m": "M", "male": "M", "1": "M", "先生": "M",
    "女": "F", "女性": "F", "f": "F", "female": "F", "2": "F", "女士": "F", "小姐": "F",
}  # fmt: skip
_GENDER_BLANK = ["0", "9", "保密", "其他", "unknown", "u"]  # GB/T 2261.1: 0 unknown, 9 unstated
_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)$"
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = rf"^[{_PROVINCES}][A-Z][A-Z0-9]{{4,6}}[挂学警港澳领试超]?$"
_NO_PLATE = ["无牌", "无牌照", "未上牌", "暂无牌照", "新车", "临牌", "待上牌"]


def _code(code: str) -> pl.Expr:
    """Return a rule code as a literal."""
    return pl.lit(code)


def normalise_text(raw: pl.Expr) -> Normalised:
    """Clean free text: full-width letters/digits/spaces folded, trimmed, placeholders → null."""
    return Normalised(tidy(raw, punctuation=False), no_rule())


def normalise_code(raw: pl.Expr, name: str = "code") -> Normalised:
    """Clean a key or code (dealer code, order number): folded, trimmed, never reinterpreted."""
    sc = Scratch(name)
    (t,) = sc.stage(t=strip_excel_quote(tidy(raw)))
    mangled = t.str.contains(EXCEL_SCIENTIFIC)
    return sc.result(
        pl.when(~mangled).then(t), pl.when(mangled).then(_code("NUMBER_EXCEL_MANGLED"))
    )


def normalise_choice(raw: pl.Expr, spellings: dict[str, str], name: str = "choice"
                     ) -> Normalised:
    """Map an answer written as its code or either label to the code; any other value is
    left out with ANSWER_UNKNOWN (the row is kept)."""
    sc = Scratch(name)
    (t,) = sc.stage(t=tidy(raw).str.to_lowercase())
    code = t.replace_strict(list(spellings), list(spellings.values()), default=None,
                            return_dtype=pl.Utf8)
    return sc.result(code, pl.when(t.is_not_null() & code.is_null()).then(
        _code("ANSWER_UNKNOWN")))


def name_text_series(values: pl.Series) -> pl.Series:
    """Tidy names: width folded, one middle dot, （） in Chinese names, no spaces between 汉字."""
    t = tidy_series(values, punctuation=False)
    t = patch(t, t.str.contains("[•・･‧∙．]"), lambda s: s.str.replace_all("[•・･‧∙．]", "·"))
    brackets = t.str.contains(r"[()]") & t.str.contains(r"\p{Han}")
    t = patch(t, brackets, lambda s: s.str.replace_many(["(", ")"], ["（", "）"]))
    return patch(t, t.str.contains(r"\s"), _join_words)


def _join_words(values: pl.Series) -> pl.Series:
    """Drop spaces between two Chinese characters ("张 伟" → "张伟"); collapse the others."""
    pattern, joined = r"(\p{Han})\s+(\p{Han})", "${1}${2}"
    once = values.str.replace_all(pattern, joined)
    return once.str.replace_all(pattern, joined).str.replace_all(r"\s+", " ")


def normalise_name(raw: pl.Expr, id_kind: pl.Expr | None = None, name: str = "name") -> Normalised:
    """Clean a customer name and classify it person/company; persons need a real name.

    Company: a company word in the name or a USCC as ID number. A person's name needs at least
    2 characters, no digits, and must not be a surname plus 先生/女士/小姐 (王先生, 欧阳女士).
    """
    sc = Scratch(name)
    (t,) = sc.stage(t=raw.map_batches(name_text_series, return_dtype=pl.Utf8, is_elementwise=True))
    company = t.str.contains_any(COMPANY_WORDS, ascii_case_insensitive=True)
    if id_kind is not None:
        company = company | (id_kind == "uscc").fill_null(False)
    company, length = sc.stage(company=company, length=t.str.len_chars())
    rule: pl.Expr = (
        pl.when(t.is_null() | company).then(None)
        .when((length <= 4) & t.str.contains_any(TITLES)).then(_code("NAME_TITLE_ONLY"))
        .when(length < 2).then(_code("NAME_TOO_SHORT"))
        .when(t.str.contains(r"\d") | ~t.str.contains(r"\p{L}") | t.is_in(PLACEHOLDER_NAMES))
        .then(_code("NAME_INVALID"))
    )  # fmt: skip
    (rule,) = sc.stage(rule=rule)
    kind = pl.when(t.is_null()).then(None).when(company).then(_code("company"))
    return sc.result(pl.when(rule.is_null()).then(t), rule, kind.otherwise(_code("person")))


def phone_digits_series(values: pl.Series) -> pl.Series:
    """Reduce tidied phone cells to the digits of their first number, +86/0086 removed."""
    return patch(values, ~values.str.contains(r"^\d{11}$"), _phone_digits)


def _phone_digits(values: pl.Series) -> pl.Series:
    """Do the work of ``phone_digits_series`` on the rows that need it."""
    first = values.str.replace(_MORE_PHONES, "").str.strip_chars()
    digits = first.str.replace_all(_PHONE_SEPARATORS, "")
    return digits.str.replace(r"^(?:0086|86)(1\d{10})$", "$1")


def normalise_phone(raw: pl.Expr, name: str = "phone") -> Normalised:
    """Clean a mobile number to 11 digits; landlines, short and malformed numbers are removed.

    PHONE_NORMALISED is reported only when the raw value differs from the result in more than
    whitespace (country code, dashes, brackets, full-width digits); spaces alone are silent.
    """
    sc = Scratch(name)
    (t,) = sc.stage(t=strip_excel_quote(tidy(raw)))
    digits, several = sc.stage(
        digits=t.map_batches(phone_digits_series, return_dtype=pl.Utf8, is_elementwise=True),
        several=t.str.contains(r"[/,;、|]\D*\d{3}"),
    )
    (mobile,) = sc.stage(mobile=digits.str.contains(_MOBILE))
    changed = raw.str.replace_all(r"\s", "") != digits
    rule = (
        pl.when(t.is_null()).then(None)
        .when(t.str.contains(EXCEL_SCIENTIFIC)).then(_code("NUMBER_EXCEL_MANGLED"))
        .when(~digits.str.contains(r"^\d+$")).then(_code("PHONE_INVALID"))
        .when(digits.str.contains(_LANDLINE)).then(_code("PHONE_LANDLINE"))
        .when(digits.str.len_bytes() < 11).then(_code("PHONE_TOO_SHORT"))
        .when(~mobile).then(_code("PHONE_INVALID"))
        .when(several).then(_code("PHONE_MULTIPLE"))
        .when(changed).then(_code("PHONE_NORMALISED"))
    )  # fmt: skip
    return sc.result(pl.when(mobile).then(digits), rule)


def normalise_gender(raw: pl.Expr, name: str = "gender") -> Normalised:
    """Map 男/女/M/F/male/female/1/2 to "M"/"F"; explicit unknowns (0, 9, 保密) become null."""
    sc = Scratch(name)
    (t,) = sc.stage(t=tidy(raw).str.to_lowercase())
    (value,) = sc.stage(value=t.replace_strict(_GENDERS, default=None, return_dtype=pl.Utf8))
    unknown = t.is_not_null() & value.is_null() & ~t.is_in(_GENDER_BLANK)
    return sc.result(value, pl.when(unknown).then(_code("GENDER_UNKNOWN")))


def _range_rule(number: pl.Expr, lo: float | None, hi: float | None) -> pl.Expr:
    """Flag a number outside [lo, hi]."""
    outside = pl.lit(False)
    if lo is not None:
        outside = outside | (number < lo)
    if hi is not None:
        outside = outside | (number > hi)
    return pl.when(outside.fill_null(False)).then(_code("VALUE_OUT_OF_RANGE"))


def _number_result(
    sc: Scratch, t: pl.Expr, number: pl.Expr, code: str, lo: float | None, hi: float | None
) -> Normalised:
    """Finish an amount/integer builder: report non-numbers and numbers out of range."""
    (number,) = sc.stage(number=number)
    (out,) = sc.stage(out=_range_rule(number, lo, hi))
    rule = (
        pl.when(t.is_null() | number.is_not_null()).then(out)
        .when(t.str.contains(EXCEL_SCIENTIFIC)).then(_code("NUMBER_EXCEL_MANGLED"))
        .otherwise(_code(code))
    )  # fmt: skip
    return sc.result(pl.when(out.is_null()).then(number), rule)


def normalise_amount(
    raw: pl.Expr, min_value: float | None = None, max_value: float | None = None,
    name: str = "amount",
) -> Normalised:  # fmt: skip
    """Clean a money amount: ¥/￥, 元(整), RMB, thousands commas removed; "12.8万" → 128000.0."""
    sc = Scratch(name)
    (t,) = sc.stage(t=tidy(raw).str.replace_all(r"(?i)[¥￥,，\s]|元|整|rmb|cny|人民币", ""))
    wan = t.str.ends_with("万")
    digits = pl.when(wan).then(t.str.strip_suffix("万")).otherwise(t)
    number: pl.Expr = pl.when(digits.str.contains(_NUMBER)).then(
        digits.cast(pl.Float64, strict=False)
    )
    number = pl.when(wan).then((number * 10_000).round(2)).otherwise(number)
    return _number_result(sc, t, number, "AMOUNT_NOT_NUMERIC", min_value, max_value)


def normalise_integer(
    raw: pl.Expr, min_value: float | None = None, max_value: float | None = None,
    name: str = "integer",
) -> Normalised:  # fmt: skip
    """Clean a whole number (mileage, terms, points, scores): commas and units removed."""
    sc = Scratch(name)
    t = tidy(raw).str.replace_all(r"[,，\s]", "")
    (t,) = sc.stage(t=t.str.replace(r"(?i)(?:km|公里|千米|期|个月|月|分|次|积分)$", ""))
    whole = t.str.contains(r"^[+-]?\d+(?:\.0*)?$")
    number = pl.when(whole).then(t.str.replace(r"\.0*$", "").str.to_integer(strict=False))
    return _number_result(sc, t, number, "INTEGER_INVALID", min_value, max_value)


def normalise_plate(raw: pl.Expr, name: str = "plate") -> Normalised:
    """Clean a licence plate: uppercase, no spaces/dots/dashes; "暂无牌照" and the like → null."""
    sc = Scratch(name)
    t = tidy(raw, extra_nulls=_NO_PLATE).str.to_uppercase()
    (t,) = sc.stage(t=t.str.replace_all(r"[\s\.\-·•]", ""))
    (valid,) = sc.stage(valid=t.str.contains(_PLATE))
    return sc.result(pl.when(valid).then(t), pl.when(~valid).then(_code("PLATE_INVALID")))
