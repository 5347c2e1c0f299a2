"""Turn cleaned files into source records: ids, keys, lineage columns and JSON payloads."""

from __future__ import annotations

import zlib

import polars as pl

from autocrm.core.frames import assign, json_object, present
from autocrm.customers.models import PROFILE_FIELDS
from autocrm.pipeline.extract import Extracted
from autocrm.vehicles.models import VEHICLE_FIELDS

META = ["record_id", "load_id", "source", "feed", "entity", "identity", "row_no", "record_key"]
# What a source record keeps as its payload: what matching and survivorship read again later.
# Everything else of a row lives in its domain table (timeline, repair orders), by record id.
STORED_FIELDS = {
    *PROFILE_FIELDS, *VEHICLE_FIELDS, "name_kind", "id_kind", "id_type", "vin", "customer_no",
    "event_date", "nickname",
}
ALWAYS = ["dealer_code", "vin", "name", "phone", "id_number", "summary"]
IDENTITY_FIELDS = [
    "name", "name_kind", "id_number", "id_kind", "phone", "vin", "birth_date",
    "province", "city", "address",
]
# What matching and survivorship read of a stored person's records.
PERSON_FIELDS = (*IDENTITY_FIELDS, *[f for f in PROFILE_FIELDS if f not in IDENTITY_FIELDS])


def _event_date(frame: pl.DataFrame) -> pl.Expr:
    if "event_date" not in frame.columns:
        return pl.lit(None, dtype=pl.Date)
    dtype = frame.schema["event_date"]
    return pl.col("event_date").cast(pl.Date) if dtype != pl.Utf8 else pl.lit(None, pl.Date)


NOT_CONTENT = {*META, "event_day", "customer_id", "held_fields", "digest"}


def digest(frame: pl.DataFrame) -> pl.Expr:
    """Return a 64-bit digest of each row's content: every field it holds, whatever else.

    The same row sent again gives the same digest in any batch, whichever other columns the
    batch has and in whatever order: each present value is hashed with a seed of its field's
    name, empty fields add nothing, and the hashes are combined by XOR. Each value is hashed
    in the type cleaning gives its field (as text it took three times as long).
    Polars does not promise its hashes across versions: after an upgrade a row sent again is
    stored again, once.
    """
    parts = []
    for name, dtype in frame.schema.items():
        if name in NOT_CONTENT or name.startswith("_") or dtype == pl.Null:
            continue
        value = pl.col(name)
        parts.append(pl.when(value.is_not_null()).then(value.hash(zlib.crc32(name.encode())))
                     .otherwise(pl.lit(0, pl.UInt64)))
    combined = pl.reduce(lambda a, b: a ^ b, parts) if parts else pl.lit(0, pl.UInt64)
    return combined.reinterpret(signed=True).alias("digest")


def build_records(files: list[tuple[Extracted, int]], first_id: int) -> pl.DataFrame:
    """Return one frame of every surviving row of every file, with record ids from `first_id`."""
    parts = []
    for ex, load_id in files:
        frame = ex.frame
        parts.append(
            frame.with_columns(
                pl.lit(load_id, pl.Int64).alias("load_id"),
                pl.lit(ex.source.code).alias("source"),
                pl.lit(ex.feed.kind).alias("feed"),
                pl.lit(ex.feed.entity).alias("entity"),
                pl.lit(ex.feed.identity).alias("identity"),
                pl.col("_row").alias("row_no"),
                pl.col("_key").alias("record_key"),
                _event_date(frame).alias("event_day"),
                digest(frame),  # one file at a time: its columns only, never the whole batch
            ).drop("_row", "_key")
        )
    if not parts:
        return pl.DataFrame()
    records = pl.concat(parts, how="diagonal_relaxed")
    missing = [c for c in ALWAYS if c not in records.columns]
    records = assign(records, *(pl.lit(None, pl.Utf8).alias(c) for c in missing))
    keys = ["source", "feed", "record_key"]
    if present(records, keys).select(pl.struct(keys).is_duplicated().any()).item():
        records = records.unique(keys, keep="last", maintain_order=True)
    return assign(records, (pl.int_range(pl.len(), dtype=pl.Int64) + first_id).alias("record_id"))


def payload(records: pl.DataFrame) -> pl.Expr:
    """Return each record's stored payload as JSON text (see STORED_FIELDS).

    Computed as the records are written, a slice at a time: held beside the batch from its
    start, the payloads of a full load were a second copy of most of its text.
    """
    return json_object([c for c in records.columns if c in STORED_FIELDS]).alias("data")


def identity_frame(records: pl.DataFrame) -> pl.DataFrame:
    """Return the columns the matching engine compares, for identity-bearing records."""
    cols = {c: records.schema.get(c) for c in IDENTITY_FIELDS}
    rows = present(records, ["identity", "record_id", "source", *IDENTITY_FIELDS]).filter(
        pl.col("identity")
    )
    exprs = [pl.col("record_id"), pl.col("source")]
    for name, dtype in cols.items():
        if dtype is None:
            target = pl.Date if name == "birth_date" else pl.Utf8
            exprs.append(pl.lit(None, dtype=target).alias(name))
        else:
            exprs.append(pl.col(name))
    return rows.select(exprs)
