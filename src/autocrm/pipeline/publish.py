"""Stage 5: write a batch to the store in bulk, inside the batch's transaction."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import polars as pl

from autocrm.core import bulk
from autocrm.pipeline.records import IDENTITY_FIELDS

TZ = ZoneInfo("Asia/Shanghai")
EVENT_ENTITIES = {
    "contract", "invoice", "call", "complaint", "roadside", "registration", "event_signup",
    "post", "survey", "member",
}
TITLE_FIELD = {
    "call": "call_type", "complaint": "category", "survey": "survey_type", "event_signup":
    "event_name", "post": "title", "registration": "channel", "member": "tier",
    "contract": "insurer", "invoice": "model", "roadside": "status",
}
DEALER_RELATION = {"invoice": "bought", "customer": "dms", "member": "club"}
NOT_DETAIL = {*IDENTITY_FIELDS, "summary", "dealer_code", "event_date", "_key", "_row"}


def supersede(records: pl.DataFrame) -> pl.DataFrame:
    """Retire stored versions of the batch's record keys; return (id, customer_id, vin)."""
    found: list[tuple] = []
    for (source, feed), part in records.group_by(["source", "feed"]):
        keys = part["record_key"].to_list()
        sql = (
            "SELECT id, customer_id, vin FROM sources_sourcerecord WHERE current "
            f"AND source = '{source}' AND feed = '{feed}' AND record_key IN ({{}})"
        )
        found += bulk.select_in(sql, keys)
    old = pl.DataFrame(
        found, schema={"id": pl.Int64, "customer_id": pl.Int64, "vin": pl.Utf8}, orient="row"
    )
    ids = old["id"].to_list()
    if ids:
        with bulk.connection.cursor() as cur:
            for start in range(0, len(ids), 10_000):
                part_ids = ids[start : start + 10_000]
                marks = ", ".join(["%s"] * len(part_ids))
                cur.execute(
                    f"UPDATE sources_sourcerecord SET current = %s WHERE id IN ({marks})",
                    [False, *part_ids],
                )
        for table in ("sources_identitykey", "interactions_interaction", "vehicles_repairorder"):
            bulk.delete_in(table, "record_id", ids)
    return old


def write_records(records: pl.DataFrame) -> None:
    """Insert the batch's source records with their payloads and held fields."""
    cols = ["record_id", "load_id", "source", "feed", "row_no", "record_key", "customer_id",
            "vin", "dealer_code", "event_day", "data", "held_fields"]
    frame = records.select(
        [pl.col(c) if c in records.columns else pl.lit(None).alias(c) for c in cols]
    ).with_columns(pl.lit(True).alias("current"))
    rows = (
        (*r[:10], r[10], r[11] or [], r[12]) for r in frame.iter_rows()
    )
    bulk.insert_rows(
        "sources_sourcerecord",
        ["id", "load_id", "source", "feed", "row_no", "record_key", "customer_id", "vin",
         "dealer_code", "event_date", "data", "held_fields", "current"],
        rows,
    )


def write_keys(records: pl.DataFrame) -> None:
    """Index the strong keys of the batch's identity records for later incremental matching."""
    from autocrm.pipeline.identify import identity_keys
    from autocrm.pipeline.records import identity_frame

    keys = identity_keys(identity_frame(records)).join(
        records.select("record_id", "customer_id"), on="record_id"
    )
    bulk.insert_rows(
        "sources_identitykey", ["record_id", "customer_id", "kind", "value"],
        keys.select("record_id", "customer_id", "kind", "value").iter_rows(),
    )


def _occurred(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=TZ) if value.tzinfo is None else value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), TZ)
    return None


def write_interactions(records: pl.DataFrame, labels: dict[tuple[str, str], str]) -> int:
    """Put every event record of the batch on its customer's timeline."""
    events = records.filter(pl.col("entity").is_in(list(EVENT_ENTITIES)))
    rows = []
    for r in events.iter_rows(named=True):
        entity = r["entity"]
        extra = r.get(TITLE_FIELD.get(entity, "")) or ""
        title = f"{labels[(r['source'], r['feed'])]} {extra}".strip()
        detail = {
            k: (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in r.items()
            if k in json.loads(r["data"]) and k not in NOT_DETAIL and v not in (None, "")
        }
        rows.append((
            r["customer_id"], r.get("vin"), entity, _occurred(r.get("event_date")), r["source"],
            r.get("dealer_code") or "", title[:255], r.get("summary") or "", detail, r["record_id"],
        ))
    return bulk.insert_rows(
        "interactions_interaction",
        ["customer_id", "vin", "kind", "occurred_at", "source", "dealer_code", "title",
         "summary", "detail", "record_id"],
        rows,
    )


def write_repairs(records: pl.DataFrame, vehicle_ids: dict[str, int]) -> int:
    """Insert the batch's repair and maintenance orders."""
    repairs = records.filter((pl.col("entity") == "repair") & pl.col("vin").is_not_null())
    cols = ["dealer_code", "order_no", "event_day", "mileage", "repair_type", "items", "parts",
            "amount", "technician", "advisor", "record_id"]
    frame = repairs.select(
        pl.col("vin"),
        *[pl.col(c) if c in repairs.columns else pl.lit(None).alias(c) for c in cols],
    )
    rows = (
        (vehicle_ids[r[0]], *[v if v is not None else "" for v in r[1:3]], r[3], r[4],
         *[v or "" for v in r[5:8]], r[8], *[v or "" for v in r[9:11]], r[11])
        for r in frame.iter_rows()
        if r[0] in vehicle_ids and r[3] is not None
    )
    return bulk.insert_rows(
        "vehicles_repairorder",
        ["vehicle_id", "dealer_code", "order_no", "date", "mileage", "repair_type", "items",
         "parts", "amount", "technician", "advisor", "record_id"],
        rows,
    )


def write_dealer_links(profile: pl.DataFrame, customers: list[int]) -> None:
    """Recompute how each affected customer relates to dealers."""
    bulk.delete_in("customers_customerdealer", "customer_id", customers)
    rel = profile.filter(
        pl.col("feed").is_in(list(DEALER_RELATION)) & pl.col("dealer_code").is_not_null()
    ).with_columns(pl.col("feed").replace_strict(DEALER_RELATION).alias("relation"))
    links = rel.group_by(["customer_id", "dealer_code", "relation"]).agg(
        pl.col("event_day").min().alias("first_at"), pl.col("event_day").max().alias("last_at")
    )
    served = bulk.select_in(
        "SELECT o.customer_id, r.dealer_code, MIN(r.date), MAX(r.date) "
        "FROM vehicles_repairorder r JOIN vehicles_ownership o ON o.vehicle_id = r.vehicle_id "
        'AND (o.start IS NULL OR r.date >= o.start) AND (o."end" IS NULL OR r.date < o."end") '
        "WHERE o.customer_id IN ({}) GROUP BY o.customer_id, r.dealer_code",
        customers,
    )
    rows = [
        (c, d, rel_, f, last) for c, d, rel_, f, last in links.select(
            "customer_id", "dealer_code", "relation", "first_at", "last_at").iter_rows()
    ] + [(c, d, "serviced", f, last) for c, d, f, last in served]
    bulk.insert_rows(
        "customers_customerdealer",
        ["customer_id", "dealer_code", "relation", "first_at", "last_at"], rows,
    )
