"""Deterministic linking: strong keys in order, under the distinct constraints."""

from __future__ import annotations

import json

import polars as pl
import pytest

from autocrm.identity.config import MatchConfig, parse_config
from autocrm.identity.engine import MatchError, match

SCHEMA = {"record_id": pl.Int64, "name": pl.Utf8, "id_number": pl.Utf8, "phone": pl.Utf8,
          "email": pl.Utf8}


def config(*keys: dict) -> MatchConfig:
    return parse_config({
        "id_column": "record_id",
        "threshold": 0.9,
        "fields": [{"name": "name", "comparison": "name_zh"},
                   {"name": "phone", "comparison": "phone"}],
        "deterministic": list(keys) or [
            {"name": "id_number", "columns": ["id_number"]},
            {"name": "phone_name", "columns": ["phone", "name"]},
        ],
        "blocking": [{"columns": ["phone"]}],
        "constraints": {"distinct": ["id_number"]},
    })


def frame(rows: list[tuple]) -> pl.DataFrame:
    padded = [row + (None,) * (len(SCHEMA) - len(row)) for row in rows]
    return pl.DataFrame(padded, schema=SCHEMA, orient="row")


def clusters(result) -> list[list[int]]:
    groups = result.clusters.group_by("cluster_id").agg(pl.col("record_id").sort())
    return sorted(groups["record_id"].to_list())


def test_keys_link_in_order_and_leave_evidence() -> None:
    records = frame([
        (1, "张伟", "110101199001011234", "13800000001"),
        (2, "张伟", "110101199001011234", "13800000002"),
        (3, "张伟", None, "13800000002"),
        (4, "李娜", None, "13900000003"),
        (5, "李娜", None, "13900000003"),
        (6, "王芳", None, None),
    ])

    result = match(records, config())

    assert result.clusters.rows() == [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 3)]
    assert result.clusters.schema == {"record_id": pl.Int64, "cluster_id": pl.Int64}
    rows = result.evidence.sort("right_id").rows()
    assert [r[:4] for r in rows] == [
        (1, 2, "det:id_number", 1.0),
        (2, 3, "det:phone_name", 1.0),
        (4, 5, "det:phone_name", 1.0),
    ]
    assert json.loads(rows[1][4]) == {"phone": "13800000002", "name": "张伟"}
    assert result.merges.is_empty()
    assert result.warnings == [
        "probabilistic stage skipped: 4 profiles, fewer than 200; deterministic links only"
    ]


def test_weaker_key_does_not_join_two_id_numbers() -> None:
    records = frame([
        (1, "张伟", "110101199001011234", "13800000001"),
        (2, "张伟", "110101198505054321", "13800000001"),  # namesake sharing the phone
        (3, "张伟", None, "13800000001"),  # could be either: left alone
        (4, "李娜", "110101197001011111", "13900000003"),
        (5, "李娜", None, "13900000003"),  # only one candidate: linked
    ])

    result = match(records, config())

    assert clusters(result) == [[1], [2], [3], [4, 5]]
    assert result.evidence.select("left_id", "right_id").rows() == [(4, 5)]


def test_bridge_between_two_id_numbers_is_not_linked() -> None:
    records = frame([
        (1, "张伟", "110101199001011234", "13800000001", None),
        (2, "张伟", None, "13800000001", "zw@example.com"),
        (3, "张伟", None, "13800000002", "zw@example.com"),
        (4, "张伟", "110101198505054321", "13800000002", None),
    ])
    keys = [{"name": "email", "columns": ["email"]},
            {"name": "phone_name", "columns": ["phone", "name"]}]

    result = match(records, config(*keys))

    assert clusters(result) == [[1], [2, 3], [4]]


def test_key_level_distinct_keeps_a_household_apart() -> None:
    records = frame([
        (1, "张伟", None, "13800000001"),
        (2, "李娜", None, "13800000001"),  # spouse, same phone
        (3, None, None, "13800000001"),  # a call from that phone: whose?
        (4, "王芳", None, "13900000003"),
        (5, None, None, "13900000003"),
        (6, "王总", None, "13900000003"),  # a title, not a name
    ])
    key = {"name": "phone", "columns": ["phone"], "distinct": ["name__formal"]}

    result = match(records, config(key))

    assert clusters(result) == [[1], [2], [3], [4, 5, 6]]


def test_missing_columns_and_duplicate_ids_are_errors() -> None:
    with pytest.raises(MatchError, match="missing column\\(s\\) required by the config: phone"):
        match(frame([(1, "张伟")]).drop("phone"), config())
    with pytest.raises(MatchError, match="duplicate values: 1"):
        match(frame([(1, "张伟"), (1, "李娜")]), config())


def test_tiny_inputs_fall_back_to_keys_with_warnings() -> None:
    tiny = parse_config({
        "id_column": "record_id", "threshold": 0.9,
        "fields": [{"name": "name", "comparison": "name_zh"},
                   {"name": "phone", "comparison": "phone"}],
        "deterministic": [{"name": "phone_name", "columns": ["phone", "name"]}],
        "blocking": [{"columns": ["phone"]}],
        "probabilistic": {"min_records": 2},
    })
    blank = frame([(1,), (2,), (3,)])

    result = match(blank, tiny)
    empty = match(blank.head(0), tiny)

    assert result.clusters.rows() == [(1, 1), (2, 2), (3, 3)]
    assert result.warnings == [
        "no deterministic matches to estimate the prior; assuming 1 per record",
        "EM on phone skipped: 0 pairs; starting m kept",
    ]
    assert empty.clusters.is_empty()
    assert empty.warnings == [
        "probabilistic stage skipped: 0 profiles, fewer than 2; deterministic links only"
    ]
