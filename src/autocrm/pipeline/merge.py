"""The merge stage: rebuild the golden customers a batch affects, holding doubtful changes."""

from __future__ import annotations

import polars as pl
from django.utils import timezone

from autocrm.core.frames import assign, parts, present
from autocrm.customers import golden
from autocrm.customers.models import PROFILE_FIELDS
from autocrm.identity import proposals
from autocrm.pipeline.link import lookup
from autocrm.pipeline.records import PERSON_FIELDS
from autocrm.sources import record_store
from autocrm.sources.config import identity_feeds


def _stored_records(existing: list[int], known: pl.DataFrame) -> pl.DataFrame:
    """Return the current identity records of `existing` customers: those of `known` (every
    such record of its customers), the rest read from the store."""
    have = set(known["customer_id"].to_list()) if known.height else set()
    fetched = record_store.fetch("customer_id", [c for c in existing if c not in have],
                                 feeds=identity_feeds(), fields=PERSON_FIELDS)
    if not have:
        return fetched
    wanted = pl.DataFrame({"customer_id": existing}, schema={"customer_id": pl.Int64})
    reused = known.join(wanted, on="customer_id", how="semi")
    return pl.concat([reused, fetched], how="diagonal_relaxed") if fetched.height else reused


# Survivorship holds every candidate value of the customers it builds at once (a full load's
# would not fit in memory). Customers are independent, so a large batch builds them in parts.
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
    against_store = golden.any_stored()  # else none can clash
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
