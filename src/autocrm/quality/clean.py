"""Apply the cleaning rules to one canonical frame: surviving rows plus one issue per problem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from autocrm.quality import normalize as nz
from autocrm.quality.fields import CHOICES, field_spec
from autocrm.quality.rules import SEVERITY
from autocrm.quality.text import Normalised, as_text, with_steps

ROW = "_row"
ISSUE_SCHEMA: dict[str, pl.DataType] = {
    ROW: pl.Int64(), "field": pl.Utf8(), "value": pl.Utf8(), "rule": pl.Utf8(),
    "severity": pl.Utf8(),
}  # fmt: skip
KIND_COLUMNS = ("name_kind", "id_kind")


@dataclass(frozen=True)
class CleanResult:
    """Rows that survive the rules, and the issues found (including those of rejected rows)."""

    frame: pl.DataFrame
    issues: pl.DataFrame


def _value(field: str) -> str:
    """Name the scratch column holding a field's cleaned value."""
    return f"__value_{field}"


def _rule(field: str) -> str:
    """Name the scratch column holding a field's rule code."""
    return f"__rule_{field}"


def normalise_field(
    field: str, raw: pl.Expr, dtype: pl.DataType, today: date, context: dict[str, pl.Expr]
) -> Normalised:
    """Build the rule expressions for one canonical column from its field type."""
    spec = field_spec(field)
    if spec.type in ("date", "datetime"):
        with_time = spec.type == "datetime"
        return nz.normalise_date(raw, today, dtype, spec.future_ok, with_time, name=field)
    text = as_text(raw, dtype)
    match spec.type:
        case "name":
            return nz.normalise_name(text, context.get("id_kind"), name=field)
        case "id_number":
            return nz.normalise_id_number(text, today, context.get("id_type"), name=field)
        case "phone":
            return nz.normalise_phone(text, name=field)
        case "vin":
            return nz.normalise_vin(text, name=field)
        case "amount":
            return nz.normalise_amount(text, spec.min_value, spec.max_value, name=field)
        case "integer":
            return nz.normalise_integer(text, spec.min_value, spec.max_value, name=field)
        case "gender":
            return nz.normalise_gender(text, name=field)
        case "plate":
            return nz.normalise_plate(text, name=field)
        case "code":
            return nz.normalise_code(text, name=field)
        case "choice":
            return nz.normalise_choice(text, CHOICES[field], name=field)
    return nz.normalise_text(text)


def _apply(
    frame: pl.LazyFrame, fields: list[str], schema: pl.Schema, today: date,
    context: dict[str, pl.Expr],
) -> pl.LazyFrame:  # fmt: skip
    """Add value/rule (and kind) columns for a batch of fields."""
    results = {f: normalise_field(f, pl.col(f), schema[f], today, context) for f in fields}
    frame = with_steps(frame, list(results.values()))
    exprs: list[pl.Expr] = []
    for field, result in results.items():
        exprs += [result.value.alias(_value(field)), result.rule.alias(_rule(field))]
        if result.kind is not None and field in ("id_number", "name"):
            exprs.append(result.kind.alias("id_kind" if field == "id_number" else "name_kind"))
    return frame.with_columns(exprs)


def _normalise(frame: pl.DataFrame, fields: list[str], today: date) -> pl.DataFrame:
    """Add value/rule columns for every field; the name rules see the ID kind."""
    schema = frame.schema
    context: dict[str, pl.Expr] = {}
    if "id_type" in schema:
        context["id_type"] = as_text(pl.col("id_type"), schema["id_type"])
    first = [f for f in fields if f == "id_number"]
    lf = _apply(frame.lazy(), first, schema, today, context)
    if first:
        context["id_kind"] = pl.col("id_kind")
    lf = _apply(lf, [f for f in fields if f != "id_number"], schema, today, context)
    made = {"id_kind": "id_number" in schema, "name_kind": "name" in schema}
    missing = [pl.lit(None, dtype=pl.Utf8).alias(k) for k, done in made.items() if not done]
    return lf.with_columns(missing).collect()


def _issue_rows(frame: pl.LazyFrame, field: str, value: pl.Expr, rule: pl.Expr) -> pl.LazyFrame:
    """Shape the rows of one kind of issue."""
    return frame.select(ROW, pl.lit(field).alias("field"), value.alias("value"), rule.alias("rule"))


def _issues(wide: pl.DataFrame, fields: list[str], required: Sequence[str]) -> pl.DataFrame:
    """Collect one issue row per rule hit, plus REQUIRED_MISSING for empty required fields."""
    lf = wide.lazy()
    missing = pl.lit("REQUIRED_MISSING")
    parts: list[pl.LazyFrame] = []
    for field in fields:
        raw = as_text(pl.col(field), wide.schema[field])
        hits = lf.filter(pl.col(_rule(field)).is_not_null())
        parts.append(_issue_rows(hits, field, raw, pl.col(_rule(field))))
        if field in required:
            empty = lf.filter(pl.col(_value(field)).is_null())
            parts.append(_issue_rows(empty, field, raw, missing))
    for field in required:
        if field not in wide.columns:
            parts.append(_issue_rows(lf, field, pl.lit(None, dtype=pl.Utf8), missing))
    if not parts:
        return pl.DataFrame(schema=ISSUE_SCHEMA)
    issues = pl.concat(parts).with_columns(
        pl.col(ROW).cast(pl.Int64),
        pl.col("rule").replace_strict(SEVERITY, return_dtype=pl.Utf8).alias("severity"),
    )
    return issues.sort(ROW, maintain_order=True).collect()


# The longest value a field keeps, in characters: a longer cell is a broken export (a whole
# file pasted into one cell), not data. Free-text fields may be long; the rest are short.
MAX_CHARS = 1_000
MAX_CHARS_FREE_TEXT = 8_000
FREE_TEXT = {"summary", "items", "parts", "address", "interests", "relatives"}
SHOWN_CHARS = 200  # of an over-long value, in its issue


def _guard_cells(frame: pl.DataFrame, fields: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Strip NUL characters (no database keeps them in text) and remove over-long values,
    each with its issue; return the frame the rules then see, and those issues."""
    parts, fixes = [], []
    for field in fields:
        if frame.schema[field] != pl.Utf8:
            continue
        col = pl.col(field)
        limit = MAX_CHARS_FREE_TEXT if field in FREE_TEXT else MAX_CHARS
        nul = col.str.contains("\x00", literal=True)
        long = col.str.len_chars() > limit
        hits = frame.filter(nul.fill_null(False) | long.fill_null(False))
        if hits.is_empty():
            continue
        parts.append(hits.select(
            ROW, pl.lit(field).alias("field"),
            col.str.replace_all("\x00", "", literal=True).str.slice(0, SHOWN_CHARS)
            .alias("value"),
            pl.when(long).then(pl.lit("CELL_TOO_LONG")).otherwise(pl.lit("NUL_REMOVED"))
            .alias("rule"),
        ))
        fixes.append(pl.when(long).then(None).otherwise(
            col.str.replace_all("\x00", "", literal=True)).alias(field))
    if not parts:
        return frame, pl.DataFrame(schema=ISSUE_SCHEMA)
    issues = pl.concat(parts).with_columns(
        pl.col(ROW).cast(pl.Int64),
        pl.col("rule").replace_strict(SEVERITY, return_dtype=pl.Utf8).alias("severity"),
    )
    return frame.with_columns(fixes), issues


def clean(frame: pl.DataFrame, required: Sequence[str], today: date) -> CleanResult:
    """Apply every rule to a canonical frame; drop rows whose required fields end up empty."""
    fields = [c for c in frame.columns if c != ROW and c not in KIND_COLUMNS]
    frame, guarded = _guard_cells(frame, fields)
    wide = _normalise(frame, fields, today)
    issues = _issues(wide, fields, required)
    if guarded.height:
        issues = pl.concat([guarded, issues]).sort(ROW, maintain_order=True)
    if any(f not in frame.columns for f in required):
        keep = pl.lit(False)
    else:
        keep = pl.all_horizontal([pl.col(_value(f)).is_not_null() for f in required] or [True])
    columns = [pl.col(ROW).cast(pl.Int64)] if ROW in frame.columns else []
    columns += [pl.col(_value(f)).alias(f) for f in fields]
    survivors = wide.filter(keep).select(*columns, *KIND_COLUMNS)
    return CleanResult(survivors, issues)
