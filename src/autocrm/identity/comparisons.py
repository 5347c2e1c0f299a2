"""Splink comparisons built from the configured field kinds, plus their DuckDB helpers.

DuckDB's string distances count UTF-8 bytes (张伟/张玮 is 3 edits), so Chinese text is
compared by characters through rapidfuzz functions registered on the connection
(`zh_edits`, `zh_similarity`) and by pinyin (`<field>__pinyin`, same sound = likely typo
from a pinyin input method). Each level carries starting m/u values: EM and random sampling
refine them, and they stand as sensible fixed values when training cannot run.
"""

from __future__ import annotations

from typing import Any

import duckdb
import splink.comparison_library as cl
from duckdb.sqltypes import BIGINT, DOUBLE, VARCHAR
from rapidfuzz.distance import Indel, Levenshtein

from autocrm.identity.config import FORMAL_SUFFIX, PINYIN_SUFFIX, FieldSpec

Level = dict[str, Any]


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Register the character-level string functions the comparisons use."""
    con.create_function("zh_edits", _edits, [VARCHAR, VARCHAR], BIGINT, side_effects=False)
    con.create_function(
        "zh_similarity", _similarity, [VARCHAR, VARCHAR], DOUBLE, side_effects=False
    )


def _edits(left: str, right: str) -> int:
    return int(Levenshtein.distance(left, right))


def _similarity(left: str, right: str) -> float:
    return float(Indel.normalized_similarity(left, right))


def comparison(spec: FieldSpec) -> dict[str, Any]:
    """Return the Splink comparison (settings dict form) for one configured field."""
    builders = {
        "exact": _exact,
        "name": _name,
        "name_zh": _name_zh,
        "phone": _phone,
        "date": _date,
        "text_fuzzy": _text_fuzzy,
        "numeric": _numeric,
    }
    levels = [_null(spec.name), *builders[spec.comparison](spec)]
    return {
        "output_column_name": spec.name,
        "comparison_description": f"{spec.comparison} comparison of {spec.name}",
        "comparison_levels": levels,
    }


def compared_columns(spec: FieldSpec) -> list[str]:
    """Columns a field's comparison reads (the field plus any derived column)."""
    if spec.comparison == "name_zh":
        return [spec.name, spec.name + PINYIN_SUFFIX, spec.name + FORMAL_SUFFIX]
    return [spec.name]


def _level(sql: str, label: str, m: float, u: float) -> Level:
    return {"sql_condition": sql, "label_for_charts": label, "m_probability": m,
            "u_probability": u}


def _null(col: str) -> Level:
    return {"sql_condition": f'"{col}_l" IS NULL OR "{col}_r" IS NULL',
            "label_for_charts": "null", "is_null_level": True}


def _exact_level(spec: FieldSpec, m: float, u: float) -> Level:
    level = _level(f'"{spec.name}_l" = "{spec.name}_r"', "exact", m, u)
    if spec.tf:
        level.update(tf_adjustment_column=spec.name, tf_adjustment_weight=1.0)
    return level


def _else(m: float, u: float) -> Level:
    return _level("ELSE", "else", m, u)


def _exact(spec: FieldSpec) -> list[Level]:
    return [_exact_level(spec, 0.9, 0.01), _else(0.1, 0.99)]


# Starting m and u of Splink's NameComparison levels: exact, Jaro-Winkler >= 0.92, >= 0.88,
# >= 0.7, else.
NAME_MU = ((0.82, 0.002), (0.08, 0.001), (0.04, 0.002), (0.03, 0.05), (0.03, 0.945))


def _name(spec: FieldSpec) -> list[Level]:
    """Latin-script names: Splink's NameComparison levels, with starting m and u."""
    levels = cl.NameComparison(spec.name).get_comparison("duckdb").as_dict()["comparison_levels"]
    out = []
    for level, (m, u) in zip(levels[1:], NAME_MU, strict=True):  # levels[0] is the null level
        out.append(_level(level["sql_condition"], _jw_label(level), m, u))
    out[0] = _exact_level(spec, *NAME_MU[0])
    return out


def _jw_label(level: dict[str, Any]) -> str:
    sql = str(level["sql_condition"])
    if sql == "ELSE":
        return "else"
    return "Jaro-Winkler >= " + sql.rsplit(">=", 1)[1].strip() if ">=" in sql else "exact"


def _name_zh(spec: FieldSpec) -> list[Level]:
    col, py = spec.name, spec.name + PINYIN_SUFFIX
    return [
        _exact_level(spec, 0.85, 0.001),
        _level(f'"{py}_l" = "{py}_r"', "same pinyin", 0.06, 0.0005),
        _level(_one_edit(col), "one character differs", 0.04, 0.01),
        _level(f'jaro_winkler_similarity("{py}_l", "{py}_r") >= 0.9', "similar pinyin",
               0.02, 0.02),
        _level(_title_of(col), "title with the same surname", 0.02, 0.005),
        _else(0.01, 0.9635),
    ]


def _one_edit(col: str) -> str:
    """Characters differ by one edit; the cheap test first (one edit keeps an end intact)."""
    left, right = f'"{col}_l"', f'"{col}_r"'
    ends = (f"(least(length({left}), length({right})) < 2 OR left({left}, 1) = left({right}, 1)"
            f" OR right({left}, 1) = right({right}, 1))")
    return f"{ends} AND zh_edits({left}, {right}) <= 1"


def _title_of(col: str) -> str:
    """One side is a title such as 张总 and the surnames agree."""
    formal = col + FORMAL_SUFFIX
    return (f'left("{col}_l", 1) = left("{col}_r", 1) AND '
            f'("{formal}_l" IS NULL OR "{formal}_r" IS NULL)')


def _phone(spec: FieldSpec) -> list[Level]:
    col = spec.name
    return [
        _exact_level(spec, 0.75, 0.00001),
        _level(f'right("{col}_l", 8) = right("{col}_r", 8)', "last 8 digits", 0.02, 0.000001),
        _level(f'levenshtein("{col}_l", "{col}_r") <= 1', "one digit differs", 0.03, 0.0001),
        _else(0.2, 0.999889),
    ]


def _date(spec: FieldSpec) -> list[Level]:
    left, right = f'CAST("{spec.name}_l" AS VARCHAR)', f'CAST("{spec.name}_r" AS VARCHAR)'
    return [
        _exact_level(spec, 0.9, 0.0003),
        _level(f"substr({left}, 1, 7) = substr({right}, 1, 7)", "same year-month", 0.03, 0.003),
        _level(f"levenshtein({left}, {right}) <= 1", "one digit differs", 0.03, 0.01),
        _else(0.04, 0.9867),
    ]


def _text_fuzzy(spec: FieldSpec) -> list[Level]:
    col = spec.name
    sim = f'zh_similarity(CAST("{col}_l" AS VARCHAR), CAST("{col}_r" AS VARCHAR))'
    return [
        _exact_level(spec, 0.6, 0.001),
        _level(f"{sim} >= 0.9", "similarity >= 0.9", 0.2, 0.005),
        _level(f"{sim} >= 0.7", "similarity >= 0.7", 0.1, 0.03),
        _else(0.1, 0.964),
    ]


def _numeric(spec: FieldSpec) -> list[Level]:
    left, right = f'TRY_CAST("{spec.name}_l" AS DOUBLE)', f'TRY_CAST("{spec.name}_r" AS DOUBLE)'
    scale = f"greatest(abs({left}), abs({right}))"
    return [
        _exact_level(spec, 0.85, 0.01),
        _level(f"abs({left} - {right}) <= 0.01 * {scale}", "within 1%", 0.08, 0.02),
        _level(f"abs({left} - {right}) <= 0.1 * {scale}", "within 10%", 0.04, 0.1),
        _else(0.03, 0.87),
    ]


def level_labels(spec: FieldSpec) -> dict[int, str]:
    """Map Splink's comparison vector value (gamma) of a field to its level's label."""
    levels = comparison(spec)["comparison_levels"][1:]  # -1 is the null level
    return {-1: "null", **{len(levels) - 1 - i: lv["label_for_charts"]
                           for i, lv in enumerate(levels)}}
