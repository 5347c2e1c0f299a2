"""Stage 5: write a batch to the store in bulk, inside the batch's transaction."""

from __future__ import annotations

from collections.abc import Collection
from typing import NamedTuple

import polars as pl

from autocrm.core import bulk
from autocrm.core.frames import parts, present
from autocrm.pipeline import store
from autocrm.pipeline.records import json_object, payload

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
DEALER_FEEDS = tuple(DEALER_RELATION)  # the feeds write_dealer_links reads
DETAIL_FIELDS = {
    "contract_no", "loan_amount", "loan_terms", "monthly_payment", "first_payment_date",
    "insurer", "policy_no", "insurance_start", "insurance_end", "invoice_no", "model", "amount",
    "call_id", "call_type", "agent", "complaint_no", "category", "status", "closed_at",
    "case_no", "location", "user_id", "nickname", "channel", "signup_id", "event_name",
    "intended_model", "post_id", "title", "survey_id", "survey_type", "score", "nps", "club",
    "member_no", "tier", "points",
}


OLD_SCHEMA = {"id": pl.Int64, "customer_id": pl.Int64, "vin": pl.Utf8, "source": pl.Utf8,
              "feed": pl.Utf8, "record_key": pl.Utf8}


class Superseded(NamedTuple):
    """What a batch brings that the store lacks, and the stored versions it retires."""

    records: pl.DataFrame  # the batch without the rows that came again unchanged
    old: pl.DataFrame  # the stored versions the batch replaces (OLD_SCHEMA)
    unchanged: dict[int, int]  # load id -> rows that came again as stored


def _stored_feeds(records: pl.DataFrame) -> pl.DataFrame:
    """Return record_id, source, feed, record_key and digest of the batch's rows of feeds the
    store already holds."""
    # group_by, not unique(): a multi-column unique over a batch's rows peaks at ~1 GiB per 1M
    feeds = present(records, ["source", "feed", "load_id"]).group_by("source", "feed").agg(
        pl.col("load_id").min()
    )
    # Ask the loads, not the records: a LIMIT 1 over the records of a feed the store lacks, or
    # holds far down the table, scans it (2 s at 11M records).
    held = [
        f"{source}/{feed}" for source, feed, first in feeds.iter_rows()
        if bulk.exists("SELECT 1 FROM sources_load WHERE source = %s AND feed = %s "
                       "AND status = 'done' AND id < %s", [source, feed, first])
    ]
    keys = ["record_id", "source", "feed", "record_key", "digest"]
    if not held:  # a first load: nothing to supersede, and no join over every row
        return pl.DataFrame(schema={**dict.fromkeys(keys, pl.Utf8), "record_id": pl.Int64,
                                    "digest": pl.Int64})
    return present(records, keys).filter(
        pl.concat_str(["source", "feed"], separator="/").is_in(held)
    )


def supersede(records: pl.DataFrame) -> Superseded:
    """Retire the stored versions of the batch's record keys, and leave out of the batch the
    rows that come again as they are stored.

    Source systems send whole extracts: most of a dealer's customer file is the rows nobody
    edited since the last one. Such a row (the same digest of every field, see
    `records.digest`) keeps its stored record, and the file and row that brought it first;
    writing it again would retire a record for the same values and touch its customer, its
    vehicle and their indexes for nothing. A stored record without a customer (a dealer's car
    whose owner had not arrived yet) is replaced all the same, so the new version can find
    its owner.
    """
    unlinked_ok = ", ".join(repr(f) for f in store.entity_feeds("repair"))  # never linked
    found = bulk.select_join_frame(
        "SELECT s.id, s.customer_id, s.vin, s.source, s.feed, s.record_key, k.record_id, "
        f"CASE WHEN s.digest = k.digest AND (s.customer_id IS NOT NULL "
        f"OR s.feed IN ({unlinked_ok})) THEN 1 ELSE 0 END "
        "FROM {} k JOIN sources_sourcerecord s ON s.source = k.source AND s.feed = k.feed "
        "AND s.record_key = k.record_key WHERE s.current",
        _stored_feeds(records), {**OLD_SCHEMA, "record_id": pl.Int64, "same": pl.Int64},
    )
    again = found.filter(pl.col("same") == 1)
    unchanged: dict[int, int] = {}
    if again.height:
        counts = records.select("record_id", "load_id").join(again, on="record_id", how="semi")
        unchanged = dict(counts["load_id"].value_counts().iter_rows())
        records = records.join(again.select("record_id"), on="record_id", how="anti")
    old = found.filter(pl.col("same") == 0).select(list(OLD_SCHEMA))
    ids = old["id"].to_list()
    if ids:
        bulk.execute_in("UPDATE sources_sourcerecord SET current = %s WHERE id IN ({})",
                        ids, [False])
        for table in ("sources_identitykey", "interactions_interaction", "vehicles_repairorder"):
            bulk.delete_in(table, "record_id", ids)
    return Superseded(records, old, unchanged)


def write_records(records: pl.DataFrame) -> None:
    """Insert the batch's source records with their payloads and held fields."""
    bulk.insert_frame("sources_sourcerecord", records, cluster="customer_id", select=[
        pl.col("record_id").alias("id"), "load_id", "source", "feed", "row_no", "record_key",
        "customer_id", "vin", "dealer_code", pl.col("event_day").alias("event_date"),
        payload(records), pl.col("held_fields").fill_null([]).cast(pl.List(pl.Utf8)),
        pl.lit(True).alias("current"), "digest",
    ])


# A full load's 11M records have 15M keys: written for parts of the customers in turn, they
# add a part's keys to the load's memory, not 1.3 GiB. A customer's keys stay together.
KEY_PART_ROWS = 2_000_000


def write_keys(records: pl.DataFrame) -> None:
    """Index the strong keys of the batch's identity records for later incremental matching."""
    from autocrm.pipeline.identify import identity_keys
    from autocrm.pipeline.nicknames import registration_keys
    from autocrm.pipeline.records import IDENTITY_FIELDS, identity_frame

    used = present(records, ["record_id", "customer_id", "identity", "source", *IDENTITY_FIELDS])
    for mine in parts(records.height, pl.col("customer_id"), KEY_PART_ROWS):
        part = used.filter(mine)
        keys = identity_keys(identity_frame(part)).join(
            part.select("record_id", "customer_id"), on="record_id"
        ).select("record_id", "customer_id", "kind", "value")
        bulk.insert_frame("sources_identitykey", keys, cluster="customer_id")
    bulk.insert_frame("sources_identitykey", registration_keys(records), cluster="customer_id")


def _detail(events: pl.DataFrame) -> pl.Expr:
    return json_object([c for c in events.columns if c in DETAIL_FIELDS])


def write_interactions(records: pl.DataFrame, labels: dict[tuple[str, str], str]) -> int:
    """Put every event record of the batch on its customer's timeline."""
    used = ["customer_id", "vin", "entity", "event_date", "source", "feed", "dealer_code",
            "summary", "record_id", *TITLE_FIELD.values(), *sorted(DETAIL_FIELDS)]
    events = present(records, used).filter(pl.col("entity").is_in(list(EVENT_ENTITIES)))
    if events.is_empty():
        return 0
    title_parts = [pl.lit("")]
    for entity, column in TITLE_FIELD.items():
        if column in events.columns:
            title_parts.append(
                pl.when(pl.col("entity") == entity).then(pl.col(column).cast(pl.Utf8))
            )
    extra = pl.coalesce(*reversed(title_parts))
    label = pl.concat_str(["source", "feed"], separator="/").replace_strict(
        {f"{s}/{f}": v for (s, f), v in labels.items()}, default=""
    )
    occurred = pl.col("event_date")
    if events.schema.get("event_date") == pl.Date:
        occurred = occurred.cast(pl.Datetime("us"))
    # Titles and details are computed a slice at a time as the rows are written: for a full
    # load's 5M events at once they added 2 GiB.
    return bulk.insert_frame("interactions_interaction", events, cluster="customer_id", select=[
        "customer_id", "vin", pl.col("entity").alias("kind"),
        occurred.dt.replace_time_zone("Asia/Shanghai").alias("occurred_at"), "source",
        pl.col("dealer_code").fill_null(""),
        pl.concat_str([label, extra], separator=" ").str.strip_chars().str.slice(0, 255)
        .alias("title"),
        pl.col("summary").fill_null(""), _detail(events).alias("detail"), "record_id",
    ])


def write_repairs(records: pl.DataFrame, vehicle_ids: dict[str, int]) -> int:
    """Insert the batch's repair and maintenance orders."""
    texts = ["dealer_code", "order_no", "repair_type", "items", "parts", "technician", "advisor"]
    used = ["entity", "vin", "event_day", "mileage", "amount", "record_id", *texts]
    # The join below keeps the orders of known vehicles; an is_in over every VIN here built its
    # set again for each chunk of the batch (19 s at 4M rows).
    repairs = present(records, used).filter(
        (pl.col("entity") == "repair") & pl.col("vin").is_not_null()
        & pl.col("event_day").is_not_null()
    )
    if repairs.is_empty():
        return 0
    ids = pl.DataFrame({"vin": list(vehicle_ids), "vehicle_id": list(vehicle_ids.values())},
                       schema={"vin": pl.Utf8, "vehicle_id": pl.Int64})
    # The vehicle id joins one column, the texts are derived a slice at a time as they are
    # written: a join of the whole orders and a derived copy of them added 1.1 GiB at 3.4M.
    vehicle = repairs.select("vin").join(ids, on="vin", how="left", maintain_order="left")
    repairs = repairs.with_columns(vehicle["vehicle_id"])
    if vehicle["vehicle_id"].null_count():
        repairs = repairs.filter(pl.col("vehicle_id").is_not_null())
    return bulk.insert_frame("vehicles_repairorder", repairs, select=[
        "vehicle_id",
        *[pl.col(c).cast(pl.Utf8).fill_null("") if c in repairs.columns else pl.lit("").alias(c)
          for c in texts],
        pl.col("event_day").alias("date"),
        *[pl.col(c) if c in repairs.columns else pl.lit(None).alias(c)
          for c in ("mileage", "amount")],
        "record_id",
    ])


def repair_owners(records: pl.DataFrame, old: pl.DataFrame, vehicle_ids: dict[str, int]
                  ) -> set[int]:
    """Return every owner, past or present, of the vehicles whose repair orders the batch adds
    or replaces: the customers whose `serviced` links it may change."""
    feeds = list(store.entity_feeds("repair"))
    vins = {v for frame in (records, old)
            for v in frame.filter(pl.col("feed").is_in(feeds))["vin"].drop_nulls().to_list()}
    owners = bulk.select_in(
        "SELECT DISTINCT customer_id FROM vehicles_ownership WHERE vehicle_id IN ({})",
        [vehicle_ids[v] for v in sorted(vins) if v in vehicle_ids],
    )
    return {c for (c,) in owners}


def dealer_customers(*frames: pl.DataFrame) -> list[int]:
    """Return the customers of the dealer-feed rows (invoices, DMS customers, club members)
    of these frames: those whose bought, DMS and club links they can change."""
    return sorted({c for frame in frames if frame.height
                   for c in frame.filter(pl.col("feed").is_in(DEALER_FEEDS))["customer_id"]
                   .drop_nulls().to_list()})


def write_dealer_links(
    profile: pl.DataFrame, customers: list[int], serviced: Collection[int] | None = None
) -> None:
    """Recompute how customers relate to dealers; write only what changed.

    `customers` get their bought, DMS and club links recomputed from their records in
    `profile` (which holds all of them); `serviced` (all of `customers` when None) get their
    `serviced` links recounted from their vehicles' repairs. Links of other kinds stay. Most
    customers a daily load touches keep their dealers: rewriting their links cost 1 s of
    DELETE and 5 s of COPY (four indexes and a foreign key per row) at 67k customers, and
    reading every repair of their vehicles again 2.3 s.
    """
    recount = customers if serviced is None else sorted(serviced)
    links = _dealer_links(profile, customers, recount)
    old = bulk.select_frame(
        "SELECT id, customer_id, dealer_code, relation, CAST(first_at AS TEXT), "
        "CAST(last_at AS TEXT) FROM customers_customerdealer WHERE customer_id IN ({})",
        sorted(set(customers) | set(recount)),
        {"id": pl.Int64, "customer_id": pl.Int64, "dealer_code": pl.Utf8, "relation": pl.Utf8,
         "first_at": pl.Utf8, "last_at": pl.Utf8},
    ).with_columns(pl.col("first_at", "last_at").str.to_date()).filter(
        pl.when(pl.col("relation") == "serviced").then(pl.col("customer_id").is_in(recount))
        .otherwise(pl.col("customer_id").is_in(customers))
    )
    cols = ["customer_id", "dealer_code", "relation", "first_at", "last_at"]
    kept = old.join(links, on=cols, how="semi", nulls_equal=True)
    bulk.delete_in("customers_customerdealer", "id",
                   old.join(kept, on="id", how="anti")["id"].to_list())
    bulk.insert_frame("customers_customerdealer",
                      links.join(kept, on=cols, how="anti", nulls_equal=True))


def _dealer_links(
    profile: pl.DataFrame, customers: list[int], recount: list[int]
) -> pl.DataFrame:
    """Return (customer_id, dealer_code, relation, first_at, last_at): bought, DMS and club
    links of `customers` from their records, serviced links of `recount` from their
    vehicles' repairs."""
    wanted = pl.DataFrame({"customer_id": customers}, schema={"customer_id": pl.Int64})
    rel = profile.select("customer_id", "feed", "dealer_code", "event_day").filter(
        pl.col("feed").is_in(list(DEALER_RELATION)) & pl.col("dealer_code").is_not_null()
    ).join(wanted, on="customer_id", how="semi").with_columns(
        pl.col("feed").replace_strict(DEALER_RELATION).alias("relation")
    )
    links = rel.group_by(["customer_id", "dealer_code", "relation"]).agg(
        pl.col("event_day").min().alias("first_at"), pl.col("event_day").max().alias("last_at")
    )
    serviced = bulk.select_frame(
        "SELECT o.customer_id, r.dealer_code, CAST(MIN(r.date) AS TEXT), "
        "CAST(MAX(r.date) AS TEXT) "
        "FROM vehicles_repairorder r JOIN vehicles_ownership o ON o.vehicle_id = r.vehicle_id "
        'AND (o.start IS NULL OR r.date >= o.start) AND (o."end" IS NULL OR r.date < o."end") '
        "WHERE o.customer_id IN ({}) GROUP BY o.customer_id, r.dealer_code",
        recount,
        {"customer_id": pl.Int64, "dealer_code": pl.Utf8, "first_at": pl.Utf8,
         "last_at": pl.Utf8},
    ).with_columns(pl.lit("serviced").alias("relation"),
                   pl.col("first_at", "last_at").str.slice(0, 10).str.to_date())
    return pl.concat([links.select(serviced.columns), serviced], how="vertical_relaxed").select(
        "customer_id", "dealer_code", "relation", "first_at", "last_at"
    )
