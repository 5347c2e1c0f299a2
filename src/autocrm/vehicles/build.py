"""Build vehicles and ownership periods from every current record that names a VIN."""

from __future__ import annotations

import datetime as dt

import polars as pl

from autocrm.core import bulk
from autocrm.customers.survivorship import golden_values
from autocrm.vehicles.models import VEHICLE_FIELDS

OWNER_FEEDS = ("invoice", "contract", "vehicle")
DATE_FIELDS = {
    "purchase_date", "registration_date", "first_service_date", "insurance_start",
    "insurance_end",
}


def candidates(records: pl.DataFrame) -> pl.DataFrame:
    """Return long vehicle candidates; an invoice's date is the purchase date."""
    frame = records.filter(pl.col("vin").is_not_null())
    if "purchase_date" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.Date).alias("purchase_date"))
    frame = frame.with_columns(
        pl.when(pl.col("feed") == "invoice")
        .then(pl.col("event_day"))
        .otherwise(pl.col("purchase_date").cast(pl.Date, strict=False))
        .alias("purchase_date")
    )
    fields = [f for f in VEHICLE_FIELDS if f in frame.columns]
    return frame.select(
        pl.col("vin").alias("entity_id"), "record_id", "load_id", "source",
        pl.col("event_day").alias("observed"), *[pl.col(f).cast(pl.Utf8) for f in fields],
    ).unpivot(index=["entity_id", "record_id", "load_id", "source", "observed"],
              variable_name="field", value_name="value")


def ownerships(records: pl.DataFrame) -> pl.DataFrame:
    """Return vin, customer_id, start, end, record_id: owners in order of first evidence."""
    frame = records.filter(
        pl.col("vin").is_not_null()
        & pl.col("customer_id").is_not_null()
        & pl.col("feed").is_in(OWNER_FEEDS)
    )
    if "purchase_date" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.Date).alias("purchase_date"))
    dated = frame.with_columns(
        pl.coalesce(pl.col("purchase_date").cast(pl.Date, strict=False), pl.col("event_day"))
        .alias("start")
    )
    firsts = (
        dated.sort("start", nulls_last=True)
        .group_by(["vin", "customer_id"], maintain_order=True)
        .agg(pl.col("start").first(), pl.col("record_id").first())
        .sort(["vin", "start"], nulls_last=True)
    )
    return firsts.with_columns(pl.col("start").shift(-1).over("vin").alias("end"))


def write(records: pl.DataFrame) -> dict[str, int]:
    """Upsert the vehicles of these records and replace their ownership periods."""
    winners = golden_values(candidates(records), vehicle=True)
    if winners.is_empty():
        return {}
    wide = winners.pivot(on="field", index="entity_id", values="value")
    lineage = winners.with_columns(
        pl.struct("value", "source", pl.col("record_id").alias("record"),
                  pl.col("load_id").alias("load"), "rule").alias("entry")
    ).group_by("entity_id").agg("field", "entry")
    wide = wide.join(lineage, on="entity_id")
    vins = wide["entity_id"].to_list()
    known = dict(bulk.select_in("SELECT vin, id FROM vehicles_vehicle WHERE vin IN ({})", vins))
    cols = [*VEHICLE_FIELDS, "lineage"]
    rows_new, rows_old = [], []
    for r in wide.iter_rows(named=True):
        values = [_value(f, r.get(f)) for f in VEHICLE_FIELDS]
        lin = dict(zip(r["field"], r["entry"], strict=True))
        if r["entity_id"] in known:
            rows_old.append((known[r["entity_id"]], *values, lin))
        else:
            rows_new.append((r["entity_id"], *values, lin))
    bulk.insert_rows("vehicles_vehicle", ["vin", *cols], rows_new)
    bulk.update_rows("vehicles_vehicle", "id", cols, rows_old)
    ids = dict(bulk.select_in("SELECT vin, id FROM vehicles_vehicle WHERE vin IN ({})", vins))
    _write_ownerships(ownerships(records), ids)
    return ids


def _value(field: str, value: str | None) -> object:
    if field in DATE_FIELDS:
        return dt.date.fromisoformat(value[:10]) if value else None
    return value or ""


def _write_ownerships(owners: pl.DataFrame, ids: dict[str, int]) -> None:
    bulk.delete_in("vehicles_ownership", "vehicle_id", list(ids.values()))
    rows = [
        (ids[r["vin"]], r["customer_id"], r["start"], r["end"], r["record_id"])
        for r in owners.iter_rows(named=True)
        if r["vin"] in ids
    ]
    bulk.insert_rows(
        "vehicles_ownership", ["vehicle_id", "customer_id", "start", "end", "record_id"], rows
    )
