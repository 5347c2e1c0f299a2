"""Small Polars helpers shared by the batch's stages and the apps' bulk writers."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import polars as pl


def assign(frame: pl.DataFrame, *exprs: pl.Expr) -> pl.DataFrame:
    """Add the columns `exprs` compute from `frame`, cut into the frame's chunks.

    A batch is one chunk per file in every column. A column of another chunk layout makes Polars
    copy every column into one chunk, each mostly empty cell taking 16 bytes, before each later
    select or filter of the frame, several GiB each time for a full load. So
    columns added to a batch are computed on the columns they read, then sliced to match.
    """
    reads = {name for e in exprs for name in e.meta.root_names()}
    names = [c for c in frame.columns if c in reads] or frame.columns[:1]
    # The columns read are put in one chunk first: some expressions work chunk by chunk, and
    # replace_strict builds its map again for each one.
    values = pl.DataFrame([frame.get_column(c).rechunk() for c in names]).select(exprs)
    lengths = frame.get_column(frame.columns[0]).chunk_lengths()
    out = []
    for column in values.iter_columns():
        if column.len() != frame.height:
            column = column.new_from_index(0, frame.height)  # a literal
        if column.chunk_lengths() == lengths:
            out.append(column)
            continue
        column = column.rechunk()
        starts = itertools.accumulate(lengths, initial=0)
        out.append(pl.concat([column.slice(at, n) for at, n in zip(starts, lengths, strict=False)],
                             rechunk=False))
    return frame.with_columns(out)


def present(frame: pl.DataFrame, names: Iterable[str]) -> pl.DataFrame:
    """Select those of `names` the frame has, in the frame's own column order.

    A stage selects what it reads before filtering rows: filtering a whole batch would copy
    every column of the rows it keeps.
    """
    wanted = set(names)
    return frame.select(c for c in frame.columns if c in wanted)


def parts(height: int, key: pl.Expr, rows: int) -> list[pl.Expr]:
    """Return filters splitting a frame of `height` rows into parts of about `rows` rows by the
    integer `key`: rows sharing a key fall in one part, rows whose key is null in none."""
    count = max(1, -(-height // rows))
    return [key % count == i for i in range(count)]


def json_object(cols: list[str]) -> pl.Expr:
    """Encode the columns as one JSON object per row, leaving out nulls."""
    if not cols:
        return pl.lit("{}")
    text = pl.struct(cols).struct.json_encode()
    return text.str.replace_all(r'"[^"]+":null,?', "").str.replace(",}", "}", literal=True)
