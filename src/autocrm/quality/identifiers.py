"""Rules for identifiers: resident ID (RIC), unified social credit code (USCC) and VIN.

The RIC checks are those of ``stdnum.cn.ric`` (length, checksum ISO 7064 MOD 11-2, birth date,
region code valid in the birth year per stdnum's ``cn/loc.dat``), vectorised. USCC values are
rare, so they go through ``stdnum.cn.uscc`` once per distinct value.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from importlib import resources

import polars as pl
from stdnum.cn import uscc

from autocrm.quality.text import (
    EXCEL_SCIENTIFIC,
    Normalised,
    Scratch,
    patch,
    tidy,
    tidy_series,
)

_RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_RIC_CHECK = "10X98765432"  # indexed by the weighted sum mod 11
_VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
_VIN_VALUES = (
    {str(d): d for d in range(10)}
    | dict(zip("ABCDEFGH", range(1, 9), strict=True))
    | dict(zip("JKLMN", range(1, 6), strict=True))
    | {"P": 7, "R": 9}
    | dict(zip("STUVWXYZ", range(2, 10), strict=True))
)
_VIN_LUT = pl.Series("vin_lut", [_VIN_VALUES.get(chr(b), 0) for b in range(256)], pl.Int32)
_USCC_SHAPE = r"^\d{8}[0-9A-HJ-NPQRTUWXY]{10}$"  # as stdnum.cn.uscc accepts
_YEAR_OPEN = (0, 9999)
_LOC_LINE = re.compile(r'\s*(\d+)\s+county="([^"]*)"')
# 证件类型 words naming a RIC or a USCC; any other type (passport, HK/Macau/Taiwan permit...)
# names a document of its own, kept unchecked.
_RIC_OR_USCC_TYPES = ["身份证", "居民", "营业执照", "信用代码", "组织机构", "工商"]


@cache
def region_years() -> tuple[dict[int, int], frozenset[int]]:
    """Load stdnum's region codes once: code → lo*10000+hi year span, plus gap code-years."""
    packed: dict[int, int] = {}
    gaps: set[int] = set()
    for code, years in _read_loc().items():
        lo, hi = min(y[0] for y in years), max(y[1] for y in years)
        packed[code] = lo * 10000 + hi
        if len(years) > 1:  # a code reused after a pause: its unused years are invalid
            used = {y for a, b in years for y in range(max(a, 1900), min(b, 2100) + 1)}
            span = range(max(lo, 1900), min(hi, 2100) + 1)
            gaps.update(code * 10000 + y for y in span if y not in used)
    return packed, frozenset(gaps)


def _read_loc() -> dict[int, list[tuple[int, int]]]:
    """Parse stdnum's cn/loc.dat into region code → year spans of its counties."""
    text = (resources.files("stdnum") / "cn" / "loc.dat").read_text(encoding="utf-8")
    spans: dict[int, list[tuple[int, int]]] = {}
    province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        found = _LOC_LINE.match(line)
        if found:
            code, counties = found.groups()
            spans.setdefault(int(province + code), []).extend(map(_span, counties.split(",")))
    return spans


def _span(county: str) -> tuple[int, int]:
    """Parse "[1992-]东丽区" into the years the county code was in use."""
    found = re.match(r"\[(\d*)-(\d*)\]", county)
    if not found:
        return _YEAR_OPEN
    return int(found.group(1) or 0), int(found.group(2) or 9999)


def _region_span(code: pl.Expr) -> pl.Expr:
    """Map a region code (Int64) to its packed lo*10000+hi span of valid years, or null."""
    packed, _ = region_years()
    return code.replace_strict(
        list(packed), list(packed.values()), default=None, return_dtype=pl.Int64
    )


def _region_ok(code: pl.Expr, span: pl.Expr, year: pl.Expr) -> pl.Expr:
    """Tell whether the region code was assigned in the given birth year."""
    _, gaps = region_years()
    in_span = year.is_between(span // 10000, span % 10000)
    return (in_span & ~(code * 10000 + year).is_in(list(gaps))).fill_null(False)


def _weighted_sum(text: pl.Expr, weights: list[int], lut: pl.Series | None = None) -> pl.Expr:
    """Sum byte values (digits, or through a lookup table) times weights; ASCII input only."""
    raw = text.cast(pl.Binary)
    terms = []
    for i, weight in enumerate(weights):
        if weight:
            byte = raw.bin.get(i, null_on_oob=True)
            value = pl.lit(lut).gather(byte) if lut is not None else byte.cast(pl.Int32) - 48
            terms.append(value * weight)
    return pl.sum_horizontal(terms)


def ric_check_char(first17: pl.Expr) -> pl.Expr:
    """Compute the RIC check character (ISO 7064 MOD 11-2) of 17 ASCII digits."""
    index = _weighted_sum(first17, _RIC_WEIGHTS) % 11
    return pl.lit(pl.Series(list(_RIC_CHECK))).gather(index)


def vin_check_char(vin: pl.Expr) -> pl.Expr:
    """Compute the ISO 3779 check character of a 17-character uppercase VIN."""
    rest = _weighted_sum(vin, _VIN_WEIGHTS, _VIN_LUT) % 11
    return pl.when(rest == 10).then(pl.lit("X")).otherwise(rest.cast(pl.Utf8))


def _uscc_batch(values: pl.Series) -> pl.Series:
    """Validate USCC candidates with stdnum, once per distinct value."""
    valid = [v for v in values.drop_nulls().unique().to_list() if uscc.is_valid(v)]
    return values.is_in(valid).fill_null(False)


def id_text_series(values: pl.Series) -> pl.Series:
    """Fold, trim, unquote, drop inner spaces/dashes and uppercase ID numbers."""
    t = tidy_series(values).str.strip_chars_start("'`")
    return patch(t, ~t.str.contains(r"^[0-9X]*$"), _squeeze_upper)


def _squeeze_upper(values: pl.Series) -> pl.Series:
    """Drop spaces and dashes, uppercase."""
    return values.str.replace_all(r"[\s\-]", "").str.to_uppercase()


def _other_document(id_type: pl.Expr | None) -> pl.Expr:
    """Tell whether the 证件类型 names a document that is neither a RIC nor a USCC."""
    if id_type is None:
        return pl.lit(False)
    return (~tidy(id_type).str.contains_any(_RIC_OR_USCC_TYPES)).fill_null(False)


def normalise_id_number(
    raw: pl.Expr, today: date, id_type: pl.Expr | None = None, name: str = "id_number"
) -> Normalised:
    """Clean an ID number that may be a RIC (15 or 18 digits) or a USCC; kind ric/uscc/other.

    A 15-digit RIC is converted to 18 digits (insert "19", append the check digit): the rule is
    deterministic, so the value is kept and ID_15_CONVERTED is reported. When ``id_type`` names
    another document (passport, permits) the value is kept unchecked with kind "other".
    """
    sc = Scratch(name)
    text = raw.map_batches(id_text_series, return_dtype=pl.Utf8, is_elementwise=True)
    t, other = sc.stage(t=text, other=_other_document(id_type))
    is15, is18, first17 = sc.stage(
        is15=t.str.contains(r"^\d{15}$"),
        is18=t.str.contains(r"^\d{17}[\dX]$"),
        first17=pl.when(t.str.contains(r"^\d{15}$"))
        .then(t.str.slice(0, 6) + "19" + t.str.slice(6))
        .otherwise(t.str.slice(0, 17)),
    )
    (check,) = sc.stage(check=ric_check_char(first17))
    ric, checksum_ok = sc.stage(
        ric=pl.when(is15).then(first17 + check).when(is18).then(t),
        checksum_ok=is15 | (is18 & (t.str.slice(17, 1) == check)),
    )
    birth, region = sc.stage(
        birth=ric.str.slice(6, 8).str.to_date("%Y%m%d", strict=False),
        region=ric.str.slice(0, 6).cast(pl.Int64, strict=False),
    )
    birth_ok, span = sc.stage(
        birth_ok=birth.is_between(date(1900, 1, 1), today).fill_null(False),
        span=_region_span(region),
    )
    (region_ok,) = sc.stage(region_ok=_region_ok(region, span, birth.dt.year().cast(pl.Int64)))
    # An all-digit USCC exists, but 18 digits with a real region and birth date are a RIC
    # with a typo: never let the (1 in 31) chance of a matching USCC check char accept it.
    ric_ok, plausible = sc.stage(
        ric_ok=(is15 | is18) & checksum_ok & birth_ok & region_ok,
        plausible=(is15 | is18) & birth_ok & region_ok,
    )
    uscc_like = ~plausible & t.str.contains(_USCC_SHAPE)
    (uscc_ok,) = sc.stage(
        uscc_ok=pl.when(uscc_like).then(t).map_batches(_uscc_batch, return_dtype=pl.Boolean)
    )
    rule = (
        pl.when(t.is_null() | other).then(None)
        .when(ric_ok).then(pl.when(is15).then(pl.lit("ID_15_CONVERTED")))
        .when(uscc_ok).then(None)
        .when(t.str.contains(EXCEL_SCIENTIFIC)).then(pl.lit("ID_EXCEL_MANGLED"))
        .when(is18 & ~checksum_ok & t.str.ends_with("000")).then(pl.lit("ID_EXCEL_MANGLED"))
        .when(t.str.contains(r"[A-WYZ]") & (t.str.len_chars() == 18)).then(pl.lit("USCC_INVALID"))
        .when(~(is15 | is18)).then(pl.lit("ID_FORMAT"))
        .when(~checksum_ok).then(pl.lit("ID_CHECKSUM"))
        .when(~birth_ok).then(pl.lit("ID_BIRTHDATE"))
        .otherwise(pl.lit("ID_REGION"))
    )  # fmt: skip
    value = pl.when(other).then(t).when(ric_ok).then(ric).when(uscc_ok).then(t)
    kind = (
        pl.when(t.is_null()).then(None)
        .when(other).then(pl.lit("other"))
        .when(ric_ok).then(pl.lit("ric"))
        .when(uscc_ok).then(pl.lit("uscc"))
    )  # fmt: skip
    return sc.result(value, rule, kind)


def normalise_vin(raw: pl.Expr, name: str = "vin") -> Normalised:
    """Clean a VIN: uppercase, no spaces; O/I/Q → 0/1/0 only when the check digit then holds."""
    sc = Scratch(name)
    (t,) = sc.stage(t=tidy(raw).str.to_uppercase().str.replace_all(r"[\s\-\.·*]", ""))
    (fixed,) = sc.stage(fixed=t.str.replace_many(["O", "I", "Q"], ["0", "1", "0"]))
    shape_ok = t.str.contains(r"^[A-Z0-9]{17}$")
    (fixed_ok,) = sc.stage(fixed_ok=shape_ok & (fixed.str.slice(8, 1) == vin_check_char(fixed)))
    rule = (
        pl.when(t.is_null()).then(None)
        .when(~t.str.contains(r"^[A-Z0-9]+$")).then(pl.lit("VIN_FORMAT"))
        .when(t.str.len_bytes() != 17).then(pl.lit("VIN_LENGTH"))
        .when(~fixed_ok).then(pl.lit("VIN_CHECK_DIGIT"))
        .when(t.str.contains("[OIQ]")).then(pl.lit("VIN_OIQ_FIXED"))
    )  # fmt: skip
    return sc.result(pl.when(fixed_ok).then(fixed), rule)
