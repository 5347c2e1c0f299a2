"""Compare the store's customer assignments with the generator's ground truth."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from django.db import connection

from autocrm.identity.evaluate import Scores, pairwise_scores


def assignments() -> pl.DataFrame:
    """Return source, feed, key, customer_id of every current identity record."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT source, feed, record_key, customer_id FROM sources_sourcerecord "
            "WHERE current AND customer_id IS NOT NULL AND feed <> 'vehicle'"
        )
        rows = cur.fetchall()
    return pl.DataFrame(
        rows, schema={"source": pl.Utf8, "feed": pl.Utf8, "key": pl.Utf8,
                      "customer_id": pl.Int64}, orient="row",
    )


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
