"""Stage 4: link records without identity to customers, then rebuild golden customers."""

from __future__ import annotations

import polars as pl
from django.utils import timezone

from autocrm.core import bulk
from autocrm.core.frames import assign, parts, present
from autocrm.customers import golden
from autocrm.customers.models import PROFILE_FIELDS
from autocrm.identity import proposals
from autocrm.pipeline import store


def lookup(column: str, keys: pl.Series, values: pl.Series) -> pl.Expr:
    """Map `column` through keys -> values (null where absent) without copying the frame."""
    return pl.col(column).replace_strict(keys, values, default=None, return_dtype=values.dtype)


def attach(records: pl.DataFrame, record_ids: pl.Series, customers: pl.Series) -> pl.DataFrame:
    """Give each record of `record_ids` that has no customer yet the matching one of `customers`."""
    return assign(records, pl.coalesce(
        pl.col("customer_id"), lookup("record_id", record_ids, customers)
    ).alias("customer_id"))


def link_vehicle_records(records: pl.DataFrame) -> pl.DataFrame:
    """Give each dealer vehicle record the customer of its dealer's customer number."""
    if "customer_no" not in records.columns:
        return records
    ref = pl.concat_str([pl.col("dealer_code").fill_null(""), pl.col("customer_no")],
                        separator="|")
    vehicles = present(records, ["record_id", "entity", "dealer_code", "customer_no"]).filter(
        pl.col("entity") == "vehicle"
    ).with_columns(ref.alias("_ref"))
    if vehicles.is_empty():
        return records
    local = present(records, ["source", "feed", "record_key", "customer_id"]).filter(
        (pl.col("source") == "DMS") & (pl.col("feed") == "customer")
    ).select(pl.col("record_key").alias("_ref"), pl.col("customer_id").alias("_owner"))
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
    linked = vehicles.join(known, on="_ref", how="inner").select("record_id", "_owner")
    return attach(records, linked["record_id"], linked["_owner"])


def _stored_records(existing: list[int], known: pl.DataFrame) -> pl.DataFrame:
    """Return the current identity records of `existing` customers: those of `known` (every
    such record of its customers), the rest read from the store."""
    have = set(known["customer_id"].to_list()) if known.height else set()
    fetched = store.fetch("customer_id", [c for c in existing if c not in have],
                          feeds=store.identity_feeds(), fields=store.PERSON_FIELDS)
    if not have:
        return fetched
    wanted = pl.DataFrame({"customer_id": existing}, schema={"customer_id": pl.Int64})
    reused = known.join(wanted, on="customer_id", how="semi")
    return pl.concat([reused, fetched], how="diagonal_relaxed") if fetched.height else reused


# Survivorship holds every candidate value of the customers it builds at once: a full load of
# 11M records added 10-12 GiB, parts of 2M records 2.4 GiB. Customers are independent, so a
# large batch builds them in parts.
PART_ROWS = 1_000_000


def rebuild_customers(
    records: pl.DataFrame, affected: set[int], new_ids: set[int], known: pl.DataFrame
) -> tuple[pl.DataFrame, int, pl.DataFrame]:
    """Recompute golden rows of affected customers; return records with held fields marked.

    `known` holds stored records already read (every current identity record of their
    customers); the other affected customers' records are read here.
    """
    existing = sorted(affected - new_ids)
    stored = _stored_records(existing, known)
    used = ["record_id", "customer_id", "load_id", "source", "feed", "event_day", "dealer_code",
            *PROFILE_FIELDS]  # what survivorship and the dealer links read: not the whole row
    # Not filtered to the rows with a customer: that copied a full load's rows; a part picks
    # its customers' rows, and the dealer links read only rows with a customer.
    batch = present(records, used).with_columns(
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("held_fields")
    )
    profile = pl.concat([batch, stored], how="diagonal_relaxed") if stored.height else batch
    before = golden.stored(existing)  # to hold doubtful changes, and to write only changes
    old = before.select(pl.col("id").alias("entity_id"), "name", "id_number", "birth_date",
                        "gender")
    against_store = bulk.exists("SELECT 1 FROM customers_customer")  # else none can clash
    now = timezone.now()
    held, doubtful, clashes = [], [], []
    for mine in parts(profile.height, pl.col("customer_id"), PART_ROWS):
        result = golden.build(profile.filter(mine), old, records["record_id"])
        clashes += golden.write(golden.golden_frame(result.rows, now), set(existing),
                                against_store=against_store, before=before)
        held.append(result.held)
        doubtful.append(result.doubtful)
    if clashes:
        first_load = records["load_id"].min()
        assert isinstance(first_load, int)  # load ids are Int64 and records is not empty
        proposals.propose(((a, b, "det:id_number", 1.0) for a, b in clashes), first_load)
    records = _mark_held(records, pl.concat(doubtful))
    held_rows = pl.concat(held)
    if held_rows.height:
        golden.write_held(held_rows, now)
    return records, held_rows.height, profile


def _mark_held(records: pl.DataFrame, doubtful: pl.DataFrame) -> pl.DataFrame:
    """Set each record's `held_fields`: the fields whose new value is held for a steward."""
    held = pl.lit([], dtype=pl.List(pl.Utf8))
    if doubtful.height:
        marks = doubtful.group_by("record_id").agg(pl.col("field").cast(pl.Utf8))
        where = lookup("record_id", marks["record_id"], pl.Series(range(marks.height)))
        held = pl.lit(marks["field"]).gather(where).fill_null(held)
    return assign(records, held.alias("held_fields"))
