"""Stage 4: link records without identity to customers, then rebuild golden customers."""

from __future__ import annotations

import polars as pl
from django.utils import timezone

from autocrm.core import bulk
from autocrm.customers import golden
from autocrm.pipeline import store


def link_vehicle_records(records: pl.DataFrame) -> pl.DataFrame:
    """Give each dealer vehicle record the customer of its dealer's customer number."""
    if "customer_no" not in records.columns:
        return records
    ref = pl.concat_str([pl.col("dealer_code").fill_null(""), pl.col("customer_no")],
                        separator="|")
    vehicles = records.filter(pl.col("entity") == "vehicle").with_columns(ref.alias("_ref"))
    if vehicles.is_empty():
        return records
    local = records.filter((pl.col("source") == "DMS") & (pl.col("feed") == "customer")).select(
        pl.col("record_key").alias("_ref"), pl.col("customer_id").alias("_owner")
    )
    missing = sorted(set(vehicles["_ref"].to_list()) - set(local["_ref"].to_list()))
    stored = bulk.select_in(
        "SELECT record_key, customer_id FROM sources_sourcerecord WHERE current "
        "AND source = 'DMS' AND feed = 'customer' AND record_key IN ({})",
        missing,
    )
    known = pl.concat([
        local,
        pl.DataFrame(stored, schema={"_ref": pl.Utf8, "_owner": pl.Int64}, orient="row"),
    ]).unique("_ref", keep="first")
    linked = vehicles.join(known, on="_ref", how="left").select("record_id", "_owner")
    return records.join(linked, on="record_id", how="left").with_columns(
        pl.coalesce("customer_id", "_owner").alias("customer_id")
    ).drop("_owner")


def _old_golden(ids: list[int]) -> pl.DataFrame:
    rows = bulk.select_in(
        "SELECT id, name, id_number, birth_date, gender FROM customers_customer WHERE id IN ({})",
        ids,
    )
    return pl.DataFrame(
        [(str(r[0]), *(None if v is None else str(v) for v in r[1:])) for r in rows],
        schema=["entity_id", "name", "id_number", "birth_date", "gender"], orient="row",
    )


def rebuild_customers(
    records: pl.DataFrame, affected: set[int], new_ids: set[int]
) -> tuple[pl.DataFrame, int, pl.DataFrame]:
    """Recompute golden rows of affected customers; return records with held fields marked."""
    existing = sorted(affected - new_ids)
    stored = store.fetch("customer_id", existing, exclude=set(records["record_id"]))
    batch = records.filter(pl.col("customer_id").is_not_null()).with_columns(
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("held_fields")
    )
    profile = pl.concat([batch, stored], how="diagonal_relaxed") if stored.height else batch
    batch_ids = set(records["record_id"].to_list())
    result = golden.build(profile, _old_golden(existing), batch_ids)
    now = timezone.now()
    golden.write(golden.golden_frame(result.rows, now), set(existing))
    marks = result.doubtful.group_by("record_id").agg(pl.col("field").alias("_held"))
    records = records.join(marks, on="record_id", how="left").with_columns(
        pl.col("_held").fill_null([]).alias("held_fields")
    ).drop("_held")
    if result.held.height:
        golden.write_held(result.held, now)
    return records, result.held.height, profile
