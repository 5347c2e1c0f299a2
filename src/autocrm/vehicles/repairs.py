"""Repair and maintenance orders: written in bulk by the batch, read per vehicle and owner."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import polars as pl

from autocrm.core import bulk
from autocrm.core.frames import present
from autocrm.vehicles.models import Ownership, RepairOrder

REPAIRS, OWNERSHIPS = RepairOrder._meta.db_table, Ownership._meta.db_table
TEXTS = ["dealer_code", "order_no", "repair_type", "items", "parts", "technician", "advisor"]


def write(records: pl.DataFrame, vehicle_ids: dict[str, int]) -> int:
    """Insert the repair orders among `records` whose vehicle has an id in `vehicle_ids`."""
    used = ["entity", "vin", "event_day", "mileage", "amount", "record_id", *TEXTS]
    # The join below keeps the orders of known vehicles; an is_in over every VIN here built its
    # set again for each chunk of the batch.
    repairs = present(records, used).filter(
        (pl.col("entity") == "repair") & pl.col("vin").is_not_null()
        & pl.col("event_day").is_not_null()
    )
    if repairs.is_empty():
        return 0
    ids = pl.DataFrame({"vin": list(vehicle_ids), "vehicle_id": list(vehicle_ids.values())},
                       schema={"vin": pl.Utf8, "vehicle_id": pl.Int64})
    # The vehicle id joins one column, the texts are derived a slice at a time as they are
    # written: never a joined or derived copy of every order.
    vehicle = repairs.select("vin").join(ids, on="vin", how="left", maintain_order="left")
    repairs = repairs.with_columns(vehicle["vehicle_id"])
    if vehicle["vehicle_id"].null_count():
        repairs = repairs.filter(pl.col("vehicle_id").is_not_null())
    return bulk.insert_frame(REPAIRS, repairs, select=[
        "vehicle_id",
        *[pl.col(c).cast(pl.Utf8).fill_null("") if c in repairs.columns else pl.lit("").alias(c)
          for c in TEXTS],
        pl.col("event_day").alias("date"),
        *[pl.col(c) if c in repairs.columns else pl.lit(None).alias(c)
          for c in ("mileage", "amount")],
        "record_id",
    ])


def retire_records(record_ids: Sequence[int]) -> None:
    """Remove the orders of source records a newer version replaces."""
    bulk.delete_in(REPAIRS, "record_id", record_ids)


def owners(vehicle_ids: Collection[int]) -> set[int]:
    """Return every customer who owns or owned one of these vehicles."""
    rows = bulk.select_in(
        f"SELECT DISTINCT customer_id FROM {OWNERSHIPS} WHERE vehicle_id IN ({{}})",
        sorted(vehicle_ids),
    )
    return {c for (c,) in rows}


def serviced(customer_ids: Sequence[int]) -> pl.DataFrame:
    """Return (customer_id, dealer_code, first_at, last_at): the dealers that serviced these
    customers' cars while they owned them, with the first and last order's dates."""
    return bulk.select_frame(
        "SELECT o.customer_id, r.dealer_code, CAST(MIN(r.date) AS TEXT), "
        "CAST(MAX(r.date) AS TEXT) "
        f"FROM {REPAIRS} r JOIN {OWNERSHIPS} o ON o.vehicle_id = r.vehicle_id "
        'AND (o.start IS NULL OR r.date >= o.start) AND (o."end" IS NULL OR r.date < o."end") '
        "WHERE o.customer_id IN ({}) GROUP BY o.customer_id, r.dealer_code",
        customer_ids,
        {"customer_id": pl.Int64, "dealer_code": pl.Utf8, "first_at": pl.Utf8,
         "last_at": pl.Utf8},
    ).with_columns(pl.col("first_at", "last_at").str.slice(0, 10).str.to_date())
