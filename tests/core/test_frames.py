"""Selecting the columns a stage reads."""

from __future__ import annotations

import polars as pl

from autocrm.core.frames import assign, present


def test_present_keeps_the_frames_order_and_skips_missing_names() -> None:
    frame = pl.DataFrame({"a": [1], "b": ["x"], "c": [2.0]})

    picked = present(frame, ["c", "missing", "a"])

    assert picked.columns == ["a", "c"]
    assert picked.rows() == [(1, 2.0)]


def _batch() -> pl.DataFrame:
    """Two files' rows, one chunk each per column, as a batch is built."""
    return pl.concat(
        [pl.DataFrame({"id": [1, 2, 3], "name": ["a", None, "c"]}), pl.DataFrame({"id": [4, 5]})],
        how="diagonal_relaxed", rechunk=False,
    )


def test_assign_cuts_new_columns_into_the_frames_chunks() -> None:
    frame = _batch()
    keys, values = pl.Series([5, 1]), pl.Series([50, 10])
    out = assign(
        frame,
        pl.col("id").replace_strict(keys, values, default=None).alias("mapped"),
        pl.col("name").fill_null("-"),
        pl.lit("x").alias("tag"),
    )
    assert out.to_dict(as_series=False) == {
        "id": [1, 2, 3, 4, 5], "name": ["a", "-", "c", "-", "-"],
        "mapped": [10, None, None, None, 50], "tag": ["x"] * 5,
    }
    assert [out[c].chunk_lengths() for c in out.columns] == [[3, 2]] * 4


def test_assign_realigns_a_column_computed_in_one_chunk() -> None:
    frame = _batch()
    out = assign(frame, pl.int_range(pl.len()).alias("n"))
    assert out["n"].to_list() == [0, 1, 2, 3, 4]
    assert out["n"].chunk_lengths() == [3, 2]
