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


def match_quality(truth_dir: Path) -> Scores:
    """Return pairwise precision/recall/F1 of customer merging against the truth."""
    truth = pl.read_parquet(truth_dir / "records.parquet").filter(
        pl.col("person_id").is_not_null()
    ).select("source", "feed", "key", "person_id")
    joined = assignments().join(truth, on=["source", "feed", "key"], how="inner").with_row_index(
        "rid"
    )
    pred = joined.select(pl.col("rid"), pl.col("customer_id").alias("cluster_id"))
    true = joined.select(pl.col("rid"), pl.col("person_id").alias("cluster_id"))
    return pairwise_scores(pred, true, "rid")
