"""Read stored source records back into frames shaped like a batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from autocrm.core import bulk

META = ["record_id", "customer_id", "load_id", "source", "feed", "event_day", "vin",
        "dealer_code", "held_fields", "data"]
DATE_COLS = {"birth_date", "purchase_date", "registration_date", "first_service_date",
             "insurance_start", "insurance_end"}


def _day(value: object) -> dt.date | None:
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value if isinstance(value, dt.date) else None


def _payload(data: pl.Series) -> pl.DataFrame:
    """Decode the records' JSON payloads to one column per key (the batch's own columns win)."""
    decoded = data.str.json_decode(infer_schema_length=None)
    if not isinstance(decoded.dtype, pl.Struct) or not decoded.dtype.fields:
        return pl.DataFrame()
    return decoded.struct.unnest().drop(["vin", "dealer_code", "customer_id"], strict=False)


def fetch(column: str, values: Sequence[object], exclude: set[int] | None = None) -> pl.DataFrame:
    """Return the current records whose `column` is in `values`, payload decoded."""
    if not values:
        return pl.DataFrame()
    rows = bulk.select_in(
        "SELECT id, customer_id, load_id, source, feed, event_date, vin, dealer_code, "
        f"held_fields, data FROM sources_sourcerecord WHERE current AND {column} IN ({{}})",
        values,
    )
    if exclude:
        rows = [r for r in rows if r[0] not in exclude]
    if not rows:
        return pl.DataFrame()
    raw = pl.DataFrame(
        [(*r[:5], _day(r[5]), *r[6:]) for r in rows],
        schema={"record_id": pl.Int64, "customer_id": pl.Int64, "load_id": pl.Int64,
                "source": pl.Utf8, "feed": pl.Utf8, "event_day": pl.Date, "vin": pl.Utf8,
                "dealer_code": pl.Utf8, "held_fields": pl.Utf8, "data": pl.Utf8},
        orient="row",
    )  # the JSON columns arrive as text on both databases; Polars decodes them column-wise
    meta = raw.drop("data").with_columns(pl.col("held_fields").str.json_decode(pl.List(pl.Utf8)))
    frame = meta.hstack(_payload(raw["data"]))
    casts = [
        pl.col(c).cast(pl.Utf8).str.slice(0, 10).str.to_date(strict=False)
        for c in DATE_COLS if c in frame.columns
    ]
    return frame.with_columns(casts)
