"""The evidence of each link between records: rule, score and details, per load."""

from __future__ import annotations

import polars as pl

from autocrm.core import bulk
from autocrm.identity.models import MatchEvidence

TABLE = MatchEvidence._meta.db_table


def write(evidence: pl.DataFrame, loads: pl.DataFrame) -> int:
    """Store links (left_id, right_id, customer_id, rule, score, detail); `loads` gives each
    batch record's load (record_id, load_id): a link is filed under its newer record's load."""
    if evidence.is_empty():
        return 0
    ev = evidence.join(loads.rename({"record_id": "right_id"}), on="right_id", how="left").join(
        loads.rename({"record_id": "left_id", "load_id": "left_load"}), on="left_id",
        how="left",
    ).with_columns(pl.coalesce("load_id", "left_load").alias("load_id"))
    return bulk.insert_frame(TABLE, ev.filter(pl.col("load_id").is_not_null()).select(
        "customer_id", pl.col("left_id").alias("left_record"),
        pl.col("right_id").alias("right_record"), "rule", "score",
        pl.col("detail").fill_null(""), "load_id",
    ))
