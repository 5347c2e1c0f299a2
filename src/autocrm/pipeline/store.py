"""Read stored source records back into frames shaped like a batch."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from autocrm.core import bulk
from autocrm.customers.models import PROFILE_FIELDS
from autocrm.pipeline.records import IDENTITY_FIELDS
from autocrm.sources.config import sources

RAW = {"record_id": pl.Int64, "customer_id": pl.Int64, "load_id": pl.Int64, "source": pl.Utf8,
       "feed": pl.Utf8, "event_day": pl.Utf8, "vin": pl.Utf8, "dealer_code": pl.Utf8,
       "held_fields": pl.Utf8, "data": pl.Utf8}
# What matching and survivorship read of a stored person's records.
PERSON_FIELDS = (*IDENTITY_FIELDS, *[f for f in PROFILE_FIELDS if f not in IDENTITY_FIELDS])
DATE_COLS = {"birth_date", "purchase_date", "registration_date", "first_service_date",
             "insurance_start", "insurance_end"}


def _payload(data: pl.Series) -> pl.DataFrame:
    """Decode the records' JSON payloads to one column per key (the batch's own columns win)."""
    decoded = data.str.json_decode(infer_schema_length=None)
    if not isinstance(decoded.dtype, pl.Struct) or not decoded.dtype.fields:
        return pl.DataFrame()
    return decoded.struct.unnest().drop(["vin", "dealer_code", "customer_id"], strict=False)


def identity_feeds() -> tuple[str, ...]:
    """Return the feeds whose records name a person: the only ones with profile fields."""
    return tuple(sorted({kind for source in sources().values()
                         for kind, feed in source.feeds.items() if feed.identity}))


def entity_feeds(entity: str) -> tuple[str, ...]:
    """Return the feeds whose records are of `entity` (e.g. "repair": DMS's repair orders)."""
    return tuple(sorted({kind for source in sources().values()
                         for kind, feed in source.feeds.items() if feed.entity == entity}))


def _payload_field(name: str) -> str:
    """Return SQL reading payload key `name` as text (names come from code, never input)."""
    if not name.isidentifier():
        raise ValueError(f"not a payload field: {name!r}")
    if bulk.is_postgres():
        return f"data->>'{name}'"
    return f"CAST(json_extract(data, '$.{name}') AS TEXT)"


def fetch(
    column: str, values: Sequence[object], feeds: Sequence[str] = (), *,
    fields: Sequence[str] | None = None, current: bool = True,
) -> pl.DataFrame:
    """Return the records whose `column` is in `values`, payload decoded: only current ones
    unless `current` is False, and only of `feeds` when given.

    `fields` names the payload keys wanted (every key when None). The database then reads
    just those out of each payload, as text: at a million customers a daily load reads 400k
    stored records, whose whole payloads took 4 s to send and 3.5 s to decode as JSON.
    """
    if not values:
        return pl.DataFrame()
    where = ["current"] if current else []
    if feeds:  # feed names come from the sources' configuration, not from input
        where.append(f"feed IN ({', '.join(repr(f) for f in feeds)})")
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
