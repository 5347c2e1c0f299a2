"""Rules for dates and date-times: the text formats real exports use and Excel serials."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import polars as pl

from autocrm.quality.text import Normalised, Scratch, as_text, tidy

EXCEL_EPOCH = datetime(1899, 12, 30)
EXCEL_SERIAL_MAX = 80_000
FLOOR = date(1900, 1, 1)
CEILING = date(2100, 12, 31)  # beyond this even a policy end date is a placeholder like 9999
_MS_PER_DAY = 86_400_000
_BARE_YEAR = r"^(?:1\d{3}|20\d\d|2100)$"
# 2023年5月1日 8时30分, 2023/5/1, 2023.05.01, 2023-05-01T08:30 → 2023-5-1 8:30
_SEPARATORS = {"年": "-", "月": "-", "日": " ", "号": " ", "/": "-", ".": "-", "T": " ",
               "时": ":", "点": ":", "分": ":", "秒": ""}  # fmt: skip
_SHAPE = (
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$"
)


def _from_serial(text: pl.Expr) -> pl.Expr:
    """Read an Excel serial number (days since 1899-12-30, fraction = time of day).

    A bare year (1000-2100, e.g. "1980") is not read as a serial (a day in 1902-1905): it is
    left unparseable.
    """
    numeric = text.str.contains(r"^\d{1,5}(?:\.\d+)?$") & ~text.str.contains(_BARE_YEAR)
    serial = pl.when(numeric).then(text.cast(pl.Float64, strict=False))
    in_range = serial.is_between(1, EXCEL_SERIAL_MAX)
    millis = (serial * _MS_PER_DAY).round(0).cast(pl.Int64)
    return pl.when(in_range).then(pl.lit(EXCEL_EPOCH) + pl.duration(milliseconds=millis))


def _from_text(text: pl.Expr) -> pl.Expr:
    """Read a date or date-time written as text in any of the usual Chinese formats."""
    compact = text.str.replace(r"^(\d{4})(\d{2})(\d{2})((?:\d{2}){0,3})$", "$1-$2-$3 $4")
    compact = compact.str.replace(r" (\d{2})(\d{2})(\d{2})?$", " $1:$2:$3").str.strip_chars(" :")
    unified = (
        compact.str.replace(r"(\d:\d{2})\.\d+$", "$1")  # drop fractional seconds
        .str.replace_many(list(_SEPARATORS), list(_SEPARATORS.values()))
        .str.replace_all(r"\s+", " ")
        .str.strip_chars(" :-")
    )
    parts = unified.str.extract_groups(_SHAPE)
    field = parts.struct.field

    def two(name: str) -> pl.Expr:
        return field(name).fill_null("0").str.zfill(2)

    canonical = pl.format(
        "{}-{}-{} {}:{}:{}", field("1"), two("2"), two("3"), two("4"), two("5"), two("6")
    )
    return canonical.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us")


def _evaluate(values: pl.Series, parser: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """Run an expression parser over a Series."""
    return pl.DataFrame({"v": values}).select(parser(pl.col("v"))).to_series()


# Exact formats tried first, in order, each on the rows still unparsed: cheap for the usual
# file where one column uses one format. Anything else goes through ``_from_text``.
_EXACT = [
    ("%Y-%m-%d %H:%M:%S", True), ("%Y-%m-%d", False), ("%Y-%m-%d %H:%M", True),
    ("%Y/%m/%d", False), ("%Y/%m/%d %H:%M:%S", True), ("%Y/%m/%d %H:%M", True),
    ("%Y.%m.%d", False), ("%Y年%m月%d日", False),
]  # fmt: skip


def _exact(fmt: str, with_time: bool) -> Callable[[pl.Expr], pl.Expr]:
    """Return a parser for one exact strftime format."""

    def parse(text: pl.Expr) -> pl.Expr:
        four_digit_year = text.str.contains(r"^\d{4}\D")  # strptime's %Y also takes "23"
        if with_time:
            parsed = text.str.to_datetime(fmt, strict=False, time_unit="us")
        else:
            parsed = text.str.to_date(fmt, strict=False).cast(pl.Datetime("us"))
        return pl.when(four_digit_year).then(parsed)

    return parse


_PARSERS = [*(_exact(fmt, with_time) for fmt, with_time in _EXACT), _from_serial, _from_text]


def parse_datetime_series(values: pl.Series) -> pl.Series:
    """Parse tidied text into Datetime(us), trying the cheap exact formats first."""
    out = _evaluate(values, _PARSERS[0])
    for parser in _PARSERS[1:]:
        todo = out.is_null() & values.is_not_null()
        if not todo.any():
            break
        idx = todo.arg_true()
        out = out.scatter(idx, _evaluate(values.gather(idx), parser))
    return out


def parse_datetime(raw: pl.Expr, dtype: pl.DataType | type[pl.DataType] = pl.Utf8) -> pl.Expr:
    """Parse a raw column (text, Excel serial, or already typed) into Datetime(us), or null."""
    if dtype == pl.Date:
        return raw.cast(pl.Datetime("us"))
    if isinstance(dtype, pl.Datetime):
        typed = raw.dt.replace_time_zone(None) if dtype.time_zone else raw
        return typed.cast(pl.Datetime("us"))
    text = tidy(as_text(raw, dtype))
    return text.map_batches(
        parse_datetime_series, return_dtype=pl.Datetime("us"), is_elementwise=True
    )


def normalise_date(
    raw: pl.Expr,
    today: date,
    dtype: pl.DataType | type[pl.DataType] = pl.Utf8,
    future_ok: bool = False,
    with_time: bool = False,
    name: str = "date",
) -> Normalised:
    """Clean a date (or date-time when ``with_time``): parse, then refuse <1900 and the future."""
    sc = Scratch(name)
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        present = raw.is_not_null()
        (parsed,) = sc.stage(parsed=parse_datetime(raw, dtype))
    else:
        (text,) = sc.stage(text=tidy(as_text(raw, dtype)))
        present = text.is_not_null()
        from_text = text.map_batches(
            parse_datetime_series, return_dtype=pl.Datetime("us"), is_elementwise=True
        )
        (parsed,) = sc.stage(parsed=from_text)
    (day,) = sc.stage(day=parsed.dt.date())
    latest = CEILING if future_ok else today
    rule = (
        pl.when(~present).then(None)
        .when(parsed.is_null()).then(pl.lit("DATE_UNPARSEABLE"))
        .when(day < FLOOR).then(pl.lit("DATE_BEFORE_1900"))
        .when(day > latest).then(pl.lit("DATE_FUTURE"))
    )  # fmt: skip
    kept = pl.when(day.is_between(FLOOR, latest)).then(parsed)
    value = kept if with_time else kept.dt.date()
    return sc.result(value, rule)
