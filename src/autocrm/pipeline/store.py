"""Read stored source records back into frames shaped like a batch."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from autocrm.core import bulk
from autocrm.sources.config import sources

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


def identity_feeds() -> tuple[str, ...]:
    """Return the feeds whose records name a person: the only ones with profile fields."""
    return tuple(sorted({kind for source in sources().values()
                         for kind, feed in source.feeds.items() if feed.identity}))


def fetch(
    column: str, values: Sequence[object], feeds: Sequence[str] = (), *, current: bool = True,
) -> pl.DataFrame:
    """Return the records whose `column` is in `values`, payload decoded: only current ones
    unless `current` is False, and only of `feeds` when given."""
    if not values:
        return pl.DataFrame()
    where = ["current"] if current else []
    if feeds:  # feed names come from the sources' configuration, not from input
        where.append(f"feed IN ({', '.join(repr(f) for f in feeds)})")
    where.append(f"{column} IN ({{}})")
    raw = bulk.select_frame(
        "SELECT id, customer_id, load_id, source, feed, CAST(event_date AS TEXT), vin, "
        f"dealer_code, held_fields, data FROM sources_sourcerecord WHERE {' AND '.join(where)}",
        values, RAW,
    )  # dates and JSON arrive as text on both databases; Polars decodes them column-wise
    if raw.is_empty():
        return pl.DataFrame()
    meta = raw.drop("data").with_columns(
        pl.col("event_day").str.slice(0, 10).str.to_date(),
        pl.col("held_fields").str.json_decode(pl.List(pl.Utf8)),
    )
    frame = meta.hstack(_payload(raw["data"]))
    casts = [
        pl.col(c).cast(pl.Utf8).str.slice(0, 10).str.to_date(strict=False)
        for c in DATE_COLS if c in frame.columns
    ]
    return frame.with_columns(casts)
