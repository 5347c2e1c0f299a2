"""The rare cases of linking, in polars: clashing groups, ambiguous nodes, proposed merges."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

if TYPE_CHECKING:
    from autocrm.identity.members import Members

MERGE_SCHEMA = {"ex_a": pl.Int64, "ex_b": pl.Int64, "strength": pl.Float64}


def sub_value_names(width: int) -> list[str]:
    return [f"sv{c}" for c in range(width)]


def group_merges(
    ex_row: int | None,
    members: Members,
    values: np.ndarray,
    clash: np.ndarray,
    starts: np.ndarray,
    sizes: np.ndarray,
) -> pl.DataFrame:
    """Pairs of existing customers that one group holding a new record would join.

    A group whose other values clash (two names under a phone key) does not say that its
    customers are one, so it proposes nothing.
    """
    if ex_row is None:
        return pl.DataFrame(schema=MERGE_SCHEMA)
    real = [c for c in range(values.shape[0]) if c != ex_row]
    flagged = clash[ex_row] & np.logical_or.reduceat(members.new, starts)
    if real:
        flagged &= ~clash[real].any(axis=0)
    rows = np.repeat(flagged, sizes) & (values[ex_row] >= 0)
    if not rows.any():
        return pl.DataFrame(schema=MERGE_SCHEMA)
    strength = np.repeat(np.maximum.reduceat(members.strength, starts), sizes)
    frame = pl.DataFrame({"by": members.group[rows], "ex": values[ex_row][rows],
                          "strength": strength[rows]}).unique()
    return _pairs_of_values(frame)


def _pairs_of_values(frame: pl.DataFrame) -> pl.DataFrame:
    """All pairs (ex_a < ex_b) of `ex` values within each `by` group, with their strength."""
    right = frame.select("by", pl.col("ex").alias("ex_b"))
    return (
        frame.join(right, on="by", maintain_order="left")
        .filter(pl.col("ex") < pl.col("ex_b"))
        .select(pl.col("ex").alias("ex_a"), "ex_b", "strength")
        .sort("ex_a", "ex_b")
        .cast(MERGE_SCHEMA)  # type: ignore[arg-type]
    )


def split_conflicting(
    members: Members, values: np.ndarray, high: np.ndarray, clash: np.ndarray
) -> pl.DataFrame:
    """Split clashing groups by the values of their clashing columns.

    Anchors (values in every clashing column) form one sub-group per combination; the other
    members float into every sub-group they do not contradict.
    """
    width = values.shape[0]
    vs, gs, fs, svs = ([f"{p}{c}" for c in range(width)] for p in ("v", "g", "f", "sv"))
    frame = pl.DataFrame({
        "group": members.group, "node": members.node, "rid": members.rid, "new": members.new,
        "strength": members.strength,
        **dict(zip(vs, values, strict=True)), **dict(zip(gs, high, strict=True)),
        **dict(zip(fs, clash, strict=True)),
    })
    anchored = pl.all_horizontal([~pl.col(f) | (pl.col(v) >= 0) for v, f in zip(vs, fs,
                                                                                 strict=True)])
    anchors = frame.filter(anchored).with_columns(
        pl.when(pl.col(f)).then(pl.col(v)).otherwise(pl.col(g)).alias(sv)
        for v, g, f, sv in zip(vs, gs, fs, svs, strict=True)
    ).with_columns(sub=pl.struct("group", *svs).hash(seed=7))
    table = anchors.select("group", "sub", *svs).unique(maintain_order=True)
    fits = pl.all_horizontal([
        ~pl.col(f) | (pl.col(v) < 0) | (pl.col(v) == pl.col(sv))
        for v, f, sv in zip(vs, fs, svs, strict=True)
    ])
    floaters = frame.filter(~anchored).join(table, on="group", maintain_order="left").filter(fits)
    split = pl.concat([anchors, floaters.select(anchors.columns)])
    return split.with_columns(  # a sub-group's own values in the columns that did not clash
        pl.when(pl.col(f)).then(pl.col(sv)).otherwise(pl.col(v).max().over("sub")).alias(sv)
        for v, f, sv in zip(vs, fs, svs, strict=True)
    ).select("sub", "group", "node", "rid", "new", "strength", *svs)


def resolve(
    ex_row: int | None, subs: pl.DataFrame, resolve_all: bool
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep each ambiguous node in the sub-groups of its best-supported values only.

    Best: most total strength, then strongest single link, then the oldest existing customer.
    Without `resolve_all`, a node ambiguous in a real constraint column is left out instead.
    """
    svs = [c for c in subs.columns if c.startswith("sv")]
    counts = subs.group_by("node").agg(
        [pl.col(s).filter(pl.col(s) >= 0).n_unique().alias(f"a{s}") for s in svs]
    )
    ambiguous = counts.filter(pl.any_horizontal([pl.col(f"a{s}") > 1 for s in svs]))
    merges = _ambiguous_merges(ex_row, subs, ambiguous, svs)
    real = [f"a{s}" for c, s in enumerate(svs) if c != ex_row]
    if not resolve_all and real:
        dropped = ambiguous.filter(pl.any_horizontal([pl.col(a) > 1 for a in real]))
        subs = subs.join(dropped.select("node"), on="node", how="anti")
        ambiguous = ambiguous.join(dropped.select("node"), on="node", how="anti")
    ties = svs if ex_row is None else [svs[ex_row], *svs]
    candidates = subs.join(ambiguous.select("node"), on="node", maintain_order="left")
    best = (
        candidates.group_by("node", *svs)
        .agg(total=pl.col("strength").sum(), top=pl.col("strength").max())
        .sort(["node", "total", "top", *ties],
              descending=[False, True, True] + [False] * len(ties))
        .unique("node", keep="first")
        .select("node", *[pl.col(s).alias(f"b{s}") for s in svs])
    )
    fits = pl.all_horizontal(
        [(pl.col(s) < 0) | (pl.col(f"b{s}") < 0) | (pl.col(s) == pl.col(f"b{s}")) for s in svs]
    )
    kept = candidates.join(best, on="node", maintain_order="left").filter(fits).select(subs.columns)
    rest = subs.join(ambiguous.select("node"), on="node", how="anti")
    return pl.concat([rest, kept]), merges


def _ambiguous_merges(
    ex_row: int | None, subs: pl.DataFrame, ambiguous: pl.DataFrame, svs: list[str]
) -> pl.DataFrame:
    """Pairs of existing customers one new node would join through different groups.

    Only nodes whose other values are unambiguous count: a nameless call from a phone that
    two differently named customers share says nothing about them being one.
    """
    if ex_row is None:
        return pl.DataFrame(schema=MERGE_SCHEMA)
    ex = svs[ex_row]
    real = [f"a{s}" for c, s in enumerate(svs) if c != ex_row]
    clear = pl.all_horizontal([pl.col(a) <= 1 for a in real] or [pl.lit(True)])
    nodes = ambiguous.filter((pl.col(f"a{ex}") > 1) & clear).select("node")
    pairs = (
        subs.join(nodes, on="node", maintain_order="left")
        .filter(pl.col(ex) >= 0)
        .group_by(pl.col("node").alias("by"), pl.col(ex).alias("ex"))
        .agg(pl.col("strength").max())
    )
    return _pairs_of_values(pairs)
