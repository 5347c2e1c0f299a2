"""Small Polars helpers shared by the pipeline's stages."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl


def present(frame: pl.DataFrame, names: Iterable[str]) -> pl.DataFrame:
    """Select those of `names` the frame has, in the frame's own column order.

    A stage selects what it reads before filtering rows: filtering a whole batch would copy
    every column of the rows it keeps.
    """
    wanted = set(names)
    return frame.select(c for c in frame.columns if c in wanted)
