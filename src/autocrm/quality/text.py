"""Shared helpers for the cleaning rules: width folding, trimming, placeholders, staging.

Builders return their intermediate results as named scratch columns computed in stages
(``Normalised.steps``) rather than as one deep expression: Polars would otherwise evaluate a
shared sub-expression once per reference.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

# Invisible or odd spaces that real exports carry; folded before anything else.
_SPACES = {"\u3000": " ", "\xa0": " ", "\u200b": "", "\ufeff": ""}
_FULL_ALNUM = {
    chr(c): chr(c - 0xFEE0)
    for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
}
_FULL_ALL = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
HALF_WIDTH_ALNUM = _FULL_ALNUM | _SPACES
HALF_WIDTH_ALL = _FULL_ALL | _SPACES
_NEEDS_FOLD = "[\uff01-\uff5e\u3000\xa0\u200b\ufeff]"

# Cell contents that mean "no value": they become null without an issue of their own.
NULL_TOKENS = [
    "", "-", "--", "---", "/", "\\", ".", "?", "无", "暂无", "空", "未知", "不详", "未填",
    "NULL", "Null", "null", "NONE", "None", "none", "N/A", "n/a", "NA", "#N/A", "NaN", "nan",
]  # fmt: skip

EXCEL_SCIENTIFIC = r"^[+-]?\d(?:\.\d+)?[eE][+]?\d+$"


@dataclass(frozen=True)
class Normalised:
    """What one builder yields: value (null if unusable), rule code (null if OK), kind.

    ``steps`` are stages of aliased scratch expressions that value/rule/kind refer to; run
    them in order with ``with_steps`` before selecting value, rule and kind.
    """

    value: pl.Expr
    rule: pl.Expr
    kind: pl.Expr | None = None
    steps: tuple[tuple[pl.Expr, ...], ...] = ()


class Scratch:
    """Collect the scratch columns of one builder, stage by stage."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.stages: list[tuple[pl.Expr, ...]] = []

    def stage(self, **exprs: pl.Expr) -> list[pl.Expr]:
        """Add a stage computing ``exprs`` and return references to the new columns."""
        names = {part: f"__{self.name}__{part}" for part in exprs}
        self.stages.append(tuple(e.alias(names[part]) for part, e in exprs.items()))
        return [pl.col(n) for n in names.values()]

    def result(self, value: pl.Expr, rule: pl.Expr, kind: pl.Expr | None = None) -> Normalised:
        """Bundle the final expressions with the collected stages."""
        return Normalised(value, rule, kind, tuple(self.stages))


def with_steps(frame: pl.LazyFrame, results: Sequence[Normalised]) -> pl.LazyFrame:
    """Compute the scratch stages of several builders, stage i of all of them together."""
    depth = max((len(r.steps) for r in results), default=0)
    for i in range(depth):
        frame = frame.with_columns(e for r in results if i < len(r.steps) for e in r.steps[i])
    return frame


def scratch_columns(columns: Sequence[str]) -> list[str]:
    """Return the scratch columns among ``columns``."""
    return [c for c in columns if c.startswith("__")]


def no_rule() -> pl.Expr:
    """Return a null rule-code expression."""
    return pl.lit(None, dtype=pl.Utf8)


def patch(values: pl.Series, mask: pl.Series, fix: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """Apply ``fix`` only to the rows where ``mask`` holds (cheap when they are rare)."""
    where = mask.fill_null(False)
    if not where.any():
        return values
    idx = where.arg_true()
    return values.clone().scatter(idx, fix(values.gather(idx)))


def half_width_series(values: pl.Series, punctuation: bool = True) -> pl.Series:
    """Fold full-width characters and odd spaces to ASCII, touching only rows that have them."""
    table = HALF_WIDTH_ALL if punctuation else HALF_WIDTH_ALNUM
    return patch(
        values,
        values.str.contains(_NEEDS_FOLD),
        lambda s: s.str.replace_many(list(table), list(table.values())),
    )


def half_width(expr: pl.Expr, punctuation: bool = True) -> pl.Expr:
    """Fold full-width characters (and ideographic/odd spaces) to their ASCII forms."""
    return expr.map_batches(
        lambda s: half_width_series(s, punctuation), return_dtype=pl.Utf8, is_elementwise=True
    )


def tidy_series(
    values: pl.Series, punctuation: bool = True, extra_nulls: Sequence[str] = ()
) -> pl.Series:
    """Fold width, trim and turn placeholder cells into null."""
    folded = half_width_series(values, punctuation).str.strip_chars()
    return folded.set(folded.is_in([*NULL_TOKENS, *extra_nulls]).fill_null(False), None)


def tidy(expr: pl.Expr, punctuation: bool = True, extra_nulls: Sequence[str] = ()) -> pl.Expr:
    """Fold width, trim and turn placeholder cells ("无", "NULL", "-") into null."""
    return expr.map_batches(
        lambda s: tidy_series(s, punctuation, extra_nulls),
        return_dtype=pl.Utf8,
        is_elementwise=True,
    )


def strip_excel_quote(expr: pl.Expr) -> pl.Expr:
    """Drop the leading apostrophe Excel users type to force text."""
    return expr.str.strip_chars_start("'`")


def as_text(expr: pl.Expr, dtype: pl.DataType | type[pl.DataType]) -> pl.Expr:
    """Render a typed column (from an XLSX reader) as the text a clerk would have seen."""
    if dtype == pl.Utf8:
        return expr
    if dtype.is_float():
        whole = expr.is_finite() & (expr == expr.round(0)) & (expr.abs() < 1e15)
        return (
            pl.when(whole)
            .then(expr.cast(pl.Int64, strict=False).cast(pl.Utf8))
            .otherwise(expr.cast(pl.Utf8))
        )
    return expr.cast(pl.Utf8)
