"""Build vehicles and ownership periods from every current record that names a VIN."""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterator
from typing import NamedTuple

import polars as pl

from autocrm.core import bulk
from autocrm.core.frames import present
from autocrm.quality.survivorship import golden_values, lineage_json, unpivot_present
from autocrm.sources.config import feeds_where, is_feed
from autocrm.vehicles.models import VEHICLE_FIELDS, Ownership, Vehicle

VEHICLES, OWNERSHIPS = Vehicle._meta.db_table, Ownership._meta.db_table


def owner_feeds() -> tuple[tuple[str, str], ...]:
    """Return the feeds whose rows name a car's owner (configured `owns_vehicle`)."""
    return feeds_where(lambda f: f.owns_vehicle)


# Vehicles are independent: a large batch builds them in parts of this many owner records (a
# full load's vehicle candidates at once, one row per field, would not fit beside the batch).
PART_ROWS = 400_000
CANDIDATE_COLUMNS = ["vin", "feed", "record_id", "load_id", "source", "event_day",
                     *VEHICLE_FIELDS]
DATE_FIELDS = {
    "purchase_date", "registration_date", "first_service_date", "insurance_start",
    "insurance_end",
}


def _owner_rows(records: pl.DataFrame, used: list[str], where: pl.Expr) -> pl.DataFrame:
    """Return the `used` columns (those present) of owner-feed rows matching `where`."""
    return present(records, used).filter(where & is_feed(owner_feeds()))


def candidates(frame: pl.DataFrame) -> pl.DataFrame:
    """Return long vehicle candidates from owner rows of CANDIDATE_COLUMNS; the date of a row
    of a feed configured `event_is_purchase` (an invoice) is the purchase date."""
    if "purchase_date" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.Date).alias("purchase_date"))
    frame = frame.with_columns(
        pl.when(is_feed(feeds_where(lambda f: f.event_is_purchase)))
        .then(pl.col("event_day"))
        .otherwise(pl.col("purchase_date").cast(pl.Date, strict=False))
        .alias("purchase_date")
    )
    fields = [f for f in VEHICLE_FIELDS if f in frame.columns]
    index = [pl.col("vin").alias("entity_id"), "record_id", "load_id", "source",
             pl.col("event_day").alias("observed")]
    return unpivot_present(frame, index, fields)


def ownerships(records: pl.DataFrame) -> pl.DataFrame:
    """Return vin, customer_id, start, end, record_id: owners in order of first evidence."""
    used = ["vin", "customer_id", "source", "feed", "record_id", "event_day", "purchase_date"]
    frame = _owner_rows(records, used,
                        pl.col("vin").is_not_null() & pl.col("customer_id").is_not_null())
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


def _wide(winners: pl.DataFrame, vins: list[str]) -> pl.DataFrame:
    """Return one row per VIN with every vehicle field and its lineage JSON."""
    values = winners.pivot(on="field", index="entity_id", values="value")
    lineage = lineage_json(winners)
    every = pl.DataFrame({"entity_id": vins}, schema={"entity_id": pl.Utf8})
    wide = every.join(values, on="entity_id", how="left").join(lineage, on="entity_id",
                                                                 how="left")
    wide = wide.with_columns(
        pl.lit(None, pl.Utf8).alias(f) for f in VEHICLE_FIELDS if f not in wide.columns
    )
    return wide.select(
        pl.col("entity_id").alias("vin"),
        *[pl.col(f).str.slice(0, 10).str.to_date(strict=False) if f in DATE_FIELDS
          else pl.col(f).fill_null("") for f in VEHICLE_FIELDS],
        pl.col("lineage").fill_null("{}"),
    )


def _bare(vins: list[str]) -> pl.DataFrame:
    """Return rows of vehicles known by their VIN alone: no field won yet."""
    return pl.DataFrame({"vin": vins}, schema={"vin": pl.Utf8}).select(
        "vin", *[pl.lit(None, pl.Date).alias(f) if f in DATE_FIELDS else pl.lit("").alias(f)
                 for f in VEHICLE_FIELDS],
        pl.lit("{}").alias("lineage"),
    )


def _ranges(vins: list[str], rows: int) -> list[tuple[str | None, str | None]]:
    """Split the sorted `vins` into ranges [low, high) of about PART_ROWS of `rows` owner
    records each; the first and last are open (None)."""
    count = max(1, min(len(vins), -(-rows // PART_ROWS)))
    cuts = [vins[len(vins) * i // count] for i in range(1, count)]
    return list(zip([None, *cuts], [*cuts, None], strict=True))


def _within(values: list[str], low: str | None, high: str | None) -> list[str]:
    """Return the sorted `values` in [low, high)."""
    start = 0 if low is None else bisect.bisect_left(values, low)
    return values[start:len(values) if high is None else bisect.bisect_left(values, high)]


def _in_range(low: str | None, high: str | None) -> pl.Expr:
    vin = pl.col("vin")
    return ((vin >= low) if low is not None else pl.lit(True)) & (
        (vin < high) if high is not None else pl.lit(True))


def golden_parts(records: pl.DataFrame, vins: list[str]
                 ) -> Iterator[tuple[str | None, str | None, pl.DataFrame]]:
    """Yield each range of `vins` (sorted) with one row per VIN of it (sorted): its fields won
    from the owner records. Ranges come in VIN order, so rows written range by range lie in
    VIN order. No VIN: one empty range, in which only bare vehicles can be written."""
    if not vins:
        yield None, None, _bare([])
        return
    owners = _owner_rows(records, CANDIDATE_COLUMNS, pl.col("vin").is_not_null())
    for low, high in _ranges(vins, owners.height):
        mine = owners.filter(_in_range(low, high))
        yield low, high, _wide(golden_values(candidates(mine), vehicle=True),
                               _within(vins, low, high)).sort("vin")


class Written(NamedTuple):
    """The vehicles a write touched, and the customers whose ownership periods changed."""

    ids: dict[str, int]  # vin -> vehicle id
    moved: set[int]  # customers who gained, lost or changed a period of one of these vehicles


def owner_vins(*frames: pl.DataFrame) -> list[str]:
    """Return the sorted VINs that owner-feed rows of these frames name: the vehicles whose
    fields or owners they can change."""
    return sorted({v for frame in frames if frame.height
                   for v in frame.filter(is_feed(owner_feeds()))["vin"]
                   .drop_nulls().to_list()})


def write(records: pl.DataFrame, vins: list[str] | None = None,
          more_vins: Collection[str] = ()) -> Written:
    """Upsert the vehicles of `vins` (sorted; by default those the owner rows of `records`
    name) and rewrite their ownership periods that changed; return the ids of those and of
    `more_vins`.

    `records` holds every current owner record of `vins`. `more_vins` are vehicles a batch
    only refers to (a repair order, a call): they need an id, and a row when new, but
    nothing of theirs is rebuilt (a daily load refers to tens of thousands of cars whose
    owner records it would otherwise read and write back unchanged).
    """
    vins = owner_vins(records) if vins is None else vins
    known = dict(bulk.select_in(f"SELECT vin, id FROM {VEHICLES} WHERE vin IN ({{}})",
                                sorted(set(vins) | set(more_vins))))
    if not vins and not more_vins:
        return Written({}, set())
    bare = sorted(set(more_vins) - set(vins) - set(known))
    known_ids = pl.DataFrame({"vin": list(known), "id": list(known.values())},
                             schema={"vin": pl.Utf8, "id": pl.Int64})
    added: list[str] = []
    # Range by range, each written before the next is built: the golden rows of a full
    # load's cars are never held at once.
    for low, high, wide in golden_parts(records, vins):
        new = pl.concat([wide.join(known_ids, on="vin", how="anti"),
                         _bare(_within(bare, low, high))]).sort("vin")
        bulk.insert_frame(VEHICLES, new)
        added += new["vin"].to_list()
        bulk.update_frame(VEHICLES, "id", wide.join(known_ids, on="vin").select(
            "id", *wide.columns[1:]))
    ids = known | dict(bulk.select_in(f"SELECT vin, id FROM {VEHICLES} WHERE vin IN ({{}})",
                                      added))
    owned = {v: ids[v] for v in vins}
    return Written(ids, _write_ownerships(ownerships(records), owned))


def _write_ownerships(owners: pl.DataFrame, ids: dict[str, int]) -> set[int]:
    """Write the periods of these vehicles that changed; return the customers whose periods
    did (a new first record alone rewrites a row but moves no one).

    A daily load reaches tens of thousands of vehicles and changes the owners of few: the rows
    are compared, not deleted and written again.
    """
    cols = ["vehicle_id", "customer_id", "start", "end", "record_id"]
    if not ids:
        return set()
    new = owners.join(
        pl.DataFrame({"vin": list(ids), "vehicle_id": list(ids.values())},
                     schema={"vin": pl.Utf8, "vehicle_id": pl.Int64}), on="vin"
    ).select(cols)
    old = bulk.select_frame(
        'SELECT id, vehicle_id, customer_id, CAST(start AS TEXT), CAST("end" AS TEXT), record_id '
        f"FROM {OWNERSHIPS} WHERE vehicle_id IN ({{}})",
        # a first load has none to compare: no lookup of a million vehicle ids
        list(ids.values()) if bulk.exists(f"SELECT 1 FROM {OWNERSHIPS}") else [],
        {"id": pl.Int64, "vehicle_id": pl.Int64, "customer_id": pl.Int64, "start": pl.Utf8,
         "end": pl.Utf8, "record_id": pl.Int64},
    ).with_columns(pl.col("start", "end").str.to_date())
    kept = old.join(new, on=cols, how="semi", nulls_equal=True)
    gone = old.join(kept, on="id", how="anti")
    added = new.join(kept, on=cols, how="anti", nulls_equal=True)
    bulk.delete_in(OWNERSHIPS, "id", gone["id"].to_list())
    bulk.insert_frame(OWNERSHIPS, added)
    periods = cols[:-1]
    was, now = gone.select(periods), added.select(periods)
    moved = pl.concat([was.join(now, on=periods, how="anti", nulls_equal=True),
                       now.join(was, on=periods, how="anti", nulls_equal=True)])
    return set(moved["customer_id"].to_list())
