"""Survivorship: which value wins, why, and which record the lineage names."""

from __future__ import annotations

import datetime as dt

import polars as pl

from autocrm.quality.survivorship import LONG_SCHEMA, golden_values

D = dt.date


def _cands(*rows: tuple[int, int, str, dt.date | None, str, str]) -> pl.DataFrame:
    """(entity, record, source, observed, field, value) rows; the load is the record's."""
    return pl.DataFrame(
        [(str(e), r, r, s, o, f, v) for e, r, s, o, f, v in rows],
        schema={**LONG_SCHEMA, "entity_id": pl.Utf8}, orient="row",
    ).with_columns(pl.col("entity_id").cast(pl.Int64))


def _won(cands: pl.DataFrame) -> dict[tuple[int, str], tuple[str, str, int, int]]:
    """(entity, field) -> (value, rule, winning record, lineage origin)."""
    out = golden_values(cands)
    return {(e, f): (v, rule, r, o) for e, f, v, rule, r, o in out.select(
        "entity_id", "field", "value", "rule", "record_id", "origin").iter_rows()}


def test_priority_beats_recency_and_says_so() -> None:
    got = _won(_cands(
        (1, 10, "FIN", D(2022, 1, 5), "name", "张伟"),
        (1, 11, "DMS", D(2025, 6, 1), "name", "张玮"),
    ))
    assert got[(1, "name")] == ("张伟", "priority", 10, 10)


def test_the_newer_value_of_the_same_source_wins_by_recency() -> None:
    got = _won(_cands(
        (1, 10, "FIN", D(2022, 1, 5), "phone", "13800138000"),
        (1, 11, "FIN", D(2025, 6, 1), "phone", "13900139000"),
    ))
    assert got[(1, "phone")] == ("13900139000", "recency", 11, 11)


def test_a_later_record_repeating_the_value_leaves_the_origin_where_it_was() -> None:
    got = _won(_cands(
        (1, 10, "FIN", D(2022, 1, 5), "name", "张伟"),
        (1, 12, "FIN", D(2025, 6, 1), "name", "张伟"),  # a renewed contract
        (1, 13, "DMS", D(2025, 7, 1), "name", "张伟"),
    ))
    assert got[(1, "name")] == ("张伟", "sole", 12, 10)


def test_an_address_wins_whole_and_agreeing_records_make_it_sole() -> None:
    address = [("province", "北京"), ("city", "北京"), ("address", "朝阳区建国路88号")]
    same = _won(_cands(
        *[(1, 20, "DMS", D(2023, 3, 2), f, v) for f, v in address],
        *[(1, 21, "FIN", D(2024, 1, 1), f, v) for f, v in address],
    ))
    assert {f: same[(1, f)] for f, _ in address} == {
        "province": ("北京", "sole", 20, 20), "city": ("北京", "sole", 20, 20),
        "address": ("朝阳区建国路88号", "sole", 20, 20)}
    moved = _won(_cands(
        *[(2, 30, "FIN", D(2024, 1, 1), f, v) for f, v in address],
        (2, 31, "DMS", D(2023, 3, 2), "province", "上海"),
        (2, 31, "DMS", D(2023, 3, 2), "city", "上海"),
    ))
    assert {f: moved[(2, f)][:3] for f in ("province", "city")} == {
        "province": ("上海", "priority", 31), "city": ("上海", "priority", 31)}
    assert (2, "address") not in moved  # never mixed: the DMS record has no street
