"""Incremental matching against records that already belong to customers."""

from __future__ import annotations

import polars as pl

from autocrm.identity.engine import match
from tests.identity.test_deterministic import SCHEMA, config, frame

A = "110101199001011234"
B = "110101198505054321"
C = "110101197001011111"


def existing() -> pl.DataFrame:
    rows = [
        (101, "张伟", A, "13800000001", 7),
        (102, "张伟", None, "13800000002", 7),
        (103, "李娜", B, "13900000003", 3),
        (104, "李娜", None, "13900000005", 5),  # a namesake the steward kept apart
        (105, "王芳", C, "13700000007", 2),
    ]
    return pl.DataFrame(rows, schema={**{k: SCHEMA[k] for k in list(SCHEMA)[:4]},
                                      "cluster_id": pl.Int64}, orient="row").with_columns(
        email=pl.lit(None, dtype=pl.Utf8)
    )


def test_new_record_joins_existing_cluster_and_others_get_fresh_ids() -> None:
    new = frame([
        (1, "张伟", A, "13800000009"),  # same ID as customer 7
        (2, "张伟", None, "13800000002"),  # same phone and name as customer 7
        (3, "赵敏", None, "13600000000"),  # nobody we know
        (4, "赵敏", None, "13600000000"),
    ])

    result = match(new, config(), existing=existing())

    assert result.clusters.rows() == [(1, 7), (2, 7), (3, 8), (4, 8)]
    assert result.evidence.sort("right_id").select("left_id", "right_id", "rule").rows() == [
        (101, 1, "det:id_number"),
        (102, 2, "det:phone_name"),
        (3, 4, "det:phone_name"),
    ]
    assert result.merges.is_empty()


def test_new_record_linking_two_customers_is_proposed_not_applied() -> None:
    new = frame([(1, "李娜", B, "13900000005")])  # ID of customer 3, phone and name of 5

    result = match(new, config(), existing=existing())

    assert result.clusters.rows() == [(1, 3)]  # the stronger key wins
    assert result.merges.rows() == [(3, 5, "det:phone_name", 1.0)]
    assert result.merges.schema == {"cluster_a": pl.Int64, "cluster_b": pl.Int64,
                                    "rule": pl.Utf8, "score": pl.Float64}


def test_new_customer_reaching_two_customers_goes_with_one_and_reports_both() -> None:
    new = frame([
        (1, "李娜", None, "13900000003", "ln@example.com"),
        (2, "李娜", None, "13900000005", "ln@example.com"),
    ])  # one person by e-mail, whose rows carry the phones of customers 3 and 5
    keys = [{"name": "email", "columns": ["email"]},
            {"name": "phone_name", "columns": ["phone", "name"]}]

    result = match(new, config(*keys), existing=existing())

    assert result.clusters.rows() == [(1, 3), (2, 3)]  # equal evidence: the older customer
    assert result.merges.rows() == [(3, 5, "det:phone_name", 1.0)]


def test_different_id_number_does_not_join_a_customer() -> None:
    new = frame([(1, "李娜", "110101200001010000", "13900000003")])  # 3 has another ID

    result = match(new, config(), existing=existing())

    assert result.clusters.rows() == [(1, 8)]
    assert result.merges.is_empty()
