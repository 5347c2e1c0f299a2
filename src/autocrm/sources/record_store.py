"""The stored source records: written, retired and moved in bulk, read back as batch frames.

Only this module (and the identity keys beside it) names the source tables in SQL; the batch
and the services call these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import polars as pl

from autocrm.core import bulk
from autocrm.sources import key_store
from autocrm.sources.config import FeedId, feed_sql
from autocrm.sources.models import Load, SourceRecord

RAW = {"record_id": pl.Int64, "customer_id": pl.Int64, "load_id": pl.Int64, "source": pl.Utf8,
       "feed": pl.Utf8, "event_day": pl.Utf8, "vin": pl.Utf8, "dealer_code": pl.Utf8,
       "held_fields": pl.Utf8, "data": pl.Utf8}
DATE_COLS = {"birth_date", "purchase_date", "registration_date", "first_service_date",
             "insurance_start", "insurance_end"}


def _payload(data: pl.Series) -> pl.DataFrame:
    """Decode the records' JSON payloads to one column per key (the batch's own columns win)."""
    decoded = data.str.json_decode(infer_schema_length=None)
    if not isinstance(decoded.dtype, pl.Struct) or not decoded.dtype.fields:
        return pl.DataFrame()
    return decoded.struct.unnest().drop(["vin", "dealer_code", "customer_id"], strict=False)


def _payload_field(name: str) -> str:
    """Return SQL reading payload key `name` as text (names come from code, never input)."""
    if not name.isidentifier():
        raise ValueError(f"not a payload field: {name!r}")
    if bulk.is_postgres():
        return f"data->>'{name}'"
    return f"CAST(json_extract(data, '$.{name}') AS TEXT)"


def fetch(
    column: str, values: Sequence[object], feeds: Sequence[FeedId] = (), *,
    fields: Sequence[str] | None = None, current: bool = True,
) -> pl.DataFrame:
    """Return the records whose `column` is in `values`, payload decoded: only current ones
    unless `current` is False, and only of `feeds` when given.

    `fields` names the payload keys wanted (every key when None). The database then reads
    just those out of each payload, as text: at a million customers a daily load reads 400k
    stored records, whose whole payloads were most of what it sent and decoded.
    """
    if not values:
        return pl.DataFrame()
    where = ["current"] if current else []
    if feeds:  # feed names come from the sources' configuration, not from input
        where.append(feed_sql(feeds))
    where.append(f"{column} IN ({{}})")
    wanted = {} if fields is None else {f: pl.Utf8 for f in fields if f not in RAW}
    payload = ["data"] if fields is None else [_payload_field(f) for f in wanted]
    schema = {k: v for k, v in RAW.items() if k != "data" or fields is None}
    raw = bulk.select_frame(
        "SELECT " + ", ".join([
            "id", "customer_id", "load_id", "source", "feed", "CAST(event_date AS TEXT)", "vin",
            "dealer_code", "held_fields", *payload,
        ]) + f" FROM sources_sourcerecord WHERE {' AND '.join(where)}",
        values, schema | wanted,
    )  # dates and JSON arrive as text on both databases; Polars decodes them column-wise
    if raw.is_empty():
        return pl.DataFrame()
    meta = raw.drop("data", strict=False).with_columns(
        pl.col("event_day").str.slice(0, 10).str.to_date(),
        pl.col("held_fields").str.json_decode(pl.List(pl.Utf8)),
    )
    frame = meta.hstack(_payload(raw["data"])) if fields is None else meta
    casts = [
        pl.col(c).cast(pl.Utf8).str.slice(0, 10).str.to_date(strict=False)
        for c in DATE_COLS if c in frame.columns
    ]
    return frame.with_columns(casts)


# The 360° view's records of one customer (and, by id, the records its lineage names).
RECORDS_SQL = (
    "SELECT r.id, r.load_id, r.source, r.dealer_code, r.row_no, r.event_date, r.data, "
    "r.held_fields, l.file_name, l.started_at FROM sources_sourcerecord r "
    "JOIN sources_load l ON l.id = r.load_id WHERE {} ORDER BY r.id"
)
TABLE = SourceRecord._meta.db_table
LOADS = Load._meta.db_table
OLD_SCHEMA = {"id": pl.Int64, "customer_id": pl.Int64, "vin": pl.Utf8, "source": pl.Utf8,
              "feed": pl.Utf8, "record_key": pl.Utf8}


class Superseded(NamedTuple):
    """What a batch brings that the store lacks, and the stored versions it retires."""

    records: pl.DataFrame  # the batch without the rows that came again unchanged
    old: pl.DataFrame  # the stored versions the batch replaces (OLD_SCHEMA)
    unchanged: dict[int, int]  # load id -> rows that came again as stored


def next_id() -> int:
    """Return the id the next source record gets."""
    return bulk.next_id(TABLE)


def any_with_vin() -> bool:
    """Return whether any stored record names a car."""
    return bulk.exists(f"SELECT 1 FROM {TABLE} WHERE vin IS NOT NULL")


def _stored_feeds(records: pl.DataFrame) -> pl.DataFrame:
    """Return record_id, source, feed, record_key and digest of the batch's rows of feeds the
    store already holds."""
    # group_by, not unique(): a multi-column unique over a batch's rows peaks far higher
    feeds = records.select("source", "feed", "load_id").group_by("source", "feed").agg(
        pl.col("load_id").min()
    )
    # Ask the loads, not the records: a LIMIT 1 over the records of a feed the store lacks, or
    # holds far down the table, scans it.
    held = [
        (source, feed) for source, feed, first in feeds.iter_rows()
        if bulk.exists(f"SELECT 1 FROM {LOADS} WHERE source = %s AND feed = %s "
                       "AND status = 'done' AND id < %s", [source, feed, first])
    ]
    keys = ["record_id", "source", "feed", "record_key", "digest"]
    if not held:  # a first load: nothing to supersede, and no join over every row
        return pl.DataFrame(schema={**dict.fromkeys(keys, pl.Utf8), "record_id": pl.Int64,
                                    "digest": pl.Int64})
    names = [f"{s}/{f}" for s, f in held]
    return records.select(keys).filter(
        pl.concat_str(["source", "feed"], separator="/").is_in(names)
    )


def supersede(records: pl.DataFrame, unlinked: Sequence[FeedId],
              owner_found: pl.Series | None = None) -> Superseded:
    """Retire the stored versions of the batch's record keys, and leave out of the batch the
    rows that come again as they are stored.

    Source systems send whole extracts: most of a dealer's customer file is the rows nobody
    edited since the last one. Such a row (the same digest of every field) keeps its stored
    record, and the file and row that brought it first; writing it again would retire a
    record for the same values and touch its customer, its vehicle and their indexes for
    nothing. A stored record without a customer (a dealer's car whose owner had not arrived
    yet) is replaced only when its owner is now known (its row's id in `owner_found`), so the
    new version is linked to that owner; otherwise it too stays as stored. The identity keys
    of retired records go with them; the caller retires what other apps derived from them.
    """
    relink = owner_found if owner_found is not None else pl.Series([], dtype=pl.Int64)
    keys = _stored_feeds(records).with_columns(
        pl.col("record_id").is_in(relink.implode()).cast(pl.Int64).alias("relink"))
    found = bulk.select_join_frame(
        "SELECT s.id, s.customer_id, s.vin, s.source, s.feed, s.record_key, k.record_id, "
        "CASE WHEN s.digest = k.digest AND (s.customer_id IS NOT NULL "
        f"OR {feed_sql(unlinked, 's.')} OR k.relink = 0) THEN 1 ELSE 0 END "
        f"FROM {{}} k JOIN {TABLE} s ON s.source = k.source AND s.feed = k.feed "
        "AND s.record_key = k.record_key WHERE s.current",
        keys, {**OLD_SCHEMA, "record_id": pl.Int64, "same": pl.Int64},
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
        bulk.execute_in(f"UPDATE {TABLE} SET current = %s WHERE id IN ({{}})", ids, [False])
        key_store.retire(ids)
    return Superseded(records, old, unchanged)


def write(records: pl.DataFrame, payload: pl.Expr) -> int:
    """Insert a batch's source records with their JSON `payload` and held fields."""
    return bulk.insert_frame(TABLE, records, cluster="customer_id", select=[
        pl.col("record_id").alias("id"), "load_id", "source", "feed", "row_no", "record_key",
        "customer_id", "vin", "dealer_code", pl.col("event_day").alias("event_date"),
        payload, pl.col("held_fields").fill_null([]).cast(pl.List(pl.Utf8)),
        pl.lit(True).alias("current"), "digest",
    ])


def owners_by_key(feed: FeedId, keys: Sequence[str]) -> list[tuple[str, int]]:
    """Return (record_key, customer_id) of the current records of one feed with these keys."""
    return [(k, c) for k, c in bulk.select_in(
        f"SELECT record_key, customer_id FROM {TABLE} WHERE current AND {feed_sql([feed])} "
        "AND record_key IN ({})", keys,
    )]


def move(record_ids: Sequence[int], customer_id: int) -> list[str]:
    """Give records to another customer, with their identity keys; return their cars' VINs."""
    bulk.execute_in(f"UPDATE {TABLE} SET customer_id = %s WHERE id IN ({{}})", record_ids,
                    [customer_id])
    key_store.move(record_ids, customer_id)
    vins = SourceRecord.objects.filter(id__in=record_ids, vin__isnull=False)
    return sorted({vin for vin in vins.values_list("vin", flat=True) if vin is not None})


def assignments(exclude: Sequence[FeedId] = ()) -> pl.DataFrame:
    """Return source, feed, key, customer_id of every current record with a customer."""
    where = f" AND NOT {feed_sql(exclude)}" if exclude else ""
    with bulk.connection.cursor() as cur:
        cur.execute(f"SELECT source, feed, record_key, customer_id FROM {TABLE} "
                    f"WHERE current AND customer_id IS NOT NULL{where}")
        rows = cur.fetchall()
    return pl.DataFrame(rows, schema={"source": pl.Utf8, "feed": pl.Utf8, "key": pl.Utf8,
                                      "customer_id": pl.Int64}, orient="row")
