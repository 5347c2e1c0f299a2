"""Compare the store's customer assignments with the generator's ground truth."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from autocrm.identity.evaluate import Scores, pairwise_scores
from autocrm.sources import record_store
from autocrm.sources.config import feeds_where


def assignments() -> pl.DataFrame:
    """Return source, feed, key, customer_id of every current identity record."""
    return record_store.assignments(exclude=feeds_where(lambda f: f.entity == "vehicle"))


def _joined(truth_dir: Path) -> pl.DataFrame:
    truth = pl.read_parquet(truth_dir / "records.parquet").filter(
        pl.col("person_id").is_not_null()
    ).select("source", "feed", "key", "person_id")
    return assignments().join(truth, on=["source", "feed", "key"], how="inner").with_row_index(
        "rid"
    )


def _scores(joined: pl.DataFrame) -> Scores:
    pred = joined.select(pl.col("rid"), pl.col("customer_id").alias("cluster_id"))
    true = joined.select(pl.col("rid"), pl.col("person_id").alias("cluster_id"))
    return pairwise_scores(pred, true, "rid")


def match_quality(truth_dir: Path) -> Scores:
    """Return pairwise precision/recall/F1 of customer merging against the truth."""
    return _scores(_joined(truth_dir))


def lead_match_quality(truth_dir: Path, source: str = "LEAD") -> Scores:
    """Pairwise precision/recall/F1 over the pairs with at least one record of `source` (the
    prospect lists): is each list row given to the right customer, existing or new? The
    counts are those of all pairs minus those of the pairs without such a record."""
    joined = _joined(truth_dir)
    everything = _scores(joined)
    rest = _scores(joined.filter(pl.col("source") != source))
    return Scores.of(everything.tp - rest.tp, everything.fp - rest.fp, everything.fn - rest.fn)
