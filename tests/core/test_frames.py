"""Selecting the columns a stage reads."""

from __future__ import annotations

import polars as pl

from autocrm.core.frames import present


def test_present_keeps_the_frames_order_and_skips_missing_names() -> None:
    frame = pl.DataFrame({"a": [1], "b": ["x"], "c": [2.0]})

    picked = present(frame, ["c", "missing", "a"])

    assert picked.columns == ["a", "c"]
    assert picked.rows() == [(1, 2.0)]
