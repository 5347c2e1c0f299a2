"""Pairwise precision and recall of a clustering against the truth."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Scores:
    """Pair counts and the derived rates; rates are 1.0 when nothing was there to get wrong."""

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int

    @classmethod
    def of(cls, tp: int, fp: int, fn: int) -> Scores:
        """The rates of these pair counts."""
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(precision=precision, recall=recall, f1=f1, tp=tp, fp=fp, fn=fn)


def pairwise_scores(
    pred: pl.DataFrame,
    truth: pl.DataFrame,
    id_column: str,
    pred_column: str = "cluster_id",
    truth_column: str = "cluster_id",
) -> Scores:
    """Score every pair of records placed together, from cluster sizes (no pair enumeration).

    Both frames must hold the same ids; tp counts pairs together in both clusterings, which is
    the sum of C(n, 2) over the cells of the prediction-by-truth contingency table.
    """
    joined = pred.select(id_column, pl.col(pred_column).alias("_p")).join(
        truth.select(id_column, pl.col(truth_column).alias("_t")), on=id_column, how="full"
    )
    if joined["_p"].null_count() or joined["_t"].null_count():
        raise ValueError("pred and truth must cover the same ids, each with a cluster")
    tp = _pairs(joined, ["_p", "_t"])
    fp = _pairs(joined, ["_p"]) - tp
    fn = _pairs(joined, ["_t"]) - tp
    return Scores.of(tp, fp, fn)


def _pairs(frame: pl.DataFrame, by: list[str]) -> int:
    sizes = frame.group_by(by).len()["len"].cast(pl.Int64)
    return int((sizes * (sizes - 1) // 2).sum())
